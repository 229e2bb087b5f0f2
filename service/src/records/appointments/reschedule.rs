//! Moving a booked appointment to another slot of its service, in one transaction: the new
//! seat is taken first, then the old one released, so a full new slot leaves the appointment
//! where it was, and two moves into the last seat cannot both win. Both slot rows are locked
//! in id order first, so that two moves in opposite directions cannot deadlock.

use anyhow::{Context, anyhow};
use sqlx::AssertSqlSafe;

use super::cancel::{deadline, not_booked, too_late};
use super::engine::{Engine, from_epoch};
use super::limits;
use super::notice::{About, Notice};
use super::row::random_code;
use super::seat;
use super::{Appointment, AppointmentState, Rules};
use crate::booking::SlotInstance;
use crate::domain::{BranchId, Phone, ServiceId};
use crate::error::QueueError;
use crate::records::Db;

/// How many check-in codes are drawn when the appointment's code is taken on the new date.
const CODE_ATTEMPTS: usize = 20;

/// The answer of [`reschedule`]: the appointment as it is now, and whether it already was in
/// the new slot (a retried reschedule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescheduled {
    pub appointment: Appointment,
    pub replayed: bool,
}

enum Step {
    Missing,
    State(String),
    Replayed,
    OtherService(String),
    TooLate(chrono::DateTime<chrono::Utc>),
    NotBookable,
    Refused(QueueError),
    Full,
    Moved,
}

