//! `AppointmentClient`: one typed method per AppointmentService RPC.

use super::unary_client;
use crate::error::ClientError;
use crate::pb;
use crate::pb::appointment_service_client::AppointmentServiceClient;

unary_client!(
    /// A connection to the AppointmentService of one queuecall service: slots, booking,
    /// cancelling, rescheduling and check-in. Cheap to clone: clones share the HTTP/2 channel.
    AppointmentClient,
    AppointmentServiceClient
);

/// The arguments of ListAvailableSlots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotQuery {
    pub branch: String,
    pub service: String,
    /// Local dates, `YYYY-MM-DD`, inclusive; an empty `to` means `from`.
    pub from: String,
    pub to: String,
    /// Also full and no longer bookable slots (a clerk's view).
    pub include_unavailable: bool,
}

/// The arguments of BookAppointment. The personal data goes to the service in clear and only
/// ever comes back masked.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Booking {
    /// `<branch>.<service>.<yyyymmdd>.<HHMM>`.
    pub slot_id: String,
    /// As on the ID card.
    pub name: String,
    /// Mainland mobile number.
    pub phone: String,
    /// Resident ID number (18 characters).
    pub id_number: String,
    /// Unified social credit code, when booking for a company.
    pub credit_code: Option<String>,
    /// A retry with the same key returns the same appointment ([`Booked::replayed`]).
    pub idempotency_key: String,
}

/// Never prints the clear name, phone or ID number.
impl std::fmt::Debug for Booking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Booking")
            .field("slot_id", &self.slot_id)
            .field("credit_code", &self.credit_code)
            .field("idempotency_key", &self.idempotency_key)
            .finish_non_exhaustive()
    }
}

/// The answer of BookAppointment.
#[derive(Debug, Clone, PartialEq)]
pub struct Booked {
    pub appointment: pb::Appointment,
    /// True when the idempotency key had already booked this appointment.
    pub replayed: bool,
}

/// The answer of RescheduleAppointment.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescheduled {
    pub appointment: pb::Appointment,
    /// True when the appointment already was in the new slot (a retried reschedule).
    pub replayed: bool,
}

/// How a citizen is found at check-in.
#[derive(Clone, PartialEq, Eq)]
pub enum CheckInBy {
    /// The six-digit code of a booking of today.
    Code(String),
    /// The resident ID number (the ID card on the kiosk's reader).
    IdNumber(String),
}

/// Never prints the clear ID number.
impl std::fmt::Debug for CheckInBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Code(code) => f.debug_tuple("Code").field(code).finish(),
            Self::IdNumber(_) => f.write_str("IdNumber(..)"),
        }
    }
}

/// The answer of CheckIn.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedIn {
    pub appointment: pb::Appointment,
    pub ticket: pb::Ticket,
    /// The citizen came after the check-in window: the ticket is an ordinary one.
    pub late: bool,
    /// What the kiosk shows (「预约签到成功，请等候叫号」, or why the ticket is ordinary).
    pub message: String,
    /// The appointment had already been checked in: the same ticket again.
    pub replayed: bool,
}

impl AppointmentClient {
    /// The slots of a service on a range of dates, in time order.
    pub async fn list_slots(&mut self, query: SlotQuery) -> Result<Vec<pb::Slot>, ClientError> {
        let message = pb::ListAvailableSlotsRequest {
            branch_id: query.branch,
            service_id: query.service,
            from_date: query.from,
            to_date: query.to,
            include_unavailable: query.include_unavailable,
        };
        let answer = self
            .inner
            .list_available_slots(self.request(message))
            .await?;
        Ok(answer.into_inner().slots)
    }

