//! Server settings: listen address, data directory, database, region, public URL and
//! admin credentials. Pool settings live in the database, not here.
//!
//! Values are layered: built-in defaults, then the TOML file given with `--config`,
//! then `COGNATE_*` environment variables (`COGNATE_LISTEN`, `COGNATE_DATA_DIR`, ...;
//! `__` separates nested keys). Unknown keys are refused, naming the key.

use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Every server setting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on (`COGNATE_LISTEN`), default `127.0.0.1:9229`.
    pub listen: SocketAddr,
    /// Directory for the SQLite database and generated keys (`COGNATE_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://` URL selecting PostgreSQL (`COGNATE_DATABASE_URL`); absent means SQLite.
    pub database_url: Option<SecretString>,
    /// AWS region used in ids, ARNs and signature scopes (`COGNATE_REGION`).
    pub region: String,
    /// Twelve-digit account id used in ARNs (`COGNATE_ACCOUNT_ID`).
    pub account_id: String,
    /// Externally visible base URL (`COGNATE_PUBLIC_URL`), default `http://<listen>`.
    pub public_url: Option<String>,
    /// Access key id for SigV4-signed admin calls (`COGNATE_ADMIN_ACCESS_KEY_ID`).
    pub admin_access_key_id: Option<String>,
    /// Its secret (`COGNATE_ADMIN_SECRET_ACCESS_KEY`).
    pub admin_secret_access_key: Option<SecretString>,
    /// Base64 of the 32-byte server key that seals secrets (`COGNATE_SERVER_KEY`);
    /// generated into `<data_dir>/server.key` when unset. Nodes sharing a database
    /// must share it.
    pub server_key: Option<SecretString>,
    /// Log filter in `tracing` syntax (`COGNATE_LOG`), default `info`.
    pub log: String,
    /// `text` or `json` (`COGNATE_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// Largest accepted request body in bytes (`COGNATE_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// SMTP server for email (`COGNATE_SMTP_URL`): `smtp://host:port` (plain),
    /// `smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465`. Unset:
    /// development mode, emails are written to the log instead of sent.
    pub smtp_url: Option<SecretString>,
    /// Default sender (`COGNATE_EMAIL_FROM`), default `no-reply@<public host>`; a
    /// pool's `EmailConfiguration.From` overrides it.
    pub email_from: Option<String>,
    /// URL that SMS messages are POSTed to as JSON `{"phoneNumber", "message",
    /// "poolId"}` (`COGNATE_SMS_WEBHOOK_URL`); a 2xx answer means delivered. Unset:
    /// development mode, SMS are written to the log instead of sent.
    pub sms_webhook_url: Option<SecretString>,
    /// How long the delivery worker waits when the outbox is empty, in milliseconds
    /// (`COGNATE_DELIVERY_POLL_MS`).
    pub delivery_poll_ms: u64,
    /// Delivery attempts before a message is given up (`COGNATE_DELIVERY_MAX_ATTEMPTS`).
    pub delivery_max_attempts: u32,
    /// Lets outbound fetches of user-supplied URLs (OIDC provider keys) reach loopback,
    /// private and link-local addresses and use plain `http://`
    /// (`COGNATE_ALLOW_PRIVATE_FETCH`, default false). Development and tests only.
    pub allow_private_fetch: bool,
    /// Filter of breached passwords built by `cognate breach import` from the Pwned
    /// Passwords SHA-1 list (`COGNATE_BREACHED_PASSWORDS_FILE`), checked in addition to
    /// the built-in filter of the 100,000 most common ones. Unset: built-in only.
    pub breached_passwords_file: Option<PathBuf>,
    /// Days a threat-protection auth event (`AdminListUserAuthEvents`, risk scoring) is
    /// kept before it is pruned (`COGNATE_THREAT_EVENT_RETENTION_DAYS`, default 90).
    pub threat_event_retention_days: u32,
    /// Weights and thresholds of adaptive-authentication risk scoring
    /// (`[threat_scoring]`, `COGNATE_THREAT_SCORING__NEW_DEVICE`, ...); see the README.
    pub threat_scoring: cognate_core::threat::Weights,
    /// Request-rate limits on the public operations (`[rate_limits]`,
    /// `COGNATE_RATE_LIMITS__ENABLED`, ...); see [`crate::ratelimit`].
    pub rate_limits: crate::ratelimit::RateLimitConfig,
    /// Take the client address from the last `X-Forwarded-For` entry (set this only
    /// behind a reverse proxy that appends it; `COGNATE_TRUST_FORWARDED_FOR`).
    pub trust_forwarded_for: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9229)),
            data_dir: PathBuf::from("./cognate-data"),
            database_url: None,
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            public_url: None,
            admin_access_key_id: None,
            admin_secret_access_key: None,
            server_key: None,
            log: "info".into(),
            log_format: LogFormat::Text,
            max_body_bytes: 2 * 1024 * 1024,
            smtp_url: None,
            email_from: None,
            sms_webhook_url: None,
            delivery_poll_ms: 200,
            delivery_max_attempts: 8,
            allow_private_fetch: false,
            breached_passwords_file: None,
            threat_event_retention_days: 90,
            threat_scoring: cognate_core::threat::Weights::default(),
            rate_limits: crate::ratelimit::RateLimitConfig::default(),
            trust_forwarded_for: false,
        }
    }
}

