//! Request-rate limits with the default bursts: a burst of sign-ins from one address
//! across many users, repeated sign-ins for one user, and sign-up floods are refused
//! with `TooManyRequestsException` (HTTP 400) before any password is checked; the
//! hosted form answers 429.

use crate::helpers::{Db, spawn_with, test_config};
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType as F};
use cognate_server::ratelimit::RateLimitConfig;

#[tokio::test]
async fn floods_from_one_address_and_for_one_user_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    // The default bursts; refills slowed to one a minute so the counts are exact.
    config.rate_limits = RateLimitConfig {
        sign_in_per_ip_per_minute: 1,
        sign_in_per_user_per_minute: 1,
        ..RateLimitConfig::default()
    };
    let app = spawn_with(config, dir).await;
    let pool = app.create_pool("limits").await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    create_user(&app, &pool, "alice", PASSWORD).await;
    let sign_in = |user: String| {
        app.idp
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", "Wrong-passw0rd!")
            .send()
    };
    // One user: the per-user burst (10) is spent, then refused.
    let mut limited = 0;
    for _ in 0..12 {
        if let Err(e) = sign_in("alice".into()).await {
            let e = e.into_service_error();
            if e.is_too_many_requests_exception() {
                limited += 1;
            } else {
                assert!(e.is_not_authorized_exception(), "{e:?}");
            }
        }
    }
    assert_eq!(
        limited, 2,
        "the 11th and 12th sign-in for one user are refused"
    );

    // Many users from one address: the per-IP burst (60) runs out.
    let mut first_refused = None;
    for i in 0..70 {
        let err = sign_in(format!("user{i}"))
            .await
            .unwrap_err()
            .into_service_error();
        if err.is_too_many_requests_exception() {
            first_refused.get_or_insert(i);
        }
    }
    // 12 requests above already drew from the same address's bucket.
    assert_eq!(
        first_refused,
        Some(48),
        "refused once the address's burst is spent"
    );

    // Sign-up has its own buckets.
    let resp = app
        .idp
        .sign_up()
        .client_id(&client)
        .username("newcomer")
        .password(PASSWORD)
        .send()
        .await;
    assert!(resp.is_ok(), "{resp:?}");
}

#[tokio::test]
async fn limits_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    config.rate_limits.enabled = false;
    config.rate_limits.sign_in_per_user_burst = 1;
    let app = spawn_with(config, dir).await;
    let pool = app.create_pool("nolimits").await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("c")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    for _ in 0..3 {
        let err = app
            .idp
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "nobody")
            .auth_parameters("PASSWORD", "x")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(!err.is_too_many_requests_exception());
    }
}

#[tokio::test]
async fn the_hosted_sign_in_form_is_limited_per_username() {
    use crate::oauth::{authorize_params, browser, fixture, pkce, sign_in_form};
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    config.rate_limits = RateLimitConfig {
        sign_in_per_user_per_minute: 1,
        ..RateLimitConfig::default()
    };
    let app = spawn_with(config, dir).await;
    let f = fixture(&app).await;
    let (challenge, _) = pkce();
    let params = authorize_params(&f.client, &challenge, "n");
    let b = browser();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            sign_in_form(&b, &f, &params, "alice", "Wr0ng-password!")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses[..10], [400; 10], "{statuses:?}");
    assert_eq!(
        statuses[10], 429,
        "the 11th try for one username: {statuses:?}"
    );
}
