//! Prometheus metrics, served as text on `GET /metrics` of the HTTP listener.
//!
//! Two kinds of figures:
//! - what this replica did, counted as it answers: tickets issued, called and finished by
//!   outcome (by branch and service), the waiting time of first calls and the service time of
//!   completed tickets (histograms), every gRPC call's latency by method and code (a tower
//!   layer, [`layer::GrpcMetricsLayer`]), and store errors (calls answered UNAVAILABLE because
//!   a store did not answer). Sum them over the replicas.
//! - the hall's state, read when scraped (the same on every replica; do not sum): waiting
//!   tickets per service, open windows per branch, SMS outbox rows by state, and whether the
//!   live store and the records database answer (from the health checks).
//!
//! Tickets that expire at the end of the day are not counted as finished (no call ends them).

pub mod layer;

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::domain::{BranchId, ServiceId, Ticket};
use crate::health::Readiness;
use crate::queue::Queue;
use crate::records::Db;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ServiceLabels {
    branch: String,
    service: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    branch: String,
    service: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BranchLabels {
    branch: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RpcLabels {
    method: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DependencyLabels {
    dependency: String,
}

/// How a ticket left the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Done,
    NoShow,
    Cancelled,
}

impl Finished {
    fn as_str(self) -> &'static str {
        match self {
            Finished::Done => "done",
            Finished::NoShow => "no_show",
            Finished::Cancelled => "cancelled",
        }
    }
}

/// Waits and services last minutes to hours.
fn queue_time_histogram() -> Histogram {
    Histogram::new([
        30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0,
    ])
}

/// RPCs last microseconds to seconds.
fn rpc_histogram() -> Histogram {
    Histogram::new([
        0.000_25, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    ])
}

/// The registry and every metric in it; cheap to share (`Arc`).
pub struct Metrics {
    registry: Registry,
    issued: Family<ServiceLabels, Counter>,
    called: Family<ServiceLabels, Counter>,
    finished: Family<OutcomeLabels, Counter>,
    wait: Family<ServiceLabels, Histogram, fn() -> Histogram>,
    service_time: Family<ServiceLabels, Histogram, fn() -> Histogram>,
    rpc: Family<RpcLabels, Histogram, fn() -> Histogram>,
    store_errors: Family<RpcLabels, Counter>,
    waiting: Family<ServiceLabels, Gauge>,
    open_windows: Family<BranchLabels, Gauge>,
    sms: Family<StateLabels, Gauge>,
    up: Family<DependencyLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("queuecall");
        let issued = Family::<ServiceLabels, Counter>::default();
        registry.register(
            "tickets_issued",
            "Tickets issued by this replica (idempotent replays not counted)",
            issued.clone(),
        );
        let called = Family::<ServiceLabels, Counter>::default();
        registry.register(
            "tickets_called",
            "Calls made through this replica (CallNext and CallTicket; recalls not counted)",
            called.clone(),
        );
        let finished = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "tickets_finished",
            "Tickets ended through this replica, by outcome (done, no_show, cancelled)",
            finished.clone(),
        );
        let wait: Family<ServiceLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(queue_time_histogram);
        registry.register(
            "wait_seconds",
            "From issue to first call, for tickets called through this replica",
            wait.clone(),
        );
        let service_time: Family<ServiceLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(queue_time_histogram);
        registry.register(
            "service_seconds",
            "From start of service to completion, for tickets completed through this replica",
            service_time.clone(),
        );
        let rpc: Family<RpcLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(rpc_histogram);
        registry.register(
            "grpc_request_duration_seconds",
            "gRPC calls served by this replica: time to the response headers, by method and code",
            rpc.clone(),
        );
        let store_errors = Family::<RpcLabels, Counter>::default();
        registry.register(
            "store_errors",
            "Calls answered UNAVAILABLE because the live store or the records database did not answer",
            store_errors.clone(),
        );
        let waiting = Family::<ServiceLabels, Gauge>::default();
        registry.register(
            "queue_waiting",
            "Waiting tickets per service now (hall state: the same on every replica)",
            waiting.clone(),
        );
        let open_windows = Family::<BranchLabels, Gauge>::default();
        registry.register(
            "windows_open",
            "Open windows per branch now (hall state)",
            open_windows.clone(),
        );
        let sms = Family::<StateLabels, Gauge>::default();
        registry.register(
            "sms_outbox",
            "SMS outbox rows by state (pending, sending, sent, delivered, failed, dead, cancelled, …)",
            sms.clone(),
        );
        let up = Family::<DependencyLabels, Gauge>::default();
        registry.register(
            "dependency_up",
            "1 while the dependency answers this replica's health checks, else 0",
            up.clone(),
        );
        Self {
            registry,
            issued,
            called,
            finished,
            wait,
            service_time,
            rpc,
            store_errors,
            waiting,
            open_windows,
            sms,
            up,
        }
    }

    fn service(branch: &BranchId, service: &ServiceId) -> ServiceLabels {
        ServiceLabels {
            branch: branch.as_str().to_owned(),
            service: service.as_str().to_owned(),
        }
    }

    pub fn issued(&self, branch: &BranchId, service: &ServiceId) {
        self.issued
            .get_or_create(&Self::service(branch, service))
            .inc();
    }

    /// A call (not a recall); a first call of a fresh ticket also times its wait.
    pub fn called(&self, branch: &BranchId, ticket: &Ticket) {
        let labels = Self::service(branch, &ticket.service);
        self.called.get_or_create(&labels).inc();
        let fresh = ticket.requeue_count == 0 && ticket.original_service.is_none();
        if let (true, Some(called_at)) = (fresh, ticket.called_at) {
            let wait = (called_at - ticket.issued_at).num_milliseconds().max(0);
            self.wait
                .get_or_create(&labels)
                .observe(wait as f64 / 1000.0);
        }
    }

    /// A ticket ended; a completed one also times its service.
    pub fn finished(&self, branch: &BranchId, ticket: &Ticket, outcome: Finished) {
        self.finished
            .get_or_create(&OutcomeLabels {
                branch: branch.as_str().to_owned(),
                service: ticket.service.as_str().to_owned(),
                outcome: outcome.as_str().to_owned(),
            })
            .inc();
        if let (Finished::Done, Some(started), Some(ended)) =
            (outcome, ticket.started_at, ticket.ended_at)
        {
            let took = (ended - started).num_milliseconds().max(0);
            self.service_time
                .get_or_create(&Self::service(branch, &ticket.service))
                .observe(took as f64 / 1000.0);
        }
    }

    /// One gRPC call: `method` is the path (`/queuecall.v1.QueueService/TakeTicket`), `code`
    /// the gRPC status code's number (0 is OK).
    pub fn rpc(&self, method: &str, code: u16, took: Duration) {
        // An unknown path is UNIMPLEMENTED: one label for them all, so that a client cannot
        // grow the metrics without bound.
        let method = if code == 12 { "unknown" } else { method };
        let labels = RpcLabels {
            method: method.to_owned(),
            code: code_name(code).to_owned(),
        };
        self.rpc.get_or_create(&labels).observe(took.as_secs_f64());
        if code == 14 {
            self.store_errors.get_or_create(&labels).inc();
        }
    }

    /// Reads the hall's state (queues, windows, outbox) and renders every metric as
    /// Prometheus text. A part that cannot be read keeps its last figures and the
    /// `dependency_up` gauge tells why.
    pub async fn render(&self, queue: &Queue, records: &Db, readiness: &Readiness) -> String {
        let (store_up, records_up) = match readiness {
            Readiness::Unreachable(why) => (
                !why.contains("live store"),
                !why.contains("records database"),
            ),
            _ => (true, true),
        };
        self.up
            .get_or_create(&DependencyLabels {
                dependency: "live_store".to_owned(),
            })
            .set(i64::from(store_up));
        self.up
            .get_or_create(&DependencyLabels {
                dependency: "records_database".to_owned(),
            })
            .set(i64::from(records_up));
        self.read_queues(queue).await;
        if let Err(error) = self.read_outbox(records).await {
            tracing::debug!(
                error = format!("{error:#}"),
                "sms outbox not read for /metrics"
            );
        }
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(%error, "metrics not encoded");
        }
        text
    }

    async fn read_queues(&self, queue: &Queue) {
        let hall = queue.hall();
        let mut waiting = Vec::new();
        let mut open = Vec::new();
        for branch in hall.branches.values() {
            let Ok(info) = queue.branch_info(&branch.id).await else {
                return;
            };
            for service in &info.services {
                waiting.push((
                    Self::service(&branch.id, &service.service.id),
                    i64::from(service.status.waiting),
                ));
            }
            let open_now = info
                .windows
                .iter()
                .filter(|w| w.state == crate::domain::WindowState::Open)
                .count();
            open.push((
                BranchLabels {
                    branch: branch.id.as_str().to_owned(),
                },
                i64::try_from(open_now).unwrap_or(i64::MAX),
            ));
        }
        // Services or branches removed from the layout disappear.
        self.waiting.clear();
        for (labels, n) in waiting {
            self.waiting.get_or_create(&labels).set(n);
        }
        self.open_windows.clear();
        for (labels, n) in open {
            self.open_windows.get_or_create(&labels).set(n);
        }
    }

    async fn read_outbox(&self, records: &Db) -> anyhow::Result<()> {
        let rows = crate::records::gauges::outbox_states(records).await?;
        self.sms.clear();
        for (state, n) in rows {
            self.sms.get_or_create(&StateLabels { state }).set(n);
        }
        Ok(())
    }
}

/// The gRPC code's name as Prometheus label (`OK`, `INVALID_ARGUMENT`, …).
fn code_name(code: u16) -> &'static str {
    match code {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        11 => "OUT_OF_RANGE",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        15 => "DATA_LOSS",
        16 => "UNAUTHENTICATED",
        _ => "OTHER",
    }
}

/// Shared by the gRPC layer, the API handlers and `/metrics`.
pub type SharedMetrics = Arc<Metrics>;
