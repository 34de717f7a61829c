//! The built-in filter: common passwords are found, random strings are not (at the
//! documented false-positive rate).

use cognate_breach::{Checker, builtin_filter};

/// Deterministic 20-character printable strings (SplitMix64), so the measured rate is
/// the same on every run.
fn random_strings(count: usize) -> impl Iterator<Item = String> {
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count).map(move |_| {
        (0..20)
            .map(|_| char::from(b'!' + (next() % 94) as u8))
            .collect()
    })
}

#[test]
fn well_known_breached_passwords_are_detected() {
    let checker = Checker::builtin().unwrap();
    for p in [
        "password",
        "123456",
        "qwerty123",
        "iloveyou",
        "password1",
        "Password1",
        "P@ssw0rd",
        "letmein",
        "trustno1",
        "dragon",
    ] {
        assert!(checker.is_breached(p), "{p} should be detected");
    }
}

#[test]
fn every_one_of_the_top_thousand_is_detected() {
    let checker = Checker::builtin().unwrap();
    let list = include_str!("data/top-1000.txt");
    let mut n = 0;
    for p in list.lines() {
        assert!(checker.is_breached(p), "{p:?} should be detected");
        n += 1;
    }
    assert_eq!(n, 1000);
}

#[test]
fn random_strings_pass_at_the_documented_rate() {
    let checker = Checker::builtin().unwrap();
    let total = 1_000_000;
    let hits = random_strings(total)
        .filter(|s| checker.is_breached(s))
        .count();
    let rate = hits as f64 / total as f64;
    println!("built-in filter: {hits} false positives in {total} random strings ({rate:.6})");
    // Designed for 0.1 % (estimated 0.0994 %); measured 0.1017 %. Allow for sampling noise but fail well
    // before the rate doubles.
    assert!(rate < 0.0015, "false-positive rate {rate}");
    assert!(
        hits > 0,
        "a Bloom filter with this size must show some false positives"
    );
}

#[test]
fn builtin_filter_has_the_documented_shape() {
    let f = builtin_filter().unwrap();
    assert_eq!(f.entries(), 100_000);
    assert!(f.size_bytes() <= 256 * 1024, "{}", f.size_bytes());
    let est = f.estimated_fpr();
    assert!(est <= 0.001 && est > 0.0005, "{est}");
}
