//! The store contract: every case runs against SQLite (always) and PostgreSQL (when
//! `COGNATE_TEST_DATABASE_URL` names a server; otherwise the PostgreSQL variants print a
//! notice and pass). Each case is an `async fn(&dyn Store)` on a fresh, empty store.

#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod clients;
mod devices;
mod fixtures;
mod groups;
mod harness;
mod mfa;
mod pools;
mod threat;
mod tokens;
mod users;
mod webauthn;

/// For each `case => sqlite_name, postgres_name;` defines the two `#[tokio::test]`s.
/// The names are spelled out because `macro_rules!` cannot join identifiers (and the
/// suite takes no `paste` dependency for it).
macro_rules! contract {
    ($($case:path => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test]
        async fn $sqlite() {
            let db = harness::SqliteDb::open().await;
            $case(&db.store).await;
            db.close().await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(db) = harness::PostgresDb::open().await else {
                return;
            };
            $case(&db.store).await;
            db.close().await;
        }
    )+};
}

contract! {
    pools::pool_insert_get_update => sqlite_pool_insert_get_update, postgres_pool_insert_get_update;
    pools::pool_list_with_cursor => sqlite_pool_list_with_cursor, postgres_pool_list_with_cursor;
    pools::pool_delete => sqlite_pool_delete, postgres_pool_delete;
    pools::pool_delete_removes_children => sqlite_pool_delete_removes_children, postgres_pool_delete_removes_children;
    pools::ping => sqlite_ping, postgres_ping;

    clients::client_insert_get => sqlite_client_insert_get, postgres_client_insert_get;
    clients::client_update_version => sqlite_client_update_version, postgres_client_update_version;
    clients::client_list_per_pool_with_cursor => sqlite_client_list_per_pool_with_cursor, postgres_client_list_per_pool_with_cursor;
    clients::client_delete => sqlite_client_delete, postgres_client_delete;

    users::user_insert_returns_increasing_ids => sqlite_user_insert_returns_increasing_ids, postgres_user_insert_returns_increasing_ids;
    users::user_insert_conflict_is_transactional => sqlite_user_insert_conflict_is_transactional, postgres_user_insert_conflict_is_transactional;
    users::user_update_replaces_logins_and_index => sqlite_user_update_replaces_logins_and_index, postgres_user_update_replaces_logins_and_index;
    users::user_update_stale_version => sqlite_user_update_stale_version, postgres_user_update_stale_version;
    users::user_update_login_conflict_is_transactional => sqlite_user_update_login_conflict_is_transactional, postgres_user_update_login_conflict_is_transactional;
    users::user_find_by_login_and_sub => sqlite_user_find_by_login_and_sub, postgres_user_find_by_login_and_sub;
    users::user_list_no_filter_with_cursor => sqlite_user_list_no_filter_with_cursor, postgres_user_list_no_filter_with_cursor;
    users::user_list_equality_filter => sqlite_user_list_equality_filter, postgres_user_list_equality_filter;
    users::user_list_prefix_filter => sqlite_user_list_prefix_filter, postgres_user_list_prefix_filter;
    users::user_outbox_written_with_writes => sqlite_user_outbox_written_with_writes, postgres_user_outbox_written_with_writes;
    users::user_delete_removes_logins_index_memberships => sqlite_user_delete_removes_logins_index_memberships, postgres_user_delete_removes_logins_index_memberships;
    users::user_delete_is_scoped_to_its_pool => sqlite_user_delete_is_scoped_to_its_pool, postgres_user_delete_is_scoped_to_its_pool;
    users::user_concurrent_writes_conflict_cleanly => sqlite_user_concurrent_writes_conflict_cleanly, postgres_user_concurrent_writes_conflict_cleanly;

    tokens::unknown_login_failures_count_reset_and_go => sqlite_unknown_login_failures_count_reset_and_go, postgres_unknown_login_failures_count_reset_and_go;
    tokens::token_holder_reads_user_and_revocation => sqlite_token_holder_reads_user_and_revocation, postgres_token_holder_reads_user_and_revocation;

    groups::group_insert_get_duplicate => sqlite_group_insert_get_duplicate, postgres_group_insert_get_duplicate;
    groups::group_update => sqlite_group_update, postgres_group_update;
    groups::group_list_in_name_order_with_cursor => sqlite_group_list_in_name_order_with_cursor, postgres_group_list_in_name_order_with_cursor;
    groups::group_membership => sqlite_group_membership, postgres_group_membership;
    groups::group_users_in_group_with_cursor => sqlite_group_users_in_group_with_cursor, postgres_group_users_in_group_with_cursor;
    groups::group_delete_removes_memberships => sqlite_group_delete_removes_memberships, postgres_group_delete_removes_memberships;

    mfa::mfa_pool_config_is_written_with_the_pool => sqlite_mfa_pool_config_is_written_with_the_pool, postgres_mfa_pool_config_is_written_with_the_pool;
    mfa::mfa_user_preferences_and_totp_secret => sqlite_mfa_user_preferences_and_totp_secret, postgres_mfa_user_preferences_and_totp_secret;
    mfa::mfa_email_setup_is_written_with_the_user => sqlite_mfa_email_setup_is_written_with_the_user, postgres_mfa_email_setup_is_written_with_the_user;

    webauthn::webauthn_credentials_round_trip_and_limit => sqlite_webauthn_credentials_round_trip_and_limit, postgres_webauthn_credentials_round_trip_and_limit;
    webauthn::webauthn_credentials_list_count_and_delete => sqlite_webauthn_credentials_list_count_and_delete, postgres_webauthn_credentials_list_count_and_delete;
    webauthn::webauthn_registrations_are_single_use_and_expire => sqlite_webauthn_registrations_are_single_use_and_expire, postgres_webauthn_registrations_are_single_use_and_expire;

    threat::threat_risk_config_per_pool_and_client => sqlite_threat_risk_config_per_pool_and_client, postgres_threat_risk_config_per_pool_and_client;
    threat::threat_events_list_newest_first_with_cursor => sqlite_threat_events_list_newest_first_with_cursor, postgres_threat_events_list_newest_first_with_cursor;
    threat::threat_event_updates_are_targeted_and_queue_atomically => sqlite_threat_event_updates_are_targeted_and_queue_atomically, postgres_threat_event_updates_are_targeted_and_queue_atomically;
    threat::threat_ip_failures_and_pruning => sqlite_threat_ip_failures_and_pruning, postgres_threat_ip_failures_and_pruning;
    threat::threat_event_updates_can_require_the_current_response => sqlite_threat_event_updates_can_require_the_current_response, postgres_threat_event_updates_can_require_the_current_response;

    devices::devices_round_trip_unique_and_listed_per_user => sqlite_devices_round_trip_unique_and_listed_per_user, postgres_devices_round_trip_unique_and_listed_per_user;
    devices::devices_status_and_touch_change_only_the_owners_device => sqlite_devices_status_and_touch_change_only_the_owners_device, postgres_devices_status_and_touch_change_only_the_owners_device;
    devices::devices_forget_revokes_the_tokens_bound_to_the_device => sqlite_devices_forget_revokes_the_tokens_bound_to_the_device, postgres_devices_forget_revokes_the_tokens_bound_to_the_device;
}
