//! Check-in and no-shows: when an appointment may be checked in, marking it CHECKED_IN with
//! its ticket, and the sweep that marks the ones whose slot ended unchecked NO_SHOW.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::AssertSqlSafe;

use super::cancel::not_booked;
use super::engine::{Engine, stamp};
use super::{Appointment, AppointmentState};
use crate::error::QueueError;
use crate::hall::BookingPolicy;
use crate::records::Db;

/// Where `now` falls for an appointment's check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInWindow {
    /// Before the window opens (`check_in_before_minutes` before the start), at `opens_at`.
    TooEarly { opens_at: DateTime<Utc> },
    /// From the opening until `check_in_after_minutes` after the start: appointment priority.
    OnTime,
    /// After that until the slot ends: an ordinary ticket.
    Late,
    /// The slot has ended: a no-show.
    Over,
}

/// Judges `now` against the check-in window of `appointment` under `policy`.
pub fn check_in_window(
    appointment: &Appointment,
    policy: &BookingPolicy,
    now: DateTime<Utc>,
) -> CheckInWindow {
    let opens_at =
        appointment.starts_at - Duration::minutes(i64::from(policy.check_in_before_minutes));
    let on_time_until =
        appointment.starts_at + Duration::minutes(i64::from(policy.check_in_after_minutes));
    if now < opens_at {
        CheckInWindow::TooEarly { opens_at }
    } else if now <= on_time_until && now < appointment.ends_at {
        CheckInWindow::OnTime
    } else if now < appointment.ends_at {
        CheckInWindow::Late
    } else {
        CheckInWindow::Over
    }
}

/// Marks BOOKED appointment `id` CHECKED_IN with `ticket_id` at `now`. Answers the appointment
/// and whether it already was checked in with that ticket (a retried check-in). NOT_FOUND for
/// an unknown id; FAILED_PRECONDITION when it is in another state (or checked in with
/// another ticket).
pub async fn mark_checked_in(
    db: &Db,
    id: &str,
    ticket_id: &str,
    now: DateTime<Utc>,
) -> Result<(Appointment, bool), QueueError> {
    let marked = with_pool!(db, pool => {
        let sql = format!(
            "UPDATE appointments SET state = 'CHECKED_IN', ticket_id = $2, state_changed_at = {} \
             WHERE id = $1 AND state = 'BOOKED'",
            pool.cast(3, "TIMESTAMPTZ")
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(ticket_id)
            .bind(stamp(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
    .context("marking the appointment checked in")?;
    let appointment = super::get(db, id).await?;
    if marked == 1 {
        tracing::info!(appointment = %id, ticket = %ticket_id, "appointment checked in");
        return Ok((appointment, false));
    }
    if appointment.state == AppointmentState::CheckedIn
        && appointment.ticket_id.as_deref() == Some(ticket_id)
    {
        return Ok((appointment, true));
    }
    Err(not_booked(id, appointment.state.as_str(), "checked in"))
}

/// Marks every BOOKED appointment whose slot ended at or before `now` NO_SHOW, in one
/// statement; answers how many.
pub async fn sweep_no_shows(db: &Db, now: DateTime<Utc>) -> Result<u64, QueueError> {
    let marked = with_pool!(db, pool => {
        let sql = format!(
            "UPDATE appointments SET state = 'NO_SHOW', state_changed_at = {at} \
             WHERE state = 'BOOKED' AND slot_id IN (SELECT id FROM slots WHERE ends_at <= {at})",
            at = pool.cast(1, "TIMESTAMPTZ")
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(stamp(now))
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
    .context("marking no-shows")?;
    if marked > 0 {
        tracing::info!(
            marked,
            "appointments not checked in by the end of their slot marked no-show"
        );
    }
    Ok(marked)
}
