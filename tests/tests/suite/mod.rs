//! The store conformance suite. Every test takes the store to run against and is expanded
//! once per store by `conformance_suite!` in `tests/conformance.rs`; a test written here but
//! not listed there is dead code, which `cargo clippy -D warnings` refuses.

pub mod concurrency;
pub mod day_end;
pub mod history;
pub mod illegal;
pub mod inputs;
pub mod lifecycle;
pub mod reminders;
pub mod routing;
pub mod taking;
pub mod waits;
pub mod windows;
