//! Building and running the service. `build` opens the records database (migrating it and,
//! when it is new, seeding the layout: see `hall::sync`), loads the hall from it, finds the
//! access tokens (`auth.tokens` checked against the hall, or the embedded demo's own: see
//! `auth::keys::prepare`), opens the store and binds the gRPC and HTTP listeners (so port 0
//! works and the addresses are known before serving); `run_until_stopped` serves
//! QueueService, DisplayService, AppointmentService, HistoryService, AdminService (behind the
//! access-control layer), health and reflection (open), and beside them the display web page
//! over HTTP, while a task follows `layout_version` so that layout changes made elsewhere
//! arrive without a restart; until SIGTERM, SIGINT or [`ShutdownHandle::shutdown`], then
//! stops in order: health NOT_SERVING (and `/healthz` 503), drain, stop both.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::demo::DemoToken;
use crate::auth::keys::Access;
use crate::auth::{self, AuthLayer};
use crate::health::{self, Health, HealthSettings, Readiness};
use crate::metrics::Metrics;
use crate::metrics::layer::GrpcMetricsLayer;
use crate::redis_link::Target;
use crate::throttle::Throttle;
use anyhow::Context;
use queuecall_proto::v1::admin_service_server::{
    AdminServiceServer, SERVICE_NAME as ADMIN_SERVICE_NAME,
};
use queuecall_proto::v1::appointment_service_server::{
    AppointmentServiceServer, SERVICE_NAME as APPOINTMENT_SERVICE_NAME,
};
use queuecall_proto::v1::display_service_server::SERVICE_NAME as DISPLAY_SERVICE_NAME;
use queuecall_proto::v1::history_service_server::{
    HistoryServiceServer, SERVICE_NAME as HISTORY_SERVICE_NAME,
};
use queuecall_proto::v1::queue_service_server::{QueueServiceServer, SERVICE_NAME};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::transport::ServerTlsConfig;
use tonic::transport::server::TcpIncoming;

use crate::admin::Admin;
use crate::appointments::Appointments;
use crate::clock::{Clock, SystemClock};
use crate::config::{Settings, StoreSettings, mask_url};
use crate::display::Display;
use crate::domain::identity::IdHasher;
use crate::grpc::{
    AdminApi, AppointmentApi, DisplayApi, DisplayServer, HistoryApi, QueueApi, coalesce,
};
use crate::hall::signal::LayoutSignal;
use crate::hall::{self, HallHandle};
use crate::history::Recorder;
use crate::http::{HttpServer, HttpState};
use crate::queue::Queue;
use crate::records::{Db, settings_table};
use crate::sms::callback::{OutboxStatus, StatusCallback};
use crate::sms::reminders::Relay;
use crate::sms::templates::Templates;
use crate::sms::worker::{self, Worker};
use crate::sms::{self, Sender};
use crate::store::QueueStore;
use crate::store::memory::MemoryStore;
use crate::store::redis::RedisStore;

/// How often waiting tickets of past service days are expired.
const END_OF_DAY_EVERY: Duration = Duration::from_secs(60);
/// How often appointments whose slot ended unchecked are marked no-show.
const NO_SHOW_SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Starts a graceful stop of a running [`Application`]; clones share one stop.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    fn new() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }

    /// Health NOT_SERVING, drain, stop. Calling it again changes nothing.
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }

    /// Resolves once a stop has been asked for (also if it was asked before).
    async fn requested(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

/// The service, built and bound, not yet serving.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    /// TLS on the gRPC listener, when a certificate is configured.
    tls: Option<ServerTlsConfig>,
    /// Rate limits on TakeTicket and BookAppointment.
    throttle: Arc<Throttle>,
    /// The tokens the service accepts (none: access control off).
    access: Access,
    http: HttpServer,
    clock: Arc<dyn Clock>,
    queue: Arc<Queue>,
    display: Arc<Display>,
    records: Db,
    id_hasher: IdHasher,
    layout_poll: Duration,
    layout_signal: Option<LayoutSignal>,
    /// How the live store and the records database are checked for health.
    health_settings: HealthSettings,
    drain: Duration,
    shutdown: ShutdownHandle,
    /// The SMS provider's client, or the log sender.
    sms_sender: Arc<dyn Sender>,
    /// `POST /sms/status`, when the provider is told a status callback URL.
    sms_status: Option<StatusCallback>,
    /// Sends what the SMS outbox holds.
    sms_worker: Worker,
    /// The reminders' texts: the built-in ones with `sms.templates`.
    sms_templates: Arc<Templates>,
    /// How long before an appointment its reminder goes out.
    appointment_lead: chrono::Duration,
}

