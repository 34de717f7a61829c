//! `cognate-bench`: a load generator for a running Cognate server, driven through the
//! official AWS SDK for Rust.
//!
//! It creates a pool, an app client and `--users` users through the API, then runs one
//! scenario at a time (`--scenario`, or `all`) on `--concurrency` workers for
//! `--duration` seconds and prints requests/s, p50/p99 latency and errors. When the
//! server's pid is known (`--spawn` or `--pid`) it adds the server's CPU time per
//! iteration and its peak RSS. It also measures Cognate's crypto on this machine (an
//! Argon2id hash, an RS256 signature, an SRP server step) and reports each scenario's
//! throughput as a fraction of the bound those costs imply. Traffic goes to 127.0.0.1
//! only, and every loop ends at its deadline. See `BENCHMARKS.md` for a run.

mod bounds;
mod client;
mod prepare;
mod procstat;
mod record;
mod report;
mod scenarios;
mod spawn;

use anyhow::{Context, Result, bail};
use clap::Parser;
use client::AdminKey;
use procstat::{Meter, vm_kib};
use record::Recorder;
use report::{Cpu, Row};
use scenarios::{Ctx, Scenario};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Load generator for a Cognate server (loopback only).
#[derive(Debug, Parser)]
#[command(name = "cognate-bench", version, about)]
struct Args {
    /// The server to load; ignored with --spawn.
    #[arg(long, default_value = "http://127.0.0.1:9229")]
    url: String,
    /// The server's `<data_dir>/admin-credentials` file (profile `cognate`).
    #[arg(long)]
    credentials: Option<PathBuf>,
    /// Admin access key id (with --secret), instead of --credentials.
    #[arg(long, requires = "secret")]
    key_id: Option<String>,
    /// Admin secret access key.
    #[arg(long, env = "COGNATE_BENCH_SECRET", requires = "key_id")]
    secret: Option<String>,
    /// Start `<server-bin> serve` on a free port with a fresh data directory, measure
    /// it, and stop it at the end.
    #[arg(long)]
    spawn: bool,
    /// The server binary for --spawn.
    #[arg(long, default_value = "target/release/cognate")]
    server_bin: PathBuf,
    /// The server's process id, for CPU and memory figures without --spawn.
    #[arg(long)]
    pid: Option<u32>,
    /// Users to create before the runs.
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// Concurrent workers during a run.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of unmeasured load before each scenario (connections, caches).
    #[arg(long, default_value_t = 1)]
    warmup: u64,
    /// The scenario to run.
    #[arg(long, value_enum, default_value = "all")]
    scenario: Scenario,
    /// Concurrent requests while creating users.
    #[arg(long, default_value_t = 16)]
    prepare_batch: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let spawned = if args.spawn {
        let s = spawn::spawn(&args.server_bin).await?;
        println!(
            "spawned {} (pid {}) at {}",
            args.server_bin.display(),
            s.pid(),
            s.url
        );
        Some(s)
    } else {
        None
    };
    let result = bench(&args, spawned.as_ref()).await;
    if let Some(s) = spawned {
        s.stop().await?;
    }
    result
}

fn admin_key(args: &Args, spawned: Option<&spawn::Spawned>) -> Result<AdminKey> {
    if let Some(s) = spawned {
        return client::read_credentials_file(&s.credentials_path());
    }
    match (&args.credentials, &args.key_id, &args.secret) {
        (Some(path), _, _) => client::read_credentials_file(path),
        (None, Some(key_id), Some(secret)) => Ok(AdminKey {
            key_id: key_id.clone(),
            secret: secret.clone(),
        }),
        _ => bail!("give --credentials <file>, --key-id and --secret, or --spawn"),
    }
}

/// `/proc/loadavg`'s 1/5/15-minute figures: other work sharing the machine.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let f: Vec<&str> = text.split_whitespace().take(3).collect();
    format!("load average {}", f.join(" "))
}

fn print_machine(server: Option<Meter>) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".into());
    println!("machine: {cores} logical CPUs, {model}; {}", load_average());
    if let Some(m) = server {
        println!(
            "server pid {}: RSS {:.1} MiB when the benchmark starts (idle, right after start with --spawn)",
            m.pid(),
            vm_kib(m.pid(), "VmRSS")? as f64 / 1024.0
        );
    }
    Ok(())
}

