//! Sign-in events that end in a later request than the one that recorded them: the
//! proof of a remembered device (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) and the new
//! password that replaces a temporary one (NEW_PASSWORD_REQUIRED).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthEventType.html>
//!
//! The event's id travels in the sealed session of the step. The step resumes it in the
//! request scope ([`super::request`]), so an MFA session it opens and the tokens it
//! issues name the event, then ends it: `Pass` once tokens are issued, `Fail` when the
//! step refuses, unchanged while another challenge is pending. Only an event still
//! `InProgress` changes, so replaying a spent step cannot rewrite a finished sign-in.

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::UserPoolRecord;
use crate::threat::request::note_sign_in_event;
use crate::threat::{ChallengeName, EventResponse, Mode, mode_of};
use cognate_proto::auth::AuthResponse;

/// Whether an API step ended with tokens.
pub(crate) fn issued_tokens(r: &AuthResponse) -> bool {
    r.authentication_result.is_some()
}

/// Refusals of a later step that make its sign-in a failed one.
fn is_refusal(e: &CoreError) -> bool {
    matches!(
        e,
        CoreError::NotAuthorized(_)
            | CoreError::ResourceNotFound(_)
            | CoreError::UserNotFound
            | CoreError::UserNotConfirmed
            | CoreError::PasswordResetRequired
    )
}

impl Core {
    /// Resumes the sign-in event of a session in this request: the MFA session and the
    /// tokens issued from here on carry its id.
    pub(crate) fn resume_sign_in_event(&self, event_id: Option<&str>) {
        if let Some(id) = event_id {
            note_sign_in_event(id);
        }
    }

    /// Ends a later step of the sign-in event `event_id`: `Pass` when `result` signed
    /// the user in (`signed_in`), `Fail` when it is a refusal, nothing while a
    /// challenge is pending. `challenge` is the step's entry in `ChallengeResponses`, if
    /// it has one. Recording is best effort: the step's answer stands either way.
    pub(crate) async fn end_sign_in_step<T>(
        &self,
        pool: &UserPoolRecord,
        event_id: Option<&str>,
        challenge: Option<ChallengeName>,
        result: CoreResult<T>,
        signed_in: fn(&T) -> bool,
    ) -> CoreResult<T> {
        let Some(event_id) = event_id.filter(|_| mode_of(pool) != Mode::Off) else {
            return result;
        };
        let response = match &result {
            Ok(r) if signed_in(r) => EventResponse::Pass,
            Err(e) if is_refusal(e) => EventResponse::Fail,
            _ => return result,
        };
        let passed = response == EventResponse::Pass;
        let step = challenge.map(|c| (c, passed));
        if let Err(e) = self
            .end_pending_auth_event(&pool.id, event_id, response, step)
            .await
        {
            tracing::warn!(error = %e, "ending a sign-in event failed");
        }
        result
    }
}
