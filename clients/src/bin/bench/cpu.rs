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
        let readable = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| idle_ns(&s));
        if readable.is_none() || process_ns(own.1).is_none() {
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
        out.push(format!("idle {:.0} %", self.idle_pct()));
        out.join(", ")
    }

    /// The idle CPUs' share of the wall time (100 = one core idle throughout).
    pub fn idle_pct(&self) -> f64 {
        self.idle_ns as f64 * 100.0 / self.wall_ns.max(1) as f64
    }
}

/// The kernel counts CPU time in `/proc` in ticks of 1/100 s (USER_HZ).
const NS_PER_TICK: u64 = 10_000_000;

/// A process's CPU time, user and system, of all its threads including those that have
/// ended (`utime` and `stime` of `/proc/<pid>/stat`), in nanoseconds.
fn process_ns(pid: u32) -> Option<u64> {
    stat_ns(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// `utime` + `stime` (fields 14 and 15) of a `/proc/<pid>/stat` line, in nanoseconds. The
/// fields are counted after the command name, which is in parentheses and may hold spaces
/// and parentheses itself.
pub fn stat_ns(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * NS_PER_TICK)
}

/// Idle and iowait of the `cpu` line of `/proc/stat`, in nanoseconds (the kernel counts them
/// in ticks of 1/100 s).
pub fn idle_ns(stat: &str) -> Option<u64> {
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
    fn a_process_stat_line_reads_user_and_system_time_after_the_command_name() {
        // From a tokio worker named with a space and a parenthesis; utime 1500, stime 250.
        let line = "4242 (tokio rt) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 1500 250 0 0 20 0 \
                    9 0 100 1000000 500 18446744073709551615";
        assert_eq!(stat_ns(line), Some(1_750 * 10_000_000));
        assert_eq!(stat_ns("4242 (short) S 1 2"), None);
        assert_eq!(stat_ns("no name here"), None);
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
        // Busy for 100 ms: ten of the kernel's ticks of CPU time.
        let until = Instant::now() + std::time::Duration::from_millis(100);
        let mut x = 0u64;
        while Instant::now() < until {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
        }
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
