//! A scripted DisplayService on port 0, recording the resume id of every WatchBranch.
//!
//! Script: branch `nowhere` → NOT_FOUND. A watch from scratch gets snapshot 11 (initial),
//! event 12 (A023 called to window 5), event 13 (social-security waiting 3), then the stream
//! breaks with UNAVAILABLE. A watch resuming after 13 gets event 14 (window 5 paused: lunch)
//! and stays open. Any other resume id gets a RESUME_TOO_OLD snapshot as of 20 and stays
//! open. WatchTicket: ids ending in `A404` → NOT_FOUND; else waiting (2 ahead), called to
//! window 5, done, end.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use queuecall_client::pb;
use queuecall_client::pb::branch_event::Kind;
use queuecall_client::pb::display_service_server::{DisplayService, DisplayServiceServer};
use queuecall_client::pb::watch_branch_response::Item;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

type Items<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[derive(Clone, Default)]
pub struct FakeDisplay {
    /// `resume_after_event_id` of every WatchBranch, in order.
    pub resumes: Arc<Mutex<Vec<u64>>>,
}

impl FakeDisplay {
    pub async fn spawn() -> (SocketAddr, FakeDisplay) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeDisplay::default();
        let server = tonic::transport::Server::builder()
            .add_service(DisplayServiceServer::new(fake.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener));
        tokio::spawn(server);
        (addr, fake)
    }

    pub fn resumes(&self) -> Vec<u64> {
        self.resumes.lock().unwrap().clone()
    }
}

fn snapshot(last_event_id: u64, reason: pb::SnapshotReason) -> pb::WatchBranchResponse {
    pb::WatchBranchResponse {
        item: Some(Item::Snapshot(pb::BranchSnapshot {
            last_event_id,
            reason: reason.into(),
            branch: Some(pb::Branch {
                id: "district-centre".to_owned(),
                name: "武进区政务服务中心".to_owned(),
                service_day: "2026-11-27".to_owned(),
                ..pb::Branch::default()
            }),
            recent_calls: Vec::new(),
        })),
    }
}

fn event(id: u64, kind: Kind) -> pb::WatchBranchResponse {
    pb::WatchBranchResponse {
        item: Some(Item::Event(pb::BranchEvent {
            id,
            at: None,
            kind: Some(kind),
        })),
    }
}

fn called() -> Kind {
    Kind::Called(pb::TicketCalled {
        ticket_id: "district-centre.20261127.A023".to_owned(),
        number: "A023".to_owned(),
        service_id: "social-security".to_owned(),
        window: 5,
        window_name: "企业开办窗口".to_owned(),
        recall_count: 0,
        announcement: Some(pb::Announcement {
            text: "请A023号到5号窗口办理".to_owned(),
            speech: String::new(),
            english: String::new(),
        }),
    })
}

fn paused() -> Kind {
    Kind::WindowChanged(pb::WindowChanged {
        window: Some(pb::Window {
            number: 5,
            state: pb::WindowState::Paused.into(),
            pause_reason: "lunch".to_owned(),
            ..pb::Window::default()
        }),
    })
}

fn then_open<T: Send + 'static>(items: Vec<Result<T, Status>>) -> Items<T> {
    Box::pin(tokio_stream::iter(items).chain(futures::stream::pending()))
}

fn ticket(
    state: pb::TicketState,
    ahead: u32,
    window: u32,
) -> Result<pb::WatchTicketResponse, Status> {
    Ok(pb::WatchTicketResponse {
        ticket: Some(pb::Ticket {
            id: "district-centre.20261127.A023".to_owned(),
            number: "A023".to_owned(),
            service_id: "social-security".to_owned(),
            state: state.into(),
            people_ahead: ahead,
            estimated_wait_seconds: ahead * 300,
            window,
            ..pb::Ticket::default()
        }),
    })
}

#[tonic::async_trait]
impl DisplayService for FakeDisplay {
    type WatchBranchStream = Items<pb::WatchBranchResponse>;
    type WatchTicketStream = Items<pb::WatchTicketResponse>;

    async fn watch_branch(
        &self,
        request: Request<pb::WatchBranchRequest>,
    ) -> Result<Response<Self::WatchBranchStream>, Status> {
        let request = request.into_inner();
        if request.branch_id == "nowhere" {
            return Err(Status::not_found("branch nowhere not found"));
        }
        let resume = request.resume_after_event_id;
        self.resumes.lock().unwrap().push(resume);
        let items: Self::WatchBranchStream = match resume {
            0 => Box::pin(tokio_stream::iter(vec![
                Ok(snapshot(11, pb::SnapshotReason::Initial)),
                Ok(event(12, called())),
                Ok(event(
                    13,
                    Kind::QueueChanged(pb::QueueChanged {
                        service_id: "social-security".to_owned(),
                        waiting: 3,
                    }),
                )),
                Err(Status::unavailable("restarting")),
            ])),
            13 => then_open(vec![Ok(event(14, paused()))]),
            _ => then_open(vec![Ok(snapshot(20, pb::SnapshotReason::ResumeTooOld))]),
        };
        Ok(Response::new(items))
    }

    async fn watch_ticket(
        &self,
        request: Request<pb::WatchTicketRequest>,
    ) -> Result<Response<Self::WatchTicketStream>, Status> {
        let id = request.into_inner().ticket_id;
        if id.ends_with("A404") {
            return Err(Status::not_found(format!("ticket {id} not found")));
        }
        let changes = vec![
            ticket(pb::TicketState::Waiting, 2, 0),
            ticket(pb::TicketState::Called, 0, 5),
            ticket(pb::TicketState::Done, 0, 5),
        ];
        Ok(Response::new(Box::pin(tokio_stream::iter(changes))))
    }
}
