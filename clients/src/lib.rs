//! Typed Rust client of the queuecall gRPC API.
//!
//! [`QueueClient`] wraps the generated `QueueService` client: one async method per RPC with
//! plain Rust arguments, answers as the proto messages of [`pb`], and failures as
//! [`ClientError`] (one variant per gRPC code that a caller handles). [`format`] renders
//! tickets, windows and a branch for people, as `queuecallctl` prints them.
//!
//! [`AppointmentClient`], [`AdminClient`] and [`HistoryClient`] do the same for booking and
//! check-in, the hall layout, and statistics and ratings.
//!
//! [`DisplayClient`] does the same for the DisplayService streams; [`follow_branch`] keeps a
//! branch's stream alive across restarts, and [`board::Board`] folds it into the hall board.

pub mod board;
mod client;
mod error;
pub mod format;

pub use client::{
    AdminClient, AppointmentClient, BoardItem, Booked, Booking, CheckInBy, CheckedIn,
    ConnectOptions, Connection, Credentials, DisplayClient, FollowItem, HistoryClient, Layout,
    QueueClient, RatingArgs, Rescheduled, Server, SlotQuery, Statistics, TakeTicket, Taken,
    backoff, follow_branch,
};
pub use error::ClientError;
/// The generated messages, enums and client of package `queuecall.v1`.
pub use queuecall_proto::v1 as pb;
