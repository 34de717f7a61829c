//! `InitiateAuth` / `AdminInitiateAuth` / `RespondToAuthChallenge` /
//! `AdminRespondToAuthChallenge`: a pipeline of named checks per flow, in the order
//! Cognito applies them (client, flow enabled, SECRET_HASH, user, disabled,
//! unconfirmed, lockout, password, reset required, new password required, tokens).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html>

use super::client::ClientContext;
use super::session::{AuthSession, SrpState};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::srp;
use crate::store::{UserPoolRecord, UserRecord};
use crate::threat::account::AccountEvent;
use crate::threat::{CredentialEvent, EventResponse, EventType};
use crate::user::status;
use crate::user_pool::check_pool_id;
use cognate_proto::auth::{
    AuthResponse, InitiateAuthRequest, RespondToAuthChallengeRequest, StringMap,
};
use cognate_proto::validate::Validator;

/// Every `AuthFlow` value of the model.
const FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

/// Most seconds a PASSWORD_VERIFIER `TIMESTAMP` may differ from the server clock.
const SRP_TIMESTAMP_SKEW_SECS: i64 = 300;

fn required<'a>(params: &'a StringMap, name: &str) -> CoreResult<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("Missing required parameter {name}")))
}

/// The pool name SRP mixes into `x`: the part of the pool id after `_`.
pub fn srp_pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}

fn challenge(name: &str, session: Option<String>, params: StringMap) -> AuthResponse {
    AuthResponse {
        challenge_name: Some(name.into()),
        session,
        challenge_parameters: params,
        ..Default::default()
    }
}

impl Core {
    /// `InitiateAuth`.
    pub async fn initiate_auth(&self, req: InitiateAuthRequest) -> CoreResult<AuthResponse> {
        self.initiate(req, false).await
    }

    /// `AdminInitiateAuth`.
    pub async fn admin_initiate_auth(&self, req: InitiateAuthRequest) -> CoreResult<AuthResponse> {
        self.initiate(req, true).await
    }

    /// `RespondToAuthChallenge`.
    pub async fn respond_to_auth_challenge(
        &self,
        req: RespondToAuthChallengeRequest,
    ) -> CoreResult<AuthResponse> {
        self.respond(req, false).await
    }

    /// `AdminRespondToAuthChallenge`.
    pub async fn admin_respond_to_auth_challenge(
        &self,
        req: RespondToAuthChallengeRequest,
    ) -> CoreResult<AuthResponse> {
        self.respond(req, true).await
    }

