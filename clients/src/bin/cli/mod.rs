//! The modules of `queuecallctl`: its arguments and what each command does.

pub mod args;
pub mod display;
pub mod run;
