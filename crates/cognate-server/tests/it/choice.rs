//! Choice-based sign-in (`USER_AUTH`) with the AWS SDK: SELECT_CHALLENGE and its
//! AvailableChallenges, a password answer, a one-time code by email as the whole
//! sign-in, PREFERRED_CHALLENGE, sign-in straight after ConfirmSignUp with its Session,
//! the refusals (another user's session, replays, a client without USER_AUTH), and
//! threat protection scoring and recording passkey sign-ins.

use crate::helpers::TestApp;
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFactorType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType as F,
    SignInPolicyType, UserPoolPolicyType, VerifiedAttributeType,
};

struct Fx {
    pool: String,
    client: String,
}

async fn fixture(app: &TestApp) -> Fx {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("choice")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .policies(
            UserPoolPolicyType::builder()
                .sign_in_policy(
                    SignInPolicyType::builder()
                        .allowed_first_auth_factors(AuthFactorType::Password)
                        .allowed_first_auth_factors(AuthFactorType::EmailOtp)
                        .allowed_first_auth_factors(AuthFactorType::SmsOtp)
                        .build(),
                )
                .build(),
        )
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
        .client_name("app")
        .explicit_auth_flows(F::AllowUserAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    create_user(app, &pool, "alice", PASSWORD).await;
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("alice")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("alice@example.com")
                .build()
                .unwrap(),
        )
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    Fx { pool, client }
}

fn start(
    app: &TestApp,
    f: &Fx,
    user: &str,
) -> aws_sdk_cognitoidentityprovider::operation::initiate_auth::builders::InitiateAuthFluentBuilder
{
    app.idp
        .initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", user)
}

