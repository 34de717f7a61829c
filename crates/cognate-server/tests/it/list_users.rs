//! `ListUsers`: the filter grammar, `AttributesToGet`, `Limit`, and pagination that
//! never repeats or skips a user.

use crate::helpers::TestApp;
use crate::users::{attr, create_user, value};
use aws_sdk_cognitoidentityprovider as idp;
use std::collections::HashSet;

/// Usernames matching `filter` (all pages).
async fn usernames(app: &TestApp, pool: &str, filter: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = app
            .idp
            .list_users()
            .user_pool_id(pool)
            .filter(filter)
            .set_pagination_token(token.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{filter}: {:?}", e.into_service_error()));
        out.extend(
            page.users()
                .iter()
                .map(|u| u.username().unwrap().to_owned()),
        );
        match page.pagination_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    out.sort();
    out
}

/// Every page of an unfiltered listing with `limit`, as usernames per page.
async fn pages(app: &TestApp, pool: &str, limit: i32) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = app
            .idp
            .list_users()
            .user_pool_id(pool)
            .limit(limit)
            .set_pagination_token(token.clone())
            .send()
            .await
            .unwrap();
        out.push(
            page.users()
                .iter()
                .map(|u| u.username().unwrap().to_owned())
                .collect(),
        );
        match page.pagination_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
        assert!(out.len() < 100, "pagination does not end");
    }
    out
}

async fn filter_error(
    app: &TestApp,
    pool: &str,
    filter: &str,
) -> idp::operation::list_users::ListUsersError {
    app.idp
        .list_users()
        .user_pool_id(pool)
        .filter(filter)
        .send()
        .await
        .expect_err(filter)
        .into_service_error()
}

