//! `ticket_history`: writing the buffer's entries and reading them back for the statistics.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::engine::{Cells, Engine, day};
use super::{instant_text, parse_instant};
use crate::domain::{BranchId, Channel, PriorityClass, ServiceId, TicketId, WindowNo};
use crate::records::Db;
use crate::store::{HistoryEntry, Outcome};

/// Writes `entries` in one transaction. A row already there for `(ticket, leg)` is replaced
/// only by an entry with a higher `requeue_count` (a requeued no-show that ended again), so
/// writing an entry twice, or an older one after a newer, changes nothing: several replicas
/// may write the same entries concurrently. Returns how many rows were inserted or replaced.
pub async fn record(db: &Db, entries: &[HistoryEntry]) -> anyhow::Result<u64> {
    if entries.is_empty() {
        return Ok(0);
    }
    with_pool!(db, pool => async {
        let sql = format!(
            "INSERT INTO ticket_history (ticket_id, leg, branch_id, local_date, service_id, \
             number, priority, channel, outcome, window_no, entered_at, called_at, started_at, \
             ended_at, recall_count, requeue_count) \
             VALUES ($1, $2, $3, {}, $5, $6, $7, $8, $9, $10, {}, {}, {}, {}, $15, $16) \
             ON CONFLICT (ticket_id, leg) DO UPDATE SET \
             service_id = excluded.service_id, outcome = excluded.outcome, \
             window_no = excluded.window_no, entered_at = excluded.entered_at, \
             called_at = excluded.called_at, started_at = excluded.started_at, \
             ended_at = excluded.ended_at, recall_count = excluded.recall_count, \
             requeue_count = excluded.requeue_count \
             WHERE ticket_history.requeue_count < excluded.requeue_count",
            pool.cast(4, "DATE"),
            pool.cast(11, "TIMESTAMPTZ"),
            pool.cast(12, "TIMESTAMPTZ"),
            pool.cast(13, "TIMESTAMPTZ"),
            pool.cast(14, "TIMESTAMPTZ"),
        );
        let mut tx = pool.begin().await.context("beginning the history write")?;
        let mut written = 0;
        for e in entries {
            written += sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(e.ticket.to_string())
                .bind(i64::from(e.leg))
                .bind(e.ticket.branch.as_str())
                .bind(day(e.ticket.day))
                .bind(e.service.as_str())
                .bind(e.ticket.number.to_string())
                .bind(e.priority.as_str())
                .bind(e.channel.as_str())
                .bind(e.outcome.as_str())
                .bind(e.window.map(|w| i64::from(w.get())))
                .bind(instant_text(e.entered_at))
                .bind(e.called_at.map(instant_text))
                .bind(e.started_at.map(instant_text))
                .bind(instant_text(e.ended_at))
                .bind(i64::from(e.recall_count))
                .bind(i64::from(e.requeue_count))
                .execute(&mut *tx)
                .await
                .with_context(|| format!("writing the history of {} leg {}", e.ticket, e.leg))?
                .rows_affected();
        }
        tx.commit().await.context("committing the history write")?;
        Ok(written)
    }
    .await)
}

/// The columns of an entry, instants as RFC 3339 text on both engines.
fn columns(pool: &impl Engine) -> String {
    format!(
        "ticket_id, leg, service_id, priority, channel, outcome, window_no, {}, {}, {}, {}, \
         recall_count, requeue_count",
        pool.instant("entered_at"),
        pool.instant("called_at"),
        pool.instant("started_at"),
        pool.instant("ended_at"),
    )
}

/// Every entry of the branch's service days `from..=to`, by ticket and leg.
pub async fn entries_between(
    db: &Db,
    branch: &BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Vec<HistoryEntry>> {
    with_pool!(db, pool => async {
        let sql = format!(
            "SELECT {} FROM ticket_history WHERE {} ORDER BY ticket_id, leg",
            columns(pool),
            pool.in_days(),
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(branch.as_str())
            .bind(day(from))
            .bind(day(to))
            .fetch_all(pool)
            .await
            .context("reading ticket_history")?;
        rows.iter().map(decode).collect()
    }
    .await)
}

/// Calls `each` with every entry of the branch's service days `from..=to`, read as a stream
/// (a year of a busy centre is not held in memory at once).
pub async fn for_each_between(
    db: &Db,
    branch: &BranchId,
    from: NaiveDate,
    to: NaiveDate,
    mut each: impl FnMut(HistoryEntry) + Send,
) -> anyhow::Result<()> {
    use futures::TryStreamExt;
    with_pool!(db, pool => async {
        let sql = format!(
            "SELECT {} FROM ticket_history WHERE {}",
            columns(pool),
            pool.in_days(),
        );
        let mut rows = sqlx::query(AssertSqlSafe(sql))
            .bind(branch.as_str())
            .bind(day(from))
            .bind(day(to))
            .fetch(pool);
        while let Some(row) = rows.try_next().await.context("reading ticket_history")? {
            each(decode(&row)?);
        }
        Ok(())
    }
    .await)
}

/// The legs recorded of one ticket, in order.
pub async fn legs_of(db: &Db, ticket: &TicketId) -> anyhow::Result<Vec<HistoryEntry>> {
    with_pool!(db, pool => async {
        let sql = format!(
            "SELECT {} FROM ticket_history WHERE ticket_id = $1 ORDER BY leg",
            columns(pool)
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.to_string())
            .fetch_all(pool)
            .await
            .context("reading the history of a ticket")?;
        rows.iter().map(decode).collect()
    }
    .await)
}

fn decode(row: &impl Cells) -> anyhow::Result<HistoryEntry> {
    let id = row.text("ticket_id")?.context("ticket_id is null")?;
    let read = || -> anyhow::Result<HistoryEntry> {
        let text = |name: &str| row.text(name)?.with_context(|| format!("{name} is null"));
        let count = |name: &str| -> anyhow::Result<u32> {
            let n = row.int(name)?.with_context(|| format!("{name} is null"))?;
            Ok(u32::try_from(n)?)
        };
        let instant = |name: &str| row.text(name)?.as_deref().map(parse_instant).transpose();
        let priority = text("priority")?;
        let channel = text("channel")?;
        let outcome = text("outcome")?;
        Ok(HistoryEntry {
            ticket: TicketId::parse(&id)?,
            leg: count("leg")?,
            service: ServiceId::parse("service", &text("service_id")?)?,
            priority: PriorityClass::parse(&priority)
                .with_context(|| format!("bad priority '{priority}'"))?,
            channel: Channel::parse(&channel)
                .with_context(|| format!("bad channel '{channel}'"))?,
            outcome: Outcome::parse(&outcome)
                .with_context(|| format!("bad outcome '{outcome}'"))?,
            window: row
                .int("window_no")?
                .map(|n| -> anyhow::Result<WindowNo> {
                    Ok(WindowNo::parse("window", u32::try_from(n)?)?)
                })
                .transpose()?,
            entered_at: instant("entered_at")?.context("entered_at is null")?,
            called_at: instant("called_at")?,
            started_at: instant("started_at")?,
            ended_at: instant("ended_at")?.context("ended_at is null")?,
            recall_count: count("recall_count")?,
            requeue_count: count("requeue_count")?,
        })
    };
    read().with_context(|| format!("reading the history row of {id}"))
}
