//! Appointments in the records database: [`book`] takes a seat in a slot and records the
//! appointment in one transaction, [`cancel`] gives the seat back, [`reschedule`] moves it,
//! [`mark_checked_in`] and [`sweep_no_shows`] end it, [`get`], [`list_for_person`] and
//! [`for_check_in`] read them, [`seats`] tells the booked seats of a range of dates.
//!
//! Booking never checks and then inserts: the seat is taken with
//! `UPDATE slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity` (no row: the slot
//! is full), backed by `CHECK (booked <= capacity)`, and the appointment is inserted in the
//! same transaction, so a failure anywhere gives the seat back. On PostgreSQL concurrent
//! bookings of one slot queue on its row lock; on SQLite each booking holds the write lock
//! from its first statement (`BEGIN IMMEDIATE`), waiting up to the busy timeout for it.
//!
//! Idempotency: `appointments.idempotency_key` is unique and each appointment keeps the
//! fingerprint of its request. A retry with the same key and the same request answers the
//! stored appointment (`replayed: true`), also when the two raced (the loser's insert fails
//! on the key, its transaction rolls back, and it reads the winner's appointment); the same
//! key with another request is ALREADY_EXISTS.
//!
//! What is stored of a person: the name in clear (the check-in desk compares it with the ID
//! card) and masked, the ID number only as its keyed hash and masked form, the phone's 11
//! digits, the credit code (public data). See migrations/*/0002_appointments.sql.
//!
//! Per-person limits ([`limits`]) are counted inside the booking (and rescheduling)
//! transaction, after the person's lock is taken: `pg_advisory_xact_lock(hashtext(id_hash))`
//! on PostgreSQL; on SQLite `BEGIN IMMEDIATE` already lets one writer in at a time. So two
//! concurrent bookings of one person cannot both pass a limit that allows only one.
//!
//! Every instant is judged against the `now` the caller passes in [`Rules`] (the service's
//! clock), never the database's.

mod book;
mod cancel;
mod check_in;
mod engine;
pub mod limits;
mod notice;
mod read;
mod reschedule;
mod row;
mod seat;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::booking::{SlotId, SlotInstance};
use crate::domain::identity::{CitizenName, CreditCode, IdHasher, ResidentId};
use crate::domain::{BranchId, Phone, ServiceId};
use crate::hall::BookingPolicy;

pub use book::{book, book_with_codes};
pub use cancel::cancel;
pub use check_in::{CheckInWindow, check_in_window, mark_checked_in, sweep_no_shows};
pub use notice::Notice;
pub use read::{CheckInKey, Seats, for_check_in, get, list_for_person, seats};
pub use reschedule::{Rescheduled, reschedule};
pub use row::random_code;

/// What every write is judged by: the service's policy, the instant of the request and the
/// branch's time zone (for local dates and the times in messages).
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub policy: BookingPolicy,
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl Rules {
    /// The local date of `now` in the branch.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// `at` as the branch's wall clock, `2026-11-27 08:00`.
    pub fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// What a booking asks for.
#[derive(Debug, Clone)]
pub struct BookRequest {
    pub branch: BranchId,
    pub service: ServiceId,
    /// The slot, as [`crate::booking::slots_for`] materialised it (its `bookable` judged at
    /// the time of the request).
    pub slot: SlotInstance,
    pub name: CitizenName,
    pub phone: Phone,
    pub resident_id: ResidentId,
    /// The key the ID number is hashed under (`records.id_hash_key`).
    pub hasher: IdHasher,
    pub credit_code: Option<CreditCode>,
    pub idempotency_key: String,
    pub rules: Rules,
    /// The SMS to leave in the outbox with the booking; none: no SMS.
    pub notice: Option<std::sync::Arc<Notice>>,
}

impl BookRequest {
    pub fn slot_id(&self) -> SlotId {
        self.slot.id(&self.branch, &self.service)
    }
}

/// The answer of [`book`]: the appointment, and whether it was booked by an earlier request
/// with the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub appointment: Appointment,
    pub replayed: bool,
}

/// A stored appointment. `Debug` shows the personal fields masked (their types mask
/// themselves; the ID number is only ever held masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: String,
    pub slot_id: SlotId,
    pub branch: BranchId,
    pub service: ServiceId,
    /// The six-digit check-in code, unique per branch and day.
    pub code: String,
    pub name: CitizenName,
    pub id_masked: String,
    pub phone: Phone,
    pub credit_code: Option<CreditCode>,
    pub state: AppointmentState,
    /// The ticket it became at check-in (`<branch>.<yyyymmdd>.<number>`).
    pub ticket_id: Option<String>,
    pub booked_at: DateTime<Utc>,
    /// When it was cancelled, checked in or marked a no-show.
    pub state_changed_at: Option<DateTime<Utc>>,
    /// The slot's instants, as stored when the slot was first booked.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The slot's seats, as stored.
    pub capacity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentState {
    Booked,
    Cancelled,
    CheckedIn,
    NoShow,
}

impl AppointmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "BOOKED",
            Self::Cancelled => "CANCELLED",
            Self::CheckedIn => "CHECKED_IN",
            Self::NoShow => "NO_SHOW",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "BOOKED" => Self::Booked,
            "CANCELLED" => Self::Cancelled,
            "CHECKED_IN" => Self::CheckedIn,
            "NO_SHOW" => Self::NoShow,
            _ => return None,
        })
    }
}

impl std::fmt::Display for AppointmentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
