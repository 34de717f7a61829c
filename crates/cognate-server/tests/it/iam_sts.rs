//! Roles and policies through the official IAM SDK, and STS with the official STS SDK:
//! the basic (classic) flow and GetCallerIdentity with temporary credentials.

use crate::helpers::{KEY_ID, SECRET, iam_client, identity_client, sts_client};
use crate::sign_in::{PASSWORD, fixture, password_sign_in};
use aws_sdk_cognitoidentity::types::CognitoIdentityProvider;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"POOL"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}"#;
const READ_OWN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/private/${cognito-identity.amazonaws.com:sub}/*"}]}"#;

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

backend_tests! {
    async fn roles_and_inline_policies_through_the_iam_sdk(app) {
        let iam = iam_client(&app.url);
        let role = iam.create_role().role_name("Reader").assume_role_policy_document(TRUST).send().await.unwrap().role.unwrap();
        assert_eq!(role.arn(), "arn:aws:iam::000000000000:role/Reader");
        assert!(role.role_id().starts_with("AROA"));
        let err = iam.create_role().role_name("Reader").assume_role_policy_document(TRUST).send().await.unwrap_err().into_service_error();
        assert!(err.is_entity_already_exists_exception(), "{err:?}");
        iam.put_role_policy().role_name("Reader").policy_name("own").policy_document(READ_OWN).send().await.unwrap();
        let got = iam.get_role_policy().role_name("Reader").policy_name("own").send().await.unwrap();
        assert_eq!(decode(got.policy_document()), READ_OWN);
        let names = iam.list_role_policies().role_name("Reader").send().await.unwrap();
        assert_eq!(names.policy_names(), ["own"]);
        let err = iam.put_role_policy().role_name("Reader").policy_name("bad").policy_document(r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}"#)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_malformed_policy_document_exception(), "{err:?}");
        let err = iam.get_role().role_name("Nobody").send().await.unwrap_err().into_service_error();
        assert!(err.is_no_such_entity_exception(), "{err:?}");
        let sim = iam.simulate_principal_policy().policy_source_arn(role.arn()).action_names("s3:GetObject")
            .resource_arns("arn:aws:s3:::data/private/us-east-1:abc/file")
            .context_entries(aws_sdk_iam::types::ContextEntry::builder().context_key_name("cognito-identity.amazonaws.com:sub")
                .context_key_values("us-east-1:abc").context_key_type(aws_sdk_iam::types::ContextKeyTypeEnum::String).build())
            .send().await.unwrap();
        assert_eq!(sim.evaluation_results()[0].eval_decision().as_str(), "allowed");
        let roles = iam.list_roles().send().await.unwrap();
        assert_eq!(roles.roles().len(), 1);
        iam.delete_role_policy().role_name("Reader").policy_name("own").send().await.unwrap();
        iam.delete_role().role_name("Reader").send().await.unwrap();
        // Unsigned or wrongly signed IAM calls are refused.
        let bad = aws_sdk_iam::Client::from_conf(aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest()).region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_iam::config::Credentials::new(KEY_ID, "wrong", None, None, "t")).endpoint_url(&app.url).build());
        assert!(bad.list_roles().send().await.is_err());
    }

    async fn basic_flow_assumes_a_role_whose_trust_policy_matches(app) {
        let f = fixture(&app).await;
        let ci = identity_client(&app.url);
        let pool = ci.create_identity_pool().identity_pool_name("basic").allow_unauthenticated_identities(false).allow_classic_flow(true)
            .cognito_identity_providers(CognitoIdentityProvider::builder().provider_name(format!("cognito-idp.us-east-1.amazonaws.com/{}", f.pool)).client_id(&f.client).build())
            .send().await.unwrap().identity_pool_id().to_owned();
        let iam = iam_client(&app.url);
        let role = iam.create_role().role_name("Basic").assume_role_policy_document(TRUST.replace("POOL", &pool)).send().await.unwrap().role.unwrap();
        let other = iam.create_role().role_name("OtherPool").assume_role_policy_document(TRUST.replace("POOL", "us-east-1:00000000-0000-0000-0000-000000000000")).send().await.unwrap().role.unwrap();
        let token = password_sign_in(&app, &f, "alice", PASSWORD).await.unwrap().authentication_result().unwrap().id_token().unwrap().to_owned();
        let key = format!("cognito-idp.us-east-1.amazonaws.com/{}", f.pool);
        let id = ci.get_id().identity_pool_id(&pool).logins(&key, &token).send().await.unwrap().identity_id().unwrap().to_owned();
        let oidc = ci.get_open_id_token().identity_id(&id).logins(&key, &token).send().await.unwrap().token().unwrap().to_owned();
        let anon = sts_client(&app.url, "AKIAUNUSED0000000000", "unused", None);
        let assumed = anon.assume_role_with_web_identity().role_arn(role.arn()).role_session_name("app").web_identity_token(&oidc).send().await.unwrap();
        let creds = assumed.credentials().unwrap();
        assert!(creds.access_key_id().starts_with("ASIA"));
        assert_eq!(assumed.subject_from_web_identity_token(), Some(id.as_str()));
        assert_eq!(assumed.assumed_role_user().unwrap().arn(), "arn:aws:sts::000000000000:assumed-role/Basic/app");
        // The trust policy of a role for another pool refuses the token.
        let err = anon.assume_role_with_web_identity().role_arn(other.arn()).role_session_name("app").web_identity_token(&oidc).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().code(), Some("AccessDenied"), "{err:?}");
        // A tampered token is refused.
        let mut bad = oidc.clone();
        bad.pop();
        let err = anon.assume_role_with_web_identity().role_arn(role.arn()).role_session_name("app").web_identity_token(bad).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_identity_token_exception(), "{err:?}");
        // GetCallerIdentity signed with the temporary credentials names the assumed role.
        let me = sts_client(&app.url, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token().to_owned()));
        let who = me.get_caller_identity().send().await.unwrap();
        assert_eq!(who.arn(), Some("arn:aws:sts::000000000000:assumed-role/Basic/app"));
        // A forged session token is refused.
        let forged = sts_client(&app.url, creds.access_key_id(), creds.secret_access_key(), Some("forged".into()));
        assert!(forged.get_caller_identity().send().await.is_err());
        // Expired credentials are refused.
        app.clock.advance_secs(3601);
        assert!(me.get_caller_identity().send().await.is_err());
        let admin = sts_client(&app.url, KEY_ID, SECRET, None);
        let _ = admin;
    }
}
