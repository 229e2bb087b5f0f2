//! `queuecall-bench queue`: the throughput and latency of TakeTicket and of the window cycle
//! (CallNext → StartService → CompleteService), each beside the same server's empty unary
//! RPC (a health check) timed by the same generator in the same run, so that the figures read
//! as ratios of what the server and the machine can do at all.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use queuecall_client::Server;
use queuecall_client::pb;
use queuecall_client::pb::queue_service_client::QueueServiceClient;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use super::cpu::{Probe, Usage};
use super::stats::Summary;

pub const QUEUE_HELP: &str = "\
What it does, against a running service: (1) for --seconds rounds, one second each of the
empty RPC (--tasks concurrent tasks over --connections HTTP/2 connections calling
grpc.health.v1.Health/Check) and of TakeTicket for --service (kiosk, no phone) the same way;
(2) TakeTicket for --seconds, paced at half the rate (1) reached, for the latency at a
moderate load; (3) for --seconds rounds, one second each of the empty RPC and of the window
cycle: one task per --windows window, each repeating CallNext, StartService,
CompleteService on the tickets (1) and (2) issued; (4) the window cycle for --seconds,
each window starting a cycle on a schedule of its own so that all together make half the
cycles per second (3) reached. Taking turns, the operations see the same machine, so the
ratios compare like with like.

Report (stdout): per operation the count, throughput (ops/s), latency p50/p90/p99/max in
milliseconds and the throughput as a ratio of the empty RPC's; where the CPU went while each
ran (the generator's CPU time, the server's and Redis's with --server-pid and --redis-pid, and
the CPUs left idle, from /proc on Linux); a line `RESULT key=value …` for scripts. Exit status: 0 when no call failed; 1 otherwise.

The service needs enough tickets left under the service's daily limit and the windows open
or openable by the token (the bench opens them and empties any ticket they hold). See
scripts/bench-queue.sh, which starts the service on a bench hall (scripts/bench/hall.yaml)
on each store and runs this mode.";

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct QueueArgs {
    #[command(flatten)]
    pub on: super::args::ServerArgs,
    #[arg(long, default_value = "bench-centre")]
    pub branch: String,
    #[arg(long, default_value = "general")]
    pub service: String,
    /// The windows that serve --service, for the window cycle (`1-40` or `1,2,5`).
    #[arg(long, default_value = "1-40")]
    pub windows: String,
    /// HTTP/2 connections the tasks share.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// Concurrent tasks for the empty RPC and TakeTicket.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: u32,
    /// How long each phase runs.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub seconds: u64,
    /// The server's process id, when it runs on this machine: its CPU time per operation is
    /// reported (from /proc).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// The Redis server's process id, when it runs on this machine: the same for Redis.
    #[arg(long)]
    pub redis_pid: Option<u32>,
}

impl QueueArgs {
    /// The window numbers of `--windows`.
    pub fn window_numbers(&self) -> anyhow::Result<Vec<u32>> {
        let mut numbers = Vec::new();
        for part in self.windows.split(',').map(str::trim) {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to): (u32, u32) = (from.parse()?, to.parse()?);
                    if from == 0 || to < from {
                        bail!("--windows: '{part}' is not a range of window numbers");
                    }
                    numbers.extend(from..=to);
                }
                None => numbers.push(part.parse().context("--windows")?),
            }
        }
        if numbers.is_empty() {
            bail!("--windows names no window");
        }
        Ok(numbers)
    }
}

/// A connection that sends the token.
pub(super) type Conn = queuecall_client::Connection;

/// `count` HTTP/2 connections to `server`.
pub(super) async fn connect(server: &Server, count: u32) -> anyhow::Result<Vec<Conn>> {
    let mut channels = Vec::new();
    for _ in 0..count {
        let endpoint = server.endpoint()?;
        let uri = endpoint.uri().to_string();
        let channel = endpoint
            .tcp_nodelay(true)
            .connect()
            .await
            .with_context(|| format!("cannot reach {uri}"))?;
        channels.push(server.wrap(channel)?);
    }
    Ok(channels)
}

/// One operation's samples and failures.
struct Measured {
    name: &'static str,
    /// Its name in the `RESULT` line.
    key: &'static str,
    latencies_us: Vec<u64>,
    failures: u64,
    first_error: Option<String>,
    elapsed: Duration,
    /// Paced calls: how far behind their schedule they were sent.
    behind: Option<Summary>,
    /// The CPU time spent while it ran (for the window cycle: on the first of its three).
    cpu: Option<Usage>,
}

