//! Draining one branch buffer (history, reminders): read the oldest batch, hand it on, and only
//! after that acknowledge exactly its ids; again until a batch comes back short. Shared by the
//! history recorder and the reminder relay, which differ only in where a batch goes.

use std::future::Future;

use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;

/// A buffer and where its entries go.
pub trait Drain: Sync {
    type Entry: Send + Sync;

    /// The branch's oldest `limit` entries.
    fn read(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> impl Future<Output = QueueResult<Vec<Self::Entry>>> + Send;

    /// Hands a batch on; the entries are acknowledged only once this succeeded.
    fn write(
        &self,
        branch: &Branch,
        batch: &[Self::Entry],
    ) -> impl Future<Output = QueueResult<()>> + Send;

    /// Removes the entries with these ids from the buffer.
    fn ack(
        &self,
        branch: &Branch,
        ids: &[String],
    ) -> impl Future<Output = QueueResult<usize>> + Send;

    fn id(entry: &Self::Entry) -> &str;
}

/// Why a drain stopped early: the error, and how many entries of the batch it was on were
/// read and not acknowledged (0 when reading failed).
#[derive(Debug)]
pub struct Stopped {
    pub error: QueueError,
    pub pending: usize,
}

/// Drains the branch's buffer in batches of `batch`; answers how many entries were
/// acknowledged.
pub async fn drain_branch<D: Drain>(
    drain: &D,
    branch: &Branch,
    batch: usize,
) -> Result<usize, Stopped> {
    let mut drained = 0;
    loop {
        let pending = drain
            .read(branch, batch)
            .await
            .map_err(|error| Stopped { error, pending: 0 })?;
        if pending.is_empty() {
            return Ok(drained);
        }
        let stopped = |error| Stopped {
            error,
            pending: pending.len(),
        };
        drain.write(branch, &pending).await.map_err(stopped)?;
        let ids: Vec<String> = pending.iter().map(|e| D::id(e).to_owned()).collect();
        drain.ack(branch, &ids).await.map_err(stopped)?;
        drained += pending.len();
        if pending.len() < batch {
            return Ok(drained);
        }
    }
}
