//! Changing the hall layout while the service runs (the AdminService's domain). Each change
//! is checked and written in one transaction of the records database (`change_hall`), which
//! bumps `layout_version`; then the local [`HallHandle`] takes the new layout at once, and
//! other replicas take it when they next poll `layout_version` (`hall::sync`).
//!
//! What needs the live queue is checked first, outside the transaction: a service with
//! waiting tickets, a window holding a called or serving ticket, a branch with either. A
//! ticket taken in the moment between that check and the commit is not seen; the structural
//! checks (windows serving a service, child branches, references, prefixes) are made inside
//! the transaction against the layout it writes.

pub mod edit;

use std::sync::Arc;

use crate::booking::CalendarYear;
use crate::domain::{BranchId, ServiceId, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::hall::file::{HallFormat, parse};
use crate::hall::signal::LayoutSignal;
use crate::hall::{Branch, Hall, HallHandle, Service, Window};
use crate::queue::Queue;
use crate::records::Db;
use crate::records::db_error;
use crate::records::layout::{Changed, change_hall, load_layout};

pub use edit::{BranchSpec, Created};

/// The layout as stored, with its version.
#[derive(Debug, Clone)]
pub struct Layout {
    pub hall: Hall,
    pub version: i64,
}

/// The AdminService's domain: the records database and the queue (for its live state and
/// its hall handle).
pub struct Admin {
    db: Db,
    queue: Arc<Queue>,
    signal: Option<LayoutSignal>,
}

impl Admin {
    pub fn new(db: Db, queue: Arc<Queue>) -> Self {
        Self {
            db,
            queue,
            signal: None,
        }
    }

    /// Also publishes each change on `signal` (Redis), so other replicas reload at once.
    pub fn with_signal(mut self, signal: Option<LayoutSignal>) -> Self {
        self.signal = signal;
        self
    }

    fn handle(&self) -> &Arc<HallHandle> {
        self.queue.hall_handle()
    }

    /// Writes `change` and swaps the result into the local hall handle.
    async fn change<T>(
        &self,
        change: impl FnOnce(&Hall) -> QueueResult<(Hall, T)>,
    ) -> QueueResult<Changed<T>> {
        let changed = change_hall(&self.db, change).await?;
        self.handle()
            .replace_if_newer(changed.hall.clone(), changed.version);
        if let Some(signal) = &self.signal {
            signal.publish(changed.version).await;
        }
        Ok(changed)
    }

    /// The stored layout (every branch, or `branch`'s only) and its version.
    pub async fn layout(&self, branch: Option<&BranchId>) -> QueueResult<Layout> {
        let (mut hall, version) = load_layout(&self.db).await.map_err(db_error)?;
        if let Some(id) = branch {
            let only = hall
                .branches
                .remove(id)
                .ok_or_else(|| QueueError::not_found("branch", id))?;
            hall.branches.clear();
            hall.branches.insert(id.clone(), only);
        }
        Ok(Layout { hall, version })
    }

    pub async fn put_branch(&self, spec: BranchSpec) -> QueueResult<(Arc<Branch>, i64, Created)> {
        let id = spec.id.clone();
        let changed = self.change(|hall| edit::put_branch(hall, spec)).await?;
        let branch = stored(&changed.hall, &id)?;
        Ok((branch, changed.version, changed.value))
    }

    /// Refused while the branch has waiting tickets, a window holding a ticket, or children.
    pub async fn delete_branch(&self, id: &BranchId) -> QueueResult<i64> {
        if self.queue.hall().branch(id).is_some() {
            let info = self.queue.branch_info(id).await?;
            let waiting: u32 = info.services.iter().map(|s| s.status.waiting).sum();
            if waiting > 0 {
                return Err(QueueError::FailedPrecondition(format!(
                    "branch '{id}' has {waiting} waiting ticket(s); serve or cancel them first"
                )));
            }
            if let Some(window) = info.windows.iter().find(|w| w.current.is_some()) {
                return Err(QueueError::FailedPrecondition(format!(
                    "window {} of branch '{id}' holds a ticket; complete it first",
                    window.number
                )));
            }
        }
        let changed = self
            .change(|hall| Ok((edit::delete_branch(hall, id)?, ())))
            .await?;
        Ok(changed.version)
    }

    pub async fn put_service(
        &self,
        branch: &BranchId,
        service: Service,
    ) -> QueueResult<(Service, i64, Created)> {
        let id = service.id.clone();
        let changed = self
            .change(|hall| edit::put_service(hall, branch, service))
            .await?;
        let service = stored(&changed.hall, branch)?
            .service(&id)
            .cloned()
            .ok_or_else(|| QueueError::not_found("service", &id))?;
        Ok((service, changed.version, changed.value))
    }

    /// Refused while windows serve the service or tickets wait for it.
    pub async fn delete_service(&self, branch: &BranchId, id: &ServiceId) -> QueueResult<i64> {
        let hall = self.queue.hall();
        if hall.branch(branch).and_then(|b| b.service(id)).is_some() {
            let info = self.queue.branch_info(branch).await?;
            let waiting = info
                .services
                .iter()
                .find(|s| &s.service.id == id)
                .map_or(0, |s| s.status.waiting);
            if waiting > 0 {
                return Err(QueueError::FailedPrecondition(format!(
                    "service '{id}' has {waiting} waiting ticket(s); serve, transfer or cancel them first"
                )));
            }
        }
        let changed = self
            .change(|hall| Ok((edit::delete_service(hall, branch, id)?, ())))
            .await?;
        Ok(changed.version)
    }

    pub async fn put_window(
        &self,
        branch: &BranchId,
        window: Window,
    ) -> QueueResult<(Window, i64, Created)> {
        let number = window.number;
        let changed = self
            .change(|hall| edit::put_window(hall, branch, window))
            .await?;
        let window = stored(&changed.hall, branch)?
            .window(number)
            .cloned()
            .ok_or_else(|| QueueError::not_found("window", number))?;
        Ok((window, changed.version, changed.value))
    }

    /// Refused while the window holds a called or serving ticket.
    pub async fn delete_window(&self, branch: &BranchId, number: WindowNo) -> QueueResult<i64> {
        let hall = self.queue.hall();
        if hall.branch(branch).and_then(|b| b.window(number)).is_some() {
            let info = self.queue.branch_info(branch).await?;
            let held = info
                .windows
                .iter()
                .find(|w| w.number == number)
                .and_then(|w| w.current.as_ref());
            if let Some(ticket) = held {
                return Err(QueueError::FailedPrecondition(format!(
                    "window {number} holds ticket {} ({}); complete it, mark it no-show or transfer it first",
                    ticket.number(),
                    ticket.state
                )));
            }
        }
        let changed = self
            .change(|hall| Ok((edit::delete_window(hall, branch, number)?, ())))
            .await?;
        Ok(changed.version)
    }

    pub async fn set_calendar(
        &self,
        branch: &BranchId,
        year: CalendarYear,
    ) -> QueueResult<(CalendarYear, i64)> {
        let number = year.year();
        let changed = self
            .change(|hall| Ok((edit::set_calendar(hall, branch, year)?, ())))
            .await?;
        let year = stored(&changed.hall, branch)?
            .calendar
            .year(number)
            .cloned()
            .ok_or_else(|| QueueError::not_found("calendar year", number))?;
        Ok((year, changed.version))
    }

    /// Replaces the whole layout with a hall file's; the file's error (field and line) is
    /// INVALID_ARGUMENT on `text`. Refused, like the deletes, when the file drops a service
    /// that tickets wait for or a window that holds a ticket.
    pub async fn apply_hall(&self, text: &str, format: HallFormat) -> QueueResult<Layout> {
        let hall =
            parse(text, format).map_err(|err| QueueError::invalid("text", format!("{err:#}")))?;
        self.refuse_dropping_live(&hall).await?;
        let changed = self.change(move |_| Ok((hall, ()))).await?;
        Ok(Layout {
            hall: changed.hall,
            version: changed.version,
        })
    }
}

impl Admin {
    /// FAILED_PRECONDITION when `next` lacks a service of the running layout that has
    /// waiting tickets, or a window that holds a ticket.
    async fn refuse_dropping_live(&self, next: &Hall) -> QueueResult<()> {
        let current = self.queue.hall();
        for (id, branch) in &current.branches {
            let kept = next.branch(id);
            let dropped_service = |s: &&Service| kept.and_then(|k| k.service(&s.id)).is_none();
            let dropped_window = |w: &&Window| kept.and_then(|k| k.window(w.number)).is_none();
            let services: Vec<&Service> = branch.services.iter().filter(dropped_service).collect();
            let windows: Vec<&Window> = branch.windows.iter().filter(dropped_window).collect();
            if services.is_empty() && windows.is_empty() {
                continue;
            }
            let info = self.queue.branch_info(id).await?;
            for status in &info.services {
                if status.status.waiting > 0 && services.iter().any(|s| s.id == status.service.id) {
                    return Err(QueueError::FailedPrecondition(format!(
                        "the hall file drops service '{}' of branch '{id}', which has {} waiting ticket(s); serve, transfer or cancel them first",
                        status.service.id, status.status.waiting
                    )));
                }
            }
            for window in &info.windows {
                if let Some(ticket) = &window.current
                    && windows.iter().any(|w| w.number == window.number)
                {
                    return Err(QueueError::FailedPrecondition(format!(
                        "the hall file drops window {} of branch '{id}', which holds ticket {}; complete it first",
                        window.number,
                        ticket.number()
                    )));
                }
            }
        }
        Ok(())
    }
}

fn stored(hall: &Hall, id: &BranchId) -> QueueResult<Arc<Branch>> {
    hall.branch(id)
        .cloned()
        .ok_or_else(|| QueueError::not_found("branch", id))
}
