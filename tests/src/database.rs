//! Records databases of a test's own: [`fresh_postgres`] creates a uniquely named database
//! (`qc_test_<random>`) on the PostgreSQL of `QUEUECALL_TEST_DATABASE_URL` (`scripts/test.sh`
//! exports it; default `postgres://postgres@127.0.0.1:5432/postgres`) and drops it when the
//! [`TestDatabase`] is dropped; [`fresh_sqlite`] names a file in a temp dir of its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use queuecall::records::{Db, RecordsSettings};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// The `records.id_hash_key` every test app on PostgreSQL runs with (required there).
pub const TEST_ID_HASH_KEY: &str = "queuecall-tests-id-hash-key-0123456789abcdef";

/// A records database that lives as long as the test holds it.
pub enum TestDatabase {
    Postgres {
        /// The server's maintenance database, from which this one was created.
        admin_url: String,
        name: String,
        url: String,
    },
    Sqlite {
        dir: tempfile::TempDir,
        path: PathBuf,
    },
}

/// The URL the PostgreSQL tests create their databases on.
pub fn test_database_url() -> String {
    std::env::var("QUEUECALL_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "qc_test_{}_{}_{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn admin_connection(admin_url: &str) -> anyhow::Result<PgConnection> {
    let connecting = PgConnection::connect(admin_url);
    tokio::time::timeout(Duration::from_secs(10), connecting)
        .await
        .map_err(anyhow::Error::from)
        .and_then(|r| r.map_err(anyhow::Error::from))
        .with_context(|| {
            format!(
                "PostgreSQL is not reachable at {} (QUEUECALL_TEST_DATABASE_URL): start it with \
                 `pg_ctlcluster <version> main start`, or run the tests with \
                 `bash scripts/test.sh`, which starts a throwaway one",
                queuecall::config::mask_url(admin_url)
            )
        })
}

/// A new, empty PostgreSQL database, dropped when the returned value is.
pub async fn fresh_postgres() -> anyhow::Result<TestDatabase> {
    let admin_url = test_database_url();
    let name = unique_name();
    let mut admin = admin_connection(&admin_url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .with_context(|| format!("CREATE DATABASE {name}"))?;
    admin.close().await.ok();
    let url = with_database(&admin_url, &name);
    Ok(TestDatabase::Postgres {
        admin_url,
        name,
        url,
    })
}

/// A records file path in a new temp dir (the file itself is not created).
pub async fn fresh_sqlite() -> anyhow::Result<TestDatabase> {
    let dir = tempfile::tempdir().context("create a temp dir")?;
    let path = dir.path().join("data").join("records.sqlite");
    Ok(TestDatabase::Sqlite { dir, path })
}

impl TestDatabase {
    /// The `records` settings naming this database.
    pub fn settings(&self) -> RecordsSettings {
        match self {
            Self::Postgres { url, .. } => RecordsSettings::Postgres {
                url: url.clone(),
                max_connections: 4,
            },
            Self::Sqlite { path, .. } => RecordsSettings::Sqlite { path: path.clone() },
        }
    }

    /// The environment that points `queuecall` at this database.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Postgres { url, .. } => vec![
                ("QUEUECALL_RECORDS__KIND", "postgres".to_owned()),
                ("QUEUECALL_RECORDS__URL", url.clone()),
                (
                    "QUEUECALL_RECORDS__ID_HASH_KEY",
                    TEST_ID_HASH_KEY.to_owned(),
                ),
            ],
            Self::Sqlite { path, .. } => vec![
                ("QUEUECALL_RECORDS__KIND", "sqlite".to_owned()),
                ("QUEUECALL_RECORDS__PATH", path.display().to_string()),
            ],
        }
    }

    /// Connects without migrating.
    pub async fn connect(&self) -> anyhow::Result<Db> {
        Db::connect(&self.settings()).await
    }

    /// Connects and applies the migrations.
    pub async fn migrated(&self) -> anyhow::Result<Db> {
        let db = self.connect().await?;
        db.migrate().await?;
        Ok(db)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Self::Postgres {
            admin_url, name, ..
        } = self
        else {
            return;
        };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Best effort, on a thread of its own: drop may run inside or outside a runtime.
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = admin_connection(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropping.join();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "qc_test_1"),
            "postgres://postgres@127.0.0.1:5432/qc_test_1"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
