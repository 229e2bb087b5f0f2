//! SMS reminders: the provider client, the delivery-status callback, and (S2/S3) the outbox
//! worker and the reminder kinds.

pub mod sender;
pub mod templates;

pub use sender::{OutgoingSms, SendOutcome, Sender};
