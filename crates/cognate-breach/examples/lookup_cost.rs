//! Measures import and lookup cost on a synthetic filter:
//!
//! ```sh
//! cargo run --release -p cognate-breach --example lookup_cost -- 20000000
//! ```
//!
//! Writes a Pwned-Passwords-format list of N random hashes to a temporary directory,
//! imports it, then times one million lookups with the filter on disk and in memory.

use cognate_breach::{BloomFilter, Checker, ImportOptions, Residency, key_hex};
use std::io::Write;
use std::time::Instant;

fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn random_key(state: &mut u64) -> [u8; 20] {
    let mut k = [0_u8; 20];
    for chunk in k.chunks_mut(8) {
        let v = next(state).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    k
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |s| s.parse())?;
    let dir = tempfile::tempdir()?;
    let list = dir.path().join("list.txt");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&list)?);
    let mut state = 1;
    for i in 0..n {
        write!(w, "{}:{}\r\n", key_hex(&random_key(&mut state)), 1 + i % 50)?;
    }
    w.flush()?;
    drop(w);

    let out = dir.path().join("out.filter");
    let t = Instant::now();
    let report = cognate_breach::import_pwned_passwords(
        &list,
        &out,
        ImportOptions::default(),
        &mut |_, _| {},
    )?;
    println!(
        "import of {n} lines: {:?} ({} bytes, estimated rate {:.4} %)",
        t.elapsed(),
        report.file_bytes,
        report.estimated_fpr * 100.0
    );

    let lookups = 1_000_000_u32;
    for residency in [Residency::Disk, Residency::Memory] {
        let t = Instant::now();
        let filter = BloomFilter::open(&out, residency)?;
        let opened = t.elapsed();
        let mut probe = 99;
        let mut hits = 0_u32;
        let t = Instant::now();
        for _ in 0..lookups {
            hits += u32::from(filter.contains(&random_key(&mut probe))?);
        }
        println!(
            "{residency:?}: open and verify {opened:?}, {:?} per lookup, measured rate {:.4} %",
            t.elapsed() / lookups,
            f64::from(hits) * 100.0 / f64::from(lookups)
        );
    }
    let checker = Checker::open(Some(&out), Residency::Disk)?;
    let t = Instant::now();
    for i in 0..lookups {
        std::hint::black_box(checker.is_breached(&format!("candidate password {i}")));
    }
    println!(
        "Checker::is_breached (SHA-1, built-in, disk): {:?} per call",
        t.elapsed() / lookups
    );
    Ok(())
}
