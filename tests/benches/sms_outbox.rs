//! The SMS outbox's throughput (issue 5): N reminders enqueued at once, sent by 1 and by 4
//! workers with the real Twilio client to a fake Twilio on wiremock, on PostgreSQL (a database
//! of its own on the server of `QUEUECALL_TEST_DATABASE_URL`, as the tests) and on SQLite (a
//! file in a temp dir). Prints rows/s and the latency of one send (the provider call as the
//! worker makes it) and of one reminder from its claim to its recorded outcome, p50/p90/p99/max;
//! checks that every reminder was sent exactly once (the fake received N requests to N
//! distinct numbers, N rows sent) and exits non-zero otherwise.
//!
//! ```text
//! cargo bench -p queuecall-tests --bench sms_outbox                 # 5,000 rows
//! cargo bench -p queuecall-tests --bench sms_outbox -- --rows 20000
//! cargo bench -p queuecall-tests --bench sms_outbox -- --smoke      # 300 rows, for CI
//! ```
//!
//! Options: `--rows N` (or `QUEUECALL_BENCH_ROWS`), `--smoke` (or `QUEUECALL_BENCH_SMOKE=1`),
//! `--batch N` (reminders claimed per round; the service's default), `--engine postgres|sqlite`
//! (both by default). Run by `cargo test --benches` (no `--bench` argument) it is a smoke run.

mod figures;
mod twilio_outbox;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use figures::{Figures, machine};
use queuecall::clock::{Clock, SystemClock};
use queuecall::records::Db;
use queuecall::sms::worker::OutboxSettings;
use queuecall::sms::{OutgoingSms, SendOutcome, Sender};
use queuecall_tests::{TestDatabase, fresh_postgres, fresh_sqlite};
use twilio_outbox::{accepting_twilio, drain, enqueue_many, received, twilio_sender, worker};

const DEFAULT_ROWS: usize = 5_000;
const SMOKE_ROWS: usize = 300;
const WORKERS: [usize; 2] = [1, 4];
const USAGE: &str = "usage: sms_outbox [--rows N] [--smoke] [--batch N] [--engine postgres|sqlite]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Postgres,
    Sqlite,
}

impl Engine {
    async fn fresh(self) -> anyhow::Result<TestDatabase> {
        match self {
            Self::Postgres => fresh_postgres().await,
            Self::Sqlite => fresh_sqlite().await,
        }
    }
}

#[derive(Debug)]
struct Options {
    rows: usize,
    batch: usize,
    engines: Vec<Engine>,
    smoke: bool,
}

impl Options {
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let env_rows = std::env::var("QUEUECALL_BENCH_ROWS").ok();
        let mut rows = env_rows.as_deref().map(positive).transpose()?;
        let mut smoke = std::env::var("QUEUECALL_BENCH_SMOKE").is_ok_and(|v| v == "1");
        let mut batch = OutboxSettings::default().batch;
        let mut engines = vec![Engine::Postgres, Engine::Sqlite];
        // `cargo bench` passes `--bench`; `cargo test --benches` does not: a smoke run.
        let mut benching = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--bench" => benching = true,
                "--smoke" => smoke = true,
                "--rows" => rows = Some(positive(&value()?)?),
                "--batch" => batch = positive(&value()?)?,
                "--engine" => {
                    engines = match value()?.as_str() {
                        "postgres" => vec![Engine::Postgres],
                        "sqlite" => vec![Engine::Sqlite],
                        other => return Err(format!("--engine {other}: postgres or sqlite")),
                    }
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        let smoke = smoke || !benching;
        let rows = rows.unwrap_or(if smoke { SMOKE_ROWS } else { DEFAULT_ROWS });
        Ok(Self {
            rows,
            batch,
            engines,
            smoke,
        })
    }
}

