//! Where the machine's CPU went while an operation ran: the CPU time of the server, of Redis
//! (when their process ids are given) and of the generator itself, and the time no process
//! used, read from `/proc` (Linux) before and after each slice of the operation. It tells a
//! phase bound by CPU (nothing idle) from one bound by waiting (CPU left idle while every
//! caller waits for an answer), and what one operation costs each process.

use std::time::Instant;

/// The processes to watch, by name and process id (the generator is always among them).
pub struct Probe {
    procs: Vec<(&'static str, u32)>,
}

/// One reading of the probe.
pub struct Reading {
    at: Instant,
    /// CPU time of each watched process, in nanoseconds (as `Probe::procs`).
    used_ns: Vec<u64>,
    /// Idle time of all CPUs together (`/proc/stat`), in nanoseconds.
    idle_ns: u64,
}

/// CPU time spent between readings, summed over the slices of one operation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    /// Per watched process: its name and CPU time in nanoseconds.
    pub used_ns: Vec<(&'static str, u64)>,
    /// Time no process used, all CPUs together.
    pub idle_ns: u64,
    /// Wall time, in nanoseconds.
    pub wall_ns: u64,
}

impl Probe {
    /// The generator itself, the server (`server`) and Redis (`redis`) when given; `None`
    /// where `/proc` does not tell (off Linux) and no process id was given; an error naming
    /// the flag when a given process cannot be read.
    pub fn new(server: Option<u32>, redis: Option<u32>) -> anyhow::Result<Option<Self>> {
        let own = ("generator", std::process::id());
        let probe = Self { procs: vec![own] };
        if probe.read().is_none() {
            if server.is_some() || redis.is_some() {
                anyhow::bail!("--server-pid/--redis-pid: /proc cannot be read here");
            }
            return Ok(None);
        }
        let mut procs = vec![own];
        for (flag, name, pid) in [
            ("--server-pid", "server", server),
            ("--redis-pid", "Redis", redis),
        ] {
            if let Some(pid) = pid {
                if process_ns(pid).is_none() {
                    anyhow::bail!("{flag} {pid}: no such process in /proc");
                }
                procs.push((name, pid));
            }
        }
        Ok(Some(Self { procs }))
    }

    /// The CPU time of every watched process and the CPUs' idle time now; `None` when
    /// `/proc` cannot be read.
    pub fn read(&self) -> Option<Reading> {
        let used_ns = self
            .procs
            .iter()
            .map(|&(_, pid)| process_ns(pid))
            .collect::<Option<Vec<_>>>()?;
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        Some(Reading {
            at: Instant::now(),
            used_ns,
            idle_ns: idle_ns(&stat)?,
        })
    }

    /// What was spent since `before`; `None` when `/proc` could not be read.
    pub fn since(&self, before: Option<Reading>) -> Option<Usage> {
        let (before, after) = (before?, self.read()?);
        Some(Usage {
            used_ns: self
                .procs
                .iter()
                .zip(after.used_ns.iter().zip(&before.used_ns))
                .map(|(&(name, _), (a, b))| (name, a.saturating_sub(*b)))
                .collect(),
            idle_ns: after.idle_ns.saturating_sub(before.idle_ns),
            wall_ns: u64::try_from((after.at - before.at).as_nanos()).unwrap_or(u64::MAX),
        })
    }
}

impl Usage {
    /// Adds another slice of the same operation.
    pub fn add(&mut self, other: &Usage) {
        if self.used_ns.is_empty() {
            self.used_ns = other.used_ns.iter().map(|&(name, _)| (name, 0)).collect();
        }
        for ((_, total), (_, part)) in self.used_ns.iter_mut().zip(&other.used_ns) {
            *total += part;
        }
        self.idle_ns += other.idle_ns;
        self.wall_ns += other.wall_ns;
    }

