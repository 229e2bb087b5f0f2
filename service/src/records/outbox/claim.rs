//! Claiming due reminders, and what the per-number limits count.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::SmsKind;
use super::engine::{Dialect, from_epoch, stamp};
use crate::records::Db;

/// A claimed reminder, its attempt marked: `attempts` counts this one and fences what the
/// worker records ([`super::record_outcome`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub subject: String,
    pub kind: SmsKind,
    pub branch: String,
    /// The 11 digits.
    pub phone: String,
    pub body: String,
    pub urgent: bool,
    pub attempts: u32,
    /// Set when an earlier attempt may have reached the provider (an ambiguous time-out, or a
    /// lease that expired while sending): ask the provider for a message sent since then
    /// before sending again.
    pub verify_since: Option<DateTime<Utc>>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    i64,
    Option<i64>,
);

/// Which rows are due at `$1`: pending and due, or sending with an expired lease.
const DUE: &str = "(state = 'pending' AND next_attempt_at <= {now} AND not_before <= {now}) \
                   OR (state = 'sending' AND claimed_until <= {now})";

/// What the claiming `UPDATE` sets: the attempt, the lease, and — for a row whose lease
/// expired while sending — the instant to ask the provider about.
const MARK: &str = "state = 'sending', attempts = attempts + 1, claimed_until = {lease}, \
     verify_since = CASE WHEN state = 'sending' THEN COALESCE(verify_since, last_attempt_at) \
     ELSE verify_since END, last_attempt_at = {now}, updated_at = {now}";

/// Claims up to `limit` due reminders for `lease`, oldest due first; see the module docs.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    limit: usize,
    lease: Duration,
) -> anyhow::Result<Vec<Claimed>> {
    let until = now + chrono::Duration::from_std(lease).context("lease out of range")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows: Vec<Row> = match db {
        Db::Postgres(pool) => {
            let now_sql = pool.instant(1);
            let due = DUE.replace("{now}", &now_sql);
            let mark = MARK
                .replace("{now}", &now_sql)
                .replace("{lease}", &pool.instant(3));
            let sql = format!(
                "WITH due AS (SELECT id FROM sms_outbox WHERE {due} ORDER BY next_attempt_at \
                 LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 UPDATE sms_outbox SET {mark} FROM due WHERE sms_outbox.id = due.id \
                 RETURNING {}",
                returning(pool)
            );
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(stamp(now))
                .bind(limit)
                .bind(stamp(until))
                .fetch_all(pool)
                .await
                .context("claiming due reminders")?
        }
        Db::Sqlite(pool) => {
            let now_sql = pool.instant(1);
            let due = DUE.replace("{now}", &now_sql);
            let mark = MARK
                .replace("{now}", &now_sql)
                .replace("{lease}", &pool.instant(3));
            let sql = format!(
                "UPDATE sms_outbox SET {mark} WHERE id IN (SELECT id FROM sms_outbox WHERE {due} \
                 ORDER BY next_attempt_at LIMIT $2) RETURNING {}",
                returning(pool)
            );
            let mut tx = pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .context("beginning a claim")?;
            let rows = sqlx::query_as(AssertSqlSafe(sql))
                .bind(stamp(now))
                .bind(limit)
                .bind(stamp(until))
                .fetch_all(&mut *tx)
                .await
                .context("claiming due reminders")?;
            tx.commit().await.context("committing a claim")?;
            rows
        }
    };
    rows.into_iter().map(decode).collect()
}

fn returning(sql: &impl Dialect) -> String {
    format!(
        "sms_outbox.id, subject, kind, branch_id, phone, body, urgent, attempts, {}",
        sql.epoch("verify_since")
    )
}

fn decode(row: Row) -> anyhow::Result<Claimed> {
    let (id, subject, kind, branch, phone, body, urgent, attempts, verify) = row;
    Ok(Claimed {
        kind: SmsKind::parse(&kind)
            .with_context(|| format!("outbox row {id} has an unknown kind {kind}"))?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        verify_since: verify.map(from_epoch).transpose()?,
        id,
        subject,
        branch,
        phone,
        body,
        urgent,
    })
}

/// The instants at which reminders to `phone` other than `id` were sent since `since`, for
/// the per-number limits; a reminder to the number claimed and not yet recorded counts as sent
/// at its attempt when its id is lower (so of two sent at once, one goes first).
pub async fn recent_sends(
    db: &Db,
    phone: &str,
    id: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<DateTime<Utc>>> {
    let epochs: Vec<(i64,)> = with_pool!(db, pool => {
        let sql = format!(
            "SELECT {} FROM sms_outbox WHERE phone = $1 AND id <> $2 AND sent_at >= {} \
             UNION ALL SELECT {} FROM sms_outbox WHERE phone = $1 AND id < $2 \
             AND state = 'sending' AND claimed_until > {}",
            pool.epoch("sent_at"),
            pool.instant(3),
            pool.epoch("last_attempt_at"),
            pool.instant(4),
        );
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(phone)
            .bind(id)
            .bind(stamp(since))
            .bind(stamp(now))
            .fetch_all(pool)
            .await
    })
    .context("reading the reminders sent to a number")?;
    epochs.into_iter().map(|(e,)| from_epoch(e)).collect()
}
