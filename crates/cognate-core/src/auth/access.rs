//! The one access-token check every token-authorized operation shares: our issuer,
//! a valid RS256 signature by the pool's access key, not expired, an access token with
//! the required scope, not revoked (token family or global sign-out), and a user that
//! still exists and is enabled.

use super::tokens::ADMIN_SCOPE;
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{UserPoolRecord, UserRecord};
use crate::token::{self, TokenError};

/// A verified access token and the user it speaks for.
#[derive(Debug, Clone)]
pub struct AccessContext {
    /// The pool.
    pub pool: UserPoolRecord,
    /// The user.
    pub user: UserRecord,
    /// The client the token was issued to.
    pub client_id: String,
    /// The token's claims.
    pub claims: serde_json::Value,
}

fn invalid() -> CoreError {
    CoreError::NotAuthorized("Invalid Access Token".into())
}

impl Core {
    /// Verifies an access token that must carry `aws.cognito.signin.user.admin`.
    pub async fn check_access_token(&self, token: &Option<String>) -> CoreResult<AccessContext> {
        let token = token.as_deref().filter(|t| !t.is_empty()).ok_or_else(|| {
            CoreError::InvalidParameter(
                "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
        let ctx = self.verify_access_token(token).await?;
        let scopes = ctx.claims["scope"].as_str().unwrap_or_default();
        if !scopes.split(' ').any(|s| s == ADMIN_SCOPE) {
            return Err(CoreError::NotAuthorized(
                "Access Token does not have required scopes".into(),
            ));
        }
        Ok(ctx)
    }

    /// Verifies any access token of one of our pools (no scope requirement).
    pub async fn verify_access_token(&self, token: &str) -> CoreResult<AccessContext> {
        let peeked = token::peek_claims(token).map_err(|_| invalid())?;
        let iss = peeked["iss"].as_str().ok_or_else(invalid)?;
        let pool_id = iss
            .strip_prefix(&self.settings.public_url)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|p| !p.is_empty() && !p.contains('/'))
            .ok_or_else(invalid)?;
        let pool = self.store.get_pool(pool_id).await?.ok_or_else(invalid)?;
        let keys = self.pool_keys(&pool.id).await?;
        let access_jwk: Vec<serde_json::Value> = keys
            .jwks
            .iter()
            .filter(|k| k["kid"] != keys.id.kid.as_str())
            .cloned()
            .collect();
        let claims = match token::verify(token, &access_jwk, self.now() / 1000) {
            Ok(c) => c,
            Err(TokenError::Expired) => {
                return Err(CoreError::NotAuthorized("Access Token has expired".into()));
            }
            Err(_) => return Err(invalid()),
        };
        if claims["token_use"] != "access" || claims["iss"] != iss {
            return Err(invalid());
        }
        let sub = claims["sub"].as_str().ok_or_else(invalid)?;
        let holder = self
            .store
            .token_holder(&pool.id, sub, claims["origin_jti"].as_str())
            .await?
            .ok_or_else(invalid)?;
        let iat_ms = claims["iat"].as_i64().unwrap_or(0) * 1000;
        if holder.origin_revoked || iat_ms < holder.tokens_valid_after || !holder.user.enabled {
            return Err(CoreError::NotAuthorized(
                "Access Token has been revoked".into(),
            ));
        }
        let user = holder.user;
        let client_id = claims["client_id"].as_str().unwrap_or_default().to_owned();
        Ok(AccessContext {
            pool,
            user,
            client_id,
            claims,
        })
    }
}
