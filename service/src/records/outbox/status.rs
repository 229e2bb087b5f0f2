//! The provider's delivery statuses: applied monotonically to the reminder the provider knows
//! by its sid, or held in `sms_status_early` (migrations/*/0007_sms_status_early.sql) when
//! they come before the worker has recorded that sid, and applied when it does.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};

use super::engine::{Dialect, SidPool, stamp};
use crate::records::Db;

/// What became of a delivery status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusApplied {
    /// Applied to the reminder with that sid.
    Applied,
    /// The reminder (or the status held for its sid) has one of the same or a higher rank.
    NotNewer,
    /// No reminder has that sid yet: held, and applied when the worker records the send.
    Held,
    /// Not one of the provider's statuses, or a sid no reminder can have: ignored.
    Ignored,
}

/// The order of the provider's statuses; a status never replaces one of a higher rank.
const RANKS: [(&str, i64); 10] = [
    ("accepted", 0),
    ("scheduled", 0),
    ("queued", 1),
    ("sending", 2),
    ("sent", 3),
    ("delivered", 4),
    ("undelivered", 4),
    ("failed", 4),
    ("canceled", 4),
    ("read", 5),
];

/// How long a held status waits for its sid before it may be deleted.
const HOLD_DAYS: i64 = 1;

fn rank_of(status: &str) -> Option<i64> {
    RANKS.iter().find(|(s, _)| *s == status).map(|(_, r)| *r)
}

/// The SQL rank of the status in `column`; -1 for none.
fn rank_sql(column: &str) -> String {
    let ranks: String = RANKS
        .iter()
        .map(|(s, r)| format!(" WHEN '{s}' THEN {r}"))
        .collect();
    format!("(CASE {column}{ranks} ELSE -1 END)")
}

/// The outbox state a provider status puts a sent reminder in.
fn state_of(status: &str) -> &'static str {
    match status {
        "delivered" | "read" => "delivered",
        "undelivered" => "undelivered",
        "failed" | "canceled" => "failed",
        _ => "sent",
    }
}

/// A provider status and the error code that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Status {
    pub status: String,
    pub error_code: Option<i64>,
}

/// The status statements, on a connection (a transaction begun by
/// [`SidPool::begin_for_sid`]) of either engine.
pub(super) trait StatusConn {
    /// Applies `status` to the reminder with `sid` if it is of a higher rank than the one it
    /// has; answers whether it was.
    async fn apply_to_reminder(
        &mut self,
        sid: &str,
        status: &Status,
        now: DateTime<Utc>,
    ) -> sqlx::Result<bool>;

    /// Whether a reminder has `sid`.
    async fn has_reminder(&mut self, sid: &str) -> sqlx::Result<bool>;

    /// Holds `status` for `sid` unless one of the same or a higher rank is held; answers
    /// whether it was.
    async fn hold(&mut self, sid: &str, status: &Status, now: DateTime<Utc>) -> sqlx::Result<bool>;

    /// Deletes and answers the status held for `sid`.
    async fn take_held(&mut self, sid: &str) -> sqlx::Result<Option<Status>>;
}

