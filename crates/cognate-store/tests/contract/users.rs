//! `UserStore`: logins, the attribute index, the outbox, and their transactions.

use crate::fixtures::{
    T0, add_user, conflict_what, group, ids, insert, login, message, pool, user, usernames,
};
use cognate_core::store::{IndexFilter, Store, StoreError, UserRecord, UserWrite};

const POOL: &str = "us-east-1_users";
const OTHER: &str = "us-east-1_other";

async fn pools(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    store.insert_pool(&pool(OTHER)).await.unwrap();
}

fn eq(name: &str, value: &str) -> IndexFilter {
    IndexFilter {
        name: name.into(),
        value: value.into(),
        prefix: false,
    }
}

fn prefix(name: &str, value: &str) -> IndexFilter {
    IndexFilter {
        name: name.into(),
        value: value.into(),
        prefix: true,
    }
}

async fn list(store: &dyn Store, filter: &IndexFilter) -> Vec<i64> {
    ids(&store
        .list_users(POOL, Some(filter), None, 100)
        .await
        .unwrap())
}

async fn by_login(store: &dyn Store, login: &str) -> Option<i64> {
    store
        .find_user_by_login(POOL, login)
        .await
        .unwrap()
        .map(|u| u.id)
}

/// The update of a stored user: same logins, index and (read) version.
fn rewrite(stored: &UserRecord, write: &UserWrite) -> UserWrite {
    UserWrite {
        user: stored.clone(),
        ..write.clone()
    }
}

pub async fn user_insert_returns_increasing_ids(store: &dyn Store) {
    pools(store).await;
    let mut last = 0;
    for (pool_id, name) in [(POOL, "u1"), (OTHER, "u2"), (POOL, "u3"), (POOL, "u4")] {
        let w = user(pool_id, name);
        let id = store.insert_user(&w).await.unwrap();
        assert!(id > last, "id {id} after {last}");
        last = id;
        let stored = UserRecord {
            id,
            ..w.user.clone()
        };
        assert_eq!(
            store.find_user_by_sub(pool_id, &w.user.sub).await.unwrap(),
            Some(stored.clone()),
            "the record round-trips with version 0"
        );
        assert_eq!(
            store.find_user_by_login(pool_id, name).await.unwrap(),
            Some(stored)
        );
    }
    assert_eq!(store.count_users(POOL).await.unwrap(), 3);
    assert_eq!(store.count_users(OTHER).await.unwrap(), 1);

    // Ids are not reused after a delete.
    let u4 = by_login(store, "u4").await.unwrap();
    assert!(store.delete_user(POOL, u4).await.unwrap());
    let next = store.insert_user(&user(POOL, "u5")).await.unwrap();
    assert!(next > u4, "id {next} after deleted {u4}");
}

