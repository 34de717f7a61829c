//! The operations a signed-in user runs on their own account with an access token:
//! `GetUser`, `UpdateUserAttributes`, `DeleteUserAttributes`,
//! `GetUserAttributeVerificationCode`, `VerifyUserAttribute`, `ChangePassword` and
//! `DeleteUser`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html>
//!
//! The token's app client limits what may be read (`ReadAttributes`) and written
//! (`WriteAttributes`; required attributes stay writable); `sub`, the verification
//! flags and developer-only attributes are never writable here (§6.3).
//!
//! Every attribute verification code is sent with a *target* row beside it in the code
//! store (`verify_target:<attr>`, sealed with the server key, expiring with the code):
//! the value the code proves. `VerifyUserAttribute` only verifies that value, so a
//! code sent to one address cannot verify another set later. When the pool lists the
//! attribute in `AttributesRequireVerificationBeforeUpdate` and the current value is
//! verified, the target *holds* the new value instead of writing it: the old value
//! stays in place (and keeps signing in) until the code applies the new one. The held
//! value is never an attribute, so no read path (GetUser, AdminGetUser, ListUsers, ID
//! tokens) can show it.

use crate::Core;
use crate::auth::access::AccessContext;
use crate::codes::{Purpose, code_mismatch};
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::messages;
use crate::password::check_shape;
use crate::recovery::pool_policy;
use crate::schema::{self, Writer};
use crate::store::{AppClientRecord, CodeRecord, UserPoolRecord, UserRecord};
use crate::user::{attribute_map, wire_attributes};
use cognate_proto::auth::AccessTokenRequest;
use cognate_proto::self_service::{
    AttributeVerificationRequest, ChangePasswordRequest, CodeDeliveryDetails, CodeDeliveryResponse,
    DeleteUserAttributesRequest, GetUserResponse, UpdateUserAttributesRequest,
    UpdateUserAttributesResponse,
};
use cognate_proto::validate::Validator;
use std::collections::BTreeMap;

/// `ChangePassword` calls per user and hour (§6.10).
pub const CHANGE_PASSWORD_PER_HOUR: i64 = 5;
/// `GetUserAttributeVerificationCode` calls per user and hour (§6.10).
pub const VERIFICATION_CODES_PER_HOUR: i64 = 5;
/// `VerifyUserAttribute` calls per user and hour (§6.10).
pub const VERIFY_ATTRIBUTE_PER_HOUR: i64 = 15;

/// Attributes proven with a code.
const VERIFIABLE: [&str; 2] = ["email", "phone_number"];
/// Only the service sets these, after a code proves the address.
const VERIFIED_FLAGS: [&str; 2] = ["email_verified", "phone_number_verified"];

fn unauthorized_attribute() -> CoreError {
    CoreError::NotAuthorized("A client attempted to write unauthorized attribute".into())
}

fn purpose_of(attr: &str) -> Purpose {
    if attr == "email" {
        Purpose::VerifyEmail
    } else {
        Purpose::VerifyPhone
    }
}

fn target_key(attr: &str) -> String {
    format!("verify_target:{attr}")
}

fn target_context(user: &UserRecord, attr: &str) -> String {
    format!("verify-target:{}:{}:{attr}", user.pool_id, user.sub)
}

/// A client's attribute list; an absent or empty list means the defaults.
fn listed(list: &Option<Vec<String>>) -> Option<&[String]> {
    list.as_deref().filter(|l| !l.is_empty())
}

fn value_of<'a>(user: &'a UserRecord, attr: &str) -> Option<&'a String> {
    user.attributes.get(attr).filter(|v| !v.is_empty())
}

/// The value a verification code proves. `held` values are not yet the user's: the
/// code applies them (`AttributesRequireVerificationBeforeUpdate`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    value: String,
    held: bool,
}

/// A verifiable attribute an update changed, and whether its new value waits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Changed {
    attr: &'static str,
    target: Target,
}

/// Refuses names the token's client may not write (§5.10, §6.3).
fn check_writable(pool: &UserPoolRecord, write: Option<&[String]>, name: &str) -> CoreResult<()> {
    let developer_only =
        schema::find(&pool.schema, name).is_some_and(|a| a.developer_only_attribute == Some(true));
    let granted = write.is_none_or(|w| w.iter().any(|a| a == name))
        || schema::required_names(&pool.schema)
            .iter()
            .any(|r| r == name);
    if name == "sub" || VERIFIED_FLAGS.contains(&name) || developer_only || !granted {
        return Err(unauthorized_attribute());
    }
    Ok(())
}

