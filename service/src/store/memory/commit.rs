//! Group commit: one task writes the changes of the steps to the SQLite file, as many as are
//! waiting in one transaction (one sync of the file for all of them), then applies them to
//! the committed state that reads answer from, then tells each step.
//!
//! A step plans on the state ahead (the committed state plus the changes still being
//! written), applies its change there and queues it here, all under the lock of that state;
//! the order of the queue is the order of the steps. When a write fails, every change of its
//! batch and every change queued behind it (planned on top of it) fails UNAVAILABLE and is
//! never written; the failure moves the epoch on, and the next step puts the state ahead back
//! to the committed state before it plans (see `MemoryStore::step`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sqlx::sqlite::SqlitePool;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::domain::{BranchId, Event};
use crate::error::{QueueError, QueueResult};

use super::buffer_rows::{self, Table};
use super::change::Change;
use super::load::Branches;
use super::persist;
use super::signal::Signals;

/// Changes written in one transaction at most.
const MAX_BATCH: usize = 512;

/// One step's change for the file, with its stamped events.
pub struct Write {
    pub branch: BranchId,
    pub change: Change,
    pub events: Vec<Event>,
    /// Events kept per branch, in memory and in the file.
    pub retention: usize,
    /// The epoch of the state ahead the step planned on.
    pub epoch: u64,
    pub done: oneshot::Sender<QueueResult<()>>,
}

pub enum Job {
    Write(Write),
    /// Deletes the branch's rows of a buffer table the drainer has recorded (see
    /// `buffer_rows::ack`), between two batches: SQLite has one writer.
    Ack {
        table: &'static Table,
        branch: BranchId,
        ids: Vec<String>,
        done: oneshot::Sender<sqlx::Result<usize>>,
    },
    /// Answered once every change queued before it is written (or failed).
    Flush(oneshot::Sender<()>),
}

/// What the writer shares with the store.
pub struct Writer {
    pub jobs: mpsc::UnboundedSender<Job>,
    /// Moves on at every failed write; changes planned in an older epoch are not written.
    pub epoch: Arc<AtomicU64>,
    /// Changes queued and not yet answered (written and applied to the committed state, or
    /// failed). Raised under the lock of the state ahead when a step queues its change: at 0
    /// under that lock, the state ahead is all in the file.
    pub pending: Arc<AtomicUsize>,
}

/// Starts the writer of `pool`, applying what it wrote to `committed`.
pub fn spawn(pool: SqlitePool, committed: Arc<Mutex<Branches>>, signals: Arc<Signals>) -> Writer {
    let (jobs, queue) = mpsc::unbounded_channel();
    let epoch = Arc::new(AtomicU64::new(0));
    let pending = Arc::new(AtomicUsize::new(0));
    tokio::spawn(run(
        queue,
        pool,
        committed,
        signals,
        Arc::clone(&epoch),
        Arc::clone(&pending),
    ));
    Writer {
        jobs,
        epoch,
        pending,
    }
}

async fn run(
    mut queue: mpsc::UnboundedReceiver<Job>,
    pool: SqlitePool,
    committed: Arc<Mutex<Branches>>,
    signals: Arc<Signals>,
    epoch: Arc<AtomicU64>,
    pending: Arc<AtomicUsize>,
) {
    let mut first = queue.recv().await;
    while let Some(job) = first.take() {
        let mut batch = Vec::new();
        let mut flushes = Vec::new();
        let mut acks = Vec::new();
        let mut next = Some(job);
        while let Some(job) = next.take() {
            match job {
                Job::Write(w) if w.epoch == epoch.load(Ordering::Acquire) => batch.push(w),
                Job::Write(w) => {
                    pending.fetch_sub(1, Ordering::AcqRel);
                    let _gone = w.done.send(Err(stale()));
                }
                Job::Flush(done) => flushes.push(done),
                ack @ Job::Ack { .. } => acks.push(ack),
            }
            if batch.len() < MAX_BATCH {
                next = queue.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            let written = batch.len();
            match persist::write_batch(&pool, &batch).await {
                Ok(()) => publish(batch, &committed, &signals, &pending).await,
                Err(error) => {
                    epoch.fetch_add(1, Ordering::AcqRel);
                    pending.fetch_sub(written, Ordering::AcqRel);
                    tracing::warn!(error = %error, changes = batch.len(),
                        "sqlite write failed; the queue is unchanged");
                    for w in batch {
                        let _gone = w.done.send(Err(write_failed(&error)));
                    }
                }
            }
        }
        for ack in acks {
            if let Job::Ack {
                table,
                branch,
                ids,
                done,
            } = ack
            {
                let _gone = done.send(buffer_rows::ack(&pool, table, &branch, &ids).await);
            }
        }
        for done in flushes {
            let _gone = done.send(());
        }
        first = queue.recv().await;
    }
}

/// Applies a written batch to the committed state, wakes the readers of each branch that has
/// new events, then answers the steps: a step's caller that reads next sees its change.
async fn publish(
    batch: Vec<Write>,
    committed: &Mutex<Branches>,
    signals: &Signals,
    pending: &AtomicUsize,
) {
    let mut done = Vec::with_capacity(batch.len());
    let mut woken: Vec<BranchId> = Vec::new();
    {
        let mut all = committed.lock().await;
        for w in batch {
            let state = all.entry(w.branch.clone()).or_default();
            state.apply(w.change);
            if !w.events.is_empty() {
                state.events.append(w.events, w.retention);
                if !woken.contains(&w.branch) {
                    woken.push(w.branch);
                }
            }
            done.push(w.done);
        }
        for branch in &woken {
            let last = all.get(branch).map_or(0, |s| s.events.last_id());
            signals.publish(branch, last);
        }
        pending.fetch_sub(done.len(), Ordering::AcqRel);
    }
    for d in done {
        let _gone = d.send(Ok(()));
    }
}

/// A change (or an answer) planned on top of one whose write failed.
pub fn stale() -> QueueError {
    QueueError::unavailable(
        "sqlite",
        "an earlier change this one builds on could not be written",
    )
}

/// A failed write: the environment (disk, lock, I/O) is UNAVAILABLE; a malformed statement
/// or value is a bug.
fn write_failed(error: &sqlx::Error) -> QueueError {
    use sqlx::Error as E;
    match error {
        E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Database(_) => {
            QueueError::unavailable("sqlite", error)
        }
        other => QueueError::Internal(anyhow::anyhow!("writing a queue change to sqlite: {other}")),
    }
}