/// A setting that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A value is missing, mistyped or unknown.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Environment variables with the `COGNATE_` prefix that are not settings.
const NOT_SETTINGS: &[&str] = &["COGNATE_TEST_", "COGNATE_CONFIG"];

impl Config {
    /// Loads defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// Like [`Config::load`] with an explicit environment (for tests).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::Invalid(format!("{}: {e}", path.display())))?
            }
            None => toml::Table::new(),
        };
        for (key, value) in env {
            let Some(rest) = key.strip_prefix("COGNATE_") else {
                continue;
            };
            if NOT_SETTINGS.iter().any(|p| key.starts_with(p)) || rest.is_empty() {
                continue;
            }
            let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
            insert(&mut table, &path, &key, value)?;
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_owned()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.region.is_empty()
            || !self
                .region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ConfigError::Invalid(format!(
                "region: {:?} is not a region name",
                self.region
            )));
        }
        if self.account_id.len() != 12 || !self.account_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(ConfigError::Invalid("account_id: must be 12 digits".into()));
        }
        if self.admin_access_key_id.is_some() != self.admin_secret_access_key.is_some() {
            return Err(ConfigError::Invalid(
                "admin_access_key_id and admin_secret_access_key must be set together".into(),
            ));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(
                "public_url: must start with http:// or https://".into(),
            ));
        }
        if self.threat_event_retention_days == 0 {
            return Err(ConfigError::Invalid(
                "threat_event_retention_days: must be at least 1".into(),
            ));
        }
        self.threat_scoring
            .check()
            .map_err(|e| ConfigError::Invalid(format!("threat_scoring: {e}")))?;
        if self
            .breached_passwords_file
            .as_ref()
            .is_some_and(|p| p.as_os_str().is_empty())
        {
            return Err(ConfigError::Invalid(
                "breached_passwords_file: must be a path to a filter file".into(),
            ));
        }
        self.validate_delivery()
    }

    fn validate_delivery(&self) -> Result<(), ConfigError> {
        use secrecy::ExposeSecret;
        if let Some(url) = &self.smtp_url
            && !["smtp://", "smtp+starttls://", "smtps://"]
                .iter()
                .any(|s| url.expose_secret().starts_with(s))
        {
            return Err(ConfigError::Invalid(
                "smtp_url: must start with smtp://, smtp+starttls:// or smtps://".into(),
            ));
        }
        if let Some(url) = &self.sms_webhook_url
            && !["http://", "https://"]
                .iter()
                .any(|s| url.expose_secret().starts_with(s))
        {
            return Err(ConfigError::Invalid(
                "sms_webhook_url: must start with http:// or https://".into(),
            ));
        }
        if self
            .email_from()
            .parse::<lettre::message::Mailbox>()
            .is_err()
        {
            return Err(ConfigError::Invalid(format!(
                "email_from: {:?} is not an email address",
                self.email_from()
            )));
        }
        if self.delivery_max_attempts == 0 || self.delivery_poll_ms == 0 {
            return Err(ConfigError::Invalid(
                "delivery_max_attempts and delivery_poll_ms must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The default sender: `email_from`, or `no-reply@<host of the public URL>`
    /// (`no-reply@localhost` when that host is an IP address).
    pub fn email_from(&self) -> String {
        if let Some(from) = &self.email_from {
            return from.clone();
        }
        let url = self.public_url();
        let authority = url
            .split_once("://")
            .map_or(url.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
        if host.is_empty() || host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
            "no-reply@localhost".into()
        } else {
            format!("no-reply@{host}")
        }
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The host name of the public URL (lower-case, no port).
    pub fn public_host(&self) -> String {
        let url = self.public_url();
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => authority,
        };
        host.to_ascii_lowercase()
    }
}

/// Places an environment value into the table; numbers and booleans are typed so
/// that numeric settings can come from the environment too.
fn insert(
    table: &mut toml::Table,
    path: &[String],
    env_key: &str,
    value: String,
) -> Result<(), ConfigError> {
    match path {
        [last] => {
            let typed = if let Ok(n) = value.parse::<i64>() {
                if matches!(
                    last.as_str(),
                    "max_body_bytes"
                        | "delivery_poll_ms"
                        | "delivery_max_attempts"
                        | "threat_event_retention_days"
                ) || env_key.starts_with("COGNATE_THREAT_SCORING__")
                    || env_key.starts_with("COGNATE_RATE_LIMITS__")
                {
                    toml::Value::Integer(n)
                } else {
                    toml::Value::String(value)
                }
            } else if let Ok(b) = value.parse::<bool>() {
                toml::Value::Boolean(b)
            } else {
                toml::Value::String(value)
            };
            table.insert(last.clone(), typed);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => insert(t, rest, env_key, value),
                _ => Err(ConfigError::Invalid(format!(
                    "{env_key}: {first} is not a section"
                ))),
            }
        }
        [] => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_then_environment() {
        let c = Config::load_from(
            None,
            env(&[
                ("COGNATE_LISTEN", "0.0.0.0:8080"),
                ("COGNATE_REGION", "eu-west-1"),
                ("COGNATE_TEST_DATABASE_URL", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 8080);
        assert_eq!(c.region, "eu-west-1");
        assert_eq!(c.public_url(), "http://0.0.0.0:8080");
        assert!(c.database_url.is_none());
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::load_from(None, env(&[("COGNATE_LISTN", "x")])).unwrap_err();
        assert!(err.to_string().contains("listn"), "{err}");
    }

    #[test]
    fn file_is_overridden_by_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "region = \"ap-south-1\"\ndatabase_url = \"postgres://x/y\"\nmax_body_bytes = 10\n",
        )
        .unwrap();
        let c = Config::load_from(
            Some(&path),
            env(&[
                ("COGNATE_REGION", "us-west-2"),
                ("COGNATE_MAX_BODY_BYTES", "20"),
            ]),
        )
        .unwrap();
        assert_eq!(c.region, "us-west-2");
        assert_eq!(c.max_body_bytes, 20);
        assert_eq!(c.database_url.unwrap().expose_secret(), "postgres://x/y");
    }

    #[test]
    fn delivery_settings_come_from_the_environment() {
        let c = Config::load_from(
            None,
            env(&[
                ("COGNATE_SMTP_URL", "smtps://u:p@mail.example.com:465"),
                ("COGNATE_DELIVERY_MAX_ATTEMPTS", "3"),
                ("COGNATE_PUBLIC_URL", "https://auth.example.com:8443/base"),
            ]),
        )
        .unwrap();
        assert_eq!(c.delivery_max_attempts, 3);
        assert_eq!(c.email_from(), "no-reply@auth.example.com");
        assert!(
            !format!("{c:?}").contains("u:p@"),
            "the SMTP password is redacted"
        );
        assert_eq!(Config::default().email_from(), "no-reply@localhost");
        let err = Config::load_from(None, env(&[("COGNATE_SMTP_URL", "http://x")])).unwrap_err();
        assert!(err.to_string().contains("smtp_url"), "{err}");
        let err =
            Config::load_from(None, env(&[("COGNATE_EMAIL_FROM", "not an address")])).unwrap_err();
        assert!(err.to_string().contains("email_from"), "{err}");
    }

    #[test]
    fn breached_passwords_file_comes_from_file_or_environment() {
        assert!(Config::default().breached_passwords_file.is_none());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "breached_passwords_file = \"/data/a.filter\"\n").unwrap();
        let c = Config::load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(
            c.breached_passwords_file.as_deref(),
            Some(Path::new("/data/a.filter"))
        );
        let c = Config::load_from(
            Some(&path),
            env(&[("COGNATE_BREACHED_PASSWORDS_FILE", "/data/b.filter")]),
        )
        .unwrap();
        assert_eq!(
            c.breached_passwords_file.as_deref(),
            Some(Path::new("/data/b.filter"))
        );
        let err =
            Config::load_from(None, env(&[("COGNATE_BREACHED_PASSWORDS_FILE", "")])).unwrap_err();
        assert!(err.to_string().contains("breached_passwords_file"), "{err}");
    }

    #[test]
    fn half_an_admin_key_is_refused() {
        assert!(Config::load_from(None, env(&[("COGNATE_ADMIN_ACCESS_KEY_ID", "AKIA")])).is_err());
    }

    #[test]
    fn rate_limits_come_from_the_environment() {
        let env = [
            (
                "COGNATE_RATE_LIMITS__ENABLED".to_owned(),
                "false".to_owned(),
            ),
            (
                "COGNATE_RATE_LIMITS__SIGN_IN_PER_IP_BURST".to_owned(),
                "7".to_owned(),
            ),
        ];
        let c = Config::load_from(None, env).unwrap();
        assert!(!c.rate_limits.enabled);
        assert_eq!(c.rate_limits.sign_in_per_ip_burst, 7);
    }
}