impl Application {
    /// Builds with the machine's clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Opens the store, loads the hall and binds the listener.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        tracing::info!(config = ?settings, "starting queuecall");
        let records = Db::connect(&settings.records).await?;
        records.migrate().await?;
        // The records database is the source of the layout (see hall::sync for the rule).
        let (hall, version) = hall::sync::prepare(&records, settings.hall_file.as_deref()).await?;
        let id_hasher = settings_table::id_hasher(&settings.records, &records).await?;
        let access = auth::keys::prepare(&settings.auth, &hall, &records).await?;
        let store = open_store(
            &settings.store,
            settings.display.event_retention,
            settings.sms.remind_on_recall,
        )
        .await?;
        let queue = Arc::new(Queue::new(
            Arc::new(HallHandle::at_version(hall, version)),
            store,
            Arc::clone(&clock),
        ));
        let tls = settings.grpc.tls()?;
        let throttle = Arc::new(Throttle::new(
            settings.rate_limits.clone(),
            &settings.store,
            id_hasher.clone(),
        )?);
        let host = settings.grpc.host.as_str();
        let listener = TcpListener::bind((host, settings.grpc.port))
            .await
            .with_context(|| format!("cannot listen on {host}:{}", settings.grpc.port))?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound gRPC address")?;
        let display = Display::new(Arc::clone(&queue), settings.display.clone());
        let http = HttpServer::bind(&settings.http).await?;
        let sms_sender = sms::build_sender(&settings.sms)?;
        let sms_templates = Arc::new(Templates::new(&settings.sms.templates)?);
        let sms_status = StatusCallback::from_settings(
            &settings.sms,
            Arc::new(OutboxStatus::new(records.clone(), Arc::clone(&clock))),
        );
        let sms_worker = Worker::new(
            records.clone(),
            Arc::clone(&sms_sender),
            Arc::clone(&clock),
            settings.sms.outbox.clone(),
            settings.sms.limits.clone(),
            worker::zones_of(Arc::clone(queue.hall_handle())),
        );
        Ok(Self {
            listener,
            tls,
            throttle,
            access,
            addr,
            http,
            clock,
            queue,
            display,
            records,
            id_hasher,
            layout_poll: settings.records.layout_poll,
            layout_signal: LayoutSignal::for_store(&settings.store)?,
            health_settings: settings.health.clone(),
            drain: Duration::from_secs(settings.shutdown.drain_seconds),
            shutdown: ShutdownHandle::new(),
            sms_sender,
            sms_status,
            sms_worker,
            sms_templates,
            appointment_lead: settings.sms.appointment_lead(),
        })
    }

    /// The embedded demo's tokens (none when tokens are configured); the binary prints them.
    pub fn demo_tokens(&self) -> &[DemoToken] {
        &self.access.demo
    }

    /// The address the gRPC server is bound to.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address the HTTP server (display page, `/healthz`) is bound to.
    pub fn http_addr(&self) -> SocketAddr {
        self.http.addr()
    }

    /// The hall displays' streams (gRPC DisplayService and the web display share it).
    pub fn display(&self) -> Arc<Display> {
        Arc::clone(&self.display)
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// What SMS reminders are sent through (`sms` settings).
    pub fn sms_sender(&self) -> Arc<dyn Sender> {
        Arc::clone(&self.sms_sender)
    }

    /// The records database (migrated).
    pub fn records(&self) -> Db {
        self.records.clone()
    }

    /// The layout now; swapped by admin changes and by polling `layout_version`.
    pub fn hall_handle(&self) -> Arc<HallHandle> {
        Arc::clone(self.queue.hall_handle())
    }

    /// The keyed hash of resident ID numbers (`records.id_hash_key`).
    pub fn id_hasher(&self) -> IdHasher {
        self.id_hasher.clone()
    }

    /// The domain service the gRPC layer calls.
    pub fn queue(&self) -> Arc<Queue> {
        Arc::clone(&self.queue)
    }

    /// Serves until SIGTERM, SIGINT or the shutdown handle, then stops in order.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self {
            listener,
            tls,
            throttle,
            access,
            addr,
            http,
            clock,
            queue,
            display,
            records,
            id_hasher,
            layout_poll,
            layout_signal,
            health_settings,
            drain,
            shutdown,
            sms_sender: _,
            sms_status,
            sms_worker,
            sms_templates,
            appointment_lead,
        } = self;
        if let Err(err) = queue.ready().await {
            tracing::warn!(error = %err, "store not reachable yet; serving anyway, calls answer UNAVAILABLE until it is");
        }
        let (reporter, health_service) = tonic_health::server::health_reporter();
        let health = Health::new(
            reporter,
            &[
                SERVICE_NAME,
                DISPLAY_SERVICE_NAME,
                HISTORY_SERVICE_NAME,
                APPOINTMENT_SERVICE_NAME,
                ADMIN_SERVICE_NAME,
            ],
        )
        .await;
        let checking = tokio::spawn(health::watch_dependencies(
            health.clone(),
            Arc::clone(queue.store()),
            records.clone(),
            health_settings,
            {
                let shutdown = shutdown.clone();
                async move { shutdown.requested().await }
            },
        ));
        let reflection_v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(queuecall_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()
            .context("cannot build the reflection service (v1)")?;
        let reflection_v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(queuecall_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1alpha()
            .context("cannot build the reflection service (v1alpha)")?;
        let end_of_day = tokio::spawn(end_of_day(Arc::clone(&queue), shutdown.clone()));
        let following = tokio::spawn(hall::sync::follow(
            records.clone(),
            Arc::clone(queue.hall_handle()),
            layout_poll,
            layout_signal.clone(),
            {
                let shutdown = shutdown.clone();
                async move { shutdown.requested().await }
            },
        ));
        // History: drained every second, and once more after the server has stopped.
        let (stop_recording, recording_stopped) = tokio::sync::oneshot::channel::<()>();
        let recorder = Recorder::new(
            Arc::clone(queue.store()),
            records.clone(),
            Arc::clone(queue.hall_handle()),
        );
        let recording = tokio::spawn(recorder.run(async {
            let _ = recording_stopped.await;
        }));
        // SMS reminders the queue steps found: relayed to the outbox every second, and once
        // more after the server has stopped.
        let (stop_relaying, relaying_stopped) = tokio::sync::oneshot::channel::<()>();
        let relay = Relay::new(
            Arc::clone(queue.store()),
            records.clone(),
            Arc::clone(queue.hall_handle()),
            Arc::clone(&sms_templates),
            Arc::clone(&clock),
        );
        let relaying = tokio::spawn(relay.run(async {
            let _ = relaying_stopped.await;
        }));
        // SMS: the outbox worker, stopped with the recorder after the server has stopped.
        let (stop_sending, sending_stopped) = tokio::sync::oneshot::channel::<()>();
        let sending = tokio::spawn(sms_worker.run(async {
            let _ = sending_stopped.await;
        }));
        let history_api = HistoryApi::new(records.clone(), Arc::clone(&queue));
        let appointments = Arc::new(
            Appointments::new(records.clone(), Arc::clone(&queue), id_hasher)
                .with_reminders(sms_templates, appointment_lead),
        );
        let sweeping = tokio::spawn(sweep_no_shows(Arc::clone(&appointments), shutdown.clone()));
        let mut http_state = HttpState::new(
            Arc::clone(&display),
            Arc::clone(&queue),
            clock,
            health.readiness(),
        );
        if let Some(callback) = sms_status {
            http_state = http_state.with_sms_status(callback);
        }
        let metrics = Arc::new(Metrics::new());
        http_state = http_state.with_metrics(Arc::clone(&metrics), records.clone());
        http_state = http_state.with_access(access.keys.clone(), access.open_metrics);
        // The HTTP server closes when the gRPC one does: after the drain that follows a stop.
        let http_closing = {
            let shutdown = shutdown.clone();
            async move {
                shutdown.requested().await;
                tokio::time::sleep(drain).await;
            }
        };
        let http_served = tokio::spawn(http.serve(http_state, http_closing));
        tracing::info!(grpc = %addr, "serving");
        let mut server = tonic::transport::Server::builder();
        if let Some(tls) = tls {
            server = server
                .tls_config(tls)
                .context("the gRPC TLS certificate or key is not usable")?;
        }
        let served = server
            .layer(GrpcMetricsLayer::new(Arc::clone(&metrics)))
            .layer(AuthLayer::new(access.keys))
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(HistoryServiceServer::new(history_api))
            .add_service(AdminServiceServer::new(AdminApi::new(Arc::new(
                Admin::new(records.clone(), Arc::clone(&queue)).with_signal(layout_signal),
            ))))
            .add_service(AppointmentServiceServer::new(AppointmentApi::new(
                appointments,
                Arc::clone(&throttle),
                Arc::clone(queue.clock()),
            )))
            .add_service(QueueServiceServer::new(QueueApi::new(
                queue,
                metrics,
                Arc::clone(&throttle),
            )))
            .add_service(DisplayServer::new(DisplayApi::new(Arc::clone(&display))))
            .serve_with_incoming_shutdown(
                coalesce::incoming(TcpIncoming::from(listener).with_nodelay(Some(true))),
                stop_in_order(shutdown.clone(), health, drain, Arc::clone(&display)),
            )
            .await
            .context("the gRPC server failed");
        shutdown.shutdown();
        if let Err(err) = checking.await {
            tracing::warn!(error = %err, "health check task ended abnormally");
        }
        if let Err(err) = end_of_day.await {
            tracing::warn!(error = %err, "end-of-day task ended abnormally");
        }
        if let Err(err) = following.await {
            tracing::warn!(error = %err, "layout poll task ended abnormally");
        }
        if let Err(err) = sweeping.await {
            tracing::warn!(error = %err, "no-show sweep task ended abnormally");
        }
        let _ = stop_relaying.send(());
        if let Err(err) = relaying.await {
            tracing::warn!(error = %err, "sms reminder relay ended abnormally");
        }
        let _ = stop_sending.send(());
        if let Err(err) = sending.await {
            tracing::warn!(error = %err, "sms outbox worker ended abnormally");
        }
        let _ = stop_recording.send(());
        if let Err(err) = recording.await {
            tracing::warn!(error = %err, "history recorder ended abnormally");
        }
        let http_served = http_served
            .await
            .context("the HTTP server task ended abnormally");
        served?;
        http_served??;
        records.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn open_store(
    settings: &StoreSettings,
    event_retention: usize,
    remind_on_recall: bool,
) -> anyhow::Result<Arc<dyn QueueStore>> {
    match settings {
        StoreSettings::Embedded { path } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("cannot create the directory {}", dir.display()))?;
            }
            let store = MemoryStore::open_with(path, event_retention)
                .await
                .with_context(|| format!("cannot open the embedded store {}", path.display()))?
                .with_remind_on_recall(remind_on_recall);
            tracing::info!(path = %path.display(), "embedded store open");
            Ok(Arc::new(store))
        }
        StoreSettings::Redis {
            url,
            key_prefix,
            cluster,
        } => {
            let target = Target::new(url, *cluster)
                .with_context(|| format!("the Redis store {}", mask_url(url)))?;
            let store = RedisStore::open(&target, key_prefix)
                .await
                .with_context(|| format!("cannot set up the Redis store {}", mask_url(url)))?
                .with_event_retention(event_retention)
                .with_remind_on_recall(remind_on_recall);
            tracing::info!(url = %mask_url(url), key_prefix = %key_prefix, cluster, "redis store set up");
            Ok(Arc::new(store))
        }
    }
}

