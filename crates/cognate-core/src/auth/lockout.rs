//! Cognito's lockout: after 5 failed password attempts a user is locked for
//! 2^(n−5) seconds after the n-th failure, at most 15 minutes; attempts during a lock
//! are refused with `Password attempts exceeded` and do not count. The counter is in
//! the database (shared by nodes, survives restarts), increments atomically, and
//! resets after 15 minutes without failures. Each check is counted before the
//! password is verified, so a burst of parallel guesses cannot slip past the limit.
//!
//! In a pool that hides whether users exist, a name no user has gets a counter of its
//! own (stored under a keyed hash of the name) and locks exactly like a user, so the
//! lockout answer cannot tell an unknown name from a real account.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::store::{UserPoolRecord, UserRecord};

/// Failures before locking starts.
pub const FREE_ATTEMPTS: i64 = 5;
/// Longest lock.
pub const MAX_LOCK_MS: Millis = 15 * 60 * 1000;
/// Quiet time after which the counter starts again.
pub const RESET_AFTER_MS: Millis = 15 * 60 * 1000;

/// How long the n-th consecutive failure locks the account.
pub fn lock_duration_ms(failures: i64) -> Millis {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let exp = (failures - FREE_ATTEMPTS).min(20) as u32;
    (1000i64 << exp).min(MAX_LOCK_MS)
}

fn exceeded() -> CoreError {
    CoreError::NotAuthorized("Password attempts exceeded".into())
}

/// Whose failed password checks a lock counts.
enum Counter<'a> {
    /// A user's.
    User(i64),
    /// A name no user of the pool has (pools that hide user existence), by keyed hash.
    Unknown { pool_id: &'a str, key: String },
}

impl Core {
    async fn failures_of(&self, counter: &Counter<'_>) -> CoreResult<Option<(i64, Millis)>> {
        Ok(match counter {
            Counter::User(id) => self.store.failures(*id).await?,
            Counter::Unknown { pool_id, key } => self.store.unknown_failures(pool_id, key).await?,
        })
    }

    async fn count_failure(&self, counter: &Counter<'_>, now: Millis) -> CoreResult<i64> {
        Ok(match counter {
            Counter::User(id) => self.store.record_failure(*id, now, RESET_AFTER_MS).await?,
            Counter::Unknown { pool_id, key } => {
                self.store
                    .record_unknown_failure(pool_id, key, now, RESET_AFTER_MS)
                    .await?
            }
        })
    }

    /// Refuses the attempt while the counter is locked.
    async fn check_locked(&self, counter: &Counter<'_>) -> CoreResult<()> {
        if let Some((failures, last)) = self.failures_of(counter).await? {
            let now = self.now();
            if now - last < RESET_AFTER_MS && now < last + lock_duration_ms(failures) {
                return Err(exceeded());
            }
        }
        Ok(())
    }

    /// Reserves one password check before the password is looked at. The failure is
    /// counted up front (a success clears the counter), so parallel guesses cannot all
    /// pass a read-only check: beyond the free attempts only the request that takes
    /// the next slot, after the lock has run out, gets its password checked.
    async fn begin_attempt(&self, counter: &Counter<'_>) -> CoreResult<()> {
        let now = self.now();
        let (failures, last) = self
            .failures_of(counter)
            .await?
            .filter(|(_, last)| now - last < RESET_AFTER_MS)
            .unwrap_or((0, 0));
        if now < last + lock_duration_ms(failures) {
            return Err(exceeded());
        }
        let n = self.count_failure(counter, now).await?;
        if n > FREE_ATTEMPTS && n != failures + 1 {
            return Err(exceeded());
        }
        Ok(())
    }

    /// The counter of a name no user of `pool` has.
    fn unknown_counter<'a>(&self, pool: &'a UserPoolRecord, username: &str) -> Counter<'a> {
        let login = SignInConfig::of(&pool.settings).normalize(username);
        let key = self
            .server_key
            .mac_hex("unknown-login", format!("{}\n{login}", pool.id).as_bytes());
        Counter::Unknown {
            pool_id: &pool.id,
            key,
        }
    }

    /// Refuses the attempt while the user is locked.
    pub(crate) async fn check_lockout(&self, user: &UserRecord) -> CoreResult<()> {
        self.check_locked(&Counter::User(user.id)).await
    }

    /// Counts one password check of `user` before it is made; see [`Counter`] and the
    /// module notes.
    pub(crate) async fn begin_password_attempt(&self, user: &UserRecord) -> CoreResult<()> {
        self.begin_attempt(&Counter::User(user.id)).await
    }

    /// [`Core::check_lockout`] for a name no user of the pool has (the pool hides
    /// user existence).
    pub(crate) async fn check_unknown_lockout(
        &self,
        pool: &UserPoolRecord,
        username: &str,
    ) -> CoreResult<()> {
        self.check_locked(&self.unknown_counter(pool, username))
            .await
    }

    /// A password sent for a name no user of the pool has (the pool hides user
    /// existence): counted and timed like a wrong password of a real user, then
    /// refused the same way. Always an error.
    pub(crate) async fn refuse_unknown_password(
        &self,
        pool: &UserPoolRecord,
        username: &str,
        password: Option<&str>,
    ) -> CoreError {
        if let Err(e) = self
            .begin_attempt(&self.unknown_counter(pool, username))
            .await
        {
            return e;
        }
        if let Some(password) = password {
            self.burn_password_check(password).await;
        }
        CoreError::bad_credentials()
    }
}

impl Core {
    /// A first factor passed (password, one-time code or passkey). With a second
    /// factor still pending only the attempt counted for it is taken back, so wrong
    /// MFA answers add up across sign-ins; once nothing is pending (tokens are next)
    /// the counter clears.
    pub(crate) async fn first_factor_passed(
        &self,
        user: &UserRecord,
        challenge_pending: bool,
    ) -> CoreResult<()> {
        if challenge_pending {
            self.store.forgive_failure(user.id).await?;
        } else {
            self.store.clear_failures(user.id).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_doubles_from_the_fifth_failure_and_caps_at_fifteen_minutes() {
        assert_eq!(lock_duration_ms(4), 0);
        assert_eq!(lock_duration_ms(5), 1000);
        assert_eq!(lock_duration_ms(6), 2000);
        assert_eq!(lock_duration_ms(10), 32_000);
        assert_eq!(lock_duration_ms(15), 900_000);
        assert_eq!(lock_duration_ms(1000), 900_000);
    }
}
