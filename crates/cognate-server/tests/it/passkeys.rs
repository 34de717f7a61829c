//! Passkeys with the AWS SDK and a software authenticator: StartWebAuthnRegistration →
//! the authenticator creates a credential for the returned options →
//! CompleteWebAuthnRegistration; ListWebAuthnCredentials and DeleteWebAuthnCredential;
//! the refusals (passkeys off, no relying party, foreign origin or relying party,
//! another app client, missing user verification, replay, the 20-passkey limit).
//! `passkeys/assertions.rs` covers the sign-in assertion check.

mod assertions;
pub(crate) mod authenticator;

use crate::helpers::TestApp;
use crate::sign_in::{PASSWORD, create_user};
use authenticator::{Device, from_document, to_document};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, AuthFlowType, CustomDomainConfigType, ExplicitAuthFlowsType as F,
    SignInPolicyType, UserPoolPolicyType, UserVerificationType, WebAuthnConfigurationType,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

pub(crate) const DOMAIN: &str = "auth.example.com";
pub(crate) const ORIGIN: &str = "https://auth.example.com";

/// The `__type` of a failed SDK call.
pub(crate) fn code<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(
    r: Result<T, aws_sdk_cognitoidentityprovider::error::SdkError<E>>,
) -> String {
    let e = r.expect_err("call should fail");
    e.code().unwrap_or("<none>").to_owned()
}

pub(crate) struct Pool {
    pub(crate) id: String,
    pub(crate) client: String,
}

