pub mod binary;
pub mod http;
pub mod rpcs;
pub mod tokens;
