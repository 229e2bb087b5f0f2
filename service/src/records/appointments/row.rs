//! Reading appointments back, the request fingerprint, and fresh ids and check-in codes.

use anyhow::{Context, anyhow};
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::engine::{Engine, from_epoch};
use super::{Appointment, AppointmentState, BookRequest};
use crate::booking::SlotId;
use crate::domain::identity::{CitizenName, CreditCode};
use crate::domain::{BranchId, Phone, ServiceId};

/// `SELECT <the columns [`Row`] reads> FROM appointments a JOIN slots s`, for `pool`'s
/// engine; add a `WHERE` on `a.` / `s.` columns.
pub(super) fn select(pool: &impl Engine) -> String {
    format!(
        "SELECT a.id, a.slot_id, a.branch_id, a.service_id, a.code, a.name, a.id_masked, \
         a.phone, a.credit_code, a.state, a.request_fingerprint, a.ticket_id, \
         {} AS booked_at, {} AS state_changed_at, {} AS starts_at, {} AS ends_at, s.capacity \
         FROM appointments a JOIN slots s ON s.id = a.slot_id",
        pool.epoch("a.created_at"),
        pool.epoch("a.state_changed_at"),
        pool.epoch("s.starts_at"),
        pool.epoch("s.ends_at"),
    )
}

/// One appointment as [`select`] reads it.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct Row {
    id: String,
    slot_id: String,
    branch_id: String,
    service_id: String,
    code: String,
    name: String,
    id_masked: String,
    phone: String,
    credit_code: Option<String>,
    state: String,
    request_fingerprint: String,
    ticket_id: Option<String>,
    booked_at: i64,
    state_changed_at: Option<i64>,
    starts_at: i64,
    ends_at: i64,
    capacity: i64,
}

/// The appointment of a row, and the fingerprint of the request that booked it.
pub(super) fn decode(row: Row) -> anyhow::Result<(Appointment, String)> {
    let Row {
        id,
        slot_id,
        branch_id,
        service_id,
        code,
        name,
        id_masked,
        phone,
        credit_code,
        state,
        request_fingerprint,
        ticket_id,
        booked_at,
        state_changed_at,
        starts_at,
        ends_at,
        capacity,
    } = row;
    let context = || format!("appointment {id} as stored");
    let appointment = Appointment {
        slot_id: SlotId::parse("slot_id", &slot_id).with_context(context)?,
        branch: BranchId::parse("branch_id", &branch_id).with_context(context)?,
        service: ServiceId::parse("service_id", &service_id).with_context(context)?,
        code,
        name: CitizenName::parse("name", &name).with_context(context)?,
        id_masked,
        phone: Phone::parse("phone", &phone).with_context(context)?,
        credit_code: credit_code
            .map(|c| CreditCode::parse("credit_code", &c))
            .transpose()
            .with_context(context)?,
        state: AppointmentState::parse(&state)
            .ok_or_else(|| anyhow!("unknown state '{state}'"))
            .with_context(context)?,
        ticket_id,
        booked_at: from_epoch(booked_at).with_context(context)?,
        state_changed_at: state_changed_at
            .map(from_epoch)
            .transpose()
            .with_context(context)?,
        starts_at: from_epoch(starts_at).with_context(context)?,
        ends_at: from_epoch(ends_at).with_context(context)?,
        capacity: u32::try_from(capacity).with_context(context)?,
        id,
    };
    Ok((appointment, request_fingerprint))
}

/// SHA-256 (hex) of everything the request asks for, the ID number by its hash: two
/// requests with one idempotency key are the same request when their fingerprints are equal.
pub(super) fn fingerprint(req: &BookRequest, id_hash: &str) -> String {
    let fields = [
        req.slot_id().to_string(),
        req.name.as_str().to_owned(),
        req.phone.digits().to_owned(),
        id_hash.to_owned(),
        req.credit_code
            .as_ref()
            .map_or_else(String::new, |c| c.as_str().to_owned()),
    ];
    let mut hasher = Sha256::new();
    for field in &fields {
        // Length-prefixed, so that no two different field lists hash the same bytes.
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh appointment id: 32 hex characters (128 random bits).
pub(super) fn new_id() -> String {
    let mut rng = rand::rng();
    format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>())
}

/// A random six-digit check-in code, `000000`–`999999`, from the thread's CSPRNG.
pub fn random_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::BTreeSet<String> =
            (0..50).map(|_| super::random_code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.len() > 40, "{codes:?}");
    }

    #[test]
    fn ids_are_32_hex_characters() {
        let id = super::new_id();
        assert_eq!(id.len(), 32);
        assert_ne!(id, super::new_id());
    }
}
