//! `queuecall.v1.AppointmentService` over [`Appointments`]: each RPC parses its request
//! (`appointment_convert`), calls the domain service and converts the answer. Errors travel
//! as `QueueError` and become a status in `status`. Logs name slots and appointments, never
//! a person.

use std::sync::Arc;

use queuecall_proto::v1 as pb;
use queuecall_proto::v1::appointment_service_server::AppointmentService;
use tonic::{Request, Response, Status};

use super::appointment_convert as convert;
use super::convert::ticket_info;
use super::{parse, status};
use crate::appointments::Appointments;
use crate::auth::{self, Scope};
use crate::booking::SlotId;
use crate::clock::Clock;
use crate::records::appointments::Appointment;
use crate::throttle::{Limit, Throttle};

type Answer<T> = Result<Response<T>, Status>;

/// The gRPC face of appointments.
#[derive(Clone)]
pub struct AppointmentApi {
    appointments: Arc<Appointments>,
    throttle: Arc<Throttle>,
    clock: Arc<dyn Clock>,
}

impl AppointmentApi {
    pub fn new(
        appointments: Arc<Appointments>,
        throttle: Arc<Throttle>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            appointments,
            throttle,
            clock,
        }
    }

    fn wire(&self, appointment: &Appointment) -> pb::Appointment {
        convert::appointment(appointment, self.appointments.zone(&appointment.branch))
    }
}

#[tonic::async_trait]
impl AppointmentService for AppointmentApi {
    #[tracing::instrument(skip_all, fields(rpc = "ListAvailableSlots", branch = %request.get_ref().branch_id, service = %request.get_ref().service_id))]
    async fn list_available_slots(
        &self,
        request: Request<pb::ListAvailableSlotsRequest>,
    ) -> Answer<pb::ListAvailableSlotsResponse> {
        let req = request.get_ref();
        let (branch, service, from, to) = convert::list_slots(req)?;
        auth::require(&request, Scope::Branch(&branch))?;
        let slots = self
            .appointments
            .list_slots(&branch, &service, from, to, req.include_unavailable)
            .await?;
        Ok(Response::new(pb::ListAvailableSlotsResponse {
            slots: slots.iter().map(convert::slot).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "BookAppointment", slot = %request.get_ref().slot_id))]
    async fn book_appointment(
        &self,
        request: Request<pb::BookAppointmentRequest>,
    ) -> Answer<pb::BookAppointmentResponse> {
        let input = convert::book(request.get_ref())?;
        let now = self.clock.now();
        let person = self.throttle.person(&input.resident_id);
        self.throttle
            .check(Limit::BookPerPerson, &person, now)
            .await
            .map_err(status::throttled)?;
        if let Some(client) = auth::client_key(&request) {
            self.throttle
                .check(Limit::BookPerClient, &client, now)
                .await
                .map_err(status::throttled)?;
        }
        let booked = self.appointments.book(input).await?;
        Ok(Response::new(pb::BookAppointmentResponse {
            appointment: Some(self.wire(&booked.appointment)),
            replayed: booked.replayed,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CancelAppointment", appointment = %request.get_ref().appointment_id))]
    async fn cancel_appointment(
        &self,
        request: Request<pb::CancelAppointmentRequest>,
    ) -> Answer<pb::CancelAppointmentResponse> {
        let id = convert::appointment_id(&request.get_ref().appointment_id)?;
        let appointment = self.appointments.cancel(&id).await?;
        Ok(Response::new(pb::CancelAppointmentResponse {
            appointment: Some(self.wire(&appointment)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "RescheduleAppointment", appointment = %request.get_ref().appointment_id, slot = %request.get_ref().new_slot_id))]
    async fn reschedule_appointment(
        &self,
        request: Request<pb::RescheduleAppointmentRequest>,
    ) -> Answer<pb::RescheduleAppointmentResponse> {
        let req = request.get_ref();
        let id = convert::appointment_id(&req.appointment_id)?;
        let slot = SlotId::parse("new_slot_id", &req.new_slot_id)?;
        let moved = self.appointments.reschedule(&id, &slot).await?;
        Ok(Response::new(pb::RescheduleAppointmentResponse {
            appointment: Some(self.wire(&moved.appointment)),
            replayed: moved.replayed,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetAppointment", appointment = %request.get_ref().appointment_id))]
    async fn get_appointment(
        &self,
        request: Request<pb::GetAppointmentRequest>,
    ) -> Answer<pb::GetAppointmentResponse> {
        let id = convert::appointment_id(&request.get_ref().appointment_id)?;
        let appointment = self.appointments.get(&id).await?;
        Ok(Response::new(pb::GetAppointmentResponse {
            appointment: Some(self.wire(&appointment)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListAppointments", branch = %request.get_ref().branch_id))]
    async fn list_appointments(
        &self,
        request: Request<pb::ListAppointmentsRequest>,
    ) -> Answer<pb::ListAppointmentsResponse> {
        let req = request.get_ref();
        let person = crate::domain::identity::ResidentId::parse("id_number", &req.id_number)?;
        let branch = parse::optional_branch(&req.branch_id)?;
        let found = self
            .appointments
            .list_for_person(&person, branch.as_ref())
            .await?;
        Ok(Response::new(pb::ListAppointmentsResponse {
            appointments: found.iter().map(|a| self.wire(a)).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CheckIn", branch = %request.get_ref().branch_id))]
    async fn check_in(&self, request: Request<pb::CheckInRequest>) -> Answer<pb::CheckInResponse> {
        let (branch, by) = convert::check_in(request.get_ref())?;
        auth::require(&request, Scope::Branch(&branch))?;
        let done = self.appointments.check_in(&branch, by).await?;
        Ok(Response::new(pb::CheckInResponse {
            appointment: Some(self.wire(&done.appointment)),
            ticket: Some(ticket_info(&done.ticket)),
            late: done.late,
            message: done.message,
            replayed: done.replayed,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::convert;
    use crate::grpc::parse;

    #[test]
    fn malformed_fields_are_named() {
        let bad_date = parse::date("from_date", "2026-1-1").expect_err("short date");
        assert!(bad_date.to_string().starts_with("from_date:"), "{bad_date}");
        let bad_id = convert::appointment_id("a b").expect_err("space");
        assert!(
            bad_id.to_string().starts_with("appointment_id:"),
            "{bad_id}"
        );
        assert!(parse::idempotency_key("has space").is_err());
        let range = |from: &str, to: &str| {
            convert::list_slots(&queuecall_proto::v1::ListAvailableSlotsRequest {
                branch_id: "b".into(),
                service_id: "s".into(),
                from_date: from.into(),
                to_date: to.into(),
                include_unavailable: false,
            })
        };
        assert!(range("2026-12-01", "").is_ok());
        assert!(range("2026-12-01", "2027-01-31").is_ok(), "62 days");
        for (from, to) in [("2026-12-01", "2026-11-30"), ("2026-12-01", "2027-02-01")] {
            let err = range(from, to).expect_err("a bad range");
            assert!(err.to_string().starts_with("to_date:"), "{err}");
        }
    }
}
