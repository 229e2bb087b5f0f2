//! What the outbox worker needs from an SMS provider: send one message, and after an ambiguous
//! time-out, ask whether it was sent after all.

use chrono::{DateTime, Utc};
use std::time::Duration;

use crate::domain::Phone;

/// One message to send: the outbox row it comes from, the number and the text.
#[derive(Debug, Clone)]
pub struct OutgoingSms {
    pub outbox_id: String,
    pub to: Phone,
    pub body: String,
}

/// What became of one send attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The provider took it: its message sid and status (queued, sent, …).
    Accepted { sid: String, status: String },
    /// 429, 5xx, connection refused before the request was sent: retry with backoff.
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Never retry: 21211 invalid number, 21610 unsubscribed, 21614 not SMS-capable, other 4xx.
    Permanent { code: Option<i64>, reason: String },
    /// A time-out after the request may have reached the provider: ask before resending.
    Ambiguous { reason: String },
}

#[async_trait::async_trait]
pub trait Sender: Send + Sync + 'static {
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome;

    /// After an Ambiguous outcome: the provider's message to `sms.to` with `sms.body` created at
    /// or after `since`, if any (Twilio: GET Messages.json?To=…, paged newest first), as (sid, status).
    async fn find_sent(
        &self,
        sms: &OutgoingSms,
        since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String>;
}
