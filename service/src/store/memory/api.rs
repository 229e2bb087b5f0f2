//! [`QueueStore`] for [`MemoryStore`]: each method is one `step` (plan, commit, apply,
//! answer) or one `read`.

use async_trait::async_trait;

use crate::domain::{
    NewTicket, Now, ServiceId, Ticket, TicketId, TicketView, WindowCommand, WindowNo, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{Issued, QueueStore, ServiceStatus};

use super::{MemoryStore, steps, tickets, windows};

#[async_trait]
impl QueueStore for MemoryStore {
    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, service = %new.service))]
    async fn take_ticket(
        &self,
        branch: &Branch,
        new: &NewTicket,
        now: &Now,
    ) -> QueueResult<Issued> {
        self.step(
            &branch.id,
            |s| tickets::take(s, branch, new, now),
            |s, taken| {
                Ok(Issued {
                    view: s.view(branch, &taken.id)?,
                    replayed: taken.replayed,
                })
            },
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn get_ticket(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView> {
        self.read(&branch.id, |s| s.view(branch, id)).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, service = %service))]
    async fn list_waiting(
        &self,
        branch: &Branch,
        service: &ServiceId,
        now: &Now,
    ) -> QueueResult<Vec<Ticket>> {
        Ok(self
            .read(&branch.id, |s| s.waiting_tickets(now.day, service))
            .await)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn cancel_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| tickets::cancel(s, id, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id))]
    async fn windows(&self, branch: &Branch) -> QueueResult<Vec<WindowStatus>> {
        Ok(self
            .read(&branch.id, |s| {
                branch
                    .windows
                    .iter()
                    .map(|w| s.window_status(w.number))
                    .collect()
            })
            .await)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id))]
    async fn services(&self, branch: &Branch, now: &Now) -> QueueResult<Vec<ServiceStatus>> {
        Ok(self
            .read(&branch.id, |s| {
                branch
                    .services
                    .iter()
                    .map(|service| ServiceStatus {
                        service: service.id.clone(),
                        waiting: s
                            .queue(now.day, &service.id)
                            .map_or(0, |q| u32::try_from(q.len()).unwrap_or(u32::MAX)),
                        issued_today: s.issued(now.day, &service.id),
                        avg_service_ms: s.averages.get(&service.id).copied(),
                        open_windows: s.open_windows(branch, &service.id),
                    })
                    .collect()
            })
            .await)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn set_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        _now: &Now,
    ) -> QueueResult<WindowStatus> {
        self.step(
            &branch.id,
            |s| windows::set_window(s, branch, window, command),
            |s, number| Ok(s.window_status(number)),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn call_next(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<Option<TicketView>> {
        self.step(
            &branch.id,
            |s| windows::call_next(s, branch, window, now),
            |s, id| id.map(|id| s.view(branch, &id)).transpose(),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window, ticket = %id))]
    async fn call_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| windows::call_ticket(s, branch, window, id, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn recall(
        &self,
        branch: &Branch,
        window: WindowNo,
        _now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| steps::recall(s, branch, window),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn start_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| steps::start(s, branch, window, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn complete_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| steps::complete(s, branch, window, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window))]
    async fn mark_no_show(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| steps::no_show(s, branch, window, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn requeue(&self, branch: &Branch, id: &TicketId, now: &Now) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| tickets::requeue(s, branch, id, now),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, window = %window, target = %target))]
    async fn transfer(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        _now: &Now,
    ) -> QueueResult<TicketView> {
        self.step(
            &branch.id,
            |s| steps::transfer(s, branch, window, target, to_front),
            |s, id| s.view(branch, &id),
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(branch = %branch.id, day = %now.day))]
    async fn expire_past_days(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        self.step(
            &branch.id,
            |s| Ok(tickets::expire(s, now)),
            |_, expired| Ok(expired),
        )
        .await
    }

    async fn ping(&self) -> QueueResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| QueueError::unavailable("sqlite", e))
    }
}
