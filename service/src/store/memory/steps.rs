//! Steps on the ticket a window holds: recall, start, complete, no-show, transfer. Each is a
//! pure function of the state returning the change (with its board events) without applying
//! it.

use crate::domain::{EventKind, Now, ServiceId, TicketId, TicketState, WindowNo, WindowState};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{HistoryEntry, Outcome, RANK_SPAN};

use super::change::{Average, Change, Plan};
use super::events;
use super::state::{BranchState, LiveTicket, LiveWindow};
use super::tickets::service;
use super::windows::{held_ticket, layout};

/// Longest service time fed into the moving average.
const MAX_SERVICE_MS: i64 = 4 * 60 * 60 * 1000;

/// The window and the ticket it holds, which must be in one of `allowed` to be `action`.
fn holding<'a>(
    state: &'a BranchState,
    branch: &Branch,
    number: WindowNo,
    action: &str,
    allowed: &[TicketState],
) -> QueueResult<(LiveWindow, &'a LiveTicket)> {
    layout(branch, number)?;
    let window = state.window(number);
    let live = held_ticket(state, &window).ok_or_else(|| QueueError::window_empty(number))?;
    let ticket = &live.ticket;
    if !allowed.contains(&ticket.state) {
        return Err(QueueError::ticket_state(
            ticket.number(),
            ticket.state,
            action,
            allowed,
        ));
    }
    Ok((window, live))
}

fn one_ticket(
    live: LiveTicket,
    window: Option<LiveWindow>,
    events: Vec<EventKind>,
) -> Plan<TicketId> {
    let result = live.ticket.id.clone();
    Plan {
        change: Change {
            tickets: vec![live],
            windows: window.into_iter().collect(),
            events,
            ..Change::default()
        },
        result,
    }
}

/// `WindowChanged` of a window that now holds nothing.
fn freed(window: &LiveWindow) -> Vec<EventKind> {
    vec![events::window_changed(window, None)]
}

/// CALLED → CALLED with one more recall, up to the service's limit; the window must be OPEN.
pub fn recall(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
) -> QueueResult<Plan<TicketId>> {
    let window = state.window(number);
    if window.state != WindowState::Open {
        return Err(QueueError::window_not_open(number, window.state));
    }
    let (_, live) = holding(state, branch, number, "recalled", &[TicketState::Called])?;
    let limit = service(branch, &live.ticket.service)?.recall_limit;
    if live.ticket.recall_count >= limit {
        return Err(QueueError::recall_limit(live.ticket.number(), limit));
    }
    let mut live = live.clone();
    live.ticket.recall_count += 1;
    let called = events::called(&live.ticket).into_iter().collect();
    Ok(one_ticket(live, None, called))
}

/// CALLED → SERVING.
pub fn start(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let (window, live) = holding(state, branch, number, "started", &[TicketState::Called])?;
    let mut live = live.clone();
    live.ticket.state = TicketState::Serving;
    live.ticket.started_at = Some(now.at);
    let serving = Some((live.ticket.id.clone(), TicketState::Serving));
    let changed = vec![events::window_changed(&window, serving)];
    Ok(one_ticket(live, None, changed))
}

/// SERVING → DONE; the window is free and the service's average moves.
pub fn complete(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let (mut window, live) = holding(state, branch, number, "completed", &[TicketState::Serving])?;
    let mut live = live.clone();
    live.ticket.state = TicketState::Done;
    live.ticket.ended_at = Some(now.at);
    window.current = None;
    let started = live.ticket.started_at.unwrap_or(now.at);
    let took = (now.at - started)
        .num_milliseconds()
        .clamp(0, MAX_SERVICE_MS);
    let service = live.ticket.service.clone();
    let avg_ms = next_average(state.averages.get(&service).copied(), took);
    let changed = freed(&window);
    let entry = HistoryEntry::of(&live.ticket, &live.leg, Outcome::Done, now.at);
    let mut plan = one_ticket(live, Some(window), changed);
    plan.change.averages.push(Average { service, avg_ms });
    plan.change.history.push(entry);
    Ok(plan)
}

/// `d` when there is no average yet, else `round(0.8 * avg + 0.2 * d)`.
pub fn next_average(avg: Option<u64>, took_ms: i64) -> u64 {
    let took = u64::try_from(took_ms).unwrap_or(0);
    match avg {
        None => took,
        // Both terms stay far below 2^53 (service times are clamped to 4 h), so the f64
        // arithmetic is exact enough and the rounded result fits a u64.
        Some(avg) => (0.8 * avg as f64 + 0.2 * took as f64).round() as u64,
    }
}

/// CALLED → NO_SHOW; the window is free.
pub fn no_show(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let (mut window, live) = holding(
        state,
        branch,
        number,
        "marked no-show",
        &[TicketState::Called],
    )?;
    let mut live = live.clone();
    live.ticket.state = TicketState::NoShow;
    live.ticket.ended_at = Some(now.at);
    window.current = None;
    let changed = freed(&window);
    let entry = HistoryEntry::of(&live.ticket, &live.leg, Outcome::NoShow, now.at);
    let mut plan = one_ticket(live, Some(window), changed);
    plan.change.history.push(entry);
    Ok(plan)
}

/// The window's CALLED or SERVING ticket → WAITING in `target`, by its place in time or at
/// the front; the window is free. The leg in the old service ends TRANSFERRED and the next
/// leg starts at `now`.
pub fn transfer(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    target: &ServiceId,
    to_front: bool,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let allowed = [TicketState::Called, TicketState::Serving];
    let (mut window, live) = holding(state, branch, number, "transferred", &allowed)?;
    if &live.ticket.service == target {
        return Err(QueueError::transfer_to_same_service(
            live.ticket.number(),
            target,
        ));
    }
    let target_service = service(branch, target)?;
    let by_time = f64::from(target_service.rank(live.ticket.priority)) * RANK_SPAN + live.time_key;
    let key = if to_front {
        state
            .queue(live.ticket.id.day, target)
            .and_then(|q| q.first_key_value())
            .map_or(by_time, |(head, _)| head.key.0 - 1.0)
    } else {
        by_time
    };
    let entry = HistoryEntry::of(&live.ticket, &live.leg, Outcome::Transferred, now.at);
    let mut live = live.clone();
    live.leg = live.leg.next(now.at);
    let from = std::mem::replace(&mut live.ticket.service, target.clone());
    live.ticket.original_service = live.ticket.original_service.or(Some(from));
    live.ticket.state = TicketState::Waiting;
    live.ticket.recall_count = 0;
    live.ticket.window = None;
    live.key = key;
    window.current = None;
    let mut changed = freed(&window);
    changed.push(events::queue_changed(
        state,
        std::slice::from_ref(&live),
        now.day,
        target,
    ));
    let mut plan = one_ticket(live, Some(window), changed);
    plan.change.history.push(entry);
    Ok(plan)
}
