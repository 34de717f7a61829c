//! User-pool domains: `CreateUserPoolDomain`, `DescribeUserPoolDomain`,
//! `UpdateUserPoolDomain`, `DeleteUserPoolDomain`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html>
//!
//! Invariants: a domain string belongs to one pool only, and a pool has at most one
//! prefix domain and one custom domain. A custom domain is one created with a
//! `CustomDomainConfig`; its certificate is stored but TLS is terminated in front of
//! Cognate, so the "CloudFront" host reported is Cognate's own public host.

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{DomainRecord, StoreError};
use crate::user_pool::check_pool_id;
use cognate_proto::oauth_config::*;
use cognate_proto::validate::Validator;

/// The model's pattern for a prefix domain.
const PREFIX_PATTERN: &str = r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$";

/// Words Cognito refuses inside a prefix (observed behaviour).
const RESERVED: &[&str] = &["aws", "amazon", "cognito"];

/// The model's `ArnType` pattern, quoted in messages.
const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";

fn invalid(msg: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(msg.into())
}

/// One DNS label: 1–63 lowercase letters, digits and inner hyphens.
fn is_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The model's prefix pattern: a single DNS label.
pub fn is_prefix_domain(s: &str) -> bool {
    is_label(s)
}

/// A custom domain: a fully qualified host name of lowercase labels, at most 253 chars.
pub fn is_custom_domain(s: &str) -> bool {
    s.len() <= 253 && s.contains('.') && s.split('.').all(is_label)
}

fn is_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() >= 6 && parts[0] == "arn" && parts[4].bytes().all(|b| b.is_ascii_digit())
}

fn check_domain(req: &UserPoolDomainRequest) -> CoreResult<(String, Option<String>)> {
    let mut val = Validator::new();
    val.required("domain", &req.domain).range(
        "managedLoginVersion",
        req.managed_login_version,
        1,
        2,
    );
    let cert = req
        .custom_domain_config
        .as_ref()
        .map(|c| c.certificate_arn.clone());
    if let Some(cert) = &cert {
        val.required("customDomainConfig.certificateArn", cert)
            .len(
                "customDomainConfig.certificateArn",
                cert.as_deref(),
                20,
                2048,
            )
            .pattern(
                "customDomainConfig.certificateArn",
                cert.as_deref(),
                ARN_PATTERN,
                is_arn,
            );
    }
    let domain = req.domain.clone().unwrap_or_default();
    if cert.is_none() {
        val.len("domain", Some(&domain), 1, 63).pattern(
            "domain",
            Some(&domain),
            PREFIX_PATTERN,
            is_prefix_domain,
        );
    }
    val.finish().map_err(CoreError::InvalidParameter)?;
    match cert.flatten() {
        Some(_) if !is_custom_domain(&domain) => Err(invalid(format!(
            "Domain {domain} is not a valid custom domain name."
        ))),
        Some(cert) => Ok((domain, Some(cert))),
        None => match RESERVED.iter().find(|w| domain.contains(*w)) {
            Some(word) => Err(invalid(format!(
                "Domain cannot contain reserved word: {word}"
            ))),
            None => Ok((domain, None)),
        },
    }
}

fn no_such_domain() -> CoreError {
    invalid("No such domain or user pool exists.")
}

impl Core {
    /// The host that serves every domain: Cognate's public host.
    fn serving_host(&self) -> String {
        let url = &self.settings.public_url;
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or_default().to_owned()
    }

    fn domain_response(&self, d: &DomainRecord) -> UserPoolDomainResponse {
        UserPoolDomainResponse {
            managed_login_version: Some(d.managed_login_version),
            cloud_front_domain: d.custom.then(|| self.serving_host()),
        }
    }

    /// The pool's domain owning `domain`, or "No such domain or user pool exists."
    async fn owned_domain(&self, pool_id: &str, domain: &str) -> CoreResult<DomainRecord> {
        self.load_pool(pool_id).await?;
        match self.store.get_domain(domain).await? {
            Some(d) if d.pool_id == pool_id => Ok(d),
            _ => Err(no_such_domain()),
        }
    }

    /// Whether the pool has a domain: its OAuth endpoints and hosted pages exist only
    /// then (Cognito serves them on the domain).
    pub async fn pool_has_domain(&self, pool_id: &str) -> CoreResult<bool> {
        Ok(!self.store.domains_of_pool(pool_id).await?.is_empty())
    }

    /// The pool a custom domain belongs to, for requests that arrive with that `Host`.
    pub async fn custom_domain_pool(&self, host: &str) -> CoreResult<Option<String>> {
        if !is_custom_domain(host) {
            return Ok(None);
        }
        Ok(self
            .store
            .get_domain(host)
            .await?
            .filter(|d| d.custom)
            .map(|d| d.pool_id))
    }

