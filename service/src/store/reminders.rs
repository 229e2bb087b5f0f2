//! Reminder intents (store/mod.rs, "Reminder buffer"): what a queue step asks the SMS relay
//! to send, appended in the step's own atomic step.

use crate::domain::{Phone, ServiceId, TicketId, WindowNo};

/// Which reminder a step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// The ticket now has exactly the service's `turn_near` people ahead.
    TurnNear,
    /// The ticket was called (not recalled) to `window`.
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
/// `window` is set for called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderIntent {
    pub kind: ReminderKind,
    pub ticket: TicketId,
    pub service: ServiceId,
    pub phone: Phone,
    pub ahead: u32,
    pub window: Option<WindowNo>,
}

/// An intent with its id in the branch's reminder buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedReminder {
    pub id: String,
    pub intent: ReminderIntent,
}
