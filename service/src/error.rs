//! The one error type of the queue and its constructors. Both stores build their errors
//! through these constructors so that a caller reads the same words whichever store runs;
//! `grpc::status` maps each kind to a gRPC code in one place.

use crate::domain::{ServiceId, TicketNumber, TicketState, WindowNo, WindowState};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The caller sent something malformed; names the field.
    #[error("{field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// The caller named something that does not exist.
    #[error("{what} '{name}' not found")]
    NotFound { what: &'static str, name: String },
    /// The request is well formed but not allowed in the current state.
    #[error("{0}")]
    FailedPrecondition(String),
    #[error("{0}")]
    AlreadyExists(String),
    /// A limit (the service's daily tickets) is used up.
    #[error("{0}")]
    ResourceExhausted(String),
    /// No token, or one the service does not know (see `auth`).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's token does not reach what the request names (see `auth`).
    #[error("{0}")]
    PermissionDenied(String),
    /// A backing store cannot be reached; retrying later may succeed.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type QueueResult<T> = Result<T, QueueError>;

impl QueueError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    pub fn not_found(what: &'static str, name: impl ToString) -> Self {
        Self::NotFound {
            what,
            name: name.to_string(),
        }
    }

    /// A transition asked of a ticket in a state that does not allow it.
    pub fn ticket_state(
        number: &TicketNumber,
        state: TicketState,
        action: &str,
        allowed: &[TicketState],
    ) -> Self {
        let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        Self::FailedPrecondition(format!(
            "ticket {number} is {state}; only a {} ticket can be {action}",
            allowed.join(" or ")
        ))
    }

    /// A window that is not open was asked to call.
    pub fn window_not_open(window: WindowNo, state: WindowState) -> Self {
        Self::FailedPrecondition(format!(
            "window {window} is {state}; open it before calling"
        ))
    }

    /// A window that still holds a ticket was asked to call or close.
    pub fn window_busy(window: WindowNo, number: &TicketNumber, state: TicketState) -> Self {
        Self::FailedPrecondition(format!(
            "window {window} still holds ticket {number} ({state}); complete it, mark it no-show or transfer it first"
        ))
    }

    /// A window was asked to act on its ticket but holds none.
    pub fn window_empty(window: WindowNo) -> Self {
        Self::FailedPrecondition(format!("window {window} holds no ticket; call one first"))
    }

    /// A window was asked to serve a ticket of a service it does not serve.
    pub fn window_not_serving(window: WindowNo, service: &ServiceId) -> Self {
        Self::FailedPrecondition(format!(
            "window {window} does not serve service '{service}'"
        ))
    }

    pub fn recall_limit(number: &TicketNumber, limit: u32) -> Self {
        Self::FailedPrecondition(format!(
            "ticket {number} has been recalled {limit} times, the service's limit; mark it no-show"
        ))
    }

    pub fn requeue_limit(number: &TicketNumber, limit: u32) -> Self {
        Self::FailedPrecondition(format!(
            "ticket {number} has been requeued {limit} times, the service's limit"
        ))
    }

    /// A ticket of another service day was asked to move.
    pub fn other_day(
        number: &TicketNumber,
        day: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Self {
        Self::FailedPrecondition(format!(
            "ticket {number} belongs to service day {day}; today is {today} and only today's tickets can move"
        ))
    }

    pub fn transfer_to_same_service(number: &TicketNumber, service: &ServiceId) -> Self {
        Self::FailedPrecondition(format!("ticket {number} is already in service '{service}'"))
    }

    pub fn daily_limit(service: &ServiceId, name: &str, limit: u32) -> Self {
        Self::ResourceExhausted(format!(
            "service '{service}' ({name}) has issued all {limit} tickets of today; please come back tomorrow or book an appointment"
        ))
    }

    pub fn unavailable(store: &str, cause: impl std::fmt::Display) -> Self {
        Self::Unavailable(format!(
            "{store} is unreachable ({cause}); retry shortly (a retried TakeTicket with the same idempotency key cannot issue twice)"
        ))
    }
}
