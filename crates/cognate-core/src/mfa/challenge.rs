//! Which MFA step follows a correct first factor, and issuing it: OFF asks nothing;
//! OPTIONAL asks users who turned a factor on; ON asks everyone, and users without a
//! usable factor get MFA_SETUP. One usable factor (or a preferred one) is asked for
//! directly; several without a preference give SELECT_MFA_TYPE.
//! Challenge parameters as in §3.8 of the wire fact sheet; SMS and email codes go through
//! the delivery outbox in the transaction that stores their hash.

use super::pool_config::{
    DEFAULT_EMAIL_MESSAGE, DEFAULT_EMAIL_SUBJECT, DEFAULT_SMS_MESSAGE, PoolFactors,
};
use super::session::{MfaSession, stage};
use super::{EMAIL_OTP, SMS_MFA, SOFTWARE_TOKEN_MFA};
use crate::Core;
use crate::auth::client::ClientContext;
use crate::codes::new_code;
use crate::error::CoreResult;
use crate::messages::Delivery;
use crate::store::{CodeRecord, UserMfaRecord, UserRecord};
use cognate_proto::auth::{AuthResponse, StringMap};

/// Code-store purpose of the pending MFA code (one per user: a newer sign-in replaces it).
pub(crate) const CODE_PURPOSE: &str = "mfa";
/// Wrong answers allowed per MFA code before its session is dead.
pub const ATTEMPTS_PER_CHALLENGE: i64 = 3;

/// What follows the first factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MfaStep {
    /// Nothing: issue tokens.
    Done,
    /// Ask for this factor.
    Ask(&'static str),
    /// Let the user pick one of these.
    Select(Vec<&'static str>),
    /// The user must set up one of these first.
    Setup(Vec<&'static str>),
    /// Risk requires MFA that the user can neither answer nor set up: refuse.
    Refuse,
}

/// How the risk assessment of a sign-in (threat protection) bears on its MFA step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MfaForce {
    /// The pool's MFA configuration alone decides.
    No,
    /// `MFA_IF_CONFIGURED`: ask a user who has a factor, even where MFA is off or
    /// optional for them.
    IfConfigured,
    /// `MFA_REQUIRED`: ask; a user without a factor sets one up, or is refused when
    /// the pool offers none.
    Required,
}

fn attr<'a>(user: &'a UserRecord, name: &str) -> Option<&'a str> {
    user.attributes
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The MFA factor that sends its code the same way as a passwordless first factor
/// (EMAIL_OTP by email, SMS_OTP by SMS): a second code by the same channel proves
/// nothing the first did not, so it is never the second factor.
pub(crate) fn same_channel(first_factor: &str) -> Option<&'static str> {
    match first_factor {
        EMAIL_OTP => Some(EMAIL_OTP),
        super::SMS_OTP => Some(SMS_MFA),
        _ => None,
    }
}

/// Decides the step. SMS and email count only while the pool offers them and the user
/// has the attribute; a verified TOTP token stays usable even after the pool stops
/// offering TOTP, as in Cognito.
pub(crate) fn decide(pool: &PoolFactors, user: &UserRecord, mfa: &UserMfaRecord) -> MfaStep {
    decide_without(pool, user, mfa, None)
}

/// [`decide`] without the factor `used` (the channel of the first factor, see
/// [`same_channel`]); a user left with nothing where MFA is required is refused.
fn decide_without(
    pool: &PoolFactors,
    user: &UserRecord,
    mfa: &UserMfaRecord,
    used: Option<&str>,
) -> MfaStep {
    if pool.off() {
        return MfaStep::Done;
    }
    let usable = usable_factors(pool, user, mfa, used);
    if let Some(preferred) = preferred(&usable, mfa) {
        return MfaStep::Ask(preferred);
    }
    match usable.len() {
        0 if pool.mode == "ON" => {
            // Pools with SMS MFA required ask users who have a phone number by SMS.
            if pool.config.sms_enabled
                && attr(user, "phone_number").is_some()
                && used != Some(SMS_MFA)
            {
                MfaStep::Ask(SMS_MFA)
            } else {
                setup_step(pool, used)
            }
        }
        0 => MfaStep::Done,
        1 => MfaStep::Ask(usable[0]),
        _ => MfaStep::Select(usable),
    }
}

