//! User administration through the SDK: AdminCreateUser and the other `Admin*` user
//! operations, and how sign-in identifiers (email as username, aliases, case
//! sensitivity) shape what may be created and looked up.

use crate::helpers::TestApp;
use aws_sdk_cognitoidentityprovider as idp;
use idp::error::ProvideErrorMetadata;
use idp::types::{
    AliasAttributeType, AttributeType, DeliveryMediumType, MessageActionType, SchemaAttributeType,
    UserStatusType, UsernameAttributeType, UsernameConfigurationType,
};

/// A temporary password that meets the default policy.
pub(crate) const PASSWORD: &str = "Passw0rd!";

/// One `{Name, Value}` attribute.
pub(crate) fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// The value of `name` among `attrs`.
pub(crate) fn value<'a>(attrs: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

/// Creates a user (invitation suppressed) with the given attributes.
pub(crate) async fn create_user(
    app: &TestApp,
    pool: &str,
    username: &str,
    attrs: &[(&str, &str)],
) -> idp::types::UserType {
    try_create_user(app, pool, username, attrs)
        .await
        .unwrap_or_else(|e| panic!("create {username}: {:?}", e.into_service_error()))
}

/// Attempts to create a user (invitation suppressed).
pub(crate) async fn try_create_user(
    app: &TestApp,
    pool: &str,
    username: &str,
    attrs: &[(&str, &str)],
) -> Result<
    idp::types::UserType,
    idp::error::SdkError<idp::operation::admin_create_user::AdminCreateUserError>,
> {
    let mut req = app
        .idp
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .temporary_password(PASSWORD)
        .message_action(MessageActionType::Suppress);
    for (n, v) in attrs {
        req = req.user_attributes(attr(n, v));
    }
    Ok(req.send().await?.user.unwrap())
}

/// Reads a user back.
pub(crate) async fn get_user(
    app: &TestApp,
    pool: &str,
    username: &str,
) -> idp::operation::admin_get_user::AdminGetUserOutput {
    app.idp
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap()
}

/// Creates a pool whose users sign in with their email instead of a username.
pub(crate) async fn email_username_pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("email-as-username")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

/// Creates a pool where a verified email is an alias for the username.
pub(crate) async fn email_alias_pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("email-alias")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

