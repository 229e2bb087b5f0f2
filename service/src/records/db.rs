//! Connecting to the records database and applying its migrations.

use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::settings::RecordsSettings;
use crate::config::mask_url;
use crate::error::QueueError;

static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");
static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");

/// How long connecting (or waiting for a pooled connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The records database: a PostgreSQL pool or a SQLite pool.
#[derive(Debug, Clone)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

impl Db {
    /// Connects: for SQLite, creates the parent directory and the file, in WAL mode with
    /// foreign keys on; for PostgreSQL, fails after a few seconds naming the (masked) URL.
    pub async fn connect(settings: &RecordsSettings) -> anyhow::Result<Self> {
        match settings {
            RecordsSettings::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    tokio::fs::create_dir_all(dir)
                        .await
                        .with_context(|| format!("creating the directory {}", dir.display()))?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(CONNECT_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_with(options)
                    .await
                    .with_context(|| format!("opening the records file {}", path.display()))?;
                tracing::debug!(path = %path.display(), "records database opened");
                Ok(Self::Sqlite(pool))
            }
            RecordsSettings::Postgres {
                url,
                max_connections,
            } => {
                let pool = PgPoolOptions::new()
                    .max_connections(*max_connections)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect(url)
                    .await
                    .with_context(|| {
                        format!(
                            "connecting to PostgreSQL at {} (records.url, QUEUECALL_RECORDS__URL): \
                             is it running? Start it with `pg_ctlcluster <version> main start` \
                             (or `systemctl start postgresql`) and check the URL",
                            mask_url(url)
                        )
                    })?;
                tracing::debug!(url = %mask_url(url), "records database connected");
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// Applies the migrations not applied yet (a no-op when all are) and returns the latest
    /// migration version the schema is at.
    pub async fn migrate(&self) -> anyhow::Result<i64> {
        let migrator = match self {
            Self::Postgres(_) => &POSTGRES,
            Self::Sqlite(_) => &SQLITE,
        };
        with_pool!(self, pool => migrator.run(pool).await)
            .with_context(|| format!("applying the {} migrations", self.engine()))?;
        let version = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        tracing::info!(
            engine = self.engine(),
            version,
            "records migrations applied"
        );
        Ok(version)
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> anyhow::Result<()> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))
            .with_context(|| format!("pinging the {} records database", self.engine()))
    }

    /// `postgres` or `sqlite`.
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }
}

/// PostgreSQL SQLSTATEs of a server that went away or is not accepting work: admin_shutdown,
/// crash_shutdown, cannot_connect_now, too_many_connections.
const SERVER_GONE: [&str; 4] = ["57P01", "57P02", "57P03", "53300"];

/// A failed database call: out of reach (pool time-out, I/O, closed, the server shutting down
/// or gone) is UNAVAILABLE, anything else INTERNAL.
pub fn db_error(error: anyhow::Error) -> QueueError {
    let unreachable = error.chain().any(|cause| {
        match cause.downcast_ref::<sqlx::Error>() {
            Some(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Tls(_),
            ) => true,
            // The server going away under a query: a connection exception (class 08), an
            // administrator or crash shutdown, a server still starting or shutting down, or no
            // connection slot left.
            Some(sqlx::Error::Database(db)) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || SERVER_GONE.contains(&&*code)),
            _ => false,
        }
    });
    if unreachable {
        QueueError::unavailable("the records database", format!("{error:#}"))
    } else {
        QueueError::Internal(error)
    }
}
