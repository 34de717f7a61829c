//! The hosted sign-in pages' account steps: password sign-in (with the
//! NEW_PASSWORD_REQUIRED step), sign-up, confirmation, resend, forgot and reset password,
//! and implicit-grant tokens. Each step runs the same rules as its API operation; the
//! pages are part of the server, so clients with a secret get their `SECRET_HASH`
//! computed here instead of sent by a browser.

use super::authorize::Authorized;
use crate::Core;
use crate::auth::client::{ClientContext, secret_hash};
use crate::clock::Millis;
use crate::crypto::ct_eq;
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::mfa::respond::MfaOutcome;
use crate::store::{UserPoolRecord, UserRecord};
use crate::user::status;
use cognate_proto::auth::{AuthResponse, AuthenticationResult, StringMap};
use cognate_proto::common::AttributeType;
use cognate_proto::mfa::{AssociateSoftwareTokenRequest, VerifySoftwareTokenRequest};
use cognate_proto::self_service::{CodeDeliveryDetails, CodeRequest, SignUpRequest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A sign-up ticket lets the browser that signed up be signed in by its confirmation
/// code; it lives as long as a sign-up code (24 hours).
const TICKET_MS: Millis = 24 * 3600 * 1000;
const TICKET_CONTEXT: &str = "hosted-sign-up";

/// Where a hosted sign-in step leaves the user.
#[derive(Debug)]
pub enum HostedStep {
    /// Signed in: start the browser session.
    SignedIn {
        /// The user.
        user: Box<UserRecord>,
        /// When they authenticated (epoch seconds).
        auth_time: i64,
    },
    /// A temporary password was right: a new password (and any missing required
    /// attributes) must be chosen.
    NewPasswordRequired {
        /// The sealed NEW_PASSWORD_REQUIRED session.
        session: String,
        /// Required attributes the user has no value for.
        missing: Vec<String>,
    },
    /// A second factor is needed: the same challenge the API would issue.
    Mfa {
        /// SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE or MFA_SETUP.
        challenge: String,
        /// The sealed challenge session.
        session: String,
        /// The challenge parameters (destinations, choices).
        params: StringMap,
    },
}

impl HostedStep {
    /// The step an MFA challenge response stands for.
    fn from_challenge(r: AuthResponse) -> Self {
        Self::Mfa {
            challenge: r.challenge_name.unwrap_or_default(),
            session: r.session.unwrap_or_default(),
            params: r.challenge_parameters,
        }
    }
}

/// How the sign-in and sign-up forms ask for the user's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    /// A username.
    Username,
    /// An email address used as the username.
    Email,
    /// A phone number used as the username.
    Phone,
    /// An email address or a phone number used as the username.
    EmailOrPhone,
}

impl IdentifierKind {
    /// How `pool` identifies users.
    pub fn of(pool: &UserPoolRecord) -> Self {
        let cfg = SignInConfig::of(&pool.settings);
        let email = cfg.username_attributes.iter().any(|a| a == "email");
        let phone = cfg.username_attributes.iter().any(|a| a == "phone_number");
        match (email, phone) {
            (true, true) => Self::EmailOrPhone,
            (true, false) => Self::Email,
            (false, true) => Self::Phone,
            (false, false) => Self::Username,
        }
    }
}

/// A sealed sign-up ticket.
#[derive(Debug, Serialize, Deserialize)]
struct Ticket {
    pool_id: String,
    client_id: String,
    sub: String,
    expires_at: Millis,
    /// The signing-up browser's pre-session binding
    /// ([`Core::login_browser_binding`]): a ticket copied to another browser does not
    /// sign in there.
    browser: String,
}

