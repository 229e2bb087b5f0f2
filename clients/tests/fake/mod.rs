//! A scripted QueueService on port 0: it records every request and answers canned tickets,
//! so the client and the CLI can be tested without the real service.
//!
//! Script: service `full` → RESOURCE_EXHAUSTED; ticket ids ending in `A404` → NOT_FOUND;
//! ticket id `slow` → answers after 2 s; CallNext on window 9 → no ticket, on window 4 →
//! FAILED_PRECONDITION; ListWaiting of `social-security` → A002 A003.

#![allow(dead_code, clippy::unwrap_used)]

pub mod booking;
pub mod display;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use queuecall_client::pb;
use queuecall_client::pb::queue_service_server::{QueueService, QueueServiceServer};
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

type Answer<T> = Result<Response<T>, Status>;

#[derive(Clone, Default)]
pub struct Fake {
    /// `Debug` of every request message received, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    /// Serves on 127.0.0.1:0 until the test's runtime ends.
    pub async fn spawn() -> (SocketAddr, Fake) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = Fake::default();
        let server = tonic::transport::Server::builder()
            .add_service(QueueServiceServer::new(fake.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener));
        tokio::spawn(server);
        (addr, fake)
    }

    pub fn last_request(&self) -> String {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default()
    }

    fn record<T: std::fmt::Debug>(&self, request: Request<T>) -> T {
        let message = request.into_inner();
        self.requests.lock().unwrap().push(format!("{message:?}"));
        message
    }
}

pub fn ticket(number: &str, state: pb::TicketState, window: u32) -> pb::Ticket {
    pb::Ticket {
        id: format!("district-centre.20261127.{number}"),
        number: number.to_owned(),
        branch_id: "district-centre".to_owned(),
        service_id: "social-security".to_owned(),
        state: state.into(),
        service_day: "2026-11-27".to_owned(),
        window,
        ..pb::Ticket::default()
    }
}

fn at_window(state: pb::TicketState, window: u32) -> Answer<pb::Ticket> {
    Ok(Response::new(ticket("A001", state, window)))
}

fn window(number: u32, state: pb::WindowState, reason: &str) -> Option<pb::Window> {
    Some(pb::Window {
        branch_id: "district-centre".to_owned(),
        number,
        name: "综合窗口".to_owned(),
        state: state.into(),
        pause_reason: reason.to_owned(),
        service_ids: vec!["social-security".to_owned(), "tax".to_owned()],
        ..pb::Window::default()
    })
}

#[tonic::async_trait]
impl QueueService for Fake {
    async fn take_ticket(
        &self,
        r: Request<pb::TakeTicketRequest>,
    ) -> Answer<pb::TakeTicketResponse> {
        let r = self.record(r);
        if r.service_id == "full" {
            return Err(Status::resource_exhausted(
                "full: the daily limit of 300 tickets is reached",
            ));
        }
        let mut t = ticket("A001", pb::TicketState::Waiting, 0);
        t.service_id = r.service_id;
        t.people_ahead = 2;
        t.estimated_wait_seconds = 590;
        t.priority_class = r.priority_class;
        t.channel = r.channel;
        if !r.phone.is_empty() {
            t.masked_phone = "138****1234".to_owned();
        }
        let replayed = r.idempotency_key == "again";
        Ok(Response::new(pb::TakeTicketResponse {
            ticket: Some(t),
            replayed,
        }))
    }

