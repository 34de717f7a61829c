//! Threat protection in the real flows, driven with the AWS SDK: breached passwords at
//! sign-up, password change, reset and sign-in (ENFORCED blocks, AUDIT records); the
//! risk of a sign-in raised by failures from its address, blocked and skipped address
//! ranges, MFA that risk asks for, feedback that lowers the next risk; the events
//! `AdminListUserAuthEvents` shows and the tokens' `event_id`; and nothing at all while
//! threat protection is off. Admin sign-ins set the end user's address and browser
//! through `ContextData`; public ones come from the test's own address (127.0.0.1).

use crate::helpers::TestApp;
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider as idp;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use base64::Engine;
use idp::operation::admin_initiate_auth::{AdminInitiateAuthError, AdminInitiateAuthOutput};
use idp::types::*;

/// In the built-in breached-password list, and good enough for the default policy.
const BREACHED: &str = "P@ssw0rd";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const SOURCE_ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/security@example.com";
const HOME: &str = "203.0.113.7";
const REFUSED: &str = "Unable to login because of security reasons.";

struct Pool {
    id: String,
    client: String,
}

async fn pool(app: &TestApp, mode: Option<AdvancedSecurityModeType>) -> Pool {
    use ExplicitAuthFlowsType as F;
    let mut req = app.idp.create_user_pool().pool_name("threat-flows");
    if let Some(mode) = mode {
        req = req.user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(mode)
                .build()
                .unwrap(),
        );
    }
    let id = req.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&id)
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
    Pool { id, client }
}

fn compromised_block(filter: &[EventFilterType]) -> CompromisedCredentialsRiskConfigurationType {
    CompromisedCredentialsRiskConfigurationType::builder()
        .set_event_filter(Some(filter.to_vec()))
        .actions(
            CompromisedCredentialsActionsType::builder()
                .event_action(CompromisedCredentialsEventActionType::Block)
                .build()
                .unwrap(),
        )
        .build()
}

fn action(event: AccountTakeoverEventActionType, notify: bool) -> AccountTakeoverActionType {
    AccountTakeoverActionType::builder()
        .notify(notify)
        .event_action(event)
        .build()
        .unwrap()
}

/// Takeover actions per level (low, medium, high); `notify` on the high one, with a
/// notification configuration.
fn takeover(
    low: AccountTakeoverEventActionType,
    medium: AccountTakeoverEventActionType,
    high: AccountTakeoverEventActionType,
    notify: bool,
) -> AccountTakeoverRiskConfigurationType {
    let mut b = AccountTakeoverRiskConfigurationType::builder().actions(
        AccountTakeoverActionsType::builder()
            .low_action(action(low, false))
            .medium_action(action(medium, false))
            .high_action(action(high, notify))
            .build(),
    );
    if notify {
        let email = NotifyEmailType::builder()
            .subject("Blocked sign-in")
            .text_body(
                "Hi {username}, we blocked a sign-in from {ip-address}. {one-click-link-invalid}",
            )
            .build()
            .unwrap();
        b = b.notify_configuration(
            NotifyConfigurationType::builder()
                .source_arn(SOURCE_ARN)
                .block_email(email)
                .build()
                .unwrap(),
        );
    }
    b.build()
}

fn ranges(blocked: &[&str], skipped: &[&str]) -> RiskExceptionConfigurationType {
    RiskExceptionConfigurationType::builder()
        .set_blocked_ip_range_list(Some(blocked.iter().map(|s| s.to_string()).collect()))
        .set_skipped_ip_range_list(Some(skipped.iter().map(|s| s.to_string()).collect()))
        .build()
}

/// A confirmed user with a verified email `<name>@example.com` and `password`.
async fn verified_user(app: &TestApp, pool: &str, name: &str, password: &str) {
    create_user(app, pool, name, password).await;
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(pool)
        .username(name)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(format!("{name}@example.com"))
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
}

/// `ContextData` of an end user at `ip` with browser `ua`.
fn context(ip: &str, ua: &str) -> ContextDataType {
    ContextDataType::builder()
        .ip_address(ip)
        .server_name("app.example.com")
        .server_path("/login")
        .http_headers(
            HttpHeader::builder()
                .header_name("User-Agent")
                .header_value(ua)
                .build(),
        )
        .build()
        .unwrap()
}

