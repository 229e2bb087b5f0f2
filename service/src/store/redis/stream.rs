//! The branch buffers on Redis (`P:history`, `P:reminders`) are streams that the step scripts
//! append to. Reading (XRANGE) and acknowledging (XDEL) are single commands on the stream's
//! key, shared here so each buffer only says how one entry decodes.

use anyhow::anyhow;
use redis::Value;

use super::RedisStore;
use super::decode::{array, int};
use crate::error::{QueueError, QueueResult};

impl RedisStore {
    /// The oldest `limit` entries of the stream at `key`, each `[id, fields]` read by `entry`.
    pub(super) async fn read_stream<T>(
        &self,
        key: String,
        limit: usize,
        entry: impl FnMut(Value) -> QueueResult<T>,
    ) -> QueueResult<Vec<T>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut xrange = redis::cmd("XRANGE");
        xrange.arg(key).arg("-").arg("+").arg("COUNT").arg(limit);
        let reply = self.run_cmd(&xrange).await?;
        array(reply)?.into_iter().map(entry).collect()
    }

    /// Deletes the entries with these ids from the stream at `key`; answers how many were there.
    pub(super) async fn delete_from_stream(
        &self,
        key: String,
        ids: &[String],
    ) -> QueueResult<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut xdel = redis::cmd("XDEL");
        xdel.arg(key).arg(ids);
        let reply = self.run_cmd(&xdel).await?;
        let removed = int(&reply)?;
        usize::try_from(removed)
            .map_err(|_| QueueError::Internal(anyhow!("redis XDEL answered {removed}")))
    }

    /// Runs `cmd` (tried once more when the connection was refused, see `Conn::run`).
    pub(super) async fn run_cmd(&self, cmd: &redis::Cmd) -> QueueResult<Value> {
        self.conn
            .run(|mut con| async move { cmd.query_async::<Value>(&mut con).await })
            .await
    }
}
