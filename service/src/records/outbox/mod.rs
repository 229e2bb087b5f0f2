//! The SMS outbox (issue 5): one row per reminder in `sms_outbox` (see
//! migrations/*/0006_sms_outbox.sql), written by [`enqueue_in`] inside the transaction of the
//! event that causes it and unique on (subject, kind), so a reminder can never be created twice.
//!
//! Workers ([`crate::sms::worker`]) [`claim`] due rows: on PostgreSQL
//! `SELECT … FOR UPDATE SKIP LOCKED LIMIT n` and the `UPDATE` that marks the attempt in one
//! statement (any number of replicas, no row claimed twice); on SQLite one `BEGIN IMMEDIATE`
//! transaction. The claim marks the attempt (attempts + 1, a lease in `claimed_until`) before
//! the provider is called; a worker that dies leaves a lease that expires, and the next claim
//! takes the row again and asks the provider first ([`Claimed::verify_since`]). The worker then
//! [`record_outcome`]s, fenced by the attempt number: a worker whose lease was taken over
//! records nothing. [`apply_status`] applies the provider's delivery statuses monotonically; one
//! that comes before the worker has recorded the send is held (`sms_status_early`,
//! migrations/*/0007_sms_status_early.sql) and applied by [`record_outcome`].
//!
//! Every instant is the caller's `now` (the service's clock), never the database's.

mod claim;
mod engine;
mod outcome;
mod status;
mod write;

use chrono::{DateTime, Utc};

use crate::domain::{BranchId, Phone};

pub use claim::{Claimed, claim, recent_sends};
pub use engine::OutboxConn;
pub use outcome::{Outcome, record_outcome};
pub use status::{StatusApplied, apply_status};
pub use write::{cancel, cancel_in, enqueue, enqueue_in};

/// What a reminder is about; with the subject (a ticket or appointment id) its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmsKind {
    TurnNear,
    Called,
    BookingConfirmed,
    AppointmentSoon,
    BookingCancelled,
}

impl SmsKind {
    pub const ALL: [Self; 5] = [
        Self::TurnNear,
        Self::Called,
        Self::BookingConfirmed,
        Self::AppointmentSoon,
        Self::BookingCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TurnNear => "turn_near",
            Self::Called => "called",
            Self::BookingConfirmed => "booking_confirmed",
            Self::AppointmentSoon => "appointment_soon",
            Self::BookingCancelled => "booking_cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Turn-near and called are urgent: sent in quiet hours too.
    pub fn urgent(self) -> bool {
        matches!(self, Self::TurnNear | Self::Called)
    }
}

impl std::fmt::Display for SmsKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reminder to enqueue.
#[derive(Debug, Clone)]
pub struct NewSms {
    /// The ticket id or appointment id it is about.
    pub subject: String,
    pub kind: SmsKind,
    pub branch: BranchId,
    pub phone: Phone,
    pub body: String,
    /// Sent in quiet hours too (usually `kind.urgent()`).
    pub urgent: bool,
    /// Not sent before this instant (the scheduled send; `now` for at once).
    pub not_before: DateTime<Utc>,
}
