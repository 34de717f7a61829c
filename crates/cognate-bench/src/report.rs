//! Turning recorders into figures: throughput, latency percentiles, server CPU per
//! iteration and the ratio against the crypto bound that applies to the scenario.

use crate::bounds::Bounds;
use crate::record::Recorder;
use crate::scenarios::Scenario;
use std::collections::BTreeMap;
use std::time::Duration;

/// One scenario's figures.
#[derive(Debug)]
pub(crate) struct Row {
    scenario: Scenario,
    requests: usize,
    per_sec: f64,
    req_per_sec: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
    error_kinds: BTreeMap<String, u64>,
    /// Server CPU seconds per iteration.
    server_cpu: Option<f64>,
    /// This process's CPU seconds per iteration (it shares the machine).
    bench_cpu: f64,
    peak_rss_kib: Option<u64>,
    bound: Option<(&'static str, f64)>,
}

/// CPU seconds both processes used during a run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cpu {
    pub(crate) server: Option<f64>,
    pub(crate) bench: f64,
}

/// The throughput bound that applies to `s`, with how it is derived.
fn bound_for(s: Scenario, b: &Bounds) -> Option<(&'static str, f64)> {
    match s {
        Scenario::Password | Scenario::SignUp => Some(("cores ÷ hash", b.hash_bound())),
        Scenario::Srp | Scenario::Refresh => Some(("cores × sig/s ÷ 2", b.token_bound())),
        Scenario::Mixed => Some(("cores ÷ (hash + 4 sig)", b.mixed_bound())),
        _ => None,
    }
}

impl Row {
    /// Figures for one run of `scenario` that took `elapsed`.
    pub(crate) fn new(
        scenario: Scenario,
        mut rec: Recorder,
        elapsed: Duration,
        cpu: Cpu,
        peak_rss_kib: Option<u64>,
        bounds: &Bounds,
    ) -> Self {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let its = rec.iterations.max(1) as f64;
        Self {
            scenario,
            requests: rec.latencies_us.len(),
            per_sec: rec.iterations as f64 / secs,
            req_per_sec: rec.latencies_us.len() as f64 / secs,
            p50: rec.percentile(0.50),
            p99: rec.percentile(0.99),
            errors: rec.errors,
            error_kinds: std::mem::take(&mut rec.error_kinds),
            server_cpu: cpu.server.map(|c| c / its),
            bench_cpu: cpu.bench / its,
            peak_rss_kib,
            bound: bound_for(scenario, bounds),
        }
    }

    /// The table header matching [`Row::line`].
    pub(crate) const HEADER: &'static str = "| scenario | iterations/s | requests/s | p50 ms | p99 ms | errors | server CPU ms/iteration | bench CPU ms/iteration | server peak RSS MiB | bound /s (how) | ratio |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// One Markdown table line.
    pub(crate) fn line(&self) -> String {
        let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1e3);
        let opt = |v: Option<String>| v.unwrap_or_else(|| "n/a".into());
        let (bound, ratio) = match self.bound {
            Some((how, b)) => (
                format!("{b:.0} ({how})"),
                format!("{:.0} %", 100.0 * self.per_sec / b),
            ),
            None => ("—".into(), "—".into()),
        };
        format!(
            "| {} | {:.1} | {:.1} | {} | {} | {} | {} | {:.2} | {} | {bound} | {ratio} |",
            self.scenario.name(),
            self.per_sec,
            self.req_per_sec,
            ms(self.p50),
            ms(self.p99),
            self.errors,
            opt(self.server_cpu.map(|c| format!("{:.2}", c * 1e3))),
            self.bench_cpu * 1e3,
            opt(self
                .peak_rss_kib
                .map(|k| format!("{:.1}", k as f64 / 1024.0))),
        )
    }

    /// The scenario measured.
    pub(crate) fn scenario(&self) -> Scenario {
        self.scenario
    }

    /// Completed iterations per second.
    pub(crate) fn per_sec(&self) -> f64 {
        self.per_sec
    }

    /// Error codes and counts, when there were errors.
    pub(crate) fn errors_line(&self) -> Option<String> {
        (!self.error_kinds.is_empty()).then(|| {
            let kinds: Vec<String> = self
                .error_kinds
                .iter()
                .map(|(k, n)| format!("{k} ×{n}"))
                .collect();
            format!(
                "  {} errors in {} requests: {}",
                self.scenario.name(),
                self.requests,
                kinds.join(", ")
            )
        })
    }
}

/// Prints the measured costs and the bounds they imply.
pub(crate) fn print_bounds(b: &Bounds) {
    println!(
        "## Crypto bounds measured on this machine ({} cores)\n",
        b.cores
    );
    println!(
        "- Argon2id hash (m=19456 KiB, t=2, p=1): {:.1} ms [{:.1}] → password sign-ins ≤ cores ÷ hash = {:.1}/s",
        b.hash_s * 1e3,
        b.median[0] * 1e3,
        b.hash_bound()
    );
    println!(
        "- RS256 signature: {:.3} ms [{:.3}] ({:.0}/s per core) → token-issuing responses ≤ cores × sig/s ÷ 2 = {:.0}/s",
        b.sign_s * 1e3,
        b.median[1] * 1e3,
        1.0 / b.sign_s,
        b.token_bound()
    );
    println!(
        "- SRP server step (server_ephemeral + verify_claim): {:.2} ms [{:.2}] → SRP sign-ins ≤ cores ÷ (SRP + 2 sig) = {:.0}/s",
        b.srp_server_s * 1e3,
        b.median[2] * 1e3,
        b.srp_bound()
    );
    println!(
        "- mixed (sign-in + GetUser + refresh) ≤ cores ÷ (hash + 4 sig) = {:.1}/s\n",
        b.mixed_bound()
    );
}
