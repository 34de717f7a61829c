//! `SetUserMFAPreference` / `AdminSetUserMFAPreference`: which factors a user turned on
//! and which one is preferred, and how `GetUser` / `AdminGetUser` report them.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html>
//!
//! A factor can only be turned on when it can be delivered: SMS needs a phone number,
//! email an address, TOTP a verified software token. At most one factor is preferred.

use super::{EMAIL_OTP, SMS_MFA, SOFTWARE_TOKEN_MFA};
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{MfaPreferences, UserMfaRecord, UserRecord};
use crate::user::check_username;
use crate::user_pool::check_pool_id;
use cognate_proto::mfa::{MfaSettings, SetUserMfaPreferenceRequest};

fn no_delivery(factor: &str) -> CoreError {
    CoreError::InvalidParameter(format!(
        "User does not have delivery config set to turn on {factor}"
    ))
}

fn has_attr(user: &UserRecord, name: &str) -> bool {
    user.attributes.get(name).is_some_and(|v| !v.is_empty())
}

/// Applies one factor's settings to `prefs`.
fn apply(
    prefs: &mut MfaPreferences,
    factor: &'static str,
    settings: MfaSettings,
    deliverable: bool,
) -> CoreResult<()> {
    let enabled = settings.enabled.unwrap_or(false);
    let preferred = settings.preferred_mfa.unwrap_or(false);
    if enabled && !deliverable {
        return Err(no_delivery(factor));
    }
    if preferred && !enabled {
        return Err(CoreError::InvalidParameter(format!(
            "{factor} cannot be the preferred MFA method unless it is enabled."
        )));
    }
    match factor {
        SMS_MFA => prefs.sms = enabled,
        EMAIL_OTP => prefs.email = enabled,
        _ => prefs.software_token = enabled,
    }
    if preferred {
        prefs.preferred = Some(factor.into());
    } else if prefs.preferred.as_deref() == Some(factor) {
        prefs.preferred = None;
    }
    Ok(())
}

impl Core {
    /// A user's MFA record, or an empty one.
    pub(crate) async fn user_mfa(&self, user: &UserRecord) -> CoreResult<UserMfaRecord> {
        Ok(self
            .store
            .get_user_mfa(user.id)
            .await?
            .unwrap_or_else(|| UserMfaRecord {
                user_id: user.id,
                ..Default::default()
            }))
    }

    /// `SetUserMFAPreference`.
    pub async fn set_user_mfa_preference(
        &self,
        req: SetUserMfaPreferenceRequest,
    ) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        self.change_mfa_preferences(&ctx.user, &req).await
    }

    /// `AdminSetUserMFAPreference`.
    pub async fn admin_set_user_mfa_preference(
        &self,
        req: SetUserMfaPreferenceRequest,
    ) -> CoreResult<()> {
        let pool = self.load_pool(check_pool_id(&req.user_pool_id)?).await?;
        let user = self
            .find_user(&pool, check_username(&req.username)?)
            .await?;
        self.change_mfa_preferences(&user, &req).await
    }

    async fn change_mfa_preferences(
        &self,
        user: &UserRecord,
        req: &SetUserMfaPreferenceRequest,
    ) -> CoreResult<()> {
        let preferred_count = [
            req.sms_mfa_settings,
            req.software_token_mfa_settings,
            req.email_mfa_settings,
        ]
        .iter()
        .flatten()
        .filter(|s| s.preferred_mfa == Some(true))
        .count();
        if preferred_count > 1 {
            return Err(CoreError::InvalidParameter(
                "Only one MFA method can be preferred.".into(),
            ));
        }
        let record = self.user_mfa(user).await?;
        let mut prefs = record.preferences.clone();
        if let Some(s) = req.sms_mfa_settings {
            apply(&mut prefs, SMS_MFA, s, has_attr(user, "phone_number"))?;
        }
        if let Some(s) = req.email_mfa_settings {
            apply(&mut prefs, EMAIL_OTP, s, has_attr(user, "email"))?;
        }
        if let Some(s) = req.software_token_mfa_settings {
            apply(
                &mut prefs,
                SOFTWARE_TOKEN_MFA,
                s,
                record.totp_secret.is_some(),
            )?;
        }
        if let Some(w) = req.web_authn_mfa_settings {
            prefs.web_authn = w.enabled.unwrap_or(false);
        }
        self.store
            .set_mfa_preferences(user.id, &prefs, self.now())
            .await?;
        Ok(())
    }

    /// `PreferredMfaSetting` and `UserMFASettingList` for `GetUser` / `AdminGetUser`.
    pub(crate) async fn mfa_settings_of(
        &self,
        user: &UserRecord,
    ) -> CoreResult<(Option<String>, Option<Vec<String>>)> {
        let prefs = self.user_mfa(user).await?.preferences;
        let list: Vec<String> = [
            (prefs.sms, SMS_MFA),
            (prefs.software_token, SOFTWARE_TOKEN_MFA),
            (prefs.email, EMAIL_OTP),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| (*name).to_owned())
        .collect();
        Ok((prefs.preferred, (!list.is_empty()).then_some(list)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn on(preferred: bool) -> MfaSettings {
        MfaSettings {
            enabled: Some(true),
            preferred_mfa: Some(preferred),
        }
    }

    #[test]
    fn preference_follows_the_settings_and_is_cleared_with_its_factor() {
        let mut p = MfaPreferences::default();
        apply(&mut p, SMS_MFA, on(true), true).unwrap();
        assert!(p.sms);
        assert_eq!(p.preferred.as_deref(), Some(SMS_MFA));
        apply(&mut p, SOFTWARE_TOKEN_MFA, on(false), true).unwrap();
        assert_eq!(p.preferred.as_deref(), Some(SMS_MFA));
        apply(&mut p, SMS_MFA, MfaSettings::default(), true).unwrap();
        assert!(!p.sms);
        assert_eq!(p.preferred, None);
    }

    #[test]
    fn undeliverable_or_disabled_preferred_factors_are_refused() {
        let mut p = MfaPreferences::default();
        let err = apply(&mut p, EMAIL_OTP, on(false), false).unwrap_err();
        assert!(err.to_string().contains("EMAIL_OTP"));
        let preferred_off = MfaSettings {
            enabled: Some(false),
            preferred_mfa: Some(true),
        };
        assert!(apply(&mut p, SMS_MFA, preferred_off, true).is_err());
        assert_eq!(p, MfaPreferences::default());
    }
}
