//! Generic OpenID Connect providers: registered with the IAM SDK, trusted by an
//! identity pool (`OpenIdConnectProviderARNs`) and by STS `AssumeRoleWithWebIdentity`.
//! A fake IdP on 127.0.0.1 serves discovery and JWKS and signs RS256 ID tokens; the
//! server runs with `allow_private_fetch` so it may fetch them over plain HTTP.

use crate::helpers::{
    Db, TestApp, fresh_postgres_database, iam_client, identity_client, spawn_with, sts_client,
    test_config,
};
use axum::Json;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognate_core::token::SigningKey;
use serde_json::{Value, json};

const CLIENT: &str = "web-client";
const AUTH_ROLE: &str = "arn:aws:iam::000000000000:role/Oidc_AuthRole";

/// A fake OpenID provider at `http://127.0.0.1:<port>/idp`.
struct FakeIdp {
    issuer: String,
    key: SigningKey,
}

impl FakeIdp {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}/idp", listener.local_addr().unwrap());
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .unwrap()
            .unwrap();
        let discovery = json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/jwks"),
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let jwks = json!({ "keys": [key.public_jwk()] });
        let app = axum::Router::new()
            .route(
                "/idp/.well-known/openid-configuration",
                get(move || async move { Json(discovery) }),
            )
            .route("/idp/jwks", get(move || async move { Json(jwks) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { issuer, key }
    }

    /// The `Logins` key and ARN suffix: the issuer without its scheme.
    fn host_path(&self) -> String {
        self.issuer.trim_start_matches("http://").to_owned()
    }

    fn token(&self, aud: &str, sub: &str, exp: i64) -> String {
        self.key
            .sign(
                &json!({"iss": self.issuer, "aud": aud, "sub": sub, "exp": exp, "iat": exp - 600}),
            )
            .unwrap()
    }
}

async fn spawn(db: Db) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db = match db {
        Db::Postgres(base) => Db::Postgres(fresh_postgres_database(&base).await),
        other => other,
    };
    let mut config = test_config(&db, dir.path());
    config.allow_private_fetch = true;
    spawn_with(config, dir).await
}

macro_rules! oidc_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = spawn(Db::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = crate::helpers::postgres_url() else { return };
                    let $app = spawn(Db::Postgres(url)).await;
                    $body
                }
            )*
        }
    };
}

/// Registers `idp` with IAM and returns the provider ARN.
async fn register(app: &TestApp, idp: &FakeIdp) -> String {
    iam_client(&app.url)
        .create_open_id_connect_provider()
        .url(&idp.issuer)
        .client_id_list(CLIENT)
        .thumbprint_list("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")
        .send()
        .await
        .unwrap()
        .open_id_connect_provider_arn()
        .unwrap()
        .to_owned()
}

