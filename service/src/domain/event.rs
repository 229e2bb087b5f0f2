//! Events of a branch's board: what the hall displays show and speak. Each event is written
//! by the store in the same atomic step as the change it reports, with an id that grows by
//! one per event of the branch.

use chrono::{DateTime, Utc};

use super::{ServiceId, TicketId, TicketState, WindowNo, WindowState};

/// One change on a branch's board.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// 1, 2, 3, … per branch, never reused (also across restarts).
    pub id: u64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}

/// What changed.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A ticket was called to a window (`recall_count == 0`) or recalled (`> 0`). The window
    /// now holds it, CALLED.
    Called {
        ticket: TicketId,
        service: ServiceId,
        window: WindowNo,
        recall_count: u32,
    },
    /// A window opened, paused or closed, or the ticket it holds changed other than by a call
    /// (started, completed, no-show, transferred, requeued away).
    WindowChanged {
        window: WindowNo,
        state: WindowState,
        pause_reason: Option<String>,
        /// The ticket the window holds now and its state (CALLED or SERVING).
        current: Option<(TicketId, TicketState)>,
    },
    /// The number of today's waiting tickets of a service changed.
    QueueChanged { service: ServiceId, waiting: u32 },
}

impl EventKind {
    /// The ticket the event is about, if any.
    pub fn ticket(&self) -> Option<&TicketId> {
        match self {
            Self::Called { ticket, .. } => Some(ticket),
            Self::WindowChanged { current, .. } => current.as_ref().map(|(id, _)| id),
            Self::QueueChanged { .. } => None,
        }
    }
}
