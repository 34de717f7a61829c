//! Records the cases write, with non-default values so round trips are meaningful.

use cognate_core::store::{
    AppClientRecord, GroupRecord, Login, OutboundMessage, RefreshTokenRecord, Store, StoreError,
    UserPoolRecord, UserRecord, UserWrite,
};
use cognate_proto::app_client::{AppClientSettings, TokenValidityUnits};
use cognate_proto::user_pool::{
    PasswordPolicy, SchemaAttribute, StringConstraints, UserPoolPolicies, UserPoolSettings,
};
use std::collections::BTreeMap;

/// A fixed creation time.
pub const T0: i64 = 1_700_000_000_000;

pub fn pool(id: &str) -> UserPoolRecord {
    UserPoolRecord {
        id: id.to_owned(),
        name: format!("name of {id}"),
        settings: UserPoolSettings {
            policies: Some(UserPoolPolicies {
                password_policy: Some(PasswordPolicy {
                    minimum_length: Some(12),
                    require_symbols: Some(true),
                    ..PasswordPolicy::default()
                }),
                sign_in_policy: None,
            }),
            deletion_protection: Some("INACTIVE".into()),
            lambda_config: Some(serde_json::json!({"PreSignUp": "http://hook.invalid/x"})),
            auto_verified_attributes: Some(vec!["email".into()]),
            ..UserPoolSettings::default()
        },
        schema: vec![SchemaAttribute {
            name: Some("custom:tier".into()),
            attribute_data_type: Some("String".into()),
            mutable: Some(true),
            string_attribute_constraints: Some(StringConstraints {
                min_length: Some("1".into()),
                max_length: Some("16".into()),
            }),
            ..SchemaAttribute::default()
        }],
        created_at: T0,
        updated_at: T0,
        version: 0,
    }
}

pub fn client(pool_id: &str, id: &str) -> AppClientRecord {
    AppClientRecord {
        pool_id: pool_id.to_owned(),
        id: id.to_owned(),
        name: format!("client {id}"),
        secret: Some(format!("secret-{id}")),
        settings: AppClientSettings {
            access_token_validity: Some(30),
            token_validity_units: Some(TokenValidityUnits {
                access_token: Some("minutes".into()),
                ..TokenValidityUnits::default()
            }),
            explicit_auth_flows: Some(vec!["ALLOW_USER_SRP_AUTH".into()]),
            callback_urls: Some(vec!["https://app.invalid/cb".into()]),
            ..AppClientSettings::default()
        },
        created_at: T0,
        updated_at: T0,
        version: 0,
    }
}

pub fn group(pool_id: &str, name: &str) -> GroupRecord {
    GroupRecord {
        pool_id: pool_id.to_owned(),
        name: name.to_owned(),
        description: Some(format!("the {name} group")),
        role_arn: Some("arn:aws:iam::123456789012:role/test".into()),
        precedence: Some(3),
        created_at: T0,
        updated_at: T0,
    }
}

pub fn email_of(username: &str) -> String {
    format!("{username}@example.com")
}

/// A user signing in with its username and email, indexed on both and on its status.
pub fn user(pool_id: &str, username: &str) -> UserWrite {
    let email = email_of(username);
    let mut attributes = BTreeMap::new();
    attributes.insert("email".to_owned(), email.clone());
    attributes.insert("email_verified".to_owned(), "true".to_owned());
    attributes.insert("custom:tier".to_owned(), "gold".to_owned());
    UserWrite {
        user: UserRecord {
            id: 0,
            pool_id: pool_id.to_owned(),
            username: username.to_owned(),
            sub: uuid::Uuid::new_v4().to_string(),
            status: "CONFIRMED".into(),
            enabled: true,
            attributes,
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            password_set_at: Some(T0),
            created_at: T0,
            updated_at: T0,
            version: 0,
        },
        logins: vec![login("username", username), login("email", &email)],
        index: vec![
            ("username".into(), username.to_owned()),
            ("email".into(), email),
            ("cognito:user_status".into(), "CONFIRMED".into()),
        ],
        outbox: Vec::new(),
        srp: None,
    }
}

pub fn login(kind: &'static str, value: &str) -> Login {
    Login {
        kind,
        value: value.to_owned(),
    }
}

pub fn message(pool_id: &str, destination: &str, body: &str) -> OutboundMessage {
    OutboundMessage {
        pool_id: pool_id.to_owned(),
        channel: "EMAIL".into(),
        destination: destination.to_owned(),
        subject: Some("Your code".into()),
        body: body.to_owned(),
        created_at: T0,
        ..Default::default()
    }
}

/// Inserts `write` and returns the record as stored (id assigned, version 0).
pub async fn insert(store: &dyn Store, write: &UserWrite) -> UserRecord {
    let id = store.insert_user(write).await.unwrap();
    UserRecord {
        id,
        ..write.user.clone()
    }
}

/// Inserts a user with the default logins and returns the stored record.
pub async fn add_user(store: &dyn Store, pool_id: &str, username: &str) -> UserRecord {
    insert(store, &user(pool_id, username)).await
}

/// The `what` of a `Conflict`, failing on any other outcome.
pub fn conflict_what<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
    match result {
        Err(StoreError::Conflict { what }) => what,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

pub fn ids(users: &[UserRecord]) -> Vec<i64> {
    users.iter().map(|u| u.id).collect()
}

pub fn usernames(users: &[UserRecord]) -> Vec<&str> {
    users.iter().map(|u| u.username.as_str()).collect()
}

pub fn group_names(groups: &[GroupRecord]) -> Vec<&str> {
    groups.iter().map(|g| g.name.as_str()).collect()
}

/// A day-long refresh token of `user_id` in `pool_id`, of the token family `origin`,
/// bound to `device` if given.
pub fn refresh_token(
    pool_id: &str,
    user_id: i64,
    hash: &str,
    origin: &str,
    device: Option<&str>,
) -> RefreshTokenRecord {
    RefreshTokenRecord {
        token_hash: hash.into(),
        pool_id: pool_id.into(),
        client_id: "client".into(),
        user_id,
        origin_jti: origin.into(),
        auth_time: 1,
        device_key: device.map(Into::into),
        created_at: T0,
        expires_at: T0 + 86_400_000,
        replaced_at: None,
        revoked_at: None,
    }
}
