//! History and ratings in the records database (migration 0005): `ticket_history`, one row
//! per leg of a ticket written from the live stores' history buffer, and `ratings`, one per
//! served ticket. The same SQL runs on both engines (`engine` holds where they differ); the
//! statistics are computed from the rows in Rust (`crate::history::figures`), so both engines
//! give the same figures to the last digit.

mod engine;
mod entries;
mod ratings;

use chrono::{DateTime, SecondsFormat, Utc};

pub use entries::{entries_between, for_each_between, legs_of, record};
pub use ratings::{rate, rating_of, ratings_between};

/// Kept here for the history callers; defined once in `records`.
pub use super::db_error;

/// An instant as the records keep it in text: RFC 3339 UTC with microseconds.
fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_instant(text: &str) -> anyhow::Result<DateTime<Utc>> {
    use anyhow::Context;
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("bad instant '{text}' in the records"))?
        .with_timezone(&Utc))
}
