//! What the outbox benchmark (tests/benches/sms_outbox.rs) prints: the machine, and one
//! run's figures.

use std::time::Duration;

/// The CPUs this runs on.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cpus} CPUs ({model})")
}

/// What one run measured and counted.
pub struct Figures {
    pub engine: String,
    pub rows: usize,
    pub workers: usize,
    pub elapsed: Duration,
    /// Each provider call, in ms.
    pub send_ms: Vec<f64>,
    /// Each reminder from its claim to its recorded outcome, in ms.
    pub claim_to_sent_ms: Vec<f64>,
    /// Requests the fake received, and distinct numbers among them.
    pub received: (usize, usize),
    /// Rows in state sent after one attempt.
    pub sent_rows: usize,
}

impl Figures {
    /// Whether every one of `rows` reminders was sent exactly once.
    pub fn sent_once(&self, rows: usize) -> bool {
        self.received == (rows, rows) && self.sent_rows == rows && self.send_ms.len() == rows
    }
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (requests, numbers) = self.received;
        write!(
            f,
            "{:<8} {} worker{}: {} rows in {:.2} s = {:.0} rows/s; send {}; claim to sent {}; \
             provider received {requests} requests to {numbers} numbers, {} rows sent once{}",
            self.engine,
            self.workers,
            if self.workers == 1 { "" } else { "s" },
            self.rows,
            self.elapsed.as_secs_f64(),
            self.rows as f64 / self.elapsed.as_secs_f64(),
            Percentiles(&self.send_ms),
            Percentiles(&self.claim_to_sent_ms),
            self.sent_rows,
            if self.sent_once(self.rows) {
                ""
            } else {
                " — NOT EXACTLY ONCE"
            },
        )
    }
}

/// p50/p90/p99/max of a sample in ms.
struct Percentiles<'a>(&'a [f64]);

impl std::fmt::Display for Percentiles<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sorted = self.0.to_vec();
        sorted.sort_by(f64::total_cmp);
        let Some(&max) = sorted.last() else {
            return f.write_str("no sample");
        };
        // Nearest rank.
        let at =
            |p: f64| sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1];
        write!(
            f,
            "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            at(0.50),
            at(0.90),
            at(0.99),
            max
        )
    }
}
