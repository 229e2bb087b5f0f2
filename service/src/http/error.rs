//! A queue error as an HTTP answer, in one place: the caller's mistakes with their message,
//! the unexpected logged with its cause chain and answered with a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::QueueError;

/// A [`QueueError`] that axum can answer with.
#[derive(Debug)]
pub struct HttpError(pub QueueError);

impl From<QueueError> for HttpError {
    fn from(err: QueueError) -> Self {
        Self(err)
    }
}

/// The status of each kind of queue error.
pub fn status_of(err: &QueueError) -> StatusCode {
    match err {
        QueueError::InvalidArgument { .. } => StatusCode::BAD_REQUEST,
        QueueError::NotFound { .. } => StatusCode::NOT_FOUND,
        QueueError::FailedPrecondition(_) | QueueError::AlreadyExists(_) => StatusCode::CONFLICT,
        QueueError::ResourceExhausted(_) => StatusCode::TOO_MANY_REQUESTS,
        QueueError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        QueueError::PermissionDenied(_) => StatusCode::FORBIDDEN,
        QueueError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        QueueError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let message = match &self.0 {
            QueueError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error on http");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        (status, format!("{message}\n")).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_things_are_404_and_bad_input_400() {
        assert_eq!(
            status_of(&QueueError::not_found("branch", "nowhere")),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status_of(&QueueError::invalid("after", "must be digits")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status_of(&QueueError::Unavailable("redis down".to_owned())),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
