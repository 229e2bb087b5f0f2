//! Writing reminders: enqueue (in a caller's transaction or its own) and cancel.

use anyhow::Context;
use chrono::{DateTime, Utc};
use rand::RngExt;

use super::engine::OutboxConn;
use super::{NewSms, SmsKind};
use crate::records::Db;

/// A new row id: 32 hex digits from the thread's CSPRNG.
pub(super) fn new_id() -> String {
    let mut rng = rand::rng();
    format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>())
}

/// Enqueues `sms` through `conn`, the caller's transaction (`&mut *tx`) so that the reminder
/// commits or rolls back with the event that causes it. Answers whether a row was inserted:
/// `false` when the (subject, kind) reminder already exists (`ON CONFLICT DO NOTHING`).
pub async fn enqueue_in<C: OutboxConn + ?Sized>(
    conn: &mut C,
    sms: &NewSms,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let inserted = conn
        .insert_sms(sms, now)
        .await
        .with_context(|| format!("enqueueing the {} reminder of {}", sms.kind, sms.subject))?;
    if inserted {
        tracing::debug!(subject = %sms.subject, kind = %sms.kind, "sms enqueued");
    }
    Ok(inserted)
}

/// [`enqueue_in`] in a transaction of its own.
pub async fn enqueue(db: &Db, sms: &NewSms, now: DateTime<Utc>) -> anyhow::Result<bool> {
    with_pool!(db, pool => async {
        let mut tx = pool.begin().await.context("beginning an enqueue")?;
        let inserted = enqueue_in(&mut *tx, sms, now).await?;
        tx.commit().await.context("committing an enqueue")?;
        Ok(inserted)
    }.await)
}

/// Cancels the pending (subject, kind) reminder through `conn` (a caller's transaction);
/// answers whether one was pending. A reminder being sent or sent already is left alone.
pub async fn cancel_in<C: OutboxConn + ?Sized>(
    conn: &mut C,
    subject: &str,
    kind: SmsKind,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    conn.cancel_sms(subject, kind, now)
        .await
        .with_context(|| format!("cancelling the {kind} reminder of {subject}"))
}

/// [`cancel_in`] on a connection of the pool.
pub async fn cancel(
    db: &Db,
    subject: &str,
    kind: SmsKind,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    with_pool!(db, pool => async {
        let mut conn = pool.acquire().await.context("acquiring a connection")?;
        cancel_in(&mut *conn, subject, kind, now).await
    }.await)
}
