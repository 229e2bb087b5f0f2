//! One display's watch of a branch. It subscribes to the branch's pump FIRST, then sends a
//! snapshot (or, when resuming, the missed events from the log), then the live events in id
//! order: an event at or below the last id sent is skipped, a hole before a live event is
//! filled from the log, and a watcher that lagged behind the pump sends a fresh snapshot
//! (FellBehind). The watch is a stream read straight from the branch's broadcast: no task
//! and no channel of its own, so a display that reads slowly (its HTTP/2 window full) only
//! lags its own receiver and is resynced when it reads again.

use std::collections::VecDeque;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch as signal};

use super::hub::{LiveEvent, Published};
use super::views::{SnapshotReason, WatchItem};
use super::{Display, board};
use crate::domain::{BranchId, Event};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;

/// Events read from the log per call when catching up.
const PAGE: usize = 500;

/// What a branch watch yields: an item of its own (a snapshot, an event read from the log),
/// or a live event shared with every watcher of the branch on this process.
#[derive(Debug, Clone)]
pub enum Watched {
    /// Boxed: snapshots and caught-up events are rare, and a watch's queue holds live events.
    Item(Box<WatchItem>),
    Live(Arc<LiveEvent>),
}

impl Watched {
    /// As a [`WatchItem`] (a live event's view is copied).
    pub fn into_item(self) -> WatchItem {
        match self {
            Self::Item(item) => *item,
            Self::Live(live) => WatchItem::Event(live.view.clone()),
        }
    }
}

pub(super) async fn watch_branch(
    display: &Arc<Display>,
    branch: &BranchId,
    resume_after: Option<u64>,
) -> QueueResult<BoxStream<'static, Watched>> {
    let layout = display.branch(branch)?;
    let live = display.hub.subscribe(&layout);
    let mut watcher = Watcher {
        display: Arc::clone(display),
        branch: layout,
        live,
        closed: display.closed(),
        last: 0,
        out: VecDeque::new(),
        more: false,
    };
    // The first step runs here so that an unreachable store fails the call itself.
    watcher.first(resume_after).await?;
    let items = futures::stream::unfold(watcher, |mut watcher| async move {
        match watcher.next().await {
            Ok(item) => Some((item, watcher)),
            Err(stop) => {
                stop.log(&watcher.branch.id);
                None
            }
        }
    });
    Ok(items.boxed())
}

/// Why a watch ended.
enum Stop {
    /// The service is stopping (or the pump is gone).
    Gone,
    /// The store failed; the display reconnects and resumes.
    Store(QueueError),
}

impl Stop {
    fn log(&self, branch: &BranchId) {
        match self {
            Self::Gone => tracing::debug!(branch = %branch, "display watch ended"),
            Self::Store(err) => {
                tracing::warn!(branch = %branch, error = %err, "display watch ended by a store error; the display resumes on reconnect");
            }
        }
    }
}

impl From<QueueError> for Stop {
    fn from(err: QueueError) -> Self {
        Self::Store(err)
    }
}

struct Watcher {
    display: Arc<Display>,
    branch: Arc<Branch>,
    live: broadcast::Receiver<Published>,
    closed: signal::Receiver<bool>,
    /// The last event id the display has (by an event or a snapshot).
    last: u64,
    /// Items ready to go, oldest first.
    out: VecDeque<Watched>,
    /// The last page read from the log when resuming was full: read on before going live.
    more: bool,
}

impl Watcher {
    /// The snapshot, or the first page of missed events when resuming inside the retention;
    /// true when that page was full (the log may hold more).
    ///
    /// Nothing else needs reading from the log before going live: the subscription came
    /// first, so a running pump publishes every event after those the snapshot (or page)
    /// holds, and a pump this subscription started announces where it starts
    /// ([`Published::Head`]), which the live loop catches up to.
    async fn first(&mut self, resume_after: Option<u64>) -> QueueResult<()> {
        let Some(after) = resume_after else {
            let board = self.snapshot(SnapshotReason::Initial).await?;
            self.out.push_back(board);
            return Ok(());
        };
        let store = self.display.queue.store();
        match store.events_after(&self.branch, after, PAGE).await? {
            None => {
                let board = self.snapshot(SnapshotReason::ResumeTooOld).await?;
                self.out.push_back(board);
            }
            Some(events) => {
                self.more = events.len() >= PAGE;
                self.last = after;
                self.unseen(events);
            }
        }
        Ok(())
    }

