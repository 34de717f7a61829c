//! The storage contract: what Cognate's domain needs from a database.
//!
//! Traits are small and per concept, combined into [`Store`]. Each method is one
//! transaction: it either applies completely or not at all. Implementations live in
//! `cognate-store` (SQLite and PostgreSQL); nothing here knows which one runs.

use crate::clock::Millis;
use async_trait::async_trait;
use cognate_proto::app_client::AppClientSettings;
use cognate_proto::oauth_config::ResourceServerScopeType;
use cognate_proto::user_pool::{SchemaAttribute, UserPoolSettings};
use std::collections::BTreeMap;

pub use crate::devices::store::{DeviceRecord, DeviceStore};
pub use crate::threat::store::{
    AuthEventRecord, AuthEventUpdate, EventFeedbackRecord, RiskConfigRecord, ThreatStore,
};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken; `what` names it (`pool`, `client`, `group`, or the
    /// login kind: `username`, `email`, `phone_number`, `preferred_username`, `sub`).
    #[error("unique key taken: {what}")]
    Conflict {
        /// Which key.
        what: String,
    },
    /// The record changed since it was read (optimistic concurrency).
    #[error("record changed concurrently")]
    VersionConflict,
    /// The record to change does not exist.
    #[error("record not found")]
    NotFound,
    /// The database failed or is unreachable.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Stored data could not be decoded.
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

/// A stored user pool.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPoolRecord {
    /// `<region>_<id>`.
    pub id: String,
    /// Pool name.
    pub name: String,
    /// The settings document.
    pub settings: UserPoolSettings,
    /// Standard and custom attributes.
    pub schema: Vec<SchemaAttribute>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Optimistic-concurrency version, bumped by every update.
    pub version: i64,
}

/// A stored app client.
#[derive(Debug, Clone, PartialEq)]
pub struct AppClientRecord {
    /// Owning pool.
    pub pool_id: String,
    /// Client id.
    pub id: String,
    /// Client name.
    pub name: String,
    /// Client secret, when the client has one.
    pub secret: Option<String>,
    /// The settings document.
    pub settings: AppClientSettings,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    /// Store-assigned id (0 before insertion); also the listing order.
    pub id: i64,
    /// Owning pool.
    pub pool_id: String,
    /// Internal username (a UUID in email/phone-as-username pools).
    pub username: String,
    /// Stable subject identifier.
    pub sub: String,
    /// Cognito user status.
    pub status: String,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Attributes other than `sub`, values as strings.
    pub attributes: BTreeMap<String, String>,
    /// PHC-format Argon2id hash of the password.
    pub password_hash: Option<String>,
    /// When the current password was set (temporary-password expiry counts from here).
    pub password_set_at: Option<Millis>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// One unique sign-in identifier of a user, normalized for lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// `username`, `email`, `phone_number` or `preferred_username`.
    pub kind: &'static str,
    /// Lookup form (lower-cased in case-insensitive pools).
    pub value: String,
}

/// An outgoing message (invitation, code) queued for delivery.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutboundMessage {
    /// Owning pool.
    pub pool_id: String,
    /// `EMAIL` or `SMS`.
    pub channel: String,
    /// Address or phone number.
    pub destination: String,
    /// Email subject.
    pub subject: Option<String>,
    /// Message text.
    pub body: String,
    /// Queue time.
    pub created_at: Millis,
    /// This message's own sender (an email address), in place of the pool's
    /// `EmailConfiguration.From` or the server's default.
    pub from: Option<String>,
    /// This message's own `Reply-To`, in place of the pool's.
    pub reply_to: Option<String>,
    /// Whether the body is HTML, decided from its template before values were put
    /// in; `None` (messages queued before this was recorded) leaves it to the sender.
    pub html: Option<bool>,
}

/// Everything written for a user in one transaction: the record, its unique
/// logins, its searchable attribute index, and queued messages.
#[derive(Debug, Clone)]
pub struct UserWrite {
    /// The record (its `version` is the one read; the store bumps it).
    pub user: UserRecord,
    /// Unique identifiers; a taken one fails the write with `Conflict`.
    pub logins: Vec<Login>,
    /// `(name, value)` pairs `ListUsers` filters on.
    pub index: Vec<(String, String)>,
    /// Messages to queue with the change.
    pub outbox: Vec<OutboundMessage>,
    /// A new SRP verifier, written with the password hash.
    pub srp: Option<SrpCredential>,
}

