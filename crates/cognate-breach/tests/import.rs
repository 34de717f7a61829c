//! Importing a Pwned Passwords SHA-1 file into an on-disk filter, and using it from a
//! `Checker`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cognate_breach::{
    BloomFilter, Checker, ImportOptions, Pass, Residency, import_pwned_passwords, key_hex,
    password_key,
};
use std::path::Path;

/// Chosen passwords with their breach counts; none is in the built-in top 100,000.
const LISTED: &[(&str, u64)] = &[
    ("correct horse battery staple", 412),
    ("Tr0ub4dor&3", 97),
    ("cognate-breach-test-one", 1),
    ("cognate-breach-test-two", 2),
    ("zebra crossing at midnight", 15),
];

/// Writes LISTED in the Pwned Passwords format: upper-case hex, `:COUNT`, CRLF line
/// ends, ordered by hash.
fn write_list(path: &Path) {
    let mut lines: Vec<String> = LISTED
        .iter()
        .map(|(p, c)| format!("{}:{c}\r\n", key_hex(&password_key(p))))
        .collect();
    lines.sort();
    std::fs::write(path, lines.concat()).unwrap();
}

fn import(dir: &Path, options: ImportOptions) -> std::path::PathBuf {
    let list = dir.join("pwned-passwords-sha1.txt");
    write_list(&list);
    let out = dir.join("breached-passwords.filter");
    let mut passes = Vec::new();
    let report =
        import_pwned_passwords(&list, &out, options, &mut |pass, n| passes.push((pass, n)))
            .unwrap();
    assert_eq!(report.lines, LISTED.len() as u64);
    assert_eq!(
        report.file_bytes,
        std::fs::metadata(&out).unwrap().len(),
        "the report states the file size"
    );
    assert!(
        passes
            .iter()
            .all(|(p, _)| matches!(p, Pass::Counting | Pass::Inserting))
    );
    out
}

#[test]
fn imported_hashes_are_detected_on_disk_and_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(dir.path(), ImportOptions::default());
    for residency in [Residency::Disk, Residency::Memory] {
        let filter = BloomFilter::open(&out, residency).unwrap();
        assert_eq!(filter.entries(), LISTED.len() as u64);
        let builtin_only = Checker::builtin().unwrap();
        let checker = Checker::builtin().unwrap().with_filter(filter);
        for (p, _) in LISTED {
            assert!(
                !builtin_only.is_breached(p),
                "{p} is not a top-100k password"
            );
            assert!(
                checker.is_breached(p),
                "{p} should be detected ({residency:?})"
            );
            assert!(checker.try_is_breached(p).unwrap());
        }
        assert!(
            checker.is_breached("password"),
            "the built-in set still counts"
        );
        assert!(!checker.is_breached("cognate-breach-test-three"));
    }
}

#[test]
fn min_count_leaves_out_rare_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let options = ImportOptions {
        min_count: 10,
        ..ImportOptions::default()
    };
    let out = import(dir.path(), options);
    let checker = Checker::open(Some(&out), Residency::Disk).unwrap();
    assert_eq!(checker.loaded_filter().unwrap().entries(), 3);
    assert!(checker.is_breached("correct horse battery staple"));
    assert!(checker.is_breached("zebra crossing at midnight"));
    assert!(!checker.is_breached("cognate-breach-test-one"));
    assert!(!checker.is_breached("cognate-breach-test-two"));
}

#[test]
fn expected_entries_skips_the_counting_pass_and_sizes_the_filter() {
    let dir = tempfile::tempdir().unwrap();
    let options = ImportOptions {
        expected_entries: Some(100_000),
        fpr: 0.01,
        ..ImportOptions::default()
    };
    let out = import(dir.path(), options);
    let filter = BloomFilter::open(&out, Residency::Memory).unwrap();
    // About 10 bits per entry at 1 %.
    let bits_per_entry = filter.size_bytes() as f64 * 8.0 / 100_000.0;
    assert!((9.0..12.0).contains(&bits_per_entry), "{bits_per_entry}");
    assert_eq!(filter.entries(), LISTED.len() as u64);
}

#[test]
fn a_malformed_list_is_refused_without_writing_a_filter() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!("{}:3\nnot-a-hash:1\n", key_hex(&password_key("x"))),
    )
    .unwrap();
    let out = dir.path().join("out.filter");
    let err =
        import_pwned_passwords(&list, &out, ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("list.txt") && msg.contains("line 2"), "{msg}");
    assert!(!out.exists());
    let missing = import_pwned_passwords(
        &dir.path().join("nope.txt"),
        &out,
        ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(missing.to_string().contains("nope.txt"), "{missing}");
}

#[test]
fn lines_without_counts_and_a_byte_order_mark_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    let text = format!(
        "\u{feff}{}\n{}\n\n",
        key_hex(&password_key("first-of-two")).to_lowercase(),
        key_hex(&password_key("second-of-two"))
    );
    std::fs::write(&list, text).unwrap();
    let out = dir.path().join("out.filter");
    let report =
        import_pwned_passwords(&list, &out, ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(report.entries, 2);
    let checker = Checker::open(Some(&out), Residency::Disk).unwrap();
    assert!(checker.is_breached("first-of-two") && checker.is_breached("second-of-two"));
}

#[test]
fn a_filter_that_breaks_after_opening_falls_back_to_the_builtin_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(dir.path(), ImportOptions::default());
    let checker = Checker::open(Some(&out), Residency::Disk).unwrap();
    assert!(checker.is_breached("Tr0ub4dor&3"));
    // Truncate the file under the open filter: block reads now fail.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&out)
        .unwrap()
        .set_len(64)
        .unwrap();
    let err = checker.try_is_breached("Tr0ub4dor&3").unwrap_err();
    assert!(
        err.to_string().contains("breached-passwords.filter"),
        "{err}"
    );
    assert!(
        !checker.is_breached("Tr0ub4dor&3"),
        "only the built-in set answers"
    );
    assert!(checker.is_breached("password"));
}
