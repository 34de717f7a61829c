//! Process accounting from `/proc`: CPU time (`utime + stime` in `/proc/<pid>/stat`,
//! proc(5)) and memory (`VmRSS`, `VmHWM` in `/proc/<pid>/status`). Linux only.

use anyhow::{Context, Result, bail};

/// Clock ticks per second for `/proc/<pid>/stat`, from `getconf CLK_TCK` (100 on
/// every common Linux build, used when `getconf` is missing).
pub(crate) fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// User plus system CPU seconds the process has used so far.
pub(crate) fn cpu_seconds(pid: u32, ticks_per_sec: f64) -> Result<f64> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    let rest = text
        .rsplit_once(')')
        .map(|(_, r)| r)
        .with_context(|| format!("{path}: no ')'"))?;
    // After the name come state (field 3), ...; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Result<f64> {
        fields
            .get(n - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .with_context(|| format!("{path}: field {n}"))
    };
    Ok((field(14)? + field(15)?) / ticks_per_sec)
}

/// A `Vm*` line of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
pub(crate) fn vm_kib(pid: u32, key: &str) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let kib = v.trim().trim_end_matches("kB").trim();
            return kib
                .parse()
                .with_context(|| format!("{path}: {key} = {v:?}"));
        }
    }
    bail!("{path} has no {key}")
}

/// A process's CPU clock: take a reading at the start, then the seconds used since it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meter {
    pid: u32,
    ticks: f64,
}

impl Meter {
    /// A meter for `pid`; fails when `/proc/<pid>/stat` cannot be read.
    pub(crate) fn new(pid: u32) -> Result<Self> {
        let ticks = clock_ticks();
        cpu_seconds(pid, ticks)?;
        Ok(Self { pid, ticks })
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    /// CPU seconds used so far.
    pub(crate) fn now(&self) -> Result<f64> {
        cpu_seconds(self.pid, self.ticks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_cpu_and_memory() {
        let m = Meter::new(std::process::id()).unwrap();
        assert!(m.now().unwrap() >= 0.0);
        assert!(vm_kib(m.pid(), "VmRSS").unwrap() > 0);
        assert!(vm_kib(m.pid(), "VmHWM").unwrap() > 0);
        assert!(vm_kib(m.pid(), "VmNope").is_err());
    }
}
