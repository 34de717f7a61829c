//! `MfaStore`: pool factors written with the pool, user factor choices, TOTP secrets,
//! single-use TOTP steps, and email set-up written with the user.

use crate::fixtures::{T0, add_user, pool, user};
use cognate_core::store::{
    MfaPreferences, PoolMfaConfig, Store, StoreError, UserMfaRecord, UserWrite,
};
use cognate_proto::mfa::{EmailMfaConfig, WebAuthnConfig};

const POOL: &str = "us-east-1_mfa";

fn config() -> PoolMfaConfig {
    PoolMfaConfig {
        sms_enabled: true,
        software_token_enabled: true,
        email: Some(EmailMfaConfig {
            message: Some("Code {####}".into()),
            subject: Some("Sign-in code".into()),
        }),
        web_authn: Some(WebAuthnConfig {
            relying_party_id: Some("example.com".into()),
            user_verification: Some("required".into()),
            factor_configuration: None,
        }),
    }
}

pub async fn mfa_pool_config_is_written_with_the_pool(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    assert_eq!(store.get_pool_mfa(POOL).await.unwrap(), None);
    let mut p = store.get_pool(POOL).await.unwrap().unwrap();
    p.settings.mfa_configuration = Some("OPTIONAL".into());
    p.updated_at = T0 + 1;
    store.set_pool_mfa(&p, &config()).await.unwrap();
    assert_eq!(store.get_pool_mfa(POOL).await.unwrap(), Some(config()));
    let stored = store.get_pool(POOL).await.unwrap().unwrap();
    assert_eq!(
        stored.settings.mfa_configuration.as_deref(),
        Some("OPTIONAL")
    );
    assert_eq!(stored.version, 1);

    // A stale pool changes neither the pool nor its factors.
    let stale = PoolMfaConfig {
        sms_enabled: false,
        ..config()
    };
    p.settings.mfa_configuration = Some("ON".into());
    assert!(matches!(
        store.set_pool_mfa(&p, &stale).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_pool_mfa(POOL).await.unwrap(), Some(config()));
    let after = store.get_pool(POOL).await.unwrap().unwrap();
    assert_eq!(
        after.settings.mfa_configuration.as_deref(),
        Some("OPTIONAL")
    );

    assert!(store.delete_pool(POOL).await.unwrap());
    assert_eq!(store.get_pool_mfa(POOL).await.unwrap(), None);
}

pub async fn mfa_user_preferences_and_totp_secret(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    assert_eq!(store.get_user_mfa(alice.id).await.unwrap(), None);

    let prefs = MfaPreferences {
        sms: true,
        email: true,
        software_token: false,
        web_authn: true,
        preferred: Some("SMS_MFA".into()),
    };
    store
        .set_mfa_preferences(alice.id, &prefs, T0)
        .await
        .unwrap();
    store
        .set_pending_totp(alice.id, b"sealed-1", T0 + 1)
        .await
        .unwrap();
    let got = store.get_user_mfa(alice.id).await.unwrap().unwrap();
    assert_eq!(
        got,
        UserMfaRecord {
            user_id: alice.id,
            preferences: prefs.clone(),
            totp_secret: None,
            totp_pending: Some(b"sealed-1".to_vec()),
            totp_device_name: None,
            totp_last_step: None,
            updated_at: T0 + 1,
        }
    );

    // Activation needs the pending secret the code was checked against.
    store
        .set_pending_totp(alice.id, b"sealed-2", T0 + 2)
        .await
        .unwrap();
    assert!(
        !store
            .activate_totp(alice.id, b"sealed-1", Some("phone"), 100, true, T0 + 3)
            .await
            .unwrap()
    );
    assert!(
        store
            .activate_totp(alice.id, b"sealed-2", Some("phone"), 100, true, T0 + 3)
            .await
            .unwrap()
    );
    let got = store.get_user_mfa(alice.id).await.unwrap().unwrap();
    assert_eq!(got.totp_secret.as_deref(), Some(&b"sealed-2"[..]));
    assert_eq!(got.totp_pending, None);
    assert_eq!(got.totp_device_name.as_deref(), Some("phone"));
    assert_eq!(got.totp_last_step, Some(100));
    assert!(got.preferences.software_token);
    // An existing preference is kept when TOTP is turned on.
    assert_eq!(got.preferences.preferred.as_deref(), Some("SMS_MFA"));
    // Preferences leave the secret alone.
    store
        .set_mfa_preferences(alice.id, &MfaPreferences::default(), T0 + 4)
        .await
        .unwrap();
    let got = store.get_user_mfa(alice.id).await.unwrap().unwrap();
    assert_eq!(got.preferences, MfaPreferences::default());
    assert_eq!(got.totp_secret.as_deref(), Some(&b"sealed-2"[..]));

    // Steps are single-use and only move forward; users are separate.
    assert!(!store.accept_totp_step(alice.id, 100).await.unwrap());
    assert!(!store.accept_totp_step(alice.id, 99).await.unwrap());
    assert!(store.accept_totp_step(alice.id, 101).await.unwrap());
    assert!(!store.accept_totp_step(alice.id, 101).await.unwrap());
    assert!(!store.accept_totp_step(bob.id, 5).await.unwrap());
    store.set_pending_totp(bob.id, b"b", T0).await.unwrap();
    assert!(store.accept_totp_step(bob.id, 5).await.unwrap());

    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert_eq!(store.get_user_mfa(alice.id).await.unwrap(), None);
}

pub async fn mfa_email_setup_is_written_with_the_user(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let mut changed = alice.clone();
    changed
        .attributes
        .insert("email".into(), "new@example.com".into());
    let template = user(POOL, "alice");
    let write = |u| UserWrite {
        user: u,
        ..template.clone()
    };
    store
        .enable_email_mfa(&write(changed.clone()), T0 + 1)
        .await
        .unwrap();
    let got = store.get_user_mfa(alice.id).await.unwrap().unwrap();
    assert!(got.preferences.email);
    assert_eq!(got.preferences.preferred.as_deref(), Some("EMAIL_OTP"));
    let stored = store.get_user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(stored.attributes["email"], "new@example.com");

    // A stale user write turns nothing on.
    let bob = add_user(store, POOL, "bob").await;
    let mut stale = bob.clone();
    stale.version = 7;
    assert!(matches!(
        store.enable_email_mfa(&write(stale), T0).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_user_mfa(bob.id).await.unwrap(), None);
}