/// Moves appointment `id` to `slot` of `service` at `branch` (the same service it is booked
/// in). Errors: NOT_FOUND for an unknown id; FAILED_PRECONDITION when it is not BOOKED, when
/// the slot is of another service, past the old slot's cancel deadline, when the new slot is
/// not bookable or full, or a per-person limit refuses (the moved appointment not counted).
/// Nothing changes on an error. Asking again for the slot it is in answers `replayed`.
/// With a `notice`, the old slot's pending reminders are cancelled and the new slot's
/// confirmation and reminder enqueued, in the same transaction.
pub async fn reschedule(
    db: &Db,
    id: &str,
    branch: &BranchId,
    service: &ServiceId,
    slot: &SlotInstance,
    rules: &Rules,
    notice: Option<&Notice>,
) -> Result<Rescheduled, QueueError> {
    let new_id = slot.id(branch, service).to_string();
    let step = with_pool!(db, pool => async {
        let mut tx = pool.begin_write().await.context("beginning a reschedule")?;
        let person: Option<(String,)> =
            sqlx::query_as("SELECT id_hash FROM appointments WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .context("reading the appointment's person")?;
        let Some((id_hash,)) = person else {
            return Ok::<_, anyhow::Error>(Step::Missing);
        };
        pool.lock_person(&mut tx, &id_hash)
            .await
            .context("taking the person's booking lock")?;
        let sql = format!(
            "SELECT a.state, a.slot_id, a.branch_id, a.service_id, a.code, {}, a.phone \
             FROM appointments a JOIN slots s ON s.id = a.slot_id WHERE a.id = $1",
            pool.epoch("s.starts_at")
        );
        let (state, old_slot, old_branch, old_service, code, starts, phone): (
            String, String, String, String, String, i64, String,
        ) = sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .context("reading the appointment")?;
        let booked = state == AppointmentState::Booked.as_str();
        if old_slot == new_id {
            return Ok(if booked { Step::Replayed } else { Step::State(state) });
        }
        if !booked {
            return Ok(Step::State(state));
        }
        if old_branch != branch.as_str() || old_service != service.as_str() {
            return Ok(Step::OtherService(format!("{old_branch}.{old_service}")));
        }
        let old_starts = from_epoch(starts)?;
        let deadline = deadline(old_starts, rules);
        if rules.now > deadline {
            return Ok(Step::TooLate(deadline));
        }
        if !slot.bookable {
            return Ok(Step::NotBookable);
        }
        let held = seat::held(pool, &mut tx, &id_hash, branch, service, slot.local_date, rules)
            .await?;
        if let Err(refusal) = limits::judge(&held, service, slot.local_date, rules, Some(id)) {
            return Ok(Step::Refused(refusal));
        }
        seat::materialise_slot(pool, &mut tx, &new_id, branch, service, slot)
            .await
            .context("materialising the new slot")?;
        // Both slot rows, in id order: two moves in opposite directions then wait for each
        // other instead of deadlocking.
        let lock = format!(
            "SELECT id FROM slots WHERE id IN ($1, $2) ORDER BY id{}",
            pool.for_update()
        );
        let _: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(lock))
            .bind(&new_id)
            .bind(&old_slot)
            .fetch_all(&mut *tx)
            .await
            .context("locking the old and the new slot")?;
        if !seat::take_seat(&mut tx, &new_id).await.context("taking the new seat")? {
            return Ok(Step::Full);
        }
        sqlx::query("UPDATE slots SET booked = booked - 1 WHERE id = $1")
            .bind(&old_slot)
            .execute(&mut *tx)
            .await
            .context("giving the old seat back")?;
        // The code is unique per branch and day: keep it unless the new day has it already.
        let clash = format!(
            "SELECT COUNT(*) FROM appointments WHERE branch_id = $1 AND local_date = {} \
             AND code = $3 AND id <> $4",
            pool.cast(2, "DATE")
        );
        let mut new_code = None;
        for candidate in std::iter::once(code.clone()).chain((0..CODE_ATTEMPTS).map(|_| random_code())) {
            let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(clash.clone()))
                .bind(branch.as_str())
                .bind(slot.local_date.to_string())
                .bind(&candidate)
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .context("checking the check-in code on the new date")?;
            if n == 0 {
                new_code = Some(candidate);
                break;
            }
        }
        let new_code = new_code
            .ok_or_else(|| anyhow!("no free check-in code on {} after {CODE_ATTEMPTS} draws", slot.local_date))?;
        let update = format!(
            "UPDATE appointments SET slot_id = $1, local_date = {}, code = $3 WHERE id = $4",
            pool.cast(2, "DATE")
        );
        sqlx::query(AssertSqlSafe(update))
            .bind(&new_id)
            .bind(slot.local_date.to_string())
            .bind(&new_code)
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("moving the appointment")?;
        if let Some(notice) = notice {
            let phone = Phone::parse("phone", &phone)?;
            let old = About {
                id,
                slot_id: &old_slot,
                branch,
                code: &code,
                phone: &phone,
                starts_at: old_starts,
                tz: rules.tz,
            };
            notice.left_in(&mut *tx, &old, rules.now).await?;
            let new = About {
                slot_id: &new_id,
                code: &new_code,
                starts_at: slot.start,
                ..old
            };
            notice.booked_in(&mut *tx, &new, rules.now).await?;
        }
        tx.commit().await.context("committing the reschedule")?;
        Ok(Step::Moved)
    }.await)?;
    let replayed = match step {
        Step::Moved => false,
        Step::Replayed => true,
        Step::Missing => return Err(QueueError::not_found("appointment", id)),
        Step::State(state) => return Err(not_booked(id, &state, "rescheduled")),
        Step::OtherService(old) => {
            return Err(QueueError::FailedPrecondition(format!(
                "slot {new_id} is not of the appointment's service ({old}); an appointment \
                 can only move within its service"
            )));
        }
        Step::TooLate(deadline) => return Err(too_late(id, deadline, rules)),
        Step::NotBookable => {
            return Err(QueueError::FailedPrecondition(format!(
                "slot {new_id} is not bookable: it has started, is past its same-day cutoff, \
                 or is beyond the open-ahead window"
            )));
        }
        Step::Refused(refusal) => return Err(refusal),
        Step::Full => {
            return Err(QueueError::FailedPrecondition(format!(
                "slot {new_id} is full ({} seats); the appointment stays where it was",
                slot.capacity
            )));
        }
    };
    if !replayed {
        tracing::info!(appointment = %id, slot = %new_id, "appointment rescheduled");
    }
    Ok(Rescheduled {
        appointment: super::get(db, id).await?,
        replayed,
    })
}
