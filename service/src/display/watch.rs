//! One display's watch of a branch. It subscribes to the branch's pump FIRST, then sends a
//! snapshot (or, when resuming, the missed events from the log), then the live events in id
//! order: an event at or below the last id sent is skipped, a hole before a live event is
//! filled from the log, and a watcher that lagged behind the pump sends a fresh snapshot
//! (FellBehind). Output goes through a bounded channel fed by a task of its own, so a slow
//! display only makes its own task lag.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch as signal};
use tokio_stream::wrappers::ReceiverStream;

use super::hub::Published;
use super::views::{SnapshotReason, WatchItem};
use super::{Display, board};
use crate::domain::{BranchId, Event};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;

/// Events read from the log per call when catching up.
const PAGE: usize = 500;

pub(super) async fn watch_branch(
    display: &Arc<Display>,
    branch: &BranchId,
    resume_after: Option<u64>,
) -> QueueResult<BoxStream<'static, WatchItem>> {
    let layout = display.branch(branch)?;
    let live = display.hub.subscribe(&layout);
    let (tx, out) = mpsc::channel(display.settings.client_buffer.max(1));
    let mut watcher = Watcher {
        display: Arc::clone(display),
        branch: layout,
        live,
        tx,
        closed: display.closed(),
        last: 0,
    };
    // The first step runs here so that an unreachable store fails the call itself.
    let (first, more) = watcher.first(resume_after).await?;
    tokio::spawn(async move {
        if let Err(stop) = watcher.run(first, more).await {
            stop.log(&watcher.branch.id);
        }
    });
    Ok(ReceiverStream::new(out).boxed())
}

/// Why a watch ended.
enum Stop {
    /// The display went away (or the service is stopping).
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
    tx: mpsc::Sender<WatchItem>,
    closed: signal::Receiver<bool>,
    /// The last event id the display has (by an event or a snapshot).
    last: u64,
}

impl Watcher {
    /// The snapshot, or the first page of missed events when resuming inside the retention;
    /// true when that page was full (the log may hold more).
    ///
    /// Nothing else needs reading from the log before going live: the subscription came
    /// first, so a running pump publishes every event after those the snapshot (or page)
    /// holds, and a pump this subscription started announces where it starts
    /// ([`Published::Head`]), which the live loop catches up to.
    async fn first(&mut self, resume_after: Option<u64>) -> QueueResult<(Vec<WatchItem>, bool)> {
        let Some(after) = resume_after else {
            let board = self.snapshot(SnapshotReason::Initial).await?;
            return Ok((vec![board], false));
        };
        let store = self.display.queue.store();
        match store.events_after(&self.branch, after, PAGE).await? {
            None => {
                let board = self.snapshot(SnapshotReason::ResumeTooOld).await?;
                Ok((vec![board], false))
            }
            Some(events) => {
                let more = events.len() >= PAGE;
                self.last = after;
                Ok((self.unseen(events), more))
            }
        }
    }

    async fn run(&mut self, first: Vec<WatchItem>, more: bool) -> Result<(), Stop> {
        for item in first {
            self.send(item).await?;
        }
        if more {
            self.catch_up(SnapshotReason::ResumeTooOld).await?;
        }
        loop {
            let received = tokio::select! {
                received = self.live.recv() => received,
                () = self.tx.closed() => return Err(Stop::Gone),
                _ = self.closed.wait_for(|closed| *closed) => return Err(Stop::Gone),
            };
            match received {
                Ok(Published::Event(live)) => {
                    let id = live.view.id;
                    if id <= self.last {
                        continue;
                    }
                    if id > self.last + 1 {
                        self.catch_up(SnapshotReason::FellBehind).await?;
                    }
                    if id == self.last + 1 {
                        self.last = id;
                        self.send(WatchItem::Event(live.view.clone())).await?;
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
        }
    }

    /// Sends every event the log holds after the last one sent; a snapshot if it no longer
    /// holds them all.
    async fn catch_up(&mut self, reason: SnapshotReason) -> Result<(), Stop> {
        loop {
            let page = self
                .display
                .queue
                .store()
                .events_after(&self.branch, self.last, PAGE)
                .await?;
            let Some(events) = page else {
                return self.resync(reason).await;
            };
            let full = events.len() >= PAGE;
            for item in self.unseen(events) {
                self.send(item).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// The events of a log page (oldest first) this display has not seen yet, as items; its
    /// last id moves to the newest of them.
    fn unseen(&mut self, events: Vec<Event>) -> Vec<WatchItem> {
        let mut items = Vec::with_capacity(events.len());
        for event in events {
            if event.id > self.last {
                self.last = event.id;
                items.push(WatchItem::Event(board::event(&self.branch, &event)));
            }
        }
        items
    }

    async fn resync(&mut self, reason: SnapshotReason) -> Result<(), Stop> {
        tracing::debug!(branch = %self.branch.id, last = self.last, reason = ?reason, "display resynced with a snapshot");
        let item = self.snapshot(reason).await?;
        self.send(item).await
    }

    /// A snapshot; the display's last id becomes the snapshot's (also when lower: the log
    /// was reset).
    async fn snapshot(&mut self, reason: SnapshotReason) -> QueueResult<WatchItem> {
        let board = self.display.board(&self.branch, reason).await?;
        self.last = board.last_event_id;
        Ok(WatchItem::Snapshot(board))
    }

    async fn send(&mut self, item: WatchItem) -> Result<(), Stop> {
        tokio::select! {
            sent = self.tx.send(item) => sent.map_err(|_| Stop::Gone),
            _ = self.closed.wait_for(|closed| *closed) => Err(Stop::Gone),
        }
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
