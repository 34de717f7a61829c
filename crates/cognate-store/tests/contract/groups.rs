//! `GroupStore`: groups and memberships.

use crate::fixtures::{T0, add_user, conflict_what, group, group_names, ids, pool};
use cognate_core::store::{GroupRecord, Store, StoreError};

const POOL: &str = "us-east-1_groups";
const OTHER: &str = "us-east-1_other";

async fn pools(store: &dyn Store) {
    store.insert_pool(&pool(POOL)).await.unwrap();
    store.insert_pool(&pool(OTHER)).await.unwrap();
}

pub async fn group_insert_get_duplicate(store: &dyn Store) {
    pools(store).await;
    let g = group(POOL, "admins");
    store.insert_group(&g).await.unwrap();
    assert_eq!(
        store.get_group(POOL, "admins").await.unwrap(),
        Some(g.clone())
    );
    assert_eq!(conflict_what(store.insert_group(&g).await), "group");

    // Names are per pool, and optional fields may be empty.
    let bare = GroupRecord {
        description: None,
        role_arn: None,
        precedence: None,
        ..group(OTHER, "admins")
    };
    store.insert_group(&bare).await.unwrap();
    assert_eq!(store.get_group(OTHER, "admins").await.unwrap(), Some(bare));
    assert_eq!(store.get_group(POOL, "admins").await.unwrap(), Some(g));
    assert_eq!(store.get_group(POOL, "Admins").await.unwrap(), None);
    assert_eq!(store.get_group(POOL, "nobody").await.unwrap(), None);
}

