//! `ticket_history`: writing the buffer's entries and reading them back for the statistics.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::engine::{Cells, Engine, day};
use super::{instant_text, parse_instant};
use crate::domain::{BranchId, Channel, PriorityClass, ServiceId, TicketId, WindowNo};
use crate::records::Db;
use crate::store::{HistoryEntry, Outcome};

/// Rows per INSERT statement: 16 parameters each, far under either engine's limit (SQLite
/// 32,766, PostgreSQL 65,535); a drain of a busy hall's second then costs a handful of
/// statements instead of a round trip to the database (for SQLite: to its worker thread and
/// back) per row.
const ROWS_PER_INSERT: usize = 100;

/// The SQL type each parameter of a row is cast to, in the order of the INSERT's columns
/// (`None`: as bound); see `Engine::in_order`.
const CASTS: [Option<&str>; 16] = [
    None,
    None,
    None,
    Some("DATE"),
    None,
    None,
    None,
    None,
    None,
    None,
    Some("TIMESTAMPTZ"),
    Some("TIMESTAMPTZ"),
    Some("TIMESTAMPTZ"),
    Some("TIMESTAMPTZ"),
    None,
    None,
];

/// Writes `entries` in one transaction. A row already there for `(ticket, leg)` is replaced
/// only by an entry with a higher `requeue_count` (a requeued no-show that ended again), so
/// writing an entry twice, or an older one after a newer, changes nothing: several replicas
/// may write the same entries concurrently. Entries of the same leg within `entries` count
/// the same way: the one with the highest `requeue_count` (the first of equals) is written.
/// Returns how many rows were inserted or replaced.
pub async fn record(db: &Db, entries: &[HistoryEntry]) -> anyhow::Result<u64> {
    let entries = latest_per_leg(entries);
    if entries.is_empty() {
        return Ok(0);
    }
    with_pool!(db, pool => async {
        let mut tx = pool.begin().await.context("beginning the history write")?;
        let mut written = 0;
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let sql = insert_sql(pool, chunk.len());
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for e in chunk {
                query = query
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
                    .bind(i64::from(e.requeue_count));
            }
            let first = &chunk[0];
            written += query
                .execute(&mut *tx)
                .await
                .with_context(|| {
                    format!(
                        "writing the history of {} entries from {} leg {}",
                        chunk.len(),
                        first.ticket,
                        first.leg
                    )
                })?
                .rows_affected();
        }
        tx.commit().await.context("committing the history write")?;
        Ok(written)
    }
    .await)
}

/// One entry per `(ticket, leg)`, in their first order: the one with the highest
/// `requeue_count`, the first of equals (what writing them one by one would leave, and what
/// one statement needs: PostgreSQL refuses to update a row twice in one INSERT).
fn latest_per_leg(entries: &[HistoryEntry]) -> Vec<&HistoryEntry> {
    let mut at: HashMap<(&TicketId, u32), usize> = HashMap::with_capacity(entries.len());
    let mut kept: Vec<&HistoryEntry> = Vec::with_capacity(entries.len());
    for e in entries {
        match at.entry((&e.ticket, e.leg)) {
            Entry::Occupied(slot) => {
                let earlier = &mut kept[*slot.get()];
                if e.requeue_count > earlier.requeue_count {
                    *earlier = e;
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(kept.len());
                kept.push(e);
            }
        }
    }
    kept
}

/// The INSERT of `rows` entries (parameters `$1`..`$16` for the first, `$17`.. for the next).
fn insert_sql(pool: &impl Engine, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO ticket_history (ticket_id, leg, branch_id, local_date, service_id, \
         number, priority, channel, outcome, window_no, entered_at, called_at, started_at, \
         ended_at, recall_count, requeue_count) VALUES ",
    );
    for row in 0..rows {
        let params: Vec<String> = CASTS
            .iter()
            .enumerate()
            .map(|(column, cast)| pool.in_order(row * CASTS.len() + column + 1, *cast))
            .collect();
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (ticket_id, leg) DO UPDATE SET \
         service_id = excluded.service_id, outcome = excluded.outcome, \
         window_no = excluded.window_no, entered_at = excluded.entered_at, \
         called_at = excluded.called_at, started_at = excluded.started_at, \
         ended_at = excluded.ended_at, recall_count = excluded.recall_count, \
         requeue_count = excluded.requeue_count \
         WHERE ticket_history.requeue_count < excluded.requeue_count",
    );
    sql
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
