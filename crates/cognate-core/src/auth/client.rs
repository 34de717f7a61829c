//! Which app client is calling, whether it may use a flow, and the proof of its secret
//! (`SECRET_HASH` or the raw `ClientSecret`).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash>

use crate::Core;
use crate::crypto::ct_eq;
use crate::error::{CoreError, CoreResult};
use crate::store::{AppClientRecord, UserPoolRecord};
use crate::threat::SignInContext;
use crate::threat::request::RequestMeta;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_proto::validate::{self as v, Validator};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The pool and client a public call is made through.
#[derive(Debug, Clone)]
pub struct ClientContext {
    /// The pool.
    pub pool: UserPoolRecord,
    /// The client.
    pub client: AppClientRecord,
    /// Where the request comes from, for threat protection: the connection's address
    /// and `User-Agent`, refined by `UserContextData` or `ContextData` when the
    /// operation carries them ([`ClientContext::with_context_data`]).
    pub origin: SignInContext,
}

/// `Base64(HMAC-SHA256(key = secret, msg = username ‖ clientId))`.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

impl ClientContext {
    /// Refuses the flow unless the client enables it (`<FLOW> flow not enabled for this client`).
    pub fn check_flow(&self, flow: &str) -> CoreResult<()> {
        let flows = self
            .client
            .settings
            .explicit_auth_flows
            .clone()
            .unwrap_or_default();
        let has = |f: &str| flows.iter().any(|x| x == f);
        let legacy = !flows.iter().any(|f| f.starts_with("ALLOW_"));
        let allowed = match flow {
            "USER_PASSWORD_AUTH" => has("ALLOW_USER_PASSWORD_AUTH") || has("USER_PASSWORD_AUTH"),
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                has("ALLOW_ADMIN_USER_PASSWORD_AUTH") || has("ADMIN_NO_SRP_AUTH")
            }
            "USER_SRP_AUTH" => has("ALLOW_USER_SRP_AUTH") || legacy,
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => has("ALLOW_REFRESH_TOKEN_AUTH") || legacy,
            "CUSTOM_AUTH" => has("ALLOW_CUSTOM_AUTH") || has("CUSTOM_AUTH_FLOW_ONLY"),
            "USER_AUTH" => has("ALLOW_USER_AUTH"),
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(CoreError::InvalidParameter(format!(
                "{flow} flow not enabled for this client"
            )))
        }
    }

    /// Checks `SECRET_HASH` for clients with a secret (ignored for clients without one).
    pub fn check_secret_hash(&self, username: &str, provided: Option<&str>) -> CoreResult<()> {
        let Some(secret) = &self.client.secret else {
            return Ok(());
        };
        let id = &self.client.id;
        let provided = provided.filter(|p| !p.is_empty()).ok_or_else(|| {
            CoreError::NotAuthorized(format!(
                "Client {id} is configured with secret but SECRET_HASH was not received"
            ))
        })?;
        let expected = secret_hash(secret, username, id);
        if ct_eq(expected.as_bytes(), provided.as_bytes()) {
            Ok(())
        } else {
            Err(CoreError::NotAuthorized(format!(
                "Unable to verify secret hash for client {id}"
            )))
        }
    }

    /// Checks a raw `ClientSecret` (RevokeToken, GetTokensFromRefreshToken).
    pub fn check_client_secret(&self, provided: Option<&str>) -> CoreResult<()> {
        let Some(secret) = &self.client.secret else {
            return Ok(());
        };
        match provided {
            Some(p) if ct_eq(p.as_bytes(), secret.as_bytes()) => Ok(()),
            _ => Err(CoreError::NotAuthorized(format!(
                "Client {} is configured with secret but the client secret was not received or is wrong.",
                self.client.id
            ))),
        }
    }

    /// `PreventUserExistenceErrors = ENABLED`.
    pub fn hides_user_existence(&self) -> bool {
        self.client
            .settings
            .prevent_user_existence_errors
            .as_deref()
            == Some("ENABLED")
    }

    /// The same context with the request's own context data: `ContextData` for admin
    /// operations (which speak for an end user elsewhere), `UserContextData` otherwise.
    pub fn with_context_data(
        mut self,
        admin: bool,
        user_context_data: Option<&serde_json::Value>,
        context_data: Option<&serde_json::Value>,
    ) -> Self {
        self.origin = self.request_origin(admin, user_context_data, context_data);
        self
    }

    /// The origin a request with this context data describes (see
    /// [`ClientContext::with_context_data`]).
    pub fn request_origin(
        &self,
        admin: bool,
        user_context_data: Option<&serde_json::Value>,
        context_data: Option<&serde_json::Value>,
    ) -> SignInContext {
        if admin {
            return SignInContext::from_context_data(context_data);
        }
        let meta = RequestMeta::current();
        SignInContext::from_user_context_data(
            user_context_data,
            meta.ip,
            meta.user_agent.as_deref(),
            &self.client,
        )
    }

    /// Minutes a challenge Session stays valid.
    pub fn session_minutes(&self) -> i64 {
        self.client
            .settings
            .auth_session_validity
            .unwrap_or(3)
            .clamp(3, 15)
    }
}

impl Core {
    /// Resolves the client of a public call (and, for admin calls, checks it belongs
    /// to `pool_id`).
    pub async fn client_context(
        &self,
        client_id: &Option<String>,
        pool_id: Option<&str>,
    ) -> CoreResult<ClientContext> {
        let mut val = Validator::new();
        val.required("clientId", client_id)
            .len("clientId", client_id.as_deref(), 1, 128)
            .pattern(
                "clientId",
                client_id.as_deref(),
                v::CLIENT_ID_PATTERN,
                v::is_word_plus,
            );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let id = client_id.as_deref().unwrap_or_default();
        let missing =
            || CoreError::ResourceNotFound(format!("User pool client {id} does not exist."));
        let client = self.store.get_client(id).await?.ok_or_else(missing)?;
        if pool_id.is_some_and(|p| p != client.pool_id) {
            return Err(missing());
        }
        let pool = self.load_pool(&client.pool_id).await?;
        let meta = RequestMeta::current();
        let origin = SignInContext::from_user_context_data(
            None,
            meta.ip,
            meta.user_agent.as_deref(),
            &client,
        );
        Ok(ClientContext {
            pool,
            client,
            origin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_matches_the_documented_construction() {
        // HMAC-SHA256("secret", "alice" ‖ "client") computed independently with Python's hmac module.
        assert_eq!(
            secret_hash("secret", "alice", "client"),
            "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
        );
    }
}
