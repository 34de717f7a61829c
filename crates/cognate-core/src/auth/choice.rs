//! Choice-based sign-in (`USER_AUTH`): the pool's `SignInPolicy.AllowedFirstAuthFactors`
//! and what the user has set up decide the first factors on offer (PASSWORD,
//! PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN); `PREFERRED_CHALLENGE` starts one
//! directly, otherwise `SELECT_CHALLENGE` lists them. A one-time code by email or SMS,
//! or a passkey, is a whole sign-in (no second factor follows); a password goes on to
//! MFA as usual. The `Session` from `ConfirmSignUp` signs the just-confirmed user in
//! once.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html>

use super::client::ClientContext;
use super::session::AuthSession;
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::mfa::session::{MfaSession, stage};
use crate::mfa::{EMAIL_OTP, SMS_OTP};
use crate::store::{UserPoolRecord, UserRecord};
use crate::user::status;
use cognate_proto::auth::{AuthResponse, StringMap};

/// The passkey first factor.
const WEB_AUTHN: &str = "WEB_AUTHN";
/// The challenge name of the session `SelectChallenge` answers.
const SELECT_CHALLENGE: &str = "SELECT_CHALLENGE";
/// The challenge name of the session `ConfirmSignUp` returns.
pub(crate) const SIGN_UP_SESSION: &str = "SIGN_UP_CONFIRMED";

/// The pool's allowed first factors (Cognito's default: `PASSWORD` only).
pub fn allowed_first_factors(pool: &UserPoolRecord) -> Vec<String> {
    pool.settings
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|p| p["AllowedFirstAuthFactors"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_else(|| vec!["PASSWORD".into()])
}

fn verified(user: &UserRecord, attr: &str) -> bool {
    user.attributes.get(attr).is_some_and(|v| !v.is_empty())
        && user
            .attributes
            .get(&format!("{attr}_verified"))
            .is_some_and(|v| v == "true")
}

/// The first factors `user` can use in `pool`, in Cognito's order (`passkeys`: the
/// user has a passkey for the pool).
fn available(
    pool: &UserPoolRecord,
    user: Option<&UserRecord>,
    passkeys: bool,
    codes: bool,
) -> Vec<String> {
    let allowed = allowed_first_factors(pool);
    let allows = |f: &str| allowed.iter().any(|a| a == f);
    let mut out = Vec::new();
    if allows("PASSWORD") && user.is_none_or(|u| u.password_hash.is_some()) {
        out.push("PASSWORD".to_owned());
        out.push("PASSWORD_SRP".to_owned());
    }
    if let Some(u) = user {
        if codes && allows(EMAIL_OTP) && verified(u, "email") {
            out.push(EMAIL_OTP.to_owned());
        }
        if codes && allows(SMS_OTP) && verified(u, "phone_number") {
            out.push(SMS_OTP.to_owned());
        }
        if allows(WEB_AUTHN) && passkeys {
            out.push(WEB_AUTHN.to_owned());
        }
    }
    out
}

fn required<'a>(params: &'a StringMap, name: &str) -> CoreResult<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("Missing required parameter {name}")))
}

impl Core {
    /// The first factors on offer for `user`.
    async fn offered(
        &self,
        pool: &UserPoolRecord,
        user: Option<&UserRecord>,
    ) -> CoreResult<Vec<String>> {
        let passkeys = match user {
            Some(u) if allowed_first_factors(pool).iter().any(|f| f == WEB_AUTHN) => {
                self.has_passkeys(pool, u).await.unwrap_or(false)
            }
            _ => false,
        };
        // A one-time code is a whole sign-in, so it is not offered to a user who would
        // be asked for a second factor (Cognito: no passwordless with required MFA).
        let codes = match user {
            Some(u) => !self.mfa_would_ask(pool, u).await?,
            None => true,
        };
        Ok(available(pool, user, passkeys, codes))
    }

    /// For an unknown user (existence hidden): the code factors a real user might have,
    /// chosen by a keyed hash of the name so the answer never changes.
    fn ghost_factors(&self, pool: &UserPoolRecord, username: &str) -> Vec<String> {
        let allowed = allowed_first_factors(pool);
        let mac = self.server_key.mac_hex(
            "user-auth-ghost",
            format!("{}\n{username}", pool.id).as_bytes(),
        );
        let bits = u8::from_str_radix(mac.get(..2).unwrap_or("00"), 16).unwrap_or(0);
        [(EMAIL_OTP, 1u8), (SMS_OTP, 2u8)]
            .into_iter()
            .filter(|(f, bit)| bits & bit != 0 && allowed.iter().any(|a| a == f))
            .map(|(f, _)| f.to_owned())
            .collect()
    }

