//! App-client operations with Cognito's defaults and validation rules
//! (token validity ranges, auth-flow names, OAuth settings).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html>

use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::store::{AppClientRecord, UserPoolRecord};
use crate::user_pool::check_pool_id;
use crate::{Core, ids, paging, schema};
use cognate_proto::app_client::*;
use cognate_proto::validate::{self as v, Validator};

fn invalid(msg: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(msg.into())
}

/// Every `ExplicitAuthFlows` value the model allows.
pub const AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

const UNITS: &[&str] = &["seconds", "minutes", "hours", "days"];

fn unit_secs(unit: &str) -> i64 {
    match unit {
        "seconds" => 1,
        "minutes" => 60,
        "days" => 86_400,
        _ => 3_600,
    }
}

/// Validity of each token in seconds, with defaults applied (access and ID one hour,
/// refresh 30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// Access-token lifetime.
    pub access_secs: i64,
    /// ID-token lifetime.
    pub id_secs: i64,
    /// Refresh-token lifetime.
    pub refresh_secs: i64,
}

impl Validity {
    /// Computes the lifetimes from a client's settings.
    pub fn of(s: &AppClientSettings) -> Self {
        let units = s.token_validity_units.clone().unwrap_or_default();
        let secs = |value: Option<i64>, unit: Option<String>, default_unit: &str, default: i64| {
            match value {
                Some(n) if n > 0 => n * unit_secs(unit.as_deref().unwrap_or(default_unit)),
                _ => default,
            }
        };
        Validity {
            access_secs: secs(s.access_token_validity, units.access_token, "hours", 3_600),
            id_secs: secs(s.id_token_validity, units.id_token, "hours", 3_600),
            refresh_secs: secs(
                s.refresh_token_validity,
                units.refresh_token,
                "days",
                30 * 86_400,
            ),
        }
    }
}

fn validate_settings(s: &AppClientSettings, val: &mut Validator) {
    let units = s.token_validity_units.clone().unwrap_or_default();
    val.range(
        "refreshTokenValidity",
        s.refresh_token_validity,
        0,
        315_360_000,
    )
    .range("accessTokenValidity", s.access_token_validity, 1, 86_400)
    .range("idTokenValidity", s.id_token_validity, 1, 86_400)
    .one_of(
        "tokenValidityUnits.accessToken",
        units.access_token.as_deref(),
        UNITS,
    )
    .one_of(
        "tokenValidityUnits.idToken",
        units.id_token.as_deref(),
        UNITS,
    )
    .one_of(
        "tokenValidityUnits.refreshToken",
        units.refresh_token.as_deref(),
        UNITS,
    )
    .each_one_of(
        "explicitAuthFlows",
        s.explicit_auth_flows.as_deref(),
        AUTH_FLOWS,
    )
    .each_one_of(
        "allowedOAuthFlows",
        s.allowed_o_auth_flows.as_deref(),
        &["code", "implicit", "client_credentials"],
    )
    .one_of(
        "preventUserExistenceErrors",
        s.prevent_user_existence_errors.as_deref(),
        &["LEGACY", "ENABLED"],
    )
    .range("authSessionValidity", s.auth_session_validity, 3, 15)
    .count(
        "callbackURLs",
        s.callback_urls.as_ref().map(Vec::len),
        0,
        100,
    )
    .count("logoutURLs", s.logout_urls.as_ref().map(Vec::len), 0, 100)
    .count(
        "allowedOAuthScopes",
        s.allowed_o_auth_scopes.as_ref().map(Vec::len),
        0,
        50,
    )
    .len(
        "defaultRedirectURI",
        s.default_redirect_uri.as_deref(),
        1,
        1024,
    );
    if let Some(r) = &s.refresh_token_rotation {
        val.one_of(
            "refreshTokenRotation.feature",
            r.feature.as_deref(),
            &["ENABLED", "DISABLED"],
        )
        .range(
            "refreshTokenRotation.retryGracePeriodSeconds",
            r.retry_grace_period_seconds,
            0,
            60,
        );
    }
}

