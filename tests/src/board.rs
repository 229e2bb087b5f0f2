//! A hall board as a display keeps it: built from a snapshot, moved on by events, compared
//! with what GetBranch says.

use std::collections::BTreeMap;

use queuecall_proto::v1::branch_event::Kind;
use queuecall_proto::v1::{Branch, BranchEvent, BranchSnapshot, TicketCalled, TicketState, Window};

/// The ticket a window holds: id, number, state.
pub type HeldTicket = (String, String, TicketState);

/// What the board shows of one window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowBoard {
    pub state: queuecall_proto::v1::WindowState,
    pub pause_reason: String,
    pub ticket: Option<HeldTicket>,
}

/// What a hall board shows: windows by number, waiting counts by service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardState {
    pub windows: BTreeMap<u32, WindowBoard>,
    pub waiting: BTreeMap<String, u32>,
}

fn window_board(window: &Window) -> WindowBoard {
    WindowBoard {
        state: window.state(),
        pause_reason: window.pause_reason.clone(),
        ticket: window
            .current_ticket
            .as_ref()
            .map(|t| (t.id.clone(), t.number.clone(), t.state())),
    }
}

impl BoardState {
    /// The board of a GetBranch answer (or of a snapshot's branch).
    pub fn of_branch(branch: &Branch) -> Self {
        Self {
            windows: branch
                .windows
                .iter()
                .map(|w| (w.number, window_board(w)))
                .collect(),
            waiting: branch
                .services
                .iter()
                .map(|s| (s.id.clone(), s.waiting))
                .collect(),
        }
    }

    /// The board of a snapshot.
    pub fn of_snapshot(snapshot: &BranchSnapshot) -> Self {
        Self::of_branch(
            snapshot
                .branch
                .as_ref()
                .expect("a snapshot carries the branch"),
        )
    }

    /// Moves the board on by one event, as a display would; fails the test on an event for a
    /// window or service the board does not have.
    pub fn apply(&mut self, event: &BranchEvent) {
        match event.kind.as_ref() {
            Some(Kind::Called(call)) => {
                let window = self.window_mut(call.window, event);
                window.ticket = Some((
                    call.ticket_id.clone(),
                    call.number.clone(),
                    TicketState::Called,
                ));
            }
            Some(Kind::WindowChanged(changed)) => {
                let window = changed
                    .window
                    .as_ref()
                    .unwrap_or_else(|| panic!("a window event without the window: {event:?}"));
                *self.window_mut(window.number, event) = window_board(window);
            }
            Some(Kind::QueueChanged(queue)) => {
                let waiting = self
                    .waiting
                    .get_mut(&queue.service_id)
                    .unwrap_or_else(|| panic!("an event for an unknown service: {event:?}"));
                *waiting = queue.waiting;
            }
            None => panic!("an event without a kind: {event:?}"),
        }
    }

    fn window_mut(&mut self, number: u32, event: &BranchEvent) -> &mut WindowBoard {
        self.windows
            .get_mut(&number)
            .unwrap_or_else(|| panic!("an event for an unknown window: {event:?}"))
    }

    /// Applies every event in order.
    pub fn apply_all<'a>(&mut self, events: impl IntoIterator<Item = &'a BranchEvent>) {
        for event in events {
            self.apply(event);
        }
    }
}

/// The call an event reports, if it is one.
pub fn call_of(event: &BranchEvent) -> Option<&TicketCalled> {
    match event.kind.as_ref() {
        Some(Kind::Called(call)) => Some(call),
        _ => None,
    }
}

/// The calls among `events` (first calls and recalls), in order.
pub fn calls_of(events: &[BranchEvent]) -> Vec<&TicketCalled> {
    events.iter().filter_map(call_of).collect()
}

/// A short name of an event's kind for comparing sequences: `called A001@4`, `recalled
/// A001@4 #1`, `window 4 open`, `window 4 serving A001`, `queue social-security 2`.
pub fn describe(event: &BranchEvent) -> String {
    match event.kind.as_ref() {
        Some(Kind::Called(c)) if c.recall_count == 0 => format!("called {}@{}", c.number, c.window),
        Some(Kind::Called(c)) => format!("recalled {}@{} #{}", c.number, c.window, c.recall_count),
        Some(Kind::WindowChanged(changed)) => {
            let Some(w) = changed.window.as_ref() else {
                return "window ?".to_owned();
            };
            let state = match w.state() {
                queuecall_proto::v1::WindowState::Open => "open",
                queuecall_proto::v1::WindowState::Paused => "paused",
                queuecall_proto::v1::WindowState::Closed => "closed",
                queuecall_proto::v1::WindowState::Unspecified => "unspecified",
            };
            match w.current_ticket.as_ref() {
                Some(t) if t.state() == TicketState::Serving => {
                    format!("window {} {state} serving {}", w.number, t.number)
                }
                Some(t) => format!("window {} {state} holding {}", w.number, t.number),
                None => format!("window {} {state}", w.number),
            }
        }
        Some(Kind::QueueChanged(q)) => format!("queue {} {}", q.service_id, q.waiting),
        None => "none".to_owned(),
    }
}
