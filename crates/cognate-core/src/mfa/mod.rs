//! Multi-factor authentication for user pools: the pool's factors
//! (`SetUserPoolMfaConfig`), the user's choices (`SetUserMFAPreference`), TOTP software
//! tokens (`AssociateSoftwareToken`, `VerifySoftwareToken`), and the challenges that
//! follow the first factor (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE,
//! MFA_SETUP) with their answers.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html>
//!
//! Invariants: TOTP secrets are sealed under the server key and a TOTP step is accepted
//! at most once per user; SMS and email codes are stored only as keyed hashes bound to
//! the session they were sent for, live as long as that session and allow three wrong
//! answers; every wrong answer also counts toward the user's lockout.

pub mod challenge;
pub mod pool_config;
pub mod preferences;
pub mod respond;
pub(crate) mod session;
pub mod software_token;
pub mod totp;

/// The SMS factor (challenge and setting name).
pub const SMS_MFA: &str = "SMS_MFA";
/// A code by SMS as the first factor of choice-based sign-in (USER_AUTH).
pub const SMS_OTP: &str = "SMS_OTP";
/// The email factor (the challenge Cognito issues for email MFA).
pub const EMAIL_OTP: &str = "EMAIL_OTP";
/// The TOTP factor.
pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";

/// `EMAIL_MFA` is the documented alias of `EMAIL_OTP` in answers.
pub(crate) fn canonical_factor(name: &str) -> &str {
    if name == "EMAIL_MFA" { EMAIL_OTP } else { name }
}
