//! The connection to Redis: lazy, reconnecting, with time-outs. Creating it never touches the
//! network, so the service starts while Redis is down; every call then answers UNAVAILABLE
//! until Redis is back, and the next calls work without a restart.

use std::sync::RwLock;
use std::time::Duration;

use anyhow::Context;
use redis::{ErrorKind, RedisError, ServerErrorKind, Value};

use crate::error::{QueueError, QueueResult};
use crate::redis_link::{LazyLink, Link, Target};

const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

pub(super) struct Conn {
    target: Target,
    /// A generation number and the connection; a response time-out on a server replaces the
    /// connection, since one that stopped answering may never answer again (a cluster
    /// connection follows its nodes by itself).
    link: RwLock<(u64, std::sync::Arc<LazyLink>)>,
}

impl Conn {
    /// Prepares a connection to `target` that is made on first use.
    pub(super) fn new(target: &Target) -> anyhow::Result<Self> {
        let link = lazy(target).context("prepare the redis connection")?;
        Ok(Self {
            target: target.clone(),
            link: RwLock::new((0, std::sync::Arc::new(link))),
        })
    }

    fn current(&self) -> (u64, std::sync::Arc<LazyLink>) {
        let guard = self
            .link
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (guard.0, std::sync::Arc::clone(&guard.1))
    }

    fn renew(&self, generation: u64) {
        if matches!(self.target, Target::Cluster { .. }) {
            return;
        }
        let mut guard = self
            .link
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.0 != generation {
            return;
        }
        match lazy(&self.target) {
            Ok(link) => *guard = (generation + 1, std::sync::Arc::new(link)),
            Err(err) => tracing::warn!(error = %err, "redis connection not renewed"),
        }
    }

    /// Runs one request. A refused connection means the request was never sent, so it is
    /// tried once more on the connection the manager has begun to make meanwhile.
    pub(super) async fn run<F, Fut>(&self, request: F) -> QueueResult<Value>
    where
        F: Fn(Link) -> Fut,
        Fut: Future<Output = redis::RedisResult<Value>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let (generation, lazy) = self.current();
            let link = match lazy.get().await {
                Ok(link) => link,
                // A cluster none of whose seeds answered: nothing was sent.
                Err(err) => return Err(unreachable(err)),
            };
            match request(link).await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_connection_refusal() && tries < 2 => continue,
                Err(err) => {
                    if err.is_timeout() {
                        self.renew(generation);
                    }
                    return Err(to_queue_error(err));
                }
            }
        }
    }
}

fn lazy(target: &Target) -> redis::RedisResult<LazyLink> {
    target.lazy(CONNECTION_TIMEOUT, RESPONSE_TIMEOUT)
}

/// A connection that could not be made: UNAVAILABLE whatever the cause.
pub(super) fn unreachable(err: RedisError) -> QueueError {
    tracing::warn!(error = %err, "redis unreachable");
    QueueError::unavailable("redis", err)
}

/// Redis out of reach (down, restarting, failing over, time-out) is UNAVAILABLE; anything
/// else (a script error, an unreadable reply) is a bug of ours and INTERNAL.
pub(super) fn to_queue_error(err: RedisError) -> QueueError {
    let unreachable = match err.kind() {
        ErrorKind::Io | ErrorKind::ClusterConnectionNotFound | ErrorKind::AuthenticationFailed => {
            true
        }
        ErrorKind::Server(kind) => {
            matches!(
                kind,
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::TryAgain
                    | ServerErrorKind::ClusterDown
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::ReadOnly
                    | ServerErrorKind::Moved
                    | ServerErrorKind::Ask
                    | ServerErrorKind::NoPerm
            ) || err.code() == Some("BUSY")
        }
        _ => false,
    };
    if unreachable {
        tracing::warn!(error = %err, "redis unreachable");
        QueueError::unavailable("redis", err)
    } else {
        QueueError::Internal(anyhow::Error::new(err).context("redis request failed"))
    }
}
