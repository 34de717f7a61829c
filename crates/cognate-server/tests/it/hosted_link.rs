//! Confirmation by link (`DefaultEmailOption = CONFIRM_WITH_LINK`): SignUp and
//! ResendConfirmationCode email a link to the hosted `/confirmUser` page (issuer path,
//! or the custom domain), whose GET only shows a button and whose POST confirms with
//! ConfirmSignUp's rules; wrong, expired and foreign links get an error page; a pool
//! without a domain refuses SignUp as Cognito does.

use crate::helpers::TestApp;
use crate::oauth::{browser, csrf_token, oauth_client};
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, CustomDomainConfigType, DefaultEmailOptionType,
    PreventUserExistenceErrorTypes, VerificationMessageTemplateType, VerifiedAttributeType,
};
use reqwest::StatusCode;

const PASSWORD: &str = crate::sign_in::PASSWORD;

/// A pool that confirms sign-ups by link, with an OAuth client; `domain` is a prefix
/// domain, a custom one (with a dot), or none.
async fn link_pool(app: &TestApp, domain: Option<&str>) -> (String, String) {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("links")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .verification_message_template(
            VerificationMessageTemplateType::builder()
                .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                .email_message_by_link("Welcome aboard! {##Confirm my email##} See you soon.")
                .email_subject_by_link("Confirm your sign-up")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    if let Some(d) = domain {
        let mut req = app
            .idp
            .create_user_pool_domain()
            .user_pool_id(&pool)
            .domain(d);
        if d.contains('.') {
            req = req.custom_domain_config(
                CustomDomainConfigType::builder()
                    .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/abc")
                    .build()
                    .unwrap(),
            );
        }
        req.send().await.unwrap();
    }
    let client = oauth_client(app, &pool, "Photo Share").await;
    (pool, client)
}

async fn sign_up(app: &TestApp, client: &str, username: &str) {
    sign_up_with_email(app, client, username, &format!("{username}@example.com")).await;
}

async fn sign_up_with_email(app: &TestApp, client: &str, username: &str, email: &str) {
    app.idp
        .sign_up()
        .client_id(client)
        .username(username)
        .password(PASSWORD)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// A client of `pool` that hides user existence (PreventUserExistenceErrors ENABLED).
async fn hiding_client(app: &TestApp, pool: &str) -> String {
    app.idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("Hidden")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// A code-confirming pool with a domain, a public client to sign up with and a
/// client with a secret.
async fn code_pool(app: &TestApp) -> (String, String, String) {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("codes")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("codes-prefix")
        .send()
        .await
        .unwrap();
    let public = oauth_client(app, &pool, "Public").await;
    let secret = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("Confidential")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    (pool, public, secret)
}

/// The link in the newest message to `username@example.com`, with its subject.
async fn last_link(app: &TestApp, pool: &str, username: &str) -> (String, String) {
    let to = format!("{username}@example.com");
    let m = app
        .outbox(pool)
        .await
        .into_iter()
        .rev()
        .find(|m| m.destination == to)
        .unwrap_or_else(|| panic!("no message to {to}"));
    assert!(
        m.body.starts_with("Welcome aboard! <a href=\"")
            && m.body.ends_with("\">Confirm my email</a> See you soon."),
        "{}",
        m.body
    );
    let href = m
        .body
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    (href.replace("&amp;", "&"), m.subject.unwrap_or_default())
}

async fn status_of(app: &TestApp, pool: &str, username: &str) -> String {
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap();
    user.user_status().unwrap().as_str().to_owned()
}

/// Opens the link (as fetched, `url` may be rewritten to reach the test server) and
/// presses the button, with `change` applied to the posted fields.
async fn press(
    b: &reqwest::Client,
    page_url: &str,
    post_url: &str,
    change: &[(&str, &str)],
) -> reqwest::Response {
    let page = b.get(page_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "GET {page_url}");
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"confirm-link-form\""), "{html}");
    let url = reqwest::Url::parse(page_url).unwrap();
    let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for (k, v) in change {
        form.retain(|(name, _)| name != k);
        form.push(((*k).to_owned(), (*v).to_owned()));
    }
    form.push(("csrf_token".into(), csrf_token(&html)));
    b.post(post_url).form(&form).send().await.unwrap()
}

backend_tests! {
    async fn a_sign_up_link_confirms_after_the_button_is_pressed(app) {
        let (pool, client) = link_pool(&app, Some("links-prefix")).await;
        sign_up(&app, &client, "lena").await;
        let (link, subject) = last_link(&app, &pool, "lena").await;
        assert_eq!(subject, "Confirm your sign-up");
        let expected = format!("{}/{pool}/confirmUser?client_id={client}&user_name=lena&confirmation_code=", app.url);
        assert!(link.starts_with(&expected), "{link}");
        let post_url = format!("{}/{pool}/confirmUser", app.url);

        // Opening the link (as a mail scanner would) confirms nothing.
        let page = browser().get(&link).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(status_of(&app, &pool, "lena").await, "UNCONFIRMED");
        // Nor does a post without the page's CSRF token.
        let url = reqwest::Url::parse(&link).unwrap();
        let fields: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let resp = browser().post(&post_url).form(&fields).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);

        let b = browser();
        let wrong = press(&b, &link, &post_url, &[("confirmation_code", "000000")]).await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        assert!(wrong.text().await.unwrap().contains("confirmation link isn&#x27;t valid"));
        assert_eq!(status_of(&app, &pool, "lena").await, "UNCONFIRMED");

        let resp = press(&b, &link, &post_url, &[]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Your account is confirmed"), "{html}");
        assert!(html.contains("href=\"http:&#x2f;&#x2f;localhost:8080&#x2f;\""), "a way on to the app: {html}");
        let user = app.idp.admin_get_user().user_pool_id(&pool).username("lena").send().await.unwrap();
        assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
        let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").unwrap();
        assert_eq!(verified.value(), Some("true"));

        // The link is spent.
        let again = press(&b, &link, &post_url, &[]).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        assert!(again.text().await.unwrap().contains("already confirmed"));
    }

    async fn expired_and_foreign_links_show_an_error_page(app) {
        let (pool, client) = link_pool(&app, Some("links-expiry")).await;
        let (other_pool, other_client) = link_pool(&app, Some("links-other")).await;
        sign_up(&app, &client, "milo").await;
        let (link, _) = last_link(&app, &pool, "milo").await;
        let post_url = format!("{}/{pool}/confirmUser", app.url);

        // A client of another pool is refused, on the page and on the post.
        let foreign = link.replace(&client, &other_client);
        let resp = browser().get(&foreign).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.text().await.unwrap().contains("doesn&#x27;t belong"));
        let b = browser();
        let resp = press(&b, &link, &post_url, &[("client_id", &other_client)]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        // The other pool's page does not confirm this pool's user either.
        let resp = press(&b, &link.replace(&client, &other_client).replace(&pool, &other_pool),
            &format!("{}/{other_pool}/confirmUser", app.url), &[]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(status_of(&app, &pool, "milo").await, "UNCONFIRMED");

        // A day later the code has expired (24 hours, as ConfirmSignUp's).
        app.clock.advance_secs(25 * 3600);
        let resp = press(&b, &link, &post_url, &[]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.text().await.unwrap().contains("has expired"));

        // A new link (ResendConfirmationCode, which only answers for an unconfirmed
        // user) works once. Signed admin calls are out of reach of the moved clock.
        app.idp.resend_confirmation_code().client_id(&client).username("milo").send().await.unwrap();
        let (fresh, _) = last_link(&app, &pool, "milo").await;
        assert_ne!(fresh, link);
        let resp = press(&b, &fresh, &post_url, &[]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.text().await.unwrap().contains("Your account is confirmed"));
        let again = press(&b, &fresh, &post_url, &[]).await;
        assert!(again.text().await.unwrap().contains("already confirmed"));
    }

    async fn a_custom_domain_pool_links_to_its_domain(app) {
        let (pool, client) = link_pool(&app, Some("auth.links.test")).await;
        sign_up(&app, &client, "nina").await;
        let (link, _) = last_link(&app, &pool, "nina").await;
        // The public URL of tests is plain http, so the domain is too (development).
        let expected = format!("http://auth.links.test/confirmUser?client_id={client}&user_name=nina&confirmation_code=");
        assert!(link.starts_with(&expected), "{link}");
        let reachable = link.replace("http://auth.links.test", &app.url);
        let b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = b.get(&reachable).header("host", "auth.links.test").send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let xsrf = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let html = page.text().await.unwrap();
        assert!(html.contains("action=\"/confirmUser\""), "root-relative form: {html}");
        let url = reqwest::Url::parse(&reachable).unwrap();
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("csrf_token".into(), csrf_token(&html)));
        let resp = b.post(format!("{}/confirmUser", app.url)).header("host", "auth.links.test")
            .header("cookie", xsrf).form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(status_of(&app, &pool, "nina").await, "CONFIRMED");
    }

    async fn the_hosted_sign_up_of_a_link_pool_points_to_the_email(app) {
        let (pool, client) = link_pool(&app, Some("links-hosted")).await;
        let (challenge, _) = crate::oauth::pkce();
        let params = crate::oauth::authorize_params(&client, &challenge, "n");
        let b = browser();
        let issuer = format!("{}/{pool}", app.url);
        let html = b.get(format!("{issuer}/signup")).query(&params).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_token(&html);
        let mut form = params.clone();
        form.extend([("username", "pia"), ("email", "pia@example.com"), ("password", PASSWORD),
            ("csrf_token", csrf.as_str())]);
        let resp = b.post(format!("{issuer}/signup")).form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("We sent a link by email to p***@e***"), "{html}");
        assert!(!html.contains("id=\"confirm-form\""), "no code to type");
        assert!(html.contains("Send a new link"));
        let (link, _) = last_link(&app, &pool, "pia").await;
        let resp = press(&b, &link, &format!("{issuer}/confirmUser"), &[]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(status_of(&app, &pool, "pia").await, "CONFIRMED");
    }

    async fn link_pools_need_a_domain_and_a_link_placeholder(app) {
        let (pool, client) = link_pool(&app, None).await;
        let err = app.idp.sign_up().client_id(&client).username("omar").password(PASSWORD)
            .user_attributes(AttributeType::builder().name("email").value("omar@example.com").build().unwrap())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(format!("{err:?}").contains("domain"), "{err:?}");
        assert!(app.idp.admin_get_user().user_pool_id(&pool).username("omar").send().await.is_err(),
            "nothing is created");

        let err = app.idp.update_user_pool().user_pool_id(&pool)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .verification_message_template(VerificationMessageTemplateType::builder()
                .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                .email_message_by_link("Confirm here, please.")
                .build())
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");

        // With code confirmation the same pool needs no domain.
        app.idp.update_user_pool().user_pool_id(&pool)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .verification_message_template(VerificationMessageTemplateType::builder()
                .default_email_option(DefaultEmailOptionType::ConfirmWithCode)
                .build())
            .send().await.unwrap();
        sign_up(&app, &client, "omar").await;
        let code = app.last_code_to(&pool, "omar@example.com").await;
        assert_eq!(code.len(), 6);
    }

    async fn pools_that_confirm_by_code_have_no_link_page(app) {
        let (pool, public, secret) = code_pool(&app).await;
        sign_up(&app, &public, "quinn").await;
        let code = app.last_code_to(&pool, "quinn@example.com").await;
        let issuer = format!("{}/{pool}", app.url);
        let link = format!("{issuer}/confirmUser?client_id={secret}&user_name=quinn&confirmation_code={code}");
        let b = browser();
        let page = b.get(&link).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);

        // A form token from another page of the pool does not make the post count:
        // it would confirm without the SECRET_HASH the client requires.
        let (challenge, _) = crate::oauth::pkce();
        let params = crate::oauth::authorize_params(&public, &challenge, "n");
        let html = b.get(format!("{issuer}/login")).query(&params).send().await.unwrap().text().await.unwrap();
        let form = [("client_id", secret.as_str()), ("user_name", "quinn"),
            ("confirmation_code", code.as_str()), ("csrf_token", &csrf_token(&html))];
        let resp = b.post(format!("{issuer}/confirmUser")).form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert_eq!(status_of(&app, &pool, "quinn").await, "UNCONFIRMED");

        // The hosted sign-up's own confirmation page (no link code) is still there.
        let page = b.get(format!("{issuer}/confirmUser")).query(&params).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
    }

    async fn a_client_hiding_users_shows_one_message_for_every_bad_link(app) {
        const ONE: &str = "This link is invalid or has already been used.";
        let (pool, _) = link_pool(&app, Some("links-hidden")).await;
        let client = hiding_client(&app, &pool).await;
        let post_url = format!("{}/{pool}/confirmUser", app.url);
        for name in ["rosa", "sami", "tess"] {
            sign_up(&app, &client, name).await;
        }
        let b = browser();
        let one = |html: String| {
            assert!(html.contains(ONE), "{html}");
            assert!(!html.contains("already confirmed") && !html.contains("disabled")
                && !html.contains("expired"), "{html}");
        };

        // A wrong code, and a spent link.
        let (link, _) = last_link(&app, &pool, "rosa").await;
        let wrong = press(&b, &link, &post_url, &[("confirmation_code", "000000")]).await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        one(wrong.text().await.unwrap());
        assert_eq!(press(&b, &link, &post_url, &[]).await.status(), StatusCode::OK);
        let spent = press(&b, &link, &post_url, &[]).await;
        assert_eq!(spent.status(), StatusCode::BAD_REQUEST);
        one(spent.text().await.unwrap());

        // An unknown user, and a disabled one.
        let unknown = press(&b, &link, &post_url, &[("user_name", "nobody")]).await;
        one(unknown.text().await.unwrap());
        app.idp.admin_disable_user().user_pool_id(&pool).username("sami").send().await.unwrap();
        let (link, _) = last_link(&app, &pool, "sami").await;
        let disabled = press(&b, &link, &post_url, &[]).await;
        assert_eq!(disabled.status(), StatusCode::BAD_REQUEST);
        one(disabled.text().await.unwrap());

        // An expired link.
        let (link, _) = last_link(&app, &pool, "tess").await;
        app.clock.advance_secs(25 * 3600);
        let expired = press(&b, &link, &post_url, &[]).await;
        assert_eq!(expired.status(), StatusCode::BAD_REQUEST);
        one(expired.text().await.unwrap());
    }

    async fn a_link_for_an_email_another_account_holds_says_so(app) {
        let pool = app.idp.create_user_pool().pool_name("alias-links")
            .alias_attributes(AliasAttributeType::Email)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .verification_message_template(VerificationMessageTemplateType::builder()
                .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                .email_message_by_link("Welcome aboard! {##Confirm my email##} See you soon.")
                .build())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        app.idp.create_user_pool_domain().user_pool_id(&pool).domain("links-alias").send().await.unwrap();
        let client = oauth_client(&app, &pool, "Photo Share").await;
        let post_url = format!("{}/{pool}/confirmUser", app.url);
        let b = browser();
        sign_up_with_email(&app, &client, "uma", "uma@example.com").await;
        sign_up_with_email(&app, &client, "uma2", "uma@example.com").await;
        // Both links go to the one address: the first is uma's, the second uma2's.
        let links: Vec<String> = app.outbox(&pool).await.iter().map(|m| {
            let href = m.body.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
            href.replace("&amp;", "&")
        }).collect();
        let [first, second] = &links[..] else { panic!("{links:?}") };
        assert!(second.contains("user_name=uma2&"), "{second}");
        assert_eq!(press(&b, first, &post_url, &[]).await.status(), StatusCode::OK);

        let resp = press(&b, second, &post_url, &[]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        assert!(html.contains("already belongs to another account"), "{html}");
        assert_eq!(status_of(&app, &pool, "uma2").await, "UNCONFIRMED");
    }

    async fn a_username_in_a_link_email_is_escaped(app) {
        let (pool, client) = link_pool(&app, Some("links-escape")).await;
        app.idp.update_user_pool().user_pool_id(&pool)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .verification_message_template(VerificationMessageTemplateType::builder()
                .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                .email_message_by_link("Hi {username}, {##Confirm my email##}")
                .build())
            .send().await.unwrap();
        let evil = "<a/href=\"https://evil.example\">x</a>";
        sign_up_with_email(&app, &client, evil, "vic@example.com").await;
        let m = app.outbox(&pool).await.pop().unwrap();
        assert!(m.body.starts_with(
            "Hi &lt;a/href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;, <a href=\""), "{}", m.body);
        assert!(!m.body.contains("evil.example\">"), "no live anchor: {}", m.body);
        assert_eq!(m.html, Some(true));
        // The link itself still carries the username and a usable code.
        let href = m.body.split("<a href=\"").nth(1).unwrap().split('"').next().unwrap();
        assert!(href.contains("user_name=%3Ca%2Fhref%3D%22https%3A%2F%2Fevil.example%22%3Ex%3C%2Fa%3E"), "{href}");
        let code = href.split("confirmation_code=").nth(1).unwrap();
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{href}");
    }
}
