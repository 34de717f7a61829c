//! The auth-event history: recording sign-in, sign-up, password-change,
//! forgot-password and resend-code events, completing them after a challenge,
//! `AdminListUserAuthEvents`, and pruning after the retention period.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html>
//!
//! Events are recorded only while threat protection is on (`AUDIT` or `ENFORCED`).
//! The stored score and reasons are a Cognate extension and stay off the wire.

use crate::Core;
use crate::clock::{Millis, epoch_secs};
use crate::error::{CoreError, CoreResult};
use crate::paging;
use crate::store::{AuthEventRecord, AuthEventUpdate, StoreError};
use crate::threat::assess::{RiskDecision, SignInAssessment};
use crate::threat::compromised::CompromisedOutcome;
use crate::threat::context::SignInContext;
use crate::threat::{Mode, mode_of};
use crate::user::check_username;
use crate::user_pool::check_pool_id;
use cognate_proto::threat::*;
use cognate_proto::validate::Validator;

/// Page size limit of `AdminListUserAuthEvents`.
const MAX_RESULTS: usize = 60;

/// `EventType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// A sign-in.
    SignIn,
    /// A sign-up.
    SignUp,
    /// A forgot-password request or its confirmation.
    ForgotPassword,
    /// A password change.
    PasswordChange,
    /// A resent confirmation code.
    ResendCode,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::SignIn => "SignIn",
            EventType::SignUp => "SignUp",
            EventType::ForgotPassword => "ForgotPassword",
            EventType::PasswordChange => "PasswordChange",
            EventType::ResendCode => "ResendCode",
        }
    }
}

/// `EventResponseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventResponse {
    /// Succeeded.
    Pass,
    /// Failed.
    Fail,
    /// Waiting for a challenge answer.
    InProgress,
}

impl EventResponse {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventResponse::Pass => "Pass",
            EventResponse::Fail => "Fail",
            EventResponse::InProgress => "InProgress",
        }
    }
}

/// `ChallengeName` of a `ChallengeResponseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeName {
    /// The password (or SRP) step.
    Password,
    /// A second factor.
    Mfa,
}

impl ChallengeName {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeName::Password => "Password",
            ChallengeName::Mfa => "Mfa",
        }
    }
}

fn outcome(name: ChallengeName, success: bool) -> (String, String) {
    let response = if success { "Success" } else { "Failure" };
    (name.as_str().to_owned(), response.to_owned())
}

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewAuthEvent {
    /// The pool.
    pub pool_id: String,
    /// The user; `None` for an unknown username (counted for address velocity only).
    pub user_id: Option<i64>,
    /// The app client of the request.
    pub client_id: Option<String>,
    /// What happened.
    pub event_type: EventType,
    /// How it ended so far.
    pub response: EventResponse,
    /// The sign-in's risk assessment, when one was made.
    pub assessment: Option<SignInAssessment>,
    /// The compromised-password check, when one was made.
    pub compromised: Option<CompromisedOutcome>,
    /// Challenge steps and whether each succeeded.
    pub challenges: Vec<(ChallengeName, bool)>,
    /// Where the request came from.
    pub context: SignInContext,
}

fn risk_of(ev: &NewAuthEvent) -> (String, Option<String>) {
    let blocked_by_password = ev
        .compromised
        .as_ref()
        .is_some_and(|c| c.action == crate::threat::compromised::CompromisedAction::Block);
    let decision = match &ev.assessment {
        _ if blocked_by_password => RiskDecision::Block,
        Some(a) => a.decision,
        None => RiskDecision::NoRisk,
    };
    let level = ev
        .assessment
        .as_ref()
        .filter(|a| a.scored)
        .map(|a| a.assessment.level.as_str().to_owned());
    (decision.as_str().to_owned(), level)
}