/// A `ListUsers` filter resolved against the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFilter {
    /// Indexed name (`username`, `email`, `cognito:user_status`, ...).
    pub name: String,
    /// Value to match.
    pub value: String,
    /// Prefix match (`^=`) instead of equality.
    pub prefix: bool,
}

/// A stored group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRecord {
    /// Owning pool.
    pub pool_id: String,
    /// Group name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// IAM role ARN.
    pub role_arn: Option<String>,
    /// Precedence.
    pub precedence: Option<i64>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// User pools.
#[async_trait]
pub trait UserPoolStore: Send + Sync {
    /// Inserts a new pool; `Conflict{what: "pool"}` if the id exists.
    async fn insert_pool(&self, pool: &UserPoolRecord) -> StoreResult<()>;
    /// Reads a pool.
    async fn get_pool(&self, id: &str) -> StoreResult<Option<UserPoolRecord>>;
    /// Replaces a pool if its version still matches (`VersionConflict` otherwise).
    async fn update_pool(&self, pool: &UserPoolRecord) -> StoreResult<()>;
    /// Deletes a pool with its clients, users and groups; false if absent.
    async fn delete_pool(&self, id: &str) -> StoreResult<bool>;
    /// Pools ordered by id, after `after`.
    async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserPoolRecord>>;
    /// Number of users in a pool.
    async fn count_users(&self, pool_id: &str) -> StoreResult<i64>;
}

/// App clients.
#[async_trait]
pub trait AppClientStore: Send + Sync {
    /// Inserts a client.
    async fn insert_client(&self, client: &AppClientRecord) -> StoreResult<()>;
    /// Reads a client by id (ids are globally unique).
    async fn get_client(&self, id: &str) -> StoreResult<Option<AppClientRecord>>;
    /// Replaces a client if its version still matches.
    async fn update_client(&self, client: &AppClientRecord) -> StoreResult<()>;
    /// Deletes a client; false if absent.
    async fn delete_client(&self, pool_id: &str, id: &str) -> StoreResult<bool>;
    /// A pool's clients ordered by id, after `after`.
    async fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<AppClientRecord>>;
}

/// Users, their logins and attribute index.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user; a taken login fails with `Conflict{what: <kind>}`. Returns the id.
    async fn insert_user(&self, write: &UserWrite) -> StoreResult<i64>;
    /// Replaces a user (version-checked), its logins and index, and queues messages.
    async fn update_user(&self, write: &UserWrite) -> StoreResult<()>;
    /// Deletes a user with memberships; false if absent.
    async fn delete_user(&self, pool_id: &str, user_id: i64) -> StoreResult<bool>;
    /// Finds a user by one of its normalized logins.
    async fn find_user_by_login(
        &self,
        pool_id: &str,
        login: &str,
    ) -> StoreResult<Option<UserRecord>>;
    /// Finds a user by `sub`.
    async fn find_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>>;
    /// Users in id order after `after`, optionally filtered through the index.
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&IndexFilter>,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>>;
    /// Queued messages of a pool, oldest first (the developer outbox).
    async fn list_outbox(&self, pool_id: &str, limit: usize) -> StoreResult<Vec<OutboundMessage>>;
}

/// Groups and memberships.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group; `Conflict{what: "group"}` if the name is taken.
    async fn insert_group(&self, group: &GroupRecord) -> StoreResult<()>;
    /// Reads a group.
    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>>;
    /// Replaces a group; `NotFound` if absent.
    async fn update_group(&self, group: &GroupRecord) -> StoreResult<()>;
    /// Deletes a group and its memberships; false if absent.
    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool>;
    /// Groups by name after `after`.
    async fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>>;
    /// Adds a membership (idempotent).
    async fn add_member(&self, pool_id: &str, group: &str, user_id: i64) -> StoreResult<()>;
    /// Removes a membership (idempotent).
    async fn remove_member(&self, pool_id: &str, group: &str, user_id: i64) -> StoreResult<()>;
    /// A user's groups by name after `after`.
    async fn groups_for_user(
        &self,
        user_id: i64,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>>;
    /// Number of groups a user belongs to.
    async fn count_groups_for_user(&self, user_id: i64) -> StoreResult<i64>;
    /// Members of a group in user-id order after `after`.
    async fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>>;
}

