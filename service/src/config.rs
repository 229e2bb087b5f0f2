//! Layered configuration: defaults, then the file named by `--config` or `QUEUECALL_CONFIG`
//! (YAML, or TOML for a `.toml` file), then environment variables `QUEUECALL_<SECTION>__<KEY>`
//! (for example `QUEUECALL_GRPC__PORT=0`, `QUEUECALL_STORE__URL=redis://…`,
//! `QUEUECALL_HALL_FILE=hall.yaml`). Unknown keys are errors, so a typo never becomes a
//! silent default. The passwords of the Redis and PostgreSQL URLs are masked wherever settings
//! are printed.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml, Yaml};
use serde::Deserialize;

pub use crate::display::DisplaySettings;
pub use crate::records::{RecordsSection, RecordsSettings};
pub use crate::sms::settings::SmsSettings;

/// The environment variable naming the configuration file when `--config` is not given.
pub const CONFIG_ENV: &str = "QUEUECALL_CONFIG";
/// The prefix of every environment override.
pub const ENV_PREFIX: &str = "QUEUECALL_";
/// Top-level keys an environment variable may set; other `QUEUECALL_*` variables (such as
/// `QUEUECALL_CONFIG`, or ones meant for `queuecallctl`) are not configuration of the service.
const SECTIONS: [&str; 12] = [
    "auth",
    "grpc",
    "display",
    "http",
    "store",
    "records",
    "hall_file",
    "log",
    "shutdown",
    "sms",
    "health",
    "rate_limits",
];

/// Settings that are text even where they look like numbers (a sender `+8610…`, an all-digit
/// token or key): the environment layer takes them as written.
const TEXT_KEYS: &[&str] = &[
    "grpc.host",
    "grpc.tls_cert",
    "grpc.tls_key",
    "http.host",
    "store.url",
    "store.key_prefix",
    "store.path",
    "records.url",
    "records.path",
    "records.id_hash_key",
    "hall_file",
    "log.filter",
    "log.otlp_endpoint",
    "sms.base_url",
    "sms.account_sid",
    "sms.auth_token",
    "sms.from",
    "sms.messaging_service_sid",
    "sms.status_callback_url",
];

/// Everything the service reads at start-up.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub grpc: GrpcSettings,
    pub http: HttpSettings,
    pub store: StoreSettings,
    /// The durable records database: the hall layout (the source of the running layout),
    /// appointments, history; with the layout polling period and the ID hash key.
    pub records: RecordsSection,
    /// The hall layout; `None` runs the embedded demo hall.
    pub hall_file: Option<PathBuf>,
    pub log: LogSettings,
    pub shutdown: ShutdownSettings,
    /// Limits of the hall display streams.
    pub display: DisplaySettings,
    /// SMS reminders: the provider and its delivery-status callback.
    pub sms: SmsSettings,
    /// How often the live store and the records database are checked for health.
    pub health: crate::health::HealthSettings,
    /// Rate limits on TakeTicket and BookAppointment.
    pub rate_limits: crate::throttle::ThrottleSettings,
    /// Access control: the tokens (by their SHA-256) and their roles.
    pub auth: crate::auth::AuthSettings,
}

/// Where the gRPC server listens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GrpcSettings {
    /// An IP address or host name.
    pub host: String,
    /// 0 lets the system pick a free port.
    pub port: u16,
    /// TLS: the certificate chain (PEM) and its private key (PEM), both or neither.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

impl Default for GrpcSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 50051,
            tls_cert: None,
            tls_key: None,
        }
    }
}

impl GrpcSettings {
    /// The server's TLS identity read from `tls_cert` and `tls_key`; none without them.
    pub fn tls(&self) -> anyhow::Result<Option<tonic::transport::ServerTlsConfig>> {
        let (cert, key) = match (&self.tls_cert, &self.tls_key) {
            (None, None) => return Ok(None),
            (Some(cert), Some(key)) => (cert, key),
            _ => bail!("grpc.tls_cert and grpc.tls_key go together: set both or neither"),
        };
        let read = |what: &str, path: &Path| {
            std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
        };
        let identity = tonic::transport::Identity::from_pem(
            read("grpc.tls_cert", cert)?,
            read("grpc.tls_key", key)?,
        );
        Ok(Some(
            tonic::transport::ServerTlsConfig::new().identity(identity),
        ))
    }
}

/// Where the HTTP server (the hall display page and its event stream) listens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// An IP address or host name.
    pub host: String,
    /// 0 lets the system pick a free port.
    pub port: u16,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8080,
        }
    }
}

