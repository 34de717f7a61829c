//! One-time codes: 6 digits from the OS RNG, stored only as a keyed hash, single use,
//! expiring, with a limited number of wrong guesses, and queued for delivery in the
//! same transaction that stores them.
#![allow(dead_code)] // TODO(#3): used by sign-up, recovery and attribute verification.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::ids::random_string;
use crate::messages::Delivery;
use crate::store::{CodeRecord, UserRecord};
use cognate_proto::self_service::CodeDeliveryDetails;

/// Why a code was sent; also its storage key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirming sign-up (24 hours).
    SignUp,
    /// Resetting a forgotten password (1 hour).
    ForgotPassword,
    /// Verifying the email attribute (24 hours).
    VerifyEmail,
    /// Verifying the phone number attribute (24 hours).
    VerifyPhone,
}

impl Purpose {
    /// Storage key.
    pub fn key(self) -> &'static str {
        match self {
            Purpose::SignUp => "sign_up",
            Purpose::ForgotPassword => "forgot_password",
            Purpose::VerifyEmail => "verify:email",
            Purpose::VerifyPhone => "verify:phone_number",
        }
    }

    /// How long a code lives.
    pub fn lifetime_ms(self) -> Millis {
        match self {
            Purpose::ForgotPassword => 3_600_000,
            _ => 24 * 3_600_000,
        }
    }
}

/// Wrong guesses allowed per code.
pub const ATTEMPTS_PER_CODE: i64 = 5;

/// A fresh 6-digit code.
pub fn new_code() -> String {
    random_string(b"0123456789", 6)
}

fn mismatch() -> CoreError {
    CoreError::CodeMismatch("Invalid verification code provided, please try again.".into())
}

impl Core {
    fn code_hash(&self, user: &UserRecord, purpose: Purpose, code: &str) -> String {
        self.server_key.mac_hex(
            "one-time-code",
            format!("{}\n{}\n{code}", user.sub, purpose.key()).as_bytes(),
        )
    }

    /// Creates a code for `user`, stores its hash, and queues the message built by
    /// `delivery` around it. Returns where it went.
    pub(crate) async fn send_code(
        &self,
        user: &UserRecord,
        purpose: Purpose,
        delivery: &Delivery,
    ) -> CoreResult<CodeDeliveryDetails> {
        let code = new_code();
        let now = self.now();
        let record = CodeRecord {
            user_id: user.id,
            purpose: purpose.key().into(),
            code_hash: self.code_hash(user, purpose, &code),
            expires_at: now + purpose.lifetime_ms(),
            attempts_left: ATTEMPTS_PER_CODE,
            created_at: now,
        };
        let message = delivery.message(&user.pool_id, &user.username, &code, now);
        self.store.put_code(&record, Some(&message)).await?;
        Ok(delivery.details())
    }

    /// Checks and consumes a code. Wrong codes use up attempts; when none are left the
    /// code is gone and a new one must be requested.
    pub(crate) async fn check_code(
        &self,
        user: &UserRecord,
        purpose: Purpose,
        code: &str,
    ) -> CoreResult<()> {
        let stored = self
            .store
            .get_code(user.id, purpose.key())
            .await?
            .ok_or(CoreError::ExpiredCode)?;
        if self.now() > stored.expires_at {
            self.store.delete_code(user.id, purpose.key()).await?;
            return Err(CoreError::ExpiredCode);
        }
        if self
            .store
            .spend_code_attempt(user.id, purpose.key())
            .await?
            .is_none()
        {
            self.store.delete_code(user.id, purpose.key()).await?;
            return Err(CoreError::LimitExceeded(
                "Attempt limit exceeded, please try after some time.".into(),
            ));
        }
        let expected = self.code_hash(user, purpose, code.trim());
        if !crate::crypto::ct_eq(expected.as_bytes(), stored.code_hash.as_bytes()) {
            return Err(mismatch());
        }
        // Deleting is the single-use step: of two concurrent correct answers one wins.
        if !self.store.delete_code(user.id, purpose.key()).await? {
            return Err(CoreError::ExpiredCode);
        }
        Ok(())
    }
}
