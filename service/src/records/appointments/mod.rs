//! Appointments in the records database: [`book`] takes a seat in a slot and records the
//! appointment in one transaction, [`cancel`] gives the seat back, [`get`] reads one.
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

mod book;
mod cancel;
mod engine;
mod row;

use crate::booking::{SlotId, SlotInstance};
use crate::domain::identity::{CitizenName, CreditCode, IdHasher, ResidentId};
use crate::domain::{BranchId, Phone, ServiceId};

pub use book::{book, book_with_codes};
pub use cancel::{cancel, get};
pub use row::random_code;

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
