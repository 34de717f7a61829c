//! App-client management through the official SDK: Cognito's defaults, client secrets,
//! replace-style updates, paging, and the token-validity and OAuth rules Cognito enforces.

use aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes,
    RefreshTokenRotationType, SchemaAttributeType, TimeUnitsType, TokenValidityUnitsType,
    UserPoolClientType,
};
use cognate_core::clock::Clock;
use std::collections::BTreeSet;

async fn describe(app: &crate::helpers::TestApp, pool: &str, client: &str) -> UserPoolClientType {
    app.idp
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
}

async fn create(req: CreateUserPoolClientFluentBuilder) -> UserPoolClientType {
    req.send().await.unwrap().user_pool_client.unwrap()
}

/// Sends a request the server must refuse with InvalidParameterException; returns the message.
async fn create_fails(req: CreateUserPoolClientFluentBuilder) -> String {
    let err = req.send().await.unwrap_err().into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    err.meta().message().unwrap_or_default().to_owned()
}

fn units(
    access: TimeUnitsType,
    id: TimeUnitsType,
    refresh: TimeUnitsType,
) -> TokenValidityUnitsType {
    TokenValidityUnitsType::builder()
        .access_token(access)
        .id_token(id)
        .refresh_token(refresh)
        .build()
}

backend_tests! {
    async fn create_user_pool_client_fills_cognito_defaults(app) {
        let pool = app.create_pool("p").await;
        let now = app.clock.now_millis().div_euclid(1000);
        let created = create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("web")).await;
        let id = created.client_id().unwrap().to_owned();
        assert_eq!(id.len(), 26, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{id}");
        assert_eq!(created.client_secret(), None);

        let c = describe(&app, &pool, &id).await;
        assert_eq!(c.user_pool_id(), Some(pool.as_str()));
        assert_eq!(c.client_name(), Some("web"));
        assert_eq!(c.client_id(), Some(id.as_str()));
        assert_eq!(c.client_secret(), None);
        assert_eq!(c.creation_date().unwrap().secs(), now);
        assert_eq!(c.last_modified_date().unwrap().secs(), now);
        assert_eq!(
            c.explicit_auth_flows().iter().cloned().collect::<BTreeSet<_>>(),
            BTreeSet::from([
                ExplicitAuthFlowsType::AllowRefreshTokenAuth,
                ExplicitAuthFlowsType::AllowUserSrpAuth,
                ExplicitAuthFlowsType::AllowCustomAuth,
            ])
        );
        assert_eq!(c.refresh_token_validity(), 30);
        let u = c.token_validity_units();
        assert!(
            u.and_then(|u| u.refresh_token()).is_none_or(|r| *r == TimeUnitsType::Days),
            "{u:?}"
        );
        assert!(c.enable_token_revocation().unwrap());
        assert_eq!(
            c.prevent_user_existence_errors(),
            Some(&PreventUserExistenceErrorTypes::Legacy)
        );
        assert_eq!(c.auth_session_validity(), Some(3));
        assert_eq!(c.allowed_o_auth_flows_user_pool_client(), Some(false));
        assert!(c.allowed_o_auth_flows().is_empty());
        assert!(c.callback_urls().is_empty());
        let ids: BTreeSet<String> = BTreeSet::from([id.clone(), {
            create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("web"))
                .await
                .client_id
                .unwrap()
        }]);
        assert_eq!(ids.len(), 2, "each client gets its own id");
    }

    async fn create_user_pool_client_with_generate_secret_returns_a_secret_describe_repeats(app) {
        let pool = app.create_pool("p").await;
        let created = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("server")
                .generate_secret(true),
        )
        .await;
        let secret = created.client_secret().unwrap().to_owned();
        assert!(secret.len() >= 24 && secret.len() <= 64, "{secret}");
        assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
        let c = describe(&app, &pool, created.client_id().unwrap()).await;
        assert_eq!(c.client_secret(), Some(secret.as_str()));
    }

    async fn create_user_pool_client_keeps_an_explicit_client_secret(app) {
        let pool = app.create_pool("p").await;
        let secret = "my_own_client_secret_0123456789";
        let created = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("server")
                .client_secret(secret),
        )
        .await;
        assert_eq!(created.client_secret(), Some(secret));
        let c = describe(&app, &pool, created.client_id().unwrap()).await;
        assert_eq!(c.client_secret(), Some(secret));
    }

    async fn create_user_pool_client_refuses_a_bad_explicit_client_secret(app) {
        let pool = app.create_pool("p").await;
        let base = || app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c");
        let msg = create_fails(base().client_secret("too-short")).await;
        assert!(msg.contains("clientSecret"), "{msg}");
        assert!(!msg.contains("too-short"), "the secret is not echoed: {msg}");
        let msg = create_fails(base().client_secret("has spaces and is long enough!!")).await;
        assert!(msg.contains("ClientSecret") || msg.contains("clientSecret"), "{msg}");
        create_fails(base().client_secret("x".repeat(65))).await;
        // The model forbids asking for a generated secret and supplying one.
        let msg = create_fails(
            base()
                .generate_secret(true)
                .client_secret("my_own_client_secret_0123456789"),
        )
        .await;
        assert!(msg.contains("GenerateSecret") && msg.contains("ClientSecret"), "{msg}");
    }

    async fn describe_user_pool_client_echoes_every_setting_sent(app) {
        let pool = app.create_pool("p").await;
        app.idp
            .add_custom_attributes()
            .user_pool_id(&pool)
            .custom_attributes(
                SchemaAttributeType::builder()
                    .name("team")
                    .attribute_data_type(AttributeDataType::String)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let created = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("spa")
                .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
                .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
                .access_token_validity(30)
                .id_token_validity(2)
                .refresh_token_validity(12)
                .token_validity_units(units(TimeUnitsType::Minutes, TimeUnitsType::Hours, TimeUnitsType::Hours))
                .read_attributes("email")
                .read_attributes("custom:team")
                .write_attributes("email")
                .supported_identity_providers("COGNITO")
                .callback_urls("https://app.example.com/cb")
                .callback_urls("http://localhost:3000/cb")
                .logout_urls("https://app.example.com/bye")
                .default_redirect_uri("https://app.example.com/cb")
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .allowed_o_auth_scopes("openid")
                .allowed_o_auth_scopes("email")
                .allowed_o_auth_flows_user_pool_client(true)
                .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
                .enable_token_revocation(false)
                .auth_session_validity(15)
                .refresh_token_rotation(
                    RefreshTokenRotationType::builder()
                        .feature(aws_sdk_cognitoidentityprovider::types::FeatureType::Enabled)
                        .retry_grace_period_seconds(30)
                        .build()
                        .unwrap(),
                ),
        )
        .await;
        let c = describe(&app, &pool, created.client_id().unwrap()).await;
        assert_eq!(
            c.explicit_auth_flows(),
            &[ExplicitAuthFlowsType::AllowUserPasswordAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth]
        );
        assert_eq!(c.access_token_validity(), Some(30));
        assert_eq!(c.id_token_validity(), Some(2));
        assert_eq!(c.refresh_token_validity(), 12);
        assert_eq!(
            c.token_validity_units(),
            Some(&units(TimeUnitsType::Minutes, TimeUnitsType::Hours, TimeUnitsType::Hours))
        );
        assert_eq!(c.read_attributes(), &["email".to_owned(), "custom:team".to_owned()]);
        assert_eq!(c.write_attributes(), &["email".to_owned()]);
        assert_eq!(c.supported_identity_providers(), &["COGNITO".to_owned()]);
        assert_eq!(
            c.callback_urls(),
            &["https://app.example.com/cb".to_owned(), "http://localhost:3000/cb".to_owned()]
        );
        assert_eq!(c.logout_urls(), &["https://app.example.com/bye".to_owned()]);
        assert_eq!(c.default_redirect_uri(), Some("https://app.example.com/cb"));
        assert_eq!(c.allowed_o_auth_flows(), &[OAuthFlowType::Code]);
        assert_eq!(c.allowed_o_auth_scopes(), &["openid".to_owned(), "email".to_owned()]);
        assert_eq!(c.allowed_o_auth_flows_user_pool_client(), Some(true));
        assert_eq!(
            c.prevent_user_existence_errors(),
            Some(&PreventUserExistenceErrorTypes::Enabled)
        );
        assert_eq!(c.enable_token_revocation(), Some(false));
        assert_eq!(c.auth_session_validity(), Some(15));
        let rotation = c.refresh_token_rotation().unwrap();
        assert_eq!(rotation.feature(), &aws_sdk_cognitoidentityprovider::types::FeatureType::Enabled);
        assert_eq!(rotation.retry_grace_period_seconds(), Some(30));
    }

    async fn create_user_pool_client_accepts_client_credentials_with_a_secret(app) {
        let pool = app.create_pool("p").await;
        let c = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("m2m")
                .generate_secret(true)
                .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
                .allowed_o_auth_flows_user_pool_client(true),
        )
        .await;
        assert_eq!(c.allowed_o_auth_flows(), &[OAuthFlowType::ClientCredentials]);
        assert!(c.client_secret().is_some());
    }

    async fn update_user_pool_client_resets_omitted_settings_and_keeps_the_secret(app) {
        let pool = app.create_pool("p").await;
        let created = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("web")
                .generate_secret(true)
                .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
                .access_token_validity(2)
                .refresh_token_validity(7)
                .read_attributes("email")
                .callback_urls("https://app.example.com/cb")
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .allowed_o_auth_scopes("openid")
                .allowed_o_auth_flows_user_pool_client(true)
                .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
                .enable_token_revocation(false)
                .auth_session_validity(10),
        )
        .await;
        let id = created.client_id().unwrap().to_owned();
        app.clock.advance_secs(30);

        let updated = app
            .idp
            .update_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .id_token_validity(5)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        assert_eq!(updated.client_secret(), created.client_secret());

        let c = describe(&app, &pool, &id).await;
        assert_eq!(c.client_name(), Some("web"), "an omitted ClientName keeps the name");
        assert_eq!(c.client_secret(), created.client_secret(), "the secret is kept");
        assert_eq!(c.id_token_validity(), Some(5));
        assert_eq!(
            c.explicit_auth_flows().iter().cloned().collect::<BTreeSet<_>>(),
            BTreeSet::from([
                ExplicitAuthFlowsType::AllowRefreshTokenAuth,
                ExplicitAuthFlowsType::AllowUserSrpAuth,
                ExplicitAuthFlowsType::AllowCustomAuth,
            ])
        );
        assert_eq!(c.access_token_validity(), None);
        assert_eq!(c.refresh_token_validity(), 30);
        assert!(c.read_attributes().is_empty());
        assert!(c.callback_urls().is_empty());
        assert!(c.allowed_o_auth_flows().is_empty());
        assert!(c.allowed_o_auth_scopes().is_empty());
        assert_eq!(c.allowed_o_auth_flows_user_pool_client(), Some(false));
        assert_eq!(c.prevent_user_existence_errors(), Some(&PreventUserExistenceErrorTypes::Legacy));
        assert_eq!(c.enable_token_revocation(), Some(true));
        assert_eq!(c.auth_session_validity(), Some(3));
        assert_eq!(c.creation_date(), created.creation_date());
        assert_eq!(
            c.last_modified_date().unwrap().secs(),
            created.last_modified_date().unwrap().secs() + 30
        );
    }

    async fn update_user_pool_client_renames_the_client(app) {
        let pool = app.create_pool("p").await;
        let id = create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("old"))
            .await
            .client_id
            .unwrap();
        let updated = app
            .idp
            .update_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .client_name("new")
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        assert_eq!(updated.client_name(), Some("new"));
        assert_eq!(describe(&app, &pool, &id).await.client_name(), Some("new"));
    }

    async fn update_user_pool_client_validates_like_create(app) {
        let pool = app.create_pool("p").await;
        let id = create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c"))
            .await
            .client_id
            .unwrap();
        let err = app
            .idp
            .update_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_flows_user_pool_client(true)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("secret"), "{err:?}");
        let err = app
            .idp
            .update_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .auth_session_validity(20)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn delete_user_pool_client_removes_the_client(app) {
        let pool = app.create_pool("p").await;
        let id = create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c"))
            .await
            .client_id
            .unwrap();
        app.idp
            .delete_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .send()
            .await
            .unwrap();
        let err = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .delete_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let listed = app.idp.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
        assert!(listed.user_pool_clients().is_empty());
    }

    async fn list_user_pool_clients_pages_through_every_client_exactly_once(app) {
        let pool = app.create_pool("p").await;
        let other = app.create_pool("other").await;
        create(app.idp.create_user_pool_client().user_pool_id(&other).client_name("elsewhere")).await;
        let mut created = BTreeSet::new();
        for i in 0..7 {
            let c = create(
                app.idp
                    .create_user_pool_client()
                    .user_pool_id(&pool)
                    .client_name(format!("client-{i}"))
                    .generate_secret(true),
            )
            .await;
            created.insert((c.client_id.unwrap(), c.client_name.unwrap()));
        }
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut token: Option<String> = None;
        loop {
            let page = app
                .idp
                .list_user_pool_clients()
                .user_pool_id(&pool)
                .max_results(3)
                .set_next_token(token.clone())
                .send()
                .await
                .unwrap();
            pages += 1;
            assert!(page.user_pool_clients().len() <= 3);
            for c in page.user_pool_clients() {
                assert_eq!(c.user_pool_id(), Some(pool.as_str()));
                seen.push((c.client_id().unwrap().to_owned(), c.client_name().unwrap().to_owned()));
            }
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 7, "{seen:?}");
        assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), created);
    }

    async fn list_user_pool_clients_refuses_max_results_out_of_range_and_foreign_tokens(app) {
        let pool = app.create_pool("p").await;
        let other = app.create_pool("q").await;
        for n in 0..2 {
            create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name(format!("c{n}"))).await;
        }
        let err = app
            .idp
            .list_user_pool_clients()
            .user_pool_id(&pool)
            .max_results(61)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("maxResults"), "{err:?}");
        let token = app
            .idp
            .list_user_pool_clients()
            .user_pool_id(&pool)
            .max_results(1)
            .send()
            .await
            .unwrap()
            .next_token
            .unwrap();
        let err = app
            .idp
            .list_user_pool_clients()
            .user_pool_id(&other)
            .max_results(1)
            .next_token(token)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn create_user_pool_client_refuses_legacy_and_allow_flows_together(app) {
        let pool = app.create_pool("p").await;
        let msg = create_fails(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .explicit_auth_flows(ExplicitAuthFlowsType::UserPasswordAuth)
                .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth),
        )
        .await;
        assert!(msg.contains("ALLOW_"), "{msg}");
        // Legacy values alone are still accepted.
        let c = create(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("legacy")
                .explicit_auth_flows(ExplicitAuthFlowsType::AdminNoSrpAuth),
        )
        .await;
        assert_eq!(c.explicit_auth_flows(), &[ExplicitAuthFlowsType::AdminNoSrpAuth]);
        let msg = create_fails(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .explicit_auth_flows(ExplicitAuthFlowsType::from("ALLOW_EVERYTHING")),
        )
        .await;
        assert!(msg.contains("explicitAuthFlows"), "{msg}");
    }

    async fn create_user_pool_client_checks_token_validity_with_its_units(app) {
        let pool = app.create_pool("p").await;
        let base = || app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c");
        // 2 days is inside the model's 1–86400 but beyond Cognito's 1-day limit.
        let msg = create_fails(
            base()
                .access_token_validity(2)
                .token_validity_units(units(TimeUnitsType::Days, TimeUnitsType::Hours, TimeUnitsType::Days)),
        )
        .await;
        assert!(msg.contains("Access token"), "{msg}");
        let msg = create_fails(
            base()
                .id_token_validity(60)
                .token_validity_units(units(TimeUnitsType::Hours, TimeUnitsType::Seconds, TimeUnitsType::Days)),
        )
        .await;
        assert!(msg.contains("Id token"), "{msg}");
        // 25 hours with the default unit (hours).
        create_fails(base().access_token_validity(25)).await;
        // The model range is 1–86400 whatever the unit.
        let msg = create_fails(base().access_token_validity(0)).await;
        assert!(msg.contains("accessTokenValidity"), "{msg}");
        let msg = create_fails(base().refresh_token_validity(3651)).await;
        assert!(msg.contains("Refresh token"), "{msg}");
        // Accepted edges: 5 minutes and 60 minutes of refresh; 1 day and 10 years.
        create(
            base()
                .access_token_validity(5)
                .id_token_validity(30)
                .refresh_token_validity(60)
                .token_validity_units(units(TimeUnitsType::Minutes, TimeUnitsType::Minutes, TimeUnitsType::Minutes)),
        )
        .await;
        create(
            base()
                .access_token_validity(1)
                .id_token_validity(1)
                .refresh_token_validity(3650)
                .token_validity_units(units(TimeUnitsType::Days, TimeUnitsType::Days, TimeUnitsType::Days)),
        )
        .await;
        create(base().access_token_validity(24).id_token_validity(24)).await;
    }

    async fn create_user_pool_client_refuses_refresh_tokens_shorter_than_access_tokens(app) {
        let pool = app.create_pool("p").await;
        let msg = create_fails(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .access_token_validity(1)
                .refresh_token_validity(2)
                .token_validity_units(units(TimeUnitsType::Days, TimeUnitsType::Hours, TimeUnitsType::Hours)),
        )
        .await;
        assert!(msg.contains("Refresh token"), "{msg}");
    }

    async fn create_user_pool_client_refuses_client_credentials_without_a_secret_or_with_code(app) {
        let pool = app.create_pool("p").await;
        let base = || {
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .allowed_o_auth_flows_user_pool_client(true)
                .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        };
        let msg = create_fails(base()).await;
        assert!(msg.contains("client_credentials") && msg.contains("secret"), "{msg}");
        let msg = create_fails(
            base()
                .generate_secret(true)
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .callback_urls("https://app.example.com/cb"),
        )
        .await;
        assert!(msg.contains("client_credentials"), "{msg}");
    }

    async fn create_user_pool_client_refuses_plain_http_callbacks_except_localhost(app) {
        let pool = app.create_pool("p").await;
        let base = || {
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .allowed_o_auth_flows_user_pool_client(true)
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .allowed_o_auth_scopes("openid")
        };
        let msg = create_fails(base().callback_urls("http://example.com")).await;
        assert!(msg.contains("http://example.com"), "{msg}");
        create_fails(base().callback_urls("https://app.example.com/cb#fragment")).await;
        create_fails(base().callback_urls("/relative/cb")).await;
        create_fails(
            base()
                .callback_urls("https://app.example.com/cb")
                .logout_urls("http://example.com/bye"),
        )
        .await;
        for ok in [
            "http://localhost:3000/cb",
            "http://127.0.0.1/cb",
            "https://app.example.com/cb?x=1",
            "myapp://callback",
        ] {
            let c = create(base().callback_urls(ok)).await;
            assert_eq!(c.callback_urls(), &[ok.to_owned()]);
        }
    }

    async fn create_user_pool_client_refuses_a_default_redirect_outside_the_callbacks(app) {
        let pool = app.create_pool("p").await;
        let msg = create_fails(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .callback_urls("https://app.example.com/cb")
                .default_redirect_uri("https://app.example.com/other"),
        )
        .await;
        assert!(msg.contains("DefaultRedirectURI"), "{msg}");
    }

    async fn create_user_pool_client_refuses_oauth_flows_without_callbacks(app) {
        let pool = app.create_pool("p").await;
        create_fails(
            app.idp
                .create_user_pool_client()
                .user_pool_id(&pool)
                .client_name("c")
                .allowed_o_auth_flows_user_pool_client(true)
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .allowed_o_auth_scopes("openid"),
        )
        .await;
    }

    async fn create_user_pool_client_refuses_unknown_read_and_write_attributes(app) {
        let pool = app.create_pool("p").await;
        let base = || app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c");
        let msg = create_fails(base().read_attributes("favourite_colour")).await;
        assert!(msg.contains("favourite_colour"), "{msg}");
        let msg = create_fails(base().write_attributes("custom:nope")).await;
        assert!(msg.contains("custom:nope"), "{msg}");
        create(base().read_attributes("email_verified").read_attributes("given_name")).await;
    }

    async fn create_user_pool_client_refuses_an_auth_session_validity_of_20_minutes(app) {
        let pool = app.create_pool("p").await;
        let base = || app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c");
        let msg = create_fails(base().auth_session_validity(20)).await;
        assert!(msg.contains("authSessionValidity"), "{msg}");
        create_fails(base().auth_session_validity(2)).await;
        create(base().auth_session_validity(15)).await;
    }

    async fn create_user_pool_client_refuses_a_bad_client_name(app) {
        let pool = app.create_pool("p").await;
        let base = || app.idp.create_user_pool_client().user_pool_id(&pool);
        let msg = create_fails(base()).await;
        assert!(msg.contains("clientName"), "{msg}");
        let msg = create_fails(base().client_name("")).await;
        assert!(msg.contains("clientName"), "{msg}");
        create_fails(base().client_name("n".repeat(129))).await;
    }

    async fn create_user_pool_client_in_an_unknown_pool_returns_resource_not_found(app) {
        let err = app
            .idp
            .create_user_pool_client()
            .user_pool_id("us-east-1_nopenope1")
            .client_name("c")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .create_user_pool_client()
            .user_pool_id("not a pool id")
            .client_name("c")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn a_client_of_another_pool_is_not_found(app) {
        let pool = app.create_pool("p").await;
        let other = app.create_pool("q").await;
        let id = create(app.idp.create_user_pool_client().user_pool_id(&pool).client_name("c"))
            .await
            .client_id
            .unwrap();
        let err = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&other)
            .client_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .update_user_pool_client()
            .user_pool_id(&other)
            .client_id(&id)
            .client_name("hijacked")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .delete_user_pool_client()
            .user_pool_id(&other)
            .client_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        // Still intact in its own pool.
        assert_eq!(describe(&app, &pool, &id).await.client_name(), Some("c"));
    }

    async fn an_unknown_or_malformed_client_id_is_refused(app) {
        let pool = app.create_pool("p").await;
        let err = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&pool)
            .client_id("abcdefghijklmnopqrstuvwxyz")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&pool)
            .client_id("not a client id")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("clientId"), "{err:?}");
    }
}