const EMPTY: (&str, &str) = ("empty RPC (Health/Check)", "empty");
const TAKE: (&str, &str) = ("TakeTicket", "take");
const CYCLE: [(&str, &str); 3] = [
    ("CallNext", "call_next"),
    ("StartService", "start"),
    ("CompleteService", "complete"),
];
const CYCLE_HALF: [(&str, &str); 3] = [
    ("CallNext at half that rate", "call_next_half"),
    ("StartService at half that rate", "start_half"),
    ("CompleteService at half that rate", "complete_half"),
];

impl Measured {
    fn new((name, key): (&'static str, &'static str)) -> Self {
        Self {
            name,
            key,
            latencies_us: Vec::new(),
            failures: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            behind: None,
            cpu: None,
        }
    }

    /// Adds another slice of the same operation: its samples, failures and time.
    fn absorb(&mut self, part: Measured) {
        self.latencies_us.extend(part.latencies_us);
        self.failures += part.failures;
        if self.first_error.is_none() {
            self.first_error = part.first_error;
        }
        self.elapsed += part.elapsed;
        if let Some(cpu) = part.cpu {
            self.cpu.get_or_insert_with(Usage::default).add(&cpu);
        }
    }

    fn throughput(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs the phases and prints the report; true when no call failed.
pub async fn run(args: QueueArgs) -> anyhow::Result<bool> {
    let windows = args.window_numbers()?;
    let probe = Probe::new(args.server_pid, args.redis_pid)?;
    let channels = connect(&args.on.target()?, args.connections).await?;
    let duration = Duration::from_secs(args.seconds);
    prepare_windows(&channels[0], &args, &windows).await?;

    let take_request = pb::TakeTicketRequest {
        branch_id: args.branch.clone(),
        service_id: args.service.clone(),
        channel: pb::Channel::Kiosk.into(),
        ..Default::default()
    };
    // The empty RPC and TakeTicket take turns, a second each, for --seconds rounds, so that
    // both see the same machine (a shared host's speed drifts by a fifth over a minute) and
    // the ratio compares like with like; then TakeTicket at half that rate; then the empty
    // RPC and the window cycle take turns the same way. The cycle comes last because what it
    // ends is written to the records in the background, which would be measured with the
    // paced takes.
    let slice = Duration::from_secs(1);
    let (mut empty, mut take) = (Measured::new(EMPTY), Measured::new(TAKE));
    let mut cycle = CYCLE.map(Measured::new);
    for _ in 0..args.seconds {
        empty.absorb(watched(&probe, empty_rpcs(&channels, args.tasks, slice)).await);
        let request = take_request.clone();
        take.absorb(
            watched(
                &probe,
                closed_loop(TAKE, &channels, args.tasks, slice, move |c| {
                    take_ticket(c, request.clone())
                }),
            )
            .await,
        );
    }
    let half_rate = take.throughput() / 2.0;
    let take_half = {
        let request = take_request.clone();
        watched(
            &probe,
            paced(
                ("TakeTicket at half that rate", "take_half"),
                &channels,
                half_rate,
                duration,
                move |c| take_ticket(c, request.clone()),
            ),
        )
        .await
    };
    for _ in 0..args.seconds {
        empty.absorb(watched(&probe, empty_rpcs(&channels, args.tasks, slice)).await);
        let before = probe.as_ref().and_then(Probe::read);
        let mut round = window_cycles(CYCLE, &channels, &args.branch, &windows, slice, None).await;
        round[0].cpu = probe.as_ref().and_then(|p| p.since(before));
        for (total, part) in cycle.iter_mut().zip(round) {
            total.absorb(part);
        }
    }
    // The windows again at half the cycles per second they reached, each window on its own
    // schedule (a clerk who takes a moment between citizens), for the latency at a moderate
    // load.
    let half_cycles = cycle[0].throughput() / 2.0;
    let every = Duration::from_secs_f64(windows.len() as f64 / half_cycles.max(1e-9));
    let before = probe.as_ref().and_then(Probe::read);
    let mut cycle_half = window_cycles(
        CYCLE_HALF,
        &channels,
        &args.branch,
        &windows,
        duration,
        Some(every),
    )
    .await;
    cycle_half[0].cpu = probe.as_ref().and_then(|p| p.since(before));

    let mut all = vec![empty, take, take_half];
    all.extend(cycle);
    all.extend(cycle_half);
    println!("{}", render(&args, &windows, &all));
    Ok(all.iter().all(|m| m.failures == 0))
}

/// `phase` with the CPU time spent while it ran (when `probe` reads `/proc`).
async fn watched(probe: &Option<Probe>, phase: impl Future<Output = Measured>) -> Measured {
    let before = probe.as_ref().and_then(Probe::read);
    let mut measured = phase.await;
    measured.cpu = probe.as_ref().and_then(|p| p.since(before));
    measured
}

/// `tasks` tasks calling the empty RPC back to back for `duration`.
async fn empty_rpcs(channels: &[Conn], tasks: u32, duration: Duration) -> Measured {
    closed_loop(EMPTY, channels, tasks, duration, |c| async move {
        HealthClient::new(c)
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .map(|_| ())
    })
    .await
}

/// One TakeTicket, its answer dropped.
async fn take_ticket(conn: Conn, request: pb::TakeTicketRequest) -> Result<(), tonic::Status> {
    QueueServiceClient::new(conn)
        .take_ticket(request)
        .await
        .map(|_| ())
}

/// Opens every window and finishes any ticket one holds, so that CallNext can call.
async fn prepare_windows(conn: &Conn, args: &QueueArgs, windows: &[u32]) -> anyhow::Result<()> {
    let mut client = QueueServiceClient::new(conn.clone());
    for &window in windows {
        let branch_id = args.branch.clone();
        let opened = client
            .open_window(pb::OpenWindowRequest {
                branch_id: branch_id.clone(),
                window,
            })
            .await;
        if let Err(status) = opened
            && status.code() != tonic::Code::FailedPrecondition
        {
            bail!("cannot open window {window}: {status}");
        }
        // Whatever it holds: start it (if only called) and complete it; errors mean it held
        // nothing in that state.
        let _ = client
            .start_service(pb::StartServiceRequest {
                branch_id: branch_id.clone(),
                window,
            })
            .await;
        let _ = client
            .complete_service(pb::CompleteServiceRequest { branch_id, window })
            .await;
    }
    Ok(())
}

/// `tasks` tasks, spread over the connections, each calling `op` back to back for `duration`.
async fn closed_loop<F, Fut>(
    name: (&'static str, &'static str),
    channels: &[Conn],
    tasks: u32,
    duration: Duration,
    op: F,
) -> Measured
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), tonic::Status>> + Send,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let deadline = started + duration;
    let mut handles = Vec::new();
    for task in 0..tasks as usize {
        let conn = channels[task % channels.len()].clone();
        let op = Arc::clone(&op);
        handles.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut failures = 0;
            let mut first_error = None;
            while Instant::now() < deadline {
                let at = Instant::now();
                match op(conn.clone()).await {
                    Ok(()) => samples.push(micros(at.elapsed())),
                    Err(status) => {
                        failures += 1;
                        first_error.get_or_insert_with(|| status.to_string());
                    }
                }
            }
            (samples, failures, first_error)
        }));
    }
    collect(name, handles, started).await
}

