//! The `records` section of the settings: where the durable records (the hall layout now;
//! appointments, history and ratings later) live. In a file: `kind: sqlite` with `path`
//! (the default, `data/records.sqlite`), or `kind: postgres` with `url` and
//! `max_connections` (default 10). A `url` without a `kind` means PostgreSQL. Environment:
//! `QUEUECALL_RECORDS__KIND`, `__PATH`, `__URL`, `__MAX_CONNECTIONS`. The URL's password is
//! masked in Debug output.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::config::mask_url;

/// The default size of the PostgreSQL connection pool.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

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
