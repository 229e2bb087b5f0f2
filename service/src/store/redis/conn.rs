//! The connection to Redis: lazy, reconnecting, with time-outs. Creating it never touches the
//! network, so the service starts while Redis is down; every call then answers UNAVAILABLE
//! until Redis is back, and the next calls work without a restart.

use std::sync::RwLock;
use std::time::Duration;

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{ErrorKind, RedisError, ServerErrorKind, Value};

use crate::error::{QueueError, QueueResult};

const CONNECTION_TIMEOUT: Duration = Duration::from_secs(1);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

pub(super) struct Conn {
    client: redis::Client,
    /// A generation number and the manager; a response time-out replaces the manager, since
    /// a connection that stopped answering may never answer again.
    manager: RwLock<(u64, ConnectionManager)>,
}

impl Conn {
    /// Parses the URL and prepares a connection that is made on first use.
    pub(super) fn new(url: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("read the redis url")?;
        let manager = lazy(&client).context("prepare the redis connection")?;
        Ok(Self {
            client,
            manager: RwLock::new((0, manager)),
        })
    }

    fn current(&self) -> (u64, ConnectionManager) {
        self.manager
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn renew(&self, generation: u64) {
        let mut guard = self
            .manager
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.0 != generation {
            return;
        }
        match lazy(&self.client) {
            Ok(manager) => *guard = (generation + 1, manager),
            Err(err) => tracing::warn!(error = %err, "redis connection not renewed"),
        }
    }

    /// Runs one request. A refused connection means the request was never sent, so it is
    /// tried once more on the connection the manager has begun to make meanwhile.
    pub(super) async fn run<F, Fut>(&self, request: F) -> QueueResult<Value>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<Value>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let (generation, manager) = self.current();
            match request(manager).await {
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

fn lazy(client: &redis::Client) -> redis::RedisResult<ConnectionManager> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECTION_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(0);
    ConnectionManager::new_lazy_with_config(client.clone(), config)
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