macro_rules! status_conn {
    ($($t:ty),+) => {$(
        impl StatusConn for $t {
            async fn apply_to_reminder(
                &mut self,
                sid: &str,
                status: &Status,
                now: DateTime<Utc>,
            ) -> sqlx::Result<bool> {
                let sql = format!(
                    "UPDATE sms_outbox SET provider_status = $2, state = $3, updated_at = {}, \
                     error_code = COALESCE($5, error_code) \
                     WHERE provider_sid = $1 \
                     AND state IN ('sent', 'delivered', 'undelivered', 'failed') \
                     AND {} < $6",
                    self.instant(4),
                    rank_sql("provider_status"),
                );
                let done = sqlx::query(AssertSqlSafe(sql))
                    .bind(sid)
                    .bind(&status.status)
                    .bind(state_of(&status.status))
                    .bind(stamp(now))
                    .bind(status.error_code)
                    .bind(rank_of(&status.status).unwrap_or(-1))
                    .execute(&mut *self)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn has_reminder(&mut self, sid: &str) -> sqlx::Result<bool> {
                let (count,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM sms_outbox WHERE provider_sid = $1")
                        .bind(sid)
                        .fetch_one(&mut *self)
                        .await?;
                Ok(count > 0)
            }

            async fn hold(
                &mut self,
                sid: &str,
                status: &Status,
                now: DateTime<Utc>,
            ) -> sqlx::Result<bool> {
                let sql = format!(
                    "INSERT INTO sms_status_early (provider_sid, status, error_code, received_at) \
                     VALUES ($1, $2, $3, {}) ON CONFLICT (provider_sid) DO UPDATE SET \
                     status = excluded.status, \
                     error_code = COALESCE(excluded.error_code, sms_status_early.error_code), \
                     received_at = excluded.received_at \
                     WHERE {} < $5",
                    self.instant(4),
                    rank_sql("sms_status_early.status"),
                );
                let done = sqlx::query(AssertSqlSafe(sql))
                    .bind(sid)
                    .bind(&status.status)
                    .bind(status.error_code)
                    .bind(stamp(now))
                    .bind(rank_of(&status.status).unwrap_or(-1))
                    .execute(&mut *self)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn take_held(&mut self, sid: &str) -> sqlx::Result<Option<Status>> {
                let held: Option<(String, Option<i64>)> = sqlx::query_as(
                    "DELETE FROM sms_status_early WHERE provider_sid = $1 \
                     RETURNING status, error_code",
                )
                .bind(sid)
                .fetch_optional(&mut *self)
                .await?;
                Ok(held.map(|(status, error_code)| Status { status, error_code }))
            }
        }
    )+};
}

status_conn!(PgConnection, SqliteConnection);

/// Applies the provider's `status` (with its `error_code`, kept in the row's `error_code`) to
/// the reminder it knows as `sid`, monotonically: only a status of a higher rank than the
/// stored one is applied (a late `sent` never overwrites `delivered` or `failed`).
///
/// A status can come before the worker has recorded the send with its sid (the provider
/// answered, then called back before `record_outcome` committed): it is then held for the sid
/// (the highest-ranked one if several come) and [`super::record_outcome`] applies it in the
/// transaction that records the sid. Held statuses older than a day (a sid that never
/// matched) are deleted here, after a status is held.
///
/// Why no status is lost when the two run at once: both begin their transaction with
/// [`SidPool::begin_for_sid`], which serialises them per sid before either reads anything.
/// Without it, on PostgreSQL (read committed) this could find no reminder with the sid while
/// the worker's transaction that sets it is still open, and hold the status; the worker's
/// `DELETE … RETURNING` from the held statuses, in a snapshot taken before that hold
/// committed, would find nothing, and the status would wait forever. With the lock, whichever
/// comes second starts its statements after the first committed and sees what it wrote:
/// the callback second finds the reminder with its sid and applies the status; the worker
/// second finds the held status, applies it and deletes it. On SQLite `BEGIN IMMEDIATE` gives
/// the same order (one writer at a time, reads after the lock see every earlier commit).
pub async fn apply_status(
    db: &Db,
    sid: &str,
    status: &str,
    error_code: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<StatusApplied> {
    if rank_of(status).is_none() {
        tracing::warn!(sid, status, "unknown sms status ignored");
        return Ok(StatusApplied::Ignored);
    }
    if !(1..=100).contains(&sid.len()) {
        tracing::warn!(status, "sms status for a sid no reminder can have ignored");
        return Ok(StatusApplied::Ignored);
    }
    let status = Status {
        status: status.to_owned(),
        error_code,
    };
    let applied = with_pool!(db, pool => async {
        let mut tx = pool.begin_for_sid(sid).await?;
        let applied = if tx.apply_to_reminder(sid, &status, now).await? {
            StatusApplied::Applied
        } else if tx.has_reminder(sid).await? {
            StatusApplied::NotNewer
        } else if tx.hold(sid, &status, now).await? {
            StatusApplied::Held
        } else {
            StatusApplied::NotNewer
        };
        tx.commit().await?;
        Ok::<_, sqlx::Error>(applied)
    }.await)
    .with_context(|| format!("applying status {} to message {sid}", status.status))?;
    if applied == StatusApplied::Held {
        tracing::debug!(
            sid,
            status = status.status,
            "sms status held until its send is recorded"
        );
        // After the commit, in a statement of its own: the status is kept either way.
        if let Err(err) = delete_stale_held(db, now).await {
            tracing::warn!(
                error = format!("{err:#}"),
                "cannot delete stale sms statuses"
            );
        }
    }
    Ok(applied)
}

/// Deletes the statuses held for more than a day (their sid never matched).
async fn delete_stale_held(db: &Db, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let before = stamp(now - chrono::Duration::days(HOLD_DAYS));
    let deleted = with_pool!(db, pool => {
        let sql = format!(
            "DELETE FROM sms_status_early WHERE received_at < {}",
            pool.instant(1)
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(&before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
    .context("deleting stale sms statuses")?;
    if deleted > 0 {
        tracing::info!(
            deleted,
            "stale sms statuses deleted: no reminder had their sid"
        );
    }
    Ok(deleted)
}
