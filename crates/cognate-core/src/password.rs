//! Passwords: the pool's policy, temporary-password generation, and Argon2id hashing.
//!
//! Hashes use Argon2id with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane)
//! and run on a fixed set of dedicated threads, each with one Argon2 working buffer
//! allocated once and reused, so a burst of sign-ins can neither starve the async
//! workers nor grow the process's memory beyond one buffer per hashing thread.
//! Policy rules: <https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html>

use crate::error::{CoreError, CoreResult};
use crate::ids::{os_random, random_string};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use cognate_proto::user_pool::PasswordPolicy;
use std::cell::RefCell;
use std::sync::Arc;
use subtle::ConstantTimeEq as _;

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

/// Bytes of random salt in new hashes.
const SALT_LEN: usize = 16;
/// Bytes of output in new hashes.
const OUTPUT_LEN: usize = 32;
/// Largest working memory kept for reuse: that of new hashes (19 MiB, in 1 KiB
/// blocks). A stored hash with a higher memory cost (an imported one, say) is checked
/// in memory of its own, freed afterwards, so the kept buffer never grows past this.
const MAX_REUSED_BLOCKS: usize = 19 * 1024;

thread_local! {
    /// This hashing thread's Argon2 working memory, allocated on first use and reused
    /// by every later hash on the thread. Allocating 19 MiB per hash instead leaves
    /// freed buffers in the allocator's per-thread arenas: hundreds of MiB of resident
    /// memory after a few hundred sign-ins.
    static WORKING_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs Argon2 into `out`, in this thread's reusable working memory.
fn argon2_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    let blocks = params.block_count();
    if blocks > MAX_REUSED_BLOCKS {
        return argon.hash_password_into(password, salt, out);
    }
    WORKING_MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// Hashes `password` with a fresh salt into a PHC string (on a hashing thread).
fn hash_phc(params: &Params, password: &[u8]) -> Result<String, String> {
    let mut salt = [0u8; SALT_LEN];
    os_random(&mut salt);
    let mut out = [0u8; OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon2_into(&argon, params, password, &salt, &mut out).map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`, with the algorithm, version and
/// costs the string names, compared in constant time (on a hashing thread). Anything
/// unreadable is a mismatch.
fn verify_phc(password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    argon2_into(&argon, &params, password, salt, &mut out).is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Argon2id hashing on a fixed set of dedicated threads. A fixed set (rather than
/// tokio's blocking pool, which grows to hundreds of threads) bounds concurrency, and
/// each thread reuses one working buffer, which bounds memory.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: std::sync::mpsc::SyncSender<Job>,
    params: Params,
}

impl PasswordHasher {
    /// OWASP parameters (m = 19 MiB, t = 2, p = 1) on `concurrency` threads.
    pub fn new(concurrency: usize) -> Self {
        let params =
            Params::new(MAX_REUSED_BLOCKS as u32, 2, 1, Some(OUTPUT_LEN)).unwrap_or_default();
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
        let params = self.params.clone();
        let pw = password.as_bytes().to_vec();
        self.run(move || hash_phc(&params, &pw))
            .await?
            .map_err(internal)
    }

    /// Verifies a password against a PHC string in constant time.
    pub async fn verify(&self, password: &str, phc: &str) -> CoreResult<bool> {
        let pw = password.as_bytes().to_vec();
        let phc = phc.to_owned();
        self.run(move || verify_phc(&pw, &phc)).await
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

    /// Hashes stored before the reusable working memory, or by other Argon2 software
    /// (other variants and costs), still verify, and ours verify elsewhere.
    #[tokio::test]
    async fn hashes_interoperate_with_the_reference_implementation() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let h = PasswordHasher::new(1);
        for (algorithm, m, t, p) in [
            (Algorithm::Argon2id, 19 * 1024, 2, 1),
            (Algorithm::Argon2id, 8 * 1024, 3, 2),
            (Algorithm::Argon2i, 4 * 1024, 3, 1),
            (Algorithm::Argon2d, 4 * 1024, 1, 1),
        ] {
            let params = Params::new(m, t, p, None).unwrap();
            let reference = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password(b"Passw0rd!")
                .unwrap()
                .to_string();
            assert!(
                h.verify("Passw0rd!", &reference).await.unwrap(),
                "{reference}"
            );
            assert!(
                !h.verify("Passw0rd?", &reference).await.unwrap(),
                "{reference}"
            );
        }
        let ours = h.hash("Passw0rd!").await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"Passw0rd!", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"passw0rd!", &parsed)
                .is_err()
        );
        assert_ne!(
            ours,
            h.hash("Passw0rd!").await.unwrap(),
            "a fresh salt per hash"
        );
    }

    /// A costlier stored hash (checked in memory of its own) and cheaper ones (in the
    /// reused buffer, sliced to their size) verify in any order on one thread.
    #[tokio::test]
    async fn costlier_and_cheaper_hashes_verify_in_any_order() {
        use argon2::password_hash::PasswordHasher as _;
        let h = PasswordHasher::new(1);
        let big = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"one")
        .unwrap()
        .to_string();
        assert!(h.verify("one", &big).await.unwrap());
        let phc = h.hash("two").await.unwrap();
        assert!(h.verify("two", &phc).await.unwrap());
        assert!(h.verify("one", &big).await.unwrap());
    }
}