/// A pool's RS256 signing key; the private key is sealed with the server key.
#[derive(Debug, Clone, PartialEq)]
pub struct SigningKeyRecord {
    /// Key id (`kid`).
    pub kid: String,
    /// Owning pool.
    pub pool_id: String,
    /// `id` or `access`.
    pub purpose: String,
    /// 1 for the first key of a purpose, +1 per rotation.
    pub generation: i64,
    /// Sealed PKCS#8 DER.
    pub private_key: Vec<u8>,
    /// Public JWK as JSON text.
    pub public_jwk: String,
    /// Creation time.
    pub created_at: Millis,
    /// When a newer key replaced this one (still published until its tokens expire).
    pub retired_at: Option<Millis>,
}

/// A user's SRP verifier; `verifier` is sealed with the server key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrpCredential {
    /// Hex salt.
    pub salt: String,
    /// Sealed verifier bytes.
    pub verifier: Vec<u8>,
}

/// A refresh token, known to the store only by its keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// Keyed hash of the token.
    pub token_hash: String,
    /// Owning pool.
    pub pool_id: String,
    /// The only client that may use it.
    pub client_id: String,
    /// Owner.
    pub user_id: i64,
    /// Token family: shared by every token derived from one authentication.
    pub origin_jti: String,
    /// Original authentication time (epoch seconds).
    pub auth_time: i64,
    /// Remembered device the session is bound to.
    pub device_key: Option<String>,
    /// Issue time.
    pub created_at: Millis,
    /// Expiry.
    pub expires_at: Millis,
    /// When rotation replaced it (usable for the grace period after).
    pub replaced_at: Option<Millis>,
    /// When it was revoked.
    pub revoked_at: Option<Millis>,
}

/// A one-time code, stored as a keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// Owner.
    pub user_id: i64,
    /// What it confirms (`sign_up`, `forgot_password`, `verify:email`, ...).
    pub purpose: String,
    /// Keyed hash of the code.
    pub code_hash: String,
    /// Expiry.
    pub expires_at: Millis,
    /// Wrong guesses still allowed.
    pub attempts_left: i64,
    /// Issue time.
    pub created_at: Millis,
}

/// A queued message with its delivery bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMessage {
    /// Queue id.
    pub id: i64,
    /// The message.
    pub message: OutboundMessage,
    /// Delivery attempts so far, including the current one.
    pub attempts: i64,
}

/// The user a token names, read with its revocation state in one round trip (every
/// token-authorized request needs all three).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenHolder {
    /// The user.
    pub user: UserRecord,
    /// Tokens issued before this time (epoch ms) are revoked; 0 if never signed out.
    pub tokens_valid_after: Millis,
    /// Whether the token family asked about is revoked (false when none was named).
    pub origin_revoked: bool,
}

/// Signing keys.
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Inserts a key; a taken `(pool, purpose, generation)` gives `Conflict{what: "signing_key"}`.
    /// Keys of the same purpose still active get `retired_at = key.created_at`.
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()>;
    /// All keys of a pool, oldest generation first.
    async fn signing_keys(&self, pool_id: &str) -> StoreResult<Vec<SigningKeyRecord>>;
}

/// Password verifiers, refresh tokens and revocation.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Reads a user by store id (refresh tokens refer to users this way).
    async fn get_user_by_id(&self, user_id: i64) -> StoreResult<Option<UserRecord>>;
    /// A user's SRP verifier.
    async fn get_srp(&self, user_id: i64) -> StoreResult<Option<SrpCredential>>;
    /// Inserts a refresh token.
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> StoreResult<()>;
    /// Reads a refresh token by hash.
    async fn get_refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshTokenRecord>>;
    /// Rotation: marks `old_hash` replaced at `now` (only if not yet replaced) and
    /// inserts `new`, atomically; false if the old token was already replaced.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        now: Millis,
        new: &RefreshTokenRecord,
    ) -> StoreResult<bool>;
    /// Revokes a token family: its refresh tokens and every access token it minted.
    async fn revoke_origin(
        &self,
        origin_jti: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()>;
    /// Whether a token family is revoked.
    async fn is_origin_revoked(&self, origin_jti: &str) -> StoreResult<bool>;
    /// Global sign-out: revokes the user's refresh tokens and every token issued before `now`.
    async fn revoke_user_tokens(&self, user_id: i64, now: Millis) -> StoreResult<()>;
    /// The user with `sub` in the pool, with the time global sign-out set and
    /// [`TokenStore::is_origin_revoked`] for `origin_jti`, in one read.
    async fn token_holder(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: Option<&str>,
    ) -> StoreResult<Option<TokenHolder>>;
    /// Marks a single-use id (a Session, a SECRET_BLOCK) consumed; false if it already was.
    async fn consume_once(&self, id: &str, expires_at: Millis, now: Millis) -> StoreResult<bool>;
}

