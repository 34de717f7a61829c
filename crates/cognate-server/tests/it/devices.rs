//! Remembered devices with the AWS SDK: `NewDeviceMetadata` after sign-in, `ConfirmDevice`
//! with a device SRP verifier, Get/List/UpdateDeviceStatus/ForgetDevice and their Admin
//! forms, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER replacing MFA for a remembered
//! device, `device_key` in access tokens, refresh bound to the device, and the attacks:
//! another user's device key, a not-remembered or forgotten device, a forged claim
//! signature, replayed sessions and secret blocks, refresh without or with a wrong
//! device key. The device side of SRP is Cognate's test client (`srp::client`);
//! `amazon-cognito-identity-js` drives the whole flow on its own at the end.

use crate::helpers::TestApp;
use crate::oauth::claims;
use crate::sign_in::{PASSWORD, create_user};
use crate::third_party::{node_ready, run};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType as C,
    DeviceConfigurationType, DeviceRememberedStatusType as Status, DeviceSecretVerifierConfigType,
    DeviceType, EmailMfaConfigType, EmailMfaSettingsType, ExplicitAuthFlowsType as F,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_core::srp::client::{ClaimInput, ClientEphemeral, password_claim_signature};
use cognate_core::srp::{format_timestamp, make_verifier};
use serde_json::json;
use std::collections::HashMap;

struct Fx {
    pool: String,
    client: String,
}

/// A device as its client holds it after `ConfirmDevice`.
struct Device {
    key: String,
    group: String,
    password: String,
}

fn email(user: &str) -> String {
    format!("{user}@example.com")
}

/// A pool with `DeviceConfiguration`, a client with every password flow, `alice` and `bob`.
async fn device_pool(app: &TestApp, challenge_on_new: bool, on_prompt: bool) -> Fx {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("devices")
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(challenge_on_new)
                .device_only_remembered_on_user_prompt(on_prompt)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .and_then(|c| c.client_id)
        .unwrap();
    for user in ["alice", "bob"] {
        create_user(app, &pool, user, PASSWORD).await;
    }
    Fx { pool, client }
}

