//! Display views become `queuecall.v1` display messages here. The branch layout fills what a
//! view leaves out (a window's services and rule, a service's daily limit, the time zone).
//! A window's ticket goes out as its id, number and state only: no phone, not even masked.

use chrono::DateTime;
use queuecall_proto::v1 as pb;

use super::convert;
use crate::display::{
    AnnouncementView, BoardView, CallView, EventView, EventViewKind, ServiceView, SnapshotReason,
    WatchItem, WindowView,
};
use crate::domain::{TicketId, TicketState, WindowNo};
use crate::hall::Branch;

pub fn watch_item(branch: &Branch, item: &WatchItem) -> pb::WatchBranchResponse {
    let item = match item {
        WatchItem::Snapshot(board) => {
            pb::watch_branch_response::Item::Snapshot(snapshot(branch, board))
        }
        WatchItem::Event(event) => {
            pb::watch_branch_response::Item::Event(branch_event(branch, event))
        }
    };
    pb::WatchBranchResponse { item: Some(item) }
}

pub fn snapshot_reason(reason: SnapshotReason) -> pb::SnapshotReason {
    match reason {
        SnapshotReason::Initial => pb::SnapshotReason::Initial,
        SnapshotReason::ResumeTooOld => pb::SnapshotReason::ResumeTooOld,
        SnapshotReason::FellBehind => pb::SnapshotReason::FellBehind,
    }
}

pub fn snapshot(branch: &Branch, board: &BoardView) -> pb::BranchSnapshot {
    pb::BranchSnapshot {
        last_event_id: board.last_event_id,
        reason: snapshot_reason(board.reason) as i32,
        branch: Some(pb::Branch {
            id: board.branch_id.clone(),
            name: board.branch_name.clone(),
            time_zone: branch.time_zone.name().to_owned(),
            service_day: board.service_day.clone(),
            services: board.services.iter().map(|s| service(branch, s)).collect(),
            windows: board.windows.iter().map(|w| window(branch, w)).collect(),
        }),
        recent_calls: board.recent_calls.iter().map(called).collect(),
    }
}

pub fn branch_event(branch: &Branch, event: &EventView) -> pb::BranchEvent {
    let kind = match &event.kind {
        EventViewKind::Called { call } => pb::branch_event::Kind::Called(called(call)),
        EventViewKind::WindowChanged { window: view } => {
            pb::branch_event::Kind::WindowChanged(pb::WindowChanged {
                window: Some(window(branch, view)),
            })
        }
        EventViewKind::QueueChanged {
            service_id,
            waiting,
        } => pb::branch_event::Kind::QueueChanged(pb::QueueChanged {
            service_id: service_id.clone(),
            waiting: *waiting,
        }),
    };
    pb::BranchEvent {
        id: event.id,
        at: timestamp(&event.at),
        kind: Some(kind),
    }
}

pub fn called(call: &CallView) -> pb::TicketCalled {
    pb::TicketCalled {
        ticket_id: call.ticket_id.clone(),
        number: call.number.clone(),
        service_id: call.service_id.clone(),
        window: call.window,
        window_name: call.window_name.clone(),
        recall_count: call.recall_count,
        announcement: Some(announcement(&call.announcement)),
    }
}

pub fn announcement(view: &AnnouncementView) -> pb::Announcement {
    pb::Announcement {
        text: view.text.clone(),
        speech: view.speech.clone(),
        english: view.english.clone(),
    }
}

/// A window with its layout; its ticket as id, number, day and state only.
pub fn window(branch: &Branch, view: &WindowView) -> pb::Window {
    let layout = WindowNo::parse("window", view.number)
        .ok()
        .and_then(|n| branch.window(n));
    let state = match view.state.as_str() {
        "open" => pb::WindowState::Open,
        "paused" => pb::WindowState::Paused,
        "closed" => pb::WindowState::Closed,
        _ => pb::WindowState::Unspecified,
    };
    pb::Window {
        branch_id: branch.id.to_string(),
        number: view.number,
        name: view.name.clone(),
        state: state as i32,
        pause_reason: view.pause_reason.clone().unwrap_or_default(),
        current_ticket: view
            .ticket_id
            .as_ref()
            .map(|id| held_ticket(branch, view, id)),
        service_ids: layout
            .map(|w| w.services.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        call_rule: layout.map_or(pb::CallRule::Unspecified, |w| convert::call_rule(w.rule)) as i32,
    }
}

fn held_ticket(branch: &Branch, view: &WindowView, id: &str) -> pb::Ticket {
    let state = view
        .ticket_state
        .as_deref()
        .and_then(|s| TicketState::parse(&s.to_ascii_uppercase()))
        .map_or(pb::TicketState::Unspecified, convert::ticket_state);
    pb::Ticket {
        id: id.to_owned(),
        number: view.ticket_number.clone().unwrap_or_default(),
        branch_id: branch.id.to_string(),
        state: state as i32,
        service_day: TicketId::parse(id)
            .map(|t| t.day.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        window: view.number,
        ..pb::Ticket::default()
    }
}

pub fn service(branch: &Branch, view: &ServiceView) -> pb::Service {
    let daily_limit = branch
        .services
        .iter()
        .find(|s| s.id.as_str() == view.id)
        .map_or(0, |s| s.daily_limit);
    pb::Service {
        id: view.id.clone(),
        name: view.name.clone(),
        ticket_prefix: view.prefix.clone(),
        daily_limit,
        waiting: view.waiting,
        estimated_wait_seconds: view.estimated_wait_seconds,
        // Not on the display board.
        issued_today: 0,
    }
}

fn timestamp(rfc3339: &str) -> Option<prost_types::Timestamp> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|at| convert::timestamp(at.to_utc()))
}

#[cfg(test)]
#[path = "display_convert_tests.rs"]
mod tests;