pub async fn group_update(store: &dyn Store) {
    pools(store).await;
    let g = group(POOL, "admins");
    store.insert_group(&g).await.unwrap();
    store.insert_group(&group(OTHER, "admins")).await.unwrap();

    let changed = GroupRecord {
        description: Some("changed".into()),
        role_arn: None,
        precedence: Some(0),
        updated_at: T0 + 7,
        ..g.clone()
    };
    store.update_group(&changed).await.unwrap();
    assert_eq!(
        store.get_group(POOL, "admins").await.unwrap(),
        Some(changed)
    );
    assert_eq!(
        store.get_group(OTHER, "admins").await.unwrap(),
        Some(group(OTHER, "admins")),
        "the namesake in another pool is untouched"
    );

    let missing = group(POOL, "missing");
    assert!(matches!(
        store.update_group(&missing).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_group(POOL, "missing").await.unwrap(), None);
}

pub async fn group_list_in_name_order_with_cursor(store: &dyn Store) {
    pools(store).await;
    for name in ["staff", "Admins", "admins", "b", "ops", "a-team"] {
        store.insert_group(&group(POOL, name)).await.unwrap();
    }
    store.insert_group(&group(OTHER, "zzz")).await.unwrap();

    let all = store.list_groups(POOL, None, 100).await.unwrap();
    // Bytewise order: upper case before lower case, '-' before letters.
    assert_eq!(
        group_names(&all),
        ["Admins", "a-team", "admins", "b", "ops", "staff"]
    );
    assert_eq!(all[0], group(POOL, "Admins"), "listed records are complete");
    let page = store.list_groups(POOL, None, 2).await.unwrap();
    assert_eq!(group_names(&page), ["Admins", "a-team"]);
    let page = store.list_groups(POOL, Some("a-team"), 3).await.unwrap();
    assert_eq!(group_names(&page), ["admins", "b", "ops"]);
    let page = store.list_groups(POOL, Some("ops"), 3).await.unwrap();
    assert_eq!(group_names(&page), ["staff"]);
    assert!(
        store
            .list_groups(POOL, Some("staff"), 3)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        group_names(&store.list_groups(OTHER, None, 100).await.unwrap()),
        ["zzz"]
    );
}

pub async fn group_membership(store: &dyn Store) {
    pools(store).await;
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    for name in ["staff", "admins", "ops", "dev"] {
        store.insert_group(&group(POOL, name)).await.unwrap();
    }

    // Adding twice is one membership.
    store.add_member(POOL, "admins", alice.id).await.unwrap();
    store.add_member(POOL, "admins", alice.id).await.unwrap();
    assert_eq!(store.count_groups_for_user(alice.id).await.unwrap(), 1);
    assert_eq!(
        ids(&store
            .users_in_group(POOL, "admins", None, 10)
            .await
            .unwrap()),
        [alice.id]
    );

    for name in ["staff", "ops", "dev"] {
        store.add_member(POOL, name, alice.id).await.unwrap();
    }
    store.add_member(POOL, "ops", bob.id).await.unwrap();
    assert_eq!(store.count_groups_for_user(alice.id).await.unwrap(), 4);
    assert_eq!(store.count_groups_for_user(bob.id).await.unwrap(), 1);

    let groups = store.groups_for_user(alice.id, None, 10).await.unwrap();
    assert_eq!(group_names(&groups), ["admins", "dev", "ops", "staff"]);
    assert_eq!(
        groups[0],
        group(POOL, "admins"),
        "listed records are complete"
    );
    let page = store.groups_for_user(alice.id, None, 2).await.unwrap();
    assert_eq!(group_names(&page), ["admins", "dev"]);
    let page = store
        .groups_for_user(alice.id, Some("dev"), 2)
        .await
        .unwrap();
    assert_eq!(group_names(&page), ["ops", "staff"]);
    assert!(
        store
            .groups_for_user(alice.id, Some("staff"), 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        group_names(&store.groups_for_user(bob.id, None, 10).await.unwrap()),
        ["ops"]
    );

    // Removing is idempotent and only touches that membership.
    store.remove_member(POOL, "ops", alice.id).await.unwrap();
    store.remove_member(POOL, "ops", alice.id).await.unwrap();
    store.remove_member(POOL, "admins", bob.id).await.unwrap();
    assert_eq!(store.count_groups_for_user(alice.id).await.unwrap(), 3);
    assert_eq!(
        group_names(&store.groups_for_user(alice.id, None, 10).await.unwrap()),
        ["admins", "dev", "staff"]
    );
    assert_eq!(
        ids(&store.users_in_group(POOL, "ops", None, 10).await.unwrap()),
        [bob.id]
    );
    assert_eq!(store.count_groups_for_user(bob.id).await.unwrap(), 1);
    assert_eq!(
        store.count_groups_for_user(alice.id + 1000).await.unwrap(),
        0
    );
}

pub async fn group_users_in_group_with_cursor(store: &dyn Store) {
    pools(store).await;
    store.insert_group(&group(POOL, "staff")).await.unwrap();
    store.insert_group(&group(OTHER, "staff")).await.unwrap();
    let mut users = Vec::new();
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        users.push(add_user(store, POOL, name).await);
    }
    let outsider = add_user(store, OTHER, "u1").await;
    store.add_member(OTHER, "staff", outsider.id).await.unwrap();
    // Added out of order, one user left out.
    for i in [3, 0, 4, 1] {
        store.add_member(POOL, "staff", users[i].id).await.unwrap();
    }
    let members = vec![
        users[0].clone(),
        users[1].clone(),
        users[3].clone(),
        users[4].clone(),
    ];

    let all = store.users_in_group(POOL, "staff", None, 10).await.unwrap();
    assert_eq!(all, members, "complete records in id order");
    let page = store.users_in_group(POOL, "staff", None, 3).await.unwrap();
    assert_eq!(ids(&page), ids(&members[..3]));
    let page = store
        .users_in_group(POOL, "staff", Some(page[2].id), 3)
        .await
        .unwrap();
    assert_eq!(ids(&page), ids(&members[3..]));
    assert!(
        store
            .users_in_group(POOL, "staff", Some(members[3].id), 3)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(&store
            .users_in_group(OTHER, "staff", None, 10)
            .await
            .unwrap()),
        [outsider.id]
    );
    assert!(
        store
            .users_in_group(POOL, "nobody", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn group_delete_removes_memberships(store: &dyn Store) {
    pools(store).await;
    let alice = add_user(store, POOL, "alice").await;
    let bob = add_user(store, POOL, "bob").await;
    store.insert_group(&group(POOL, "admins")).await.unwrap();
    store.insert_group(&group(POOL, "staff")).await.unwrap();
    store.insert_group(&group(OTHER, "admins")).await.unwrap();
    for id in [alice.id, bob.id] {
        store.add_member(POOL, "admins", id).await.unwrap();
        store.add_member(POOL, "staff", id).await.unwrap();
    }

    assert!(store.delete_group(POOL, "admins").await.unwrap());
    assert!(!store.delete_group(POOL, "admins").await.unwrap());
    assert_eq!(store.get_group(POOL, "admins").await.unwrap(), None);
    assert!(
        store.get_group(OTHER, "admins").await.unwrap().is_some(),
        "the namesake in another pool stays"
    );
    assert_eq!(
        group_names(&store.list_groups(POOL, None, 10).await.unwrap()),
        ["staff"]
    );
    for id in [alice.id, bob.id] {
        assert_eq!(store.count_groups_for_user(id).await.unwrap(), 1);
        assert_eq!(
            group_names(&store.groups_for_user(id, None, 10).await.unwrap()),
            ["staff"]
        );
    }
    assert!(
        store
            .users_in_group(POOL, "admins", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.count_users(POOL).await.unwrap(), 2, "users stay");

    // A new group of the same name starts empty.
    store.insert_group(&group(POOL, "admins")).await.unwrap();
    assert!(
        store
            .users_in_group(POOL, "admins", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
