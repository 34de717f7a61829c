//! The identity service's OpenID token (RS512, `aud` = identity pool, `sub` = identity,
//! `amr`), its signing key (one per deployment, sealed like the pools' keys) and the
//! JWKS and discovery documents third parties verify it with.

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::StoreError;
use crate::token::SigningKey;
use serde_json::{Value, json};

const PURPOSE: &str = "identity-openid";

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(e.to_string().into())
}

impl Core {
    /// Issuer of identity OpenID tokens: `<public URL>/identity`.
    pub fn identity_issuer(&self) -> String {
        format!("{}/identity", self.settings.public_url)
    }

    async fn identity_keys(&self) -> CoreResult<Vec<(String, i64, Vec<u8>, String)>> {
        let mut keys = self.store.service_keys(PURPOSE).await?;
        if keys.is_empty() {
            let key = tokio::task::spawn_blocking(SigningKey::generate)
                .await
                .map_err(internal)?
                .map_err(internal)?;
            let sealed = self
                .server_key
                .seal(&format!("service-key:{}", key.kid), key.private_der());
            match self
                .store
                .insert_service_key(
                    PURPOSE,
                    1,
                    &key.kid,
                    &sealed,
                    &key.public_jwk_rs512().to_string(),
                    self.now(),
                )
                .await
            {
                Err(StoreError::Conflict { .. }) | Ok(()) => {}
                Err(e) => return Err(e.into()),
            }
            keys = self.store.service_keys(PURPOSE).await?;
        }
        Ok(keys)
    }

    /// Signs an identity OpenID token for `identity_id` of `pool_id`.
    pub async fn sign_identity_token(
        &self,
        pool_id: &str,
        identity_id: &str,
        amr: &[String],
        lifetime_secs: i64,
        extra: Option<Value>,
    ) -> CoreResult<String> {
        let keys = self.identity_keys().await?;
        let (kid, _, sealed, _) = keys.last().ok_or_else(|| internal("no identity key"))?;
        let der = self
            .server_key
            .open(&format!("service-key:{kid}"), sealed)
            .ok_or_else(|| internal("identity key cannot be unsealed"))?;
        let key = SigningKey::from_private_der(kid, &der).map_err(internal)?;
        let now = self.now() / 1000;
        let mut claims = json!({
            "sub": identity_id,
            "aud": pool_id,
            "amr": amr,
            "iss": self.identity_issuer(),
            "https://cognito-identity.amazonaws.com/identity-pool-arn":
                format!("arn:aws:cognito-identity:{}:{}:identitypool/{pool_id}", self.settings.region, self.settings.account_id),
            "exp": now + lifetime_secs,
            "iat": now,
        });
        if let (Some(Value::Object(extra)), Some(obj)) = (extra, claims.as_object_mut()) {
            obj.extend(extra);
        }
        key.sign_rs512(&claims).map_err(internal)
    }

    /// JWKS of the identity service.
    pub async fn identity_jwks(&self) -> CoreResult<Value> {
        let keys = self.identity_keys().await?;
        let jwks: Vec<Value> = keys
            .iter()
            .filter_map(|(_, _, _, jwk)| serde_json::from_str(jwk).ok())
            .collect();
        Ok(json!({ "keys": jwks }))
    }

    /// Discovery document of the identity service.
    pub fn identity_openid_configuration(&self) -> Value {
        let issuer = self.identity_issuer();
        json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS512"],
        })
    }

    /// Verifies an identity OpenID token (RS512) and returns its claims.
    pub async fn verify_identity_token(&self, token: &str) -> CoreResult<Value> {
        let keys = self.identity_keys().await?;
        let jwks: Vec<Value> = keys
            .iter()
            .filter_map(|(_, _, _, jwk)| serde_json::from_str(jwk).ok())
            .collect();
        let claims = crate::token::verify_rs512(token, &jwks, self.now() / 1000).map_err(|_| {
            CoreError::NotAuthorized("Invalid login token. Token signature invalid.".into())
        })?;
        if claims["iss"] != self.identity_issuer().as_str() {
            return Err(CoreError::NotAuthorized(
                "Invalid login token. Issuer mismatch.".into(),
            ));
        }
        Ok(claims)
    }
}
