//! queuecall
