//! queuecall: the queue-calling service of a government service hall.

pub mod clock;
pub mod domain;
pub mod error;
pub mod hall;
pub mod queue;
pub mod store;
