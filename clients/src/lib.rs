//! Typed Rust client of the queuecall gRPC API.
//!
//! [`QueueClient`] wraps the generated `QueueService` client: one async method per RPC with
//! plain Rust arguments, answers as the proto messages of [`pb`], and failures as
//! [`ClientError`] (one variant per gRPC code that a caller handles). [`format`] renders
//! tickets, windows and a branch for people, as `queuecallctl` prints them.

mod client;
mod error;
pub mod format;

pub use client::{ConnectOptions, QueueClient, TakeTicket, Taken};
pub use error::ClientError;
/// The generated messages, enums and client of package `queuecall.v1`.
pub use queuecall_proto::v1 as pb;
