//! Whether this replica can serve, as gRPC health (`grpc.health.v1.Health`) and `/healthz`
//! tell it to load balancers and Kubernetes readiness probes.
//!
//! A replica is SERVING while both its live store (Redis, or the embedded SQLite file) and its
//! records database answer. A task pings both every `health.check_ms`; while either does not
//! answer within `health.timeout_ms`, every service (and the overall `""`) reports
//! NOT_SERVING and `/healthz` answers 503 naming the dependency, so that traffic moves to
//! replicas that can serve it; once both answer again it is SERVING. Calls that still arrive
//! meanwhile answer UNAVAILABLE and change nothing, as before.
//!
//! Once a stop is asked for, health is NOT_SERVING for good (the drain), whatever the
//! dependencies do. `/livez` answers 200 as long as the process serves HTTP at all: a
//! liveness probe must not restart replicas because Redis is down.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::watch;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::records::Db;
use crate::store::QueueStore;

/// `health.*`: how dependencies are checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthSettings {
    /// How often the live store and the records database are pinged.
    pub check_ms: u64,
    /// A ping slower than this counts as unreachable.
    pub timeout_ms: u64,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            check_ms: 1000,
            timeout_ms: 2000,
        }
    }
}

/// What a replica reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Serving,
    /// A dependency did not answer: which, and why.
    Unreachable(String),
    /// A stop was asked for; the replica drains.
    Stopping,
}

impl Readiness {
    fn status(&self) -> ServingStatus {
        match self {
            Readiness::Serving => ServingStatus::Serving,
            Readiness::Unreachable(_) | Readiness::Stopping => ServingStatus::NotServing,
        }
    }
}

/// The health of this replica: the gRPC reporter and the state `/healthz` reads.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    services: Arc<[&'static str]>,
    state: Arc<watch::Sender<Readiness>>,
}

impl Health {
    /// Reports through `reporter` for the overall `""` and each of `services`, starting
    /// SERVING.
    pub async fn new(reporter: HealthReporter, services: &[&'static str]) -> Self {
        let services: Arc<[&'static str]> = std::iter::once("")
            .chain(services.iter().copied())
            .collect();
        let health = Self {
            reporter,
            services,
            state: Arc::new(watch::channel(Readiness::Serving).0),
        };
        health.report(&Readiness::Serving).await;
        health
    }

    /// The state, for `/healthz`.
    pub fn readiness(&self) -> watch::Receiver<Readiness> {
        self.state.subscribe()
    }

    /// Moves to `next` unless stopping already (a stop is final).
    pub async fn set(&self, next: Readiness) {
        let mut changed = false;
        self.state.send_if_modified(|current| {
            if *current == Readiness::Stopping || *current == next {
                return false;
            }
            *current = next.clone();
            changed = true;
            true
        });
        if changed {
            match &next {
                Readiness::Serving => tracing::info!("dependencies answer again: SERVING"),
                Readiness::Unreachable(why) => {
                    tracing::warn!(why, "a dependency is unreachable: NOT_SERVING")
                }
                Readiness::Stopping => {}
            }
            self.report(&next).await;
        }
    }

    async fn report(&self, readiness: &Readiness) {
        let status = readiness.status();
        for service in self.services.iter() {
            self.reporter.set_service_status(*service, status).await;
        }
    }
}

/// Pings the live store and the records database every `settings.check_ms` and sets
/// `health` from the answers, until `stop` resolves.
pub async fn watch_dependencies(
    health: Health,
    store: Arc<dyn QueueStore>,
    records: Db,
    settings: HealthSettings,
    stop: impl Future<Output = ()>,
) {
    let mut every = tokio::time::interval(Duration::from_millis(settings.check_ms.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timeout = Duration::from_millis(settings.timeout_ms.max(1));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = &mut stop => break,
        }
        let readiness = check(store.as_ref(), &records, timeout).await;
        health.set(readiness).await;
    }
}

/// One check of both dependencies.
async fn check(store: &dyn QueueStore, records: &Db, timeout: Duration) -> Readiness {
    let store_answer = tokio::time::timeout(timeout, store.ping());
    let records_answer = tokio::time::timeout(timeout, records.ping());
    let (store_answer, records_answer) = tokio::join!(store_answer, records_answer);
    let mut unreachable = Vec::new();
    match store_answer {
        Ok(Ok(())) => {}
        Ok(Err(err)) => unreachable.push(format!("live store: {err}")),
        Err(_) => unreachable.push(format!("live store: no answer within {timeout:?}")),
    }
    match records_answer {
        Ok(Ok(())) => {}
        Ok(Err(err)) => unreachable.push(format!("records database: {err:#}")),
        Err(_) => unreachable.push(format!("records database: no answer within {timeout:?}")),
    }
    if unreachable.is_empty() {
        Readiness::Serving
    } else {
        Readiness::Unreachable(unreachable.join("; "))
    }
}