/// One-time codes and per-user rate windows.
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Stores (replacing) a code and queues its message in the same transaction.
    async fn put_code(
        &self,
        code: &CodeRecord,
        message: Option<&OutboundMessage>,
    ) -> StoreResult<()>;
    /// Reads a code.
    async fn get_code(&self, user_id: i64, purpose: &str) -> StoreResult<Option<CodeRecord>>;
    /// Atomically uses one attempt; the attempts left afterwards, or None if no code
    /// or none left.
    async fn spend_code_attempt(&self, user_id: i64, purpose: &str) -> StoreResult<Option<i64>>;
    /// Deletes a code; false if it was already gone (someone else used it).
    async fn delete_code(&self, user_id: i64, purpose: &str) -> StoreResult<bool>;
    /// Counts one `action` in the user's current window of `window_ms`; the count after.
    async fn bump_rate(
        &self,
        user_id: i64,
        action: &str,
        now: Millis,
        window_ms: i64,
    ) -> StoreResult<i64>;
}

/// Failed sign-in counters for lockout.
#[async_trait]
pub trait LockoutStore: Send + Sync {
    /// Atomically counts a failure (restarting from 1 when the last one is older than
    /// `reset_after_ms`); the count after.
    async fn record_failure(
        &self,
        user_id: i64,
        now: Millis,
        reset_after_ms: i64,
    ) -> StoreResult<i64>;
    /// `(failures, last_failure_at)`, if any.
    async fn failures(&self, user_id: i64) -> StoreResult<Option<(i64, Millis)>>;
    /// Clears the counter after a successful sign-in.
    async fn clear_failures(&self, user_id: i64) -> StoreResult<()>;
    /// Takes back one failure counted up front for a check that passed without ending
    /// the sign-in (a second factor follows); never below zero.
    async fn forgive_failure(&self, user_id: i64) -> StoreResult<()>;
    /// Like [`LockoutStore::record_failure`] for a name no user of the pool has
    /// (`login_key`, a keyed hash of it). Also deletes (a bounded batch of) such
    /// counters whose last failure is older than `reset_after_ms`, best effort.
    async fn record_unknown_failure(
        &self,
        pool_id: &str,
        login_key: &str,
        now: Millis,
        reset_after_ms: i64,
    ) -> StoreResult<i64>;
    /// Like [`LockoutStore::failures`] for a name no user of the pool has.
    async fn unknown_failures(
        &self,
        pool_id: &str,
        login_key: &str,
    ) -> StoreResult<Option<(i64, Millis)>>;
}

/// Delivery of queued messages.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims the oldest due message, leasing it until `now + lease_ms`.
    async fn claim_due(&self, now: Millis, lease_ms: i64) -> StoreResult<Option<QueuedMessage>>;
    /// Marks a message delivered.
    async fn mark_delivered(&self, id: i64, now: Millis) -> StoreResult<()>;
    /// Records a failed attempt; retried at `retry_at`, or given up when `None`.
    async fn mark_failed(&self, id: i64, error: &str, retry_at: Option<Millis>) -> StoreResult<()>;
}

/// A stored identity pool.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityPoolRecord {
    /// `<region>:<uuid>`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Settings document.
    pub settings: cognate_proto::identity::IdentityPoolSettings,
    /// Roles and role mappings (`SetIdentityPoolRoles`).
    pub roles: cognate_proto::identity::IdentityPoolRoles,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A stored identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    /// `<region>:<uuid>`.
    pub id: String,
    /// Owning identity pool.
    pub pool_id: String,
    /// Provider names of the linked logins.
    pub logins: Vec<String>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// An IAM-style role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    /// Role name (unique).
    pub name: String,
    /// `arn:aws:iam::<account>:role/<path><name>`.
    pub arn: String,
    /// `AROA...` id.
    pub role_id: String,
    /// Path, `/` by default.
    pub path: String,
    /// Trust policy JSON.
    pub trust_policy: String,
    /// Description.
    pub description: Option<String>,
    /// Longest session in seconds.
    pub max_session_secs: i64,
    /// Set when the role was created implicitly for an identity pool.
    pub implicit_pool: Option<String>,
    /// Creation time.
    pub created_at: Millis,
}