/// The user's preferred factor, when it is usable.
fn preferred(usable: &[&'static str], mfa: &UserMfaRecord) -> Option<&'static str> {
    usable
        .iter()
        .find(|f| mfa.preferences.preferred.as_deref() == Some(**f))
        .copied()
}

/// The factors the user turned on that can be used now, except `used`.
fn usable_factors(
    pool: &PoolFactors,
    user: &UserRecord,
    mfa: &UserMfaRecord,
    used: Option<&str>,
) -> Vec<&'static str> {
    let p = &mfa.preferences;
    [
        (
            p.sms && pool.config.sms_enabled && attr(user, "phone_number").is_some(),
            SMS_MFA,
        ),
        (
            p.software_token && mfa.totp_secret.is_some(),
            SOFTWARE_TOKEN_MFA,
        ),
        (
            p.email && pool.config.email.is_some() && attr(user, "email").is_some(),
            EMAIL_OTP,
        ),
    ]
    .into_iter()
    .filter_map(|(ok, name)| (ok && used != Some(name)).then_some(name))
    .collect()
}

/// The step when risk bears on it: the pool's own decision when it asks anything;
/// otherwise, when forced, the user's factors regardless of the pool's mode, then a
/// verified phone number or email address the pool can send codes to (Cognito's
/// adaptive authentication does the same), then set-up or refusal for `Required`.
/// `used` (the channel of a passwordless first factor, [`same_channel`]) is never
/// asked, listed or set up; a user whose only factor it is gets refused, for
/// `IfConfigured` too.
pub(crate) fn decide_forced(
    pool: &PoolFactors,
    user: &UserRecord,
    mfa: &UserMfaRecord,
    force: MfaForce,
    used: Option<&str>,
) -> MfaStep {
    let step = decide_without(pool, user, mfa, used);
    if step != MfaStep::Done || force == MfaForce::No {
        return step;
    }
    if let Some(step) = forced_factor(pool, user, mfa, used) {
        return step;
    }
    if force == MfaForce::IfConfigured {
        let had_only_used = used.is_some() && forced_factor(pool, user, mfa, None).is_some();
        return if had_only_used {
            MfaStep::Refuse
        } else {
            MfaStep::Done
        };
    }
    match setup_options(pool, used) {
        options if options.is_empty() => MfaStep::Refuse,
        options => MfaStep::Setup(options),
    }
}

/// The factor risk asks a user for where the pool would not: one they turned on (the
/// preferred one, or a choice), else a verified address the pool sends codes to.
fn forced_factor(
    pool: &PoolFactors,
    user: &UserRecord,
    mfa: &UserMfaRecord,
    used: Option<&str>,
) -> Option<MfaStep> {
    let usable = usable_factors(pool, user, mfa, used);
    if let Some(preferred) = preferred(&usable, mfa) {
        return Some(MfaStep::Ask(preferred));
    }
    let verified = |name: &str| {
        attr(user, name).is_some() && attr(user, &format!("{name}_verified")) == Some("true")
    };
    match usable.len() {
        1 => Some(MfaStep::Ask(usable[0])),
        n if n > 1 => Some(MfaStep::Select(usable)),
        _ if pool.config.sms_enabled && verified("phone_number") && used != Some(SMS_MFA) => {
            Some(MfaStep::Ask(SMS_MFA))
        }
        _ if pool.config.email.is_some() && verified("email") && used != Some(EMAIL_OTP) => {
            Some(MfaStep::Ask(EMAIL_OTP))
        }
        _ => None,
    }
}

/// MFA_SETUP with the factors that may be set up; with none left once `used` is taken
/// out, a refusal.
fn setup_step(pool: &PoolFactors, used: Option<&str>) -> MfaStep {
    match setup_options(pool, used) {
        options if options.is_empty() && used.is_some() => MfaStep::Refuse,
        options => MfaStep::Setup(options),
    }
}

/// The factors MFA_SETUP offers: those the pool has on (SMS cannot be set up inline,
/// but Cognito lists it), except `used`.
fn setup_options(pool: &PoolFactors, used: Option<&str>) -> Vec<&'static str> {
    [
        (pool.config.sms_enabled, SMS_MFA),
        (pool.config.software_token_enabled, SOFTWARE_TOKEN_MFA),
        (pool.config.email.is_some(), EMAIL_OTP),
    ]
    .into_iter()
    .filter_map(|(on, name)| (on && used != Some(name)).then_some(name))
    .collect()
}

