//! The gRPC face of the service: thin adapters from `queuecall.v1` messages to the domain
//! [`Queue`](crate::queue::Queue) (`queue_api`), with request parsing (`parse`), response
//! conversion (`convert`) and the one error-to-status mapping (`status`) kept apart.

pub mod convert;
pub mod parse;
pub mod queue_api;
pub mod status;

pub use queue_api::QueueApi;