/// The live queue store. In a file: `kind: embedded` with `path`, or `kind: redis` with
/// `url` and `key_prefix`. A `url` without a `kind` means Redis.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawStore")]
pub enum StoreSettings {
    /// In process, persisted to one SQLite file.
    Embedded { path: PathBuf },
    /// Redis (or a Redis Cluster: `cluster`, and `url` lists seed nodes separated by
    /// commas); every key starts with `key_prefix`.
    Redis {
        url: String,
        key_prefix: String,
        cluster: bool,
    },
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self::Embedded {
            path: PathBuf::from("data/queuecall.sqlite"),
        }
    }
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Embedded { path } => f.debug_struct("Embedded").field("path", path).finish(),
            Self::Redis {
                url,
                key_prefix,
                cluster,
            } => f
                .debug_struct("Redis")
                .field(
                    "url",
                    &url.split(',').map(mask_url).collect::<Vec<_>>().join(","),
                )
                .field("key_prefix", key_prefix)
                .field("cluster", cluster)
                .finish(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoreKind {
    Embedded,
    Redis,
}

/// The store section as written: flat, so that layers (file, then environment) can switch
/// the kind without tripping over the other kind's keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    kind: Option<StoreKind>,
    path: Option<PathBuf>,
    url: Option<String>,
    key_prefix: Option<String>,
    cluster: Option<bool>,
}

impl TryFrom<RawStore> for StoreSettings {
    type Error = String;

    fn try_from(raw: RawStore) -> Result<Self, String> {
        let kind = raw.kind.unwrap_or(if raw.url.is_some() {
            StoreKind::Redis
        } else {
            StoreKind::Embedded
        });
        match kind {
            StoreKind::Embedded => Ok(raw
                .path
                .map_or_else(Self::default, |path| Self::Embedded { path })),
            StoreKind::Redis => {
                let url = raw
                    .url
                    .ok_or("store.url is required when store.kind is redis")?;
                let cluster = raw.cluster.unwrap_or(false);
                let seeds: Vec<&str> = if cluster {
                    url.split(',').map(str::trim).collect()
                } else {
                    vec![url.as_str()]
                };
                for seed in seeds {
                    if !(seed.starts_with("redis://") || seed.starts_with("rediss://")) {
                        return Err(format!(
                            "store.url '{}' must start with redis:// or rediss://{}",
                            mask_url(seed),
                            if cluster {
                                " (with store.cluster, each of the comma-separated nodes)"
                            } else {
                                ""
                            }
                        ));
                    }
                }
                let key_prefix = raw.key_prefix.unwrap_or_else(|| "qc".to_owned());
                let valid = !key_prefix.is_empty()
                    && key_prefix
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
                if !valid {
                    return Err(format!(
                        "store.key_prefix '{key_prefix}' must be letters, digits, '-', '_' or ':'"
                    ));
                }
                Ok(Self::Redis {
                    url,
                    key_prefix,
                    cluster,
                })
            }
        }
    }
}

/// Log output on stderr.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `info,queuecall=debug`; `RUST_LOG` overrides it.
    pub filter: String,
    /// An OpenTelemetry collector's OTLP/gRPC endpoint (`http://otel-collector:4317`): the
    /// spans (one per RPC and store call) are exported there too. None: no export.
    pub otlp_endpoint: Option<String>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            filter: "info".to_owned(),
            otlp_endpoint: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// One readable line per event, for people.
    #[default]
    Pretty,
    /// One JSON object per event, for log collectors.
    Json,
}

/// How a stop proceeds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShutdownSettings {
    /// Seconds between health turning NOT_SERVING and the server stopping.
    pub drain_seconds: u64,
}

impl Default for ShutdownSettings {
    fn default() -> Self {
        Self { drain_seconds: 10 }
    }
}

impl Settings {
    /// Reads the layers: the file `config` (or `$QUEUECALL_CONFIG`), then the environment.
    pub fn load(config: Option<&Path>) -> anyhow::Result<Self> {
        Self::figment(config)?
            .extract()
            .context("invalid configuration")
    }

    /// The layers without extracting them.
    pub fn figment(config: Option<&Path>) -> anyhow::Result<Figment> {
        let from_env = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
        let path = config.map(Path::to_path_buf).or(from_env);
        let mut figment = Figment::new();
        if let Some(path) = path {
            if !path.is_file() {
                bail!("configuration file {} does not exist", path.display());
            }
            figment = match path.extension().and_then(|e| e.to_str()) {
                Some("toml") => figment.merge(Toml::file_exact(&path)),
                Some("yaml" | "yml") => figment.merge(Yaml::file_exact(&path)),
                _ => bail!(
                    "configuration file {} must end in .toml, .yaml or .yml",
                    path.display()
                ),
            };
        }
        let env = Env::prefixed(ENV_PREFIX).split("__").filter(|key| {
            let section = key.as_str().split('.').next().unwrap_or_default();
            SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section))
        });
        figment = figment.merge(env.clone().ignore(TEXT_KEYS));
        // The environment layer reads values as data: `+8610…` would become the number 8610…
        // and an all-digit token would lose its leading zeros. These keys are text, as set.
        for (key, value) in env.only(TEXT_KEYS).iter() {
            figment = figment.merge(Serialized::global(key.as_str(), value));
        }
        Ok(figment)
    }
}

/// `redis://user:****@host:6379/0` for `redis://user:secret@host:6379/0`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or("", |(user, _)| user);
            format!("{scheme}://{user}:****@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