/// `+*******1234`: only the last four digits.
pub fn mask_phone(phone: &str) -> String {
    crate::messages::mask_phone(phone)
}

/// `j****@e****`: the first character of the local part and of the domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            format!("{}****@{}****", first(local), first(domain))
        }
        None => "****".into(),
    }
}

/// The keyed-hash tag that binds a stored code to the session it was sent for.
pub(crate) fn session_tag(core_mac: &str) -> String {
    core_mac.chars().take(32).collect()
}

impl Core {
    /// The MFA challenge that must be answered before tokens, if any. Called after the
    /// first factor (and after NEW_PASSWORD_REQUIRED) succeeded.
    pub async fn mfa_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
    ) -> CoreResult<Option<AuthResponse>> {
        self.mfa_challenge_with(ctx, user, auth_time, MfaForce::No, None)
            .await
    }

    /// The step [`decide_forced`] picks for `user` now; nothing is sent or stored.
    pub(crate) async fn mfa_step(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        force: MfaForce,
        used: Option<&str>,
    ) -> CoreResult<(MfaStep, UserMfaRecord)> {
        let factors = self.pool_factors(&ctx.pool).await?;
        if factors.off() && force == MfaForce::No {
            return Ok((MfaStep::Done, UserMfaRecord::default()));
        }
        let mfa = self.user_mfa(user).await?;
        let step = decide_forced(&factors, user, &mfa, force, used);
        Ok((step, mfa))
    }

    /// [`Core::mfa_challenge`] with the risk assessment's say ([`MfaForce`]) and the
    /// channel of a passwordless first factor that must not be asked again (`used`,
    /// [`same_channel`]); a user who must but cannot answer MFA is refused with
    /// `NotAuthorizedException`. The session carries the sign-in event this request
    /// recorded, if any.
    pub(crate) async fn mfa_challenge_with(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        force: MfaForce,
        used: Option<&str>,
    ) -> CoreResult<Option<AuthResponse>> {
        let (step, mfa) = self.mfa_step(ctx, user, force, used).await?;
        if step == MfaStep::Done {
            return Ok(None);
        }
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
            auth_time,
            validity_ms,
            expires_at: now + validity_ms,
            event_id: crate::threat::request::sign_in_event(),
            first_factor: false,
        };
        Ok(match step {
            MfaStep::Done => None,
            MfaStep::Refuse => return Err(crate::threat::gate::risk_refusal()),
            MfaStep::Ask(factor) => Some(self.ask_factor(ctx, user, &mfa, &first, factor).await?),
            MfaStep::Select(list) => {
                let mut s = first.next("SELECT_MFA_TYPE", stage::NEW, now);
                s.choices = list.iter().map(|f| (*f).to_owned()).collect();
                let mut params = base_params(user);
                params.insert(
                    "MFAS_CAN_CHOOSE".into(),
                    serde_json::to_string(&s.choices).unwrap_or_default(),
                );
                Some(self.mfa_response(&s, params))
            }
            MfaStep::Setup(list) => {
                let mut s = first.next("MFA_SETUP", stage::NEW, now);
                s.choices = list.iter().map(|f| (*f).to_owned()).collect();
                let mut params = base_params(user);
                params.insert(
                    "MFAS_CAN_SETUP".into(),
                    serde_json::to_string(&s.choices).unwrap_or_default(),
                );
                Some(self.mfa_response(&s, params))
            }
        })
    }

    /// Issues the challenge for `factor`: sends the code for SMS and email, and stores
    /// the attempt counter (bound to the new session) for every factor.
    pub(crate) async fn ask_factor(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        mfa: &UserMfaRecord,
        prev: &MfaSession,
        factor: &str,
    ) -> CoreResult<AuthResponse> {
        let s = prev.next(factor, stage::NEW, self.now());
        let mut params = base_params(user);
        match factor {
            SOFTWARE_TOKEN_MFA => {
                if let Some(name) = mfa.totp_device_name.as_ref().filter(|n| !n.is_empty()) {
                    params.insert("FRIENDLY_DEVICE_NAME".into(), name.clone());
                }
                self.store
                    .put_code(&self.challenge_record(user, &s, None), None)
                    .await?;
            }
            _ => {
                let delivery = self.mfa_delivery(ctx, user, factor, None).await?;
                self.send_mfa_code(user, &s, &delivery, &mut params).await?;
            }
        }
        Ok(self.mfa_response(&s, params))
    }

    /// Where and how an SMS or email code goes; `to` overrides the user's address
    /// (email set up during MFA_SETUP).
    pub(crate) async fn mfa_delivery(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        factor: &str,
        to: Option<&str>,
    ) -> CoreResult<Delivery> {
        if factor == SMS_MFA || factor == super::SMS_OTP {
            return Ok(Delivery {
                channel: "SMS",
                attribute: "phone_number",
                destination: attr(user, "phone_number").unwrap_or_default().to_owned(),
                body: ctx
                    .pool
                    .settings
                    .sms_authentication_message
                    .clone()
                    .unwrap_or_else(|| DEFAULT_SMS_MESSAGE.into()),
                subject: None,
            });
        }
        let template = self
            .pool_factors(&ctx.pool)
            .await?
            .config
            .email
            .unwrap_or_default();
        Ok(Delivery {
            channel: "EMAIL",
            attribute: "email",
            destination: to
                .or_else(|| attr(user, "email"))
                .unwrap_or_default()
                .to_owned(),
            body: template
                .message
                .unwrap_or_else(|| DEFAULT_EMAIL_MESSAGE.into()),
            subject: Some(
                template
                    .subject
                    .unwrap_or_else(|| DEFAULT_EMAIL_SUBJECT.into()),
            ),
        })
    }

    /// Makes a code for session `s`, stores its keyed hash and queues its message in
    /// one transaction, and adds the delivery parameters.
    pub(crate) async fn send_mfa_code(
        &self,
        user: &UserRecord,
        s: &MfaSession,
        delivery: &Delivery,
        params: &mut StringMap,
    ) -> CoreResult<()> {
        let code = new_code();
        let record = self.challenge_record(user, s, Some(&code));
        let message = delivery.message(&user.pool_id, &user.username, &code, self.now());
        self.store.put_code(&record, Some(&message)).await?;
        let masked = if delivery.channel == "SMS" {
            mask_phone(&delivery.destination)
        } else {
            mask_email(&delivery.destination)
        };
        params.insert(
            "CODE_DELIVERY_DELIVERY_MEDIUM".into(),
            delivery.channel.into(),
        );
        params.insert("CODE_DELIVERY_DESTINATION".into(), masked);
        Ok(())
    }

    /// `<session tag>:<keyed hash of the code>` (no hash for TOTP, which only needs the
    /// attempt counter), living as long as the session.
    fn challenge_record(
        &self,
        user: &UserRecord,
        s: &MfaSession,
        code: Option<&str>,
    ) -> CodeRecord {
        CodeRecord {
            user_id: user.id,
            purpose: CODE_PURPOSE.into(),
            code_hash: format!(
                "{}:{}",
                self.mfa_session_tag(s),
                code.map(|c| self.mfa_code_hash(s, c)).unwrap_or_default()
            ),
            expires_at: s.expires_at,
            attempts_left: ATTEMPTS_PER_CHALLENGE,
            created_at: self.now(),
        }
    }

    pub(crate) fn mfa_session_tag(&self, s: &MfaSession) -> String {
        session_tag(&self.server_key.mac_hex("mfa-session-tag", s.id.as_bytes()))
    }

    pub(crate) fn mfa_code_hash(&self, s: &MfaSession, code: &str) -> String {
        self.server_key.mac_hex(
            "mfa-code",
            format!("{}\n{}\n{}", s.sub, s.id, code.trim()).as_bytes(),
        )
    }

    /// A challenge reply carrying session `s`.
    pub(crate) fn mfa_response(&self, s: &MfaSession, params: StringMap) -> AuthResponse {
        AuthResponse {
            challenge_name: Some(s.challenge.clone()),
            session: Some(self.seal_mfa_session(s)),
            challenge_parameters: params,
            ..Default::default()
        }
    }
}