/// Pool MFA OPTIONAL with email codes, and each user's email MFA on and preferred.
async fn email_mfa(app: &TestApp, f: &Fx, users: &[&str]) {
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&f.pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .email_mfa_configuration(
            EmailMfaConfigType::builder()
                .message("Your code is {####}")
                .subject("Code")
                .build(),
        )
        .send()
        .await
        .unwrap();
    for user in users {
        app.idp
            .admin_update_user_attributes()
            .user_pool_id(&f.pool)
            .username(*user)
            .user_attributes(attr("email", &email(user)))
            .user_attributes(attr("email_verified", "true"))
            .send()
            .await
            .unwrap();
        app.idp
            .admin_set_user_mfa_preference()
            .user_pool_id(&f.pool)
            .username(*user)
            .email_mfa_settings(
                EmailMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
}

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// USER_PASSWORD_AUTH, with `DEVICE_KEY` when given.
async fn sign_in(
    app: &TestApp,
    f: &Fx,
    user: &str,
    device: Option<&str>,
) -> aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput {
    let mut params = HashMap::from([
        ("USERNAME".to_owned(), user.to_owned()),
        ("PASSWORD".to_owned(), PASSWORD.to_owned()),
    ]);
    if let Some(d) = device {
        params.insert("DEVICE_KEY".to_owned(), d.to_owned());
    }
    app.idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .set_auth_parameters(Some(params))
        .send()
        .await
        .unwrap()
}

async fn respond(
    app: &TestApp,
    f: &Fx,
    name: C,
    session: Option<&str>,
    answers: &[(&str, &str)],
) -> Result<RespondToAuthChallengeOutput, RespondToAuthChallengeError> {
    let mut req = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&f.client)
        .challenge_name(name)
        .set_session(session.map(str::to_owned));
    for (k, v) in answers {
        req = req.challenge_responses(*k, *v);
    }
    req.send().await.map_err(|e| e.into_service_error())
}

/// Answers the EMAIL_OTP challenge of `session` with the code from the outbox.
async fn answer_email(
    app: &TestApp,
    f: &Fx,
    user: &str,
    session: &str,
    device: Option<&str>,
) -> AuthenticationResultType {
    let code = app.last_code_to(&f.pool, &email(user)).await;
    let mut answers = vec![("USERNAME", user), ("EMAIL_OTP_CODE", code.as_str())];
    if let Some(d) = device {
        answers.push(("DEVICE_KEY", d));
    }
    respond(app, f, C::EmailOtp, Some(session), &answers)
        .await
        .unwrap()
        .authentication_result
        .expect("tokens after the code")
}

/// `ConfirmDevice` with a verifier made like amazon-cognito-identity-js makes it.
async fn confirm(app: &TestApp, result: &AuthenticationResultType, name: &str) -> (Device, bool) {
    let meta = result.new_device_metadata().expect("NewDeviceMetadata");
    let (key, group) = (
        meta.device_key().unwrap().to_owned(),
        meta.device_group_key().unwrap().to_owned(),
    );
    let password = STANDARD.encode(format!("random device password of {key}"));
    let v = make_verifier(&group, &key, &password);
    let out = app
        .idp
        .confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key(&key)
        .device_name(name)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(STANDARD.encode(&v.verifier))
                .salt(STANDARD.encode(hex::decode(&v.salt_hex).unwrap()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    (
        Device {
            key,
            group,
            password,
        },
        out.user_confirmation_necessary(),
    )
}

/// DEVICE_SRP_AUTH with a fresh `A`; returns `a` and the DEVICE_PASSWORD_VERIFIER step.
async fn device_srp_auth(
    app: &TestApp,
    f: &Fx,
    user: &str,
    session: &str,
    d: &Device,
) -> Result<(ClientEphemeral, RespondToAuthChallengeOutput), RespondToAuthChallengeError> {
    let eph = ClientEphemeral::generate();
    let step = respond(
        app,
        f,
        C::DeviceSrpAuth,
        Some(session),
        &[
            ("USERNAME", user),
            ("DEVICE_KEY", &d.key),
            ("SRP_A", &eph.public_a_hex),
        ],
    )
    .await?;
    assert_eq!(step.challenge_name(), Some(&C::DevicePasswordVerifier));
    Ok((eph, step))
}

/// The DEVICE_PASSWORD_VERIFIER answers a client with `password` computes.
fn claim(
    app: &TestApp,
    user: &str,
    d: &Device,
    password: &str,
    eph: &ClientEphemeral,
    step: &RespondToAuthChallengeOutput,
) -> Vec<(String, String)> {
    let p = step.challenge_parameters().unwrap();
    let timestamp = format_timestamp(app.clock_now_secs());
    let signature = password_claim_signature(
        eph,
        &ClaimInput {
            realm: &d.group,
            user_id: &d.key,
            password,
            salt_hex: &p["SALT"],
            public_b_hex: &p["SRP_B"],
            secret_block_b64: &p["SECRET_BLOCK"],
            timestamp: &timestamp,
        },
    )
    .unwrap();
    [
        ("USERNAME", user),
        ("DEVICE_KEY", d.key.as_str()),
        ("PASSWORD_CLAIM_SECRET_BLOCK", p["SECRET_BLOCK"].as_str()),
        ("PASSWORD_CLAIM_SIGNATURE", signature.as_str()),
        ("TIMESTAMP", timestamp.as_str()),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

async fn send_claim(
    app: &TestApp,
    f: &Fx,
    step: &RespondToAuthChallengeOutput,
    answers: &[(String, String)],
) -> Result<RespondToAuthChallengeOutput, RespondToAuthChallengeError> {
    let answers: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    respond(app, f, C::DevicePasswordVerifier, step.session(), &answers).await
}

/// The whole device proof; the tokens it ends with.
async fn prove(
    app: &TestApp,
    f: &Fx,
    user: &str,
    session: &str,
    d: &Device,
) -> AuthenticationResultType {
    let (eph, step) = device_srp_auth(app, f, user, session, d).await.unwrap();
    let answers = claim(app, user, d, &d.password, &eph, &step);
    send_claim(app, f, &step, &answers)
        .await
        .unwrap()
        .authentication_result
        .expect("tokens after the device proof")
}

fn device_claim(result: &AuthenticationResultType) -> Option<String> {
    claims(result.access_token().unwrap())["device_key"]
        .as_str()
        .map(str::to_owned)
}

fn attribute(d: &DeviceType, name: &str) -> Option<String> {
    d.device_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value().map(str::to_owned))
}

async fn get_device(app: &TestApp, f: &Fx, user: &str, key: &str) -> DeviceType {
    app.idp
        .admin_get_device()
        .user_pool_id(&f.pool)
        .username(user)
        .device_key(key)
        .send()
        .await
        .unwrap()
        .device
        .unwrap()
}

fn message<E: ProvideErrorMetadata>(e: &E) -> String {
    e.meta().message().unwrap_or_default().to_owned()
}

/// A signed-in user's tokens from a pool without MFA (first sign-in from a new device).
async fn tokens(app: &TestApp, f: &Fx, user: &str) -> AuthenticationResultType {
    sign_in(app, f, user, None)
        .await
        .authentication_result
        .expect("tokens")
}

/// USER_SRP_AUTH up to the answer to PASSWORD_VERIFIER, sending `device` as DEVICE_KEY
/// with the answer (as the JS clients do).
async fn srp_sign_in(
    app: &TestApp,
    f: &Fx,
    user: &str,
    device: &str,
) -> Result<RespondToAuthChallengeOutput, RespondToAuthChallengeError> {
    let eph = ClientEphemeral::generate();
    let start = app
        .idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("SRP_A", &eph.public_a_hex)
        .auth_parameters("DEVICE_KEY", device)
        .send()
        .await
        .unwrap();
    let p = start.challenge_parameters().unwrap();
    let timestamp = format_timestamp(app.clock_now_secs());
    let signature = password_claim_signature(
        &eph,
        &ClaimInput {
            realm: f.pool.split_once('_').unwrap().1,
            user_id: &p["USER_ID_FOR_SRP"],
            password: PASSWORD,
            salt_hex: &p["SALT"],
            public_b_hex: &p["SRP_B"],
            secret_block_b64: &p["SECRET_BLOCK"],
            timestamp: &timestamp,
        },
    )
    .unwrap();
    respond(
        app,
        f,
        C::PasswordVerifier,
        start.session(),
        &[
            ("USERNAME", user),
            ("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"]),
            ("PASSWORD_CLAIM_SIGNATURE", &signature),
            ("TIMESTAMP", &timestamp),
            ("DEVICE_KEY", device),
        ],
    )
    .await
}

/// `(EventResponse, EventId)` of a user's newest auth event.
async fn newest_event(app: &TestApp, f: &Fx, user: &str) -> (String, String) {
    let events = app
        .idp
        .admin_list_user_auth_events()
        .user_pool_id(&f.pool)
        .username(user)
        .max_results(1)
        .send()
        .await
        .unwrap()
        .auth_events
        .unwrap_or_default();
    let e = &events[0];
    (
        e.event_response().unwrap().as_str().to_owned(),
        e.event_id().unwrap().to_owned(),
    )
}

backend_tests! {
    async fn sign_in_hands_out_a_new_device_that_confirm_device_remembers(app) {
        let f = device_pool(&app, true, false).await;
        let result = tokens(&app, &f, "alice").await;
        let meta = result.new_device_metadata().unwrap();
        let key = meta.device_key().unwrap();
        let uuid = key.strip_prefix("us-east-1_").expect("<region>_<uuid>");
        assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{key}");
        assert!(meta.device_group_key().unwrap().starts_with('-'));
        assert_eq!(device_claim(&result).as_deref(), Some(key));

        let (d, necessary) = confirm(&app, &result, "Pixel 9").await;
        assert!(!necessary);
        let got = app.idp.get_device().access_token(result.access_token().unwrap()).device_key(&d.key)
            .send().await.unwrap().device.unwrap();
        assert_eq!(got.device_key(), Some(d.key.as_str()));
        assert_eq!(attribute(&got, "device_status").as_deref(), Some("valid"));
        assert_eq!(attribute(&got, "device_name").as_deref(), Some("Pixel 9"));
        assert_eq!(attribute(&got, "dev:device_remembered_status").as_deref(), Some("remembered"));
        assert!(got.device_create_date().is_some() && got.device_last_authenticated_date().is_some());
        let listed = app.idp.list_devices().access_token(result.access_token().unwrap()).send().await.unwrap();
        assert_eq!(listed.devices().len(), 1);
        assert!(listed.pagination_token().is_none());

        // Confirming twice, or a key the token was not issued with, is refused.
        let err = app.idp.confirm_device().access_token(result.access_token().unwrap()).device_key(&d.key)
            .device_secret_verifier_config(DeviceSecretVerifierConfigType::builder()
                .password_verifier(STANDARD.encode([7u8; 384])).salt("AQID").build())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_device_key_exists_exception(), "{err:?}");
        let fresh = tokens(&app, &f, "alice").await;
        let err = app.idp.confirm_device().access_token(fresh.access_token().unwrap())
            .device_key(format!("us-east-1_{}", uuid::Uuid::new_v4()))
            .device_secret_verifier_config(DeviceSecretVerifierConfigType::builder()
                .password_verifier(STANDARD.encode([7u8; 384])).salt("AQID").build())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        // A verifier that is 0 mod N would make the device key public.
        let err = app.idp.confirm_device().access_token(fresh.access_token().unwrap())
            .device_key(fresh.new_device_metadata().unwrap().device_key().unwrap())
            .device_secret_verifier_config(DeviceSecretVerifierConfigType::builder()
                .password_verifier("AA==").salt("AQID").build())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        // Another user does not see the device.
        let bob = tokens(&app, &f, "bob").await;
        let err = app.idp.get_device().access_token(bob.access_token().unwrap()).device_key(&d.key)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        assert_eq!(message(&err), "Device does not exist.");

        // A pool without DeviceConfiguration tracks nothing.
        let plain = crate::sign_in::fixture(&app).await;
        let out = crate::sign_in::password_sign_in(&app, &plain, "alice", PASSWORD).await.unwrap();
        let result = out.authentication_result().unwrap();
        assert!(result.new_device_metadata().is_none());
        assert_eq!(device_claim(result), None);
    }

    async fn a_user_prompt_pool_remembers_a_device_only_after_update_device_status(app) {
        let f = device_pool(&app, true, true).await;
        let result = tokens(&app, &f, "alice").await;
        let (d, necessary) = confirm(&app, &result, "laptop").await;
        assert!(necessary);
        let status = |d: DeviceType| attribute(&d, "dev:device_remembered_status");
        assert_eq!(status(get_device(&app, &f, "alice", &d.key).await).as_deref(), Some("not_remembered"));
        app.idp.update_device_status().access_token(result.access_token().unwrap()).device_key(&d.key)
            .device_remembered_status(Status::Remembered).send().await.unwrap();
        assert_eq!(status(get_device(&app, &f, "alice", &d.key).await).as_deref(), Some("remembered"));
        let err = app.idp.update_device_status().access_token(result.access_token().unwrap()).device_key(&d.key)
            .device_remembered_status(Status::from("forever")).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        app.idp.admin_update_device_status().user_pool_id(&f.pool).username("alice").device_key(&d.key)
            .device_remembered_status(Status::NotRemembered).send().await.unwrap();
        assert_eq!(status(get_device(&app, &f, "alice", &d.key).await).as_deref(), Some("not_remembered"));
        // Bob cannot change Alice's device, by token or by name.
        let bob = tokens(&app, &f, "bob").await;
        let err = app.idp.update_device_status().access_token(bob.access_token().unwrap()).device_key(&d.key)
            .device_remembered_status(Status::Remembered).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_update_device_status().user_pool_id(&f.pool).username("bob").device_key(&d.key)
            .device_remembered_status(Status::Remembered).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_get_device().user_pool_id(&f.pool).username("carol").device_key(&d.key)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_forget_device().user_pool_id(&f.pool).username("carol").device_key(&d.key)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
    }

    async fn a_remembered_device_proves_itself_instead_of_mfa(app) {
        let f = device_pool(&app, true, false).await;
        email_mfa(&app, &f, &["alice"]).await;
        let out = sign_in(&app, &f, "alice", None).await;
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let result = answer_email(&app, &f, "alice", out.session().unwrap(), None).await;
        let (d, _) = confirm(&app, &result, "phone").await;
        let sent = app.outbox(&f.pool).await.len();

        app.clock.advance_secs(60);
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let p = out.challenge_parameters().unwrap();
        assert_eq!((p["USERNAME"].as_str(), p["DEVICE_KEY"].as_str()), ("alice", d.key.as_str()));
        let result = prove(&app, &f, "alice", out.session().unwrap(), &d).await;
        assert!(result.new_device_metadata().is_none());
        assert!(result.refresh_token().is_some());
        assert_eq!(device_claim(&result), Some(d.key.clone()));
        assert_eq!(app.outbox(&f.pool).await.len(), sent, "no MFA code was sent");
        app.idp.get_user().access_token(result.access_token().unwrap()).send().await.unwrap();
        let got = get_device(&app, &f, "alice", &d.key).await;
        let (created, last) = (got.device_create_date().unwrap().secs(), got.device_last_authenticated_date().unwrap().secs());
        assert!(last >= created + 60, "{created} {last}");

        // USER_SRP_AUTH sends DEVICE_KEY with PASSWORD_VERIFIER, as the JS clients do.
        let eph = ClientEphemeral::generate();
        let start = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "alice").auth_parameters("SRP_A", &eph.public_a_hex)
            .send().await.unwrap();
        let p = start.challenge_parameters().unwrap();
        let timestamp = format_timestamp(app.clock_now_secs());
        let signature = password_claim_signature(&eph, &ClaimInput {
            realm: f.pool.split_once('_').unwrap().1, user_id: &p["USER_ID_FOR_SRP"], password: PASSWORD,
            salt_hex: &p["SALT"], public_b_hex: &p["SRP_B"], secret_block_b64: &p["SECRET_BLOCK"], timestamp: &timestamp,
        }).unwrap();
        let out = respond(&app, &f, C::PasswordVerifier, start.session(), &[
            ("USERNAME", "alice"), ("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"]),
            ("PASSWORD_CLAIM_SIGNATURE", &signature), ("TIMESTAMP", &timestamp), ("DEVICE_KEY", &d.key),
        ]).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let result = prove(&app, &f, "alice", out.session().unwrap(), &d).await;
        assert_eq!(device_claim(&result), Some(d.key.clone()));

        // The admin flows take the same path.
        let out = app.idp.admin_initiate_auth().user_pool_id(&f.pool).client_id(&f.client)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("DEVICE_KEY", &d.key).send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let eph = ClientEphemeral::generate();
        let step = app.idp.admin_respond_to_auth_challenge().user_pool_id(&f.pool).client_id(&f.client)
            .challenge_name(C::DeviceSrpAuth).set_session(out.session().map(str::to_owned))
            .challenge_responses("USERNAME", "alice").challenge_responses("DEVICE_KEY", &d.key)
            .challenge_responses("SRP_A", &eph.public_a_hex).send().await.unwrap();
        assert_eq!(step.challenge_name(), Some(&C::DevicePasswordVerifier));
    }

    async fn device_keys_that_do_not_qualify_skip_nothing(app) {
        let f = device_pool(&app, true, false).await;
        email_mfa(&app, &f, &["alice", "bob"]).await;
        let mut devices = Vec::new();
        for user in ["alice", "bob"] {
            let out = sign_in(&app, &f, user, None).await;
            let result = answer_email(&app, &f, user, out.session().unwrap(), None).await;
            devices.push(confirm(&app, &result, user).await.0);
        }
        let (alice_device, bob_device) = (&devices[0], &devices[1]);

        // Bob's device key in Alice's sign-in: MFA as from a new device, and a new device.
        let out = sign_in(&app, &f, "alice", Some(&bob_device.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let result = answer_email(&app, &f, "alice", out.session().unwrap(), Some(&bob_device.key)).await;
        let new_key = result.new_device_metadata().unwrap().device_key().unwrap();
        assert_ne!(new_key, bob_device.key);
        assert_eq!(device_claim(&result).as_deref(), Some(new_key));

        // A device that is not remembered answers MFA; the tokens are bound to it.
        app.idp.admin_update_device_status().user_pool_id(&f.pool).username("alice").device_key(&alice_device.key)
            .device_remembered_status(Status::NotRemembered).send().await.unwrap();
        let out = sign_in(&app, &f, "alice", Some(&alice_device.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let result = answer_email(&app, &f, "alice", out.session().unwrap(), Some(&alice_device.key)).await;
        assert!(result.new_device_metadata().is_none());
        assert_eq!(device_claim(&result), Some(alice_device.key.clone()));

        // A device whose proof began as remembered but is no longer remembered when the
        // proof arrives gets MFA after all.
        app.idp.admin_update_device_status().user_pool_id(&f.pool).username("alice").device_key(&alice_device.key)
            .device_remembered_status(Status::Remembered).send().await.unwrap();
        let out = sign_in(&app, &f, "alice", Some(&alice_device.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let (eph, step) = device_srp_auth(&app, &f, "alice", out.session().unwrap(), alice_device).await.unwrap();
        app.idp.admin_update_device_status().user_pool_id(&f.pool).username("alice").device_key(&alice_device.key)
            .device_remembered_status(Status::NotRemembered).send().await.unwrap();
        let answers = claim(&app, "alice", alice_device, &alice_device.password, &eph, &step);
        let out = send_claim(&app, &f, &step, &answers).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));

        // A forgotten device is unknown.
        app.idp.admin_forget_device().user_pool_id(&f.pool).username("alice").device_key(&alice_device.key)
            .send().await.unwrap();
        let out = sign_in(&app, &f, "alice", Some(&alice_device.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let err = app.idp.admin_get_device().user_pool_id(&f.pool).username("alice").device_key(&alice_device.key)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");

        // Without ChallengeRequiredOnNewDevice a remembered device still answers MFA.
        let g = device_pool(&app, false, false).await;
        email_mfa(&app, &g, &["alice"]).await;
        let out = sign_in(&app, &g, "alice", None).await;
        let result = answer_email(&app, &g, "alice", out.session().unwrap(), None).await;
        let (d, _) = confirm(&app, &result, "tablet").await;
        let out = sign_in(&app, &g, "alice", Some(&d.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
    }

    async fn forged_proofs_and_replays_are_refused(app) {
        let f = device_pool(&app, true, false).await;
        email_mfa(&app, &f, &["alice", "bob"]).await;
        let mut devices = Vec::new();
        for user in ["alice", "bob"] {
            let out = sign_in(&app, &f, user, None).await;
            let result = answer_email(&app, &f, user, out.session().unwrap(), None).await;
            devices.push(confirm(&app, &result, user).await.0);
        }
        let (d, bob_device) = (&devices[0], &devices[1]);
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let session = out.session().unwrap();

        // No session: the device alone never signs anyone in.
        let a = ClientEphemeral::generate().public_a_hex;
        let err = respond(&app, &f, C::DeviceSrpAuth, None, &[("USERNAME", "alice"), ("DEVICE_KEY", &d.key), ("SRP_A", &a)])
            .await.unwrap_err();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = respond(&app, &f, C::DeviceSrpAuth, Some("forged-session-forged-session"), &[("USERNAME", "alice"), ("DEVICE_KEY", &d.key), ("SRP_A", &a)])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        // The session names Alice's device: Bob's key (or Bob) cannot answer it.
        let err = respond(&app, &f, C::DeviceSrpAuth, Some(session), &[("USERNAME", "alice"), ("DEVICE_KEY", &bob_device.key), ("SRP_A", &a)])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let err = respond(&app, &f, C::DeviceSrpAuth, Some(session), &[("USERNAME", "bob"), ("DEVICE_KEY", &d.key), ("SRP_A", &a)])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");

        // A wrong device password gives a forged signature.
        let (eph, step) = device_srp_auth(&app, &f, "alice", session, d).await.unwrap();
        let err = device_srp_auth(&app, &f, "alice", session, d).await.err().unwrap();
        assert_eq!(message(&err), "Invalid session for the user, session can only be used once.");
        let forged = claim(&app, "alice", d, "not the device password", &eph, &step);
        let err = send_claim(&app, &f, &step, &forged).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(message(&err), "Incorrect username or password.");
        // ... and that secret block is spent: the right answer cannot follow it.
        let right = claim(&app, "alice", d, &d.password, &eph, &step);
        let err = send_claim(&app, &f, &step, &right).await.unwrap_err();
        assert_eq!(message(&err), "Invalid session for the user, session can only be used once.");

        // A correct proof works once; replaying it is refused.
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let (eph, step) = device_srp_auth(&app, &f, "alice", out.session().unwrap(), d).await.unwrap();
        let answers = claim(&app, "alice", d, &d.password, &eph, &step);
        assert!(send_claim(&app, &f, &step, &answers).await.unwrap().authentication_result().is_some());
        let err = send_claim(&app, &f, &step, &answers).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(message(&err), "Invalid session for the user, session can only be used once.");

        // The secret block of one sign-in does not go with another sign-in's session.
        let one = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let two = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let (eph1, step1) = device_srp_auth(&app, &f, "alice", one.session().unwrap(), d).await.unwrap();
        let (_, step2) = device_srp_auth(&app, &f, "alice", two.session().unwrap(), d).await.unwrap();
        let answers = claim(&app, "alice", d, &d.password, &eph1, &step1);
        let err = send_claim(&app, &f, &step2, &answers).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn remembered_device_sign_ins_end_their_auth_events(app) {
        use aws_sdk_cognitoidentityprovider::types::{AdvancedSecurityModeType, UserPoolAddOnsType};
        let f = device_pool(&app, true, false).await;
        app.idp.update_user_pool().user_pool_id(&f.pool)
            .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(false).build())
            .user_pool_add_ons(UserPoolAddOnsType::builder().advanced_security_mode(AdvancedSecurityModeType::Audit)
                .build().unwrap())
            .send().await.unwrap();
        email_mfa(&app, &f, &["alice"]).await;
        let out = sign_in(&app, &f, "alice", None).await;
        let result = answer_email(&app, &f, "alice", out.session().unwrap(), None).await;
        let (d, _) = confirm(&app, &result, "phone").await;

        // The device proof completes the sign-in: Pass, named by the tokens' event_id.
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let (pending, id) = newest_event(&app, &f, "alice").await;
        assert_eq!(pending, "InProgress");
        let result = prove(&app, &f, "alice", out.session().unwrap(), &d).await;
        assert_eq!(newest_event(&app, &f, "alice").await, ("Pass".to_owned(), id.clone()));
        assert_eq!(claims(result.id_token().unwrap())["event_id"], json!(id));
        assert_eq!(claims(result.access_token().unwrap())["event_id"], json!(id));

        // A wrong device proof fails it, and a replay of the spent step changes nothing.
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let (_, id) = newest_event(&app, &f, "alice").await;
        let (eph, step) = device_srp_auth(&app, &f, "alice", out.session().unwrap(), &d).await.unwrap();
        let forged = claim(&app, "alice", &d, "not the device password", &eph, &step);
        assert!(send_claim(&app, &f, &step, &forged).await.unwrap_err().is_not_authorized_exception());
        assert_eq!(newest_event(&app, &f, "alice").await, ("Fail".to_owned(), id));

        // A device forgotten between the two steps fails it too.
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        let (_, id) = newest_event(&app, &f, "alice").await;
        app.idp.admin_forget_device().user_pool_id(&f.pool).username("alice").device_key(&d.key)
            .send().await.unwrap();
        let err = device_srp_auth(&app, &f, "alice", out.session().unwrap(), &d).await.err().unwrap();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        assert_eq!(newest_event(&app, &f, "alice").await, ("Fail".to_owned(), id));
    }

    async fn a_forgotten_device_key_in_the_srp_password_step_does_not_exist(app) {
        let f = device_pool(&app, true, false).await;
        let result = tokens(&app, &f, "alice").await;
        let (d, _) = confirm(&app, &result, "laptop").await;
        let bob = tokens(&app, &f, "bob").await;
        let (bob_device, _) = confirm(&app, &bob, "bob's").await;
        // A known device goes on to its proof.
        let out = srp_sign_in(&app, &f, "alice", &d.key).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        // Forgotten, another user's, or never issued: Cognito's answer, which the
        // clients take as the cue to drop their stored device and sign in without it.
        app.idp.admin_forget_device().user_pool_id(&f.pool).username("alice").device_key(&d.key)
            .send().await.unwrap();
        let unknown = format!("{}_00000000-0000-4000-8000-000000000000", f.pool.split_once('_').unwrap().0);
        for key in [d.key.as_str(), bob_device.key.as_str(), unknown.as_str()] {
            let err = srp_sign_in(&app, &f, "alice", key).await.unwrap_err();
            assert!(err.is_resource_not_found_exception(), "{key}: {err:?}");
            assert_eq!(message(&err), "Device does not exist.");
        }
        // The right password was not held against the user: no lockout follows.
        for _ in 0..6 {
            assert!(srp_sign_in(&app, &f, "alice", &d.key).await.unwrap_err().is_resource_not_found_exception());
        }
        // InitiateAuth with the forgotten key still just ignores it.
        assert!(sign_in(&app, &f, "alice", Some(&d.key)).await.authentication_result().is_some());
    }

    async fn an_unknown_device_key_with_the_right_password_is_scored_and_recorded(app) {
        use aws_sdk_cognitoidentityprovider::types::{
            AccountTakeoverActionType, AccountTakeoverActionsType, AccountTakeoverEventActionType as A,
            AccountTakeoverRiskConfigurationType, AdvancedSecurityModeType, NotifyConfigurationType,
            NotifyEmailType, UserPoolAddOnsType,
        };
        let f = device_pool(&app, true, false).await;
        app.idp.update_user_pool().user_pool_id(&f.pool)
            .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(false).build())
            .user_pool_add_ons(UserPoolAddOnsType::builder().advanced_security_mode(AdvancedSecurityModeType::Enforced)
                .build().unwrap())
            .send().await.unwrap();
        app.idp.admin_update_user_attributes().user_pool_id(&f.pool).username("alice")
            .user_attributes(attr("email", &email("alice"))).user_attributes(attr("email_verified", "true"))
            .send().await.unwrap();
        // Every level notifies; `action` is what it does.
        let risk = |action: A| {
            let level = || AccountTakeoverActionType::builder().notify(true).event_action(action.clone()).build().unwrap();
            let mail = |subject: &str| NotifyEmailType::builder().subject(subject).text_body("Sign-in from {ip-address}").build().unwrap();
            AccountTakeoverRiskConfigurationType::builder()
                .actions(AccountTakeoverActionsType::builder().low_action(level()).medium_action(level()).high_action(level()).build())
                .notify_configuration(NotifyConfigurationType::builder()
                    .source_arn("arn:aws:ses:us-east-1:123456789012:identity/security@example.com")
                    .block_email(mail("Blocked")).no_action_email(mail("Allowed")).mfa_email(mail("Checked")).build().unwrap())
                .build()
        };
        let subjects = async || {
            app.outbox(&f.pool).await.into_iter().filter(|m| m.destination == email("alice"))
                .filter_map(|m| m.subject).collect::<Vec<_>>()
        };
        let unknown = format!("{}_{}", f.pool.split_once('_').unwrap().0, uuid::Uuid::new_v4());
        let newest = async || {
            app.idp.admin_list_user_auth_events().user_pool_id(&f.pool).username("alice").max_results(5)
                .send().await.unwrap().auth_events.unwrap_or_default()
        };

        // Three wrong passwords first: the next sign-ins carry some risk.
        for _ in 0..3 {
            let err = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", "Wr0ng-Horse!")
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_not_authorized_exception(), "{err:?}");
        }

        // Allowed: Cognito's answer, and the sign-in is on record with its assessment
        // and the password step, and notified.
        app.idp.set_risk_configuration().user_pool_id(&f.pool)
            .account_takeover_risk_configuration(risk(A::NoAction)).send().await.unwrap();
        let err = srp_sign_in(&app, &f, "alice", &unknown).await.unwrap_err();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        assert_eq!(message(&err), "Device does not exist.");
        let events = newest().await;
        assert_eq!(events.len(), 4, "{events:?}");
        assert_eq!(events[0].event_response().map(|r| r.as_str()), Some("Fail"));
        let assessed = events[0].event_risk().unwrap();
        assert_eq!(assessed.risk_decision().map(|d| d.as_str()), Some("AccountTakeover"));
        assert!(assessed.risk_level().is_some());
        let steps: Vec<_> = events[0].challenge_responses().iter()
            .map(|c| (c.challenge_name().unwrap().as_str(), c.challenge_response().unwrap().as_str())).collect();
        assert_eq!(steps, [("Password", "Success")]);
        assert_eq!(subjects().await, ["Allowed"]);

        // Blocked: the block answers, not the device, and is on record and notified.
        app.idp.set_risk_configuration().user_pool_id(&f.pool)
            .account_takeover_risk_configuration(risk(A::Block)).send().await.unwrap();
        let err = srp_sign_in(&app, &f, "alice", &unknown).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(message(&err), "Unable to login because of security reasons.");
        let events = newest().await;
        assert_eq!(events.len(), 5, "{events:?}");
        assert_eq!(events[0].event_response().map(|r| r.as_str()), Some("Fail"));
        assert_eq!(events[0].event_risk().and_then(|r| r.risk_decision()).map(|d| d.as_str()), Some("Block"));
        assert_eq!(subjects().await, ["Allowed", "Blocked"]);
        // The right password is not held against the user.
        for _ in 0..5 {
            let err = srp_sign_in(&app, &f, "alice", &unknown).await.unwrap_err();
            assert_eq!(message(&err), "Unable to login because of security reasons.");
        }
    }

    async fn refresh_is_bound_to_the_device_and_forgetting_it_revokes_its_tokens(app) {
        let f = device_pool(&app, true, false).await;
        let first = tokens(&app, &f, "alice").await;
        let (d, _) = confirm(&app, &first, "desktop").await;
        let refresh = first.refresh_token().unwrap();
        let refresh_with = |device: Option<&str>| {
            let mut req = app.idp.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::RefreshTokenAuth)
                .auth_parameters("REFRESH_TOKEN", refresh);
            if let Some(k) = device {
                req = req.auth_parameters("DEVICE_KEY", k);
            }
            req.send()
        };
        let err = refresh_with(None).await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let other = format!("us-east-1_{}", uuid::Uuid::new_v4());
        let err = refresh_with(Some(&other)).await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let out = refresh_with(Some(&d.key)).await.unwrap();
        assert_eq!(device_claim(out.authentication_result().unwrap()), Some(d.key.clone()));
        let err = app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(refresh)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let out = app.idp.get_tokens_from_refresh_token().client_id(&f.client).refresh_token(refresh)
            .device_key(&d.key).send().await.unwrap();
        assert_eq!(device_claim(out.authentication_result().unwrap()), Some(d.key.clone()));

        // A confirmed device proves itself at every sign-in, MFA or not.
        let out = sign_in(&app, &f, "alice", Some(&d.key)).await;
        assert_eq!(out.challenge_name(), Some(&C::DeviceSrpAuth));
        let proven = prove(&app, &f, "alice", out.session().unwrap(), &d).await;
        let access = proven.access_token().unwrap();

        // Forgetting the device revokes every session bound to it.
        let unrelated = tokens(&app, &f, "alice").await;
        app.idp.forget_device().access_token(unrelated.access_token().unwrap()).device_key(&d.key)
            .send().await.unwrap();
        let err = refresh_with(Some(&d.key)).await.unwrap_err().into_service_error();
        assert_eq!(message(&err), "Refresh Token has been revoked");
        let err = app.idp.get_user().access_token(access).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        app.idp.get_user().access_token(unrelated.access_token().unwrap()).send().await.unwrap();
        let err = app.idp.forget_device().access_token(unrelated.access_token().unwrap()).device_key(&d.key)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn devices_are_listed_in_pages_for_users_and_admins(app) {
        let f = device_pool(&app, false, false).await;
        let mut keys = Vec::new();
        let mut last = None;
        for name in ["one", "two", "three"] {
            let result = tokens(&app, &f, "alice").await;
            keys.push(confirm(&app, &result, name).await.0.key);
            last = Some(result);
        }
        let access = last.unwrap().access_token().unwrap().to_owned();
        let page = app.idp.list_devices().access_token(&access).limit(2).send().await.unwrap();
        let names: Vec<String> = page.devices().iter().map(|d| d.device_key().unwrap().to_owned()).collect();
        assert_eq!(names, keys[..2]);
        let token = page.pagination_token().unwrap();
        let page = app.idp.list_devices().access_token(&access).limit(2).pagination_token(token).send().await.unwrap();
        assert_eq!(page.devices().len(), 1);
        assert_eq!(page.devices()[0].device_key(), Some(keys[2].as_str()));
        assert!(page.pagination_token().is_none());
        let err = app.idp.list_devices().access_token(&access).limit(61).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        // Bob's pages are his own: Alice's token does not page them.
        let bob = tokens(&app, &f, "bob").await;
        let err = app.idp.list_devices().access_token(bob.access_token().unwrap()).pagination_token(token)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(app.idp.list_devices().access_token(bob.access_token().unwrap()).send().await.unwrap().devices().is_empty());

        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = app.idp.admin_list_devices().user_pool_id(&f.pool).username("alice").limit(1)
                .set_pagination_token(token.clone()).send().await.unwrap();
            seen.extend(page.devices().iter().map(|d| d.device_key().unwrap().to_owned()));
            token = page.pagination_token().map(str::to_owned);
            if token.is_none() { break }
        }
        assert_eq!(seen, keys);
        app.idp.admin_forget_device().user_pool_id(&f.pool).username("alice").device_key(&keys[1]).send().await.unwrap();
        let left = app.idp.admin_list_devices().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        assert_eq!(left.devices().len(), 2);
        let err = app.idp.admin_list_devices().user_pool_id(&f.pool).username("carol").send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_get_device().user_pool_id("us-east-1_nothere").username("alice").device_key(&keys[0])
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.admin_get_device().user_pool_id(&f.pool).username("alice").device_key("not a key")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn the_oauth_token_endpoint_refuses_device_bound_refresh_tokens(app) {
        let fx = crate::oauth::fixture(&app).await;
        let f = Fx { pool: fx.pool.clone(), client: fx.client.clone() };
        let refresh_at_endpoint = |token: String| {
            let url = format!("{}/oauth2/token", fx.issuer);
            let client = fx.client.clone();
            async move {
                reqwest::Client::new().post(url)
                    .form(&[("grant_type", "refresh_token"), ("client_id", client.as_str()), ("refresh_token", token.as_str())])
                    .send().await.unwrap()
            }
        };
        // Before the pool tracks devices, the API's refresh token refreshes there.
        let plain = tokens(&app, &f, "alice").await;
        let resp = refresh_at_endpoint(plain.refresh_token().unwrap().to_owned()).await;
        assert_eq!(resp.status(), 200);
        app.idp.update_user_pool().user_pool_id(&f.pool)
            .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true).build())
            .send().await.unwrap();
        let bound = tokens(&app, &f, "alice").await;
        assert!(bound.new_device_metadata().is_some());
        let resp = refresh_at_endpoint(bound.refresh_token().unwrap().to_owned()).await;
        assert_eq!(resp.status(), 400);
        assert_eq!(resp.json::<serde_json::Value>().await.unwrap()["error"], "invalid_grant");
    }

    async fn cognito_identity_js_remembers_a_device_and_skips_totp_mfa_on_it(app) {
        if !node_ready() { return }
        let f = device_pool(&app, true, true).await;
        app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool).mfa_configuration(UserPoolMfaType::Optional)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send().await.unwrap();
        let access = tokens(&app, &f, "alice").await.access_token().unwrap().to_owned();
        let secret = app.idp.associate_software_token().access_token(&access).send().await.unwrap()
            .secret_code().unwrap().to_owned();
        app.idp.verify_software_token().access_token(&access)
            .user_code(crate::mfa::totp_code(&secret, app.clock_now_secs())).send().await.unwrap();
        app.idp.admin_set_user_mfa_preference().user_pool_id(&f.pool).username("alice")
            .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
            .send().await.unwrap();
        app.clock.advance_secs(30);

        let dir = tempfile::tempdir().unwrap();
        let args = |extra: serde_json::Value| {
            let mut a = json!({
                "url": app.url, "poolId": f.pool, "clientId": f.client, "username": "alice",
                "password": PASSWORD, "storageFile": dir.path().join("storage.json"),
            });
            if let (Some(into), serde_json::Value::Object(extra)) = (a.as_object_mut(), extra) {
                into.extend(extra);
            }
            a
        };
        // First run: TOTP, then the library confirms the device and remembers it.
        let code = crate::mfa::totp_code(&secret, app.clock_now_secs());
        let out = run("node".into(), "device_js.mjs", args(json!({"totpCode": code}))).await.ok();
        assert_eq!(out["challenges"], json!(["PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"]));
        let ops = out["operations"].as_array().unwrap();
        assert!(ops.contains(&json!("ConfirmDevice")) && ops.contains(&json!("UpdateDeviceStatus")), "{ops:?}");
        assert_eq!(out["userConfirmationNecessary"], true);
        let key = out["deviceKey"].as_str().unwrap().to_owned();
        assert_eq!(claims(out["accessToken"].as_str().unwrap())["device_key"], key.as_str());
        let d = get_device(&app, &f, "alice", &key).await;
        assert_eq!(attribute(&d, "dev:device_remembered_status").as_deref(), Some("remembered"));
        assert_eq!(attribute(&d, "device_name").as_deref(), Some("nodejs"));

        // Second run, same storage: the device proves itself and no TOTP code is asked.
        let out = run("node".into(), "device_js.mjs", args(json!({"refresh": true}))).await.ok();
        assert_eq!(out["challenges"], json!(["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]));
        assert!(!out["operations"].as_array().unwrap().contains(&json!("ConfirmDevice")));
        assert_eq!(out["deviceKey"], key.as_str());
        assert_eq!(claims(out["accessToken"].as_str().unwrap())["device_key"], key.as_str());
        // The library refreshes with the cached DEVICE_KEY.
        assert_eq!(claims(out["refreshedAccessToken"].as_str().unwrap())["device_key"], key.as_str());

        // Once the device is not remembered, TOTP is asked again.
        app.idp.admin_update_device_status().user_pool_id(&f.pool).username("alice").device_key(&key)
            .device_remembered_status(Status::NotRemembered).send().await.unwrap();
        let code = run("node".into(), "device_js.mjs", args(json!({}))).await.err_code();
        assert_eq!(code, "TotpRequired");
    }
}