pub async fn user_insert_conflict_is_transactional(store: &dyn Store) {
    pools(store).await;
    let alice = add_user(store, POOL, "alice").await;

    // Bob brings a fresh username and phone but Alice's email.
    let mut bob = user(POOL, "bob");
    bob.logins = vec![
        login("username", "bob"),
        login("phone_number", "+15550100"),
        login("email", "alice@example.com"),
    ];
    bob.index.push(("phone_number".into(), "+15550100".into()));
    bob.outbox
        .push(message(POOL, "alice@example.com", "bob's invitation"));
    assert_eq!(conflict_what(store.insert_user(&bob).await), "email");

    assert_eq!(by_login(store, "bob").await, None);
    assert_eq!(by_login(store, "+15550100").await, None);
    assert_eq!(by_login(store, "alice@example.com").await, Some(alice.id));
    assert_eq!(
        store.find_user_by_sub(POOL, &bob.user.sub).await.unwrap(),
        None
    );
    assert_eq!(store.count_users(POOL).await.unwrap(), 1);
    assert_eq!(
        ids(&store.list_users(POOL, None, None, 100).await.unwrap()),
        [alice.id]
    );
    assert!(list(store, &eq("username", "bob")).await.is_empty());
    assert!(
        list(store, &eq("phone_number", "+15550100"))
            .await
            .is_empty()
    );
    assert!(store.list_outbox(POOL, 10).await.unwrap().is_empty());

    // The conflict names the kind of the taken login.
    let mut taken_name = user(POOL, "alice");
    taken_name.logins = vec![
        login("username", "alice"),
        login("email", "new@example.com"),
    ];
    assert_eq!(
        conflict_what(store.insert_user(&taken_name).await),
        "username"
    );
    assert_eq!(by_login(store, "new@example.com").await, None);

    let mut taken_alias = user(POOL, "carol");
    taken_alias
        .logins
        .push(login("preferred_username", "alice"));
    assert_eq!(
        conflict_what(store.insert_user(&taken_alias).await),
        "preferred_username"
    );
    assert_eq!(by_login(store, "carol").await, None);

    let mut taken_sub = user(POOL, "dave");
    taken_sub.user.sub = alice.sub.clone();
    assert_eq!(conflict_what(store.insert_user(&taken_sub).await), "sub");
    assert_eq!(by_login(store, "dave").await, None);
    assert_eq!(store.count_users(POOL).await.unwrap(), 1);

    // Once the conflict is gone the same write succeeds, and logins are per pool.
    let mut bob_ok = bob.clone();
    bob_ok.logins.retain(|l| l.kind != "email");
    let bob_id = store.insert_user(&bob_ok).await.unwrap();
    assert_eq!(by_login(store, "+15550100").await, Some(bob_id));
    let elsewhere = add_user(store, OTHER, "alice").await;
    assert_eq!(
        store
            .find_user_by_login(OTHER, "alice@example.com")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(elsewhere.id)
    );
    assert_eq!(by_login(store, "alice").await, Some(alice.id));
}

pub async fn user_update_replaces_logins_and_index(store: &dyn Store) {
    pools(store).await;
    let w = user(POOL, "alice");
    let alice = insert(store, &w).await;

    let mut next = rewrite(&alice, &w);
    next.user
        .attributes
        .insert("email".into(), "ally@example.com".into());
    next.user.status = "RESET_REQUIRED".into();
    next.user.enabled = false;
    next.user.password_hash = None;
    next.user.password_set_at = None;
    next.user.updated_at = T0 + 10;
    next.logins = vec![
        login("username", "alice"),
        login("email", "ally@example.com"),
    ];
    next.index = vec![
        ("username".into(), "alice".into()),
        ("email".into(), "ally@example.com".into()),
        ("cognito:user_status".into(), "RESET_REQUIRED".into()),
    ];
    store.update_user(&next).await.unwrap();

    let read = store
        .find_user_by_sub(POOL, &alice.sub)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read,
        UserRecord {
            version: 1,
            ..next.user.clone()
        }
    );
    assert_eq!(by_login(store, "alice@example.com").await, None);
    assert_eq!(by_login(store, "ally@example.com").await, Some(alice.id));
    assert_eq!(by_login(store, "alice").await, Some(alice.id));
    assert!(
        list(store, &eq("email", "alice@example.com"))
            .await
            .is_empty()
    );
    assert_eq!(
        list(store, &eq("email", "ally@example.com")).await,
        [alice.id]
    );
    assert!(
        list(store, &eq("cognito:user_status", "CONFIRMED"))
            .await
            .is_empty()
    );
    assert_eq!(
        list(store, &eq("cognito:user_status", "RESET_REQUIRED")).await,
        [alice.id]
    );

    // The released email is free for someone else.
    let mut bob = user(POOL, "bob");
    bob.logins = vec![
        login("username", "bob"),
        login("email", "alice@example.com"),
    ];
    let bob_id = store.insert_user(&bob).await.unwrap();
    assert_eq!(by_login(store, "alice@example.com").await, Some(bob_id));

    // A second update from the fresh version goes through.
    let mut third = next.clone();
    third.user.version = 1;
    third.user.username = "alice2".into();
    third.logins = vec![login("username", "alice2")];
    third.index = vec![("username".into(), "alice2".into())];
    store.update_user(&third).await.unwrap();
    let read = store
        .find_user_by_login(POOL, "alice2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((read.username.as_str(), read.version), ("alice2", 2));
    assert_eq!(by_login(store, "ally@example.com").await, None);
    assert_eq!(by_login(store, "alice").await, None);
}

