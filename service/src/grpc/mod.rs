//! The gRPC face of the service: thin adapters from `queuecall.v1` messages to the domain
//! [`Queue`](crate::queue::Queue) (`queue_api`), with request parsing (`parse`), response
//! conversion (`convert`) and the one error-to-status mapping (`status`) kept apart. The hall
//! displays' streams (`display_api`) convert display views in `display_convert`; WatchBranch
//! is served with each live event encoded once for all displays (`display_wire`), and the
//! server's connections write small frames together (`coalesce`).

pub mod admin_api;
pub mod admin_convert;
pub mod admin_parse;
pub mod appointment_api;
pub mod appointment_convert;
pub mod coalesce;
pub mod convert;
pub mod display_api;
pub mod display_convert;
pub mod display_wire;
pub mod history_api;
pub mod parse;
pub mod queue_api;
pub mod status;

pub use admin_api::AdminApi;
pub use appointment_api::AppointmentApi;
pub use display_api::DisplayApi;
pub use display_wire::DisplayServer;
pub use history_api::HistoryApi;
pub use queue_api::QueueApi;