/// The attributes the sign-up form asks for, in form order: the pool's required
/// attributes, plus `email`/`phone_number` when the pool verifies them automatically.
pub fn sign_up_attributes(pool: &UserPoolRecord) -> Vec<String> {
    let kind = IdentifierKind::of(pool);
    let mut names = crate::schema::required_names(&pool.schema);
    for auto in pool
        .settings
        .auto_verified_attributes
        .as_deref()
        .unwrap_or_default()
    {
        if !names.contains(auto) {
            names.push(auto.clone());
        }
    }
    // The identifier field already carries the username attribute.
    names.retain(|n| match kind {
        IdentifierKind::Email => n != "email",
        IdentifierKind::Phone => n != "phone_number",
        IdentifierKind::EmailOrPhone | IdentifierKind::Username => true,
    });
    names.sort_by_key(|n| match n.as_str() {
        "email" => 0,
        "phone_number" => 1,
        _ => 2,
    });
    names
}

fn with_secret(ctx: &ClientContext, username: &str) -> Option<String> {
    ctx.client
        .secret
        .as_deref()
        .map(|s| secret_hash(s, username, &ctx.client.id))
}

impl Core {
    fn code_request(&self, ctx: &ClientContext, username: &str) -> CodeRequest {
        CodeRequest {
            client_id: Some(ctx.client.id.clone()),
            secret_hash: with_secret(ctx, username),
            username: Some(username.to_owned()),
            ..Default::default()
        }
    }

    /// The sign-in form's password check, with `USER_PASSWORD_AUTH`'s rules (hidden
    /// user existence, disabled, unconfirmed, lockout, temporary password age) and its
    /// threat protection (compromised password, risk, events).
    pub async fn hosted_sign_in(
        &self,
        ctx: &ClientContext,
        username: &str,
        password: &str,
    ) -> CoreResult<HostedStep> {
        let result = self.hosted_password_step(ctx, username, password).await;
        self.record_failed_sign_in(ctx, Some(username), result)
            .await
    }

    async fn hosted_password_step(
        &self,
        ctx: &ClientContext,
        username: &str,
        password: &str,
    ) -> CoreResult<HostedStep> {
        if username.is_empty() || password.is_empty() {
            return Err(CoreError::bad_credentials());
        }
        let user = self.sign_in_user(ctx, username, Some(password)).await?;
        // When existence is hidden, a disabled or unconfirmed account is only told
        // apart after its password was right.
        let hidden = ctx.hides_user_existence();
        if !hidden {
            Self::check_can_sign_in(&user)?;
        }
        self.begin_password_attempt(&user).await?;
        let ok = match &user.password_hash {
            Some(hash) => self.passwords.verify(password, hash).await?,
            None => false,
        };
        if !ok {
            return Err(CoreError::bad_credentials());
        }
        if hidden {
            Self::check_can_sign_in(&user)?;
        }
        if user.status == status::RESET_REQUIRED {
            return Err(CoreError::PasswordResetRequired);
        }
        let auth_time = self.now() / 1000;
        if user.status == status::FORCE_CHANGE_PASSWORD {
            // Screened as in the API, and refused there if risk would end in a refusal.
            let challenge = self.temporary_password_step(ctx, &user, auth_time).await?;
            let missing = crate::schema::required_names(&ctx.pool.schema)
                .into_iter()
                .filter(|n| user.attributes.get(n).is_none_or(String::is_empty))
                .collect();
            return Ok(HostedStep::NewPasswordRequired {
                session: challenge.session.unwrap_or_default(),
                missing,
            });
        }
        // As in the API: the counted password attempt is taken back while a second
        // factor is pending; the counter clears once it passes.
        let screen = self.screen_sign_in(ctx, &user, Some(password)).await?;
        let next = self
            .screened_challenge(ctx, &user, auth_time, None, &screen)
            .await?;
        self.record_sign_in(ctx, &user, &screen, next.is_some())
            .await?;
        self.first_factor_passed(&user, next.is_some()).await?;
        if let Some(challenge) = next {
            return Ok(HostedStep::from_challenge(challenge));
        }
        Ok(HostedStep::SignedIn {
            user: Box::new(user),
            auth_time,
        })
    }

