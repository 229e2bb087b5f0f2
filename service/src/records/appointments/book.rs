//! The booking transaction.

use anyhow::{Context, anyhow};
use sqlx::AssertSqlSafe;

use super::engine::{Engine, stamp};
use super::limits;
use super::notice::About;
use super::row::{Row, decode, fingerprint, new_id, random_code, select};
use super::seat;
use super::{BookRequest, Booked};
use crate::error::QueueError;
use crate::records::Db;

/// How many check-in codes are drawn before giving up on a branch's day (a million codes;
/// only a nearly full day makes a second draw likely).
const CODE_ATTEMPTS: usize = 20;

/// What the transaction found.
enum Step {
    /// The idempotency key was already used: its appointment.
    Existing(Box<Row>),
    NotBookable,
    /// A per-person limit refused it.
    Refused(QueueError),
    Full,
    /// A concurrent booking with the same key committed first; this one rolled back.
    KeyTaken,
    Booked(String),
}

/// Books a seat in `req.slot` for the person, in one transaction (see the module docs).
///
/// Errors: INVALID_ARGUMENT for a malformed idempotency key; FAILED_PRECONDITION when the
/// slot is full or not bookable (both name the slot) or a per-person limit refuses (see
/// [`limits`]); ALREADY_EXISTS naming
/// `idempotency_key` when the key booked another request; INTERNAL when the database fails
/// (nothing is then booked).
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
        let mut tx = pool.begin_write().await.context("beginning a booking")?;
        // The person's lock first: a retry racing its original then finds the key below.
        pool.lock_person(&mut tx, &id_hash)
            .await
            .context("taking the person's booking lock")?;
        let by_key = format!("{} WHERE a.idempotency_key = $1", select(pool));
        let existing: Option<Row> = sqlx::query_as(AssertSqlSafe(by_key))
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .context("looking up the idempotency key")?;
        if let Some(row) = existing {
            return Ok::<_, anyhow::Error>(Step::Existing(Box::new(row)));
        }
        if !slot.bookable {
            return Ok(Step::NotBookable);
        }
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
        if let Err(refusal) = limits::judge(&held, &req.service, slot.local_date, rules, None) {
            return Ok(Step::Refused(refusal));
        }
        seat::materialise_slot(pool, &mut tx, &slot_id, &req.branch, &req.service, slot)
            .await
            .context("materialising the slot")?;
        if !seat::take_seat(&mut tx, &slot_id).await.context("taking a seat")? {
            return Ok(Step::Full);
        }
        let insert = format!(
            "INSERT INTO appointments (id, slot_id, branch_id, service_id, local_date, code, \
             name, name_masked, id_hash, id_masked, phone, credit_code, state, \
             idempotency_key, request_fingerprint, created_at) \
             VALUES ($1, $2, $3, $4, {}, $6, $7, $8, $9, $10, $11, $12, 'BOOKED', $13, $14, {}) \
             ON CONFLICT (branch_id, local_date, code) DO NOTHING RETURNING id",
            pool.cast(5, "DATE"),
            pool.cast(15, "TIMESTAMPTZ"),
        );
        let id = new_id();
        let mut coded = None;
        for _ in 0..CODE_ATTEMPTS {
            let code = codes();
            let inserted: Result<Option<(String,)>, sqlx::Error> =
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
                Ok(Some(_)) => {
                    coded = Some(code);
                    break;
                }
                Ok(None) => continue,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Ok(Step::KeyTaken);
                }
                Err(e) => return Err(anyhow!(e).context("inserting the appointment")),
            }
        }
        let Some(code) = coded else {
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
        Ok(Step::Booked(id))
    }.await)?;
    match step {
        Step::Booked(id) => {
            tracing::info!(appointment = %id, slot = %slot_id, "appointment booked");
            Ok(Booked {
                appointment: super::get(db, &id).await?,
                replayed: false,
            })
        }
        Step::Refused(refusal) => Err(refusal),
        Step::Existing(row) => replay(*row, key, &print),
        Step::KeyTaken => {
            let row = super::read::by_key(db, key)
                .await?
                .ok_or_else(|| anyhow!("idempotency key {key} clashed but holds no appointment"))?;
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

/// The stored appointment of `key` when it was booked by the same request.
fn replay(row: Row, key: &str, print: &str) -> Result<Booked, QueueError> {
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
