//! The SQLite file behind the embedded store: opening it, and writing one change in one
//! transaction. Loading it back is in [`super::load`].

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::collections::HashSet;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, QueryBuilder, Sqlite};

use crate::domain::{BranchId, Event, ServiceId, TicketId, WindowNo};

use super::change::{Average, Counter, IdempotencyKey};
use super::commit::Write;
use super::state::{LiveTicket, LiveWindow};
use super::{event_rows, history_rows, reminder_rows};

const SCHEMA: &str = include_str!("schema.sql");

/// Opens (creating if missing) the file, in WAL mode with full sync, and applies the schema.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("creating the directory {}", dir.display()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5));
    // The schema first, on one connection of its own: the pool's connections then never hold
    // a statement prepared against an older shape of a table.
    let mut setup = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("opening the queue file {}", path.display()))?;
    upgrade(&mut setup)
        .await
        .with_context(|| format!("upgrading the live queue schema of {}", path.display()))?;
    sqlx::raw_sql(SCHEMA)
        .execute(&mut setup)
        .await
        .with_context(|| format!("applying the live queue schema to {}", path.display()))?;
    setup.close().await.ok();
    // Every write happens under the store's lock, so one writer connection is enough; the
    // second lets `ping` answer while a write is in flight.
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .with_context(|| format!("opening the queue file {}", path.display()))?;
    Ok(pool)
}

/// Columns added to a table after files were written with it: the leg columns of
/// `live_tickets` (before the history buffer existed) and the call number of
/// `live_reminders` (before each call was reminded).
const ADDED_COLUMNS: [(&str, &str, &str); 5] = [
    ("live_tickets", "leg", "INTEGER NOT NULL DEFAULT 0"),
    ("live_tickets", "leg_at", "TEXT"),
    ("live_tickets", "first_called_at", "TEXT"),
    ("live_tickets", "called_by", "INTEGER"),
    ("live_reminders", "call_no", "INTEGER"),
];

