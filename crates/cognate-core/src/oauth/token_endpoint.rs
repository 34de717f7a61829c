//! `POST /oauth2/token` and `POST /oauth2/revoke`: client authentication
//! (`client_secret_basic`, `client_secret_post`, or a public client's `client_id`),
//! then one function per grant type (RFC 6749 §4.1.3, §6, §4.4; RFC 7009).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>

use super::{OAuthError, OAuthGrant, OPENID};
use crate::Core;
use crate::app_client::Validity;
use crate::auth::client::ClientContext;
use crate::auth::tokens::Grant;
use crate::crypto::ct_eq;
use crate::error::CoreError;
use cognate_proto::auth::{AuthenticationResult, RevokeTokenRequest};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The form body of a token or revocation request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenRequest {
    /// `authorization_code`, `refresh_token` or `client_credentials`.
    pub grant_type: Option<String>,
    /// The authorization code.
    pub code: Option<String>,
    /// Must equal the authorize request's.
    pub redirect_uri: Option<String>,
    /// PKCE verifier.
    pub code_verifier: Option<String>,
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// Requested scopes (client credentials).
    pub scope: Option<String>,
    /// The client (`client_secret_post` and public clients).
    pub client_id: Option<String>,
    /// The secret (`client_secret_post`).
    pub client_secret: Option<String>,
    /// The token to revoke (RFC 7009).
    pub token: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// The ID token, for `openid` grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The refresh token (authorization code grant only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `Bearer`.
    pub token_type: String,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
}

impl TokenResponse {
    fn from_result(r: AuthenticationResult, oauth: Option<&OAuthGrant>) -> Self {
        let openid = oauth.is_none_or(|g| g.has(OPENID));
        Self {
            access_token: r.access_token,
            id_token: openid.then_some(r.id_token),
            refresh_token: r.refresh_token,
            token_type: r.token_type,
            expires_in: r.expires_in,
        }
    }
}

fn has_flow(ctx: &ClientContext, flow: &str) -> bool {
    ctx.client.settings.allowed_o_auth_flows_user_pool_client == Some(true)
        && ctx
            .client
            .settings
            .allowed_o_auth_flows
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|f| f == flow)
}

fn token_failure(e: CoreError) -> OAuthError {
    match e {
        CoreError::NotAuthorized(m) => OAuthError::InvalidGrant(m),
        other => OAuthError::Server(other),
    }
}

