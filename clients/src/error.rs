//! Typed failures of a queuecall call, by gRPC code.

use tonic::{Code, Status};

/// Why a call failed. Every `tonic::Status` becomes one of these in
/// `From<tonic::Status>` below, and nowhere else.
///
/// Display is `<code>: <message>` with the code in snake case (`not_found: ticket …`), the
/// form `queuecallctl` prints after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The request was malformed; the message names the field (`branch_id: must not be empty`).
    #[error("invalid_argument: {0}")]
    InvalidArgument(String),
    /// The branch, service, window or ticket does not exist.
    #[error("not_found: {0}")]
    NotFound(String),
    /// The ticket or window is in a state that does not allow the step.
    #[error("failed_precondition: {0}")]
    FailedPrecondition(String),
    #[error("already_exists: {0}")]
    AlreadyExists(String),
    /// A limit was reached, for example a service's daily ticket limit.
    #[error("resource_exhausted: {0}")]
    ResourceExhausted(String),
    /// The service or its store cannot answer now; retrying later may succeed.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The endpoint is malformed or no connection could be made.
    #[error("connect: {0}")]
    Connect(String),
    /// Any other gRPC code (internal, deadline_exceeded, unimplemented, …).
    #[error("{}: {message}", code_name(*code))]
    Other { code: Code, message: String },
}

impl ClientError {
    /// The gRPC code of this error; `Unavailable` for [`ClientError::Connect`].
    pub fn code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::NotFound(_) => Code::NotFound,
            Self::FailedPrecondition(_) => Code::FailedPrecondition,
            Self::AlreadyExists(_) => Code::AlreadyExists,
            Self::ResourceExhausted(_) => Code::ResourceExhausted,
            Self::Unavailable(_) | Self::Connect(_) => Code::Unavailable,
            Self::Other { code, .. } => *code,
        }
    }

    /// The snake-case name printed before the message: `not_found`, `connect`, …
    pub fn code_name(&self) -> &'static str {
        match self {
            Self::Connect(_) => "connect",
            other => code_name(other.code()),
        }
    }

    /// The message without the code.
    pub fn message(&self) -> &str {
        match self {
            Self::InvalidArgument(m)
            | Self::NotFound(m)
            | Self::FailedPrecondition(m)
            | Self::AlreadyExists(m)
            | Self::ResourceExhausted(m)
            | Self::Unavailable(m)
            | Self::Connect(m)
            | Self::Other { message: m, .. } => m,
        }
    }

    /// The server answered without a field the contract promises.
    pub(crate) fn missing(field: &str) -> Self {
        Self::Other {
            code: Code::Internal,
            message: format!("the server's answer has no {field}"),
        }
    }
}

impl From<Status> for ClientError {
    fn from(status: Status) -> Self {
        let message = status.message().to_owned();
        match status.code() {
            Code::InvalidArgument => Self::InvalidArgument(message),
            Code::NotFound => Self::NotFound(message),
            Code::FailedPrecondition => Self::FailedPrecondition(message),
            Code::AlreadyExists => Self::AlreadyExists(message),
            Code::ResourceExhausted => Self::ResourceExhausted(message),
            Code::Unavailable => Self::Unavailable(message),
            // The channel's request time-out surfaces as CANCELLED "Timeout expired".
            Code::Cancelled if message == tonic::TimeoutExpired(()).to_string() => Self::Other {
                code: Code::DeadlineExceeded,
                message: "the request timed out".to_owned(),
            },
            code => Self::Other { code, message },
        }
    }
}

/// The lower snake-case name of a gRPC code, as in the gRPC spec (`NOT_FOUND` → `not_found`).
pub(crate) fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "cancelled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(code: Code) -> ClientError {
        ClientError::from(Status::new(code, "why"))
    }

    #[test]
    fn each_handled_code_has_its_own_variant() {
        let msg = || "why".to_owned();
        assert_eq!(
            from(Code::InvalidArgument),
            ClientError::InvalidArgument(msg())
        );
        assert_eq!(from(Code::NotFound), ClientError::NotFound(msg()));
        assert_eq!(
            from(Code::FailedPrecondition),
            ClientError::FailedPrecondition(msg())
        );
        assert_eq!(from(Code::AlreadyExists), ClientError::AlreadyExists(msg()));
        assert_eq!(
            from(Code::ResourceExhausted),
            ClientError::ResourceExhausted(msg())
        );
        assert_eq!(from(Code::Unavailable), ClientError::Unavailable(msg()));
    }

    #[test]
    fn other_codes_keep_code_and_message() {
        for code in [
            Code::Internal,
            Code::Unknown,
            Code::DeadlineExceeded,
            Code::Unimplemented,
            Code::PermissionDenied,
            Code::Cancelled,
        ] {
            let err = from(code);
            assert_eq!(
                err,
                ClientError::Other {
                    code,
                    message: "why".to_owned()
                }
            );
            assert_eq!(err.code(), code);
        }
    }

    #[test]
    fn the_channel_time_out_reads_as_deadline_exceeded() {
        let err = ClientError::from(Status::from_error(Box::new(tonic::TimeoutExpired(()))));
        assert_eq!(err.code(), Code::DeadlineExceeded);
        assert_eq!(err.to_string(), "deadline_exceeded: the request timed out");
    }

    #[test]
    fn display_is_snake_case_code_then_message() {
        assert_eq!(
            from(Code::NotFound).to_string(),
            "not_found: why",
            "display of a named variant"
        );
        assert_eq!(from(Code::Internal).to_string(), "internal: why");
        let connect = ClientError::Connect("no route".to_owned());
        assert_eq!(connect.to_string(), "connect: no route");
        assert_eq!(connect.code_name(), "connect");
        assert_eq!(connect.code(), Code::Unavailable);
        assert_eq!(connect.message(), "no route");
    }

    #[test]
    fn code_name_round_trips_every_variant() {
        for code in [
            Code::InvalidArgument,
            Code::ResourceExhausted,
            Code::DataLoss,
        ] {
            assert_eq!(from(code).code_name(), code_name(code));
        }
    }
}
