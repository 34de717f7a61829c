//! Request metrics in Prometheus format: counts and latency by operation and outcome.
//!
//! One process-wide recorder is installed on first use; `GET /metrics` renders it.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Latency buckets in seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Installs (once) and returns the metrics handle, if a recorder could be installed.
pub fn handle() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("cognate_request_duration_seconds".into()),
                    BUCKETS,
                )
                .ok()?
                .install_recorder()
                .ok()
        })
        .clone()
}

/// Records one handled request.
pub fn record(operation: &'static str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!("cognate_requests_total", "operation" => operation, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("cognate_request_duration_seconds", "operation" => operation, "outcome" => outcome)
        .record(elapsed.as_secs_f64());
}

/// `GET /metrics`.
pub async fn metrics_endpoint() -> String {
    handle().map(|h| h.render()).unwrap_or_default()
}
