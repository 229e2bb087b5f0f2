//! The one mapping from [`QueueError`] to a gRPC status. Handlers never build a `Status` by
//! hand: they return `QueueError` and `?` brings it here. An internal error is logged with
//! its whole cause chain; the caller gets a generic message.

use tonic::{Code, Status};

use crate::error::QueueError;

/// The gRPC code of each kind of error.
pub fn code(err: &QueueError) -> Code {
    match err {
        QueueError::InvalidArgument { .. } => Code::InvalidArgument,
        QueueError::NotFound { .. } => Code::NotFound,
        QueueError::FailedPrecondition(_) => Code::FailedPrecondition,
        QueueError::AlreadyExists(_) => Code::AlreadyExists,
        QueueError::ResourceExhausted(_) => Code::ResourceExhausted,
        QueueError::Unauthenticated(_) => Code::Unauthenticated,
        QueueError::PermissionDenied(_) => Code::PermissionDenied,
        QueueError::Unavailable(_) => Code::Unavailable,
        QueueError::Internal(_) => Code::Internal,
    }
}

/// RESOURCE_EXHAUSTED for a call over a rate limit, with the retry hint in the message and as
/// a `google.rpc.RetryInfo` detail.
pub fn throttled(refused: crate::throttle::Refused) -> Status {
    use tonic_types::{ErrorDetails, StatusExt};
    Status::with_error_details(
        Code::ResourceExhausted,
        refused.message,
        ErrorDetails::with_retry_info(Some(refused.retry_after)),
    )
}

/// The status a caller receives for `err`.
pub fn to_status(err: QueueError) -> Status {
    match &err {
        QueueError::Internal(cause) => {
            tracing::error!(error = format!("{cause:#}"), "internal error");
            Status::internal("internal error in the queue service; it has been logged")
        }
        QueueError::Unavailable(message) => {
            tracing::warn!(error = %message, "store unavailable");
            Status::unavailable(message.clone())
        }
        other => Status::new(code(other), other.to_string()),
    }
}

impl From<QueueError> for Status {
    fn from(err: QueueError) -> Self {
        to_status(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TicketNumber, TicketState};

    #[test]
    fn each_kind_has_its_code_and_message() {
        let cases = [
            (
                QueueError::invalid("phone", "is not a mobile number"),
                Code::InvalidArgument,
                "phone: is not a mobile number",
            ),
            (
                QueueError::not_found("branch", "nowhere"),
                Code::NotFound,
                "branch 'nowhere' not found",
            ),
            (
                QueueError::ticket_state(
                    &TicketNumber::new("A", 3),
                    TicketState::Done,
                    "cancelled",
                    &[TicketState::Waiting],
                ),
                Code::FailedPrecondition,
                "ticket A003 is DONE",
            ),
            (
                QueueError::AlreadyExists("twice".into()),
                Code::AlreadyExists,
                "twice",
            ),
            (
                QueueError::ResourceExhausted("all 300 tickets".into()),
                Code::ResourceExhausted,
                "all 300 tickets",
            ),
            (
                QueueError::unavailable("redis", "connection refused"),
                Code::Unavailable,
                "redis is unreachable",
            ),
        ];
        for (err, want, text) in cases {
            let status = Status::from(err);
            assert_eq!(status.code(), want);
            assert!(status.message().contains(text), "{}", status.message());
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = QueueError::Internal(
            anyhow::anyhow!("disk full at /secret/path").context("writing ticket"),
        );
        let status = to_status(err);
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("/secret/path"));
    }
}
