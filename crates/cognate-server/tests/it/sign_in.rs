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

fn claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

async fn set_client(
    app: &TestApp,
    f: &Fixture,
    tweak: impl FnOnce(aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::builders::UpdateUserPoolClientFluentBuilder) -> aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::builders::UpdateUserPoolClientFluentBuilder,
) {
    let base = app
        .idp
        .update_user_pool_client()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth);
    tweak(base).send().await.unwrap();
}

async fn refresh(
    app: &TestApp,
    f: &Fixture,
    token: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
> {
    app.idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token)
        .send()
        .await
        .map_err(|e| e.into_service_error())
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

    async fn tokens_carry_cognitos_claims_and_verify_against_the_jwks(app) {
        let f = fixture(&app).await;
        app.idp.create_group().user_pool_id(&f.pool).group_name("admins").precedence(1).role_arn("arn:aws:iam::000000000000:role/Admin").send().await.unwrap();
        app.idp.admin_add_user_to_group().user_pool_id(&f.pool).username("alice").group_name("admins").send().await.unwrap();
        app.idp.admin_update_user_attributes().user_pool_id(&f.pool).username("alice")
            .user_attributes(aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name("email").value("alice@example.com").build().unwrap())
            .user_attributes(aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name("email_verified").value("true").build().unwrap())
            .send().await.unwrap();
        let out = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let r = out.authentication_result().unwrap();
        let id = claims(r.id_token().unwrap());
        let access = claims(r.access_token().unwrap());
        let iss = format!("{}/{}", app.url, f.pool);
        assert_eq!(id["iss"], iss.as_str());
        assert_eq!(id["token_use"], "id");
        assert_eq!(id["aud"], f.client.as_str());
        assert_eq!(id["cognito:username"], "alice");
        assert_eq!(id["email_verified"], true);
        assert_eq!(id["cognito:groups"], serde_json::json!(["admins"]));
        assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::000000000000:role/Admin");
        assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 3600);
        assert_eq!(access["token_use"], "access");
        assert_eq!(access["client_id"], f.client.as_str());
        assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
        assert_eq!(access["username"], "alice");
        assert!(access.get("aud").is_none());
        assert_eq!(access["origin_jti"], id["origin_jti"]);
        assert_eq!(access["sub"], id["sub"]);
        // Verify both with the JWKS the server publishes.
        let jwks: serde_json::Value = reqwest::get(format!("{iss}/.well-known/jwks.json")).await.unwrap().json().await.unwrap();
        let keys = jwks["keys"].as_array().unwrap().clone();
        assert_eq!(keys.len(), 2);
        let now = app.clock_now_secs();
        cognate_core::token::verify(r.id_token().unwrap(), &keys, now).unwrap();
        cognate_core::token::verify(r.access_token().unwrap(), &keys, now).unwrap();
        let discovery: serde_json::Value = reqwest::get(format!("{iss}/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
        assert_eq!(discovery["issuer"], iss.as_str());
        assert_eq!(discovery["jwks_uri"], format!("{iss}/.well-known/jwks.json").as_str());
    }

    async fn admin_password_auth_accepts_the_legacy_flow_name(app) {
        let f = fixture(&app).await;
        for flow in [AuthFlowType::AdminUserPasswordAuth, AuthFlowType::AdminNoSrpAuth] {
            let out = app.idp.admin_initiate_auth().user_pool_id(&f.pool).client_id(&f.client).auth_flow(flow)
                .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", PASSWORD).send().await.unwrap();
            assert!(out.authentication_result().is_some());
        }
    }

    async fn flow_not_enabled_on_the_client_is_refused(app) {
        let f = fixture(&app).await;
        set_client(&app, &f, |b| b.set_explicit_auth_flows(Some(vec![F::AllowUserSrpAuth, F::AllowRefreshTokenAuth]))).await;
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert_eq!(err.meta().message(), Some("USER_PASSWORD_AUTH flow not enabled for this client"));
    }

    async fn unknown_user_is_hidden_only_when_the_client_asks(app) {
        let f = fixture(&app).await;
        let err = password_sign_in(&app, &f, "nobody", PASSWORD).await.unwrap_err();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        set_client(&app, &f, |b| b.prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled)).await;
        let err = password_sign_in(&app, &f, "nobody", PASSWORD).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        // SRP gives a plausible challenge for an unknown user, the same salt each time.
        let a = ClientEphemeral::generate();
        let c1 = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "nobody").auth_parameters("SRP_A", &a.public_a_hex).send().await.unwrap();
        let c2 = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "nobody").auth_parameters("SRP_A", &a.public_a_hex).send().await.unwrap();
        let (p1, p2) = (c1.challenge_parameters().unwrap(), c2.challenge_parameters().unwrap());
        assert_eq!(p1["SALT"], p2["SALT"]);
        assert_eq!(p1["USER_ID_FOR_SRP"], p2["USER_ID_FOR_SRP"]);
        let err = srp_sign_in(&app, &f, "nobody", PASSWORD).await.unwrap_err();
        assert!(err.contains("NotAuthorizedException"), "{err}");
    }

    async fn disabled_and_unconfirmed_users_are_refused_before_the_password(app) {
        let f = fixture(&app).await;
        app.idp.admin_disable_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let err = password_sign_in(&app, &f, "alice", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("User is disabled."));
    }

    async fn five_failures_lock_the_account_with_doubling_waits(app) {
        let f = fixture(&app).await;
        for _ in 0..5 {
            let err = password_sign_in(&app, &f, "alice", "wrong-Passw0rd!").await.unwrap_err();
            assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        }
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
        app.clock.advance_secs(1);
        let err = password_sign_in(&app, &f, "alice", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        // The sixth failure locks for 2 s.
        app.clock.advance_secs(1);
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
        app.clock.advance_secs(1);
        assert!(password_sign_in(&app, &f, "alice", PASSWORD).await.is_ok());
        // Success resets the counter.
        let err = password_sign_in(&app, &f, "alice", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
    }

    // With existence hidden, a name no user has locks exactly like a real account, by
    // password and by SRP, so the lockout answer reveals nothing.
    async fn hidden_existence_locks_unknown_names_like_real_users(app) {
        let f = fixture(&app).await;
        set_client(&app, &f, |b| b.prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled)).await;
        let srp_start = |name: &'static str| {
            let a = ClientEphemeral::generate();
            app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
                .auth_parameters("USERNAME", name).auth_parameters("SRP_A", a.public_a_hex).send()
        };
        let mut answers = Vec::new();
        for name in ["alice", "nobody"] {
            let mut seen = Vec::new();
            for _ in 0..6 {
                let err = password_sign_in(&app, &f, name, "wrong-Passw0rd!").await.unwrap_err();
                seen.push(err.meta().message().unwrap_or_default().to_owned());
            }
            let err = srp_start(name).await.unwrap_err().into_service_error();
            seen.push(err.meta().message().unwrap_or_default().to_owned());
            answers.push(seen);
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0][4], "Incorrect username or password.");
        assert_eq!(answers[0][5..], ["Password attempts exceeded", "Password attempts exceeded"]);
        // Counted per name, and the lock runs out as a user's does.
        let err = password_sign_in(&app, &f, "somebody", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        // (This pool's usernames are case-sensitive, so NOBODY is another name.)
        let err = password_sign_in(&app, &f, "NOBODY", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        app.clock.advance_secs(1);
        let err = password_sign_in(&app, &f, "nobody", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        let err = password_sign_in(&app, &f, "nobody", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"), "the sixth failure locks for 2 s");
        // Wrong answers to an unknown name's simulated SRP challenge count too.
        for _ in 0..5 {
            let err = srp_sign_in(&app, &f, "ghost", "wrong-Passw0rd!").await.unwrap_err();
            assert!(err.contains("Incorrect username or password."), "{err}");
        }
        let err = srp_start("ghost").await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
        let err = password_sign_in(&app, &f, "ghost", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
    }

    // With existence hidden, SRP tells a disabled account apart only after a right
    // password proof, as the password flow does, and its answers count.
    async fn hidden_existence_srp_checks_status_after_the_proof(app) {
        let f = fixture(&app).await;
        set_client(&app, &f, |b| b.prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled)).await;
        app.idp.admin_disable_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let err = srp_sign_in(&app, &f, "alice", "wrong-Passw0rd!").await.unwrap_err();
        assert!(err.contains("Incorrect username or password."), "{err}");
        let err = srp_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert!(err.contains("User is disabled."), "{err}");
    }

    // Usernames the pool compares without case share one unknown-name counter.
    async fn unknown_name_counters_follow_the_pools_username_rules(app) {
        use aws_sdk_cognitoidentityprovider::types::{PreventUserExistenceErrorTypes, UsernameConfigurationType};
        let pool = app.idp.create_user_pool().pool_name("anycase")
            .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        let client = app.idp.create_user_pool_client().user_pool_id(&pool).client_name("web")
            .explicit_auth_flows(F::AllowUserPasswordAuth).explicit_auth_flows(F::AllowRefreshTokenAuth)
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .send().await.unwrap().user_pool_client.unwrap().client_id.unwrap();
        let f = Fixture { pool, client };
        for name in ["ghost", "Ghost", "GHOST", "gHoSt", "ghosT"] {
            let err = password_sign_in(&app, &f, name, "wrong-Passw0rd!").await.unwrap_err();
            assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        }
        let err = password_sign_in(&app, &f, "GhOsT", "wrong-Passw0rd!").await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
    }

    async fn parallel_wrong_guesses_cannot_slip_past_the_limit(app) {
        let f = fixture(&app).await;
        let mut handles = Vec::new();
        for _ in 0..20 {
            let (client, cid) = (app.idp.clone(), f.client.clone());
            handles.push(tokio::spawn(async move {
                client.initiate_auth().client_id(cid).auth_flow(AuthFlowType::UserPasswordAuth)
                    .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", "wrong-Passw0rd!")
                    .send().await.unwrap_err().into_service_error().meta().message().unwrap_or_default().to_owned()
            }));
        }
        let mut checked = 0;
        for h in handles {
            if h.await.unwrap() == "Incorrect username or password." {
                checked += 1;
            }
        }
        assert!(checked <= 5, "{checked} guesses were checked");
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
    }

    async fn new_password_required_asks_for_missing_required_attributes(app) {
        let pool = app.idp.create_user_pool().pool_name("np")
            .schema(aws_sdk_cognitoidentityprovider::types::SchemaAttributeType::builder().name("name").required(true).build())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        let client = app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c").explicit_auth_flows(F::AllowUserPasswordAuth)
            .explicit_auth_flows(F::AllowRefreshTokenAuth).send().await.unwrap().user_pool_client.unwrap().client_id.unwrap();
        app.idp.admin_create_user().user_pool_id(&pool).username("bob").temporary_password("Temp-Passw0rd!")
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress).send().await.unwrap();
        let f = Fixture { pool: pool.clone(), client: client.clone() };
        let out = password_sign_in(&app, &f, "bob", "Temp-Passw0rd!").await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
        let params = out.challenge_parameters().unwrap();
        let required: Vec<String> = serde_json::from_str(&params["requiredAttributes"]).unwrap();
        assert_eq!(required, vec!["userAttributes.name".to_string()]);
        let _: serde_json::Value = serde_json::from_str(&params["userAttributes"]).unwrap();
        let session = out.session().unwrap().to_owned();
        let missing = app.idp.respond_to_auth_challenge().client_id(&client).challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session).challenge_responses("USERNAME", "bob").challenge_responses("NEW_PASSWORD", "Brand-new-Passw0rd!")
            .send().await.unwrap_err().into_service_error();
        assert!(missing.is_invalid_parameter_exception(), "{missing:?}");
        // That failed answer did not consume a usable session: a fresh sign-in gives a new one.
        let out = password_sign_in(&app, &f, "bob", "Temp-Passw0rd!").await.unwrap();
        let session = out.session().unwrap().to_owned();
        let done = app.idp.respond_to_auth_challenge().client_id(&client).challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session).challenge_responses("USERNAME", "bob").challenge_responses("NEW_PASSWORD", "Brand-new-Passw0rd!")
            .challenge_responses("userAttributes.name", "Bob").send().await.unwrap();
        assert!(done.authentication_result().is_some());
        // The session cannot be replayed.
        let replay = app.idp.respond_to_auth_challenge().client_id(&client).challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session).challenge_responses("USERNAME", "bob").challenge_responses("NEW_PASSWORD", "Other-Passw0rd!")
            .challenge_responses("userAttributes.name", "Bob").send().await.unwrap_err().into_service_error();
        assert_eq!(replay.meta().message(), Some("Invalid session for the user, session can only be used once."));
        let user = app.idp.admin_get_user().user_pool_id(&pool).username("bob").send().await.unwrap();
        assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
        assert!(password_sign_in(&app, &f, "bob", "Brand-new-Passw0rd!").await.is_ok());
    }

    async fn forged_or_foreign_sessions_are_refused(app) {
        let f = fixture(&app).await;
        for session in ["A".repeat(40), "not-a-session-at-all-but-long-enough".into()] {
            let err = app.idp.respond_to_auth_challenge().client_id(&f.client).challenge_name(ChallengeNameType::NewPasswordRequired)
                .session(&session).challenge_responses("USERNAME", "alice").challenge_responses("NEW_PASSWORD", "Brand-new-Passw0rd!")
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_not_authorized_exception(), "{err:?}");
        }
    }

    async fn srp_rejects_malicious_client_values(app) {
        let f = fixture(&app).await;
        let n_hex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
        for a in ["0", n_hex, "zz"] {
            let err = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
                .auth_parameters("USERNAME", "alice").auth_parameters("SRP_A", a).send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{a:.8}: {err:?}");
        }
    }

    async fn a_secret_block_cannot_be_replayed(app) {
        let f = fixture(&app).await;
        let eph = ClientEphemeral::generate();
        let start = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "alice").auth_parameters("SRP_A", &eph.public_a_hex).send().await.unwrap();
        let p = start.challenge_parameters().unwrap().clone();
        let ts = format_timestamp(app.clock_now_secs());
        let sig = password_claim_signature(&eph, &ClaimInput { realm: f.pool.split_once('_').unwrap().1, user_id: &p["USER_ID_FOR_SRP"], password: PASSWORD,
            salt_hex: &p["SALT"], public_b_hex: &p["SRP_B"], secret_block_b64: &p["SECRET_BLOCK"], timestamp: &ts }).unwrap();
        let respond = || app.idp.respond_to_auth_challenge().client_id(&f.client).challenge_name(ChallengeNameType::PasswordVerifier)
            .challenge_responses("USERNAME", &p["USERNAME"]).challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", &sig).challenge_responses("TIMESTAMP", &ts).send();
        assert!(respond().await.is_ok());
        let err = respond().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn refresh_keeps_the_family_and_auth_time(app) {
        let f = fixture(&app).await;
        let first = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let r = first.authentication_result().unwrap();
        app.clock.advance_secs(120);
        let again = refresh(&app, &f, r.refresh_token().unwrap()).await.unwrap();
        let r2 = again.authentication_result().unwrap();
        assert!(r2.refresh_token().is_none());
        let (a, b) = (claims(r.access_token().unwrap()), claims(r2.access_token().unwrap()));
        assert_eq!(a["origin_jti"], b["origin_jti"]);
        assert_eq!(a["auth_time"], b["auth_time"]);
        assert_ne!(a["jti"], b["jti"]);
        assert_eq!(b["iat"].as_i64().unwrap() - a["iat"].as_i64().unwrap(), 120);
    }

    async fn a_refresh_token_works_only_for_its_own_client(app) {
        let f = fixture(&app).await;
        let other = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("other").explicit_auth_flows(F::AllowRefreshTokenAuth)
            .send().await.unwrap().user_pool_client.unwrap().client_id.unwrap();
        let first = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let token = first.authentication_result().unwrap().refresh_token().unwrap().to_owned();
        let g = Fixture { pool: f.pool.clone(), client: other };
        let err = refresh(&app, &g, &token).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Invalid Refresh Token"));
        assert!(refresh(&app, &f, "garbage").await.is_err());
    }

    async fn revoke_token_ends_that_session_only(app) {
        let f = fixture(&app).await;
        let one = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let two = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let (r1, r2) = (one.authentication_result().unwrap(), two.authentication_result().unwrap());
        app.idp.revoke_token().client_id(&f.client).token(r1.refresh_token().unwrap()).send().await.unwrap();
        let err = refresh(&app, &f, r1.refresh_token().unwrap()).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Refresh Token has been revoked"));
        assert!(refresh(&app, &f, r2.refresh_token().unwrap()).await.is_ok());
        let err = app.idp.revoke_token().client_id(&f.client).token(r2.access_token().unwrap()).send().await.unwrap_err().into_service_error();
        assert!(err.is_unsupported_token_type_exception(), "{err:?}");
    }

    async fn global_sign_out_revokes_every_session(app) {
        let f = fixture(&app).await;
        let one = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let r1 = one.authentication_result().unwrap();
        app.idp.global_sign_out().access_token(r1.access_token().unwrap()).send().await.unwrap();
        let err = refresh(&app, &f, r1.refresh_token().unwrap()).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let err = app.idp.global_sign_out().access_token(r1.access_token().unwrap()).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Access Token has been revoked"));
        // A new sign-in in the same second works.
        let fresh = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        app.idp.admin_user_global_sign_out().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let err = refresh(&app, &f, fresh.authentication_result().unwrap().refresh_token().unwrap()).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn refresh_token_rotation_with_grace_period(app) {
        let f = fixture(&app).await;
        set_client(&app, &f, |b| b.refresh_token_rotation(aws_sdk_cognitoidentityprovider::types::RefreshTokenRotationType::builder()
            .feature(aws_sdk_cognitoidentityprovider::types::FeatureType::Enabled).retry_grace_period_seconds(10).build().unwrap())).await;
        let first = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let old = first.authentication_result().unwrap().refresh_token().unwrap().to_owned();
        let err = refresh(&app, &f, &old).await.unwrap_err();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let rotated = app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(&old).send().await.unwrap();
        let new = rotated.authentication_result().unwrap().refresh_token().unwrap().to_owned();
        assert_ne!(new, old);
        app.clock.advance_secs(5);
        assert!(app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(&old).send().await.is_ok());
        app.clock.advance_secs(10);
        let err = app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(&old).send().await.unwrap_err().into_service_error();
        assert!(err.is_refresh_token_reuse_exception(), "{err:?}");
        // Reuse revoked the whole family, including the newest token.
        let err = app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(&new).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn secret_clients_need_a_valid_secret_hash(app) {
        let f = fixture(&app).await;
        let c = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("secret").generate_secret(true)
            .explicit_auth_flows(F::AllowUserPasswordAuth).explicit_auth_flows(F::AllowRefreshTokenAuth)
            .send().await.unwrap().user_pool_client.unwrap();
        let (id, secret) = (c.client_id.unwrap(), c.client_secret.unwrap());
        let g = Fixture { pool: f.pool.clone(), client: id.clone() };
        let err = password_sign_in(&app, &g, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(err.meta().message(), Some(format!("Client {id} is configured with secret but SECRET_HASH was not received").as_str()));
        let hash = cognate_core::auth::client::secret_hash(&secret, "alice", &id);
        let ok = app.idp.initiate_auth().client_id(&id).auth_flow(AuthFlowType::UserPasswordAuth).auth_parameters("USERNAME", "alice")
            .auth_parameters("PASSWORD", PASSWORD).auth_parameters("SECRET_HASH", &hash).send().await.unwrap();
        let refresh_token = ok.authentication_result().unwrap().refresh_token().unwrap().to_owned();
        let bad = app.idp.initiate_auth().client_id(&id).auth_flow(AuthFlowType::UserPasswordAuth).auth_parameters("USERNAME", "alice")
            .auth_parameters("PASSWORD", PASSWORD).auth_parameters("SECRET_HASH", "AAAA").send().await.unwrap_err().into_service_error();
        assert_eq!(bad.meta().message(), Some(format!("Unable to verify secret hash for client {id}").as_str()));
        let refreshed = app.idp.initiate_auth().client_id(&id).auth_flow(AuthFlowType::RefreshTokenAuth).auth_parameters("REFRESH_TOKEN", &refresh_token)
            .auth_parameters("SECRET_HASH", &hash).send().await;
        assert!(refreshed.is_ok(), "{refreshed:?}");
    }

    async fn key_rotation_keeps_old_tokens_verifiable(app) {
        let f = fixture(&app).await;
        let before = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let old_access = before.authentication_result().unwrap().access_token().unwrap().to_owned();
        app.core.rotate_signing_keys(&f.pool).await.unwrap();
        let jwks: serde_json::Value = reqwest::get(format!("{}/{}/.well-known/jwks.json", app.url, f.pool)).await.unwrap().json().await.unwrap();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 4);
        let after = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let new_access = after.authentication_result().unwrap().access_token().unwrap().to_owned();
        let kid = |t: &str| { use base64::Engine; let h: serde_json::Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(t.split('.').next().unwrap()).unwrap()).unwrap(); h["kid"].clone() };
        assert_ne!(kid(&old_access), kid(&new_access));
        app.idp.global_sign_out().access_token(&new_access).send().await.unwrap();
        let _ = old_access;
    }
}
