//! The live queue store: one interface, two implementations (`memory`: in process and
//! persisted to SQLite; `redis`: one Lua script per transition), one conformance suite
//! (`tests/tests/conformance_*.rs`) run against both.
//!
//! Every method is one atomic step: it either applies the whole transition and returns the
//! result, or changes nothing and returns the error. The store receives the branch layout
//! with each call and takes from it what the step needs (limits, ranks, windows' services and
//! rules). The instant of the call comes from the caller as [`Now`] so that tests can move the
//! clock across a service day.
//!
//! # Ordering inside a service
//! Each waiting ticket has a queue key; lower keys are called first. A new ticket's key is
//! `rank * RANK_SPAN + ms_of_day * 1000 + seq % 1000` (see [`queue_key`]), so a service's
//! queue is ordered by priority rank, then issue time, then number. A requeued ticket gets a
//! key between the tickets it lands between; a ticket moved to the front gets the head's key
//! minus one. The ratio rule counts a ticket as priority when its key is below the service's
//! normal rank span.
//!
//! # Semantics every store implements (the conformance suite checks them)
//! - **take_ticket**: an idempotency key is scoped to (branch, service day); a known key
//!   returns that ticket as it is now with `replayed = true` and issues nothing. Otherwise the
//!   per-(service, day) counter must be below `daily_limit` (else
//!   [`QueueError::daily_limit`]); `seq = counter + 1`; id `<branch>.<day>.<prefix><seq>`;
//!   state WAITING; key `queue_key(service.rank(priority), now.ms_of_day, seq)`. The store
//!   also keeps the ticket's *time key* `now.ms_of_day * 1000 + seq % 1000` for transfers.
//! - **get_ticket**: NOT_FOUND (`QueueError::not_found("ticket", id)`) if never issued.
//!   `people_ahead` = waiting tickets with a lower key in its service (0 unless WAITING);
//!   `open_windows` = OPEN windows whose services include the ticket's service;
//!   `avg_service_ms` = the service's moving average, if any.
//! - **cancel_ticket**: WAITING → CANCELLED, `ended_at = now`. Other states:
//!   [`QueueError::ticket_state`].
//! - **set_window**: Open from any state → OPEN (clears the pause reason); Pause from OPEN or
//!   PAUSED → PAUSED with the reason, from CLOSED → FAILED_PRECONDITION; Close from any → CLOSED
//!   unless the window holds a ticket ([`QueueError::window_busy`]). A window never set is CLOSED.
//! - **call_next** / **call_ticket**: the window must be OPEN ([`QueueError::window_not_open`])
//!   and hold no ticket ([`QueueError::window_busy`]). call_next looks only at today's waiting
//!   tickets of the window's services: `StrictOrder` takes the head of the first service (in
//!   the window's order) that has one; `OldestFirst` the lowest key across them; `Ratio
//!   { priority: p, normal: n }` keeps a per-window cycle position `pos` in `0..p+n`: when
//!   `pos < p` it wants a priority ticket (key below `normal_rank * RANK_SPAN` of its service),
//!   else a normal one (key at or above it), lowest key across the services of that kind;
//!   when none of the wanted kind waits it takes the other kind; `pos` advances (mod p+n) only
//!   when a ticket is called. call_ticket needs a WAITING ticket of today
//!   ([`QueueError::other_day`], [`QueueError::ticket_state`]) of a service the window serves
//!   ([`QueueError::window_not_serving`]) and leaves the cycle alone. Both: WAITING → CALLED,
//!   `window`, `called_at = now`, `recall_count = 0`, removed from the waiting set, and the
//!   window now holds it.
//! - **recall**: the window must be OPEN and hold a CALLED ticket ([`QueueError::window_empty`],
//!   [`QueueError::ticket_state`]); `recall_count < service.recall_limit` else
//!   [`QueueError::recall_limit`]; `recall_count += 1`.
//! - **start_service**: held CALLED → SERVING, `started_at = now`.
//! - **complete_service**: held SERVING → DONE, `ended_at = now`, the window holds nothing;
//!   the service's average becomes `d` if it had none, else `round(0.8 * avg + 0.2 * d)`,
//!   with `d = ended_at - started_at` in ms clamped to 0..=4 h.
//! - **mark_no_show**: held CALLED → NO_SHOW, `ended_at = now`, the window holds nothing.
//! - **requeue**: a ticket of today ([`QueueError::other_day`]) in NO_SHOW, or CALLED (then
//!   the window holding it lets go); `requeue_count < service.requeue_limit` else
//!   [`QueueError::requeue_limit`]. → WAITING, `requeue_count += 1`, `window`, `ended_at`
//!   cleared. Its key, with `n = requeue_offset` and the waiting keys `k[0] < k[1] < …` of its
//!   service: `n == 0` → `k[0] - 1`; fewer than `n + 1` waiting → last key + 1 (a fresh
//!   `queue_key` if none); else `(k[n-1] + k[n]) / 2`, so exactly `n` stand ahead of it.
//! - **transfer**: the window holds a CALLED or SERVING ticket; `target` differs from its
//!   service ([`QueueError::transfer_to_same_service`]). → WAITING in `target`,
//!   `original_service` = the first service it had (kept over several transfers),
//!   `recall_count = 0`, `window` cleared, the window holds nothing. Key: `to_front` → the
//!   target's lowest key − 1 (a fresh key by its time key if the target is empty); else
//!   `target.rank(priority) * RANK_SPAN + time_key`. Number and id do not change.
//! - **expire_past_days**: every WAITING ticket of a day before `now.day` → EXPIRED with
//!   `ended_at = now`; their waiting sets are emptied. CALLED and SERVING tickets of a past day
//!   stay with their windows so the clerk can finish them.
//! - **windows** / **services**: one entry per window / service of the layout, in layout order.
//! - Errors of the backing store (connection refused, time-out) are
//!   [`QueueError::unavailable`]; a failed call has changed nothing.
//!
//! # Events (hall displays)
//! Every step that changes the board appends events to the branch's event log *in the same
//! atomic step* (the same Lua script; the same SQLite transaction and lock), so a step that
//! commits is always published and one that fails never is. Ids are per branch, 1, 2, 3, …
//! without gaps, never reused, also across restarts (Redis: a counter key and a Stream
//! `<prefix>:{branch}:events` whose entry id is `<event id>-0`, trimmed to about
//! `event_retention` entries; embedded: a table in the same SQLite file, pruned to the last
//! `event_retention` per branch, [`DEFAULT_EVENT_RETENTION`] unless configured). Which events:
//! - take_ticket (not a replay), cancel_ticket, requeue: `QueueChanged` of the ticket's service
//!   (a requeue of a CALLED ticket first a `WindowChanged` of the window that let it go);
//! - set_window: `WindowChanged`, only when the state or the reason actually changed;
//! - call_next / call_ticket: `Called` (recall_count 0), then `QueueChanged` of its service;
//! - recall: `Called` with the new recall_count;
//! - start_service, complete_service, mark_no_show: `WindowChanged` (current ticket SERVING /
//!   none / none);
//! - transfer: `WindowChanged` (none), then `QueueChanged` of the target service;
//! - expire_past_days: nothing (past days are not on today's board).
//!
//! `QueueChanged.waiting` (today's waiting tickets of the service) and `WindowChanged` carry absolute values after the step, so applying
//! an event twice is harmless.
//!
//! # History buffer (durable records)
//! Every step that ends a leg of a ticket appends a [`HistoryEntry`] to the branch's history
//! buffer *in the same atomic step* (the same Lua script, key `<prefix>:{branch}:history`; the
//! same SQLite transaction, table `live_history`), so an entry exists exactly when its step
//! committed, and nothing is lost while the records database is down:
//! - complete_service → DONE, mark_no_show → NO_SHOW, cancel_ticket → CANCELLED,
//!   expire_past_days → EXPIRED (one per expired ticket);
//! - transfer → TRANSFERRED for the leg in the service it leaves; the ticket then starts leg
//!   `n + 1` in the target, entered at the transfer.
//!
//! A leg is numbered 0 in the service the ticket was taken for, +1 per transfer. The entry
//! holds the leg's service, the ticket's priority, channel, recall and requeue counts, the
//! window of the latest call in the leg, the leg's entry time (issue or transfer in), its
//! *first* call (a requeued ticket is called again), its start of service (only when it was
//! served in this leg) and the end. A NO_SHOW that is requeued and ends again (done, no-show
//! again, cancelled, expired, transferred) appends a second entry for the same `(ticket, leg)`
//! with a higher `requeue_count`; the records keep the one with the highest, which is the
//! leg's real end.
//!
//! `history_pending` reads a branch's oldest entries with their buffer ids; `history_ack`
//! removes exactly the ids given (ids already gone are ignored), so several replicas may drain
//! one buffer at once: the records insert is idempotent. Steps that fail or answer without
//! changing anything append nothing.
//!
//! # Reminder buffer (SMS)
//! Found where the queue moves, never by polling: in the same atomic step (the same Lua script,
//! stream `<prefix>:{branch}:reminders`; the same SQLite transaction, table `live_reminders`),
//! - call_next / call_ticket append a `called` intent (with the window) for a ticket with a
//!   phone, on every call of it (after a requeue or a transfer too); a recall appends one only
//!   when the store was built `with_remind_on_recall(true)` (`sms.remind_on_recall`), else
//!   nothing. Each called intent carries its number `call` among the ticket's called intents
//!   (1, 2, 3, …), counted in the same atomic step (the ticket hash's `called_n` on Redis, a
//!   `live_called` row in SQLite), so the relay's outbox subject `<ticket id>#<call>` makes
//!   each call one reminder and a relay that enqueues the same intent twice still one;
//! - every step whose `QueueChanged` event says a service's waiting changed (take_ticket,
//!   cancel_ticket, call_next, call_ticket, requeue, transfer into the target) then looks at
//!   today's queue of that service: the waiting ticket at index `turn_near` (exactly
//!   `turn_near` people ahead), if it has a phone and was never sent a turn-near intent (a
//!   per-ticket flag: the ticket hash's `near_sent` on Redis, a `live_reminded` row in SQLite,
//!   kept through requeues and transfers), gets a `turn_near` intent.
//!
//! So a ticket taken with exactly `turn_near` people ahead is reminded at once; one taken with
//! fewer is not (its holder is at the kiosk in the hall, which shows the people ahead) unless a
//! later insertion (priority class, requeue, transfer) puts it at index `turn_near`; it gets
//! its `called` reminders in any case. A ticket in front of index `turn_near` never passes it
//! again. expire_past_days touches past days only and appends nothing; refused steps append
//! nothing. `reminders_pending` / `reminders_ack` work like the history buffer's.