/// Required attributes and the attribute users sign in with cannot be removed.
fn check_removable(pool: &UserPoolRecord, name: &str) -> CoreResult<()> {
    if schema::required_names(&pool.schema)
        .iter()
        .any(|r| r == name)
    {
        return Err(CoreError::InvalidParameter(format!(
            "{name} is a required attribute and cannot be removed."
        )));
    }
    if SignInConfig::of(&pool.settings)
        .username_attributes
        .iter()
        .any(|a| a == name)
    {
        return Err(CoreError::InvalidParameter(format!(
            "{name} is used as the username and cannot be removed."
        )));
    }
    Ok(())
}

fn requires_verification_before_update(pool: &UserPoolRecord, attr: &str) -> bool {
    pool.settings
        .user_attribute_update_settings
        .as_ref()
        .and_then(|s| s.get("AttributesRequireVerificationBeforeUpdate"))
        .and_then(serde_json::Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == attr))
}

fn auto_verified(pool: &UserPoolRecord, attr: &str) -> bool {
    pool.settings
        .auto_verified_attributes
        .as_ref()
        .is_some_and(|a| a.iter().any(|v| v == attr))
}

/// Applies an update to `user`: empty values remove, a changed email or phone number
/// becomes unverified, unless the pool holds it back until verified (then the old
/// verified value stays). Returns the changed verifiable attributes.
fn apply_changes(
    pool: &UserPoolRecord,
    user: &mut UserRecord,
    changes: &BTreeMap<String, String>,
) -> Vec<Changed> {
    let mut out = Vec::new();
    for (name, value) in changes {
        if value.is_empty() {
            user.attributes.remove(name);
            continue;
        }
        if let Some(attr) = VERIFIABLE.into_iter().find(|a| a == name)
            && value_of(user, attr) != Some(value)
        {
            let flag = format!("{attr}_verified");
            let held = requires_verification_before_update(pool, attr)
                && value_of(user, attr).is_some()
                && user.attributes.get(&flag).is_some_and(|v| v == "true");
            out.push(Changed {
                attr,
                target: Target {
                    value: value.clone(),
                    held,
                },
            });
            if held {
                continue;
            }
            user.attributes.insert(flag, "false".into());
        }
        user.attributes.insert(name.clone(), value.clone());
    }
    out
}

/// Validates `AttributeName` for the verification operations.
fn verifiable_attribute(name: &Option<String>) -> CoreResult<&'static str> {
    let mut val = Validator::new();
    val.required("attributeName", name)
        .len("attributeName", name.as_deref(), 1, 32);
    val.finish().map_err(CoreError::InvalidParameter)?;
    let name = name.as_deref().unwrap_or_default();
    VERIFIABLE
        .into_iter()
        .find(|a| *a == name)
        .ok_or_else(|| CoreError::InvalidParameter(format!("Invalid attribute name: {name}")))
}

impl Core {
    /// The client the token was issued to; a token of a deleted client is refused.
    async fn token_client(&self, ctx: &AccessContext) -> CoreResult<AppClientRecord> {
        self.store
            .get_client(&ctx.client_id)
            .await?
            .filter(|c| c.pool_id == ctx.pool.id)
            .ok_or_else(|| CoreError::NotAuthorized("Invalid Access Token".into()))
    }

