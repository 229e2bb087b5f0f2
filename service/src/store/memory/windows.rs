//! Transitions that start from a window: open/pause/close and call (next or one ticket).
//! Each is a pure function of the state returning the change without applying it; the steps
//! on the ticket a window holds are in `steps`.

use crate::domain::{Now, TicketId, TicketState, WindowCommand, WindowNo, WindowState};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, Window};

use super::change::{Change, Plan};
use super::events;
use super::routing;
use super::state::{BranchState, LiveTicket, LiveWindow};

pub fn layout(branch: &Branch, number: WindowNo) -> QueueResult<&Window> {
    branch.window(number).ok_or_else(|| QueueError::NotFound {
        what: "window",
        name: format!("{number}' in branch '{}", branch.id),
    })
}

/// Open, pause or close a window.
pub fn set_window(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    command: &WindowCommand,
) -> QueueResult<Plan<WindowNo>> {
    layout(branch, number)?;
    let mut window = state.window(number);
    match command {
        WindowCommand::Open => {
            window.state = WindowState::Open;
            window.pause_reason = None;
        }
        WindowCommand::Pause { reason } => {
            if window.state == WindowState::Closed {
                return Err(QueueError::FailedPrecondition(format!(
                    "window {number} is CLOSED; open it before pausing"
                )));
            }
            window.state = WindowState::Paused;
            window.pause_reason = Some(reason.clone()).filter(|r| !r.is_empty());
        }
        WindowCommand::Close => {
            if let Some(held) = held_ticket(state, &window) {
                let t = &held.ticket;
                return Err(QueueError::window_busy(number, t.number(), t.state));
            }
            window.state = WindowState::Closed;
            window.pause_reason = None;
        }
    }
    let change = if window == state.window(number) {
        Change::default()
    } else {
        Change {
            events: vec![events::window_changed(
                &window,
                events::held(state, &window),
            )],
            windows: vec![window],
            ..Change::default()
        }
    };
    Ok(Plan {
        change,
        result: number,
    })
}

pub fn held_ticket<'a>(state: &'a BranchState, window: &LiveWindow) -> Option<&'a LiveTicket> {
    window.current.as_ref().and_then(|id| state.tickets.get(id))
}

/// The window may call: it is OPEN and holds nothing.
fn ready_to_call(state: &BranchState, window: &LiveWindow) -> QueueResult<()> {
    if window.state != WindowState::Open {
        return Err(QueueError::window_not_open(window.number, window.state));
    }
    if let Some(held) = held_ticket(state, window) {
        let t = &held.ticket;
        return Err(QueueError::window_busy(window.number, t.number(), t.state));
    }
    Ok(())
}

/// WAITING → CALLED at `window`, which now holds it: `Called`, then `QueueChanged` of its
/// service.
fn hand_over(state: &BranchState, live: &LiveTicket, mut window: LiveWindow, now: &Now) -> Change {
    let mut live = live.clone();
    live.ticket.state = TicketState::Called;
    live.ticket.window = Some(window.number);
    live.ticket.called_at = Some(now.at);
    live.ticket.recall_count = 0;
    live.leg.called(window.number, now.at);
    window.current = Some(live.ticket.id.clone());
    let service = live.ticket.service.clone();
    let tickets = vec![live];
    let queue = events::queue_changed(state, &tickets, now.day, &service);
    Change {
        events: tickets
            .iter()
            .filter_map(|t| events::called(&t.ticket))
            .chain([queue])
            .collect(),
        tickets,
        windows: vec![window],
        ..Change::default()
    }
}

/// Calls the next ticket of today by the window's rule; `None` when nothing waits.
pub fn call_next(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    now: &Now,
) -> QueueResult<Plan<Option<TicketId>>> {
    let layout = layout(branch, number)?;
    let mut window = state.window(number);
    ready_to_call(state, &window)?;
    let Some(pick) = routing::pick(state, branch, layout, window.ratio_pos, now.day) else {
        return Ok(Plan::nothing(None));
    };
    let live = state.ticket(&pick.ticket)?;
    window.ratio_pos = pick.ratio_pos;
    Ok(Plan {
        change: hand_over(state, live, window, now),
        result: Some(pick.ticket),
    })
}

/// Calls one waiting ticket of today out of order; the ratio cycle stays where it is.
pub fn call_ticket(
    state: &BranchState,
    branch: &Branch,
    number: WindowNo,
    id: &TicketId,
    now: &Now,
) -> QueueResult<Plan<TicketId>> {
    let layout = layout(branch, number)?;
    let window = state.window(number);
    ready_to_call(state, &window)?;
    let live = state.ticket(id)?;
    let ticket = &live.ticket;
    if ticket.id.day != now.day {
        return Err(QueueError::other_day(
            ticket.number(),
            ticket.id.day,
            now.day,
        ));
    }
    if ticket.state != TicketState::Waiting {
        return Err(QueueError::ticket_state(
            ticket.number(),
            ticket.state,
            "called",
            &[TicketState::Waiting],
        ));
    }
    if !layout.services.contains(&ticket.service) {
        return Err(QueueError::window_not_serving(number, &ticket.service));
    }
    Ok(Plan {
        change: hand_over(state, live, window, now),
        result: id.clone(),
    })
}
