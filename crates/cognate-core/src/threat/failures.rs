//! Failed first factors under threat protection: a refused password, one-time code or
//! passkey is recorded as a failed sign-in (with the user when the username names one),
//! so the address and account velocity signals of later sign-ins count it.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html>
//!
//! Refusals the screen already recorded (after a right first factor) are not recorded
//! twice, and recording is best effort: the refusal stands either way. A refusal that
//! comes after a right first factor (USER_SRP_AUTH's unknown `DEVICE_KEY`) is screened
//! first ([`Core::refuse_screened`]), so it is scored, recorded and notified like any
//! sign-in with the right password.

use crate::Core;
use crate::auth::client::ClientContext;
use crate::error::{CoreError, CoreResult};
use crate::store::UserRecord;
use crate::threat::request::sign_in_event;
use crate::threat::{ChallengeName, EventResponse, EventType, Mode, NewAuthEvent, mode_of};

impl Core {
    /// Passes `result` through, recording a failed sign-in first when it is a refusal
    /// before the first factor passed (unknown user, wrong password, disabled, locked,
    /// unconfirmed): with the user when `username` names one, else without (it still
    /// counts toward the address's failures). Refusals the screen already recorded are
    /// not recorded twice. Recording is best effort: the refusal stands either way.
    pub(crate) async fn record_failed_sign_in<T>(
        &self,
        ctx: &ClientContext,
        username: Option<&str>,
        result: CoreResult<T>,
    ) -> CoreResult<T> {
        self.record_failed_first_factor(ctx, username, result, true)
            .await
    }

    /// [`Core::record_failed_sign_in`] for a passwordless first factor (a wrong
    /// one-time code or passkey assertion): the event has no `Password` entry.
    pub(crate) async fn record_failed_passwordless<T>(
        &self,
        ctx: &ClientContext,
        username: Option<&str>,
        result: CoreResult<T>,
    ) -> CoreResult<T> {
        self.record_failed_first_factor(ctx, username, result, false)
            .await
    }

    /// Refuses with `refusal` a sign-in whose password was right but that a later
    /// check turns down. It is screened first, so a BLOCK answers instead; otherwise the event is recorded as failed with its
    /// assessment and the notification the assessment's action asks for goes out.
    /// The attempt counted for the right password is taken back either way.
    pub(crate) async fn refuse_screened<T>(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        refusal: CoreError,
    ) -> CoreResult<T> {
        let screen = self.screen_sign_in(ctx, user, None).await?;
        self.store.forgive_failure(user.id).await?;
        self.record_screened(ctx, user, &screen, EventResponse::Fail)
            .await?;
        Err(refusal)
    }

    async fn record_failed_first_factor<T>(
        &self,
        ctx: &ClientContext,
        username: Option<&str>,
        result: CoreResult<T>,
        password_factor: bool,
    ) -> CoreResult<T> {
        let Err(e) = &result else {
            return result;
        };
        let counted = matches!(
            e,
            CoreError::NotAuthorized(_)
                | CoreError::UserNotFound
                | CoreError::UserNotConfirmed
                | CoreError::CodeMismatch(_)
        );
        if !counted || mode_of(&ctx.pool) == Mode::Off || sign_in_event().is_some() {
            return result;
        }
        let user = match username.filter(|u| !u.is_empty()) {
            Some(name) => self.find_user(&ctx.pool, name).await.ok(),
            None => None,
        };
        let event = NewAuthEvent {
            pool_id: ctx.pool.id.clone(),
            user_id: user.map(|u| u.id),
            client_id: Some(ctx.client.id.clone()),
            event_type: EventType::SignIn,
            response: EventResponse::Fail,
            assessment: None,
            compromised: None,
            challenges: if password_factor {
                vec![(ChallengeName::Password, false)]
            } else {
                Vec::new()
            },
            context: ctx.origin.clone(),
        };
        let event_id = uuid::Uuid::new_v4().to_string();
        if let Err(err) = self.store_auth_event(&event_id, event).await {
            tracing::warn!(error = %err, "recording a failed sign-in failed");
        }
        result
    }
}
