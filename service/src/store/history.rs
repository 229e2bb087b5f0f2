//! The history buffer of the live stores: what a final transition (or a transfer out of a
//! service) leaves behind for the durable records, written in the same atomic step as the
//! transition itself and drained by `history::Recorder` into `ticket_history`.

use chrono::{DateTime, Utc};

use crate::domain::{
    BranchId, Channel, PriorityClass, ServiceId, Ticket, TicketId, TicketState, WindowNo,
};

/// How one leg of a ticket (its time in one service) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Done,
    NoShow,
    Cancelled,
    Expired,
    /// Moved to another service; the ticket goes on as the next leg there.
    Transferred,
}

impl Outcome {
    pub const ALL: [Self; 5] = [
        Self::Done,
        Self::NoShow,
        Self::Cancelled,
        Self::Expired,
        Self::Transferred,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "DONE",
            Self::NoShow => "NO_SHOW",
            Self::Cancelled => "CANCELLED",
            Self::Expired => "EXPIRED",
            Self::Transferred => "TRANSFERRED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }
}

/// The facts of a ticket's current leg that the ticket itself does not keep: the live stores
/// keep them beside the ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// 0 in the service the ticket was taken for, +1 per transfer.
    pub number: u32,
    /// Issue, or the transfer into this leg's service.
    pub entered_at: DateTime<Utc>,
    /// The first call in this leg (a requeued ticket is called again later).
    pub first_called_at: Option<DateTime<Utc>>,
    /// The window of the latest call in this leg.
    pub called_by: Option<WindowNo>,
}

impl Leg {
    /// The first leg of a ticket issued at `at`.
    pub fn first(at: DateTime<Utc>) -> Self {
        Self {
            number: 0,
            entered_at: at,
            first_called_at: None,
            called_by: None,
        }
    }

    /// Called by `window` at `at`.
    pub fn called(&mut self, window: WindowNo, at: DateTime<Utc>) {
        self.first_called_at.get_or_insert(at);
        self.called_by = Some(window);
    }

    /// The next leg, entered at `at` by a transfer.
    #[must_use]
    pub fn next(&self, at: DateTime<Utc>) -> Self {
        Self {
            number: self.number + 1,
            ..Self::first(at)
        }
    }
}

/// One finished leg of a ticket, as the history keeps it. `(ticket, leg)` names it; a leg
/// that ended as NO_SHOW and was requeued ends again later, and that later entry (with a
/// higher `requeue_count`) replaces the earlier one in the records.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Branch, service day and number.
    pub ticket: TicketId,
    pub leg: u32,
    /// The service of this leg.
    pub service: ServiceId,
    pub priority: PriorityClass,
    pub channel: Channel,
    pub outcome: Outcome,
    /// The window of the latest call in this leg, if it was called.
    pub window: Option<WindowNo>,
    /// Issue (leg 0) or transfer in.
    pub entered_at: DateTime<Utc>,
    /// The first call in this leg.
    pub called_at: Option<DateTime<Utc>>,
    /// The start of service in this leg (only a leg that ended DONE or TRANSFERRED from
    /// SERVING has one).
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: DateTime<Utc>,
    pub recall_count: u32,
    pub requeue_count: u32,
}

impl HistoryEntry {
    /// The entry of `ticket` (as it was when the leg ended, before a transfer moves it) with
    /// `outcome` at `at`. The start of service counts only when the ticket was SERVING: a
    /// ticket keeps an earlier leg's start when it is transferred.
    pub fn of(ticket: &Ticket, leg: &Leg, outcome: Outcome, at: DateTime<Utc>) -> Self {
        let served = matches!(ticket.state, TicketState::Serving | TicketState::Done);
        Self {
            ticket: ticket.id.clone(),
            leg: leg.number,
            service: ticket.service.clone(),
            priority: ticket.priority,
            channel: ticket.channel,
            outcome,
            window: leg.called_by,
            entered_at: leg.entered_at,
            called_at: leg.first_called_at,
            started_at: ticket.started_at.filter(|_| served),
            ended_at: at,
            recall_count: ticket.recall_count,
            requeue_count: ticket.requeue_count,
        }
    }

    pub fn branch(&self) -> &BranchId {
        &self.ticket.branch
    }
}

/// An entry still in a branch's buffer, with the id [`super::QueueStore::history_ack`]
/// removes it by (opaque: a row number in SQLite, a stream entry id in Redis).
#[derive(Debug, Clone, PartialEq)]
pub struct Buffered {
    pub id: String,
    pub entry: HistoryEntry,
}
