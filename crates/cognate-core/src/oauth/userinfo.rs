//! `/oauth2/userInfo` (OIDC Core §5.3): the claims an `openid` access token's scopes
//! allow, `sub` always; attributes the client may not read are never returned.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html>

use super::{OAuthError, OPENID};
use crate::Core;
use crate::error::CoreError;
use serde_json::{Map, Value};

/// Which scope releases an attribute (`profile` covers every other attribute).
fn scope_of(attribute: &str) -> &'static str {
    match attribute {
        "email" | "email_verified" => "email",
        "phone_number" | "phone_number_verified" => "phone",
        _ => "profile",
    }
}

impl Core {
    /// Verifies a Bearer access token with `openid` and returns the user's claims.
    pub async fn user_info(&self, token: &str) -> Result<Value, OAuthError> {
        let ctx = self.verify_access_token(token).await.map_err(|e| match e {
            CoreError::NotAuthorized(_) => OAuthError::InvalidToken,
            other => OAuthError::Server(other),
        })?;
        let scopes: Vec<&str> = ctx.claims["scope"]
            .as_str()
            .unwrap_or_default()
            .split(' ')
            .collect();
        if !scopes.contains(&OPENID) {
            return Err(OAuthError::InsufficientScope);
        }
        let client = self
            .store
            .get_client(&ctx.client_id)
            .await?
            .ok_or(OAuthError::InvalidToken)?;
        let readable = client.settings.read_attributes.as_ref();
        let mut out = Map::new();
        out.insert("sub".into(), ctx.user.sub.clone().into());
        for (name, value) in &ctx.user.attributes {
            if name == "sub"
                || readable.is_some_and(|r| !r.contains(name))
                || !scopes.contains(&scope_of(name))
            {
                continue;
            }
            let v = match name.as_str() {
                "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
                _ => Value::from(value.clone()),
            };
            out.insert(name.clone(), v);
        }
        if scopes.contains(&"profile") {
            out.insert("username".into(), ctx.user.username.clone().into());
        }
        Ok(Value::Object(out))
    }
}
