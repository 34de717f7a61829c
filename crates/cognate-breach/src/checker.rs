//! [`Checker`]: the built-in filter plus an optional operator-loaded one.

use crate::bloom::{BloomFilter, Residency};
use crate::error::BreachError;
use std::path::Path;

/// Answers "is this password known to be breached?" from the built-in filter and, when
/// an operator imported one, the full Pwned Passwords filter. No network look-ups.
#[derive(Debug)]
pub struct Checker {
    builtin: BloomFilter,
    loaded: Option<BloomFilter>,
}

impl Checker {
    /// The built-in filter only.
    pub fn builtin() -> Result<Self, BreachError> {
        Ok(Checker {
            builtin: crate::builtin_filter()?,
            loaded: None,
        })
    }

    /// The built-in filter plus the filter file at `path`, if given (the
    /// `breached_passwords_file` setting). Opening verifies the file's checksum.
    pub fn open(path: Option<&Path>, residency: Residency) -> Result<Self, BreachError> {
        let checker = Self::builtin()?;
        Ok(match path {
            Some(p) => checker.with_filter(BloomFilter::open(p, residency)?),
            None => checker,
        })
    }

    /// Adds (or replaces) the operator-loaded filter.
    pub fn with_filter(mut self, filter: BloomFilter) -> Self {
        self.loaded = Some(filter);
        self
    }

    /// Whether `password` is in the built-in set or the loaded one (with each filter's
    /// small false-positive rate). If the loaded filter cannot be read (disk error), the
    /// error is logged and only the built-in answer counts: sign-ups keep working.
    pub fn is_breached(&self, password: &str) -> bool {
        let key = crate::password_key(password);
        match self.check_key(&key) {
            Ok(hit) => hit,
            Err(e) => {
                tracing::warn!(error = %e, "breached-password filter unreadable; using the built-in set only");
                self.builtin.contains(&key).unwrap_or(false)
            }
        }
    }

    /// Like [`Self::is_breached`], but a read error of the loaded filter is returned.
    pub fn try_is_breached(&self, password: &str) -> Result<bool, BreachError> {
        self.check_key(&crate::password_key(password))
    }

    /// Looks up a password's SHA-1 directly. Both filters are always consulted, so the
    /// time taken does not depend on which one holds the key.
    pub fn check_key(&self, key: &[u8; 20]) -> Result<bool, BreachError> {
        let common = self.builtin.contains(key)?;
        let loaded = match &self.loaded {
            Some(f) => f.contains(key)?,
            None => false,
        };
        Ok(common | loaded)
    }

    /// The built-in filter.
    pub fn builtin_filter(&self) -> &BloomFilter {
        &self.builtin
    }

    /// The operator-loaded filter, if any.
    pub fn loaded_filter(&self) -> Option<&BloomFilter> {
        self.loaded.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Checker>();
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err =
            Checker::open(Some(Path::new("/nonexistent/x.filter")), Residency::Disk).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.filter"), "{err}");
        assert!(Checker::open(None, Residency::Disk).is_ok());
    }
}
