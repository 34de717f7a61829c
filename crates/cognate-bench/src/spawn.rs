//! `--spawn`: runs `cognate serve` on a free loopback port with a fresh data directory,
//! waits until it answers, and stops it with SIGTERM (SIGKILL after 10 s) at the end.

use anyhow::{Context, Result, bail};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server this process started; killed on drop if [`Spawned::stop`] was not called.
pub(crate) struct Spawned {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:<port>`.
    pub(crate) url: String,
}

impl Spawned {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The generated admin credentials file.
    pub(crate) fn credentials_path(&self) -> PathBuf {
        self.dir.path().join("admin-credentials")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// Sends SIGTERM, waits up to 10 s for a graceful exit, then kills.
    pub(crate) async fn stop(mut self) -> Result<()> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        eprintln!("server did not stop within 10 s of SIGTERM; killing it");
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port that was free a moment ago (the kernel does not hand it out again at once).
fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(l.local_addr()?.port())
}

/// Starts `bin serve` and returns once it accepts connections and has written its
/// admin credentials.
pub(crate) async fn spawn(bin: &Path) -> Result<Spawned> {
    if !bin.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release -p cognate-cli` or pass --server-bin",
            bin.display()
        );
    }
    let dir = tempfile::Builder::new()
        .prefix("cognate-bench-")
        .tempdir()
        .context("creating a data directory")?;
    let port = free_port()?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let log = std::fs::File::create(dir.path().join("server.log"))?;
    let child = Command::new(bin)
        .arg("serve")
        .env("COGNATE_LISTEN", addr.to_string())
        .env("COGNATE_DATA_DIR", dir.path())
        .env("COGNATE_LOG", "warn")
        // A load generator is one address sending thousands of sign-ins a second.
        .env("COGNATE_RATE_LIMITS__ENABLED", "false")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut spawned = Spawned {
        child,
        dir,
        url: format!("http://{addr}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = spawned.child.try_wait()? {
            bail!("server exited with {status}:\n{}", spawned.log_tail());
        }
        let listening = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok();
        let keyed = std::fs::metadata(spawned.credentials_path()).is_ok_and(|m| m.len() > 0);
        if listening && keyed {
            return Ok(spawned);
        }
        if Instant::now() > deadline {
            bail!("server not ready after 60 s:\n{}", spawned.log_tail());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
