//! The live queue on Redis: every transition is one Lua script (EVALSHA, loaded on NOSCRIPT),
//! every consistent read one script, all keys of a branch under one hash tag (see `keys`) so
//! that the store runs unchanged on Redis Cluster. The layout facts a script needs come from
//! the `&Branch` of each call as ARGV (`args`); the scripts answer `{'ok', ...}` or
//! `{'err', kind, ...}` (`reply`) and check everything before their first write, so a failed
//! step changes nothing. Replies become domain values in `decode`.

mod args;
mod conn;
mod decode;
mod keys;
mod ops;
mod reply;
mod scripts;

#[cfg(test)]
mod smoke_tests;

use anyhow::anyhow;
use redis::{ScriptInvocation, Value};

use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Service};
use conn::Conn;
use reply::{Outcome, Step};

/// The Redis store. Cheap to share behind an `Arc`; one multiplexed connection serves all calls.
pub struct RedisStore {
    conn: Conn,
    key_prefix: String,
}

impl RedisStore {
    /// Prepares the store without touching the network: a Redis that is down at start-up is
    /// no error; calls answer UNAVAILABLE until it is back. Fails only on a malformed URL or
    /// key prefix.
    pub async fn new(url: &str, key_prefix: &str) -> anyhow::Result<Self> {
        keys::check_key_prefix(key_prefix)?;
        let conn = Conn::new(url)?;
        tracing::info!(key_prefix, "redis store prepared; it connects on first use");
        Ok(Self {
            conn,
            key_prefix: key_prefix.to_owned(),
        })
    }

    /// `KEYS[1]` of every script of `branch`.
    fn prefix(&self, branch: &Branch) -> String {
        keys::branch_prefix(&self.key_prefix, &branch.id)
    }

    /// Runs a script in one round trip (two or three only the first time Redis sees it).
    async fn eval(&self, inv: &ScriptInvocation<'_>) -> QueueResult<Value> {
        self.conn
            .run(|mut con| async move { inv.invoke_async(&mut con).await })
            .await
    }

    /// Runs a script and returns the rest of its `ok` reply, or the error of its step.
    async fn apply(
        &self,
        inv: &ScriptInvocation<'_>,
        step: &Step<'_>,
    ) -> QueueResult<std::vec::IntoIter<Value>> {
        match reply::outcome(self.eval(inv).await?, step)? {
            Outcome::Ok(items) => Ok(items),
            Outcome::Retry(service) => Err(QueueError::Internal(anyhow!(
                "redis script asked for the facts of service {service} unexpectedly"
            ))),
        }
    }

    /// Runs a script that reads service facts for the ticket it finds, passing `guess` first;
    /// when the ticket's service was not among them the script changes nothing and names the
    /// service, and it runs again with that service's facts.
    async fn apply_with_facts<'s>(
        &self,
        branch: &Branch,
        guess: Vec<Service>,
        build: impl Fn(&[Service]) -> ScriptInvocation<'s>,
        step: &Step<'_>,
    ) -> QueueResult<std::vec::IntoIter<Value>> {
        let mut facts = guess;
        for _ in 0..3 {
            let inv = build(&facts);
            match reply::outcome(self.eval(&inv).await?, step)? {
                Outcome::Ok(items) => return Ok(items),
                Outcome::Retry(service) => {
                    facts = vec![args::service_or_default(branch, &service)];
                }
            }
        }
        Err(QueueError::Internal(anyhow!(
            "redis script kept asking for service facts"
        )))
    }
}
