//! Answers to the MFA challenges in `RespondToAuthChallenge` /
//! `AdminRespondToAuthChallenge`: SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA (a code),
//! SELECT_MFA_TYPE (a choice) and MFA_SETUP (TOTP verified with the session, or an email
//! address to set up).
//!
//! Order of checks for a code: the session opens and names this pool, client and user;
//! the stored code belongs to this session; the user is not locked out (the attempt is
//! counted before the code is looked at, like a password); one of the code's three
//! attempts is spent; the code is compared in constant time. Only a correct code
//! consumes the session.

use super::challenge::{CODE_PURPOSE, base_params};
use super::session::{MfaSession, invalid_session, stage};
use super::{EMAIL_OTP, SOFTWARE_TOKEN_MFA, canonical_factor, totp};
use crate::Core;
use crate::auth::client::ClientContext;
use crate::crypto::ct_eq;
use crate::error::{CoreError, CoreResult};
use crate::store::UserRecord;
use crate::user::status;
use cognate_proto::auth::{AuthResponse, StringMap};

fn mismatch() -> CoreError {
    CoreError::CodeMismatch("Invalid code received for user".into())
}

fn required<'a>(params: &'a StringMap, name: &str) -> CoreResult<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("Missing required parameter {name}")))
}

/// A plausible email address for MFA set-up (the code sent to it proves it).
fn check_email(address: &str) -> CoreResult<()> {
    let ok = address.len() <= 2048
        && address
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
        && !address.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidParameter(
            "Invalid email address format.".into(),
        ))
    }
}

/// Where an MFA answer leaves the sign-in.
#[derive(Debug)]
pub enum MfaOutcome {
    /// Another challenge to answer (the chosen factor's code, email set-up).
    Next(Box<AuthResponse>),
    /// The second factor passed: the caller issues tokens or starts a browser session.
    Passed {
        /// The user.
        user: Box<UserRecord>,
        /// When the sign-in began (epoch seconds).
        auth_time: i64,
    },
}

impl Core {
    /// Routes an MFA answer by challenge name; tokens once the second factor passed.
    pub(crate) async fn respond_mfa(
        &self,
        ctx: &ClientContext,
        challenge: &str,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        match self.answer_mfa(ctx, challenge, session, responses).await? {
            MfaOutcome::Next(r) => Ok(*r),
            MfaOutcome::Passed { user, auth_time } => {
                let device_key = responses.get("DEVICE_KEY").map(String::as_str);
                self.mfa_tokens(ctx, &user, auth_time, device_key).await
            }
        }
    }

