//! One-line requests against the test branch ([`crate::BRANCH`]), so tests read as sentences.
//! Each returns the gRPC result; a test uses `?` when the call must succeed and
//! [`crate::assert_status`] when it must fail.

use queuecall_proto::v1::queue_service_client::QueueServiceClient;
use queuecall_proto::v1::{
    CallNextRequest, CallTicketRequest, CancelTicketRequest, Channel, CloseWindowRequest,
    CompleteServiceRequest, GetBranchRequest, GetTicketRequest, ListWaitingRequest,
    MarkNoShowRequest, OpenWindowRequest, PauseWindowRequest, PriorityClass, RecallRequest,
    RequeueRequest, StartServiceRequest, TakeTicketRequest, TakeTicketResponse, Ticket,
    TransferRequest, Window,
};
use tonic::Status;

use crate::auth::{Bearer, Connection, with_bearer};
use crate::{BRANCH, ticket_of};

/// A TakeTicket request for a service of the test branch: normal priority, API channel.
pub fn take_request(service: &str) -> TakeTicketRequest {
    TakeTicketRequest {
        branch_id: BRANCH.to_owned(),
        service_id: service.to_owned(),
        priority_class: PriorityClass::Normal.into(),
        channel: Channel::Api.into(),
        ..TakeTicketRequest::default()
    }
}

/// A generated client with one-line requests; [`crate::TestApp`] derefs to one.
#[derive(Debug, Clone)]
pub struct Api {
    pub client: QueueServiceClient<Connection>,
}

impl Api {
    pub fn new(client: QueueServiceClient<Connection>) -> Self {
        Self { client }
    }

