//! The board events a transition emits, built from the state before it and the rows it
//! writes, so they carry the values the board has once the change is applied.

use chrono::NaiveDate;

use crate::domain::{EventKind, ServiceId, Ticket, TicketId, TicketState};

use super::state::{BranchState, LiveTicket, LiveWindow};

/// `Called` of a ticket that a window now holds (its window and recall count after the step).
pub fn called(ticket: &Ticket) -> Option<EventKind> {
    Some(EventKind::Called {
        ticket: ticket.id.clone(),
        service: ticket.service.clone(),
        window: ticket.window?,
        recall_count: ticket.recall_count,
    })
}

/// `WindowChanged` with the window as it is after the step and the ticket it holds then.
pub fn window_changed(window: &LiveWindow, current: Option<(TicketId, TicketState)>) -> EventKind {
    EventKind::WindowChanged {
        window: window.number,
        state: window.state,
        pause_reason: window.pause_reason.clone(),
        current,
    }
}

/// The ticket a window holds in the state before the step, with its state.
pub fn held(state: &BranchState, window: &LiveWindow) -> Option<(TicketId, TicketState)> {
    let id = window.current.as_ref()?;
    let live = state.tickets.get(id)?;
    Some((id.clone(), live.ticket.state))
}

/// `QueueChanged` of `service` with the number of tickets of `day` (today) that wait in it
/// once `written` (the tickets the step writes) are applied. O(tickets written).
pub fn queue_changed(
    state: &BranchState,
    written: &[LiveTicket],
    day: NaiveDate,
    service: &ServiceId,
) -> EventKind {
    let waits_here =
        |t: &Ticket| t.state == TicketState::Waiting && t.id.day == day && &t.service == service;
    let before = state.queue(day, service).map_or(0, |q| q.len());
    let mut waiting = i64::try_from(before).unwrap_or(i64::MAX);
    for live in written {
        if state
            .tickets
            .get(&live.ticket.id)
            .is_some_and(|old| waits_here(&old.ticket))
        {
            waiting -= 1;
        }
        if waits_here(&live.ticket) {
            waiting += 1;
        }
    }
    EventKind::QueueChanged {
        service: service.clone(),
        waiting: u32::try_from(waiting.max(0)).unwrap_or(u32::MAX),
    }
}
