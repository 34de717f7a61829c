//! `GET /oauth2/authorize` as a pipeline of named checks (client, redirect URI,
//! response type, PKCE, scope), the hosted sign-in session cookie, the login form's
//! CSRF token, and the form's password check.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>

use super::pkce::check_pkce;
use super::{OAuthError, OAuthGrant};
use crate::Core;
use crate::auth::client::ClientContext;
use crate::clock::Millis;
use crate::crypto::ct_eq;
use crate::error::{CoreError, CoreResult};
use crate::ids::os_random;
use crate::store::{AppClientRecord, UserRecord};
use crate::user::status;
use serde::{Deserialize, Serialize};

/// The hosted-UI session lasts one hour (Cognito's fixed cookie lifetime).
pub const SESSION_MS: Millis = 3600 * 1000;
/// Standard scopes a client may be granted besides custom `<server>/<scope>` ones.
const STANDARD_SCOPES: &[&str] = &[
    "openid",
    "email",
    "phone",
    "profile",
    crate::auth::tokens::ADMIN_SCOPE,
];

/// The query of an authorize request (also carried through the login form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthorizeRequest {
    /// `code` (only).
    pub response_type: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// Must equal one of the client's `CallbackURLs`.
    pub redirect_uri: Option<String>,
    /// Echoed back.
    pub state: Option<String>,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// Copied into the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method (`S256`).
    pub code_challenge_method: Option<String>,
    /// `none` or `login`.
    pub prompt: Option<String>,
    /// Prefills the sign-in form's username.
    pub login_hint: Option<String>,
    /// The hosted pages' language (`en`, ...).
    pub lang: Option<String>,
}

/// What the authorize request asks the browser to bring back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// An authorization code (with PKCE).
    Code,
    /// Tokens in the URL fragment (implicit grant; clients that allow it only).
    Token,
}

/// An authorize request that passed every check.
#[derive(Debug, Clone)]
pub struct Authorized {
    /// Pool and client.
    pub ctx: ClientContext,
    /// The exactly matching callback URL.
    pub redirect_uri: String,
    /// Code or tokens.
    pub response_type: ResponseType,
    /// PKCE challenge (S256); empty for the implicit grant.
    pub code_challenge: String,
    /// Granted scopes and nonce.
    pub grant: OAuthGrant,
}

/// Why an authorize request fails: before the redirect URI is trusted only a page can
/// be shown; after, the error goes back to the client.
#[derive(Debug)]
pub enum AuthorizeFailure {
    /// Show an error page; never redirect.
    Page(String),
    /// Redirect to this (registered) URI with the error.
    Redirect(String, OAuthError),
    /// A server-side failure (logged, never shown).
    Internal(CoreError),
}

/// Where `/logout` goes once the session cookie is cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutTarget {
    /// The registered logout URL.
    LogoutUri(String),
    /// The authorize endpoint, with the same query (sign in again).
    SignInAgain,
    /// Neither was asked for: the signed-out page.
    SignedOut,
}

/// A sealed hosted-UI session.
#[derive(Debug, Serialize, Deserialize)]
struct Session {
    /// Names the session for `/logout` (revoked like a token family).
    #[serde(default)]
    id: String,
    pool_id: String,
    sub: String,
    auth_time: i64,
    /// When the session began: password changes and global sign-out after it end it.
    #[serde(default)]
    issued_at: Millis,
    expires_at: Millis,
    /// The threat-protection sign-in event that began the session: codes and tokens
    /// issued from the session name it, as `auth_time` names the original sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event_id: Option<String>,
}

fn session_marker(id: &str) -> String {
    format!("oauth-session:{id}")
}

/// A sealed pre-session (CSRF) cookie value.
#[derive(Debug, Serialize, Deserialize)]
struct PreSession {
    secret: String,
    expires_at: Millis,
}

fn session_context(pool_id: &str) -> String {
    format!("oauth-session:{pool_id}")
}

fn csrf_context(pool_id: &str) -> String {
    format!("oauth-csrf:{pool_id}")
}

/// The client must be an OAuth client of the pool in the URL.
fn check_oauth_client(client: &AppClientRecord, pool_id: &str) -> Result<(), String> {
    if client.pool_id != pool_id
        || client.settings.allowed_o_auth_flows_user_pool_client != Some(true)
    {
        return Err("This client is not enabled for OAuth sign-in.".into());
    }
    Ok(())
}

/// RFC 9700 §4.1.3: the redirect URI must equal a registered one exactly.
pub fn check_redirect_uri(client: &AppClientRecord, uri: Option<&str>) -> Result<String, String> {
    let uri = uri.ok_or("redirect_uri is required.")?;
    let registered = client.settings.callback_urls.as_deref().unwrap_or_default();
    if registered.iter().any(|r| r == uri) {
        Ok(uri.to_owned())
    } else {
        Err("redirect_mismatch: the redirect_uri is not registered for this client.".into())
    }
}

