//! `cognate breach`: build and inspect breached-password filters.

use anyhow::Context;
use clap::Subcommand;
use cognate_breach::{BloomFilter, ImportOptions, Pass, Residency};
use cognate_server::Config;
use std::path::PathBuf;

/// File name of the imported filter inside the data directory.
const DEFAULT_FILE: &str = "breached-passwords.filter";

#[derive(Debug, Subcommand)]
pub(crate) enum BreachCommand {
    /// Build a filter from the Pwned Passwords SHA-1 list (lines `HEX40:COUNT`, ordered
    /// by hash or by count). The list is streamed; memory use is the filter's size
    /// (about 1.9 bytes per hash at the default rate). Point `breached_passwords_file`
    /// (COGNATE_BREACHED_PASSWORDS_FILE) at the result.
    Import {
        /// The downloaded list, e.g. pwned-passwords-sha1-ordered-by-hash.txt.
        #[arg(long)]
        from: PathBuf,
        /// Where to write the filter [default: <data_dir>/breached-passwords.filter].
        #[arg(long)]
        out: Option<PathBuf>,
        /// TOML settings file, read for `data_dir` when --out is not given.
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
        /// Target false-positive rate: the share of unbreached passwords the filter
        /// wrongly reports. 0.001 costs about 15.5 bits per hash, 0.01 about 10.
        #[arg(long, default_value_t = 0.001)]
        fpr: f64,
        /// Leave out hashes seen fewer than this many times.
        #[arg(long, default_value_t = 1)]
        min_count: u64,
        /// Size the filter for this many hashes instead of counting the list first
        /// (saves one read of the file).
        #[arg(long)]
        expected_entries: Option<u64>,
    },
    /// Check a filter file (length and checksum) and print its parameters.
    Info {
        /// The filter file.
        #[arg(long)]
        file: PathBuf,
    },
}

pub(crate) fn run(command: BreachCommand) -> anyhow::Result<()> {
    match command {
        BreachCommand::Import {
            from,
            out,
            config,
            fpr,
            min_count,
            expected_entries,
        } => {
            let out = match out {
                Some(p) => p,
                None => {
                    let c = Config::load(config.as_deref())?;
                    std::fs::create_dir_all(&c.data_dir)
                        .with_context(|| format!("creating {}", c.data_dir.display()))?;
                    c.data_dir.join(DEFAULT_FILE)
                }
            };
            import(&from, &out, fpr, min_count, expected_entries)
        }
        BreachCommand::Info { file } => {
            let filter = BloomFilter::open(&file, Residency::Disk)?;
            println!("{}: valid", file.display());
            describe(&filter);
            Ok(())
        }
    }
}

fn import(
    from: &std::path::Path,
    out: &std::path::Path,
    fpr: f64,
    min_count: u64,
    expected_entries: Option<u64>,
) -> anyhow::Result<()> {
    let options = ImportOptions {
        fpr,
        min_count,
        expected_entries,
    };
    let started = std::time::Instant::now();
    let report = cognate_breach::import_pwned_passwords(from, out, options, &mut |pass, n| {
        let what = match pass {
            Pass::Counting => "counted",
            Pass::Inserting => "inserted",
        };
        eprintln!("{what} {n} lines ({} s)", started.elapsed().as_secs());
    })?;
    println!(
        "wrote {}: {} hashes from {} lines, {} bytes, estimated false-positive rate {:.4} % ({} s)",
        out.display(),
        report.entries,
        report.lines,
        report.file_bytes,
        report.estimated_fpr * 100.0,
        started.elapsed().as_secs()
    );
    println!(
        "use it with: breached_passwords_file = {:?} (or COGNATE_BREACHED_PASSWORDS_FILE)",
        out.display().to_string()
    );
    Ok(())
}

/// Prints a filter's entry count, size and rate.
pub(crate) fn describe(filter: &BloomFilter) {
    let p = filter.params();
    println!(
        "  {} entries, {} blocks of 512 bits ({} bytes), {} bits set per entry, estimated false-positive rate {:.4} %",
        filter.entries(),
        p.blocks,
        filter.size_bytes(),
        p.hashes,
        filter.estimated_fpr() * 100.0
    );
}

/// Opens the configured filter (if any) the way the server will, for `config check`.
pub(crate) fn check_configured(config: &Config) -> anyhow::Result<()> {
    if let Some(path) = &config.breached_passwords_file {
        let filter = BloomFilter::open(path, Residency::Disk)
            .context("breached_passwords_file: the filter cannot be used")?;
        println!("breached-password filter {}: valid", path.display());
        describe(&filter);
    }
    Ok(())
}
