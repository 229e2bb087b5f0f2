//! Cancelling an appointment, not later than the service's deadline before its slot.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::AssertSqlSafe;

use super::engine::{Engine, from_epoch, stamp};
use super::notice::{About, Notice};
use super::{Appointment, AppointmentState, Rules};
use crate::domain::{BranchId, Phone};
use crate::error::QueueError;
use crate::records::Db;

/// What the transaction found.
enum Step {
    Missing,
    /// In another state than BOOKED.
    State(String),
    /// Past the deadline, which is given.
    TooLate(DateTime<Utc>),
    Cancelled,
}

/// The last instant a booking starting at `starts_at` can be cancelled or moved away.
pub(super) fn deadline(starts_at: DateTime<Utc>, rules: &Rules) -> DateTime<Utc> {
    starts_at - Duration::minutes(i64::from(rules.policy.cancel_before_minutes))
}

/// The FAILED_PRECONDITION of a cancellation (or move) past the deadline.
pub(super) fn too_late(id: &str, deadline: DateTime<Utc>, rules: &Rules) -> QueueError {
    QueueError::FailedPrecondition(format!(
        "appointment {id} can no longer be cancelled or moved: the deadline was {} ({}), {} \
         minutes before its slot starts",
        rules.local(deadline),
        rules.tz,
        rules.policy.cancel_before_minutes
    ))
}

/// The FAILED_PRECONDITION of an appointment that is not BOOKED.
pub(super) fn not_booked(id: &str, state: &str, action: &str) -> QueueError {
    QueueError::FailedPrecondition(format!(
        "appointment {id} is {state}; only a {} appointment can be {action}",
        AppointmentState::Booked
    ))
}

/// Marks a BOOKED appointment CANCELLED and gives its seat back, in one transaction; answers
/// the cancelled appointment. NOT_FOUND for an unknown id; FAILED_PRECONDITION naming the
/// state for an appointment that is not BOOKED (cancelled already, checked in, no-show), and
/// naming the deadline when `rules.now` is later than `cancel_before_minutes` before the slot.
/// With a `notice`, the slot's pending reminders are cancelled and "booking cancelled" is
/// enqueued in the same transaction.
pub async fn cancel(
    db: &Db,
    id: &str,
    rules: &Rules,
    notice: Option<&Notice>,
) -> Result<Appointment, QueueError> {
    let step = with_pool!(db, pool => async {
        let mut tx = pool.begin_write().await.context("beginning a cancellation")?;
        let sql = format!(
            "SELECT a.state, a.slot_id, {}, a.branch_id, a.code, a.phone FROM appointments a \
             JOIN slots s ON s.id = a.slot_id WHERE a.id = $1",
            pool.epoch("s.starts_at")
        );
        let found: Option<(String, String, i64, String, String, String)> =
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .context("reading the appointment")?;
        let Some((state, slot_id, starts, branch, code, phone)) = found else {
            return Ok::<_, anyhow::Error>(Step::Missing);
        };
        if state != AppointmentState::Booked.as_str() {
            return Ok(Step::State(state));
        }
        let starts_at = from_epoch(starts)?;
        let deadline = deadline(starts_at, rules);
        if rules.now > deadline {
            return Ok(Step::TooLate(deadline));
        }
        let update = format!(
            "UPDATE appointments SET state = 'CANCELLED', state_changed_at = {} \
             WHERE id = $1 AND state = 'BOOKED'",
            pool.cast(2, "TIMESTAMPTZ")
        );
        let done = sqlx::query(AssertSqlSafe(update))
            .bind(id)
            .bind(stamp(rules.now))
            .execute(&mut *tx)
            .await
            .context("cancelling the appointment")?;
        if done.rows_affected() == 0 {
            // A concurrent change (PostgreSQL) got there first.
            return Ok(Step::State("no longer BOOKED".to_owned()));
        }
        sqlx::query("UPDATE slots SET booked = booked - 1 WHERE id = $1")
            .bind(&slot_id)
            .execute(&mut *tx)
            .await
            .context("giving the seat back")?;
        if let Some(notice) = notice {
            let branch = BranchId::parse("branch", &branch)?;
            let phone = Phone::parse("phone", &phone)?;
            let about = About {
                id,
                slot_id: &slot_id,
                branch: &branch,
                code: &code,
                phone: &phone,
                starts_at,
                tz: rules.tz,
            };
            notice.cancelled_in(&mut *tx, &about, rules.now).await?;
        }
        tx.commit().await.context("committing the cancellation")?;
        Ok(Step::Cancelled)
    }.await)?;
    match step {
        Step::Cancelled => {
            tracing::info!(appointment = %id, "appointment cancelled");
            super::get(db, id).await
        }
        Step::Missing => Err(QueueError::not_found("appointment", id)),
        Step::State(state) => Err(not_booked(id, &state, "cancelled")),
        Step::TooLate(deadline) => Err(too_late(id, deadline, rules)),
    }
}
