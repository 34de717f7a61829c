//! Self-service sign-up with the AWS SDK: SignUp, ConfirmSignUp and
//! ResendConfirmationCode, their limits, SECRET_HASH, and the pool settings that
//! shape them (admin-only creation, required attributes, email as username, aliases).

use crate::helpers::TestApp;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AliasAttributeType, AttributeType, AuthFlowType,
    ExplicitAuthFlowsType as F, PreventUserExistenceErrorTypes, SchemaAttributeType,
    UsernameAttributeType, VerifiedAttributeType,
};

pub const PASSWORD: &str = "Sign-Up-Passw0rd!";

/// A pool (shaped by `tweak`) and a password-auth client.
pub struct SelfService {
    pub pool: String,
    pub client: String,
    pub secret: Option<String>,
}

pub async fn self_service(
    app: &TestApp,
    secret: bool,
    hide: bool,
    tweak: impl FnOnce(CreateUserPoolFluentBuilder) -> CreateUserPoolFluentBuilder,
) -> SelfService {
    let pool = tweak(app.idp.create_user_pool().pool_name("self-service"))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .generate_secret(secret)
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(if hide {
            PreventUserExistenceErrorTypes::Enabled
        } else {
            PreventUserExistenceErrorTypes::Legacy
        })
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    SelfService {
        pool,
        client: client.client_id.unwrap(),
        secret: client.client_secret,
    }
}

/// A pool that auto-verifies email, with a LEGACY client without a secret.
pub async fn email_pool(app: &TestApp) -> SelfService {
    self_service(app, false, false, |b| {
        b.auto_verified_attributes(VerifiedAttributeType::Email)
    })
    .await
}

/// `Base64(HMAC-SHA256(secret, username ‖ clientId))`, computed independently of Cognate.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

