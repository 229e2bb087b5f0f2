//! The real service, started in process on port 0 with a store of the test's own, a manual
//! clock and the test hall (zero-to-production's `spawn_app`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

use anyhow::Context;
use queuecall::clock::ManualClock;
use queuecall::config::Settings;
use queuecall::records::RecordsSettings;
use queuecall::startup::{Application, ShutdownHandle};
use queuecall_proto::v1::queue_service_client::QueueServiceClient;
use serde_yaml::{Mapping, Value};
use tempfile::TempDir;
use tokio::task::JoinHandle;

use crate::auth::{Bearer, Connection, TEST_ADMIN_NAME, TEST_ADMIN_TOKEN, token_sha256};
use crate::redis_store::{RedisPrefix, require_redis, test_redis_url};
use crate::rpc::Api;

/// The store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// In process, persisted to a SQLite file in a temp dir of the test's own.
    Embedded,
    /// The Redis at `QUEUECALL_TEST_REDIS_URL`, under a key prefix of the test's own.
    Redis,
    /// The test binary's own Redis Cluster of three masters ([`crate::redis_cluster`]), under
    /// a key prefix of the test's own (the cluster ends with the test binary).
    RedisCluster,
}

/// How to start the service; [`AppOptions::new`] gives the usual test set-up.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub store: StoreKind,
    /// Redis: another server than `QUEUECALL_TEST_REDIS_URL` (it is not checked at start, so a
    /// test may start the service while that server is down).
    pub redis_url: Option<String>,
    /// Redis: this key prefix instead of a fresh one (a second replica on the same queue);
    /// the keys are then left to the app that created the prefix.
    pub redis_key_prefix: Option<String>,
    /// Embedded: this SQLite file instead of a fresh one (to restart on the same file).
    pub sqlite_path: Option<PathBuf>,
    /// `shutdown.drain_seconds`.
    pub drain_seconds: u64,
    /// The records database: this PostgreSQL URL (see `database::fresh_postgres`) or SQLite
    /// file; by default a fresh SQLite file in the test's temp dir.
    pub records: Option<RecordsSettings>,
    /// Where the app's manual clock starts; by default [`crate::start_of_test_day`].
    pub start_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl AppOptions {
    pub fn new(store: StoreKind) -> Self {
        Self {
            store,
            redis_url: None,
            redis_key_prefix: None,
            sqlite_path: None,
            drain_seconds: 0,
            records: None,
            start_at: None,
        }
    }
}

/// A running service. Dropping it stops the server and deletes the test's Redis keys.
pub struct TestApp {
    pub addr: SocketAddr,
    /// The HTTP listener: the display page and `/healthz`.
    pub http_addr: SocketAddr,
    /// The service's clock; move it to cross a service day.
    pub clock: Arc<ManualClock>,
    /// A generated client on one connection (`app.client`) and one-line requests.
    pub api: Api,
    pub store: StoreKind,
    /// Embedded: the SQLite file.
    pub sqlite_path: Option<PathBuf>,
    shutdown: ShutdownHandle,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: Option<TempDir>,
    redis: Option<RedisPrefix>,
}

/// Starts the service on `store` with the usual options.
pub async fn spawn_app(store: StoreKind) -> TestApp {
    spawn_app_with(AppOptions::new(store)).await
}

/// Starts the service as `options` say. Panics (failing the test) with the reason when it
/// cannot start, including when the test Redis is unreachable.
pub async fn spawn_app_with(options: AppOptions) -> TestApp {
    spawn_app_configured(options, Mapping::new()).await
}