backend_tests! {
    async fn select_challenge_lists_the_factors_and_a_password_answer_signs_in(app) {
        let f = fixture(&app).await;
        let out = start(&app, &f, "alice").send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
        let offered: Vec<&str> = out.available_challenges().iter().map(|c| c.as_str()).collect();
        assert_eq!(offered, ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"], "no SMS_OTP without a verified phone");
        let session = out.session().unwrap().to_owned();
        let done = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::SelectChallenge).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("ANSWER", "PASSWORD")
            .challenge_responses("PASSWORD", PASSWORD)
            .send().await.unwrap();
        assert!(done.authentication_result().and_then(|r| r.access_token()).is_some());
        // The session was spent.
        let again = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::SelectChallenge).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("ANSWER", "PASSWORD")
            .challenge_responses("PASSWORD", PASSWORD)
            .send().await.unwrap_err().into_service_error();
        assert!(again.is_not_authorized_exception(), "{again:?}");
    }

    async fn an_email_code_is_a_whole_sign_in_and_works_once(app) {
        let f = fixture(&app).await;
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "EMAIL_OTP")
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::EmailOtp));
        let params = out.challenge_parameters().unwrap();
        assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
        let session = out.session().unwrap().to_owned();
        let wrong = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::EmailOtp).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", "000000")
            .send().await.unwrap_err().into_service_error();
        assert!(wrong.is_code_mismatch_exception(), "{wrong:?}");
        let code = app.last_code_to(&f.pool, "alice@example.com").await;
        let done = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::EmailOtp).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", &code)
            .send().await.unwrap();
        assert!(done.authentication_result().is_some());
        let replay = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::EmailOtp).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", &code)
            .send().await.unwrap_err().into_service_error();
        assert!(replay.is_not_authorized_exception() || replay.is_code_mismatch_exception(), "{replay:?}");
    }

    async fn preferred_password_and_srp_and_refusals(app) {
        let f = fixture(&app).await;
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", PASSWORD).send().await.unwrap();
        assert!(out.authentication_result().is_some());
        let err = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", "Wrong-passw0rd!").send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception());
        // A factor the user cannot use falls back to the choice.
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "SMS_OTP")
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
        // Someone else's session cannot be answered for alice.
        create_user(&app, &f.pool, "bob", PASSWORD).await;
        let bobs = start(&app, &f, "bob").send().await.unwrap().session().unwrap().to_owned();
        let err = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::SelectChallenge).session(&bobs)
            .challenge_responses("USERNAME", "alice").challenge_responses("ANSWER", "PASSWORD")
            .challenge_responses("PASSWORD", PASSWORD)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        // PASSWORD_SRP answers with PASSWORD_VERIFIER, as USER_SRP_AUTH does.
        let a = cognate_core::srp::client::ClientEphemeral::generate();
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD_SRP")
            .auth_parameters("SRP_A", a.public_a_hex).send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
        // A client without ALLOW_USER_AUTH.
        let other = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("old")
            .explicit_auth_flows(F::AllowUserPasswordAuth).send().await.unwrap()
            .user_pool_client.unwrap().client_id.unwrap();
        let err = app.idp.initiate_auth().client_id(&other).auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", "alice").send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn confirm_sign_up_session_signs_in_once(app) {
        let f = fixture(&app).await;
        app.idp.sign_up().client_id(&f.client).username("carol").password(PASSWORD)
            .user_attributes(AttributeType::builder().name("email").value("carol@example.com").build().unwrap())
            .send().await.unwrap();
        let code = app.last_code_to(&f.pool, "carol@example.com").await;
        let confirmed = app.idp.confirm_sign_up().client_id(&f.client).username("carol")
            .confirmation_code(&code).send().await.unwrap();
        let session = confirmed.session().expect("a session for USER_AUTH clients").to_owned();
        // Not for another user.
        let err = start(&app, &f, "alice").session(&session).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let out = start(&app, &f, "carol").session(&session).send().await.unwrap();
        let id = out.authentication_result().unwrap().id_token().unwrap().to_owned();
        assert!(!id.is_empty());
        let err = start(&app, &f, "carol").session(&session).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "used once: {err:?}");
    }

    async fn a_passkey_is_a_first_factor(app) {
        use crate::passkeys::authenticator::Device;
        use crate::passkeys::{DOMAIN, ORIGIN, passkey_pool, register, signed_in_user};
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let token = signed_in_user(&app, &pool, "dana").await;
        let mut device = Device::new();
        register(&app, &token, &mut device).await;
        let client = app.idp.create_user_pool_client().user_pool_id(&pool.id).client_name("choice")
            .explicit_auth_flows(F::AllowUserAuth).send().await.unwrap()
            .user_pool_client.unwrap().client_id.unwrap();
        let f = Fx { pool: pool.id.clone(), client };
        let out = start(&app, &f, "dana").send().await.unwrap();
        let offered: Vec<&str> = out.available_challenges().iter().map(|c| c.as_str()).collect();
        assert!(offered.contains(&"WEB_AUTHN"), "{offered:?}");

        let out = start(&app, &f, "dana").auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::WebAuthn));
        let options: serde_json::Value =
            serde_json::from_str(&out.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
        let session = out.session().unwrap().to_owned();
        let credential = device.get(ORIGIN, &options).await;
        let done = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::WebAuthn).session(&session)
            .challenge_responses("USERNAME", "dana").challenge_responses("CREDENTIAL", &credential)
            .send().await.unwrap();
        assert!(done.authentication_result().and_then(|r| r.id_token()).is_some());
        let replay = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::WebAuthn).session(&session)
            .challenge_responses("USERNAME", "dana").challenge_responses("CREDENTIAL", &credential)
            .send().await.unwrap_err().into_service_error();
        assert!(replay.is_not_authorized_exception(), "{replay:?}");
        // Another user cannot answer with dana's passkey.
        signed_in_user(&app, &pool, "eve").await;
        let out = start(&app, &f, "dana").auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
            .send().await.unwrap();
        let options: serde_json::Value =
            serde_json::from_str(&out.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
        let credential = device.get(ORIGIN, &options).await;
        let err = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::WebAuthn).session(out.session().unwrap())
            .challenge_responses("USERNAME", "eve").challenge_responses("CREDENTIAL", &credential)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn passkey_sign_ins_are_scored_and_recorded_with_threat_protection(app) {
        use crate::passkeys::authenticator::Device;
        use crate::passkeys::{DOMAIN, ORIGIN, passkey_pool, register, signed_in_user};
        use aws_sdk_cognitoidentityprovider::types::{
            AdvancedSecurityModeType, EventResponseType, RiskExceptionConfigurationType, UserPoolAddOnsType,
        };
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let token = signed_in_user(&app, &pool, "dana").await;
        let mut device = Device::new();
        register(&app, &token, &mut device).await;
        app.idp.update_user_pool().user_pool_id(&pool.id)
            .policies(UserPoolPolicyType::builder().sign_in_policy(SignInPolicyType::builder()
                .allowed_first_auth_factors(AuthFactorType::Password)
                .allowed_first_auth_factors(AuthFactorType::WebAuthn).build()).build())
            .user_pool_add_ons(UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Enforced).build().unwrap())
            .send().await.unwrap();
        let client = app.idp.create_user_pool_client().user_pool_id(&pool.id).client_name("choice")
            .explicit_auth_flows(F::AllowUserAuth).send().await.unwrap()
            .user_pool_client.unwrap().client_id.unwrap();
        let f = Fx { pool: pool.id.clone(), client };
        let passkey = async |device: &mut Device| {
            let out = start(&app, &f, "dana").auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
                .send().await.unwrap();
            let options: serde_json::Value =
                serde_json::from_str(&out.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
            let credential = device.get(ORIGIN, &options).await;
            app.idp.respond_to_auth_challenge().client_id(&f.client)
                .challenge_name(ChallengeNameType::WebAuthn).session(out.session().unwrap())
                .challenge_responses("USERNAME", "dana").challenge_responses("CREDENTIAL", &credential)
                .send().await.map_err(|e| e.into_service_error())
        };
        let newest = async || {
            app.idp.admin_list_user_auth_events().user_pool_id(&f.pool).username("dana").max_results(5)
                .send().await.unwrap().auth_events.unwrap_or_default()
        };

        // The passkey sign-in is recorded, without a Password step, and names the tokens.
        let done = passkey(&mut device).await.unwrap();
        let access = done.authentication_result().unwrap().access_token().unwrap().to_owned();
        let events = newest().await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_response(), Some(&EventResponseType::Pass));
        assert!(events[0].challenge_responses().is_empty());
        assert_eq!(crate::oauth::claims(&access)["event_id"].as_str(), events[0].event_id());

        // A blocked address refuses even a valid passkey, and the event says so.
        app.idp.set_risk_configuration().user_pool_id(&f.pool)
            .risk_exception_configuration(RiskExceptionConfigurationType::builder()
                .blocked_ip_range_list("127.0.0.0/8").build())
            .send().await.unwrap();
        let err = passkey(&mut device).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let events = newest().await;
        assert_eq!(events[0].event_response(), Some(&EventResponseType::Fail));
        assert_eq!(events[0].event_risk().and_then(|r| r.risk_decision()).map(|d| d.as_str()), Some("Block"));
    }

    async fn wrong_mfa_codes_after_a_passkey_add_up_to_a_lockout(app) {
        use crate::mfa::{set_up_totp, totp_code};
        use crate::passkeys::authenticator::Device;
        use crate::passkeys::{DOMAIN, ORIGIN, passkey_pool, register, signed_in_user};
        use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
        use aws_sdk_cognitoidentityprovider::types::{
            SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
        };
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        app.idp.set_user_pool_mfa_config().user_pool_id(&pool.id).mfa_configuration(UserPoolMfaType::Optional)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send().await.unwrap();
        let token = signed_in_user(&app, &pool, "dana").await;
        let mut device = Device::new();
        register(&app, &token, &mut device).await;
        let secret = set_up_totp(&app, &token).await;
        app.idp.admin_set_user_mfa_preference().user_pool_id(&pool.id).username("dana")
            .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
            .send().await.unwrap();
        let client = app.idp.create_user_pool_client().user_pool_id(&pool.id).client_name("choice")
            .explicit_auth_flows(F::AllowUserAuth).send().await.unwrap()
            .user_pool_client.unwrap().client_id.unwrap();
        let f = Fx { pool: pool.id.clone(), client };
        let right = totp_code(&secret, app.clock_now_secs());
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

        // Passkey, then three wrong TOTP codes, again and again: the right passkey
        // takes back only its own attempt, so the wrong codes add up to a lock.
        let mut refusal = None;
        for _ in 0..3 {
            let out = start(&app, &f, "dana").auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
                .send().await.unwrap();
            let options: serde_json::Value =
                serde_json::from_str(&out.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
            let credential = device.get(ORIGIN, &options).await;
            let mfa = app.idp.respond_to_auth_challenge().client_id(&f.client)
                .challenge_name(ChallengeNameType::WebAuthn).session(out.session().unwrap())
                .challenge_responses("USERNAME", "dana").challenge_responses("CREDENTIAL", &credential)
                .send().await.unwrap();
            assert_eq!(mfa.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
            for _ in 0..3 {
                let e = app.idp.respond_to_auth_challenge().client_id(&f.client)
                    .challenge_name(ChallengeNameType::SoftwareTokenMfa).session(mfa.session().unwrap())
                    .challenge_responses("USERNAME", "dana").challenge_responses("SOFTWARE_TOKEN_MFA_CODE", &wrong)
                    .send().await.unwrap_err().into_service_error();
                if !e.is_code_mismatch_exception() {
                    refusal = Some(e);
                    break;
                }
            }
            if refusal.is_some() {
                break;
            }
        }
        let e = refusal.expect("wrong MFA codes after a passkey never locked the account");
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some("Password attempts exceeded"));
        let e = start(&app, &f, "dana").auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
            .send().await.unwrap_err().into_service_error();
        assert_eq!(e.message(), Some("Password attempts exceeded"));
    }

    async fn passwordless_never_skips_required_mfa(app) {
        use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaConfigType, UserPoolMfaType};
        let f = fixture(&app).await;
        app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
            .mfa_configuration(UserPoolMfaType::On)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send().await.unwrap();
        let out = start(&app, &f, "alice").send().await.unwrap();
        let offered: Vec<&str> = out.available_challenges().iter().map(|c| c.as_str()).collect();
        assert!(!offered.contains(&"EMAIL_OTP"), "a code alone would skip MFA: {offered:?}");
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "EMAIL_OTP")
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
        // The password goes on to MFA.
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", PASSWORD).send().await.unwrap();
        assert!(out.authentication_result().is_none());
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    }

    async fn mfa_turned_on_while_a_code_is_out_still_applies(app) {
        use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaConfigType, UserPoolMfaType};
        let f = fixture(&app).await;
        let out = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "EMAIL_OTP")
            .send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::EmailOtp));
        let session = out.session().unwrap().to_owned();
        // MFA becomes required after the code was offered and before it is answered.
        app.idp.set_user_pool_mfa_config().user_pool_id(&f.pool)
            .mfa_configuration(UserPoolMfaType::On)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send().await.unwrap();
        let code = app.last_code_to(&f.pool, "alice@example.com").await;
        let next = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::EmailOtp).session(&session)
            .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", &code)
            .send().await.unwrap();
        assert!(next.authentication_result().is_none(), "the code alone skipped MFA");
        assert_eq!(next.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    }

    async fn unknown_users_get_a_stable_believable_answer(app) {
        use aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes;
        let f = fixture(&app).await;
        app.idp.update_user_pool_client().user_pool_id(&f.pool).client_id(&f.client)
            .explicit_auth_flows(F::AllowUserAuth).explicit_auth_flows(F::AllowRefreshTokenAuth)
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .send().await.unwrap();
        let first = start(&app, &f, "nobody").send().await.unwrap();
        let again = start(&app, &f, "nobody").send().await.unwrap();
        assert_eq!(first.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
        assert_eq!(first.available_challenges(), again.available_challenges());
        assert!(first.available_challenges().iter().any(|c| c.as_str() == "PASSWORD"));
        // The sealed session is as long for an account as for any unknown name.
        let real = start(&app, &f, "alice").send().await.unwrap();
        let long = start(&app, &f, "a-much-longer-unknown-name@example.com").send().await.unwrap();
        assert_eq!(real.session().map(str::len), first.session().map(str::len));
        assert_eq!(real.session().map(str::len), long.session().map(str::len));
        // A password factor asked for by name is answered as it is for alice: a refused
        // password, or an SRP challenge.
        let err = start(&app, &f, "nobody").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", "Wrong-passw0rd!").send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        let a = cognate_core::srp::client::ClientEphemeral::generate();
        let out = start(&app, &f, "nobody").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD_SRP")
            .auth_parameters("SRP_A", a.public_a_hex).send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
        // Wrong passwords answered to an unknown name's choice lock it like an account.
        // A wrong password answered, for `answered_as`, to a choice started for `name`.
        let (app_, f_) = (&app, &f);
        let wrong_answer = |name: &'static str, answered_as: &'static str| async move {
            let s = start(app_, f_, name).send().await.unwrap().session().unwrap().to_owned();
            app_.idp.respond_to_auth_challenge().client_id(&f_.client)
                .challenge_name(ChallengeNameType::SelectChallenge).session(&s)
                .challenge_responses("USERNAME", answered_as).challenge_responses("ANSWER", "PASSWORD")
                .challenge_responses("PASSWORD", "Wrong-passw0rd!")
                .send().await.unwrap_err().into_service_error()
        };
        for _ in 0..4 {
            let err = wrong_answer("nobody", "nobody").await;
            assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        }
        let err = start(&app, &f, "nobody").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", "Wrong-passw0rd!").send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"), "the sixth attempt");
        // A session made for one name counts nothing for another (which would lock
        // unknown names but not accounts, whose own counters are untouched).
        for _ in 0..6 {
            let err = wrong_answer("stranger", "candidate").await;
            assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        }
        let err = start(&app, &f, "candidate").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
            .auth_parameters("PASSWORD", "Wrong-passw0rd!").send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Incorrect username or password."), "nothing was counted for candidate");
        // A disabled account answers like an unknown one.
        app.idp.admin_disable_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let out = start(&app, &f, "alice").send().await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
        let a = cognate_core::srp::client::ClientEphemeral::generate();
        let srp = start(&app, &f, "alice").auth_parameters("PREFERRED_CHALLENGE", "PASSWORD_SRP")
            .auth_parameters("SRP_A", a.public_a_hex).send().await.unwrap();
        assert_eq!(srp.challenge_name(), Some(&ChallengeNameType::PasswordVerifier), "no status before the proof");
        let err = app.idp.respond_to_auth_challenge().client_id(&f.client)
            .challenge_name(ChallengeNameType::SelectChallenge).session(out.session().unwrap())
            .challenge_responses("USERNAME", "alice").challenge_responses("ANSWER", "PASSWORD")
            .challenge_responses("PASSWORD", "Wrong-passw0rd!")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
    }
}