    /// Checks an MFA answer (API or hosted pages alike).
    pub(crate) async fn answer_mfa(
        &self,
        ctx: &ClientContext,
        challenge: &str,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<MfaOutcome> {
        let session = session.filter(|s| !s.is_empty()).ok_or_else(|| {
            CoreError::InvalidParameter("Missing required parameter Session".into())
        })?;
        match canonical_factor(challenge) {
            "SMS_MFA" => {
                let code = required(responses, "SMS_MFA_CODE")?;
                self.answer_code(ctx, session, "SMS_MFA", code, responses)
                    .await
            }
            super::SMS_OTP => {
                let code = required(responses, "SMS_OTP_CODE")?;
                self.answer_code(ctx, session, super::SMS_OTP, code, responses)
                    .await
            }
            EMAIL_OTP => {
                let code = responses
                    .get("EMAIL_OTP_CODE")
                    .or_else(|| responses.get("EMAIL_MFA_CODE"))
                    .map(String::as_str)
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| {
                        CoreError::InvalidParameter(
                            "Missing required parameter EMAIL_OTP_CODE".into(),
                        )
                    })?;
                self.answer_code(ctx, session, EMAIL_OTP, code, responses)
                    .await
            }
            SOFTWARE_TOKEN_MFA => {
                let code = required(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
                self.answer_code(ctx, session, SOFTWARE_TOKEN_MFA, code, responses)
                    .await
            }
            "SELECT_MFA_TYPE" => Ok(MfaOutcome::Next(Box::new(
                self.select_mfa_type(ctx, session, responses).await?,
            ))),
            _ => self.mfa_setup(ctx, session, responses).await,
        }
    }

    /// Opens the session for `challenge` and finds its user: same pool and client, the
    /// same user (by `sub`) as any `USERNAME` sent, `SECRET_HASH` for secret clients,
    /// and a user who may still sign in.
    async fn open_mfa(
        &self,
        ctx: &ClientContext,
        text: &str,
        challenge: &str,
        responses: &StringMap,
    ) -> CoreResult<(MfaSession, UserRecord)> {
        let s = self.read_mfa_session(text, challenge)?;
        if s.pool_id != ctx.pool.id || s.client_id != ctx.client.id {
            return Err(invalid_session());
        }
        let user = self
            .store
            .find_user_by_sub(&ctx.pool.id, &s.sub)
            .await?
            .ok_or_else(invalid_session)?;
        let named = responses.get("USERNAME").map(String::as_str);
        if ctx.client.secret.is_some() || named.is_some() {
            let name = named.unwrap_or_default();
            ctx.check_secret_hash(name, responses.get("SECRET_HASH").map(String::as_str))?;
        }
        if let Some(name) = named.filter(|n| *n != s.username) {
            let same = match self.find_user(&ctx.pool, name).await {
                Ok(other) => other.sub == s.sub,
                Err(CoreError::UserNotFound) => false,
                Err(e) => return Err(e),
            };
            if !same {
                return Err(invalid_session());
            }
        }
        Self::check_can_sign_in(&user)?;
        if user.status != status::CONFIRMED {
            return Err(invalid_session());
        }
        Ok((s, user))
    }

    async fn answer_code(
        &self,
        ctx: &ClientContext,
        text: &str,
        challenge: &str,
        code: &str,
        responses: &StringMap,
    ) -> CoreResult<MfaOutcome> {
        let (s, user) = self.open_mfa(ctx, text, challenge, responses).await?;
        let stored = self.store.get_code(user.id, CODE_PURPOSE).await?;
        let tag = format!("{}:", self.mfa_session_tag(&s));
        let Some(stored) = stored.filter(|c| c.code_hash.starts_with(&tag)) else {
            return Err(self.dead_mfa_session(&s).await);
        };
        if self.now() > stored.expires_at {
            self.store.delete_code(user.id, CODE_PURPOSE).await?;
            return Err(self.dead_mfa_session(&s).await);
        }
        self.begin_password_attempt(&user).await?;
        if self
            .store
            .spend_code_attempt(user.id, CODE_PURPOSE)
            .await?
            .is_none()
        {
            self.store.delete_code(user.id, CODE_PURPOSE).await?;
            return Err(self.dead_mfa_session(&s).await);
        }
        let correct = if challenge == SOFTWARE_TOKEN_MFA {
            self.check_totp_code(&user, code).await?
        } else {
            let expected = self.mfa_code_hash(&s, code);
            ct_eq(
                expected.as_bytes(),
                &stored.code_hash.as_bytes()[tag.len()..],
            )
        };
        if !correct {
            if s.first_factor {
                return self
                    .record_failed_passwordless(ctx, Some(&user.username), Err(mismatch()))
                    .await;
            }
            // Best effort: the refusal stands even if the event cannot be updated.
            if let Err(e) = self
                .mfa_answered(&ctx.pool, s.event_id.as_deref(), false)
                .await
            {
                tracing::warn!(error = %e, "recording a wrong MFA answer failed");
            }
            return Err(mismatch());
        }
        self.consume_mfa_session(&s).await?;
        self.store.delete_code(user.id, CODE_PURPOSE).await?;
        let user = match &s.setup_email {
            Some(address) => self.finish_email_setup(ctx, user, address).await?,
            None => user,
        };
        if s.first_factor {
            // The counter clears (or only this attempt is taken back, with MFA to
            // come) once the sign-in is screened.
            return self
                .passwordless_code_passed(ctx, user, challenge, s.auth_time)
                .await;
        }
        self.store.clear_failures(user.id).await?;
        self.mfa_answered(&ctx.pool, s.event_id.as_deref(), true)
            .await?;
        Ok(MfaOutcome::Passed {
            user: Box::new(user),
            auth_time: s.auth_time,
        })
    }

    /// A TOTP code for the user's verified secret, each step accepted at most once.
    async fn check_totp_code(&self, user: &UserRecord, code: &str) -> CoreResult<bool> {
        let mfa = self.user_mfa(user).await?;
        let secret = mfa
            .totp_secret
            .as_ref()
            .and_then(|sealed| self.open_totp_secret(user, sealed))
            .ok_or_else(|| {
                CoreError::SoftwareTokenMfaNotFound(
                    "Software Token MFA does not exist for the user.".into(),
                )
            })?;
        let Some(step) = totp::matching_step(&secret, code, self.now() / 1000) else {
            return Ok(false);
        };
        Ok(self.store.accept_totp_step(user.id, step).await?)
    }

    /// Sets the address proven by the EMAIL_OTP code as the user's verified email and
    /// turns email MFA on, in one transaction.
    async fn finish_email_setup(
        &self,
        ctx: &ClientContext,
        mut user: UserRecord,
        address: &str,
    ) -> CoreResult<UserRecord> {
        user.attributes.insert("email".into(), address.to_owned());
        user.attributes
            .insert("email_verified".into(), "true".into());
        user.updated_at = self.now();
        let write = self.user_write(&ctx.pool, user, Vec::new());
        self.store
            .enable_email_mfa(&write, self.now())
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Conflict { what } => {
                    crate::identifiers::SignInConfig::of(&ctx.pool.settings)
                        .update_conflict_error(&what)
                }
                other => other.into(),
            })?;
        let mut user = write.user;
        user.version += 1;
        Ok(user)
    }

    /// The second factor passed (the failure counter was cleared): tokens, bound to
    /// the remembered device the answer names (`DEVICE_KEY`) or to a new one.
    async fn mfa_tokens(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        device_key: Option<&str>,
    ) -> CoreResult<AuthResponse> {
        self.tokens_after_mfa(ctx, user, auth_time, device_key)
            .await
    }

    async fn select_mfa_type(
        &self,
        ctx: &ClientContext,
        text: &str,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let (s, user) = self
            .open_mfa(ctx, text, "SELECT_MFA_TYPE", responses)
            .await?;
        let answer = canonical_factor(required(responses, "ANSWER")?).to_owned();
        if !s.choices.contains(&answer) {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid ANSWER value {answer}; choose one of MFAS_CAN_CHOOSE."
            )));
        }
        self.consume_mfa_session(&s).await?;
        let mfa = self.user_mfa(&user).await?;
        self.ask_factor(ctx, &user, &mfa, &s, &answer).await
    }

    /// MFA_SETUP: `EMAIL` starts email set-up (a code to that address, then EMAIL_OTP);
    /// otherwise the session must come from a successful `VerifySoftwareToken`.
    async fn mfa_setup(
        &self,
        ctx: &ClientContext,
        text: &str,
        responses: &StringMap,
    ) -> CoreResult<MfaOutcome> {
        let (s, user) = self.open_mfa(ctx, text, "MFA_SETUP", responses).await?;
        if let Some(address) = responses.get("EMAIL").filter(|e| !e.is_empty()) {
            if !s.choices.iter().any(|c| c == EMAIL_OTP) || s.stage == stage::VERIFIED {
                return Err(CoreError::InvalidParameter(
                    "Email MFA cannot be set up for this user.".into(),
                ));
            }
            check_email(address)?;
            self.consume_mfa_session(&s).await?;
            let mut next = s.next(EMAIL_OTP, stage::NEW, self.now());
            next.setup_email = Some(address.clone());
            let delivery = self
                .mfa_delivery(ctx, &user, EMAIL_OTP, Some(address))
                .await?;
            let mut params = base_params(&user);
            self.send_mfa_code(&user, &next, &delivery, &mut params)
                .await?;
            return Ok(MfaOutcome::Next(Box::new(self.mfa_response(&next, params))));
        }
        if s.stage != stage::VERIFIED {
            // The session of the challenge itself proves nothing: only one returned by
            // a successful VerifySoftwareToken completes set-up.
            return Err(invalid_session());
        }
        self.consume_mfa_session(&s).await?;
        self.store.clear_failures(user.id).await?;
        self.mfa_answered(&ctx.pool, s.event_id.as_deref(), true)
            .await?;
        Ok(MfaOutcome::Passed {
            user: Box::new(user),
            auth_time: s.auth_time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_addresses_need_one_at_sign_and_no_spaces() {
        assert!(check_email("a@b.c").is_ok());
        assert!(check_email("a@b@c").is_err());
        assert!(check_email("@b").is_err());
        assert!(check_email("a b@c").is_err());
        assert!(check_email("abc").is_err());
    }
}
