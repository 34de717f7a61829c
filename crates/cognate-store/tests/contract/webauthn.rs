//! `WebAuthnStore`: passkeys with their per-user limit, uniqueness within a pool,
//! ordered listing, the conditional counter update, deletion with the user and the
//! pool, and single-use, expiring pending registrations.

use crate::fixtures::{T0, add_user, conflict_what, pool};
use cognate_core::store::{
    Store, StoreError, WebAuthnCredentialRecord, WebAuthnRegistrationRecord,
};

const POOL: &str = "us-east-1_passkeys";
const OTHER: &str = "us-east-1_passkeys2";

fn passkey(user_id: i64, credential_id: &str) -> WebAuthnCredentialRecord {
    WebAuthnCredentialRecord {
        id: 0,
        pool_id: POOL.into(),
        user_id,
        credential_id: credential_id.into(),
        public_key: format!("{{\"cred_id\":\"{credential_id}\"}}"),
        sign_count: 0,
        friendly_name: Some("Platform passkey".into()),
        relying_party_id: "auth.example.com".into(),
        authenticator_attachment: Some("platform".into()),
        transports: vec!["internal".into(), "hybrid".into()],
        created_at: T0,
        last_used_at: None,
    }
}

fn registration(user_id: i64, challenge: &str, expires_at: i64) -> WebAuthnRegistrationRecord {
    WebAuthnRegistrationRecord {
        user_id,
        challenge: challenge.into(),
        state: vec![1, 2, 3, 4],
        expires_at,
    }
}

pub async fn webauthn_credentials_round_trip_and_limit(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;

    let id = store
        .insert_webauthn_credential(&passkey(alice.id, "cred-a"), 2)
        .await
        .unwrap()
        .expect("under the limit");
    let found = store
        .find_webauthn_credential(POOL, "cred-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found,
        WebAuthnCredentialRecord {
            id,
            ..passkey(alice.id, "cred-a")
        }
    );
    assert_eq!(
        store
            .find_webauthn_credential(OTHER, "cred-a")
            .await
            .unwrap(),
        None
    );

    // A credential id is unique within the pool, whoever registers it.
    assert_eq!(
        conflict_what(
            store
                .insert_webauthn_credential(&passkey(bob.id, "cred-a"), 2)
                .await
        ),
        "webauthn_credential"
    );

    // The limit counts the user's passkeys only.
    let second = store
        .insert_webauthn_credential(&passkey(alice.id, "cred-b"), 2)
        .await
        .unwrap()
        .unwrap();
    assert!(second > id);
    assert_eq!(
        store
            .insert_webauthn_credential(&passkey(alice.id, "cred-c"), 2)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .find_webauthn_credential(POOL, "cred-c")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .insert_webauthn_credential(&passkey(bob.id, "cred-d"), 2)
            .await
            .unwrap()
            .is_some()
    );

    // A user that does not exist (or is in another pool) gets nothing.
    assert!(matches!(
        store
            .insert_webauthn_credential(&passkey(999_999, "cred-e"), 2)
            .await,
        Err(StoreError::NotFound)
    ));
    let mut elsewhere = passkey(alice.id, "cred-f");
    elsewhere.pool_id = OTHER.into();
    assert!(matches!(
        store.insert_webauthn_credential(&elsewhere, 2).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn webauthn_credentials_list_count_and_delete(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    for c in ["k1", "k2", "k3"] {
        store
            .insert_webauthn_credential(&passkey(alice.id, c), 20)
            .await
            .unwrap();
    }
    store
        .insert_webauthn_credential(&passkey(bob.id, "k4"), 20)
        .await
        .unwrap();

    let page = store
        .list_webauthn_credentials(alice.id, None, 2)
        .await
        .unwrap();
    let names: Vec<&str> = page.iter().map(|c| c.credential_id.as_str()).collect();
    assert_eq!(names, ["k1", "k2"]);
    let rest = store
        .list_webauthn_credentials(alice.id, Some(page[1].id), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].credential_id, "k3");

    // The counter moves only from the value it is expected to have.
    let k1 = &page[0];
    assert!(
        store
            .record_webauthn_use(k1.id, 0, 5, T0 + 10)
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_webauthn_use(k1.id, 0, 6, T0 + 20)
            .await
            .unwrap()
    );
    let after = store
        .find_webauthn_credential(POOL, "k1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.sign_count, after.last_used_at), (5, Some(T0 + 10)));

    // Only the owner deletes.
    assert!(
        !store
            .delete_webauthn_credential(bob.id, "k1")
            .await
            .unwrap()
    );
    assert!(
        store
            .delete_webauthn_credential(alice.id, "k1")
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_webauthn_credential(alice.id, "k1")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .list_webauthn_credentials(alice.id, None, 20)
            .await
            .unwrap()
            .len(),
        2
    );

    // Deleting the user, then the pool, removes the rest.
    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert!(
        store
            .find_webauthn_credential(POOL, "k2")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.delete_pool(POOL).await.unwrap());
    assert!(
        store
            .find_webauthn_credential(POOL, "k4")
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn webauthn_registrations_are_single_use_and_expire(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    store
        .insert_webauthn_registration(&registration(alice.id, "chal-1", T0 + 100), T0)
        .await
        .unwrap();
    store
        .insert_webauthn_registration(&registration(alice.id, "chal-2", T0 + 50), T0)
        .await
        .unwrap();

    // Another user cannot take it; the owner takes it once.
    assert_eq!(
        store
            .take_webauthn_registration(bob.id, "chal-1", T0 + 1)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-1", T0 + 1)
            .await
            .unwrap(),
        Some(registration(alice.id, "chal-1", T0 + 100))
    );
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-1", T0 + 1)
            .await
            .unwrap(),
        None
    );

    // An expired one is not returned (and is gone).
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-2", T0 + 51)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-2", T0)
            .await
            .unwrap(),
        None
    );

    // Storing a new one drops the user's expired ones; pending ones go with the user.
    store
        .insert_webauthn_registration(&registration(alice.id, "chal-3", T0 + 10), T0)
        .await
        .unwrap();
    store
        .insert_webauthn_registration(&registration(alice.id, "chal-4", T0 + 500), T0 + 20)
        .await
        .unwrap();
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-3", T0)
            .await
            .unwrap(),
        None
    );
    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert_eq!(
        store
            .take_webauthn_registration(alice.id, "chal-4", T0 + 21)
            .await
            .unwrap(),
        None
    );
}
