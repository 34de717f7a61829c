//! The first thing a newcomer does: create a pool and read it back.

backend_tests! {
    async fn create_and_describe_a_pool(app) {
        let id = app.create_pool("smoke").await;
        assert!(id.starts_with("us-east-1_"));
        let pool = app.idp.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
        assert_eq!(pool.name.as_deref(), Some("smoke"));
    }
}
