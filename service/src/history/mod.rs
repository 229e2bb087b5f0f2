//! History, statistics and ratings (issue 4).
//!
//! Every step of the live queue that ends a leg of a ticket (done, no-show, cancelled,
//! expired, or transferred out of a service) appends a history entry to the branch's buffer
//! in the live store, in the same atomic step (`store/mod.rs`, "History buffer"). The
//! [`Recorder`] drains the buffers into the records database (`records::history`), so nothing
//! is lost while that database is down. [`History`] answers the statistics (`figures` holds
//! their definitions) and takes the citizen's rating of a served ticket (`rating`).

pub mod figures;
pub mod rating;
mod recorder;
mod service;

pub use figures::{Accumulator, Figures, Group, Statistics};
pub use rating::{MAX_COMMENT_CHARS, Rating, Scores, parse_comment};
pub use recorder::{DrainError, RECORD_EVERY, Recorder};
pub use service::{History, MAX_RANGE_DAYS};
