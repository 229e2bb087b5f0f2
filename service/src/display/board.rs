//! The store's board and events become display views here, with names from the hall layout
//! and the announcement of each call. Nothing here reads a phone number.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::announce::announce;
use super::views::{
    BoardView, CallView, EventView, EventViewKind, ServiceView, SnapshotReason, WindowView,
};
use crate::domain::{
    Event, EventKind, ServiceId, TicketId, TicketState, WindowNo, WindowState, WindowStatus,
};
use crate::hall::Branch;
use crate::queue::estimate_wait;
use crate::store::{BoardSnapshot, ServiceStatus};

/// `2026-11-27T01:30:00.000Z`.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A call of `ticket` to `window`, with its announcement.
pub fn call(
    branch: &Branch,
    ticket: &TicketId,
    service: &ServiceId,
    window: WindowNo,
    recall_count: u32,
    at: DateTime<Utc>,
) -> CallView {
    CallView {
        ticket_id: ticket.to_string(),
        number: ticket.number.to_string(),
        service_id: service.to_string(),
        window: window.get(),
        window_name: window_name(branch, window),
        recall_count,
        announcement: announce(
            &ticket.number,
            window,
            recall_count,
            branch.english_announcements,
        ),
        at: rfc3339(at),
    }
}

/// A window's state and the ticket it holds (by id and state only).
pub fn window(
    branch: &Branch,
    number: WindowNo,
    state: WindowState,
    pause_reason: Option<&str>,
    current: Option<(&TicketId, TicketState)>,
) -> WindowView {
    WindowView {
        number: number.get(),
        name: window_name(branch, number),
        state: state.as_str().to_ascii_lowercase(),
        pause_reason: pause_reason.map(str::to_owned),
        ticket_id: current.map(|(id, _)| id.to_string()),
        ticket_number: current.map(|(id, _)| id.number.to_string()),
        ticket_state: current.map(|(_, state)| state.as_str().to_ascii_lowercase()),
    }
}

/// A window as the store holds it; the ticket's phone and other details stay behind.
pub fn window_status(branch: &Branch, status: &WindowStatus) -> WindowView {
    window(
        branch,
        status.number,
        status.state,
        status.pause_reason.as_deref(),
        status.current.as_ref().map(|t| (&t.id, t.state)),
    )
}

/// A service's queue with the wait of a ticket taken now.
pub fn service(branch: &Branch, status: &ServiceStatus) -> ServiceView {
    let layout = branch.service(&status.service);
    let seed = layout.map_or(Duration::from_secs(300), |s| s.avg_service_seed);
    let wait = estimate_wait(
        status.waiting,
        status.avg_service_ms,
        seed,
        status.open_windows,
    );
    ServiceView {
        id: status.service.to_string(),
        name: layout.map_or_else(|| status.service.to_string(), |s| s.name.clone()),
        prefix: layout.map(|s| s.prefix.clone()).unwrap_or_default(),
        waiting: status.waiting,
        estimated_wait_seconds: u32::try_from(wait.as_secs()).unwrap_or(u32::MAX),
    }
}

/// One change on the board.
pub fn event(branch: &Branch, event: &Event) -> EventView {
    let kind = match &event.kind {
        EventKind::Called {
            ticket,
            service,
            window,
            recall_count,
        } => EventViewKind::Called {
            call: call(branch, ticket, service, *window, *recall_count, event.at),
        },
        EventKind::WindowChanged {
            window: number,
            state,
            pause_reason,
            current,
        } => EventViewKind::WindowChanged {
            window: window(
                branch,
                *number,
                *state,
                pause_reason.as_deref(),
                current.as_ref().map(|(id, state)| (id, *state)),
            ),
        },
        EventKind::QueueChanged { service, waiting } => EventViewKind::QueueChanged {
            service_id: service.to_string(),
            waiting: *waiting,
        },
    };
    EventView {
        id: event.id,
        at: rfc3339(event.at),
        kind,
    }
}

/// The whole board of `snapshot`, on service day `day`.
pub fn board(
    branch: &Branch,
    snapshot: &BoardSnapshot,
    reason: SnapshotReason,
    day: NaiveDate,
) -> BoardView {
    let recent_calls = snapshot
        .recent_calls
        .iter()
        .filter_map(|e| match event(branch, e).kind {
            EventViewKind::Called { call } => Some(call),
            _ => None,
        })
        .collect();
    BoardView {
        last_event_id: snapshot.last_event_id,
        reason,
        branch_id: branch.id.to_string(),
        branch_name: branch.name.clone(),
        service_day: day.format("%Y-%m-%d").to_string(),
        windows: snapshot
            .windows
            .iter()
            .map(|w| window_status(branch, w))
            .collect(),
        services: snapshot
            .services
            .iter()
            .map(|s| service(branch, s))
            .collect(),
        recent_calls,
    }
}

fn window_name(branch: &Branch, number: WindowNo) -> String {
    branch
        .window(number)
        .map_or_else(|| format!("{number}号窗口"), |w| w.name.clone())
}

#[cfg(test)]
#[path = "board_tests.rs"]
mod tests;
