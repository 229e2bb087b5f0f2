//! The recorder: one task per replica that drains every branch's history buffer from the live
//! store into `ticket_history`, every second and once more when the service stops.
//!
//! For each branch it reads the oldest pending entries, writes them in one transaction and
//! only after the commit acknowledges (removes) exactly those entries from the buffer. While
//! the records database is down nothing is acknowledged, so the entries wait in the live store
//! (Redis, or the embedded SQLite file) and arrive once it is back; a crash between the commit
//! and the acknowledgement writes them again, which the idempotent insert ignores, so several
//! replicas may drain one buffer at once.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, HallHandle};
use crate::records::{Db, history as records};
use crate::store::drain::{Drain, drain_branch};
use crate::store::{Buffered, QueueStore};

/// How often the buffers are drained.
pub const RECORD_EVERY: Duration = Duration::from_secs(1);

/// Entries moved per transaction.
const BATCH: usize = 500;

/// While failing, a warning at most this often.
const WARN_EVERY: Duration = Duration::from_secs(30);

/// Drains the live store's history buffers into the records database.
pub struct Recorder {
    store: Arc<dyn QueueStore>,
    db: Db,
    hall: Arc<HallHandle>,
}

/// Why a drain stopped early, with how many entries it had read and could not record (the
/// batch it was on: at least that many are still pending; 0 when the live store failed).
#[derive(Debug)]
pub struct DrainError {
    pub error: QueueError,
    pub pending: usize,
}

impl Recorder {
    pub fn new(store: Arc<dyn QueueStore>, db: Db, hall: Arc<HallHandle>) -> Self {
        Self { store, db, hall }
    }

    /// Moves every pending entry of every branch of the hall into the records; returns how
    /// many were recorded and acknowledged. Stops at the first failure, leaving the rest (and
    /// any batch not committed) in the buffer.
    pub async fn drain(&self) -> Result<usize, DrainError> {
        let hall = self.hall.load();
        let mut recorded = 0;
        for branch in hall.branches.values() {
            recorded += drain_branch(self, branch, BATCH)
                .await
                .map_err(|s| DrainError {
                    error: s.error,
                    pending: s.pending,
                })?;
        }
        Ok(recorded)
    }

    /// Drains every [`RECORD_EVERY`] until `stop` resolves, then once more.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let mut every = tokio::time::interval(RECORD_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing_since: Option<tokio::time::Instant> = None;
        let mut last_warning: Option<tokio::time::Instant> = None;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = &mut stop => break,
            }
            match self.drain().await {
                Ok(recorded) => {
                    if recorded > 0 {
                        tracing::debug!(recorded, "history recorded");
                    }
                    if failing_since.take().is_some() {
                        tracing::info!(recorded, "history recording works again");
                        last_warning = None;
                    }
                }
                Err(failed) => {
                    let now = tokio::time::Instant::now();
                    failing_since.get_or_insert(now);
                    if last_warning.is_none_or(|at| now - at >= WARN_EVERY) {
                        last_warning = Some(now);
                        tracing::warn!(error = %failed.error, pending = failed.pending,
                            "history not recorded; the entries stay buffered in the live store and are retried every second");
                    }
                }
            }
        }
        match self.drain().await {
            Ok(recorded) => tracing::debug!(recorded, "history recorded at shutdown"),
            Err(failed) => tracing::warn!(error = %failed.error, pending = failed.pending,
                "history not recorded at shutdown; the entries stay buffered for the next start"),
        }
    }
}

impl Drain for Recorder {
    type Entry = Buffered;

    async fn read(&self, branch: &Branch, limit: usize) -> QueueResult<Vec<Buffered>> {
        self.store.history_pending(branch, limit).await
    }

    async fn write(&self, _branch: &Branch, batch: &[Buffered]) -> QueueResult<()> {
        let entries: Vec<_> = batch.iter().map(|b| b.entry.clone()).collect();
        records::record(&self.db, &entries)
            .await
            .map(drop)
            .map_err(records::db_error)
    }

    async fn ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.store.history_ack(branch, ids).await
    }

    fn id(entry: &Buffered) -> &str {
        &entry.id
    }
}
