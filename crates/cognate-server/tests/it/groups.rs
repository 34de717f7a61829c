//! Groups and memberships: CreateGroup … ListUsersInGroup, pagination, and what
//! deleting a user or a group does to memberships.

use crate::helpers::TestApp;
use crate::users::create_user;
use aws_sdk_cognitoidentityprovider as idp;
use idp::error::ProvideErrorMetadata;

const ROLE: &str = "arn:aws:iam::123456789012:role/readers";
const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/writers";

async fn create_group(app: &TestApp, pool: &str, name: &str) -> idp::types::GroupType {
    app.idp
        .create_group()
        .user_pool_id(pool)
        .group_name(name)
        .send()
        .await
        .unwrap()
        .group
        .unwrap()
}

async fn add(app: &TestApp, pool: &str, user: &str, group: &str) {
    app.idp
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username(user)
        .group_name(group)
        .send()
        .await
        .unwrap();
}

/// Group names of `user`, all pages.
async fn groups_of(app: &TestApp, pool: &str, user: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = app
            .idp
            .admin_list_groups_for_user()
            .user_pool_id(pool)
            .username(user)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        out.extend(
            page.groups()
                .iter()
                .map(|g| g.group_name().unwrap().to_owned()),
        );
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    out.sort();
    out
}

/// Usernames in `group`, page by page with `limit`.
async fn members(app: &TestApp, pool: &str, group: &str, limit: Option<i32>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = app
            .idp
            .list_users_in_group()
            .user_pool_id(pool)
            .group_name(group)
            .set_limit(limit)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        out.push(
            page.users()
                .iter()
                .map(|u| u.username().unwrap().to_owned())
                .collect(),
        );
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
        assert!(out.len() < 100, "pagination does not end");
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

backend_tests! {
    async fn create_group_round_trips_description_role_and_precedence(app) {
        let pool = app.create_pool("p").await;
        let created = app.idp.create_group().user_pool_id(&pool).group_name("readers")
            .description("People who read").role_arn(ROLE).precedence(3)
            .send().await.unwrap().group.unwrap();
        assert_eq!(created.group_name(), Some("readers"));
        assert_eq!(created.user_pool_id(), Some(pool.as_str()));
        assert_eq!(created.description(), Some("People who read"));
        assert_eq!(created.role_arn(), Some(ROLE));
        assert_eq!(created.precedence(), Some(3));
        assert!(created.creation_date().is_some() && created.last_modified_date().is_some());

        let got = app.idp.get_group().user_pool_id(&pool).group_name("readers").send().await.unwrap().group.unwrap();
        assert_eq!(got.description(), Some("People who read"));
        assert_eq!(got.role_arn(), Some(ROLE));
        assert_eq!(got.precedence(), Some(3));

        let bare = create_group(&app, &pool, "bare").await;
        assert_eq!(bare.description(), None);
        assert_eq!(bare.role_arn(), None);
        assert_eq!(bare.precedence(), None);
    }

    async fn create_group_with_a_taken_name_returns_group_exists(app) {
        let pool = app.create_pool("p").await;
        create_group(&app, &pool, "admins").await;
        let err = app.idp.create_group().user_pool_id(&pool).group_name("admins")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_group_exists_exception(), "{err:?}");
        assert_eq!(err.message(), Some("A group with the name admins already exists."));
        let other = app.create_pool("q").await;
        create_group(&app, &other, "admins").await;
    }

    async fn create_group_with_an_invalid_role_or_negative_precedence_returns_invalid_parameter(app) {
        let pool = app.create_pool("p").await;
        for role in ["not-an-arn", "arn:aws:iam::role", "arn:aws:iam::notdigits:role/x"] {
            let err = app.idp.create_group().user_pool_id(&pool).group_name("g").role_arn(role)
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{role}: {err:?}");
        }
        let err = app.idp.create_group().user_pool_id(&pool).group_name("g").precedence(-1)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.create_group().user_pool_id(&pool).group_name("has space")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.get_group().user_pool_id(&pool).group_name("g")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "no group was created: {err:?}");
    }

    async fn create_group_in_an_unknown_pool_returns_resource_not_found(app) {
        let err = app.idp.create_group().user_pool_id("us-east-1_NoSuchPool").group_name("g")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn get_group_of_an_unknown_group_returns_resource_not_found(app) {
        let pool = app.create_pool("p").await;
        let err = app.idp.get_group().user_pool_id(&pool).group_name("missing")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn update_group_changes_the_given_properties_and_keeps_the_others(app) {
        let pool = app.create_pool("p").await;
        app.idp.create_group().user_pool_id(&pool).group_name("team")
            .description("old").role_arn(ROLE).precedence(5).send().await.unwrap();
        let updated = app.idp.update_group().user_pool_id(&pool).group_name("team")
            .description("new").precedence(1).send().await.unwrap().group.unwrap();
        assert_eq!(updated.description(), Some("new"));
        assert_eq!(updated.precedence(), Some(1));
        assert_eq!(updated.role_arn(), Some(ROLE), "an omitted role is kept");
        app.idp.update_group().user_pool_id(&pool).group_name("team")
            .role_arn(OTHER_ROLE).send().await.unwrap();
        let got = app.idp.get_group().user_pool_id(&pool).group_name("team").send().await.unwrap().group.unwrap();
        assert_eq!(got.role_arn(), Some(OTHER_ROLE));
        assert_eq!(got.description(), Some("new"));
        assert_eq!(got.precedence(), Some(1));

        let err = app.idp.update_group().user_pool_id(&pool).group_name("team").precedence(-2)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.update_group().user_pool_id(&pool).group_name("missing").description("x")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn delete_group_removes_it_and_an_unknown_group_returns_resource_not_found(app) {
        let pool = app.create_pool("p").await;
        create_group(&app, &pool, "temp").await;
        app.idp.delete_group().user_pool_id(&pool).group_name("temp").send().await.unwrap();
        let err = app.idp.get_group().user_pool_id(&pool).group_name("temp").send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.delete_group().user_pool_id(&pool).group_name("temp").send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        create_group(&app, &pool, "temp").await;
    }

    async fn list_groups_pages_through_every_group_once(app) {
        let pool = app.create_pool("p").await;
        for i in 0..5 {
            create_group(&app, &pool, &format!("group{i}")).await;
        }
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = app.idp.list_groups().user_pool_id(&pool).limit(2).set_next_token(token.clone())
                .send().await.unwrap();
            assert!(page.groups().len() <= 2);
            seen.extend(page.groups().iter().map(|g| g.group_name().unwrap().to_owned()));
            pages += 1;
            match page.next_token() {
                Some(t) => token = Some(t.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(sorted(seen), ["group0", "group1", "group2", "group3", "group4"]);
        let all = app.idp.list_groups().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(all.groups().len(), 5);
        assert!(all.next_token().is_none());
        let err = app.idp.list_groups().user_pool_id(&pool).limit(61).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let other = app.create_pool("q").await;
        let first = app.idp.list_groups().user_pool_id(&pool).limit(1).send().await.unwrap();
        let err = app.idp.list_groups().user_pool_id(&other)
            .next_token(first.next_token().unwrap()).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "a token from another pool: {err:?}");
    }

    async fn admin_add_user_to_group_is_idempotent_and_listed_both_ways(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "alice", &[]).await;
        create_group(&app, &pool, "readers").await;
        create_group(&app, &pool, "writers").await;
        add(&app, &pool, "alice", "readers").await;
        add(&app, &pool, "alice", "readers").await;
        add(&app, &pool, "alice", "writers").await;
        assert_eq!(groups_of(&app, &pool, "alice").await, ["readers", "writers"]);
        assert_eq!(members(&app, &pool, "readers", None).await.concat(), ["alice"]);

        app.idp.admin_remove_user_from_group().user_pool_id(&pool).username("alice").group_name("readers")
            .send().await.unwrap();
        assert_eq!(groups_of(&app, &pool, "alice").await, ["writers"]);
        assert!(members(&app, &pool, "readers", None).await.concat().is_empty());
        app.idp.admin_remove_user_from_group().user_pool_id(&pool).username("alice").group_name("readers")
            .send().await.unwrap();
    }

    async fn membership_operations_name_the_missing_user_or_group(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "alice", &[]).await;
        create_group(&app, &pool, "readers").await;
        let err = app.idp.admin_add_user_to_group().user_pool_id(&pool).username("ghost").group_name("readers")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        let err = app.idp.admin_add_user_to_group().user_pool_id(&pool).username("alice").group_name("nope")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_remove_user_from_group().user_pool_id(&pool).username("ghost").group_name("readers")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        let err = app.idp.admin_list_groups_for_user().user_pool_id(&pool).username("ghost")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        let err = app.idp.list_users_in_group().user_pool_id(&pool).group_name("nope")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn membership_operations_accept_the_users_sub(app) {
        let pool = app.create_pool("p").await;
        let user = create_user(&app, &pool, "alice", &[]).await;
        let sub = crate::users::value(user.attributes(), "sub").unwrap().to_owned();
        create_group(&app, &pool, "readers").await;
        add(&app, &pool, &sub, "readers").await;
        assert_eq!(groups_of(&app, &pool, "alice").await, ["readers"]);
        assert_eq!(groups_of(&app, &pool, &sub).await, ["readers"]);
    }

    async fn list_users_in_group_pages_through_every_member_once(app) {
        let pool = app.create_pool("p").await;
        create_group(&app, &pool, "big").await;
        create_group(&app, &pool, "other").await;
        for i in 0..5 {
            let name = format!("member{i}");
            create_user(&app, &pool, &name, &[]).await;
            add(&app, &pool, &name, "big").await;
        }
        create_user(&app, &pool, "outsider", &[]).await;
        add(&app, &pool, "outsider", "other").await;
        let pages = members(&app, &pool, "big", Some(2)).await;
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
        assert_eq!(sorted(pages.concat()), ["member0", "member1", "member2", "member3", "member4"]);
        assert_eq!(pages, members(&app, &pool, "big", Some(2)).await, "the order is stable");
        let page = app.idp.list_users_in_group().user_pool_id(&pool).group_name("big").limit(1).send().await.unwrap();
        let err = app.idp.list_users_in_group().user_pool_id(&pool).group_name("other")
            .next_token(page.next_token().unwrap()).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "a token from another group: {err:?}");
    }

    async fn admin_list_groups_for_user_pages_through_every_group_once(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "alice", &[]).await;
        for i in 0..5 {
            let g = format!("g{i}");
            create_group(&app, &pool, &g).await;
            add(&app, &pool, "alice", &g).await;
        }
        let first = app.idp.admin_list_groups_for_user().user_pool_id(&pool).username("alice").limit(2)
            .send().await.unwrap();
        assert_eq!(first.groups().len(), 2);
        assert!(first.next_token().is_some());
        assert_eq!(groups_of(&app, &pool, "alice").await, ["g0", "g1", "g2", "g3", "g4"]);
    }

    async fn deleting_a_user_removes_its_memberships(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "alice", &[]).await;
        create_user(&app, &pool, "bob", &[]).await;
        create_group(&app, &pool, "team").await;
        add(&app, &pool, "alice", "team").await;
        add(&app, &pool, "bob", "team").await;
        app.idp.admin_delete_user().user_pool_id(&pool).username("alice").send().await.unwrap();
        assert_eq!(members(&app, &pool, "team", None).await.concat(), ["bob"]);
        create_user(&app, &pool, "alice", &[]).await;
        assert!(groups_of(&app, &pool, "alice").await.is_empty(), "a new user of the same name starts without groups");
    }

    async fn deleting_a_group_removes_its_memberships(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "alice", &[]).await;
        create_group(&app, &pool, "team").await;
        create_group(&app, &pool, "keep").await;
        add(&app, &pool, "alice", "team").await;
        add(&app, &pool, "alice", "keep").await;
        app.idp.delete_group().user_pool_id(&pool).group_name("team").send().await.unwrap();
        assert_eq!(groups_of(&app, &pool, "alice").await, ["keep"]);
        create_group(&app, &pool, "team").await;
        assert!(members(&app, &pool, "team", None).await.concat().is_empty(), "a re-created group starts empty");
    }
}
