//! Self-service password recovery: `ForgotPassword` sends a one-hour code to the
//! channel AccountRecoverySetting picks, and `ConfirmForgotPassword` spends it on a new
//! password. Also what every unauthenticated code operation shares: the client and
//! `SECRET_HASH` check, and hiding unknown or disabled users when the client sets
//! `PreventUserExistenceErrors = ENABLED` (stable fake `CodeDeliveryDetails`, or
//! `CodeMismatchException` where a code is checked).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html>

use crate::Core;
use crate::auth::client::ClientContext;
use crate::codes::{Purpose, code_mismatch};
use crate::error::{CoreError, CoreResult};
use crate::messages::{mask_email, mask_phone, recovery_attributes, recovery_delivery};
use crate::password::{Policy, check_shape};
use crate::schema::{looks_like_email, looks_like_phone};
use crate::store::{UserPoolRecord, UserRecord};
use crate::threat::account::AccountEvent;
use crate::threat::{CredentialEvent, EventResponse, EventType};
use crate::user::{check_username, status};
use cognate_proto::self_service::{CodeDeliveryDetails, CodeDeliveryResponse, CodeRequest};
use cognate_proto::validate::Validator;

/// `ForgotPassword` requests per user and hour.
pub const FORGOT_PASSWORD_PER_HOUR: i64 = 5;
/// `ConfirmForgotPassword` attempts per user and hour. Cognito allows 5 to 20 depending
/// on its risk score; Cognate scores no risk and uses the upper bound.
pub const CONFIRM_FORGOT_PASSWORD_PER_HOUR: i64 = 20;

/// The client and username of an unauthenticated code operation.
pub(crate) struct CodeCall {
    /// The pool and client called through.
    pub(crate) ctx: ClientContext,
    /// The username as sent (username, alias or sub).
    pub(crate) username: String,
}

/// The pool's password policy.
pub(crate) fn pool_policy(pool: &UserPoolRecord) -> Policy {
    Policy::from_wire(
        pool.settings
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref()),
    )
}

/// Validates `ConfirmationCode`: required, 1–2048 characters.
pub(crate) fn required_code(code: &Option<String>) -> CoreResult<&str> {
    let mut val = Validator::new();
    val.required("confirmationCode", code)
        .len("confirmationCode", code.as_deref(), 1, 2048);
    val.finish().map_err(CoreError::InvalidParameter)?;
    Ok(code.as_deref().unwrap_or_default())
}

impl Core {
    /// Validates the username, resolves the client and checks `SECRET_HASH`, computed
    /// over the username exactly as sent.
    pub(crate) async fn code_call(
        &self,
        client_id: &Option<String>,
        username: &Option<String>,
        secret_hash: Option<&str>,
    ) -> CoreResult<CodeCall> {
        let username = check_username(username)?.to_owned();
        let ctx = self.client_context(client_id, None).await?;
        ctx.check_secret_hash(&username, secret_hash)?;
        Ok(CodeCall { ctx, username })
    }

