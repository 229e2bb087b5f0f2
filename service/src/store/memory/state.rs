//! The live queue of one branch as it sits in memory, and the read-only questions asked of
//! it. Nothing here mutates except [`BranchState::apply`], which is called only after the
//! change it applies has been committed to SQLite.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::domain::{
    Now, ServiceId, Ticket, TicketId, TicketState, TicketView, WindowNo, WindowState, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{Leg, ServiceStatus};

use super::log::EventLog;

/// A queue key with a total order (keys are finite; `total_cmp` orders them as numbers).
#[derive(Debug, Clone, Copy)]
pub struct Key(pub f64);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The place of a waiting ticket in its service's queue: the key, then the number, so two
/// tickets with one key (a transfer can produce that) still have a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WaitKey {
    pub key: Key,
    pub seq: u32,
    pub prefix: String,
}

impl WaitKey {
    /// The smallest place whose key is `key` or more.
    pub fn at_least(key: f64) -> Self {
        Self {
            key: Key(key),
            seq: 0,
            prefix: String::new(),
        }
    }
}

/// The waiting tickets of one (service day, service), in calling order.
pub type WaitQueue = BTreeMap<WaitKey, TicketId>;

/// A ticket with its queue key, its time key (`ms_of_day * 1000 + seq % 1000` at issue,
/// used to place it by time when it is transferred) and its current leg.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveTicket {
    pub ticket: Ticket,
    pub key: f64,
    pub time_key: f64,
    /// The ticket's current leg, for its history entries.
    pub leg: Leg,
}

impl LiveTicket {
    pub fn wait_key(&self) -> WaitKey {
        WaitKey {
            key: Key(self.key),
            seq: self.ticket.id.number.seq(),
            prefix: self.ticket.id.number.prefix().to_owned(),
        }
    }
}

/// A window's live state. `ratio_pos` is the position in its ratio cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveWindow {
    pub number: WindowNo,
    pub state: WindowState,
    pub pause_reason: Option<String>,
    pub current: Option<TicketId>,
    pub ratio_pos: u32,
}

impl LiveWindow {
    /// A window never set: CLOSED, holding nothing.
    pub fn closed(number: WindowNo) -> Self {
        Self {
            number,
            state: WindowState::Closed,
            pause_reason: None,
            current: None,
            ratio_pos: 0,
        }
    }
}

/// Everything the live queue of one branch holds.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BranchState {
    pub tickets: HashMap<TicketId, LiveTicket>,
    /// Per (service day, service); a queue that empties is removed.
    pub waiting: HashMap<(NaiveDate, ServiceId), WaitQueue>,
    pub windows: HashMap<WindowNo, LiveWindow>,
    /// Tickets issued per (service day, service).
    pub counters: HashMap<(NaiveDate, ServiceId), u32>,
    /// Idempotency keys per service day.
    pub idempotency: HashMap<(NaiveDate, String), TicketId>,
    /// Moving average of real service times per service, in ms.
    pub averages: HashMap<ServiceId, u64>,
    /// The board events: the last id and the latest ones retained.
    pub events: EventLog,
}

/// The entries of `queue` before `key`, counted from whichever end of the queue is nearer:
/// both ends are walked in step until one runs out, so a ticket just taken (at the back) or
/// about to be called (at the front) costs a few steps however long the line is.
pub fn count_ahead(queue: &WaitQueue, key: &WaitKey) -> usize {
    let mut ahead = queue.range(..key.clone()).rev();
    let mut from = queue.range(key.clone()..);
    let mut steps = 0;
    loop {
        match (ahead.next(), from.next()) {
            // Every entry before `key` seen: `steps` of them.
            (None, _) => return steps,
            // `key` and everything after it seen: `steps` of them; the rest is ahead.
            (Some(_), None) => return queue.len() - steps,
            (Some(_), Some(_)) => steps += 1,
        }
    }
}

impl BranchState {
    pub fn ticket(&self, id: &TicketId) -> QueueResult<&LiveTicket> {
        self.tickets
            .get(id)
            .ok_or_else(|| QueueError::not_found("ticket", id))
    }

    pub fn queue(&self, day: NaiveDate, service: &ServiceId) -> Option<&WaitQueue> {
        self.waiting.get(&(day, service.clone()))
    }

    /// The window's live state; a window never set is CLOSED.
    pub fn window(&self, number: WindowNo) -> LiveWindow {
        self.windows
            .get(&number)
            .cloned()
            .unwrap_or_else(|| LiveWindow::closed(number))
    }

    pub fn issued(&self, day: NaiveDate, service: &ServiceId) -> u32 {
        self.counters
            .get(&(day, service.clone()))
            .copied()
            .unwrap_or(0)
    }