pub mod drain;
mod history;
pub mod memory;
pub mod redis;
mod reminders;

pub use history::{Buffered, HistoryEntry, Leg, Outcome};
pub use reminders::{BufferedReminder, ReminderIntent, ReminderKind};

use async_trait::async_trait;

use std::time::Duration;

use crate::domain::{
    Event, NewTicket, Now, ServiceId, Ticket, TicketId, TicketView, WindowCommand, WindowNo,
    WindowStatus,
};
use crate::error::QueueResult;
use crate::hall::Branch;

/// Events kept per branch for displays that resume, unless configured otherwise.
pub const DEFAULT_EVENT_RETENTION: usize = 10_000;

/// Keys of one rank span this wide: more than 86,400,000 ms × 1000.
pub const RANK_SPAN: f64 = 1e11;

/// The queue key of a new ticket (see the module docs).
pub fn queue_key(rank: u32, ms_of_day: u32, seq: u32) -> f64 {
    f64::from(rank) * RANK_SPAN + f64::from(ms_of_day) * 1000.0 + f64::from(seq % 1000)
}

/// Facts about one service of a branch now.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStatus {
    pub service: ServiceId,
    pub waiting: u32,
    pub issued_today: u32,
    pub avg_service_ms: Option<u64>,
    pub open_windows: u32,
}

