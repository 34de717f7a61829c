//! One-time codes: 6 digits from the OS RNG, stored only as a keyed hash, single use,
//! expiring, with a limited number of wrong guesses, and queued for delivery in the
//! same transaction that stores them.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::ids::random_string;
use crate::messages::Delivery;
use crate::store::{CodeRecord, OutboundMessage, UserRecord};
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

/// The window of the per-user hourly limits (§6.10 of the fact sheet).
pub const RATE_WINDOW_MS: Millis = 3_600_000;

/// A code made before its user has a store id (sign-up): its message rides in the
/// user's insert, and the record is stored right after with [`Core::store_pending_code`].
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    /// The record; `user_id` is filled in when stored.
    pub(crate) record: CodeRecord,
    /// The message carrying the code.
    pub(crate) message: OutboundMessage,
    /// Where it goes, masked.
    pub(crate) details: CodeDeliveryDetails,
}

/// `LimitExceededException` for per-user limits.
pub fn attempt_limit_exceeded() -> CoreError {
    CoreError::LimitExceeded("Attempt limit exceeded, please try after some time.".into())
}

/// A fresh 6-digit code.
pub fn new_code() -> String {
    random_string(b"0123456789", 6)
}

/// `CodeMismatchException` for a wrong code.
pub fn code_mismatch() -> CoreError {
    CoreError::CodeMismatch("Invalid verification code provided, please try again.".into())
}

impl Core {
    fn code_hash(&self, user: &UserRecord, purpose: Purpose, code: &str) -> String {
        self.server_key.mac_hex(
            "one-time-code",
            format!("{}\n{}\n{code}", user.sub, purpose.key()).as_bytes(),
        )
    }

    /// Makes a code for `user` and the message built by `delivery` around it, without
    /// storing either. The hash binds the code to the user's `sub`, which exists
    /// before the store id does.
    pub(crate) fn new_pending_code(
        &self,
        user: &UserRecord,
        purpose: Purpose,
        delivery: &Delivery,
    ) -> PendingCode {
        let code = new_code();
        let now = self.now();
        PendingCode {
            record: CodeRecord {
                user_id: user.id,
                purpose: purpose.key().into(),
                code_hash: self.code_hash(user, purpose, &code),
                expires_at: now + purpose.lifetime_ms(),
                attempts_left: ATTEMPTS_PER_CODE,
                created_at: now,
            },
            message: delivery.message(&user.pool_id, &user.username, &code, now),
            details: delivery.details(),
        }
    }

    /// Stores a pending code whose message was already queued with the user's insert.
    pub(crate) async fn store_pending_code(
        &self,
        user_id: i64,
        mut pending: PendingCode,
    ) -> CoreResult<CodeDeliveryDetails> {
        pending.record.user_id = user_id;
        self.store.put_code(&pending.record, None).await?;
        Ok(pending.details)
    }

    /// Creates a code for `user`, stores its hash, and queues the message built by
    /// `delivery` around it, in one transaction. Returns where it went.
    pub(crate) async fn send_code(
        &self,
        user: &UserRecord,
        purpose: Purpose,
        delivery: &Delivery,
    ) -> CoreResult<CodeDeliveryDetails> {
        let pending = self.new_pending_code(user, purpose, delivery);
        self.store
            .put_code(&pending.record, Some(&pending.message))
            .await?;
        Ok(pending.details)
    }

    /// Counts one `action` of `user` in the current hour and refuses it past
    /// `per_hour` (Cognito's per-user limits, e.g. 5 ResendConfirmationCode an hour).
    pub(crate) async fn check_rate(
        &self,
        user: &UserRecord,
        action: &str,
        per_hour: i64,
    ) -> CoreResult<()> {
        let count = self
            .store
            .bump_rate(user.id, action, self.now(), RATE_WINDOW_MS)
            .await?;
        if count > per_hour {
            return Err(attempt_limit_exceeded());
        }
        Ok(())
    }

    /// Sends a code within the user's hourly limit for `action`. Past the limit a
    /// client that hides user existence gets the usual answer with nothing sent, as
    /// an unknown name does (whose answer never changes); others get
    /// `LimitExceededException`.
    pub(crate) async fn send_code_within_limit(
        &self,
        hide: bool,
        user: &UserRecord,
        (action, per_hour): (&str, i64),
        purpose: Purpose,
        delivery: &Delivery,
    ) -> CoreResult<CodeDeliveryDetails> {
        match self.check_rate(user, action, per_hour).await {
            Ok(()) => self.send_code(user, purpose, delivery).await,
            Err(CoreError::LimitExceeded(_)) if hide => Ok(delivery.details()),
            Err(e) => Err(e),
        }
    }

    /// Checks and consumes a code. Wrong codes use up attempts; when none are left the
    /// code is gone and a new one must be requested.
    pub(crate) async fn check_code(
        &self,
        user: &UserRecord,
        purpose: Purpose,
        code: &str,
    ) -> CoreResult<()> {
        self.verify_code(user, purpose, code).await?;
        self.consume_code(user, purpose).await
    }

    /// Checks a code without consuming it (a wrong one still uses up an attempt), for
    /// operations that must refuse some requests only a code holder may learn about
    /// before the code is spent. Follow with [`Core::consume_code`].
    pub(crate) async fn verify_code(
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
            return Err(attempt_limit_exceeded());
        }
        let expected = self.code_hash(user, purpose, code.trim());
        if !crate::crypto::ct_eq(expected.as_bytes(), stored.code_hash.as_bytes()) {
            return Err(code_mismatch());
        }
        Ok(())
    }

    /// Spends a verified code. Deleting is the single-use step: of two concurrent
    /// correct answers one wins, the other gets `ExpiredCodeException`.
    pub(crate) async fn consume_code(&self, user: &UserRecord, purpose: Purpose) -> CoreResult<()> {
        if !self.store.delete_code(user.id, purpose.key()).await? {
            return Err(CoreError::ExpiredCode);
        }
        Ok(())
    }
}
