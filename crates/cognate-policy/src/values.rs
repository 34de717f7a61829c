//! Typed condition values: numbers, dates (ISO 8601 or epoch seconds), booleans and IP
//! addresses/CIDR blocks, parsed the way IAM's Numeric, Date, Bool and IpAddress operators read
//! them (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
//!
//! Every parser returns `None` for text it cannot read; the caller decides what a
//! non-matching value means.

use std::net::IpAddr;

use ipnet::IpNet;

/// An integer or decimal, as Numeric operators compare them.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let number: f64 = text.trim().parse().ok()?;
    number.is_finite().then_some(number)
}

/// `true`/`false` in any case (JSON booleans arrive here as their text).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A CIDR block; a bare address is its own /32 or /128 block.
pub(crate) fn parse_net(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// An IP address as `aws:SourceIp` carries it.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    text.trim().parse().ok()
}

/// A date as milliseconds since the Unix epoch: epoch seconds (`1700000000`, optionally with a
/// fraction) or ISO 8601 (`2023-11-14`, `2023-11-14T22:13:20Z`, `...T22:13:20.5+01:00`).
/// A date-time without an offset is read as UTC.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    if !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let seconds: f64 = text.parse().ok()?;
        return seconds_to_millis(seconds);
    }
    parse_iso8601(text)
}

fn seconds_to_millis(seconds: f64) -> Option<i64> {
    let millis = (seconds * 1000.0).floor();
    // i64 range checked in f64; the cast is then exact enough for milliseconds.
    (millis.is_finite() && millis.abs() < 9.0e15).then_some(millis as i64)
}

fn parse_iso8601(text: &str) -> Option<i64> {
    let (date, time) = match text.find(['T', 't']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: i64 = fixed_digits(parts.next()?, 4)?;
    let month: i64 = fixed_digits(parts.next()?, 2)?;
    let day: i64 = fixed_digits(parts.next()?, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let day_millis = days_from_civil(year, month, day) * 86_400_000;
    match time {
        None => Some(day_millis),
        Some(time) => Some(day_millis + parse_time_of_day(time)?),
    }
}

/// `hh:mm[:ss[.fff]]` then `Z`, `±hh:mm`, `±hhmm` or nothing; milliseconds from midnight UTC.
fn parse_time_of_day(time: &str) -> Option<i64> {
    let (clock, offset_millis) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let sign = if time[at..].starts_with('-') { -1 } else { 1 };
        let offset = time[at + 1..].replace(':', "");
        let hours: i64 = fixed_digits(offset.get(..2)?, 2)?;
        let minutes: i64 = fixed_digits(offset.get(2..)?, 2)?;
        (&time[..at], sign * (hours * 60 + minutes) * 60_000)
    } else {
        (time, 0)
    };
    let mut fields = clock.splitn(3, ':');
    let hour: i64 = fixed_digits(fields.next()?, 2)?;
    let minute: i64 = fixed_digits(fields.next()?, 2)?;
    let second_millis = match fields.next() {
        None => 0,
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
            let whole: i64 = fixed_digits(whole, 2)?;
            if !fraction.chars().all(|c| c.is_ascii_digit()) || whole > 60 {
                return None;
            }
            let millis: String = fraction.chars().chain("000".chars()).take(3).collect();
            whole * 1000 + millis.parse::<i64>().ok()?
        }
    };
    if hour > 23 || minute > 59 {
        return None;
    }
    Some((hour * 60 + minute) * 60_000 + second_millis - offset_millis)
}

fn fixed_digits(text: &str, len: usize) -> Option<i64> {
    (text.len() == len && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `YYYY-MM-DDThh:mm:ssZ` for epoch seconds (Hinnant's `civil_from_days`).
pub(crate) fn format_iso8601(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let second_of_day = epoch_seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_documented_form_agree() {
        let expected = Some(1_700_000_000_000);
        for text in [
            "1700000000",
            "2023-11-14T22:13:20Z",
            "2023-11-14T22:13:20.000Z",
            "2023-11-14T23:13:20+01:00",
            "2023-11-14T21:13:20-0100",
            "2023-11-14T22:13:20",
        ] {
            assert_eq!(parse_date(text), expected, "{text}");
        }
        assert_eq!(parse_date("2023-11-14"), Some(1_699_920_000_000));
        assert_eq!(parse_date("2023-11-14T22:13Z"), Some(1_699_999_980_000));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "2023-02-30",
            "2023-13-01",
            "2023-11-14T25:00:00Z",
            "yesterday",
            "",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        assert!(parse_date("2024-02-29").is_some());
    }

    #[test]
    fn formatting_round_trips() {
        for seconds in [0, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_date(&format_iso8601(seconds)), Some(seconds * 1000));
        }
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn numbers_bools_and_networks_parse() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("2.5"), Some(2.5));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("yes"), None);
        assert!(parse_net("203.0.113.0/24").is_some());
        assert!(parse_net("2001:db8::/32").is_some());
        assert_eq!(parse_net("203.0.113.7").map(|n| n.prefix_len()), Some(32));
        assert_eq!(parse_net("not-an-ip"), None);
    }
}
