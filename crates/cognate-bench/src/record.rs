//! Per-request bookkeeping: latency of every call, errors by Cognito error code, and
//! the loop that runs one scenario on C workers until the deadline.

use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What one worker (or a whole run, after [`Recorder::merge`]) observed.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Latency of every request, in microseconds, failed ones included.
    pub(crate) latencies_us: Vec<u64>,
    /// Completed scenario iterations (a sign-in, a lookup, ...), failed ones excluded.
    pub(crate) iterations: u64,
    /// Failed requests or iterations.
    pub(crate) errors: u64,
    /// Errors by Cognito code (or a short transport message).
    pub(crate) error_kinds: BTreeMap<String, u64>,
}

impl Recorder {
    /// Times one SDK call; an error is counted and becomes `None`.
    pub(crate) async fn call<T, E>(
        &mut self,
        request: impl Future<Output = Result<T, E>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let started = Instant::now();
        let result = request.await;
        self.record(started, result)
    }

    /// Records a request that started at `started` and has just ended with `result`.
    pub(crate) fn record<T, E>(&mut self, started: Instant, result: Result<T, E>) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.latencies_us
            .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(error_code(&e));
                None
            }
        }
    }

    /// Counts a failure that is not an SDK error (a missing token, a wrong result).
    pub(crate) fn fail(&mut self, kind: impl Into<String>) {
        self.errors += 1;
        *self.error_kinds.entry(kind.into()).or_default() += 1;
    }

    /// Adds another worker's observations.
    pub(crate) fn merge(&mut self, other: Recorder) {
        self.latencies_us.extend(other.latencies_us);
        self.iterations += other.iterations;
        self.errors += other.errors;
        for (k, n) in other.error_kinds {
            *self.error_kinds.entry(k).or_default() += n;
        }
    }

    /// Latency percentile `q` in 0..=1 (nearest rank), after sorting.
    pub(crate) fn percentile(&mut self, q: f64) -> Duration {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Duration::from_micros(self.latencies_us[rank - 1])
    }
}

/// The error's Cognito code (`NotAuthorizedException`, ...) or, for transport
/// failures, the start of its message.
pub(crate) fn error_code<E>(e: &E) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match e.code() {
        Some(code) => code.to_owned(),
        None => DisplayErrorContext(e)
            .to_string()
            .chars()
            .take(120)
            .collect(),
    }
}

/// Whether the server answered `UnsupportedOperationException`.
pub(crate) fn is_unsupported<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("UnsupportedOperationException")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let mut r = Recorder {
            latencies_us: (1..=100).rev().collect(),
            ..Recorder::default()
        };
        assert_eq!(r.percentile(0.5), Duration::from_micros(50));
        assert_eq!(r.percentile(0.99), Duration::from_micros(99));
        assert_eq!(r.percentile(1.0), Duration::from_micros(100));
        assert_eq!(Recorder::default().percentile(0.5), Duration::ZERO);
    }

    #[test]
    fn merge_adds_up() {
        let mut a = Recorder::default();
        a.fail("X");
        let mut b = Recorder::default();
        b.fail("X");
        b.iterations = 3;
        a.merge(b);
        assert_eq!((a.errors, a.iterations, a.error_kinds["X"]), (2, 3, 2));
    }
}