pub async fn sign_up(
    app: &TestApp,
    s: &SelfService,
    username: &str,
    email: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpOutput,
    aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpError,
> {
    app.idp
        .sign_up()
        .client_id(&s.client)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

pub async fn confirm(
    app: &TestApp,
    s: &SelfService,
    username: &str,
    code: &str,
) -> Result<(), aws_sdk_cognitoidentityprovider::operation::confirm_sign_up::ConfirmSignUpError> {
    app.idp
        .confirm_sign_up()
        .client_id(&s.client)
        .username(username)
        .confirmation_code(code)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error())
}

async fn resend(
    app: &TestApp,
    s: &SelfService,
    username: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::resend_confirmation_code::ResendConfirmationCodeOutput,
    aws_sdk_cognitoidentityprovider::operation::resend_confirmation_code::ResendConfirmationCodeError,
>{
    app.idp
        .resend_confirmation_code()
        .client_id(&s.client)
        .username(username)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

pub async fn sign_in(
    app: &TestApp,
    s: &SelfService,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
> {
    app.idp
        .initiate_auth()
        .client_id(&s.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn user_attribute(app: &TestApp, pool: &str, username: &str, name: &str) -> Option<String> {
    app.idp
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value().map(str::to_owned))
}

fn wrong(code: &str) -> String {
    if code == "000000" { "111111" } else { "000000" }.into()
}

backend_tests! {
    async fn sign_up_then_confirm_allows_password_sign_in(app) {
        let s = email_pool(&app).await;
        let out = sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        assert!(!out.user_confirmed());
        assert!(uuid::Uuid::parse_str(out.user_sub()).is_ok());
        let details = out.code_delivery_details().unwrap();
        assert_eq!(details.destination(), Some("b***@e***"));
        assert_eq!(details.delivery_medium().map(|m| m.as_str()), Some("EMAIL"));
        assert_eq!(details.attribute_name(), Some("email"));
        let status = app.idp.admin_get_user().user_pool_id(&s.pool).username("bob").send().await.unwrap();
        assert_eq!(status.user_status().map(|s| s.as_str()), Some("UNCONFIRMED"));

        // Cognito answers UserNotConfirmed before it looks at the password.
        let e = sign_in(&app, &s, "bob", "wrong-Passw0rd!").await.unwrap_err();
        assert!(e.is_user_not_confirmed_exception(), "{e:?}");
        let e = sign_in(&app, &s, "bob", PASSWORD).await.unwrap_err();
        assert!(e.is_user_not_confirmed_exception(), "{e:?}");

        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        confirm(&app, &s, "bob", &code).await.unwrap();
        let tokens = sign_in(&app, &s, "bob", PASSWORD).await.unwrap();
        assert!(tokens.authentication_result().and_then(|r| r.access_token()).is_some());
        assert_eq!(user_attribute(&app, &s.pool, "bob", "email_verified").await.as_deref(), Some("true"));

        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("User cannot be confirmed. Current status is CONFIRMED"));
    }

    async fn confirm_sign_up_with_wrong_code_returns_code_mismatch(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        let e = confirm(&app, &s, "bob", &wrong(&code)).await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("Invalid verification code provided, please try again."));
        confirm(&app, &s, "bob", &code).await.unwrap();
    }

    async fn confirm_sign_up_after_a_day_returns_expired_code(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        app.clock.advance_secs(25 * 3600);
        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_expired_code_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("Invalid code provided, please request a code again."));
        resend(&app, &s, "bob").await.unwrap();
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        confirm(&app, &s, "bob", &code).await.unwrap();
    }

    async fn a_code_stops_working_after_five_wrong_guesses(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        for _ in 0..5 {
            let e = confirm(&app, &s, "bob", &wrong(&code)).await.unwrap_err();
            assert!(e.is_code_mismatch_exception(), "{e:?}");
        }
        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_limit_exceeded_exception(), "{e:?}");
        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_expired_code_exception(), "{e:?}");
    }

    async fn confirm_sign_up_allows_fifteen_attempts_an_hour(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        for round in 0..3 {
            if round > 0 {
                resend(&app, &s, "bob").await.unwrap();
            }
            let code = app.last_code_to(&s.pool, "bob@example.com").await;
            for _ in 0..5 {
                let e = confirm(&app, &s, "bob", &wrong(&code)).await.unwrap_err();
                assert!(e.is_code_mismatch_exception(), "{e:?}");
            }
        }
        resend(&app, &s, "bob").await.unwrap();
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_limit_exceeded_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("Attempt limit exceeded, please try after some time."));
        app.clock.advance_secs(3601);
        confirm(&app, &s, "bob", &code).await.unwrap();
    }

    async fn resend_confirmation_code_allows_five_an_hour(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        for _ in 0..5 {
            let out = resend(&app, &s, "bob").await.unwrap();
            assert_eq!(out.code_delivery_details().and_then(|d| d.destination()), Some("b***@e***"));
        }
        let e = resend(&app, &s, "bob").await.unwrap_err();
        assert!(e.is_limit_exceeded_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("Attempt limit exceeded, please try after some time."));
        // Only the newest code works.
        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        confirm(&app, &s, "bob", &code).await.unwrap();
        app.clock.advance_secs(3601);
        let e = resend(&app, &s, "bob").await.unwrap_err();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("User is already confirmed."));
    }

    async fn secret_hash_is_required_and_verified_for_clients_with_a_secret(app) {
        let s = self_service(&app, true, false, |b| b.auto_verified_attributes(VerifiedAttributeType::Email)).await;
        let secret = s.secret.clone().unwrap();
        let base = || app.idp.sign_up().client_id(&s.client).username("bob").password(PASSWORD).user_attributes(attr("email", "bob@example.com"));
        let e = base().send().await.unwrap_err().into_service_error();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.meta().message().unwrap(), format!("Client {} is configured with secret but SECRET_HASH was not received", s.client));
        let e = base().secret_hash(secret_hash(&secret, "alice", &s.client)).send().await.unwrap_err().into_service_error();
        assert_eq!(e.meta().message().unwrap(), format!("Unable to verify secret hash for client {}", s.client));
        base().secret_hash(secret_hash(&secret, "bob", &s.client)).send().await.unwrap();

        let code = app.last_code_to(&s.pool, "bob@example.com").await;
        let e = confirm(&app, &s, "bob", &code).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        app.idp.confirm_sign_up().client_id(&s.client).username("bob").confirmation_code(&code)
            .secret_hash(secret_hash(&secret, "bob", &s.client)).send().await.unwrap();
    }

    async fn sign_up_is_refused_when_only_admins_create_users(app) {
        let s = self_service(&app, false, false, |b| {
            b.admin_create_user_config(AdminCreateUserConfigType::builder().allow_admin_create_user_only(true).build())
        }).await;
        let e = sign_up(&app, &s, "bob", "bob@example.com").await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("SignUp is not permitted for this user pool"));
    }

    async fn sign_up_without_a_required_attribute_returns_invalid_parameter(app) {
        let s = self_service(&app, false, false, |b| {
            b.schema(SchemaAttributeType::builder().name("given_name").required(true).build())
        }).await;
        let e = sign_up(&app, &s, "bob", "bob@example.com").await.unwrap_err();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
        assert!(e.meta().message().unwrap().contains("given_name"), "{e:?}");
        app.idp.sign_up().client_id(&s.client).username("bob").password(PASSWORD)
            .user_attributes(attr("given_name", "Bob")).send().await.unwrap();
    }

    async fn sign_up_refuses_passwords_that_break_the_policy(app) {
        let s = email_pool(&app).await;
        let e = app.idp.sign_up().client_id(&s.client).username("bob").password("password")
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_password_exception(), "{e:?}");
        let e = app.idp.sign_up().client_id(&s.client).username("bob")
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
    }

    async fn clients_cannot_mark_their_own_email_verified(app) {
        let s = email_pool(&app).await;
        let e = app.idp.sign_up().client_id(&s.client).username("bob").password(PASSWORD)
            .user_attributes(attr("email", "bob@example.com"))
            .user_attributes(attr("email_verified", "true"))
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_not_authorized_exception(), "{e:?}");
    }

    async fn sign_up_with_taken_username_returns_username_exists(app) {
        let s = email_pool(&app).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        let e = sign_up(&app, &s, "bob", "other@example.com").await.unwrap_err();
        assert!(e.is_username_exists_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("User already exists"));
    }

    async fn email_as_username_pools_sign_up_with_the_email(app) {
        let s = self_service(&app, false, false, |b| {
            b.username_attributes(UsernameAttributeType::Email).auto_verified_attributes(VerifiedAttributeType::Email)
        }).await;
        let out = app.idp.sign_up().client_id(&s.client).username("carol@example.com").password(PASSWORD)
            .send().await.unwrap();
        let user = app.idp.admin_get_user().user_pool_id(&s.pool).username("carol@example.com").send().await.unwrap();
        assert_eq!(user.username(), out.user_sub());
        assert_eq!(user_attribute(&app, &s.pool, "carol@example.com", "email").await.as_deref(), Some("carol@example.com"));
        let code = app.last_code_to(&s.pool, "carol@example.com").await;
        confirm(&app, &s, "carol@example.com", &code).await.unwrap();
        sign_in(&app, &s, "carol@example.com", PASSWORD).await.unwrap();

        let e = sign_up(&app, &s, "carol@example.com", "carol@example.com").await.unwrap_err();
        assert!(e.is_username_exists_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("An account with the given email already exists."));
        let e = app.idp.sign_up().client_id(&s.client).username("dave").password(PASSWORD)
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
    }

    async fn alias_pools_refuse_email_usernames_and_taken_aliases_at_confirmation(app) {
        let s = self_service(&app, false, false, |b| {
            b.alias_attributes(AliasAttributeType::Email).auto_verified_attributes(VerifiedAttributeType::Email)
        }).await;
        let e = sign_up(&app, &s, "bob@example.com", "bob@example.com").await.unwrap_err();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");

        sign_up(&app, &s, "bob", "shared@example.com").await.unwrap();
        let bob_code = app.last_code_to(&s.pool, "shared@example.com").await;
        confirm(&app, &s, "bob", &bob_code).await.unwrap();
        // The same email may sign up again; confirming it is what conflicts.
        sign_up(&app, &s, "carol", "shared@example.com").await.unwrap();
        let code = app.last_code_to(&s.pool, "shared@example.com").await;
        let e = confirm(&app, &s, "carol", &code).await.unwrap_err();
        assert!(e.is_alias_exists_exception(), "{e:?}");
        assert_eq!(e.meta().message(), Some("An account with the given email already exists."));
        // The refused attempt did not spend the code.
        app.idp.confirm_sign_up().client_id(&s.client).username("carol").confirmation_code(&code)
            .force_alias_creation(true).send().await.unwrap();
        sign_in(&app, &s, "shared@example.com", PASSWORD).await.unwrap();
        assert_eq!(user_attribute(&app, &s.pool, "bob", "email_verified").await.as_deref(), Some("false"));
        assert_eq!(user_attribute(&app, &s.pool, "carol", "email_verified").await.as_deref(), Some("true"));
    }

    async fn unknown_users_are_hidden_only_when_the_client_asks(app) {
        let legacy = email_pool(&app).await;
        let e = confirm(&app, &legacy, "nobody", "123456").await.unwrap_err();
        assert!(e.is_user_not_found_exception(), "{e:?}");
        let e = resend(&app, &legacy, "nobody").await.unwrap_err();
        assert!(e.is_user_not_found_exception(), "{e:?}");

        let hidden = self_service(&app, false, true, |b| b.auto_verified_attributes(VerifiedAttributeType::Email)).await;
        let e = confirm(&app, &hidden, "nobody", "123456").await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
        let first = resend(&app, &hidden, "nobody").await.unwrap();
        let again = resend(&app, &hidden, "nobody").await.unwrap();
        let d = first.code_delivery_details().unwrap();
        assert_eq!(d.delivery_medium().map(|m| m.as_str()), Some("EMAIL"));
        assert_eq!(d.attribute_name(), Some("email"));
        let dest = d.destination().unwrap();
        assert!(dest.len() == 9 && &dest[1..5] == "***@" && dest.ends_with("***"), "{dest}");
        assert_eq!(again.code_delivery_details(), first.code_delivery_details());
    }

    // With existence hidden, the resend limit is not an oracle either: past it the
    // answer stays the same and nothing more is sent.
    async fn hidden_existence_answers_past_the_resend_limit_as_before(app) {
        let s = self_service(&app, false, true, |b| b.auto_verified_attributes(VerifiedAttributeType::Email)).await;
        sign_up(&app, &s, "bob", "bob@example.com").await.unwrap();
        let sent = app.outbox(&s.pool).await.len();
        for _ in 0..7 {
            let out = resend(&app, &s, "bob").await.unwrap();
            assert_eq!(out.code_delivery_details().and_then(|d| d.destination()), Some("b***@e***"));
        }
        assert_eq!(app.outbox(&s.pool).await.len(), sent + 5, "five resends an hour are sent");
    }
}
