//! The crypto costs that bound the server's throughput, measured on this machine with
//! Cognate's own code: one Argon2id hash (the server's parameters, m = 19 MiB, t = 2,
//! p = 1), one RS256 signature, and one SRP server step (`server_ephemeral` +
//! `verify_claim`, without the client's share).

use anyhow::{Context, Result};
use cognate_core::password::PasswordHasher;
use cognate_core::srp::client::{ClaimInput, ClientEphemeral, password_claim_signature};
use cognate_core::srp::{ClaimCheck, format_timestamp, make_verifier, server_ephemeral};
use cognate_core::token::SigningKey;
use std::time::{Duration, Instant};

/// Measured single-core costs, in seconds per operation: the fastest of several runs,
/// since on a shared machine slower runs measure other processes, not the code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Logical CPUs (`available_parallelism`).
    pub(crate) cores: f64,
    /// One Argon2id hash.
    pub(crate) hash_s: f64,
    /// One RS256 signature.
    pub(crate) sign_s: f64,
    /// One SRP server step.
    pub(crate) srp_server_s: f64,
    /// The median runs of the same three, to show how noisy the machine was.
    pub(crate) median: [f64; 3],
}

impl Bounds {
    /// Password sign-ins/s ≤ cores ÷ hash time.
    pub(crate) fn hash_bound(&self) -> f64 {
        self.cores / self.hash_s
    }

    /// Token-issuing responses/s ≤ cores × signatures/s ÷ 2 (ID and access token).
    pub(crate) fn token_bound(&self) -> f64 {
        self.cores / self.sign_s / 2.0
    }

    /// SRP sign-ins/s ≤ cores ÷ (SRP server step + two signatures).
    pub(crate) fn srp_bound(&self) -> f64 {
        self.cores / (self.srp_server_s + 2.0 * self.sign_s)
    }

    /// Mixed iterations/s ≤ cores ÷ (hash + four signatures): a password sign-in and a
    /// refresh each sign an ID and an access token.
    pub(crate) fn mixed_bound(&self) -> f64 {
        self.cores / (self.hash_s + 4.0 * self.sign_s)
    }
}

/// `(fastest, median)` of some timings, in seconds.
fn min_median(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |i: usize| v.get(i).map_or(0.0, Duration::as_secs_f64);
    (at(0), at(v.len() / 2))
}

/// Measures the three costs (a few seconds on a small machine).
pub(crate) async fn measure() -> Result<Bounds> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let hasher = PasswordHasher::new(1);
    hasher.hash("Warm-up-passw0rd!").await?;
    let mut hashes = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        hasher.hash("Bench-passw0rd!").await?;
        hashes.push(t.elapsed());
    }
    let (sign, srp) =
        tokio::task::spawn_blocking(|| -> Result<_> { Ok((measure_signature()?, measure_srp()?)) })
            .await??;
    let hash = min_median(hashes);
    Ok(Bounds {
        cores,
        hash_s: hash.0,
        sign_s: sign.0,
        srp_server_s: srp.0,
        median: [hash.1, sign.1, srp.1],
    })
}

/// Per-signature time over 10 batches of 100.
fn measure_signature() -> Result<(f64, f64)> {
    let key = SigningKey::generate()?;
    // An access token's claims, as the server signs them.
    let claims = serde_json::json!({
        "sub": "6f2b1c1e-8c63-4f31-9d7a-2f2a4b7f0c11", "cognito:groups": [],
        "iss": "http://127.0.0.1:9229/us-east-1_AbCdEfGhI", "client_id": "1example23456789",
        "origin_jti": "0b7a7f39-1c1e-4c8e-a6a1-3c4c7e2d9f10", "event_id": "5b7e2a9c-0c1d-4a6b-9e8f-7d6c5b4a3f21",
        "token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": 1_700_000_000,
        "exp": 1_700_003_600, "iat": 1_700_000_000, "jti": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
        "username": "bench-user-000001"
    });
    key.sign(&claims)?;
    let mut batches = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        for _ in 0..100 {
            key.sign(&claims)?;
        }
        batches.push(t.elapsed() / 100);
    }
    Ok(min_median(batches))
}

/// The server's share of 20 SRP exchanges.
fn measure_srp() -> Result<(f64, f64)> {
    let (realm, user, password) = ("AbCdEfGhI", "bench-user-000001", "Bench-passw0rd!");
    let verifier = make_verifier(realm, user, password);
    let block = "c2VjcmV0LWJsb2NrLWZvci10aGUtYmVuY2htYXJr";
    let timestamp = format_timestamp(1_700_000_000);
    let mut runs = Vec::new();
    for _ in 0..20 {
        let eph = ClientEphemeral::generate();
        let a = cognate_core::srp::parse_client_public(&eph.public_a_hex)?;
        let t = Instant::now();
        let b = server_ephemeral(&verifier.verifier);
        let mut server = t.elapsed();
        let input = ClaimInput {
            realm,
            user_id: user,
            password,
            salt_hex: &verifier.salt_hex,
            public_b_hex: &b.public_b_hex,
            secret_block_b64: block,
            timestamp: &timestamp,
        };
        let signature = password_claim_signature(&eph, &input)?;
        let check = ClaimCheck {
            realm,
            user_id: user,
            salt_hex: &verifier.salt_hex,
            verifier: &verifier.verifier,
            client_public_a: &a,
            secret_b: &b.secret_b,
            public_b_hex: &b.public_b_hex,
            secret_block_b64: block,
            timestamp: &timestamp,
            signature_b64: &signature,
        };
        let t = Instant::now();
        cognate_core::srp::verify_claim(&check).context("the SRP self-check failed")?;
        server += t.elapsed();
        runs.push(server);
    }
    Ok(min_median(runs))
}
