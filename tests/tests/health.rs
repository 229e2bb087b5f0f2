//! Health follows the dependencies: a replica whose Redis or records database does not answer
//! reports NOT_SERVING on gRPC health (overall and per service) and 503 on `/healthz` naming
//! the dependency, while `/livez` stays 200; once the dependency is back it is SERVING again.
//! A stop is final: NOT_SERVING from then on, whatever the dependencies do.

use std::time::Duration;

use queuecall::records::RecordsSettings;
use queuecall_tests::Connection;
use queuecall_tests::*;
use serde_yaml::{Mapping, Value};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Checks every 100 ms, a ping slower than 500 ms counts as unreachable.
fn fast_checks() -> Mapping {
    let mut health = Mapping::new();
    health.insert("check_ms".into(), 100.into());
    health.insert("timeout_ms".into(), 500.into());
    let mut root = Mapping::new();
    root.insert("health".into(), Value::Mapping(health));
    root
}

const SERVICES: [&str; 3] = [
    "",
    "queuecall.v1.QueueService",
    "queuecall.v1.AppointmentService",
];

/// The gRPC status of every service in [`SERVICES`], once all agree.
async fn statuses(health: &mut HealthClient<Connection>) -> anyhow::Result<Vec<ServingStatus>> {
    let mut all = Vec::new();
    for service in SERVICES {
        let answer = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await?;
        all.push(answer.into_inner().status());
    }
    Ok(all)
}

/// Waits (at most 10 s) until every service reports `want`.
async fn wait_for(
    health: &mut HealthClient<Connection>,
    want: ServingStatus,
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = statuses(health).await?;
        if now.iter().all(|s| *s == want) {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "health is {now:?}, not {want:?}, after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get(app: &TestApp, path: &str) -> anyhow::Result<(u16, String)> {
    let response = reqwest::get(format!("http://{}{path}", app.http_addr)).await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_is_not_serving_until_it_is_back() -> anyhow::Result<()> {
    let mut redis = RedisServer::start().await;
    let app = spawn_app_configured(
        AppOptions {
            redis_url: Some(redis.url()),
            ..AppOptions::new(StoreKind::Redis)
        },
        fast_checks(),
    )
    .await;
    let mut health = HealthClient::new(app.channel().await);
    wait_for(&mut health, ServingStatus::Serving).await?;
    assert_eq!(get(&app, "/healthz").await?, (200, "ok\n".to_owned()));

    redis.stop();
    wait_for(&mut health, ServingStatus::NotServing).await?;
    let (code, body) = get(&app, "/healthz").await?;
    assert_eq!(code, 503, "{body}");
    assert!(
        body.contains("live store") && body.contains("redis"),
        "{body}"
    );
    assert_eq!(
        get(&app, "/livez").await?.0,
        200,
        "liveness must not follow Redis"
    );

    redis.restart().await;
    wait_for(&mut health, ServingStatus::Serving).await?;
    assert_eq!(get(&app, "/healthz").await?.0, 200);
    app.take(SOCIAL).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_database_down_is_not_serving_until_it_is_back() -> anyhow::Result<()> {
    let postgres = OwnPostgres::start()?;
    let app = spawn_app_configured(
        AppOptions {
            records: Some(RecordsSettings::Postgres {
                url: postgres.url(),
                max_connections: 2,
            }),
            ..AppOptions::new(StoreKind::Embedded)
        },
        fast_checks(),
    )
    .await;
    let mut health = HealthClient::new(app.channel().await);
    wait_for(&mut health, ServingStatus::Serving).await?;

    postgres.down()?;
    wait_for(&mut health, ServingStatus::NotServing).await?;
    let (code, body) = get(&app, "/healthz").await?;
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("records database"), "{body}");
    assert!(
        !body.contains("postgres://"),
        "the database URL must not be shown: {body}"
    );

    postgres.up()?;
    wait_for(&mut health, ServingStatus::Serving).await?;
    assert_eq!(get(&app, "/healthz").await?.0, 200);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_stays_not_serving_while_the_dependencies_answer() -> anyhow::Result<()> {
    let app = spawn_app_configured(
        AppOptions {
            drain_seconds: 3,
            ..AppOptions::new(StoreKind::Embedded)
        },
        fast_checks(),
    )
    .await;
    let mut health = HealthClient::new(app.channel().await);
    wait_for(&mut health, ServingStatus::Serving).await?;
    app.shutdown_handle().shutdown();
    wait_for(&mut health, ServingStatus::NotServing).await?;
    // Several dependency checks later (every 100 ms), still NOT_SERVING.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        statuses(&mut health)
            .await?
            .iter()
            .all(|s| *s == ServingStatus::NotServing)
    );
    assert_eq!(get(&app, "/healthz").await?, (503, "stopping\n".to_owned()));
    Ok(())
}
