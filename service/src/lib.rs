//! queuecall: the queue-calling service of a government service hall.

pub mod admin;
pub mod appointments;
pub mod auth;
pub mod booking;
pub mod clock;
pub mod config;
pub mod display;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod hall;
pub mod health;
pub mod history;
pub mod http;
pub mod metrics;
pub mod queue;
pub mod records;
pub mod redis_link;
pub mod sms;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod throttle;