async fn case_insensitive_pool(app: &TestApp) -> String {
    app.idp
        .create_user_pool()
        .pool_name("case-insensitive")
        .username_configuration(
            UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

fn status(user: &idp::operation::admin_get_user::AdminGetUserOutput) -> UserStatusType {
    user.user_status().cloned().unwrap()
}

/// Reads the messages queued for a pool straight from the SQLite file; `None` on
/// PostgreSQL, where the test does not know the database URL.
async fn sqlite_outbox(
    app: &TestApp,
    pool: &str,
) -> Option<Vec<cognate_core::store::OutboundMessage>> {
    use cognate_core::store::UserStore;
    let file = app.data_dir.join("cognate.db");
    if !file.exists() {
        return None;
    }
    let store = cognate_store::SqlStore::open(&cognate_store::Backend::Sqlite(file))
        .await
        .unwrap();
    Some(store.list_outbox(pool, 100).await.unwrap())
}

backend_tests! {
    async fn admin_create_user_returns_an_enabled_user_forced_to_change_password_with_a_uuid_sub(app) {
        let pool = app.create_pool("p").await;
        let user = create_user(&app, &pool, "alice", &[("email", "alice@example.com")]).await;
        assert_eq!(user.username(), Some("alice"));
        assert!(user.enabled());
        assert_eq!(user.user_status(), Some(&UserStatusType::ForceChangePassword));
        let sub = value(user.attributes(), "sub").expect("sub attribute");
        let parsed = uuid::Uuid::parse_str(sub).expect("sub is a UUID");
        assert_eq!(sub, parsed.hyphenated().to_string(), "sub is lower-case hyphenated");
        assert_eq!(value(user.attributes(), "email"), Some("alice@example.com"));
        assert!(user.user_create_date().is_some());

        let got = get_user(&app, &pool, "alice").await;
        assert_eq!(got.username(), "alice");
        assert_eq!(status(&got), UserStatusType::ForceChangePassword);
        assert_eq!(value(got.user_attributes(), "sub"), Some(sub));
    }

    async fn admin_create_user_with_a_weak_temporary_password_returns_invalid_password(app) {
        let pool = app.create_pool("p").await;
        let cases = [
            ("Sh0rt!", "Password did not conform with policy: Password not long enough"),
            ("passw0rd!", "Password did not conform with policy: Password must have uppercase characters"),
            ("PASSW0RD!", "Password did not conform with policy: Password must have lowercase characters"),
            ("Password!", "Password did not conform with policy: Password must have numeric characters"),
            ("Passw0rdd", "Password did not conform with policy: Password must have symbol characters"),
        ];
        for (password, message) in cases {
            let err = app.idp.admin_create_user().user_pool_id(&pool).username("bob")
                .temporary_password(password).send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_password_exception(), "{password}: {err:?}");
            assert_eq!(err.message(), Some(message));
        }
        let users = app.idp.list_users().user_pool_id(&pool).send().await.unwrap();
        assert!(users.users().is_empty(), "no user is created with a refused password");
    }

    async fn admin_create_user_without_a_temporary_password_generates_one_that_meets_the_policy(app) {
        let pool = app.create_pool("p").await;
        let user = app.idp.admin_create_user().user_pool_id(&pool).username("gen")
            .user_attributes(attr("email", "gen@example.com"))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send().await.unwrap().user.unwrap();
        assert_eq!(user.user_status(), Some(&UserStatusType::ForceChangePassword));
        let Some(outbox) = sqlite_outbox(&app, &pool).await else { return };
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        let message = &outbox[0];
        assert_eq!(message.channel, "EMAIL");
        assert_eq!(message.destination, "gen@example.com");
        assert!(message.body.contains("gen"), "{}", message.body);
        let password = message.body.split_whitespace()
            .find(|w| w.len() >= 8 && w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(|c| c.is_ascii_uppercase()))
            .map(|w| w.trim_end_matches('.'))
            .expect("the invitation carries the temporary password");
        let policy = cognate_core::password::Policy::from_wire(None);
        policy.check(password).expect("generated password meets the default policy");
    }

    async fn admin_create_user_with_an_email_invitation_records_the_message(app) {
        let pool = app.create_pool("p").await;
        app.idp.admin_create_user().user_pool_id(&pool).username("invited")
            .temporary_password(PASSWORD)
            .user_attributes(attr("email", "invited@example.com"))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send().await.unwrap();
        let Some(outbox) = sqlite_outbox(&app, &pool).await else { return };
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        assert_eq!(outbox[0].destination, "invited@example.com");
        assert!(outbox[0].body.contains("invited") && outbox[0].body.contains(PASSWORD), "{}", outbox[0].body);
        assert!(outbox[0].subject.is_some());
    }

    async fn admin_create_user_with_suppress_records_no_message(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "quiet", &[("email", "quiet@example.com")]).await;
        let Some(outbox) = sqlite_outbox(&app, &pool).await else { return };
        assert!(outbox.is_empty(), "{outbox:?}");
    }

    async fn admin_create_user_with_resend_re_sends_the_invitation_of_a_pending_user(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "pending", &[("email", "pending@example.com")]).await;
        let user = app.idp.admin_create_user().user_pool_id(&pool).username("pending")
            .message_action(MessageActionType::Resend)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send().await.unwrap().user.unwrap();
        assert_eq!(user.username(), Some("pending"));
        assert_eq!(user.user_status(), Some(&UserStatusType::ForceChangePassword));
        let users = app.idp.list_users().user_pool_id(&pool).send().await.unwrap();
        assert_eq!(users.users().len(), 1, "resend does not create a second user");
        let Some(outbox) = sqlite_outbox(&app, &pool).await else { return };
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        assert_eq!(outbox[0].destination, "pending@example.com");
    }

    async fn admin_create_user_with_resend_for_an_unknown_user_returns_user_not_found(app) {
        let pool = app.create_pool("p").await;
        let err = app.idp.admin_create_user().user_pool_id(&pool).username("ghost")
            .message_action(MessageActionType::Resend)
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
    }

    async fn admin_create_user_with_resend_for_a_confirmed_user_is_refused(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "done", &[]).await;
        app.idp.admin_set_user_password().user_pool_id(&pool).username("done")
            .password("N3wPassword!").permanent(true).send().await.unwrap();
        let err = app.idp.admin_create_user().user_pool_id(&pool).username("done")
            .message_action(MessageActionType::Resend)
            .send().await.unwrap_err();
        // Cognito answers UnsupportedUserStateException ("Resend not possible. ...");
        // Cognate has no such error kind yet and answers UnsupportedOperationException.
        assert!(
            matches!(err.code(), Some("UnsupportedUserStateException" | "UnsupportedOperationException")),
            "{err:?}"
        );
        assert_eq!(status(&get_user(&app, &pool, "done").await), UserStatusType::Confirmed);
    }

    async fn admin_create_user_with_a_taken_username_returns_username_exists(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "taken", &[]).await;
        let err = try_create_user(&app, &pool, "taken", &[]).await.unwrap_err().into_service_error();
        assert!(err.is_username_exists_exception(), "{err:?}");
        assert_eq!(err.message(), Some("User account already exists"));
    }

    async fn admin_create_user_with_attributes_outside_the_schema_returns_invalid_parameter(app) {
        let pool = app.create_pool("p").await;
        let cases: [(&str, &str); 6] = [
            ("favourite_colour", "blue"),
            ("custom:team", "red"),
            ("email", "not-an-email"),
            ("phone_number", "555-1234"),
            ("email_verified", "yes"),
            ("birthdate", "1st of May"),
        ];
        for (name, v) in cases {
            let err = try_create_user(&app, &pool, "bad", &[(name, v)]).await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{name}={v}: {err:?}");
        }
        let err = try_create_user(&app, &pool, "bad", &[("sub", "0b5c8f4e-1111-4222-8333-444455556666")])
            .await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "sub cannot be written: {err:?}");
        let users = app.idp.list_users().user_pool_id(&pool).send().await.unwrap();
        assert!(users.users().is_empty());
    }

    async fn admin_create_user_accepts_well_formed_standard_attributes(app) {
        let pool = app.create_pool("p").await;
        let user = create_user(&app, &pool, "full", &[
            ("email", "full@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+14325551212"),
            ("phone_number_verified", "false"),
            ("given_name", "Full"),
            ("birthdate", "1990-05-01"),
            ("updated_at", "1700000000"),
        ]).await;
        let attrs = user.attributes();
        assert_eq!(value(attrs, "email_verified"), Some("true"));
        assert_eq!(value(attrs, "phone_number"), Some("+14325551212"));
        assert_eq!(value(attrs, "birthdate"), Some("1990-05-01"));
    }

    async fn admin_create_user_accepts_custom_attributes_once_they_are_added(app) {
        let pool = app.create_pool("p").await;
        let err = try_create_user(&app, &pool, "early", &[("custom:team", "red")]).await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        app.idp.add_custom_attributes().user_pool_id(&pool)
            .custom_attributes(SchemaAttributeType::builder().name("team")
                .attribute_data_type(idp::types::AttributeDataType::String).mutable(true).build())
            .custom_attributes(SchemaAttributeType::builder().name("level")
                .attribute_data_type(idp::types::AttributeDataType::Number).build())
            .send().await.unwrap();
        let user = create_user(&app, &pool, "later", &[("custom:team", "red"), ("custom:level", "3")]).await;
        assert_eq!(value(user.attributes(), "custom:team"), Some("red"));
        assert_eq!(value(user.attributes(), "custom:level"), Some("3"));
        let err = try_create_user(&app, &pool, "nan", &[("custom:level", "three")]).await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "a Number attribute refuses text: {err:?}");
    }

    async fn admin_create_user_may_omit_required_attributes(app) {
        let pool = app.idp.create_user_pool().pool_name("required-email")
            .schema(SchemaAttributeType::builder().name("email").required(true).mutable(true)
                .attribute_data_type(idp::types::AttributeDataType::String).build())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        let user = create_user(&app, &pool, "bare", &[]).await;
        assert_eq!(value(user.attributes(), "email"), None);
    }

    async fn admin_get_user_finds_a_user_by_username_and_by_sub(app) {
        let pool = app.create_pool("p").await;
        let user = create_user(&app, &pool, "carol", &[]).await;
        let sub = value(user.attributes(), "sub").unwrap().to_owned();
        assert_eq!(get_user(&app, &pool, "carol").await.username(), "carol");
        assert_eq!(get_user(&app, &pool, &sub).await.username(), "carol");
        assert_eq!(get_user(&app, &pool, &sub.to_uppercase()).await.username(), "carol");
    }

    async fn admin_get_user_finds_a_user_by_verified_email_alias_only(app) {
        let pool = email_alias_pool(&app).await;
        create_user(&app, &pool, "dave", &[("email", "dave@example.com"), ("email_verified", "true")]).await;
        create_user(&app, &pool, "erin", &[("email", "erin@example.com")]).await;
        assert_eq!(get_user(&app, &pool, "dave@example.com").await.username(), "dave");
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("erin@example.com")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "an unverified email is no alias: {err:?}");
    }

    async fn admin_get_user_does_not_find_an_email_in_a_pool_without_aliases(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "frank", &[("email", "frank@example.com"), ("email_verified", "true")]).await;
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("frank@example.com")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
    }

    async fn admin_update_user_attributes_changing_the_email_resets_email_verified(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "gina", &[("email", "gina@example.com"), ("email_verified", "true")]).await;
        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("gina")
            .user_attributes(attr("email", "gina@new.example.com")).send().await.unwrap();
        let got = get_user(&app, &pool, "gina").await;
        assert_eq!(value(got.user_attributes(), "email"), Some("gina@new.example.com"));
        assert_eq!(value(got.user_attributes(), "email_verified"), Some("false"));

        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("gina")
            .user_attributes(attr("email", "gina@third.example.com"))
            .user_attributes(attr("email_verified", "true")).send().await.unwrap();
        let got = get_user(&app, &pool, "gina").await;
        assert_eq!(value(got.user_attributes(), "email"), Some("gina@third.example.com"));
        assert_eq!(value(got.user_attributes(), "email_verified"), Some("true"));

        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("gina")
            .user_attributes(attr("email", "gina@third.example.com")).send().await.unwrap();
        let got = get_user(&app, &pool, "gina").await;
        assert_eq!(value(got.user_attributes(), "email_verified"), Some("true"), "an unchanged email stays verified");
    }

    async fn admin_update_user_attributes_with_an_empty_value_deletes_the_attribute(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "hank", &[("given_name", "Hank"), ("family_name", "Hill")]).await;
        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("hank")
            .user_attributes(attr("given_name", "")).send().await.unwrap();
        let got = get_user(&app, &pool, "hank").await;
        assert_eq!(value(got.user_attributes(), "given_name"), None);
        assert_eq!(value(got.user_attributes(), "family_name"), Some("Hill"));
    }

    async fn admin_update_user_attributes_refuses_bad_values_and_immutable_attributes(app) {
        let pool = app.create_pool("p").await;
        app.idp.add_custom_attributes().user_pool_id(&pool)
            .custom_attributes(SchemaAttributeType::builder().name("tenant").mutable(false)
                .attribute_data_type(idp::types::AttributeDataType::String).build())
            .send().await.unwrap();
        create_user(&app, &pool, "ivy", &[("custom:tenant", "acme"), ("email", "ivy@example.com")]).await;
        for (name, v) in [("custom:tenant", "other"), ("email", "nope"), ("email_verified", "maybe"), ("unknown", "x"), ("sub", "x")] {
            let err = app.idp.admin_update_user_attributes().user_pool_id(&pool).username("ivy")
                .user_attributes(attr(name, v)).send().await.unwrap_err().into_service_error();
            assert!(err.is_invalid_parameter_exception(), "{name}={v}: {err:?}");
        }
        let got = get_user(&app, &pool, "ivy").await;
        assert_eq!(value(got.user_attributes(), "custom:tenant"), Some("acme"));
        assert_eq!(value(got.user_attributes(), "email"), Some("ivy@example.com"));
    }

    async fn admin_delete_user_attributes_removes_optional_and_refuses_required_attributes(app) {
        let pool = app.idp.create_user_pool().pool_name("required-name")
            .schema(SchemaAttributeType::builder().name("name").required(true).mutable(true)
                .attribute_data_type(idp::types::AttributeDataType::String).build())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        create_user(&app, &pool, "jack", &[("name", "Jack"), ("nickname", "J")]).await;
        app.idp.admin_delete_user_attributes().user_pool_id(&pool).username("jack")
            .user_attribute_names("nickname").send().await.unwrap();
        let err = app.idp.admin_delete_user_attributes().user_pool_id(&pool).username("jack")
            .user_attribute_names("name").send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        let got = get_user(&app, &pool, "jack").await;
        assert_eq!(value(got.user_attributes(), "nickname"), None);
        assert_eq!(value(got.user_attributes(), "name"), Some("Jack"));
    }

    async fn admin_disable_user_and_admin_enable_user_toggle_enabled(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "kim", &[]).await;
        app.idp.admin_disable_user().user_pool_id(&pool).username("kim").send().await.unwrap();
        let got = get_user(&app, &pool, "kim").await;
        assert!(!got.enabled());
        assert_eq!(status(&got), UserStatusType::ForceChangePassword, "disabling keeps the status");
        app.idp.admin_disable_user().user_pool_id(&pool).username("kim").send().await.unwrap();
        app.idp.admin_enable_user().user_pool_id(&pool).username("kim").send().await.unwrap();
        assert!(get_user(&app, &pool, "kim").await.enabled());
    }

    async fn admin_delete_user_removes_the_user(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "leo", &[]).await;
        app.idp.admin_delete_user().user_pool_id(&pool).username("leo").send().await.unwrap();
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("leo")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        assert_eq!(err.message(), Some("User does not exist."));
        let err = app.idp.admin_delete_user().user_pool_id(&pool).username("leo")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
        create_user(&app, &pool, "leo", &[]).await;
    }

    async fn admin_set_user_password_sets_status_by_permanence_and_checks_the_policy(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "mia", &[]).await;
        app.idp.admin_set_user_password().user_pool_id(&pool).username("mia")
            .password("N3wPassword!").permanent(true).send().await.unwrap();
        assert_eq!(status(&get_user(&app, &pool, "mia").await), UserStatusType::Confirmed);
        app.idp.admin_set_user_password().user_pool_id(&pool).username("mia")
            .password("Temp0rary!").permanent(false).send().await.unwrap();
        assert_eq!(status(&get_user(&app, &pool, "mia").await), UserStatusType::ForceChangePassword);
        let err = app.idp.admin_set_user_password().user_pool_id(&pool).username("mia")
            .password("weakpassword").permanent(true).send().await.unwrap_err().into_service_error();
        assert!(err.is_invalid_password_exception(), "{err:?}");
        assert_eq!(err.message(), Some("Password did not conform with policy: Password must have uppercase characters"));
        assert_eq!(status(&get_user(&app, &pool, "mia").await), UserStatusType::ForceChangePassword);
    }

    async fn admin_reset_user_password_puts_the_user_in_reset_required(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "ned", &[("email", "ned@example.com"), ("email_verified", "true")]).await;
        app.idp.admin_set_user_password().user_pool_id(&pool).username("ned")
            .password("N3wPassword!").permanent(true).send().await.unwrap();
        app.idp.admin_reset_user_password().user_pool_id(&pool).username("ned").send().await.unwrap();
        assert_eq!(status(&get_user(&app, &pool, "ned").await), UserStatusType::ResetRequired);
    }

    async fn admin_reset_user_password_of_a_user_still_forced_to_change_password_returns_not_authorized(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "newbie", &[("email", "newbie@example.com"), ("email_verified", "true")]).await;
        let err = app.idp.admin_reset_user_password().user_pool_id(&pool).username("newbie")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.message(), Some("User password cannot be reset in the current state."));
        assert_eq!(status(&get_user(&app, &pool, "newbie").await), UserStatusType::ForceChangePassword);
    }

    async fn admin_confirm_sign_up_of_a_user_not_awaiting_confirmation_returns_not_authorized(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "olga", &[]).await;
        let err = app.idp.admin_confirm_sign_up().user_pool_id(&pool).username("olga")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.message(), Some("User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD"));
        app.idp.admin_set_user_password().user_pool_id(&pool).username("olga")
            .password("N3wPassword!").permanent(true).send().await.unwrap();
        let err = app.idp.admin_confirm_sign_up().user_pool_id(&pool).username("olga")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_not_authorized_exception(), "{err:?}");
        assert_eq!(err.message(), Some("User cannot be confirmed. Current status is CONFIRMED"));
    }

    async fn admin_operations_on_an_unknown_user_return_user_not_found(app) {
        let pool = app.create_pool("p").await;
        let c = &app.idp;
        let errors = [
            c.admin_get_user().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_delete_user().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_disable_user().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_enable_user().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_update_user_attributes().user_pool_id(&pool).username("nobody")
                .user_attributes(attr("name", "n")).send().await.unwrap_err().code().map(str::to_owned),
            c.admin_delete_user_attributes().user_pool_id(&pool).username("nobody")
                .user_attribute_names("name").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_set_user_password().user_pool_id(&pool).username("nobody")
                .password("N3wPassword!").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_reset_user_password().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
            c.admin_confirm_sign_up().user_pool_id(&pool).username("nobody").send().await.unwrap_err().code().map(str::to_owned),
        ];
        for (i, code) in errors.iter().enumerate() {
            assert_eq!(code.as_deref(), Some("UserNotFoundException"), "operation #{i}");
        }
    }

    async fn admin_operations_on_an_unknown_pool_return_resource_not_found(app) {
        let pool = "us-east-1_NoSuchPool";
        let c = &app.idp;
        let create = c.admin_create_user().user_pool_id(pool).username("x").send().await.unwrap_err().into_service_error();
        assert!(create.is_resource_not_found_exception(), "{create:?}");
        let get = c.admin_get_user().user_pool_id(pool).username("x").send().await.unwrap_err().into_service_error();
        assert!(get.is_resource_not_found_exception(), "{get:?}");
        let delete = c.admin_delete_user().user_pool_id(pool).username("x").send().await.unwrap_err().into_service_error();
        assert!(delete.is_resource_not_found_exception(), "{delete:?}");
        let list = c.list_users().user_pool_id(pool).send().await.unwrap_err().into_service_error();
        assert!(list.is_resource_not_found_exception(), "{list:?}");
    }

    async fn email_as_username_pool_stores_a_uuid_username_equal_to_sub(app) {
        let pool = email_username_pool(&app).await;
        let user = create_user(&app, &pool, "pat@example.com", &[]).await;
        let username = user.username().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&username).is_ok(), "{username}");
        assert_eq!(value(user.attributes(), "sub"), Some(username.as_str()));
        assert_eq!(value(user.attributes(), "email"), Some("pat@example.com"));
        let got = get_user(&app, &pool, "pat@example.com").await;
        assert_eq!(got.username(), username);
        assert_eq!(get_user(&app, &pool, &username).await.username(), username);
    }

    async fn email_as_username_pool_refuses_a_second_user_with_the_same_email(app) {
        let pool = email_username_pool(&app).await;
        create_user(&app, &pool, "quinn@example.com", &[]).await;
        let err = try_create_user(&app, &pool, "quinn@example.com", &[]).await.unwrap_err().into_service_error();
        assert!(err.is_username_exists_exception(), "{err:?}");
        assert_eq!(err.message(), Some("An account with the given email already exists."));
    }

    async fn email_as_username_pool_lets_a_user_change_to_a_free_email_but_not_a_taken_one(app) {
        let pool = email_username_pool(&app).await;
        let first = create_user(&app, &pool, "first@example.com", &[]).await;
        create_user(&app, &pool, "second@example.com", &[]).await;
        let err = app.idp.admin_update_user_attributes().user_pool_id(&pool).username("first@example.com")
            .user_attributes(attr("email", "second@example.com")).send().await.unwrap_err();
        assert_eq!(err.code(), Some("AliasExistsException"), "{err:?}");
        assert_eq!(err.message(), Some("An account with the given email already exists."));
        app.idp.admin_update_user_attributes().user_pool_id(&pool).username("first@example.com")
            .user_attributes(attr("email", "renamed@example.com")).send().await.unwrap();
        assert_eq!(get_user(&app, &pool, "renamed@example.com").await.username(), first.username().unwrap());
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("first@example.com")
            .send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "the old email no longer signs in: {err:?}");
        create_user(&app, &pool, "first@example.com", &[]).await;
    }

    async fn email_as_username_pool_refuses_a_username_that_is_not_an_email(app) {
        let pool = email_username_pool(&app).await;
        let err = try_create_user(&app, &pool, "rita", &[]).await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert_eq!(err.message(), Some("Username should be an email."));
    }

    async fn email_alias_pool_refuses_an_email_shaped_username(app) {
        let pool = email_alias_pool(&app).await;
        let err = try_create_user(&app, &pool, "sam@example.com", &[]).await.unwrap_err().into_service_error();
        assert!(err.is_invalid_parameter_exception(), "{err:?}");
        assert_eq!(err.message(), Some("Username cannot be of email format, since user pool is configured for email alias."));
    }

    async fn email_alias_pool_refuses_a_verified_email_already_verified_on_another_user(app) {
        let pool = email_alias_pool(&app).await;
        create_user(&app, &pool, "tom", &[("email", "shared@example.com"), ("email_verified", "true")]).await;
        let err = try_create_user(&app, &pool, "tim", &[("email", "shared@example.com"), ("email_verified", "true")])
            .await.unwrap_err();
        assert_eq!(err.code(), Some("AliasExistsException"), "{err:?}");
        assert_eq!(err.message(), Some("An account with the given email already exists."));
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("tim").send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "the refused user was not created: {err:?}");
    }

    async fn email_alias_pool_with_force_alias_creation_moves_the_alias_to_the_new_user(app) {
        let pool = email_alias_pool(&app).await;
        create_user(&app, &pool, "old", &[("email", "moved@example.com"), ("email_verified", "true")]).await;
        let user = app.idp.admin_create_user().user_pool_id(&pool).username("new")
            .temporary_password(PASSWORD).message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", "moved@example.com"))
            .user_attributes(attr("email_verified", "true"))
            .force_alias_creation(true)
            .send().await.unwrap().user.unwrap();
        assert_eq!(user.username(), Some("new"));
        assert_eq!(get_user(&app, &pool, "moved@example.com").await.username(), "new");
        let old = get_user(&app, &pool, "old").await;
        assert_eq!(value(old.user_attributes(), "email"), Some("moved@example.com"));
        assert_eq!(value(old.user_attributes(), "email_verified"), Some("false"));
    }

    async fn email_alias_pool_allows_an_unverified_duplicate_email(app) {
        let pool = email_alias_pool(&app).await;
        create_user(&app, &pool, "uma", &[("email", "dup@example.com"), ("email_verified", "true")]).await;
        create_user(&app, &pool, "ula", &[("email", "dup@example.com")]).await;
        create_user(&app, &pool, "una", &[("email", "dup@example.com"), ("email_verified", "false")]).await;
        assert_eq!(get_user(&app, &pool, "dup@example.com").await.username(), "uma");
        let err = app.idp.admin_update_user_attributes().user_pool_id(&pool).username("ula")
            .user_attributes(attr("email_verified", "true")).send().await.unwrap_err();
        assert_eq!(err.code(), Some("AliasExistsException"), "verifying a taken alias is refused: {err:?}");
    }

    async fn case_insensitive_pool_refuses_a_username_differing_only_in_case(app) {
        let pool = case_insensitive_pool(&app).await;
        create_user(&app, &pool, "Alice", &[]).await;
        let err = try_create_user(&app, &pool, "alice", &[]).await.unwrap_err().into_service_error();
        assert!(err.is_username_exists_exception(), "{err:?}");
        let got = get_user(&app, &pool, "ALICE").await;
        assert_eq!(got.username(), "Alice", "the stored username keeps its case");
    }

    async fn case_insensitive_pool_finds_a_verified_email_alias_in_any_case(app) {
        let pool = app.idp.create_user_pool().pool_name("ci-alias")
            .alias_attributes(AliasAttributeType::Email)
            .username_configuration(UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
            .send().await.unwrap().user_pool.unwrap().id.unwrap();
        create_user(&app, &pool, "bob", &[("email", "Bob@Example.com"), ("email_verified", "true")]).await;
        assert_eq!(get_user(&app, &pool, "bob@example.com").await.username(), "bob");
        let err = try_create_user(&app, &pool, "rob", &[("email", "BOB@EXAMPLE.COM"), ("email_verified", "true")])
            .await.unwrap_err();
        assert_eq!(err.code(), Some("AliasExistsException"), "{err:?}");
    }

    async fn case_sensitive_pool_allows_usernames_differing_only_in_case(app) {
        let pool = app.create_pool("p").await;
        create_user(&app, &pool, "Alice", &[]).await;
        create_user(&app, &pool, "alice", &[]).await;
        assert_eq!(get_user(&app, &pool, "Alice").await.username(), "Alice");
        assert_eq!(get_user(&app, &pool, "alice").await.username(), "alice");
        let err = app.idp.admin_get_user().user_pool_id(&pool).username("ALICE").send().await.unwrap_err().into_service_error();
        assert!(err.is_user_not_found_exception(), "{err:?}");
    }
}