/// An identity pool trusting the provider ARNs, with an authenticated role.
async fn identity_pool(app: &TestApp, arns: &[String]) -> String {
    let ci = identity_client(&app.url);
    let id = ci
        .create_identity_pool()
        .identity_pool_name("oidc")
        .allow_unauthenticated_identities(false)
        .allow_classic_flow(true)
        .set_open_id_connect_provider_arns(Some(arns.to_vec()))
        .send()
        .await
        .unwrap()
        .identity_pool_id()
        .to_owned();
    ci.set_identity_pool_roles()
        .identity_pool_id(&id)
        .roles("authenticated", AUTH_ROLE)
        .send()
        .await
        .unwrap();
    id
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn get_id_error(app: &TestApp, pool: &str, key: &str, token: &str) -> String {
    let err = identity_client(&app.url)
        .get_id()
        .identity_pool_id(pool)
        .logins(key, token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    err.meta().message().unwrap_or_default().to_owned()
}

oidc_tests! {
    async fn iam_registers_gets_lists_and_deletes_oidc_providers(app) {
        let idp = FakeIdp::start().await;
        let iam = iam_client(&app.url);
        let arn = register(&app, &idp).await;
        assert_eq!(arn, format!("arn:aws:iam::000000000000:oidc-provider/{}", idp.host_path()));
        let got = iam.get_open_id_connect_provider().open_id_connect_provider_arn(&arn).send().await.unwrap();
        assert_eq!(got.url(), Some(idp.host_path().as_str()));
        assert_eq!(got.client_id_list(), [CLIENT]);
        assert_eq!(got.thumbprint_list().len(), 1);
        let listed = iam.list_open_id_connect_providers().send().await.unwrap();
        assert_eq!(listed.open_id_connect_provider_list()[0].arn(), Some(arn.as_str()));
        let err = iam.create_open_id_connect_provider().url(&idp.issuer).client_id_list(CLIENT).send().await.unwrap_err().into_service_error();
        assert!(err.is_entity_already_exists_exception(), "{err:?}");
        iam.delete_open_id_connect_provider().open_id_connect_provider_arn(&arn).send().await.unwrap();
        let err = iam.get_open_id_connect_provider().open_id_connect_provider_arn(&arn).send().await.unwrap_err().into_service_error();
        assert!(err.is_no_such_entity_exception(), "{err:?}");
    }

    async fn identity_pool_exchanges_an_oidc_id_token_for_credentials(app) {
        let idp = FakeIdp::start().await;
        let arn = register(&app, &idp).await;
        let pool = identity_pool(&app, &[arn]).await;
        let ci = identity_client(&app.url);
        let key = idp.host_path();
        let token = idp.token(CLIENT, "user-1", app.clock_now_secs() + 600);
        let id = ci.get_id().identity_pool_id(&pool).logins(&key, &token).send().await.unwrap().identity_id().unwrap().to_owned();
        let creds = ci.get_credentials_for_identity().identity_id(&id).logins(&key, &token).send().await.unwrap();
        assert_eq!(creds.identity_id(), Some(id.as_str()));
        assert!(creds.credentials().unwrap().access_key_id().unwrap().starts_with("ASIA"));
        // The same subject maps to the same identity.
        let again = idp.token(CLIENT, "user-1", app.clock_now_secs() + 300);
        let same = ci.get_id().identity_pool_id(&pool).logins(&key, &again).send().await.unwrap();
        assert_eq!(same.identity_id(), Some(id.as_str()));
        // The identity token names the provider in `amr`.
        let oidc = ci.get_open_id_token().identity_id(&id).logins(&key, &token).send().await.unwrap();
        let amr = claims(oidc.token().unwrap())["amr"].clone();
        assert_eq!(amr, json!(["authenticated", key, format!("{key}:OAuth:user-1")]));
    }

    async fn identity_pool_refuses_bad_oidc_tokens_and_unregistered_issuers(app) {
        let idp = FakeIdp::start().await;
        let arn = register(&app, &idp).await;
        let pool = identity_pool(&app, &[arn]).await;
        let key = idp.host_path();
        let now = app.clock_now_secs();
        let msg = get_id_error(&app, &pool, &key, &idp.token("other-client", "u", now + 600)).await;
        assert!(msg.contains("audience"), "{msg}");
        let msg = get_id_error(&app, &pool, &key, &idp.token(CLIENT, "u", now - 10)).await;
        assert!(msg.contains("Token expired"), "{msg}");
        // A signature taken from another token of the same key does not verify.
        let good = idp.token(CLIENT, "u", now + 600);
        let other = idp.token(CLIENT, "v", now + 600);
        let forged = format!("{}.{}", good.rsplit_once('.').unwrap().0, other.rsplit_once('.').unwrap().1);
        get_id_error(&app, &pool, &key, &forged).await;
        // A token of an issuer the pool does not list, under its own key or the pool's.
        let stranger = FakeIdp::start().await;
        let foreign = stranger.token(CLIENT, "u", now + 600);
        let msg = get_id_error(&app, &pool, &stranger.host_path(), &foreign).await;
        assert!(msg.contains("supported provider"), "{msg}");
        get_id_error(&app, &pool, &key, &foreign).await;
        // Registered in IAM but not listed by the pool.
        register(&app, &stranger).await;
        get_id_error(&app, &pool, &stranger.host_path(), &foreign).await;
    }

    async fn sts_assumes_a_role_trusting_the_oidc_provider(app) {
        let idp = FakeIdp::start().await;
        let arn = register(&app, &idp).await;
        let hp = idp.host_path();
        let trust = |aud: &str| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{hp}:aud"): aud, format!("{hp}:sub"): "user-1"}}}]}).to_string();
        let iam = iam_client(&app.url);
        let role = iam.create_role().role_name("OidcRole").assume_role_policy_document(trust(CLIENT)).send().await.unwrap().role.unwrap();
        let other = iam.create_role().role_name("OtherAud").assume_role_policy_document(trust("elsewhere")).send().await.unwrap().role.unwrap();
        let sts = sts_client(&app.url, "AKIAUNUSED0000000000", "unused", None);
        let token = idp.token(CLIENT, "user-1", app.clock_now_secs() + 600);
        let assumed = sts.assume_role_with_web_identity().role_arn(role.arn()).role_session_name("app").web_identity_token(&token).send().await.unwrap();
        assert!(assumed.credentials().unwrap().access_key_id().starts_with("ASIA"));
        assert_eq!(assumed.subject_from_web_identity_token(), Some("user-1"));
        assert_eq!(assumed.audience(), Some(CLIENT));
        assert_eq!(assumed.provider(), Some(arn.as_str()));
        let err = sts.assume_role_with_web_identity().role_arn(other.arn()).role_session_name("app").web_identity_token(&token).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().code(), Some("AccessDenied"), "{err:?}");
        let expired = idp.token(CLIENT, "user-1", app.clock_now_secs() - 10);
        let err = sts.assume_role_with_web_identity().role_arn(role.arn()).role_session_name("app").web_identity_token(&expired).send().await.unwrap_err().into_service_error();
        assert!(err.is_expired_token_exception(), "{err:?}");
        let wrong_aud = idp.token("other-client", "user-1", app.clock_now_secs() + 600);
        let err = sts.assume_role_with_web_identity().role_arn(role.arn()).role_session_name("app").web_identity_token(&wrong_aud).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_identity_token_exception(), "{err:?}");
    }
}