/// A pool with five users of varied attributes and states.
async fn populated_pool(app: &TestApp) -> String {
    let pool = app.create_pool("list").await;
    create_user(
        app,
        &pool,
        "ann",
        &[
            ("email", "ann@example.com"),
            ("given_name", "Ann"),
            ("family_name", "Lee"),
        ],
    )
    .await;
    create_user(
        app,
        &pool,
        "andy",
        &[
            ("email", "andy@example.org"),
            ("given_name", "Andrew"),
            ("phone_number", "+15550001111"),
        ],
    )
    .await;
    create_user(
        app,
        &pool,
        "bea",
        &[
            ("email", "bea@example.com"),
            ("given_name", "Beatrice"),
            ("name", "say \"hi\""),
        ],
    )
    .await;
    create_user(app, &pool, "cal", &[("preferred_username", "cally")]).await;
    create_user(app, &pool, "Ann", &[("email", "ANN@EXAMPLE.COM")]).await;
    app.idp
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("bea")
        .password("N3wPassword!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    app.idp
        .admin_disable_user()
        .user_pool_id(&pool)
        .username("cal")
        .send()
        .await
        .unwrap();
    pool
}

backend_tests! {
    async fn list_users_without_a_filter_returns_every_user(app) {
        let pool = populated_pool(&app).await;
        assert_eq!(usernames(&app, &pool, "").await, ["Ann", "andy", "ann", "bea", "cal"]);
        let all = app.idp.list_users().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(all.users().len(), 5);
        assert!(all.pagination_token().is_none());
        let ann = all.users().iter().find(|u| u.username() == Some("ann")).unwrap();
        assert_eq!(value(ann.attributes(), "email"), Some("ann@example.com"));
        assert!(value(ann.attributes(), "sub").is_some());
        assert!(ann.enabled());
        assert!(ann.user_create_date().is_some() && ann.user_last_modified_date().is_some());
    }

    async fn list_users_filters_on_exact_and_prefix_values_of_searchable_attributes(app) {
        let pool = populated_pool(&app).await;
        assert_eq!(usernames(&app, &pool, "email = \"ann@example.com\"").await, ["ann"]);
        assert_eq!(usernames(&app, &pool, "email=\"bea@example.com\"").await, ["bea"]);
        assert_eq!(usernames(&app, &pool, "email ^= \"an\"").await, ["andy", "ann"]);
        assert_eq!(usernames(&app, &pool, "email ^= \"\"").await, ["Ann", "andy", "ann", "bea"]);
        assert_eq!(usernames(&app, &pool, "email = \"nobody@example.com\"").await, Vec::<String>::new());
        assert_eq!(usernames(&app, &pool, "username = \"ann\"").await, ["ann"]);
        assert_eq!(usernames(&app, &pool, "username = \"Ann\"").await, ["Ann"]);
        assert_eq!(usernames(&app, &pool, "username ^= \"a\"").await, ["andy", "ann"]);
        assert_eq!(usernames(&app, &pool, "given_name ^= \"An\"").await, ["andy", "ann"]);
        assert_eq!(usernames(&app, &pool, "given_name = \"An\"").await, Vec::<String>::new());
        assert_eq!(usernames(&app, &pool, "family_name = \"Lee\"").await, ["ann"]);
        assert_eq!(usernames(&app, &pool, "phone_number ^= \"+1555\"").await, ["andy"]);
        assert_eq!(usernames(&app, &pool, "preferred_username = \"cally\"").await, ["cal"]);
        assert_eq!(usernames(&app, &pool, "name = \"say \\\"hi\\\"\"").await, ["bea"]);
    }

    async fn list_users_filters_on_sub(app) {
        let pool = populated_pool(&app).await;
        let bea = app.idp.admin_get_user().user_pool_id(&pool).username("bea").send().await.unwrap();
        let sub = value(bea.user_attributes(), "sub").unwrap();
        assert_eq!(usernames(&app, &pool, &format!("sub = \"{sub}\"")).await, ["bea"]);
        assert_eq!(usernames(&app, &pool, &format!("sub ^= \"{}\"", &sub[..8])).await, ["bea"]);
    }

    async fn list_users_filters_on_user_status_case_insensitively_and_on_enabled_status(app) {
        let pool = populated_pool(&app).await;
        let pending = ["Ann", "andy", "ann", "cal"];
        assert_eq!(usernames(&app, &pool, "cognito:user_status = \"FORCE_CHANGE_PASSWORD\"").await, pending);
        assert_eq!(usernames(&app, &pool, "cognito:user_status = \"force_change_password\"").await, pending);
        assert_eq!(usernames(&app, &pool, "cognito:user_status = \"Confirmed\"").await, ["bea"]);
        assert_eq!(usernames(&app, &pool, "status = \"Disabled\"").await, ["cal"]);
        assert_eq!(usernames(&app, &pool, "status = \"Enabled\"").await, ["Ann", "andy", "ann", "bea"]);
    }

    async fn list_users_follows_attribute_changes_and_deletions(app) {
        let pool = populated_pool(&app).await;
        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("ann")
            .user_attributes(attr("email", "ann@moved.example.com")).send().await.unwrap();
        assert_eq!(usernames(&app, &pool, "email = \"ann@example.com\"").await, Vec::<String>::new());
        assert_eq!(usernames(&app, &pool, "email = \"ann@moved.example.com\"").await, ["ann"]);
        app.idp.admin_enable_user().user_pool_id(&pool).username("cal").send().await.unwrap();
        assert_eq!(usernames(&app, &pool, "status = \"Disabled\"").await, Vec::<String>::new());
        app.idp.admin_delete_user().user_pool_id(&pool).username("andy").send().await.unwrap();
        assert_eq!(usernames(&app, &pool, "given_name ^= \"An\"").await, ["ann"]);
        assert_eq!(usernames(&app, &pool, "").await, ["Ann", "ann", "bea", "cal"]);
    }

    async fn list_users_with_a_custom_attribute_filter_returns_invalid_parameter(app) {
        let pool = app.create_pool("p").await;
        app.idp.add_custom_attributes().user_pool_id(&pool)
            .custom_attributes(idp::types::SchemaAttributeType::builder().name("team")
                .attribute_data_type(idp::types::AttributeDataType::String).build())
            .send().await.unwrap();
        let err = filter_error(&app, &pool, "custom:team = \"red\"").await;
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn list_users_with_a_malformed_filter_returns_invalid_parameter(app) {
        let pool = app.create_pool("p").await;
        for filter in [
            "email",
            "email = ann@example.com",
            "email == \"a\"",
            "email = \"unterminated",
            "email = \"a\" and name = \"b\"",
            "nickname = \"n\"",
            "= \"x\"",
            "email ~= \"a\"",
        ] {
            let err = filter_error(&app, &pool, filter).await;
            assert!(err.is_invalid_parameter_exception(), "{filter}: {err:?}");
        }
        let long = format!("email = \"{}\"", "a".repeat(260));
        let err = filter_error(&app, &pool, &long).await;
        assert!(err.is_invalid_parameter_exception(), "a filter over 256 characters: {err:?}");
    }

    async fn list_users_with_attributes_to_get_returns_only_those_attributes(app) {
        let pool = populated_pool(&app).await;
        let page = app.idp.list_users().user_pool_id(&pool).filter("username = \"ann\"")
            .attributes_to_get("email").send().await.unwrap();
        let ann = &page.users()[0];
        assert_eq!(value(ann.attributes(), "email"), Some("ann@example.com"));
        assert_eq!(value(ann.attributes(), "given_name"), None);
        assert_eq!(value(ann.attributes(), "family_name"), None);
        assert_eq!(ann.username(), Some("ann"));
        assert_eq!(ann.user_status(), Some(&idp::types::UserStatusType::ForceChangePassword));
    }

    async fn list_users_with_a_limit_above_sixty_returns_invalid_parameter(app) {
        let pool = app.create_pool("p").await;
        let err = app.idp.list_users().user_pool_id(&pool).limit(61).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.list_users().user_pool_id(&pool).limit(-1).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        app.idp.list_users().user_pool_id(&pool).limit(60).send().await.unwrap();
    }

    async fn list_users_pages_of_two_return_each_of_seven_users_once_in_a_stable_order(app) {
        let pool = app.create_pool("p").await;
        for i in 0..7 {
            create_user(&app, &pool, &format!("user{i}"), &[]).await;
        }
        let first = pages(&app, &pool, 2).await;
        assert_eq!(first.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2, 1]);
        let flat: Vec<String> = first.concat();
        let unique: HashSet<&String> = flat.iter().collect();
        assert_eq!(unique.len(), 7, "{flat:?}");
        let again = pages(&app, &pool, 2).await;
        assert_eq!(first, again, "the order is stable across listings");
    }

    async fn list_users_pages_neither_repeat_nor_skip_when_a_user_is_added_between_pages(app) {
        let pool = app.create_pool("p").await;
        for i in 0..6 {
            create_user(&app, &pool, &format!("user{i}"), &[]).await;
        }
        let before: HashSet<String> = usernames(&app, &pool, "").await.into_iter().collect();
        let first = app.idp.list_users().user_pool_id(&pool).limit(3).send().await.unwrap();
        let mut seen: Vec<String> = first.users().iter().map(|u| u.username().unwrap().to_owned()).collect();
        // "aaa" sorts before every existing name, so an order by name would shift the pages.
        create_user(&app, &pool, "aaa", &[]).await;
        let mut token = first.pagination_token().map(str::to_owned);
        while let Some(t) = token {
            let page = app.idp.list_users().user_pool_id(&pool).limit(3).pagination_token(t).send().await.unwrap();
            seen.extend(page.users().iter().map(|u| u.username().unwrap().to_owned()));
            token = page.pagination_token().map(str::to_owned);
        }
        let unique: HashSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "no user is repeated: {seen:?}");
        assert!(before.is_subset(&unique), "no existing user is skipped: {seen:?}");
    }

    async fn list_users_refuses_a_pagination_token_from_another_pool_or_filter(app) {
        let pool = app.create_pool("p").await;
        let other = app.create_pool("q").await;
        for i in 0..3 {
            create_user(&app, &pool, &format!("user{i}"), &[("given_name", "Same")]).await;
            create_user(&app, &other, &format!("user{i}"), &[]).await;
        }
        let page = app.idp.list_users().user_pool_id(&pool).limit(1).send().await.unwrap();
        let token = page.pagination_token().unwrap().to_owned();
        let err = app.idp.list_users().user_pool_id(&other).limit(1).pagination_token(&token)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "another pool: {err:?}");
        let err = app.idp.list_users().user_pool_id(&pool).limit(1).filter("given_name = \"Same\"")
            .pagination_token(&token).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "another filter: {err:?}");
        let err = app.idp.list_users().user_pool_id(&pool).limit(1).pagination_token("not-a-token")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "garbage: {err:?}");
        app.idp.list_users().user_pool_id(&pool).limit(1).pagination_token(&token).send().await.unwrap();
    }
}
