//! Logging and traces: `tracing` events on stderr, one readable line each (`log.format =
//! pretty`) or one JSON object each (`json`), and, when `log.otlp_endpoint` names an
//! OpenTelemetry collector, every span (one per RPC with its branch, service and window
//! fields, one per store call) exported there over OTLP/gRPC in batches. The filter comes from
//! `log.filter`; `RUST_LOG`, when set, overrides it (for the export too). Stdout is left to the
//! one "listening" line of the binary.

use std::io::IsTerminal;

use anyhow::{Context, anyhow};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, LogSettings};

/// What [`init`] installed; [`Telemetry::shutdown`] sends the spans not yet exported.
#[must_use = "call shutdown() before exiting, or the last spans are not exported"]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still buffered and stops the exporter.
    pub fn shutdown(self) {
        if let Some(provider) = self.traces
            && let Err(error) = provider.shutdown()
        {
            eprintln!("queuecall: the last spans were not exported: {error}");
        }
    }
}

/// Installs the global subscriber; an error when a filter or the endpoint is malformed or a
/// subscriber is installed already. Call it inside the tokio runtime (the exporter's gRPC
/// channel lives on it).
pub fn init(log: &LogSettings) -> anyhow::Result<Telemetry> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::try_new(&value)
            .with_context(|| format!("RUST_LOG '{value}' is not a valid log filter"))?,
        _ => EnvFilter::try_new(&log.filter)
            .with_context(|| format!("log.filter '{}' is not a valid log filter", log.filter))?,
    };
    let lines = match log.format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    };
    let traces = log
        .otlp_endpoint
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(exporter)
        .transpose()?;
    let export = traces
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("queuecall")));
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(export)
        .try_init()
        .map_err(|err| anyhow!("cannot install the log subscriber: {err}"))?;
    Ok(Telemetry { traces })
}

/// The batch exporter to `endpoint`, service name `queuecall` (OTEL_SERVICE_NAME and
/// OTEL_RESOURCE_ATTRIBUTES are read too).
fn exporter(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
        anyhow::bail!("log.otlp_endpoint '{endpoint}' must start with http:// or https://");
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .with_context(|| format!("cannot set up the OTLP exporter to {endpoint}"))?;
    let resource = Resource::builder().with_service_name("queuecall").build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
