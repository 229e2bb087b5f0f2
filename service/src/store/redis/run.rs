//! Running the scripts: every invocation takes the branch prefix and the event retention
//! first; a reply is the rest of its `ok`, the error of its step, or a retry with the facts
//! of the service the script names.

use anyhow::anyhow;
use redis::{Script, ScriptInvocation, Value};

use super::RedisStore;
use super::args;
use super::batch::{Kind, Op};
use super::conn::Conn;
use super::reply::{self, Outcome, Step};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Service};

impl RedisStore {
    /// An invocation of `script` for `branch` with what every script takes first: the branch
    /// prefix as `KEYS[1]`, the event retention as `ARGV[1]` and the turn-near thresholds as
    /// `ARGV[2]` (see `lua/lib.lua`).
    pub(super) fn invoke<'s>(&self, script: &'s Script, branch: &Branch) -> ScriptInvocation<'s> {
        prepared(
            script,
            &self.prefix(branch),
            self.event_retention,
            &near_thresholds(branch),
        )
    }

    /// Runs a script in one round trip (two or three only the first time Redis sees it).
    pub(super) async fn eval(&self, inv: &ScriptInvocation<'_>) -> QueueResult<Value> {
        eval_on(&self.conn, inv).await
    }

    /// Runs a script and returns the rest of its `ok` reply, or the error of its step.
    pub(super) async fn apply(
        &self,
        inv: &ScriptInvocation<'_>,
        step: &Step<'_>,
    ) -> QueueResult<std::vec::IntoIter<Value>> {
        applied(self.eval(inv).await?, step)
    }

    /// Runs one take, call or window step of `branch` (see `batch`): the script's answer for
    /// it, alone or with the steps of the branch that arrive beside it.
    pub(super) async fn run_step(
        &self,
        branch: &Branch,
        kind: Kind,
        argv: Vec<String>,
    ) -> QueueResult<Value> {
        let op = Op {
            near: near_thresholds(branch),
            kind,
            args: argv,
        };
        let prefix = self.prefix(branch);
        self.lanes
            .run(&self.conn, prefix, self.event_retention, op)
            .await
    }

    /// Runs a step that reads service facts for the ticket it finds (the arguments `build`
    /// makes, by `via`), passing `guess` first; when the ticket's service was not among them
    /// the script changes nothing and names the service, and the step runs again with that
    /// service's facts.
    pub(super) async fn apply_with_facts(
        &self,
        branch: &Branch,
        via: Via<'_>,
        guess: Vec<Service>,
        build: impl Fn(&[Service]) -> Vec<String>,
        step: &Step<'_>,
    ) -> QueueResult<std::vec::IntoIter<Value>> {
        let mut facts = guess;
        for _ in 0..3 {
            let argv = build(&facts);
            let answer = match via {
                Via::Lane(kind) => self.run_step(branch, kind, argv).await?,
                Via::Script(script) => {
                    let mut inv = self.invoke(script, branch);
                    inv.arg(argv);
                    self.eval(&inv).await?
                }
            };
            match reply::outcome(answer, step)? {
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

/// How a step runs: through its branch's lane (`batch`) or as a script of its own.
#[derive(Clone, Copy)]
pub(super) enum Via<'s> {
    Lane(Kind),
    Script(&'s Script),
}

/// An invocation of `script` with what every script takes first (see `RedisStore::invoke`):
/// the branch prefix `prefix`, the event `retention` and the turn-near thresholds `near`.
pub(super) fn prepared<'s>(
    script: &'s Script,
    prefix: &str,
    retention: usize,
    near: &str,
) -> ScriptInvocation<'s> {
    let mut inv = script.prepare_invoke();
    inv.key(prefix).arg(retention).arg(near);
    inv
}

/// Runs `inv` on `conn` (see `RedisStore::eval`).
pub(super) async fn eval_on(conn: &Conn, inv: &ScriptInvocation<'_>) -> QueueResult<Value> {
    conn.run(|mut con| async move { inv.invoke_async(&mut con).await })
        .await
}

/// The rest of a script's `ok` reply, or the error of its step (for scripts that need no
/// service facts beyond those they were given).
pub(super) fn applied(reply: Value, step: &Step<'_>) -> QueueResult<std::vec::IntoIter<Value>> {
    match reply::outcome(reply, step)? {
        Outcome::Ok(items) => Ok(items),
        Outcome::Retry(service) => Err(QueueError::Internal(anyhow!(
            "redis script asked for the facts of service {service} unexpectedly"
        ))),
    }
}

/// The branch's turn-near thresholds as `lua/lib.lua` reads them: ` <service>=<n> ...`.
pub(super) fn near_thresholds(branch: &Branch) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(branch.services.len() * 24);
    for service in &branch.services {
        // Writing to a String cannot fail.
        let _ = write!(out, " {}={}", service.id.as_str(), service.turn_near);
    }
    out
}
