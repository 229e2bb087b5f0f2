//! The per-process fan-out of a branch's events. For each branch that has watchers, ONE pump
//! task reads the branch's event log (`wait_events`, a long poll) and publishes each event
//! into a broadcast channel that every watcher of the branch on this process subscribes to.
//! The pump starts with the first subscriber and stops when the last has been gone for a
//! short idle time. Publishing never waits: a watcher that reads too slowly lags and resyncs
//! itself, so neither the queue nor the other displays ever wait for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use prost::bytes::Bytes;
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::board;
use super::views::EventView;
use crate::domain::{BranchId, Event};
use crate::error::QueueResult;
use crate::hall::Branch;
use crate::store::QueueStore;

/// Events read from the log per call.
const PAGE: usize = 256;
/// The first pause after a store error; it doubles up to [`HubTiming::max_backoff`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// How long the pump's reads wait and how soon an unwatched branch's pump stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubTiming {
    /// Longest wait of one `wait_events` call.
    pub wait: Duration,
    /// How long a pump keeps running with no subscriber.
    pub idle: Duration,
    /// Longest pause between retries while the store is unreachable.
    pub max_backoff: Duration,
}

impl Default for HubTiming {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(5),
            idle: Duration::from_secs(2),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// An event as read from the log, with its display view made once for all watchers (from the
/// branch layout the pump reads with), and its wire form made once too, by the first watcher
/// that sends it: every other one sends the same bytes.
#[derive(Debug)]
pub struct LiveEvent {
    pub event: Event,
    pub view: EventView,
    branch: Arc<Branch>,
    wire: OnceLock<Bytes>,
}

impl LiveEvent {
    pub fn new(branch: Arc<Branch>, event: Event) -> Self {
        let view = board::event(&branch, &event);
        Self {
            event,
            view,
            branch,
            wire: OnceLock::new(),
        }
    }

    /// The event's wire form: `encode` (given the layout the view was made with) runs for the
    /// first caller only. Every caller must pass the same encoding; there is one, the gRPC
    /// `WatchBranchResponse`.
    pub fn wire(&self, encode: impl FnOnce(&Branch, &EventView) -> Bytes) -> Bytes {
        self.wire
            .get_or_init(|| encode(&self.branch, &self.view))
            .clone()
    }
}

/// What a pump publishes.
#[derive(Debug, Clone)]
pub enum Published {
    /// The pump started (or restarted) reading after this id: a watcher that has seen less
    /// reads the rest from the log.
    Head(u64),
    /// The next event of the branch.
    Event(Arc<LiveEvent>),
    /// The log lost the pump's place (trimmed past it, or reset): watchers resend a snapshot.
    Resync,
}

/// The fan-out hub of one process.
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn QueueStore>,
    capacity: usize,
    timing: HubTiming,
    closed: watch::Receiver<bool>,
    pumps: Mutex<HashMap<BranchId, broadcast::Sender<Published>>>,
}

impl Inner {
    fn pumps(&self) -> MutexGuard<'_, HashMap<BranchId, broadcast::Sender<Published>>> {
        self.pumps.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Removes the pump's entry if nobody subscribed meanwhile; true when removed.
    fn release(&self, branch: &BranchId, tx: &broadcast::Sender<Published>) -> bool {
        let mut pumps = self.pumps();
        let ours = pumps.get(branch).is_some_and(|t| t.same_channel(tx));
        if ours && tx.receiver_count() == 0 {
            pumps.remove(branch);
            return true;
        }
        !ours
    }
}

/// Takes a pump's entry out of the map however the pump ends (also by a panic).
struct Release {
    inner: Arc<Inner>,
    branch: BranchId,
    tx: broadcast::Sender<Published>,
}

impl Drop for Release {
    fn drop(&mut self) {
        let mut pumps = self.inner.pumps();
        if pumps
            .get(&self.branch)
            .is_some_and(|t| t.same_channel(&self.tx))
        {
            pumps.remove(&self.branch);
        }
    }
}