async fn bench(args: &Args, spawned: Option<&spawn::Spawned>) -> Result<()> {
    let url = spawned.map_or_else(|| args.url.clone(), |s| s.url.clone());
    client::check_loopback(&url)?;
    let key = admin_key(args, spawned)?;
    let server = spawned
        .map(spawn::Spawned::pid)
        .or(args.pid)
        .map(Meter::new)
        .transpose()?;
    print_machine(server)?;
    let bounds = bounds::measure()
        .await
        .context("measuring the crypto bounds")?;
    report::print_bounds(&bounds);

    let idp = client::idp_client(&url, &key);
    let (pool_id, client_id) = prepare::pool_and_client(&idp).await?;
    let list = match args.scenario {
        Scenario::All => Scenario::EACH.to_vec(),
        s => vec![s],
    };
    let passwords = list.iter().any(|s| s.needs_passwords());
    let started = Instant::now();
    prepare::users(&idp, &pool_id, args.users, args.prepare_batch, passwords).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "prepared pool {pool_id}: {} users ({}) in {secs:.1} s, {:.1} users/s, batch {}",
        args.users,
        if passwords {
            "AdminCreateUser + AdminSetUserPassword"
        } else {
            "AdminCreateUser only"
        },
        args.users as f64 / secs,
        args.prepare_batch,
    );
    let mut ctx = Ctx {
        idp: idp.clone(),
        pool_id: pool_id.clone(),
        client_id,
        users: args.users.max(1),
        concurrency: args.concurrency.max(1),
        get_user: true,
        run: Default::default(),
    };
    if list
        .iter()
        .any(|s| matches!(s, Scenario::GetUser | Scenario::Mixed))
    {
        ctx.get_user = get_user_supported(&ctx).await?;
    }
    let ctx = Arc::new(ctx);
    let rows = run_scenarios(args, &ctx, &list, server, &bounds).await?;
    print_summary(args, &rows, &bounds);
    if spawned.is_none() {
        // Best effort: leave an existing server as it was.
        let _ = idp.delete_user_pool().user_pool_id(&pool_id).send().await;
    }
    Ok(())
}

async fn get_user_supported(ctx: &Ctx) -> Result<bool> {
    let mut rec = Recorder::default();
    let tokens = scenarios::password(ctx, &mut rec, 0)
        .await
        .with_context(|| format!("probe sign-in failed: {:?}", rec.error_kinds))?;
    match ctx
        .idp
        .get_user()
        .access_token(tokens.access())
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if record::is_unsupported(&e) => Ok(false),
        Err(e) => bail!("GetUser probe: {}", record::error_code(&e)),
    }
}

/// Why a scenario cannot run on this server, if it cannot.
async fn unsupported(ctx: &Ctx, s: Scenario) -> Option<String> {
    match s {
        Scenario::GetUser if !ctx.get_user => Some("GetUser is not supported".into()),
        Scenario::SignUp => scenarios::sign_up(ctx, &mut Recorder::default(), "su-probe")
            .await
            .err(),
        _ => None,
    }
}

async fn run_scenarios(
    args: &Args,
    ctx: &Arc<Ctx>,
    list: &[Scenario],
    server: Option<Meter>,
    bounds: &bounds::Bounds,
) -> Result<Vec<Row>> {
    let me = Meter::new(std::process::id())?;
    let duration = Duration::from_secs(args.duration);
    let mut rows = Vec::new();
    println!(
        "\n## Runs: {} users, concurrency {}, {} s each (+{} s warm-up)\n",
        args.users, args.concurrency, args.duration, args.warmup
    );
    for &s in list {
        if let Some(why) = unsupported(ctx, s).await {
            println!("{}: skipped ({why})", s.name());
            continue;
        }
        if s == Scenario::Mixed && !ctx.get_user {
            println!("mixed: GetUser is not supported; iterations are sign-in + refresh");
        }
        if args.warmup > 0 {
            let tokens = scenarios::worker_tokens(ctx, s).await?;
            scenarios::drive(ctx, s, Duration::from_secs(args.warmup), tokens).await?;
        }
        let tokens = scenarios::worker_tokens(ctx, s).await?;
        let server_before = server.map(|m| m.now()).transpose()?;
        let bench_before = me.now()?;
        let (rec, elapsed) = scenarios::drive(ctx, s, duration, tokens).await?;
        let cpu = Cpu {
            server: match (server, server_before) {
                (Some(m), Some(before)) => Some(m.now()? - before),
                _ => None,
            },
            bench: me.now()? - bench_before,
        };
        let peak = server.map(|m| vm_kib(m.pid(), "VmHWM")).transpose()?;
        let row = Row::new(s, rec, elapsed, cpu, peak, bounds);
        println!("{}    ({})", row.line(), load_average());
        if let Some(e) = row.errors_line() {
            println!("{e}");
        }
        rows.push(row);
    }
    Ok(rows)
}

fn print_summary(args: &Args, rows: &[Row], bounds: &bounds::Bounds) {
    println!(
        "\n## Summary ({} users, concurrency {}, {} s; at the end: {})\n",
        args.users,
        args.concurrency,
        args.duration,
        load_average()
    );
    println!("{}", Row::HEADER);
    for row in rows {
        println!("{}", row.line());
    }
    for row in rows {
        if let Some(e) = row.errors_line() {
            println!("{e}");
        }
        if row.scenario() == Scenario::Srp {
            println!(
                "\nsrp against cores ÷ (SRP server step + 2 sig) = {:.0}/s: {:.0} %",
                bounds.srp_bound(),
                100.0 * row.per_sec() / bounds.srp_bound()
            );
        }
    }
}
