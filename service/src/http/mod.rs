//! The HTTP listener beside gRPC: the hall display page a TV browser opens
//! (`/display/{branch}?token=…`), its live feed as server-sent events
//! (`/display/{branch}/events?token=…`: EventSource cannot set headers, so the page passes its
//! own `token` on), `/healthz`, `/livez` and `/metrics` (open unless `auth.open_metrics` is
//! false; then an admin token as `Authorization: Bearer` or `?token=`). Bound in `build` like the gRPC listener, served on the same hyper stack
//! (axum) and stopped together with it: `/healthz` answers 503 from the moment a stop is
//! asked, the event streams end when the drain is over, then the server closes.

mod access;
mod error;
mod page;
mod routes;
mod sse;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::Keys;
use crate::clock::Clock;
use crate::config::HttpSettings;
use crate::display::Display;
use crate::health::Readiness;
use crate::metrics::Metrics;
use crate::queue::Queue;
use crate::records::Db;
use crate::sms::callback::StatusCallback;

pub use error::{HttpError, status_of};
pub use sse::{KEEP_ALIVE, frame, resume_after};

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    display: Arc<Display>,
    queue: Arc<Queue>,
    clock: Arc<dyn Clock>,
    /// SERVING or not (a dependency unreachable, or stopping): `/healthz` answers 503 unless
    /// SERVING.
    readiness: watch::Receiver<Readiness>,
    /// True once the server closes: the event streams end.
    closing: watch::Receiver<bool>,
    /// `POST /sms/status`, when a provider with a status callback URL is configured.
    sms_status: Option<StatusCallback>,
    /// `GET /metrics`: the metrics and the records database the outbox counts come from.
    metrics: Option<(Arc<Metrics>, Db)>,
    /// The tokens the display page, its events and (unless open) `/metrics` need; `None`:
    /// access control off.
    keys: Option<Arc<Keys>>,
    /// `/metrics` answers without a token.
    open_metrics: bool,
}

impl HttpState {
    /// `readiness` is the replica's health ([`crate::health::Health::readiness`]).
    pub fn new(
        display: Arc<Display>,
        queue: Arc<Queue>,
        clock: Arc<dyn Clock>,
        readiness: watch::Receiver<Readiness>,
    ) -> Self {
        Self {
            display,
            queue,
            clock,
            readiness,
            // Replaced by `HttpServer::serve`; a router built without it never closes streams.
            closing: watch::channel(false).1,
            sms_status: None,
            metrics: None,
            keys: None,
            open_metrics: true,
        }
    }

    /// Asks for tokens as `keys` say (`None`: access control off).
    pub fn with_access(mut self, keys: Option<Arc<Keys>>, open_metrics: bool) -> Self {
        self.keys = keys;
        self.open_metrics = open_metrics;
        self
    }

    /// Serves `GET /metrics` too.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>, records: Db) -> Self {
        self.metrics = Some((metrics, records));
        self
    }

    /// Serves the SMS provider's delivery-status callback too.
    pub fn with_sms_status(mut self, callback: StatusCallback) -> Self {
        self.sms_status = Some(callback);
        self
    }
}

/// The routes.
pub fn router(state: HttpState) -> Router {
    let sms = state.sms_status.clone().map(crate::sms::callback::router);
    let routes = Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/livez", get(routes::livez))
        .route("/metrics", get(routes::metrics))
        .route("/", get(routes::home))
        .route("/display", get(routes::branches))
        .route("/display/{branch}", get(routes::display_page))
        .route("/display/{branch}/events", get(routes::display_events))
        .with_state(state);
    match sms {
        Some(sms) => routes.merge(sms),
        None => routes,
    }
}

/// The HTTP listener, bound and not yet serving.
pub struct HttpServer {
    listener: TcpListener,
    addr: SocketAddr,
}

impl HttpServer {
    /// Binds `http.host:http.port` (port 0 picks a free one).
    pub async fn bind(settings: &HttpSettings) -> anyhow::Result<Self> {
        let host = settings.host.as_str();
        let listener = TcpListener::bind((host, settings.port))
            .await
            .with_context(|| format!("cannot listen for HTTP on {host}:{}", settings.port))?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound HTTP address")?;
        Ok(Self { listener, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `closing` resolves, then ends the event streams and waits for the open
    /// requests to finish.
    pub async fn serve(
        self,
        mut state: HttpState,
        closing: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (close, closed) = watch::channel(false);
        state.closing = closed;
        tracing::info!(http = %self.addr, "serving http");
        // Events are small and must go out at once.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "cannot set TCP_NODELAY on an http connection");
            }
        });
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                closing.await;
                tracing::info!("closing http: ending event streams");
                close.send_replace(true);
            })
            .await
            .context("the HTTP server failed")
    }
}