pub async fn user_update_stale_version(store: &dyn Store) {
    pools(store).await;
    let w = user(POOL, "alice");
    let alice = insert(store, &w).await;
    let mut first = rewrite(&alice, &w);
    first
        .user
        .attributes
        .insert("custom:tier".into(), "silver".into());
    store.update_user(&first).await.unwrap();
    let current = store
        .find_user_by_sub(POOL, &alice.sub)
        .await
        .unwrap()
        .unwrap();

    // A write based on version 0 loses.
    let mut stale = rewrite(&alice, &w);
    stale.user.status = "FORCE_CHANGE_PASSWORD".into();
    stale.logins = vec![
        login("username", "alice"),
        login("email", "new@example.com"),
    ];
    stale.index = vec![("email".into(), "new@example.com".into())];
    stale
        .outbox
        .push(message(POOL, "new@example.com", "code 123456"));
    assert!(matches!(
        store.update_user(&stale).await,
        Err(StoreError::VersionConflict)
    ));

    assert_eq!(
        store.find_user_by_sub(POOL, &alice.sub).await.unwrap(),
        Some(current)
    );
    assert_eq!(by_login(store, "alice@example.com").await, Some(alice.id));
    assert_eq!(by_login(store, "new@example.com").await, None);
    assert_eq!(
        list(store, &eq("email", "alice@example.com")).await,
        [alice.id]
    );
    assert!(
        list(store, &eq("email", "new@example.com"))
            .await
            .is_empty()
    );
    assert!(store.list_outbox(POOL, 10).await.unwrap().is_empty());

    // Updating a user that does not exist is a version conflict too.
    let mut ghost = rewrite(&alice, &w);
    ghost.user.id = alice.id + 1000;
    ghost.logins = vec![login("username", "ghost")];
    assert!(matches!(
        store.update_user(&ghost).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(by_login(store, "ghost").await, None);
}

pub async fn user_update_login_conflict_is_transactional(store: &dyn Store) {
    pools(store).await;
    let alice = add_user(store, POOL, "alice").await;
    let wb = user(POOL, "bob");
    let bob = insert(store, &wb).await;

    // Bob tries to take Alice's email while also changing his status and phone.
    let mut next = rewrite(&bob, &wb);
    next.user.status = "UNCONFIRMED".into();
    next.logins = vec![
        login("username", "bob"),
        login("phone_number", "+15550101"),
        login("email", "alice@example.com"),
    ];
    next.index = vec![("cognito:user_status".into(), "UNCONFIRMED".into())];
    next.outbox.push(message(POOL, "+15550101", "code"));
    assert_eq!(conflict_what(store.update_user(&next).await), "email");

    assert_eq!(
        store.find_user_by_sub(POOL, &bob.sub).await.unwrap(),
        Some(bob.clone()),
        "record and version unchanged"
    );
    assert_eq!(by_login(store, "bob@example.com").await, Some(bob.id));
    assert_eq!(by_login(store, "+15550101").await, None);
    assert_eq!(by_login(store, "alice@example.com").await, Some(alice.id));
    assert_eq!(list(store, &eq("username", "bob")).await, [bob.id]);
    assert!(
        list(store, &eq("cognito:user_status", "UNCONFIRMED"))
            .await
            .is_empty()
    );
    assert!(store.list_outbox(POOL, 10).await.unwrap().is_empty());

    // The read version still works afterwards.
    next.logins.retain(|l| l.kind != "email");
    store.update_user(&next).await.unwrap();
    assert_eq!(by_login(store, "+15550101").await, Some(bob.id));
}

pub async fn user_find_by_login_and_sub(store: &dyn Store) {
    pools(store).await;
    let mut w = user(POOL, "alice");
    w.logins.push(login("phone_number", "+15550100"));
    w.logins.push(login("preferred_username", "ally"));
    let alice = insert(store, &w).await;
    let other = add_user(store, OTHER, "alice").await;

    for l in ["alice", "alice@example.com", "+15550100", "ally"] {
        assert_eq!(
            store.find_user_by_login(POOL, l).await.unwrap(),
            Some(alice.clone()),
            "login {l}"
        );
    }
    assert_eq!(
        store.find_user_by_login(OTHER, "alice").await.unwrap(),
        Some(other.clone())
    );
    assert_eq!(store.find_user_by_login(OTHER, "ally").await.unwrap(), None);
    assert_eq!(by_login(store, "ALICE").await, None, "lookup is exact");
    assert_eq!(by_login(store, "alic").await, None);
    assert_eq!(by_login(store, "nobody").await, None);

    assert_eq!(
        store.find_user_by_sub(POOL, &alice.sub).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.find_user_by_sub(OTHER, &alice.sub).await.unwrap(),
        None,
        "sub is scoped to its pool"
    );
    assert_eq!(
        store.find_user_by_sub(POOL, "no-such-sub").await.unwrap(),
        None
    );
    // An attribute value that is not a login does not find the user.
    assert_eq!(by_login(store, "gold").await, None);
}

pub async fn user_list_no_filter_with_cursor(store: &dyn Store) {
    pools(store).await;
    let mut expected = Vec::new();
    for name in ["zed", "amy", "kim", "bea", "lou"] {
        expected.push(add_user(store, POOL, name).await);
        add_user(store, OTHER, name).await;
    }
    let all = store.list_users(POOL, None, None, 100).await.unwrap();
    assert_eq!(all, expected, "id order, complete records, own pool only");
    assert_eq!(usernames(&all), ["zed", "amy", "kim", "bea", "lou"]);

    let page1 = store.list_users(POOL, None, None, 2).await.unwrap();
    assert_eq!(ids(&page1), ids(&expected[..2]));
    let page2 = store
        .list_users(POOL, None, Some(page1[1].id), 2)
        .await
        .unwrap();
    assert_eq!(ids(&page2), ids(&expected[2..4]));
    let page3 = store
        .list_users(POOL, None, Some(page2[1].id), 2)
        .await
        .unwrap();
    assert_eq!(ids(&page3), ids(&expected[4..]));
    assert!(
        store
            .list_users(POOL, None, Some(page3[0].id), 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .list_users("us-east-1_none", None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn user_list_equality_filter(store: &dyn Store) {
    pools(store).await;
    let mut confirmed = Vec::new();
    for (name, status) in [
        ("u1", "CONFIRMED"),
        ("u2", "UNCONFIRMED"),
        ("u3", "CONFIRMED"),
        ("u4", "CONFIRMED"),
        ("u5", "UNCONFIRMED"),
    ] {
        let mut w = user(POOL, name);
        w.user.status = status.into();
        w.index = vec![
            ("username".into(), name.into()),
            ("cognito:user_status".into(), status.into()),
            ("given_name".into(), "Sam".into()),
        ];
        let stored = insert(store, &w).await;
        if status == "CONFIRMED" {
            confirmed.push(stored);
        }
        add_user(store, OTHER, name).await;
    }

    let found = store
        .list_users(
            POOL,
            Some(&eq("cognito:user_status", "CONFIRMED")),
            None,
            100,
        )
        .await
        .unwrap();
    assert_eq!(found, confirmed, "complete records in id order");

    let page = store
        .list_users(POOL, Some(&eq("cognito:user_status", "CONFIRMED")), None, 2)
        .await
        .unwrap();
    assert_eq!(ids(&page), ids(&confirmed[..2]));
    let rest = store
        .list_users(
            POOL,
            Some(&eq("cognito:user_status", "CONFIRMED")),
            Some(page[1].id),
            2,
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), ids(&confirmed[2..]));

    assert_eq!(list(store, &eq("username", "u2")).await.len(), 1);
    assert_eq!(list(store, &eq("given_name", "Sam")).await.len(), 5);
    assert!(
        list(store, &eq("given_name", "sam")).await.is_empty(),
        "exact"
    );
    assert!(
        list(store, &eq("given_name", "Sa")).await.is_empty(),
        "not a prefix"
    );
    assert!(
        list(store, &eq("family_name", "Sam")).await.is_empty(),
        "name matters"
    );
    assert!(
        list(store, &eq("username", "Sam")).await.is_empty(),
        "name matters"
    );
}

pub async fn user_list_prefix_filter(store: &dyn Store) {
    pools(store).await;
    let values = [
        "ab",
        "abc",
        "ac",
        "a",
        "abd",
        "b",
        "aab",
        "ab\u{e9}",
        "ab\u{1f600}",
        "a%b",
        "a_b",
        "ABc",
        "ab c",
    ];
    let mut by_value = std::collections::BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        let mut w = user(POOL, &format!("user{i}"));
        w.index = vec![
            ("nickname".into(), (*v).to_owned()),
            ("username".into(), format!("user{i}")),
        ];
        let stored = insert(store, &w).await;
        by_value.insert(*v, stored.id);
        // Same value under another name and in another pool: never listed.
        let mut elsewhere = user(OTHER, &format!("user{i}"));
        elsewhere.index = vec![("nickname".into(), (*v).to_owned())];
        store.insert_user(&elsewhere).await.unwrap();
    }
    let mut decoy = user(POOL, "decoy");
    decoy.index = vec![("family_name".into(), "abc".into())];
    store.insert_user(&decoy).await.unwrap();

    let expect = |vs: &[&str]| {
        let mut ids: Vec<i64> = vs.iter().map(|v| by_value[v]).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(
        list(store, &prefix("nickname", "ab")).await,
        expect(&["ab", "abc", "abd", "ab\u{e9}", "ab\u{1f600}", "ab c"]),
        "shared prefix; \"ac\", \"a\", \"aab\" and \"ABc\" do not match \"ab\""
    );
    assert_eq!(
        list(store, &prefix("nickname", "abc")).await,
        expect(&["abc"])
    );
    assert_eq!(
        list(store, &prefix("nickname", "ac")).await,
        expect(&["ac"])
    );
    assert_eq!(
        list(store, &prefix("nickname", "a")).await,
        expect(&[
            "ab",
            "abc",
            "ac",
            "a",
            "abd",
            "aab",
            "ab\u{e9}",
            "ab\u{1f600}",
            "a%b",
            "a_b",
            "ab c"
        ])
    );
    assert_eq!(
        list(store, &prefix("nickname", "a%")).await,
        expect(&["a%b"]),
        "LIKE wildcards are literal"
    );
    assert_eq!(
        list(store, &prefix("nickname", "a_")).await,
        expect(&["a_b"]),
        "LIKE wildcards are literal"
    );
    assert_eq!(
        list(store, &prefix("nickname", "ab\u{e9}")).await,
        expect(&["ab\u{e9}"])
    );
    assert!(list(store, &prefix("nickname", "abcd")).await.is_empty());
    assert!(list(store, &prefix("nickname", "c")).await.is_empty());
    assert_eq!(
        list(store, &prefix("nickname", "")).await,
        expect(&values),
        "an empty prefix matches every indexed value"
    );
    assert_eq!(
        list(store, &prefix("username", "user1")).await,
        expect(&["abc", "ab c", "ABc", "a_b"]),
        "user1, user10, user11, user12"
    );

    // Paging through a prefix match.
    let all = expect(&["ab", "abc", "abd", "ab\u{e9}", "ab\u{1f600}", "ab c"]);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_users(POOL, Some(&prefix("nickname", "ab")), after, 4)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 4);
        after = page.last().map(|u| u.id);
        seen.extend(ids(&page));
    }
    assert_eq!(seen, all);
}

pub async fn user_outbox_written_with_writes(store: &dyn Store) {
    pools(store).await;
    let mut w = user(POOL, "alice");
    let mut first = message(POOL, "alice@example.com", "welcome");
    first.from = Some("security@example.com".into());
    first.reply_to = Some("help@example.com".into());
    let mut sms = message(POOL, "+15550100", "code 111111");
    sms.channel = "SMS".into();
    sms.subject = None;
    w.outbox = vec![first.clone(), sms.clone()];
    let alice = insert(store, &w).await;
    assert_eq!(
        store.list_outbox(POOL, 10).await.unwrap(),
        [first.clone(), sms.clone()]
    );

    let mut next = rewrite(&alice, &w);
    let mut third = message(POOL, "alice@example.com", "code 222222");
    third.created_at = T0 + 60_000;
    next.outbox = vec![third.clone()];
    store.update_user(&next).await.unwrap();

    let mut other = user(OTHER, "zed");
    other.outbox = vec![message(OTHER, "zed@example.com", "elsewhere")];
    store.insert_user(&other).await.unwrap();

    assert_eq!(
        store.list_outbox(POOL, 10).await.unwrap(),
        [first.clone(), sms.clone(), third],
        "oldest first, own pool only"
    );
    assert_eq!(store.list_outbox(POOL, 2).await.unwrap(), [first, sms]);
    assert_eq!(store.list_outbox(OTHER, 10).await.unwrap().len(), 1);

    // An update without messages queues nothing.
    let mut quiet = rewrite(&alice, &w);
    quiet.user.version = 1;
    quiet.outbox.clear();
    store.update_user(&quiet).await.unwrap();
    assert_eq!(store.list_outbox(POOL, 10).await.unwrap().len(), 3);
}

pub async fn user_delete_removes_logins_index_memberships(store: &dyn Store) {
    pools(store).await;
    let mut w = user(POOL, "alice");
    w.logins.push(login("phone_number", "+15550100"));
    let alice = insert(store, &w).await;
    let bob = add_user(store, POOL, "bob").await;
    for g in ["admins", "staff"] {
        store.insert_group(&group(POOL, g)).await.unwrap();
        store.add_member(POOL, g, alice.id).await.unwrap();
        store.add_member(POOL, g, bob.id).await.unwrap();
    }

    assert!(store.delete_user(POOL, alice.id).await.unwrap());
    assert!(!store.delete_user(POOL, alice.id).await.unwrap());

    for l in ["alice", "alice@example.com", "+15550100"] {
        assert_eq!(by_login(store, l).await, None, "login {l}");
    }
    assert_eq!(
        store.find_user_by_sub(POOL, &alice.sub).await.unwrap(),
        None
    );
    assert_eq!(store.count_users(POOL).await.unwrap(), 1);
    assert!(list(store, &eq("username", "alice")).await.is_empty());
    assert!(list(store, &prefix("email", "alice")).await.is_empty());
    assert_eq!(
        list(store, &eq("cognito:user_status", "CONFIRMED")).await,
        [bob.id]
    );
    assert_eq!(store.count_groups_for_user(alice.id).await.unwrap(), 0);
    assert!(
        store
            .groups_for_user(alice.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    for g in ["admins", "staff"] {
        assert_eq!(
            ids(&store.users_in_group(POOL, g, None, 10).await.unwrap()),
            [bob.id]
        );
    }
    assert_eq!(store.count_groups_for_user(bob.id).await.unwrap(), 2);

    // Every login is free again.
    let again = insert(store, &w).await;
    assert_ne!(again.id, alice.id);
    assert_eq!(by_login(store, "+15550100").await, Some(again.id));
    assert_eq!(store.count_groups_for_user(again.id).await.unwrap(), 0);
}

pub async fn user_delete_is_scoped_to_its_pool(store: &dyn Store) {
    pools(store).await;
    let alice = add_user(store, POOL, "alice").await;
    store.insert_group(&group(POOL, "admins")).await.unwrap();
    store.add_member(POOL, "admins", alice.id).await.unwrap();

    // Naming the wrong pool deletes nothing: not the user, nor its logins, index or
    // memberships.
    assert!(!store.delete_user(OTHER, alice.id).await.unwrap());
    assert_eq!(
        store.find_user_by_sub(POOL, &alice.sub).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(by_login(store, "alice").await, Some(alice.id));
    assert_eq!(by_login(store, "alice@example.com").await, Some(alice.id));
    assert_eq!(list(store, &eq("username", "alice")).await, [alice.id]);
    assert_eq!(store.count_groups_for_user(alice.id).await.unwrap(), 1);
    assert_eq!(
        ids(&store
            .users_in_group(POOL, "admins", None, 10)
            .await
            .unwrap()),
        [alice.id]
    );
}

pub async fn user_concurrent_writes_conflict_cleanly(store: &dyn Store) {
    pools(store).await;
    // Four sign-ups race for one email: one wins, the others see `Conflict`, never
    // a database error, and leave nothing behind.
    let racers: Vec<UserWrite> = ["r1", "r2", "r3", "r4"]
        .iter()
        .map(|name| {
            let mut w = user(POOL, name);
            w.logins = vec![login("username", name), login("email", "race@example.com")];
            w
        })
        .collect();
    let (a, b, c, d) = tokio::join!(
        store.insert_user(&racers[0]),
        store.insert_user(&racers[1]),
        store.insert_user(&racers[2]),
        store.insert_user(&racers[3]),
    );
    let results = [a, b, c, d];
    let winners: Vec<i64> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for r in results {
        if r.is_err() {
            assert_eq!(conflict_what(r), "email");
        }
    }
    assert_eq!(store.count_users(POOL).await.unwrap(), 1);
    assert_eq!(by_login(store, "race@example.com").await, Some(winners[0]));

    // Four updates from the same read version: one wins, the others see
    // `VersionConflict`.
    let winner = store
        .find_user_by_login(POOL, "race@example.com")
        .await
        .unwrap()
        .unwrap();
    let updates: Vec<UserWrite> = (0..4)
        .map(|i| {
            let mut w = user(POOL, &winner.username);
            w.user = winner.clone();
            w.user
                .attributes
                .insert("custom:tier".into(), format!("tier{i}"));
            w.logins = vec![
                login("username", &winner.username),
                login("email", "race@example.com"),
            ];
            w.outbox = vec![message(POOL, "race@example.com", &format!("update {i}"))];
            w
        })
        .collect();
    let (a, b, c, d) = tokio::join!(
        store.update_user(&updates[0]),
        store.update_user(&updates[1]),
        store.update_user(&updates[2]),
        store.update_user(&updates[3]),
    );
    let results = [a, b, c, d];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    for r in &results {
        assert!(
            matches!(r, Ok(()) | Err(StoreError::VersionConflict)),
            "{results:?}"
        );
    }
    let read = store
        .find_user_by_sub(POOL, &winner.sub)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.version, 1);
    assert_eq!(store.list_outbox(POOL, 10).await.unwrap().len(), 1);
    assert_eq!(by_login(store, "race@example.com").await, Some(winner.id));
}
