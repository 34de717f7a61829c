//! User-pool management through the official SDK: Cognito's defaults on create, a
//! DescribeUserPool that echoes every setting, replace-style updates, deletion
//! protection, paging, custom attributes, tags and the validation errors IaC tools hit.

use aws_sdk_cognitoidentityprovider::types::{
    AccountRecoverySettingType, AdminCreateUserConfigType, AdvancedSecurityModeType,
    AliasAttributeType, AttributeDataType, DefaultEmailOptionType, DeletionProtectionType,
    DeviceConfigurationType, EmailConfigurationType, EmailSendingAccountType, LambdaConfigType,
    MessageTemplateType, NumberAttributeConstraintsType, PasswordPolicyType,
    RecoveryOptionNameType, RecoveryOptionType, SchemaAttributeType,
    StringAttributeConstraintsType, UserAttributeUpdateSettingsType, UserPoolAddOnsType,
    UserPoolMfaType, UserPoolPolicyType, UserPoolTierType, UserPoolType, UsernameAttributeType,
    UsernameConfigurationType, VerificationMessageTemplateType, VerifiedAttributeType,
};
use cognate_core::clock::Clock;
use std::collections::{BTreeSet, HashMap};

const UPDATE_POOL: &str = "AWSCognitoIdentityProviderService.UpdateUserPool";

const STANDARD_ATTRIBUTES: &[&str] = &[
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
    "identities",
];

async fn describe(app: &crate::helpers::TestApp, id: &str) -> UserPoolType {
    app.idp
        .describe_user_pool()
        .user_pool_id(id)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
}

fn attr<'a>(pool: &'a UserPoolType, name: &str) -> &'a SchemaAttributeType {
    pool.schema_attributes()
        .iter()
        .find(|a| a.name() == Some(name))
        .unwrap_or_else(|| panic!("schema has no {name}: {:?}", pool.schema_attributes()))
}

fn password_policy(pool: &UserPoolType) -> &PasswordPolicyType {
    pool.policies().unwrap().password_policy().unwrap()
}

fn recovery(name: RecoveryOptionNameType, priority: i32) -> RecoveryOptionType {
    RecoveryOptionType::builder()
        .name(name)
        .priority(priority)
        .build()
        .unwrap()
}

fn invite_template() -> MessageTemplateType {
    MessageTemplateType::builder()
        .sms_message("Hi {username}, your code is {####}")
        .email_message("Welcome {username}! Temporary password: {####}")
        .email_subject("Welcome aboard")
        .build()
}

/// Sends a CreateUserPool that the server must refuse with InvalidParameterException,
/// and returns the message.
async fn create_fails(
    req: aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder,
) -> String {
    let err = req.send().await.unwrap_err().into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    err.meta().message().unwrap_or_default().to_owned()
}

