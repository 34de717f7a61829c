//! The browser driver as a child process: `node tests/clients/hosted_ui.mjs <scenario>
//! <config>` speaking JSON lines. Requests for codes are answered from the SMTP sink,
//! authenticator-app codes are computed here (an independent RFC 6238 implementation on
//! the server's clock, which the driver may advance), callbacks are exchanged and
//! verified before the browser goes on.

use super::stand::{Stand, code_from_mail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

pub fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

/// Where the driver saves its screenshots.
fn screenshot_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SCREENSHOT_DIR") {
        return dir.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("hosted-ui-screenshots")
}

/// What one scenario produced: the ID-token claims and the token response of each
/// callback, and logouts.
#[derive(Default)]
pub struct Run {
    pub signed_in: Vec<Value>,
    pub tokens: Vec<Value>,
    pub logouts: Vec<String>,
}

/// Failure messages show the claims and logouts, not the tokens.
impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("signed_in", &self.signed_in)
            .field("tokens", &self.tokens.len())
            .field("logouts", &self.logouts)
            .finish()
    }
}

/// A driver process; killed when dropped, so a failed test leaves no browser behind.
pub(super) struct Driver {
    child: Child,
    stdin: ChildStdin,
    pub(super) lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(scenario: &str, config: &Value) -> Self {
        Self::spawn("hosted_ui.mjs", &[scenario, &config.to_string()])
    }

    /// Runs `node <script> <args>` in `tests/clients` with the screenshot folder and
    /// Chromium in its environment.
    pub(super) fn spawn(script: &str, args: &[&str]) -> Self {
        let mut child = Command::new("node")
            .arg(script)
            .args(args)
            .current_dir(clients_dir())
            .env("SCREENSHOT_DIR", screenshot_dir())
            .env("CHROMIUM", chromium())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node {script}: {e}"));
        let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, err) = (stderr.clone(), BufReader::new(child.stderr.take().unwrap()));
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                if std::env::var_os("TEST_LOG").is_some() {
                    eprintln!("{line}");
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let stdin = child.stdin.take().unwrap();
        Self {
            child,
            stdin,
            lines,
            stderr,
        }
    }

    /// Answers the driver; a driver that died is reported by the next read instead.
    pub(super) fn answer(&mut self, value: &Value) {
        let _ = writeln!(self.stdin, "{value}").and_then(|()| self.stdin.flush());
    }

    pub(super) fn fail(&self, what: &str) -> ! {
        panic!("{what}\ndriver stderr:\n{}", self.stderr.lock().unwrap());
    }
}

/// Runs `scenario` in the browser, answering its requests, until it reports success.
pub async fn run(s: &Stand, scenario: &str, config: Value) -> Run {
    let mut driver = Driver::start(scenario, &config);
    let mut out = Run::default();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let line = match tokio::time::timeout_at(deadline, driver.lines.recv()).await {
            Ok(Some(line)) => line,
            Ok(None) => driver.fail(&format!("{scenario}: the driver exited without a result")),
            Err(_) => driver.fail(&format!("{scenario}: no result within 120 s")),
        };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            eprintln!("{scenario}: {line}");
            continue;
        };
        if std::env::var_os("TEST_LOG").is_some() {
            eprintln!("{scenario} <- {msg}");
        }
        if msg["need"] == "code" {
            let (to, nth) = (
                msg["to"].as_str().unwrap_or_default(),
                msg["mails"].as_u64().unwrap_or(1),
            );
            let code = code_from_mail(&s.inbox, to, usize::try_from(nth).unwrap()).await;
            driver.answer(&json!({ "code": code }));
        } else if msg["need"] == "totp" {
            let secret = msg["secret"].as_str().unwrap_or_default();
            let code = crate::mfa::totp_code(secret, s.app.clock_now_secs());
            driver.answer(&json!({ "code": code }));
        } else if msg["need"] == "advance" {
            s.app.clock.advance_secs(msg["secs"].as_i64().unwrap_or(0));
            driver.answer(&json!({}));
        } else if let Some(url) = msg["callback"].as_str() {
            match s.exchange(url).await {
                Ok((claims, tokens)) => {
                    out.signed_in.push(claims);
                    out.tokens.push(tokens);
                    driver.answer(&json!({}));
                }
                Err(e) => {
                    driver.answer(&json!({ "error": e }));
                    driver.fail(&format!("{scenario}, {}: {e}", msg["step"]));
                }
            }
        } else if let Some(url) = msg["logout"].as_str() {
            out.logouts.push(url.to_owned());
        } else if msg["ok"] == true {
            return out;
        } else if msg["ok"] == false {
            driver.fail(&format!(
                "{scenario} failed in the browser: {}",
                msg["error"]
            ));
        }
    }
}
