//! Issuing tokens: Cognito's ID- and access-token claim sets, opaque refresh tokens
//! stored only as keyed hashes, and the `AuthenticationResult` that carries them.
//! Claims: <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html>

use crate::Core;
use crate::app_client::Validity;
use crate::error::{CoreError, CoreResult};
use crate::ids::os_random;
use crate::store::{AppClientRecord, GroupRecord, RefreshTokenRecord, UserPoolRecord, UserRecord};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_proto::auth::AuthenticationResult;
use serde_json::{Map, Value, json};

/// The scope of tokens from the sign-in API.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";
/// Keyed-hash context of refresh tokens.
pub(crate) const REFRESH_CONTEXT: &str = "refresh-token";

/// What a set of tokens is issued for.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    /// The pool.
    pub pool: &'a UserPoolRecord,
    /// The client.
    pub client: &'a AppClientRecord,
    /// The user.
    pub user: &'a UserRecord,
    /// Original authentication time (epoch seconds).
    pub auth_time: i64,
    /// Token family; new on sign-in, kept on refresh.
    pub origin_jti: String,
    /// Sign-in event id.
    pub event_id: String,
    /// Remembered device, if any.
    pub device_key: Option<String>,
    /// Whether to issue a refresh token.
    pub with_refresh_token: bool,
    /// Scopes and nonce of tokens from the OAuth endpoints (`None` for API sign-ins).
    pub oauth: Option<crate::oauth::OAuthGrant>,
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new opaque refresh token.
fn new_refresh_token() -> String {
    let mut bytes = [0u8; 48];
    os_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Attribute claims for the ID token: readable attributes, booleans for the
/// verification flags, `updated_at` as a number, `address` as an object.
fn attribute_claims(user: &UserRecord, client: &AppClientRecord, claims: &mut Map<String, Value>) {
    let readable = client.settings.read_attributes.as_ref();
    for (name, value) in &user.attributes {
        if readable.is_some_and(|r| !r.iter().any(|n| n == name)) {
            continue;
        }
        let v = match name.as_str() {
            "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
            "updated_at" => value
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(value.clone())),
            "address" => serde_json::from_str::<Value>(value)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({ "formatted": value })),
            _ => Value::from(value.clone()),
        };
        claims.insert(name.clone(), v);
    }
}

/// `cognito:groups`, `cognito:roles` and `cognito:preferred_role`.
fn group_claims(groups: &[GroupRecord], claims: &mut Map<String, Value>) {
    if groups.is_empty() {
        return;
    }
    claims.insert(
        "cognito:groups".into(),
        groups.iter().map(|g| Value::from(g.name.clone())).collect(),
    );
    let roles: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    if roles.is_empty() {
        return;
    }
    claims.insert(
        "cognito:roles".into(),
        roles.iter().map(|r| Value::from(*r)).collect(),
    );
    // Lowest precedence wins; a tie between different roles leaves it out.
    let ranked: Vec<&GroupRecord> = groups.iter().filter(|g| g.role_arn.is_some()).collect();
    let best = ranked.iter().filter_map(|g| g.precedence).min();
    let candidates: Vec<&str> = ranked
        .iter()
        .filter(|g| g.precedence == best)
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    if let Some(first) = candidates.first()
        && candidates.iter().all(|r| r == first)
    {
        claims.insert("cognito:preferred_role".into(), Value::from(*first));
    }
}

impl Core {
    async fn all_groups(&self, user_id: i64) -> CoreResult<Vec<GroupRecord>> {
        Ok(self.store.groups_for_user(user_id, None, 100).await?)
    }

