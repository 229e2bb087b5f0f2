//! The `records` section of the settings: where the durable records (the hall layout,
//! appointments, history and ratings) live. In a file: `kind: sqlite` with `path`
//! (the default, `data/records.sqlite`), or `kind: postgres` with `url` and
//! `max_connections` (default 10). A `url` without a `kind` means PostgreSQL. Beside them:
//! `layout_poll_ms` (default 2000), how often a replica looks for a new layout version, and
//! `id_hash_key`, the secret ID numbers are hashed under (required with PostgreSQL; the
//! embedded tier generates one and keeps it in its SQLite file). Environment:
//! `QUEUECALL_RECORDS__KIND`, `__PATH`, `__URL`, `__MAX_CONNECTIONS`, `__LAYOUT_POLL_MS`,
//! `__ID_HASH_KEY`. The URL's password and the key never appear in Debug output.

use std::fmt;
use std::ops::Deref;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::config::mask_url;

/// The default size of the PostgreSQL connection pool.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// How often a replica polls `layout_version` by default.
pub const DEFAULT_LAYOUT_POLL_MS: u64 = 2000;
/// The shortest `records.id_hash_key`.
pub const MIN_ID_HASH_KEY_CHARS: usize = 32;
/// The environment variable that sets `records.id_hash_key`.
pub const ID_HASH_KEY_ENV: &str = "QUEUECALL_RECORDS__ID_HASH_KEY";

/// The whole `records` section: the database ([`RecordsSettings`], which it dereferences
/// to), the layout polling period and the ID hash key.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawRecords")]
pub struct RecordsSection {
    pub database: RecordsSettings,
    /// How often the serving replicas look for a new `layout_version`.
    pub layout_poll: Duration,
    /// The secret the resident ID numbers are hashed under; `None` with SQLite means "the
    /// one generated and stored in the records file".
    pub id_hash_key: Option<IdHashKey>,
}

impl Default for RecordsSection {
    fn default() -> Self {
        Self {
            database: RecordsSettings::default(),
            layout_poll: Duration::from_millis(DEFAULT_LAYOUT_POLL_MS),
            id_hash_key: None,
        }
    }
}

impl Deref for RecordsSection {
    type Target = RecordsSettings;

    fn deref(&self) -> &RecordsSettings {
        &self.database
    }
}

impl PartialEq<RecordsSettings> for RecordsSection {
    fn eq(&self, other: &RecordsSettings) -> bool {
        &self.database == other
    }
}

impl fmt::Debug for RecordsSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordsSection")
            .field("database", &self.database)
            .field("layout_poll", &self.layout_poll)
            .field("id_hash_key", &self.id_hash_key)
            .finish()
    }
}

/// `records.id_hash_key`: at least [`MIN_ID_HASH_KEY_CHARS`] characters, whose UTF-8 bytes
/// key the HMAC. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct IdHashKey(String);

impl IdHashKey {
    pub fn new(key: String) -> Result<Self, String> {
        if key.chars().count() < MIN_ID_HASH_KEY_CHARS {
            return Err(format!(
                "records.id_hash_key ({ID_HASH_KEY_ENV}) must be at least \
                 {MIN_ID_HASH_KEY_CHARS} characters of a random secret"
            ));
        }
        Ok(Self(key))
    }

    /// The key material; for the hasher only.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for IdHashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdHashKey(****)")
    }
}

/// The records database.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawRecords")]
pub enum RecordsSettings {
    /// One SQLite file, for the embedded tier.
    Sqlite { path: PathBuf },
    /// A PostgreSQL database, for example `postgres://postgres@127.0.0.1:5432/queuecall`.
    Postgres { url: String, max_connections: u32 },
}

impl Default for RecordsSettings {
    fn default() -> Self {
        Self::Sqlite {
            path: PathBuf::from("data/records.sqlite"),
        }
    }
}

impl fmt::Debug for RecordsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
            Self::Postgres {
                url,
                max_connections,
            } => f
                .debug_struct("Postgres")
                .field("url", &mask_url(url))
                .field("max_connections", max_connections)
                .finish(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RecordsKind {
    Sqlite,
    Postgres,
}

/// The section as written: flat, so that layers (file, then environment) can switch the kind
/// without tripping over the other kind's keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecords {
    kind: Option<RecordsKind>,
    path: Option<PathBuf>,
    url: Option<String>,
    max_connections: Option<u32>,
    layout_poll_ms: Option<u64>,
    id_hash_key: Option<String>,
}

impl TryFrom<RawRecords> for RecordsSection {
    type Error = String;

    fn try_from(mut raw: RawRecords) -> Result<Self, String> {
        let layout_poll_ms = raw.layout_poll_ms.take().unwrap_or(DEFAULT_LAYOUT_POLL_MS);
        if layout_poll_ms == 0 {
            return Err("records.layout_poll_ms must be at least 1".to_owned());
        }
        let id_hash_key = raw.id_hash_key.take().map(IdHashKey::new).transpose()?;
        Ok(Self {
            database: RecordsSettings::try_from(raw)?,
            layout_poll: Duration::from_millis(layout_poll_ms),
            id_hash_key,
        })
    }
}

impl TryFrom<RawRecords> for RecordsSettings {
    type Error = String;

    fn try_from(raw: RawRecords) -> Result<Self, String> {
        let kind = raw.kind.unwrap_or(if raw.url.is_some() {
            RecordsKind::Postgres
        } else {
            RecordsKind::Sqlite
        });
        match kind {
            RecordsKind::Sqlite => Ok(raw
                .path
                .map_or_else(Self::default, |path| Self::Sqlite { path })),
            RecordsKind::Postgres => {
                let url = raw
                    .url
                    .ok_or("records.url is required when records.kind is postgres")?;
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(format!(
                        "records.url '{}' must start with postgres:// or postgresql://",
                        mask_url(&url)
                    ));
                }
                let max_connections = raw.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
                if max_connections == 0 {
                    return Err("records.max_connections must be at least 1".to_owned());
                }
                Ok(Self::Postgres {
                    url,
                    max_connections,
                })
            }
        }
    }
}

impl RecordsSettings {
    /// Where the records are, printable: the file, or the URL with its password masked.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("sqlite {}", path.display()),
            Self::Postgres { url, .. } => format!("postgres {}", mask_url(url)),
        }
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