/// Temporary credentials issued for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporaryCredentialRecord {
    /// `ASIA...`.
    pub access_key_id: String,
    /// Sealed secret access key.
    pub secret: Vec<u8>,
    /// Keyed hash of the session token.
    pub token_hash: String,
    /// Assumed role.
    pub role_arn: String,
    /// Session name.
    pub session_name: String,
    /// Identity, for identity-pool credentials.
    pub identity_id: Option<String>,
    /// Request-context values for policy evaluation (JSON object of string arrays).
    pub context: String,
    /// Issue time.
    pub created_at: Millis,
    /// Expiry.
    pub expires_at: Millis,
}

/// Identity pools and identities.
#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// Inserts a pool.
    async fn insert_identity_pool(&self, pool: &IdentityPoolRecord) -> StoreResult<()>;
    /// Reads a pool.
    async fn get_identity_pool(&self, id: &str) -> StoreResult<Option<IdentityPoolRecord>>;
    /// Replaces a pool (version-checked).
    async fn update_identity_pool(&self, pool: &IdentityPoolRecord) -> StoreResult<()>;
    /// Deletes a pool with its identities; false if absent.
    async fn delete_identity_pool(&self, id: &str) -> StoreResult<bool>;
    /// Pools by id after `after`.
    async fn list_identity_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityPoolRecord>>;
    /// Reads an identity.
    async fn get_identity(&self, id: &str) -> StoreResult<Option<IdentityRecord>>;
    /// The identity a login (`<provider>\n<subject>`) is linked to.
    async fn find_identity_by_login(
        &self,
        pool_id: &str,
        login: &str,
    ) -> StoreResult<Option<IdentityRecord>>;
    /// Creates an identity with its logins; a login linked elsewhere gives `Conflict{what: "login"}`.
    async fn insert_identity(
        &self,
        identity: &IdentityRecord,
        logins: &[String],
    ) -> StoreResult<()>;
    /// Links more logins to an identity (and records the provider names).
    async fn link_logins(&self, identity: &IdentityRecord, logins: &[String]) -> StoreResult<()>;
    /// Identities of a pool by id after `after`.
    async fn list_identities(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityRecord>>;
    /// Deletes an identity; false if absent.
    async fn delete_identity(&self, id: &str) -> StoreResult<bool>;
    /// The login keys (`<provider>\n<subject>`) linked to an identity.
    async fn identity_login_keys(&self, identity_id: &str) -> StoreResult<Vec<String>>;
    /// Unlinks logins and records the identity's remaining provider names.
    async fn unlink_logins(&self, identity: &IdentityRecord, logins: &[String]) -> StoreResult<()>;
}

