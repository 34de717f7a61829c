//! The operations a signed-in user runs on their own account with an access token:
//! `GetUser`, `ChangePassword` and `DeleteUser` here, the attribute operations in
//! [`attributes`] and [`verification`].
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html>
//!
//! Every operation starts with [`Core::check_access_token`]; the token's app client
//! then limits what may be read (`ReadAttributes`) and written (`WriteAttributes`).

pub mod attributes;
pub mod verification;

use crate::Core;
use crate::auth::access::AccessContext;
use crate::error::{CoreError, CoreResult};
use crate::password::check_shape;
use crate::recovery::pool_policy;
use crate::store::{AppClientRecord, UserPoolRecord, UserRecord};
use crate::threat::account::AccountEvent;
use crate::threat::{CredentialEvent, EventResponse, EventType};
use crate::user::wire_attributes;
use cognate_proto::auth::AccessTokenRequest;
use cognate_proto::self_service::{ChangePasswordRequest, GetUserResponse};
use cognate_proto::validate::Validator;

/// `ChangePassword` calls per user and hour (§6.10).
pub const CHANGE_PASSWORD_PER_HOUR: i64 = 5;

/// Attributes proven with a code.
const VERIFIABLE: [&str; 2] = ["email", "phone_number"];

/// A client's attribute list; an absent or empty list means the defaults.
fn listed(list: &Option<Vec<String>>) -> Option<&[String]> {
    list.as_deref().filter(|l| !l.is_empty())
}

fn value_of<'a>(user: &'a UserRecord, attr: &str) -> Option<&'a String> {
    user.attributes.get(attr).filter(|v| !v.is_empty())
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

    /// `GetUser`: the user's attributes the token's client may read (`sub` always).
    pub async fn get_user(&self, req: AccessTokenRequest) -> CoreResult<GetUserResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let client = self.token_client(&ctx).await?;
        let only = listed(&client.settings.read_attributes).map(|r| {
            let mut names = r.to_vec();
            names.push("sub".into());
            names
        });
        let (preferred_mfa_setting, user_mfa_setting_list) =
            self.mfa_settings_of(&ctx.user).await?;
        Ok(GetUserResponse {
            user_attributes: wire_attributes(&ctx.user, only.as_deref()),
            username: ctx.user.username,
            mfa_options: None,
            preferred_mfa_setting,
            user_mfa_setting_list,
        })
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
        let event = AccountEvent::of_token(
            &ctx.pool,
            &ctx.client_id,
            ctx.user.id,
            EventType::PasswordChange,
        );
        if let Err(e) = self
            .check_previous_password(&ctx.user, req.previous_password.as_deref())
            .await
        {
            if matches!(e, CoreError::NotAuthorized(_)) {
                self.record_account_event(&event, EventResponse::Fail, None, Some(false))
                    .await;
            }
            return Err(e);
        }
        let compromised = self
            .screen_new_password(&event, CredentialEvent::PasswordChange, proposed)
            .await?;
        for _ in 0..3 {
            let user = self
                .store
                .get_user_by_id(ctx.user.id)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            match self.set_password_and_save(&ctx.pool, user, proposed).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => {
                    other?;
                    self.record_account_event(&event, EventResponse::Pass, compromised, Some(true))
                        .await;
                    return Ok(());
                }
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
