//! `POST /sms/status` on the HTTP listener: the provider's delivery-status callback. A request
//! whose `X-Twilio-Signature` is missing or wrong is refused (403); a good one applies
//! `MessageStatus` (and its `ErrorCode`, kept in the row) to the outbox row of `MessageSid`
//! and answers 204 — also when no row has that sid yet: the status is then held until the
//! worker records the send (`records::outbox::apply_status`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::settings::{Secret, SmsSettings};
use super::signature;
use crate::clock::Clock;
use crate::records::Db;
use crate::records::outbox::StatusApplied;

/// The path of the callback on the HTTP listener.
pub const STATUS_PATH: &str = "/sms/status";
/// The header the provider signs its callbacks with.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// Where verified statuses go (the outbox: `records::outbox::apply_status`).
#[async_trait::async_trait]
pub trait StatusSink: Send + Sync + 'static {
    /// Applies `status` (with the provider's `ErrorCode`, if any) to the message the provider
    /// calls `provider_sid`, or holds it until a message has that sid.
    async fn apply_status(
        &self,
        provider_sid: &str,
        status: &str,
        error_code: Option<i64>,
    ) -> anyhow::Result<StatusApplied>;
}

/// What the callback needs: the key and URL of the signatures, and where statuses go.
#[derive(Clone)]
pub struct StatusCallback {
    auth_token: Secret,
    /// The URL the provider was given (`sms.status_callback_url`), not the one we see.
    url: String,
    sink: Arc<dyn StatusSink>,
}

impl StatusCallback {
    pub fn new(auth_token: Secret, url: impl Into<String>, sink: Arc<dyn StatusSink>) -> Self {
        Self {
            auth_token,
            url: url.into(),
            sink,
        }
    }

    /// The callback of a configured provider that was given a status callback URL; `None`
    /// otherwise (no route: nothing could be verified).
    pub fn from_settings(settings: &SmsSettings, sink: Arc<dyn StatusSink>) -> Option<Self> {
        let provider = settings.provider().ok().flatten()?;
        let url = provider.status_callback_url?;
        Some(Self::new(provider.auth_token, url, sink))
    }
}

/// The route, to merge into the HTTP router.
pub fn router(callback: StatusCallback) -> Router {
    Router::new()
        .route(STATUS_PATH, post(status))
        .with_state(callback)
}

async fn status(
    State(callback): State<StatusCallback>,
    headers: HeaderMap,
    Form(params): Form<Vec<(String, String)>>,
) -> StatusCode {
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|given| {
            signature::verify(callback.auth_token.expose(), &callback.url, &params, given)
        });
    if !signed {
        tracing::warn!("sms status callback refused: missing or wrong signature");
        return StatusCode::FORBIDDEN;
    }
    let field = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let (Some(sid), Some(status)) = (field("MessageSid"), field("MessageStatus")) else {
        tracing::warn!("sms status callback without MessageSid or MessageStatus");
        return StatusCode::BAD_REQUEST;
    };
    // A code that is not a number is logged, not stored.
    let error_code = field("ErrorCode").and_then(|code| code.trim().parse::<i64>().ok());
    match callback.sink.apply_status(sid, status, error_code).await {
        Ok(applied) => {
            tracing::debug!(
                sid,
                status,
                error_code = field("ErrorCode"),
                ?applied,
                "sms status"
            );
            StatusCode::NO_CONTENT
        }
        Err(err) => {
            // The provider retries a failed callback.
            tracing::warn!(
                sid,
                status,
                error = format!("{err:#}"),
                "cannot apply an sms status"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The outbox as the sink: `records::outbox::apply_status`, monotonic.
pub struct OutboxStatus {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl OutboxStatus {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }
}

#[async_trait::async_trait]
impl StatusSink for OutboxStatus {
    async fn apply_status(
        &self,
        provider_sid: &str,
        status: &str,
        error_code: Option<i64>,
    ) -> anyhow::Result<StatusApplied> {
        crate::records::outbox::apply_status(
            &self.db,
            provider_sid,
            status,
            error_code,
            self.clock.now(),
        )
        .await
    }
}
