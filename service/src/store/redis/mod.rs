//! The live queue on Redis: every transition is one Lua script (EVALSHA, loaded on NOSCRIPT),
//! every consistent read one script, all keys of a branch under one hash tag (see `keys`) so
//! that the store runs unchanged on Redis Cluster. The layout facts a script needs come from
//! the `&Branch` of each call as ARGV (`args`; scripts are invoked through `run`); the scripts
//! answer `{'ok', ...}` or `{'err', kind, ...}` (`reply`) and check everything before their
//! first write, so a failed step changes nothing. Replies become domain values in `decode`.
//! Each step also appends its board events to the branch's stream in the same script
//! (`lua/emit.lua`, decoded in `events`); displays read them through `board`, blocking reads
//! on connections of their own (`readers`). Steps that end a leg of a ticket append its history
//! entry to the branch's history stream in the same script (`lua/history.lua`); `history`
//! reads and acknowledges them.

mod args;
mod batch;
mod board;
mod conn;
mod decode;
mod events;
mod history;
mod keys;
mod readers;
mod reminders;
mod reply;
mod run;
mod scripts;
mod stream;
mod tickets;
mod windows;

#[cfg(test)]
mod smoke_tests;

use std::time::Duration;

use anyhow::anyhow;
use async_trait::async_trait;
use redis::Value;

