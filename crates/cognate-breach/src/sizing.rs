//! Sizing of a blocked Bloom filter: how many 512-bit blocks and how many bits per key
//! reach a target false-positive rate for a given number of entries.
//!
//! Each key sets `k` bits inside one block chosen by the key, so the number of keys in a
//! block is (close to) Poisson-distributed with mean `λ = n / blocks`. The rate is
//! `Σ_i P(i; λ) · (1 − (1 − 1/512)^(k·i))^k`, a little above a classic Bloom filter of
//! the same size in exchange for one cache line (and one disk read) per lookup.

use crate::error::BreachError;

/// Bits in one block (one 64-byte cache line).
pub const BLOCK_BITS: u64 = 512;
/// Bytes in one block.
pub const BLOCK_BYTES: usize = 64;
/// Most bits a key may set.
pub const MAX_HASHES: u32 = 32;

/// Shape of a filter: block count and bits set per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of 512-bit blocks (at least 1).
    pub blocks: u64,
    /// Bits set per key (1..=32).
    pub hashes: u32,
}

impl Params {
    /// The smallest filter (in steps of 1/8 bit per key) whose expected false-positive
    /// rate for `entries` keys is at most `fpr`, with the best `hashes` for that size.
    pub fn for_entries(entries: u64, fpr: f64) -> Result<Self, BreachError> {
        if !(fpr > 0.0 && fpr < 1.0) || fpr < 1e-9 {
            return Err(BreachError::InvalidParameters(format!(
                "false-positive rate must be between 1e-9 and 1 (exclusive), got {fpr}"
            )));
        }
        if entries == 0 {
            return Ok(Params {
                blocks: 1,
                hashes: 1,
            });
        }
        // No Bloom filter beats -log2(fpr)/ln 2 bits per key: start the search there.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let mut eighths = ((-fpr.log2() / std::f64::consts::LN_2) * 8.0)
            .floor()
            .max(8.0) as u64;
        loop {
            let bits = entries.saturating_mul(eighths).div_ceil(8);
            let blocks = bits.div_ceil(BLOCK_BITS).max(1);
            let (hashes, rate) = best_hashes(entries, blocks);
            if rate <= fpr {
                return Ok(Params { blocks, hashes });
            }
            if eighths >= 128 * 8 {
                return Err(BreachError::InvalidParameters(format!(
                    "false-positive rate {fpr} needs more than 128 bits per entry"
                )));
            }
            eighths += 1;
        }
    }

    /// Size of the bit array in bytes.
    pub fn bit_bytes(&self) -> u64 {
        self.blocks.saturating_mul(BLOCK_BYTES as u64)
    }
}

/// The `hashes` in 1..=32 with the lowest expected rate, and that rate.
fn best_hashes(entries: u64, blocks: u64) -> (u32, f64) {
    (1..=MAX_HASHES)
        .map(|k| (k, expected_fpr(entries, blocks, k)))
        .fold(
            (1, f64::INFINITY),
            |best, cur| {
                if cur.1 < best.1 { cur } else { best }
            },
        )
}

/// Expected false-positive rate of a filter with `blocks` blocks, `hashes` bits per key
/// and `entries` distinct keys.
#[allow(clippy::cast_precision_loss)] // counts far below 2^52 in practice
pub fn expected_fpr(entries: u64, blocks: u64, hashes: u32) -> f64 {
    if entries == 0 || blocks == 0 {
        return 0.0;
    }
    let lambda = entries as f64 / blocks as f64;
    let miss_one = 1.0 - 1.0 / BLOCK_BITS as f64;
    let k = f64::from(hashes);
    // Sum the Poisson terms within ±12 standard deviations (plus a margin for small λ),
    // in log space so that large λ does not underflow.
    let spread = 12.0 * lambda.sqrt() + 30.0;
    let lo = (lambda - spread).max(0.0).floor();
    let hi = (lambda + spread).ceil();
    let mut total = 0.0;
    let mut i = lo;
    while i <= hi {
        let log_p = -lambda + i * lambda.ln() - ln_factorial(i);
        let filled = 1.0 - miss_one.powf(k * i);
        total += log_p.exp() * filled.powf(k);
        i += 1.0;
    }
    total.min(1.0)
}

/// ln(x!) for whole x ≥ 0 (exact sum below 16, Stirling's series above).
fn ln_factorial(x: f64) -> f64 {
    if x < 16.0 {
        let mut acc = 0.0;
        let mut j = 2.0;
        while j <= x {
            acc += f64::ln(j);
            j += 1.0;
        }
        acc
    } else {
        x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x)
            - 1.0 / (360.0 * x * x * x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_reaches_the_target_rate() {
        let p = Params::for_entries(100_000, 0.001).unwrap();
        let rate = expected_fpr(100_000, p.blocks, p.hashes);
        assert!(rate <= 0.001, "{rate}");
        // About 15.5 bits per key, k = 10, for a 512-bit blocked filter.
        let bits_per_key = (p.blocks * BLOCK_BITS) as f64 / 100_000.0;
        assert!((14.0..17.0).contains(&bits_per_key), "{bits_per_key}");
        assert!((8..=12).contains(&p.hashes), "{}", p.hashes);
    }

    #[test]
    fn rate_falls_as_the_filter_grows() {
        let a = expected_fpr(1000, 10, 7);
        let b = expected_fpr(1000, 40, 7);
        assert!(b < a, "{a} {b}");
        assert!(expected_fpr(1_000_000, 1, 7) > 0.99);
    }

    #[test]
    fn stirling_matches_the_exact_sum() {
        let exact: f64 = (2..=300).map(|j| f64::ln(f64::from(j))).sum();
        assert!((ln_factorial(300.0) - exact).abs() < 1e-6);
    }

    #[test]
    fn impossible_rates_are_refused() {
        for bad in [0.0, 1.0, -0.5, f64::NAN, 1e-12] {
            assert!(Params::for_entries(10, bad).is_err(), "{bad}");
        }
    }
}
