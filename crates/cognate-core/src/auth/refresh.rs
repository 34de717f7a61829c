//! Refresh and revocation: `REFRESH_TOKEN_AUTH`, `GetTokensFromRefreshToken` (with
//! optional rotation and its grace period), `RevokeToken`, `GlobalSignOut`,
//! `AdminUserGlobalSignOut`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html>

use super::client::ClientContext;
use super::tokens::{Grant, REFRESH_CONTEXT};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{RefreshTokenRecord, UserRecord};
use cognate_proto::auth::{
    AccessTokenRequest, AuthResponse, AuthenticationResult, GetTokensFromRefreshTokenRequest,
    GetTokensFromRefreshTokenResponse, RevokeTokenRequest, StringMap,
};
use cognate_proto::user::UserRequest;

fn invalid_refresh() -> CoreError {
    CoreError::NotAuthorized("Invalid Refresh Token".into())
}

fn rotation(ctx: &ClientContext) -> Option<i64> {
    let r = ctx.client.settings.refresh_token_rotation.as_ref()?;
    (r.feature.as_deref() == Some("ENABLED")).then(|| r.retry_grace_period_seconds.unwrap_or(0))
}

impl Core {
    /// Loads a refresh token presented by `ctx`'s client and its (enabled) user.
    pub(crate) async fn refresh_token_owner(
        &self,
        ctx: &ClientContext,
        token: &str,
    ) -> CoreResult<(RefreshTokenRecord, UserRecord)> {
        let hash = self.server_key.mac_hex(REFRESH_CONTEXT, token.as_bytes());
        let rec = self
            .store
            .get_refresh_token(&hash)
            .await?
            .ok_or_else(invalid_refresh)?;
        // A token is usable only by the client that obtained it.
        if rec.client_id != ctx.client.id || rec.pool_id != ctx.pool.id {
            return Err(invalid_refresh());
        }
        if rec.revoked_at.is_some() || self.store.is_origin_revoked(&rec.origin_jti).await? {
            return Err(CoreError::NotAuthorized(
                "Refresh Token has been revoked".into(),
            ));
        }
        if self.now() >= rec.expires_at {
            return Err(CoreError::NotAuthorized("Refresh Token has expired".into()));
        }
        let user = self
            .store
            .get_user_by_id(rec.user_id)
            .await?
            .ok_or_else(invalid_refresh)?;
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        Ok((rec, user))
    }

    /// New tokens in the family of `rec`; an OAuth refresh token keeps its scopes.
    pub(crate) async fn refreshed(
        &self,
        ctx: &ClientContext,
        token: &str,
        rec: &RefreshTokenRecord,
        user: &UserRecord,
        new_refresh: bool,
    ) -> CoreResult<(AuthenticationResult, Option<RefreshTokenRecord>)> {
        self.issue_tokens(Grant {
            pool: &ctx.pool,
            client: &ctx.client,
            user,
            auth_time: rec.auth_time,
            origin_jti: rec.origin_jti.clone(),
            event_id: uuid::Uuid::new_v4().to_string(),
            device_key: rec.device_key.clone(),
            with_refresh_token: new_refresh,
            oauth: crate::oauth::refresh_token_grant(token),
        })
        .await
    }

