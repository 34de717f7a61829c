//! Multi-factor authentication with the AWS SDK: the pool's MFA configuration, users'
//! factor preferences, TOTP set-up (with an access token and inline during sign-in),
//! the SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and MFA_SETUP challenges
//! after every first factor, and the attacks on them: TOTP replay, code guessing,
//! session replay, another user's set-up session, and lockout.
//! TOTP codes are computed with an independent implementation (`totp-rs`); SMS and
//! email codes are read from the delivery outbox.

use crate::helpers::TestApp;
use crate::sign_in::{Fixture, PASSWORD, create_user, fixture, password_sign_in, srp_sign_in};
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType as C, EmailMfaConfigType, EmailMfaSettingsType,
    SmsMfaConfigType, SmsMfaSettingsType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType,
    UserPoolMfaType, UserVerificationType, VerifySoftwareTokenResponseType,
    WebAuthnConfigurationType,
};
use std::collections::HashMap;

const PHONE: &str = "+15555551234";
const EMAIL: &str = "alice@example.com";

/// The sign-in fixture with `alice`'s phone number and email, and the pool's MFA set to
/// `mode` with the named factors.
async fn mfa_fixture(app: &TestApp, mode: &str, sms: bool, totp: bool, email: bool) -> Fixture {
    let f = fixture(app).await;
    set_attrs(
        app,
        &f,
        "alice",
        &[("phone_number", PHONE), ("email", EMAIL)],
    )
    .await;
    set_pool_mfa(app, &f, mode, sms, totp, email).await;
    f
}

async fn set_attrs(app: &TestApp, f: &Fixture, user: &str, attrs: &[(&str, &str)]) {
    let mut req = app
        .idp
        .admin_update_user_attributes()
        .user_pool_id(&f.pool)
        .username(user);
    for (n, v) in attrs {
        req = req.user_attributes(AttributeType::builder().name(*n).value(*v).build().unwrap());
    }
    req.send().await.unwrap();
}

async fn set_pool_mfa(app: &TestApp, f: &Fixture, mode: &str, sms: bool, totp: bool, email: bool) {
    let mut req = app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&f.pool)
        .mfa_configuration(UserPoolMfaType::from(mode));
    if sms {
        req = req.sms_mfa_configuration(
            SmsMfaConfigType::builder()
                .sms_authentication_message("Your sign-in code is {####}")
                .build(),
        );
    }
    if totp {
        req = req.software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        );
    }
    if email {
        req = req.email_mfa_configuration(
            EmailMfaConfigType::builder()
                .message("Your email sign-in code is {####}")
                .subject("Sign-in code")
                .build(),
        );
    }
    req.send().await.unwrap();
}

/// `(enabled, preferred)` per factor; `None` leaves a factor as it is.
async fn prefer(
    app: &TestApp,
    f: &Fixture,
    user: &str,
    sms: Option<(bool, bool)>,
    totp: Option<(bool, bool)>,
    email: Option<(bool, bool)>,
) -> Result<(), String> {
    let mut req = app
        .idp
        .admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username(user);
    if let Some((e, p)) = sms {
        req = req.sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(e)
                .preferred_mfa(p)
                .build(),
        );
    }
    if let Some((e, p)) = totp {
        req = req.software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(e)
                .preferred_mfa(p)
                .build(),
        );
    }
    if let Some((e, p)) = email {
        req = req.email_mfa_settings(
            EmailMfaSettingsType::builder()
                .enabled(e)
                .preferred_mfa(p)
                .build(),
        );
    }
    req.send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

/// `(PreferredMfaSetting, UserMFASettingList)` from AdminGetUser.
async fn mfa_of(app: &TestApp, f: &Fixture, user: &str) -> (Option<String>, Vec<String>) {
    let out = app
        .idp
        .admin_get_user()
        .user_pool_id(&f.pool)
        .username(user)
        .send()
        .await
        .unwrap();
    (
        out.preferred_mfa_setting().map(str::to_owned),
        out.user_mfa_setting_list().to_vec(),
    )
}

