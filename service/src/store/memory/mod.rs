//! The embedded live queue: the queue lives in process and every change is written to one
//! SQLite file before it is applied, so a killed and restarted service has every ticket.
//!
//! A step takes the lock of the state ahead (the committed state plus the changes still
//! being written), computes its transition there as a pure function of the state (`tickets`,
//! `windows`, `routing`) that returns a [`change::Change`] without mutating anything, applies
//! the change to that state and queues it for the writer (`commit`), all without awaiting
//! anything in between, and answers once the writer has written it to SQLite. The writer
//! writes every queued change in one transaction (group commit: one sync of the file for all
//! of them), then applies them to the committed state, which every read answers from. So no
//! step waits for another's write to plan, nothing is answered before it is in the file, and
//! no read sees a change that is not. A failed write fails its changes and every one queued
//! after it UNAVAILABLE; the next step starts again from the committed state. At start-up
//! `load` reads the file back and rebuilds the waiting queues.
//!
//! The board events a change emits (`events`) are part of it: numbered after the branch's
//! last event, written in the same transaction (`event_rows`), then appended to the branch's
//! ring in memory (`log`) and signalled to waiting readers (`signal`) once committed; `board`
//! answers the snapshot and event log reads.
//!
//! History entries of a change (`store/mod.rs`, "History buffer") are rows of `live_history`
//! in the same transaction (`history_rows`); they are never held in memory, and
//! `history_pending` reads them from the file. Reminder intents (`reminder_rows`) likewise:
//! the steps that move the queue find them from the state and the change before the commit.

mod api;
mod board;
mod buffer_rows;
mod change;
mod commit;
mod event_rows;
mod events;
mod history_rows;
mod load;
mod log;
mod persist;
mod reminder_rows;
mod routing;
mod signal;
mod state;
mod steps;
mod tickets;
mod windows;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqlitePool;
use tokio::sync::{Mutex, oneshot};

use crate::domain::{BranchId, Now, TicketId, TicketView};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::DEFAULT_EVENT_RETENTION;

use change::Plan;
use commit::{Job, Write, Writer};
use load::Branches;
use signal::Signals;
use state::BranchState;

/// The in-process queue of every branch, persisted to one SQLite file.
pub struct MemoryStore {
    path: PathBuf,
    pool: SqlitePool,
    /// What steps plan on: the committed state and the changes queued for the writer.
    ahead: Mutex<Ahead>,
    /// What is in the file: every read answers from it.
    committed: Arc<Mutex<Branches>>,
    writer: Writer,
    /// Events kept per branch, in memory and in the file (at least 1).
    event_retention: usize,
    /// Whether a recall appends a called reminder intent (`sms.remind_on_recall`).
    remind_on_recall: bool,
    signals: Arc<Signals>,
}

/// The state steps plan on, and the writer's epoch it follows (see `commit`).
struct Ahead {
    branches: Branches,
    epoch: u64,
}

/// The state of a branch that has seen nothing yet.
static EMPTY: LazyLock<BranchState> = LazyLock::new(BranchState::default);

fn branch_state<'a>(all: &'a Branches, branch: &BranchId) -> &'a BranchState {
    all.get(branch).unwrap_or(&EMPTY)
}

