//! The modules of `queuecallctl`: its arguments and what each command does.

pub mod admin;
pub mod admin_args;
pub mod args;
pub mod booking;
pub mod booking_args;
pub mod display;
pub mod run;