/// Calls `op` at `rate` per second (open loop: a late call does not delay the next) for
/// `duration`.
async fn paced<F, Fut>(
    name: (&'static str, &'static str),
    channels: &[Conn],
    rate: f64,
    duration: Duration,
    op: F,
) -> Measured
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), tonic::Status>> + Send + 'static,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let count = (rate * duration.as_secs_f64()).floor() as u64;
    let mut handles = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut behind_us = Vec::with_capacity(handles.capacity());
    for n in 0..count {
        let due = started + Duration::from_secs_f64(n as f64 / rate.max(1e-9));
        tokio::time::sleep_until(due.into()).await;
        // Latency from when the call is sent. tokio's timer wakes on millisecond ticks, so a
        // call goes out up to a millisecond after it was due even when the generator keeps
        // up; how far behind its schedule each went is kept apart, so that a generator that
        // falls behind (and would hide the server's latency) shows there.
        let sent = Instant::now();
        behind_us.push(micros(sent.saturating_duration_since(due)));
        let conn = channels[(n as usize) % channels.len()].clone();
        let op = Arc::clone(&op);
        handles.push(tokio::spawn(async move {
            match op(conn).await {
                Ok(()) => (vec![micros(sent.elapsed())], 0, None),
                Err(status) => (Vec::new(), 1, Some(status.to_string())),
            }
        }));
    }
    let mut measured = collect(name, handles, started).await;
    measured.behind = Summary::of(behind_us);
    measured
}