impl MemoryStore {
    /// Opens the queue file (creating it and its directory if missing) and loads every
    /// ticket, window, counter, idempotency key, service average and retained event back into
    /// memory, keeping [`DEFAULT_EVENT_RETENTION`] events per branch.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        Self::open_with(path, DEFAULT_EVENT_RETENTION).await
    }

    /// As [`MemoryStore::open`], keeping the last `event_retention` events per branch (at
    /// least 1).
    pub async fn open_with(path: &Path, event_retention: usize) -> anyhow::Result<Self> {
        let event_retention = event_retention.max(1);
        let pool = persist::connect(path).await?;
        let branches = load::load(&pool, event_retention)
            .await
            .with_context(|| format!("loading the live queue from {}", path.display()))?;
        let tickets: usize = branches.values().map(|b| b.tickets.len()).sum();
        let waiting: usize = branches
            .values()
            .flat_map(|b| b.waiting.values())
            .map(|q| q.len())
            .sum();
        let events: usize = branches.values().map(|b| b.events.retained()).sum();
        tracing::info!(path = %path.display(), branches = branches.len(), tickets, waiting,
            events, event_retention, "embedded queue store opened");
        let signals = Arc::<Signals>::default();
        let committed = Arc::new(Mutex::new(branches.clone()));
        let writer = commit::spawn(pool.clone(), Arc::clone(&committed), Arc::clone(&signals));
        Ok(Self {
            path: path.to_owned(),
            pool,
            ahead: Mutex::new(Ahead { branches, epoch: 0 }),
            committed,
            writer,
            event_retention,
            remind_on_recall: false,
            signals,
        })
    }

    /// Keeps the last `n` events per branch (at least 1) from the next step on.
    #[must_use]
    pub fn with_event_retention(mut self, n: usize) -> Self {
        self.event_retention = n.max(1);
        self
    }

    /// Whether a recall appends a called reminder intent, as a call does (off unless set).
    #[must_use]
    pub fn with_remind_on_recall(mut self, on: bool) -> Self {
        self.remind_on_recall = on;
        self
    }

    /// The queue file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for in-flight writes and closes the file.
    pub async fn close(&self) {
        let _quiet = self.ahead.lock().await;
        self.flush().await;
        self.pool.close().await;
    }

    /// Waits until every change queued so far is written (or failed).
    async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.writer.jobs.send(Job::Flush(done)).is_ok() {
            let _gone = flushed.await;
        }
    }

    /// Deletes the branch's rows of a buffer table the drainer has recorded, through the
    /// writer (between two of its batches).
    async fn ack(
        &self,
        table: &'static buffer_rows::Table,
        branch: &BranchId,
        ids: &[String],
    ) -> QueueResult<usize> {
        let (done, acked) = oneshot::channel();
        let job = Job::Ack {
            table,
            branch: branch.clone(),
            ids: ids.to_vec(),
            done,
        };
        self.writer.jobs.send(job).map_err(|_| writer_stopped())?;
        match acked.await {
            Ok(removed) => removed.map_err(|e| QueueError::unavailable("sqlite", e)),
            Err(_) => Err(writer_stopped()),
        }
    }

    /// Answers a read from the branch's committed state.
    async fn read<R>(&self, branch: &BranchId, answer: impl FnOnce(&BranchState) -> R) -> R {
        let all = self.committed.lock().await;
        answer(branch_state(&all, branch))
    }

    /// One atomic step: plan on the state ahead, apply the change there (its events stamped
    /// with `at`) and queue it for the writer, answer from the new state, and return that
    /// answer once the change is in the file. Nothing between the plan and the queueing
    /// awaits, so a caller that goes away (a gRPC deadline drops its future) leaves either
    /// nothing or a change the writer finishes.
    async fn step<T, R>(
        &self,
        branch: &BranchId,
        at: DateTime<Utc>,
        plan: impl FnOnce(&BranchState) -> QueueResult<Plan<T>>,
        answer: impl FnOnce(&BranchState, T) -> QueueResult<R>,
    ) -> QueueResult<R> {
        let mut ahead = self.ahead.lock().await;
        let epoch = self.writer.epoch.load(Ordering::Acquire);
        if ahead.epoch != epoch {
            // A write failed: what was ahead of the file is gone; start from the file.
            ahead.branches = self.committed.lock().await.clone();
            ahead.epoch = epoch;
        }
        let Plan { change, result } = plan(branch_state(&ahead.branches, branch))?;
        if change.is_empty() {
            let reply = answer(branch_state(&ahead.branches, branch), result);
            if self.writer.pending.load(Ordering::Acquire) == 0 {
                return reply;
            }
            // It changes nothing, but what it read (an idempotent replay's ticket, say) may
            // still be on its way to the file: answer once everything queued before it is
            // written, and not at all when that failed.
            let (done, flushed) = oneshot::channel();
            if self.writer.jobs.send(Job::Flush(done)).is_err() {
                return Err(writer_stopped());
            }
            drop(ahead);
            if flushed.await.is_err() {
                return Err(writer_stopped());
            }
            if self.writer.epoch.load(Ordering::Acquire) != epoch {
                return Err(commit::stale());
            }
            return reply;
        }
        let retention = self.event_retention;
        let state = ahead.branches.entry(branch.clone()).or_default();
        let events = state.events.stamp(&change.events, at);
        state.apply(change.clone());
        state.events.append(events.clone(), retention);
        let reply = answer(state, result);
        self.writer.pending.fetch_add(1, Ordering::AcqRel);
        let (done, written) = oneshot::channel();
        let write = Write {
            branch: branch.clone(),
            change,
            events,
            retention,
            epoch,
            done,
        };
        if self.writer.jobs.send(Job::Write(write)).is_err() {
            return Err(writer_stopped());
        }
        drop(ahead);
        match written.await {
            Ok(Ok(())) => reply,
            Ok(Err(error)) => Err(error),
            Err(_) => Err(writer_stopped()),
        }
    }

    /// A step whose answer is the ticket it moved, as it is after the step.
    async fn ticket_step(
        &self,
        branch: &Branch,
        now: &Now,
        plan: impl FnOnce(&BranchState) -> QueueResult<Plan<TicketId>>,
    ) -> QueueResult<TicketView> {
        self.step(&branch.id, now.at, plan, |s, id| s.view(branch, &id))
            .await
    }
}

/// The writer task is gone (it panicked): nothing more can be written.
fn writer_stopped() -> QueueError {
    QueueError::Internal(anyhow::anyhow!(
        "the sqlite writer of the embedded store has stopped"
    ))
}