backend_tests! {
    async fn create_user_pool_fills_cognito_defaults(app) {
        let now = app.clock.now_millis().div_euclid(1000);
        let created = app
            .idp
            .create_user_pool()
            .pool_name("defaults")
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap();
        let id = created.id().unwrap().to_owned();
        let (region, suffix) = id.split_once('_').unwrap();
        assert_eq!(region, "us-east-1");
        assert_eq!(suffix.len(), 9, "{id}");
        assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        assert_eq!(
            created.arn(),
            Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}").as_str())
        );

        let pool = describe(&app, &id).await;
        assert_eq!(pool.id(), Some(id.as_str()));
        assert_eq!(pool.name(), Some("defaults"));
        assert_eq!(pool.arn(), created.arn());
        assert_eq!(pool.creation_date().unwrap().secs(), now);
        assert_eq!(pool.last_modified_date().unwrap().secs(), now);
        assert_eq!(pool.estimated_number_of_users(), 0);

        let pp = password_policy(&pool);
        assert_eq!(pp.minimum_length(), Some(8));
        assert!(pp.require_uppercase());
        assert!(pp.require_lowercase());
        assert!(pp.require_numbers());
        assert!(pp.require_symbols());
        assert_eq!(pp.temporary_password_validity_days(), 7);

        let names: BTreeSet<&str> = pool.schema_attributes().iter().filter_map(|a| a.name()).collect();
        for name in STANDARD_ATTRIBUTES {
            assert!(names.contains(name), "missing standard attribute {name}: {names:?}");
        }
        assert!(!names.iter().any(|n| n.starts_with("custom:")), "{names:?}");
        let sub = attr(&pool, "sub");
        assert_eq!(sub.required(), Some(true));
        assert_eq!(sub.mutable(), Some(false));
        assert_eq!(sub.attribute_data_type(), Some(&AttributeDataType::String));
        let email = attr(&pool, "email");
        assert_eq!(email.required(), Some(false));
        assert_eq!(email.mutable(), Some(true));
        assert_eq!(
            attr(&pool, "email_verified").attribute_data_type(),
            Some(&AttributeDataType::Boolean)
        );
        assert_eq!(
            attr(&pool, "updated_at").attribute_data_type(),
            Some(&AttributeDataType::Number)
        );

        assert_eq!(
            pool.verification_message_template().unwrap().default_email_option(),
            Some(&DefaultEmailOptionType::ConfirmWithCode)
        );
        assert_eq!(pool.mfa_configuration(), Some(&UserPoolMfaType::Off));
        assert_eq!(pool.deletion_protection(), Some(&DeletionProtectionType::Inactive));
        assert_eq!(pool.user_pool_tier(), Some(&UserPoolTierType::Essentials));
        let acu = pool.admin_create_user_config().unwrap();
        assert!(!acu.allow_admin_create_user_only());
        assert_eq!(acu.unused_account_validity_days(), 7);
        assert_eq!(
            pool.email_configuration().unwrap().email_sending_account(),
            Some(&EmailSendingAccountType::CognitoDefault)
        );
        assert!(pool.alias_attributes().is_empty());
        assert!(pool.username_attributes().is_empty());
        assert!(pool.user_pool_tags().is_none_or(HashMap::is_empty));
    }

    async fn create_user_pool_reports_timestamps_as_epoch_second_numbers(app) {
        let resp = app
            .signed_raw("AWSCognitoIdentityProviderService.CreateUserPool", r#"{"PoolName":"raw"}"#)
            .await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = resp.json().await.unwrap();
        let pool = &body["UserPool"];
        assert!(pool["CreationDate"].is_number(), "{body}");
        assert!(pool["LastModifiedDate"].is_number(), "{body}");
        assert!(
            !body.to_string().contains("null"),
            "absent members are omitted rather than null: {body}"
        );
    }

    async fn create_user_pool_adds_custom_attributes_and_required_standard_attributes(app) {
        let id = app
            .idp
            .create_user_pool()
            .pool_name("schema")
            .schema(
                SchemaAttributeType::builder()
                    .name("email")
                    .attribute_data_type(AttributeDataType::String)
                    .required(true)
                    .mutable(true)
                    .build(),
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("team")
                    .attribute_data_type(AttributeDataType::String)
                    .mutable(true)
                    .string_attribute_constraints(
                        StringAttributeConstraintsType::builder()
                            .min_length("1")
                            .max_length("32")
                            .build(),
                    )
                    .build(),
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("level")
                    .attribute_data_type(AttributeDataType::Number)
                    .mutable(false)
                    .number_attribute_constraints(
                        NumberAttributeConstraintsType::builder()
                            .min_value("0")
                            .max_value("10")
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let pool = describe(&app, &id).await;
        assert_eq!(attr(&pool, "email").required(), Some(true));
        assert_eq!(attr(&pool, "name").required(), Some(false));
        let team = attr(&pool, "custom:team");
        assert_eq!(team.attribute_data_type(), Some(&AttributeDataType::String));
        assert_eq!(team.mutable(), Some(true));
        assert_eq!(team.required(), Some(false));
        let c = team.string_attribute_constraints().unwrap();
        assert_eq!((c.min_length(), c.max_length()), (Some("1"), Some("32")));
        let level = attr(&pool, "custom:level");
        assert_eq!(level.attribute_data_type(), Some(&AttributeDataType::Number));
        assert_eq!(level.mutable(), Some(false));
        let c = level.number_attribute_constraints().unwrap();
        assert_eq!((c.min_value(), c.max_value()), (Some("0"), Some("10")));
        assert!(pool.schema_attributes().iter().all(|a| a.name() != Some("team")));
    }

    async fn create_user_pool_refuses_a_required_custom_attribute(app) {
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").schema(
                SchemaAttributeType::builder()
                    .name("team")
                    .attribute_data_type(AttributeDataType::String)
                    .required(true)
                    .build(),
            ),
        )
        .await;
        assert!(msg.to_lowercase().contains("required"), "{msg}");
    }

    async fn describe_user_pool_echoes_every_setting_sent(app) {
        let lambda = LambdaConfigType::builder()
            .pre_sign_up("arn:aws:lambda:us-east-1:000000000000:function:pre-sign-up")
            .post_confirmation("arn:aws:lambda:us-east-1:000000000000:function:post-confirm")
            .build();
        let id = app
            .idp
            .create_user_pool()
            .pool_name("everything")
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder()
                            .minimum_length(12)
                            .require_uppercase(false)
                            .require_lowercase(true)
                            .require_numbers(false)
                            .require_symbols(true)
                            .temporary_password_validity_days(3)
                            .build(),
                    )
                    .build(),
            )
            .deletion_protection(DeletionProtectionType::Active)
            .lambda_config(lambda.clone())
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .alias_attributes(AliasAttributeType::Email)
            .alias_attributes(AliasAttributeType::PreferredUsername)
            .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
            .verification_message_template(
                VerificationMessageTemplateType::builder()
                    .sms_message("Your code is {####}")
                    .email_message("Your verification code is {####}.")
                    .email_subject("Verify your email")
                    .email_message_by_link("Click {##here##} to verify.")
                    .email_subject_by_link("Verify by link")
                    .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                    .build(),
            )
            .sms_authentication_message("Sign-in code {####}")
            .mfa_configuration(UserPoolMfaType::Optional)
            .user_attribute_update_settings(
                UserAttributeUpdateSettingsType::builder()
                    .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                    .build(),
            )
            .device_configuration(
                DeviceConfigurationType::builder()
                    .challenge_required_on_new_device(true)
                    .device_only_remembered_on_user_prompt(true)
                    .build(),
            )
            .email_configuration(
                EmailConfigurationType::builder()
                    .email_sending_account(EmailSendingAccountType::Developer)
                    .source_arn("arn:aws:ses:us-east-1:000000000000:identity/example.com")
                    .from("Example <no-reply@example.com>")
                    .reply_to_email_address("support@example.com")
                    .build(),
            )
            .user_pool_tags("team", "identity")
            .user_pool_tags("env", "test")
            .admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .allow_admin_create_user_only(true)
                    .invite_message_template(invite_template())
                    .build(),
            )
            .user_pool_add_ons(
                UserPoolAddOnsType::builder()
                    .advanced_security_mode(AdvancedSecurityModeType::Audit)
                    .build()
                    .unwrap(),
            )
            .account_recovery_setting(
                AccountRecoverySettingType::builder()
                    .recovery_mechanisms(recovery(RecoveryOptionNameType::VerifiedEmail, 1))
                    .recovery_mechanisms(recovery(RecoveryOptionNameType::VerifiedPhoneNumber, 2))
                    .build(),
            )
            .user_pool_tier(UserPoolTierType::Plus)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();

        let pool = describe(&app, &id).await;
        let pp = password_policy(&pool);
        assert_eq!(pp.minimum_length(), Some(12));
        assert!(!pp.require_uppercase());
        assert!(pp.require_lowercase());
        assert!(!pp.require_numbers());
        assert!(pp.require_symbols());
        assert_eq!(pp.temporary_password_validity_days(), 3);
        assert_eq!(pool.deletion_protection(), Some(&DeletionProtectionType::Active));
        assert_eq!(pool.lambda_config(), Some(&lambda));
        assert_eq!(pool.auto_verified_attributes(), &[VerifiedAttributeType::Email]);
        assert_eq!(
            pool.alias_attributes(),
            &[AliasAttributeType::Email, AliasAttributeType::PreferredUsername]
        );
        assert!(!pool.username_configuration().unwrap().case_sensitive());
        let vmt = pool.verification_message_template().unwrap();
        assert_eq!(vmt.sms_message(), Some("Your code is {####}"));
        assert_eq!(vmt.email_message(), Some("Your verification code is {####}."));
        assert_eq!(vmt.email_subject(), Some("Verify your email"));
        assert_eq!(vmt.email_message_by_link(), Some("Click {##here##} to verify."));
        assert_eq!(vmt.email_subject_by_link(), Some("Verify by link"));
        assert_eq!(vmt.default_email_option(), Some(&DefaultEmailOptionType::ConfirmWithLink));
        assert_eq!(pool.sms_authentication_message(), Some("Sign-in code {####}"));
        assert_eq!(pool.mfa_configuration(), Some(&UserPoolMfaType::Optional));
        assert_eq!(
            pool.user_attribute_update_settings()
                .unwrap()
                .attributes_require_verification_before_update(),
            &[VerifiedAttributeType::Email]
        );
        let dc = pool.device_configuration().unwrap();
        assert!(dc.challenge_required_on_new_device());
        assert!(dc.device_only_remembered_on_user_prompt());
        let ec = pool.email_configuration().unwrap();
        assert_eq!(ec.email_sending_account(), Some(&EmailSendingAccountType::Developer));
        assert_eq!(ec.source_arn(), Some("arn:aws:ses:us-east-1:000000000000:identity/example.com"));
        assert_eq!(ec.from(), Some("Example <no-reply@example.com>"));
        assert_eq!(ec.reply_to_email_address(), Some("support@example.com"));
        let tags = pool.user_pool_tags().unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags.get("team").map(String::as_str), Some("identity"));
        assert_eq!(tags.get("env").map(String::as_str), Some("test"));
        let acu = pool.admin_create_user_config().unwrap();
        assert!(acu.allow_admin_create_user_only());
        assert_eq!(acu.invite_message_template(), Some(&invite_template()));
        assert_eq!(
            pool.user_pool_add_ons().unwrap().advanced_security_mode(),
            &AdvancedSecurityModeType::Audit
        );
        let mechanisms = pool.account_recovery_setting().unwrap().recovery_mechanisms();
        assert_eq!(
            mechanisms,
            &[
                recovery(RecoveryOptionNameType::VerifiedEmail, 1),
                recovery(RecoveryOptionNameType::VerifiedPhoneNumber, 2),
            ]
        );
        assert_eq!(pool.user_pool_tier(), Some(&UserPoolTierType::Plus));
    }

    async fn create_user_pool_with_username_attributes_reports_them(app) {
        let id = app
            .idp
            .create_user_pool()
            .pool_name("email-as-username")
            .username_attributes(UsernameAttributeType::Email)
            .username_attributes(UsernameAttributeType::PhoneNumber)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let pool = describe(&app, &id).await;
        assert_eq!(
            pool.username_attributes(),
            &[UsernameAttributeType::Email, UsernameAttributeType::PhoneNumber]
        );
        assert!(pool.alias_attributes().is_empty());
    }

    async fn update_user_pool_resets_omitted_settings_to_defaults(app) {
        let id = app
            .idp
            .create_user_pool()
            .pool_name("replace")
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(PasswordPolicyType::builder().minimum_length(14).build())
                    .build(),
            )
            .mfa_configuration(UserPoolMfaType::Optional)
            .deletion_protection(DeletionProtectionType::Active)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .sms_authentication_message("Sign-in code {####}")
            .user_pool_tags("team", "identity")
            .admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .allow_admin_create_user_only(true)
                    .invite_message_template(invite_template())
                    .build(),
            )
            .device_configuration(
                DeviceConfigurationType::builder().challenge_required_on_new_device(true).build(),
            )
            .user_pool_add_ons(
                UserPoolAddOnsType::builder()
                    .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                    .build()
                    .unwrap(),
            )
            .lambda_config(
                LambdaConfigType::builder()
                    .pre_sign_up("arn:aws:lambda:us-east-1:000000000000:function:f")
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let created = describe(&app, &id).await;

        app.clock.advance_secs(60);
        app.idp
            .update_user_pool()
            .user_pool_id(&id)
            .verification_message_template(
                VerificationMessageTemplateType::builder()
                    .email_subject("Only this")
                    .build(),
            )
            .send()
            .await
            .unwrap();

        let pool = describe(&app, &id).await;
        assert_eq!(pool.name(), Some("replace"), "an omitted PoolName keeps the name");
        let pp = password_policy(&pool);
        assert_eq!(pp.minimum_length(), Some(8));
        assert!(pp.require_uppercase() && pp.require_lowercase() && pp.require_numbers() && pp.require_symbols());
        assert_eq!(pp.temporary_password_validity_days(), 7);
        assert_eq!(pool.mfa_configuration(), Some(&UserPoolMfaType::Off));
        assert_eq!(pool.deletion_protection(), Some(&DeletionProtectionType::Inactive));
        assert!(pool.auto_verified_attributes().is_empty());
        assert_eq!(pool.sms_authentication_message(), None);
        assert!(pool.user_pool_tags().is_none_or(HashMap::is_empty), "{:?}", pool.user_pool_tags());
        let acu = pool.admin_create_user_config().unwrap();
        assert!(!acu.allow_admin_create_user_only());
        assert_eq!(acu.invite_message_template(), None);
        assert_eq!(pool.device_configuration(), None);
        assert_eq!(pool.user_pool_add_ons(), None);
        assert!(pool.lambda_config().is_none_or(|l| l.pre_sign_up().is_none()));
        let vmt = pool.verification_message_template().unwrap();
        assert_eq!(vmt.email_subject(), Some("Only this"));
        assert_eq!(vmt.default_email_option(), Some(&DefaultEmailOptionType::ConfirmWithCode));
        assert_eq!(pool.user_pool_tier(), Some(&UserPoolTierType::Essentials));

        assert_eq!(pool.creation_date(), created.creation_date());
        assert_eq!(
            pool.last_modified_date().unwrap().secs(),
            created.last_modified_date().unwrap().secs() + 60
        );
        assert_eq!(pool.schema_attributes(), created.schema_attributes(), "the schema survives updates");
    }

    async fn update_user_pool_changes_the_name_and_settings_it_is_given(app) {
        let id = app.create_pool("before").await;
        app.idp
            .update_user_pool()
            .user_pool_id(&id)
            .pool_name("after")
            .mfa_configuration(UserPoolMfaType::Off)
            .deletion_protection(DeletionProtectionType::Active)
            .user_pool_tags("k", "v")
            .send()
            .await
            .unwrap();
        let pool = describe(&app, &id).await;
        assert_eq!(pool.name(), Some("after"));
        assert_eq!(pool.deletion_protection(), Some(&DeletionProtectionType::Active));
        assert_eq!(pool.user_pool_tags().unwrap().get("k").map(String::as_str), Some("v"));
    }

    async fn update_user_pool_refuses_to_change_sign_in_identifiers(app) {
        let id = app
            .idp
            .create_user_pool()
            .pool_name("immutable")
            .alias_attributes(AliasAttributeType::Email)
            .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();

        // The SDK's UpdateUserPool has no such members; IaC tools and hand-written clients
        // still send them, so the server must refuse a change rather than apply it.
        for (body, member) in [
            (r#""AliasAttributes":["phone_number"]"#, "AliasAttributes"),
            (r#""UsernameAttributes":["email"]"#, "UsernameAttributes"),
            (r#""UsernameConfiguration":{"CaseSensitive":true}"#, "UsernameConfiguration"),
        ] {
            let resp = app
                .signed_raw(UPDATE_POOL, &format!(r#"{{"UserPoolId":"{id}",{body}}}"#))
                .await;
            assert_eq!(resp.status(), 400, "{member}");
            let err: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(err["__type"], "InvalidParameterException", "{err}");
            assert!(err["message"].as_str().unwrap().contains(member), "{err}");
        }

        // Omitting them, or repeating the current values, is fine and keeps them.
        app.idp.update_user_pool().user_pool_id(&id).send().await.unwrap();
        let resp = app
            .signed_raw(
                UPDATE_POOL,
                &format!(r#"{{"UserPoolId":"{id}","AliasAttributes":["email"],"UsernameConfiguration":{{"CaseSensitive":false}}}}"#),
            )
            .await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        let pool = describe(&app, &id).await;
        assert_eq!(pool.alias_attributes(), &[AliasAttributeType::Email]);
        assert!(!pool.username_configuration().unwrap().case_sensitive());
    }

    async fn update_user_pool_validates_like_create(app) {
        let id = app.create_pool("validate").await;
        let err = app
            .idp
            .update_user_pool()
            .user_pool_id(&id)
            .mfa_configuration(UserPoolMfaType::from("MAYBE"))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("mfaConfiguration"), "{err:?}");

        let err = app
            .idp
            .update_user_pool()
            .user_pool_id(&id)
            .verification_message_template(
                VerificationMessageTemplateType::builder().sms_message("no code here").build(),
            )
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().to_lowercase().contains("smsmessage"), "{err:?}");
    }

    async fn delete_user_pool_with_deletion_protection_is_refused_until_turned_off(app) {
        let id = app
            .idp
            .create_user_pool()
            .pool_name("protected")
            .deletion_protection(DeletionProtectionType::Active)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let err = app
            .idp
            .delete_user_pool()
            .user_pool_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("deletion protection"), "{err:?}");
        describe(&app, &id).await;

        app.idp
            .update_user_pool()
            .user_pool_id(&id)
            .deletion_protection(DeletionProtectionType::Inactive)
            .send()
            .await
            .unwrap();
        app.idp.delete_user_pool().user_pool_id(&id).send().await.unwrap();
        let err = app
            .idp
            .describe_user_pool()
            .user_pool_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn delete_user_pool_removes_the_pool_and_its_clients(app) {
        let id = app.create_pool("doomed").await;
        let client_id = app
            .idp
            .create_user_pool_client()
            .user_pool_id(&id)
            .client_name("c")
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap();
        app.idp.delete_user_pool().user_pool_id(&id).send().await.unwrap();
        let err = app
            .idp
            .delete_user_pool()
            .user_pool_id(&id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .describe_user_pool_client()
            .user_pool_id(&id)
            .client_id(&client_id)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let listed = app.idp.list_user_pools().max_results(60).send().await.unwrap();
        assert!(listed.user_pools().iter().all(|p| p.id() != Some(id.as_str())));
    }

    async fn list_user_pools_requires_max_results(app) {
        app.create_pool("one").await;
        let err = app.idp.list_user_pools().send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("maxResults"), "{err:?}");

        let resp = app.signed_raw("AWSCognitoIdentityProviderService.ListUserPools", "{}").await;
        assert_eq!(resp.status(), 400);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["__type"], "InvalidParameterException", "{body}");
    }

    async fn list_user_pools_refuses_max_results_outside_1_to_60(app) {
        for bad in [0, 61, -1] {
            let err = app
                .idp
                .list_user_pools()
                .max_results(bad)
                .send()
                .await
                .unwrap_err()
                .into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{bad}: {err:?}");
            assert!(err.meta().message().unwrap().contains("maxResults"), "{err:?}");
        }
        for good in [1, 60] {
            app.idp.list_user_pools().max_results(good).send().await.unwrap();
        }
    }

    async fn list_user_pools_pages_through_every_pool_exactly_once(app) {
        let mut created = BTreeSet::new();
        for i in 0..7 {
            created.insert(app.create_pool(&format!("pool-{i}")).await);
        }
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut token: Option<String> = None;
        loop {
            let page = app
                .idp
                .list_user_pools()
                .max_results(3)
                .set_next_token(token.clone())
                .send()
                .await
                .unwrap();
            pages += 1;
            assert!(page.user_pools().len() <= 3);
            for p in page.user_pools() {
                assert!(p.name().unwrap().starts_with("pool-"));
                assert!(p.creation_date().is_some() && p.last_modified_date().is_some());
                seen.push(p.id().unwrap().to_owned());
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

    async fn list_user_pools_refuses_a_forged_next_token(app) {
        let err = app
            .idp
            .list_user_pools()
            .max_results(3)
            .next_token("not-a-token")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn add_custom_attributes_appear_in_describe_user_pool_with_custom_prefix(app) {
        let id = app.create_pool("custom").await;
        app.clock.advance_secs(5);
        app.idp
            .add_custom_attributes()
            .user_pool_id(&id)
            .custom_attributes(
                SchemaAttributeType::builder()
                    .name("tenant")
                    .attribute_data_type(AttributeDataType::String)
                    .mutable(false)
                    .build(),
            )
            .custom_attributes(
                SchemaAttributeType::builder()
                    .name("score")
                    .attribute_data_type(AttributeDataType::Number)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let pool = describe(&app, &id).await;
        let tenant = attr(&pool, "custom:tenant");
        assert_eq!(tenant.mutable(), Some(false));
        assert_eq!(tenant.required(), Some(false));
        assert_eq!(
            attr(&pool, "custom:score").attribute_data_type(),
            Some(&AttributeDataType::Number)
        );
        assert!(pool.schema_attributes().iter().all(|a| a.name() != Some("tenant")));
    }

    async fn add_custom_attributes_refuses_a_duplicate_name(app) {
        let id = app.create_pool("dupes").await;
        let add = |name: &str| {
            app.idp.add_custom_attributes().user_pool_id(&id).custom_attributes(
                SchemaAttributeType::builder()
                    .name(name)
                    .attribute_data_type(AttributeDataType::String)
                    .build(),
            )
        };
        add("team").send().await.unwrap();
        let err = add("team").send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains("custom:team"), "{err:?}");

        let pool = describe(&app, &id).await;
        let count = pool
            .schema_attributes()
            .iter()
            .filter(|a| a.name() == Some("custom:team"))
            .count();
        assert_eq!(count, 1);
    }

    async fn add_custom_attributes_refuses_a_name_over_20_characters(app) {
        let id = app.create_pool("long").await;
        let err = app
            .idp
            .add_custom_attributes()
            .user_pool_id(&id)
            .custom_attributes(
                SchemaAttributeType::builder()
                    .name("a".repeat(21))
                    .attribute_data_type(AttributeDataType::String)
                    .build(),
            )
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }

    async fn add_custom_attributes_to_an_unknown_pool_returns_resource_not_found(app) {
        let err = app
            .idp
            .add_custom_attributes()
            .user_pool_id("us-east-1_nopenope1")
            .custom_attributes(SchemaAttributeType::builder().name("x").build())
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn tag_resource_and_untag_resource_change_the_pool_tags(app) {
        let pool = app
            .idp
            .create_user_pool()
            .pool_name("tagged")
            .user_pool_tags("initial", "1")
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap();
        let arn = pool.arn().unwrap().to_owned();
        let id = pool.id().unwrap().to_owned();

        app.idp
            .tag_resource()
            .resource_arn(&arn)
            .tags("team", "identity")
            .tags("initial", "2")
            .send()
            .await
            .unwrap();
        let tags = app
            .idp
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags
            .unwrap();
        assert_eq!(tags.len(), 2, "{tags:?}");
        assert_eq!(tags["team"], "identity");
        assert_eq!(tags["initial"], "2");
        assert_eq!(describe(&app, &id).await.user_pool_tags(), Some(&tags));

        app.idp
            .untag_resource()
            .resource_arn(&arn)
            .tag_keys("initial")
            .tag_keys("never-set")
            .send()
            .await
            .unwrap();
        let tags = app
            .idp
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags
            .unwrap_or_default();
        assert_eq!(tags.len(), 1, "{tags:?}");
        assert_eq!(tags["team"], "identity");
    }

    async fn tag_operations_with_an_unknown_arn_return_resource_not_found(app) {
        let arn = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nopenope1";
        let err = app
            .idp
            .tag_resource()
            .resource_arn(arn)
            .tags("k", "v")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("k")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app
            .idp
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");

        // An existing pool under another account's ARN is not this resource either.
        let id = app.create_pool("mine").await;
        let err = app
            .idp
            .list_tags_for_resource()
            .resource_arn(format!("arn:aws:cognito-idp:us-east-1:111111111111:userpool/{id}"))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn create_user_pool_refuses_an_empty_or_too_long_pool_name(app) {
        let msg = create_fails(app.idp.create_user_pool().pool_name("")).await;
        assert!(msg.contains("poolName"), "{msg}");
        let msg = create_fails(app.idp.create_user_pool().pool_name("p".repeat(129))).await;
        assert!(msg.contains("poolName"), "{msg}");
        let msg = create_fails(app.idp.create_user_pool()).await;
        assert!(msg.contains("poolName"), "{msg}");
        let msg = create_fails(app.idp.create_user_pool().pool_name("bad/name")).await;
        assert!(msg.contains("poolName"), "{msg}");
        app.idp.create_user_pool().pool_name("p".repeat(128)).send().await.unwrap();
    }

    async fn create_user_pool_refuses_an_unknown_mfa_configuration(app) {
        let msg = create_fails(app.idp
                .create_user_pool()
                .pool_name("p")
                .mfa_configuration(UserPoolMfaType::from("MAYBE")),
        )
        .await;
        assert!(msg.contains("mfaConfiguration"), "{msg}");
        assert!(msg.contains("MAYBE"), "{msg}");
    }

    async fn create_user_pool_refuses_alias_and_username_attributes_together(app) {
        let msg = create_fails(app.idp
                .create_user_pool()
                .pool_name("p")
                .alias_attributes(AliasAttributeType::PreferredUsername)
                .username_attributes(UsernameAttributeType::Email),
        )
        .await;
        assert!(msg.contains("aliasAttributes") && msg.contains("usernameAttributes"), "{msg}");
    }

    async fn create_user_pool_refuses_a_minimum_password_length_below_6(app) {
        let policies = |n| {
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(n).build())
                .build()
        };
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").policies(policies(5))).await;
        assert!(msg.contains("minimumLength"), "{msg}");
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").policies(policies(100))).await;
        assert!(msg.contains("minimumLength"), "{msg}");
        app.idp.create_user_pool().pool_name("p").policies(policies(6)).send().await.unwrap();
    }

    async fn create_user_pool_refuses_a_verification_template_without_the_code_placeholder(app) {
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").verification_message_template(
                VerificationMessageTemplateType::builder()
                    .email_message("Welcome! No code in here.")
                    .build(),
            ),
        )
        .await;
        assert!(msg.to_lowercase().contains("emailmessage"), "{msg}");
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").verification_message_template(
                VerificationMessageTemplateType::builder()
                    .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
                    .email_message_by_link("Click the link, if you can find it.")
                    .build(),
            ),
        )
        .await;
        assert!(msg.to_lowercase().contains("emailmessagebylink"), "{msg}");
    }

    async fn create_user_pool_refuses_an_invitation_template_without_placeholders(app) {
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .invite_message_template(
                        MessageTemplateType::builder().email_message("Password: {####}").build(),
                    )
                    .build(),
            ),
        )
        .await;
        assert!(msg.contains("EmailMessage"), "{msg}");
    }

    async fn create_user_pool_refuses_out_of_range_settings(app) {
        let msg = create_fails(app.idp.create_user_pool().pool_name("p").policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder().temporary_password_validity_days(366).build(),
                    )
                    .build(),
            ),
        )
        .await;
        assert!(msg.contains("temporaryPasswordValidityDays"), "{msg}");
        let msg = create_fails(app.idp
                .create_user_pool()
                .pool_name("p")
                .auto_verified_attributes(VerifiedAttributeType::from("address")),
        )
        .await;
        assert!(msg.contains("autoVerifiedAttributes"), "{msg}");
    }

    async fn create_user_pool_refuses_sms_texts_without_the_code_placeholder(app) {
        let msg = create_fails(
            app.idp.create_user_pool().pool_name("p").sms_authentication_message("Your sign-in code"),
        )
        .await;
        assert!(msg.contains("smsAuthenticationMessage"), "{msg}");
        let msg = create_fails(
            app.idp.create_user_pool().pool_name("p").verification_message_template(
                VerificationMessageTemplateType::builder().email_subject("").build(),
            ),
        )
        .await;
        assert!(msg.contains("emailSubject"), "{msg}");
    }

    async fn create_user_pool_refuses_preferred_username_both_required_and_alias(app) {
        let msg = create_fails(
            app.idp
                .create_user_pool()
                .pool_name("p")
                .alias_attributes(AliasAttributeType::PreferredUsername)
                .schema(
                    SchemaAttributeType::builder()
                        .name("preferred_username")
                        .attribute_data_type(AttributeDataType::String)
                        .required(true)
                        .build(),
                ),
        )
        .await;
        assert!(msg.contains("preferred_username"), "{msg}");
    }

    async fn update_user_pool_accepts_repeating_default_sign_in_settings(app) {
        let id = app.create_pool("plain").await;
        let resp = app
            .signed_raw(
                UPDATE_POOL,
                &format!(r#"{{"UserPoolId":"{id}","AliasAttributes":[],"UsernameConfiguration":{{"CaseSensitive":true}}}}"#),
            )
            .await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        assert!(describe(&app, &id).await.alias_attributes().is_empty());
    }

    async fn update_user_pool_refuses_a_bad_pool_name(app) {
        let id = app.create_pool("named").await;
        for bad in ["", "bad/name"] {
            let err = app
                .idp
                .update_user_pool()
                .user_pool_id(&id)
                .pool_name(bad)
                .send()
                .await
                .unwrap_err()
                .into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{err:?}");
            assert!(err.meta().message().unwrap().contains("poolName"), "{err:?}");
        }
        assert_eq!(describe(&app, &id).await.name(), Some("named"));
    }

    async fn operations_on_an_unknown_pool_return_resource_not_found(app) {
        let id = "us-east-1_nopenope1";
        let err = app.idp.describe_user_pool().user_pool_id(id).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        assert!(err.meta().message().unwrap().contains(id), "{err:?}");
        let err = app.idp.update_user_pool().user_pool_id(id).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
        let err = app.idp.delete_user_pool().user_pool_id(id).send().await.unwrap_err().into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }

    async fn operations_with_a_malformed_pool_id_return_invalid_parameter(app) {
        for bad in ["no-underscore", "us-east-1_has-dash", "", &"x_".repeat(30)] {
            let err = app
                .idp
                .describe_user_pool()
                .user_pool_id(bad)
                .send()
                .await
                .unwrap_err()
                .into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{bad}: {err:?}");
            assert!(err.meta().message().unwrap().contains("userPoolId"), "{err:?}");
        }
        let err = app.idp.delete_user_pool().user_pool_id("bad id").send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let err = app.idp.update_user_pool().user_pool_id("bad id").send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
    }
}