/// The future that ends serving: waits for a signal or the handle, marks health
/// NOT_SERVING, waits the drain, then resolves.
async fn stop_in_order(
    shutdown: ShutdownHandle,
    health: Health,
    drain: Duration,
    display: Arc<Display>,
) {
    let cause = tokio::select! {
        cause = os_signal() => {
            shutdown.shutdown();
            cause
        }
        () = shutdown.requested() => "shutdown handle",
    };
    tracing::info!(
        cause,
        drain_seconds = drain.as_secs(),
        "stopping: health NOT_SERVING, draining"
    );
    health.set(Readiness::Stopping).await;
    tokio::time::sleep(drain).await;
    // Display streams never end by themselves; end them so the server can stop.
    display.close();
    tracing::info!("drain over; closing connections");
}

/// SIGINT or SIGTERM; never resolves if neither can be listened for.
async fn os_signal() -> &'static str {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => "SIGINT",
        () = terminate => "SIGTERM",
    }
}

/// Marks appointments not checked in by the end of their slot NO_SHOW, now and every minute,
/// until shutdown.
async fn sweep_no_shows(appointments: Arc<Appointments>, shutdown: ShutdownHandle) {
    let mut every = tokio::time::interval(NO_SHOW_SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => match appointments.sweep_no_shows().await {
                Ok(marked) => tracing::debug!(marked, "no-show sweep done"),
                Err(err) => tracing::warn!(error = %err, "no-show sweep failed; retrying in a minute"),
            },
            () = shutdown.requested() => break,
        }
    }
}

/// Expires waiting tickets of past service days now and every minute, until shutdown.
async fn end_of_day(queue: Arc<Queue>, shutdown: ShutdownHandle) {
    let mut every = tokio::time::interval(END_OF_DAY_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => match queue.expire_past_days().await {
                Ok(expired) => tracing::debug!(expired, "end-of-day check done"),
                Err(err) => tracing::warn!(error = %err, "end-of-day check failed; retrying in a minute"),
            },
            () = shutdown.requested() => break,
        }
    }
}

#[cfg(test)]
#[path = "startup_tests.rs"]
mod tests;