    /// The next item: a ready one, else the next page of a resume, else the next live step.
    async fn next(&mut self) -> Result<Watched, Stop> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Ok(item);
            }
            if self.more {
                self.more = self.catch_up_page(SnapshotReason::ResumeTooOld).await?;
            } else {
                self.step().await?;
            }
        }
    }

    /// Waits for the next message of the pump and readies what it calls for.
    async fn step(&mut self) -> Result<(), Stop> {
        let received = tokio::select! {
            received = self.live.recv() => received,
            _ = self.closed.wait_for(|closed| *closed) => return Err(Stop::Gone),
        };
        match received {
            Ok(Published::Event(live)) => {
                let id = live.view.id;
                if id <= self.last {
                    return Ok(());
                }
                if id > self.last + 1 {
                    self.catch_up(SnapshotReason::FellBehind).await?;
                }
                if id == self.last + 1 {
                    self.last = id;
                    self.out.push_back(Watched::Live(live));
                } else if id > self.last {
                    // The log did not hold the hole's events: start over from the board.
                    self.resync(SnapshotReason::FellBehind).await?;
                }
            }
            Ok(Published::Head(head)) => {
                if head > self.last {
                    self.catch_up(SnapshotReason::FellBehind).await?;
                }
            }
            Ok(Published::Resync) | Err(RecvError::Lagged(_)) => {
                self.resync(SnapshotReason::FellBehind).await?;
            }
            Err(RecvError::Closed) => return Err(Stop::Gone),
        }
        Ok(())
    }

    /// Readies every event the log holds after the last one readied; a snapshot if it no
    /// longer holds them all.
    async fn catch_up(&mut self, reason: SnapshotReason) -> Result<(), Stop> {
        while self.catch_up_page(reason).await? {}
        Ok(())
    }

    /// Readies one page of the log after the last event readied (a snapshot if the log no
    /// longer holds them all); true when the page was full (the log may hold more).
    async fn catch_up_page(&mut self, reason: SnapshotReason) -> Result<bool, Stop> {
        let page = self
            .display
            .queue
            .store()
            .events_after(&self.branch, self.last, PAGE)
            .await?;
        let Some(events) = page else {
            self.resync(reason).await?;
            return Ok(false);
        };
        let full = events.len() >= PAGE;
        self.unseen(events);
        Ok(full)
    }

    /// Readies the events of a log page (oldest first) this display has not seen yet; its
    /// last id moves to the newest of them.
    fn unseen(&mut self, events: Vec<Event>) {
        for event in events {
            if event.id > self.last {
                self.last = event.id;
                let view = board::event(&self.branch, &event);
                self.out
                    .push_back(Watched::Item(Box::new(WatchItem::Event(view))));
            }
        }
    }

    async fn resync(&mut self, reason: SnapshotReason) -> Result<(), Stop> {
        tracing::debug!(branch = %self.branch.id, last = self.last, reason = ?reason, "display resynced with a snapshot");
        let item = self.snapshot(reason).await?;
        self.out.push_back(item);
        Ok(())
    }

    /// A snapshot; the display's last id becomes the snapshot's (also when lower: the log
    /// was reset).
    async fn snapshot(&mut self, reason: SnapshotReason) -> QueueResult<Watched> {
        let board = self.display.board(&self.branch, reason).await?;
        self.last = board.last_event_id;
        Ok(Watched::Item(Box::new(WatchItem::Snapshot(board))))
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
