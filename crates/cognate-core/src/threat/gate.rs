//! Threat protection inside the sign-in flows: what runs once a first factor passed
//! (the compromised-password check, the risk assessment and its action, the sign-in
//! event and its notification) and the completion of an event when MFA is answered;
//! failed first factors are recorded in `failures`, steps that end an event in a later
//! request in `resume`, and passwordless factors go through `passwordless`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html>
//!
//! Every step returns at once, without touching the store, while the pool's
//! `AdvancedSecurityMode` is `OFF`; in `AUDIT` mode events are recorded and nothing is
//! applied (the assessment says so). An event's id is chosen before the next challenge
//! is issued and noted in the request scope ([`super::request`]), so that the MFA
//! session and the tokens issued by the same request name it.

use crate::Core;
use crate::auth::client::ClientContext;
use crate::devices::store::DeviceRecord;
use crate::error::{CoreError, CoreResult};
use crate::mfa::challenge::{MfaForce, MfaStep};
use crate::store::{UserPoolRecord, UserRecord};
use crate::threat::request::note_sign_in_event;
use crate::threat::{
    ChallengeName, CompromisedAction, CompromisedOutcome, CredentialEvent, EventAction,
    EventResponse, EventType, Mode, NewAuthEvent, RiskDecision, SignInAssessment, mode_of,
};
use crate::user::status;
use cognate_proto::auth::AuthResponse;

/// Cognito's message when risk refuses a sign-in.
pub(crate) const RISK_REFUSAL: &str = "Unable to login because of security reasons.";

/// The refusal of a sign-in that risk blocks.
pub(crate) fn risk_refusal() -> CoreError {
    CoreError::NotAuthorized(RISK_REFUSAL.into())
}

/// What threat protection decided about a sign-in whose first factor passed.
#[derive(Debug, Clone)]
pub(crate) struct SignInScreen {
    /// The id the sign-in event will have (`None` while threat protection is off).
    event_id: Option<String>,
    /// The risk assessment.
    assessment: Option<SignInAssessment>,
    /// The compromised-password check (password sign-ins only).
    compromised: Option<CompromisedOutcome>,
    /// How the assessment bears on the MFA step.
    force: MfaForce,
    /// Whether the first factor was a password (it then shows in `ChallengeResponses`).
    password_factor: bool,
    /// Whether the event was recorded by an earlier request (a refusal then ends it
    /// rather than recording another).
    recorded: bool,
}

impl SignInScreen {
    fn off() -> Self {
        Self {
            event_id: None,
            assessment: None,
            compromised: None,
            force: MfaForce::No,
            password_factor: true,
            recorded: false,
        }
    }

    /// The screen of a sign-in whose event `event_id` an earlier step recorded, with
    /// the MFA step its assessment asked for.
    pub(crate) fn resumed(event_id: Option<String>, force: MfaForce) -> Self {
        Self {
            event_id,
            force,
            recorded: true,
            ..Self::off()
        }
    }

    /// The sign-in event's id (`None` while threat protection is off).
    pub(crate) fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// How the assessment bears on the MFA step.
    pub(crate) fn force(&self) -> MfaForce {
        self.force
    }
}

/// The name a session keeps for `force` (`None` for no force).
pub(crate) fn force_name(force: MfaForce) -> Option<&'static str> {
    match force {
        MfaForce::No => None,
        MfaForce::IfConfigured => Some("MFA_IF_CONFIGURED"),
        MfaForce::Required => Some("MFA_REQUIRED"),
    }
}

/// The force a session names ([`force_name`]).
pub(crate) fn force_of(name: Option<&str>) -> MfaForce {
    match name {
        Some("MFA_IF_CONFIGURED") => MfaForce::IfConfigured,
        Some("MFA_REQUIRED") => MfaForce::Required,
        _ => MfaForce::No,
    }
}

fn mfa_force(assessment: &SignInAssessment) -> MfaForce {
    match assessment.action.event_action {
        EventAction::MfaRequired => MfaForce::Required,
        EventAction::MfaIfConfigured => MfaForce::IfConfigured,
        EventAction::NoAction | EventAction::Block => MfaForce::No,
    }
}

impl Core {
    /// After the first factor (and the status checks): checks the password, when the
    /// factor was one, against the breached-password set, and scores the sign-in.
    /// A blocking compromised-credentials action leaves the user `RESET_REQUIRED`
    /// (`PasswordResetRequiredException`); a blocking risk action refuses. Both record
    /// a failed event, take back the attempt counted for the (correct) password and,
    /// for risk, notify as configured.
    pub(crate) async fn screen_sign_in(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        password: Option<&str>,
    ) -> CoreResult<SignInScreen> {
        self.screen_first_factor(ctx, user, password, true).await
    }