/// Cognito's rule for redirect targets: absolute, no fragment, HTTPS unless loopback;
/// custom schemes (`myapp://cb`) are allowed.
pub fn check_redirect_url(url: &str) -> CoreResult<()> {
    let bad = || {
        invalid(format!(
            "Invalid redirect URL {url}: it must be absolute, without a fragment, and use HTTPS unless it points to localhost."
        ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if url.len() > 1024 || url.contains('#') || rest.is_empty() || scheme.is_empty() {
        return Err(bad());
    }
    if !scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return Err(bad());
    }
    if scheme.eq_ignore_ascii_case("http") {
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        let host = host
            .rsplit_once(':')
            .filter(|(h, _)| !h.ends_with(']') || h.starts_with('['))
            .map_or(host, |(h, p)| {
                if p.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            });
        if !["localhost", "127.0.0.1", "[::1]"].contains(&host) {
            return Err(bad());
        }
    }
    Ok(())
}

fn check_consistency(
    s: &AppClientSettings,
    has_secret: bool,
    pool: &UserPoolRecord,
) -> CoreResult<()> {
    let flows = s.explicit_auth_flows.clone().unwrap_or_default();
    let legacy = flows.iter().any(|f| !f.starts_with("ALLOW_"));
    let modern = flows.iter().any(|f| f.starts_with("ALLOW_"));
    if legacy && modern {
        return Err(invalid(
            "The ExplicitAuthFlows values ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY and USER_PASSWORD_AUTH cannot be combined with ALLOW_ values.",
        ));
    }
    let validity = Validity::of(s);
    if !(300..=86_400).contains(&validity.access_secs) {
        return Err(invalid(
            "Access token validity must be between 5 minutes and 1 day.",
        ));
    }
    if !(300..=86_400).contains(&validity.id_secs) {
        return Err(invalid(
            "Id token validity must be between 5 minutes and 1 day.",
        ));
    }
    if !(3_600..=3650 * 86_400).contains(&validity.refresh_secs) {
        return Err(invalid(
            "Refresh token validity must be between 60 minutes and 10 years.",
        ));
    }
    if validity.refresh_secs <= validity.access_secs || validity.refresh_secs <= validity.id_secs {
        return Err(invalid(
            "Refresh token validity must be longer than access and id token validity.",
        ));
    }
    let oauth_flows = s.allowed_o_auth_flows.clone().unwrap_or_default();
    if oauth_flows.iter().any(|f| f == "client_credentials") {
        if oauth_flows.len() > 1 {
            return Err(invalid(
                "client_credentials flow can not be selected along with code flow or implicit flow.",
            ));
        }
        if !has_secret {
            return Err(invalid(
                "client_credentials flow can not be selected if client does not have a client secret.",
            ));
        }
    }
    for url in s.callback_urls.iter().chain(s.logout_urls.iter()).flatten() {
        check_redirect_url(url)?;
    }
    if let Some(d) = &s.default_redirect_uri
        && !s.callback_urls.as_ref().is_some_and(|c| c.contains(d))
    {
        return Err(invalid(
            "DefaultRedirectURI must be one of the CallbackURLs.",
        ));
    }
    if s.allowed_o_auth_flows_user_pool_client == Some(true) && oauth_flows.is_empty() {
        return Err(invalid(
            "AllowedOAuthFlows must be set when AllowedOAuthFlowsUserPoolClient is true.",
        ));
    }
    if oauth_flows.iter().any(|f| f == "code" || f == "implicit")
        && s.callback_urls.as_ref().is_none_or(Vec::is_empty)
    {
        return Err(invalid(
            "CallbackURLs must be set for the code and implicit flows.",
        ));
    }
    for attr in s
        .read_attributes
        .iter()
        .chain(s.write_attributes.iter())
        .flatten()
    {
        if schema::find(&pool.schema, attr).is_none() {
            return Err(invalid(format!("Invalid read or write attribute: {attr}")));
        }
    }
    if s.write_attributes
        .as_ref()
        .is_some_and(|w| w.iter().any(|a| a == "sub"))
    {
        return Err(invalid("sub cannot be a write attribute."));
    }
    Ok(())
}

fn with_defaults(mut s: AppClientSettings) -> AppClientSettings {
    if s.explicit_auth_flows.as_ref().is_none_or(Vec::is_empty) {
        s.explicit_auth_flows = Some(vec![
            "ALLOW_REFRESH_TOKEN_AUTH".into(),
            "ALLOW_USER_SRP_AUTH".into(),
            "ALLOW_CUSTOM_AUTH".into(),
        ]);
    }
    if s.refresh_token_validity.unwrap_or(0) == 0 {
        s.refresh_token_validity = Some(30);
        s.token_validity_units
            .get_or_insert_with(Default::default)
            .refresh_token = Some("days".into());
    }
    s.token_validity_units.get_or_insert_with(Default::default);
    s.allowed_o_auth_flows_user_pool_client.get_or_insert(false);
    s.prevent_user_existence_errors
        .get_or_insert_with(|| "LEGACY".into());
    s.enable_token_revocation.get_or_insert(true);
    s.enable_propagate_additional_user_context_data
        .get_or_insert(false);
    s.auth_session_validity.get_or_insert(3);
    let rotation = s
        .refresh_token_rotation
        .get_or_insert_with(Default::default);
    rotation.feature.get_or_insert_with(|| "DISABLED".into());
    rotation.retry_grace_period_seconds.get_or_insert(0);
    s
}

fn check_client_id(field: &str, id: &Option<String>, val: &mut Validator) {
    val.required(field, id)
        .len(field, id.as_deref(), 1, 128)
        .pattern(field, id.as_deref(), v::CLIENT_ID_PATTERN, v::is_word_plus);
}

fn to_wire(c: AppClientRecord) -> UserPoolClientType {
    UserPoolClientType {
        user_pool_id: c.pool_id,
        client_name: c.name,
        client_id: c.id,
        client_secret: c.secret,
        last_modified_date: epoch_secs(c.updated_at),
        creation_date: epoch_secs(c.created_at),
        settings: c.settings,
    }
}

impl Core {
    /// Loads a client of `pool_id`, or `ResourceNotFoundException`.
    pub(crate) async fn load_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> CoreResult<AppClientRecord> {
        match self.store.get_client(client_id).await? {
            Some(c) if c.pool_id == pool_id => Ok(c),
            _ => Err(CoreError::ResourceNotFound(format!(
                "User pool client {client_id} does not exist."
            ))),
        }
    }

    /// `CreateUserPoolClient`.
    pub async fn create_user_pool_client(
        &self,
        req: CreateUserPoolClientRequest,
    ) -> CoreResult<UserPoolClientResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.required("clientName", &req.client_name)
            .len("clientName", req.client_name.as_deref(), 1, 128)
            .pattern(
                "clientName",
                req.client_name.as_deref(),
                v::NAME_PATTERN,
                v::is_name_text,
            )
            .len_sensitive("clientSecret", req.client_secret.as_deref(), 24, 64);
        validate_settings(&req.settings, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        if req
            .client_secret
            .as_deref()
            .is_some_and(|s| !v::is_word_plus(s))
        {
            return Err(invalid("ClientSecret must match the pattern [\\w+]+."));
        }
        let pool = self.load_pool(&pool_id).await?;
        let secret = match (req.client_secret, req.generate_secret.unwrap_or(false)) {
            // The model: "You cannot specify both GenerateSecret as true and provide a
            // ClientSecret value."
            (Some(_), true) => {
                return Err(invalid(
                    "ClientSecret cannot be provided when GenerateSecret is true.",
                ));
            }
            (Some(s), false) => Some(s),
            (None, true) => Some(ids::client_secret()),
            (None, false) => None,
        };
        check_consistency(&req.settings, secret.is_some(), &pool)?;
        self.check_oauth_scopes(&pool.id, req.settings.allowed_o_auth_scopes.as_deref())
            .await?;
        let now = self.now();
        let record = AppClientRecord {
            pool_id,
            id: ids::client_id(),
            name: req.client_name.unwrap_or_default(),
            secret,
            settings: with_defaults(req.settings),
            created_at: now,
            updated_at: now,
            version: 0,
        };
        self.store.insert_client(&record).await?;
        Ok(UserPoolClientResponse {
            user_pool_client: to_wire(record),
        })
    }

    /// `DescribeUserPoolClient` (includes the secret, as Cognito does).
    pub async fn describe_user_pool_client(
        &self,
        req: ClientIdRequest,
    ) -> CoreResult<UserPoolClientResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_client_id("clientId", &req.client_id, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let client = self
            .load_client(&pool_id, req.client_id.as_deref().unwrap_or_default())
            .await?;
        Ok(UserPoolClientResponse {
            user_pool_client: to_wire(client),
        })
    }

    /// `UpdateUserPoolClient`: replaces every setting; omitted ones return to defaults.
    pub async fn update_user_pool_client(
        &self,
        req: UpdateUserPoolClientRequest,
    ) -> CoreResult<UserPoolClientResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_client_id("clientId", &req.client_id, &mut val);
        val.len("clientName", req.client_name.as_deref(), 1, 128)
            .pattern(
                "clientName",
                req.client_name.as_deref(),
                v::NAME_PATTERN,
                v::is_name_text,
            );
        validate_settings(&req.settings, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool = self.load_pool(&pool_id).await?;
        let mut client = self
            .load_client(&pool_id, req.client_id.as_deref().unwrap_or_default())
            .await?;
        check_consistency(&req.settings, client.secret.is_some(), &pool)?;
        self.check_oauth_scopes(&pool.id, req.settings.allowed_o_auth_scopes.as_deref())
            .await?;
        client.settings = with_defaults(req.settings);
        if let Some(name) = req.client_name {
            client.name = name;
        }
        client.updated_at = self.now();
        self.store.update_client(&client).await?;
        client.version += 1;
        Ok(UserPoolClientResponse {
            user_pool_client: to_wire(client),
        })
    }

    /// `DeleteUserPoolClient`.
    pub async fn delete_user_pool_client(&self, req: ClientIdRequest) -> CoreResult<()> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_client_id("clientId", &req.client_id, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let id = req.client_id.unwrap_or_default();
        if !self.store.delete_client(&pool_id, &id).await? {
            return Err(CoreError::ResourceNotFound(format!(
                "User pool client {id} does not exist."
            )));
        }
        Ok(())
    }

    /// `ListUserPoolClients`.
    pub async fn list_user_pool_clients(
        &self,
        req: ListUserPoolClientsRequest,
    ) -> CoreResult<ListUserPoolClientsResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.range("maxResults", req.max_results, 1, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let scope = format!("{pool_id}/clients");
        let limit = paging::page_size(req.max_results, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode(&scope, t))
            .transpose()?;
        let mut clients = self
            .store
            .list_clients(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let next_token = if clients.len() > limit {
            clients.truncate(limit);
            clients.last().map(|c| paging::encode(&scope, &c.id))
        } else {
            None
        };
        Ok(ListUserPoolClientsResponse {
            user_pool_clients: clients
                .into_iter()
                .map(|c| UserPoolClientDescription {
                    client_id: c.id,
                    user_pool_id: c.pool_id,
                    client_name: c.name,
                })
                .collect(),
            next_token,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_follow_cognito_rules() {
        assert!(check_redirect_url("https://app.example.com/cb").is_ok());
        assert!(check_redirect_url("http://localhost:3000/cb").is_ok());
        assert!(check_redirect_url("http://127.0.0.1/cb").is_ok());
        assert!(check_redirect_url("myapp://cb").is_ok());
        assert!(check_redirect_url("http://example.com/cb").is_err());
        assert!(check_redirect_url("https://app.example.com/cb#frag").is_err());
        assert!(check_redirect_url("/relative").is_err());
    }

    #[test]
    fn validity_defaults_and_units() {
        let v = Validity::of(&AppClientSettings::default());
        assert_eq!(
            (v.access_secs, v.id_secs, v.refresh_secs),
            (3600, 3600, 30 * 86400)
        );
        let s = AppClientSettings {
            access_token_validity: Some(5),
            token_validity_units: Some(TokenValidityUnits {
                access_token: Some("minutes".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(Validity::of(&s).access_secs, 300);
    }
}
