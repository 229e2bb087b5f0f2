//! Where the two engines differ for appointments: how a writing transaction begins and how a
//! text parameter becomes a date or an instant.

use sqlx::{Database, Postgres, Sqlite, Transaction};

/// A pool that can begin a transaction meant to write.
pub(super) trait Engine {
    type Db: Database;

    /// PostgreSQL: a plain `BEGIN` (the conditional `UPDATE` locks the slot row, so
    /// concurrent bookings of one slot queue on it). SQLite: `BEGIN IMMEDIATE`, which takes
    /// the write lock at once (waiting up to the busy timeout) instead of on the first write
    /// — a deferred transaction that read first could not upgrade and would fail with
    /// SQLITE_BUSY at once.
    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Self::Db>>;

    /// The SQL that turns text parameter `$n` into a value of `sql_type` (`DATE`,
    /// `TIMESTAMPTZ`); SQLite keeps the text.
    fn cast(&self, n: u8, sql_type: &str) -> String;
}

impl Engine for sqlx::PgPool {
    type Db = Postgres;

    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Postgres>> {
        self.begin().await
    }

    fn cast(&self, n: u8, sql_type: &str) -> String {
        format!("CAST(${n} AS {sql_type})")
    }
}

impl Engine for sqlx::SqlitePool {
    type Db = Sqlite;

    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }

    fn cast(&self, n: u8, _sql_type: &str) -> String {
        format!("${n}")
    }
}
