//! Helpers shared by the web display's test files.

pub mod raw_http;
pub mod relay;
