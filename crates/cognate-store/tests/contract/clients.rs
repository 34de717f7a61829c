//! `AppClientStore`.

use crate::fixtures::{T0, client, conflict_what, pool};
use cognate_core::store::{AppClientRecord, Store, StoreError};

fn ids(clients: &[AppClientRecord]) -> Vec<&str> {
    clients.iter().map(|c| c.id.as_str()).collect()
}

pub async fn client_insert_get(store: &dyn Store) {
    store.insert_pool(&pool("us-east-1_p")).await.unwrap();
    let c = client("us-east-1_p", "3n4b5urk1ft4fl3mg5e62d9ado");
    store.insert_client(&c).await.unwrap();
    assert_eq!(store.get_client(&c.id).await.unwrap(), Some(c.clone()));
    assert_eq!(store.get_client("nope").await.unwrap(), None);
    assert_eq!(conflict_what(store.insert_client(&c).await), "client");

    let mut public = client("us-east-1_p", "public");
    public.secret = None;
    store.insert_client(&public).await.unwrap();
    assert_eq!(store.get_client("public").await.unwrap(), Some(public));
}

pub async fn client_update_version(store: &dyn Store) {
    store.insert_pool(&pool("us-east-1_p")).await.unwrap();
    let c = client("us-east-1_p", "c1");
    store.insert_client(&c).await.unwrap();

    let mut changed = c.clone();
    changed.name = "renamed".into();
    changed.settings.access_token_validity = Some(60);
    changed.updated_at = T0 + 1;
    store.update_client(&changed).await.unwrap();
    let read = store.get_client("c1").await.unwrap().unwrap();
    assert_eq!(
        read,
        AppClientRecord {
            version: 1,
            ..changed.clone()
        }
    );

    changed.name = "stale".into();
    assert!(matches!(
        store.update_client(&changed).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_client("c1").await.unwrap(), Some(read));
}

pub async fn client_list_per_pool_with_cursor(store: &dyn Store) {
    store.insert_pool(&pool("us-east-1_a")).await.unwrap();
    store.insert_pool(&pool("us-east-1_b")).await.unwrap();
    for (pool_id, id) in [
        ("us-east-1_a", "c3"),
        ("us-east-1_b", "c2"),
        ("us-east-1_a", "c1"),
        ("us-east-1_a", "c4"),
        ("us-east-1_b", "c0"),
        ("us-east-1_a", "c2a"),
    ] {
        store.insert_client(&client(pool_id, id)).await.unwrap();
    }
    let all = store.list_clients("us-east-1_a", None, 10).await.unwrap();
    assert_eq!(ids(&all), ["c1", "c2a", "c3", "c4"]);
    assert_eq!(
        all[0],
        client("us-east-1_a", "c1"),
        "listed records are complete"
    );
    let page = store.list_clients("us-east-1_a", None, 2).await.unwrap();
    assert_eq!(ids(&page), ["c1", "c2a"]);
    let page = store
        .list_clients("us-east-1_a", Some("c2a"), 2)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["c3", "c4"]);
    assert!(
        store
            .list_clients("us-east-1_a", Some("c4"), 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(&store.list_clients("us-east-1_b", None, 10).await.unwrap()),
        ["c0", "c2"]
    );
    assert!(
        store
            .list_clients("us-east-1_none", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn client_delete(store: &dyn Store) {
    store.insert_pool(&pool("us-east-1_a")).await.unwrap();
    store.insert_pool(&pool("us-east-1_b")).await.unwrap();
    store
        .insert_client(&client("us-east-1_a", "c1"))
        .await
        .unwrap();
    store
        .insert_client(&client("us-east-1_a", "c2"))
        .await
        .unwrap();

    // Scoped to the pool: another pool's id does not delete it.
    assert!(!store.delete_client("us-east-1_b", "c1").await.unwrap());
    assert!(store.get_client("c1").await.unwrap().is_some());

    assert!(store.delete_client("us-east-1_a", "c1").await.unwrap());
    assert_eq!(store.get_client("c1").await.unwrap(), None);
    assert!(!store.delete_client("us-east-1_a", "c1").await.unwrap());
    assert_eq!(
        ids(&store.list_clients("us-east-1_a", None, 10).await.unwrap()),
        ["c2"]
    );
}
