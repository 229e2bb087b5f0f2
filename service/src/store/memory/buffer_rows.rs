//! The branch buffers in the SQLite file (`live_history`, `live_reminders`): rows with a
//! `seq` (the buffer id) and a `branch`, read oldest first and deleted once acknowledged.
//! Shared here so each buffer only says how one row decodes.

use anyhow::Context;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::domain::BranchId;

/// A buffer table and its two statements, written out whole so that no SQL is built at run time.
pub struct Table {
    name: &'static str,
    pending: &'static str,
    delete: &'static str,
}

pub const LIVE_HISTORY: Table = Table {
    name: "live_history",
    pending: "SELECT * FROM live_history WHERE branch = ? ORDER BY seq LIMIT ?",
    delete: "DELETE FROM live_history WHERE branch = ? AND seq = ?",
};

pub const LIVE_REMINDERS: Table = Table {
    name: "live_reminders",
    pending: "SELECT * FROM live_reminders WHERE branch = ? ORDER BY seq LIMIT ?",
    delete: "DELETE FROM live_reminders WHERE branch = ? AND seq = ?",
};

/// The branch's oldest `limit` rows of `table`, each read by `decode`.
pub async fn pending<T>(
    pool: &SqlitePool,
    table: &Table,
    branch: &BranchId,
    limit: usize,
    decode: impl FnMut(&SqliteRow) -> anyhow::Result<T>,
) -> anyhow::Result<Vec<T>> {
    let rows = sqlx::query(table.pending)
        .bind(branch.as_str())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await
        .with_context(|| format!("reading {}", table.name))?;
    rows.iter().map(decode).collect()
}

/// Deletes the branch's rows of `table` with these ids; answers how many were there.
pub async fn ack(
    pool: &SqlitePool,
    table: &Table,
    branch: &BranchId,
    ids: &[String],
) -> sqlx::Result<usize> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut removed = 0;
    for id in ids {
        let Ok(seq) = id.parse::<i64>() else { continue };
        removed += sqlx::query(table.delete)
            .bind(branch.as_str())
            .bind(seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    tx.commit().await?;
    Ok(usize::try_from(removed).unwrap_or(usize::MAX))
}