    /// The user a code operation names, or `None` when the client hides user
    /// existence and the user is unknown or disabled. Otherwise those are
    /// `UserNotFoundException` and `NotAuthorizedException: User is disabled.`
    pub(crate) async fn visible_user(&self, call: &CodeCall) -> CoreResult<Option<UserRecord>> {
        let hide = call.ctx.hides_user_existence();
        match self.find_user(&call.ctx.pool, &call.username).await {
            Ok(user) if user.enabled => Ok(Some(user)),
            Ok(_) if hide => Ok(None),
            Ok(_) => Err(CoreError::NotAuthorized("User is disabled.".into())),
            Err(CoreError::UserNotFound) if hide => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `CodeDeliveryDetails` for a hidden user, shaped like a real answer on one of
    /// `attributes` (`email`, `phone_number`). An email- or
    /// phone-shaped username is masked as itself; otherwise the masked destination is
    /// derived from a keyed hash of pool and username, so asking twice gives the same
    /// answer and reveals nothing.
    pub(crate) fn fake_details(
        &self,
        pool: &UserPoolRecord,
        username: &str,
        attributes: &[&str],
    ) -> CodeDeliveryDetails {
        let allows = |a: &str| attributes.contains(&a);
        let email = |destination| CodeDeliveryDetails {
            destination,
            delivery_medium: "EMAIL".into(),
            attribute_name: "email".into(),
        };
        let sms = |destination| CodeDeliveryDetails {
            destination,
            delivery_medium: "SMS".into(),
            attribute_name: "phone_number".into(),
        };
        if allows("email") && looks_like_email(username) {
            return email(mask_email(username));
        }
        if allows("phone_number") && looks_like_phone(username) {
            return sms(mask_phone(username));
        }
        let mac = self.server_key.mac_hex(
            "fake-code-delivery",
            format!("{}\n{username}", pool.id).as_bytes(),
        );
        let bytes = hex::decode(mac).unwrap_or_default();
        let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let letter = |i: usize| char::from(b'a' + byte(i) % 26);
        // Most users have an email; pretend a phone only where the pool leans to phones.
        let auto = pool
            .settings
            .auto_verified_attributes
            .clone()
            .unwrap_or_default();
        let auto_has = |a: &str| auto.iter().any(|x| x == a);
        let phone = allows("phone_number")
            && (!allows("email") || (auto_has("phone_number") && !auto_has("email")));
        if phone {
            let last4 = u16::from_be_bytes([byte(2), byte(3)]) % 10_000;
            sms(mask_phone(&format!("+1555555{last4:04}")))
        } else {
            email(mask_email(&format!("{}x@{}x.com", letter(0), letter(1))))
        }
    }

    /// `ForgotPassword`: sends a code, valid for one hour, to the user's verified
    /// recovery channel. 5 requests per user and hour.
    pub async fn forgot_password(&self, req: CodeRequest) -> CoreResult<CodeDeliveryResponse> {
        let call = self
            .code_call(&req.client_id, &req.username, req.secret_hash.as_deref())
            .await?;
        let pool = &call.ctx.pool;
        let channels = recovery_attributes(pool)?;
        let Some(user) = self.visible_user(&call).await? else {
            return Ok(CodeDeliveryResponse {
                code_delivery_details: self.fake_details(pool, &call.username, &channels),
            });
        };
        // An invited user has no password of their own yet; Cognito sends them to the
        // administrator (AdminCreateUser with MessageAction=RESEND).
        if user.status == status::FORCE_CHANGE_PASSWORD {
            return Err(CoreError::NotAuthorized(
                "User password cannot be reset in the current state.".into(),
            ));
        }
        let delivery = recovery_delivery(pool, &user)?;
        let details = self
            .send_code_within_limit(
                call.ctx.hides_user_existence(),
                &user,
                ("forgot_password", FORGOT_PASSWORD_PER_HOUR),
                Purpose::ForgotPassword,
                &delivery,
            )
            .await?;
        let event = AccountEvent::of(
            &call.ctx,
            req.user_context_data.as_ref(),
            Some(user.id),
            EventType::ForgotPassword,
        );
        self.record_account_event(&event, EventResponse::Pass, None, None)
            .await;
        Ok(CodeDeliveryResponse {
            code_delivery_details: details,
        })
    }

    /// `ConfirmForgotPassword`: spends the reset code on a new password, confirms the
    /// user (also from RESET_REQUIRED and FORCE_CHANGE_PASSWORD) and clears lockout.
    /// The password is checked against the policy before the code is spent, so a
    /// rejected password does not cost the user their code.
    pub async fn confirm_forgot_password(&self, req: CodeRequest) -> CoreResult<()> {
        let code = required_code(&req.confirmation_code)?;
        let mut val = Validator::new();
        val.required("password", &req.password);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let password = req.password.as_deref().unwrap_or_default();
        check_shape("password", password)?;
        let call = self
            .code_call(&req.client_id, &req.username, req.secret_hash.as_deref())
            .await?;
        // The pool's policy first: its answer must not depend on whether the user exists.
        pool_policy(&call.ctx.pool).check(password)?;
        let Some(user) = self.visible_user(&call).await? else {
            return Err(code_mismatch());
        };
        self.check_rate(
            &user,
            "confirm_forgot_password",
            CONFIRM_FORGOT_PASSWORD_PER_HOUR,
        )
        .await?;
        // A breached password is refused before the code is spent, so the user can
        // choose another with the same code.
        let event = AccountEvent::of(
            &call.ctx,
            req.user_context_data.as_ref(),
            Some(user.id),
            EventType::ForgotPassword,
        );
        let compromised = self
            .screen_new_password(&event, CredentialEvent::PasswordChange, password)
            .await?;
        self.check_code(&user, Purpose::ForgotPassword, code)
            .await?;
        self.reset_password(&call.ctx.pool, &user, password).await?;
        self.store.clear_failures(user.id).await?;
        self.record_account_event(&event, EventResponse::Pass, compromised, None)
            .await;
        Ok(())
    }

    /// Sets the new password and CONFIRMED status, rereading the user if a
    /// concurrent write won.
    async fn reset_password(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        password: &str,
    ) -> CoreResult<()> {
        for _ in 0..3 {
            let mut current = self
                .store
                .find_user_by_sub(&pool.id, &user.sub)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            current.status = status::CONFIRMED.into();
            match self.set_password_and_save(pool, current, password).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }
}
