//! One typed method per QueueService RPC.

use super::QueueClient;
use crate::error::ClientError;
use crate::pb;

/// The arguments of TakeTicket. `..Default::default()` leaves the phone and the
/// idempotency key out and the priority class and channel unspecified (the server reads
/// them as normal and api).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TakeTicket {
    pub branch: String,
    pub service: String,
    /// Mainland mobile number for reminders; the server only ever answers it masked.
    pub phone: Option<String>,
    pub priority: pb::PriorityClass,
    pub channel: pb::Channel,
    /// A retry with the same key returns the same ticket (`Taken::replayed`).
    pub idempotency_key: Option<String>,
}

impl TakeTicket {
    /// A ticket of `service` in `branch`, everything else left to the server's defaults.
    pub fn new(branch: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            branch: branch.into(),
            service: service.into(),
            ..Self::default()
        }
    }
}

/// The answer of TakeTicket.
#[derive(Debug, Clone, PartialEq)]
pub struct Taken {
    pub ticket: pb::Ticket,
    /// True when the idempotency key had already issued this ticket.
    pub replayed: bool,
}

impl QueueClient {
    pub async fn take_ticket(&mut self, take: TakeTicket) -> Result<Taken, ClientError> {
        let message = pb::TakeTicketRequest {
            branch_id: take.branch,
            service_id: take.service,
            phone: take.phone.unwrap_or_default(),
            priority_class: take.priority.into(),
            channel: take.channel.into(),
            idempotency_key: take.idempotency_key.unwrap_or_default(),
        };
        let answer = self.inner.take_ticket(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(Taken {
            ticket: ticket(answer.ticket)?,
            replayed: answer.replayed,
        })
    }

    pub async fn get_ticket(&mut self, ticket_id: &str) -> Result<pb::Ticket, ClientError> {
        let message = pb::GetTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        let answer = self.inner.get_ticket(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    /// The waiting tickets of a service in calling order.
    pub async fn list_waiting(
        &mut self,
        branch: &str,
        service: &str,
    ) -> Result<Vec<pb::Ticket>, ClientError> {
        let message = pb::ListWaitingRequest {
            branch_id: branch.to_owned(),
            service_id: service.to_owned(),
        };
        let answer = self.inner.list_waiting(self.request(message)).await?;
        Ok(answer.into_inner().tickets)
    }

    pub async fn cancel_ticket(&mut self, ticket_id: &str) -> Result<pb::Ticket, ClientError> {
        let message = pb::CancelTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        let answer = self.inner.cancel_ticket(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    /// The layout of a branch with each service's queue and each window's live state.
    pub async fn get_branch(&mut self, branch: &str) -> Result<pb::Branch, ClientError> {
        let message = pb::GetBranchRequest {
            branch_id: branch.to_owned(),
        };
        let answer = self.inner.get_branch(self.request(message)).await?;
        answer
            .into_inner()
            .branch
            .ok_or_else(|| ClientError::missing("branch"))
    }

    pub async fn open_window(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<pb::Window, ClientError> {
        let message = pb::OpenWindowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.open_window(self.request(message)).await?;
        window_of(answer.into_inner().window)
    }

    /// Pauses a window; an empty `reason` gives none.
    pub async fn pause_window(
        &mut self,
        branch: &str,
        window: u32,
        reason: &str,
    ) -> Result<pb::Window, ClientError> {
        let message = pb::PauseWindowRequest {
            branch_id: branch.to_owned(),
            window,
            reason: reason.to_owned(),
        };
        let answer = self.inner.pause_window(self.request(message)).await?;
        window_of(answer.into_inner().window)
    }

    pub async fn close_window(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<pb::Window, ClientError> {
        let message = pb::CloseWindowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.close_window(self.request(message)).await?;
        window_of(answer.into_inner().window)
    }

    /// Calls the next ticket by the window's rule; `None` when nothing waits for it.
    pub async fn call_next(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<Option<pb::Ticket>, ClientError> {
        let message = pb::CallNextRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.call_next(self.request(message)).await?;
        Ok(answer.into_inner().ticket)
    }

    /// Calls one waiting ticket out of order.
    pub async fn call_ticket(
        &mut self,
        branch: &str,
        window: u32,
        ticket_id: &str,
    ) -> Result<pb::Ticket, ClientError> {
        let message = pb::CallTicketRequest {
            branch_id: branch.to_owned(),
            window,
            ticket_id: ticket_id.to_owned(),
        };
        let answer = self.inner.call_ticket(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    pub async fn recall(&mut self, branch: &str, window: u32) -> Result<pb::Ticket, ClientError> {
        let message = pb::RecallRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.recall(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    pub async fn start_service(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<pb::Ticket, ClientError> {
        let message = pb::StartServiceRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.start_service(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    pub async fn complete_service(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<pb::Ticket, ClientError> {
        let message = pb::CompleteServiceRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.complete_service(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    pub async fn mark_no_show(
        &mut self,
        branch: &str,
        window: u32,
    ) -> Result<pb::Ticket, ClientError> {
        let message = pb::MarkNoShowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.mark_no_show(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    /// Puts a no-show (or called) ticket back into its queue, N places from the front.
    pub async fn requeue(&mut self, ticket_id: &str) -> Result<pb::Ticket, ClientError> {
        let message = pb::RequeueRequest {
            ticket_id: ticket_id.to_owned(),
        };
        let answer = self.inner.requeue(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }

    /// Moves the window's ticket to `target_service`: first in its queue with `to_front`,
    /// else by its original issue time and priority class.
    pub async fn transfer(
        &mut self,
        branch: &str,
        window: u32,
        target_service: &str,
        to_front: bool,
    ) -> Result<pb::Ticket, ClientError> {
        let message = pb::TransferRequest {
            branch_id: branch.to_owned(),
            window,
            target_service_id: target_service.to_owned(),
            to_front,
        };
        let answer = self.inner.transfer(self.request(message)).await?;
        ticket(answer.into_inner().ticket)
    }
}

fn ticket(ticket: Option<pb::Ticket>) -> Result<pb::Ticket, ClientError> {
    ticket.ok_or_else(|| ClientError::missing("ticket"))
}

fn window_of(window: Option<pb::Window>) -> Result<pb::Window, ClientError> {
    window.ok_or_else(|| ClientError::missing("window"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_ticket_defaults_leave_priority_and_channel_unspecified() {
        let take = TakeTicket::new("district-centre", "tax");
        assert_eq!(take.priority, pb::PriorityClass::Unspecified);
        assert_eq!(take.channel, pb::Channel::Unspecified);
        assert_eq!(take.phone, None);
    }
}
