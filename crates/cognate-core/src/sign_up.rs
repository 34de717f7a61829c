//! Self-service sign-up: `SignUp` creates an UNCONFIRMED user and sends a confirmation
//! code to the auto-verified attribute, `ConfirmSignUp` spends it (marking that
//! attribute verified and the user CONFIRMED), `ResendConfirmationCode` sends a new one.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html>
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html>
//!
//! The new user and the message carrying its code are written in one transaction, and
//! the code's hash right after (it needs the user's store id). A crash in between
//! leaves an UNCONFIRMED user whose code does not work; ResendConfirmationCode mends it.

pub mod link;

use crate::auth::client::ClientContext;
use crate::codes::{Purpose, code_mismatch};
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::messages::sign_up_delivery;
use crate::password::check_shape;
use crate::recovery::{pool_policy, required_code};
use crate::schema::{self, Writer};
use crate::store::{UserPoolRecord, UserRecord};
use crate::threat::account::AccountEvent;
use crate::threat::{CredentialEvent, EventResponse, EventType};
use crate::user::{attribute_map, check_username, status};
use crate::{Core, ids};
use cognate_proto::common::AttributeType;
use cognate_proto::self_service::{
    CodeDeliveryResponse, CodeRequest, ConfirmSignUpResponse, SignUpRequest, SignUpResponse,
};
use cognate_proto::validate::Validator;
use std::collections::BTreeMap;

/// `ConfirmSignUp` attempts per user and hour.
pub const CONFIRM_SIGN_UP_PER_HOUR: i64 = 15;
/// `ResendConfirmationCode` requests per user and hour.
pub const RESEND_CONFIRMATION_CODE_PER_HOUR: i64 = 5;

/// Only the service sets these, after a code proves the address (§6.3).
const VERIFIED_FLAGS: [&str; 2] = ["email_verified", "phone_number_verified"];

fn not_auto_verified() -> CoreError {
    CoreError::InvalidParameter("Cannot resend codes. Auto verification not turned on.".into())
}

/// Refuses attributes an app client may not write: the verification flags,
/// developer-only attributes, and anything outside the client's `WriteAttributes`.
fn check_client_may_write(ctx: &ClientContext, attrs: &BTreeMap<String, String>) -> CoreResult<()> {
    let allowed = ctx
        .client
        .settings
        .write_attributes
        .as_ref()
        .filter(|w| !w.is_empty());
    let refused = attrs.keys().any(|name| {
        VERIFIED_FLAGS.contains(&name.as_str())
            || schema::find(&ctx.pool.schema, name)
                .is_some_and(|a| a.developer_only_attribute == Some(true))
            || allowed.is_some_and(|w| !w.iter().any(|a| a == name))
    });
    if refused {
        return Err(CoreError::NotAuthorized(
            "A client attempted to write unauthorized attribute".into(),
        ));
    }
    Ok(())
}

