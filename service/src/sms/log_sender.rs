//! The sender of the embedded tier when no provider is configured: it writes what would be
//! sent (the number masked) to the log, so that a demo shows the reminders.

use chrono::{DateTime, Utc};

use super::sender::{OutgoingSms, SendOutcome, Sender};

/// Logs each message and answers Accepted with a `log-<random>` sid.
#[derive(Debug, Clone, Default)]
pub struct LogSender;

#[async_trait::async_trait]
impl Sender for LogSender {
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let sid = format!("log-{:032x}", rand::random::<u128>());
        tracing::info!(
            outbox_id = %sms.outbox_id,
            to = %sms.to.masked(),
            body = %sms.body,
            sid = %sid,
            "sms not sent (no provider configured)"
        );
        SendOutcome::Accepted {
            sid,
            status: "sent".to_owned(),
        }
    }

    /// The log sender never times out, so there is nothing to find.
    async fn find_sent(
        &self,
        _sms: &OutgoingSms,
        _since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Phone;

    #[tokio::test]
    async fn the_log_sender_accepts_with_a_log_sid() {
        let sms = OutgoingSms {
            outbox_id: "o1".to_owned(),
            to: Phone::parse("phone", "13812341234").expect("a phone"),
            body: "您的号码 A001 即将叫到".to_owned(),
        };
        match LogSender.send(&sms).await {
            SendOutcome::Accepted { sid, status } => {
                assert!(sid.starts_with("log-"), "{sid}");
                assert_eq!(status, "sent");
            }
            other => panic!("expected Accepted, got {other:?}"),
        }
    }
}
