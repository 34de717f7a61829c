//! The hosted pages' security properties: a browser session ends at logout and at
//! global sign-out even if a copy of its cookie is replayed; a custom domain serves its
//! own pool only; hidden user existence covers disabled and unconfirmed accounts.

use crate::oauth::{CALLBACK, authorize_params, browser, fixture, pkce, sign_in_form};
use crate::sign_in::PASSWORD;
use aws_sdk_cognitoidentityprovider::types::{CustomDomainConfigType, OAuthFlowType};
use reqwest::StatusCode;

backend_tests! {
    async fn a_session_cookie_ends_with_logout_and_global_sign_out(app) {
        let f = fixture(&app).await;
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let b = browser();
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        let cookie = resp.headers().get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("cognate-session=")).unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let replay = |c: String| {
            let params = params.clone();
            let url = format!("{}/oauth2/authorize", f.issuer);
            async move {
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
                    .get(url).query(&params).header("cookie", c).send().await.unwrap()
            }
        };
        assert_eq!(replay(cookie.clone()).await.status(), StatusCode::FOUND, "silent sign-in");
        // Logout: a saved copy of the cookie no longer signs in.
        let out = b.get(format!("{}/logout", f.issuer))
            .query(&[("client_id", f.client.as_str()), ("logout_uri", crate::oauth::LOGOUT)])
            .send().await.unwrap();
        assert_eq!(out.status(), StatusCode::FOUND);
        assert_eq!(replay(cookie).await.status(), StatusCode::OK, "the form again");

        // Global sign-out ends a session too.
        let b = browser();
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        let cookie = resp.headers().get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("cognate-session=")).unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        app.clock.advance_secs(1);
        app.idp.admin_user_global_sign_out().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        app.clock.advance_secs(1);
        assert_eq!(replay(cookie).await.status(), StatusCode::OK);
    }

    async fn a_custom_domain_serves_only_its_own_pool(app) {
        let f = fixture(&app).await;
        let other = app.create_pool("other").await;
        app.idp.create_user_pool_domain().user_pool_id(&other).domain("auth.other.test")
            .custom_domain_config(CustomDomainConfigType::builder()
                .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/abc").build().unwrap())
            .send().await.unwrap();
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let resp = browser().get(format!("{}/oauth2/authorize", f.issuer)).header("host", "auth.other.test")
            .query(&params).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "another pool's pages on this domain");
        let resp = browser().post(format!("{}/oauth2/token", f.issuer)).header("host", "auth.other.test")
            .form(&[("grant_type", "client_credentials")]).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }

    async fn hidden_existence_hides_unconfirmed_and_disabled_accounts(app) {
        let f = fixture(&app).await;
        app.idp.update_user_pool_client().user_pool_id(&f.pool).client_id(&f.client)
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid").allowed_o_auth_scopes("email").allowed_o_auth_scopes("profile")
            .allowed_o_auth_scopes("aws.cognito.signin.user.admin")
            .callback_urls(CALLBACK)
            .prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled)
            .send().await.unwrap();
        app.idp.admin_disable_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let b = browser();
        let wrong = sign_in_form(&b, &f, &params, "alice", "Wr0ng-password!").await.text().await.unwrap();
        let unknown = sign_in_form(&b, &f, &params, "nobody", "Wr0ng-password!").await.text().await.unwrap();
        assert!(wrong.contains("Incorrect username or password."), "{wrong}");
        assert!(unknown.contains("Incorrect username or password."));
        // With the right password, the state may be told.
        let right = sign_in_form(&b, &f, &params, "alice", PASSWORD).await.text().await.unwrap();
        assert!(right.contains("disabled"), "{right}");
    }
}