async fn respond(
    app: &TestApp,
    f: &Fixture,
    challenge: C,
    session: Option<&str>,
    answers: &[(&str, &str)],
) -> Result<RespondToAuthChallengeOutput, RespondToAuthChallengeError> {
    let mut req = app
        .idp
        .respond_to_auth_challenge()
        .client_id(&f.client)
        .challenge_name(challenge)
        .set_session(session.map(str::to_owned));
    for (k, v) in answers {
        req = req.challenge_responses(*k, *v);
    }
    req.send().await.map_err(|e| e.into_service_error())
}

/// USER_PASSWORD_AUTH as `user`; returns the challenge, its session and parameters.
async fn challenged(
    app: &TestApp,
    f: &Fixture,
    user: &str,
) -> (C, String, HashMap<String, String>) {
    let out = password_sign_in(app, f, user, PASSWORD).await.unwrap();
    assert!(
        out.authentication_result().is_none(),
        "no challenge: {out:?}"
    );
    (
        out.challenge_name().unwrap().clone(),
        out.session().unwrap().to_owned(),
        out.challenge_parameters().unwrap().clone(),
    )
}

fn access_of(out: &RespondToAuthChallengeOutput) -> String {
    out.authentication_result()
        .and_then(|r| r.access_token())
        .unwrap_or_else(|| panic!("no tokens: {out:?}"))
        .to_owned()
}

fn message_of<E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata>(e: &E) -> String {
    e.meta().message().unwrap_or_default().to_owned()
}

/// The code an authenticator app shows at `at` (epoch seconds), from an independent
/// RFC 6238 implementation.
pub(crate) fn totp_code(secret_b32: &str, at: i64) -> String {
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(totp_rs::Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap()
        .generate(at as u64)
        .to_string()
}

/// Associates and verifies a software token for the holder of `access`; returns the secret.
pub(crate) async fn set_up_totp(app: &TestApp, access: &str) -> String {
    let secret = app
        .idp
        .associate_software_token()
        .access_token(access)
        .send()
        .await
        .unwrap()
        .secret_code()
        .unwrap()
        .to_owned();
    let out = app
        .idp
        .verify_software_token()
        .access_token(access)
        .user_code(totp_code(&secret, app.clock_now_secs()))
        .friendly_device_name("phone")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.status(),
        Some(&VerifySoftwareTokenResponseType::Success)
    );
    assert!(out.session().is_none());
    secret
}

