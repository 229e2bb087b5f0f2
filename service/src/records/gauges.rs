//! Counts read for `/metrics` (see [`crate::metrics`]).

use anyhow::Context;

use super::Db;

/// The SMS outbox's rows by state.
pub async fn outbox_states(db: &Db) -> anyhow::Result<Vec<(String, i64)>> {
    with_pool!(db, pool => {
        sqlx::query_as("SELECT state, count(*) FROM sms_outbox GROUP BY state")
            .fetch_all(pool)
            .await
    })
    .context("counting the sms outbox by state")
}