    /// Waiting tickets ahead of `ticket` in its queue; 0 unless it waits.
    /// O(min(ahead, behind)): see [`count_ahead`] (an order-statistic tree would make it
    /// O(log n)).
    pub fn people_ahead(&self, ticket: &LiveTicket) -> u32 {
        if ticket.ticket.state != TicketState::Waiting {
            return 0;
        }
        let ahead = self
            .queue(ticket.ticket.id.day, &ticket.ticket.service)
            .map_or(0, |q| count_ahead(q, &ticket.wait_key()));
        u32::try_from(ahead).unwrap_or(u32::MAX)
    }

    /// OPEN windows of the layout that serve `service`.
    pub fn open_windows(&self, branch: &Branch, service: &ServiceId) -> u32 {
        let open = branch
            .windows_serving(service)
            .filter(|w| self.window(w.number).state == WindowState::Open)
            .count();
        u32::try_from(open).unwrap_or(u32::MAX)
    }

    pub fn view(&self, branch: &Branch, id: &TicketId) -> QueueResult<TicketView> {
        let live = self.ticket(id)?;
        Ok(TicketView {
            people_ahead: self.people_ahead(live),
            avg_service_ms: self.averages.get(&live.ticket.service).copied(),
            open_windows: self.open_windows(branch, &live.ticket.service),
            ticket: live.ticket.clone(),
        })
    }

    pub fn window_status(&self, number: WindowNo) -> WindowStatus {
        let live = self.window(number);
        WindowStatus {
            number,
            state: live.state,
            pause_reason: live.pause_reason,
            current: live
                .current
                .and_then(|id| self.tickets.get(&id))
                .map(|t| t.ticket.clone()),
        }
    }

    /// Every service of the layout as it stands `now`, in layout order.
    pub fn service_statuses(&self, branch: &Branch, now: &Now) -> Vec<ServiceStatus> {
        branch
            .services
            .iter()
            .map(|service| ServiceStatus {
                service: service.id.clone(),
                waiting: self
                    .queue(now.day, &service.id)
                    .map_or(0, |q| u32::try_from(q.len()).unwrap_or(u32::MAX)),
                issued_today: self.issued(now.day, &service.id),
                avg_service_ms: self.averages.get(&service.id).copied(),
                open_windows: self.open_windows(branch, &service.id),
            })
            .collect()
    }

    /// Waiting tickets of `day` in `service`, in calling order.
    pub fn waiting_tickets(&self, day: NaiveDate, service: &ServiceId) -> Vec<Ticket> {
        self.queue(day, service)
            .into_iter()
            .flat_map(|q| q.values())
            .filter_map(|id| self.tickets.get(id))
            .map(|t| t.ticket.clone())
            .collect()
    }

    /// Puts a ticket in place: out of the queue it waited in, into the one it now waits in.
    pub fn put_ticket(&mut self, live: LiveTicket) {
        if let Some(old) = self.tickets.get(&live.ticket.id)
            && old.ticket.state == TicketState::Waiting
        {
            let slot = (old.ticket.id.day, old.ticket.service.clone());
            let wait_key = old.wait_key();
            if let Some(queue) = self.waiting.get_mut(&slot) {
                queue.remove(&wait_key);
                if queue.is_empty() {
                    self.waiting.remove(&slot);
                }
            }
        }
        if live.ticket.state == TicketState::Waiting {
            self.waiting
                .entry((live.ticket.id.day, live.ticket.service.clone()))
                .or_default()
                .insert(live.wait_key(), live.ticket.id.clone());
        }
        self.tickets.insert(live.ticket.id.clone(), live);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod count_ahead_tests {
    use super::*;

    fn queue(n: u32) -> WaitQueue {
        (1..=n)
            .map(|seq| {
                let key = WaitKey {
                    key: Key(f64::from(seq) * 10.0),
                    seq,
                    prefix: "A".to_owned(),
                };
                let id = TicketId::parse(&format!("test-centre.20261127.A{seq:03}")).unwrap();
                (key, id)
            })
            .collect()
    }

    #[test]
    fn counts_the_entries_before_each_key_from_either_end() {
        for n in [1, 2, 3, 10, 101] {
            let q = queue(n);
            for (index, key) in q.keys().enumerate() {
                assert_eq!(count_ahead(&q, key), index, "queue of {n}, key {key:?}");
            }
        }
    }

    #[test]
    fn a_key_between_entries_counts_those_before_it() {
        let q = queue(10);
        assert_eq!(count_ahead(&q, &WaitKey::at_least(35.0)), 3);
        assert_eq!(count_ahead(&q, &WaitKey::at_least(0.0)), 0);
        assert_eq!(count_ahead(&q, &WaitKey::at_least(1000.0)), 10);
        assert_eq!(count_ahead(&WaitQueue::new(), &WaitKey::at_least(1.0)), 0);
    }
}
