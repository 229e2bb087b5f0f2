//! Recording what became of an attempt, and the provider's delivery statuses.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::Claimed;
use super::engine::{Dialect, SidPool, stamp};
use super::status::StatusConn;
use crate::records::Db;

/// What the worker decided after an attempt (or instead of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The provider accepted it (or, asked after an ambiguous attempt, had it): `sent`.
    Sent { sid: String, status: String },
    /// A retryable failure: pending again from `at`.
    Retry { at: DateTime<Utc>, error: String },
    /// A time-out after the request may have reached the provider: pending again from `at`,
    /// and the next attempt asks the provider first.
    Ambiguous { at: DateTime<Utc>, error: String },
    /// Not attempted (a per-number limit, quiet hours): pending again from `at`, the attempt
    /// not counted.
    Postponed { at: DateTime<Utc>, reason: String },
    /// The provider refused it for good (invalid number, unsubscribed, …): `failed`, never
    /// retried.
    Failed { code: Option<i64>, error: String },
    /// Retryable failures until the last attempt: `dead`.
    Dead { error: String },
    /// No longer wanted (checked at send time): `cancelled`.
    Cancelled { reason: String },
}

/// The columns an outcome sets.
#[derive(Default)]
struct Plan {
    state: &'static str,
    uncount: i64,
    next_at: Option<String>,
    verify: bool,
    sent: Option<(String, String)>,
    code: Option<i64>,
    error: Option<String>,
}

impl Outcome {
    fn plan(self) -> Plan {
        match self {
            Self::Sent { sid, status } => Plan {
                state: "sent",
                sent: Some((sid, status)),
                ..Plan::default()
            },
            Self::Retry { at, error } => Plan {
                state: "pending",
                next_at: Some(stamp(at)),
                error: Some(error),
                ..Plan::default()
            },
            Self::Ambiguous { at, error } => Plan {
                state: "pending",
                next_at: Some(stamp(at)),
                verify: true,
                error: Some(error),
                ..Plan::default()
            },
            Self::Postponed { at, reason } => Plan {
                state: "pending",
                uncount: 1,
                next_at: Some(stamp(at)),
                error: Some(reason),
                ..Plan::default()
            },
            Self::Failed { code, error } => Plan {
                state: "failed",
                code,
                error: Some(error),
                ..Plan::default()
            },
            Self::Dead { error } => Plan {
                state: "dead",
                error: Some(error),
                ..Plan::default()
            },
            Self::Cancelled { reason } => Plan {
                state: "cancelled",
                error: Some(reason),
                ..Plan::default()
            },
        }
    }
}

/// Records `outcome` of the attempt `claimed`, fenced by its attempt number: answers `false`
/// (and changes nothing) when the row is no longer this attempt's (its lease expired and
/// another worker claimed it). A `Sent` outcome also applies the status the provider may have
/// called back with before it (held by [`super::apply_status`], which explains the lock
/// taken here) and deletes it, in the same transaction.
pub async fn record_outcome(
    db: &Db,
    claimed: &Claimed,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let plan = outcome.plan();
    let (sid, status) = plan.sent.clone().unzip();
    let sent_at = sid.as_ref().map(|_| stamp(now));
    let (done, held) = with_pool!(db, pool => async {
        let mut tx = match &sid {
            Some(sid) => pool.begin_for_sid(sid).await?,
            None => pool.begin_write().await?,
        };
        let sql = format!(
            "UPDATE sms_outbox SET state = $3, attempts = attempts - $4, \
             next_attempt_at = COALESCE({}, next_attempt_at), claimed_until = NULL, \
             verify_since = CASE WHEN $6 THEN COALESCE(verify_since, last_attempt_at) \
             WHEN $3 = 'pending' THEN verify_since ELSE NULL END, \
             sent_at = COALESCE({}, sent_at), provider_sid = COALESCE($8, provider_sid), \
             provider_status = COALESCE($9, provider_status), error_code = $10, \
             last_error = $11, updated_at = {} \
             WHERE id = $1 AND state = 'sending' AND attempts = $2",
            pool.instant(5),
            pool.instant(7),
            pool.instant(12),
        );
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(&claimed.id)
            .bind(i64::from(claimed.attempts))
            .bind(plan.state)
            .bind(plan.uncount)
            .bind(plan.next_at.as_deref())
            .bind(plan.verify)
            .bind(sent_at.as_deref())
            .bind(sid.as_deref())
            .bind(status.as_deref())
            .bind(plan.code)
            .bind(plan.error.as_deref().map(|e| truncate(e, 1000)))
            .bind(stamp(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let mut held = None;
        if let (1, Some(sid)) = (done, &sid)
            && let Some(status) = tx.take_held(sid).await?
        {
            let applied = tx.apply_to_reminder(sid, &status, now).await?;
            held = Some((status.status, applied));
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>((done, held))
    }.await)
    .with_context(|| format!("recording an attempt of reminder {}", claimed.id))?;
    let recorded = done == 1;
    if !recorded {
        tracing::warn!(
            sms = %claimed.id,
            attempt = claimed.attempts,
            "sms attempt not recorded: another worker took the reminder over"
        );
    }
    if let Some((status, applied)) = held {
        tracing::debug!(sms = %claimed.id, status, applied, "sms status that came before the send taken");
    }
    Ok(recorded)
}

fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}
