//! Reminder intents (store/mod.rs, "Reminder buffer"): what a queue step asks the SMS relay
//! to send, appended in the step's own atomic step.

use crate::domain::{Phone, ServiceId, TicketId, WindowNo};

/// Which reminder a step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// The ticket now has exactly the service's `turn_near` people ahead.
    TurnNear,
    /// The ticket was called to `window` (or recalled, when the store reminds on recall).
    Called,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::TurnNear => "turn_near",
            ReminderKind::Called => "called",
        }
    }

    pub fn parse(s: &str) -> Option<ReminderKind> {
        match s {
            "turn_near" => Some(ReminderKind::TurnNear),
            "called" => Some(ReminderKind::Called),
            _ => None,
        }
    }
}

/// One reminder a step asked for. `ahead` is the people ahead (turn near; 0 for called);
/// `window` is set for called. `call` numbers a called intent among the ticket's called
/// intents (1 for its first call, then 2, 3, …), counted by the store in the step that
/// appends it; `None` for turn near, and for a called intent buffered by a version that did
/// not number them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderIntent {
    pub kind: ReminderKind,
    pub ticket: TicketId,
    pub service: ServiceId,
    pub phone: Phone,
    pub ahead: u32,
    pub window: Option<WindowNo>,
    pub call: Option<u32>,
}

impl ReminderIntent {
    /// What the reminder is about, the outbox's `subject`: the ticket id, and for a numbered
    /// called intent `<ticket id>#<call>`, so that each call of a ticket is its own reminder
    /// while a relay that enqueues the same intent again still creates it once.
    pub fn subject(&self) -> String {
        match (self.kind, self.call) {
            (ReminderKind::Called, Some(n)) => format!("{}#{n}", self.ticket),
            _ => self.ticket.to_string(),
        }
    }
}

/// An intent with its id in the branch's reminder buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedReminder {
    pub id: String,
    pub intent: ReminderIntent,
}
