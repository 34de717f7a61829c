//! `cognate breach import` / `breach info` and `config check` with a filter, run as the
//! real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cognate_breach::{Checker, Residency, key_hex, password_key};
use std::process::Command;

fn cognate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cognate"));
    for (k, _) in std::env::vars() {
        if k.starts_with("COGNATE_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_BACKTRACE", "0");
    c
}

#[test]
fn import_writes_a_filter_that_config_check_and_the_checker_accept() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("pwned-passwords-sha1.txt");
    let mut lines: Vec<String> = ["cli breach one", "cli breach two"]
        .iter()
        .map(|p| format!("{}:7\r\n", key_hex(&password_key(p))))
        .collect();
    lines.sort();
    std::fs::write(&list, lines.concat()).unwrap();
    let data = dir.path().join("data");

    let out = cognate()
        .args(["breach", "import", "--from"])
        .arg(&list)
        .env("COGNATE_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let filter = data.join("breached-passwords.filter");
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 hashes from 2 lines"));

    let info = cognate()
        .args(["breach", "info", "--file"])
        .arg(&filter)
        .output()
        .unwrap();
    assert!(info.status.success());
    assert!(String::from_utf8_lossy(&info.stdout).contains("2 entries"));

    let check = cognate()
        .args(["config", "check"])
        .env("COGNATE_BREACHED_PASSWORDS_FILE", &filter)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let checker = Checker::open(Some(&filter), Residency::Disk).unwrap();
    assert!(checker.is_breached("cli breach one") && checker.is_breached("cli breach two"));
    assert!(!checker.is_breached("cli breach three"));

    // A damaged filter fails `config check`, naming the setting.
    std::fs::write(&filter, b"CGNBLOOM").unwrap();
    let check = cognate()
        .args(["config", "check"])
        .env("COGNATE_BREACHED_PASSWORDS_FILE", &filter)
        .output()
        .unwrap();
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("breached_passwords_file") && stderr.contains("truncated"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_list_fails_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "not a hash\n").unwrap();
    let out = cognate()
        .args(["breach", "import", "--from"])
        .arg(&list)
        .arg("--out")
        .arg(dir.path().join("f.filter"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    assert!(!dir.path().join("f.filter").exists());
}