    /// The `USERNAME` shown for an unknown user: where users sign in with an email or
    /// phone, real ones show their internal id (a UUID), so a stable keyed one is made.
    fn ghost_username(&self, pool: &UserPoolRecord, username: &str) -> String {
        if !crate::identifiers::SignInConfig::of(&pool.settings).uses_attributes_as_username() {
            return username.to_owned();
        }
        let mac = self.server_key.mac_hex(
            "user-auth-ghost-id",
            format!("{}\n{username}", pool.id).as_bytes(),
        );
        let h = mac.get(..32).unwrap_or("00000000000000000000000000000000");
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// Whether a sign-in by `user` would be asked for a second factor.
    pub(crate) async fn mfa_would_ask(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
    ) -> CoreResult<bool> {
        let factors = self.pool_factors(pool).await?;
        if factors.off() {
            return Ok(false);
        }
        let mfa = self.user_mfa(user).await?;
        Ok(!matches!(
            crate::mfa::challenge::decide(&factors, user, &mfa),
            crate::mfa::challenge::MfaStep::Done
        ))
    }

    /// After a passkey: the MFA challenge still due, unless the pool counts a
    /// user-verified passkey as multi-factor (`MULTI_FACTOR_WITH_USER_VERIFICATION`).
    pub(crate) async fn mfa_after_passkey(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        user_verified: bool,
        auth_time: i64,
    ) -> CoreResult<Option<AuthResponse>> {
        let factors = self.pool_factors(&ctx.pool).await?;
        let multi = factors
            .config
            .web_authn
            .as_ref()
            .and_then(|w| w.factor_configuration.as_deref())
            == Some("MULTI_FACTOR_WITH_USER_VERIFICATION");
        if multi && user_verified {
            return Ok(None);
        }
        self.mfa_challenge(ctx, user, auth_time).await
    }

    /// `InitiateAuth(USER_AUTH)`.
    pub(crate) async fn user_auth(
        &self,
        ctx: &ClientContext,
        params: &StringMap,
        session: Option<&str>,
    ) -> CoreResult<AuthResponse> {
        let username = required(params, "USERNAME")?;
        ctx.check_secret_hash(username, params.get("SECRET_HASH").map(String::as_str))?;
        if let Some(s) = session.filter(|s| !s.is_empty()) {
            return self.sign_in_after_sign_up(ctx, username, s).await;
        }
        let user = match self.sign_in_user(ctx, username, None).await {
            Ok(u) => Some(u),
            // Hidden existence: offer what every user with a password has.
            Err(CoreError::NotAuthorized(_)) => None,
            Err(e) => return Err(e),
        };
        // When existence is hidden, a disabled or unconfirmed account looks exactly like
        // an unknown one.
        let user = match user {
            Some(u) if ctx.hides_user_existence() && Self::check_can_sign_in(&u).is_err() => None,
            Some(u) => {
                Self::check_can_sign_in(&u)?;
                Some(u)
            }
            None => None,
        };
        let mut offered = self.offered(&ctx.pool, user.as_ref()).await?;
        if user.is_none() {
            offered.extend(self.ghost_factors(&ctx.pool, username));
        }
        if offered.is_empty() {
            return Err(CoreError::NotAuthorized(
                "No sign-in method is available for this user.".into(),
            ));
        }
        // A password factor asked for by name is answered at once for every name, as it
        // is for a real user: refused after a password check, or a simulated challenge.
        let password_factor = |c: &str| matches!(c, "PASSWORD" | "PASSWORD_SRP");
        match params.get("PREFERRED_CHALLENGE").map(String::as_str) {
            Some(choice)
                if (user.is_some() || password_factor(choice))
                    && offered.iter().any(|o| o == choice) =>
            {
                self.start_factor(ctx, user.as_ref(), choice, params).await
            }
            _ => self.select_response(ctx, user.as_ref(), username, offered),
        }
    }

    /// The SELECT_CHALLENGE step: the factors on offer and a session to answer with.
    fn select_response(
        &self,
        ctx: &ClientContext,
        user: Option<&UserRecord>,
        username: &str,
        offered: Vec<String>,
    ) -> CoreResult<AuthResponse> {
        let mut params = StringMap::new();
        // An unknown user's session names no user, only the name asked for (so that a
        // password answer for that name is checked and counted as a user's would be);
        // it looks like any other.
        let (shown, internal, unknown_name) = match user {
            Some(u) => (u.username.clone(), u.username.clone(), String::new()),
            None => (
                self.ghost_username(&ctx.pool, username),
                String::new(),
                username.to_owned(),
            ),
        };
        params.insert("USERNAME".into(), shown);
        let session = self.seal_session(&AuthSession {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: ctx.pool.id.clone(),
            client_id: ctx.client.id.clone(),
            username: internal,
            unknown_name,
            challenge: SELECT_CHALLENGE.into(),
            auth_time: self.now() / 1000,
            expires_at: self.now() + ctx.session_minutes() * 60_000,
            event_id: None,
            risk_mfa: None,
        });
        Ok(AuthResponse {
            challenge_name: Some(SELECT_CHALLENGE.into()),
            session: Some(session),
            challenge_parameters: params,
            available_challenges: Some(offered),
            ..Default::default()
        })
    }

    /// `RespondToAuthChallenge(SELECT_CHALLENGE)`: `ANSWER` names the factor, with
    /// its inputs (`PASSWORD`, `SRP_A`) alongside.
    pub(crate) async fn select_challenge(
        &self,
        ctx: &ClientContext,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let text = session.filter(|s| !s.is_empty()).ok_or_else(|| {
            CoreError::InvalidParameter("Missing required parameter Session".into())
        })?;
        let s = self.read_session(text, &ctx.pool.id, &ctx.client.id, SELECT_CHALLENGE)?;
        let username = required(responses, "USERNAME")?;
        ctx.check_secret_hash(username, responses.get("SECRET_HASH").map(String::as_str))?;
        let answer = required(responses, "ANSWER")?;
        let user = if s.username.is_empty() {
            None
        } else {
            match self.find_user(&ctx.pool, &s.username).await {
                Ok(u) => Some(u),
                Err(CoreError::UserNotFound) => None,
                Err(e) => return Err(e),
            }
        };
        // The answer must come from the user the session was made for.
        let same = match &user {
            Some(u) => self
                .find_user(&ctx.pool, username)
                .await
                .is_ok_and(|v| v.sub == u.sub),
            None => false,
        };
        // A session made for a name no user could sign in with (existence hidden),
        // answered for that same name: a password factor goes where it goes for a
        // user, so it is checked, counted and answered alike.
        let normalize = |n: &str| SignInConfig::of(&ctx.pool.settings).normalize(n);
        let unknown_answer = user.is_none()
            && !s.unknown_name.is_empty()
            && normalize(&s.unknown_name) == normalize(username)
            && matches!(answer, "PASSWORD" | "PASSWORD_SRP");
        if unknown_answer {
            let offered = self.offered(&ctx.pool, None).await?;
            if !offered.iter().any(|o| o == answer) {
                return Err(CoreError::InvalidParameter(format!(
                    "The challenge {answer} is not available for this user."
                )));
            }
            self.spend_session(&s).await?;
            return self.start_factor(ctx, None, answer, responses).await;
        }
        if !same {
            if let Some(pw) = responses.get("PASSWORD") {
                self.burn_password_check(pw).await;
            }
            self.spend_session(&s).await?;
            return Err(CoreError::bad_credentials());
        }
        let offered = self.offered(&ctx.pool, user.as_ref()).await?;
        if !offered.iter().any(|o| o == answer) {
            return Err(CoreError::InvalidParameter(format!(
                "The challenge {answer} is not available for this user."
            )));
        }
        self.spend_session(&s).await?;
        let mut params = responses.clone();
        params.insert("USERNAME".into(), username.to_owned());
        self.start_factor(ctx, user.as_ref(), answer, &params).await
    }

    /// Starts (or, for a password, completes) the chosen first factor.
    async fn start_factor(
        &self,
        ctx: &ClientContext,
        user: Option<&UserRecord>,
        factor: &str,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        match (factor, user) {
            ("PASSWORD", _) => self.password_factor(ctx, params).await,
            ("PASSWORD_SRP", _) => self.srp_factor(ctx, params).await,
            (EMAIL_OTP | SMS_OTP, Some(u)) => self.send_first_factor_code(ctx, u, factor).await,
            (WEB_AUTHN, Some(u)) => {
                self.check_lockout(u).await?;
                let validity = ctx.session_minutes() * 60_000;
                let (options, state) = self
                    .passkey_request_options_for(&ctx.pool, u, validity)
                    .await?;
                let mut params = StringMap::new();
                params.insert("USERNAME".into(), u.username.clone());
                params.insert("CREDENTIAL_REQUEST_OPTIONS".into(), options);
                Ok(AuthResponse {
                    challenge_name: Some(WEB_AUTHN.into()),
                    session: Some(state),
                    challenge_parameters: params,
                    ..Default::default()
                })
            }
            _ => Err(CoreError::bad_credentials()),
        }
    }

    /// `RespondToAuthChallenge(WEB_AUTHN)`: `CREDENTIAL` is the authenticator's
    /// assertion (AuthenticationResponseJSON text) for the options sent. A failed
    /// assertion counts toward the lockout like a wrong password.
    pub(crate) async fn answer_web_authn(
        &self,
        ctx: &ClientContext,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let state = session.filter(|s| !s.is_empty()).ok_or_else(|| {
            CoreError::InvalidParameter("Missing required parameter Session".into())
        })?;
        let username = required(responses, "USERNAME")?;
        ctx.check_secret_hash(username, responses.get("SECRET_HASH").map(String::as_str))?;
        let credential = required(responses, "CREDENTIAL")?;
        let result = self
            .passkey_first_factor(ctx, username, state, credential)
            .await;
        let (user, user_verified) = self
            .record_failed_passwordless(ctx, Some(username), result)
            .await?;
        let auth_time = self.now() / 1000;
        if let Some(challenge) = self
            .passkey_passed(ctx, &user, user_verified, auth_time)
            .await?
        {
            return Ok(challenge);
        }
        let result = self
            .sign_in_tokens(&ctx.pool, &ctx.client, &user, auth_time)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// A one-time code by email or SMS as the whole sign-in: the answer goes through
    /// the same checks as an MFA code (attempt limit, lockout, single use).
    async fn send_first_factor_code(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        factor: &str,
    ) -> CoreResult<AuthResponse> {
        self.check_lockout(user).await?;
        let now = self.now();
        let validity_ms = ctx.session_minutes() * 60_000;
        let first = MfaSession {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: ctx.pool.id.clone(),
            client_id: ctx.client.id.clone(),
            username: user.username.clone(),
            sub: user.sub.clone(),
            challenge: String::new(),
            stage: stage::NEW.into(),
            choices: Vec::new(),
            setup_email: None,
            auth_time: now / 1000,
            validity_ms,
            expires_at: now + validity_ms,
            event_id: None,
            first_factor: true,
        };
        let mfa = self.user_mfa(user).await?;
        let mut r = self.ask_factor(ctx, user, &mfa, &first, factor).await?;
        r.challenge_parameters
            .insert("USERNAME".into(), user.username.clone());
        Ok(r)
    }

    /// `InitiateAuth(USER_AUTH, Session)` right after `ConfirmSignUp`: that session
    /// signs the confirmed user in once, without another factor.
    async fn sign_in_after_sign_up(
        &self,
        ctx: &ClientContext,
        username: &str,
        text: &str,
    ) -> CoreResult<AuthResponse> {
        let s = self.read_session(text, &ctx.pool.id, &ctx.client.id, SIGN_UP_SESSION)?;
        let user = self.find_user(&ctx.pool, &s.username).await?;
        let named = self.find_user(&ctx.pool, username).await;
        if !named.is_ok_and(|n| n.sub == user.sub) {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user.".into(),
            ));
        }
        Self::check_can_sign_in(&user)?;
        if user.status != status::CONFIRMED {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user.".into(),
            ));
        }
        self.spend_session(&s).await?;
        let result = self
            .sign_in_tokens(&ctx.pool, &ctx.client, &user, self.now() / 1000)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// A passkey assertion as the first factor (and whether the user was verified);
    /// failures count toward the lockout, and the attempt stays counted until
    /// [`Core::passkey_passed`] knows whether a second factor follows.
    pub(crate) async fn passkey_first_factor(
        &self,
        ctx: &ClientContext,
        username: &str,
        state: &str,
        credential: &str,
    ) -> CoreResult<(UserRecord, bool)> {
        let user = self.sign_in_user(ctx, username, None).await?;
        Self::check_can_sign_in(&user)?;
        self.begin_password_attempt(&user).await?;
        let assertion = self
            .verify_passkey_assertion(&ctx.pool, &user, state, credential)
            .await?;
        Ok((user, assertion.user_verified))
    }

    /// The session `ConfirmSignUp` returns to clients that allow `USER_AUTH`.
    pub(crate) fn sign_up_session(&self, ctx: &ClientContext, user: &UserRecord) -> Option<String> {
        ctx.check_flow("USER_AUTH")
            .is_ok()
            .then(|| self.new_session(ctx, user, SIGN_UP_SESSION, self.now() / 1000))
    }
}
