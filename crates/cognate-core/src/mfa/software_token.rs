//! `AssociateSoftwareToken` / `VerifySoftwareToken`: a new TOTP secret for the user
//! (with an access token, or with the Session of an MFA_SETUP challenge), proven by a
//! code before it replaces the current one. Secrets are sealed under the server key,
//! bound to the pool and the user's `sub`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html>

use super::session::{MfaSession, invalid_session, stage};
use super::{SOFTWARE_TOKEN_MFA, totp};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{UserPoolRecord, UserRecord};
use cognate_proto::mfa::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse,
};
use cognate_proto::validate::Validator;

/// `VerifySoftwareToken` calls per user and hour.
pub const VERIFY_PER_HOUR: i64 = 15;

/// Sealing context of a user's TOTP secret.
fn secret_context(pool_id: &str, sub: &str) -> String {
    format!("totp-secret:{pool_id}:{sub}")
}

fn token_or_session<'a>(
    token: &'a Option<String>,
    session: &'a Option<String>,
) -> CoreResult<(Option<&'a String>, Option<&'a str>)> {
    let token = token.as_ref().filter(|t| !t.is_empty());
    let session = session.as_deref().filter(|s| !s.is_empty());
    match (token, session) {
        (Some(_), Some(_)) => Err(CoreError::InvalidParameter(
            "Only one of AccessToken or Session can be given.".into(),
        )),
        (None, None) => Err(CoreError::InvalidParameter(
            "Either AccessToken or Session is required.".into(),
        )),
        pair => Ok(pair),
    }
}

fn not_enabled_by_pool() -> CoreError {
    CoreError::SoftwareTokenMfaNotFound(
        "Software Token MFA has not been enabled by the userPool.".into(),
    )
}

impl Core {
    /// The plain secret of a sealed one; `None` if it does not open for this user.
    pub(crate) fn open_totp_secret(&self, user: &UserRecord, sealed: &[u8]) -> Option<Vec<u8>> {
        self.server_key
            .open(&secret_context(&user.pool_id, &user.sub), sealed)
    }

    /// The session of an MFA_SETUP step with its (still existing) user.
    async fn setup_session(
        &self,
        text: &str,
        stages: &[&str],
    ) -> CoreResult<(MfaSession, UserPoolRecord, UserRecord)> {
        let s = self.read_mfa_session(text, "MFA_SETUP")?;
        if !stages.contains(&s.stage.as_str()) {
            return Err(invalid_session());
        }
        let pool = self.load_pool(&s.pool_id).await?;
        let user = self
            .store
            .find_user_by_sub(&pool.id, &s.sub)
            .await?
            .filter(|u| u.username == s.username)
            .ok_or_else(invalid_session)?;
        Self::check_can_sign_in(&user)?;
        Ok((s, pool, user))
    }

    /// `AssociateSoftwareToken`.
    pub async fn associate_software_token(
        &self,
        req: AssociateSoftwareTokenRequest,
    ) -> CoreResult<AssociateSoftwareTokenResponse> {
        let (token, session) = token_or_session(&req.access_token, &req.session)?;
        let (user, next) = match (token, session) {
            (Some(_), _) => {
                let ctx = self.check_access_token(&req.access_token).await?;
                if !self
                    .pool_factors(&ctx.pool)
                    .await?
                    .config
                    .software_token_enabled
                {
                    return Err(not_enabled_by_pool());
                }
                (ctx.user, None)
            }
            (None, Some(text)) => {
                let (s, _, user) = self
                    .setup_session(text, &[stage::NEW, stage::ASSOCIATED])
                    .await?;
                if !s.choices.iter().any(|c| c == SOFTWARE_TOKEN_MFA) {
                    return Err(not_enabled_by_pool());
                }
                self.consume_mfa_session(&s).await?;
                (
                    user,
                    Some(s.next("MFA_SETUP", stage::ASSOCIATED, self.now())),
                )
            }
            (None, None) => return Err(invalid_session()),
        };
        let secret = totp::new_secret();
        let sealed = self
            .server_key
            .seal(&secret_context(&user.pool_id, &user.sub), &secret);
        self.store
            .set_pending_totp(user.id, &sealed, self.now())
            .await?;
        Ok(AssociateSoftwareTokenResponse {
            secret_code: totp::base32_encode(&secret),
            session: next.map(|s| self.seal_mfa_session(&s)),
        })
    }

    /// `VerifySoftwareToken`: a right code makes the associated secret the user's
    /// token. During MFA_SETUP (and in pools that require MFA) TOTP MFA is turned on
    /// too; otherwise `SetUserMFAPreference` turns it on. A wrong code leaves the
    /// session usable for another try.
    pub async fn verify_software_token(
        &self,
        req: VerifySoftwareTokenRequest,
    ) -> CoreResult<VerifySoftwareTokenResponse> {
        let mut val = Validator::new();
        val.required("userCode", &req.user_code)
            .len("userCode", req.user_code.as_deref(), 6, 6)
            .pattern("userCode", req.user_code.as_deref(), "[0-9]+", |c| {
                c.bytes().all(|b| b.is_ascii_digit())
            })
            .len(
                "friendlyDeviceName",
                req.friendly_device_name.as_deref(),
                0,
                131_072,
            );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let (token, session) = token_or_session(&req.access_token, &req.session)?;
        let (user, setup, enable) = match (token, session) {
            (Some(_), _) => {
                let ctx = self.check_access_token(&req.access_token).await?;
                let factors = self.pool_factors(&ctx.pool).await?;
                if !factors.config.software_token_enabled {
                    return Err(not_enabled_by_pool());
                }
                (ctx.user, None, factors.mode == "ON")
            }
            (None, Some(text)) => {
                let (s, _, user) = self.setup_session(text, &[stage::ASSOCIATED]).await?;
                (user, Some(s), true)
            }
            (None, None) => return Err(invalid_session()),
        };
        // Each try is counted: a session or token holder cannot run through the codes.
        self.check_rate(&user, "verify_software_token", VERIFY_PER_HOUR)
            .await?;
        let pending = self.user_mfa(&user).await?.totp_pending.ok_or_else(|| {
            CoreError::SoftwareTokenMfaNotFound(
                "Software Token MFA has not been associated with the user.".into(),
            )
        })?;
        let secret = self
            .open_totp_secret(&user, &pending)
            .ok_or_else(|| CoreError::Internal("TOTP secret does not open".into()))?;
        let code = req.user_code.as_deref().unwrap_or_default();
        let Some(step) = totp::matching_step(&secret, code, self.now() / 1000) else {
            return Err(CoreError::EnableSoftwareTokenMfa(
                "Code mismatch and fail enable Software Token MFA".into(),
            ));
        };
        if let Some(s) = &setup {
            self.consume_mfa_session(s).await?;
        }
        let name = req.friendly_device_name.as_deref();
        if !self
            .store
            .activate_totp(user.id, &pending, name, step, enable, self.now())
            .await?
        {
            return Err(CoreError::ConcurrentModification);
        }
        Ok(VerifySoftwareTokenResponse {
            status: "SUCCESS".into(),
            session: setup
                .map(|s| self.seal_mfa_session(&s.next("MFA_SETUP", stage::VERIFIED, self.now()))),
        })
    }
}
