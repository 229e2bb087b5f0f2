//! Scripted AppointmentService, AdminService and HistoryService beside the fake QueueService,
//! recording every request in the same [`Fake::requests`].
//!
//! Script: slots of any service on `from_date`, 09:00–09:30 with 5 of 5 seats and (only with
//! `include_unavailable`) 09:30–10:00, full; service `nothing` has none. A slot id ending in
//! `full` → FAILED_PRECONDITION; the key `again` is a replay; appointment `apt-404` →
//! NOT_FOUND. GetLayout: branch district-centre with services tax (bookable) and permits, and
//! window 2. RateService of a ticket ending in `A002` → ALREADY_EXISTS.

use std::net::SocketAddr;

use queuecall_client::pb;
use queuecall_client::pb::admin_service_server::{AdminService, AdminServiceServer};
use queuecall_client::pb::appointment_service_server::{
    AppointmentService, AppointmentServiceServer,
};
use queuecall_client::pb::history_service_server::{HistoryService, HistoryServiceServer};
use queuecall_client::pb::queue_service_server::QueueServiceServer;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

use super::{Answer, Fake, ticket};

impl Fake {
    /// Serves the fake QueueService and the three scripted ones on 127.0.0.1:0.
    pub async fn spawn_all() -> (SocketAddr, Fake) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = Fake::default();
        let server = tonic::transport::Server::builder()
            .add_service(QueueServiceServer::new(fake.clone()))
            .add_service(AppointmentServiceServer::new(fake.clone()))
            .add_service(AdminServiceServer::new(fake.clone()))
            .add_service(HistoryServiceServer::new(fake.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener));
        tokio::spawn(server);
        (addr, fake)
    }
}

fn slot(id: &str, date: &str, start: &str, end: &str, remaining: u32) -> pb::Slot {
    pb::Slot {
        id: id.to_owned(),
        branch_id: "district-centre".to_owned(),
        service_id: "social-security".to_owned(),
        date: date.to_owned(),
        start_time: start.to_owned(),
        end_time: end.to_owned(),
        capacity: 5,
        remaining,
        bookable: remaining > 0,
        ..pb::Slot::default()
    }
}

fn appointment(id: &str, slot_id: &str, state: pb::AppointmentState) -> pb::Appointment {
    pb::Appointment {
        id: id.to_owned(),
        slot: Some(slot(slot_id, "2026-11-30", "09:30", "10:00", 4)),
        check_in_code: "483920".to_owned(),
        masked_name: "张**".to_owned(),
        masked_id_number: "110***********002X".to_owned(),
        masked_phone: "138****1234".to_owned(),
        state: state.into(),
        ..pb::Appointment::default()
    }
}

const SLOT: &str = "district-centre.social-security.20261130.0930";

#[tonic::async_trait]
impl AppointmentService for Fake {
    async fn list_available_slots(
        &self,
        r: Request<pb::ListAvailableSlotsRequest>,
    ) -> Answer<pb::ListAvailableSlotsResponse> {
        let r = self.record(r);
        let mut slots = Vec::new();
        if r.service_id != "nothing" {
            let day = r.from_date.replace('-', "");
            let id = |hhmm: &str| format!("district-centre.{}.{day}.{hhmm}", r.service_id);
            slots.push(slot(&id("0900"), &r.from_date, "09:00", "09:30", 5));
            if r.include_unavailable {
                slots.push(slot(&id("0930"), &r.from_date, "09:30", "10:00", 0));
            }
        }
        Ok(Response::new(pb::ListAvailableSlotsResponse { slots }))
    }

    async fn book_appointment(
        &self,
        r: Request<pb::BookAppointmentRequest>,
    ) -> Answer<pb::BookAppointmentResponse> {
        let r = self.record(r);
        if r.slot_id.ends_with("full") {
            return Err(Status::failed_precondition("slot_id: the slot is full"));
        }
        let mut a = appointment("apt-1", &r.slot_id, pb::AppointmentState::Booked);
        a.credit_code = r.credit_code;
        Ok(Response::new(pb::BookAppointmentResponse {
            appointment: Some(a),
            replayed: r.idempotency_key == "again",
        }))
    }

