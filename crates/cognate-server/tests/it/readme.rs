//! The README's first steps, through the SDK: a server started without an admin key
//! generates one, and a client that reads the generated credentials file the way the
//! AWS CLI does (`AWS_SHARED_CREDENTIALS_FILE`, profile `cognate`) can create a pool.

use crate::helpers::{Db, spawn_with, test_config};
use aws_config::BehaviorVersion;
// The profile-file types are deprecated aliases of aws-runtime's; aws-config is the
// crate applications use, so the test uses its names.
#[allow(deprecated)]
use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(deprecated)]
async fn generated_admin_credentials_file_works_like_the_aws_cli() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    config.admin_access_key_id = None;
    config.admin_secret_access_key = None;
    let app = spawn_with(config, dir).await;
    let creds_file = app.data_dir.join("admin-credentials");
    let files = ProfileFiles::builder()
        .with_file(ProfileFileKind::Credentials, &creds_file)
        .build();
    let sdk_config = aws_config::defaults(BehaviorVersion::latest())
        .profile_files(files)
        .profile_name("cognate")
        .region("us-east-1")
        .endpoint_url(&app.url)
        .load()
        .await;
    let client = aws_sdk_cognitoidentityprovider::Client::new(&sdk_config);
    let pool = client
        .create_user_pool()
        .pool_name("demo")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(pool.name.as_deref(), Some("demo"));
    let listed = client
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.user_pools().len(), 1);
}
