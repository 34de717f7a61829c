//! Threat protection: risk configuration, the auth-event history, feedback (admin, API
//! and the notification email's one-click links), adaptive-authentication scoring and
//! compromised-credential decisions. Events are recorded through the core API the
//! sign-in flows call; everything on the wire goes through the official SDK.

use crate::helpers::TestApp;
use aws_sdk_cognitoidentityprovider as idp;
use cognate_core::store::{UserPoolRecord, UserRecord};
use cognate_core::threat::{
    ChallengeName, CompromisedAction, CompromisedOutcome, CredentialEvent, EventAction,
    EventResponse, EventType, NewAuthEvent, RiskDecision, RiskLevel, SignInContext,
};
use idp::types::*;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const SOURCE_ARN: &str = "arn:aws:ses:us-east-1:123456789012:identity/security@example.com";

async fn pool_with_mode(app: &TestApp, mode: Option<AdvancedSecurityModeType>) -> String {
    let mut req = app.idp.create_user_pool().pool_name("threat");
    if let Some(mode) = mode {
        req = req.user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(mode)
                .build()
                .unwrap(),
        );
    }
    req.send().await.unwrap().user_pool.unwrap().id.unwrap()
}

async fn client(app: &TestApp, pool: &str) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("web")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

async fn user(app: &TestApp, pool: &str, name: &str) -> UserRecord {
    app.idp
        .admin_create_user()
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
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    app.core
        .store()
        .find_user_by_login(pool, name)
        .await
        .unwrap()
        .unwrap()
}

async fn pool_record(app: &TestApp, pool: &str) -> UserPoolRecord {
    app.core.store().get_pool(pool).await.unwrap().unwrap()
}

fn ctx(ip: &str, ua: &str) -> SignInContext {
    SignInContext {
        ip: Some(ip.parse().unwrap()),
        encoded_data: None,
        user_agent: Some(ua.into()),
    }
}

fn sign_in(
    pool: &str,
    client: &str,
    u: &UserRecord,
    response: EventResponse,
    c: SignInContext,
) -> NewAuthEvent {
    NewAuthEvent {
        pool_id: pool.into(),
        user_id: Some(u.id),
        client_id: Some(client.into()),
        event_type: EventType::SignIn,
        response,
        assessment: None,
        compromised: None,
        challenges: vec![(ChallengeName::Password, response != EventResponse::Fail)],
        context: c,
    }
}

fn action(event: AccountTakeoverEventActionType, notify: bool) -> AccountTakeoverActionType {
    AccountTakeoverActionType::builder()
        .notify(notify)
        .event_action(event)
        .build()
        .unwrap()
}

fn takeover(notify: bool) -> AccountTakeoverRiskConfigurationType {
    use AccountTakeoverEventActionType as A;
    let email = NotifyEmailType::builder()
        .subject("Sign-in from {device-name}")
        .html_body(
            "<p>Hi {username}, a sign-in from {ip-address} at {login-time}. \
                    <a href=\"{one-click-link-valid}\">It was me</a> \
                    <a href=\"{one-click-link-invalid}\">It was not me</a></p>",
        )
        .build()
        .unwrap();
    let mut b = AccountTakeoverRiskConfigurationType::builder().actions(
        AccountTakeoverActionsType::builder()
            .low_action(action(A::NoAction, false))
            .medium_action(action(A::MfaIfConfigured, notify))
            .high_action(action(A::Block, notify))
            .build(),
    );
    if notify {
        b = b.notify_configuration(
            NotifyConfigurationType::builder()
                .source_arn(SOURCE_ARN)
                .from("security@example.com")
                .reply_to("help@example.com")
                .block_email(email.clone())
                .mfa_email(email)
                .build()
                .unwrap(),
        );
    }
    b.build()
}

fn compromised(
    filter: &[EventFilterType],
    block: bool,
) -> CompromisedCredentialsRiskConfigurationType {
    let a = if block {
        CompromisedCredentialsEventActionType::Block
    } else {
        CompromisedCredentialsEventActionType::NoAction
    };
    CompromisedCredentialsRiskConfigurationType::builder()
        .set_event_filter(Some(filter.to_vec()))
        .actions(
            CompromisedCredentialsActionsType::builder()
                .event_action(a)
                .build()
                .unwrap(),
        )
        .build()
}

