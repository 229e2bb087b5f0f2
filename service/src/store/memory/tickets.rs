//! Transitions that start from a ticket: take, cancel, requeue, expire. Each is a pure
//! function of the state: it checks, then returns the change without applying it.

use crate::domain::{NewTicket, Now, Ticket, TicketId, TicketNumber, TicketState};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Service};
use crate::store::{HistoryEntry, Leg, Outcome, queue_key};

use super::change::{Change, Counter, IdempotencyKey, Plan};
use super::events;
use super::state::{BranchState, LiveTicket, LiveWindow};

/// The ticket a take answers with, and whether its idempotency key replayed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Taken {
    pub id: TicketId,
    pub replayed: bool,
}

pub fn service<'a>(branch: &'a Branch, id: &crate::domain::ServiceId) -> QueueResult<&'a Service> {
    branch.service(id).ok_or_else(|| QueueError::NotFound {
        what: "service",
        name: format!("{id}' in branch '{}", branch.id),
    })
}

/// Issues the next number of the service for today, or replays a known idempotency key.
pub fn take(
    state: &BranchState,
    branch: &Branch,
    new: &NewTicket,
    now: &Now,
) -> QueueResult<Plan<Taken>> {
    if let Some(key) = &new.idempotency_key
        && let Some(id) = state.idempotency.get(&(now.day, key.clone()))
    {
        return Ok(Plan::nothing(Taken {
            id: id.clone(),
            replayed: true,
        }));
    }
    let service = service(branch, &new.service)?;
    let issued = state.issued(now.day, &service.id);
    if issued >= service.daily_limit {
        return Err(QueueError::daily_limit(
            &service.id,
            &service.name,
            service.daily_limit,
        ));
    }
    let seq = issued + 1;
    let id = TicketId {
        branch: branch.id.clone(),
        day: now.day,
        number: TicketNumber::new(&service.prefix, seq),
    };
    let ticket = Ticket::issued(id.clone(), new, now.at);
    let mut change = Change {
        tickets: vec![LiveTicket {
            ticket,
            key: queue_key(service.rank(new.priority), now.ms_of_day, seq),
            time_key: f64::from(now.ms_of_day) * 1000.0 + f64::from(seq % 1000),
            leg: Leg::first(now.at),
        }],
        counters: vec![Counter {
            day: now.day,
            service: service.id.clone(),
            issued: seq,
        }],
        ..Change::default()
    };
    if let Some(key) = &new.idempotency_key {
        change.idempotency.push(IdempotencyKey {
            day: now.day,
            key: key.clone(),
            ticket: id.clone(),
        });
    }
    let queue = events::queue_changed(state, &change.tickets, now.day, &service.id);
    change.events.push(queue);
    Ok(Plan {
        change,
        result: Taken {
            id,
            replayed: false,
        },
    })
}

/// WAITING → CANCELLED.
pub fn cancel(state: &BranchState, id: &TicketId, now: &Now) -> QueueResult<Plan<TicketId>> {
    let live = state.ticket(id)?;
    let ticket = &live.ticket;
    if ticket.state != TicketState::Waiting {
        return Err(QueueError::ticket_state(
            ticket.number(),
            ticket.state,
            "cancelled",
            &[TicketState::Waiting],
        ));
    }
    let mut live = live.clone();
    live.ticket.state = TicketState::Cancelled;
    live.ticket.ended_at = Some(now.at);
    let entry = HistoryEntry::of(&live.ticket, &live.leg, Outcome::Cancelled, now.at);
    let tickets = vec![live];
    let queue = events::queue_changed(state, &tickets, now.day, &ticket.service);
    Ok(Plan {
        change: Change {
            tickets,
            events: vec![queue],
            history: vec![entry],
            ..Change::default()
        },
        result: id.clone(),
    })
}

/// A NO_SHOW (or CALLED) ticket of today back to WAITING, `requeue_offset` places from the
/// front of its service.
pub fn requeue(
    state: &BranchState,
    branch: &Branch,
    id: &TicketId,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let live = state.ticket(id)?;
    let ticket = &live.ticket;
    if ticket.id.day != now.day {
        return Err(QueueError::other_day(
            ticket.number(),
            ticket.id.day,
            now.day,
        ));
    }
    if !matches!(ticket.state, TicketState::NoShow | TicketState::Called) {
        return Err(QueueError::ticket_state(
            ticket.number(),
            ticket.state,
            "requeued",
            &[TicketState::NoShow, TicketState::Called],
        ));
    }
    let service = service(branch, &ticket.service)?;
    if ticket.requeue_count >= service.requeue_limit {
        return Err(QueueError::requeue_limit(
            ticket.number(),
            service.requeue_limit,
        ));
    }
    let mut change = Change::default();
    if ticket.state == TicketState::Called
        && let Some(window) = let_go(state, ticket)
    {
        change.events.push(events::window_changed(&window, None));
        change.windows.push(window);
    }
    let fresh = queue_key(
        service.rank(ticket.priority),
        now.ms_of_day,
        ticket.number().seq(),
    );
    let key = requeue_key(state, ticket, service.requeue_offset, fresh);
    let mut live = live.clone();
    live.key = key;
    live.ticket.state = TicketState::Waiting;
    live.ticket.requeue_count += 1;
    live.ticket.window = None;
    live.ticket.ended_at = None;
    change.tickets.push(live);
    let queue = events::queue_changed(state, &change.tickets, now.day, &service.id);
    change.events.push(queue);
    Ok(Plan {
        change,
        result: id.clone(),
    })
}

/// The key that puts exactly `n` waiting tickets of the ticket's service ahead of it (all of
/// them when fewer wait). Reads at most `n + 1` keys.
fn requeue_key(state: &BranchState, ticket: &Ticket, n: u32, fresh: f64) -> f64 {
    let Some(queue) = state.queue(ticket.id.day, &ticket.service) else {
        return fresh;
    };
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let mut keys = queue.keys().map(|k| k.key.0);
    if n == 0 {
        return keys.next().map_or(fresh, |first| first - 1.0);
    }
    match (keys.nth(n - 1), keys.next()) {
        (Some(before), Some(after)) => (before + after) / 2.0,
        _ => queue
            .last_key_value()
            .map_or(fresh, |(last, _)| last.key.0 + 1.0),
    }
}

/// The window holding `ticket`, letting go of it.
pub fn let_go(state: &BranchState, ticket: &Ticket) -> Option<LiveWindow> {
    let mut window = state.window(ticket.window?);
    if window.current.as_ref() != Some(&ticket.id) {
        return None;
    }
    window.current = None;
    Some(window)
}

/// Every WAITING ticket of a day before today → EXPIRED, each with its history entry.
/// Answers how many. No event: past days are not on today's board.
pub fn expire(state: &BranchState, now: &Now) -> Plan<u32> {
    let mut change = Change::default();
    for ((day, _), queue) in &state.waiting {
        if *day >= now.day {
            continue;
        }
        for id in queue.values() {
            if let Some(live) = state.tickets.get(id) {
                let mut live = live.clone();
                live.ticket.state = TicketState::Expired;
                live.ticket.ended_at = Some(now.at);
                change.history.push(HistoryEntry::of(
                    &live.ticket,
                    &live.leg,
                    Outcome::Expired,
                    now.at,
                ));
                change.tickets.push(live);
            }
        }
    }
    let expired = u32::try_from(change.tickets.len()).unwrap_or(u32::MAX);
    Plan {
        change,
        result: expired,
    }
}