/// Roles, inline policies and temporary credentials.
#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Inserts a role; a taken name gives `Conflict{what: "role"}`.
    async fn insert_role(&self, role: &RoleRecord) -> StoreResult<()>;
    /// Reads a role by name.
    async fn get_role(&self, name: &str) -> StoreResult<Option<RoleRecord>>;
    /// Reads a role by ARN.
    async fn get_role_by_arn(&self, arn: &str) -> StoreResult<Option<RoleRecord>>;
    /// Deletes a role and its policies; false if absent.
    async fn delete_role(&self, name: &str) -> StoreResult<bool>;
    /// Roles by name after `after`.
    async fn list_roles(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<RoleRecord>>;
    /// Creates or replaces an inline policy.
    async fn put_role_policy(&self, role: &str, name: &str, document: &str) -> StoreResult<()>;
    /// Reads an inline policy.
    async fn get_role_policy(&self, role: &str, name: &str) -> StoreResult<Option<String>>;
    /// Deletes an inline policy; false if absent.
    async fn delete_role_policy(&self, role: &str, name: &str) -> StoreResult<bool>;
    /// A role's inline policies as `(name, document)`, by name.
    async fn role_policies(&self, role: &str) -> StoreResult<Vec<(String, String)>>;
    /// Stores temporary credentials.
    async fn insert_credentials(&self, creds: &TemporaryCredentialRecord) -> StoreResult<()>;
    /// Reads temporary credentials by access key id.
    async fn get_credentials(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<TemporaryCredentialRecord>>;
    /// Removes credentials that expired before `now`; how many went.
    async fn purge_expired_credentials(&self, now: Millis) -> StoreResult<u64>;
    /// Inserts a service-wide signing key; `Conflict{what:"service_key"}` if the generation exists.
    async fn insert_service_key(
        &self,
        purpose: &str,
        generation: i64,
        kid: &str,
        private_key: &[u8],
        public_jwk: &str,
        now: Millis,
    ) -> StoreResult<()>;
    /// Service keys of a purpose as `(kid, generation, sealed private key, public JWK)`.
    async fn service_keys(&self, purpose: &str)
    -> StoreResult<Vec<(String, i64, Vec<u8>, String)>>;
}

/// An IAM OpenID Connect provider (`CreateOpenIDConnectProvider`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProviderRecord {
    /// `arn:aws:iam::<account>:oidc-provider/<host/path>`.
    pub arn: String,
    /// The issuer URL with its scheme and without a trailing slash.
    pub url: String,
    /// Accepted `aud` values.
    pub client_ids: Vec<String>,
    /// Certificate thumbprints (stored for IAM compatibility, not used).
    pub thumbprints: Vec<String>,
    /// Creation time.
    pub created_at: Millis,
}

/// IAM OpenID Connect providers.
#[async_trait]
pub trait OidcProviderStore: Send + Sync {
    /// Inserts a provider; a taken ARN gives `Conflict{what: "oidc_provider"}`.
    async fn insert_oidc_provider(&self, provider: &OidcProviderRecord) -> StoreResult<()>;
    /// Reads a provider by ARN.
    async fn get_oidc_provider(&self, arn: &str) -> StoreResult<Option<OidcProviderRecord>>;
    /// Deletes a provider; false if absent.
    async fn delete_oidc_provider(&self, arn: &str) -> StoreResult<bool>;
    /// Every provider, by ARN.
    async fn list_oidc_providers(&self) -> StoreResult<Vec<OidcProviderRecord>>;
}

/// A user-pool domain (`CreateUserPoolDomain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRecord {
    /// The domain string: a prefix or a custom host name; unique across pools.
    pub domain: String,
    /// Owning pool.
    pub pool_id: String,
    /// True for a custom domain (one with a certificate), false for a prefix domain.
    pub custom: bool,
    /// ACM certificate ARN of a custom domain.
    pub certificate_arn: Option<String>,
    /// 1 = classic hosted UI, 2 = managed login.
    pub managed_login_version: i64,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// A resource server with its custom scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceServerRecord {
    /// Owning pool.
    pub pool_id: String,
    /// The identifier, unique within the pool.
    pub identifier: String,
    /// Friendly name.
    pub name: String,
    /// Custom scopes.
    pub scopes: Vec<ResourceServerScopeType>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// Classic hosted-UI customization of a pool (`client_id` `ALL`) or one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiCustomizationRecord {
    /// Owning pool.
    pub pool_id: String,
    /// An app client id, or `ALL`.
    pub client_id: String,
    /// Style sheet.
    pub css: Option<String>,
    /// Logo image, base64.
    pub image: Option<String>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// Domains, resource servers and hosted-UI customization: the OAuth configuration.
