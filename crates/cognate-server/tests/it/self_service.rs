//! The access-token operations with the AWS SDK: GetUser, UpdateUserAttributes,
//! DeleteUserAttributes, attribute verification (including
//! AttributesRequireVerificationBeforeUpdate), ChangePassword, DeleteUser, and the
//! tokens they must refuse (revoked, disabled user, ID token, foreign, expired, forged).

use crate::helpers::TestApp;
use crate::sign_in::{Fixture, PASSWORD, create_user, fixture, password_sign_in};
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, ExplicitAuthFlowsType as F, MessageActionType,
    SchemaAttributeType, UserAttributeUpdateSettingsType, UsernameAttributeType,
    VerifiedAttributeType,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use std::collections::HashMap;

const NEW_PASSWORD: &str = "N3w-Passw0rd!";

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

fn as_map(attrs: &[AttributeType]) -> HashMap<String, String> {
    attrs
        .iter()
        .map(|a| {
            (
                a.name().to_owned(),
                a.value().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn access_token(app: &TestApp, f: &Fixture, user: &str, password: &str) -> String {
    let out = password_sign_in(app, f, user, password).await.unwrap();
    out.authentication_result()
        .unwrap()
        .access_token()
        .unwrap()
        .to_owned()
}

async fn get_user(app: &TestApp, token: &str) -> HashMap<String, String> {
    let out = app.idp.get_user().access_token(token).send().await.unwrap();
    as_map(out.user_attributes())
}

/// The `NotAuthorizedException` message GetUser answers for `token`.
async fn refused(app: &TestApp, token: &str) -> String {
    let err = app
        .idp
        .get_user()
        .access_token(token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    err.meta().message().unwrap_or_default().to_owned()
}

async fn update(
    app: &TestApp,
    token: &str,
    attrs: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::update_user_attributes::UpdateUserAttributesOutput,
    aws_sdk_cognitoidentityprovider::operation::update_user_attributes::UpdateUserAttributesError,
> {
    let mut req = app.idp.update_user_attributes().access_token(token);
    for (n, v) in attrs {
        req = req.user_attributes(attr(n, v));
    }
    req.send().await.map_err(|e| e.into_service_error())
}

async fn verify(
    app: &TestApp,
    token: &str,
    code: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::verify_user_attribute::VerifyUserAttributeOutput,
    aws_sdk_cognitoidentityprovider::operation::verify_user_attribute::VerifyUserAttributeError,
> {
    app.idp
        .verify_user_attribute()
        .access_token(token)
        .attribute_name("email")
        .code(code)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn change_password(
    app: &TestApp,
    token: &str,
    previous: &str,
    proposed: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::change_password::ChangePasswordOutput,
    aws_sdk_cognitoidentityprovider::operation::change_password::ChangePasswordError,
> {
    app.idp
        .change_password()
        .access_token(token)
        .previous_password(previous)
        .proposed_password(proposed)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

/// A pool that auto-verifies email, signs in with it as an alias (or as the username),
/// optionally holds changed emails until verified; with user `old@example.com`
/// (verified), called `alice` in the alias pool.
async fn email_pool(app: &TestApp, hold: bool, as_username: bool) -> Fixture {
    let mut b = app
        .idp
        .create_user_pool()
        .pool_name("self-service")
        .auto_verified_attributes(VerifiedAttributeType::Email);
    b = if as_username {
        b.username_attributes(UsernameAttributeType::Email)
    } else {
        b.alias_attributes(AliasAttributeType::Email)
    };
    if hold {
        b = b.user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        );
    }
    let pool = b.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let username = if as_username {
        "old@example.com"
    } else {
        "alice"
    };
    add_email_user(app, &pool, username, "old@example.com").await;
    Fixture { pool, client }
}

async fn add_email_user(app: &TestApp, pool: &str, username: &str, email: &str) {
    app.idp
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .user_attributes(attr("email", email))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    app.idp
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(username)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

/// A client of `f.pool` with the password flow and the given attribute lists.
async fn client_with(app: &TestApp, f: &Fixture, read: &[&str], write: &[&str]) -> Fixture {
    let mut b = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&f.pool)
        .client_name("limited")
        .explicit_auth_flows(F::AllowUserPasswordAuth);
    for r in read {
        b = b.read_attributes(*r);
    }
    for w in write {
        b = b.write_attributes(*w);
    }
    let client = b
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    Fixture {
        pool: f.pool.clone(),
        client,
    }
}

fn decode(part: &str) -> Value {
    serde_json::from_slice(&B64.decode(part).unwrap()).unwrap()
}

fn encode(v: &Value) -> String {
    B64.encode(serde_json::to_vec(v).unwrap())
}

fn hs256(key: &[u8], input: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

backend_tests! {
    async fn get_user_returns_the_signed_in_users_attributes(app) {
        let f = fixture(&app).await;
        app.idp.admin_update_user_attributes().user_pool_id(&f.pool).username("alice")
            .user_attributes(attr("name", "Alice")).user_attributes(attr("email", "alice@example.com"))
            .send().await.unwrap();
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let out = app.idp.get_user().access_token(&token).send().await.unwrap();
        assert_eq!(out.username(), "alice");
        let attrs = as_map(out.user_attributes());
        assert!(uuid::Uuid::parse_str(&attrs["sub"]).is_ok(), "{attrs:?}");
        assert_eq!(attrs["name"], "Alice");
        assert_eq!(attrs["email"], "alice@example.com");
        assert_eq!(out.user_attributes()[0].name(), "sub");
    }

    async fn read_attributes_limit_what_get_user_returns(app) {
        let f = fixture(&app).await;
        app.idp.admin_update_user_attributes().user_pool_id(&f.pool).username("alice")
            .user_attributes(attr("name", "Alice")).user_attributes(attr("email", "alice@example.com"))
            .send().await.unwrap();
        let limited = client_with(&app, &f, &["name"], &[]).await;
        let token = access_token(&app, &limited, "alice", PASSWORD).await;
        let attrs = get_user(&app, &token).await;
        let mut names: Vec<&str> = attrs.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["name", "sub"]);
    }

    async fn update_user_attributes_changes_the_name(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let out = update(&app, &token, &[("name", "Alice A."), ("custom:team", "")]).await;
        // custom:team does not exist in this pool.
        assert!(out.unwrap_err().is_invalid_parameter_exception());
        let out = update(&app, &token, &[("name", "Alice A.")]).await.unwrap();
        assert!(out.code_delivery_details_list().is_empty());
        assert_eq!(get_user(&app, &token).await["name"], "Alice A.");
        let admin = app.idp.admin_get_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        assert_eq!(as_map(admin.user_attributes())["name"], "Alice A.");
    }

    async fn a_changed_email_is_unverified_until_the_code_is_verified(app) {
        let f = email_pool(&app, false, false).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let out = update(&app, &token, &[("email", "new@example.com")]).await.unwrap();
        let d = &out.code_delivery_details_list()[0];
        assert_eq!(d.attribute_name(), Some("email"));
        assert_eq!(d.destination(), Some("n***@e***"));
        assert_eq!(d.delivery_medium().map(|m| m.as_str()), Some("EMAIL"));
        let attrs = get_user(&app, &token).await;
        assert_eq!(attrs["email"], "new@example.com");
        assert_eq!(attrs["email_verified"], "false");
        // An unverified alias does not sign in.
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_err());
        let code = app.last_code_to(&f.pool, "new@example.com").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let err = verify(&app, &token, wrong).await.unwrap_err();
        assert!(err.is_code_mismatch_exception(), "{err:?}");
        verify(&app, &token, &code).await.unwrap();
        assert_eq!(get_user(&app, &token).await["email_verified"], "true");
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_ok());
        // The code was single use.
        let err = verify(&app, &token, &code).await.unwrap_err();
        assert!(err.is_expired_code_exception() || err.is_code_mismatch_exception(), "{err:?}");
    }

    async fn a_held_email_alias_keeps_the_old_one_signing_in_until_verified(app) {
        let f = email_pool(&app, true, false).await;
        let token = access_token(&app, &f, "old@example.com", PASSWORD).await;
        let out = update(&app, &token, &[("email", "new@example.com")]).await.unwrap();
        assert_eq!(out.code_delivery_details_list()[0].destination(), Some("n***@e***"));
        let attrs = get_user(&app, &token).await;
        assert_eq!(attrs["email"], "old@example.com");
        assert_eq!(attrs["email_verified"], "true");
        // The waiting value is shown nowhere.
        let admin = app.idp.admin_get_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        assert!(!format!("{:?}", admin.user_attributes()).contains("new@example.com"));
        assert!(password_sign_in(&app, &f, "old@example.com", PASSWORD).await.is_ok());
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_err());
        // A fresh code can be asked for; it goes to the waiting address.
        let again = app.idp.get_user_attribute_verification_code().access_token(&token)
            .attribute_name("email").send().await.unwrap();
        assert_eq!(again.code_delivery_details().unwrap().destination(), Some("n***@e***"));
        let code = app.last_code_to(&f.pool, "new@example.com").await;
        verify(&app, &token, &code).await.unwrap();
        let attrs = get_user(&app, &token).await;
        assert_eq!(attrs["email"], "new@example.com");
        assert_eq!(attrs["email_verified"], "true");
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_ok());
        assert!(password_sign_in(&app, &f, "old@example.com", PASSWORD).await.is_err());
    }

    async fn a_held_email_username_keeps_the_old_one_signing_in_until_verified(app) {
        let f = email_pool(&app, true, true).await;
        let token = access_token(&app, &f, "old@example.com", PASSWORD).await;
        update(&app, &token, &[("email", "new@example.com")]).await.unwrap();
        assert_eq!(get_user(&app, &token).await["email"], "old@example.com");
        assert!(password_sign_in(&app, &f, "old@example.com", PASSWORD).await.is_ok());
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_err());
        let code = app.last_code_to(&f.pool, "new@example.com").await;
        verify(&app, &token, &code).await.unwrap();
        assert!(password_sign_in(&app, &f, "new@example.com", PASSWORD).await.is_ok());
        assert!(password_sign_in(&app, &f, "old@example.com", PASSWORD).await.is_err());
    }

    async fn verifying_an_email_another_user_signs_in_with_is_refused(app) {
        let f = email_pool(&app, false, false).await;
        add_email_user(&app, &f.pool, "bob", "taken@example.com").await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        update(&app, &token, &[("email", "taken@example.com")]).await.unwrap();
        let code = app.last_code_to(&f.pool, "taken@example.com").await;
        let err = verify(&app, &token, &code).await.unwrap_err();
        assert!(err.is_alias_exists_exception(), "{err:?}");
        assert_eq!(get_user(&app, &token).await["email_verified"], "false");
    }

    async fn a_code_verifies_only_the_address_it_was_sent_to(app) {
        // This pool does not auto-verify email, so changing it sends no new code.
        let f = fixture(&app).await;
        app.idp.admin_update_user_attributes().user_pool_id(&f.pool).username("alice")
            .user_attributes(attr("email", "alice@example.com")).send().await.unwrap();
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        app.idp.get_user_attribute_verification_code().access_token(&token).attribute_name("email").send().await.unwrap();
        let code = app.last_code_to(&f.pool, "alice@example.com").await;
        let out = update(&app, &token, &[("email", "victim@example.com")]).await.unwrap();
        assert!(out.code_delivery_details_list().is_empty());
        let err = verify(&app, &token, &code).await.unwrap_err();
        assert!(err.is_expired_code_exception() || err.is_code_mismatch_exception(), "{err:?}");
        assert_eq!(get_user(&app, &token).await["email_verified"], "false");
    }

    async fn clients_cannot_write_flags_sub_or_attributes_outside_write_attributes(app) {
        let f = fixture(&app).await;
        app.idp.add_custom_attributes().user_pool_id(&f.pool)
            .custom_attributes(SchemaAttributeType::builder().name("badge").mutable(false)
                .attribute_data_type(aws_sdk_cognitoidentityprovider::types::AttributeDataType::String).build())
            .send().await.unwrap();
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        for (name, value) in [("email_verified", "true"), ("phone_number_verified", "true"), ("sub", "x")] {
            let err = update(&app, &token, &[(name, value)]).await.unwrap_err();
            assert!(err.is_not_authorized_exception(), "{name}: {err:?}");
            assert_eq!(err.meta().message(), Some("A client attempted to write unauthorized attribute"));
        }
        let err = update(&app, &token, &[("custom:badge", "gold")]).await.unwrap_err();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let limited = client_with(&app, &f, &[], &["name"]).await;
        let token = access_token(&app, &limited, "alice", PASSWORD).await;
        let err = update(&app, &token, &[("email", "a@example.com")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        update(&app, &token, &[("name", "Alice")]).await.unwrap();
    }

    async fn delete_user_attributes_removes_them(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        update(&app, &token, &[("name", "Alice"), ("nickname", "Al")]).await.unwrap();
        app.idp.delete_user_attributes().access_token(&token).user_attribute_names("nickname").send().await.unwrap();
        let attrs = get_user(&app, &token).await;
        assert_eq!(attrs["name"], "Alice");
        assert!(!attrs.contains_key("nickname"));
        let err = app.idp.delete_user_attributes().access_token(&token).user_attribute_names("sub")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let err = app.idp.delete_user_attributes().access_token(&token).user_attribute_names("favourite_colour")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn verification_codes_need_a_value_and_are_limited_to_five_an_hour(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let ask = |name: &'static str| app.idp.get_user_attribute_verification_code().access_token(&token).attribute_name(name).send();
        let err = ask("email").await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = ask("name").await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        update(&app, &token, &[("email", "alice@example.com")]).await.unwrap();
        for _ in 0..5 {
            let out = ask("email").await.unwrap();
            assert_eq!(out.code_delivery_details().unwrap().destination(), Some("a***@e***"));
        }
        let err = ask("email").await.unwrap_err().into_service_error();
        assert!(err.is_limit_exceeded_exception(), "{err:?}");
        let code = app.last_code_to(&f.pool, "alice@example.com").await;
        verify(&app, &token, &code).await.unwrap();
        assert_eq!(get_user(&app, &token).await["email_verified"], "true");
        // The window is an hour.
        app.clock.advance_secs(3601);
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        app.idp.get_user_attribute_verification_code().access_token(&token).attribute_name("email")
            .send().await.unwrap();
    }

    async fn change_password_replaces_the_password(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let err = change_password(&app, &token, "Wr0ng-password!", NEW_PASSWORD).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.meta().message(), Some("Incorrect username or password."));
        let err = change_password(&app, &token, PASSWORD, "short").await.unwrap_err();
        assert!(err.is_invalid_password_exception(), "{err:?}");
        change_password(&app, &token, PASSWORD, NEW_PASSWORD).await.unwrap();
        assert!(password_sign_in(&app, &f, "alice", NEW_PASSWORD).await.is_ok());
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn wrong_previous_passwords_count_toward_lockout(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        for _ in 0..4 {
            let err = change_password(&app, &token, "Wr0ng-password!", NEW_PASSWORD).await.unwrap_err();
            assert!(err.is_not_authorized_exception(), "{err:?}");
        }
        // The fifth failure (a sign-in) locks the account.
        assert!(password_sign_in(&app, &f, "alice", "Wr0ng-password!").await.is_err());
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert_eq!(err.meta().message(), Some("Password attempts exceeded"));
    }

    async fn change_password_is_limited_to_five_an_hour(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let mut current = PASSWORD;
        for _ in 0..5 {
            let next = if current == PASSWORD { NEW_PASSWORD } else { PASSWORD };
            change_password(&app, &token, current, next).await.unwrap();
            current = next;
        }
        let next = if current == PASSWORD { NEW_PASSWORD } else { PASSWORD };
        let err = change_password(&app, &token, current, next).await.unwrap_err();
        assert!(err.is_limit_exceeded_exception(), "{err:?}");
    }

    async fn delete_user_removes_the_account(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        app.idp.delete_user().access_token(&token).send().await.unwrap();
        let err = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap_err();
        assert!(err.is_user_not_found_exception() || err.is_not_authorized_exception(), "{err:?}");
        refused(&app, &token).await;
    }

    async fn tokens_after_global_sign_out_or_disabling_are_revoked(app) {
        let f = fixture(&app).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        app.idp.global_sign_out().access_token(&token).send().await.unwrap();
        assert_eq!(refused(&app, &token).await, "Access Token has been revoked");
        app.clock.advance_secs(1);
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        get_user(&app, &token).await;
        app.idp.admin_disable_user().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        refused(&app, &token).await;
        let err = update(&app, &token, &[("name", "x")]).await.unwrap_err();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn id_tokens_foreign_and_expired_tokens_are_refused(app) {
        let f = fixture(&app).await;
        let out = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap();
        let r = out.authentication_result().unwrap();
        assert_eq!(refused(&app, r.id_token().unwrap()).await, "Invalid Access Token");
        // A token of another pool, relabelled as this pool's.
        let other = fixture(&app).await;
        let foreign = access_token(&app, &other, "alice", PASSWORD).await;
        let parts: Vec<&str> = foreign.split('.').collect();
        let mut claims = decode(parts[1]);
        claims["iss"] = json!(format!("{}/{}", app.url, f.pool));
        let relabelled = format!("{}.{}.{}", parts[0], encode(&claims), parts[2]);
        assert_eq!(refused(&app, &relabelled).await, "Invalid Access Token");
        // A token of a pool that no longer exists.
        app.idp.delete_user_pool().user_pool_id(&other.pool).send().await.unwrap();
        assert_eq!(refused(&app, &foreign).await, "Invalid Access Token");
        let token = r.access_token().unwrap();
        app.clock.advance_secs(2 * 3600);
        assert_eq!(refused(&app, token).await, "Access Token has expired");
    }

    async fn forged_and_tampered_tokens_are_refused(app) {
        let f = fixture(&app).await;
        create_user(&app, &f.pool, "bob", PASSWORD).await;
        let token = access_token(&app, &f, "alice", PASSWORD).await;
        let bob = access_token(&app, &f, "bob", PASSWORD).await;
        let parts: Vec<&str> = token.split('.').collect();
        let header = decode(parts[0]);
        let claims = decode(parts[1]);
        // alg: none, with and without an empty signature.
        let none = encode(&json!({"alg": "none", "kid": header["kid"], "typ": "JWT"}));
        for forged in [format!("{none}.{}.", parts[1]), format!("{none}.{}", parts[1])] {
            assert_eq!(refused(&app, &forged).await, "Invalid Access Token");
        }
        // HS256 keyed with the published public key (the algorithm-confusion attack).
        let jwks: Value = reqwest::get(format!("{}/{}/.well-known/jwks.json", app.url, f.pool))
            .await.unwrap().json().await.unwrap();
        let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == header["kid"]).unwrap().clone();
        let hs = encode(&json!({"alg": "HS256", "kid": header["kid"], "typ": "JWT"}));
        let input = format!("{hs}.{}", parts[1]);
        for key in [jwk.to_string().into_bytes(), B64.decode(jwk["n"].as_str().unwrap()).unwrap()] {
            let forged = format!("{input}.{}", hs256(&key, &input));
            assert_eq!(refused(&app, &forged).await, "Invalid Access Token");
        }
        // Alice's signature over a payload that names Bob.
        let mut tampered = claims.clone();
        tampered["sub"] = decode(bob.split('.').nth(1).unwrap())["sub"].clone();
        tampered["username"] = json!("bob");
        let forged = format!("{}.{}.{}", parts[0], encode(&tampered), parts[2]);
        assert_eq!(refused(&app, &forged).await, "Invalid Access Token");
        // The genuine token still works.
        assert_eq!(get_user(&app, &token).await["sub"], claims["sub"].as_str().unwrap());
    }
}
