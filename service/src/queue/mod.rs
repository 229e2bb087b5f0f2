//! The queue as the rest of the program sees it: resolves names against the hall layout,
//! takes the time from the clock, ends past service days, asks the store for the one atomic
//! step, and estimates waits. It knows nothing of gRPC.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::domain::{
    BranchId, NewTicket, Now, ServiceId, Ticket, TicketRef, TicketView, WindowCommand, WindowNo,
    WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Hall, HallHandle, Service};
use crate::store::{Issued, QueueStore, ServiceStatus};

mod wait;
pub use wait::estimate_wait;

/// A ticket as a citizen or clerk sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketInfo {
    pub ticket: Ticket,
    pub people_ahead: u32,
    pub estimated_wait: Duration,
}

/// A service and how long its queue is now.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceInfo {
    pub service: Service,
    pub status: ServiceStatus,
    pub estimated_wait: Duration,
}

/// A branch's layout with its live state.
#[derive(Debug, Clone)]
pub struct BranchInfo {
    pub branch: Arc<Branch>,
    pub today: NaiveDate,
    pub services: Vec<ServiceInfo>,
    pub windows: Vec<WindowStatus>,
}

/// The queue of every branch of the hall.
pub struct Queue {
    hall: Arc<HallHandle>,
    store: Arc<dyn QueueStore>,
    clock: Arc<dyn Clock>,
    /// The service day each branch was last seen on; a newer day first expires the old.
    days: Mutex<HashMap<BranchId, NaiveDate>>,
}