fn to_wire(r: AuthEventRecord) -> AuthEventType {
    let context = EventContextDataType {
        ip_address: r.ip,
        device_name: r.device_name,
        timezone: r.timezone,
        city: None,
        country: None,
    };
    AuthEventType {
        event_id: r.event_id,
        event_type: r.event_type,
        creation_date: epoch_secs(r.created_at),
        event_response: r.response,
        event_risk: Some(EventRiskType {
            risk_decision: r.risk_decision,
            risk_level: r.risk_level,
            compromised_credentials_detected: Some(r.compromised),
        }),
        challenge_responses: r
            .challenges
            .into_iter()
            .map(
                |(challenge_name, challenge_response)| ChallengeResponseType {
                    challenge_name,
                    challenge_response,
                },
            )
            .collect(),
        event_context_data: (context != EventContextDataType::default()).then_some(context),
        event_feedback: r.feedback.map(|f| EventFeedbackType {
            feedback_value: f.value,
            provider: f.provider,
            feedback_date: epoch_secs(f.at),
        }),
    }
}

impl Core {
    /// Records an event and returns its id (use it as the `event_id` claim of tokens the
    /// sign-in issues). While threat protection is off nothing is stored and a fresh id
    /// is still returned.
    pub async fn record_auth_event(&self, ev: NewAuthEvent) -> CoreResult<String> {
        let event_id = uuid::Uuid::new_v4().to_string();
        let pool = self.load_pool(&ev.pool_id).await?;
        if mode_of(&pool) == Mode::Off {
            return Ok(event_id);
        }
        self.store_auth_event(&event_id, ev).await?;
        Ok(event_id)
    }

    /// Stores `ev` under `event_id`; the caller has checked that the pool's threat
    /// protection is on (the flows choose the id first, so that sessions and tokens
    /// issued with the event can name it).
    pub(crate) async fn store_auth_event(
        &self,
        event_id: &str,
        ev: NewAuthEvent,
    ) -> CoreResult<()> {
        let ctx = self.resolve_context(&ev.pool_id, ev.client_id.as_deref(), &ev.context);
        let (risk_decision, risk_level) = risk_of(&ev);
        let a = ev.assessment.as_ref();
        let record = AuthEventRecord {
            seq: 0,
            event_id: event_id.to_owned(),
            pool_id: ev.pool_id.clone(),
            user_id: ev.user_id,
            client_id: ev.client_id.clone(),
            event_type: ev.event_type.as_str().to_owned(),
            response: ev.response.as_str().to_owned(),
            risk_decision: Some(risk_decision),
            risk_level,
            compromised: ev.compromised.as_ref().is_some_and(|c| c.detected),
            challenges: ev
                .challenges
                .iter()
                .map(|&(n, ok)| outcome(n, ok))
                .collect(),
            ip: ctx.ip,
            network: ctx.network,
            device_key: ctx.device_key,
            device_name: ctx.device_name,
            timezone: ctx.timezone,
            score: a
                .filter(|a| a.scored)
                .map(|a| i64::from(a.assessment.score)),
            reasons: a.map(|a| a.reason_codes()).unwrap_or_default(),
            feedback: None,
            feedback_token_hash: None,
            created_at: self.now(),
        };
        self.store.insert_auth_event(&record).await?;
        Ok(())
    }

