//! The SQLite file behind the embedded store: opening it, and writing one change in one
//! transaction. Loading it back is in [`super::load`].

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::{Connection, Sqlite, Transaction};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use crate::domain::{BranchId, Event};

use super::change::Change;
use super::commit::Write;
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

/// Writes every change of `batch` with its stamped events (pruning each branch's log to its
/// retention) in one transaction: all of them or nothing, with one sync of the file.
pub async fn write_batch(pool: &SqlitePool, batch: &[Write]) -> sqlx::Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // Each branch's last event id and retention, settled once after all of its events.
    let mut last_events: Vec<(&BranchId, u64, usize)> = Vec::new();
    for w in batch {
        write(&mut tx, &w.branch, &w.change, &w.events).await?;
        if let Some(last) = w.events.last() {
            match last_events.iter_mut().find(|(b, _, _)| *b == &w.branch) {
                Some(entry) => *entry = (&w.branch, last.id, w.retention),
                None => last_events.push((&w.branch, last.id, w.retention)),
            }
        }
    }
    for (branch, last_id, retention) in last_events {
        event_rows::settle(&mut tx, branch, last_id, retention).await?;
    }
    tx.commit().await
}

/// Writes every row of `change` and its stamped `events` in the transaction `tx`.
async fn write(
    tx: &mut Transaction<'_, Sqlite>,
    branch: &BranchId,
    change: &Change,
    events: &[Event],
) -> sqlx::Result<()> {
    for live in &change.tickets {
        let t = &live.ticket;
        sqlx::query(
            "INSERT OR REPLACE INTO live_tickets (id, branch, day, service, original_service, \
             state, priority, channel, phone, window_no, recall_count, requeue_count, issued_at, \
             called_at, started_at, ended_at, queue_key, time_key, leg, leg_at, first_called_at, \
             called_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(t.id.to_string())
        .bind(branch.as_str())
        .bind(day(t.id.day))
        .bind(t.service.as_str())
        .bind(t.original_service.as_ref().map(|s| s.as_str()))
        .bind(t.state.as_str())
        .bind(t.priority.as_str())
        .bind(t.channel.as_str())
        .bind(t.phone.as_ref().map(|p| p.digits()))
        .bind(t.window.map(|w| i64::from(w.get())))
        .bind(i64::from(t.recall_count))
        .bind(i64::from(t.requeue_count))
        .bind(time(t.issued_at))
        .bind(opt_time(t.called_at))
        .bind(opt_time(t.started_at))
        .bind(opt_time(t.ended_at))
        .bind(live.key)
        .bind(live.time_key)
        .bind(i64::from(live.leg.number))
        .bind(time(live.leg.entered_at))
        .bind(opt_time(live.leg.first_called_at))
        .bind(live.leg.called_by.map(|w| i64::from(w.get())))
        .execute(&mut **tx)
        .await?;
    }
    for entry in &change.history {
        history_rows::insert(tx, entry).await?;
    }
    for intent in &change.reminders {
        reminder_rows::insert(tx, branch, intent).await?;
    }
    for w in &change.windows {
        sqlx::query(
            "INSERT OR REPLACE INTO live_windows \
             (branch, number, state, pause_reason, current_ticket, ratio_pos) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(branch.as_str())
        .bind(i64::from(w.number.get()))
        .bind(w.state.as_str())
        .bind(w.pause_reason.as_deref())
        .bind(w.current.as_ref().map(ToString::to_string))
        .bind(i64::from(w.ratio_pos))
        .execute(&mut **tx)
        .await?;
    }
    for c in &change.counters {
        sqlx::query(
            "INSERT OR REPLACE INTO live_counters (branch, day, service, issued) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(branch.as_str())
        .bind(day(c.day))
        .bind(c.service.as_str())
        .bind(i64::from(c.issued))
        .execute(&mut **tx)
        .await?;
    }
    for k in &change.idempotency {
        sqlx::query(
            "INSERT OR REPLACE INTO live_idempotency_keys (branch, day, key, ticket_id) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(branch.as_str())
        .bind(day(k.day))
        .bind(k.key.as_str())
        .bind(k.ticket.to_string())
        .execute(&mut **tx)
        .await?;
    }
    for a in &change.averages {
        sqlx::query(
            "INSERT OR REPLACE INTO live_service_averages (branch, service, avg_ms) \
             VALUES (?, ?, ?)",
        )
        .bind(branch.as_str())
        .bind(a.service.as_str())
        .bind(i64::try_from(a.avg_ms).unwrap_or(i64::MAX))
        .execute(&mut **tx)
        .await?;
    }
    event_rows::write(&mut *tx, branch, events).await
}
