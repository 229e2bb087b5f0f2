//! The booking: a pre-read outside any transaction, then the booking transaction.
//!
//! Round trips to the database (PostgreSQL) for a booking that takes a seat: the pre-read,
//! `BEGIN` with the person's advisory lock, the person's appointments, the seat upsert, the
//! appointment insert, one per SMS left in the outbox (two: the confirmation and the
//! reminder), `COMMIT` — eight. The answer is built from what was written and what the
//! statements returned, not read back. A refusal as full or not bookable: the pre-read only.

use anyhow::{Context, anyhow};
use sqlx::AssertSqlSafe;

use super::engine::{Engine, from_epoch, stamp};
use super::limits;
use super::notice::About;
use super::row::{decode, fingerprint, new_id, random_code};
use super::seat::{self, StoredSlot};
use super::{Appointment, AppointmentState, BookRequest, Booked};
use crate::error::QueueError;
use crate::records::Db;

/// How many check-in codes are drawn before giving up on a branch's day (a million codes;
/// only a nearly full day makes a second draw likely).
const CODE_ATTEMPTS: usize = 20;

/// What the pre-read and the transaction found.
enum Step {
    /// The idempotency key was already used (seen by the pre-read, among the person's
    /// appointments under the lock, or by the insert when a concurrent booking with the same
    /// key committed first): answer its appointment.
    KeyUsed,
    NotBookable,
    /// A per-person limit refused it.
    Refused(QueueError),
    Full,
    /// Booked: the appointment's id, code, creation instant (epoch seconds) and the slot as
    /// stored.
    Booked {
        id: String,
        code: String,
        created_at: i64,
        slot: StoredSlot,
    },
}

/// Books a seat in `req.slot` for the person (see the module docs of
/// `records::appointments`).
///
/// First a pre-read outside any transaction, in one statement: whether the idempotency key
/// was used and whether the slot is full. A used key answers its appointment; a slot full
/// (committed) then is refused at once, without queueing on its row. Otherwise one
/// transaction begins with the person's lock taken, counts the person's appointments for the
/// limits, takes the seat with an upsert guard (`INSERT … ON CONFLICT DO UPDATE SET booked =
/// booked + 1 WHERE booked < capacity`, no row back: full) and inserts the appointment.
///
/// Errors: INVALID_ARGUMENT for a malformed idempotency key; FAILED_PRECONDITION when the
/// slot is full or not bookable (both name the slot) or a per-person limit refuses (see
/// [`limits`]; a slot already full is refused as full before the limits are counted);
/// ALREADY_EXISTS naming `idempotency_key` when the key booked another request; INTERNAL
/// when the database fails (nothing is then booked).
pub async fn book(db: &Db, req: BookRequest) -> Result<Booked, QueueError> {
    book_with_codes(db, req, random_code).await
}

