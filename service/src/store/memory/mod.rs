//! The embedded live queue: the queue lives in process and every change is written to one
//! SQLite file before it is applied, so a killed and restarted service has every ticket.
//!
//! Each call takes one lock over the whole state, computes the transition as a pure function
//! of the state (`tickets`, `windows`, `routing`) that returns a [`change::Change`] without
//! mutating anything, writes that change to SQLite in one transaction (`persist`), and only
//! after the commit applies it to memory. A failed write leaves memory as it was and answers
//! UNAVAILABLE. At start-up `load` reads the file back and rebuilds the waiting queues.
//!
//! The board events a change emits (`events`) are part of it: numbered after the branch's
//! last event, written in the same transaction (`event_rows`), then appended to the branch's
//! ring in memory (`log`) and signalled to waiting readers (`signal`); `board` answers the
//! snapshot and event log reads.
//!
//! History entries of a change (`store/mod.rs`, "History buffer") are rows of `live_history`
//! in the same transaction (`history_rows`); they are never held in memory, and
//! `history_pending` reads them from the file. Reminder intents (`reminder_rows`) likewise:
//! the steps that move the queue find them from the state and the change before the commit.

mod api;
mod board;
mod buffer_rows;
mod change;
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
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqlitePool;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::domain::{BranchId, Now, TicketId, TicketView};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::DEFAULT_EVENT_RETENTION;

use change::Plan;
use load::Branches;
use signal::Signals;
use state::BranchState;

/// The in-process queue of every branch, persisted to one SQLite file.
pub struct MemoryStore {
    path: PathBuf,
    pool: SqlitePool,
    branches: Arc<Mutex<Branches>>,
    /// Events kept per branch, in memory and in the file (at least 1).
    event_retention: usize,
    /// Whether a recall appends a called reminder intent (`sms.remind_on_recall`).
    remind_on_recall: bool,
    signals: Arc<Signals>,
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
        Ok(Self {
            path: path.to_owned(),
            pool,
            branches: Arc::new(Mutex::new(branches)),
            event_retention,
            remind_on_recall: false,
            signals: Arc::default(),
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
        let _quiet = self.branches.lock().await;
        self.pool.close().await;
    }

    /// Answers a read from the branch's state under the lock.
    async fn read<R>(&self, branch: &BranchId, answer: impl FnOnce(&BranchState) -> R) -> R {
        let all = self.branches.lock().await;
        answer(branch_state(&all, branch))
    }

    /// One atomic step: plan under the lock, commit the change (its events stamped with `at`),
    /// apply it, then answer from the new state (still under the same lock).
    async fn step<T, R>(
        &self,
        branch: &BranchId,
        at: DateTime<Utc>,
        plan: impl FnOnce(&BranchState) -> QueueResult<Plan<T>>,
        answer: impl FnOnce(&BranchState, T) -> QueueResult<R>,
    ) -> QueueResult<R> {
        let guard = Arc::clone(&self.branches).lock_owned().await;
        let Plan { change, result } = plan(branch_state(&guard, branch))?;
        let guard = if change.is_empty() {
            guard
        } else {
            self.commit(guard, branch, change, at).await?
        };
        answer(branch_state(&guard, branch), result)
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

    /// Writes the change with its events and applies it, then wakes the branch's readers.
    /// All of it runs in a task of its own, so a caller that goes away (a gRPC deadline drops
    /// its future) cannot stop the step between the commit and the apply and leave memory
    /// behind the file.
    async fn commit(
        &self,
        mut guard: OwnedMutexGuard<Branches>,
        branch: &BranchId,
        change: change::Change,
        at: DateTime<Utc>,
    ) -> QueueResult<OwnedMutexGuard<Branches>> {
        let pool = self.pool.clone();
        let signals = Arc::clone(&self.signals);
        let retention = self.event_retention;
        let branch = branch.clone();
        let events = branch_state(&guard, &branch)
            .events
            .stamp(&change.events, at);
        let task = tokio::spawn(async move {
            persist::write(&pool, &branch, &change, &events, retention).await?;
            let published = !events.is_empty();
            let state = guard.entry(branch.clone()).or_default();
            state.apply(change);
            state.events.append(events, retention);
            if published {
                signals.publish(&branch, state.events.last_id());
            }
            Ok::<_, sqlx::Error>(guard)
        });
        match task.await {
            Ok(Ok(guard)) => Ok(guard),
            Ok(Err(error)) => Err(write_failed(error)),
            Err(error) => Err(QueueError::Internal(
                anyhow::Error::new(error).context("the sqlite write task failed"),
            )),
        }
    }
}

/// A failed write: the environment (disk, lock, I/O) is UNAVAILABLE; a malformed statement
/// or value is a bug.
fn write_failed(error: sqlx::Error) -> QueueError {
    use sqlx::Error as E;
    match error {
        E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Database(_) => {
            tracing::warn!(error = %error, "sqlite write failed; the queue is unchanged");
            QueueError::unavailable("sqlite", error)
        }
        other => QueueError::Internal(
            anyhow::Error::new(other).context("writing a queue change to sqlite"),
        ),
    }
}