impl Core {
    /// RFC 6749 §2.3: one authentication method per request; secret clients must prove
    /// their secret.
    pub async fn authenticate_oauth_client(
        &self,
        pool_id: &str,
        req: &TokenRequest,
        basic: Option<(String, String)>,
    ) -> Result<ClientContext, OAuthError> {
        let (id, secret) = match (basic, &req.client_id) {
            (Some(_), _) if req.client_secret.is_some() => {
                return Err(OAuthError::InvalidRequest(
                    "more than one client authentication method".into(),
                ));
            }
            (Some((id, _)), Some(body)) if &id != body => {
                return Err(OAuthError::InvalidRequest(
                    "client_id does not match".into(),
                ));
            }
            (Some((id, secret)), _) => (id, Some(secret)),
            (None, Some(id)) => (id.clone(), req.client_secret.clone()),
            (None, None) => return Err(OAuthError::InvalidClient),
        };
        let ctx = match self.client_context(&Some(id), Some(pool_id)).await {
            Ok(ctx) => ctx,
            Err(CoreError::InvalidParameter(_) | CoreError::ResourceNotFound(_)) => {
                return Err(OAuthError::InvalidClient);
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(expected) = &ctx.client.secret {
            match secret {
                Some(s) if ct_eq(s.as_bytes(), expected.as_bytes()) => {}
                _ => return Err(OAuthError::InvalidClient),
            }
        }
        Ok(ctx)
    }

    /// `POST /oauth2/token`.
    pub async fn oauth_token(
        &self,
        pool_id: &str,
        req: TokenRequest,
        basic: Option<(String, String)>,
    ) -> Result<TokenResponse, OAuthError> {
        let grant_type = req
            .grant_type
            .clone()
            .ok_or_else(|| OAuthError::InvalidRequest("grant_type is required".into()))?;
        if !matches!(
            grant_type.as_str(),
            "authorization_code" | "refresh_token" | "client_credentials"
        ) {
            return Err(OAuthError::UnsupportedGrantType);
        }
        let ctx = self.authenticate_oauth_client(pool_id, &req, basic).await?;
        match grant_type.as_str() {
            "authorization_code" => self.authorization_code_grant(&ctx, &req).await,
            "refresh_token" => self.refresh_token_grant(&ctx, &req).await,
            _ => self.client_credentials_grant(&ctx, &req).await,
        }
    }

    async fn authorization_code_grant(
        &self,
        ctx: &ClientContext,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        if !has_flow(ctx, "code") {
            return Err(OAuthError::UnauthorizedClient);
        }
        let (code, grant) = self
            .redeem_authorization_code(
                ctx,
                req.code.as_deref(),
                req.redirect_uri.as_deref(),
                req.code_verifier.as_deref(),
            )
            .await?;
        let user = self
            .store
            .find_user_by_sub(&ctx.pool.id, &code.sub)
            .await?
            .filter(|u| u.enabled)
            .ok_or_else(|| OAuthError::InvalidGrant("user is disabled or deleted".into()))?;
        let (result, refresh) = self
            .issue_tokens(Grant {
                pool: &ctx.pool,
                client: &ctx.client,
                user: &user,
                auth_time: code.auth_time,
                origin_jti: code.origin_jti,
                event_id: code
                    .event_id
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                device_key: None,
                with_refresh_token: true,
                oauth: Some(grant.clone()),
            })
            .await?;
        if let Some(r) = refresh {
            self.store.insert_refresh_token(&r).await?;
        }
        Ok(TokenResponse::from_result(result, Some(&grant)))
    }

    /// Same rules as `REFRESH_TOKEN_AUTH`; an OAuth refresh token keeps its scopes.
    async fn refresh_token_grant(
        &self,
        ctx: &ClientContext,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let token = req
            .refresh_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| OAuthError::InvalidRequest("refresh_token is required".into()))?;
        ctx.check_flow("REFRESH_TOKEN_AUTH")
            .map_err(|_| OAuthError::UnauthorizedClient)?;
        let rotation = ctx.client.settings.refresh_token_rotation.as_ref();
        if rotation.is_some_and(|r| r.feature.as_deref() == Some("ENABLED")) {
            return Err(OAuthError::InvalidRequest(
                "refresh token rotation is enabled for this client; use GetTokensFromRefreshToken"
                    .into(),
            ));
        }
        let (rec, user) = self
            .refresh_token_owner(ctx, token)
            .await
            .map_err(token_failure)?;
        if rec.device_key.is_some() {
            return Err(OAuthError::InvalidGrant("Invalid Refresh Token".into()));
        }
        let (result, _) = self
            .refreshed(ctx, token, &rec, &user, false)
            .await
            .map_err(token_failure)?;
        Ok(TokenResponse::from_result(
            result,
            super::refresh_token_grant(token).as_ref(),
        ))
    }

    /// Machine-to-machine access tokens: `sub` = `client_id`, custom scopes only, no ID
    /// or refresh token (§4.3 of the fact sheet).
    async fn client_credentials_grant(
        &self,
        ctx: &ClientContext,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        if ctx.client.secret.is_none() || !has_flow(ctx, "client_credentials") {
            return Err(OAuthError::UnauthorizedClient);
        }
        let custom: Vec<String> = ctx
            .client
            .settings
            .allowed_o_auth_scopes
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.contains('/'))
            .collect();
        let scopes = super::authorize::check_scopes(&custom, req.scope.as_deref())?;
        let keys = self.pool_keys(&ctx.pool.id).await?;
        let validity = Validity::of(&ctx.client.settings);
        let iat = self.now() / 1000;
        let claims = json!({
            "sub": ctx.client.id,
            "token_use": "access",
            "scope": scopes.join(" "),
            "auth_time": iat,
            "iss": self.issuer(&ctx.pool.id),
            "exp": iat + validity.access_secs,
            "iat": iat,
            "version": 2,
            "jti": uuid::Uuid::new_v4().to_string(),
            "client_id": ctx.client.id,
        });
        let access_token = keys
            .access
            .sign(&claims)
            .map_err(|e| CoreError::Internal(e.to_string().into()))?;
        Ok(TokenResponse {
            access_token,
            id_token: None,
            refresh_token: None,
            token_type: "Bearer".into(),
            expires_in: validity.access_secs,
        })
    }

    /// `POST /oauth2/revoke` (RFC 7009): revokes a refresh token's family; unknown
    /// tokens are not an error.
    pub async fn oauth_revoke(
        &self,
        pool_id: &str,
        req: TokenRequest,
        basic: Option<(String, String)>,
    ) -> Result<(), OAuthError> {
        let ctx = self.authenticate_oauth_client(pool_id, &req, basic).await?;
        let result = self
            .revoke_token(RevokeTokenRequest {
                token: req.token.filter(|t| !t.is_empty()),
                client_id: Some(ctx.client.id.clone()),
                client_secret: ctx.client.secret.clone(),
            })
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(CoreError::UnsupportedOperation(m) | CoreError::InvalidParameter(m)) => {
                Err(OAuthError::InvalidRequest(m))
            }
            Err(CoreError::UnsupportedTokenType(_)) => Err(OAuthError::UnsupportedTokenType),
            Err(CoreError::NotAuthorized(_)) => Err(OAuthError::InvalidGrant(
                "the token was issued to another client".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }
}
