//! Logging: `tracing` events on stderr, one readable line each (`log.format = pretty`) or
//! one JSON object each (`json`). The filter comes from `log.filter`; `RUST_LOG`, when set,
//! overrides it. Stdout is left to the one "listening" line of the binary.

use std::io::IsTerminal;

use anyhow::{Context, anyhow};
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber; an error when a filter is malformed or one is installed.
pub fn init(log: &LogSettings) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::try_new(&value)
            .with_context(|| format!("RUST_LOG '{value}' is not a valid log filter"))?,
        _ => EnvFilter::try_new(&log.filter)
            .with_context(|| format!("log.filter '{}' is not a valid log filter", log.filter))?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match log.format {
        LogFormat::Pretty => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|err| anyhow!("cannot install the log subscriber: {err}"))
}
