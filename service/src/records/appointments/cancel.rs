//! Cancelling an appointment and reading one back.

use anyhow::Context;
use sqlx::AssertSqlSafe;

use super::engine::Engine;
use super::row::{COLUMNS, Row, decode};
use super::{Appointment, AppointmentState};
use crate::error::QueueError;
use crate::records::Db;

/// Marks a BOOKED appointment CANCELLED and gives its seat back, in one transaction; answers
/// the cancelled appointment. NOT_FOUND for an unknown id; FAILED_PRECONDITION naming the
/// state for an appointment that is not BOOKED (cancelled already, checked in, no-show).
pub async fn cancel(db: &Db, id: &str) -> Result<Appointment, QueueError> {
    let state = with_pool!(db, pool => async {
        let mut tx = pool.begin_write().await.context("beginning a cancellation")?;
        let cancelled: Option<(String,)> = sqlx::query_as(
            "UPDATE appointments SET state = 'CANCELLED' WHERE id = $1 AND state = 'BOOKED' \
             RETURNING slot_id",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .context("cancelling the appointment")?;
        let Some((slot_id,)) = cancelled else {
            let state: Option<(String,)> =
                sqlx::query_as("SELECT state FROM appointments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .context("reading the appointment's state")?;
            return Ok::<_, anyhow::Error>(Some(state.map_or_else(String::new, |(s,)| s)));
        };
        sqlx::query("UPDATE slots SET booked = booked - 1 WHERE id = $1")
            .bind(&slot_id)
            .execute(&mut *tx)
            .await
            .context("giving the seat back")?;
        tx.commit().await.context("committing the cancellation")?;
        Ok(None)
    }.await)?;
    match state {
        None => {
            tracing::info!(appointment = %id, "appointment cancelled");
            get(db, id).await
        }
        Some(state) if state.is_empty() => Err(QueueError::not_found("appointment", id)),
        Some(state) => Err(QueueError::FailedPrecondition(format!(
            "appointment {id} is {state}; only a {} appointment can be cancelled",
            AppointmentState::Booked
        ))),
    }
}

/// One appointment; NOT_FOUND when there is none with this id.
pub async fn get(db: &Db, id: &str) -> Result<Appointment, QueueError> {
    let sql = format!("SELECT {COLUMNS} FROM appointments WHERE id = $1");
    let row: Option<Row> = with_pool!(db, pool => {
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
    })
    .context("reading an appointment")?;
    let row = row.ok_or_else(|| QueueError::not_found("appointment", id))?;
    Ok(decode(row)?.0)
}

/// The row booked under an idempotency key, if any.
pub(super) async fn by_key(db: &Db, key: &str) -> Result<Option<Row>, QueueError> {
    let sql = format!("SELECT {COLUMNS} FROM appointments WHERE idempotency_key = $1");
    let row = with_pool!(db, pool => {
        sqlx::query_as(AssertSqlSafe(sql)).bind(key).fetch_optional(pool).await
    })
    .context("reading an appointment by its idempotency key")?;
    Ok(row)
}