    /// Re-reads the user, applies `change` and saves, retrying if a concurrent write won.
    async fn change_own_user<T>(
        &self,
        pool: &UserPoolRecord,
        user_id: i64,
        change: impl Fn(&mut UserRecord) -> CoreResult<T>,
    ) -> CoreResult<(UserRecord, T)> {
        for _ in 0..3 {
            let mut user = self
                .store
                .get_user_by_id(user_id)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            let out = change(&mut user)?;
            match self.save_user(pool, user, Vec::new()).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|u| (u, out)),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    /// The stored target of `attr`'s verification code, if it has not expired.
    async fn verification_target(
        &self,
        user: &UserRecord,
        attr: &str,
    ) -> CoreResult<Option<Target>> {
        let Some(rec) = self.store.get_code(user.id, &target_key(attr)).await? else {
            return Ok(None);
        };
        if self.now() > rec.expires_at {
            return Ok(None);
        }
        let plain = self
            .server_key
            .open_text(&target_context(user, attr), &rec.code_hash)
            .and_then(|b| String::from_utf8(b).ok());
        Ok(plain.and_then(|p| {
            let (mode, value) = p.split_once(':')?;
            Some(Target {
                value: value.to_owned(),
                held: mode == "hold",
            })
        }))
    }

    /// Sends a verification code for `attr` to `target.value` and stores the target.
    async fn send_verification(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        attr: &str,
        target: &Target,
    ) -> CoreResult<CodeDeliveryDetails> {
        let purpose = purpose_of(attr);
        let now = self.now();
        let mode = if target.held { "hold" } else { "check" };
        let sealed = self.server_key.seal_text(
            &target_context(user, attr),
            format!("{mode}:{}", target.value).as_bytes(),
        );
        // Not a code: a sealed value in the code store, so it expires with its code
        // and goes with the user. No attempts, so it can never pass as a code.
        let record = CodeRecord {
            user_id: user.id,
            purpose: target_key(attr),
            code_hash: sealed,
            expires_at: now + purpose.lifetime_ms(),
            attempts_left: 0,
            created_at: now,
        };
        self.store.put_code(&record, None).await?;
        let mut addressed = user.clone();
        addressed
            .attributes
            .insert(attr.to_owned(), target.value.clone());
        let delivery = messages::verification(pool, &addressed, attr)
            .ok_or_else(|| CoreError::InvalidParameter(format!("No {attr} to verify.")))?;
        self.send_code(&addressed, purpose, &delivery).await
    }

    /// Drops `attr`'s outstanding code and target (its value is gone or replaced).
    async fn drop_verification(&self, user: &UserRecord, attr: &str) -> CoreResult<()> {
        self.store.delete_code(user.id, &target_key(attr)).await?;
        self.store
            .delete_code(user.id, purpose_of(attr).key())
            .await?;
        Ok(())
    }

    /// `GetUser`: the user's attributes the token's client may read (`sub` always).
    pub async fn get_user(&self, req: AccessTokenRequest) -> CoreResult<GetUserResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let client = self.token_client(&ctx).await?;
        let only = listed(&client.settings.read_attributes).map(|r| {
            let mut names = r.to_vec();
            names.push("sub".into());
            names
        });
        Ok(GetUserResponse {
            user_attributes: wire_attributes(&ctx.user, only.as_deref()),
            username: ctx.user.username,
            mfa_options: None,
            preferred_mfa_setting: None,
            user_mfa_setting_list: None,
        })
    }

