//! The steps booking and rescheduling share inside their transaction: reading the person's
//! appointments for the limits, storing the slot row on first use, then taking one seat with a
//! conditional `UPDATE` (no row: the slot is full).

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, Database, Encode, Executor, FromRow, IntoArguments, Transaction, Type};

use super::Rules;
use super::engine::{Engine, stamp};
use super::limits::{self, Held, HeldRow};
use crate::booking::SlotInstance;
use crate::domain::{BranchId, ServiceId};

/// The appointments of the person (`id_hash`) in `service` at `branch` that the limits may
/// count when booking on `date` (see [`limits::held_sql`]).
pub(super) async fn held<P, DB>(
    pool: &P,
    tx: &mut Transaction<'_, DB>,
    id_hash: &str,
    branch: &BranchId,
    service: &ServiceId,
    date: NaiveDate,
    rules: &Rules,
) -> anyhow::Result<Vec<Held>>
where
    P: Engine<Db = DB>,
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    HeldRow: for<'r> FromRow<'r, DB::Row>,
{
    let rows: Vec<HeldRow> = sqlx::query_as(AssertSqlSafe(limits::held_sql(pool)))
        .bind(id_hash)
        .bind(branch.as_str())
        .bind(service.as_str())
        .bind(limits::since(date, rules).to_string())
        .fetch_all(&mut **tx)
        .await
        .context("reading the person's appointments")?;
    limits::decode_held(rows)
}

/// Stores slot `slot_id` (`slot` of `service` at `branch`) unless it is stored already.
pub(super) async fn materialise_slot<P, DB>(
    pool: &P,
    tx: &mut Transaction<'_, DB>,
    slot_id: &str,
    branch: &BranchId,
    service: &ServiceId,
    slot: &SlotInstance,
) -> sqlx::Result<()>
where
    P: Engine<Db = DB>,
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(AssertSqlSafe(insert_slot_sql(pool)))
        .bind(slot_id)
        .bind(branch.as_str())
        .bind(service.as_str())
        .bind(slot.local_date.to_string())
        .bind(stamp(slot.start))
        .bind(stamp(slot.end))
        .bind(i64::from(slot.capacity))
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Takes one seat of stored slot `slot_id`; false when it is full.
pub(super) async fn take_seat<DB>(tx: &mut Transaction<'_, DB>, slot_id: &str) -> sqlx::Result<bool>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let taken: Option<(i64,)> = sqlx::query_as(
        "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity \
         RETURNING booked",
    )
    .bind(slot_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(taken.is_some())
}

/// The slot as stored, as [`take_seat_upserting`] answers it.
#[derive(Debug, Clone, Copy)]
pub(super) struct StoredSlot {
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i64,
}

/// Stores slot `slot_id` with its first seat taken, or takes one more seat of the stored slot,
/// in one statement: `INSERT … ON CONFLICT (id) DO UPDATE SET booked = booked + 1 WHERE
/// booked < capacity RETURNING …`. None: the slot is full (the guard held, no row came back).
/// The answer is the slot as stored (its instants as whole epoch seconds, its seats), which
/// may differ from `slot` when the template changed after the slot was first booked.
pub(super) async fn take_seat_upserting<P, DB>(
    pool: &P,
    tx: &mut Transaction<'_, DB>,
    slot_id: &str,
    branch: &BranchId,
    service: &ServiceId,
    slot: &SlotInstance,
) -> sqlx::Result<Option<StoredSlot>>
where
    P: Engine<Db = DB>,
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (i64, i64, i64): for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!(
        "INSERT INTO slots (id, branch_id, service_id, local_date, starts_at, ends_at, \
         capacity, booked) VALUES ($1, $2, $3, {}, {}, {}, $7, 1) \
         ON CONFLICT (id) DO UPDATE SET booked = slots.booked + 1 \
         WHERE slots.booked < slots.capacity \
         RETURNING {}, {}, capacity",
        pool.cast(4, "DATE"),
        pool.cast(5, "TIMESTAMPTZ"),
        pool.cast(6, "TIMESTAMPTZ"),
        pool.epoch("starts_at"),
        pool.epoch("ends_at"),
    );
    let stored: Option<(i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(slot_id)
        .bind(branch.as_str())
        .bind(service.as_str())
        .bind(slot.local_date.to_string())
        .bind(stamp(slot.start))
        .bind(stamp(slot.end))
        .bind(i64::from(slot.capacity))
        .fetch_optional(&mut **tx)
        .await?;
    Ok(stored.map(|(starts_at, ends_at, capacity)| StoredSlot {
        starts_at,
        ends_at,
        capacity,
    }))
}

/// Stores a slot unless it is: `$1` id, `$2` branch, `$3` service, `$4` local date, `$5`
/// start, `$6` end (text, see `engine::stamp`), `$7` capacity.
fn insert_slot_sql(pool: &impl Engine) -> String {
    format!(
        "INSERT INTO slots (id, branch_id, service_id, local_date, starts_at, ends_at, \
         capacity) VALUES ($1, $2, $3, {}, {}, {}, $7) ON CONFLICT (id) DO NOTHING",
        pool.cast(4, "DATE"),
        pool.cast(5, "TIMESTAMPTZ"),
        pool.cast(6, "TIMESTAMPTZ"),
    )
}