    async fn cancel_appointment(
        &self,
        r: Request<pb::CancelAppointmentRequest>,
    ) -> Answer<pb::CancelAppointmentResponse> {
        let r = self.record(r);
        let a = appointment(&r.appointment_id, SLOT, pb::AppointmentState::Cancelled);
        Ok(Response::new(pb::CancelAppointmentResponse {
            appointment: Some(a),
        }))
    }

    async fn reschedule_appointment(
        &self,
        r: Request<pb::RescheduleAppointmentRequest>,
    ) -> Answer<pb::RescheduleAppointmentResponse> {
        let r = self.record(r);
        let a = appointment(
            &r.appointment_id,
            &r.new_slot_id,
            pb::AppointmentState::Booked,
        );
        Ok(Response::new(pb::RescheduleAppointmentResponse {
            appointment: Some(a),
            replayed: false,
        }))
    }

    async fn get_appointment(
        &self,
        r: Request<pb::GetAppointmentRequest>,
    ) -> Answer<pb::GetAppointmentResponse> {
        let r = self.record(r);
        if r.appointment_id == "apt-404" {
            return Err(Status::not_found("appointment apt-404 not found"));
        }
        let a = appointment(&r.appointment_id, SLOT, pb::AppointmentState::Booked);
        Ok(Response::new(pb::GetAppointmentResponse {
            appointment: Some(a),
        }))
    }

    async fn list_appointments(
        &self,
        r: Request<pb::ListAppointmentsRequest>,
    ) -> Answer<pb::ListAppointmentsResponse> {
        self.record(r);
        Ok(Response::new(pb::ListAppointmentsResponse {
            appointments: vec![appointment("apt-1", SLOT, pb::AppointmentState::Booked)],
        }))
    }

    async fn check_in(&self, r: Request<pb::CheckInRequest>) -> Answer<pb::CheckInResponse> {
        let r = self.record(r);
        let late = matches!(r.by, Some(pb::check_in_request::By::IdNumber(_)));
        let mut t = ticket("A001", pb::TicketState::Waiting, 0);
        t.priority_class = if late {
            pb::PriorityClass::Normal
        } else {
            pb::PriorityClass::Appointment
        }
        .into();
        let mut a = appointment("apt-1", SLOT, pb::AppointmentState::CheckedIn);
        a.ticket_id = t.id.clone();
        Ok(Response::new(pb::CheckInResponse {
            appointment: Some(a),
            ticket: Some(t),
            late,
            message: "预约签到成功，请等候叫号".to_owned(),
            replayed: false,
        }))
    }
}

fn layout_branch() -> pb::BranchLayout {
    pb::BranchLayout {
        id: "district-centre".to_owned(),
        name: "武进区政务服务中心".to_owned(),
        level: pb::BranchLevel::District.into(),
        time_zone: "Asia/Shanghai".to_owned(),
        services: vec![
            pb::ServiceLayout {
                id: "tax".to_owned(),
                name: "税务".to_owned(),
                ticket_prefix: "B".to_owned(),
                daily_limit: 200,
                avg_service_seconds: 600,
                appointments: Some(pb::AppointmentSettings {
                    weekdays: (1..=5).collect(),
                    time_ranges: vec![pb::TimeRange {
                        start: "09:00".to_owned(),
                        end: "12:00".to_owned(),
                    }],
                    slot_minutes: 30,
                    capacity: 2,
                    ..pb::AppointmentSettings::default()
                }),
                ..pb::ServiceLayout::default()
            },
            pb::ServiceLayout {
                id: "permits".to_owned(),
                name: "证照办理".to_owned(),
                ticket_prefix: "C".to_owned(),
                daily_limit: 3,
                ..pb::ServiceLayout::default()
            },
        ],
        windows: vec![pb::WindowLayout {
            number: 2,
            name: "税务窗口".to_owned(),
            service_ids: vec!["tax".to_owned()],
            call_rule: pb::CallRule::StrictOrder.into(),
            ..pb::WindowLayout::default()
        }],
        ..pb::BranchLayout::default()
    }
}

