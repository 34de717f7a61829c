//! The AWS JSON 1.1 front door: routing by `X-Amz-Target`, error shapes, request ids,
//! body limits, CORS, health and metrics. Malformed input gets a 4xx, never a 500.

const CREATE_POOL: &str = "AWSCognitoIdentityProviderService.CreateUserPool";

async fn error_of(resp: reqwest::Response) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let header = resp
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(resp.headers()["content-type"], "application/x-amz-json-1.1");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(header, format!("{}:", body["__type"].as_str().unwrap()));
    (
        status,
        body["__type"].as_str().unwrap().to_owned(),
        body["message"].as_str().unwrap_or_default().to_owned(),
    )
}

backend_tests! {
    async fn unknown_target_is_unknown_operation(app) {
        let (status, kind, _) = error_of(app.raw("AWSCognitoIdentityProviderService.MakeCoffee", "{}").await).await;
        assert_eq!((status, kind.as_str()), (400, "UnknownOperationException"));
        let (status, kind, _) = error_of(app.raw("NoDotHere", "{}").await).await;
        assert_eq!((status, kind.as_str()), (400, "UnknownOperationException"));
        let resp = reqwest::Client::new().post(&app.url).body("{}").send().await.unwrap();
        let (status, kind, _) = error_of(resp).await;
        assert_eq!((status, kind.as_str()), (400, "UnknownOperationException"));
    }

    async fn model_operations_not_yet_built_are_unsupported(app) {
        let (status, kind, msg) = error_of(app.raw("AWSCognitoIdentityProviderService.CreateUserImportJob", "{}").await).await;
        assert_eq!((status, kind.as_str()), (400, "UnsupportedOperationException"));
        assert!(msg.contains("CreateUserImportJob"));
    }

    async fn every_response_carries_a_request_id(app) {
        use aws_sdk_cognitoidentityprovider::operation::RequestId;
        let resp = app.raw("AWSCognitoIdentityProviderService.MakeCoffee", "{}").await;
        let id = resp.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36);
        let ok = app.idp.list_user_pools().max_results(1).send().await.unwrap();
        assert!(ok.request_id().is_some_and(|r| r.len() == 36));
    }

    async fn non_json_body_is_serialization_exception(app) {
        let (status, kind, _) = error_of(app.signed_raw(CREATE_POOL, "{not json").await).await;
        assert_eq!((status, kind.as_str()), (400, "SerializationException"));
    }

    async fn wrong_member_type_is_serialization_exception(app) {
        let (status, kind, _) = error_of(app.signed_raw(CREATE_POOL, r#"{"PoolName": 42}"#).await).await;
        assert_eq!((status, kind.as_str()), (400, "SerializationException"));
        let (status, kind, _) = error_of(app.signed_raw(CREATE_POOL, "[1,2]").await).await;
        assert_eq!((status, kind.as_str()), (400, "SerializationException"));
    }

    async fn missing_required_member_is_invalid_parameter_naming_it(app) {
        let (status, kind, msg) = error_of(app.signed_raw(CREATE_POOL, "{}").await).await;
        assert_eq!((status, kind.as_str()), (400, "InvalidParameterException"));
        assert!(msg.contains("'poolName'") && msg.contains("must not be null"), "{msg}");
        let (status, kind, msg) = error_of(app.signed_raw(CREATE_POOL, "").await).await;
        assert_eq!((status, kind.as_str()), (400, "InvalidParameterException"), "{msg}");
    }

    async fn hostile_bodies_never_cause_a_server_error(app) {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for body in [
            "null", "true", "\"str\"", "{\"PoolName\":null}", "{\"PoolName\":\"\\ud800\"}",
            "{\"PoolName\":\"p\",\"Policies\":{\"PasswordPolicy\":{\"MinimumLength\":1e309}}}",
            "{\"PoolName\":\"p\",\"Schema\":[{}]}", "{\"PoolName\":\"p\",\"UserPoolTags\":{\"k\":1}}", &deep,
        ] {
            let resp = app.signed_raw(CREATE_POOL, body).await;
            let status = resp.status().as_u16();
            assert!((400..500).contains(&status) || status == 200, "{body:.40} gave {status}");
        }
    }

    async fn oversized_body_is_refused_with_413(app) {
        let big = format!("{{\"PoolName\":\"{}\"}}", "x".repeat(3 * 1024 * 1024));
        let (status, kind, _) = error_of(app.signed_raw(CREATE_POOL, &big).await).await;
        assert_eq!((status, kind.as_str()), (413, "RequestEntityTooLargeException"));
    }

    async fn cors_preflight_allows_browser_calls(app) {
        let resp = reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, &app.url)
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-amz-target,x-amz-user-agent,cache-control")
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
        let h = resp.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        let allowed = h["access-control-allow-headers"].to_str().unwrap().to_lowercase();
        assert!(allowed.contains("x-amz-target") && allowed.contains("x-amz-user-agent"), "{allowed}");
        assert!(h["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    }

    async fn error_responses_expose_aws_headers_to_browsers(app) {
        let resp = reqwest::Client::new()
            .post(&app.url)
            .header("origin", "https://app.example.com")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.MakeCoffee")
            .body("{}")
            .send()
            .await
            .unwrap();
        let exposed = resp.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase();
        assert!(exposed.contains("x-amzn-requestid") && exposed.contains("x-amzn-errortype"), "{exposed}");
    }

    async fn health_reports_database_ok(app) {
        let resp = reqwest::get(format!("{}/health", app.url)).await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }

    async fn metrics_count_requests_by_operation_and_outcome(app) {
        app.idp.list_user_pools().max_results(1).send().await.unwrap();
        let _ = app.idp.describe_user_pool().user_pool_id("us-east-1_missing00").send().await;
        let text = reqwest::get(format!("{}/metrics", app.url)).await.unwrap().text().await.unwrap();
        assert!(text.contains("cognate_requests_total{operation=\"ListUserPools\",outcome=\"ok\"}"), "{text}");
        assert!(text.contains("outcome=\"ResourceNotFoundException\""), "{text}");
        assert!(text.contains("cognate_request_duration_seconds_bucket"), "{text}");
    }
}