impl Hub {
    /// `capacity`: events buffered per branch for the slowest watcher; `closed` stops every
    /// pump when it turns true.
    pub fn new(
        store: Arc<dyn QueueStore>,
        capacity: usize,
        timing: HubTiming,
        closed: watch::Receiver<bool>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                capacity: capacity.max(1),
                timing,
                closed,
                pumps: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Subscribes to the branch's events, starting its pump if it has none.
    pub fn subscribe(&self, branch: &Arc<Branch>) -> broadcast::Receiver<Published> {
        let mut pumps = self.inner.pumps();
        if let Some(tx) = pumps.get(&branch.id) {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(self.inner.capacity);
        pumps.insert(branch.id.clone(), tx.clone());
        let release = Release {
            inner: Arc::clone(&self.inner),
            branch: branch.id.clone(),
            tx: tx.clone(),
        };
        tokio::spawn(pump(
            Arc::clone(&self.inner),
            Arc::clone(branch),
            tx,
            release,
        ));
        rx
    }

    /// How many branches have a running pump.
    pub fn pumps(&self) -> usize {
        self.inner.pumps().len()
    }
}

async fn pump(
    inner: Arc<Inner>,
    branch: Arc<Branch>,
    tx: broadcast::Sender<Published>,
    _release: Release,
) {
    tracing::debug!(branch = %branch.id, "display pump started");
    let mut closed = inner.closed.clone();
    let mut last: Option<u64> = None;
    let mut resync = false;
    let mut idle_since: Option<Instant> = None;
    let mut backoff = FIRST_BACKOFF;
    let mut failing = false;
    loop {
        if *closed.borrow() {
            break;
        }
        if tx.receiver_count() == 0 {
            let since = *idle_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= inner.timing.idle && inner.release(&branch.id, &tx) {
                break;
            }
        } else {
            idle_since = None;
        }
        let step = tokio::select! {
            step = read(&inner, &branch, &tx, &mut last, &mut resync) => step,
            _ = closed.changed() => break,
        };
        match step {
            Ok(()) => {
                if failing {
                    tracing::info!(branch = %branch.id, "display pump reading events again");
                }
                failing = false;
                backoff = FIRST_BACKOFF;
            }
            Err(err) => {
                if failing {
                    tracing::debug!(branch = %branch.id, error = %err, "display pump still cannot read events");
                } else {
                    tracing::warn!(branch = %branch.id, error = %err, "display pump cannot read events; retrying");
                }
                failing = true;
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = closed.changed() => break,
                }
                backoff = (backoff * 2).min(inner.timing.max_backoff);
            }
        }
    }
    tracing::debug!(branch = %branch.id, "display pump stopped");
}

/// One step: find the head of the log, or wait for and publish the next events.
async fn read(
    inner: &Inner,
    branch: &Arc<Branch>,
    tx: &broadcast::Sender<Published>,
    last: &mut Option<u64>,
    resync: &mut bool,
) -> QueueResult<()> {
    let Some(after) = *last else {
        let head = inner.store.last_event_id(branch).await?;
        *last = Some(head);
        let _ = tx.send(if std::mem::take(resync) {
            Published::Resync
        } else {
            Published::Head(head)
        });
        return Ok(());
    };
    let waited = inner
        .store
        .wait_events(branch, after, PAGE, inner.timing.wait)
        .await?;
    let Some(events) = waited else {
        tracing::warn!(branch = %branch.id, after, "display pump lost its place in the event log; resyncing displays");
        *last = None;
        *resync = true;
        return Ok(());
    };
    for event in events {
        if event.id <= after || last.is_some_and(|l| event.id <= l) {
            continue;
        }
        *last = Some(event.id);
        let live = LiveEvent::new(Arc::clone(branch), event);
        // No receiver is fine: the pump stops after its idle time.
        let _ = tx.send(Published::Event(Arc::new(live)));
    }
    Ok(())
}

#[cfg(test)]
#[path = "hub_tests.rs"]
mod tests;