/// Step `step` of the window cycle (0 CallNext, 1 StartService, 2 CompleteService) at
/// `window`; false when CallNext found nobody waiting.
async fn window_step(
    client: &mut QueueServiceClient<Conn>,
    step: usize,
    branch: &str,
    window: u32,
) -> Result<bool, tonic::Status> {
    let branch_id = branch.to_owned();
    Ok(match step {
        0 => client
            .call_next(pb::CallNextRequest { branch_id, window })
            .await?
            .get_ref()
            .ticket
            .is_some(),
        1 => {
            client
                .start_service(pb::StartServiceRequest { branch_id, window })
                .await?;
            true
        }
        _ => {
            client
                .complete_service(pb::CompleteServiceRequest { branch_id, window })
                .await?;
            true
        }
    })
}

/// One task per window repeating CallNext → StartService → CompleteService (measured under
/// `names`) for `duration`, back to back or, with `every`, starting a cycle every `every`
/// (the windows' schedules spread over it; a late cycle does not delay the next one's due
/// time); each step is measured on its own, from sending. A CallNext that finds nobody
/// waiting ends that window.
async fn window_cycles(
    names: [(&'static str, &'static str); 3],
    channels: &[Conn],
    branch: &str,
    windows: &[u32],
    duration: Duration,
    every: Option<Duration>,
) -> Vec<Measured> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut handles = Vec::new();
    for (i, &window) in windows.iter().enumerate() {
        let mut client = QueueServiceClient::new(channels[i % channels.len()].clone());
        let branch_id = branch.to_owned();
        let first = every.map(|every| started + every.mul_f64(i as f64 / windows.len() as f64));
        handles.push(tokio::spawn(async move {
            let mut samples: [Vec<u64>; 3] = Default::default();
            let mut failures = [0u64; 3];
            let mut errors: [Option<String>; 3] = Default::default();
            let mut ran_out = false;
            let mut cycles = 0u32;
            'cycle: while Instant::now() < deadline {
                if let (Some(first), Some(every)) = (first, every) {
                    let due = first + every * cycles;
                    if due >= deadline {
                        break;
                    }
                    tokio::time::sleep_until(due.into()).await;
                }
                cycles += 1;
                for step in 0..3 {
                    let at = Instant::now();
                    match window_step(&mut client, step, &branch_id, window).await {
                        Ok(true) => samples[step].push(micros(at.elapsed())),
                        // CallNext found nobody waiting.
                        Ok(false) => {
                            ran_out = true;
                            break 'cycle;
                        }
                        Err(status) => {
                            failures[step] += 1;
                            errors[step].get_or_insert_with(|| status.to_string());
                            break 'cycle;
                        }
                    }
                }
            }
            (samples, failures, errors, ran_out)
        }));
    }
    let mut merged = names.map(Measured::new);
    let mut ran_out = 0;
    for handle in handles {
        if let Ok((samples, failures, errors, out)) = handle.await {
            ran_out += usize::from(out);
            for (i, m) in merged.iter_mut().enumerate() {
                m.latencies_us.extend(&samples[i]);
                m.failures += failures[i];
                if m.first_error.is_none() {
                    m.first_error = errors[i].clone();
                }
            }
        }
    }
    let elapsed = started.elapsed();
    for m in &mut merged {
        m.elapsed = elapsed;
    }
    if ran_out > 0 {
        eprintln!(
            "note: {ran_out} of {} windows found nobody waiting before the phase ended (the \
             cycle then measured fewer windows): take more tickets first (--seconds)",
            windows.len()
        );
    }
    merged.into()
}

type TaskResult = (Vec<u64>, u64, Option<String>);

async fn collect(
    (name, key): (&'static str, &'static str),
    handles: Vec<tokio::task::JoinHandle<TaskResult>>,
    started: Instant,
) -> Measured {
    let mut measured = Measured::new((name, key));
    for handle in handles {
        match handle.await {
            Ok((samples, failures, error)) => {
                measured.latencies_us.extend(samples);
                measured.failures += failures;
                if measured.first_error.is_none() {
                    measured.first_error = error;
                }
            }
            Err(err) => {
                measured.failures += 1;
                measured.first_error.get_or_insert_with(|| err.to_string());
            }
        }
    }
    measured.elapsed = started.elapsed();
    measured
}