fn exceptions(blocked: &[&str], skipped: &[&str]) -> RiskExceptionConfigurationType {
    RiskExceptionConfigurationType::builder()
        .set_blocked_ip_range_list(Some(blocked.iter().map(|s| s.to_string()).collect()))
        .set_skipped_ip_range_list(Some(skipped.iter().map(|s| s.to_string()).collect()))
        .build()
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

/// The link in `body` that carries `value=<value>`.
fn link(body: &str, value: &str) -> String {
    body.split(['"', ' ', '\n'])
        .find(|w| w.starts_with("http") && w.ends_with(&format!("value={value}")))
        .unwrap_or_else(|| panic!("no {value} link in {body}"))
        .replace("&amp;", "&")
}

fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

backend_tests! {
    async fn risk_configuration_is_per_pool_with_client_overrides(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        let out = app.idp.set_risk_configuration().user_pool_id(&pool)
            .compromised_credentials_risk_configuration(compromised(&[EventFilterType::SignIn], true))
            .account_takeover_risk_configuration(takeover(true))
            .risk_exception_configuration(exceptions(&["192.0.2.0/24"], &["10.0.0.0/8"]))
            .send().await.unwrap();
        let set = out.risk_configuration().unwrap();
        assert_eq!(set.user_pool_id(), Some(pool.as_str()));
        assert!(set.client_id().is_none() && set.last_modified_date().is_some());

        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).send().await.unwrap();
        let d = d.risk_configuration().unwrap();
        let cc = d.compromised_credentials_risk_configuration().unwrap();
        assert_eq!(cc.event_filter(), &[EventFilterType::SignIn]);
        assert_eq!(cc.actions().unwrap().event_action(), &CompromisedCredentialsEventActionType::Block);
        let ato = d.account_takeover_risk_configuration().unwrap();
        let high = ato.actions().unwrap().high_action().unwrap();
        assert_eq!((high.notify(), high.event_action()), (true, &AccountTakeoverEventActionType::Block));
        assert_eq!(ato.notify_configuration().unwrap().source_arn(), SOURCE_ARN);
        assert_eq!(d.risk_exception_configuration().unwrap().blocked_ip_range_list(), ["192.0.2.0/24"]);

        // A client without its own configuration describes as the pool's, under its id.
        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        let d = d.risk_configuration().unwrap();
        assert_eq!(d.client_id(), Some(web.as_str()));
        assert!(d.account_takeover_risk_configuration().is_some());

        // Its own configuration replaces the pool's entirely.
        app.idp.set_risk_configuration().user_pool_id(&pool).client_id(&web)
            .risk_exception_configuration(exceptions(&[], &["198.51.100.0/24"]))
            .send().await.unwrap();
        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        let d = d.risk_configuration().unwrap();
        assert!(d.account_takeover_risk_configuration().is_none());
        assert_eq!(d.risk_exception_configuration().unwrap().skipped_ip_range_list(), ["198.51.100.0/24"]);
        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).send().await.unwrap();
        assert!(d.risk_configuration().unwrap().account_takeover_risk_configuration().is_some());

        // Null everywhere deletes the client's configuration: the pool's shows again.
        app.idp.set_risk_configuration().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        assert!(d.risk_configuration().unwrap().account_takeover_risk_configuration().is_some());
    }

    async fn risk_configuration_is_validated_as_cognito_does(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Audit)).await;
        let set = || app.idp.set_risk_configuration().user_pool_id(&pool);
        let bad_cidr = set().risk_exception_configuration(exceptions(&["10.0.0.0/33"], &[]))
            .send().await.unwrap_err().into_service_error();
        assert!(bad_cidr.is_invalid_parameter_exception(), "{bad_cidr:?}");
        let not_cidr = set().risk_exception_configuration(exceptions(&[], &["10.0.0.1"]))
            .send().await.unwrap_err().into_service_error();
        assert!(not_cidr.is_invalid_parameter_exception(), "{not_cidr:?}");
        let many: Vec<String> = (0..201).map(|i| format!("10.0.{}.0/24", i % 256)).collect();
        let too_many = set().risk_exception_configuration(
            RiskExceptionConfigurationType::builder().set_blocked_ip_range_list(Some(many)).build())
            .send().await.unwrap_err().into_service_error();
        assert!(too_many.is_invalid_parameter_exception(), "{too_many:?}");
        let notify_without_config = set().account_takeover_risk_configuration(
            AccountTakeoverRiskConfigurationType::builder().actions(AccountTakeoverActionsType::builder()
                .high_action(action(AccountTakeoverEventActionType::Block, true)).build()).build())
            .send().await.unwrap_err().into_service_error();
        assert!(notify_without_config.is_invalid_parameter_exception(), "{notify_without_config:?}");
        let bad_action = set().account_takeover_risk_configuration(
            AccountTakeoverRiskConfigurationType::builder().actions(AccountTakeoverActionsType::builder()
                .high_action(action(AccountTakeoverEventActionType::from("ALLOW"), false)).build()).build())
            .send().await.unwrap_err().into_service_error();
        assert!(bad_action.is_invalid_parameter_exception(), "{bad_action:?}");
        let unknown_client = set().client_id("nosuchclient").send().await.unwrap_err().into_service_error();
        assert!(unknown_client.is_resource_not_found_exception(), "{unknown_client:?}");

        // Shapes the SDK refuses to build, sent raw: NotifyConfiguration needs SourceArn.
        let body = serde_json::json!({"UserPoolId": pool, "AccountTakeoverRiskConfiguration": {
            "Actions": {"HighAction": {"Notify": true, "EventAction": "BLOCK"}},
            "NotifyConfiguration": {"From": "security@example.com"}}});
        let raw = app.signed_raw("AWSCognitoIdentityProviderService.SetRiskConfiguration", &body.to_string()).await;
        assert_eq!(raw.status(), 400);
        let err: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(err["__type"], "InvalidParameterException");
        assert!(err["message"].as_str().unwrap().contains("notifyConfiguration.sourceArn"), "{err}");

        // From and ReplyTo are one mailbox each: no trailing junk, no line breaks.
        let sender = |from: &str, reply_to: &str| {
            let mut t = takeover(true);
            let n = t.notify_configuration.take().unwrap();
            t.notify_configuration = Some(NotifyConfigurationType::builder()
                .source_arn(n.source_arn()).from(from).reply_to(reply_to)
                .set_block_email(n.block_email().cloned()).set_mfa_email(n.mfa_email().cloned())
                .build().unwrap());
            t
        };
        for (from, reply_to) in [
            ("security@example.com junk", "help@example.com"),
            ("Security <security@example.com>\r\nBcc: all@example.com", "help@example.com"),
            ("security@example.com", "help@example.com, more@example.com"),
        ] {
            let e = set().account_takeover_risk_configuration(sender(from, reply_to))
                .send().await.unwrap_err().into_service_error();
            assert!(e.is_invalid_parameter_exception(), "{from:?} {reply_to:?}: {e:?}");
            let m = e.meta().message().unwrap_or_default();
            assert!(m.contains("NotifyConfiguration."), "{m}");
        }
        set().account_takeover_risk_configuration(sender("Example Security <security@example.com>", "help@example.com"))
            .send().await.unwrap();
        let d = app.idp.describe_risk_configuration().user_pool_id(&pool).send().await.unwrap();
        let n = d.risk_configuration().unwrap().account_takeover_risk_configuration().unwrap()
            .notify_configuration().unwrap();
        assert_eq!(n.from(), Some("Example Security <security@example.com>"));

        // Without threat protection the pool refuses.
        let off = pool_with_mode(&app, None).await;
        let e = app.idp.describe_risk_configuration().user_pool_id(&off).send().await.unwrap_err().into_service_error();
        assert!(e.is_user_pool_add_on_not_enabled_exception(), "{e:?}");
    }

    async fn auth_events_list_newest_first_with_every_field(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Audit)).await;
        let web = client(&app, &pool).await;
        let alice = user(&app, &pool, "alice").await;
        let kinds = [EventType::SignUp, EventType::ResendCode, EventType::ForgotPassword, EventType::PasswordChange];
        for kind in kinds {
            app.core.record_auth_event(NewAuthEvent {
                event_type: kind, challenges: vec![],
                compromised: Some(CompromisedOutcome { detected: kind == EventType::PasswordChange, action: CompromisedAction::NoAction }),
                ..sign_in(&pool, &web, &alice, EventResponse::Pass, SignInContext::default())
            }).await.unwrap();
            app.clock.advance_secs(60);
        }
        let id = app.core.record_auth_event(
            sign_in(&pool, &web, &alice, EventResponse::InProgress, ctx("203.0.113.7", FIREFOX))).await.unwrap();
        app.core.update_auth_event(&pool, &id, EventResponse::Pass, Some((ChallengeName::Mfa, true))).await.unwrap();

        let all = events(&app, &pool, "alice").await;
        let types: Vec<&str> = all.iter().map(|e| e.event_type().unwrap().as_str()).collect();
        assert_eq!(types, ["SignIn", "PasswordChange", "ForgotPassword", "ResendCode", "SignUp"]);
        let newest = &all[0];
        assert_eq!(newest.event_id(), Some(id.as_str()));
        assert_eq!(newest.event_response(), Some(&EventResponseType::Pass));
        let challenges: Vec<(&str, &str)> = newest.challenge_responses().iter()
            .map(|c| (c.challenge_name().unwrap().as_str(), c.challenge_response().unwrap().as_str())).collect();
        assert_eq!(challenges, [("Password", "Success"), ("Mfa", "Success")]);
        let context = newest.event_context_data().unwrap();
        assert_eq!(context.ip_address(), Some("203.0.113.7"));
        assert_eq!(context.device_name(), Some("Firefox, Linux"));
        assert!(context.city().is_none() && context.country().is_none());
        let risk = newest.event_risk().unwrap();
        assert_eq!(risk.risk_decision(), Some(&RiskDecisionType::NoRisk));
        assert_eq!(risk.compromised_credentials_detected(), Some(false));
        assert_eq!(all[1].event_risk().unwrap().compromised_credentials_detected(), Some(true));
        assert!(newest.creation_date().unwrap().secs() > all[1].creation_date().unwrap().secs());
        assert!(newest.event_feedback().is_none());

        // Pages of two: 2 + 2 + 1, no repeats.
        let (mut seen, mut token, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let page = app.idp.admin_list_user_auth_events().user_pool_id(&pool).username("alice")
                .max_results(2).set_next_token(token.clone()).send().await.unwrap();
            pages += 1;
            seen.extend(page.auth_events().iter().map(|e| e.event_id().unwrap().to_owned()));
            match page.next_token() { Some(t) => token = Some(t.to_owned()), None => break }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, all.iter().map(|e| e.event_id().unwrap().to_owned()).collect::<Vec<_>>());

        // Limits, unknown users and pools without threat protection.
        let e = app.idp.admin_list_user_auth_events().user_pool_id(&pool).username("alice").max_results(61)
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
        let e = app.idp.admin_list_user_auth_events().user_pool_id(&pool).username("nobody")
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_user_not_found_exception(), "{e:?}");
        let off = pool_with_mode(&app, None).await;
        user(&app, &off, "bob").await;
        let e = app.idp.admin_list_user_auth_events().user_pool_id(&off).username("bob")
            .send().await.unwrap_err().into_service_error();
        assert!(e.is_user_pool_add_on_not_enabled_exception(), "{e:?}");

        // Retention: events older than the retention period are pruned.
        let later = app.clock_now_secs() * 1000 + 91 * 86_400_000;
        assert_eq!(app.core.prune_auth_events(later).await.unwrap(), 5);
        assert!(events(&app, &pool, "alice").await.is_empty());
    }

    async fn admin_feedback_is_recorded_on_the_event(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        let alice = user(&app, &pool, "alice").await;
        let id = app.core.record_auth_event(
            sign_in(&pool, &web, &alice, EventResponse::Pass, ctx("203.0.113.7", FIREFOX))).await.unwrap();
        app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("alice")
            .event_id(&id).feedback_value(FeedbackValueType::Invalid).send().await.unwrap();
        let all = events(&app, &pool, "alice").await;
        let fb = all[0].event_feedback().unwrap();
        assert_eq!((fb.feedback_value(), fb.provider()), (&FeedbackValueType::Invalid, "Admin"));
        assert!(fb.feedback_date().is_some());

        let e = app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("alice")
            .event_id("no-such-event").feedback_value(FeedbackValueType::Valid).send().await.unwrap_err().into_service_error();
        assert!(e.is_resource_not_found_exception(), "{e:?}");
        // Another user's event is not found either.
        user(&app, &pool, "bob").await;
        let e = app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("bob")
            .event_id(&id).feedback_value(FeedbackValueType::Valid).send().await.unwrap_err().into_service_error();
        assert!(e.is_resource_not_found_exception(), "{e:?}");
        let e = app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("alice")
            .event_id(&id).feedback_value(FeedbackValueType::from("Maybe")).send().await.unwrap_err().into_service_error();
        assert!(e.is_invalid_parameter_exception(), "{e:?}");
    }

    async fn notification_links_and_tokens_record_user_feedback(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        app.idp.set_risk_configuration().user_pool_id(&pool)
            .account_takeover_risk_configuration(takeover(true)).send().await.unwrap();
        let alice = user(&app, &pool, "alice").await;
        let c = ctx("203.0.113.7", "<b>Evil</b>/1.0");
        let id = app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Fail, c)).await.unwrap();
        let record = pool_record(&app, &pool).await;
        assert!(app.core.notify_risk(&record, Some(&web), &alice, &id, EventAction::Block).await.unwrap());

        let mail = app.outbox(&pool).await.into_iter().rev().find(|m| m.destination == "alice@example.com").unwrap();
        assert!(mail.subject.as_deref().unwrap().starts_with("Sign-in from"));
        // NotifyConfiguration's From and ReplyTo, not the pool's sender.
        assert_eq!(mail.from.as_deref(), Some("security@example.com"));
        assert_eq!(mail.reply_to.as_deref(), Some("help@example.com"));
        assert!(mail.body.contains("203.0.113.7") && mail.body.contains("Hi alice"));
        assert!(!mail.body.contains("<b>Evil"), "device names are escaped in HTML: {}", mail.body);
        let valid = link(&mail.body, "valid");
        assert!(valid.starts_with(&format!("{}/{pool}/auth-event-feedback?token=", app.url)), "{valid}");

        // Opening the one-click link only asks; answering the question records it.
        let page = reqwest::get(&valid).await.unwrap();
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert!(page.text().await.unwrap().contains("Was this you?"));
        assert!(events(&app, &pool, "alice").await[0].event_feedback().is_none());
        let answered = reqwest::Client::new().post(&valid)
            .form(&[("token", token_of(&valid).as_str()), ("value", "valid")]).send().await.unwrap();
        assert_eq!(answered.status(), 200);
        assert!(answered.text().await.unwrap().contains("Thank you"));
        let fb = events(&app, &pool, "alice").await[0].event_feedback().cloned().unwrap();
        assert_eq!((fb.feedback_value(), fb.provider()), (&FeedbackValueType::Valid, "User"));

        // The same token works with UpdateAuthEventFeedback (public, unsigned in Cognito).
        let token = token_of(&valid);
        app.idp.update_auth_event_feedback().user_pool_id(&pool).username("alice").event_id(&id)
            .feedback_token(&token).feedback_value(FeedbackValueType::Invalid).send().await.unwrap();
        let fb = events(&app, &pool, "alice").await[0].event_feedback().cloned().unwrap();
        assert_eq!(fb.feedback_value(), &FeedbackValueType::Invalid);

        // Tampered tokens, other events and other users are all refused alike.
        let mut tampered = token.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        let other = app.core.record_auth_event(
            sign_in(&pool, &web, &alice, EventResponse::Pass, SignInContext::default())).await.unwrap();
        user(&app, &pool, "bob").await;
        for (username, event, tok) in [("alice", id.as_str(), tampered.as_str()), ("alice", other.as_str(), token.as_str()),
                                       ("bob", id.as_str(), token.as_str()), ("nobody", id.as_str(), token.as_str())] {
            let e = app.idp.update_auth_event_feedback().user_pool_id(&pool).username(username).event_id(event)
                .feedback_token(tok).feedback_value(FeedbackValueType::Valid).send().await.unwrap_err().into_service_error();
            assert!(e.is_not_authorized_exception(), "{username} {event}: {e:?}");
        }
        let bad = reqwest::get(format!("{}/{pool}/auth-event-feedback?token={tampered}&value=valid", app.url)).await.unwrap();
        assert_eq!(bad.status(), 400);
        let bad = reqwest::get(format!("{}/{pool}/auth-event-feedback?token={token}&value=maybe", app.url)).await.unwrap();
        assert_eq!(bad.status(), 400);
        // A newer notification for the event replaces the token.
        assert!(app.core.notify_risk(&record, Some(&web), &alice, &id, EventAction::MfaRequired).await.unwrap());
        let e = app.idp.update_auth_event_feedback().user_pool_id(&pool).username("alice").event_id(&id)
            .feedback_token(&token).feedback_value(FeedbackValueType::Valid).send().await.unwrap_err().into_service_error();
        assert!(e.is_not_authorized_exception(), "{e:?}");
    }

    async fn feedback_links_ask_before_recording_and_refuse_bad_tokens(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        app.idp.set_risk_configuration().user_pool_id(&pool)
            .account_takeover_risk_configuration(takeover(true)).send().await.unwrap();
        let alice = user(&app, &pool, "alice").await;
        let id = app.core.record_auth_event(
            sign_in(&pool, &web, &alice, EventResponse::Fail, ctx("203.0.113.7", "curl/8"))).await.unwrap();
        let record = pool_record(&app, &pool).await;
        assert!(app.core.notify_risk(&record, Some(&web), &alice, &id, EventAction::Block).await.unwrap());
        let mail = app.outbox(&pool).await.into_iter().rev().find(|m| m.destination == "alice@example.com").unwrap();
        let invalid = link(&mail.body, "invalid");
        let token = token_of(&invalid);
        let http = reqwest::Client::new();

        // A scanner fetching the link, twice, records nothing; the page asks, with the
        // hosted pages' headers, and its buttons post the same token.
        for _ in 0..2 {
            let page = http.get(&invalid).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let h = page.headers().clone();
            assert_eq!(h["referrer-policy"], "no-referrer");
            assert_eq!(h["x-frame-options"], "DENY");
            assert_eq!(h["cache-control"], "no-store");
            assert!(!h["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
            let body = page.text().await.unwrap();
            assert!(body.contains("Was this you?") && body.contains("Yes, it was me") && body.contains("No, it was not me"), "{body}");
            assert!(body.contains("method=\"post\"") && body.contains(&format!("value=\"{token}\"")), "{body}");
            assert!(!body.contains("<script"), "{body}");
        }
        assert!(events(&app, &pool, "alice").await[0].event_feedback().is_none());

        // Only the answer records, with the value of the button pressed.
        let answered = http.post(&invalid).form(&[("token", token.as_str()), ("value", "invalid")]).send().await.unwrap();
        assert_eq!(answered.status(), 200);
        assert!(answered.text().await.unwrap().contains("not yours"));
        let fb = events(&app, &pool, "alice").await[0].event_feedback().cloned().unwrap();
        assert_eq!((fb.feedback_value(), fb.provider()), (&FeedbackValueType::Invalid, "User"));

        // Tampered or replaced tokens get a clear refusal, on the page and on the answer.
        let mut tampered = token.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(app.core.notify_risk(&record, Some(&web), &alice, &id, EventAction::Block).await.unwrap());
        let url = format!("{}/{pool}/auth-event-feedback", app.url);
        for tok in [tampered.as_str(), token.as_str()] {
            let page = http.get(format!("{url}?token={tok}&value=valid")).send().await.unwrap();
            assert_eq!(page.status(), 400);
            assert!(page.text().await.unwrap().contains("This link is invalid or has expired"));
            let post = http.post(&url).form(&[("token", tok), ("value", "valid")]).send().await.unwrap();
            assert_eq!(post.status(), 400);
            assert!(post.text().await.unwrap().contains("This link is invalid or has expired"));
        }
        let fb = events(&app, &pool, "alice").await[0].event_feedback().cloned().unwrap();
        assert_eq!(fb.feedback_value(), &FeedbackValueType::Invalid);
    }

    async fn assessment_separates_familiar_sign_ins_from_takeovers(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        app.idp.set_risk_configuration().user_pool_id(&pool)
            .account_takeover_risk_configuration(takeover(true))
            .risk_exception_configuration(exceptions(&["192.0.2.0/24"], &["10.0.0.0/8"]))
            .send().await.unwrap();
        let alice = user(&app, &pool, "alice").await;
        let record = pool_record(&app, &pool).await;
        let home = ctx("203.0.113.7", FIREFOX);
        app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Pass, home.clone())).await.unwrap();

        let familiar = app.core.assess_sign_in(&record, &web, &alice, &home).await.unwrap();
        assert!(familiar.scored && !familiar.assessment.risk_detected, "{familiar:?}");
        assert_eq!((familiar.assessment.level, familiar.decision), (RiskLevel::Low, RiskDecision::NoRisk));
        assert_eq!(familiar.action.event_action, EventAction::NoAction);

        // Three wrong passwords, then a new device on a new network: High, blocked, notified.
        for _ in 0..3 {
            app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Fail, ctx("198.51.100.20", CHROME))).await.unwrap();
        }
        let thief = ctx("198.51.100.20", CHROME);
        let risky = app.core.assess_sign_in(&record, &web, &alice, &thief).await.unwrap();
        assert_eq!(risky.assessment.level, RiskLevel::High, "{risky:?}");
        assert_eq!(risky.decision, RiskDecision::Block);
        assert_eq!((risky.action.event_action, risky.action.notify), (EventAction::Block, true));
        assert_eq!(risky.reason_codes(), ["new_device", "new_ip", "new_network", "ip_failures:3", "account_failures:3"]);
        // From the familiar device only the account's recent failures count.
        let again = app.core.assess_sign_in(&record, &web, &alice, &home).await.unwrap();
        assert_eq!(again.reason_codes(), ["account_failures:3"]);

        // Exception lists win over scoring.
        let blocked = app.core.assess_sign_in(&record, &web, &alice, &ctx("192.0.2.44", FIREFOX)).await.unwrap();
        assert!(!blocked.scored);
        assert_eq!((blocked.decision, blocked.action.event_action), (RiskDecision::Block, EventAction::Block));
        let skipped = app.core.assess_sign_in(&record, &web, &alice, &ctx("10.1.2.3", CHROME)).await.unwrap();
        assert!(!skipped.scored);
        assert_eq!((skipped.decision, skipped.action.event_action), (RiskDecision::NoRisk, EventAction::NoAction));

        // The assessment is recorded with the event.
        let id = app.core.record_auth_event(NewAuthEvent { assessment: Some(risky),
            ..sign_in(&pool, &web, &alice, EventResponse::Fail, thief) }).await.unwrap();
        let listed = events(&app, &pool, "alice").await;
        let e = listed.iter().find(|e| e.event_id() == Some(id.as_str())).unwrap();
        assert_eq!(e.event_risk().unwrap().risk_level(), Some(&RiskLevelType::High));
        assert_eq!(e.event_risk().unwrap().risk_decision(), Some(&RiskDecisionType::Block));
    }

    async fn audit_mode_scores_but_never_acts(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Audit)).await;
        let web = client(&app, &pool).await;
        app.idp.set_risk_configuration().user_pool_id(&pool)
            .account_takeover_risk_configuration(takeover(true))
            .risk_exception_configuration(exceptions(&["192.0.2.0/24"], &[])).send().await.unwrap();
        let alice = user(&app, &pool, "alice").await;
        let record = pool_record(&app, &pool).await;
        app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Pass, ctx("203.0.113.7", FIREFOX))).await.unwrap();
        for _ in 0..3 {
            app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Fail, ctx("198.51.100.20", CHROME))).await.unwrap();
        }
        let a = app.core.assess_sign_in(&record, &web, &alice, &ctx("198.51.100.20", CHROME)).await.unwrap();
        assert_eq!((a.assessment.level, a.configured.event_action), (RiskLevel::High, EventAction::Block));
        assert_eq!(a.action, cognate_core::threat::RiskAction::NONE);
        assert_eq!(a.decision, RiskDecision::AccountTakeover);
        let b = app.core.assess_sign_in(&record, &web, &alice, &ctx("192.0.2.1", FIREFOX)).await.unwrap();
        assert_eq!(b.action, cognate_core::threat::RiskAction::NONE);
    }

    async fn feedback_moves_the_next_similar_assessment(app) {
        let pool = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &pool).await;
        let alice = user(&app, &pool, "alice").await;
        let record = pool_record(&app, &pool).await;
        app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Pass, ctx("203.0.113.7", FIREFOX))).await.unwrap();
        let travel = ctx("198.51.100.20", CHROME);
        let before = app.core.assess_sign_in(&record, &web, &alice, &travel).await.unwrap();
        assert_eq!((before.assessment.score, before.assessment.level), (55, RiskLevel::Medium));

        // The sign-in waited for MFA (never completed, so not familiar) and the user
        // said it was them: the next similar sign-in scores lower.
        let id = app.core.record_auth_event(NewAuthEvent { assessment: Some(before.clone()),
            ..sign_in(&pool, &web, &alice, EventResponse::InProgress, travel.clone()) }).await.unwrap();
        app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("alice")
            .event_id(&id).feedback_value(FeedbackValueType::Valid).send().await.unwrap();
        let after = app.core.assess_sign_in(&record, &web, &alice, &travel).await.unwrap();
        assert!(after.assessment.score < before.assessment.score, "{after:?}");
        assert_eq!(after.assessment.level, RiskLevel::Low);
        assert!(after.reason_codes().contains(&"valid_feedback:1".to_owned()));

        // Marked Invalid instead, it raises the score.
        app.idp.admin_update_auth_event_feedback().user_pool_id(&pool).username("alice")
            .event_id(&id).feedback_value(FeedbackValueType::Invalid).send().await.unwrap();
        let worse = app.core.assess_sign_in(&record, &web, &alice, &travel).await.unwrap();
        assert!(worse.assessment.score > before.assessment.score, "{worse:?}");
        assert_eq!(worse.assessment.level, RiskLevel::High);
    }

    async fn compromised_passwords_follow_mode_filter_and_action(app) {
        let enforced = pool_with_mode(&app, Some(AdvancedSecurityModeType::Enforced)).await;
        let web = client(&app, &enforced).await;
        let check = |pool: String, event: CredentialEvent, password: &'static str| {
            let core = app.core.clone();
            let web = web.clone();
            async move { core.check_compromised_password(&pool, Some(&web), event, password).await.unwrap() }
        };
        // Without a configuration: every event is checked, nothing is blocked.
        let o = check(enforced.clone(), CredentialEvent::SignIn, "password").await;
        assert_eq!(o, CompromisedOutcome { detected: true, action: CompromisedAction::NoAction });
        app.idp.set_risk_configuration().user_pool_id(&enforced)
            .compromised_credentials_risk_configuration(compromised(&[EventFilterType::SignUp, EventFilterType::PasswordChange], true))
            .send().await.unwrap();
        let o = check(enforced.clone(), CredentialEvent::SignUp, "password").await;
        assert_eq!(o, CompromisedOutcome { detected: true, action: CompromisedAction::Block });
        let o = check(enforced.clone(), CredentialEvent::PasswordChange, "kV7#q9-Tr2mZ!wLx8pEs").await;
        assert_eq!(o, CompromisedOutcome { detected: false, action: CompromisedAction::NoAction });
        // SIGN_IN is filtered out.
        let o = check(enforced.clone(), CredentialEvent::SignIn, "password").await;
        assert!(!o.detected);

        let audit = pool_with_mode(&app, Some(AdvancedSecurityModeType::Audit)).await;
        app.idp.set_risk_configuration().user_pool_id(&audit)
            .compromised_credentials_risk_configuration(compromised(&[], true)).send().await.unwrap();
        let o = app.core.check_compromised_password(&audit, None, CredentialEvent::SignUp, "123456").await.unwrap();
        assert_eq!(o, CompromisedOutcome { detected: true, action: CompromisedAction::NoAction });

        let off = pool_with_mode(&app, None).await;
        let o = app.core.check_compromised_password(&off, None, CredentialEvent::SignUp, "password").await.unwrap();
        assert!(!o.detected);
    }

    async fn events_are_not_recorded_while_threat_protection_is_off(app) {
        let pool = pool_with_mode(&app, None).await;
        let web = client(&app, &pool).await;
        let alice = user(&app, &pool, "alice").await;
        let id = app.core.record_auth_event(sign_in(&pool, &web, &alice, EventResponse::Pass, SignInContext::default())).await.unwrap();
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert_eq!(app.core.store().get_auth_event(&pool, &id).await.unwrap(), None);
        let a = app.core.assess_sign_in(&pool_record(&app, &pool).await, &web, &alice, &ctx("192.0.2.1", CHROME)).await.unwrap();
        assert!(!a.scored && a.action == cognate_core::threat::RiskAction::NONE);
    }
}