fn positive(text: &str) -> Result<usize, String> {
    match text.replace(['_', ','], "").parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{text} is not a positive whole number")),
    }
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("error: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&options)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("FAILED: a reminder was not sent exactly once (see above)");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Every engine × worker count; answers whether every run sent each reminder exactly once.
async fn run(options: &Options) -> anyhow::Result<bool> {
    println!(
        "sms outbox benchmark{}: {} reminders, batch {}, {} build, {}",
        if options.smoke { " (smoke)" } else { "" },
        options.rows,
        options.batch,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        machine(),
    );
    let mut all_once = true;
    for &engine in &options.engines {
        for workers in WORKERS {
            let database = engine.fresh().await?;
            let figures = measure(&database, options.rows, workers, options.batch)
                .await
                .with_context(|| format!("{engine:?} with {workers} workers"))?;
            println!("{figures}");
            all_once &= figures.sent_once(options.rows);
        }
    }
    Ok(all_once)
}

/// The provider's client, timing each send.
struct Timed {
    inner: Arc<dyn Sender>,
    sends: Mutex<Vec<Duration>>,
}

#[async_trait::async_trait]
impl Sender for Timed {
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let started = Instant::now();
        let outcome = self.inner.send(sms).await;
        let took = started.elapsed();
        if let Ok(mut sends) = self.sends.lock() {
            sends.push(took);
        }
        outcome
    }

    async fn find_sent(
        &self,
        sms: &OutgoingSms,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String> {
        self.inner.find_sent(sms, since).await
    }
}

async fn measure(
    database: &TestDatabase,
    rows: usize,
    workers: usize,
    batch: usize,
) -> anyhow::Result<Figures> {
    let db = database.migrated().await?;
    let twilio = accepting_twilio().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    enqueue_many(&db, rows, clock.now()).await?;
    let sender = Arc::new(Timed {
        inner: twilio_sender(&twilio)?,
        sends: Mutex::new(Vec::with_capacity(rows)),
    });
    let started = Instant::now();
    drain(
        (0..workers)
            .map(|_| {
                worker(
                    &db,
                    Arc::clone(&sender) as Arc<dyn Sender>,
                    Arc::clone(&clock),
                    batch,
                )
            })
            .collect(),
    )
    .await?;
    let elapsed = started.elapsed();
    let send_ms = sender
        .sends
        .lock()
        .map_err(|_| anyhow::anyhow!("a send panicked"))?
        .iter()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    let (claim_to_sent_ms, sent_rows) = claim_to_sent(&db).await?;
    let figures = Figures {
        engine: db.engine().to_string(),
        rows,
        workers,
        elapsed,
        send_ms,
        claim_to_sent_ms,
        received: received(&twilio).await,
        sent_rows,
    };
    db.close().await;
    Ok(figures)
}

/// Each sent row's time from claim (`last_attempt_at`) to recorded (`sent_at`), in ms; and
/// how many rows are sent after exactly one attempt.
async fn claim_to_sent(db: &Db) -> anyhow::Result<(Vec<f64>, usize)> {
    let (ms, once): (Vec<(f64,)>, i64) = match db {
        Db::Postgres(pool) => (
            sqlx::query_as(
                "SELECT CAST(EXTRACT(EPOCH FROM sent_at - last_attempt_at) * 1000 \
                 AS DOUBLE PRECISION) FROM sms_outbox WHERE state = 'sent'",
            )
            .fetch_all(pool)
            .await?,
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sms_outbox WHERE state = 'sent' AND attempts = 1",
            )
            .fetch_one(pool)
            .await?,
        ),
        Db::Sqlite(pool) => (
            sqlx::query_as(
                "SELECT (julianday(sent_at) - julianday(last_attempt_at)) * 86400000.0 \
                 FROM sms_outbox WHERE state = 'sent'",
            )
            .fetch_all(pool)
            .await?,
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sms_outbox WHERE state = 'sent' AND attempts = 1",
            )
            .fetch_one(pool)
            .await?,
        ),
    };
    let once = usize::try_from(once).context("a negative count")?;
    Ok((ms.into_iter().map(|(ms,)| ms).collect(), once))
}