/// [`book`] with the check-in codes drawn from `codes` instead of at random, so that tests
/// can force a clash or a code the database refuses.
pub async fn book_with_codes(
    db: &Db,
    req: BookRequest,
    mut codes: impl FnMut() -> String + Send,
) -> Result<Booked, QueueError> {
    check_key(&req.idempotency_key)?;
    let slot_id = req.slot_id().to_string();
    let id_hash = req.hasher.hash(&req.resident_id);
    let print = fingerprint(&req, &id_hash);
    let key = req.idempotency_key.as_str();
    let slot = &req.slot;
    let rules = &req.rules;
    let step = with_pool!(db, pool => async {
        // Committed state only, so nothing here needs a lock: a used key stays used, and a
        // slot full when read is a correct refusal (any booking racing this one is ordered
        // after it).
        let mut conn = pool.acquire().await.context("acquiring a connection")?;
        let (used, full): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM appointments WHERE idempotency_key = $1), \
             (SELECT COUNT(*) FROM slots WHERE id = $2 AND booked >= capacity)",
        )
        .bind(key)
        .bind(&slot_id)
        .fetch_one(&mut *conn)
        .await
        .context("looking up the idempotency key and the slot")?;
        if used > 0 {
            return Ok::<_, anyhow::Error>(Step::KeyUsed);
        }
        if !slot.bookable {
            return Ok(Step::NotBookable);
        }
        if full > 0 {
            return Ok(Step::Full);
        }
        let mut tx = pool
            .begin_for_person(&mut conn, &id_hash)
            .await
            .context("beginning a booking under the person's lock")?;
        let held = seat::held(
            pool,
            &mut tx,
            &id_hash,
            &req.branch,
            &req.service,
            slot.local_date,
            rules,
        )
        .await?;
        // A retry that raced its original (same person, so same lock) and lost.
        if held.iter().any(|h| h.idempotency_key == key) {
            return Ok(Step::KeyUsed);
        }
        if let Err(refusal) = limits::judge(&held, &req.service, slot.local_date, rules, None) {
            return Ok(Step::Refused(refusal));
        }
        let stored =
            seat::take_seat_upserting(pool, &mut tx, &slot_id, &req.branch, &req.service, slot)
                .await
                .context("taking a seat")?;
        let Some(stored) = stored else {
            return Ok(Step::Full);
        };
        let insert = format!(
            "INSERT INTO appointments (id, slot_id, branch_id, service_id, local_date, code, \
             name, name_masked, id_hash, id_masked, phone, credit_code, state, \
             idempotency_key, request_fingerprint, created_at) \
             VALUES ($1, $2, $3, $4, {}, $6, $7, $8, $9, $10, $11, $12, 'BOOKED', $13, $14, {}) \
             ON CONFLICT (branch_id, local_date, code) DO NOTHING RETURNING {}",
            pool.cast(5, "DATE"),
            pool.cast(15, "TIMESTAMPTZ"),
            pool.epoch("created_at"),
        );
        let id = new_id();
        let mut coded = None;
        for _ in 0..CODE_ATTEMPTS {
            let code = codes();
            let inserted: Result<Option<(i64,)>, sqlx::Error> =
                sqlx::query_as(AssertSqlSafe(insert.clone()))
                    .bind(&id)
                    .bind(&slot_id)
                    .bind(req.branch.as_str())
                    .bind(req.service.as_str())
                    .bind(slot.local_date.to_string())
                    .bind(&code)
                    .bind(req.name.as_str())
                    .bind(req.name.masked())
                    .bind(&id_hash)
                    .bind(req.resident_id.masked())
                    .bind(req.phone.digits())
                    .bind(req.credit_code.as_ref().map(|c| c.as_str()))
                    .bind(key)
                    .bind(&print)
                    .bind(stamp(rules.now))
                    .fetch_optional(&mut *tx)
                    .await;
            match inserted {
                Ok(Some((created_at,))) => {
                    coded = Some((code, created_at));
                    break;
                }
                Ok(None) => continue,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    // The key, committed by another person's request meanwhile (the same
                    // person's would have been among `held`); the rollback gives the seat
                    // back.
                    return Ok(Step::KeyUsed);
                }
                Err(e) => return Err(anyhow!(e).context("inserting the appointment")),
            }
        }
        let Some((code, created_at)) = coded else {
            return Err(anyhow!(
                "no free check-in code for branch {} on {} after {CODE_ATTEMPTS} draws",
                req.branch,
                slot.local_date
            ));
        };
        if let Some(notice) = &req.notice {
            let about = About {
                id: &id,
                slot_id: &slot_id,
                branch: &req.branch,
                code: &code,
                phone: &req.phone,
                starts_at: slot.start,
                tz: rules.tz,
            };
            notice.booked_in(&mut *tx, &about, rules.now).await?;
        }
        tx.commit().await.context("committing the booking")?;
        Ok(Step::Booked {
            id,
            code,
            created_at,
            slot: stored,
        })
    }.await)?;
    match step {
        Step::Booked {
            id,
            code,
            created_at,
            slot,
        } => {
            tracing::info!(appointment = %id, slot = %slot_id, "appointment booked");
            Ok(Booked {
                appointment: written(&req, id, code, created_at, slot)?,
                replayed: false,
            })
        }
        Step::Refused(refusal) => Err(refusal),
        Step::KeyUsed => {
            let row = super::read::by_key(db, key).await?.ok_or_else(|| {
                anyhow!("idempotency key {key} was used but holds no appointment")
            })?;
            replay(row, key, &print)
        }
        Step::NotBookable => Err(QueueError::FailedPrecondition(format!(
            "slot {slot_id} is not bookable: it has started, is past its same-day cutoff, or \
             is beyond the open-ahead window"
        ))),
        Step::Full => Err(QueueError::FailedPrecondition(format!(
            "slot {slot_id} is full ({} seats)",
            slot.capacity
        ))),
    }
}

/// The appointment just booked, as [`super::get`] would read it back: what was written, the
/// creation instant the insert returned and the slot the upsert returned.
fn written(
    req: &BookRequest,
    id: String,
    code: String,
    created_at: i64,
    slot: StoredSlot,
) -> anyhow::Result<Appointment> {
    Ok(Appointment {
        id,
        slot_id: req.slot_id(),
        branch: req.branch.clone(),
        service: req.service.clone(),
        code,
        name: req.name.clone(),
        id_masked: req.resident_id.masked(),
        phone: req.phone.clone(),
        credit_code: req.credit_code.clone(),
        state: AppointmentState::Booked,
        ticket_id: None,
        booked_at: from_epoch(created_at)?,
        state_changed_at: None,
        starts_at: from_epoch(slot.starts_at)?,
        ends_at: from_epoch(slot.ends_at)?,
        capacity: u32::try_from(slot.capacity).context("the slot's seats as stored")?,
    })
}

/// The stored appointment of `key` when it was booked by the same request.
fn replay(row: super::row::Row, key: &str, print: &str) -> Result<Booked, QueueError> {
    let (appointment, stored) = decode(row)?;
    if stored != print {
        return Err(QueueError::AlreadyExists(format!(
            "idempotency_key: '{key}' was already used for another booking request"
        )));
    }
    tracing::debug!(appointment = %appointment.id, "booking replayed");
    Ok(Booked {
        appointment,
        replayed: true,
    })
}

/// 1..=128 visible ASCII characters.
fn check_key(key: &str) -> Result<(), QueueError> {
    let visible = key.bytes().all(|b| b.is_ascii_graphic());
    if key.is_empty() || key.len() > 128 || !visible {
        return Err(QueueError::invalid(
            "idempotency_key",
            "must be 1 to 128 visible ASCII characters",
        ));
    }
    Ok(())
}