#[test]
fn retention_and_scoring_are_settings() {
    let env = |pairs: &[(&str, &str)]| {
        cognate_server::Config::load_from(
            None,
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    };
    let c = env(&[
        ("COGNATE_THREAT_EVENT_RETENTION_DAYS", "30"),
        ("COGNATE_THREAT_SCORING__HIGH", "80"),
        ("COGNATE_THREAT_SCORING__NEW_DEVICE", "40"),
    ])
    .unwrap();
    assert_eq!(c.threat_event_retention_days, 30);
    assert_eq!(
        (
            c.threat_scoring.high,
            c.threat_scoring.new_device,
            c.threat_scoring.medium
        ),
        (80, 40, 40)
    );
    let d = cognate_server::Config::default();
    assert_eq!(
        (d.threat_event_retention_days, d.threat_scoring),
        (90, cognate_core::threat::Weights::default())
    );
    assert!(env(&[("COGNATE_THREAT_EVENT_RETENTION_DAYS", "0")]).is_err());
    assert!(
        env(&[("COGNATE_THREAT_SCORING__LOW", "50")]).is_err(),
        "low above medium"
    );
    assert!(
        env(&[("COGNATE_THREAT_SCORING__NEW_DEVCE", "5")]).is_err(),
        "unknown key"
    );
}