fn check_response_type(
    client: &AppClientRecord,
    rt: Option<&str>,
) -> Result<ResponseType, OAuthError> {
    let (rt, flow) = match rt {
        Some("code") => (ResponseType::Code, "code"),
        Some("token") => (ResponseType::Token, "implicit"),
        _ => return Err(OAuthError::UnsupportedResponseType),
    };
    let flows = client
        .settings
        .allowed_o_auth_flows
        .as_deref()
        .unwrap_or_default();
    if !flows.iter().any(|f| f == flow) {
        return Err(OAuthError::UnauthorizedClient);
    }
    Ok(rt)
}

/// Requested scopes must be allowed for the client (default: all of them); `email`,
/// `phone` and `profile` need `openid`.
pub fn check_scopes(
    allowed: &[String],
    requested: Option<&str>,
) -> Result<Vec<String>, OAuthError> {
    let scopes: Vec<String> = match requested.map(str::trim).filter(|s| !s.is_empty()) {
        None => allowed.to_vec(),
        Some(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect(),
    };
    let known = |s: &String| STANDARD_SCOPES.contains(&s.as_str()) || s.contains('/');
    if scopes.is_empty() || !scopes.iter().all(|s| known(s) && allowed.contains(s)) {
        return Err(OAuthError::InvalidScope);
    }
    let needs_openid = scopes
        .iter()
        .any(|s| matches!(s.as_str(), "email" | "phone" | "profile"));
    if needs_openid && !scopes.iter().any(|s| s == super::OPENID) {
        return Err(OAuthError::InvalidScope);
    }
    Ok(scopes)
}

impl Core {
    /// Runs the authorize checks for the pool in the URL.
    pub async fn check_authorize(
        &self,
        pool_id: &str,
        req: &AuthorizeRequest,
    ) -> Result<Authorized, AuthorizeFailure> {
        let unknown = || AuthorizeFailure::Page("Unknown client.".into());
        let ctx = match self.client_context(&req.client_id, Some(pool_id)).await {
            Ok(ctx) => ctx,
            Err(CoreError::InvalidParameter(_) | CoreError::ResourceNotFound(_)) => {
                return Err(unknown());
            }
            Err(e) => return Err(AuthorizeFailure::Internal(e)),
        };
        check_oauth_client(&ctx.client, pool_id).map_err(AuthorizeFailure::Page)?;
        let redirect_uri = check_redirect_uri(&ctx.client, req.redirect_uri.as_deref())
            .map_err(AuthorizeFailure::Page)?;
        let back = |e| AuthorizeFailure::Redirect(redirect_uri.clone(), e);
        let response_type =
            check_response_type(&ctx.client, req.response_type.as_deref()).map_err(back)?;
        let code_challenge = match response_type {
            ResponseType::Code => check_pkce(
                req.code_challenge.as_deref(),
                req.code_challenge_method.as_deref(),
            )
            .map_err(back)?,
            ResponseType::Token => String::new(),
        };
        let allowed = ctx
            .client
            .settings
            .allowed_o_auth_scopes
            .clone()
            .unwrap_or_default();
        let scopes = check_scopes(&allowed, req.scope.as_deref()).map_err(back)?;
        Ok(Authorized {
            ctx,
            redirect_uri,
            response_type,
            code_challenge,
            grant: OAuthGrant {
                scopes,
                nonce: req.nonce.clone(),
            },
        })
    }

    /// `GET /logout`: where to send the browser after clearing the session: the
    /// `logout_uri` if it exactly matches a `LogoutURLs` entry, or back to authorize if
    /// `redirect_uri` exactly matches a `CallbackURLs` entry; `Err` is a page message.
    pub async fn check_logout(
        &self,
        pool_id: &str,
        client_id: Option<String>,
        logout_uri: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<LogoutTarget, String> {
        let ctx = self
            .client_context(&client_id, Some(pool_id))
            .await
            .map_err(|_| "Unknown client.".to_owned())?;
        check_oauth_client(&ctx.client, pool_id)?;
        match (logout_uri, redirect_uri) {
            (Some(uri), _) => {
                let registered = ctx
                    .client
                    .settings
                    .logout_urls
                    .as_deref()
                    .unwrap_or_default();
                if registered.iter().any(|r| r == uri) {
                    Ok(LogoutTarget::LogoutUri(uri.to_owned()))
                } else {
                    Err("The logout_uri is not registered for this client.".into())
                }
            }
            (None, Some(uri)) => {
                check_redirect_uri(&ctx.client, Some(uri)).map(|_| LogoutTarget::SignInAgain)
            }
            (None, None) => Ok(LogoutTarget::SignedOut),
        }
    }

    /// A sealed session cookie value for `user`, bound to the pool.
    pub fn new_oauth_session(&self, pool_id: &str, user: &UserRecord, auth_time: i64) -> String {
        let session = Session {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: pool_id.to_owned(),
            sub: user.sub.clone(),
            auth_time,
            issued_at: self.now(),
            expires_at: self.now() + SESSION_MS,
            event_id: crate::threat::request::sign_in_event(),
        };
        let json = serde_json::to_vec(&session).unwrap_or_default();
        self.server_key.seal_text(&session_context(pool_id), &json)
    }

    fn open_oauth_session(&self, pool_id: &str, cookie: &str) -> Option<Session> {
        let json = self
            .server_key
            .open_text(&session_context(pool_id), cookie)?;
        let s = serde_json::from_slice::<Session>(&json).ok()?;
        (s.pool_id == pool_id && self.now() < s.expires_at && !s.id.is_empty()).then_some(s)
    }

    /// The user of a valid session cookie (and the original `auth_time`), if any; the
    /// session's sign-in event becomes this request's, so the code or tokens it leads
    /// to carry its id. A session ends at `/logout`, and with a password change or
    /// reset, a global sign-out, or the user being disabled after it began.
    pub async fn oauth_session_user(
        &self,
        pool_id: &str,
        cookie: &str,
    ) -> CoreResult<Option<(UserRecord, i64)>> {
        let Some(s) = self.open_oauth_session(pool_id, cookie) else {
            return Ok(None);
        };
        let marker = session_marker(&s.id);
        let Some(holder) = self
            .store
            .token_holder(pool_id, &s.sub, Some(&marker))
            .await?
            .filter(|h| h.user.enabled && h.user.status == status::CONFIRMED)
        else {
            return Ok(None);
        };
        let user = holder.user;
        if user.password_set_at.is_some_and(|p| p > s.issued_at)
            || holder.tokens_valid_after > s.issued_at
            || holder.origin_revoked
        {
            return Ok(None);
        }
        if let Some(event_id) = &s.event_id {
            crate::threat::request::note_sign_in_event(event_id);
        }
        Ok(Some((user, s.auth_time)))
    }

    /// `/logout`: the session cookie stops working even if a copy of it is replayed.
    pub async fn end_oauth_session(&self, pool_id: &str, cookie: &str) -> CoreResult<()> {
        if let Some(s) = self.open_oauth_session(pool_id, cookie) {
            self.store
                .revoke_origin(&session_marker(&s.id), self.now(), s.expires_at)
                .await?;
        }
        Ok(())
    }

    /// A new pre-session cookie value and the CSRF token the form carries.
    pub fn new_login_csrf(&self, pool_id: &str) -> (String, String) {
        let mut bytes = [0u8; 32];
        os_random(&mut bytes);
        let pre = PreSession {
            secret: hex::encode(bytes),
            expires_at: self.now() + SESSION_MS,
        };
        let token = self
            .server_key
            .mac_hex(&csrf_context(pool_id), pre.secret.as_bytes());
        let json = serde_json::to_vec(&pre).unwrap_or_default();
        (
            self.server_key.seal_text(&csrf_context(pool_id), &json),
            token,
        )
    }

    fn open_pre_session(&self, pool_id: &str, cookie: &str) -> Option<PreSession> {
        let json = self.server_key.open_text(&csrf_context(pool_id), cookie)?;
        let pre = serde_json::from_slice::<PreSession>(&json).ok()?;
        (self.now() < pre.expires_at).then_some(pre)
    }

    /// The CSRF token that belongs to a valid pre-session cookie (so every open tab of
    /// the same browser posts a valid token).
    pub fn login_csrf_for(&self, pool_id: &str, cookie: &str) -> Option<String> {
        let pre = self.open_pre_session(pool_id, cookie)?;
        Some(
            self.server_key
                .mac_hex(&csrf_context(pool_id), pre.secret.as_bytes()),
        )
    }

    /// A value that stands for the browser holding a valid pre-session cookie, to bind
    /// sealed hand-offs (the sign-up ticket) to that browser. It is derived under its
    /// own context, so it is never equal to the CSRF token a page shows.
    pub fn login_browser_binding(&self, pool_id: &str, cookie: &str) -> Option<String> {
        let pre = self.open_pre_session(pool_id, cookie)?;
        Some(
            self.server_key
                .mac_hex(&format!("oauth-browser:{pool_id}"), pre.secret.as_bytes()),
        )
    }

    /// Whether the form's CSRF token belongs to the pre-session cookie.
    pub fn check_login_csrf(
        &self,
        pool_id: &str,
        cookie: Option<&str>,
        token: Option<&str>,
    ) -> bool {
        let (Some(cookie), Some(token)) = (cookie, token) else {
            return false;
        };
        self.login_csrf_for(pool_id, cookie)
            .is_some_and(|expected| ct_eq(expected.as_bytes(), token.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_default_to_all_allowed_and_must_be_allowed() {
        let allowed: Vec<String> = vec!["openid".into(), "email".into(), "rs/read".into()];
        assert_eq!(check_scopes(&allowed, None).unwrap(), allowed);
        assert_eq!(
            check_scopes(&allowed, Some("openid email")).unwrap().len(),
            2
        );
        assert!(check_scopes(&allowed, Some("openid phone")).is_err());
        assert!(check_scopes(&allowed, Some("email")).is_err());
        assert!(check_scopes(&allowed, Some("rs/read")).is_ok());
    }
}
