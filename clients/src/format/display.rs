//! One plain line per item of a display stream: what `queuecallctl display` prints when
//! stdout is not a terminal, and what `queuecallctl watch` prints per ticket change.
//!
//! ```text
//! connected
//! snapshot 11 initial
//! event 12 called A023 window 5 (recall 0)
//! event 13 window 5 open, A023 called
//! event 14 queue social-security waiting 3
//! event 15 window 2 paused: lunch
//! reconnecting
//! connected
//! snapshot 15 resume_too_old
//! ```

use super::{minutes, state, ticket_line, window_state};
use crate::pb;
use crate::pb::branch_event::Kind;
use crate::{BoardItem, FollowItem};

/// `connected`, `reconnecting`, or the line of a snapshot or event ([`board_line`]).
pub fn follow_line(item: &FollowItem) -> String {
    match item {
        FollowItem::Connected { .. } => "connected".to_owned(),
        FollowItem::Reconnecting { .. } => "reconnecting".to_owned(),
        FollowItem::Board(item) => board_line(item),
    }
}

/// `snapshot <last event id> <reason>` (reason `initial`, `resume_too_old` or
/// `fell_behind`), or the [`event_line`].
pub fn board_line(item: &BoardItem) -> String {
    match item {
        BoardItem::Snapshot(snapshot) => format!(
            "snapshot {} {}",
            snapshot.last_event_id,
            snapshot_reason(snapshot.reason())
        ),
        BoardItem::Event(event) => event_line(event),
    }
}

/// `event <id> ` then `called A023 window 5 (recall 0)`, `window 5 <open|paused|closed>`
/// with `: <pause reason>` and `, <number> <called|serving>` when they apply, or
/// `queue <service> waiting <n>`.
pub fn event_line(event: &pb::BranchEvent) -> String {
    let what = match &event.kind {
        Some(Kind::Called(call)) => format!(
            "called {} window {} (recall {})",
            call.number, call.window, call.recall_count
        ),
        Some(Kind::WindowChanged(changed)) => match &changed.window {
            Some(window) => window_change(window),
            None => "window unknown".to_owned(),
        },
        Some(Kind::QueueChanged(queue)) => {
            format!("queue {} waiting {}", queue.service_id, queue.waiting)
        }
        None => "unknown".to_owned(),
    };
    format!("event {} {what}", event.id)
}

/// `window 5 open`, `window 5 paused: lunch`, `window 5 open, A023 serving`.
fn window_change(window: &pb::Window) -> String {
    let mut line = format!("window {} {}", window.number, window_state(window.state()));
    if window.state() == pb::WindowState::Paused && !window.pause_reason.is_empty() {
        line.push_str(&format!(": {}", window.pause_reason));
    }
    if let Some(ticket) = &window.current_ticket {
        line.push_str(&format!(", {} {}", ticket.number, state(ticket.state())));
    }
    line
}

/// `initial`, `resume_too_old`, `fell_behind` (`unspecified` from an older server).
pub fn snapshot_reason(reason: pb::SnapshotReason) -> &'static str {
    match reason {
        pb::SnapshotReason::Unspecified => "unspecified",
        pb::SnapshotReason::Initial => "initial",
        pb::SnapshotReason::ResumeTooOld => "resume_too_old",
        pb::SnapshotReason::FellBehind => "fell_behind",
    }
}

/// The sentence shown for a call: the server's announcement text, or the same sentence
/// built here if the server sent none (「请A023号到5号窗口办理」).
pub fn announcement(call: &pb::TicketCalled) -> String {
    match &call.announcement {
        Some(a) if !a.text.is_empty() => a.text.clone(),
        _ if call.recall_count > 0 => {
            format!("再次呼叫：请{}号到{}号窗口办理", call.number, call.window)
        }
        _ => format!("请{}号到{}号窗口办理", call.number, call.window),
    }
}

/// One line per change of a watched ticket: the [`ticket_line`], and for a waiting ticket
/// `, <n> ahead, about <m> min`:
/// `A023 waiting for social-security, 2 ahead, about 10 min`, `A023 called to window 5`.
pub fn ticket_watch_line(ticket: &pb::Ticket) -> String {
    let mut line = ticket_line(ticket);
    if ticket.state() == pb::TicketState::Waiting {
        line.push_str(&format!(
            ", {} ahead, about {}",
            ticket.people_ahead,
            minutes(ticket.estimated_wait_seconds)
        ));
    }
    line
}
