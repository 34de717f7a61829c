//! Opaque pagination tokens: a cursor bound to the list it came from.
//!
//! A token is base64url of `<scope>\n<cursor>`; a token from another pool or list is
//! refused, so a client cannot page one list with another's token.

use crate::error::{CoreError, CoreResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes a cursor for `scope` (e.g. the pool id and list name).
pub fn encode(scope: &str, cursor: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{scope}\n{cursor}"))
}

/// Decodes a token issued by [`encode`] for the same scope.
pub fn decode(scope: &str, token: &str) -> CoreResult<String> {
    let bad = || CoreError::InvalidParameter("Invalid pagination token.".into());
    let raw = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    match text.split_once('\n') {
        Some((s, cursor)) if s == scope => Ok(cursor.to_owned()),
        _ => Err(bad()),
    }
}

/// Decodes an integer cursor.
pub fn decode_i64(scope: &str, token: &str) -> CoreResult<i64> {
    decode(scope, token)?
        .parse()
        .map_err(|_| CoreError::InvalidParameter("Invalid pagination token.".into()))
}

/// The page size for a `Limit`/`MaxResults` value: 0 or absent means `max`.
pub fn page_size(requested: Option<i64>, max: usize) -> usize {
    match requested {
        Some(n) if n > 0 => (n as usize).min(max),
        _ => max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_scope_binding() {
        let t = encode("pool-a/users", "42");
        assert_eq!(decode_i64("pool-a/users", &t).unwrap(), 42);
        assert!(decode("pool-b/users", &t).is_err());
        assert!(decode("pool-a/users", "%%%").is_err());
    }
}
