//! `GetUserAttributeVerificationCode` and `VerifyUserAttribute`, and the verification
//! codes `UpdateUserAttributes` sends.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html>
//!
//! Every attribute verification code is sent with a *target* row beside it in the code
//! store (`verify_target:<attr>`, sealed with the server key, expiring with the code):
//! the value the code proves. `VerifyUserAttribute` only verifies that value, so a
//! code sent to one address cannot verify another one set later. When the pool lists
//! the attribute in `AttributesRequireVerificationBeforeUpdate` and the current value
//! is verified, the target *holds* the new value instead: the old value stays in place
//! (and keeps signing in) until the code applies the new one. The held value is never
//! an attribute, so no read path (GetUser, AdminGetUser, ListUsers, ID tokens) shows it.

use super::{VERIFIABLE, value_of};
use crate::Core;
use crate::codes::{Purpose, code_mismatch};
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::messages;
use crate::store::{CodeRecord, UserPoolRecord, UserRecord};
use cognate_proto::self_service::{
    AttributeVerificationRequest, CodeDeliveryDetails, CodeDeliveryResponse,
};
use cognate_proto::validate::Validator;

/// `GetUserAttributeVerificationCode` calls per user and hour (§6.10).
pub const VERIFICATION_CODES_PER_HOUR: i64 = 5;
/// `VerifyUserAttribute` calls per user and hour (§6.10).
pub const VERIFY_ATTRIBUTE_PER_HOUR: i64 = 15;

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

/// The value a verification code proves; a `held` value is not yet the user's: the
/// code applies it (`AttributesRequireVerificationBeforeUpdate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    /// The address or number.
    pub(super) value: String,
    /// Whether the value waits to replace the current one.
    pub(super) held: bool,
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
    /// The stored target of `attr`'s verification code, if it has not expired.
    pub(super) async fn verification_target(
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
    pub(super) async fn send_verification(
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
    pub(super) async fn drop_verification(&self, user: &UserRecord, attr: &str) -> CoreResult<()> {
        self.store.delete_code(user.id, &target_key(attr)).await?;
        self.store
            .delete_code(user.id, purpose_of(attr).key())
            .await?;
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
}
