//! Placeholder until the store lands; every call answers UNAVAILABLE.

use async_trait::async_trait;

use crate::domain::{
    NewTicket, Now, ServiceId, Ticket, TicketId, TicketView, WindowCommand, WindowNo, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{Issued, QueueStore, ServiceStatus};

pub struct RedisStore;

fn missing<T>() -> QueueResult<T> {
    Err(QueueError::Unavailable("store not built yet".into()))
}

#[async_trait]
impl QueueStore for RedisStore {
    async fn take_ticket(&self, _: &Branch, _: &NewTicket, _: &Now) -> QueueResult<Issued> {
        missing()
    }
    async fn get_ticket(&self, _: &Branch, _: &TicketId) -> QueueResult<TicketView> {
        missing()
    }
    async fn list_waiting(&self, _: &Branch, _: &ServiceId, _: &Now) -> QueueResult<Vec<Ticket>> {
        missing()
    }
    async fn cancel_ticket(&self, _: &Branch, _: &TicketId, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn windows(&self, _: &Branch) -> QueueResult<Vec<WindowStatus>> {
        missing()
    }
    async fn services(&self, _: &Branch, _: &Now) -> QueueResult<Vec<ServiceStatus>> {
        missing()
    }
    async fn set_window(
        &self,
        _: &Branch,
        _: WindowNo,
        _: &WindowCommand,
        _: &Now,
    ) -> QueueResult<WindowStatus> {
        missing()
    }
    async fn call_next(&self, _: &Branch, _: WindowNo, _: &Now) -> QueueResult<Option<TicketView>> {
        missing()
    }
    async fn call_ticket(
        &self,
        _: &Branch,
        _: WindowNo,
        _: &TicketId,
        _: &Now,
    ) -> QueueResult<TicketView> {
        missing()
    }
    async fn recall(&self, _: &Branch, _: WindowNo, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn start_service(&self, _: &Branch, _: WindowNo, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn complete_service(&self, _: &Branch, _: WindowNo, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn mark_no_show(&self, _: &Branch, _: WindowNo, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn requeue(&self, _: &Branch, _: &TicketId, _: &Now) -> QueueResult<TicketView> {
        missing()
    }
    async fn transfer(
        &self,
        _: &Branch,
        _: WindowNo,
        _: &ServiceId,
        _: bool,
        _: &Now,
    ) -> QueueResult<TicketView> {
        missing()
    }
    async fn expire_past_days(&self, _: &Branch, _: &Now) -> QueueResult<u32> {
        missing()
    }
    async fn ping(&self) -> QueueResult<()> {
        missing()
    }
}
