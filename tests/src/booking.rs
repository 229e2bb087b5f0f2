//! Helpers of the records booking tests (`records_booking`, `appointments_records`): a person's
//! ID number as the domain type, and the seats a stored slot has booked.

use queuecall::domain::identity::ResidentId;
use queuecall::records::Db;

use crate::cli_booking::resident_id;

/// [`resident_id`] parsed: a valid ID number, one per `n` (< 1000).
pub fn resident(n: u32) -> ResidentId {
    ResidentId::parse("id_number", &resident_id(n)).expect("a valid ID number")
}

/// The `booked` count of stored slot `slot`.
pub async fn booked(db: &Db, slot: &str) -> anyhow::Result<i64> {
    let sql = "SELECT booked FROM slots WHERE id = $1";
    let (n,): (i64,) = match db {
        Db::Postgres(pool) => sqlx::query_as(sql).bind(slot).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(slot).fetch_one(pool).await?,
    };
    Ok(n)
}
