//! Passwords: the pool's policy, temporary-password generation, and Argon2id hashing.
//!
//! Hashes use Argon2id with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane)
//! and run on a fixed set of dedicated threads, so a burst of sign-ins cannot exhaust
//! memory or starve the async workers.
//! Policy rules: <https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html>

use crate::error::{CoreError, CoreResult};
use crate::ids::random_string;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use cognate_proto::user_pool::PasswordPolicy;
use std::sync::Arc;

/// Characters that satisfy `RequireSymbols` (Cognito's list, plus space).
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// The pool's password policy with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Minimum length.
    pub min_length: usize,
    /// Require an ASCII upper-case letter.
    pub uppercase: bool,
    /// Require an ASCII lower-case letter.
    pub lowercase: bool,
    /// Require a digit.
    pub numbers: bool,
    /// Require a symbol.
    pub symbols: bool,
    /// Days a temporary password is valid.
    pub temporary_validity_days: i64,
}

impl Policy {
    /// Reads the stored policy (absent means Cognito's default policy).
    pub fn from_wire(p: Option<&PasswordPolicy>) -> Self {
        match p {
            None => Policy {
                min_length: 8,
                uppercase: true,
                lowercase: true,
                numbers: true,
                symbols: true,
                temporary_validity_days: 7,
            },
            Some(p) => Policy {
                min_length: p.minimum_length.unwrap_or(8).clamp(6, 99) as usize,
                uppercase: p.require_uppercase.unwrap_or(false),
                lowercase: p.require_lowercase.unwrap_or(false),
                numbers: p.require_numbers.unwrap_or(false),
                symbols: p.require_symbols.unwrap_or(false),
                temporary_validity_days: match p.temporary_password_validity_days {
                    Some(d) if d > 0 => d,
                    _ => 7,
                },
            },
        }
    }

    /// Checks a password against the policy, with Cognito's messages.
    pub fn check(&self, password: &str) -> CoreResult<()> {
        let invalid = |m: &str| Err(CoreError::InvalidPassword(m.into()));
        if password.chars().count() < self.min_length {
            return invalid("Password not long enough");
        }
        if self.lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return invalid("Password must have lowercase characters");
        }
        if self.uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return invalid("Password must have uppercase characters");
        }
        if self.numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return invalid("Password must have numeric characters");
        }
        if self.symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            return invalid("Password must have symbol characters");
        }
        Ok(())
    }

    /// A random password that satisfies this policy (at least 12 characters).
    pub fn generate_temporary(&self) -> String {
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const DIGITS: &[u8] = b"23456789";
        const SYMS: &[u8] = b"!@#%&*^$";
        let mut out = String::new();
        out += &random_string(UPPER, 1);
        out += &random_string(LOWER, 1);
        out += &random_string(DIGITS, 1);
        out += &random_string(SYMS, 1);
        let all = [LOWER, UPPER, DIGITS].concat();
        out += &random_string(&all, self.min_length.max(12) - 4);
        out
    }
}

/// Checks the length and whitespace rules every password must meet, before policy.
pub fn check_shape(field: &str, password: &str) -> CoreResult<()> {
    let n = password.chars().count();
    if n == 0 || n > 256 {
        return Err(CoreError::InvalidParameter(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to 256"
        )));
    }
    if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
        return Err(CoreError::InvalidParameter(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
        )));
    }
    Ok(())
}

/// A unit of hashing work run on one of the hasher's threads.
type Job = Box<dyn FnOnce() + Send>;

/// Argon2id hashing on a fixed set of dedicated threads. A fixed set (rather than
/// tokio's blocking pool, which grows to hundreds of threads) bounds both concurrency
/// and memory: each thread's allocator keeps at most one 19 MiB Argon2 buffer.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: std::sync::mpsc::SyncSender<Job>,
    params: Params,
}

impl PasswordHasher {
    /// OWASP parameters (m = 19 MiB, t = 2, p = 1) on `concurrency` threads.
    pub fn new(concurrency: usize) -> Self {
        let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(1024);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for n in 0..concurrency.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("cognate-argon2-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            // A thread that cannot start drops its handle on the queue; the others do the
            // work, and with none at all every hash fails cleanly instead of hanging.
            drop(spawned);
        }
        Self { jobs, params }
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Runs `work` on a hashing thread and waits for its answer.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> CoreResult<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(work());
        });
        let jobs = self.jobs.clone();
        // The queue is bounded: when it is full, wait for room off the async threads.
        tokio::task::spawn_blocking(move || jobs.send(job))
            .await
            .map_err(internal)?
            .map_err(internal)?;
        rx.await.map_err(internal)
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: &str) -> CoreResult<String> {
        let argon = self.argon();
        let pw = password.as_bytes().to_vec();
        self.run(move || argon.hash_password(&pw).map(|h| h.to_string()))
            .await?
            .map_err(internal)
    }

    /// Verifies a password against a PHC string in constant time.
    pub async fn verify(&self, password: &str, phc: &str) -> CoreResult<bool> {
        let argon = self.argon();
        let pw = password.as_bytes().to_vec();
        let phc = phc.to_owned();
        self.run(move || match PasswordHash::new(&phc) {
            Ok(parsed) => argon.verify_password(&pw, &parsed).is_ok(),
            Err(_) => false,
        })
        .await
    }
}

fn internal<E: std::fmt::Display>(e: E) -> CoreError {
    CoreError::Internal(e.to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_names_the_first_missing_class() {
        let p = Policy::from_wire(None);
        assert!(
            matches!(p.check("Short1!"), Err(CoreError::InvalidPassword(m)) if m == "Password not long enough")
        );
        assert!(
            matches!(p.check("ALLUPPER1!"), Err(CoreError::InvalidPassword(m)) if m.contains("lowercase"))
        );
        assert!(p.check("Passw0rd!").is_ok());
    }

    #[test]
    fn generated_temporary_passwords_satisfy_the_strictest_policy() {
        let p = Policy {
            min_length: 20,
            ..Policy::from_wire(None)
        };
        for _ in 0..50 {
            let pw = p.generate_temporary();
            assert!(p.check(&pw).is_ok(), "{pw}");
        }
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let h = PasswordHasher::new(1);
        let phc = h.hash("Passw0rd!").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(h.verify("Passw0rd!", &phc).await.unwrap());
        assert!(!h.verify("passw0rd!", &phc).await.unwrap());
        assert!(!h.verify("x", "not a hash").await.unwrap());
    }
}