/// As [`spawn_app_with`], with `extra` merged into the settings as a configuration file
/// would give them (nested mappings merge key by key; for example
/// `display: {branch_buffer: 8}`).
pub async fn spawn_app_configured(options: AppOptions, extra: Mapping) -> TestApp {
    init_test_logs();
    let mut dir = None;
    let mut sqlite_path = None;
    let mut redis = None;
    let store = match options.store {
        StoreKind::Embedded => {
            let path = match options.sqlite_path.clone() {
                Some(path) => path,
                None => {
                    let tmp = tempfile::tempdir().expect("create a temp dir for the SQLite file");
                    let path = tmp.path().join("queuecall.sqlite");
                    dir = Some(tmp);
                    path
                }
            };
            sqlite_path = Some(path.clone());
            store_value(&[("kind", "embedded"), ("path", &path.to_string_lossy())])
        }
        StoreKind::Redis => {
            let url = match options.redis_url.clone() {
                Some(url) => url,
                None => {
                    let url = test_redis_url();
                    require_redis(&url).await;
                    url
                }
            };
            let prefix = match &options.redis_key_prefix {
                Some(shared) => shared.clone(),
                None => {
                    let own = RedisPrefix::unique(&url);
                    let prefix = own.prefix.clone();
                    redis = Some(own);
                    prefix
                }
            };
            store_value(&[("kind", "redis"), ("url", &url), ("key_prefix", &prefix)])
        }
        StoreKind::RedisCluster => {
            let url = match options.redis_url.clone() {
                Some(url) => url,
                None => crate::redis_cluster().url(),
            };
            let prefix = match &options.redis_key_prefix {
                Some(shared) => shared.clone(),
                None => RedisPrefix::unique(&url).prefix,
            };
            let mut value =
                store_value(&[("kind", "redis"), ("url", &url), ("key_prefix", &prefix)]);
            if let Value::Mapping(map) = &mut value {
                map.insert("cluster".into(), true.into());
            }
            value
        }
    };
    let records = match options.records.clone() {
        Some(records) => records,
        None => {
            let tmp = match &dir {
                Some(tmp) => tmp,
                None => dir.insert(tempfile::tempdir().expect("create a temp dir for the records")),
            };
            RecordsSettings::Sqlite {
                path: tmp.path().join("records.sqlite"),
            }
        }
    };
    let settings = settings(store, records_value(&records), options.drain_seconds, extra)
        .expect("test settings deserialize");
    let clock = Arc::new(ManualClock::new(
        options.start_at.unwrap_or_else(crate::start_of_test_day),
    ));
    let app = Application::build_with_clock(settings, clock.clone())
        .await
        .expect("the service builds with the test hall and store");
    let addr = app.grpc_addr();
    let http_addr = app.http_addr();
    let shutdown = app.shutdown_handle();
    let server = tokio::spawn(app.run_until_stopped());
    let api = Api::new(QueueServiceClient::new(connect(addr).await));
    TestApp {
        addr,
        http_addr,
        clock,
        api,
        store: options.store,
        sqlite_path,
        shutdown,
        server: Some(server),
        _dir: dir,
        redis,
    }
}

impl TestApp {
    /// `http://<addr>`, for clients and the CLI.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client on a connection of its own (the concurrency test spreads over several).
    pub async fn new_client(&self) -> QueueServiceClient<Connection> {
        QueueServiceClient::new(connect(self.addr).await)
    }

    /// A new connection to the service whose calls carry the test admin token.
    pub async fn channel(&self) -> Connection {
        connect(self.addr).await
    }

    /// A new connection whose calls carry `bearer` (another token, or none).
    pub async fn channel_with(&self, bearer: Bearer) -> Connection {
        crate::auth::with_bearer(crate::auth::plain_channel(self.addr).await, bearer)
    }

    /// Moves the service's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock
            .advance(chrono::Duration::from_std(by).expect("a short duration"));
    }

    /// Redis: the server URL and the key prefix this app created (None for a replica that
    /// shares another app's prefix).
    pub fn redis_prefix(&self) -> Option<(&str, &str)> {
        self.redis
            .as_ref()
            .map(|r| (r.url.as_str(), r.prefix.as_str()))
    }

    /// Options that start a second replica on this app's Redis queue (same server, same key
    /// prefix); the keys stay this app's to delete.
    pub fn replica_options(&self) -> AppOptions {
        let (url, prefix) = self
            .redis_prefix()
            .expect("a replica needs an app that created its Redis prefix");
        AppOptions {
            redis_url: Some(url.to_owned()),
            redis_key_prefix: Some(prefix.to_owned()),
            ..AppOptions::new(StoreKind::Redis)
        }
    }

    /// The handle the binary's signal handler uses.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Waits (at most `limit`) for the server to stop after a shutdown, returning its result.
    pub async fn wait_stopped(&mut self, limit: Duration) -> anyhow::Result<()> {
        let server = self
            .server
            .take()
            .context("the server was already awaited")?;
        tokio::time::timeout(limit, server)
            .await
            .context("the server did not stop in time")?
            .context("the server task panicked")?
    }
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(redis) = self.redis.take() {
            redis.delete_keys();
        }
    }
}

