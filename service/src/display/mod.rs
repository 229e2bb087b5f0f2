//! Hall displays: a branch's board as a live stream (a snapshot, then every event in order,
//! resumable by event id) and a ticket's progress for the citizen's phone. One pump per
//! watched branch per process reads the store's event log and fans it out in process
//! (`hub`); each branch watch is a stream read from that broadcast (`watch`) and each ticket
//! watch a task with a bounded output (`ticket`), so a slow display only ever delays itself
//! and is resynced with a snapshot.

pub mod announce;
pub mod board;
pub mod hub;
pub mod views;

mod settings;
#[cfg(test)]
pub(crate) mod test_fixture;
mod ticket;
mod watch;

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::watch as signal;

use crate::domain::{BranchId, TicketRef};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::queue::{Queue, TicketInfo};

pub use hub::{HubTiming, LiveEvent};
pub use settings::DisplaySettings;
pub use views::{
    AnnouncementView, BoardView, CallView, EventView, EventViewKind, ServiceView, SnapshotReason,
    WatchItem, WindowView,
};
pub use watch::Watched;

/// The display streams of every branch of the hall, on this process.
pub struct Display {
    queue: Arc<Queue>,
    settings: DisplaySettings,
    hub: hub::Hub,
    closed: signal::Sender<bool>,
}

impl Display {
    pub fn new(queue: Arc<Queue>, settings: DisplaySettings) -> Arc<Self> {
        Self::with_timing(queue, settings, HubTiming::default())
    }

    /// As [`Display::new`] with the pumps' waits set (tests shorten them).
    pub fn with_timing(
        queue: Arc<Queue>,
        settings: DisplaySettings,
        timing: HubTiming,
    ) -> Arc<Self> {
        let (closed, watching) = signal::channel(false);
        let hub = hub::Hub::new(
            Arc::clone(queue.store()),
            settings.branch_buffer,
            timing,
            watching,
        );
        Arc::new(Self {
            queue,
            settings,
            hub,
            closed,
        })
    }

    pub fn queue(&self) -> &Arc<Queue> {
        &self.queue
    }

    pub fn settings(&self) -> &DisplaySettings {
        &self.settings
    }

    /// Ends every watch and pump (at shutdown, so that long streams let the servers stop).
    /// Watches asked for afterwards answer UNAVAILABLE.
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// How many branches this process reads events of now.
    pub fn watched_branches(&self) -> usize {
        self.hub.pumps()
    }

    /// First a Snapshot (reason Initial, or ResumeTooOld), or the missed events when resuming
    /// inside the retention; then live events in id order, never a duplicate or a gap; a
    /// consumer that falls behind gets Snapshot(FellBehind) and continues from there.
    pub async fn watch_branch(
        self: &Arc<Self>,
        branch: &BranchId,
        resume_after: Option<u64>,
    ) -> QueueResult<BoxStream<'static, WatchItem>> {
        let watched = watch::watch_branch(self, branch, resume_after).await?;
        Ok(watched.map(Watched::into_item).boxed())
    }

    /// As [`Display::watch_branch`], with live events as the [`LiveEvent`] every watcher of
    /// the branch shares (so that each is encoded once for all of them).
    pub async fn watch_branch_shared(
        self: &Arc<Self>,
        branch: &BranchId,
        resume_after: Option<u64>,
    ) -> QueueResult<BoxStream<'static, Watched>> {
        watch::watch_branch(self, branch, resume_after).await
    }

    /// The ticket at once, then on every change of people ahead / wait / state / window;
    /// ends after a final state.
    pub async fn watch_ticket(
        self: &Arc<Self>,
        ticket: TicketRef,
    ) -> QueueResult<BoxStream<'static, QueueResult<TicketInfo>>> {
        ticket::watch_ticket(self, ticket).await
    }

    /// The branch's layout; NOT_FOUND for a branch the hall does not have, UNAVAILABLE once
    /// closed.
    fn branch(&self, id: &BranchId) -> QueueResult<Arc<Branch>> {
        if self.is_closed() {
            return Err(QueueError::Unavailable(
                "the service is stopping; reconnect to another replica".into(),
            ));
        }
        self.queue
            .hall()
            .branch(id)
            .cloned()
            .ok_or_else(|| QueueError::not_found("branch", id))
    }

    fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    fn closed(&self) -> signal::Receiver<bool> {
        self.closed.subscribe()
    }

    /// The whole board now, as of the last event it reflects.
    async fn board(&self, branch: &Branch, reason: SnapshotReason) -> QueueResult<BoardView> {
        let now = self.queue.now(branch).await?;
        let snapshot = self
            .queue
            .store()
            .snapshot(branch, &now, self.settings.recent_calls)
            .await?;
        Ok(board::board(branch, &snapshot, reason, now.day))
    }
}