#[tonic::async_trait]
impl AdminService for Fake {
    async fn get_layout(&self, r: Request<pb::GetLayoutRequest>) -> Answer<pb::GetLayoutResponse> {
        self.record(r);
        Ok(Response::new(pb::GetLayoutResponse {
            branches: vec![layout_branch()],
            layout_version: 7,
        }))
    }

    async fn put_branch(&self, _: Request<pb::PutBranchRequest>) -> Answer<pb::PutBranchResponse> {
        Err(Status::unimplemented("not scripted"))
    }

    async fn delete_branch(
        &self,
        _: Request<pb::DeleteBranchRequest>,
    ) -> Answer<pb::DeleteBranchResponse> {
        Err(Status::unimplemented("not scripted"))
    }

    async fn put_service(
        &self,
        r: Request<pb::PutServiceRequest>,
    ) -> Answer<pb::PutServiceResponse> {
        let r = self.record(r);
        let created = r.service.as_ref().is_some_and(|s| s.id != "tax");
        Ok(Response::new(pb::PutServiceResponse {
            service: r.service,
            layout_version: 8,
            created,
        }))
    }

    async fn delete_service(
        &self,
        _: Request<pb::DeleteServiceRequest>,
    ) -> Answer<pb::DeleteServiceResponse> {
        Err(Status::unimplemented("not scripted"))
    }

    async fn put_window(&self, r: Request<pb::PutWindowRequest>) -> Answer<pb::PutWindowResponse> {
        let r = self.record(r);
        let created = r.window.as_ref().is_some_and(|w| w.number != 2);
        Ok(Response::new(pb::PutWindowResponse {
            window: r.window,
            layout_version: 8,
            created,
        }))
    }

    async fn delete_window(
        &self,
        _: Request<pb::DeleteWindowRequest>,
    ) -> Answer<pb::DeleteWindowResponse> {
        Err(Status::unimplemented("not scripted"))
    }

    async fn set_calendar(
        &self,
        r: Request<pb::SetCalendarRequest>,
    ) -> Answer<pb::SetCalendarResponse> {
        let r = self.record(r);
        Ok(Response::new(pb::SetCalendarResponse {
            year: r.year,
            layout_version: 9,
        }))
    }

    async fn apply_hall(&self, r: Request<pb::ApplyHallRequest>) -> Answer<pb::ApplyHallResponse> {
        self.record(r);
        Ok(Response::new(pb::ApplyHallResponse {
            branches: vec![layout_branch()],
            layout_version: 10,
        }))
    }
}

#[tonic::async_trait]
impl HistoryService for Fake {
    async fn get_statistics(
        &self,
        r: Request<pb::GetStatisticsRequest>,
    ) -> Answer<pb::GetStatisticsResponse> {
        self.record(r);
        let row = |key: &str| pb::StatisticsRow {
            key: key.to_owned(),
            tickets: 4,
            done: 3,
            no_shows: 1,
            average_wait_seconds: 150.0,
            p90_wait_seconds: 300.0,
            average_service_seconds: 240.0,
            p90_service_seconds: 420.0,
            no_show_rate: 0.25,
            appointment_share: 0.5,
            ..pb::StatisticsRow::default()
        };
        Ok(Response::new(pb::GetStatisticsResponse {
            rows: vec![row("social-security")],
            total: Some(row("")),
        }))
    }

    async fn rate_service(
        &self,
        r: Request<pb::RateServiceRequest>,
    ) -> Answer<pb::RateServiceResponse> {
        let r = self.record(r);
        if r.ticket_id.ends_with("A002") {
            return Err(Status::already_exists("ticket A002 is already rated"));
        }
        Ok(Response::new(pb::RateServiceResponse {
            rating: Some(pb::Rating {
                ticket_id: r.ticket_id,
                overall: r.overall,
                attitude: r.attitude,
                quality: r.quality,
                efficiency: r.efficiency,
                integrity: r.integrity,
                comment: r.comment,
                rated_at: None,
            }),
        }))
    }
}
