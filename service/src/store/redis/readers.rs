//! Connections of their own for `XREAD BLOCK`. A blocking read on the shared multiplexed
//! connection would hold up every call queued behind it, so each waiting read takes a
//! connection from a small pool of idle ones (or makes one) and gives it back when the read
//! ends. A read that fails or is abandoned drops its connection; an idle connection that died
//! meanwhile (a Redis restart) is replaced once. Redis out of reach is UNAVAILABLE.

use std::sync::Mutex;
use std::time::Duration;

use redis::{RedisResult, Value};

use super::conn::to_queue_error;
use crate::error::QueueResult;
use crate::redis_link::{Link, Target};

const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
/// How much longer than the block time a reply may take before the connection counts as dead.
const REPLY_MARGIN: Duration = Duration::from_secs(2);
/// Idle connections kept; the display hub waits in one loop per watched branch.
const MAX_IDLE: usize = 16;
/// A blocking read never waits longer than this, whatever the caller asks.
pub(super) const MAX_BLOCK: Duration = Duration::from_secs(60);

pub(super) struct Readers {
    target: Target,
    idle: Mutex<Vec<Link>>,
}

impl Readers {
    /// Connections to `target` are made on first use.
    pub(super) fn new(target: &Target) -> Self {
        Self {
            target: target.clone(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// `XREAD COUNT <max> BLOCK <block> STREAMS <key> <after>-0`: the raw reply, nil when
    /// nothing came within `block` (at least 1 ms; `BLOCK 0` would wait forever).
    pub(super) async fn read(
        &self,
        key: &str,
        after: u64,
        max: usize,
        block: Duration,
    ) -> QueueResult<Value> {
        let block_ms = u64::try_from(block.min(MAX_BLOCK).as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut cmd = redis::cmd("XREAD");
        cmd.arg("COUNT")
            .arg(max.max(1))
            .arg("BLOCK")
            .arg(block_ms)
            .arg("STREAMS")
            .arg(key)
            .arg(format!("{after}-0"));
        let reply_within = Duration::from_millis(block_ms) + REPLY_MARGIN;
        if let Some(con) = self.take_idle() {
            match self.query(con, &cmd, reply_within).await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_connection_dropped() || err.is_timeout() => {
                    tracing::debug!(error = %err, "idle redis reader died; reconnecting");
                }
                Err(err) => return Err(to_queue_error(err)),
            }
        }
        let con = self.connect().await?;
        self.query(con, &cmd, reply_within)
            .await
            .map_err(to_queue_error)
    }

    async fn query(
        &self,
        mut con: Link,
        cmd: &redis::Cmd,
        reply_within: Duration,
    ) -> RedisResult<Value> {
        con.set_response_timeout(reply_within);
        let value = cmd.query_async(&mut con).await?;
        self.give_back(con);
        Ok(value)
    }

    /// A new connection: to a server with the margin as its time-out (each read sets its
    /// own); to a cluster with the longest block and the margin (a cluster connection keeps
    /// the time-out it was made with).
    async fn connect(&self) -> QueueResult<Link> {
        let respond = match self.target {
            Target::Server(_) => REPLY_MARGIN,
            Target::Cluster { .. } => MAX_BLOCK + REPLY_MARGIN,
        };
        self.target
            .connect(CONNECTION_TIMEOUT, respond)
            .await
            .map_err(to_queue_error)
    }

    fn take_idle(&self) -> Option<Link> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, con: Link) {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(con);
        }
    }
}
