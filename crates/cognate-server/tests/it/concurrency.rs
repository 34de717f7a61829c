//! Racing writers: parallel AdminCreateUser calls that claim the same sign-in
//! identifier must leave exactly one user, whatever the interleaving.

use crate::helpers::TestApp;
use crate::users::{email_alias_pool, email_username_pool, try_create_user};
use aws_sdk_cognitoidentityprovider as idp;
use idp::error::ProvideErrorMetadata;

/// The outcome of one racing create: `Ok(())` or the error's `__type`.
type Outcome = Result<(), String>;

/// Runs `n` AdminCreateUser calls at once; `make(i)` gives call `i`'s username and attributes.
async fn race(
    app: &TestApp,
    pool: &str,
    n: usize,
    make: impl Fn(usize) -> (String, Vec<(&'static str, String)>),
) -> Vec<Outcome> {
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let (username, attrs) = make(i);
        let client = app.idp.clone();
        let pool = pool.to_owned();
        handles.push(tokio::spawn(async move {
            let mut req = client
                .admin_create_user()
                .user_pool_id(pool)
                .username(username)
                .temporary_password(crate::users::PASSWORD)
                .message_action(idp::types::MessageActionType::Suppress);
            for (name, value) in attrs {
                req = req.user_attributes(crate::users::attr(name, &value));
            }
            match req.send().await {
                Ok(_) => Ok(()),
                Err(e) => Err(e.code().unwrap_or("(no code)").to_owned()),
            }
        }));
    }
    let mut out = Vec::with_capacity(n);
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

fn tally(outcomes: &[Outcome], error: &str) -> (usize, usize) {
    let ok = outcomes.iter().filter(|o| o.is_ok()).count();
    let expected = outcomes
        .iter()
        .filter(|o| o.as_ref().err().map(String::as_str) == Some(error))
        .count();
    (ok, expected)
}

async fn user_count(app: &TestApp, pool: &str) -> usize {
    app.idp
        .list_users()
        .user_pool_id(pool)
        .send()
        .await
        .unwrap()
        .users()
        .len()
}

backend_tests! {
    async fn twenty_parallel_creates_of_one_username_leave_exactly_one_user(app) {
        let pool = app.create_pool("race").await;
        let outcomes = race(&app, &pool, 20, |_| ("same".to_owned(), Vec::new())).await;
        let (ok, exists) = tally(&outcomes, "UsernameExistsException");
        assert_eq!((ok, exists), (1, 19), "{outcomes:?}");
        assert_eq!(user_count(&app, &pool).await, 1);
    }

    async fn twenty_parallel_creates_of_one_email_in_an_email_username_pool_leave_exactly_one_user(app) {
        let pool = email_username_pool(&app).await;
        let outcomes = race(&app, &pool, 20, |_| ("race@example.com".to_owned(), Vec::new())).await;
        let (ok, exists) = tally(&outcomes, "UsernameExistsException");
        assert_eq!((ok, exists), (1, 19), "{outcomes:?}");
        assert_eq!(user_count(&app, &pool).await, 1);
    }

    async fn twenty_parallel_creates_claiming_one_verified_email_alias_leave_exactly_one_holder(app) {
        let pool = email_alias_pool(&app).await;
        let outcomes = race(&app, &pool, 20, |i| (
            format!("user{i}"),
            vec![("email", "alias@example.com".to_owned()), ("email_verified", "true".to_owned())],
        )).await;
        let (ok, exists) = tally(&outcomes, "AliasExistsException");
        assert_eq!((ok, exists), (1, 19), "{outcomes:?}");
        assert_eq!(user_count(&app, &pool).await, 1);
        let holder = app.idp.admin_get_user().user_pool_id(&pool).username("alias@example.com")
            .send().await.unwrap();
        assert!(holder.username().starts_with("user"));
        try_create_user(&app, &pool, "late", &[("email", "alias@example.com")]).await
            .expect("an unverified copy of the email is still allowed");
    }

    async fn thirty_parallel_creates_of_distinct_usernames_all_succeed(app) {
        let pool = app.create_pool("race").await;
        let outcomes = race(&app, &pool, 30, |i| (format!("user{i:02}"), vec![("email", format!("user{i}@example.com"))])).await;
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(user_count(&app, &pool).await, 30);
    }
}