    /// One line: per process its share of one CPU (100 % = one core busy throughout) and its
    /// CPU time per operation at `ops` operations; then the idle CPUs' share the same way.
    pub fn line(&self, ops: u64) -> String {
        let wall = self.wall_ns.max(1) as f64;
        let per_op = |ns: u64| ns as f64 / 1000.0 / ops.max(1) as f64;
        let mut out: Vec<String> = self
            .used_ns
            .iter()
            .map(|&(name, ns)| {
                format!(
                    "{name} {:.0} % ({:.1} µs/op)",
                    ns as f64 * 100.0 / wall,
                    per_op(ns)
                )
            })
            .collect();
        out.push(format!("idle {:.0} %", self.idle_ns as f64 * 100.0 / wall));
        out.join(", ")
    }

    /// The idle CPUs' share of the wall time (100 = one core idle throughout).
    pub fn idle_pct(&self) -> f64 {
        self.idle_ns as f64 * 100.0 / self.wall_ns.max(1) as f64
    }
}

/// A process's CPU time: the sum over its threads of the first field of
/// `/proc/<pid>/task/<tid>/schedstat` (nanoseconds on a CPU).
fn process_ns(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        // A thread that ended between listing and reading took its time with it.
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            total += schedstat_ns(&text).unwrap_or(0);
        }
    }
    Some(total)
}

/// The first field of a `schedstat` line.
pub fn schedstat_ns(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

/// Idle and iowait of the `cpu` line of `/proc/stat`, in nanoseconds (the kernel counts them
/// in ticks of 1/100 s).
pub fn idle_ns(stat: &str) -> Option<u64> {
    const NS_PER_TICK: u64 = 10_000_000;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let idle = fields.get(3)? + fields.get(4).copied().unwrap_or(0);
    Some(idle * NS_PER_TICK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_is_idle_and_iowait_of_the_cpu_line_in_nanoseconds() {
        let stat = "cpu  367095 0 69273 459604 1117 0 16339 160 0 0\n\
                    cpu0 1 2 3 4 5 6 7 8 9 10\n";
        assert_eq!(idle_ns(stat), Some((459_604 + 1_117) * 10_000_000));
        assert_eq!(idle_ns("cpu0 1 2 3 4\n"), None);
        assert_eq!(idle_ns("cpu  1 2 x 4 5\n"), None);
    }

    #[test]
    fn schedstat_reads_the_time_on_a_cpu() {
        assert_eq!(schedstat_ns("123456789 2000 17\n"), Some(123_456_789));
        assert_eq!(schedstat_ns(""), None);
    }

    #[test]
    fn slices_add_up_and_read_per_operation() {
        let slice = |generator, server, idle| Usage {
            used_ns: vec![("generator", generator), ("server", server)],
            idle_ns: idle,
            wall_ns: 1_000_000_000,
        };
        let mut total = Usage::default();
        total.add(&slice(500_000_000, 700_000_000, 300_000_000));
        total.add(&slice(300_000_000, 900_000_000, 100_000_000));
        assert_eq!(total.wall_ns, 2_000_000_000);
        assert_eq!(total.idle_pct(), 20.0);
        // 0.8 s and 1.6 s of CPU over 2 s for 40,000 operations: 20 and 40 µs each.
        assert_eq!(
            total.line(40_000),
            "generator 40 % (20.0 µs/op), server 80 % (40.0 µs/op), idle 20 %"
        );
    }

    #[test]
    fn the_generator_reads_its_own_cpu_time_going_up() {
        let probe = Probe::new(None, None)
            .expect("no process id to check")
            .expect("/proc is readable on Linux");
        let before = probe.read();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let usage = probe.since(before).expect("a second reading");
        assert_eq!(usage.used_ns.len(), 1);
        assert!(usage.used_ns[0].1 > 0, "{usage:?}");
        assert!(usage.wall_ns > 0);
    }

    #[test]
    fn a_process_id_that_names_no_process_is_an_error_naming_its_flag() {
        // Process ids stay below 2^22 on Linux.
        let error = Probe::new(Some(u32::MAX), None).err().expect("an error");
        assert_eq!(
            error.to_string(),
            "--server-pid 4294967295: no such process in /proc"
        );
        let error = Probe::new(None, Some(u32::MAX)).err().expect("an error");
        assert!(error.to_string().starts_with("--redis-pid"), "{error}");
    }
}
