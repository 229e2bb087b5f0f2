//! SMS reminders: the provider client, the delivery-status callback, and (S2/S3) the outbox
//! worker and the reminder kinds.

pub mod callback;
pub mod limits;
pub mod log_sender;
pub mod reminders;
pub mod sender;
pub mod settings;
pub mod signature;
pub mod templates;
pub mod twilio;
pub mod worker;

pub use sender::{OutgoingSms, SendOutcome, Sender};

use std::sync::Arc;

/// The sender `sms` settings ask for: the provider's client, or the log sender when no
/// provider is configured. A partly configured provider is an error.
pub fn build_sender(settings: &settings::SmsSettings) -> anyhow::Result<Arc<dyn Sender>> {
    match settings.provider().map_err(anyhow::Error::msg)? {
        Some(provider) => {
            tracing::info!(
                base_url = %provider.base_url,
                account_sid = %provider.account_sid,
                "sms provider configured"
            );
            Ok(Arc::new(twilio::TwilioSender::new(provider)?))
        }
        None => {
            tracing::info!("no sms provider configured: reminders are written to the log");
            Ok(Arc::new(log_sender::LogSender))
        }
    }
}
