//! `TokenStore::token_holder`: the user a token names, found by pool and `sub` only,
//! with global sign-out's time and the named token family's revocation read with it;
//! and the lockout counters of names no user has.

use crate::fixtures::{T0, add_user, pool, refresh_token};
use cognate_core::store::Store;

const POOL: &str = "us-east-1_tokens";
const OTHER: &str = "us-east-1_others";

pub async fn token_holder_reads_user_and_revocation(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    store.insert_pool(&pool(OTHER)).await.unwrap();
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;

    let fresh = store
        .token_holder(POOL, &alice.sub, Some("origin-a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.user, alice);
    assert_eq!(fresh.tokens_valid_after, 0);
    assert!(!fresh.origin_revoked);
    assert_eq!(
        store.token_holder(OTHER, &alice.sub, None).await.unwrap(),
        None
    );
    assert_eq!(
        store.token_holder(POOL, "no-such-sub", None).await.unwrap(),
        None
    );

    store
        .insert_refresh_token(&refresh_token(POOL, alice.id, "h-a", "origin-a", None))
        .await
        .unwrap();
    store
        .revoke_origin("origin-a", T0 + 5, T0 + 3_600_000)
        .await
        .unwrap();
    let sub = alice.sub.as_str();
    let holder = |origin: Option<&'static str>| async move {
        store
            .token_holder(POOL, sub, origin)
            .await
            .unwrap()
            .unwrap()
    };
    assert!(holder(Some("origin-a")).await.origin_revoked);
    assert!(!holder(Some("origin-b")).await.origin_revoked);
    assert!(!holder(None).await.origin_revoked);
    assert_eq!(holder(None).await.tokens_valid_after, 0);

    store.revoke_user_tokens(alice.id, T0 + 9).await.unwrap();
    assert_eq!(holder(None).await.tokens_valid_after, T0 + 9);
    store.revoke_user_tokens(alice.id, T0 + 20).await.unwrap();
    assert_eq!(holder(None).await.tokens_valid_after, T0 + 20);
    let other = store
        .token_holder(POOL, &bob.sub, Some("origin-a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.user, bob);
    assert_eq!(other.tokens_valid_after, 0, "sign-out is per user");
}

/// `LockoutStore`'s counters for names no user has: per pool and key, restarting after
/// a quiet period, stale ones deleted as new failures come in, gone with their pool.
pub async fn unknown_login_failures_count_reset_and_go(store: &dyn Store) {
    const RESET: i64 = 900_000;
    store.insert_pool(&pool(POOL)).await.unwrap();
    store.insert_pool(&pool(OTHER)).await.unwrap();
    assert_eq!(store.unknown_failures(POOL, "k1").await.unwrap(), None);
    for n in 1..=3 {
        let got = store
            .record_unknown_failure(POOL, "k1", T0 + n, RESET)
            .await
            .unwrap();
        assert_eq!(got, n);
    }
    assert_eq!(
        store.unknown_failures(POOL, "k1").await.unwrap(),
        Some((3, T0 + 3))
    );
    assert_eq!(
        store
            .record_unknown_failure(OTHER, "k1", T0 + 4, RESET)
            .await
            .unwrap(),
        1,
        "counted per pool"
    );
    assert_eq!(
        store
            .record_unknown_failure(POOL, "k2", T0 + 5, RESET)
            .await
            .unwrap(),
        1
    );
    // After a quiet period the next failure starts again from one, and counters whose
    // last failure is that old are deleted.
    let later = T0 + 5 + RESET;
    assert_eq!(
        store
            .record_unknown_failure(POOL, "k1", later, RESET)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.unknown_failures(OTHER, "k1").await.unwrap(), None);
    assert_eq!(
        store.unknown_failures(POOL, "k2").await.unwrap(),
        Some((1, T0 + 5))
    );
    assert!(store.delete_pool(POOL).await.unwrap());
    assert_eq!(store.unknown_failures(POOL, "k1").await.unwrap(), None);
}
