//! Sign-in with the AWS SDK: password, SRP, NEW_PASSWORD_REQUIRED, refresh, revocation,
//! lockout, and the attacks a reviewer tries first.

use crate::helpers::TestApp;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType as F,
};
use cognate_core::srp::client::{ClaimInput, ClientEphemeral, password_claim_signature};
use cognate_core::srp::format_timestamp;
use std::collections::HashMap;

pub const PASSWORD: &str = "Corr3ct-Horse!";

/// A pool, a client with every password flow, and a confirmed user `alice`.
pub struct Fixture {
    pub pool: String,
    pub client: String,
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let pool = app.create_pool("signin").await;
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    create_user(app, &pool, "alice", PASSWORD).await;
    Fixture { pool, client }
}

pub async fn create_user(app: &TestApp, pool: &str, name: &str, password: &str) {
    app.idp
        .admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    app.idp
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

pub async fn password_sign_in(
    app: &TestApp,
    f: &Fixture,
    user: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
> {
    app.idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

/// Runs USER_SRP_AUTH to the end with Cognate's SRP client; returns the final response.
pub async fn srp_sign_in(app: &TestApp, f: &Fixture, user: &str, password: &str) -> Result<aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput, String>{
    let eph = ClientEphemeral::generate();
    let start = app
        .idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("SRP_A", &eph.public_a_hex)
        .send()
        .await
        .map_err(|e| format!("{:?}", e.into_service_error()))?;
    assert_eq!(
        start.challenge_name(),
        Some(&ChallengeNameType::PasswordVerifier)
    );
    let p: &HashMap<String, String> = start.challenge_parameters().unwrap();
    let timestamp = format_timestamp(app.clock_now_secs());
    let realm = f.pool.split_once('_').unwrap().1;
    let signature = password_claim_signature(
        &eph,
        &ClaimInput {
            realm,
            user_id: &p["USER_ID_FOR_SRP"],
            password,
            salt_hex: &p["SALT"],
            public_b_hex: &p["SRP_B"],
            secret_block_b64: &p["SECRET_BLOCK"],
            timestamp: &timestamp,
        },
    )
    .unwrap();
    app.idp
        .respond_to_auth_challenge()
        .client_id(&f.client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &p["USERNAME"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .send()
        .await
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

backend_tests! {
    async fn user_password_auth_returns_tokens(app) {
        let f = fixture(&app).await;
        let out = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let r = out.authentication_result().unwrap();
        assert_eq!(r.token_type(), Some("Bearer"));
        assert_eq!(r.expires_in(), 3600);
        assert!(r.id_token().is_some() && r.access_token().is_some() && r.refresh_token().is_some());
    }

    async fn wrong_password_is_not_authorized(app) {
        let f = fixture(&app).await;
        let err = password_sign_in(&app, &f, "alice", "Wr0ng-password!").await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
    }

    async fn user_srp_auth_signs_in(app) {
        let f = fixture(&app).await;
        let out = srp_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        assert!(out.authentication_result().unwrap().access_token().is_some());
        let err = srp_sign_in(&app, &f, "alice", "Wr0ng-password!").await.unwrap_err();
        assert!(err.contains("NotAuthorizedException"), "{err}");
    }
}
