//! The OAuth configuration API: user-pool domains, resource servers with custom
//! scopes, app-client scope checks and classic hosted-UI customization, driven by the
//! official SDK so the shapes and `__type` names are proven to parse.

use crate::helpers::TestApp;
use aws_sdk_cognitoidentityprovider as idp;
use idp::error::ProvideErrorMetadata;
use idp::primitives::Blob;
use idp::types::{CustomDomainConfigType, DomainStatusType, ResourceServerScopeType};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123";

fn scope(name: &str) -> ResourceServerScopeType {
    ResourceServerScopeType::builder()
        .scope_name(name)
        .scope_description(format!("{name} access"))
        .build()
        .unwrap()
}

async fn create_server(app: &TestApp, pool: &str, identifier: &str, scopes: &[&str]) {
    app.idp
        .create_resource_server()
        .user_pool_id(pool)
        .identifier(identifier)
        .name("Orders API")
        .set_scopes(Some(scopes.iter().map(|s| scope(s)).collect()))
        .send()
        .await
        .unwrap();
}

async fn create_client(app: &TestApp, pool: &str) -> String {
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

/// Identifiers of every resource server, walking all pages of size `page`.
async fn all_servers(app: &TestApp, pool: &str, page: i32) -> (Vec<String>, usize) {
    let (mut out, mut pages, mut token) = (Vec::new(), 0, None::<String>);
    loop {
        let resp = app
            .idp
            .list_resource_servers()
            .user_pool_id(pool)
            .max_results(page)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(resp.resource_servers().len() <= page as usize);
        out.extend(
            resp.resource_servers()
                .iter()
                .filter_map(|s| s.identifier().map(str::to_owned)),
        );
        match resp.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    (out, pages)
}

backend_tests! {
    async fn prefix_domain_round_trips_and_shows_on_the_pool(app) {
        let pool = app.create_pool("domains").await;
        let created = app.idp.create_user_pool_domain()
            .user_pool_id(&pool).domain("my-app-1").managed_login_version(2)
            .send().await.unwrap();
        assert_eq!(created.managed_login_version(), Some(2));
        let d = app.idp.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
        let d = d.domain_description().unwrap();
        assert_eq!(d.user_pool_id(), Some(pool.as_str()));
        assert_eq!(d.domain(), Some("my-app-1"));
        assert_eq!(d.status(), Some(&DomainStatusType::Active));
        assert_eq!(d.managed_login_version(), Some(2));
        assert!(d.custom_domain_config().is_none());
        let p = app.idp.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(p.user_pool().unwrap().domain(), Some("my-app-1"));
        assert_eq!(p.user_pool().unwrap().custom_domain(), None);

        app.idp.update_user_pool_domain().user_pool_id(&pool).domain("my-app-1")
            .managed_login_version(1).send().await.unwrap();
        let d = app.idp.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
        assert_eq!(d.domain_description().unwrap().managed_login_version(), Some(1));

        app.idp.delete_user_pool_domain().user_pool_id(&pool).domain("my-app-1").send().await.unwrap();
        let d = app.idp.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
        assert!(d.domain_description().unwrap().domain().is_none());
        let p = app.idp.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(p.user_pool().unwrap().domain(), None);
        let err = app.idp.delete_user_pool_domain().user_pool_id(&pool).domain("my-app-1")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn unknown_domain_describes_as_empty(app) {
        let d = app.idp.describe_user_pool_domain().domain("nobody-here").send().await.unwrap();
        let d = d.domain_description().unwrap();
        assert!(d.domain().is_none() && d.user_pool_id().is_none() && d.status().is_none());
        let raw = app.signed_raw(
            "AWSCognitoIdentityProviderService.DescribeUserPoolDomain",
            r#"{"Domain":"nobody-here"}"#,
        ).await;
        assert_eq!(raw.status(), 200);
        let body: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"DomainDescription": {}}));
    }

    async fn prefix_domains_are_unique_across_pools(app) {
        let a = app.create_pool("a").await;
        let b = app.create_pool("b").await;
        app.idp.create_user_pool_domain().user_pool_id(&a).domain("shared-name").send().await.unwrap();
        let err = app.idp.create_user_pool_domain().user_pool_id(&b).domain("shared-name")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        // A pool has one prefix domain at most, and another pool cannot delete it.
        let err = app.idp.create_user_pool_domain().user_pool_id(&a).domain("second-name")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.delete_user_pool_domain().user_pool_id(&b).domain("shared-name")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        // Once released, the name is free for the other pool.
        app.idp.delete_user_pool_domain().user_pool_id(&a).domain("shared-name").send().await.unwrap();
        app.idp.create_user_pool_domain().user_pool_id(&b).domain("shared-name").send().await.unwrap();
    }

    async fn custom_domain_stores_its_certificate(app) {
        let pool = app.create_pool("custom").await;
        let cfg = CustomDomainConfigType::builder().certificate_arn(CERT).build().unwrap();
        let created = app.idp.create_user_pool_domain().user_pool_id(&pool)
            .domain("auth.example.com").custom_domain_config(cfg)
            .send().await.unwrap();
        assert!(created.cloud_front_domain().is_some());
        app.idp.create_user_pool_domain().user_pool_id(&pool).domain("prefix-too").send().await.unwrap();
        let d = app.idp.describe_user_pool_domain().domain("auth.example.com").send().await.unwrap();
        let cfg = d.domain_description().unwrap().custom_domain_config().unwrap();
        assert_eq!(cfg.certificate_arn(), CERT);
        let p = app.idp.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(p.user_pool().unwrap().custom_domain(), Some("auth.example.com"));
        assert_eq!(p.user_pool().unwrap().domain(), Some("prefix-too"));
        let other = "arn:aws:acm:us-east-1:123456789012:certificate/def-456";
        app.idp.update_user_pool_domain().user_pool_id(&pool).domain("auth.example.com")
            .custom_domain_config(CustomDomainConfigType::builder().certificate_arn(other).build().unwrap())
            .send().await.unwrap();
        let d = app.idp.describe_user_pool_domain().domain("auth.example.com").send().await.unwrap();
        assert_eq!(d.domain_description().unwrap().custom_domain_config().unwrap().certificate_arn(), other);
    }

    async fn invalid_domains_are_refused(app) {
        let pool = app.create_pool("bad-domains").await;
        for bad in ["Upper", "-lead", "trail-", "has.dot", "my-aws-app", "cognito", &"a".repeat(64)] {
            let err = app.idp.create_user_pool_domain().user_pool_id(&pool).domain(bad)
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{bad}: {err:?}");
        }
        let err = app.idp.create_user_pool_domain().user_pool_id(&pool).domain("ok-name")
            .managed_login_version(3).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.create_user_pool_domain().user_pool_id("us-east-1_missing").domain("ok-name")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn resource_server_crud(app) {
        let pool = app.create_pool("rs").await;
        let id = "https://api.example.com";
        create_server(&app, &pool, id, &["read", "write"]).await;
        let got = app.idp.describe_resource_server().user_pool_id(&pool).identifier(id).send().await.unwrap();
        let rs = got.resource_server().unwrap();
        assert_eq!(rs.name(), Some("Orders API"));
        assert_eq!(rs.scopes().len(), 2);
        assert_eq!(rs.scopes()[0].scope_name(), "read");
        let err = app.idp.create_resource_server().user_pool_id(&pool).identifier(id).name("Again")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");

        let updated = app.idp.update_resource_server().user_pool_id(&pool).identifier(id)
            .name("Orders v2").scopes(scope("admin")).send().await.unwrap();
        assert_eq!(updated.resource_server().unwrap().name(), Some("Orders v2"));
        let got = app.idp.describe_resource_server().user_pool_id(&pool).identifier(id).send().await.unwrap();
        let names: Vec<_> = got.resource_server().unwrap().scopes().iter().map(|s| s.scope_name()).collect();
        assert_eq!(names, ["admin"]);

        app.idp.delete_resource_server().user_pool_id(&pool).identifier(id).send().await.unwrap();
        let err = app.idp.describe_resource_server().user_pool_id(&pool).identifier(id)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.update_resource_server().user_pool_id(&pool).identifier(id).name("x")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.delete_resource_server().user_pool_id(&pool).identifier(id)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn resource_server_validation(app) {
        let pool = app.create_pool("rs-bad").await;
        let cases = [
            app.idp.create_resource_server().user_pool_id(&pool).identifier("has space").name("n"),
            app.idp.create_resource_server().user_pool_id(&pool).identifier("i".repeat(257)).name("n"),
            app.idp.create_resource_server().user_pool_id(&pool).identifier("ok").name("bad/name!"),
            app.idp.create_resource_server().user_pool_id(&pool).identifier("ok").name("n").scopes(scope("a/b")),
            app.idp.create_resource_server().user_pool_id(&pool).identifier("ok").name("n")
                .set_scopes(Some((0..101).map(|i| scope(&format!("s{i}"))).collect())),
        ];
        for (i, req) in cases.into_iter().enumerate() {
            let err = req.send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "case {i}: {err:?}");
        }
        let err = app.idp.list_resource_servers().user_pool_id(&pool).max_results(51)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("maxResults"));
    }

    async fn list_resource_servers_pages(app) {
        let pool = app.create_pool("rs-list").await;
        for i in 0..7 {
            create_server(&app, &pool, &format!("api-{i}"), &["read"]).await;
        }
        let (ids, pages) = all_servers(&app, &pool, 3).await;
        assert_eq!(ids, (0..7).map(|i| format!("api-{i}")).collect::<Vec<_>>());
        assert_eq!(pages, 3);
        let (ids, pages) = all_servers(&app, &pool, 50).await;
        assert_eq!((ids.len(), pages), (7, 1));
    }

    async fn clients_may_only_name_existing_scopes(app) {
        let pool = app.create_pool("scopes").await;
        create_server(&app, &pool, "https://api.example.com", &["read"]).await;
        let ok = app.idp.create_user_pool_client().user_pool_id(&pool).client_name("ok")
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("aws.cognito.signin.user.admin")
            .allowed_o_auth_scopes("https://api.example.com/read")
            .send().await.unwrap();
        let client_id = ok.user_pool_client().unwrap().client_id().unwrap().to_owned();
        for bad in ["https://api.example.com/write", "https://other.example.com/read", "made-up"] {
            let err = app.idp.create_user_pool_client().user_pool_id(&pool).client_name("bad")
                .allowed_o_auth_scopes(bad)
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_scope_does_not_exist_exception(), "{bad}: {err:?}");
            let err = app.idp.update_user_pool_client().user_pool_id(&pool).client_id(&client_id)
                .allowed_o_auth_scopes(bad)
                .send().await.unwrap_err().into_service_error();
            assert!(err.is_scope_does_not_exist_exception(), "{bad}: {err:?}");
        }
    }

    async fn ui_customization_falls_back_to_the_pool(app) {
        let pool = app.create_pool("ui").await;
        let web = create_client(&app, &pool).await;
        let mobile = create_client(&app, &pool).await;
        let empty = app.idp.get_ui_customization().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        assert!(empty.ui_customization().unwrap().css().is_none());

        app.idp.set_ui_customization().user_pool_id(&pool)
            .css(".banner-customizable { background-color: black; }")
            .image_file(Blob::new(b"\x89PNG fake logo".to_vec()))
            .send().await.unwrap();
        app.idp.set_ui_customization().user_pool_id(&pool).client_id(&web)
            .css(".submitButton-customizable { color: red; }")
            .send().await.unwrap();

        let got = app.idp.get_ui_customization().user_pool_id(&pool).client_id(&web).send().await.unwrap();
        let ui = got.ui_customization().unwrap();
        assert_eq!(ui.client_id(), Some(web.as_str()));
        assert_eq!(ui.css(), Some(".submitButton-customizable { color: red; }"));
        assert!(ui.css_version().is_some());
        let got = app.idp.get_ui_customization().user_pool_id(&pool).client_id(&mobile).send().await.unwrap();
        let ui = got.ui_customization().unwrap();
        assert_eq!(ui.client_id(), Some("ALL"));
        assert_eq!(ui.css(), Some(".banner-customizable { background-color: black; }"));
        let pool_wide = app.idp.get_ui_customization().user_pool_id(&pool).client_id("ALL").send().await.unwrap();
        assert_eq!(pool_wide.ui_customization().unwrap().css(), ui.css());
        let logo = app.core.ui_customization_for(&pool, &mobile).await.unwrap().unwrap();
        assert!(logo.image.is_some());
    }

    async fn ui_customization_validation(app) {
        let pool = app.create_pool("ui-bad").await;
        let err = app.idp.set_ui_customization().user_pool_id(&pool).css("x".repeat(131_073))
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.set_ui_customization().user_pool_id(&pool)
            .image_file(Blob::new(vec![0u8; 131_073]))
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.set_ui_customization().user_pool_id(&pool).client_id("nosuchclient").css("a{}")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.get_ui_customization().user_pool_id(&pool).client_id("nosuchclient")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }
}