    async fn get_ticket(&self, r: Request<pb::GetTicketRequest>) -> Answer<pb::GetTicketResponse> {
        let r = self.record(r);
        if r.ticket_id == "slow" {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        if r.ticket_id.ends_with("A404") {
            return Err(Status::not_found(format!(
                "ticket {} not found",
                r.ticket_id
            )));
        }
        let mut t = ticket("A023", pb::TicketState::Waiting, 0);
        t.id = r.ticket_id;
        Ok(Response::new(pb::GetTicketResponse { ticket: Some(t) }))
    }

    async fn list_waiting(
        &self,
        r: Request<pb::ListWaitingRequest>,
    ) -> Answer<pb::ListWaitingResponse> {
        let r = self.record(r);
        let tickets = if r.service_id == "social-security" {
            vec![
                ticket("A002", pb::TicketState::Waiting, 0),
                ticket("A003", pb::TicketState::Waiting, 0),
            ]
        } else {
            Vec::new()
        };
        Ok(Response::new(pb::ListWaitingResponse { tickets }))
    }

    async fn cancel_ticket(
        &self,
        r: Request<pb::CancelTicketRequest>,
    ) -> Answer<pb::CancelTicketResponse> {
        let r = self.record(r);
        let mut t = ticket("A023", pb::TicketState::Cancelled, 0);
        t.id = r.ticket_id;
        Ok(Response::new(pb::CancelTicketResponse { ticket: Some(t) }))
    }

    async fn get_branch(&self, r: Request<pb::GetBranchRequest>) -> Answer<pb::GetBranchResponse> {
        let r = self.record(r);
        let service = |id: &str, prefix: &str, waiting| pb::Service {
            id: id.to_owned(),
            name: id.to_owned(),
            ticket_prefix: prefix.to_owned(),
            daily_limit: 300,
            waiting,
            estimated_wait_seconds: waiting * 300,
            issued_today: 3,
        };
        let mut open = window(1, pb::WindowState::Open, "").unwrap();
        open.current_ticket = Some(ticket("A001", pb::TicketState::Serving, 1));
        let branch = pb::Branch {
            id: r.branch_id,
            name: "武进区政务服务中心".to_owned(),
            time_zone: "Asia/Shanghai".to_owned(),
            service_day: "2026-11-27".to_owned(),
            services: vec![service("social-security", "A", 2), service("tax", "B", 0)],
            windows: vec![open, window(2, pb::WindowState::Paused, "lunch").unwrap()],
        };
        Ok(Response::new(pb::GetBranchResponse {
            branch: Some(branch),
        }))
    }

    async fn open_window(
        &self,
        r: Request<pb::OpenWindowRequest>,
    ) -> Answer<pb::OpenWindowResponse> {
        let r = self.record(r);
        Ok(Response::new(pb::OpenWindowResponse {
            window: window(r.window, pb::WindowState::Open, ""),
        }))
    }

    async fn pause_window(
        &self,
        r: Request<pb::PauseWindowRequest>,
    ) -> Answer<pb::PauseWindowResponse> {
        let r = self.record(r);
        let w = window(r.window, pb::WindowState::Paused, &r.reason);
        Ok(Response::new(pb::PauseWindowResponse { window: w }))
    }

    async fn close_window(
        &self,
        r: Request<pb::CloseWindowRequest>,
    ) -> Answer<pb::CloseWindowResponse> {
        let r = self.record(r);
        Ok(Response::new(pb::CloseWindowResponse {
            window: window(r.window, pb::WindowState::Closed, ""),
        }))
    }

    async fn call_next(&self, r: Request<pb::CallNextRequest>) -> Answer<pb::CallNextResponse> {
        let r = self.record(r);
        match r.window {
            9 => Ok(Response::new(pb::CallNextResponse { ticket: None })),
            4 => Err(Status::failed_precondition("window 4 is paused")),
            n => Ok(Response::new(pb::CallNextResponse {
                ticket: Some(ticket("A001", pb::TicketState::Called, n)),
            })),
        }
    }

    async fn call_ticket(
        &self,
        r: Request<pb::CallTicketRequest>,
    ) -> Answer<pb::CallTicketResponse> {
        let r = self.record(r);
        let mut t = ticket("A007", pb::TicketState::Called, r.window);
        t.id = r.ticket_id;
        Ok(Response::new(pb::CallTicketResponse { ticket: Some(t) }))
    }

    async fn recall(&self, r: Request<pb::RecallRequest>) -> Answer<pb::RecallResponse> {
        let r = self.record(r);
        let mut t = ticket("A001", pb::TicketState::Called, r.window);
        t.recall_count = 1;
        Ok(Response::new(pb::RecallResponse { ticket: Some(t) }))
    }

    async fn start_service(
        &self,
        r: Request<pb::StartServiceRequest>,
    ) -> Answer<pb::StartServiceResponse> {
        let r = self.record(r);
        let t = at_window(pb::TicketState::Serving, r.window)?.into_inner();
        Ok(Response::new(pb::StartServiceResponse { ticket: Some(t) }))
    }

    async fn complete_service(
        &self,
        r: Request<pb::CompleteServiceRequest>,
    ) -> Answer<pb::CompleteServiceResponse> {
        let r = self.record(r);
        let t = at_window(pb::TicketState::Done, r.window)?.into_inner();
        Ok(Response::new(pb::CompleteServiceResponse {
            ticket: Some(t),
        }))
    }

    async fn mark_no_show(
        &self,
        r: Request<pb::MarkNoShowRequest>,
    ) -> Answer<pb::MarkNoShowResponse> {
        let r = self.record(r);
        let t = at_window(pb::TicketState::NoShow, r.window)?.into_inner();
        Ok(Response::new(pb::MarkNoShowResponse { ticket: Some(t) }))
    }

    async fn requeue(&self, r: Request<pb::RequeueRequest>) -> Answer<pb::RequeueResponse> {
        let r = self.record(r);
        let mut t = ticket("A001", pb::TicketState::Waiting, 5);
        t.id = r.ticket_id;
        t.requeue_count = 1;
        t.people_ahead = 3;
        t.estimated_wait_seconds = 900;
        Ok(Response::new(pb::RequeueResponse { ticket: Some(t) }))
    }

    async fn transfer(&self, r: Request<pb::TransferRequest>) -> Answer<pb::TransferResponse> {
        let r = self.record(r);
        let mut t = ticket("A001", pb::TicketState::Waiting, r.window);
        t.service_id = r.target_service_id;
        t.original_service_id = "social-security".to_owned();
        t.people_ahead = if r.to_front { 0 } else { 4 };
        Ok(Response::new(pb::TransferResponse { ticket: Some(t) }))
    }
}
