//! `DeviceStore`: confirmed devices round-trip, keys are unique, listing is per user in
//! id order, status changes and sign-in touches hit only the owner's device, forgetting
//! revokes exactly the refresh tokens (and token families) bound to the device, and
//! devices go with their user.

use crate::fixtures::{T0, add_user, conflict_what, pool, refresh_token};
use cognate_core::store::{DeviceRecord, RefreshTokenRecord, Store, StoreError};

const POOL: &str = "us-east-1_devices";

fn device(user_id: i64, key: &str) -> DeviceRecord {
    DeviceRecord {
        id: 0,
        device_key: key.into(),
        pool_id: POOL.into(),
        user_id,
        group_key: "-AbCdEfGh".into(),
        name: Some("Firefox on Linux".into()),
        salt: "00ab12".into(),
        verifier: vec![0, 1, 2, 255],
        remembered: false,
        last_ip: None,
        created_at: T0,
        updated_at: T0,
        last_authenticated_at: Some(T0),
    }
}

fn refresh(user_id: i64, hash: &str, origin: &str, device: Option<&str>) -> RefreshTokenRecord {
    refresh_token(POOL, user_id, hash, origin, device)
}

pub async fn devices_round_trip_unique_and_listed_per_user(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;

    let a1 = store
        .insert_device(&device(alice.id, "us-east-1_a1"))
        .await
        .unwrap();
    let found = store.get_device(POOL, "us-east-1_a1").await.unwrap();
    assert_eq!(
        found,
        Some(DeviceRecord {
            id: a1,
            ..device(alice.id, "us-east-1_a1")
        })
    );
    assert_eq!(
        store
            .get_device("us-east-1_other", "us-east-1_a1")
            .await
            .unwrap(),
        None
    );
    // A key is unique, whoever confirms it.
    assert_eq!(
        conflict_what(store.insert_device(&device(bob.id, "us-east-1_a1")).await),
        "device"
    );
    // A user that does not exist gets nothing.
    assert!(matches!(
        store
            .insert_device(&device(9_999_999, "us-east-1_zz"))
            .await,
        Err(StoreError::NotFound)
    ));

    let b1 = store
        .insert_device(&device(bob.id, "us-east-1_b1"))
        .await
        .unwrap();
    let a2 = store
        .insert_device(&device(alice.id, "us-east-1_a2"))
        .await
        .unwrap();
    assert!(a1 < b1 && b1 < a2);
    let keys = |list: Vec<DeviceRecord>| list.into_iter().map(|d| d.device_key).collect::<Vec<_>>();
    assert_eq!(
        keys(store.list_devices(alice.id, None, 10).await.unwrap()),
        ["us-east-1_a1", "us-east-1_a2"]
    );
    assert_eq!(
        keys(store.list_devices(alice.id, None, 1).await.unwrap()),
        ["us-east-1_a1"]
    );
    assert_eq!(
        keys(store.list_devices(alice.id, Some(a1), 10).await.unwrap()),
        ["us-east-1_a2"]
    );

    // Devices go with their user.
    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert_eq!(store.get_device(POOL, "us-east-1_a1").await.unwrap(), None);
    assert!(
        store
            .get_device(POOL, "us-east-1_b1")
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn devices_status_and_touch_change_only_the_owners_device(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    store
        .insert_device(&device(alice.id, "us-east-1_a1"))
        .await
        .unwrap();

    assert!(
        !store
            .set_device_remembered(bob.id, "us-east-1_a1", true, T0 + 5)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_device_remembered(alice.id, "us-east-1_a1", true, T0 + 5)
            .await
            .unwrap()
    );
    let d = store
        .get_device(POOL, "us-east-1_a1")
        .await
        .unwrap()
        .unwrap();
    assert!(d.remembered);
    assert_eq!(d.updated_at, T0 + 5);

    store
        .touch_device(alice.id, "us-east-1_a1", T0 + 9, Some("192.0.2.1"))
        .await
        .unwrap();
    store
        .touch_device(alice.id, "us-east-1_a1", T0 + 10, None)
        .await
        .unwrap();
    store
        .touch_device(bob.id, "us-east-1_a1", T0 + 99, Some("198.51.100.7"))
        .await
        .unwrap();
    let d = store
        .get_device(POOL, "us-east-1_a1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.last_authenticated_at, Some(T0 + 10));
    assert_eq!(d.last_ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(d.updated_at, T0 + 5);
}

pub async fn devices_forget_revokes_the_tokens_bound_to_the_device(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    store
        .insert_device(&device(alice.id, "us-east-1_a1"))
        .await
        .unwrap();
    let tokens = [
        refresh(alice.id, "h-bound", "origin-bound", Some("us-east-1_a1")),
        refresh(alice.id, "h-other", "origin-other", Some("us-east-1_a2")),
        refresh(alice.id, "h-none", "origin-none", None),
    ];
    for t in &tokens {
        store.insert_refresh_token(t).await.unwrap();
    }

    // Only the owner can forget it.
    assert!(
        !store
            .forget_device(bob.id, "us-east-1_a1", T0 + 1)
            .await
            .unwrap()
    );
    assert!(
        store
            .forget_device(alice.id, "us-east-1_a1", T0 + 1)
            .await
            .unwrap()
    );
    assert_eq!(store.get_device(POOL, "us-east-1_a1").await.unwrap(), None);
    assert!(
        !store
            .forget_device(alice.id, "us-east-1_a1", T0 + 2)
            .await
            .unwrap()
    );

    let bound = store.get_refresh_token("h-bound").await.unwrap().unwrap();
    assert_eq!(bound.revoked_at, Some(T0 + 1));
    assert!(store.is_origin_revoked("origin-bound").await.unwrap());
    for (hash, origin) in [("h-other", "origin-other"), ("h-none", "origin-none")] {
        let t = store.get_refresh_token(hash).await.unwrap().unwrap();
        assert_eq!(t.revoked_at, None, "{hash}");
        assert!(!store.is_origin_revoked(origin).await.unwrap(), "{origin}");
    }
}
