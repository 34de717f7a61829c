//! Password recovery with the AWS SDK: ForgotPassword / ConfirmForgotPassword, their
//! limits and expiry, hidden users, and AdminResetUserPassword's forced reset.

use crate::helpers::TestApp;
use crate::sign_up::{PASSWORD, SelfService, self_service, sign_in};
use aws_sdk_cognitoidentityprovider::operation::confirm_forgot_password::ConfirmForgotPasswordError;
use aws_sdk_cognitoidentityprovider::operation::forgot_password::{
    ForgotPasswordError, ForgotPasswordOutput,
};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};

const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// A confirmed user with a verified email.
async fn verified_user(app: &TestApp, s: &SelfService, name: &str, email: &str) {
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    app.idp
        .admin_create_user()
        .user_pool_id(&s.pool)
        .username(name)
        .user_attributes(attr("email", email))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    app.idp
        .admin_set_user_password()
        .user_pool_id(&s.pool)
        .username(name)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

async fn setup(app: &TestApp, hide: bool) -> SelfService {
    let s = self_service(app, false, hide, |b| b).await;
    verified_user(app, &s, "alice", "alice@example.com").await;
    s
}

async fn forgot(
    app: &TestApp,
    s: &SelfService,
    username: &str,
) -> Result<ForgotPasswordOutput, ForgotPasswordError> {
    app.idp
        .forgot_password()
        .client_id(&s.client)
        .username(username)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn confirm_forgot(
    app: &TestApp,
    s: &SelfService,
    username: &str,
    code: &str,
    password: &str,
) -> Result<(), ConfirmForgotPasswordError> {
    app.idp
        .confirm_forgot_password()
        .client_id(&s.client)
        .username(username)
        .confirmation_code(code)
        .password(password)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error())
}

fn wrong(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.into()
}

backend_tests! {
    async fn forgot_password_resets_the_password_with_the_emailed_code(app) {
        let s = setup(&app, false).await;
        let out = forgot(&app, &s, "alice").await.unwrap();
        let d = out.code_delivery_details().unwrap();
        assert_eq!(d.destination(), Some("a***@e***"));
        assert_eq!(d.delivery_medium().map(|m| m.as_str()), Some("EMAIL"));
        assert_eq!(d.attribute_name(), Some("email"));
        let code = app.last_code_to(&s.pool, "alice@example.com").await;

        let e = confirm_forgot(&app, &s, "alice", &wrong(&code), NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
        confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap();
        sign_in(&app, &s, "alice", NEW_PASSWORD).await.unwrap();
        let e = sign_in(&app, &s, "alice", PASSWORD).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");

        // Single use.
        let e = confirm_forgot(&app, &s, "alice", &code, "An0ther-Passw0rd!").await.unwrap_err();
        assert!(e.is_expired_code_exception(), "{e:?}");
    }

    async fn confirm_forgot_password_without_a_code_returns_expired_code(app) {
        let s = setup(&app, false).await;
        let e = confirm_forgot(&app, &s, "alice", "123456", NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_expired_code_exception(), "{e:?}");
    }

    async fn reset_codes_expire_after_an_hour(app) {
        let s = setup(&app, false).await;
        forgot(&app, &s, "alice").await.unwrap();
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        app.clock.advance_secs(3601);
        let e = confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_expired_code_exception(), "{e:?}");
    }

    async fn confirm_forgot_password_refuses_a_password_that_breaks_the_policy(app) {
        let s = setup(&app, false).await;
        forgot(&app, &s, "alice").await.unwrap();
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        let e = confirm_forgot(&app, &s, "alice", &code, "alllowercase").await.unwrap_err();
        assert!(e.is_invalid_password_exception(), "{e:?}");
        assert!(e.meta().message().unwrap().starts_with("Password did not conform with policy: "), "{e:?}");
        // The refused password did not spend the code.
        confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap();
    }

    async fn forgot_password_allows_five_requests_an_hour(app) {
        let s = setup(&app, false).await;
        for _ in 0..5 {
            forgot(&app, &s, "alice").await.unwrap();
        }
        let e = forgot(&app, &s, "alice").await.unwrap_err();
        assert!(e.is_limit_exceeded_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("Attempt limit exceeded, please try after some time."));
        app.clock.advance_secs(3601);
        forgot(&app, &s, "alice").await.unwrap();
    }

    // With existence hidden, ForgotPassword's hourly limit does not tell a real
    // account from an unknown name (whose answer never changes): past it the answer
    // stays the same and nothing more is sent.
    async fn hiding_clients_answer_past_the_send_limit_as_before(app) {
        let s = setup(&app, true).await;
        let first = forgot(&app, &s, "alice").await.unwrap();
        for _ in 0..6 {
            let again = forgot(&app, &s, "alice").await.unwrap();
            assert_eq!(again.code_delivery_details(), first.code_delivery_details());
        }
        let codes = app.outbox(&s.pool).await.len();
        assert_eq!(codes, 5, "only the first five requests of the hour sent a code");
        // A password the policy refuses is refused alike for both.
        let weak = confirm_forgot(&app, &s, "alice", "000000", "alllowercase").await.unwrap_err();
        let unknown = confirm_forgot(&app, &s, "nobody", "000000", "alllowercase").await.unwrap_err();
        assert!(weak.is_invalid_password_exception(), "{weak:?}");
        assert!(unknown.is_invalid_password_exception(), "{unknown:?}");
    }

    async fn forgot_password_without_a_verified_channel_returns_invalid_parameter(app) {
        let s = setup(&app, false).await;
        crate::sign_in::create_user(&app, &s.pool, "bob", PASSWORD).await;
        let e = forgot(&app, &s, "bob").await.unwrap_err();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
    }

    async fn legacy_clients_report_unknown_users(app) {
        let s = setup(&app, false).await;
        let e = forgot(&app, &s, "nobody").await.unwrap_err();
        assert!(e.is_user_not_found_exception(), "{e:?}");
        let e = confirm_forgot(&app, &s, "nobody", "123456", NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_user_not_found_exception(), "{e:?}");
    }

    async fn hiding_clients_give_unknown_and_disabled_users_plausible_answers(app) {
        let s = setup(&app, true).await;
        let real = forgot(&app, &s, "alice").await.unwrap();
        let fake = forgot(&app, &s, "nobody").await.unwrap();
        let again = forgot(&app, &s, "nobody").await.unwrap();
        let (r, f) = (real.code_delivery_details().unwrap(), fake.code_delivery_details().unwrap());
        assert_eq!(f.delivery_medium(), r.delivery_medium());
        assert_eq!(f.attribute_name(), r.attribute_name());
        assert_eq!(f.destination().map(str::len), r.destination().map(str::len));
        assert_eq!(again.code_delivery_details(), fake.code_delivery_details());
        let e = confirm_forgot(&app, &s, "nobody", "123456", NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");

        app.idp.admin_disable_user().user_pool_id(&s.pool).username("alice").send().await.unwrap();
        let before = app.outbox(&s.pool).await.len();
        let disabled = forgot(&app, &s, "alice").await.unwrap();
        assert!(disabled.code_delivery_details().is_some());
        assert_eq!(app.outbox(&s.pool).await.len(), before, "nothing is sent to a disabled user");
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        let e = confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
    }

    async fn admin_reset_requires_a_reset_that_forgot_password_completes(app) {
        let s = setup(&app, false).await;
        app.idp.admin_reset_user_password().user_pool_id(&s.pool).username("alice").send().await.unwrap();
        let user = app.idp.admin_get_user().user_pool_id(&s.pool).username("alice").send().await.unwrap();
        assert_eq!(user.user_status().map(|s| s.as_str()), Some("RESET_REQUIRED"));
        let e = sign_in(&app, &s, "alice", PASSWORD).await.unwrap_err();
        assert!(e.is_password_reset_required_exception(), "{e:?}");

        // AdminResetUserPassword already sent a code; ForgotPassword sends a newer one.
        let sent = app.last_code_to(&s.pool, "alice@example.com").await;
        forgot(&app, &s, "alice").await.unwrap();
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        if code != sent {
            let e = confirm_forgot(&app, &s, "alice", &sent, NEW_PASSWORD).await.unwrap_err();
            assert!(e.is_code_mismatch_exception(), "{e:?}");
        }
        confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap();
        sign_in(&app, &s, "alice", NEW_PASSWORD).await.unwrap();
        let user = app.idp.admin_get_user().user_pool_id(&s.pool).username("alice").send().await.unwrap();
        assert_eq!(user.user_status().map(|s| s.as_str()), Some("CONFIRMED"));
    }

    async fn the_code_sent_by_admin_reset_user_password_works(app) {
        let s = setup(&app, false).await;
        app.idp.admin_reset_user_password().user_pool_id(&s.pool).username("alice").send().await.unwrap();
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap();
        sign_in(&app, &s, "alice", NEW_PASSWORD).await.unwrap();
    }

    async fn confirm_forgot_password_clears_the_lockout(app) {
        let s = setup(&app, false).await;
        for _ in 0..6 {
            let _ = sign_in(&app, &s, "alice", "Wr0ng-Passw0rd!").await;
        }
        let e = sign_in(&app, &s, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(e.meta().message(), Some("Password attempts exceeded"), "{e:?}");
        forgot(&app, &s, "alice").await.unwrap();
        let code = app.last_code_to(&s.pool, "alice@example.com").await;
        confirm_forgot(&app, &s, "alice", &code, NEW_PASSWORD).await.unwrap();
        sign_in(&app, &s, "alice", NEW_PASSWORD).await.unwrap();
    }
}
