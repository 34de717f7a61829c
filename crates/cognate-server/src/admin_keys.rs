//! The admin access key that signs IAM-authorized calls, from configuration or, on
//! first start, generated and kept in `<data_dir>/admin-credentials` (owner-only).
//!
//! The file uses the AWS shared-credentials format, so the AWS CLI and SDKs can read it
//! directly (`AWS_SHARED_CREDENTIALS_FILE=<path> AWS_PROFILE=cognate`).

use crate::sigv4::SecretLookup;
use cognate_core::ids::random_string;
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};
use subtle::ConstantTimeEq;

/// Name of the generated credentials file inside the data directory.
pub const FILE_NAME: &str = "admin-credentials";

/// The admin key pair.
#[derive(Clone)]
pub struct AdminKeys {
    access_key_id: String,
    secret: SecretString,
}

impl std::fmt::Debug for AdminKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminKeys")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Where the admin key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// From settings.
    Configured,
    /// Read from the credentials file.
    File(PathBuf),
    /// Generated now and written to the file.
    Generated(PathBuf),
}

impl AdminKeys {
    /// A configured key pair.
    pub fn new(access_key_id: String, secret: SecretString) -> Self {
        Self {
            access_key_id,
            secret,
        }
    }

    /// The access key id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Reads the key from `data_dir`, generating and storing one if there is none.
    pub fn load_or_generate(data_dir: &Path) -> std::io::Result<(Self, KeySource)> {
        let path = data_dir.join(FILE_NAME);
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Some(keys) = parse(&text) {
                return Ok((keys, KeySource::File(path)));
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a credentials file", path.display()),
            ));
        }
        let keys = Self {
            access_key_id: format!(
                "AKIA{}",
                random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            ),
            secret: SecretString::from(random_string(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                40,
            )),
        };
        let text = format!(
            "# Cognate admin credentials (generated). Use with:\n#   AWS_SHARED_CREDENTIALS_FILE={} AWS_PROFILE=cognate\n[cognate]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            path.display(),
            keys.access_key_id,
            keys.secret.expose_secret()
        );
        write_private(&path, &text)?;
        Ok((keys, KeySource::Generated(path)))
    }
}

fn parse(text: &str) -> Option<AdminKeys> {
    let mut id = None;
    let mut secret = None;
    for line in text.lines() {
        if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "aws_access_key_id" => id = Some(v.trim().to_owned()),
                "aws_secret_access_key" => secret = Some(v.trim().to_owned()),
                _ => {}
            }
        }
    }
    Some(AdminKeys {
        access_key_id: id?,
        secret: SecretString::from(secret?),
    })
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

impl SecretLookup for AdminKeys {
    fn secret_for(&self, access_key_id: &str) -> Option<String> {
        let same: bool = access_key_id
            .as_bytes()
            .ct_eq(self.access_key_id.as_bytes())
            .into();
        same.then(|| self.secret.expose_secret().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reread_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let (a, src) = AdminKeys::load_or_generate(dir.path()).unwrap();
        assert!(matches!(src, KeySource::Generated(_)));
        assert!(a.access_key_id().starts_with("AKIA") && a.access_key_id().len() == 20);
        let (b, src) = AdminKeys::load_or_generate(dir.path()).unwrap();
        assert!(matches!(src, KeySource::File(_)));
        assert_eq!(a.access_key_id(), b.access_key_id());
        assert_eq!(
            a.secret_for(a.access_key_id()),
            b.secret_for(b.access_key_id())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
