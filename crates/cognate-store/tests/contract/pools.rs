//! `UserPoolStore` and `Store::ping`.

use crate::fixtures::{T0, add_user, client, conflict_what, group, insert, message, pool, user};
use cognate_core::store::{IndexFilter, Store, StoreError};

pub async fn pool_insert_get_update(store: &dyn Store) {
    let p = pool("us-east-1_aaa");
    store.insert_pool(&p).await.unwrap();
    assert_eq!(store.get_pool(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(store.get_pool("us-east-1_missing").await.unwrap(), None);
    assert_eq!(conflict_what(store.insert_pool(&p).await), "pool");

    let mut changed = p.clone();
    changed.name = "renamed".into();
    changed.settings.deletion_protection = Some("ACTIVE".into());
    changed.schema.clear();
    changed.updated_at = T0 + 5;
    store.update_pool(&changed).await.unwrap();
    let read = store.get_pool(&p.id).await.unwrap().unwrap();
    assert_eq!(
        read,
        cognate_core::store::UserPoolRecord {
            version: 1,
            ..changed.clone()
        }
    );
    assert_eq!(read.created_at, T0, "created_at is kept");

    // `changed` still carries version 0: a stale write.
    let mut stale = changed.clone();
    stale.name = "stale".into();
    assert!(matches!(
        store.update_pool(&stale).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_pool(&p.id).await.unwrap(), Some(read.clone()));

    // The fresh version goes through and bumps again.
    stale.version = 1;
    store.update_pool(&stale).await.unwrap();
    let again = store.get_pool(&p.id).await.unwrap().unwrap();
    assert_eq!((again.name.as_str(), again.version), ("stale", 2));
}

pub async fn pool_list_with_cursor(store: &dyn Store) {
    for id in ["us-east-1_c", "eu-west-1_b", "us-east-1_a", "ap-south-1_d"] {
        store.insert_pool(&pool(id)).await.unwrap();
    }
    let ids = |pools: Vec<cognate_core::store::UserPoolRecord>| {
        pools.into_iter().map(|p| p.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.list_pools(None, 10).await.unwrap()),
        ["ap-south-1_d", "eu-west-1_b", "us-east-1_a", "us-east-1_c"]
    );
    assert_eq!(
        ids(store.list_pools(None, 2).await.unwrap()),
        ["ap-south-1_d", "eu-west-1_b"]
    );
    assert_eq!(
        ids(store.list_pools(Some("eu-west-1_b"), 2).await.unwrap()),
        ["us-east-1_a", "us-east-1_c"]
    );
    // A cursor that is not an existing id still positions by order.
    assert_eq!(
        ids(store.list_pools(Some("us-east-1_b"), 10).await.unwrap()),
        ["us-east-1_c"]
    );
    assert!(
        store
            .list_pools(Some("us-east-1_c"), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let full = store.list_pools(None, 1).await.unwrap();
    assert_eq!(
        full,
        vec![pool("ap-south-1_d")],
        "listed records are complete"
    );
}

pub async fn pool_delete(store: &dyn Store) {
    store.insert_pool(&pool("us-east-1_gone")).await.unwrap();
    store.insert_pool(&pool("us-east-1_kept")).await.unwrap();
    assert!(store.delete_pool("us-east-1_gone").await.unwrap());
    assert_eq!(store.get_pool("us-east-1_gone").await.unwrap(), None);
    assert!(!store.delete_pool("us-east-1_gone").await.unwrap());
    assert!(store.get_pool("us-east-1_kept").await.unwrap().is_some());
    // The id is free again.
    store.insert_pool(&pool("us-east-1_gone")).await.unwrap();
}

/// Fills a pool with a client, two users (one in a group) and a queued message.
async fn populate(store: &dyn Store, pool_id: &str) -> (i64, i64) {
    store.insert_pool(&pool(pool_id)).await.unwrap();
    store
        .insert_client(&client(pool_id, &format!("client-{pool_id}")))
        .await
        .unwrap();
    let mut w = user(pool_id, "alice");
    w.outbox.push(message(pool_id, "alice@example.com", "hi"));
    let alice = insert(store, &w).await;
    let bob = add_user(store, pool_id, "bob").await;
    store.insert_group(&group(pool_id, "admins")).await.unwrap();
    store.add_member(pool_id, "admins", alice.id).await.unwrap();
    (alice.id, bob.id)
}

pub async fn pool_delete_removes_children(store: &dyn Store) {
    let (gone, kept) = ("us-east-1_gone", "us-east-1_kept");
    let (alice, bob) = populate(store, gone).await;
    let (kept_alice, _) = populate(store, kept).await;

    assert!(store.delete_pool(gone).await.unwrap());

    assert_eq!(
        store.get_client(&format!("client-{gone}")).await.unwrap(),
        None
    );
    assert!(store.list_clients(gone, None, 10).await.unwrap().is_empty());
    assert_eq!(store.count_users(gone).await.unwrap(), 0);
    assert!(
        store
            .list_users(gone, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let by_name = IndexFilter {
        name: "username".into(),
        value: "alice".into(),
        prefix: false,
    };
    assert!(
        store
            .list_users(gone, Some(&by_name), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.find_user_by_login(gone, "alice").await.unwrap(), None);
    assert_eq!(
        store
            .find_user_by_login(gone, "bob@example.com")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.get_group(gone, "admins").await.unwrap(), None);
    assert!(store.list_groups(gone, None, 10).await.unwrap().is_empty());
    assert!(
        store
            .users_in_group(gone, "admins", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    for id in [alice, bob] {
        assert_eq!(store.count_groups_for_user(id).await.unwrap(), 0);
        assert!(
            store
                .groups_for_user(id, None, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(store.list_outbox(gone, 10).await.unwrap().is_empty());

    // The other pool is untouched.
    assert!(
        store
            .get_client(&format!("client-{kept}"))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.count_users(kept).await.unwrap(), 2);
    assert_eq!(
        store
            .find_user_by_login(kept, "alice")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(kept_alice)
    );
    assert_eq!(store.count_groups_for_user(kept_alice).await.unwrap(), 1);
    assert_eq!(store.list_outbox(kept, 10).await.unwrap().len(), 1);

    // Nothing left behind blocks recreating the pool with the same names.
    populate(store, gone).await;
    assert_eq!(store.count_users(gone).await.unwrap(), 2);
    let new_alice = store
        .find_user_by_login(gone, "alice")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(new_alice.id, alice);
}

pub async fn ping(store: &dyn Store) {
    store.ping().await.unwrap();
}