/// Adds the columns an older file lacks (`CREATE TABLE IF NOT EXISTS` would keep its old
/// shape); a table the file does not have yet gets them from the schema.
async fn upgrade(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    for (table, name, decl) in ADDED_COLUMNS {
        let present: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
        if !present.is_empty() && !present.iter().any(|p| p == name) {
            let sql = format!("ALTER TABLE {table} ADD COLUMN {name} {decl}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn opt_time(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(time)
}

pub fn day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Rows in one multi-row statement at most (22 columns × 200 stays far below SQLite's
/// 32,766 variables).
const ROWS_PER_STATEMENT: usize = 200;

/// Writes every change of `batch` with its stamped events (pruning each branch's log to its
/// retention) in one transaction: all of them or nothing, with one sync of the file.
///
/// Every live row is a whole value keyed by its primary key, so of a row the batch writes
/// more than once (a ticket taken then called, the counter each take moves) only the last
/// value is written, and each table's rows go in multi-row statements: a batch costs a few
/// statements, not a few per change. History entries and reminder intents are appended in
/// the order of the steps.
pub async fn write_batch(pool: &SqlitePool, batch: &[Write]) -> sqlx::Result<()> {
    let rows = Rows::of(batch);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for chunk in rows.tickets.chunks(ROWS_PER_STATEMENT) {
        tickets(chunk).build().execute(&mut *tx).await?;
    }
    for chunk in rows.windows.chunks(ROWS_PER_STATEMENT) {
        windows(chunk).build().execute(&mut *tx).await?;
    }
    for chunk in rows.counters.chunks(ROWS_PER_STATEMENT) {
        counters(chunk).build().execute(&mut *tx).await?;
    }
    for chunk in rows.idempotency.chunks(ROWS_PER_STATEMENT) {
        idempotency(chunk).build().execute(&mut *tx).await?;
    }
    for chunk in rows.averages.chunks(ROWS_PER_STATEMENT) {
        averages(chunk).build().execute(&mut *tx).await?;
    }
    for chunk in rows.events.chunks(ROWS_PER_STATEMENT) {
        event_rows::insert(chunk).build().execute(&mut *tx).await?;
    }
    for w in batch {
        for entry in &w.change.history {
            history_rows::insert(&mut tx, entry).await?;
        }
        for intent in &w.change.reminders {
            reminder_rows::insert(&mut tx, &w.branch, intent).await?;
        }
    }
    for (branch, last_id, retention) in rows.last_events {
        event_rows::settle(&mut tx, branch, last_id, retention).await?;
    }
    tx.commit().await
}

/// The live rows of a batch, each key once with its last value.
#[derive(Default)]
struct Rows<'a> {
    tickets: Vec<(&'a BranchId, &'a LiveTicket)>,
    windows: Vec<(&'a BranchId, &'a LiveWindow)>,
    counters: Vec<(&'a BranchId, &'a Counter)>,
    idempotency: Vec<(&'a BranchId, &'a IdempotencyKey)>,
    averages: Vec<(&'a BranchId, &'a Average)>,
    events: Vec<(&'a BranchId, &'a Event)>,
    /// Each branch's last event id and retention.
    last_events: Vec<(&'a BranchId, u64, usize)>,
}

impl<'a> Rows<'a> {
    fn of(batch: &'a [Write]) -> Self {
        let mut rows = Self::default();
        let mut seen = Seen::default();
        // Latest first, so that the first value of a key is its last.
        for w in batch.iter().rev() {
            let b = &w.branch;
            for t in w.change.tickets.iter().rev() {
                if seen.tickets.insert(&t.ticket.id) {
                    rows.tickets.push((b, t));
                }
            }
            for x in w.change.windows.iter().rev() {
                if seen.windows.insert((b, x.number)) {
                    rows.windows.push((b, x));
                }
            }
            for c in w.change.counters.iter().rev() {
                if seen.counters.insert((b, c.day, &c.service)) {
                    rows.counters.push((b, c));
                }
            }
            for k in w.change.idempotency.iter().rev() {
                if seen.idempotency.insert((b, k.day, &k.key)) {
                    rows.idempotency.push((b, k));
                }
            }
            for a in w.change.averages.iter().rev() {
                if seen.averages.insert((b, &a.service)) {
                    rows.averages.push((b, a));
                }
            }
            if let Some(last) = w.events.last()
                && !rows.last_events.iter().any(|(known, _, _)| *known == b)
            {
                rows.last_events.push((b, last.id, w.retention));
            }
        }
        rows.events = batch
            .iter()
            .flat_map(|w| w.events.iter().map(move |e| (&w.branch, e)))
            .collect();
        rows
    }
}

/// The keys [`Rows::of`] has taken.
#[derive(Default)]
struct Seen<'a> {
    tickets: HashSet<&'a TicketId>,
    windows: HashSet<(&'a BranchId, WindowNo)>,
    counters: HashSet<(&'a BranchId, NaiveDate, &'a ServiceId)>,
    idempotency: HashSet<(&'a BranchId, NaiveDate, &'a String)>,
    averages: HashSet<(&'a BranchId, &'a ServiceId)>,
}

fn tickets(rows: &[(&BranchId, &LiveTicket)]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(
        "INSERT OR REPLACE INTO live_tickets (id, branch, day, service, original_service, \
         state, priority, channel, phone, window_no, recall_count, requeue_count, issued_at, \
         called_at, started_at, ended_at, queue_key, time_key, leg, leg_at, first_called_at, \
         called_by) ",
    );
    q.push_values(rows, |mut r, (branch, live)| {
        let t = &live.ticket;
        r.push_bind(t.id.to_string())
            .push_bind(branch.as_str().to_owned())
            .push_bind(day(t.id.day))
            .push_bind(t.service.as_str().to_owned())
            .push_bind(t.original_service.as_ref().map(|s| s.as_str().to_owned()))
            .push_bind(t.state.as_str())
            .push_bind(t.priority.as_str())
            .push_bind(t.channel.as_str())
            .push_bind(t.phone.as_ref().map(|p| p.digits().to_owned()))
            .push_bind(t.window.map(|w| i64::from(w.get())))
            .push_bind(i64::from(t.recall_count))
            .push_bind(i64::from(t.requeue_count))
            .push_bind(time(t.issued_at))
            .push_bind(opt_time(t.called_at))
            .push_bind(opt_time(t.started_at))
            .push_bind(opt_time(t.ended_at))
            .push_bind(live.key)
            .push_bind(live.time_key)
            .push_bind(i64::from(live.leg.number))
            .push_bind(time(live.leg.entered_at))
            .push_bind(opt_time(live.leg.first_called_at))
            .push_bind(live.leg.called_by.map(|w| i64::from(w.get())));
    });
    q
}

fn windows(rows: &[(&BranchId, &LiveWindow)]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(
        "INSERT OR REPLACE INTO live_windows \
         (branch, number, state, pause_reason, current_ticket, ratio_pos) ",
    );
    q.push_values(rows, |mut r, (branch, w)| {
        r.push_bind(branch.as_str().to_owned())
            .push_bind(i64::from(w.number.get()))
            .push_bind(w.state.as_str())
            .push_bind(w.pause_reason.clone())
            .push_bind(w.current.as_ref().map(ToString::to_string))
            .push_bind(i64::from(w.ratio_pos));
    });
    q
}

fn counters(rows: &[(&BranchId, &Counter)]) -> QueryBuilder<Sqlite> {
    let mut q =
        QueryBuilder::new("INSERT OR REPLACE INTO live_counters (branch, day, service, issued) ");
    q.push_values(rows, |mut r, (branch, c)| {
        r.push_bind(branch.as_str().to_owned())
            .push_bind(day(c.day))
            .push_bind(c.service.as_str().to_owned())
            .push_bind(i64::from(c.issued));
    });
    q
}

fn idempotency(rows: &[(&BranchId, &IdempotencyKey)]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(
        "INSERT OR REPLACE INTO live_idempotency_keys (branch, day, key, ticket_id) ",
    );
    q.push_values(rows, |mut r, (branch, k)| {
        r.push_bind(branch.as_str().to_owned())
            .push_bind(day(k.day))
            .push_bind(k.key.clone())
            .push_bind(k.ticket.to_string());
    });
    q
}

fn averages(rows: &[(&BranchId, &Average)]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(
        "INSERT OR REPLACE INTO live_service_averages (branch, service, avg_ms) ",
    );
    q.push_values(rows, |mut r, (branch, a)| {
        r.push_bind(branch.as_str().to_owned())
            .push_bind(a.service.as_str().to_owned())
            .push_bind(i64::try_from(a.avg_ms).unwrap_or(i64::MAX));
    });
    q
}
