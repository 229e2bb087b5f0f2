//! The hall layout in the records database: [`save_hall`] replaces the whole layout in one
//! transaction and bumps `layout_version`; [`load_layout`] reads it back as the in-memory
//! [`Hall`] with its version; [`change_hall`] reads, changes and writes it in one transaction
//! (the AdminService's changes). Orders are kept: services and windows in their branch's
//! order, a window's services in the window's order (the `position` columns). Durations are
//! stored in whole seconds; appointment settings and calendars in their own tables
//! (migration 0003).
//!
//! Every write begins with the `layout_version` bump, so the row lock (PostgreSQL) or the
//! write lock (SQLite) makes concurrent writers take turns: a change reads the layout only
//! once it holds the lock, so it never overwrites a change it has not seen.

pub(crate) mod codec;
#[macro_use]
pub(crate) mod read;
#[macro_use]
mod write;

use anyhow::Context;

use crate::error::QueueError;
use crate::hall::Hall;
use crate::records::Db;

/// The name in `records_settings` of the SHA-256 of the hall file last applied at start-up.
pub const HALL_FILE_SHA256: &str = "hall_file_sha256";

const BUMP: &str = "UPDATE layout_version SET version = version + 1 WHERE id = 1 RETURNING version";
const PUT_SETTING: &str = "INSERT INTO records_settings (name, value) VALUES ($1, $2) \
                           ON CONFLICT (name) DO UPDATE SET value = excluded.value";

/// Replaces the stored layout with `hall`, all or nothing, and returns the new layout
/// version. A layout the database refuses (a check or key violated) leaves the old one.
/// Concurrent saves take turns.
pub async fn save_hall(db: &Db, hall: &Hall) -> anyhow::Result<i64> {
    save(db, hall, None).await
}

/// As [`save_hall`], and records `sha256` (of the hall file's text) as the hall file last
/// applied at start-up, in the same transaction.
pub async fn save_hall_from_file(db: &Db, hall: &Hall, sha256: &str) -> anyhow::Result<i64> {
    save(db, hall, Some(sha256)).await
}

async fn save(db: &Db, hall: &Hall, sha256: Option<&str>) -> anyhow::Result<i64> {
    let version = with_pool!(db, pool => async {
        let mut tx = pool.begin().await?;
        // First, so that concurrent saves queue one after the other: the last one wins.
        let (version,): (i64,) = sqlx::query_as(BUMP).fetch_one(&mut *tx).await?;
        write_rows!(&mut tx, hall).await?;
        if let Some(sha256) = sha256 {
            sqlx::query(PUT_SETTING)
                .bind(HALL_FILE_SHA256)
                .bind(sha256)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(version)
    }
    .await)
    .with_context(|| {
        format!(
            "saving the hall layout to the {} records database",
            db.engine()
        )
    })?;
    tracing::info!(
        engine = db.engine(),
        version,
        branches = hall.branches.len(),
        "hall layout saved"
    );
    Ok(version)
}

/// The version of the stored layout: 0 before the first save.
pub async fn layout_version(db: &Db) -> anyhow::Result<i64> {
    let (version,): (i64,) = with_pool!(db, pool => {
        sqlx::query_as("SELECT version FROM layout_version WHERE id = 1")
            .fetch_one(pool)
            .await
    })
    .context("reading the layout version")?;
    Ok(version)
}

/// Reads the stored layout (empty before the first save).
pub async fn load_hall(db: &Db) -> anyhow::Result<Hall> {
    Ok(load_layout(db).await?.0)
}

/// Reads the stored layout and the version it is at, in one transaction.
pub async fn load_layout(db: &Db) -> anyhow::Result<(Hall, i64)> {
    let (rows, version) = with_pool!(db, pool => async {
        let mut tx = pool.begin().await?;
        let (version,): (i64,) = sqlx::query_as("SELECT version FROM layout_version WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let rows = read_rows!(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>((rows, version))
    }
    .await)
    .with_context(|| {
        format!(
            "loading the hall layout from the {} records database",
            db.engine()
        )
    })?;
    let hall = read::build(rows).context("the stored hall layout is invalid")?;
    Ok((hall, version))
}

/// A layout change written by [`change_hall`].
#[derive(Debug)]
pub struct Changed<T> {
    /// The new layout version.
    pub version: i64,
    /// The layout as written.
    pub hall: Hall,
    /// What the change returned.
    pub value: T,
}

/// Reads the stored layout, lets `change` turn it into a new one, and writes that, in one
/// transaction that bumps `layout_version`. When `change` refuses (returns an error) nothing
/// is written. Concurrent changes take turns, each seeing the one before.
pub async fn change_hall<T>(
    db: &Db,
    change: impl FnOnce(&Hall) -> Result<(Hall, T), QueueError>,
) -> Result<Changed<T>, QueueError> {
    with_pool!(db, pool => async {
        let mut tx = pool.begin().await.map_err(db_error)?;
        let (version,): (i64,) = sqlx::query_as(BUMP)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let rows = read_rows!(&mut tx).await.map_err(db_error)?;
        let current = read::build(rows).context("the stored hall layout is invalid")?;
        let (hall, value) = change(&current)?;
        write_rows!(&mut tx, &hall).await.map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            engine = db.engine(),
            version,
            branches = hall.branches.len(),
            "hall layout changed"
        );
        Ok(Changed { version, hall, value })
    }
    .await)
}

/// A database error of a layout change as the caller sees it: UNAVAILABLE when the database
/// cannot be reached, else internal (the domain has checked the change; a refused row is a
/// bug). See [`crate::records::db_error`].
fn db_error(err: sqlx::Error) -> QueueError {
    crate::records::db_error(
        anyhow::Error::new(err).context("changing the hall layout in the records database"),
    )
}
