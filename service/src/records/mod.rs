//! The durable records (issue 4): the hall layout now; appointments, history, statistics and
//! ratings to come. One database behind [`Db`], PostgreSQL or SQLite (the embedded tier),
//! with the schema in `migrations/postgres` and `migrations/sqlite` (the same tables, keys
//! and checks on both), embedded in the binary and applied by `queuecall migrate`.
//!
//! [`Db`] is an enum over the two pools rather than a trait with two implementations: the
//! SQL is written once with `$1`-style parameters, which both engines accept, and
//! [`with_pool!`] runs the same code on either pool, type-checked per engine. The serving
//! path does not use the records database yet.

/// Runs `$body` with `$pool` bound to the pool of whichever engine `$db` is; the body is
/// compiled once per engine. Defined before the submodules so that they can use it.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::records::Db::Postgres($pool) => $body,
            $crate::records::Db::Sqlite($pool) => $body,
        }
    };
}

pub mod appointments;
mod db;
pub mod gauges;
pub mod history;
pub mod layout;
pub mod outbox;
mod settings;
pub mod settings_table;

pub use db::{Db, db_error};
pub use settings::{
    DEFAULT_LAYOUT_POLL_MS, DEFAULT_MAX_CONNECTIONS, ID_HASH_KEY_ENV, IdHashKey, RecordsSection,
    RecordsSettings,
};
