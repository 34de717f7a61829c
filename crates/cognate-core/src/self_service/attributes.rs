//! `UpdateUserAttributes` and `DeleteUserAttributes`: the token's app client may write
//! only its `WriteAttributes` (required attributes stay writable); `sub`, the
//! verification flags and developer-only attributes are never writable here (§5.10,
//! §6.3). A changed email or phone number gets a code (see [`super::verification`]).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html>

use super::verification::Target;
use super::{VERIFIABLE, listed, value_of};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::schema::{self, Writer};
use crate::store::{UserPoolRecord, UserRecord};
use crate::user::attribute_map;
use cognate_proto::self_service::{
    DeleteUserAttributesRequest, UpdateUserAttributesRequest, UpdateUserAttributesResponse,
};
use cognate_proto::validate::Validator;
use std::collections::BTreeMap;

/// Only the service sets these, after a code proves the address.
const VERIFIED_FLAGS: [&str; 2] = ["email_verified", "phone_number_verified"];

fn unauthorized_attribute() -> CoreError {
    CoreError::NotAuthorized("A client attempted to write unauthorized attribute".into())
}

/// A verifiable attribute an update changed, and the value its code must prove.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Changed {
    attr: &'static str,
    target: Target,
}

/// Refuses names the token's client may not write (§5.10, §6.3).
pub(crate) fn check_writable(
    pool: &UserPoolRecord,
    write: Option<&[String]>,
    name: &str,
) -> CoreResult<()> {
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

impl Core {
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