#[async_trait]
pub trait OAuthConfigStore: Send + Sync {
    /// Inserts a domain; a taken domain, or a second domain of the same kind in the
    /// pool, gives `Conflict{what: "domain"}`.
    async fn insert_domain(&self, domain: &DomainRecord) -> StoreResult<()>;
    /// Reads a domain by its string.
    async fn get_domain(&self, domain: &str) -> StoreResult<Option<DomainRecord>>;
    /// The domains of a pool (at most one prefix and one custom).
    async fn domains_of_pool(&self, pool_id: &str) -> StoreResult<Vec<DomainRecord>>;
    /// Replaces a domain's settings; `NotFound` if absent.
    async fn update_domain(&self, domain: &DomainRecord) -> StoreResult<()>;
    /// Deletes a domain; false if absent.
    async fn delete_domain(&self, domain: &str) -> StoreResult<bool>;
    /// Inserts a resource server; a taken identifier gives `Conflict{what: "resource_server"}`.
    async fn insert_resource_server(&self, server: &ResourceServerRecord) -> StoreResult<()>;
    /// Reads a resource server.
    async fn get_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> StoreResult<Option<ResourceServerRecord>>;
    /// Replaces name and scopes; `NotFound` if absent.
    async fn update_resource_server(&self, server: &ResourceServerRecord) -> StoreResult<()>;
    /// Deletes a resource server; false if absent.
    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> StoreResult<bool>;
    /// Resource servers of a pool with identifiers after `after`, by identifier.
    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ResourceServerRecord>>;
    /// Inserts or replaces a customization.
    async fn put_ui_customization(&self, ui: &UiCustomizationRecord) -> StoreResult<()>;
    /// Reads the customization of a pool (`ALL`) or client.
    async fn get_ui_customization(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<UiCustomizationRecord>>;
}

/// A pool's MFA factors beyond what its settings document holds (`MfaConfiguration`,
/// `SmsAuthenticationMessage` and `SmsConfiguration` live there).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PoolMfaConfig {
    /// SMS MFA is on.
    pub sms_enabled: bool,
    /// TOTP MFA is on.
    pub software_token_enabled: bool,
    /// Email MFA, with its template, when on.
    pub email: Option<cognate_proto::mfa::EmailMfaConfig>,
    /// Passkey settings.
    pub web_authn: Option<cognate_proto::mfa::WebAuthnConfig>,
}

/// Which MFA factors a user turned on, and which one is preferred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaPreferences {
    /// SMS MFA.
    pub sms: bool,
    /// Email MFA.
    pub email: bool,
    /// TOTP MFA.
    pub software_token: bool,
    /// Passkeys as MFA.
    pub web_authn: bool,
    /// `SMS_MFA`, `EMAIL_OTP` or `SOFTWARE_TOKEN_MFA`.
    pub preferred: Option<String>,
}

/// A user's MFA state; TOTP secrets are sealed with the server key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserMfaRecord {
    /// Owner.
    pub user_id: i64,
    /// Factors turned on.
    pub preferences: MfaPreferences,
    /// The verified TOTP secret.
    pub totp_secret: Option<Vec<u8>>,
    /// A secret from `AssociateSoftwareToken` not yet verified.
    pub totp_pending: Option<Vec<u8>>,
    /// `FriendlyDeviceName` from `VerifySoftwareToken`.
    pub totp_device_name: Option<String>,
    /// The last TOTP time step accepted (never accepted again).
    pub totp_last_step: Option<i64>,
    /// Last change.
    pub updated_at: Millis,
}

/// MFA configuration of pools and users.
#[async_trait]
pub trait MfaStore: Send + Sync {
    /// A pool's MFA factors; `None` if `SetUserPoolMfaConfig` never ran.
    async fn get_pool_mfa(&self, pool_id: &str) -> StoreResult<Option<PoolMfaConfig>>;
    /// Replaces the pool (version-checked, like `update_pool`) and its MFA factors in
    /// one transaction.
    async fn set_pool_mfa(&self, pool: &UserPoolRecord, config: &PoolMfaConfig) -> StoreResult<()>;
    /// A user's MFA state, if any was ever written.
    async fn get_user_mfa(&self, user_id: i64) -> StoreResult<Option<UserMfaRecord>>;
    /// Replaces the user's factor choices (secrets untouched).
    async fn set_mfa_preferences(
        &self,
        user_id: i64,
        preferences: &MfaPreferences,
        now: Millis,
    ) -> StoreResult<()>;
    /// Stores a sealed, not yet verified TOTP secret (replacing any earlier one).
    async fn set_pending_totp(&self, user_id: i64, sealed: &[u8], now: Millis) -> StoreResult<()>;
    /// Makes the pending secret the verified one, if it is still `pending`, recording
    /// `step` as used; with `enable`, also turns TOTP MFA on (and preferred when no
    /// factor is). False if the pending secret changed meanwhile.
    #[allow(clippy::too_many_arguments)]
    async fn activate_totp(
        &self,
        user_id: i64,
        pending: &[u8],
        device_name: Option<&str>,
        step: i64,
        enable: bool,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Atomically records `step` as used if it is later than the last one; false if
    /// it (or a later step) was already accepted.
    async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Saves the user (version-checked, like `update_user`) and turns email MFA on
    /// (preferred when no factor is), in one transaction.
    async fn enable_email_mfa(&self, write: &UserWrite, now: Millis) -> StoreResult<()>;
}

/// A registered passkey. The credential document (public key, algorithm, flags at
/// registration) is the WebAuthn library's serialized form; the signature counter lives
/// in its own column so it can be advanced atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAuthnCredentialRecord {
    /// Store-assigned id (0 before insertion); also the listing order.
    pub id: i64,
    /// Owning pool.
    pub pool_id: String,
    /// Owner.
    pub user_id: i64,
    /// Credential id, base64url without padding; unique within the pool.
    pub credential_id: String,
    /// The serialized credential (public key and registration facts), JSON text.
    pub public_key: String,
    /// Last accepted signature counter.
    pub sign_count: i64,
    /// Generated display name.
    pub friendly_name: Option<String>,
    /// The relying party id the passkey was registered for.
    pub relying_party_id: String,
    /// `platform` or `cross-platform`, when reported.
    pub authenticator_attachment: Option<String>,
    /// Transports the authenticator reported.
    pub transports: Vec<String>,
    /// Registration time.
    pub created_at: Millis,
    /// Last successful assertion.
    pub last_used_at: Option<Millis>,
}