    /// The MFA forms: the same answers as RespondToAuthChallenge.
    pub async fn hosted_mfa(
        &self,
        ctx: &ClientContext,
        challenge: &str,
        session: &str,
        responses: &StringMap,
    ) -> CoreResult<HostedStep> {
        match self
            .answer_mfa(ctx, challenge, Some(session), responses)
            .await?
        {
            MfaOutcome::Next(r) => Ok(HostedStep::from_challenge(*r)),
            MfaOutcome::Passed { user, auth_time } => Ok(HostedStep::SignedIn { user, auth_time }),
        }
    }

    /// Whether the pool offers passkeys as a first factor.
    pub fn hosted_passkeys_enabled(&self, pool: &UserPoolRecord) -> bool {
        crate::auth::choice::allowed_first_factors(pool)
            .iter()
            .any(|f| f == "WEB_AUTHN")
    }

    /// After a sign-in without a passkey: whether to offer adding one (the pool offers
    /// passkeys, its relying party is usable, and the user has none yet).
    pub async fn hosted_offer_passkey(&self, pool: &UserPoolRecord, user: &UserRecord) -> bool {
        self.hosted_passkeys_enabled(pool)
            && self.passkey_settings(pool, true).await.is_ok()
            && matches!(self.has_passkeys(pool, user).await, Ok(false))
    }

    /// Creation options (JSON text for `navigator.credentials.create`) for a user
    /// signed in to the hosted pages through `ctx`'s client.
    pub async fn hosted_passkey_creation(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
    ) -> CoreResult<String> {
        let access = crate::auth::access::AccessContext {
            pool: ctx.pool.clone(),
            user: user.clone(),
            client_id: ctx.client.id.clone(),
            claims: serde_json::Value::Null,
        };
        let r = self.passkey_creation_options(&access).await?;
        Ok(r.credential_creation_options.to_string())
    }

    /// Stores the passkey the browser created for [`Core::hosted_passkey_creation`].
    pub async fn hosted_register_passkey(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        credential: &str,
    ) -> CoreResult<()> {
        let access = crate::auth::access::AccessContext {
            pool: ctx.pool.clone(),
            user: user.clone(),
            client_id: ctx.client.id.clone(),
            claims: serde_json::Value::Null,
        };
        let value = serde_json::from_str(credential).map_err(|_| {
            CoreError::InvalidParameter("The passkey credential is malformed.".into())
        })?;
        self.register_passkey(&access, Some(value)).await
    }

    /// Passkey sign-in, step one: the request options (JSON text for
    /// `navigator.credentials.get`) and the sealed state to post back with the answer.
    pub async fn hosted_passkey_options(
        &self,
        ctx: &ClientContext,
        username: &str,
    ) -> CoreResult<(String, String)> {
        if !self.hosted_passkeys_enabled(&ctx.pool) {
            return Err(CoreError::bad_credentials());
        }
        let user = self.sign_in_user(ctx, username, None).await?;
        Self::check_can_sign_in(&user)?;
        self.check_lockout(&user).await?;
        let validity = ctx.session_minutes() * 60_000;
        self.passkey_request_options_for(&ctx.pool, &user, validity)
            .await
            .map_err(|_| CoreError::bad_credentials())
    }

