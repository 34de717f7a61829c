//! Passwordless first factors under threat protection: USER_AUTH's one-time codes by
//! email or SMS (EMAIL_OTP, SMS_OTP) and passkeys (WEB_AUTHN).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html>
//!
//! Once the factor passes, the sign-in is screened and recorded as a password sign-in
//! is ([`super::gate`]), without the compromised-password check (there is no
//! password): BLOCK refuses, an MFA action asks for a second factor as after a password,
//! except that a code's own channel is never the second factor (a second email code
//! proves nothing the first did not), and a user who must answer MFA but cannot (or
//! only by that channel) is refused; the event's id goes with the MFA session or the
//! tokens. A wrong code or assertion is recorded as a failed sign-in
//! ([`Core::record_failed_passwordless`]). As after a password, the lockout counter
//! clears only once nothing is pending: while a second factor is, only the attempt
//! counted for the first is taken back, so wrong MFA answers add up across sign-ins.

use crate::Core;
use crate::auth::client::ClientContext;
use crate::error::CoreResult;
use crate::mfa::challenge::{MfaForce, same_channel};
use crate::mfa::respond::MfaOutcome;
use crate::store::UserRecord;

impl Core {
    /// A one-time code sent as `factor` (EMAIL_OTP, SMS_OTP) answered the first factor:
    /// tokens, or the MFA challenge risk asks for, never by the code's own channel.
    pub(crate) async fn passwordless_code_passed(
        &self,
        ctx: &ClientContext,
        user: UserRecord,
        factor: &str,
        auth_time: i64,
    ) -> CoreResult<MfaOutcome> {
        let screen = self.screen_passwordless(ctx, &user).await?;
        let used = same_channel(factor);
        let next = match self
            .risk_mfa_challenge(ctx, &user, auth_time, &screen, used)
            .await?
        {
            Some(challenge) => Some(challenge),
            // The code was offered because the pool would not ask this user for MFA;
            // if that changed while the code was out, the pool's MFA follows now.
            None => {
                self.mfa_challenge_with(ctx, &user, auth_time, MfaForce::No, used)
                    .await?
            }
        };
        self.record_sign_in(ctx, &user, &screen, next.is_some())
            .await?;
        self.first_factor_passed(&user, next.is_some()).await?;
        Ok(match next {
            Some(challenge) => MfaOutcome::Next(Box::new(challenge)),
            None => MfaOutcome::Passed {
                user: Box::new(user),
                auth_time,
            },
        })
    }

    /// A passkey answered the first factor: the MFA challenge risk asks for, else the
    /// one the pool asks for after a passkey (`user_verified` may stand in for it), or
    /// `None` for tokens.
    pub(crate) async fn passkey_passed(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        user_verified: bool,
        auth_time: i64,
    ) -> CoreResult<Option<cognate_proto::auth::AuthResponse>> {
        let screen = self.screen_passwordless(ctx, user).await?;
        let next = match self
            .risk_mfa_challenge(ctx, user, auth_time, &screen, None)
            .await?
        {
            Some(challenge) => Some(challenge),
            None => {
                self.mfa_after_passkey(ctx, user, user_verified, auth_time)
                    .await?
            }
        };
        self.record_sign_in(ctx, user, &screen, next.is_some())
            .await?;
        self.first_factor_passed(user, next.is_some()).await?;
        Ok(next)
    }
}