/// A pending passkey registration (`StartWebAuthnRegistration`), found again by the
/// challenge the authenticator signed and usable once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAuthnRegistrationRecord {
    /// Owner.
    pub user_id: i64,
    /// The challenge, base64url without padding.
    pub challenge: String,
    /// Sealed registration state.
    pub state: Vec<u8>,
    /// Expiry.
    pub expires_at: Millis,
}

/// Passkeys and pending passkey registrations.
#[async_trait]
pub trait WebAuthnStore: Send + Sync {
    /// Stores a pending registration, dropping the user's expired ones.
    async fn insert_webauthn_registration(
        &self,
        registration: &WebAuthnRegistrationRecord,
        now: Millis,
    ) -> StoreResult<()>;
    /// Removes and returns the user's pending registration for `challenge`; `None` if
    /// there is none or it expired before `now`.
    async fn take_webauthn_registration(
        &self,
        user_id: i64,
        challenge: &str,
        now: Millis,
    ) -> StoreResult<Option<WebAuthnRegistrationRecord>>;
    /// Inserts a passkey unless its user already has `limit` of them (`Ok(None)`); a
    /// credential id taken in the pool gives `Conflict{what: "webauthn_credential"}`, a
    /// user that no longer exists `NotFound`. Returns the new id.
    async fn insert_webauthn_credential(
        &self,
        credential: &WebAuthnCredentialRecord,
        limit: i64,
    ) -> StoreResult<Option<i64>>;
    /// A user's passkeys in id order after `after`.
    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<WebAuthnCredentialRecord>>;
    /// A passkey of the pool by credential id.
    async fn find_webauthn_credential(
        &self,
        pool_id: &str,
        credential_id: &str,
    ) -> StoreResult<Option<WebAuthnCredentialRecord>>;
    /// Deletes one of the user's passkeys; false if the user has no such passkey.
    async fn delete_webauthn_credential(
        &self,
        user_id: i64,
        credential_id: &str,
    ) -> StoreResult<bool>;
    /// Records a successful assertion: the counter moves from `expected` to `count`
    /// and the last-used time is set, only if the stored counter is still `expected`
    /// (false otherwise, e.g. a concurrent assertion won).
    async fn record_webauthn_use(
        &self,
        id: i64,
        expected: i64,
        count: i64,
        now: Millis,
    ) -> StoreResult<bool>;
}

/// Everything Cognate stores.
#[async_trait]
pub trait Store:
    UserPoolStore
    + AppClientStore
    + UserStore
    + GroupStore
    + KeyStore
    + TokenStore
    + CodeStore
    + LockoutStore
    + OutboxStore
    + IdentityStore
    + RoleStore
    + OidcProviderStore
    + OAuthConfigStore
    + MfaStore
    + WebAuthnStore
    + ThreatStore
    + DeviceStore
{
    /// Checks the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Closes connections cleanly (on shutdown).
    async fn close(&self);
}