    /// Connects to `url` (`http://<ip>:<port>`); the calls carry the test admin token.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let channel = tonic::transport::Endpoint::from_shared(url.to_owned())?
            .connect()
            .await?;
        Ok(Self::new(QueueServiceClient::new(with_bearer(
            channel,
            Bearer::admin(),
        ))))
    }

    pub async fn take_with(
        &self,
        request: TakeTicketRequest,
    ) -> Result<TakeTicketResponse, Status> {
        Ok(self.client.clone().take_ticket(request).await?.into_inner())
    }

    /// A normal ticket of `service`.
    pub async fn take(&self, service: &str) -> Result<Ticket, Status> {
        self.take_as(service, PriorityClass::Normal).await
    }

    pub async fn take_as(&self, service: &str, class: PriorityClass) -> Result<Ticket, Status> {
        let request = TakeTicketRequest {
            priority_class: class.into(),
            ..take_request(service)
        };
        Ok(ticket_of(self.take_with(request).await?.ticket))
    }

    pub async fn get(&self, ticket_id: &str) -> Result<Ticket, Status> {
        let request = GetTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        Ok(ticket_of(
            self.client
                .clone()
                .get_ticket(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn waiting(&self, service: &str) -> Result<Vec<Ticket>, Status> {
        let request = ListWaitingRequest {
            branch_id: BRANCH.to_owned(),
            service_id: service.to_owned(),
        };
        Ok(self
            .client
            .clone()
            .list_waiting(request)
            .await?
            .into_inner()
            .tickets)
    }

    /// The numbers waiting for `service`, in calling order.
    pub async fn waiting_numbers(&self, service: &str) -> Result<Vec<String>, Status> {
        Ok(self
            .waiting(service)
            .await?
            .into_iter()
            .map(|t| t.number)
            .collect())
    }

    pub async fn cancel(&self, ticket_id: &str) -> Result<Ticket, Status> {
        let request = CancelTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        Ok(ticket_of(
            self.client
                .clone()
                .cancel_ticket(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn branch(&self, branch_id: &str) -> Result<queuecall_proto::v1::Branch, Status> {
        let request = GetBranchRequest {
            branch_id: branch_id.to_owned(),
        };
        let branch = self
            .client
            .clone()
            .get_branch(request)
            .await?
            .into_inner()
            .branch;
        Ok(branch.expect("GetBranch answers with the branch"))
    }

    /// Window `number` of the test branch as GetBranch shows it.
    pub async fn window(&self, number: u32) -> Result<Window, Status> {
        let branch = self.branch(BRANCH).await?;
        Ok(branch
            .windows
            .into_iter()
            .find(|w| w.number == number)
            .unwrap_or_else(|| panic!("window {number} is in the test hall")))
    }

    pub async fn open(&self, window: u32) -> Result<Window, Status> {
        let request = OpenWindowRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        let answer = self.client.clone().open_window(request).await?.into_inner();
        Ok(answer.window.expect("OpenWindow answers with the window"))
    }

    pub async fn pause(&self, window: u32, reason: &str) -> Result<Window, Status> {
        let request = PauseWindowRequest {
            branch_id: BRANCH.to_owned(),
            window,
            reason: reason.to_owned(),
        };
        let answer = self
            .client
            .clone()
            .pause_window(request)
            .await?
            .into_inner();
        Ok(answer.window.expect("PauseWindow answers with the window"))
    }

    pub async fn close(&self, window: u32) -> Result<Window, Status> {
        let request = CloseWindowRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        let answer = self
            .client
            .clone()
            .close_window(request)
            .await?
            .into_inner();
        Ok(answer.window.expect("CloseWindow answers with the window"))
    }

    /// `None` when nothing waits for the window.
    pub async fn call_next(&self, window: u32) -> Result<Option<Ticket>, Status> {
        let request = CallNextRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        Ok(self
            .client
            .clone()
            .call_next(request)
            .await?
            .into_inner()
            .ticket)
    }

    /// CallNext that must find a ticket.
    pub async fn call(&self, window: u32) -> Result<Ticket, Status> {
        let ticket = self.call_next(window).await?;
        Ok(ticket.unwrap_or_else(|| panic!("window {window} found nothing waiting")))
    }

    pub async fn call_ticket(&self, window: u32, ticket_id: &str) -> Result<Ticket, Status> {
        let request = CallTicketRequest {
            branch_id: BRANCH.to_owned(),
            window,
            ticket_id: ticket_id.to_owned(),
        };
        Ok(ticket_of(
            self.client
                .clone()
                .call_ticket(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn recall(&self, window: u32) -> Result<Ticket, Status> {
        let request = RecallRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        Ok(ticket_of(
            self.client
                .clone()
                .recall(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn start(&self, window: u32) -> Result<Ticket, Status> {
        let request = StartServiceRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        Ok(ticket_of(
            self.client
                .clone()
                .start_service(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn complete(&self, window: u32) -> Result<Ticket, Status> {
        let request = CompleteServiceRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        let answer = self.client.clone().complete_service(request).await?;
        Ok(ticket_of(answer.into_inner().ticket))
    }

    pub async fn no_show(&self, window: u32) -> Result<Ticket, Status> {
        let request = MarkNoShowRequest {
            branch_id: BRANCH.to_owned(),
            window,
        };
        Ok(ticket_of(
            self.client
                .clone()
                .mark_no_show(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn requeue(&self, ticket_id: &str) -> Result<Ticket, Status> {
        let request = RequeueRequest {
            ticket_id: ticket_id.to_owned(),
        };
        Ok(ticket_of(
            self.client
                .clone()
                .requeue(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    pub async fn transfer(
        &self,
        window: u32,
        target: &str,
        to_front: bool,
    ) -> Result<Ticket, Status> {
        let request = TransferRequest {
            branch_id: BRANCH.to_owned(),
            window,
            target_service_id: target.to_owned(),
            to_front,
        };
        Ok(ticket_of(
            self.client
                .clone()
                .transfer(request)
                .await?
                .into_inner()
                .ticket,
        ))
    }

    /// Calls, starts and completes the next ticket at `window`; returns it DONE.
    pub async fn serve_next(&self, window: u32) -> Result<Ticket, Status> {
        self.call(window).await?;
        self.start(window).await?;
        self.complete(window).await
    }
}
