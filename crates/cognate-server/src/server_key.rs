//! The server key that seals secrets at rest and in Session strings: from settings
//! (`COGNATE_SERVER_KEY`, base64 of 32 bytes; required when several nodes share a
//! PostgreSQL database) or, on first start, generated into `<data_dir>/server.key`
//! (owner-only). Losing it makes stored SRP verifiers and signing keys unreadable:
//! back it up with the database.

use cognate_core::crypto::ServerKey;
use std::path::Path;

/// File name of the generated key inside the data directory.
pub const FILE_NAME: &str = "server.key";

/// Reads the key from settings or the data directory, generating one if neither has it.
pub fn load_or_generate(configured: Option<&str>, data_dir: &Path) -> std::io::Result<ServerKey> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    if let Some(text) = configured {
        return ServerKey::from_base64(text.trim())
            .ok_or_else(|| invalid("server_key: not base64 of 32 bytes"));
    }
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => ServerKey::from_base64(text.trim())
            .ok_or_else(|| invalid("server.key: not base64 of 32 bytes")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = ServerKey::generate();
            crate::admin_keys::write_private(&path, &format!("{}\n", key.to_base64()))?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}