/// A branch's board as of one event id, read in one atomic step.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSnapshot {
    /// The last event the board reflects; 0 when the branch has had none.
    pub last_event_id: u64,
    /// In layout order.
    pub windows: Vec<WindowStatus>,
    /// In layout order.
    pub services: Vec<ServiceStatus>,
    /// The latest `Called` events still retained, oldest first.
    pub recent_calls: Vec<Event>,
}

/// What TakeTicket returns: the ticket, and whether an idempotency key replayed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    pub view: TicketView,
    pub replayed: bool,
}

#[async_trait]
pub trait QueueStore: Send + Sync + 'static {
    /// Issues the next number of `new.service` for `now.day`, or replays the ticket of the same
    /// idempotency key. RESOURCE_EXHAUSTED when the daily limit is reached.
    async fn take_ticket(&self, branch: &Branch, new: &NewTicket, now: &Now)
    -> QueueResult<Issued>;

    /// NOT_FOUND when the ticket was never issued.
    async fn get_ticket(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView>;

    /// Waiting tickets of today in calling order.
    async fn list_waiting(
        &self,
        branch: &Branch,
        service: &ServiceId,
        now: &Now,
    ) -> QueueResult<Vec<Ticket>>;

    /// WAITING → CANCELLED.
    async fn cancel_ticket(
        &self,
        branch: &Branch,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// Every window of the branch, in hall order (a window never touched is CLOSED).
    async fn windows(&self, branch: &Branch) -> QueueResult<Vec<WindowStatus>>;

    /// Every service of the branch, in hall order.
    async fn services(&self, branch: &Branch, now: &Now) -> QueueResult<Vec<ServiceStatus>>;

    /// Open, pause or close. Opening an open window changes nothing and succeeds; closing a
    /// window that holds a ticket is FAILED_PRECONDITION.
    async fn set_window(
        &self,
        branch: &Branch,
        window: WindowNo,
        command: &WindowCommand,
        now: &Now,
    ) -> QueueResult<WindowStatus>;

    /// Picks by the window's rule and hands the ticket to the window (WAITING → CALLED) in one
    /// step. `None` when nothing waits for the window.
    async fn call_next(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<Option<TicketView>>;

    /// Calls one waiting ticket of today, out of order.
    async fn call_ticket(
        &self,
        branch: &Branch,
        window: WindowNo,
        id: &TicketId,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// CALLED → CALLED with `recall_count + 1`, up to the service's limit.
    async fn recall(&self, branch: &Branch, window: WindowNo, now: &Now)
    -> QueueResult<TicketView>;

    /// CALLED → SERVING.
    async fn start_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// SERVING → DONE; feeds the service's moving average of service times.
    async fn complete_service(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// CALLED → NO_SHOW.
    async fn mark_no_show(
        &self,
        branch: &Branch,
        window: WindowNo,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// NO_SHOW (or CALLED) of today → WAITING, `requeue_offset` places from the front.
    async fn requeue(&self, branch: &Branch, id: &TicketId, now: &Now) -> QueueResult<TicketView>;

    /// The window's CALLED or SERVING ticket → WAITING in `target`, by its original place in
    /// time or at the front.
    async fn transfer(
        &self,
        branch: &Branch,
        window: WindowNo,
        target: &ServiceId,
        to_front: bool,
        now: &Now,
    ) -> QueueResult<TicketView>;

    /// Ends past service days: every WAITING ticket of a day before `now.day` → EXPIRED.
    /// Returns how many expired.
    async fn expire_past_days(&self, branch: &Branch, now: &Now) -> QueueResult<u32>;

    /// Ok when the store answers; UNAVAILABLE otherwise.
    async fn ping(&self) -> QueueResult<()>;

    /// The board and the id of the last event it reflects, in one atomic step, with at most
    /// `recent_calls` of the latest calls.
    async fn snapshot(
        &self,
        branch: &Branch,
        now: &Now,
        recent_calls: usize,
    ) -> QueueResult<BoardSnapshot>;

    /// The id of the branch's last event; 0 when it has had none.
    async fn last_event_id(&self, branch: &Branch) -> QueueResult<u64>;

    /// Events with an id above `after`, oldest first, at most `max`. `None` when events after
    /// `after` are no longer all retained, or `after` is above the last id (the log was reset):
    /// the caller must resync from a snapshot.
    async fn events_after(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
    ) -> QueueResult<Option<Vec<Event>>>;

    /// As [`QueueStore::events_after`], but when there is none yet waits up to `wait` for the
    /// next (Redis: `XREAD BLOCK` on a connection of its own, so other calls are not held up;
    /// embedded: a notification). `Some(vec![])` when the wait ended with nothing new.
    async fn wait_events(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
        wait: Duration,
    ) -> QueueResult<Option<Vec<Event>>>;

    /// The branch's oldest history entries not yet acknowledged, oldest first, at most
    /// `limit`, each with its buffer id.
    async fn history_pending(&self, branch: &Branch, limit: usize) -> QueueResult<Vec<Buffered>>;

    /// Removes the entries with these buffer ids from the branch's buffer; returns how many
    /// were still there.
    async fn history_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize>;

    /// The branch's oldest reminder intents not yet acknowledged, oldest first, at most
    /// `limit`, each with its buffer id.
    async fn reminders_pending(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> QueueResult<Vec<BufferedReminder>>;

    /// Removes the intents with these buffer ids from the branch's reminder buffer; returns how
    /// many were still there.
    async fn reminders_ack(&self, branch: &Branch, ids: &[String]) -> QueueResult<usize>;
}
