//! Authorization codes (RFC 6749 §4.1.2): everything the token endpoint needs is sealed
//! into the code itself, so no table is needed; a single-use marker makes each code
//! redeemable once, and a second redemption revokes the token family the first one
//! started (the code's `origin_jti` is fixed when the code is made).

use super::authorize::Authorized;
use super::pkce::verify_pkce;
use super::{OAuthError, OAuthGrant};
use crate::Core;
use crate::app_client::Validity;
use crate::auth::client::ClientContext;
use crate::clock::Millis;
use crate::store::UserRecord;
use serde::{Deserialize, Serialize};

/// Codes live five minutes (Cognito).
pub const CODE_MS: Millis = 5 * 60 * 1000;
const CODE_CONTEXT: &str = "oauth-code";

/// The facts a code is bound to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeGrant {
    /// Single-use marker id.
    pub id: String,
    /// The pool.
    pub pool_id: String,
    /// The client the code was issued to.
    pub client_id: String,
    /// The authorize request's redirect URI.
    pub redirect_uri: String,
    /// PKCE challenge (S256).
    pub code_challenge: String,
    /// `nonce` from the authorize request.
    pub nonce: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The user's `sub`.
    pub sub: String,
    /// When the user authenticated (epoch seconds).
    pub auth_time: i64,
    /// The token family the code starts.
    pub origin_jti: String,
    /// Expiry (epoch ms).
    pub expires_at: Millis,
    /// The threat-protection sign-in event that signed the user in (absent while
    /// threat protection is off, and in codes sealed before it was carried), so the
    /// tokens of the exchange carry the event's id as `event_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
}

fn bad_code() -> OAuthError {
    OAuthError::InvalidGrant("invalid or expired code".into())
}

impl Core {
    /// Makes the code for an authorized request and signed-in user; the sign-in event
    /// this request recorded (if any) travels in it.
    pub fn new_authorization_code(
        &self,
        a: &Authorized,
        user: &UserRecord,
        auth_time: i64,
    ) -> String {
        let grant = CodeGrant {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: a.ctx.pool.id.clone(),
            client_id: a.ctx.client.id.clone(),
            redirect_uri: a.redirect_uri.clone(),
            code_challenge: a.code_challenge.clone(),
            nonce: a.grant.nonce.clone(),
            scopes: a.grant.scopes.clone(),
            sub: user.sub.clone(),
            auth_time,
            origin_jti: uuid::Uuid::new_v4().to_string(),
            expires_at: self.now() + CODE_MS,
            event_id: crate::threat::request::sign_in_event(),
        };
        let json = serde_json::to_vec(&grant).unwrap_or_default();
        self.server_key.seal_text(CODE_CONTEXT, &json)
    }

    /// Checks a code against the redeeming client, redirect URI and PKCE verifier, then
    /// spends it. A replay revokes the family of the first redemption.
    pub async fn redeem_authorization_code(
        &self,
        ctx: &ClientContext,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<(CodeGrant, OAuthGrant), OAuthError> {
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::InvalidRequest("code is required".into()))?;
        let json = self
            .server_key
            .open_text(CODE_CONTEXT, code)
            .ok_or_else(bad_code)?;
        let g: CodeGrant = serde_json::from_slice(&json).map_err(|_| bad_code())?;
        let now = self.now();
        if now >= g.expires_at || g.client_id != ctx.client.id || g.pool_id != ctx.pool.id {
            return Err(bad_code());
        }
        if redirect_uri != Some(g.redirect_uri.as_str()) {
            return Err(OAuthError::InvalidGrant(
                "redirect_uri does not match".into(),
            ));
        }
        verify_pkce(&g.code_challenge, verifier)?;
        if !self
            .store
            .consume_once(&format!("oauth-code:{}", g.id), g.expires_at, now)
            .await?
        {
            // RFC 6749 §4.1.2: revoke what the first redemption issued.
            let keep = Validity::of(&ctx.client.settings).refresh_secs * 1000;
            self.store
                .revoke_origin(&g.origin_jti, now, now + keep)
                .await?;
            return Err(OAuthError::InvalidGrant("code already used".into()));
        }
        let grant = OAuthGrant {
            scopes: g.scopes.clone(),
            nonce: g.nonce.clone(),
        };
        Ok((g, grant))
    }
}
