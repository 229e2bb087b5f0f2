//! Tickets and their lifecycle.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{Phone, ServiceId, TicketId, TicketNumber, WindowNo};

/// Where a ticket is in its life (DESIGN.md, "Ticket lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketState {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Expired,
}

impl TicketState {
    pub const ALL: [Self; 7] = [
        Self::Waiting,
        Self::Called,
        Self::Serving,
        Self::Done,
        Self::NoShow,
        Self::Cancelled,
        Self::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Called => "CALLED",
            Self::Serving => "SERVING",
            Self::Done => "DONE",
            Self::NoShow => "NO_SHOW",
            Self::Cancelled => "CANCELLED",
            Self::Expired => "EXPIRED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// No further transition except a requeue of a no-show on its own day.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Done | Self::NoShow | Self::Cancelled | Self::Expired
        )
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who goes first inside a service; each service ranks the classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    Normal,
    Appointment,
    GreenChannel,
}

impl PriorityClass {
    pub const ALL: [Self; 3] = [Self::Normal, Self::Appointment, Self::GreenChannel];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Appointment => "appointment",
            Self::GreenChannel => "green_channel",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Where a ticket was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Kiosk,
    Mobile,
    Window,
    Api,
}

impl Channel {
    pub const ALL: [Self; 4] = [Self::Kiosk, Self::Mobile, Self::Window, Self::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Mobile => "mobile",
            Self::Window => "window",
            Self::Api => "api",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A ticket as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: TicketId,
    /// The service it now waits for or was served in.
    pub service: ServiceId,
    /// The service it was taken for, once transferred.
    pub original_service: Option<ServiceId>,
    pub state: TicketState,
    pub priority: PriorityClass,
    pub channel: Channel,
    pub phone: Option<Phone>,
    /// The window that called it last.
    pub window: Option<WindowNo>,
    pub recall_count: u32,
    pub requeue_count: u32,
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Ticket {
    /// A ticket just issued as `id` for what `new` asked: waiting, never called.
    pub fn issued(id: TicketId, new: &NewTicket, issued_at: DateTime<Utc>) -> Self {
        Self {
            id,
            service: new.service.clone(),
            original_service: None,
            state: TicketState::Waiting,
            priority: new.priority,
            channel: new.channel,
            phone: new.phone.clone(),
            window: None,
            recall_count: 0,
            requeue_count: 0,
            issued_at,
            called_at: None,
            started_at: None,
            ended_at: None,
        }
    }

    pub fn number(&self) -> &TicketNumber {
        &self.id.number
    }
}

/// A ticket with the facts needed to tell the citizen how long they will wait.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketView {
    pub ticket: Ticket,
    /// Waiting tickets ahead of it in its service; 0 unless waiting.
    pub people_ahead: u32,
    /// Moving average of the service's real service times, once there is one.
    pub avg_service_ms: Option<u64>,
    /// Open windows that serve the ticket's service.
    pub open_windows: u32,
}

/// What TakeTicket asks the store to issue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    pub service: ServiceId,
    pub priority: PriorityClass,
    pub channel: Channel,
    pub phone: Option<Phone>,
    /// Checked for shape by the adapter (1–128 visible ASCII characters).
    pub idempotency_key: Option<String>,
}
