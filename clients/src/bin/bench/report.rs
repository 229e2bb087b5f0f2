//! The results of a displays run: latencies per call and per delivery, misses, memory; and
//! the table printed at the end.

use std::collections::HashMap;

use super::stats::Summary;
use super::streams::Delivery;

/// One timed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub ticket_id: String,
    /// Microseconds since the bench started, taken just before the CallNext request.
    pub sent_us: u64,
    /// How long CallNext took to answer.
    pub round_trip_us: u64,
}

/// What the run measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub streams: usize,
    pub calls: usize,
    /// Per call, the latency to the slowest stream that received it.
    pub to_last_display: Option<Summary>,
    pub every_delivery: Option<Summary>,
    pub round_trip: Option<Summary>,
    pub expected: u64,
    pub received: u64,
    pub missed: u64,
    /// Calls whose event id the reference stream never saw (their deliveries count as
    /// missed).
    pub unmatched_calls: usize,
}

impl Results {
    /// Matches every call to its event id, then looks the event up in each stream's
    /// deliveries (sorted by event id, as streams receive them).
    pub fn measure(
        calls: &[Call],
        first_call_event: &HashMap<String, u64>,
        deliveries: &[Vec<Delivery>],
    ) -> Self {
        let streams = deliveries.len();
        let mut to_last = Vec::with_capacity(calls.len());
        let mut every = Vec::with_capacity(calls.len().saturating_mul(streams));
        let mut unmatched_calls = 0;
        for call in calls {
            let Some(&event_id) = first_call_event.get(&call.ticket_id) else {
                unmatched_calls += 1;
                continue;
            };
            let mut slowest = None;
            for stream in deliveries {
                if let Ok(i) = stream.binary_search_by_key(&event_id, |d| d.event_id) {
                    let latency = stream[i].at_us.saturating_sub(call.sent_us);
                    every.push(latency);
                    slowest = slowest.max(Some(latency));
                }
            }
            to_last.extend(slowest);
        }
        let expected = (calls.len() as u64).saturating_mul(streams as u64);
        let received = every.len() as u64;
        Self {
            streams,
            calls: calls.len(),
            to_last_display: Summary::of(to_last),
            every_delivery: Summary::of(every),
            round_trip: Summary::of(calls.iter().map(|c| c.round_trip_us).collect()),
            expected,
            received,
            missed: expected.saturating_sub(received),
            unmatched_calls,
        }
    }
}

/// Everything the report prints besides the latencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub title: String,
    pub connections: u32,
    pub per_connection: u32,
    pub opened_in_ms: u64,
    pub pace_ms: u64,
    pub failed_streams: usize,
    pub fell_behind: usize,
    pub late_calls: usize,
    /// (pid, VmRSS KiB before the streams, after all are open).
    pub server_memory: Option<(u32, u64, u64)>,
    /// The bench's own VmRSS KiB before and after.
    pub bench_memory: Option<(u64, u64)>,
    pub errors: Vec<String>,
}

impl Setup {
    /// Nothing missed, nothing failed.
    pub fn clean(&self, results: &Results) -> bool {
        results.missed == 0 && results.unmatched_calls == 0 && self.failed_streams == 0
    }
}

/// The table printed at the end of a run.
pub fn render(setup: &Setup, r: &Results) -> String {
    let mut out = vec![setup.title.clone()];
    out.push(format!(
        "streams      {} over {} HTTP/2 connections (up to {} per connection), every snapshot in {:.2} s",
        r.streams,
        setup.connections,
        setup.per_connection,
        setup.opened_in_ms as f64 / 1000.0
    ));
    out.push(format!(
        "calls        {}, paced {} ms",
        r.calls, setup.pace_ms
    ));
    out.push(format!(
        "deliveries   {} expected, {} received, {} missed; {} failed streams, {} fell-behind snapshots, {} calls not on every display within the time-out",
        r.expected, r.received, r.missed, setup.failed_streams, setup.fell_behind, setup.late_calls
    ));
    if r.unmatched_calls > 0 {
        out.push(format!(
            "unmatched    {} calls never seen on the reference stream (counted as missed)",
            r.unmatched_calls
        ));
    }
    out.push(String::new());
    out.push(format!(
        "{:<24}{:>10}{:>9}{:>9}{:>9}{:>9}",
        "latency (ms)", "samples", "p50", "p90", "p99", "max"
    ));
    for (name, summary) in [
        ("call to last display", r.to_last_display),
        ("every delivery", r.every_delivery),
        ("CallNext round trip", r.round_trip),
    ] {
        out.push(latency_row(name, summary));
    }
    out.push(String::new());
    match setup.server_memory {
        Some((pid, before, after)) => out.push(format!(
            "server memory (pid {pid})   VmRSS {} before, {} after {} streams: {:.1} KiB per stream",
            mib(before),
            mib(after),
            r.streams,
            after.saturating_sub(before) as f64 / r.streams.max(1) as f64
        )),
        None => out.push("server memory   not measured (give --server-pid)".to_owned()),
    }
    if let Some((before, after)) = setup.bench_memory {
        out.push(format!(
            "bench memory    VmRSS {} before, {} with every stream open",
            mib(before),
            mib(after)
        ));
    }
    for error in &setup.errors {
        out.push(format!("error: {error}"));
    }
    out.join("\n")
}

fn latency_row(name: &str, summary: Option<Summary>) -> String {
    let ms = |us: u64| format!("{:.1}", us as f64 / 1000.0);
    match summary {
        Some(s) => format!(
            "{name:<24}{:>10}{:>9}{:>9}{:>9}{:>9}",
            s.count,
            ms(s.p50),
            ms(s.p90),
            ms(s.p99),
            ms(s.max)
        ),
        None => format!("{name:<24}{:>10}", 0),
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "report_tests.rs"]
mod tests;