use crate::domain::{
    Event, NewTicket, Now, ServiceId, Ticket, TicketId, TicketState, TicketView, WindowCommand,
    WindowNo, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::redis_link::Target;
use crate::store::{
    BoardSnapshot, Buffered, BufferedReminder, DEFAULT_EVENT_RETENTION, Issued, QueueStore,
    ServiceStatus,
};
use conn::Conn;
use readers::Readers;
use reply::Step;
use windows::Call;

/// The Redis store. Cheap to share behind an `Arc`; one multiplexed connection serves all
/// calls but the blocking reads of `wait_events`, which take connections of their own. The
/// takes, calls and window steps of a branch that arrive together share script calls
/// (`batch`).
pub struct RedisStore {
    conn: std::sync::Arc<Conn>,
    /// The group commit of takes, calls and window steps (see `batch`).
    lanes: batch::Lanes,
    readers: Readers,
    key_prefix: String,
    event_retention: usize,
    /// Whether a recall appends a called reminder intent (`sms.remind_on_recall`).
    remind_on_recall: bool,
}

impl RedisStore {
    /// Prepares the store without touching the network: a Redis that is down at start-up is
    /// no error; calls answer UNAVAILABLE until it is back. Fails only on a malformed URL or
    /// key prefix.
    pub async fn new(url: &str, key_prefix: &str) -> anyhow::Result<Self> {
        Self::open(&Target::new(url, false)?, key_prefix).await
    }

    /// As [`RedisStore::new`], on a server or a Redis Cluster.
    pub async fn open(target: &Target, key_prefix: &str) -> anyhow::Result<Self> {
        keys::check_key_prefix(key_prefix)?;
        let conn = std::sync::Arc::new(Conn::new(target)?);
        let readers = Readers::new(target);
        tracing::info!(key_prefix, "redis store prepared; it connects on first use");
        Ok(Self {
            conn,
            lanes: batch::Lanes::default(),
            readers,
            key_prefix: key_prefix.to_owned(),
            event_retention: DEFAULT_EVENT_RETENTION,
            remind_on_recall: false,
        })
    }

    /// Keeps about `n` (at least 1) board events per branch for displays that resume; the
    /// stream is trimmed with `MAXLEN ~`, so a few more may stay.
    pub fn with_event_retention(mut self, n: usize) -> Self {
        self.event_retention = n.max(1);
        self
    }

    /// Whether a recall appends a called reminder intent, as a call does (off unless set).
    #[must_use]
    pub fn with_remind_on_recall(mut self, on: bool) -> Self {
        self.remind_on_recall = on;
        self
    }

    /// `KEYS[1]` of every script of `branch`.
    fn prefix(&self, branch: &Branch) -> String {
        keys::branch_prefix(&self.key_prefix, &branch.id)
    }
}

#[async_trait]
impl QueueStore for RedisStore {
    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %new.service))]
    async fn take_ticket(
        &self,
        branch: &Branch,
        new: &NewTicket,
        now: &Now,
    ) -> QueueResult<Issued> {
        self.issue(branch, new, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn get_ticket(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView> {
        self.read_ticket(branch, id).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, service = %service))]
    async fn list_waiting(
        &self,
        branch: &Branch,
        service: &ServiceId,
        now: &Now,
    ) -> QueueResult<Vec<Ticket>> {
        self.read_waiting(branch, service, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn cancel_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.cancel(branch, id, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn windows(&self, branch: &Branch) -> QueueResult<Vec<WindowStatus>> {
        self.read_windows(branch).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn services(&self, branch: &Branch, now: &Now) -> QueueResult<Vec<ServiceStatus>> {
        self.read_services(branch, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn set_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        now: &Now,
    ) -> QueueResult<WindowStatus> {
        self.command_window(branch, window, command, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn call_next(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<Option<TicketView>> {
        self.call(branch, window, Call::Next, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, ticket = %id))]
    async fn call_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let called = self.call(branch, window, Call::Ticket(id), now).await?;
        called.ok_or_else(|| QueueError::Internal(anyhow!("call_ticket called nothing")))
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn recall(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("recalled", &[TicketState::Called]);
        self.window_step(branch, window, "recall", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn start_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("started", &[TicketState::Called]);
        self.window_step(branch, window, "start", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn complete_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("completed", &[TicketState::Serving]);
        self.window_step(branch, window, "complete", step, now)
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window))]
    async fn mark_no_show(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView> {
        let step = Step::new("marked no-show", &[TicketState::Called]);
        self.window_step(branch, window, "no_show", step, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ticket = %id))]
    async fn requeue(&self, branch: &Branch, id: &TicketId, now: &Now) -> QueueResult<TicketView> {
        self.requeue_ticket(branch, id, now).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, window = %window, to = %target))]
    async fn transfer(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        now: &Now,
    ) -> QueueResult<TicketView> {
        self.transfer_ticket(branch, window, target, to_front, now)
            .await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, day = %now.day))]
    async fn expire_past_days(&self, branch: &Branch, now: &Now) -> QueueResult<u32> {
        self.expire(branch, now).await
    }

    async fn ping(&self) -> QueueResult<()> {
        let ping = |mut con: crate::redis_link::Link| async move {
            redis::cmd("PING").query_async::<Value>(&mut con).await
        };
        self.conn.run(ping).await.map(|_| ())
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn snapshot(
        &self,
        branch: &Branch,
        now: &Now,
        recent_calls: usize,
    ) -> QueueResult<BoardSnapshot> {
        self.read_snapshot(branch, now, recent_calls).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn last_event_id(&self, branch: &Branch) -> QueueResult<u64> {
        self.read_last_event_id(branch).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, after))]
    async fn events_after(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
    ) -> QueueResult<Option<Vec<Event>>> {
        self.read_events_after(branch, after, max).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, after))]
    async fn wait_events(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
        wait: Duration,
    ) -> QueueResult<Option<Vec<Event>>> {
        self.wait_for_events(branch, after, max, wait).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn history_pending(&self, branch: &Branch, limit: usize) -> QueueResult<Vec<Buffered>> {
        self.read_history(branch, limit).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ids = ids.len()))]
    async fn history_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.delete_history(branch, ids).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id))]
    async fn reminders_pending(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> QueueResult<Vec<BufferedReminder>> {
        self.read_reminders(branch, limit).await
    }

    #[tracing::instrument(skip_all, fields(branch = %branch.id, ids = ids.len()))]
    async fn reminders_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize> {
        self.delete_reminders(branch, ids).await
    }
}
