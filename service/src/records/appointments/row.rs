//! Reading appointments back, the request fingerprint, and fresh ids and check-in codes.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow};
use sha2::{Digest, Sha256};

use super::{Appointment, AppointmentState, BookRequest};
use crate::booking::SlotId;
use crate::domain::identity::{CitizenName, CreditCode};
use crate::domain::{BranchId, Phone, ServiceId};

/// The columns [`decode`] reads, in its order.
pub(super) const COLUMNS: &str = "id, slot_id, branch_id, service_id, code, name, id_masked, \
     phone, credit_code, state, request_fingerprint";

pub(super) type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

/// The appointment of a row, and the fingerprint of the request that booked it.
pub(super) fn decode(row: Row) -> anyhow::Result<(Appointment, String)> {
    let (id, slot_id, branch, service, code, name, id_masked, phone, credit, state, print) = row;
    let context = || format!("appointment {id} as stored");
    let appointment = Appointment {
        slot_id: SlotId::parse("slot_id", &slot_id).with_context(context)?,
        branch: BranchId::parse("branch_id", &branch).with_context(context)?,
        service: ServiceId::parse("service_id", &service).with_context(context)?,
        code,
        name: CitizenName::parse("name", &name).with_context(context)?,
        id_masked,
        phone: Phone::parse("phone", &phone).with_context(context)?,
        credit_code: credit
            .map(|c| CreditCode::parse("credit_code", &c))
            .transpose()
            .with_context(context)?,
        state: AppointmentState::parse(&state)
            .ok_or_else(|| anyhow!("unknown state '{state}'"))
            .with_context(context)?,
        id,
    };
    Ok((appointment, print))
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

/// 64 unpredictable bits: std's `RandomState` is keyed from the operating system's random
/// source, mixed here with the time and a counter.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

/// A fresh appointment id: 32 hex characters.
pub(super) fn new_id() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

/// A random six-digit check-in code, `000000`–`999999`.
pub fn random_code() -> String {
    format!("{:06}", random_u64() % 1_000_000)
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
