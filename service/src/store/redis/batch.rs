//! Group commit on Redis of the steps a busy hall makes most: TakeTicket, the calls and the
//! steps on a held ticket (start, complete, recall, no-show). The steps of a branch go to
//! Redis through its lane: a step that finds fewer than [`IN_FLIGHT`] script calls of its
//! branch on their way goes at once, alone; the steps that arrive meanwhile wait for one of
//! those calls to come back and then go together, up to [`MAX_BATCH`] in one EVALSHA of
//! `lua/steps.lua`, which applies them one after the other exactly as if each had come alone.
//! A busy hall thus costs Redis one script call per round trip instead of one per step: the
//! call's own work (reading the request, starting the script, the helpers every script
//! defines, the reply) is shared, and the steps of a quiet hall wait for nothing.
//!
//! Each batch runs in a task of its own, so a caller that goes away (a client that cancelled)
//! takes no other caller's answer with it; its own step is applied or not as if it had come
//! alone.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::anyhow;
use redis::Value;
use tokio::sync::oneshot;

use super::conn::Conn;
use super::run;
use super::scripts::SCRIPTS;
use crate::error::{QueueError, QueueResult};

/// Script calls of one branch's steps on their way to Redis at once.
const IN_FLIGHT: usize = 2;
/// Steps in one script call at most: the script holds Redis for some 20 to 50 µs per step,
/// so a full batch keeps other branches' calls waiting under two milliseconds.
const MAX_BATCH: usize = 32;

/// One step: the branch's turn-near thresholds (`ARGV[2]` of every script, see `run`), its
/// kind as `lua/steps.lua` names it and its own arguments (`lua/take.lua`, `call.lua`,
/// `step.lua`).
pub(super) struct Op {
    pub near: String,
    pub kind: Kind,
    pub args: Vec<String>,
}

/// What a step is, as `lua/steps.lua` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Take,
    Call,
    /// Start, complete, recall or no-show of the ticket a window holds.
    Step,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Take => "take",
            Kind::Call => "call",
            Kind::Step => "step",
        }
    }
}

/// The lanes of the branches, by their key prefix (`KEYS[1]`).
#[derive(Default)]
pub(super) struct Lanes {
    lanes: Mutex<HashMap<String, Arc<Lane>>>,
    /// Script calls sent, of all lanes.
    calls: Arc<AtomicU64>,
}

#[derive(Default)]
struct Lane {
    state: Mutex<LaneState>,
}

#[derive(Default)]
struct LaneState {
    waiting: Vec<Waiting>,
    /// Tasks sending this lane's batches; at most `IN_FLIGHT`.
    running: usize,
}

struct Waiting {
    op: Op,
    answer: oneshot::Sender<QueueResult<Value>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Lanes {
    /// Script calls sent so far, of all branches.
    #[cfg(test)]
    pub(super) fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Runs `op` for the branch of `prefix`, alone or with the steps waiting beside it; its
    /// answer is what the script answered for it.
    pub(super) async fn run(
        &self,
        conn: &Arc<Conn>,
        prefix: String,
        retention: usize,
        op: Op,
    ) -> QueueResult<Value> {
        let lane = {
            let mut lanes = lock(&self.lanes);
            match lanes.get(&prefix) {
                Some(lane) => Arc::clone(lane),
                None => Arc::clone(lanes.entry(prefix.clone()).or_default()),
            }
        };
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut state = lock(&lane.state);
            state.waiting.push(Waiting { op, answer });
            let start = state.running < IN_FLIGHT;
            state.running += usize::from(start);
            start
        };
        if start {
            let sender = Sender {
                lane,
                conn: Arc::clone(conn),
                calls: Arc::clone(&self.calls),
                prefix,
                retention,
            };
            tokio::spawn(sender.send_all());
        }
        answered.await.unwrap_or_else(|_| {
            Err(QueueError::Internal(anyhow!(
                "the step batch ended without answering"
            )))
        })
    }
}

/// A task that sends a lane's waiting steps, batch after batch, until none waits.
struct Sender {
    lane: Arc<Lane>,
    conn: Arc<Conn>,
    calls: Arc<AtomicU64>,
    prefix: String,
    retention: usize,
}

impl Sender {
    async fn send_all(self) {
        // Ends the lane's claim on this task however the task ends: were it to end by a
        // panic, the steps still waiting would be answered with an error instead of never.
        let mut guard = Running {
            lane: &self.lane,
            done: false,
        };
        loop {
            let batch = {
                let mut state = lock(&self.lane.state);
                if state.waiting.is_empty() {
                    state.running -= 1;
                    guard.done = true;
                    return;
                }
                next_batch(&mut state.waiting)
            };
            self.send(batch).await;
        }
    }

    async fn send(&self, batch: Vec<Waiting>) {
        let Some(first) = batch.first() else { return };
        let mut inv = run::prepared(&SCRIPTS.steps, &self.prefix, self.retention, &first.op.near);
        inv.arg(batch.len());
        for waiting in &batch {
            let op = &waiting.op;
            inv.arg(op.kind.name()).arg(op.args.len()).arg(&op.args);
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        let result = run::eval_on(&self.conn, &inv).await;
        match result {
            Ok(Value::Array(answers)) if answers.len() == batch.len() => {
                for (waiting, answer) in batch.into_iter().zip(answers) {
                    // A caller that went away needs no answer.
                    let _ = waiting.answer.send(Ok(answer));
                }
            }
            Ok(other) => {
                let error = QueueError::Internal(anyhow!(
                    "steps script answered {other:?} to {} steps",
                    batch.len()
                ));
                answer_all(batch, &error);
            }
            Err(error) => answer_all(batch, &error),
        }
    }
}

/// The steps to send next: the first waiting and those after it with the same thresholds
/// (a layout reload between two steps changes them), at most `MAX_BATCH`.
fn next_batch(waiting: &mut Vec<Waiting>) -> Vec<Waiting> {
    let near = &waiting[0].op.near;
    let same = waiting
        .iter()
        .take(MAX_BATCH)
        .take_while(|w| w.op.near == *near)
        .count();
    waiting.drain(..same).collect()
}

/// Answers every step of `batch` with `error` (the script call failed as a whole).
fn answer_all(batch: Vec<Waiting>, error: &QueueError) {
    for waiting in batch {
        let _ = waiting.answer.send(Err(copy(error)));
    }
}

/// The same error for another caller: a call that failed as a whole failed the same way for
/// each step in it (UNAVAILABLE when Redis is out of reach, INTERNAL otherwise).
fn copy(error: &QueueError) -> QueueError {
    match error {
        QueueError::Unavailable(message) => QueueError::Unavailable(message.clone()),
        other => QueueError::Internal(anyhow!("{other:#}")),
    }
}

struct Running<'a> {
    lane: &'a Lane,
    done: bool,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut state = lock(&self.lane.state);
        state.running -= 1;
        if state.running == 0 {
            let error = QueueError::Internal(anyhow!("the step batch task ended early"));
            answer_all(std::mem::take(&mut state.waiting), &error);
        }
    }
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