    /// Completes an event: sets its response and appends a challenge outcome (e.g. an
    /// `InProgress` sign-in becomes `Pass` with `Mfa: Success`). An unknown or pruned
    /// event (or threat protection off) is ignored.
    pub async fn update_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
        response: EventResponse,
        challenge: Option<(ChallengeName, bool)>,
    ) -> CoreResult<()> {
        self.set_event_outcome(pool_id, event_id, response, challenge, None)
            .await
            .map(|_| ())
    }

    /// [`Core::update_auth_event`] for an event still `InProgress` only; false when it
    /// already ended. The store checks that in the update itself, so a concurrent or
    /// replayed step cannot turn a finished sign-in around.
    pub(crate) async fn end_pending_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
        response: EventResponse,
        challenge: Option<(ChallengeName, bool)>,
    ) -> CoreResult<bool> {
        let pending = Some(EventResponse::InProgress);
        self.set_event_outcome(pool_id, event_id, response, challenge, pending)
            .await
    }

    async fn set_event_outcome(
        &self,
        pool_id: &str,
        event_id: &str,
        response: EventResponse,
        challenge: Option<(ChallengeName, bool)>,
        only_if: Option<EventResponse>,
    ) -> CoreResult<bool> {
        let Some(event) = self.store.get_auth_event(pool_id, event_id).await? else {
            return Ok(false);
        };
        if only_if.is_some_and(|r| r.as_str() != event.response) {
            return Ok(false);
        }
        let mut challenges = event.challenges;
        challenges.extend(challenge.map(|(n, ok)| outcome(n, ok)));
        let update = AuthEventUpdate {
            response: Some(response.as_str().to_owned()),
            challenges: Some(challenges),
            only_if_response: only_if.map(|r| r.as_str().to_owned()),
            ..AuthEventUpdate::default()
        };
        Ok(self
            .store
            .update_auth_event(pool_id, event_id, &update, None)
            .await?)
    }

    /// `AdminListUserAuthEvents`: a user's events, newest first.
    pub async fn admin_list_user_auth_events(
        &self,
        req: AdminListUserAuthEventsRequest,
    ) -> CoreResult<AdminListUserAuthEventsResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let username = check_username(&req.username)?.to_owned();
        let mut val = Validator::new();
        val.range("maxResults", req.max_results, 0, MAX_RESULTS as i64);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool = self.load_pool(&pool_id).await?;
        Self::require_threat_protection(&pool)?;
        let user = self.find_user(&pool, &username).await?;
        let scope = format!("{pool_id}/auth-events/{}", user.sub);
        let before = match &req.next_token {
            Some(t) => Some(decode_cursor(&paging::decode(&scope, t)?)?),
            None => None,
        };
        let limit = paging::page_size(req.max_results, MAX_RESULTS);
        let mut page = self
            .store
            .list_auth_events(&pool_id, user.id, before, limit + 1)
            .await?;
        let next_token = if page.len() > limit {
            page.truncate(limit);
            page.last()
                .map(|e| paging::encode(&scope, &format!("{}:{}", e.created_at, e.seq)))
        } else {
            None
        };
        Ok(AdminListUserAuthEventsResponse {
            auth_events: page.into_iter().map(to_wire).collect(),
            next_token,
        })
    }

    /// Deletes events older than the retention period (`threat_event_retention_days`);
    /// how many went. Called periodically by the server.
    pub async fn prune_auth_events(&self, now: Millis) -> CoreResult<u64> {
        let cutoff = now.saturating_sub(self.threat.retention_ms());
        Ok(self.store.prune_auth_events(cutoff).await?)
    }

    /// Reads an event of a user, `ResourceNotFoundException` if it is not theirs.
    pub(crate) async fn user_event(
        &self,
        pool_id: &str,
        user_id: i64,
        event_id: &str,
    ) -> CoreResult<AuthEventRecord> {
        match self.store.get_auth_event(pool_id, event_id).await {
            Ok(Some(e)) if e.user_id == Some(user_id) => Ok(e),
            Ok(_) => Err(CoreError::ResourceNotFound("Event not found.".into())),
            Err(StoreError::NotFound) => {
                Err(CoreError::ResourceNotFound("Event not found.".into()))
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn decode_cursor(cursor: &str) -> CoreResult<(Millis, i64)> {
    let bad = || CoreError::InvalidParameter("Invalid pagination token.".into());
    let (at, seq) = cursor.split_once(':').ok_or_else(bad)?;
    Ok((
        at.parse().map_err(|_| bad())?,
        seq.parse().map_err(|_| bad())?,
    ))
}
