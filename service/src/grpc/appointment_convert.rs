//! AppointmentService requests become domain values, and appointments and slots become wire
//! messages, here. Personal data leaves only masked.

use chrono::NaiveDate;
use chrono_tz::Tz;
use queuecall_proto::v1 as pb;

use super::convert::timestamp;
use super::parse;
use crate::appointments::{BookInput, CheckInBy, SlotView};
use crate::booking::{MAX_RANGE_DAYS, SlotId};
use crate::domain::identity::{CitizenName, CreditCode, ResidentId};
use crate::domain::{BranchId, DateRange, Phone};
use crate::error::{QueueError, QueueResult};
use crate::records::appointments::{Appointment, AppointmentState};

/// Longest appointment id accepted (ids are 32 hex characters).
const MAX_APPOINTMENT_ID: usize = 64;

pub fn appointment_id(value: &str) -> QueueResult<String> {
    let ok = !value.is_empty()
        && value.len() <= MAX_APPOINTMENT_ID
        && value.bytes().all(|b| b.is_ascii_alphanumeric());
    if !ok {
        return Err(QueueError::invalid(
            "appointment_id",
            format!("must be 1 to {MAX_APPOINTMENT_ID} letters and digits"),
        ));
    }
    Ok(value.to_owned())
}

/// ListAvailableSlots: branch, service and the local date range (`to_date` empty: one day).
pub fn list_slots(
    req: &pb::ListAvailableSlotsRequest,
) -> QueueResult<(BranchId, crate::domain::ServiceId, NaiveDate, NaiveDate)> {
    let DateRange { from, to } = DateRange::parse(&req.from_date, &req.to_date, MAX_RANGE_DAYS)?;
    Ok((
        parse::branch(&req.branch_id)?,
        parse::service("service_id", &req.service_id)?,
        from,
        to,
    ))
}

pub fn book(req: &pb::BookAppointmentRequest) -> QueueResult<BookInput> {
    let idempotency_key = parse::idempotency_key(&req.idempotency_key)?
        .ok_or_else(|| QueueError::invalid("idempotency_key", "must not be empty"))?;
    Ok(BookInput {
        slot: SlotId::parse("slot_id", &req.slot_id)?,
        name: CitizenName::parse("name", &req.name)?,
        phone: Phone::parse("phone", &req.phone)?,
        resident_id: ResidentId::parse("id_number", &req.id_number)?,
        credit_code: if req.credit_code.is_empty() {
            None
        } else {
            Some(CreditCode::parse("credit_code", &req.credit_code)?)
        },
        idempotency_key,
    })
}

pub fn check_in(req: &pb::CheckInRequest) -> QueueResult<(BranchId, CheckInBy)> {
    let branch = parse::branch(&req.branch_id)?;
    let by = match &req.by {
        Some(pb::check_in_request::By::CheckInCode(code)) => {
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(QueueError::invalid("check_in_code", "must be six digits"));
            }
            CheckInBy::Code(code.clone())
        }
        Some(pb::check_in_request::By::IdNumber(id)) => {
            CheckInBy::Person(ResidentId::parse("id_number", id)?)
        }
        None => {
            return Err(QueueError::invalid("by", "give check_in_code or id_number"));
        }
    };
    Ok((branch, by))
}

pub fn slot(view: &SlotView) -> pb::Slot {
    let s = &view.slot;
    pb::Slot {
        id: view.id.to_string(),
        branch_id: view.id.branch().to_string(),
        service_id: view.id.service().to_string(),
        date: s.local_date.format("%Y-%m-%d").to_string(),
        start_time: s.local_start.format("%H:%M").to_string(),
        end_time: s.local_end.format("%H:%M").to_string(),
        starts_at: Some(timestamp(s.start)),
        ends_at: Some(timestamp(s.end)),
        capacity: view.capacity,
        remaining: view.remaining,
        bookable: s.bookable,
    }
}

pub fn state(state: AppointmentState) -> pb::AppointmentState {
    match state {
        AppointmentState::Booked => pb::AppointmentState::Booked,
        AppointmentState::Cancelled => pb::AppointmentState::Cancelled,
        AppointmentState::CheckedIn => pb::AppointmentState::CheckedIn,
        AppointmentState::NoShow => pb::AppointmentState::NoShow,
    }
}

/// An appointment with its slot in the branch's zone `tz`; name, ID number and phone masked.
pub fn appointment(a: &Appointment, tz: Tz) -> pb::Appointment {
    let id = &a.slot_id;
    pb::Appointment {
        id: a.id.clone(),
        slot: Some(pb::Slot {
            id: id.to_string(),
            branch_id: id.branch().to_string(),
            service_id: id.service().to_string(),
            date: id.date().format("%Y-%m-%d").to_string(),
            start_time: id.start().format("%H:%M").to_string(),
            end_time: a.ends_at.with_timezone(&tz).format("%H:%M").to_string(),
            starts_at: Some(timestamp(a.starts_at)),
            ends_at: Some(timestamp(a.ends_at)),
            capacity: a.capacity,
            remaining: 0,
            bookable: false,
        }),
        check_in_code: a.code.clone(),
        masked_name: a.name.masked(),
        masked_id_number: a.id_masked.clone(),
        masked_phone: a.phone.masked(),
        credit_code: a
            .credit_code
            .as_ref()
            .map_or_else(String::new, |c| c.as_str().to_owned()),
        state: state(a.state).into(),
        ticket_id: a.ticket_id.clone().unwrap_or_default(),
        booked_at: Some(timestamp(a.booked_at)),
        state_changed_at: a.state_changed_at.map(timestamp),
    }
}
