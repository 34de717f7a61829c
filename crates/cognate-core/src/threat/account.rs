//! Threat protection in the account flows: the compromised-password check of a new
//! password (sign-up, `ChangePassword`, `ConfirmForgotPassword`, the new password after
//! NEW_PASSWORD_REQUIRED) and the events of sign-up, password change, forgot-password
//! and resend-code requests.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-compromised-credentials.html>
//!
//! Like the sign-in steps, everything returns at once while threat protection is off.
//! Events are recorded only for an existing user (a refused sign-up has none). An event
//! recorded after the operation succeeded is best effort: failing to record it does not
//! turn a completed change into an error.

use crate::Core;
use crate::auth::client::ClientContext;
use crate::error::{CoreError, CoreResult};
use crate::store::UserPoolRecord;
use crate::threat::request::RequestMeta;
use crate::threat::{
    ChallengeName, CompromisedAction, CompromisedOutcome, CredentialEvent, EventResponse,
    EventType, Mode, NewAuthEvent, SignInContext, mode_of,
};

/// The refusal of a new password found in the breached-password set. The set's
/// filters have a small false-positive rate, so the wording says where it was found
/// rather than that it leaked.
pub(crate) const BREACHED_PASSWORD: &str =
    "This password was found in a list of breached passwords; choose another.";

/// An account request as threat protection records it.
#[derive(Debug, Clone)]
pub(crate) struct AccountEvent<'a> {
    /// The pool.
    pub(crate) pool: &'a UserPoolRecord,
    /// The app client of the request.
    pub(crate) client_id: Option<&'a str>,
    /// The user, once known.
    pub(crate) user_id: Option<i64>,
    /// What kind of request.
    pub(crate) event_type: EventType,
    /// Where it came from.
    pub(crate) context: SignInContext,
}

impl<'a> AccountEvent<'a> {
    /// An event of a request through `ctx` (its origin, refined by `UserContextData`).
    pub(crate) fn of(
        ctx: &'a ClientContext,
        user_context_data: Option<&serde_json::Value>,
        user_id: Option<i64>,
        event_type: EventType,
    ) -> Self {
        let context = match user_context_data {
            Some(_) => ctx.request_origin(false, user_context_data, None),
            None => ctx.origin.clone(),
        };
        Self {
            pool: &ctx.pool,
            client_id: Some(&ctx.client.id),
            user_id,
            event_type,
            context,
        }
    }

    /// An event of an access-token request (no context data: the connection only).
    pub(crate) fn of_token(
        pool: &'a UserPoolRecord,
        client_id: &'a str,
        user_id: i64,
        event_type: EventType,
    ) -> Self {
        let meta = RequestMeta::current();
        Self {
            pool,
            client_id: Some(client_id),
            user_id: Some(user_id),
            event_type,
            context: SignInContext {
                ip: meta.ip,
                encoded_data: None,
                user_agent: meta.user_agent,
            },
        }
    }
}

impl Core {
    /// Checks a new password of `kind` against the breached-password set. Answers the
    /// outcome to record (`None` while threat protection is off); when the
    /// configuration blocks, records the refused request (for a known user) and
    /// refuses with `InvalidPasswordException`.
    pub(crate) async fn screen_new_password(
        &self,
        ev: &AccountEvent<'_>,
        kind: CredentialEvent,
        password: &str,
    ) -> CoreResult<Option<CompromisedOutcome>> {
        if mode_of(ev.pool) == Mode::Off {
            return Ok(None);
        }
        let outcome = self
            .check_compromised_password_in(ev.pool, ev.client_id, kind, password)
            .await?;
        if outcome.action == CompromisedAction::Block {
            self.store_account_event(ev, EventResponse::Fail, Some(outcome), None)
                .await?;
            return Err(CoreError::InvalidPassword(BREACHED_PASSWORD.into()));
        }
        Ok(Some(outcome))
    }

    /// Records an account event (nothing while off or without a user). Best effort: a
    /// failure is logged, never returned.
    pub(crate) async fn record_account_event(
        &self,
        ev: &AccountEvent<'_>,
        response: EventResponse,
        compromised: Option<CompromisedOutcome>,
        password: Option<bool>,
    ) {
        if mode_of(ev.pool) == Mode::Off {
            return;
        }
        if let Err(e) = self
            .store_account_event(ev, response, compromised, password)
            .await
        {
            tracing::warn!(error = %e, event = ev.event_type.as_str(), "recording an auth event failed");
        }
    }

    /// Stores the event; `password` is the outcome of a password check it included.
    async fn store_account_event(
        &self,
        ev: &AccountEvent<'_>,
        response: EventResponse,
        compromised: Option<CompromisedOutcome>,
        password: Option<bool>,
    ) -> CoreResult<()> {
        let Some(user_id) = ev.user_id else {
            return Ok(());
        };
        let event = NewAuthEvent {
            pool_id: ev.pool.id.clone(),
            user_id: Some(user_id),
            client_id: ev.client_id.map(str::to_owned),
            event_type: ev.event_type,
            response,
            assessment: None,
            compromised,
            challenges: password
                .map(|ok| (ChallengeName::Password, ok))
                .into_iter()
                .collect(),
            context: ev.context.clone(),
        };
        let event_id = uuid::Uuid::new_v4().to_string();
        self.store_auth_event(&event_id, event).await
    }
}
