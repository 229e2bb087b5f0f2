//! What a transition changes, computed without touching the state: written to SQLite in one
//! transaction, then applied to memory.

use chrono::NaiveDate;

use crate::domain::{EventKind, ServiceId, TicketId};
use crate::store::{HistoryEntry, ReminderIntent};

use super::state::{BranchState, LiveTicket, LiveWindow};

/// The rows one transition writes. Every row is a whole new value (an upsert), so applying a
/// change twice gives the same state.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Change {
    pub tickets: Vec<LiveTicket>,
    pub windows: Vec<LiveWindow>,
    pub counters: Vec<Counter>,
    pub idempotency: Vec<IdempotencyKey>,
    pub averages: Vec<Average>,
    /// The board events the transition emits, in order; the store gives them ids and the
    /// step's time when it commits.
    pub events: Vec<EventKind>,
    /// The history entries of the legs the transition ends (written to `live_history` in the
    /// same transaction; nothing of them is kept in memory).
    pub history: Vec<HistoryEntry>,
    /// The reminder intents the step finds (`live_reminders`, same transaction; file only).
    pub reminders: Vec<ReminderIntent>,
}

/// Tickets issued of one service on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    pub day: NaiveDate,
    pub service: ServiceId,
    pub issued: u32,
}

/// An idempotency key of a service day and the ticket it issued.
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyKey {
    pub day: NaiveDate,
    pub key: String,
    pub ticket: TicketId,
}

/// A service's moving average of service times, in ms.
#[derive(Debug, Clone, PartialEq)]
pub struct Average {
    pub service: ServiceId,
    pub avg_ms: u64,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
            && self.windows.is_empty()
            && self.counters.is_empty()
            && self.idempotency.is_empty()
            && self.averages.is_empty()
            && self.events.is_empty()
            && self.history.is_empty()
            && self.reminders.is_empty()
    }
}

/// A transition's change and what the call answers once it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan<T> {
    pub change: Change,
    pub result: T,
}

impl<T> Plan<T> {
    /// Answers without changing anything.
    pub fn nothing(result: T) -> Self {
        Self {
            change: Change::default(),
            result,
        }
    }
}

impl BranchState {
    /// Applies a committed change. Tickets move between waiting queues as their state and
    /// key say; the rest replaces what was there. The events, stamped, go to the event log
    /// separately ([`super::log::EventLog::append`]).
    pub fn apply(&mut self, change: Change) {
        for ticket in change.tickets {
            self.put_ticket(ticket);
        }
        for window in change.windows {
            self.windows.insert(window.number, window);
        }
        for counter in change.counters {
            self.counters
                .insert((counter.day, counter.service), counter.issued);
        }
        for key in change.idempotency {
            self.idempotency.insert((key.day, key.key), key.ticket);
        }
        for average in change.averages {
            self.averages.insert(average.service, average.avg_ms);
        }
        // `change.history` and `change.reminders` live only in the file, until drained.
    }
}