impl Queue {
    pub fn new(hall: Arc<HallHandle>, store: Arc<dyn QueueStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            hall,
            store,
            clock,
            days: Mutex::new(HashMap::new()),
        }
    }

    /// The hall layout now (a later layout change does not alter the one returned).
    pub fn hall(&self) -> Arc<Hall> {
        self.hall.load()
    }

    /// The handle a layout change swaps the hall through.
    pub fn hall_handle(&self) -> &Arc<HallHandle> {
        &self.hall
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn store(&self) -> &Arc<dyn QueueStore> {
        &self.store
    }

    fn branch(&self, id: &BranchId) -> QueueResult<Arc<Branch>> {
        self.hall
            .load()
            .branch(id)
            .cloned()
            .ok_or_else(|| QueueError::not_found("branch", id))
    }

    fn service<'a>(branch: &'a Branch, id: &ServiceId) -> QueueResult<&'a Service> {
        branch.service(id).ok_or_else(|| QueueError::NotFound {
            what: "service",
            name: format!("{id}' in branch '{}", branch.id),
        })
    }

    fn window(branch: &Branch, number: WindowNo) -> QueueResult<()> {
        branch
            .window(number)
            .map(|_| ())
            .ok_or_else(|| QueueError::NotFound {
                what: "window",
                name: format!("{number}' in branch '{}", branch.id),
            })
    }

    /// The branch's present, after ending any service day that has passed since last seen.
    pub async fn now(&self, branch: &Branch) -> QueueResult<Now> {
        let now = branch.now(self.clock.now());
        let seen = self
            .days
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&branch.id)
            .copied();
        if seen.is_none_or(|day| day < now.day) {
            self.expire(branch, &now).await?;
        }
        Ok(now)
    }

    async fn expire(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        let expired = self.store.expire_past_days(branch, now).await?;
        if expired > 0 {
            tracing::info!(branch = %branch.id, expired, day = %now.day, "service day ended; waiting tickets expired");
        }
        self.days
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(branch.id.clone(), now.day);
        Ok(expired)
    }

    /// Ends past service days of every branch; run at start-up and every minute.
    pub async fn expire_past_days(&self) -> QueueResult<u32> {
        let mut total = 0;
        for branch in self.hall.load().branches.values() {
            let now = branch.now(self.clock.now());
            total += self.expire(branch, &now).await?;
        }
        Ok(total)
    }

    fn info(branch: &Branch, view: TicketView) -> TicketInfo {
        let seed = branch
            .service(&view.ticket.service)
            .map_or(Duration::from_secs(300), |s| s.avg_service_seed);
        let estimated_wait = if view.ticket.state == crate::domain::TicketState::Waiting {
            estimate_wait(
                view.people_ahead,
                view.avg_service_ms,
                seed,
                view.open_windows,
            )
        } else {
            Duration::ZERO
        };
        TicketInfo {
            ticket: view.ticket,
            people_ahead: view.people_ahead,
            estimated_wait,
        }
    }

    pub async fn take_ticket(
        &self,
        branch: &BranchId,
        new: NewTicket,
    ) -> QueueResult<(TicketInfo, bool)> {
        let branch = self.branch(branch)?;
        Self::service(&branch, &new.service)?;
        let now = self.now(&branch).await?;
        let Issued { view, replayed } = self.store.take_ticket(&branch, &new, &now).await?;
        if !replayed {
            tracing::info!(branch = %branch.id, ticket = %view.ticket.id.number, service = %new.service,
                priority = new.priority.as_str(), channel = new.channel.as_str(), phone = new.phone.as_ref().map_or_else(String::new, crate::domain::Phone::masked), "ticket issued");
        }
        Ok((Self::info(&branch, view), replayed))
    }

    pub async fn get_ticket(&self, ticket: TicketRef) -> QueueResult<TicketInfo> {
        let branch = self.branch(&ticket.branch)?;
        let now = self.now(&branch).await?;
        let view = self.store.get_ticket(&branch, &ticket.on(now.day)).await?;
        Ok(Self::info(&branch, view))
    }

    pub async fn list_waiting(
        &self,
        branch: &BranchId,
        service: &ServiceId,
    ) -> QueueResult<Vec<Ticket>> {
        let branch = self.branch(branch)?;
        Self::service(&branch, service)?;
        let now = self.now(&branch).await?;
        self.store.list_waiting(&branch, service, &now).await
    }

    pub async fn cancel_ticket(&self, ticket: TicketRef) -> QueueResult<TicketInfo> {
        let branch = self.branch(&ticket.branch)?;
        let now = self.now(&branch).await?;
        let view = self
            .store
            .cancel_ticket(&branch, &ticket.on(now.day), &now)
            .await?;
        Ok(Self::info(&branch, view))
    }

    pub async fn branch_info(&self, branch: &BranchId) -> QueueResult<BranchInfo> {
        let branch = self.branch(branch)?;
        let now = self.now(&branch).await?;
        let statuses = self.store.services(&branch, &now).await?;
        let windows = self.store.windows(&branch).await?;
        let services = branch
            .services
            .iter()
            .zip(statuses)
            .map(|(service, status)| ServiceInfo {
                estimated_wait: estimate_wait(
                    status.waiting,
                    status.avg_service_ms,
                    service.avg_service_seed,
                    status.open_windows,
                ),
                service: service.clone(),
                status,
            })
            .collect();
        Ok(BranchInfo {
            today: now.day,
            branch,
            services,
            windows,
        })
    }

    pub async fn set_window(
        &self,
        branch: &BranchId,
        window: WindowNo,
        command: WindowCommand,
    ) -> QueueResult<WindowStatus> {
        let branch = self.branch(branch)?;
        Self::window(&branch, window)?;
        let now = self.now(&branch).await?;
        let status = self
            .store
            .set_window(&branch, window, &command, &now)
            .await?;
        tracing::info!(branch = %branch.id, window = %window, state = %status.state, "window state set");
        Ok(status)
    }

    pub async fn call_next(
        &self,
        branch: &BranchId,
        window: WindowNo,
    ) -> QueueResult<Option<TicketInfo>> {
        let branch = self.branch(branch)?;
        Self::window(&branch, window)?;
        let now = self.now(&branch).await?;
        let called = self.store.call_next(&branch, window, &now).await?;
        if let Some(view) = &called {
            tracing::info!(branch = %branch.id, window = %window, ticket = %view.ticket.id.number, "ticket called");
        }
        Ok(called.map(|view| Self::info(&branch, view)))
    }

    pub async fn call_ticket(
        &self,
        branch: &BranchId,
        window: WindowNo,
        ticket: TicketRef,
    ) -> QueueResult<TicketInfo> {
        let branch = self.branch(branch)?;
        Self::window(&branch, window)?;
        if ticket.branch != branch.id {
            return Err(QueueError::invalid(
                "ticket_id",
                format!("belongs to branch '{}', not '{}'", ticket.branch, branch.id),
            ));
        }
        let now = self.now(&branch).await?;
        let view = self
            .store
            .call_ticket(&branch, window, &ticket.on(now.day), &now)
            .await?;
        tracing::info!(branch = %branch.id, window = %window, ticket = %view.ticket.id.number, "ticket called out of order");
        Ok(Self::info(&branch, view))
    }

    /// Recall, start, complete and no-show: a step on the ticket the window holds.
    pub async fn window_step(
        &self,
        branch: &BranchId,
        window: WindowNo,
        step: WindowStep,
    ) -> QueueResult<TicketInfo> {
        let branch = self.branch(branch)?;
        Self::window(&branch, window)?;
        let now = self.now(&branch).await?;
        let view = match step {
            WindowStep::Recall => self.store.recall(&branch, window, &now).await?,
            WindowStep::Start => self.store.start_service(&branch, window, &now).await?,
            WindowStep::Complete => self.store.complete_service(&branch, window, &now).await?,
            WindowStep::NoShow => self.store.mark_no_show(&branch, window, &now).await?,
        };
        tracing::info!(branch = %branch.id, window = %window, ticket = %view.ticket.id.number,
            state = %view.ticket.state, step = ?step, "window step");
        Ok(Self::info(&branch, view))
    }

    pub async fn requeue(&self, ticket: TicketRef) -> QueueResult<TicketInfo> {
        let branch = self.branch(&ticket.branch)?;
        let now = self.now(&branch).await?;
        let view = self
            .store
            .requeue(&branch, &ticket.on(now.day), &now)
            .await?;
        tracing::info!(branch = %branch.id, ticket = %view.ticket.id.number, ahead = view.people_ahead, "ticket requeued");
        Ok(Self::info(&branch, view))
    }

    pub async fn transfer(
        &self,
        branch: &BranchId,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
    ) -> QueueResult<TicketInfo> {
        let branch = self.branch(branch)?;
        Self::window(&branch, window)?;
        Self::service(&branch, target).map_err(|_| QueueError::NotFound {
            what: "target_service_id",
            name: format!("{target}' in branch '{}", branch.id),
        })?;
        let now = self.now(&branch).await?;
        let view = self
            .store
            .transfer(&branch, window, target, to_front, &now)
            .await?;
        tracing::info!(branch = %branch.id, window = %window, ticket = %view.ticket.id.number, to = %target, to_front, "ticket transferred");
        Ok(Self::info(&branch, view))
    }

    /// Ok when the store answers.
    pub async fn ready(&self) -> QueueResult<()> {
        self.store.ping().await
    }
}

/// A step on the ticket a window holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowStep {
    Recall,
    Start,
    Complete,
    NoShow,
}