    /// Mints ID and access tokens (and a refresh token when asked) for a grant. When
    /// the request recorded a threat-protection sign-in event, its id is the tokens'
    /// `event_id` (as `AdminListUserAuthEvents` shows it), whatever the grant says.
    pub async fn issue_tokens(
        &self,
        g: Grant<'_>,
    ) -> CoreResult<(AuthenticationResult, Option<RefreshTokenRecord>)> {
        let keys = self.pool_keys(&g.pool.id).await?;
        let groups = self.all_groups(g.user.id).await?;
        let validity = Validity::of(&g.client.settings);
        let now_ms = self.now();
        let iat = now_ms / 1000;
        let iss = self.issuer(&g.pool.id);
        let event_id =
            crate::threat::request::sign_in_event().unwrap_or_else(|| g.event_id.clone());

        let mut id = Map::new();
        id.insert("sub".into(), g.user.sub.clone().into());
        attribute_claims(g.user, g.client, &mut id);
        group_claims(&groups, &mut id);
        id.insert("iss".into(), iss.clone().into());
        id.insert("cognito:username".into(), g.user.username.clone().into());
        id.insert("origin_jti".into(), g.origin_jti.clone().into());
        id.insert("aud".into(), g.client.id.clone().into());
        id.insert("event_id".into(), event_id.clone().into());
        id.insert("token_use".into(), "id".into());
        id.insert("auth_time".into(), g.auth_time.into());
        id.insert("exp".into(), (iat + validity.id_secs).into());
        id.insert("iat".into(), iat.into());
        id.insert("jti".into(), uuid().into());

        let mut access = Map::new();
        access.insert("sub".into(), g.user.sub.clone().into());
        if let Some(groups) = id.get("cognito:groups") {
            access.insert("cognito:groups".into(), groups.clone());
        }
        access.insert("iss".into(), iss.into());
        access.insert("client_id".into(), g.client.id.clone().into());
        access.insert("origin_jti".into(), g.origin_jti.clone().into());
        access.insert("event_id".into(), event_id.into());
        access.insert("token_use".into(), "access".into());
        match &g.oauth {
            Some(o) => {
                access.insert("scope".into(), o.scopes.join(" ").into());
                access.insert("version".into(), 2.into());
            }
            None => {
                access.insert("scope".into(), ADMIN_SCOPE.into());
            }
        }
        access.insert("auth_time".into(), g.auth_time.into());
        access.insert("exp".into(), (iat + validity.access_secs).into());
        access.insert("iat".into(), iat.into());
        access.insert("jti".into(), uuid().into());
        access.insert("username".into(), g.user.username.clone().into());
        if let Some(device) = &g.device_key {
            access.insert("device_key".into(), device.clone().into());
        }

        let sign = |key: &crate::token::SigningKey, claims: Map<String, Value>| {
            key.sign(&Value::Object(claims))
                .map_err(|e| CoreError::Internal(e.to_string().into()))
        };
        let access_token = sign(&keys.access, access)?;
        if let Some(o) = &g.oauth {
            crate::oauth::add_oidc_claims(o, &access_token, &mut id);
        }
        let id_token = sign(&keys.id, id)?;
        let (refresh_token, record) = if g.with_refresh_token {
            let token = crate::oauth::tag_refresh_token(new_refresh_token(), g.oauth.as_ref());
            let record = RefreshTokenRecord {
                token_hash: self.server_key.mac_hex(REFRESH_CONTEXT, token.as_bytes()),
                pool_id: g.pool.id.clone(),
                client_id: g.client.id.clone(),
                user_id: g.user.id,
                origin_jti: g.origin_jti.clone(),
                auth_time: g.auth_time,
                device_key: g.device_key.clone(),
                created_at: now_ms,
                expires_at: now_ms + validity.refresh_secs * 1000,
                replaced_at: None,
                revoked_at: None,
            };
            (Some(token), Some(record))
        } else {
            (None, None)
        };
        Ok((
            AuthenticationResult {
                access_token,
                expires_in: validity.access_secs,
                token_type: "Bearer".into(),
                refresh_token,
                id_token,
                new_device_metadata: None,
            },
            record,
        ))
    }

    /// Mints tokens for a fresh sign-in (new token family) and stores the refresh token;
    /// in a pool that tracks devices they are bound to a new device
    /// (`NewDeviceMetadata`, see `devices::sign_in`).
    pub(crate) async fn sign_in_tokens(
        &self,
        pool: &UserPoolRecord,
        client: &AppClientRecord,
        user: &UserRecord,
        auth_time: i64,
    ) -> CoreResult<AuthenticationResult> {
        self.device_sign_in_tokens(pool, client, user, auth_time, None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, role: Option<&str>, precedence: Option<i64>) -> GroupRecord {
        GroupRecord {
            pool_id: "p".into(),
            name: name.into(),
            description: None,
            role_arn: role.map(Into::into),
            precedence,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn preferred_role_is_the_lowest_precedence_and_omitted_on_ties() {
        let mut c = Map::new();
        group_claims(
            &[
                group("a", Some("arn:aws:iam::1:role/A"), Some(2)),
                group("b", Some("arn:aws:iam::1:role/B"), Some(1)),
            ],
            &mut c,
        );
        assert_eq!(c["cognito:preferred_role"], "arn:aws:iam::1:role/B");
        assert_eq!(c["cognito:roles"].as_array().unwrap().len(), 2);
        let mut c = Map::new();
        group_claims(
            &[
                group("a", Some("arn:aws:iam::1:role/A"), Some(1)),
                group("b", Some("arn:aws:iam::1:role/B"), Some(1)),
            ],
            &mut c,
        );
        assert!(c.get("cognito:preferred_role").is_none());
        let mut c = Map::new();
        group_claims(&[], &mut c);
        assert!(c.is_empty());
    }
}
