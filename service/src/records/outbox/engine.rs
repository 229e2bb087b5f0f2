//! Where the two engines differ for the outbox: how a text parameter becomes an instant, how
//! an instant is read back, and the outbox statements a caller's own connection runs.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{
    Database, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
};

/// An engine's SQL spelling, for pools and connections of either engine.
pub(super) trait Dialect {
    /// The SQL that turns text parameter `$n` into an instant; SQLite keeps the text.
    fn instant(&self, n: u8) -> String;

    /// The SQL that reads instant column `column` as whole seconds since the Unix epoch.
    fn epoch(&self, column: &str) -> String;
}

macro_rules! postgres {
    ($($t:ty),+) => {$(
        impl Dialect for $t {
            fn instant(&self, n: u8) -> String {
                format!("CAST(${n} AS TIMESTAMPTZ)")
            }
            fn epoch(&self, column: &str) -> String {
                format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)")
            }
        }
    )+};
}

macro_rules! sqlite {
    ($($t:ty),+) => {$(
        impl Dialect for $t {
            fn instant(&self, n: u8) -> String {
                format!("${n}")
            }
            fn epoch(&self, column: &str) -> String {
                format!("CAST(strftime('%s', {column}) AS INTEGER)")
            }
        }
    )+};
}

postgres!(PgPool, PgConnection);
sqlite!(SqlitePool, SqliteConnection);

/// The class of the outbox's advisory locks (the first of PostgreSQL's two 32-bit keys), so
/// that they never meet the single 64-bit keys of other advisory locks.
const SID_LOCK_CLASS: i32 = 5;

/// A pool whose writing transactions can be serialised per provider sid: see
/// [`super::apply_status`] for why the status callback and the worker's record of a send need
/// it.
pub(super) trait SidPool: Dialect {
    type Db: Database;

    /// Begins a transaction that will write, holding the sid's lock until it ends.
    /// PostgreSQL: `BEGIN`, then the transaction-scoped advisory lock
    /// `pg_advisory_xact_lock(5, hashtext(sid))` (a collision of two sids' hashes only makes
    /// one wait). SQLite: `BEGIN IMMEDIATE`, which takes the database's write lock at once
    /// (waiting up to the busy timeout) and so serialises every writer, and whose reads then
    /// see every transaction committed before it.
    async fn begin_for_sid(&self, sid: &str) -> sqlx::Result<Transaction<'static, Self::Db>>;

    /// Begins a transaction that will write, with no lock of a sid: PostgreSQL `BEGIN`,
    /// SQLite `BEGIN IMMEDIATE` (a deferred one that read first could not upgrade).
    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Self::Db>>;
}

impl SidPool for PgPool {
    type Db = Postgres;

    async fn begin_for_sid(&self, sid: &str) -> sqlx::Result<Transaction<'static, Postgres>> {
        let mut tx = self.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(SID_LOCK_CLASS)
            .bind(sid)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Postgres>> {
        self.begin().await
    }
}

impl SidPool for SqlitePool {
    type Db = Sqlite;

    async fn begin_for_sid(&self, _sid: &str) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }

    async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

/// An instant as both engines take it in a text parameter: RFC 3339 UTC with microseconds,
/// so that SQLite's text order is time order.
pub(super) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// An epoch read by [`Dialect::epoch`] as an instant.
pub(super) fn from_epoch(seconds: i64) -> anyhow::Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| anyhow::anyhow!("{seconds} is not a representable instant"))
}

/// A connection (usually a caller's transaction, `&mut *tx`) of either engine that the outbox
/// can write through: see [`super::enqueue_in`] and [`super::cancel_in`].
pub trait OutboxConn: Send {
    #[doc(hidden)]
    fn insert_sms<'a>(
        &'a mut self,
        sms: &'a super::NewSms,
        now: DateTime<Utc>,
    ) -> impl Future<Output = sqlx::Result<bool>> + Send + 'a;

    #[doc(hidden)]
    fn cancel_sms<'a>(
        &'a mut self,
        subject: &'a str,
        kind: super::SmsKind,
        now: DateTime<Utc>,
    ) -> impl Future<Output = sqlx::Result<bool>> + Send + 'a;
}

macro_rules! outbox_conn {
    ($($t:ty),+) => {$(
        impl OutboxConn for $t {
            fn insert_sms<'a>(
                &'a mut self,
                sms: &'a super::NewSms,
                now: DateTime<Utc>,
            ) -> impl Future<Output = sqlx::Result<bool>> + Send + 'a {
                async move {
                    let sql = format!(
                        "INSERT INTO sms_outbox (id, subject, kind, branch_id, phone, body, \
                         urgent, not_before, next_attempt_at, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, {}, {}, {}, {}) \
                         ON CONFLICT (subject, kind) DO NOTHING",
                        self.instant(8),
                        self.instant(8),
                        self.instant(9),
                        self.instant(9),
                    );
                    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(super::write::new_id())
                        .bind(&sms.subject)
                        .bind(sms.kind.as_str())
                        .bind(sms.branch.as_str())
                        .bind(sms.phone.digits())
                        .bind(&sms.body)
                        .bind(sms.urgent)
                        .bind(stamp(sms.not_before))
                        .bind(stamp(now))
                        .execute(&mut *self)
                        .await?;
                    Ok(done.rows_affected() == 1)
                }
            }

            fn cancel_sms<'a>(
                &'a mut self,
                subject: &'a str,
                kind: super::SmsKind,
                now: DateTime<Utc>,
            ) -> impl Future<Output = sqlx::Result<bool>> + Send + 'a {
                async move {
                    let sql = format!(
                        "UPDATE sms_outbox SET state = 'cancelled', updated_at = {} \
                         WHERE subject = $1 AND kind = $2 AND state = 'pending'",
                        self.instant(3)
                    );
                    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(subject)
                        .bind(kind.as_str())
                        .bind(stamp(now))
                        .execute(&mut *self)
                        .await?;
                    Ok(done.rows_affected() == 1)
                }
            }
        }
    )+};
}

outbox_conn!(PgConnection, SqliteConnection);
