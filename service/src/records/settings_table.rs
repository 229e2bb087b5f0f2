//! `records_settings`: named values the service keeps in its records database for itself
//! (the hash of the hall file last applied at start-up; the embedded tier's generated ID hash
//! key). Never configuration a person sets: that is `config`.

use anyhow::Context;

use super::Db;

/// The stored value of `name`, if any.
pub async fn get(db: &Db, name: &str) -> anyhow::Result<Option<String>> {
    let row: Option<(String,)> = with_pool!(db, pool => {
        sqlx::query_as("SELECT value FROM records_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await
    })
    .with_context(|| format!("reading records setting {name}"))?;
    Ok(row.map(|(value,)| value))
}

/// The stored value of `name`; when there is none, stores `candidate` and returns it. Two
/// callers racing get the same value.
pub async fn get_or_insert(db: &Db, name: &str, candidate: &str) -> anyhow::Result<String> {
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO records_settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(pool)
        .await
        .map(drop)
    })
    .with_context(|| format!("storing records setting {name}"))?;
    get(db, name)
        .await?
        .with_context(|| format!("records setting {name} vanished"))
}
