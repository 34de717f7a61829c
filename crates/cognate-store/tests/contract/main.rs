//! The store contract: every case runs against SQLite (always) and PostgreSQL (when
//! `COGNATE_TEST_DATABASE_URL` names a server; otherwise the PostgreSQL variants print a
//! notice and pass). Each case is an `async fn(&dyn Store)` on a fresh, empty store.

#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod clients;
mod fixtures;
mod groups;
mod harness;
mod pools;
mod users;

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

    groups::group_insert_get_duplicate => sqlite_group_insert_get_duplicate, postgres_group_insert_get_duplicate;
    groups::group_update => sqlite_group_update, postgres_group_update;
    groups::group_list_in_name_order_with_cursor => sqlite_group_list_in_name_order_with_cursor, postgres_group_list_in_name_order_with_cursor;
    groups::group_membership => sqlite_group_membership, postgres_group_membership;
    groups::group_users_in_group_with_cursor => sqlite_group_users_in_group_with_cursor, postgres_group_users_in_group_with_cursor;
    groups::group_delete_removes_memberships => sqlite_group_delete_removes_memberships, postgres_group_delete_removes_memberships;
}
