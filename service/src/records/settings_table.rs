//! `records_settings`: named values the service keeps in its records database for itself
//! (the hash of the hall file last applied at start-up; the embedded tier's generated ID hash
//! key and its demo access tokens). Never configuration a person sets: that is `config`.

use anyhow::Context;

use super::{Db, ID_HASH_KEY_ENV, RecordsSection};
use crate::domain::identity::IdHasher;

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

/// Stores `value` under `name`, replacing what was there.
pub async fn put(db: &Db, name: &str, value: &str) -> anyhow::Result<()> {
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO records_settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(pool)
        .await
        .map(drop)
    })
    .with_context(|| format!("storing records setting {name}"))
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

/// The hasher of resident ID numbers: under `records.id_hash_key` when configured (required
/// with PostgreSQL, where several replicas must agree on it); else, on SQLite, under a key
/// generated once and kept in the records file (`id_hash_key` here).
pub async fn id_hasher(settings: &RecordsSection, records: &Db) -> anyhow::Result<IdHasher> {
    if let Some(key) = &settings.id_hash_key {
        return Ok(IdHasher::new(key.expose()));
    }
    match records {
        Db::Postgres(_) => anyhow::bail!(
            "records.id_hash_key is required when records.kind is postgres: set {ID_HASH_KEY_ENV} \
             (or records.id_hash_key in the configuration file) to a random secret of at least \
             32 characters, the same on every replica, and keep it: ID numbers stored under \
             one key are not found under another"
        ),
        Db::Sqlite(_) => {
            let candidate: String = rand::random::<[u8; 32]>()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            let key = get_or_insert(records, "id_hash_key", &candidate).await?;
            Ok(IdHasher::new(key.as_bytes()))
        }
    }
}