/// A pool offering passkeys as a first factor, with a custom domain (so the relying
/// party id defaults to it) and a password client.
pub(crate) async fn passkey_pool(app: &TestApp, domain: Option<&str>, web_authn: bool) -> Pool {
    let mut policy =
        SignInPolicyType::builder().allowed_first_auth_factors(AuthFactorType::Password);
    if web_authn {
        policy = policy.allowed_first_auth_factors(AuthFactorType::WebAuthn);
    }
    let id = app
        .idp
        .create_user_pool()
        .pool_name("passkeys")
        .policies(
            UserPoolPolicyType::builder()
                .sign_in_policy(policy.build())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    if let Some(domain) = domain {
        app.idp
            .create_user_pool_domain()
            .user_pool_id(&id)
            .domain(domain)
            .custom_domain_config(
                CustomDomainConfigType::builder()
                    .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/abc")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let client = new_client(app, &id).await;
    Pool { id, client }
}

pub(crate) async fn new_client(app: &TestApp, pool: &str) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("web")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

pub(crate) async fn token_for(app: &TestApp, client: &str, user: &str) -> String {
    app.idp
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result()
        .unwrap()
        .access_token()
        .unwrap()
        .to_owned()
}

pub(crate) async fn signed_in_user(app: &TestApp, pool: &Pool, user: &str) -> String {
    create_user(app, &pool.id, user, PASSWORD).await;
    token_for(app, &pool.client, user).await
}

pub(crate) async fn start(app: &TestApp, token: &str) -> Value {
    let out = app
        .idp
        .start_web_authn_registration()
        .access_token(token)
        .send()
        .await
        .unwrap();
    from_document(out.credential_creation_options())
}

pub(crate) async fn complete(
    app: &TestApp,
    token: &str,
    credential: &Value,
) -> Result<(), aws_sdk_cognitoidentityprovider::error::SdkError<
    aws_sdk_cognitoidentityprovider::operation::complete_web_authn_registration::CompleteWebAuthnRegistrationError,
>>{
    app.idp
        .complete_web_authn_registration()
        .access_token(token)
        .credential(to_document(credential))
        .send()
        .await
        .map(|_| ())
}

/// Registers a passkey on `device` for the signed-in user; returns its credential id.
pub(crate) async fn register(app: &TestApp, token: &str, device: &mut Device) -> String {
    let options = start(app, token).await;
    let credential = device.create(ORIGIN, &options).await;
    complete(app, token, &credential).await.unwrap();
    credential["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn list(app: &TestApp, token: &str) -> Vec<String> {
    let out = app
        .idp
        .list_web_authn_credentials()
        .access_token(token)
        .send()
        .await
        .unwrap();
    out.credentials()
        .iter()
        .map(|c| c.credential_id().to_owned())
        .collect()
}

backend_tests! {
    async fn passkey_registration_list_and_delete(app) {
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let token = signed_in_user(&app, &pool, "alice").await;
        let options = start(&app, &token).await;
        assert_eq!(options["rp"]["id"], DOMAIN);
        assert_eq!(options["rp"]["name"], "passkeys");
        assert_eq!(options["user"]["name"], "alice");
        assert_eq!(options["authenticatorSelection"]["userVerification"], "preferred");
        assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(B64.decode(options["challenge"].as_str().unwrap()).unwrap().len(), 32);
        assert!(options["pubKeyCredParams"].as_array().unwrap().iter().any(|p| p["alg"] == -7));

        let mut phone = Device::new();
        let credential = phone.create(ORIGIN, &options).await;
        complete(&app, &token, &credential).await.unwrap();
        // The challenge was used: the same response cannot register again.
        assert_eq!(
            code(complete(&app, &token, &credential).await),
            "WebAuthnChallengeNotFoundException"
        );
        let first = credential["id"].as_str().unwrap().to_owned();

        let out = app.idp.list_web_authn_credentials().access_token(&token).send().await.unwrap();
        let listed = &out.credentials()[0];
        assert_eq!(out.credentials().len(), 1);
        assert_eq!(listed.credential_id(), first);
        assert_eq!(listed.relying_party_id(), DOMAIN);
        assert_eq!(listed.authenticator_attachment(), Some("platform"));
        assert!(listed.authenticator_transports().contains(&"internal".to_owned()));
        assert!(!listed.friendly_credential_name().is_empty());
        assert!((listed.created_at().secs() - app.clock_now_secs()).abs() <= 1);
        assert!(out.next_token().is_none());

        // A second device; the first is excluded from its options.
        let options = start(&app, &token).await;
        let excluded: Vec<&str> = options["excludeCredentials"].as_array().unwrap()
            .iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(excluded, [first.as_str()]);
        let mut key = Device::new();
        let credential = key.create(ORIGIN, &options).await;
        complete(&app, &token, &credential).await.unwrap();
        let second = credential["id"].as_str().unwrap().to_owned();

        // Paging.
        let page = app.idp.list_web_authn_credentials().access_token(&token).max_results(1)
            .send().await.unwrap();
        assert_eq!(page.credentials()[0].credential_id(), first);
        let next = page.next_token().unwrap().to_owned();
        let page = app.idp.list_web_authn_credentials().access_token(&token).max_results(1)
            .next_token(next).send().await.unwrap();
        assert_eq!(page.credentials()[0].credential_id(), second);
        assert!(page.next_token().is_none());
        assert_eq!(
            code(app.idp.list_web_authn_credentials().access_token(&token).max_results(21).send().await),
            "InvalidParameterException"
        );

        // Another user sees none of them and cannot delete them.
        let bob = signed_in_user(&app, &pool, "bob").await;
        assert!(list(&app, &bob).await.is_empty());
        assert_eq!(
            code(app.idp.delete_web_authn_credential().access_token(&bob).credential_id(&first).send().await),
            "ResourceNotFoundException"
        );

        app.idp.delete_web_authn_credential().access_token(&token).credential_id(&first)
            .send().await.unwrap();
        assert_eq!(list(&app, &token).await, vec![second]);
        assert_eq!(
            code(app.idp.delete_web_authn_credential().access_token(&token).credential_id(&first).send().await),
            "ResourceNotFoundException"
        );
        // Without a valid access token nothing is listed.
        assert_eq!(
            code(app.idp.list_web_authn_credentials().access_token("not-a-token").send().await),
            "NotAuthorizedException"
        );
    }

    async fn passkey_registration_refusals(app) {
        // Passkeys not offered by the pool.
        let off = passkey_pool(&app, Some("off.example.com"), false).await;
        let token = signed_in_user(&app, &off, "carol").await;
        assert_eq!(
            code(app.idp.start_web_authn_registration().access_token(&token).send().await),
            "WebAuthnNotEnabledException"
        );
        // No relying party: no configuration, no custom domain, and the public URL's host
        // is an IP address.
        let bare = passkey_pool(&app, None, true).await;
        let token = signed_in_user(&app, &bare, "dave").await;
        assert_eq!(
            code(app.idp.start_web_authn_registration().access_token(&token).send().await),
            "WebAuthnConfigurationMissingException"
        );

        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let token = signed_in_user(&app, &pool, "alice").await;
        let mut device = Device::new();

        // A response collected at another site.
        let mut options = start(&app, &token).await;
        options["rp"]["id"] = json!("login.evil.test");
        let credential = device.create("https://login.evil.test", &options).await;
        assert_eq!(
            code(complete(&app, &token, &credential).await),
            "WebAuthnOriginNotAllowedException"
        );
        // An allowed origin, but a credential scoped to another relying party id.
        let mut options = start(&app, &token).await;
        options["rp"]["id"] = json!("example.com");
        let credential = device.create(ORIGIN, &options).await;
        assert_eq!(
            code(complete(&app, &token, &credential).await),
            "WebAuthnRelyingPartyMismatchException"
        );
        // Started with one app client, completed with a token of another.
        let options = start(&app, &token).await;
        let credential = device.create(ORIGIN, &options).await;
        let other_client = new_client(&app, &pool.id).await;
        let other_token = token_for(&app, &other_client, "alice").await;
        assert_eq!(
            code(complete(&app, &other_token, &credential).await),
            "WebAuthnClientMismatchException"
        );
        // An expired challenge.
        let options = start(&app, &token).await;
        let credential = device.create(ORIGIN, &options).await;
        app.clock.advance_secs(5 * 60 + 1);
        let token = token_for(&app, &pool.client, "alice").await;
        assert_eq!(
            code(complete(&app, &token, &credential).await),
            "WebAuthnChallengeNotFoundException"
        );
        // A missing or malformed credential.
        let resp = app.raw(
            "AWSCognitoIdentityProviderService.CompleteWebAuthnRegistration",
            json!({"AccessToken": token}).to_string(),
        ).await;
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["__type"], "InvalidParameterException");
        assert_eq!(
            code(complete(&app, &token, &json!({"id": "x"})).await),
            "InvalidParameterException"
        );
        assert!(list(&app, &token).await.is_empty());

        // The pool requires user verification: a response without it is refused.
        app.idp.set_user_pool_mfa_config().user_pool_id(&pool.id)
            .web_authn_configuration(WebAuthnConfigurationType::builder()
                .relying_party_id("example.com")
                .user_verification(UserVerificationType::Required)
                .build())
            .send().await.unwrap();
        let mut options = start(&app, &token).await;
        assert_eq!(options["rp"]["id"], "example.com");
        assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
        options["authenticatorSelection"]["userVerification"] = json!("discouraged");
        let credential = device.create(ORIGIN, &options).await;
        assert_eq!(
            code(complete(&app, &token, &credential).await),
            "WebAuthnCredentialNotSupportedException"
        );
        // With verification it registers, under the configured relying party.
        register(&app, &token, &mut device).await;
        let out = app.idp.list_web_authn_credentials().access_token(&token).send().await.unwrap();
        assert_eq!(out.credentials()[0].relying_party_id(), "example.com");
    }

    async fn passkey_limit_is_twenty(app) {
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let token = signed_in_user(&app, &pool, "alice").await;
        for _ in 0..20 {
            register(&app, &token, &mut Device::new()).await;
        }
        assert_eq!(
            code(app.idp.start_web_authn_registration().access_token(&token).send().await),
            "LimitExceededException"
        );
        let all = app.idp.list_web_authn_credentials().access_token(&token).send().await.unwrap();
        assert_eq!(all.credentials().len(), 20);
        assert!(all.next_token().is_none());
    }
}