    /// [`Core::screen_sign_in`] for a first factor without a password (a one-time code
    /// by email or SMS, a passkey): the same assessment and actions, and no `Password`
    /// entry in the event's `ChallengeResponses`.
    pub(crate) async fn screen_passwordless(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
    ) -> CoreResult<SignInScreen> {
        self.screen_first_factor(ctx, user, None, false).await
    }

    async fn screen_first_factor(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        password: Option<&str>,
        password_factor: bool,
    ) -> CoreResult<SignInScreen> {
        if mode_of(&ctx.pool) == Mode::Off {
            return Ok(SignInScreen::off());
        }
        let compromised = match password {
            Some(pw) => Some(
                self.check_compromised_password_in(
                    &ctx.pool,
                    Some(&ctx.client.id),
                    CredentialEvent::SignIn,
                    pw,
                )
                .await?,
            ),
            None => None,
        };
        let mut screen = SignInScreen {
            compromised,
            password_factor,
            ..SignInScreen::off()
        };
        if compromised.is_some_and(|c| c.action == CompromisedAction::Block) {
            self.store.forgive_failure(user.id).await?;
            self.require_password_reset(&ctx.pool, user).await?;
            self.refused_event(ctx, user, &screen).await?;
            return Err(CoreError::PasswordResetRequired);
        }
        let assessment = self
            .assess_sign_in(&ctx.pool, &ctx.client.id, user, &ctx.origin)
            .await?;
        screen.force = mfa_force(&assessment);
        let block = assessment.action.event_action == EventAction::Block;
        screen.assessment = Some(assessment);
        if block {
            self.store.forgive_failure(user.id).await?;
            self.refused_event(ctx, user, &screen).await?;
            return Err(risk_refusal());
        }
        let event_id = uuid::Uuid::new_v4().to_string();
        note_sign_in_event(&event_id);
        screen.event_id = Some(event_id);
        Ok(screen)
    }

