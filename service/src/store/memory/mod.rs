//! The embedded live queue: the queue lives in process and every change is written to one
//! SQLite file before it is applied, so a killed and restarted service has every ticket.
//!
//! Each call takes one lock over the whole state, computes the transition as a pure function
//! of the state (`tickets`, `windows`, `routing`) that returns a [`change::Change`] without
//! mutating anything, writes that change to SQLite in one transaction (`persist`), and only
//! after the commit applies it to memory. A failed write leaves memory as it was and answers
//! UNAVAILABLE. At start-up `load` reads the file back and rebuilds the waiting queues.

mod api;
mod change;
mod load;
mod persist;
mod routing;
mod state;
mod steps;
mod tickets;
mod windows;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use sqlx::sqlite::SqlitePool;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::domain::BranchId;
use crate::error::{QueueError, QueueResult};

use change::Plan;
use load::Branches;
use state::BranchState;

/// The in-process queue of every branch, persisted to one SQLite file.
pub struct MemoryStore {
    path: PathBuf,
    pool: SqlitePool,
    branches: Arc<Mutex<Branches>>,
}

/// The state of a branch that has seen nothing yet.
static EMPTY: LazyLock<BranchState> = LazyLock::new(BranchState::default);

fn branch_state<'a>(all: &'a Branches, branch: &BranchId) -> &'a BranchState {
    all.get(branch).unwrap_or(&EMPTY)
}

impl MemoryStore {
    /// Opens the queue file (creating it and its directory if missing) and loads every
    /// ticket, window, counter, idempotency key and service average back into memory.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        let pool = persist::connect(path).await?;
        let branches = load::load(&pool)
            .await
            .with_context(|| format!("loading the live queue from {}", path.display()))?;
        let tickets: usize = branches.values().map(|b| b.tickets.len()).sum();
        let waiting: usize = branches
            .values()
            .flat_map(|b| b.waiting.values())
            .map(|q| q.len())
            .sum();
        tracing::info!(path = %path.display(), branches = branches.len(), tickets, waiting,
            "embedded queue store opened");
        Ok(Self {
            path: path.to_owned(),
            pool,
            branches: Arc::new(Mutex::new(branches)),
        })
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

    /// One atomic step: plan under the lock, commit the change, apply it, then answer from
    /// the new state (still under the same lock).
    async fn step<T, R>(
        &self,
        branch: &BranchId,
        plan: impl FnOnce(&BranchState) -> QueueResult<Plan<T>>,
        answer: impl FnOnce(&BranchState, T) -> QueueResult<R>,
    ) -> QueueResult<R> {
        let guard = Arc::clone(&self.branches).lock_owned().await;
        let Plan { change, result } = plan(branch_state(&guard, branch))?;
        let guard = if change.is_empty() {
            guard
        } else {
            self.commit(guard, branch, change).await?
        };
        answer(branch_state(&guard, branch), result)
    }

    /// Writes the change and applies it. Both run in a task of their own, so a caller that
    /// goes away (a gRPC deadline drops its future) cannot stop the step between the commit
    /// and the apply and leave memory behind the file.
    async fn commit(
        &self,
        mut guard: OwnedMutexGuard<Branches>,
        branch: &BranchId,
        change: change::Change,
    ) -> QueueResult<OwnedMutexGuard<Branches>> {
        let pool = self.pool.clone();
        let branch = branch.clone();
        let task = tokio::spawn(async move {
            persist::write(&pool, &branch, &change).await?;
            guard.entry(branch).or_default().apply(change);
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
