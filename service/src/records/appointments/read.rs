//! Reading appointments back: one by id or idempotency key, a person's, the ones a check-in
//! may mean, and the booked seats of a service's slots.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::Appointment;
use super::engine::Engine;
use super::row::{Row, decode, select};
use crate::domain::{BranchId, ServiceId};
use crate::error::QueueError;
use crate::records::Db;

/// One appointment; NOT_FOUND when there is none with this id.
pub async fn get(db: &Db, id: &str) -> Result<Appointment, QueueError> {
    let row: Option<Row> = with_pool!(db, pool => {
        let sql = format!("{} WHERE a.id = $1", select(pool));
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
    })
    .context("reading an appointment")?;
    let row = row.ok_or_else(|| QueueError::not_found("appointment", id))?;
    Ok(decode(row)?.0)
}

/// The row booked under an idempotency key, if any.
pub(super) async fn by_key(db: &Db, key: &str) -> Result<Option<Row>, QueueError> {
    let row = with_pool!(db, pool => {
        let sql = format!("{} WHERE a.idempotency_key = $1", select(pool));
        sqlx::query_as(AssertSqlSafe(sql)).bind(key).fetch_optional(pool).await
    })
    .context("reading an appointment by its idempotency key")?;
    Ok(row)
}

/// The appointments of one person (by ID hash), newest slot first; only `branch`'s when given.
pub async fn list_for_person(
    db: &Db,
    id_hash: &str,
    branch: Option<&BranchId>,
) -> Result<Vec<Appointment>, QueueError> {
    let rows: Vec<Row> = with_pool!(db, pool => {
        let sql = format!(
            "{} WHERE a.id_hash = $1 AND ($2 = '' OR a.branch_id = $2) \
             ORDER BY s.starts_at DESC, a.created_at DESC",
            select(pool)
        );
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(id_hash)
            .bind(branch.map_or("", BranchId::as_str))
            .fetch_all(pool)
            .await
    })
    .context("reading a person's appointments")?;
    decode_all(rows)
}

/// What a check-in names the appointment by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInKey {
    /// The six-digit check-in code.
    Code(String),
    /// The person's ID hash.
    Person(String),
}

/// The appointments of `date` (local) at `branch` that `key` names, earliest slot first,
/// in any state (a check-in decides what to do with each).
pub async fn for_check_in(
    db: &Db,
    branch: &BranchId,
    date: NaiveDate,
    key: &CheckInKey,
) -> Result<Vec<Appointment>, QueueError> {
    let (column, value) = match key {
        CheckInKey::Code(code) => ("a.code", code.as_str()),
        CheckInKey::Person(hash) => ("a.id_hash", hash.as_str()),
    };
    let rows: Vec<Row> = with_pool!(db, pool => {
        let sql = format!(
            "{} WHERE a.branch_id = $1 AND a.local_date = {} AND {column} = $3 \
             ORDER BY s.starts_at, a.created_at",
            select(pool),
            pool.cast(2, "DATE"),
        );
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(branch.as_str())
            .bind(date.to_string())
            .bind(value)
            .fetch_all(pool)
            .await
    })
    .context("finding the appointment to check in")?;
    decode_all(rows)
}

fn decode_all(rows: Vec<Row>) -> Result<Vec<Appointment>, QueueError> {
    rows.into_iter()
        .map(|row| decode(row).map(|(a, _)| a).map_err(QueueError::from))
        .collect()
}

/// A stored slot's seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub capacity: u32,
    pub booked: u32,
}

impl Seats {
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }
}

/// The seats of every stored slot of a service on the local dates `from..=to`, by slot id.
/// A slot nobody has booked yet is not stored: all its seats are free.
pub async fn seats(
    db: &Db,
    branch: &BranchId,
    service: &ServiceId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<String, Seats>, QueueError> {
    let rows: Vec<(String, i64, i64)> = with_pool!(db, pool => {
        let sql = format!(
            "SELECT id, capacity, booked FROM slots WHERE branch_id = $1 AND service_id = $2 \
             AND local_date BETWEEN {} AND {}",
            pool.cast(3, "DATE"),
            pool.cast(4, "DATE"),
        );
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(branch.as_str())
            .bind(service.as_str())
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(pool)
            .await
    })
    .context("reading the booked seats")?;
    Ok(rows
        .into_iter()
        .map(|(id, capacity, booked)| {
            let seats = Seats {
                capacity: u32::try_from(capacity).unwrap_or(0),
                booked: u32::try_from(booked).unwrap_or(u32::MAX),
            };
            (id, seats)
        })
        .collect())
}