    /// `REFRESH_TOKEN_AUTH`: new ID and access tokens; same family and `auth_time`.
    pub(crate) async fn refresh_sign_in(
        &self,
        ctx: &ClientContext,
        params: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let token = params
            .get("REFRESH_TOKEN")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                CoreError::InvalidParameter("Missing required parameter REFRESH_TOKEN".into())
            })?;
        if rotation(ctx).is_some() {
            return Err(CoreError::InvalidParameter(
                "Refresh token rotation is enabled for this client; use GetTokensFromRefreshToken."
                    .into(),
            ));
        }
        let (rec, user) = self.refresh_token_owner(ctx, token).await?;
        if rec.replaced_at.is_some() {
            // Rotated out while rotation was on: not usable through this flow.
            return Err(invalid_refresh());
        }
        // SECRET_HASH for refresh is computed with the internal username.
        ctx.check_secret_hash(
            &user.username,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        if rec.device_key.is_some() && params.get("DEVICE_KEY") != rec.device_key.as_ref() {
            return Err(invalid_refresh());
        }
        let (result, _) = self.refreshed(ctx, token, &rec, &user, false).await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// `GetTokensFromRefreshToken`: with rotation, also a new refresh token; the old
    /// one still works for the grace period, and reuse after it revokes the family.
    pub async fn get_tokens_from_refresh_token(
        &self,
        req: GetTokensFromRefreshTokenRequest,
    ) -> CoreResult<GetTokensFromRefreshTokenResponse> {
        let ctx = self.client_context(&req.client_id, None).await?;
        ctx.check_client_secret(req.client_secret.as_deref())?;
        ctx.check_flow("REFRESH_TOKEN_AUTH")?;
        let token = req
            .refresh_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| CoreError::InvalidParameter("1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null".into()))?;
        let (rec, user) = self.refresh_token_owner(&ctx, token).await?;
        if rec.device_key.is_some() && req.device_key != rec.device_key {
            return Err(invalid_refresh());
        }
        let Some(grace_secs) = rotation(&ctx) else {
            let (result, _) = self.refreshed(&ctx, token, &rec, &user, false).await?;
            return Ok(GetTokensFromRefreshTokenResponse {
                authentication_result: result,
            });
        };
        let now = self.now();
        if let Some(replaced) = rec.replaced_at
            && now - replaced > grace_secs * 1000
        {
            // Reuse of a rotated token: treat the family as stolen (RFC 9700 §4.14.2).
            self.store
                .revoke_origin(&rec.origin_jti, now, rec.expires_at)
                .await?;
            return Err(CoreError::RefreshTokenReuse);
        }
        let (result, new) = self.refreshed(&ctx, token, &rec, &user, true).await?;
        if let Some(new) = new {
            // Within the grace period a rotated token gets a sibling in the same family.
            let rotated = rec.replaced_at.is_none()
                && self
                    .store
                    .rotate_refresh_token(&rec.token_hash, now, &new)
                    .await?;
            if !rotated {
                if grace_secs == 0 {
                    // Another request rotated this token first and no grace applies:
                    // two holders of one token is reuse.
                    self.store
                        .revoke_origin(&rec.origin_jti, now, rec.expires_at)
                        .await?;
                    return Err(CoreError::RefreshTokenReuse);
                }
                self.store.insert_refresh_token(&new).await?;
            }
        }
        Ok(GetTokensFromRefreshTokenResponse {
            authentication_result: result,
        })
    }

    /// `RevokeToken`: revokes a refresh token and every access token minted from it.
    pub async fn revoke_token(&self, req: RevokeTokenRequest) -> CoreResult<()> {
        let ctx = self.client_context(&req.client_id, None).await?;
        ctx.check_client_secret(req.client_secret.as_deref())?;
        if ctx.client.settings.enable_token_revocation == Some(false) {
            return Err(CoreError::UnsupportedOperation(
                "Token revocation is not enabled for this app client.".into(),
            ));
        }
        let token = req
            .token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| CoreError::InvalidParameter("1 validation error detected: Value null at 'token' failed to satisfy constraint: Member must not be null".into()))?;
        if token.split('.').count() == 3 {
            return Err(CoreError::UnsupportedTokenType(
                "Only refresh tokens can be revoked.".into(),
            ));
        }
        let hash = self.server_key.mac_hex(REFRESH_CONTEXT, token.as_bytes());
        match self.store.get_refresh_token(&hash).await? {
            Some(rec) if rec.client_id != ctx.client.id => Err(invalid_refresh()),
            Some(rec) => Ok(self
                .store
                .revoke_origin(&rec.origin_jti, self.now(), rec.expires_at)
                .await?),
            // Unknown tokens need no revoking (RFC 7009 §2.2).
            None => Ok(()),
        }
    }

    /// `GlobalSignOut`.
    pub async fn global_sign_out(&self, req: AccessTokenRequest) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        self.sign_out_everywhere(ctx.user.id).await
    }

    /// `AdminUserGlobalSignOut`.
    pub async fn admin_user_global_sign_out(&self, req: UserRequest) -> CoreResult<()> {
        let pool_id = crate::user_pool::check_pool_id(&req.user_pool_id)?;
        let username = crate::user::check_username(&req.username)?;
        let pool = self.load_pool(pool_id).await?;
        let user = self.find_user(&pool, username).await?;
        self.sign_out_everywhere(user.id).await
    }

    /// Revokes every refresh token of a user and every token issued before this second.
    pub(crate) async fn sign_out_everywhere(&self, user_id: i64) -> CoreResult<()> {
        let now_floor = self.now() / 1000 * 1000;
        Ok(self.store.revoke_user_tokens(user_id, now_floor).await?)
    }
}
