//! Damaged filter files are refused with a clear error, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cognate_breach::{BloomBuilder, BloomFilter, BreachError, Residency};
use std::path::Path;

fn small_filter() -> Vec<u8> {
    let mut b = BloomBuilder::new(50, 0.01).unwrap();
    for i in 0..50 {
        b.insert_password(&format!("entry-{i}"));
    }
    b.into_bytes()
}

fn open_both(path: &Path) -> [Result<BloomFilter, BreachError>; 2] {
    [
        BloomFilter::open(path, Residency::Disk),
        BloomFilter::open(path, Residency::Memory),
    ]
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = small_filter();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.filter");
    for len in 0..bytes.len() {
        std::fs::write(&path, &bytes[..len]).unwrap();
        for r in open_both(&path) {
            let err = r.expect_err("a truncated file must be refused");
            let msg = err.to_string();
            assert!(msg.contains("f.filter"), "{msg}");
            assert!(msg.contains("truncated"), "len {len}: {msg}");
        }
        assert!(BloomFilter::from_bytes(bytes[..len].to_vec()).is_err());
    }
    std::fs::write(&path, &bytes).unwrap();
    for r in open_both(&path) {
        let f = r.unwrap();
        assert!(
            f.contains(&cognate_breach::password_key("entry-7"))
                .unwrap()
        );
    }
}

#[test]
fn a_flipped_bit_anywhere_is_caught_by_the_checksum_or_header_checks() {
    let bytes = small_filter();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x10;
        let err = BloomFilter::from_bytes(bad).expect_err("corruption must be refused");
        match err {
            BreachError::Corrupt(_)
            | BreachError::NotAFilter
            | BreachError::UnsupportedVersion(_)
            | BreachError::Truncated { .. } => {}
            other => panic!("byte {i}: unexpected {other}"),
        }
    }
}

#[test]
fn trailing_bytes_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.filter");
    let mut long = small_filter();
    long.push(0);
    std::fs::write(&path, &long).unwrap();
    for r in open_both(&path) {
        assert!(r.unwrap_err().to_string().contains("trailing bytes"));
    }
    std::fs::write(&path, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\n").unwrap();
    for r in open_both(&path) {
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("not a breached-password filter"), "{msg}");
    }
    let missing = BloomFilter::open(&dir.path().join("none"), Residency::Disk).unwrap_err();
    assert!(matches!(missing, BreachError::Io { .. }), "{missing}");
}

#[test]
fn a_newer_format_version_is_named() {
    let mut bytes = small_filter();
    bytes[8] = 9;
    let err = BloomFilter::from_bytes(bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported filter format version 9 (this build reads version 1)"
    );
}