backend_tests! {
    async fn pool_mfa_config_round_trips_and_describe_user_pool_agrees(app) {
        let f = fixture(&app).await;
        let got = app.idp.get_user_pool_mfa_config().user_pool_id(&f.pool).send().await.unwrap();
        assert_eq!(got.mfa_configuration(), Some(&UserPoolMfaType::Off));
        assert_eq!(got.software_token_mfa_configuration().map(|t| t.enabled()), Some(false));
        assert!(got.sms_mfa_configuration().is_none() && got.email_mfa_configuration().is_none());

        let set = app
            .idp
            .set_user_pool_mfa_config()
            .user_pool_id(&f.pool)
            .mfa_configuration(UserPoolMfaType::Optional)
            .sms_mfa_configuration(SmsMfaConfigType::builder().sms_authentication_message("Code: {####}").build())
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .email_mfa_configuration(EmailMfaConfigType::builder().message("Email code {####}").subject("Code").build())
            .web_authn_configuration(
                WebAuthnConfigurationType::builder()
                    .relying_party_id("auth.example.com")
                    .user_verification(UserVerificationType::Required)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(set.mfa_configuration(), Some(&UserPoolMfaType::Optional));
        let got = app.idp.get_user_pool_mfa_config().user_pool_id(&f.pool).send().await.unwrap();
        assert_eq!(got.mfa_configuration(), Some(&UserPoolMfaType::Optional));
        assert_eq!(got.sms_mfa_configuration().and_then(|s| s.sms_authentication_message()), Some("Code: {####}"));
        assert_eq!(got.software_token_mfa_configuration().map(|t| t.enabled()), Some(true));
        let email = got.email_mfa_configuration().unwrap();
        assert_eq!((email.message(), email.subject()), (Some("Email code {####}"), Some("Code")));
        let web = got.web_authn_configuration().unwrap();
        assert_eq!(web.relying_party_id(), Some("auth.example.com"));
        assert_eq!(web.user_verification(), Some(&UserVerificationType::Required));

        let pool = app.idp.describe_user_pool().user_pool_id(&f.pool).send().await.unwrap().user_pool.unwrap();
        assert_eq!(pool.mfa_configuration(), Some(&UserPoolMfaType::Optional));
        assert_eq!(pool.sms_authentication_message(), Some("Code: {####}"));

        // Turning SMS and email off keeps TOTP and the passkey settings.
        app.idp
            .set_user_pool_mfa_config()
            .user_pool_id(&f.pool)
            .mfa_configuration(UserPoolMfaType::On)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send()
            .await
            .unwrap();
        let got = app.idp.get_user_pool_mfa_config().user_pool_id(&f.pool).send().await.unwrap();
        assert_eq!(got.mfa_configuration(), Some(&UserPoolMfaType::On));
        assert!(got.sms_mfa_configuration().is_none() && got.email_mfa_configuration().is_none());
        assert!(got.web_authn_configuration().is_some());
    }

    async fn pool_mfa_config_refuses_inconsistent_settings(app) {
        let f = fixture(&app).await;
        let cases = [
            app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
                .mfa_configuration(UserPoolMfaType::Off)
                .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build()),
            app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
                .mfa_configuration(UserPoolMfaType::On),
            app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
                .mfa_configuration(UserPoolMfaType::Optional)
                .sms_mfa_configuration(SmsMfaConfigType::builder().sms_authentication_message("no code here").build()),
            app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
                .web_authn_configuration(WebAuthnConfigurationType::builder().user_verification(UserVerificationType::from("sometimes")).build()),
        ];
        for req in cases {
            let err = req.send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{err:?}");
        }
        let got = app.idp.get_user_pool_mfa_config().user_pool_id(&f.pool).send().await.unwrap();
        assert_eq!(got.mfa_configuration(), Some(&UserPoolMfaType::Off));
    }

    async fn user_mfa_preferences_are_checked_and_reported(app) {
        let f = mfa_fixture(&app, "OFF", false, false, false).await;
        create_user(&app, &f.pool, "bob", PASSWORD).await;
        assert_eq!(mfa_of(&app, &f, "alice").await, (None, vec![]));
        // Factors that cannot be delivered cannot be turned on.
        let err = prefer(&app, &f, "alice", None, Some((true, false)), None).await.unwrap_err();
        assert!(err.contains("InvalidParameterException") && err.contains("SOFTWARE_TOKEN_MFA"), "{err}");
        let err = prefer(&app, &f, "bob", Some((true, false)), None, None).await.unwrap_err();
        assert!(err.contains("InvalidParameterException"), "{err}");
        let err = prefer(&app, &f, "bob", None, None, Some((true, false))).await.unwrap_err();
        assert!(err.contains("InvalidParameterException"), "{err}");
        // Only one preferred.
        let err = prefer(&app, &f, "alice", Some((true, true)), None, Some((true, true))).await.unwrap_err();
        assert!(err.contains("InvalidParameterException"), "{err}");

        prefer(&app, &f, "alice", Some((true, true)), None, Some((true, false))).await.unwrap();
        assert_eq!(
            mfa_of(&app, &f, "alice").await,
            (Some("SMS_MFA".into()), vec!["SMS_MFA".into(), "EMAIL_OTP".into()])
        );
        // GetUser reports the same; SetUserMFAPreference with the user's own token.
        let access = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap()
            .authentication_result().unwrap().access_token().unwrap().to_owned();
        let me = app.idp.get_user().access_token(&access).send().await.unwrap();
        assert_eq!(me.preferred_mfa_setting(), Some("SMS_MFA"));
        assert_eq!(me.user_mfa_setting_list(), ["SMS_MFA", "EMAIL_OTP"]);
        app.idp
            .set_user_mfa_preference()
            .access_token(&access)
            .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(false).preferred_mfa(false).build())
            .send()
            .await
            .unwrap();
        assert_eq!(mfa_of(&app, &f, "alice").await, (None, vec!["EMAIL_OTP".to_owned()]));
        let err = app.idp.set_user_mfa_preference().access_token("not-a-token")
            .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn totp_set_up_with_an_access_token_then_software_token_mfa_at_sign_in(app) {
        let f = mfa_fixture(&app, "OPTIONAL", false, true, false).await;
        let access = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap()
            .authentication_result().unwrap().access_token().unwrap().to_owned();
        let secret = app.idp.associate_software_token().access_token(&access).send().await.unwrap()
            .secret_code().unwrap().to_owned();
        assert_eq!(secret.len(), 32);
        assert!(secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)), "{secret}");
        let wrong = format!("{:06}", (totp_code(&secret, app.clock_now_secs()).parse::<u32>().unwrap() + 1) % 1_000_000);
        let err = app.idp.verify_software_token().access_token(&access).user_code(wrong)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_enable_software_token_mfa_exception(), "{err:?}");
        let out = app.idp.verify_software_token().access_token(&access)
            .user_code(totp_code(&secret, app.clock_now_secs())).friendly_device_name("Pixel")
            .send().await.unwrap();
        assert_eq!(out.status(), Some(&VerifySoftwareTokenResponseType::Success));
        // Verified, not yet on: OPTIONAL still signs in with the password alone.
        assert!(password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap().authentication_result().is_some());
        prefer(&app, &f, "alice", None, Some((true, true)), None).await.unwrap();
        assert_eq!(mfa_of(&app, &f, "alice").await, (Some("SOFTWARE_TOKEN_MFA".into()), vec!["SOFTWARE_TOKEN_MFA".into()]));

        app.clock.advance_secs(30);
        let (name, session, params) = challenged(&app, &f, "alice").await;
        assert_eq!(name, C::SoftwareTokenMfa);
        assert_eq!(params.get("FRIENDLY_DEVICE_NAME").map(String::as_str), Some("Pixel"));
        let out = respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[
            ("USERNAME", "alice"),
            ("SOFTWARE_TOKEN_MFA_CODE", &totp_code(&secret, app.clock_now_secs())),
        ]).await.unwrap();
        let tokens = access_of(&out);
        app.idp.get_user().access_token(&tokens).send().await.unwrap();
    }

    async fn a_totp_code_is_accepted_only_once(app) {
        let f = mfa_fixture(&app, "OPTIONAL", false, true, false).await;
        let access = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap()
            .authentication_result().unwrap().access_token().unwrap().to_owned();
        let secret = set_up_totp(&app, &access).await;
        prefer(&app, &f, "alice", None, Some((true, true)), None).await.unwrap();
        // The code used to verify the token cannot sign in within its window.
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let used = totp_code(&secret, app.clock_now_secs());
        let err = respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", &used)])
            .await.unwrap_err();
        assert!(err.is_code_mismatch_exception(), "{err:?}");

        app.clock.advance_secs(30);
        let code = totp_code(&secret, app.clock_now_secs());
        let out = respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", &code)])
            .await.unwrap();
        access_of(&out);
        // Replaying the same code in a new sign-in within the window is refused.
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let err = respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", &code)])
            .await.unwrap_err();
        assert!(err.is_code_mismatch_exception(), "{err:?}");
        app.clock.advance_secs(30);
        let next = totp_code(&secret, app.clock_now_secs());
        respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", &next)])
            .await.unwrap();
    }

    async fn sms_mfa_sends_a_code_and_its_session_is_single_use(app) {
        let f = mfa_fixture(&app, "OPTIONAL", true, false, false).await;
        prefer(&app, &f, "alice", Some((true, false)), None, None).await.unwrap();
        let (name, session, params) = challenged(&app, &f, "alice").await;
        assert_eq!(name, C::SmsMfa);
        assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
        assert_eq!(params["CODE_DELIVERY_DESTINATION"], "+*******1234");
        let sent = app.outbox(&f.pool).await;
        let sms = sent.iter().rev().find(|m| m.destination == PHONE).unwrap();
        assert_eq!(sms.channel, "SMS");
        assert!(sms.body.starts_with("Your sign-in code is "), "{}", sms.body);
        let code = app.last_code_to(&f.pool, PHONE).await;
        let answer = [("USERNAME", "alice"), ("SMS_MFA_CODE", code.as_str())];
        let out = respond(&app, &f, C::SmsMfa, Some(&session), &answer).await.unwrap();
        app.idp.get_user().access_token(access_of(&out)).send().await.unwrap();

        // Replaying the session after success is refused, even with the right code.
        let err = respond(&app, &f, C::SmsMfa, Some(&session), &answer).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(message_of(&err), "Invalid session for the user, session can only be used once.");
        // An MFA session answers only its own challenge: a code session is no proof of
        // a set-up factor.
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let err = respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", "123456")])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let err = respond(&app, &f, C::MfaSetup, Some(&session), &[("USERNAME", "alice")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn guessing_an_sms_code_stops_after_three_wrong_answers(app) {
        let f = mfa_fixture(&app, "OPTIONAL", true, false, false).await;
        prefer(&app, &f, "alice", Some((true, true)), None, None).await.unwrap();
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let code = app.last_code_to(&f.pool, PHONE).await;
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        for _ in 0..3 {
            let err = respond(&app, &f, C::SmsMfa, Some(&session), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &wrong)])
                .await.unwrap_err();
            assert!(err.is_code_mismatch_exception(), "{err:?}");
        }
        // The right code no longer helps: the session is dead, now and later.
        for _ in 0..2 {
            let err = respond(&app, &f, C::SmsMfa, Some(&session), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &code)])
                .await.unwrap_err();
            assert!(err.is_not_authorized_exception(), "{err:?}");
        }
        // A newer sign-in replaces the code: the older session is dead.
        let (_, first, _) = challenged(&app, &f, "alice").await;
        let first_code = app.last_code_to(&f.pool, PHONE).await;
        let (_, second, _) = challenged(&app, &f, "alice").await;
        let err = respond(&app, &f, C::SmsMfa, Some(&first), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &first_code)])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let second_code = app.last_code_to(&f.pool, PHONE).await;
        respond(&app, &f, C::SmsMfa, Some(&second), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &second_code)])
            .await.unwrap();
    }

    async fn wrong_mfa_codes_count_toward_lockout(app) {
        let f = mfa_fixture(&app, "OPTIONAL", true, false, false).await;
        prefer(&app, &f, "alice", Some((true, true)), None, None).await.unwrap();
        let wrong = |code: &str| format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        // Three wrong codes, a new sign-in (the right password neither counts nor
        // clears), and two more: five failures.
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let bad = wrong(&app.last_code_to(&f.pool, PHONE).await);
        for _ in 0..3 {
            let err = respond(&app, &f, C::SmsMfa, Some(&session), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &bad)])
                .await.unwrap_err();
            assert!(err.is_code_mismatch_exception(), "{err:?}");
        }
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let code = app.last_code_to(&f.pool, PHONE).await;
        for _ in 0..2 {
            let err = respond(&app, &f, C::SmsMfa, Some(&session), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &wrong(&code))])
                .await.unwrap_err();
            assert!(err.is_code_mismatch_exception(), "{err:?}");
        }
        // Now the lock applies to the right code and to the password alike.
        let answer = [("USERNAME", "alice"), ("SMS_MFA_CODE", code.as_str())];
        let err = respond(&app, &f, C::SmsMfa, Some(&session), &answer).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(message_of(&err), "Password attempts exceeded");
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(message_of(&err), "Password attempts exceeded");
        // Once the lock has run out the same session and code work, and success
        // clears the counter.
        app.clock.advance_secs(2);
        let out = respond(&app, &f, C::SmsMfa, Some(&session), &answer).await.unwrap();
        access_of(&out);
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let code = app.last_code_to(&f.pool, PHONE).await;
        respond(&app, &f, C::SmsMfa, Some(&session), &[("USERNAME", "alice"), ("SMS_MFA_CODE", &code)])
            .await.unwrap();
    }

    async fn email_otp_with_admin_flows_uses_the_pool_template(app) {
        let f = mfa_fixture(&app, "OPTIONAL", false, false, true).await;
        prefer(&app, &f, "alice", None, None, Some((true, true))).await.unwrap();
        let out = app.idp.admin_initiate_auth()
            .user_pool_id(&f.pool).client_id(&f.client)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", PASSWORD)
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let params = out.challenge_parameters().unwrap();
        assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
        assert_eq!(params["CODE_DELIVERY_DESTINATION"], "a****@e****");
        let sent = app.outbox(&f.pool).await;
        let mail = sent.iter().rev().find(|m| m.destination == EMAIL).unwrap();
        assert_eq!(mail.subject.as_deref(), Some("Sign-in code"));
        assert!(mail.body.starts_with("Your email sign-in code is "), "{}", mail.body);
        let code = app.last_code_to(&f.pool, EMAIL).await;
        let done = app.idp.admin_respond_to_auth_challenge()
            .user_pool_id(&f.pool).client_id(&f.client)
            .challenge_name(C::EmailOtp).session(out.session().unwrap())
            .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", &code)
            .send().await.unwrap();
        assert!(done.authentication_result().and_then(|r| r.id_token()).is_some());
    }

    async fn select_mfa_type_offers_the_usable_factors(app) {
        let f = mfa_fixture(&app, "OPTIONAL", true, false, true).await;
        prefer(&app, &f, "alice", Some((true, false)), None, Some((true, false))).await.unwrap();
        let (name, session, params) = challenged(&app, &f, "alice").await;
        assert_eq!(name, C::SelectMfaType);
        let offered: Vec<String> = serde_json::from_str(&params["MFAS_CAN_CHOOSE"]).unwrap();
        assert_eq!(offered, ["SMS_MFA", "EMAIL_OTP"]);
        let err = respond(&app, &f, C::SelectMfaType, Some(&session), &[("USERNAME", "alice"), ("ANSWER", "SOFTWARE_TOKEN_MFA")])
            .await.unwrap_err();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let out = respond(&app, &f, C::SelectMfaType, Some(&session), &[("USERNAME", "alice"), ("ANSWER", "EMAIL_OTP")])
            .await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        let code = app.last_code_to(&f.pool, EMAIL).await;
        let done = respond(&app, &f, C::EmailOtp, out.session(), &[("USERNAME", "alice"), ("EMAIL_OTP_CODE", &code)])
            .await.unwrap();
        access_of(&done);
        // The selection session was spent by the choice.
        let err = respond(&app, &f, C::SelectMfaType, Some(&session), &[("USERNAME", "alice"), ("ANSWER", "SMS_MFA")])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn off_optional_and_on_decide_who_is_asked(app) {
        let f = mfa_fixture(&app, "OFF", false, false, false).await;
        create_user(&app, &f.pool, "bob", PASSWORD).await;
        prefer(&app, &f, "alice", Some((true, true)), None, None).await.unwrap();
        // OFF: nobody is asked, whatever they turned on.
        assert!(password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap().authentication_result().is_some());
        // OPTIONAL: only users with a factor.
        set_pool_mfa(&app, &f, "OPTIONAL", true, true, false).await;
        assert_eq!(challenged(&app, &f, "alice").await.0, C::SmsMfa);
        assert!(password_sign_in(&app, &f, "bob", PASSWORD).await.unwrap().authentication_result().is_some());
        // ON: users without a factor must set one up.
        set_pool_mfa(&app, &f, "ON", true, true, false).await;
        assert_eq!(challenged(&app, &f, "alice").await.0, C::SmsMfa);
        let (name, _, params) = challenged(&app, &f, "bob").await;
        assert_eq!(name, C::MfaSetup);
        assert_eq!(params["MFAS_CAN_SETUP"], r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#);
        // SRP sign-in meets the same challenge after PASSWORD_VERIFIER.
        let out = srp_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::SmsMfa));
        assert!(out.authentication_result().is_none());
    }

    async fn required_mfa_sets_up_totp_during_sign_in(app) {
        let f = mfa_fixture(&app, "ON", false, true, false).await;
        let (name, session, params) = challenged(&app, &f, "alice").await;
        assert_eq!(name, C::MfaSetup);
        assert_eq!(params["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
        let associated = app.idp.associate_software_token().session(&session).send().await.unwrap();
        let secret = associated.secret_code().unwrap().to_owned();
        let session2 = associated.session().unwrap().to_owned();
        // The challenge's own session is spent by AssociateSoftwareToken.
        let err = app.idp.associate_software_token().session(&session).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        // Not verified yet: MFA_SETUP cannot complete with it.
        let err = respond(&app, &f, C::MfaSetup, Some(&session2), &[("USERNAME", "alice")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let verified = app.idp.verify_software_token().session(&session2)
            .user_code(totp_code(&secret, app.clock_now_secs())).friendly_device_name("Authy")
            .send().await.unwrap();
        assert_eq!(verified.status(), Some(&VerifySoftwareTokenResponseType::Success));
        let session3 = verified.session().unwrap().to_owned();
        let out = respond(&app, &f, C::MfaSetup, Some(&session3), &[("USERNAME", "alice")]).await.unwrap();
        access_of(&out);
        let err = respond(&app, &f, C::MfaSetup, Some(&session3), &[("USERNAME", "alice")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(mfa_of(&app, &f, "alice").await, (Some("SOFTWARE_TOKEN_MFA".into()), vec!["SOFTWARE_TOKEN_MFA".into()]));

        app.clock.advance_secs(30);
        let (name, session, params) = challenged(&app, &f, "alice").await;
        assert_eq!(name, C::SoftwareTokenMfa);
        assert_eq!(params["FRIENDLY_DEVICE_NAME"], "Authy");
        respond(&app, &f, C::SoftwareTokenMfa, Some(&session), &[
            ("USERNAME", "alice"),
            ("SOFTWARE_TOKEN_MFA_CODE", &totp_code(&secret, app.clock_now_secs())),
        ]).await.unwrap();
    }

    async fn a_set_up_session_of_one_user_does_not_sign_in_another(app) {
        let f = mfa_fixture(&app, "ON", false, true, false).await;
        create_user(&app, &f.pool, "bob", PASSWORD).await;
        let (_, session, _) = challenged(&app, &f, "alice").await;
        let associated = app.idp.associate_software_token().session(&session).send().await.unwrap();
        let secret = associated.secret_code().unwrap().to_owned();
        let verified = app.idp.verify_software_token().session(associated.session().unwrap())
            .user_code(totp_code(&secret, app.clock_now_secs()))
            .send().await.unwrap();
        let alice_session = verified.session().unwrap().to_owned();
        let err = respond(&app, &f, C::MfaSetup, Some(&alice_session), &[("USERNAME", "bob")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(mfa_of(&app, &f, "bob").await, (None, vec![]));
        // Bob still has to set up MFA himself; alice's session still finishes her sign-in.
        assert_eq!(challenged(&app, &f, "bob").await.0, C::MfaSetup);
        let out = respond(&app, &f, C::MfaSetup, Some(&alice_session), &[("USERNAME", "alice")]).await.unwrap();
        let tokens = access_of(&out);
        let me = app.idp.get_user().access_token(&tokens).send().await.unwrap();
        assert_eq!(me.username(), "alice");
    }

    async fn required_mfa_sets_up_email_inline_and_new_password_comes_first(app) {
        let f = fixture(&app).await;
        set_pool_mfa(&app, &f, "ON", false, false, true).await;
        app.idp.admin_create_user().user_pool_id(&f.pool).username("carol")
            .temporary_password("Temp-Passw0rd!")
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send().await.unwrap();
        let out = password_sign_in(&app, &f, "carol", "Temp-Passw0rd!").await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::NewPasswordRequired));
        let password_session = out.session().unwrap().to_owned();
        let out = respond(&app, &f, C::NewPasswordRequired, Some(&password_session), &[("USERNAME", "carol"), ("NEW_PASSWORD", PASSWORD)])
            .await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::MfaSetup));
        // The password step's session is no MFA session.
        let err = respond(&app, &f, C::MfaSetup, Some(&password_session), &[("USERNAME", "carol"), ("EMAIL", "carol@example.com")])
            .await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(out.challenge_parameters().unwrap()["MFAS_CAN_SETUP"], r#"["EMAIL_OTP"]"#);
        let out = respond(&app, &f, C::MfaSetup, out.session(), &[("USERNAME", "carol"), ("EMAIL", "carol@example.com")])
            .await.unwrap();
        assert_eq!(out.challenge_name(), Some(&C::EmailOtp));
        assert_eq!(out.challenge_parameters().unwrap()["CODE_DELIVERY_DESTINATION"], "c****@e****");
        let code = app.last_code_to(&f.pool, "carol@example.com").await;
        let done = respond(&app, &f, C::EmailOtp, out.session(), &[("USERNAME", "carol"), ("EMAIL_OTP_CODE", &code)])
            .await.unwrap();
        access_of(&done);
        let user = app.idp.admin_get_user().user_pool_id(&f.pool).username("carol").send().await.unwrap();
        let attrs: HashMap<_, _> = user.user_attributes().iter().map(|a| (a.name(), a.value().unwrap_or_default())).collect();
        assert_eq!(attrs["email"], "carol@example.com");
        assert_eq!(attrs["email_verified"], "true");
        assert_eq!(user.preferred_mfa_setting(), Some("EMAIL_OTP"));
        assert_eq!(user.user_mfa_setting_list(), ["EMAIL_OTP"]);
        // From now on the sign-in asks for an email code.
        assert_eq!(challenged(&app, &f, "carol").await.0, C::EmailOtp);
    }

    async fn software_tokens_need_the_pool_to_offer_totp(app) {
        let f = mfa_fixture(&app, "OPTIONAL", true, false, false).await;
        let access = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap()
            .authentication_result().unwrap().access_token().unwrap().to_owned();
        let err = app.idp.associate_software_token().access_token(&access).send().await.unwrap_err().into_service_error();
        assert!(err.is_software_token_mfa_not_found_exception(), "{err:?}");
        set_pool_mfa(&app, &f, "OPTIONAL", true, true, false).await;
        let err = app.idp.verify_software_token().access_token(&access).user_code("123456")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_software_token_mfa_not_found_exception(), "{err:?}");
        let err = app.idp.associate_software_token().send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }
}
