//! Where the two engines differ for appointments: how a writing transaction begins, how a
//! person's bookings are serialised, how a text parameter becomes a date or an instant and
//! how an instant is read back.

use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection, Database, Postgres, Sqlite, Transaction};

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

    /// The SQL that reads instant column `column` as whole seconds since the Unix epoch.
    fn epoch(&self, column: &str) -> String;

    /// What ends a `SELECT` that locks the rows it reads until the transaction ends:
    /// ` FOR UPDATE` on PostgreSQL; nothing on SQLite, whose writer holds the whole database.
    fn for_update(&self) -> &'static str;

    /// Takes the lock of one person (by ID hash) until the transaction ends, so that their
    /// bookings are counted and written one at a time. PostgreSQL: a transaction-scoped
    /// advisory lock on `hashtext(id_hash)`; SQLite: nothing, `BEGIN IMMEDIATE` already
    /// serialises every writer.
    async fn lock_person(
        &self,
        tx: &mut Transaction<'static, Self::Db>,
        id_hash: &str,
    ) -> sqlx::Result<()>;

    /// [`Engine::begin_write`] and [`Engine::lock_person`] in one round trip, on a connection
    /// already acquired (so that a pre-read and the transaction share one acquire, whose
    /// liveness ping is a round trip of its own): PostgreSQL sends
    /// `BEGIN; SELECT pg_advisory_xact_lock(hashtext('<id_hash>'))` as one simple query (the
    /// hash is 64 lowercase hex digits, checked, so it can be inlined); SQLite: `BEGIN
    /// IMMEDIATE`.
    async fn begin_for_person<'c>(
        &self,
        conn: &'c mut <Self::Db as Database>::Connection,
        id_hash: &str,
    ) -> anyhow::Result<Transaction<'c, Self::Db>>;
}

impl Engine for sqlx::PgPool {
    type Db = Postgres;

    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Postgres>> {
        self.begin().await
    }

    fn cast(&self, n: u8, sql_type: &str) -> String {
        format!("CAST(${n} AS {sql_type})")
    }

    fn epoch(&self, column: &str) -> String {
        format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)")
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    async fn lock_person(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        id_hash: &str,
    ) -> sqlx::Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(id_hash)
            .execute(&mut **tx)
            .await
            .map(drop)
    }

    async fn begin_for_person<'c>(
        &self,
        conn: &'c mut PgConnection,
        id_hash: &str,
    ) -> anyhow::Result<Transaction<'c, Postgres>> {
        let hex = id_hash.len() == 64
            && id_hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            anyhow::bail!("an ID hash must be 64 lowercase hex digits to be locked on");
        }
        let begin = format!("BEGIN; SELECT pg_advisory_xact_lock(hashtext('{id_hash}'))");
        Ok(conn.begin_with(AssertSqlSafe(begin)).await?)
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

    fn epoch(&self, column: &str) -> String {
        format!("CAST(strftime('%s', {column}) AS INTEGER)")
    }

    fn for_update(&self) -> &'static str {
        ""
    }

    async fn lock_person(
        &self,
        _tx: &mut Transaction<'static, Sqlite>,
        _id_hash: &str,
    ) -> sqlx::Result<()> {
        Ok(())
    }

    async fn begin_for_person<'c>(
        &self,
        conn: &'c mut SqliteConnection,
        _id_hash: &str,
    ) -> anyhow::Result<Transaction<'c, Sqlite>> {
        Ok(conn.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// An instant as both engines take it in a text parameter (RFC 3339, UTC): PostgreSQL casts
/// it, SQLite stores and compares the text (same format, so text order is time order).
pub(super) fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339()
}

/// An epoch read by [`Engine::epoch`] as an instant.
pub(super) fn from_epoch(seconds: i64) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| anyhow::anyhow!("{seconds} is not a representable instant"))
}
