//! Streaming import of the Pwned Passwords SHA-1 list (`HEX40:COUNT` lines, ordered by
//! hash or by count) into a filter file. Memory use is the filter's bit array plus one
//! read buffer, whatever the size of the list.

use crate::bloom::BloomBuilder;
use crate::error::BreachError;
use crate::key::parse_key_hex;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Read buffer for the list.
const READ_BUFFER: usize = 1 << 20;

/// Choices for an import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Target false-positive rate (default 0.001).
    pub fpr: f64,
    /// Skip hashes seen fewer times than this (default 1: keep all). Lines without a
    /// count are kept.
    pub min_count: u64,
    /// Size the filter for this many entries instead of counting the list in a first
    /// pass (counting reads the file twice).
    pub expected_entries: Option<u64>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            fpr: 0.001,
            min_count: 1,
            expected_entries: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImportReport {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// Hashes inserted into the filter.
    pub entries: u64,
    /// Size of the written file in bytes.
    pub file_bytes: u64,
    /// False-positive rate expected from the filter's shape.
    pub estimated_fpr: f64,
}

/// Which pass over the list an import is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Counting the entries to size the filter.
    Counting,
    /// Inserting them.
    Inserting,
}

/// Reads `from` (a Pwned Passwords SHA-1 file) and writes a filter to `out`.
/// `progress` is called with the pass and the number of lines read so far, every ten
/// million lines.
pub fn import_pwned_passwords(
    from: &Path,
    out: &Path,
    options: ImportOptions,
    progress: &mut dyn FnMut(Pass, u64),
) -> Result<ImportReport, BreachError> {
    let open = || {
        File::open(from)
            .map(|f| BufReader::with_capacity(READ_BUFFER, f))
            .map_err(|e| BreachError::io(from, e))
    };
    let expected = match options.expected_entries {
        Some(n) => n,
        None => {
            scan(
                open()?,
                options.min_count,
                &mut |n| progress(Pass::Counting, n),
                |_| {},
            )
            .map_err(|e| in_list(from, e))?
            .1
        }
    };
    let mut builder = BloomBuilder::new(expected, options.fpr)?;
    let (lines, entries) = scan(
        open()?,
        options.min_count,
        &mut |n| progress(Pass::Inserting, n),
        |key| builder.insert(key),
    )
    .map_err(|e| in_list(from, e))?;
    builder.write_to(out)?;
    Ok(ImportReport {
        lines,
        entries,
        file_bytes: builder.params().bit_bytes() + crate::format::HEADER_LEN as u64,
        estimated_fpr: builder.estimated_fpr(),
    })
}

/// Builds an in-memory filter from a reader of Pwned Passwords lines.
pub fn build_from_reader(
    reader: impl BufRead,
    expected_entries: u64,
    options: ImportOptions,
) -> Result<crate::BloomFilter, BreachError> {
    let mut builder = BloomBuilder::new(expected_entries, options.fpr)?;
    scan(reader, options.min_count, &mut |_| {}, |key| {
        builder.insert(key)
    })?;
    Ok(builder.finish())
}

fn in_list(path: &Path, e: BreachError) -> BreachError {
    match e {
        BreachError::Io { error, .. } => BreachError::io(path, error),
        other => BreachError::InFile {
            path: path.to_owned(),
            error: Box::new(other),
        },
    }
}

/// Calls `each` with every key whose count reaches `min_count`; returns (lines, keys).
fn scan(
    mut reader: impl BufRead,
    min_count: u64,
    progress: &mut dyn FnMut(u64),
    mut each: impl FnMut(&[u8; 20]),
) -> Result<(u64, u64), BreachError> {
    let mut line = Vec::with_capacity(128);
    let (mut lines, mut keys) = (0_u64, 0_u64);
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| BreachError::io(Path::new("<list>"), e))?;
        if n == 0 {
            break;
        }
        lines += 1;
        if lines.is_multiple_of(10_000_000) {
            progress(lines);
        }
        let mut text: &[u8] = &line;
        if lines == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let (key, count) = parse_line(text).map_err(|message| BreachError::Parse {
            line: lines,
            message,
        })?;
        if count.is_none_or(|c| c >= min_count) {
            each(&key);
            keys += 1;
        }
    }
    Ok((lines, keys))
}

/// `HEX40` or `HEX40:COUNT`.
fn parse_line(text: &[u8]) -> Result<([u8; 20], Option<u64>), String> {
    let (hex, count) = match text.iter().position(|&b| b == b':') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let key = parse_key_hex(hex).ok_or_else(|| {
        format!(
            "expected 40 hex digits (a SHA-1), optionally followed by :COUNT, got {:?}",
            String::from_utf8_lossy(&text[..text.len().min(60)])
        )
    })?;
    let count = match count {
        None => None,
        Some(digits) => Some(
            std::str::from_utf8(digits)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .ok_or_else(|| {
                    format!(
                        "the count after ':' is not a number: {:?}",
                        String::from_utf8_lossy(&digits[..digits.len().min(30)])
                    )
                })?,
        ),
    };
    Ok((key, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_and_without_counts() {
        let (key, count) =
            parse_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004").unwrap();
        assert_eq!(key, crate::password_key("password"));
        assert_eq!(count, Some(10_434_004));
        assert_eq!(
            parse_line(b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8")
                .unwrap()
                .1,
            None
        );
        assert!(parse_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x").is_err());
        assert!(parse_line(b"hello").is_err());
        assert!(parse_line(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8FF:1").is_err());
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3\r\n\r\nnot a hash\r\n";
        let err = build_from_reader(text.as_bytes(), 10, ImportOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("line 3:"), "{err}");
    }
}
