//! The official SDK client, pointed at a loopback Cognate with the admin key, plus the
//! reader for the server's generated `admin-credentials` file (AWS shared-credentials
//! format, profile `cognate`).

use anyhow::{Context, Result, bail};
use aws_sdk_cognitoidentityprovider as idp;
use idp::config::retry::RetryConfig;
use idp::config::timeout::TimeoutConfig;
use idp::config::{BehaviorVersion, Credentials, Region, StalledStreamProtectionConfig};
use std::path::Path;
use std::time::Duration;

/// An admin access key pair.
#[derive(Clone)]
pub(crate) struct AdminKey {
    pub(crate) key_id: String,
    pub(crate) secret: String,
}

/// Reads `[cognate]` `aws_access_key_id` / `aws_secret_access_key` from a
/// shared-credentials file.
pub(crate) fn read_credentials_file(path: &Path) -> Result<AdminKey> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_credentials(&text, "cognate")
        .with_context(|| format!("{}: no [cognate] profile with both keys", path.display()))
}

fn parse_credentials(text: &str, profile: &str) -> Option<AdminKey> {
    let mut in_profile = false;
    let (mut key_id, mut secret) = (None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_profile = name.trim() == profile;
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if in_profile {
            match k.trim() {
                "aws_access_key_id" => key_id = Some(v.trim().to_owned()),
                "aws_secret_access_key" => secret = Some(v.trim().to_owned()),
                _ => {}
            }
        }
    }
    Some(AdminKey {
        key_id: key_id?,
        secret: secret?,
    })
}

/// Refuses anything but a loopback `http://` URL: the tool only loads local servers.
pub(crate) fn check_loopback(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("http://")
        .context("--url must start with http://")?;
    let host = rest.split('/').next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        bail!("--url must point at this machine (127.0.0.1), not {host}");
    }
    Ok(())
}

/// An SDK client that signs with `key`, never retries (an error is counted, not hidden)
/// and has no stalled-stream protection or short timeouts that could end a long run.
pub(crate) fn idp_client(url: &str, key: &AdminKey) -> idp::Client {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(600))
        .build();
    let conf = idp::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            &key.key_id,
            &key.secret,
            None,
            None,
            "cognate-bench",
        ))
        .endpoint_url(url)
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts)
        .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
        .build();
    idp::Client::from_conf(conf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_generated_file_shape() {
        let text = "# comment\n[default]\naws_access_key_id = X\n[cognate]\naws_access_key_id = AKIAABC\naws_secret_access_key = s3cr/t+=\n";
        let k = parse_credentials(text, "cognate").unwrap();
        assert_eq!(
            (k.key_id.as_str(), k.secret.as_str()),
            ("AKIAABC", "s3cr/t+=")
        );
        assert!(parse_credentials("[cognate]\naws_access_key_id = A\n", "cognate").is_none());
    }

    #[test]
    fn only_loopback_urls_are_accepted() {
        assert!(check_loopback("http://127.0.0.1:9229").is_ok());
        assert!(check_loopback("http://localhost:1/").is_ok());
        assert!(check_loopback("http://example.com:9229").is_err());
        assert!(check_loopback("https://127.0.0.1").is_err());
    }
}