/// SignUp must supply every required attribute (AdminCreateUser need not).
fn check_required(pool: &UserPoolRecord, attrs: &BTreeMap<String, String>) -> CoreResult<()> {
    let missing: Vec<String> = schema::required_names(&pool.schema)
        .into_iter()
        .filter(|n| attrs.get(n).is_none_or(String::is_empty))
        .map(|n| format!("{n}: The attribute is required"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CoreError::InvalidParameter(format!(
        "Attributes did not conform to the schema: {}",
        missing.join("\n")
    )))
}

impl Core {
    /// `SignUp`: creates an UNCONFIRMED user with a password and sends a confirmation
    /// code when the pool auto-verifies an attribute the user gave.
    pub async fn sign_up(&self, req: SignUpRequest) -> CoreResult<SignUpResponse> {
        let username = check_username(&req.username)?.to_owned();
        let mut val = Validator::new();
        val.required("password", &req.password);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let password = req.password.as_deref().unwrap_or_default();
        check_shape("password", password)?;
        let ctx = self.client_context(&req.client_id, None).await?;
        let admin_only = ctx
            .pool
            .settings
            .admin_create_user_config
            .as_ref()
            .and_then(|c| c.allow_admin_create_user_only)
            == Some(true);
        if admin_only {
            return Err(CoreError::NotAuthorized(
                "SignUp is not permitted for this user pool".into(),
            ));
        }
        ctx.check_secret_hash(&username, req.secret_hash.as_deref())?;
        pool_policy(&ctx.pool).check(password)?;
        let event = AccountEvent::of(
            &ctx,
            req.user_context_data.as_ref(),
            None,
            EventType::SignUp,
        );
        let compromised = self
            .screen_new_password(&event, CredentialEvent::SignUp, password)
            .await?;
        let attrs = req.user_attributes.as_deref().unwrap_or_default();
        let mut user = self.new_sign_up_user(&ctx, &username, attrs)?;
        let (hash, srp) = self
            .password_credentials(&ctx.pool.id, &user, password)
            .await?;
        user.password_hash = Some(hash);
        let pending = self
            .sign_up_message(&ctx, &user)
            .await?
            .map(|d| self.new_pending_code(&user, Purpose::SignUp, &d));
        let outbox = pending.iter().map(|p| p.message.clone()).collect();
        let user = self
            .insert_new_user(&ctx.pool, user, outbox, false, Some(srp))
            .await
            .map_err(|e| match e {
                // AdminCreateUser's wording differs; SignUp answers "User already exists".
                CoreError::UsernameExists(m) if m == "User account already exists" => {
                    CoreError::UsernameExists("User already exists".into())
                }
                other => other,
            })?;
        let code_delivery_details = match pending {
            Some(p) => Some(self.store_pending_code(user.id, p).await?),
            None => None,
        };
        let event = AccountEvent {
            user_id: Some(user.id),
            ..event
        };
        self.record_account_event(&event, EventResponse::Pass, compromised, None)
            .await;
        Ok(SignUpResponse {
            user_confirmed: false,
            user_sub: user.sub,
            code_delivery_details,
            session: None,
        })
    }

    /// The record of a new self-registered user: attributes checked against the
    /// schema and the client's write permissions; in email/phone-as-username pools the
    /// username fills that attribute and the internal username is the new `sub`.
    fn new_sign_up_user(
        &self,
        ctx: &ClientContext,
        username: &str,
        attrs: &[AttributeType],
    ) -> CoreResult<UserRecord> {
        let pool = &ctx.pool;
        let mut attributes = attribute_map(attrs)?;
        check_client_may_write(ctx, &attributes)?;
        schema::check_attributes(&pool.schema, &attributes, Writer::Create)?;
        let cfg = SignInConfig::of(&pool.settings);
        let sub = ids::sub();
        let internal_username = if cfg.uses_attributes_as_username() {
            let attr = cfg.username_attribute_for(username)?;
            if attributes.get(attr).is_some_and(|v| v != username) {
                return Err(CoreError::InvalidParameter(format!(
                    "The {attr} attribute must match the username."
                )));
            }
            attributes.insert(attr.to_owned(), username.to_owned());
            sub.clone()
        } else {
            cfg.check_plain_username(username)?;
            username.to_owned()
        };
        check_required(pool, &attributes)?;
        let now = self.now();
        Ok(UserRecord {
            id: 0,
            pool_id: pool.id.clone(),
            username: internal_username,
            sub,
            status: status::UNCONFIRMED.into(),
            enabled: true,
            attributes,
            password_hash: None,
            password_set_at: Some(now),
            created_at: now,
            updated_at: now,
            version: 0,
        })
    }

    /// `ConfirmSignUp`: spends the sign-up code, marks the attribute it went to as
    /// verified and confirms the user. 15 attempts per user and hour.
    pub async fn confirm_sign_up(&self, req: CodeRequest) -> CoreResult<ConfirmSignUpResponse> {
        let code = required_code(&req.confirmation_code)?;
        let call = self
            .code_call(&req.client_id, &req.username, req.secret_hash.as_deref())
            .await?;
        let pool = &call.ctx.pool;
        let Some(user) = self.visible_user(&call).await? else {
            return Err(code_mismatch());
        };
        if user.status != status::UNCONFIRMED {
            return Err(CoreError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        self.check_rate(&user, "confirm_sign_up", CONFIRM_SIGN_UP_PER_HOUR)
            .await?;
        self.verify_code(&user, Purpose::SignUp, code).await?;
        let verified = sign_up_delivery(pool, &user).map(|d| d.attribute);
        let force = req.force_alias_creation == Some(true);
        // A taken alias is refused before the code is spent, so the user can retry
        // with ForceAliasCreation using the same code.
        if let Some(attr) = verified.filter(|_| !force) {
            self.check_alias_free(pool, &user, attr).await?;
        }
        self.consume_code(&user, Purpose::SignUp).await?;
        self.confirm_user(pool, &user, verified, force).await?;
        Ok(ConfirmSignUpResponse {
            session: self.sign_up_session(&call.ctx, &user),
        })
    }

    /// `AliasExistsException` when another user signs in with `attr`'s value.
    async fn check_alias_free(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        attr: &str,
    ) -> CoreResult<()> {
        let cfg = SignInConfig::of(&pool.settings);
        let Some(value) = user
            .attributes
            .get(attr)
            .filter(|_| cfg.is_verifiable_alias(attr))
        else {
            return Ok(());
        };
        match self
            .store
            .find_user_by_login(&pool.id, &cfg.normalize(value))
            .await?
        {
            Some(holder) if holder.id != user.id => Err(CoreError::AliasExists(attr.into())),
            _ => Ok(()),
        }
    }

    /// Marks `verified` (`email`/`phone_number`) verified and the user CONFIRMED. With
    /// `force`, an alias held by another user moves here and becomes unverified there.
    async fn confirm_user(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        verified: Option<&str>,
        force: bool,
    ) -> CoreResult<()> {
        for _ in 0..3 {
            let mut current = self
                .store
                .find_user_by_sub(&pool.id, &user.sub)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            if current.status != status::UNCONFIRMED {
                return Ok(());
            }
            current.status = status::CONFIRMED.into();
            if let Some(attr) = verified {
                current
                    .attributes
                    .insert(format!("{attr}_verified"), "true".into());
            }
            match self.save_user(pool, current.clone(), Vec::new()).await {
                Err(CoreError::ConcurrentModification) => continue,
                Err(CoreError::AliasExists(kind)) if force => {
                    self.release_alias(pool, &current, &kind).await?;
                }
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    /// `ResendConfirmationCode`: a new sign-up code for an UNCONFIRMED user, 5 per
    /// user and hour.
    pub async fn resend_confirmation_code(
        &self,
        req: CodeRequest,
    ) -> CoreResult<CodeDeliveryResponse> {
        let call = self
            .code_call(&req.client_id, &req.username, req.secret_hash.as_deref())
            .await?;
        let pool = &call.ctx.pool;
        let Some(user) = self.visible_user(&call).await? else {
            let auto = pool
                .settings
                .auto_verified_attributes
                .clone()
                .unwrap_or_default();
            let channels: Vec<&str> = ["phone_number", "email"]
                .into_iter()
                .filter(|a| auto.iter().any(|x| x == a))
                .collect();
            if channels.is_empty() {
                return Err(not_auto_verified());
            }
            return Ok(CodeDeliveryResponse {
                code_delivery_details: self.fake_details(pool, &call.username, &channels),
            });
        };
        if user.status != status::UNCONFIRMED {
            return Err(CoreError::InvalidParameter(
                "User is already confirmed.".into(),
            ));
        }
        let delivery = self
            .sign_up_message(&call.ctx, &user)
            .await?
            .ok_or_else(not_auto_verified)?;
        let details = self
            .send_code_within_limit(
                call.ctx.hides_user_existence(),
                &user,
                (
                    "resend_confirmation_code",
                    RESEND_CONFIRMATION_CODE_PER_HOUR,
                ),
                Purpose::SignUp,
                &delivery,
            )
            .await?;
        let event = AccountEvent::of(
            &call.ctx,
            req.user_context_data.as_ref(),
            Some(user.id),
            EventType::ResendCode,
        );
        self.record_account_event(&event, EventResponse::Pass, None, None)
            .await;
        Ok(CodeDeliveryResponse {
            code_delivery_details: details,
        })
    }
}
