//! The history buffer in the SQLite file (`live_history`): rows written in the transaction of
//! the step that ends a leg, read oldest first and deleted once acknowledged.

use anyhow::Context;
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, Sqlite, Transaction};

use crate::domain::{BranchId, Channel, PriorityClass, TicketId};
use crate::store::{Buffered, HistoryEntry, Outcome};

use super::buffer_rows;
use super::load::{count, opt_time, service, time, window_no};
use super::persist;

/// Appends one entry inside the step's transaction.
pub async fn insert(tx: &mut Transaction<'_, Sqlite>, e: &HistoryEntry) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO live_history (branch, ticket_id, leg, service, priority, channel, outcome, \
         window_no, entered_at, called_at, started_at, ended_at, recall_count, requeue_count) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.branch().as_str())
    .bind(e.ticket.to_string())
    .bind(i64::from(e.leg))
    .bind(e.service.as_str())
    .bind(e.priority.as_str())
    .bind(e.channel.as_str())
    .bind(e.outcome.as_str())
    .bind(e.window.map(|w| i64::from(w.get())))
    .bind(persist::time(e.entered_at))
    .bind(persist::opt_time(e.called_at))
    .bind(persist::opt_time(e.started_at))
    .bind(persist::time(e.ended_at))
    .bind(i64::from(e.recall_count))
    .bind(i64::from(e.requeue_count))
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The branch's oldest `limit` entries.
pub async fn pending(
    pool: &SqlitePool,
    branch: &BranchId,
    limit: usize,
) -> anyhow::Result<Vec<Buffered>> {
    buffer_rows::pending(pool, &buffer_rows::LIVE_HISTORY, branch, limit, buffered).await
}

fn buffered(row: &SqliteRow) -> anyhow::Result<Buffered> {
    let seq: i64 = row.try_get("seq")?;
    let decode = || -> anyhow::Result<HistoryEntry> {
        let priority: &str = row.try_get("priority")?;
        let channel: &str = row.try_get("channel")?;
        let outcome: &str = row.try_get("outcome")?;
        Ok(HistoryEntry {
            ticket: TicketId::parse(row.try_get("ticket_id")?)?,
            leg: count(row, "leg")?,
            service: service(row, "service")?,
            priority: PriorityClass::parse(priority)
                .with_context(|| format!("bad priority '{priority}'"))?,
            channel: Channel::parse(channel).with_context(|| format!("bad channel '{channel}'"))?,
            outcome: Outcome::parse(outcome).with_context(|| format!("bad outcome '{outcome}'"))?,
            window: row
                .try_get::<Option<i64>, _>("window_no")?
                .map(window_no)
                .transpose()?,
            entered_at: time(row.try_get("entered_at")?)?,
            called_at: opt_time(row, "called_at")?,
            started_at: opt_time(row, "started_at")?,
            ended_at: time(row.try_get("ended_at")?)?,
            recall_count: count(row, "recall_count")?,
            requeue_count: count(row, "requeue_count")?,
        })
    };
    let entry = decode().with_context(|| format!("reading history entry {seq}"))?;
    Ok(Buffered {
        id: seq.to_string(),
        entry,
    })
}