/// Parameters every MFA challenge carries: the internal username.
pub(crate) fn base_params(user: &UserRecord) -> StringMap {
    let mut params = StringMap::new();
    params.insert("USER_ID_FOR_SRP".into(), user.username.clone());
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MfaPreferences, PoolMfaConfig};

    fn pool(mode: &str, sms: bool, totp: bool, email: bool) -> PoolFactors {
        PoolFactors {
            mode: mode.into(),
            config: PoolMfaConfig {
                sms_enabled: sms,
                software_token_enabled: totp,
                email: email.then(Default::default),
                web_authn: None,
            },
        }
    }

    fn user(attrs: &[(&str, &str)]) -> UserRecord {
        UserRecord {
            id: 1,
            pool_id: "p".into(),
            username: "u".into(),
            sub: "s".into(),
            status: "CONFIRMED".into(),
            enabled: true,
            attributes: attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            password_hash: None,
            password_set_at: None,
            created_at: 0,
            updated_at: 0,
            version: 0,
        }
    }

    fn mfa(sms: bool, totp: bool, email: bool, preferred: Option<&str>) -> UserMfaRecord {
        UserMfaRecord {
            preferences: MfaPreferences {
                sms,
                email,
                software_token: totp,
                web_authn: false,
                preferred: preferred.map(str::to_owned),
            },
            totp_secret: totp.then(|| vec![1]),
            ..Default::default()
        }
    }

    #[test]
    fn off_never_asks_and_optional_asks_only_users_with_a_factor() {
        let u = user(&[("phone_number", "+15555550100")]);
        assert_eq!(
            decide(
                &pool("OFF", true, true, true),
                &u,
                &mfa(true, true, false, None)
            ),
            MfaStep::Done
        );
        assert_eq!(
            decide(
                &pool("OPTIONAL", true, true, false),
                &u,
                &mfa(false, false, false, None)
            ),
            MfaStep::Done
        );
        assert_eq!(
            decide(
                &pool("OPTIONAL", true, true, false),
                &u,
                &mfa(true, false, false, None)
            ),
            MfaStep::Ask(SMS_MFA)
        );
    }

    #[test]
    fn several_factors_without_preference_select_and_preference_wins() {
        let u = user(&[("phone_number", "+15555550100"), ("email", "a@b.c")]);
        let p = pool("OPTIONAL", true, true, true);
        assert_eq!(
            decide(&p, &u, &mfa(true, true, true, None)),
            MfaStep::Select(vec![SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP])
        );
        assert_eq!(
            decide(&p, &u, &mfa(true, true, true, Some(EMAIL_OTP))),
            MfaStep::Ask(EMAIL_OTP)
        );
    }

    #[test]
    fn required_mfa_without_a_factor_sets_up_or_falls_back_to_sms() {
        let p = pool("ON", false, true, true);
        assert_eq!(
            decide(&p, &user(&[]), &mfa(false, false, false, None)),
            MfaStep::Setup(vec![SOFTWARE_TOKEN_MFA, EMAIL_OTP])
        );
        let sms = pool("ON", true, true, false);
        assert_eq!(
            decide(
                &sms,
                &user(&[("phone_number", "+15555550100")]),
                &mfa(false, false, false, None)
            ),
            MfaStep::Ask(SMS_MFA)
        );
    }

    #[test]
    fn undeliverable_factors_do_not_count() {
        let p = pool("OPTIONAL", true, false, true);
        assert_eq!(
            decide(&p, &user(&[]), &mfa(true, false, true, None)),
            MfaStep::Done
        );
        // TOTP stays usable after the pool stops offering it.
        assert_eq!(
            decide(&p, &user(&[]), &mfa(false, true, false, None)),
            MfaStep::Ask(SOFTWARE_TOKEN_MFA)
        );
    }

    #[test]
    fn risk_forces_mfa_on_users_who_can_answer_and_refuses_those_who_cannot() {
        let off = pool("OFF", false, false, false);
        let none = mfa(false, false, false, None);
        let totp = mfa(false, true, false, None);
        let plain = user(&[]);
        // Without force the pool decides; MFA off asks nothing even of a TOTP user.
        assert_eq!(
            decide_forced(&off, &plain, &totp, MfaForce::No, None),
            MfaStep::Done
        );
        assert_eq!(
            decide_forced(&off, &plain, &totp, MfaForce::IfConfigured, None),
            MfaStep::Ask(SOFTWARE_TOKEN_MFA)
        );
        assert_eq!(
            decide_forced(&off, &plain, &none, MfaForce::IfConfigured, None),
            MfaStep::Done
        );
        assert_eq!(
            decide_forced(&off, &plain, &none, MfaForce::Required, None),
            MfaStep::Refuse
        );
        // A verified address the pool can send codes to counts as a factor.
        let optional = pool("OPTIONAL", true, true, true);
        let verified = user(&[("email", "a@b.c"), ("email_verified", "true")]);
        assert_eq!(
            decide_forced(&optional, &verified, &none, MfaForce::IfConfigured, None),
            MfaStep::Ask(EMAIL_OTP)
        );
        let unverified = user(&[("email", "a@b.c")]);
        assert_eq!(
            decide_forced(&optional, &unverified, &none, MfaForce::Required, None),
            MfaStep::Setup(vec![SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP])
        );
        // The pool's own step wins when it asks anything.
        let on = pool("ON", false, true, false);
        assert_eq!(
            decide_forced(&on, &plain, &none, MfaForce::IfConfigured, None),
            MfaStep::Setup(vec![SOFTWARE_TOKEN_MFA])
        );
    }

    #[test]
    fn risk_never_asks_again_for_the_channel_of_a_passwordless_first_factor() {
        let email_only = pool("OPTIONAL", false, false, true);
        let verified = user(&[("email", "a@b.c"), ("email_verified", "true")]);
        let none = mfa(false, false, false, None);
        let used = same_channel(EMAIL_OTP);
        // Without the first factor's channel the verified address would be asked.
        assert_eq!(
            decide_forced(&email_only, &verified, &none, MfaForce::Required, None),
            MfaStep::Ask(EMAIL_OTP)
        );
        // After an email code nothing else is left: refused, even if only configured.
        for force in [MfaForce::Required, MfaForce::IfConfigured] {
            assert_eq!(
                decide_forced(&email_only, &verified, &none, force, used),
                MfaStep::Refuse
            );
        }
        // Email MFA turned on and preferred does not bring it back; TOTP is asked.
        let all = pool("OPTIONAL", true, true, true);
        let both = mfa(false, true, true, Some(EMAIL_OTP));
        assert_eq!(
            decide_forced(&all, &verified, &both, MfaForce::Required, used),
            MfaStep::Ask(SOFTWARE_TOKEN_MFA)
        );
        // The choice and the set-up list leave it out.
        let phone = user(&[
            ("email", "a@b.c"),
            ("email_verified", "true"),
            ("phone_number", "+15555550100"),
        ]);
        assert_eq!(
            decide_forced(
                &all,
                &phone,
                &mfa(true, true, true, None),
                MfaForce::Required,
                used
            ),
            MfaStep::Select(vec![SMS_MFA, SOFTWARE_TOKEN_MFA])
        );
        assert_eq!(
            decide_forced(&all, &verified, &none, MfaForce::Required, used),
            MfaStep::Setup(vec![SMS_MFA, SOFTWARE_TOKEN_MFA])
        );
        // An SMS code rules out SMS MFA, not email.
        let sms = same_channel(crate::mfa::SMS_OTP);
        let texted = user(&[
            ("phone_number", "+15555550100"),
            ("phone_number_verified", "true"),
        ]);
        assert_eq!(
            decide_forced(
                &pool("OFF", true, false, false),
                &texted,
                &none,
                MfaForce::Required,
                sms
            ),
            MfaStep::Refuse
        );
        assert_eq!(
            decide_forced(&all, &phone, &none, MfaForce::Required, sms),
            MfaStep::Ask(EMAIL_OTP)
        );
        // A user with no factor at all still passes when MFA is only if configured.
        assert_eq!(
            decide_forced(&email_only, &user(&[]), &none, MfaForce::IfConfigured, used),
            MfaStep::Done
        );
        // Where the pool itself requires MFA, the same rule holds.
        assert_eq!(
            decide_forced(
                &pool("ON", false, false, true),
                &verified,
                &none,
                MfaForce::No,
                used
            ),
            MfaStep::Refuse
        );
    }

    #[test]
    fn masks_match_the_challenge_parameters_cognito_sends() {
        assert_eq!(mask_email("jane@example.com"), "j****@e****");
        assert_eq!(mask_phone("+14325551234"), "+*******1234");
    }
}