/// A connection carrying the test admin token.
async fn connect(addr: SocketAddr) -> Connection {
    crate::auth::with_bearer(crate::auth::plain_channel(addr).await, Bearer::admin())
}

fn store_value(fields: &[(&str, &str)]) -> Value {
    let mut map = Mapping::new();
    for (key, value) in fields {
        map.insert((*key).into(), (*value).into());
    }
    Value::Mapping(map)
}

fn records_value(records: &RecordsSettings) -> Value {
    match records {
        RecordsSettings::Sqlite { path } => {
            store_value(&[("kind", "sqlite"), ("path", &path.to_string_lossy())])
        }
        RecordsSettings::Postgres {
            url,
            max_connections,
        } => {
            let mut value = store_value(&[
                ("kind", "postgres"),
                ("url", url),
                ("id_hash_key", crate::database::TEST_ID_HASH_KEY),
            ]);
            if let Value::Mapping(map) = &mut value {
                map.insert("max_connections".into(), (*max_connections).into());
            }
            value
        }
    }
}

/// The settings a test runs with, given as the configuration file would give them.
fn settings(
    store: Value,
    records: Value,
    drain_seconds: u64,
    extra: Mapping,
) -> anyhow::Result<Settings> {
    let mut grpc = Mapping::new();
    grpc.insert("host".into(), "127.0.0.1".into());
    grpc.insert("port".into(), 0u16.into());
    let mut http = Mapping::new();
    http.insert("host".into(), "127.0.0.1".into());
    http.insert("port".into(), 0u16.into());
    let mut log = Mapping::new();
    log.insert("format".into(), "pretty".into());
    log.insert("filter".into(), "warn".into());
    let mut shutdown = Mapping::new();
    shutdown.insert("drain_seconds".into(), drain_seconds.into());
    // The test admin token; a test that configures `auth` itself replaces the list.
    let mut admin = Mapping::new();
    admin.insert("name".into(), TEST_ADMIN_NAME.into());
    admin.insert("role".into(), "admin".into());
    admin.insert("sha256".into(), token_sha256(TEST_ADMIN_TOKEN).into());
    let mut auth = Mapping::new();
    auth.insert(
        "tokens".into(),
        Value::Sequence(vec![Value::Mapping(admin)]),
    );
    let mut root = Mapping::new();
    root.insert("auth".into(), Value::Mapping(auth));
    root.insert("grpc".into(), Value::Mapping(grpc));
    root.insert("http".into(), Value::Mapping(http));
    root.insert("store".into(), store);
    root.insert("records".into(), records);
    root.insert(
        "hall_file".into(),
        crate::hall_file().to_string_lossy().as_ref().into(),
    );
    root.insert("log".into(), Value::Mapping(log));
    root.insert("shutdown".into(), Value::Mapping(shutdown));
    merge(&mut root, extra);
    serde_yaml::from_value(Value::Mapping(root)).context("queuecall::config::Settings")
}

/// Merges `extra` into `into`: mappings key by key, anything else replaced.
fn merge(into: &mut Mapping, extra: Mapping) {
    for (key, value) in extra {
        match (into.get_mut(&key), value) {
            (Some(Value::Mapping(old)), Value::Mapping(new)) => merge(old, new),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// `QUEUECALL_TEST_LOG=debug cargo test …` shows the service's logs.
fn init_test_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Ok(filter) = std::env::var("QUEUECALL_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}