    /// `CreateUserPoolDomain`.
    pub async fn create_user_pool_domain(
        &self,
        req: UserPoolDomainRequest,
    ) -> CoreResult<UserPoolDomainResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let (domain, certificate_arn) = check_domain(&req)?;
        self.load_pool(&pool_id).await?;
        let custom = certificate_arn.is_some();
        let existing = self.store.domains_of_pool(&pool_id).await?;
        if existing.iter().any(|d| d.custom == custom) {
            return Err(invalid(format!(
                "User pool {pool_id} already has a {} domain configured.",
                if custom { "custom" } else { "prefix" }
            )));
        }
        let now = self.now();
        let record = DomainRecord {
            domain,
            pool_id,
            custom,
            certificate_arn,
            managed_login_version: req.managed_login_version.unwrap_or(1),
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_domain(&record).await {
            Err(StoreError::Conflict { .. }) => {
                Err(invalid("Domain already associated with another user pool."))
            }
            other => other.map_err(CoreError::from),
        }?;
        Ok(self.domain_response(&record))
    }

    /// `DescribeUserPoolDomain`: keyed by the domain string; an unknown domain answers
    /// an empty `DomainDescription`, as Cognito does.
    pub async fn describe_user_pool_domain(
        &self,
        req: DescribeUserPoolDomainRequest,
    ) -> CoreResult<DescribeUserPoolDomainResponse> {
        let mut val = Validator::new();
        val.required("domain", &req.domain)
            .len("domain", req.domain.as_deref(), 1, 253);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let found = self
            .store
            .get_domain(req.domain.as_deref().unwrap_or_default())
            .await?;
        let domain_description = match found {
            None => DomainDescriptionType::default(),
            Some(d) => DomainDescriptionType {
                aws_account_id: Some(self.settings.account_id.clone()),
                cloud_front_distribution: Some(self.serving_host()),
                version: Some(d.updated_at.to_string()),
                status: Some("ACTIVE".into()),
                custom_domain_config: d.custom.then(|| CustomDomainConfigType {
                    certificate_arn: d.certificate_arn.clone(),
                }),
                managed_login_version: Some(d.managed_login_version),
                user_pool_id: Some(d.pool_id),
                domain: Some(d.domain),
            },
        };
        Ok(DescribeUserPoolDomainResponse { domain_description })
    }

    /// `UpdateUserPoolDomain`: changes the managed-login version and, for a custom
    /// domain, the certificate; omitted members keep their values.
    pub async fn update_user_pool_domain(
        &self,
        req: UserPoolDomainRequest,
    ) -> CoreResult<UserPoolDomainResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.required("domain", &req.domain).range(
            "managedLoginVersion",
            req.managed_login_version,
            1,
            2,
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let mut d = self
            .owned_domain(&pool_id, req.domain.as_deref().unwrap_or_default())
            .await?;
        if let Some(config) = &req.custom_domain_config {
            if !d.custom {
                return Err(invalid(
                    "CustomDomainConfig applies only to custom domains.",
                ));
            }
            check_domain(&req)?;
            d.certificate_arn = config.certificate_arn.clone();
        }
        if let Some(v) = req.managed_login_version {
            d.managed_login_version = v;
        }
        d.updated_at = self.now();
        match self.store.update_domain(&d).await {
            Err(StoreError::NotFound) => Err(no_such_domain()),
            other => other.map_err(CoreError::from),
        }?;
        Ok(self.domain_response(&d))
    }

    /// `DeleteUserPoolDomain`.
    pub async fn delete_user_pool_domain(
        &self,
        req: DeleteUserPoolDomainRequest,
    ) -> CoreResult<()> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.required("domain", &req.domain);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let d = self
            .owned_domain(&pool_id, req.domain.as_deref().unwrap_or_default())
            .await?;
        if !self.store.delete_domain(&d.domain).await? {
            return Err(no_such_domain());
        }
        Ok(())
    }

    /// The pool's prefix domain and custom domain, for `DescribeUserPool`.
    pub(crate) async fn pool_domains(
        &self,
        pool_id: &str,
    ) -> CoreResult<(Option<String>, Option<String>)> {
        let domains = self.store.domains_of_pool(pool_id).await?;
        let pick = |custom: bool| {
            domains
                .iter()
                .find(|d| d.custom == custom)
                .map(|d| d.domain.clone())
        };
        Ok((pick(false), pick(true)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_custom_domain_shapes() {
        for ok in ["a", "my-app", "0x1", &"a".repeat(63)] {
            assert!(is_prefix_domain(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "My", "a.b", "a_b", &"a".repeat(64)] {
            assert!(!is_prefix_domain(bad), "{bad}");
        }
        assert!(is_custom_domain("auth.example.com"));
        assert!(!is_custom_domain("example"));
        assert!(!is_custom_domain("auth..example.com"));
    }

    #[test]
    fn reserved_words_are_refused_in_prefixes() {
        let req = UserPoolDomainRequest {
            domain: Some("my-cognito-app".into()),
            ..Default::default()
        };
        assert!(check_domain(&req).is_err());
    }
}
