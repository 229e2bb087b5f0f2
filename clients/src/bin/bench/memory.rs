//! Resident memory of a process, from `/proc/<pid>/status` (Linux).

use anyhow::{Context, bail};

/// The process's VmRSS in KiB.
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    parse_vm_rss(&status).with_context(|| format!("no VmRSS line in {path}"))
}

/// The bench's own VmRSS in KiB.
pub fn own_rss_kib() -> anyhow::Result<u64> {
    rss_kib(std::process::id())
}

/// `VmRSS:    123456 kB` → 123456.
fn parse_vm_rss(status: &str) -> anyhow::Result<u64> {
    for line in status.lines() {
        if let Some(rest) = line.strip_prefix("VmRSS:") {
            let number = rest.trim().trim_end_matches("kB").trim();
            return number
                .parse()
                .with_context(|| format!("unreadable VmRSS '{}'", rest.trim()));
        }
    }
    bail!("VmRSS missing")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_vm_rss_line() {
        let status = "Name:\tqueuecall\nVmPeak:\t  900 kB\nVmRSS:\t  123456 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status).unwrap(), 123_456);
        assert!(parse_vm_rss("Name:\tx\n").is_err());
        assert!(parse_vm_rss("VmRSS:\tlots kB\n").is_err());
    }

    #[test]
    fn reads_its_own_memory() {
        assert!(own_rss_kib().unwrap() > 0);
    }
}