async fn admin_sign_in(
    app: &TestApp,
    p: &Pool,
    name: &str,
    password: &str,
    ip: &str,
    ua: &str,
) -> Result<AdminInitiateAuthOutput, AdminInitiateAuthError> {
    app.idp
        .admin_initiate_auth()
        .user_pool_id(&p.id)
        .client_id(&p.client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", password)
        .context_data(context(ip, ua))
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn public_sign_in(
    app: &TestApp,
    p: &Pool,
    name: &str,
    password: &str,
) -> Result<
    idp::operation::initiate_auth::InitiateAuthOutput,
    idp::operation::initiate_auth::InitiateAuthError,
> {
    app.idp
        .initiate_auth()
        .client_id(&p.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn events(app: &TestApp, pool: &str, name: &str) -> Vec<AuthEventType> {
    app.idp
        .admin_list_user_auth_events()
        .user_pool_id(pool)
        .username(name)
        .max_results(60)
        .send()
        .await
        .unwrap()
        .auth_events
        .unwrap_or_default()
}

/// `(EventType, EventResponse)` of each event, newest first.
fn kinds(events: &[AuthEventType]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e.event_type().unwrap().as_str().to_owned(),
                e.event_response().unwrap().as_str().to_owned(),
            )
        })
        .collect()
}

fn challenges(e: &AuthEventType) -> Vec<(String, String)> {
    e.challenge_responses()
        .iter()
        .map(|c| {
            (
                c.challenge_name().unwrap().as_str().to_owned(),
                c.challenge_response().unwrap().as_str().to_owned(),
            )
        })
        .collect()
}

fn risk(e: &AuthEventType) -> (Option<String>, Option<String>, bool) {
    let r = e.event_risk().unwrap();
    (
        r.risk_decision().map(|d| d.as_str().to_owned()),
        r.risk_level().map(|l| l.as_str().to_owned()),
        r.compromised_credentials_detected().unwrap_or(false),
    )
}

fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn event_ids_of(result: &AuthenticationResultType) -> (String, String) {
    let id = claims(result.id_token().unwrap())["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let access = claims(result.access_token().unwrap())["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, access)
}

/// An ENFORCED pool whose client signs in with USER_AUTH (password or a code by email)
/// and the admin password flow, with email MFA on offer (OPTIONAL).
async fn user_auth_pool(app: &TestApp) -> Pool {
    use ExplicitAuthFlowsType as F;
    let id = app
        .idp
        .create_user_pool()
        .pool_name("threat-passwordless")
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                .build()
                .unwrap(),
        )
        .policies(
            UserPoolPolicyType::builder()
                .sign_in_policy(
                    SignInPolicyType::builder()
                        .allowed_first_auth_factors(AuthFactorType::Password)
                        .allowed_first_auth_factors(AuthFactorType::EmailOtp)
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
        .user_pool_id(&id)
        .client_name("web")
        .explicit_auth_flows(F::AllowUserAuth)
        .explicit_auth_flows(F::AllowAdminUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&id)
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
    Pool { id, client }
}

/// AdminInitiateAuth(USER_AUTH) choosing a code by email, from `ip` with browser `ua`.
async fn admin_email_code_start(
    app: &TestApp,
    p: &Pool,
    name: &str,
    ip: &str,
    ua: &str,
) -> AdminInitiateAuthOutput {
    let out = app
        .idp
        .admin_initiate_auth()
        .user_pool_id(&p.id)
        .client_id(&p.client)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PREFERRED_CHALLENGE", "EMAIL_OTP")
        .context_data(context(ip, ua))
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    out
}

/// Answers an EMAIL_OTP challenge (first or second factor) with `code`.
async fn admin_email_code_answer(
    app: &TestApp,
    p: &Pool,
    name: &str,
    session: &str,
    code: &str,
    ip: &str,
    ua: &str,
) -> Result<
    idp::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput,
    idp::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError,
> {
    app.idp
        .admin_respond_to_auth_challenge()
        .user_pool_id(&p.id)
        .client_id(&p.client)
        .challenge_name(ChallengeNameType::EmailOtp)
        .session(session)
        .challenge_responses("USERNAME", name)
        .challenge_responses("EMAIL_OTP_CODE", code)
        .context_data(context(ip, ua))
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

backend_tests! {
    async fn breached_passwords_are_refused_at_sign_up_and_password_changes(app) {
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .compromised_credentials_risk_configuration(compromised_block(&[])).send().await.unwrap();

        let e = app.idp.sign_up().client_id(&p.client).username("carol").password(BREACHED)
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_password_exception(), "{e:?}");
        assert!(e.message().unwrap().contains("breached passwords"), "{e:?}");
        app.idp.sign_up().client_id(&p.client).username("carol").password(PASSWORD).send().await.unwrap();
        let carol = events(&app, &p.id, "carol").await;
        assert_eq!(kinds(&carol), [("SignUp".to_owned(), "Pass".to_owned())]);
        assert!(!risk(&carol[0]).2);

        // ChangePassword: refused, the old password stays; a fine one is taken.
        verified_user(&app, &p.id, "bob", PASSWORD).await;
        let access = public_sign_in(&app, &p, "bob", PASSWORD).await.unwrap()
            .authentication_result.unwrap().access_token.unwrap();
        let e = app.idp.change_password().access_token(&access).previous_password(PASSWORD)
            .proposed_password(BREACHED).send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_password_exception(), "{e:?}");
        let e = app.idp.change_password().access_token(&access).previous_password("Wr0ng-Horse!")
            .proposed_password("N3w-Horse-Battery!").send().await.unwrap_err().into_service_error();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        public_sign_in(&app, &p, "bob", PASSWORD).await.unwrap();
        app.idp.change_password().access_token(&access).previous_password(PASSWORD)
            .proposed_password("N3w-Horse-Battery!").send().await.unwrap();
        let bob = events(&app, &p.id, "bob").await;
        let expect = [("PasswordChange", "Pass"), ("SignIn", "Pass"), ("PasswordChange", "Fail"),
                      ("PasswordChange", "Fail"), ("SignIn", "Pass")];
        assert_eq!(kinds(&bob), expect.map(|(a, b)| (a.to_owned(), b.to_owned())));
        assert_eq!(risk(&bob[3]), (Some("Block".into()), None, true));
        assert_eq!(challenges(&bob[2]), [("Password".to_owned(), "Failure".to_owned())]);
        assert_eq!(challenges(&bob[0]), [("Password".to_owned(), "Success".to_owned())]);

        // ConfirmForgotPassword: refused without spending the code.
        app.idp.forgot_password().client_id(&p.client).username("bob").send().await.unwrap();
        let code = app.last_code_to(&p.id, "bob@example.com").await;
        let e = app.idp.confirm_forgot_password().client_id(&p.client).username("bob")
            .confirmation_code(&code).password(BREACHED).send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_password_exception(), "{e:?}");
        app.idp.confirm_forgot_password().client_id(&p.client).username("bob")
            .confirmation_code(&code).password("An0ther-Horse!").send().await.unwrap();
        public_sign_in(&app, &p, "bob", "An0ther-Horse!").await.unwrap();
        let bob = events(&app, &p.id, "bob").await;
        let newest: Vec<(String, String)> = kinds(&bob).into_iter().take(4).collect();
        let expect = [("SignIn", "Pass"), ("ForgotPassword", "Pass"), ("ForgotPassword", "Fail"), ("ForgotPassword", "Pass")];
        assert_eq!(newest, expect.map(|(a, b)| (a.to_owned(), b.to_owned())));
        assert!(risk(&bob[2]).2 && !risk(&bob[1]).2);
    }

    async fn a_breached_password_at_sign_in_requires_a_reset_or_is_only_recorded(app) {
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .compromised_credentials_risk_configuration(compromised_block(&[EventFilterType::SignIn]))
            .send().await.unwrap();
        create_user(&app, &p.id, "alice", BREACHED).await;
        let e = public_sign_in(&app, &p, "alice", BREACHED).await.unwrap_err();
        assert!(e.is_password_reset_required_exception(), "{e:?}");
        let status = app.idp.admin_get_user().user_pool_id(&p.id).username("alice").send().await.unwrap();
        assert_eq!(status.user_status(), Some(&UserStatusType::ResetRequired));
        let alice = events(&app, &p.id, "alice").await;
        assert_eq!(kinds(&alice), [("SignIn".to_owned(), "Fail".to_owned())]);
        assert_eq!(risk(&alice[0]), (Some("Block".into()), None, true));
        assert_eq!(challenges(&alice[0]), [("Password".to_owned(), "Success".to_owned())]);
        // SIGN_UP is not in the filter: a breached password signs up.
        app.idp.sign_up().client_id(&p.client).username("carol").password(BREACHED).send().await.unwrap();

        // AUDIT: allowed, recorded as detected; the tokens name the event.
        let a = pool(&app, Some(AdvancedSecurityModeType::Audit)).await;
        app.idp.set_risk_configuration().user_pool_id(&a.id)
            .compromised_credentials_risk_configuration(compromised_block(&[])).send().await.unwrap();
        create_user(&app, &a.id, "alice", BREACHED).await;
        let out = public_sign_in(&app, &a, "alice", BREACHED).await.unwrap();
        let (id_event, access_event) = event_ids_of(out.authentication_result().unwrap());
        let status = app.idp.admin_get_user().user_pool_id(&a.id).username("alice").send().await.unwrap();
        assert_eq!(status.user_status(), Some(&UserStatusType::Confirmed));
        let alice = events(&app, &a.id, "alice").await;
        assert_eq!(kinds(&alice), [("SignIn".to_owned(), "Pass".to_owned())]);
        assert_eq!(risk(&alice[0]), (Some("NoRisk".into()), Some("Low".into()), true));
        assert_eq!((alice[0].event_id(), alice[0].event_id()), (Some(id_event.as_str()), Some(access_event.as_str())));
        app.idp.sign_up().client_id(&a.client).username("carol").password(BREACHED).send().await.unwrap();
        assert!(risk(&events(&app, &a.id, "carol").await[0]).2);
    }

    async fn sign_in_events_name_the_tokens_and_record_failures(app) {
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        create_user(&app, &p.id, "alice", PASSWORD).await;
        let e = public_sign_in(&app, &p, "alice", "Wr0ng-Horse!").await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert!(public_sign_in(&app, &p, "nobody", PASSWORD).await.is_err());
        let out = public_sign_in(&app, &p, "alice", PASSWORD).await.unwrap();
        let result = out.authentication_result().unwrap();
        let (id_event, access_event) = event_ids_of(result);
        assert_eq!(id_event, access_event);

        let alice = events(&app, &p.id, "alice").await;
        assert_eq!(kinds(&alice), [("SignIn".to_owned(), "Pass".to_owned()), ("SignIn".to_owned(), "Fail".to_owned())]);
        assert_eq!(alice[0].event_id(), Some(id_event.as_str()));
        assert_eq!(challenges(&alice[0]), [("Password".to_owned(), "Success".to_owned())]);
        assert_eq!(challenges(&alice[1]), [("Password".to_owned(), "Failure".to_owned())]);
        assert_eq!(risk(&alice[0]).0.as_deref(), Some("NoRisk"));
        // The connection's address and User-Agent (the SDK's) describe a public call.
        let ctx = alice[0].event_context_data().unwrap();
        assert_eq!(ctx.ip_address(), Some("127.0.0.1"));
        assert!(ctx.device_name().is_some_and(|n| !n.is_empty()), "{ctx:?}");

        // SRP is scored and recorded too; refreshing is not a sign-in.
        let f = crate::sign_in::Fixture { pool: p.id.clone(), client: p.client.clone() };
        let srp = crate::sign_in::srp_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let (srp_event, _) = event_ids_of(srp.authentication_result().unwrap());
        app.idp.initiate_auth().client_id(&p.client).auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", result.refresh_token().unwrap()).send().await.unwrap();
        let alice = events(&app, &p.id, "alice").await;
        assert_eq!(alice.len(), 3);
        assert_eq!(alice[0].event_id(), Some(srp_event.as_str()));
        assert_eq!(alice[0].event_response(), Some(&EventResponseType::Pass));
    }

    async fn failures_from_one_address_across_users_raise_the_next_sign_ins_risk(app) {
        use AccountTakeoverEventActionType as A;
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::NoAction, A::NoAction, A::Block, true))
            .send().await.unwrap();
        verified_user(&app, &p.id, "alice", PASSWORD).await;
        create_user(&app, &p.id, "bob", PASSWORD).await;
        admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        // A new address on a new network alone is low risk: allowed.
        admin_sign_in(&app, &p, "alice", PASSWORD, "192.0.2.10", FIREFOX).await.unwrap();
        let low = &events(&app, &p.id, "alice").await[0];
        assert_eq!(risk(low), (Some("AccountTakeover".into()), Some("Low".into()), false));

        // A burst of failures from one address, on many accounts...
        let attacker = "198.51.100.20";
        for i in 0..6 {
            assert!(admin_sign_in(&app, &p, &format!("ghost{i}"), PASSWORD, attacker, CHROME).await.is_err());
        }
        for _ in 0..4 {
            assert!(admin_sign_in(&app, &p, "bob", "Wr0ng-Horse!", attacker, CHROME).await.is_err());
        }
        // ...makes a correct password from there high risk: blocked and notified.
        let e = admin_sign_in(&app, &p, "alice", PASSWORD, attacker, FIREFOX).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some(REFUSED));
        let alice = events(&app, &p.id, "alice").await;
        assert_eq!(kinds(&alice)[0], ("SignIn".to_owned(), "Fail".to_owned()));
        assert_eq!(risk(&alice[0]), (Some("Block".into()), Some("High".into()), false));
        assert_eq!(alice[0].event_context_data().unwrap().ip_address(), Some(attacker));
        let mail = app.outbox(&p.id).await.into_iter().rev().find(|m| m.destination == "alice@example.com").unwrap();
        assert!(mail.body.contains(attacker) && mail.body.contains("auth-event-feedback"), "{}", mail.body);
        assert_eq!(events(&app, &p.id, "bob").await.len(), 4);
        // The failures elsewhere do not touch the familiar address.
        admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        assert_eq!(risk(&events(&app, &p.id, "alice").await[0]).0.as_deref(), Some("NoRisk"));
    }

    async fn blocked_ranges_refuse_and_skipped_ranges_are_not_scored(app) {
        use AccountTakeoverEventActionType as A;
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::Block, A::Block, A::Block, false))
            .risk_exception_configuration(ranges(&["192.0.2.0/24"], &["10.0.0.0/8"]))
            .send().await.unwrap();
        create_user(&app, &p.id, "alice", PASSWORD).await;
        // A first sign-in has nothing to be unfamiliar with.
        admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        let e = admin_sign_in(&app, &p, "alice", PASSWORD, "192.0.2.5", FIREFOX).await.unwrap_err();
        assert_eq!((e.is_not_authorized_exception(), e.message()), (true, Some(REFUSED)));
        assert_eq!(risk(&events(&app, &p.id, "alice").await[0]).0.as_deref(), Some("Block"));
        admin_sign_in(&app, &p, "alice", PASSWORD, "10.1.2.3", CHROME).await.unwrap();
        assert_eq!(risk(&events(&app, &p.id, "alice").await[0]), (Some("NoRisk".into()), None, false));
        let e = admin_sign_in(&app, &p, "alice", PASSWORD, "198.51.100.7", CHROME).await.unwrap_err();
        assert_eq!(e.message(), Some(REFUSED));

        // Public calls are judged by the connection's address: a client blocking loopback
        // refuses this test's own sign-ins.
        app.idp.set_risk_configuration().user_pool_id(&p.id).client_id(&p.client)
            .risk_exception_configuration(ranges(&["127.0.0.0/8"], &[])).send().await.unwrap();
        let e = public_sign_in(&app, &p, "alice", PASSWORD).await.unwrap_err();
        assert_eq!((e.is_not_authorized_exception(), e.message()), (true, Some(REFUSED)));
        let blocked = &events(&app, &p.id, "alice").await[0];
        assert_eq!(blocked.event_context_data().unwrap().ip_address(), Some("127.0.0.1"));
    }

    async fn valid_feedback_lets_the_next_similar_sign_in_through(app) {
        use AccountTakeoverEventActionType as A;
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::NoAction, A::Block, A::Block, false))
            .send().await.unwrap();
        create_user(&app, &p.id, "alice", PASSWORD).await;
        admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        // A new device on a new network: medium risk, blocked here.
        let travel = "198.51.100.20";
        let e = admin_sign_in(&app, &p, "alice", PASSWORD, travel, CHROME).await.unwrap_err();
        assert_eq!(e.message(), Some(REFUSED));
        let blocked = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(risk(&blocked), (Some("Block".into()), Some("Medium".into()), false));
        // The user says it was them: the same device and network are low risk now.
        app.idp.admin_update_auth_event_feedback().user_pool_id(&p.id).username("alice")
            .event_id(blocked.event_id().unwrap()).feedback_value(FeedbackValueType::Valid).send().await.unwrap();
        let out = admin_sign_in(&app, &p, "alice", PASSWORD, travel, CHROME).await.unwrap();
        let (event_id, _) = event_ids_of(out.authentication_result().unwrap());
        let passed = &events(&app, &p.id, "alice").await[0];
        assert_eq!(passed.event_id(), Some(event_id.as_str()));
        assert_eq!(risk(passed), (Some("AccountTakeover".into()), Some("Low".into()), false));
    }

    async fn risk_asks_for_mfa_the_pool_would_not_and_the_answer_completes_the_event(app) {
        use AccountTakeoverEventActionType as A;
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::NoAction, A::MfaIfConfigured, A::Block, false))
            .send().await.unwrap();
        app.idp.set_user_pool_mfa_config().user_pool_id(&p.id).mfa_configuration(UserPoolMfaType::Optional)
            .email_mfa_configuration(EmailMfaConfigType::builder().message("Your code is {####}").subject("Code").build())
            .send().await.unwrap();
        verified_user(&app, &p.id, "alice", PASSWORD).await;
        // No factor turned on: the pool asks nothing at home...
        let home = admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        assert!(home.authentication_result().is_some());
        // ...but a medium-risk sign-in gets a code at the verified address.
        let (travel, ua) = ("198.51.100.20", CHROME);
        let challenge = admin_sign_in(&app, &p, "alice", PASSWORD, travel, ua).await.unwrap();
        assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::EmailOtp));
        let pending = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(pending.event_response(), Some(&EventResponseType::InProgress));
        assert_eq!(risk(&pending), (Some("AccountTakeover".into()), Some("Medium".into()), false));
        let code = app.last_code_to(&p.id, "alice@example.com").await;
        let answer = |code: String| {
            app.idp.admin_respond_to_auth_challenge().user_pool_id(&p.id).client_id(&p.client)
                .challenge_name(ChallengeNameType::EmailOtp).session(challenge.session().unwrap())
                .challenge_responses("USERNAME", "alice").challenge_responses("EMAIL_OTP_CODE", code)
                .context_data(context(travel, ua)).send()
        };
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let e = answer(wrong.to_owned()).await.unwrap_err().into_service_error();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
        let out = answer(code).await.unwrap();
        let (event_id, _) = event_ids_of(out.authentication_result().unwrap());
        let done = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(done.event_id(), pending.event_id());
        assert_eq!(done.event_id(), Some(event_id.as_str()));
        assert_eq!(done.event_response(), Some(&EventResponseType::Pass));
        let steps = [("Password", "Success"), ("Mfa", "Failure"), ("Mfa", "Success")];
        assert_eq!(challenges(&done), steps.map(|(a, b)| (a.to_owned(), b.to_owned())));
    }

    async fn the_hosted_sign_in_page_applies_the_same_protection(app) {
        use crate::oauth::{CALLBACK, authorize_params, browser, location, oauth_client, pkce, sign_in_form};
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.create_user_pool_domain().user_pool_id(&p.id)
            .domain(format!("threat-{}", p.id.to_lowercase().replace('_', "-"))).send().await.unwrap();
        let web = oauth_client(&app, &p.id, "web").await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .compromised_credentials_risk_configuration(compromised_block(&[])).send().await.unwrap();
        create_user(&app, &p.id, "alice", BREACHED).await;
        create_user(&app, &p.id, "bob", PASSWORD).await;
        let f = crate::oauth::Fx { pool: p.id.clone(), client: web.clone(), other: web.clone(), issuer: format!("{}/{}", app.url, p.id) };
        let (challenge, _) = pkce();
        let params = authorize_params(&web, &challenge, "n-1");
        let redirected = |r: &reqwest::Response| location(r).is_some_and(|l| l.as_str().starts_with(CALLBACK));

        let r = sign_in_form(&browser(), &f, &params, "alice", BREACHED).await;
        assert!(!redirected(&r), "{:?}", r.status());
        let status = app.idp.admin_get_user().user_pool_id(&p.id).username("alice").send().await.unwrap();
        assert_eq!(status.user_status(), Some(&UserStatusType::ResetRequired));
        let alice = events(&app, &p.id, "alice").await;
        assert_eq!(risk(&alice[0]), (Some("Block".into()), None, true));

        assert!(!redirected(&sign_in_form(&browser(), &f, &params, "bob", "Wr0ng-Horse!").await));
        assert!(redirected(&sign_in_form(&browser(), &f, &params, "bob", PASSWORD).await));
        let bob = events(&app, &p.id, "bob").await;
        assert_eq!(kinds(&bob), [("SignIn".to_owned(), "Pass".to_owned()), ("SignIn".to_owned(), "Fail".to_owned())]);
        assert_eq!(bob[0].event_context_data().unwrap().ip_address(), Some("127.0.0.1"));

        // Risk applies on the page too: loopback blocked for this client.
        app.idp.set_risk_configuration().user_pool_id(&p.id).client_id(&web)
            .risk_exception_configuration(ranges(&["127.0.0.0/8"], &[])).send().await.unwrap();
        assert!(!redirected(&sign_in_form(&browser(), &f, &params, "bob", PASSWORD).await));
        assert_eq!(risk(&events(&app, &p.id, "bob").await[0]).0.as_deref(), Some("Block"));
    }

    async fn tokens_from_the_code_exchange_carry_the_hosted_sign_in_event(app) {
        use crate::oauth::{CALLBACK, authorize_params, browser, exchange, get_authorize, location, oauth_client, pkce, query_param, sign_in_form};
        let p = pool(&app, Some(AdvancedSecurityModeType::Audit)).await;
        app.idp.create_user_pool_domain().user_pool_id(&p.id)
            .domain(format!("events-{}", p.id.to_lowercase().replace('_', "-"))).send().await.unwrap();
        let web = oauth_client(&app, &p.id, "web").await;
        create_user(&app, &p.id, "bob", PASSWORD).await;
        let f = crate::oauth::Fx { pool: p.id.clone(), client: web.clone(), other: web.clone(), issuer: format!("{}/{}", app.url, p.id) };
        let (challenge, verifier) = pkce();
        let b = browser();
        let r = sign_in_form(&b, &f, &authorize_params(&web, &challenge, "n-1"), "bob", PASSWORD).await;
        let loc = location(&r).unwrap();
        assert!(loc.as_str().starts_with(CALLBACK), "{loc}");
        let code = query_param(&loc, "code").unwrap();
        let (status, body) = exchange(&f, &web, &code, &verifier).await;
        assert_eq!(status, 200, "{body}");
        let bob = events(&app, &p.id, "bob").await;
        assert_eq!(kinds(&bob), [("SignIn".to_owned(), "Pass".to_owned())]);
        let id = bob[0].event_id().unwrap();
        for token in ["id_token", "access_token"] {
            assert_eq!(claims(body[token].as_str().unwrap())["event_id"].as_str(), Some(id), "{token}");
        }
        // A silent sign-in from the session cookie names the sign-in that began it.
        let (challenge, verifier) = pkce();
        let r = get_authorize(&b, &f, &authorize_params(&web, &challenge, "n-2")).await;
        let code = query_param(&location(&r).unwrap(), "code").unwrap();
        let (status, body) = exchange(&f, &web, &code, &verifier).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(claims(body["access_token"].as_str().unwrap())["event_id"].as_str(), Some(id));
        assert_eq!(events(&app, &p.id, "bob").await.len(), 1);
    }

    async fn passwordless_codes_are_scored_and_recorded_like_passwords(app) {
        use AccountTakeoverEventActionType as A;
        let p = user_auth_pool(&app).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::NoAction, A::MfaRequired, A::Block, false))
            .send().await.unwrap();
        verified_user(&app, &p.id, "alice", PASSWORD).await;
        let mail = "alice@example.com";

        // At home: the code alone signs in; the event passes and names the tokens.
        let out = admin_email_code_start(&app, &p, "alice", HOME, FIREFOX).await;
        let code = app.last_code_to(&p.id, mail).await;
        let done = admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), &code, HOME, FIREFOX).await.unwrap();
        let (event_id, access_event) = event_ids_of(done.authentication_result().unwrap());
        let home = events(&app, &p.id, "alice").await;
        assert_eq!(kinds(&home), [("SignIn".to_owned(), "Pass".to_owned())]);
        assert_eq!((home[0].event_id(), home[0].event_id()), (Some(event_id.as_str()), Some(access_event.as_str())));
        assert_eq!(risk(&home[0]), (Some("NoRisk".into()), Some("Low".into()), false));
        assert!(challenges(&home[0]).is_empty(), "no password was asked: {:?}", challenges(&home[0]));

        // Elsewhere (medium risk, MFA_REQUIRED): a second factor is due, but a second
        // email code proves nothing the first did not; with no other factor the
        // right code is refused, no further code is sent, and the event says so.
        let (travel, ua) = ("198.51.100.20", CHROME);
        let out = admin_email_code_start(&app, &p, "alice", travel, ua).await;
        let code = app.last_code_to(&p.id, mail).await;
        let sent = app.outbox(&p.id).await.len();
        let e = admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), &code, travel, ua).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some(REFUSED));
        assert_eq!(app.outbox(&p.id).await.len(), sent);
        let refused = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(refused.event_response(), Some(&EventResponseType::Fail));
        assert_eq!(risk(&refused), (Some("Block".into()), Some("Medium".into()), false));

        // A wrong code is a failed sign-in.
        let out = admin_email_code_start(&app, &p, "alice", HOME, FIREFOX).await;
        let code = app.last_code_to(&p.id, mail).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let e = admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), wrong, HOME, FIREFOX).await.unwrap_err();
        assert!(e.is_code_mismatch_exception(), "{e:?}");
        assert_eq!(kinds(&events(&app, &p.id, "alice").await)[0], ("SignIn".to_owned(), "Fail".to_owned()));
        admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), &code, HOME, FIREFOX).await.unwrap();

        // BLOCK refuses the right code.
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .risk_exception_configuration(ranges(&["192.0.2.0/24"], &[])).send().await.unwrap();
        let out = admin_email_code_start(&app, &p, "alice", "192.0.2.9", ua).await;
        let code = app.last_code_to(&p.id, mail).await;
        let e = admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), &code, "192.0.2.9", ua).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some(REFUSED));
        let blocked = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(blocked.event_response(), Some(&EventResponseType::Fail));
        assert_eq!(risk(&blocked).0.as_deref(), Some("Block"));
    }

    async fn after_an_email_code_risk_asks_another_factor_and_wrong_answers_lock(app) {
        use AccountTakeoverEventActionType as A;
        use crate::mfa::{set_up_totp, totp_code};
        let p = user_auth_pool(&app).await;
        verified_user(&app, &p.id, "alice", PASSWORD).await;
        app.idp.set_user_pool_mfa_config().user_pool_id(&p.id).mfa_configuration(UserPoolMfaType::Optional)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send().await.unwrap();
        let signed_in = admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap();
        let secret = set_up_totp(&app, signed_in.authentication_result().unwrap().access_token().unwrap()).await;
        app.idp.admin_set_user_mfa_preference().user_pool_id(&p.id).username("alice")
            .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
            .send().await.unwrap();
        // MFA off for the pool, so a code alone would sign in; risk asks for more.
        app.idp.set_user_pool_mfa_config().user_pool_id(&p.id).mfa_configuration(UserPoolMfaType::Off)
            .send().await.unwrap();
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::MfaRequired, A::MfaRequired, A::MfaRequired, false))
            .send().await.unwrap();
        let right = totp_code(&secret, app.clock_now_secs());
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);

        // From elsewhere the second factor is TOTP, never another email code; three
        // wrong answers a round add up across rounds until the account locks.
        let (travel, ua) = ("198.51.100.20", CHROME);
        let mut refusal = None;
        for _ in 0..3 {
            let out = admin_email_code_start(&app, &p, "alice", travel, ua).await;
            let code = app.last_code_to(&p.id, "alice@example.com").await;
            let mfa = admin_email_code_answer(&app, &p, "alice", out.session().unwrap(), &code, travel, ua).await.unwrap();
            assert_eq!(mfa.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
            for _ in 0..3 {
                let e = app.idp.admin_respond_to_auth_challenge().user_pool_id(&p.id).client_id(&p.client)
                    .challenge_name(ChallengeNameType::SoftwareTokenMfa).session(mfa.session().unwrap())
                    .challenge_responses("USERNAME", "alice").challenge_responses("SOFTWARE_TOKEN_MFA_CODE", &wrong)
                    .context_data(context(travel, ua)).send().await.unwrap_err().into_service_error();
                if !e.is_code_mismatch_exception() {
                    refusal = Some(e);
                    break;
                }
            }
            if refusal.is_some() {
                break;
            }
        }
        let e = refusal.expect("wrong MFA codes after email codes never locked the account");
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some("Password attempts exceeded"));
        let e = admin_sign_in(&app, &p, "alice", PASSWORD, HOME, FIREFOX).await.unwrap_err();
        assert_eq!(e.message(), Some("Password attempts exceeded"));
    }

    async fn temporary_password_sign_ins_are_scored_and_recorded(app) {
        use AccountTakeoverEventActionType as A;
        let p = user_auth_pool(&app).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::MfaRequired, A::MfaRequired, A::Block, false))
            .send().await.unwrap();
        const TEMPORARY: &str = "Tempor4ry-Pass!";
        for name in ["alice", "bob", "carol"] {
            app.idp.admin_create_user().user_pool_id(&p.id).username(name).temporary_password(TEMPORARY)
                .message_action(MessageActionType::Suppress)
                .user_attributes(AttributeType::builder().name("email").value(format!("{name}@example.com")).build().unwrap())
                .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
                .send().await.unwrap();
        }
        let new_password = |name: &'static str, session: String| {
            app.idp.admin_respond_to_auth_challenge().user_pool_id(&p.id).client_id(&p.client)
                .challenge_name(ChallengeNameType::NewPasswordRequired).session(session)
                .challenge_responses("USERNAME", name).challenge_responses("NEW_PASSWORD", PASSWORD)
                .context_data(context(HOME, FIREFOX)).send()
        };

        // No risk: the event waits for the new password, then passes with the tokens.
        let out = admin_sign_in(&app, &p, "bob", TEMPORARY, HOME, FIREFOX).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
        let pending = events(&app, &p.id, "bob").await[0].clone();
        assert_eq!(pending.event_response(), Some(&EventResponseType::InProgress));
        assert_eq!(risk(&pending), (Some("NoRisk".into()), Some("Low".into()), false));
        let done = new_password("bob", out.session().unwrap().to_owned()).await.unwrap();
        let (event_id, _) = event_ids_of(done.authentication_result().unwrap());
        let bob = events(&app, &p.id, "bob").await;
        let sign_in = bob.iter().find(|e| e.event_type() == Some(&EventType::SignIn)).unwrap();
        assert_eq!((sign_in.event_id(), sign_in.event_response()), (Some(event_id.as_str()), Some(&EventResponseType::Pass)));
        assert_eq!(challenges(sign_in), [("Password".to_owned(), "Success".to_owned())]);

        // Risk (three wrong passwords first: low) asks for MFA once the password is new.
        for _ in 0..3 {
            assert!(admin_sign_in(&app, &p, "alice", "Wr0ng-Horse!", HOME, FIREFOX).await.is_err());
        }
        let out = admin_sign_in(&app, &p, "alice", TEMPORARY, HOME, FIREFOX).await.unwrap();
        assert_eq!(out.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
        let pending = events(&app, &p.id, "alice").await[0].clone();
        assert_eq!(risk(&pending), (Some("AccountTakeover".into()), Some("Low".into()), false));
        let mfa = new_password("alice", out.session().unwrap().to_owned()).await.unwrap();
        assert_eq!(mfa.challenge_name(), Some(&ChallengeNameType::EmailOtp));
        let code = app.last_code_to(&p.id, "alice@example.com").await;
        let done = admin_email_code_answer(&app, &p, "alice", mfa.session().unwrap(), &code, HOME, FIREFOX).await.unwrap();
        let (event_id, _) = event_ids_of(done.authentication_result().unwrap());
        let alice = events(&app, &p.id, "alice").await;
        let ended = alice.iter().find(|e| e.event_id() == pending.event_id()).unwrap();
        assert_eq!(ended.event_response(), Some(&EventResponseType::Pass));
        assert_eq!(ended.event_id(), Some(event_id.as_str()));
        let steps = [("Password", "Success"), ("Mfa", "Success")];
        assert_eq!(challenges(ended), steps.map(|(a, b)| (a.to_owned(), b.to_owned())));

        // BLOCK refuses the temporary password before it can be changed.
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .risk_exception_configuration(ranges(&["192.0.2.0/24"], &[])).send().await.unwrap();
        let e = admin_sign_in(&app, &p, "carol", TEMPORARY, "192.0.2.9", CHROME).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some(REFUSED));
        assert_eq!(risk(&events(&app, &p.id, "carol").await[0]).0.as_deref(), Some("Block"));
        let carol = app.idp.admin_get_user().user_pool_id(&p.id).username("carol").send().await.unwrap();
        assert_eq!(carol.user_status(), Some(&UserStatusType::ForceChangePassword));
    }

    async fn a_temporary_password_is_refused_before_its_change_when_risk_mfa_cannot_be_met(app) {
        use AccountTakeoverEventActionType as A;
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.set_risk_configuration().user_pool_id(&p.id)
            .account_takeover_risk_configuration(takeover(A::MfaRequired, A::MfaRequired, A::MfaRequired, false))
            .send().await.unwrap();
        const TEMPORARY: &str = "Tempor4ry-Pass!";
        app.idp.admin_create_user().user_pool_id(&p.id).username("dave").temporary_password(TEMPORARY)
            .message_action(MessageActionType::Suppress).send().await.unwrap();
        // Risk (three wrong passwords first: low) requires MFA, but the pool has none
        // and there is no address to send a code to: the refusal comes now, not after
        // the temporary password was replaced.
        for _ in 0..3 {
            assert!(admin_sign_in(&app, &p, "dave", "Wr0ng-Horse!", HOME, FIREFOX).await.is_err());
        }
        let e = admin_sign_in(&app, &p, "dave", TEMPORARY, HOME, FIREFOX).await.unwrap_err();
        assert!(e.is_not_authorized_exception(), "{e:?}");
        assert_eq!(e.message(), Some(REFUSED));
        let dave = app.idp.admin_get_user().user_pool_id(&p.id).username("dave").send().await.unwrap();
        assert_eq!(dave.user_status(), Some(&UserStatusType::ForceChangePassword));
        let recorded = events(&app, &p.id, "dave").await;
        assert_eq!(kinds(&recorded).len(), 4);
        assert_eq!(kinds(&recorded)[0], ("SignIn".to_owned(), "Fail".to_owned()));
        assert_eq!(risk(&recorded[0]), (Some("Block".into()), Some("Low".into()), false));
        assert_eq!(challenges(&recorded[0]), [("Password".to_owned(), "Success".to_owned())]);
    }

    async fn the_hosted_new_password_page_completes_a_scored_temporary_password_sign_in(app) {
        use crate::oauth::{CALLBACK, authorize_params, browser, csrf_token, exchange, location, oauth_client, pkce, query_param, sign_in_form};
        let p = pool(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        app.idp.create_user_pool_domain().user_pool_id(&p.id)
            .domain(format!("temp-{}", p.id.to_lowercase().replace('_', "-"))).send().await.unwrap();
        let web = oauth_client(&app, &p.id, "web").await;
        const TEMPORARY: &str = "Tempor4ry-Pass!";
        for name in ["erin", "finn"] {
            app.idp.admin_create_user().user_pool_id(&p.id).username(name).temporary_password(TEMPORARY)
                .message_action(MessageActionType::Suppress).send().await.unwrap();
        }
        let f = crate::oauth::Fx { pool: p.id.clone(), client: web.clone(), other: web.clone(), issuer: format!("{}/{}", app.url, p.id) };
        let (challenge, verifier) = pkce();
        let params = authorize_params(&web, &challenge, "n-1");
        let b = browser();
        let page = sign_in_form(&b, &f, &params, "erin", TEMPORARY).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let pending = events(&app, &p.id, "erin").await;
        assert_eq!(kinds(&pending), [("SignIn".to_owned(), "InProgress".to_owned())]);
        let marker = "name=\"session\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let session = html[start..].split('"').next().unwrap().to_owned();
        let csrf = csrf_token(&html);
        let mut form = params.clone();
        form.extend([("session", session.as_str()), ("password", PASSWORD), ("csrf_token", csrf.as_str())]);
        let r = b.post(format!("{}/newPassword", f.issuer)).form(&form).send().await.unwrap();
        let loc = location(&r).unwrap();
        assert!(loc.as_str().starts_with(CALLBACK), "{loc}");
        let (status, body) = exchange(&f, &web, &query_param(&loc, "code").unwrap(), &verifier).await;
        assert_eq!(status, 200, "{body}");
        let erin = events(&app, &p.id, "erin").await;
        let sign_in = erin.iter().find(|e| e.event_type() == Some(&EventType::SignIn)).unwrap();
        assert_eq!((sign_in.event_id(), sign_in.event_response()), (pending[0].event_id(), Some(&EventResponseType::Pass)));
        assert_eq!(claims(body["access_token"].as_str().unwrap())["event_id"].as_str(), pending[0].event_id());

        // A blocked address is refused the temporary password on the page too.
        app.idp.set_risk_configuration().user_pool_id(&p.id).client_id(&web)
            .risk_exception_configuration(ranges(&["127.0.0.0/8"], &[])).send().await.unwrap();
        let page = sign_in_form(&browser(), &f, &params, "finn", TEMPORARY).await;
        assert!(location(&page).is_none());
        assert!(!page.text().await.unwrap().contains("name=\"session\""));
        assert_eq!(risk(&events(&app, &p.id, "finn").await[0]).0.as_deref(), Some("Block"));
        let finn = app.idp.admin_get_user().user_pool_id(&p.id).username("finn").send().await.unwrap();
        assert_eq!(finn.user_status(), Some(&UserStatusType::ForceChangePassword));
    }

    async fn nothing_changes_while_threat_protection_is_off(app) {
        let p = pool(&app, None).await;
        create_user(&app, &p.id, "alice", BREACHED).await;
        let out = public_sign_in(&app, &p, "alice", BREACHED).await.unwrap();
        let (event_id, _) = event_ids_of(out.authentication_result().unwrap());
        assert!(uuid::Uuid::parse_str(&event_id).is_ok());
        assert!(public_sign_in(&app, &p, "alice", "Wr0ng-Horse!").await.is_err());
        app.idp.sign_up().client_id(&p.client).username("carol").password(BREACHED).send().await.unwrap();
        let e = app.idp.admin_list_user_auth_events().user_pool_id(&p.id).username("alice")
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_user_pool_add_on_not_enabled_exception(), "{e:?}");
        let alice = app.core.store().find_user_by_login(&p.id, "alice").await.unwrap().unwrap();
        assert!(app.core.store().list_auth_events(&p.id, alice.id, None, 10).await.unwrap().is_empty());
    }
}
