//! `queuecall.v1.QueueService` over [`Queue`]: each RPC parses its request into domain types
//! (`parse`), calls the queue, and converts the answer (`convert`). Errors travel as
//! `QueueError` and become a status in `status`, nowhere else.

use std::sync::Arc;

use queuecall_proto::v1 as pb;
use queuecall_proto::v1::queue_service_server::QueueService;
use tonic::{Request, Response, Status};

use super::{convert, parse, status};
use crate::auth::{self, Principal, Scope};
use crate::domain::{BranchId, WindowCommand, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::metrics::{Finished, Metrics};
use crate::queue::{Queue, WindowStep};
use crate::throttle::{Limit, Throttle};

type Answer<T> = Result<Response<T>, Status>;

/// The gRPC face of the queue.
#[derive(Clone)]
pub struct QueueApi {
    queue: Arc<Queue>,
    metrics: Arc<Metrics>,
    throttle: Arc<Throttle>,
}

impl QueueApi {
    pub fn new(queue: Arc<Queue>, metrics: Arc<Metrics>, throttle: Arc<Throttle>) -> Self {
        Self {
            queue,
            metrics,
            throttle,
        }
    }

    /// Sets a window's state and answers it with its layout.
    async fn set_window(
        &self,
        branch: &BranchId,
        window: WindowNo,
        command: WindowCommand,
    ) -> QueueResult<pb::Window> {
        let status = self.queue.set_window(branch, window, command).await?;
        let layout = self
            .queue
            .hall()
            .branch(branch)
            .cloned()
            .ok_or_else(|| QueueError::not_found("branch", branch))?;
        Ok(convert::window(&layout, &status))
    }

    /// Recall, start, complete, no-show: one step on the window's ticket, when `caller` may
    /// operate the window.
    async fn step(
        &self,
        caller: Option<&Principal>,
        branch_id: &str,
        window: u32,
        step: WindowStep,
    ) -> QueueResult<pb::Ticket> {
        let (branch, window) = parse::at_window(branch_id, window)?;
        auth::check(caller, Scope::Window(&branch, window))?;
        let info = self.queue.window_step(&branch, window, step).await?;
        match step {
            WindowStep::Complete => self.metrics.finished(&branch, &info.ticket, Finished::Done),
            WindowStep::NoShow => self
                .metrics
                .finished(&branch, &info.ticket, Finished::NoShow),
            WindowStep::Recall | WindowStep::Start => {}
        }
        Ok(convert::ticket_info(&info))
    }
}

#[tonic::async_trait]
impl QueueService for QueueApi {
    #[tracing::instrument(skip_all, fields(rpc = "TakeTicket", branch = %request.get_ref().branch_id, service = %request.get_ref().service_id))]
    async fn take_ticket(
        &self,
        request: Request<pb::TakeTicketRequest>,
    ) -> Answer<pb::TakeTicketResponse> {
        let (branch, new) = parse::take_ticket(request.get_ref())?;
        auth::require(&request, Scope::Branch(&branch))?;
        let now = self.queue.clock().now();
        if let Some(phone) = &new.phone {
            self.throttle
                .check(Limit::TakeTicketPerPhone, phone.digits(), now)
                .await
                .map_err(status::throttled)?;
        }
        if let Some(client) = auth::client_key(&request) {
            self.throttle
                .check(Limit::TakeTicketPerClient, &client, now)
                .await
                .map_err(status::throttled)?;
        }
        let (info, replayed) = self.queue.take_ticket(&branch, new).await?;
        if !replayed {
            self.metrics.issued(&branch, &info.ticket.service);
        }
        Ok(Response::new(pb::TakeTicketResponse {
            ticket: Some(convert::ticket_info(&info)),
            replayed,
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetTicket", ticket = %request.get_ref().ticket_id))]
    async fn get_ticket(
        &self,
        request: Request<pb::GetTicketRequest>,
    ) -> Answer<pb::GetTicketResponse> {
        let ticket = parse::ticket(&request.get_ref().ticket_id)?;
        auth::require(&request, Scope::Branch(&ticket.branch))?;
        let info = self.queue.get_ticket(ticket).await?;
        Ok(Response::new(pb::GetTicketResponse {
            ticket: Some(convert::ticket_info(&info)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "ListWaiting", branch = %request.get_ref().branch_id, service = %request.get_ref().service_id))]
    async fn list_waiting(
        &self,
        request: Request<pb::ListWaitingRequest>,
    ) -> Answer<pb::ListWaitingResponse> {
        let req = request.get_ref();
        let branch = parse::branch(&req.branch_id)?;
        auth::require(&request, Scope::Branch(&branch))?;
        let service = parse::service("service_id", &req.service_id)?;
        let tickets = self.queue.list_waiting(&branch, &service).await?;
        let tickets = tickets
            .iter()
            .enumerate()
            .map(|(ahead, ticket)| pb::Ticket {
                people_ahead: u32::try_from(ahead).unwrap_or(u32::MAX),
                ..convert::ticket(ticket)
            })
            .collect();
        Ok(Response::new(pb::ListWaitingResponse { tickets }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CancelTicket", ticket = %request.get_ref().ticket_id))]
    async fn cancel_ticket(
        &self,
        request: Request<pb::CancelTicketRequest>,
    ) -> Answer<pb::CancelTicketResponse> {
        let ticket = parse::ticket(&request.get_ref().ticket_id)?;
        auth::require(&request, Scope::Branch(&ticket.branch))?;
        let info = self.queue.cancel_ticket(ticket).await?;
        self.metrics
            .finished(&info.ticket.id.branch, &info.ticket, Finished::Cancelled);
        Ok(Response::new(pb::CancelTicketResponse {
            ticket: Some(convert::ticket_info(&info)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "GetBranch", branch = %request.get_ref().branch_id))]
    async fn get_branch(
        &self,
        request: Request<pb::GetBranchRequest>,
    ) -> Answer<pb::GetBranchResponse> {
        let branch = parse::branch(&request.get_ref().branch_id)?;
        auth::require(&request, Scope::Branch(&branch))?;
        let info = self.queue.branch_info(&branch).await?;
        Ok(Response::new(pb::GetBranchResponse {
            branch: Some(convert::branch(&info)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "OpenWindow", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn open_window(
        &self,
        request: Request<pb::OpenWindowRequest>,
    ) -> Answer<pb::OpenWindowResponse> {
        let (branch, window) =
            parse::at_window(&request.get_ref().branch_id, request.get_ref().window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let window = self
            .set_window(&branch, window, WindowCommand::Open)
            .await?;
        Ok(Response::new(pb::OpenWindowResponse {
            window: Some(window),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "PauseWindow", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn pause_window(
        &self,
        request: Request<pb::PauseWindowRequest>,
    ) -> Answer<pb::PauseWindowResponse> {
        let req = request.get_ref();
        let (branch, window) = parse::at_window(&req.branch_id, req.window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let reason = parse::reason(&req.reason)?;
        let window = self
            .set_window(&branch, window, WindowCommand::Pause { reason })
            .await?;
        Ok(Response::new(pb::PauseWindowResponse {
            window: Some(window),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CloseWindow", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn close_window(
        &self,
        request: Request<pb::CloseWindowRequest>,
    ) -> Answer<pb::CloseWindowResponse> {
        let (branch, window) =
            parse::at_window(&request.get_ref().branch_id, request.get_ref().window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let window = self
            .set_window(&branch, window, WindowCommand::Close)
            .await?;
        Ok(Response::new(pb::CloseWindowResponse {
            window: Some(window),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CallNext", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn call_next(
        &self,
        request: Request<pb::CallNextRequest>,
    ) -> Answer<pb::CallNextResponse> {
        let (branch, window) =
            parse::at_window(&request.get_ref().branch_id, request.get_ref().window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let called = self.queue.call_next(&branch, window).await?;
        if let Some(info) = &called {
            self.metrics.called(&branch, &info.ticket);
        }
        Ok(Response::new(pb::CallNextResponse {
            ticket: called.as_ref().map(convert::ticket_info),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CallTicket", branch = %request.get_ref().branch_id, window = request.get_ref().window, ticket = %request.get_ref().ticket_id))]
    async fn call_ticket(
        &self,
        request: Request<pb::CallTicketRequest>,
    ) -> Answer<pb::CallTicketResponse> {
        let req = request.get_ref();
        let (branch, window) = parse::at_window(&req.branch_id, req.window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let ticket = parse::ticket(&req.ticket_id)?;
        let info = self.queue.call_ticket(&branch, window, ticket).await?;
        self.metrics.called(&branch, &info.ticket);
        Ok(Response::new(pb::CallTicketResponse {
            ticket: Some(convert::ticket_info(&info)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "Recall", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn recall(&self, request: Request<pb::RecallRequest>) -> Answer<pb::RecallResponse> {
        let ticket = self
            .step(
                auth::principal(&request),
                &request.get_ref().branch_id,
                request.get_ref().window,
                WindowStep::Recall,
            )
            .await?;
        Ok(Response::new(pb::RecallResponse {
            ticket: Some(ticket),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "StartService", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn start_service(
        &self,
        request: Request<pb::StartServiceRequest>,
    ) -> Answer<pb::StartServiceResponse> {
        let ticket = self
            .step(
                auth::principal(&request),
                &request.get_ref().branch_id,
                request.get_ref().window,
                WindowStep::Start,
            )
            .await?;
        Ok(Response::new(pb::StartServiceResponse {
            ticket: Some(ticket),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "CompleteService", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn complete_service(
        &self,
        request: Request<pb::CompleteServiceRequest>,
    ) -> Answer<pb::CompleteServiceResponse> {
        let ticket = self
            .step(
                auth::principal(&request),
                &request.get_ref().branch_id,
                request.get_ref().window,
                WindowStep::Complete,
            )
            .await?;
        Ok(Response::new(pb::CompleteServiceResponse {
            ticket: Some(ticket),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "MarkNoShow", branch = %request.get_ref().branch_id, window = request.get_ref().window))]
    async fn mark_no_show(
        &self,
        request: Request<pb::MarkNoShowRequest>,
    ) -> Answer<pb::MarkNoShowResponse> {
        let ticket = self
            .step(
                auth::principal(&request),
                &request.get_ref().branch_id,
                request.get_ref().window,
                WindowStep::NoShow,
            )
            .await?;
        Ok(Response::new(pb::MarkNoShowResponse {
            ticket: Some(ticket),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "Requeue", ticket = %request.get_ref().ticket_id))]
    async fn requeue(&self, request: Request<pb::RequeueRequest>) -> Answer<pb::RequeueResponse> {
        let ticket = parse::ticket(&request.get_ref().ticket_id)?;
        auth::require(&request, Scope::Branch(&ticket.branch))?;
        let info = self.queue.requeue(ticket).await?;
        Ok(Response::new(pb::RequeueResponse {
            ticket: Some(convert::ticket_info(&info)),
        }))
    }

    #[tracing::instrument(skip_all, fields(rpc = "Transfer", branch = %request.get_ref().branch_id, window = request.get_ref().window, to = %request.get_ref().target_service_id))]
    async fn transfer(
        &self,
        request: Request<pb::TransferRequest>,
    ) -> Answer<pb::TransferResponse> {
        let req = request.get_ref();
        let (branch, window) = parse::at_window(&req.branch_id, req.window)?;
        auth::require(&request, Scope::Window(&branch, window))?;
        let target = parse::service("target_service_id", &req.target_service_id)?;
        let info = self
            .queue
            .transfer(&branch, window, &target, req.to_front)
            .await?;
        Ok(Response::new(pb::TransferResponse {
            ticket: Some(convert::ticket_info(&info)),
        }))
    }
}
