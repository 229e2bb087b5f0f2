//! [`QueueStore`] for [`MemoryStore`]: each method is one `step` (plan, commit, apply,
//! answer) or one `read`; the event log reads are in `board`.

use std::time::Duration;

use async_trait::async_trait;

use crate::domain::{
    Event, NewTicket, Now, ServiceId, Ticket, TicketId, TicketView, WindowCommand, WindowNo,
    WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{BoardSnapshot, Buffered, BufferedReminder, Issued, QueueStore, ServiceStatus};

use super::{MemoryStore, buffer_rows, history_rows, reminder_rows, steps, tickets, windows};

#[async_trait]
impl QueueStore for MemoryStore {
    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %new.service))]
    async fn take_ticket(
        &self,
        branch: &Branch,
        new: &NewTicket,
        now: &Now,
    ) -> QueueResult<Issued> {
        self.step(
            &branch.id,
            now.at,
            |s| {
                let plan = tickets::take(s, branch, new, now);
                reminder_rows::with_reminders(s, branch, now.day, plan)
            },
            |s, taken| {
                Ok(Issued {
                    view: s.view(branch, &taken.id)?,
                    replayed: taken.replayed,
                })
            },
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn get_ticket(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView> {
        self.read(&branch.id, |s| s.view(branch, id)).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %service))]
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

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn cancel_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| {
            reminder_rows::with_reminders(s, branch, now.day, tickets::cancel(s, id, now))
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
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

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn services(&self, branch: &Branch, now: &Now) -> QueueResult<Vec<ServiceStatus>> {
        Ok(self
            .read(&branch.id, |s| s.service_statuses(branch, now))
            .await)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn set_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        now: &Now,
    ) -> QueueResult<WindowStatus> {
        self.step(
            &branch.id,
            now.at,
            |s| windows::set_window(s, branch, window, command),
            |s, number| Ok(s.window_status(number)),
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn call_next(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<Option<TicketView>> {
        self.step(
            &branch.id,
            now.at,
            |s| {
                let plan = windows::call_next(s, branch, window, now);
                reminder_rows::with_reminders(s, branch, now.day, plan)
            },
            |s, id| id.map(|id| s.view(branch, &id)).transpose(),
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, ticket = %id))]
    async fn call_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| {
            let plan = windows::call_ticket(s, branch, window, id, now);
            reminder_rows::with_reminders(s, branch, now.day, plan)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn recall(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| {
            let plan = steps::recall(s, branch, window);
            if self.remind_on_recall {
                reminder_rows::with_reminders(s, branch, now.day, plan)
            } else {
                plan
            }
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn start_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| steps::start(s, branch, window, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn complete_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| steps::complete(s, branch, window, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn mark_no_show(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| steps::no_show(s, branch, window, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn requeue(&self, branch: &Branch, id: &TicketId, now: &Now) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| {
            let plan = tickets::requeue(s, branch, id, now);
            reminder_rows::with_reminders(s, branch, now.day, plan)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, target = %target))]
    async fn transfer(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.ticket_step(branch, now, |s| {
            let plan = steps::transfer(s, branch, window, target, to_front, now);
            reminder_rows::with_reminders(s, branch, now.day, plan)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, day = %now.day))]
    async fn expire_past_days(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        self.step(
            &branch.id,
            now.at,
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

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn snapshot(
        &self,
        branch: &Branch,
        now: &Now,
        recent_calls: usize,
    ) -> QueueResult<BoardSnapshot> {
        Ok(self.board(branch, now, recent_calls).await)
    }

    async fn last_event_id(&self, branch: &Branch) -> QueueResult<u64> {
        Ok(self.last_event(&branch.id).await)
    }

    async fn events_after(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
    ) -> QueueResult<Option<Vec<Event>>> {
        Ok(self.events_since(&branch.id, after, max).await)
    }

    async fn wait_events(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
        wait: Duration,
    ) -> QueueResult<Option<Vec<Event>>> {
        Ok(self.wait_for_events(&branch.id, after, max, wait).await)
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn history_pending(&self, branch: &Branch, limit: usize) -> QueueResult<Vec<Buffered>> {
        history_rows::pending(&self.pool, &branch.id, limit)
            .await
            .map_err(|e| QueueError::unavailable("sqlite", format!("{e:#}")))
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ids = ids.len()))]
    async fn history_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.ack(&buffer_rows::LIVE_HISTORY, &branch.id, ids).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn reminders_pending(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> QueueResult<Vec<BufferedReminder>> {
        reminder_rows::pending(&self.pool, &branch.id, limit)
            .await
            .map_err(|e| QueueError::unavailable("sqlite", format!("{e:#}")))
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ids = ids.len()))]
    async fn reminders_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.ack(&buffer_rows::LIVE_REMINDERS, &branch.id, ids)
            .await
    }
}
