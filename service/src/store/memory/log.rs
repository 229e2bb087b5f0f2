//! A branch's event log in memory: the id of its last event and a ring of the latest
//! `event_retention` events, ids contiguous, oldest first.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::domain::{Event, EventKind};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventLog {
    last_id: u64,
    /// Ids `last_id - ring.len() + 1 ..= last_id`.
    ring: VecDeque<Event>,
}

impl EventLog {
    /// The log read back from the file: `last_id` and the retained events in id order. Only
    /// the contiguous run ending at `last_id` is kept (a hole would make a resume skip
    /// events; without the run, readers resync from a snapshot).
    pub fn restore(last_id: u64, events: Vec<Event>, retention: usize) -> Self {
        let mut log = Self {
            last_id,
            ring: VecDeque::new(),
        };
        for event in events {
            if log.ring.back().is_some_and(|prev| prev.id + 1 != event.id) {
                log.ring.clear();
            }
            log.ring.push_back(event);
        }
        log.last_id = log.last_id.max(log.ring.back().map_or(0, |e| e.id));
        if log.ring.back().is_some_and(|e| e.id != log.last_id) {
            log.ring.clear();
        }
        log.trim(retention);
        log
    }

    /// The id of the last event; 0 when there has been none.
    pub fn last_id(&self) -> u64 {
        self.last_id
    }

    /// How many events are retained.
    pub fn retained(&self) -> usize {
        self.ring.len()
    }

    /// The events a step emits, numbered after the last one and stamped with the step's time.
    pub fn stamp(&self, kinds: &[EventKind], at: DateTime<Utc>) -> Vec<Event> {
        (self.last_id + 1..)
            .zip(kinds)
            .map(|(id, kind)| Event {
                id,
                at,
                kind: kind.clone(),
            })
            .collect()
    }

    /// Appends committed events (numbered by [`EventLog::stamp`]) and drops the oldest beyond
    /// `retention`.
    pub fn append(&mut self, events: Vec<Event>, retention: usize) {
        for event in events {
            if event.id != self.last_id + 1 {
                // Never happens: ids are stamped from this log under the store's lock.
                tracing::error!(
                    expected = self.last_id + 1,
                    got = event.id,
                    "event id out of sequence; the retained events are dropped"
                );
                self.ring.clear();
            }
            self.last_id = event.id;
            self.ring.push_back(event);
        }
        self.trim(retention);
    }

    fn trim(&mut self, retention: usize) {
        while self.ring.len() > retention {
            self.ring.pop_front();
        }
    }

    /// At most `max` events with an id above `after`, oldest first; `None` when some of them
    /// are no longer retained or `after` is above the last id. O(max).
    pub fn after(&self, after: u64, max: usize) -> Option<Vec<Event>> {
        if after > self.last_id {
            return None;
        }
        let first = self.ring.front().map_or(self.last_id + 1, |e| e.id);
        let skip = usize::try_from((after + 1).checked_sub(first)?).ok()?;
        if skip > self.ring.len() {
            return None;
        }
        Some(self.ring.range(skip..).take(max).cloned().collect())
    }

    /// The latest `n` `Called` events retained, oldest first.
    pub fn recent_calls(&self, n: usize) -> Vec<Event> {
        let mut calls: Vec<Event> = self
            .ring
            .iter()
            .rev()
            .filter(|e| matches!(e.kind, EventKind::Called { .. }))
            .take(n)
            .cloned()
            .collect();
        calls.reverse();
        calls
    }
}
