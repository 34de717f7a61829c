//! Compromised credentials: checks a password against the breached-password set when
//! the server sees it (password sign-in, sign-up, password change and reset — never SRP)
//! and answers the action of `CompromisedCredentialsRiskConfiguration`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompromisedCredentialsRiskConfigurationType.html>
//!
//! The set is `cognate_breach::Checker`: a built-in filter of common passwords plus
//! the operator's optional Pwned Passwords filter. Its false-positive rate is small but
//! not zero, so a refusal should be worded as "found in a list of breached passwords".
//! Nothing is checked while threat protection is off or no checker is installed.

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::UserPoolRecord;
use crate::threat::{Mode, mode_of};
use cognate_breach::Checker;
use std::sync::Arc;

/// Which `EventFilter` entry a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialEvent {
    /// `SIGN_IN`: a password sign-in.
    SignIn,
    /// `SIGN_UP`: a sign-up.
    SignUp,
    /// `PASSWORD_CHANGE`: `ChangePassword`, `ConfirmForgotPassword`, a new password
    /// after `NEW_PASSWORD_REQUIRED`.
    PasswordChange,
}

impl CredentialEvent {
    fn filter_name(self) -> &'static str {
        match self {
            CredentialEvent::SignIn => "SIGN_IN",
            CredentialEvent::SignUp => "SIGN_UP",
            CredentialEvent::PasswordChange => "PASSWORD_CHANGE",
        }
    }
}

/// `CompromisedCredentialsEventActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompromisedAction {
    /// Allow (the detection is still recorded).
    NoAction,
    /// Refuse: sign-up and password changes fail, a sign-in leaves the user in
    /// `RESET_REQUIRED`.
    Block,
}

/// The result of [`Core::check_compromised_password`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompromisedOutcome {
    /// The password is in the breached-password set.
    pub detected: bool,
    /// What to do: `Block` only when detected, configured to block, and `ENFORCED`.
    pub action: CompromisedAction,
}

impl CompromisedOutcome {
    const CLEAN: CompromisedOutcome = CompromisedOutcome {
        detected: false,
        action: CompromisedAction::NoAction,
    };
}

impl Core {
    /// Installs the breached-password set used by compromised-credential checks.
    pub fn with_breach_checker(mut self, checker: Arc<Checker>) -> Self {
        self.breach = Some(checker);
        self
    }

    /// Checks `password` for a `client_id` request of kind `event` in `pool_id`.
    /// Not detected when threat protection is off, the configuration's `EventFilter`
    /// leaves the event out, or no checker is installed.
    pub async fn check_compromised_password(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        event: CredentialEvent,
        password: &str,
    ) -> CoreResult<CompromisedOutcome> {
        if self.breach.is_none() {
            return Ok(CompromisedOutcome::CLEAN);
        }
        let pool = self.load_pool(pool_id).await?;
        self.check_compromised_password_in(&pool, client_id, event, password)
            .await
    }

    /// [`Core::check_compromised_password`] for a pool record already read.
    pub(crate) async fn check_compromised_password_in(
        &self,
        pool: &UserPoolRecord,
        client_id: Option<&str>,
        event: CredentialEvent,
        password: &str,
    ) -> CoreResult<CompromisedOutcome> {
        let Some(checker) = self.breach.clone() else {
            return Ok(CompromisedOutcome::CLEAN);
        };
        let mode = mode_of(pool);
        if mode == Mode::Off {
            return Ok(CompromisedOutcome::CLEAN);
        }
        let config = self
            .effective_risk_configuration(&pool.id, client_id)
            .await?
            .compromised_credentials_risk_configuration
            .unwrap_or_default();
        let covered = config
            .event_filter
            .as_ref()
            .is_none_or(|f| f.is_empty() || f.iter().any(|e| e == event.filter_name()));
        if !covered {
            return Ok(CompromisedOutcome::CLEAN);
        }
        // A loaded filter may live on disk: its 64-byte read runs off the async threads.
        let password = password.to_owned();
        let detected = tokio::task::spawn_blocking(move || checker.is_breached(&password))
            .await
            .map_err(|e| CoreError::Internal(Box::new(e)))?;
        let block = config
            .actions
            .and_then(|a| a.event_action)
            .is_some_and(|a| a == "BLOCK");
        Ok(CompromisedOutcome {
            detected,
            action: if detected && block && mode == Mode::Enforced {
                CompromisedAction::Block
            } else {
                CompromisedAction::NoAction
            },
        })
    }
}