    /// `UpdateUserAttributes`: an empty value removes; a changed email or phone number
    /// gets a code (when the pool auto-verifies it or holds it until verified).
    pub async fn update_user_attributes(
        &self,
        req: UpdateUserAttributesRequest,
    ) -> CoreResult<UpdateUserAttributesResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        val.required("userAttributes", &req.user_attributes);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let changes = attribute_map(req.user_attributes.as_deref().unwrap_or_default())?;
        let client = self.token_client(&ctx).await?;
        let pool = &ctx.pool;
        for (name, value) in &changes {
            check_writable(pool, listed(&client.settings.write_attributes), name)?;
            if value.is_empty() {
                check_removable(pool, name)?;
            }
        }
        schema::check_attributes(&pool.schema, &changes, Writer::AdminUpdate)?;
        let (user, changed) = self
            .change_own_user(pool, ctx.user.id, |u| Ok(apply_changes(pool, u, &changes)))
            .await?;
        let mut details = Vec::new();
        for attr in VERIFIABLE {
            let Some(value) = changes.get(attr) else {
                continue;
            };
            match changed.iter().find(|c| c.attr == attr) {
                Some(c) if c.target.held || auto_verified(pool, attr) => {
                    details.push(self.send_verification(pool, &user, attr, &c.target).await?);
                }
                // Unchanged: a held value is withdrawn, a code for the current one stays.
                None if !value.is_empty() => {
                    if self
                        .verification_target(&user, attr)
                        .await?
                        .is_some_and(|t| t.held)
                    {
                        self.drop_verification(&user, attr).await?;
                    }
                }
                _ => self.drop_verification(&user, attr).await?,
            }
        }
        Ok(UpdateUserAttributesResponse {
            code_delivery_details_list: (!details.is_empty()).then_some(details),
        })
    }

    /// `DeleteUserAttributes`.
    pub async fn delete_user_attributes(&self, req: DeleteUserAttributesRequest) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        val.required("userAttributeNames", &req.user_attribute_names);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let names = req.user_attribute_names.unwrap_or_default();
        let client = self.token_client(&ctx).await?;
        let pool = &ctx.pool;
        for name in &names {
            check_writable(pool, listed(&client.settings.write_attributes), name)?;
            let attr = schema::find(&pool.schema, name).ok_or_else(|| {
                CoreError::InvalidParameter(format!("Invalid attribute name {name}."))
            })?;
            if attr.mutable == Some(false) {
                return Err(CoreError::InvalidParameter(format!(
                    "Cannot modify the non-mutable attribute {name}"
                )));
            }
            check_removable(pool, name)?;
        }
        let (user, ()) = self
            .change_own_user(pool, ctx.user.id, |u| {
                for name in &names {
                    u.attributes.remove(name);
                }
                Ok(())
            })
            .await?;
        for attr in VERIFIABLE
            .into_iter()
            .filter(|a| names.iter().any(|n| n == a))
        {
            self.drop_verification(&user, attr).await?;
        }
        Ok(())
    }

    /// `GetUserAttributeVerificationCode`: a code for the email or phone number (or
    /// for the new value waiting for verification), 5 per user and hour.
    pub async fn get_user_attribute_verification_code(
        &self,
        req: AttributeVerificationRequest,
    ) -> CoreResult<CodeDeliveryResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let attr = verifiable_attribute(&req.attribute_name)?;
        let target = match self.verification_target(&ctx.user, attr).await? {
            Some(t) if t.held => t,
            _ => Target {
                value: value_of(&ctx.user, attr).cloned().ok_or_else(|| {
                    CoreError::InvalidParameter(format!(
                        "The user does not have a value for {attr}."
                    ))
                })?,
                held: false,
            },
        };
        self.check_rate(
            &ctx.user,
            "get_user_attribute_verification_code",
            VERIFICATION_CODES_PER_HOUR,
        )
        .await?;
        let details = self
            .send_verification(&ctx.pool, &ctx.user, attr, &target)
            .await?;
        Ok(CodeDeliveryResponse {
            code_delivery_details: details,
        })
    }

    /// `VerifyUserAttribute`: marks the attribute verified (applying a held value),
    /// 15 per user and hour; a value another user signs in with is refused.
    pub async fn verify_user_attribute(&self, req: AttributeVerificationRequest) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let attr = verifiable_attribute(&req.attribute_name)?;
        let mut val = Validator::new();
        val.required("code", &req.code)
            .len("code", req.code.as_deref(), 1, 2048);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let code = req.code.as_deref().unwrap_or_default();
        let (pool, user) = (&ctx.pool, &ctx.user);
        self.check_rate(user, "verify_user_attribute", VERIFY_ATTRIBUTE_PER_HOUR)
            .await?;
        let purpose = purpose_of(attr);
        self.verify_code(user, purpose, code).await?;
        let target = self
            .verification_target(user, attr)
            .await?
            .ok_or(CoreError::ExpiredCode)?;
        // A code proves the value it was sent to, not whatever the attribute holds now.
        if !target.held && value_of(user, attr) != Some(&target.value) {
            return Err(code_mismatch());
        }
        // Refused before the code is spent, so the code still works once the alias is free.
        self.check_login_unclaimed(pool, user, attr, &target.value)
            .await?;
        self.consume_code(user, purpose).await?;
        self.change_own_user(pool, user.id, |u| {
            if target.held {
                u.attributes.insert(attr.to_owned(), target.value.clone());
            } else if value_of(u, attr) != Some(&target.value) {
                return Err(code_mismatch());
            }
            u.attributes
                .insert(format!("{attr}_verified"), "true".into());
            Ok(())
        })
        .await?;
        self.store.delete_code(user.id, &target_key(attr)).await?;
        Ok(())
    }

    /// `AliasExistsException` when another user signs in with `value` as `attr`.
    async fn check_login_unclaimed(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        attr: &str,
        value: &str,
    ) -> CoreResult<()> {
        let cfg = SignInConfig::of(&pool.settings);
        if !cfg.is_verifiable_alias(attr) && !cfg.username_attributes.iter().any(|a| a == attr) {
            return Ok(());
        }
        match self
            .store
            .find_user_by_login(&pool.id, &cfg.normalize(value))
            .await?
        {
            Some(holder) if holder.id != user.id => Err(CoreError::AliasExists(attr.into())),
            _ => Ok(()),
        }
    }

    /// `ChangePassword`: the previous password must match (a wrong one counts toward
    /// lockout); the proposed one must meet the pool's policy; 5 per user and hour.
    pub async fn change_password(&self, req: ChangePasswordRequest) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        val.required("proposedPassword", &req.proposed_password);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let proposed = req.proposed_password.as_deref().unwrap_or_default();
        check_shape("proposedPassword", proposed)?;
        if let Some(previous) = &req.previous_password {
            check_shape("previousPassword", previous)?;
        }
        pool_policy(&ctx.pool).check(proposed)?;
        self.check_rate(&ctx.user, "change_password", CHANGE_PASSWORD_PER_HOUR)
            .await?;
        self.check_previous_password(&ctx.user, req.previous_password.as_deref())
            .await?;
        for _ in 0..3 {
            let user = self
                .store
                .get_user_by_id(ctx.user.id)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            match self.set_password_and_save(&ctx.pool, user, proposed).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    /// Checks `PreviousPassword` under the lockout rules of sign-in. Only users without
    /// a password may omit it (§3.10).
    async fn check_previous_password(
        &self,
        user: &UserRecord,
        previous: Option<&str>,
    ) -> CoreResult<()> {
        let Some(hash) = &user.password_hash else {
            return Ok(());
        };
        let previous = previous.ok_or_else(|| {
            CoreError::InvalidParameter("1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null".into())
        })?;
        self.begin_password_attempt(user).await?;
        if !self.passwords.verify(previous, hash).await? {
            return Err(CoreError::bad_credentials());
        }
        Ok(self.store.clear_failures(user.id).await?)
    }

    /// `DeleteUser`: the user deletes their own account.
    pub async fn delete_user(&self, req: AccessTokenRequest) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        if !self.store.delete_user(&ctx.pool.id, ctx.user.id).await? {
            return Err(CoreError::UserNotFound);
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use cognate_proto::user_pool::UserPoolSettings;

    fn pool(hold: bool) -> UserPoolRecord {
        let mut settings = UserPoolSettings::default();
        if hold {
            settings.user_attribute_update_settings = Some(serde_json::json!({
                "AttributesRequireVerificationBeforeUpdate": ["email"]
            }));
        }
        UserPoolRecord {
            id: "us-east-1_abc".into(),
            name: "p".into(),
            settings,
            schema: schema::standard_schema(),
            created_at: 0,
            updated_at: 0,
            version: 0,
        }
    }

    fn user(attrs: &[(&str, &str)]) -> UserRecord {
        UserRecord {
            id: 1,
            pool_id: "us-east-1_abc".into(),
            username: "alice".into(),
            sub: "s".into(),
            status: "CONFIRMED".into(),
            enabled: true,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            password_hash: None,
            password_set_at: None,
            created_at: 0,
            updated_at: 0,
            version: 0,
        }
    }

    fn changes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_changed_email_becomes_unverified() {
        let mut u = user(&[("email", "a@x.com"), ("email_verified", "true")]);
        let out = apply_changes(&pool(false), &mut u, &changes(&[("email", "b@x.com")]));
        assert_eq!(u.attributes["email"], "b@x.com");
        assert_eq!(u.attributes["email_verified"], "false");
        assert_eq!(out.len(), 1);
        assert!(!out[0].target.held);
    }

    #[test]
    fn a_held_email_leaves_the_verified_one_in_place() {
        let mut u = user(&[("email", "a@x.com"), ("email_verified", "true")]);
        let out = apply_changes(&pool(true), &mut u, &changes(&[("email", "b@x.com")]));
        assert_eq!(u.attributes["email"], "a@x.com");
        assert_eq!(u.attributes["email_verified"], "true");
        assert_eq!(out[0].target.value, "b@x.com");
        assert!(out[0].target.held);
        // Nothing verified to keep: the new value is written at once.
        let mut u = user(&[("email", "a@x.com"), ("email_verified", "false")]);
        let out = apply_changes(&pool(true), &mut u, &changes(&[("email", "b@x.com")]));
        assert_eq!(u.attributes["email"], "b@x.com");
        assert!(!out[0].target.held);
    }

    #[test]
    fn unchanged_values_and_empty_values() {
        let mut u = user(&[("email", "a@x.com"), ("name", "A")]);
        let out = apply_changes(
            &pool(false),
            &mut u,
            &changes(&[("email", "a@x.com"), ("name", "")]),
        );
        assert!(out.is_empty());
        assert!(!u.attributes.contains_key("name"));
        assert!(!u.attributes.contains_key("email_verified"));
    }

    #[test]
    fn clients_cannot_write_flags_sub_or_unlisted_attributes() {
        let p = pool(false);
        for name in ["sub", "email_verified", "phone_number_verified"] {
            assert!(matches!(
                check_writable(&p, None, name),
                Err(CoreError::NotAuthorized(_))
            ));
        }
        assert!(check_writable(&p, None, "name").is_ok());
        let only_email = ["email".to_owned()];
        assert!(check_writable(&p, Some(&only_email), "name").is_err());
        assert!(check_writable(&p, Some(&only_email), "email").is_ok());
    }
}
