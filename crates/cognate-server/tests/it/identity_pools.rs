//! Identity pools with the official cognito-identity SDK: management, guests, signed-in
//! users exchanging user-pool ID tokens for credentials, role mappings, and the
//! refusals Cognito gives.

use crate::helpers::{TestApp, identity_client};
use crate::sign_in::{Fixture, PASSWORD, fixture, password_sign_in};
use aws_sdk_cognitoidentity::types::{
    AmbiguousRoleResolutionType, CognitoIdentityProvider, MappingRule, MappingRuleMatchType,
    RoleMapping, RoleMappingType, RulesConfigurationType,
};

const AUTH_ROLE: &str = "arn:aws:iam::000000000000:role/Cognito_AuthRole";
const GUEST_ROLE: &str = "arn:aws:iam::000000000000:role/Cognito_GuestRole";

async fn id_token(app: &TestApp, f: &Fixture) -> String {
    password_sign_in(app, f, "alice", PASSWORD)
        .await
        .unwrap()
        .authentication_result()
        .unwrap()
        .id_token()
        .unwrap()
        .to_owned()
}

async fn identity_pool(
    app: &TestApp,
    f: &Fixture,
    guests: bool,
    server_side_check: bool,
) -> String {
    let ci = identity_client(&app.url);
    let pool = ci
        .create_identity_pool()
        .identity_pool_name("scenario")
        .allow_unauthenticated_identities(guests)
        .cognito_identity_providers(
            CognitoIdentityProvider::builder()
                .provider_name(format!("cognito-idp.us-east-1.amazonaws.com/{}", f.pool))
                .client_id(&f.client)
                .server_side_token_check(server_side_check)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = pool.identity_pool_id().to_owned();
    ci.set_identity_pool_roles()
        .identity_pool_id(&id)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", GUEST_ROLE)
        .send()
        .await
        .unwrap();
    id
}

fn provider_key(app: &TestApp, f: &Fixture) -> String {
    // Amplify's key: the ID token's issuer without the scheme.
    format!("{}/{}", app.url.trim_start_matches("http://"), f.pool)
}

backend_tests! {
    async fn identity_pool_management_round_trips(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let id = identity_pool(&app, &f, true, false).await;
        assert!(id.starts_with("us-east-1:"));
        let described = ci.describe_identity_pool().identity_pool_id(&id).send().await.unwrap();
        assert_eq!(described.identity_pool_name(), "scenario");
        assert!(described.allow_unauthenticated_identities());
        let roles = ci.get_identity_pool_roles().identity_pool_id(&id).send().await.unwrap();
        assert_eq!(roles.roles().unwrap()["authenticated"], AUTH_ROLE);
        let listed = ci.list_identity_pools().max_results(10).send().await.unwrap();
        assert_eq!(listed.identity_pools().len(), 1);
        ci.delete_identity_pool().identity_pool_id(&id).send().await.unwrap();
        let err = ci.describe_identity_pool().identity_pool_id(&id).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn guests_and_signed_in_users_get_credentials_for_their_roles(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = identity_pool(&app, &f, true, false).await;
        // Guest.
        let guest = ci.get_id().identity_pool_id(&pool).send().await.unwrap().identity_id().unwrap().to_owned();
        let creds = ci.get_credentials_for_identity().identity_id(&guest).send().await.unwrap();
        let c = creds.credentials().unwrap();
        assert!(c.access_key_id().unwrap().starts_with("ASIA") && c.access_key_id().unwrap().len() == 20);
        assert_eq!(c.secret_key().unwrap().len(), 40);
        let exp = c.expiration().unwrap().secs();
        assert!((exp - app.clock_now_secs() - 3600).abs() <= 1);
        assert_eq!(app.core.store().get_credentials(c.access_key_id().unwrap()).await.unwrap().unwrap().role_arn, GUEST_ROLE);
        // Signed in, with Amplify's provider key; the guest identity becomes this user's.
        let token = id_token(&app, &f).await;
        let signed = ci.get_credentials_for_identity().identity_id(&guest).logins(provider_key(&app, &f), &token).send().await.unwrap();
        assert_eq!(signed.identity_id(), Some(guest.as_str()));
        let key = signed.credentials().unwrap().access_key_id().unwrap().to_owned();
        assert_eq!(app.core.store().get_credentials(&key).await.unwrap().unwrap().role_arn, AUTH_ROLE);
        // The AWS-style provider key finds the same identity.
        let again = ci.get_id().identity_pool_id(&pool).logins(format!("cognito-idp.us-east-1.amazonaws.com/{}", f.pool), &token).send().await.unwrap();
        assert_eq!(again.identity_id(), Some(guest.as_str()));
        // Without logins, a signed-in identity is refused.
        let err = ci.get_credentials_for_identity().identity_id(&guest).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn guests_are_refused_when_the_pool_disallows_them(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = identity_pool(&app, &f, false, false).await;
        let err = ci.get_id().identity_pool_id(&pool).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Unauthenticated access is not supported for this identity pool."));
    }

    async fn tokens_of_other_pools_or_clients_are_refused(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = identity_pool(&app, &f, true, false).await;
        let other = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("other")
            .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .send().await.unwrap().user_pool_client.unwrap().client_id.unwrap();
        let g = Fixture { pool: f.pool.clone(), client: other };
        let foreign = id_token(&app, &g).await;
        let err = ci.get_id().identity_pool_id(&pool).logins(provider_key(&app, &f), &foreign).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let err = ci.get_id().identity_pool_id(&pool).logins("accounts.google.com", "x.y.z").send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().message(), Some("Token is not from a supported provider of this identity pool."));
        let access = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap().authentication_result().unwrap().access_token().unwrap().to_owned();
        let err = ci.get_id().identity_pool_id(&pool).logins(provider_key(&app, &f), &access).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn server_side_token_check_refuses_signed_out_users(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = identity_pool(&app, &f, false, true).await;
        let token = id_token(&app, &f).await;
        assert!(ci.get_id().identity_pool_id(&pool).logins(provider_key(&app, &f), &token).send().await.is_ok());
        app.idp.admin_user_global_sign_out().user_pool_id(&f.pool).username("alice").send().await.unwrap();
        let err = ci.get_id().identity_pool_id(&pool).logins(provider_key(&app, &f), &token).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn rules_mapping_picks_the_first_matching_role_and_custom_roles_are_checked(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = identity_pool(&app, &f, true, false).await;
        let admin_role = "arn:aws:iam::000000000000:role/Admins";
        let mapping_key = format!("cognito-idp.us-east-1.amazonaws.com/{}:{}", f.pool, f.client);
        ci.set_identity_pool_roles().identity_pool_id(&pool).roles("authenticated", AUTH_ROLE).roles("unauthenticated", GUEST_ROLE)
            .role_mappings(&mapping_key, RoleMapping::builder().r#type(RoleMappingType::Rules).ambiguous_role_resolution(AmbiguousRoleResolutionType::Deny)
                .rules_configuration(RulesConfigurationType::builder().rules(MappingRule::builder().claim("cognito:username").match_type(MappingRuleMatchType::Equals).value("alice").role_arn(admin_role).build().unwrap()).build().unwrap())
                .build().unwrap())
            .send().await.unwrap();
        let token = id_token(&app, &f).await;
        let id = ci.get_id().identity_pool_id(&pool).logins(provider_key(&app, &f), &token).send().await.unwrap().identity_id().unwrap().to_owned();
        let creds = ci.get_credentials_for_identity().identity_id(&id).logins(provider_key(&app, &f), &token).send().await.unwrap();
        let key = creds.credentials().unwrap().access_key_id().unwrap().to_owned();
        assert_eq!(app.core.store().get_credentials(&key).await.unwrap().unwrap().role_arn, admin_role);
        let err = ci.get_credentials_for_identity().identity_id(&id).logins(provider_key(&app, &f), &token).custom_role_arn(GUEST_ROLE).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        // A guest cannot ask for the authenticated role.
        let guest = ci.get_id().identity_pool_id(&pool).send().await.unwrap().identity_id().unwrap().to_owned();
        let err = ci.get_credentials_for_identity().identity_id(&guest).custom_role_arn(AUTH_ROLE).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
    }

    async fn developer_identities_and_the_basic_flow_token(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = ci.create_identity_pool().identity_pool_name("dev").allow_unauthenticated_identities(false)
            .allow_classic_flow(true).developer_provider_name("login.example").send().await.unwrap().identity_pool_id().to_owned();
        ci.set_identity_pool_roles().identity_pool_id(&pool).roles("authenticated", AUTH_ROLE).send().await.unwrap();
        let out = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "user-42").send().await.unwrap();
        let (id, token) = (out.identity_id().unwrap().to_owned(), out.token().unwrap().to_owned());
        let again = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "user-42").send().await.unwrap();
        assert_eq!(again.identity_id(), Some(id.as_str()));
        let creds = ci.get_credentials_for_identity().identity_id(&id).logins("cognito-identity.amazonaws.com", &token).send().await.unwrap();
        assert_eq!(creds.identity_id(), Some(id.as_str()));
        let key = creds.credentials().unwrap().access_key_id().unwrap().to_owned();
        let record = app.core.store().get_credentials(&key).await.unwrap().unwrap();
        assert_eq!(record.identity_id.as_deref(), Some(id.as_str()));
        assert_eq!(record.role_arn, AUTH_ROLE);
        // The token speaks only for its own identity.
        let other = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "user-43").send().await.unwrap();
        let err = ci.get_credentials_for_identity().identity_id(other.identity_id().unwrap()).logins("cognito-identity.amazonaws.com", &token).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        let jwks: serde_json::Value = reqwest::get(format!("{}/identity/.well-known/jwks.json", app.url)).await.unwrap().json().await.unwrap();
        let claims = cognate_core::token::verify_rs512(&token, jwks["keys"].as_array().unwrap(), app.clock_now_secs()).unwrap();
        assert_eq!(claims["aud"], pool.as_str());
        assert_eq!(claims["sub"], id.as_str());
        assert_eq!(claims["amr"][0], "authenticated");
        let _ = f;
    }

    async fn developer_lookup_unlink_and_tags(app) {
        let ci = identity_client(&app.url);
        let pool = ci.create_identity_pool().identity_pool_name("dev").allow_unauthenticated_identities(false)
            .developer_provider_name("login.example").send().await.unwrap().identity_pool_id().to_owned();
        let out = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "user-7").send().await.unwrap();
        let id = out.identity_id().unwrap().to_owned();
        let found = ci.lookup_developer_identity().identity_pool_id(&pool).developer_user_identifier("user-7").send().await.unwrap();
        assert_eq!(found.identity_id(), Some(id.as_str()));
        assert_eq!(found.developer_user_identifier_list(), ["user-7"]);
        ci.unlink_developer_identity().identity_pool_id(&pool).identity_id(&id).developer_provider_name("login.example")
            .developer_user_identifier("user-7").send().await.unwrap();
        let err = ci.lookup_developer_identity().identity_pool_id(&pool).developer_user_identifier("user-7").send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let arn = format!("arn:aws:cognito-identity:us-east-1:000000000000:identitypool/{pool}");
        ci.tag_resource().resource_arn(&arn).tags("team", "blue").send().await.unwrap();
        assert_eq!(ci.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags().unwrap()["team"], "blue");
        ci.untag_resource().resource_arn(&arn).tag_keys("team").send().await.unwrap();
        assert!(ci.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags().unwrap().is_empty());
        let described = ci.describe_identity().identity_id(&id).send().await.unwrap();
        assert!(described.logins().is_empty());
        let listed = ci.list_identities().identity_pool_id(&pool).max_results(10).send().await.unwrap();
        assert_eq!(listed.identities().len(), 1);
        ci.delete_identities().identity_ids_to_delete(&id).send().await.unwrap();
        assert!(ci.describe_identity().identity_id(&id).send().await.is_err());
    }

    async fn a_guest_token_cannot_buy_the_authenticated_role_or_another_identity(app) {
        let ci = identity_client(&app.url);
        let pool = ci.create_identity_pool().identity_pool_name("g").allow_unauthenticated_identities(true).allow_classic_flow(true)
            .send().await.unwrap().identity_pool_id().to_owned();
        ci.set_identity_pool_roles().identity_pool_id(&pool).roles("authenticated", AUTH_ROLE).roles("unauthenticated", GUEST_ROLE).send().await.unwrap();
        let guest = ci.get_id().identity_pool_id(&pool).send().await.unwrap().identity_id().unwrap().to_owned();
        let victim = ci.get_id().identity_pool_id(&pool).send().await.unwrap().identity_id().unwrap().to_owned();
        let token = ci.get_open_id_token().identity_id(&guest).send().await.unwrap().token().unwrap().to_owned();
        let creds = ci.get_credentials_for_identity().identity_id(&guest).logins("cognito-identity.amazonaws.com", &token).send().await.unwrap();
        let key = creds.credentials().unwrap().access_key_id().unwrap().to_owned();
        assert_eq!(app.core.store().get_credentials(&key).await.unwrap().unwrap().role_arn, GUEST_ROLE);
        let err = ci.get_credentials_for_identity().identity_id(&victim).logins("cognito-identity.amazonaws.com", &token).send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        // The victim's guest identity still works for its owner.
        assert!(ci.get_credentials_for_identity().identity_id(&victim).send().await.is_ok());
    }

    async fn merging_developer_identities_keeps_the_destination(app) {
        let ci = identity_client(&app.url);
        let pool = ci.create_identity_pool().identity_pool_name("m").allow_unauthenticated_identities(false)
            .developer_provider_name("login.example").send().await.unwrap().identity_pool_id().to_owned();
        let a = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "a").send().await.unwrap();
        let b = ci.get_open_id_token_for_developer_identity().identity_pool_id(&pool).logins("login.example", "b").send().await.unwrap();
        let merged = ci.merge_developer_identities().identity_pool_id(&pool).developer_provider_name("login.example")
            .source_user_identifier("a").destination_user_identifier("b").send().await.unwrap();
        assert_eq!(merged.identity_id(), b.identity_id());
        let found = ci.lookup_developer_identity().identity_pool_id(&pool).developer_user_identifier("a").send().await.unwrap();
        assert_eq!(found.identity_id(), b.identity_id());
        assert!(ci.describe_identity().identity_id(a.identity_id().unwrap()).send().await.is_err());
    }
}