    /// The challenge after a screened first factor: MFA when risk asks for it (in place
    /// of the device proof), else the device or MFA step as without threat protection.
    /// A user who must answer MFA but cannot is refused, and the event records it.
    pub(crate) async fn screened_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        device: Option<&DeviceRecord>,
        screen: &SignInScreen,
    ) -> CoreResult<Option<AuthResponse>> {
        if let Some(challenge) = self
            .risk_mfa_challenge(ctx, user, auth_time, screen, None)
            .await?
        {
            return Ok(Some(challenge));
        }
        self.device_or_mfa_challenge(ctx, user, auth_time, device)
            .await
    }

    /// The MFA challenge the assessment asks for, if any (`None` also when it asks
    /// only if configured and the user has no factor); `used` is the channel of a
    /// passwordless first factor, never asked again. A user who must answer MFA but
    /// cannot is refused, and the event records it.
    pub(crate) async fn risk_mfa_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        screen: &SignInScreen,
        used: Option<&str>,
    ) -> CoreResult<Option<AuthResponse>> {
        if screen.force == MfaForce::No {
            return Ok(None);
        }
        match self
            .mfa_challenge_with(ctx, user, auth_time, screen.force, used)
            .await
        {
            Err(CoreError::NotAuthorized(m)) if m == RISK_REFUSAL => {
                self.refuse_unanswerable_mfa(ctx, user, screen).await
            }
            other => other,
        }
    }

    /// Refuses up front, as [`Core::risk_mfa_challenge`] would once asked, a sign-in
    /// whose risk requires MFA the user can neither answer nor set up; nothing is
    /// sent. A temporary password is checked so before it can be changed.
    pub(crate) async fn check_risk_mfa_possible(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        screen: &SignInScreen,
    ) -> CoreResult<()> {
        if screen.force == MfaForce::No {
            return Ok(());
        }
        let (step, _) = self.mfa_step(ctx, user, screen.force, None).await?;
        if step != MfaStep::Refuse {
            return Ok(());
        }
        self.refuse_unanswerable_mfa(ctx, user, screen).await
    }

    /// The refusal of a user who must answer MFA but cannot: the attempt counted for
    /// the right first factor is taken back and the event records a block.
    async fn refuse_unanswerable_mfa<T>(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        screen: &SignInScreen,
    ) -> CoreResult<T> {
        self.store.forgive_failure(user.id).await?;
        let mut refused = screen.clone();
        if let Some(a) = refused.assessment.as_mut() {
            a.decision = RiskDecision::Block;
            a.action.event_action = EventAction::Block;
        }
        self.refused_event(ctx, user, &refused).await?;
        Err(risk_refusal())
    }

    /// Records the screened sign-in: `InProgress` while a challenge is pending, else
    /// `Pass`; then the notification the applied action asks for.
    pub(crate) async fn record_sign_in(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        screen: &SignInScreen,
        challenged: bool,
    ) -> CoreResult<()> {
        let response = if challenged {
            EventResponse::InProgress
        } else {
            EventResponse::Pass
        };
        self.record_screened(ctx, user, screen, response).await
    }

    /// Records the screened sign-in with `response` (`Fail` when a check after the
    /// screen refused it), then the notification the applied action asks for.
    pub(crate) async fn record_screened(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        screen: &SignInScreen,
        response: EventResponse,
    ) -> CoreResult<()> {
        let Some(event_id) = &screen.event_id else {
            return Ok(());
        };
        self.store_auth_event(event_id, sign_in_event_of(ctx, user, screen, response))
            .await?;
        if let Some(a) = screen.assessment.as_ref().filter(|a| a.action.notify) {
            self.notify_risk(
                &ctx.pool,
                Some(&ctx.client.id),
                user,
                event_id,
                a.action.event_action,
            )
            .await?;
        }
        Ok(())
    }

    /// Records a refused sign-in (the first factor was right) and notifies as
    /// configured; the event of a resumed sign-in ends as failed instead.
    async fn refused_event(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        screen: &SignInScreen,
    ) -> CoreResult<()> {
        if let (true, Some(id)) = (screen.recorded, screen.event_id.as_deref()) {
            return self
                .update_auth_event(&ctx.pool.id, id, EventResponse::Fail, None)
                .await;
        }
        let event_id = uuid::Uuid::new_v4().to_string();
        let event = sign_in_event_of(ctx, user, screen, EventResponse::Fail);
        self.store_auth_event(&event_id, event).await?;
        note_sign_in_event(&event_id);
        if screen.assessment.as_ref().is_some_and(|a| a.action.notify) {
            self.notify_risk(
                &ctx.pool,
                Some(&ctx.client.id),
                user,
                &event_id,
                EventAction::Block,
            )
            .await?;
        }
        Ok(())
    }

    /// Sets the user `RESET_REQUIRED` (compromised password at sign-in), rereading the
    /// user if a concurrent write won.
    async fn require_password_reset(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
    ) -> CoreResult<()> {
        for _ in 0..3 {
            let mut current = self
                .store
                .find_user_by_sub(&pool.id, &user.sub)
                .await?
                .ok_or(CoreError::UserNotFound)?;
            current.status = status::RESET_REQUIRED.into();
            match self.save_user(pool, current, Vec::new()).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    /// An MFA answer for the sign-in event `event_id` (from the MFA session): a correct
    /// one passes the sign-in, and the tokens issued now carry the event's id; a wrong
    /// one marks it failed (it counts toward the account's failures, like the lockout).
    pub(crate) async fn mfa_answered(
        &self,
        pool: &UserPoolRecord,
        event_id: Option<&str>,
        correct: bool,
    ) -> CoreResult<()> {
        let Some(event_id) = event_id else {
            return Ok(());
        };
        if mode_of(pool) == Mode::Off {
            return Ok(());
        }
        if correct {
            note_sign_in_event(event_id);
        }
        let response = if correct {
            EventResponse::Pass
        } else {
            EventResponse::Fail
        };
        self.update_auth_event(
            &pool.id,
            event_id,
            response,
            Some((ChallengeName::Mfa, correct)),
        )
        .await
    }
}

/// The sign-in event of a first factor that passed.
fn sign_in_event_of(
    ctx: &ClientContext,
    user: &UserRecord,
    screen: &SignInScreen,
    response: EventResponse,
) -> NewAuthEvent {
    NewAuthEvent {
        pool_id: ctx.pool.id.clone(),
        user_id: Some(user.id),
        client_id: Some(ctx.client.id.clone()),
        event_type: EventType::SignIn,
        response,
        assessment: screen.assessment.clone(),
        compromised: screen.compromised,
        challenges: if screen.password_factor {
            vec![(ChallengeName::Password, true)]
        } else {
            Vec::new()
        },
        context: ctx.origin.clone(),
    }
}