    pub async fn book(&mut self, booking: Booking) -> Result<Booked, ClientError> {
        let message = pb::BookAppointmentRequest {
            slot_id: booking.slot_id,
            name: booking.name,
            phone: booking.phone,
            id_number: booking.id_number,
            credit_code: booking.credit_code.unwrap_or_default(),
            idempotency_key: booking.idempotency_key,
        };
        let answer = self.inner.book_appointment(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(Booked {
            appointment: appointment(answer.appointment)?,
            replayed: answer.replayed,
        })
    }

    pub async fn get(&mut self, appointment_id: &str) -> Result<pb::Appointment, ClientError> {
        let message = pb::GetAppointmentRequest {
            appointment_id: appointment_id.to_owned(),
        };
        let answer = self.inner.get_appointment(self.request(message)).await?;
        appointment(answer.into_inner().appointment)
    }

    /// The appointments of one person, newest slot first; `branch` `None` means every branch.
    pub async fn list(
        &mut self,
        id_number: &str,
        branch: Option<&str>,
    ) -> Result<Vec<pb::Appointment>, ClientError> {
        let message = pb::ListAppointmentsRequest {
            id_number: id_number.to_owned(),
            branch_id: branch.unwrap_or_default().to_owned(),
        };
        let answer = self.inner.list_appointments(self.request(message)).await?;
        Ok(answer.into_inner().appointments)
    }

    /// Cancels a booked appointment and frees its seat.
    pub async fn cancel(&mut self, appointment_id: &str) -> Result<pb::Appointment, ClientError> {
        let message = pb::CancelAppointmentRequest {
            appointment_id: appointment_id.to_owned(),
        };
        let answer = self.inner.cancel_appointment(self.request(message)).await?;
        appointment(answer.into_inner().appointment)
    }

    /// Moves a booked appointment to another slot of its service (the new seat is held before
    /// the old one is freed).
    pub async fn reschedule(
        &mut self,
        appointment_id: &str,
        new_slot_id: &str,
    ) -> Result<Rescheduled, ClientError> {
        let message = pb::RescheduleAppointmentRequest {
            appointment_id: appointment_id.to_owned(),
            new_slot_id: new_slot_id.to_owned(),
        };
        let answer = self
            .inner
            .reschedule_appointment(self.request(message))
            .await?;
        let answer = answer.into_inner();
        Ok(Rescheduled {
            appointment: appointment(answer.appointment)?,
            replayed: answer.replayed,
        })
    }

    /// Checks a citizen in at `branch`: a ticket with appointment priority (or an ordinary
    /// one when late).
    pub async fn check_in(
        &mut self,
        branch: &str,
        by: CheckInBy,
    ) -> Result<CheckedIn, ClientError> {
        let by = match by {
            CheckInBy::Code(code) => pb::check_in_request::By::CheckInCode(code),
            CheckInBy::IdNumber(id) => pb::check_in_request::By::IdNumber(id),
        };
        let message = pb::CheckInRequest {
            branch_id: branch.to_owned(),
            by: Some(by),
        };
        let answer = self.inner.check_in(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(CheckedIn {
            appointment: appointment(answer.appointment)?,
            ticket: answer
                .ticket
                .ok_or_else(|| ClientError::missing("ticket"))?,
            late: answer.late,
            message: answer.message,
            replayed: answer.replayed,
        })
    }
}

fn appointment(appointment: Option<pb::Appointment>) -> Result<pb::Appointment, ClientError> {
    appointment.ok_or_else(|| ClientError::missing("appointment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_personal_data() {
        let booking = Booking {
            slot_id: "b.s.20261130.0930".to_owned(),
            name: "张三".to_owned(),
            phone: "13812341234".to_owned(),
            id_number: "11010519491231002X".to_owned(),
            credit_code: None,
            idempotency_key: "k-1".to_owned(),
        };
        let text = format!("{booking:?}");
        assert!(
            text.contains("b.s.20261130.0930") && text.contains("k-1"),
            "{text}"
        );
        for secret in ["张三", "13812341234", "11010519491231002X"] {
            assert!(!text.contains(secret), "{text}");
        }
        let by = CheckInBy::IdNumber("11010519491231002X".to_owned());
        assert_eq!(format!("{by:?}"), "IdNumber(..)");
        let by = CheckInBy::Code("123456".to_owned());
        assert_eq!(format!("{by:?}"), r#"Code("123456")"#);
    }
}
