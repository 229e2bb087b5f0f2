//! Windows (counters) and how they call.

use std::fmt;

use super::{Ticket, WindowNo};

/// Whether a window may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    Open,
    Paused,
    Closed,
}

impl WindowState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Paused => "PAUSED",
            Self::Closed => "CLOSED",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "OPEN" => Self::Open,
            "PAUSED" => Self::Paused,
            "CLOSED" => Self::Closed,
            _ => return None,
        })
    }
}

impl fmt::Display for WindowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a window picks across the services it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallRule {
    /// The first of its services, in the window's order, that has a waiting ticket.
    StrictOrder,
    /// The front-most ticket across its services (priority class rank, then issue time).
    OldestFirst,
    /// A cycle of `priority` priority tickets then `normal` normal tickets; when the wanted
    /// kind has none waiting, the other is called, so neither starves.
    Ratio { priority: u32, normal: u32 },
}

/// A change of a window's state asked for by its clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowCommand {
    Open,
    Pause { reason: String },
    Close,
}

/// A window's live state as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowStatus {
    pub number: WindowNo,
    pub state: WindowState,
    pub pause_reason: Option<String>,
    /// The called or serving ticket the window holds.
    pub current: Option<Ticket>,
}