    async fn initiate(&self, req: InitiateAuthRequest, admin: bool) -> CoreResult<AuthResponse> {
        let mut val = Validator::new();
        val.required("authFlow", &req.auth_flow).one_of(
            "authFlow",
            req.auth_flow.as_deref(),
            FLOWS,
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool_id = if admin {
            Some(check_pool_id(&req.user_pool_id)?)
        } else {
            None
        };
        let ctx = self
            .client_context(&req.client_id, pool_id)
            .await?
            .with_context_data(
                admin,
                req.user_context_data.as_ref(),
                req.context_data.as_ref(),
            );
        let params = req.auth_parameters.unwrap_or_default();
        match (req.auth_flow.as_deref().unwrap_or_default(), admin) {
            (flow @ "USER_PASSWORD_AUTH", false)
            | (flow @ ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH"), true) => {
                self.password_sign_in(&ctx, flow, &params).await
            }
            ("USER_SRP_AUTH", _) => self.srp_start(&ctx, &params).await,
            (flow @ ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN"), _) => {
                ctx.check_flow(flow)?;
                self.refresh_sign_in(&ctx, &params).await
            }
            ("USER_AUTH", _) => {
                ctx.check_flow("USER_AUTH")?;
                self.user_auth(&ctx, &params, req.session.as_deref()).await
            }
            (flow @ "CUSTOM_AUTH", _) => {
                ctx.check_flow(flow)?;
                Err(CoreError::UnsupportedOperation(format!(
                    "{flow} is not supported by this Cognate version."
                )))
            }
            _ => Err(CoreError::InvalidParameter(
                "Initiate Auth method not supported.".into(),
            )),
        }
    }

    async fn respond(
        &self,
        req: RespondToAuthChallengeRequest,
        admin: bool,
    ) -> CoreResult<AuthResponse> {
        let mut val = Validator::new();
        val.required("challengeName", &req.challenge_name);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool_id = if admin {
            Some(check_pool_id(&req.user_pool_id)?)
        } else {
            None
        };
        let ctx = self
            .client_context(&req.client_id, pool_id)
            .await?
            .with_context_data(
                admin,
                req.user_context_data.as_ref(),
                req.context_data.as_ref(),
            );
        let responses = req.challenge_responses.unwrap_or_default();
        match req.challenge_name.as_deref().unwrap_or_default() {
            "PASSWORD_VERIFIER" => {
                let result = self
                    .srp_verify(&ctx, req.session.as_deref(), &responses)
                    .await;
                let username = responses.get("USERNAME").map(String::as_str);
                self.record_failed_sign_in(&ctx, username, result).await
            }
            "NEW_PASSWORD_REQUIRED" => {
                let session = req.session.as_deref().ok_or_else(|| {
                    CoreError::InvalidParameter("Missing required parameter Session".into())
                })?;
                self.new_password(&ctx, session, &responses).await
            }
            "SELECT_CHALLENGE" => {
                self.select_challenge(&ctx, req.session.as_deref(), &responses)
                    .await
            }
            "WEB_AUTHN" => {
                self.answer_web_authn(&ctx, req.session.as_deref(), &responses)
                    .await
            }
            crate::devices::DEVICE_SRP_AUTH => {
                self.respond_device_srp_auth(&ctx, req.session.as_deref(), &responses)
                    .await
            }
            crate::devices::DEVICE_PASSWORD_VERIFIER => {
                self.respond_device_password_verifier(&ctx, req.session.as_deref(), &responses)
                    .await
            }
            name @ ("SMS_MFA" | "SMS_OTP" | "EMAIL_OTP" | "EMAIL_MFA" | "SOFTWARE_TOKEN_MFA"
            | "SELECT_MFA_TYPE" | "MFA_SETUP") => {
                self.respond_mfa(&ctx, name, req.session.as_deref(), &responses)
                    .await
            }
            other => Err(CoreError::InvalidParameter(format!(
                "Invalid challenge name {other}."
            ))),
        }
    }

    /// Finds the user signing in; unknown users are indistinguishable from wrong
    /// passwords when the client hides user existence (a dummy hash keeps the timing).
    pub(crate) async fn sign_in_user(
        &self,
        ctx: &ClientContext,
        username: &str,
        password: Option<&str>,
    ) -> CoreResult<UserRecord> {
        match self.find_user(&ctx.pool, username).await {
            Ok(user) => Ok(user),
            Err(CoreError::UserNotFound) if ctx.hides_user_existence() => match password {
                Some(pw) => Err(self
                    .refuse_unknown_password(&ctx.pool, username, Some(pw))
                    .await),
                None => Err(CoreError::bad_credentials()),
            },
            Err(e) => Err(e),
        }
    }

    /// Refusals that come before the password is looked at.
    pub(crate) fn check_can_sign_in(user: &UserRecord) -> CoreResult<()> {
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        if user.status == status::UNCONFIRMED {
            return Err(CoreError::UserNotConfirmed);
        }
        Ok(())
    }

    async fn password_sign_in(
        &self,
        ctx: &ClientContext,
        flow: &str,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        ctx.check_flow(flow)?;
        self.password_factor(ctx, params).await
    }

    /// The password as the first factor (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
    /// and USER_AUTH's PASSWORD); a refusal is recorded for threat protection.
    pub(crate) async fn password_factor(
        &self,
        ctx: &ClientContext,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let result = self.password_first_factor(ctx, params).await;
        let username = params.get("USERNAME").map(String::as_str);
        self.record_failed_sign_in(ctx, username, result).await
    }

    async fn password_first_factor(
        &self,
        ctx: &ClientContext,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let username = required(params, "USERNAME")?;
        let password = required(params, "PASSWORD")?;
        ctx.check_secret_hash(username, params.get("SECRET_HASH").map(String::as_str))?;
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
        let device_key = params.get("DEVICE_KEY").map(String::as_str);
        self.after_first_factor(ctx, user, device_key, Some(password))
            .await
    }

    /// Status checks after a correct password, threat protection (`password` is the
    /// one sent, never for SRP), then the next challenge (device proof or MFA, see
    /// `devices::sign_in`) or tokens; `device_key` is the `DEVICE_KEY` sent.
    async fn after_first_factor(
        &self,
        ctx: &ClientContext,
        user: UserRecord,
        device_key: Option<&str>,
        password: Option<&str>,
    ) -> CoreResult<AuthResponse> {
        if user.status == status::RESET_REQUIRED {
            return Err(CoreError::PasswordResetRequired);
        }
        let auth_time = self.now() / 1000;
        if user.status == status::FORCE_CHANGE_PASSWORD {
            return self.temporary_password_step(ctx, &user, auth_time).await;
        }
        // With a second factor to come, the failure counter is cleared only when it
        // passes (wrong MFA codes add up across sign-ins); the password check counted
        // up front is taken back.
        let screen = self.screen_sign_in(ctx, &user, password).await?;
        let device = self.named_device(&ctx.pool, &user, device_key).await?;
        let next = self
            .screened_challenge(ctx, &user, auth_time, device.as_ref(), &screen)
            .await?;
        self.record_sign_in(ctx, &user, &screen, next.is_some())
            .await?;
        self.first_factor_passed(&user, next.is_some()).await?;
        if let Some(challenge) = next {
            return Ok(challenge);
        }
        let result = self
            .device_sign_in_tokens(&ctx.pool, &ctx.client, &user, auth_time, None)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// A right temporary password (API and hosted pages): NEW_PASSWORD_REQUIRED, whose
    /// session continues the sign-in. It is screened like any sign-in (never for a
    /// breached temporary password: the new one is checked instead), and one whose
    /// risk requires MFA the user could not answer is refused now, before the password
    /// can be changed. The event waits for the new password.
    pub(crate) async fn temporary_password_step(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
    ) -> CoreResult<AuthResponse> {
        self.store.clear_failures(user.id).await?;
        self.check_temporary_password_age(&ctx.pool, user)?;
        let screen = self.screen_sign_in(ctx, user, None).await?;
        self.check_risk_mfa_possible(ctx, user, &screen).await?;
        self.record_sign_in(ctx, user, &screen, true).await?;
        Ok(self.new_password_challenge(ctx, user, auth_time, &screen))
    }

    pub(crate) fn check_temporary_password_age(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
    ) -> CoreResult<()> {
        let days = crate::password::Policy::from_wire(
            pool.settings
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )
        .temporary_validity_days;
        let set_at = user.password_set_at.unwrap_or(user.created_at);
        if self.now() > set_at + days * 86_400_000 {
            return Err(CoreError::NotAuthorized(
                "Temporary password has expired and must be reset by an administrator.".into(),
            ));
        }
        Ok(())
    }

    pub(crate) fn new_session(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        challenge: &str,
        auth_time: i64,
    ) -> String {
        self.seal_session(&self.new_session_record(ctx, user, challenge, auth_time))
    }

    fn new_session_record(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        challenge: &str,
        auth_time: i64,
    ) -> AuthSession {
        AuthSession {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: ctx.pool.id.clone(),
            client_id: ctx.client.id.clone(),
            username: user.username.clone(),
            unknown_name: String::new(),
            challenge: challenge.into(),
            auth_time,
            expires_at: self.now() + ctx.session_minutes() * 60_000,
            event_id: None,
            risk_mfa: None,
        }
    }

    /// NEW_PASSWORD_REQUIRED, whose session continues the screened sign-in `screen`
    /// (its event, and the MFA step its risk asks for).
    pub(crate) fn new_password_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        screen: &crate::threat::gate::SignInScreen,
    ) -> AuthResponse {
        let attrs: serde_json::Map<String, serde_json::Value> = user
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
            .collect();
        let missing: Vec<String> = crate::schema::required_names(&ctx.pool.schema)
            .into_iter()
            .filter(|n| user.attributes.get(n).is_none_or(String::is_empty))
            .map(|n| format!("userAttributes.{n}"))
            .collect();
        let mut params = StringMap::new();
        params.insert("USER_ID_FOR_SRP".into(), user.username.clone());
        params.insert(
            "userAttributes".into(),
            serde_json::Value::Object(attrs).to_string(),
        );
        params.insert(
            "requiredAttributes".into(),
            serde_json::to_string(&missing).unwrap_or_default(),
        );
        let mut s = self.new_session_record(ctx, user, "NEW_PASSWORD_REQUIRED", auth_time);
        s.event_id = screen.event_id().map(str::to_owned);
        s.risk_mfa = crate::threat::gate::force_name(screen.force()).map(str::to_owned);
        challenge("NEW_PASSWORD_REQUIRED", Some(self.seal_session(&s)), params)
    }

    /// Answers NEW_PASSWORD_REQUIRED, then continues the sign-in its session began:
    /// the MFA step its risk asked for, the device or MFA step, or tokens. The sign-in
    /// event ends `Pass` with the tokens (which carry its id) or `Fail` with a refusal.
    async fn new_password(
        &self,
        ctx: &ClientContext,
        session: &str,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let (user, s) = self.complete_new_password(ctx, session, responses).await?;
        self.resume_sign_in_event(s.event_id.as_deref());
        let result = self.after_new_password(ctx, &user, &s, responses).await;
        let signed_in = crate::threat::resume::issued_tokens;
        self.end_sign_in_step(&ctx.pool, s.event_id.as_deref(), None, result, signed_in)
            .await
    }

    /// What follows a new password set for a temporary one: the MFA step the sign-in's
    /// risk asked for, else the device or MFA step; `None` for tokens.
    pub(crate) async fn new_password_next(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        s: &AuthSession,
        device: Option<&crate::devices::store::DeviceRecord>,
    ) -> CoreResult<Option<AuthResponse>> {
        let screen = crate::threat::gate::SignInScreen::resumed(
            s.event_id.clone(),
            crate::threat::gate::force_of(s.risk_mfa.as_deref()),
        );
        self.screened_challenge(ctx, user, s.auth_time, device, &screen)
            .await
    }

    async fn after_new_password(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        s: &AuthSession,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let (user, auth_time) = (user.clone(), s.auth_time);
        let device_key = responses.get("DEVICE_KEY").map(String::as_str);
        let device = self.named_device(&ctx.pool, &user, device_key).await?;
        if let Some(challenge) = self
            .new_password_next(ctx, &user, s, device.as_ref())
            .await?
        {
            return Ok(challenge);
        }
        let result = self
            .device_sign_in_tokens(&ctx.pool, &ctx.client, &user, auth_time, None)
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// Answers NEW_PASSWORD_REQUIRED: sets the password and the missing required
    /// attributes, confirms the user; returns the user and the session it spent (the
    /// original `auth_time`, the sign-in's event and the MFA step its risk asked for).
    pub(crate) async fn complete_new_password(
        &self,
        ctx: &ClientContext,
        session: &str,
        responses: &StringMap,
    ) -> CoreResult<(UserRecord, AuthSession)> {
        // The answer is checked before the session is spent, so a refused password
        // can be corrected with the same session.
        let s = self.read_session(
            session,
            &ctx.pool.id,
            &ctx.client.id,
            "NEW_PASSWORD_REQUIRED",
        )?;
        let password = required(responses, "NEW_PASSWORD")?;
        if let Some(u) = responses.get("USERNAME") {
            ctx.check_secret_hash(u, responses.get("SECRET_HASH").map(String::as_str))?;
        }
        let mut user = self.find_user(&ctx.pool, &s.username).await?;
        if user.status != status::FORCE_CHANGE_PASSWORD {
            // A replayed session says so; any other is simply invalid.
            self.spend_session(&s).await?;
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user.".into(),
            ));
        }
        let attrs: std::collections::BTreeMap<String, String> = responses
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("userAttributes.")
                    .map(|n| (n.to_owned(), v.clone()))
            })
            .collect();
        crate::schema::check_attributes(&ctx.pool.schema, &attrs, crate::schema::Writer::Create)?;
        for (name, value) in attrs {
            // The same write rules as UpdateUserAttributes: the client's WriteAttributes,
            // never `sub`, verification flags or developer-only attributes; immutable or
            // required attributes that already have a value stay as they are.
            crate::self_service::attributes::check_writable(
                &ctx.pool,
                ctx.client.settings.write_attributes.as_deref(),
                &name,
            )?;
            let current = user.attributes.get(&name).filter(|v| !v.is_empty());
            if current.is_some_and(|c| c != &value) {
                let fixed = crate::schema::find(&ctx.pool.schema, &name)
                    .is_some_and(|a| a.mutable == Some(false) || a.required == Some(true));
                if fixed {
                    return Err(CoreError::InvalidParameter(format!(
                        "Cannot modify the non-mutable attribute {name}"
                    )));
                }
                if name == "email" || name == "phone_number" {
                    user.attributes
                        .insert(format!("{name}_verified"), "false".into());
                }
            }
            user.attributes.insert(name, value);
        }
        let missing: Vec<String> = crate::schema::required_names(&ctx.pool.schema)
            .into_iter()
            .filter(|n| user.attributes.get(n).is_none_or(String::is_empty))
            .collect();
        if !missing.is_empty() {
            return Err(CoreError::InvalidParameter(format!(
                "Missing required attributes: {}",
                missing.join(", ")
            )));
        }
        crate::password::check_shape("password", password)?;
        crate::password::Policy::from_wire(
            ctx.pool
                .settings
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )
        .check(password)?;
        let event = AccountEvent::of(ctx, None, Some(user.id), EventType::PasswordChange);
        let compromised = self
            .screen_new_password(&event, CredentialEvent::PasswordChange, password)
            .await?;
        self.spend_session(&s).await?;
        user.status = status::CONFIRMED.into();
        let user = self
            .set_password_and_save(&ctx.pool, user, password)
            .await?;
        self.record_account_event(&event, EventResponse::Pass, compromised, None)
            .await;
        Ok((user, s))
    }

    async fn srp_start(&self, ctx: &ClientContext, params: &StringMap) -> CoreResult<AuthResponse> {
        ctx.check_flow("USER_SRP_AUTH")?;
        self.srp_factor(ctx, params).await
    }

    /// SRP's first step (USER_SRP_AUTH, and USER_AUTH's PASSWORD_SRP).
    pub(crate) async fn srp_factor(
        &self,
        ctx: &ClientContext,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let username = required(params, "USERNAME")?;
        let a_hex = required(params, "SRP_A")?;
        ctx.check_secret_hash(username, params.get("SECRET_HASH").map(String::as_str))?;
        srp::parse_client_public(a_hex)
            .map_err(|_| CoreError::InvalidParameter("Invalid SRP_A value.".into()))?;
        let found = match self.sign_in_user(ctx, username, None).await {
            Ok(user) => Some(user),
            Err(CoreError::NotAuthorized(_)) => None,
            Err(e) => return Err(e),
        };
        let (user_id_for_srp, salt, verifier, internal) = match &found {
            Some(user) => {
                // When existence is hidden, a disabled or unconfirmed account is only
                // told apart after its password proof was right.
                if !ctx.hides_user_existence() {
                    Self::check_can_sign_in(user)?;
                }
                self.check_lockout(user).await?;
                match self.srp_credential(user).await? {
                    Some((salt, v)) => (user.username.clone(), salt, v, user.username.clone()),
                    // No verifier (no password): a simulated challenge whose answer
                    // still counts toward this user's lockout.
                    None => {
                        let (id, salt, v, _) = self.fake_srp_identity(&ctx.pool, username);
                        (id, salt, v, user.username.clone())
                    }
                }
            }
            None => {
                self.check_unknown_lockout(&ctx.pool, username).await?;
                self.fake_srp_identity(&ctx.pool, username)
            }
        };
        let unknown_name = match &found {
            None => username.to_owned(),
            Some(_) => String::new(),
        };
        let eph = srp::server_ephemeral(&verifier);
        let block = self.seal_secret_block(&SrpState {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: ctx.pool.id.clone(),
            client_id: ctx.client.id.clone(),
            username: internal,
            unknown_name,
            secret_b: hex::encode(&eph.secret_b),
            public_b: eph.public_b_hex.clone(),
            public_a: a_hex.to_owned(),
            expires_at: self.now() + ctx.session_minutes() * 60_000,
        });
        let mut out = StringMap::new();
        out.insert("SALT".into(), salt);
        out.insert("SRP_B".into(), eph.public_b_hex);
        out.insert("SECRET_BLOCK".into(), block);
        out.insert("USER_ID_FOR_SRP".into(), user_id_for_srp.clone());
        out.insert("USERNAME".into(), user_id_for_srp);
        Ok(challenge("PASSWORD_VERIFIER", None, out))
    }

    /// A plausible, repeatable challenge for a user who does not exist (or has no
    /// verifier): the same fake salt and user id every time for the same name.
    fn fake_srp_identity(
        &self,
        pool: &UserPoolRecord,
        username: &str,
    ) -> (String, String, Vec<u8>, String) {
        let pool_id = pool.id.as_str();
        let seed = self
            .server_key
            .mac_hex("srp-fake-user", format!("{pool_id}\n{username}").as_bytes());
        let salt = srp::fake_salt_hex(seed.as_bytes(), pool_id, username);
        // Shaped like a real answer: pools that sign in with email or phone have UUID
        // usernames; elsewhere the internal username is what was typed.
        let fake_id =
            if crate::identifiers::SignInConfig::of(&pool.settings).uses_attributes_as_username() {
                let bytes = hex::decode(&seed[..32]).unwrap_or_default();
                uuid::Builder::from_random_bytes(bytes.try_into().unwrap_or([0u8; 16]))
                    .into_uuid()
                    .to_string()
            } else {
                username.to_owned()
            };
        let verifier = hex::decode(&seed).unwrap_or_default();
        (fake_id, salt, verifier, String::new())
    }

    async fn srp_verify(
        &self,
        ctx: &ClientContext,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let username = required(responses, "USERNAME")?;
        let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = required(responses, "TIMESTAMP")?;
        ctx.check_secret_hash(username, responses.get("SECRET_HASH").map(String::as_str))?;
        if let Some(s) = session.filter(|s| !s.is_empty()) {
            // Sessions are not required here (some clients omit them), but one that is
            // sent must be genuine.
            let _ = self.server_key.open_text("cognate auth session v1", s);
        }
        let state = self
            .open_secret_block(block, &ctx.pool.id, &ctx.client.id)
            .await?;
        if state.username.is_empty() {
            if state.unknown_name.is_empty() {
                return Err(CoreError::bad_credentials());
            }
            // A simulated challenge answered: counted like a real user's wrong answer.
            return Err(self
                .refuse_unknown_password(&ctx.pool, &state.unknown_name, None)
                .await);
        }
        let user = self
            .find_user(&ctx.pool, &state.username)
            .await
            .map_err(|_| CoreError::bad_credentials())?;
        let hidden = ctx.hides_user_existence();
        if !hidden {
            Self::check_can_sign_in(&user)?;
        }
        self.begin_password_attempt(&user).await?;
        let now_secs = self.now() / 1000;
        let fresh = srp::parse_timestamp(timestamp)
            .is_some_and(|t| (t - now_secs).abs() <= SRP_TIMESTAMP_SKEW_SECS);
        let Some((salt, verifier)) = self.srp_credential(&user).await? else {
            return Err(CoreError::bad_credentials());
        };
        let a = hex::decode(pad_even(&state.public_a)).unwrap_or_default();
        let b = hex::decode(&state.secret_b).unwrap_or_default();
        let check = srp::ClaimCheck {
            realm: srp_pool_name(&ctx.pool.id),
            user_id: &user.username,
            salt_hex: &salt,
            verifier: &verifier,
            client_public_a: &a,
            secret_b: &b,
            public_b_hex: &state.public_b,
            secret_block_b64: block,
            timestamp,
            signature_b64: signature,
        };
        if !fresh || srp::verify_claim(&check).is_err() {
            return Err(CoreError::bad_credentials());
        }
        if hidden {
            Self::check_can_sign_in(&user)?;
        }
        let device_key = responses.get("DEVICE_KEY").map(String::as_str);
        if let Err(e) = self.known_device_key(&ctx.pool, &user, device_key).await {
            // The password was right: scored and recorded like any such sign-in (a
            // BLOCK answers instead), and the attempt counted for it is taken back.
            return self.refuse_screened(ctx, &user, e).await;
        }
        self.after_first_factor(ctx, user, device_key, None).await
    }

    /// The user's SRP salt and (unsealed) verifier.
    async fn srp_credential(&self, user: &UserRecord) -> CoreResult<Option<(String, Vec<u8>)>> {
        let Some(cred) = self.store.get_srp(user.id).await? else {
            return Ok(None);
        };
        let context = super::credentials::srp_context(&user.pool_id, &user.sub);
        Ok(self
            .server_key
            .open(&context, &cred.verifier)
            .map(|v| (cred.salt, v)))
    }
}

fn pad_even(hex_text: &str) -> String {
    if hex_text.len() % 2 == 1 {
        format!("0{hex_text}")
    } else {
        hex_text.to_owned()
    }
}