pub(super) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

pub(super) fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

fn render(args: &QueueArgs, windows: &[u32], all: &[Measured]) -> String {
    let mut out = format!(
        "queuecall-bench queue: {}, branch {}, service {}, {} windows, {} tasks over {} \
         connections, {} rounds of a second per operation\n\n",
        args.on.server,
        args.branch,
        args.service,
        windows.len(),
        args.tasks,
        args.connections,
        args.seconds
    );
    out.push_str(&format!(
        "{:<32} {:>8} {:>10} {:>8} {:>8} {:>8} {:>8} {:>9} {:>7}\n",
        "operation", "count", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "× empty", "failed"
    ));
    let empty = all.first().map_or(0.0, Measured::throughput);
    let mut result = String::from("RESULT");
    for m in all {
        let summary = Summary::of(m.latencies_us.clone());
        let (p50, p90, p99, max) = summary
            .map_or(("-".into(), "-".into(), "-".into(), "-".into()), |s| {
                (ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max))
            });
        let ratio = if empty > 0.0 {
            format!("{:.2}", m.throughput() / empty)
        } else {
            "-".to_owned()
        };
        out.push_str(&format!(
            "{:<32} {:>8} {:>10.0} {:>8} {:>8} {:>8} {:>8} {:>9} {:>7}\n",
            m.name,
            m.latencies_us.len(),
            m.throughput(),
            p50,
            p90,
            p99,
            max,
            ratio,
            m.failures
        ));
        let key = m.key;
        result.push_str(&format!(" {key}_ops={:.0}", m.throughput()));
        if let Some(s) = summary {
            result.push_str(&format!(" {key}_p99_ms={}", ms(s.p99)));
        }
    }
    let cycle: f64 = all
        .iter()
        .filter(|m| CYCLE.iter().any(|(_, key)| *key == m.key))
        .map(Measured::throughput)
        .sum();
    if cycle > 0.0 && empty > 0.0 {
        out.push_str(&format!(
            "window cycle, its three operations together: {cycle:.0}/s = {:.2} × the empty RPC\n",
            cycle / empty
        ));
        result.push_str(&format!(" cycle_ops={cycle:.0}"));
    }
    for m in all {
        if let Some(behind) = &m.behind {
            out.push_str(&format!(
                "{}: sent behind schedule p50 {} ms, p99 {} ms, max {} ms (latency counts from \
                 sending)\n",
                m.name,
                ms(behind.p50),
                ms(behind.p99),
                ms(behind.max)
            ));
        }
    }
    out.push_str(&cpu_lines(all, &mut result));
    for m in all {
        if let Some(error) = &m.first_error {
            out.push_str(&format!("{}: first failure: {error}\n", m.name));
        }
    }
    out.push('\n');
    out.push_str(&result);
    out
}

/// Where the CPU went while each operation ran (operations measured with a probe): per
/// process its share and CPU time per operation, and the CPUs left idle; the window cycle's
/// time counts against all three of its operations. Adds `<key>_idle_pct` to `result`.
fn cpu_lines(all: &[Measured], result: &mut String) -> String {
    let mut out = String::new();
    for (i, m) in all.iter().enumerate() {
        let Some(cpu) = &m.cpu else { continue };
        let first_of_cycle = [(CYCLE[0].1, "cycle"), (CYCLE_HALF[0].1, "cycle_half")]
            .into_iter()
            .find(|(first, _)| *first == m.key);
        let (name, key, ops) = match first_of_cycle {
            Some((_, key)) => {
                let three = all[i..].iter().take(3);
                let ops = three.map(|m| m.latencies_us.len() as u64).sum();
                let name = if key == "cycle" {
                    "window cycle (its three operations)"
                } else {
                    "window cycle at half that rate"
                };
                (name, key, ops)
            }
            None => (m.name, m.key, m.latencies_us.len() as u64),
        };
        if out.is_empty() {
            let cores = std::thread::available_parallelism().map_or(0, usize::from);
            out.push_str(&format!(
                "CPU while each ran ({cores} cores; 100 % = one core busy throughout):\n"
            ));
        }
        out.push_str(&format!("  {name}: {}\n", cpu.line(ops)));
        result.push_str(&format!(" {key}_idle_pct={:.0}", cpu.idle_pct()));
    }
    out
}