    /// Passkey sign-in, step two: the authenticator's assertion.
    pub async fn hosted_passkey_sign_in(
        &self,
        ctx: &ClientContext,
        username: &str,
        state: &str,
        credential: &str,
    ) -> CoreResult<HostedStep> {
        if !self.hosted_passkeys_enabled(&ctx.pool) {
            return Err(CoreError::bad_credentials());
        }
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
            return Ok(HostedStep::from_challenge(challenge));
        }
        Ok(HostedStep::SignedIn {
            user: Box::new(user),
            auth_time,
        })
    }

    /// TOTP set-up during MFA_SETUP: a new secret (Base32) and the session that
    /// verifies it.
    pub async fn hosted_totp_secret(&self, session: &str) -> CoreResult<(String, String)> {
        let r = self
            .associate_software_token(AssociateSoftwareTokenRequest {
                session: Some(session.to_owned()),
                ..Default::default()
            })
            .await?;
        Ok((r.secret_code, r.session.unwrap_or_default()))
    }

    /// Verifies the first code of the new TOTP secret, then completes MFA_SETUP.
    pub async fn hosted_totp_setup(
        &self,
        ctx: &ClientContext,
        session: &str,
        code: &str,
    ) -> CoreResult<HostedStep> {
        let r = self
            .verify_software_token(VerifySoftwareTokenRequest {
                session: Some(session.to_owned()),
                user_code: Some(code.to_owned()),
                friendly_device_name: Some("Authenticator app".into()),
                ..Default::default()
            })
            .await?;
        let next = r.session.unwrap_or_default();
        self.hosted_mfa(ctx, "MFA_SETUP", &next, &StringMap::new())
            .await
    }

    /// The new-password form: NEW_PASSWORD_REQUIRED's rules.
    pub async fn hosted_new_password(
        &self,
        ctx: &ClientContext,
        session: &str,
        password: &str,
        attributes: &BTreeMap<String, String>,
    ) -> CoreResult<HostedStep> {
        // The page may only fill the required attributes the user has no value for;
        // whatever else a browser posts is ignored.
        let s = self.read_session(
            session,
            &ctx.pool.id,
            &ctx.client.id,
            "NEW_PASSWORD_REQUIRED",
        )?;
        let user = self.find_user(&ctx.pool, &s.username).await?;
        let missing: Vec<String> = crate::schema::required_names(&ctx.pool.schema)
            .into_iter()
            .filter(|n| user.attributes.get(n).is_none_or(String::is_empty))
            .collect();
        let mut responses: BTreeMap<String, String> = attributes
            .iter()
            .filter(|(k, v)| !v.is_empty() && missing.contains(k))
            .map(|(k, v)| (format!("userAttributes.{k}"), v.clone()))
            .collect();
        responses.insert("NEW_PASSWORD".into(), password.to_owned());
        let responses = responses.into_iter().collect();
        let (user, s) = self.complete_new_password(ctx, session, &responses).await?;
        // As in the API: the sign-in's event and the MFA step its risk asked for.
        self.resume_sign_in_event(s.event_id.as_deref());
        let step = self
            .new_password_next(ctx, &user, &s, None)
            .await
            .map(|next| match next {
                Some(challenge) => HostedStep::from_challenge(challenge),
                None => HostedStep::SignedIn {
                    user: Box::new(user),
                    auth_time: s.auth_time,
                },
            });
        let signed_in = |h: &HostedStep| matches!(h, HostedStep::SignedIn { .. });
        self.end_sign_in_step(&ctx.pool, s.event_id.as_deref(), None, step, signed_in)
            .await
    }

    /// The sign-up form: `SignUp`'s rules. Returns where the code went (if anywhere)
    /// and, for a browser with a pre-session binding, a ticket that signs that browser
    /// in once the code is confirmed.
    pub async fn hosted_sign_up(
        &self,
        ctx: &ClientContext,
        username: &str,
        password: &str,
        attributes: &BTreeMap<String, String>,
        browser: Option<&str>,
    ) -> CoreResult<(Option<CodeDeliveryDetails>, Option<String>)> {
        let user_attributes = attributes
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(name, value)| AttributeType {
                name: Some(name.clone()),
                value: Some(value.clone()),
            })
            .collect();
        let resp = self
            .sign_up(SignUpRequest {
                client_id: Some(ctx.client.id.clone()),
                secret_hash: with_secret(ctx, username),
                username: Some(username.to_owned()),
                password: Some(password.to_owned()),
                user_attributes: Some(user_attributes),
                ..Default::default()
            })
            .await?;
        let ticket = browser.map(|b| {
            let ticket = Ticket {
                pool_id: ctx.pool.id.clone(),
                client_id: ctx.client.id.clone(),
                sub: resp.user_sub.clone(),
                expires_at: self.now() + TICKET_MS,
                browser: b.to_owned(),
            };
            let json = serde_json::to_vec(&ticket).unwrap_or_default();
            self.server_key.seal_text(TICKET_CONTEXT, &json)
        });
        Ok((resp.code_delivery_details, ticket))
    }

    /// The confirmation form: `ConfirmSignUp`'s rules. With the ticket from the same
    /// browser's sign-up (its pre-session binding is `browser`), the confirmed user is
    /// signed in.
    pub async fn hosted_confirm(
        &self,
        ctx: &ClientContext,
        username: &str,
        code: &str,
        ticket: Option<&str>,
        browser: Option<&str>,
    ) -> CoreResult<Option<(UserRecord, i64)>> {
        self.confirm_sign_up(CodeRequest {
            confirmation_code: Some(code.to_owned()),
            ..self.code_request(ctx, username)
        })
        .await?;
        let Some(t) = ticket
            .and_then(|t| self.server_key.open_text(TICKET_CONTEXT, t))
            .and_then(|json| serde_json::from_slice::<Ticket>(&json).ok())
        else {
            return Ok(None);
        };
        let same_browser = browser.is_some_and(|b| ct_eq(b.as_bytes(), t.browser.as_bytes()));
        if t.pool_id != ctx.pool.id
            || t.client_id != ctx.client.id
            || self.now() >= t.expires_at
            || !same_browser
        {
            return Ok(None);
        }
        let user = self.store.find_user_by_sub(&ctx.pool.id, &t.sub).await?;
        let Some(user) = user.filter(|u| u.enabled && u.status == status::CONFIRMED) else {
            return Ok(None);
        };
        // The ticket must be for the account this code confirmed.
        match self.find_user(&ctx.pool, username).await {
            Ok(u) if u.sub == user.sub => Ok(Some((user, self.now() / 1000))),
            _ => Ok(None),
        }
    }

    /// The resend button: `ResendConfirmationCode`'s rules.
    pub async fn hosted_resend(
        &self,
        ctx: &ClientContext,
        username: &str,
    ) -> CoreResult<CodeDeliveryDetails> {
        let r = self
            .resend_confirmation_code(self.code_request(ctx, username))
            .await?;
        Ok(r.code_delivery_details)
    }

    /// The forgot-password form: `ForgotPassword`'s rules.
    pub async fn hosted_forgot_password(
        &self,
        ctx: &ClientContext,
        username: &str,
    ) -> CoreResult<CodeDeliveryDetails> {
        let r = self
            .forgot_password(self.code_request(ctx, username))
            .await?;
        Ok(r.code_delivery_details)
    }

    /// The reset-password form: `ConfirmForgotPassword`'s rules.
    pub async fn hosted_reset_password(
        &self,
        ctx: &ClientContext,
        username: &str,
        code: &str,
        password: &str,
    ) -> CoreResult<()> {
        self.confirm_forgot_password(CodeRequest {
            confirmation_code: Some(code.to_owned()),
            password: Some(password.to_owned()),
            ..self.code_request(ctx, username)
        })
        .await
    }

    /// Tokens for `response_type=token` (implicit grant): ID and access tokens with
    /// the granted scopes, never a refresh token.
    pub async fn implicit_tokens(
        &self,
        a: &Authorized,
        user: &UserRecord,
        auth_time: i64,
    ) -> CoreResult<AuthenticationResult> {
        let (result, _) = self
            .issue_tokens(crate::auth::tokens::Grant {
                pool: &a.ctx.pool,
                client: &a.ctx.client,
                user,
                auth_time,
                origin_jti: uuid::Uuid::new_v4().to_string(),
                event_id: uuid::Uuid::new_v4().to_string(),
                device_key: None,
                with_refresh_token: false,
                oauth: Some(a.grant.clone()),
            })
            .await?;
        Ok(result)
    }
}
