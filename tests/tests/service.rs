//! The service around the queue: gRPC health and reflection are on, and a shutdown reports
//! NOT_SERVING, drains (finishing what is in flight), then stops.

use std::time::{Duration, Instant};

use futures::future::join_all;
use queuecall_tests::Connection;
use queuecall_tests::*;
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const QUEUE_SERVICE: &str = "queuecall.v1.QueueService";

async fn health(channel: Connection, service: &str) -> Result<ServingStatus, Status> {
    let request = HealthCheckRequest {
        service: service.to_owned(),
    };
    let answer = HealthClient::new(channel).check(request).await?;
    Ok(answer.into_inner().status())
}

/// Asks one reflection version for its service list and for the file declaring the queue
/// service; returns (service names, number of file descriptors).
macro_rules! reflect {
    ($version:ident, $channel:expr) => {{
        use tonic_reflection::pb::$version::ServerReflectionRequest;
        use tonic_reflection::pb::$version::server_reflection_client::ServerReflectionClient;
        use tonic_reflection::pb::$version::server_reflection_request::MessageRequest;
        use tonic_reflection::pb::$version::server_reflection_response::MessageResponse;
        let requests = [
            MessageRequest::ListServices(String::new()),
            MessageRequest::FileContainingSymbol(QUEUE_SERVICE.to_owned()),
        ]
        .map(|message| ServerReflectionRequest {
            host: String::new(),
            message_request: Some(message),
        });
        let mut answers = ServerReflectionClient::new($channel)
            .server_reflection_info(tokio_stream::iter(requests))
            .await?
            .into_inner();
        let mut services = Vec::new();
        let mut files = 0;
        while let Some(answer) = answers.next().await {
            match answer?.message_response {
                Some(MessageResponse::ListServicesResponse(list)) => {
                    services.extend(list.service.into_iter().map(|s| s.name));
                }
                Some(MessageResponse::FileDescriptorResponse(found)) => {
                    files += found.file_descriptor_proto.len();
                }
                other => anyhow::bail!("unexpected reflection answer {other:?}"),
            }
        }
        (services, files)
    }};
}

#[tokio::test]
async fn health_reports_serving_for_the_server_and_the_queue_service() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let server = health(app.channel().await, "").await?;
    let queue = health(app.channel().await, QUEUE_SERVICE).await?;
    let unknown = health(app.channel().await, "no.such.Service").await;

    assert_eq!(server, ServingStatus::Serving);
    assert_eq!(queue, ServingStatus::Serving);
    assert_status(unknown, Code::NotFound, &[]);
    Ok(())
}

#[tokio::test]
async fn reflection_v1_and_v1alpha_describe_the_queue_service() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let (v1_services, v1_files) = reflect!(v1, app.channel().await);
    let (alpha_services, alpha_files) = reflect!(v1alpha, app.channel().await);

    assert!(
        v1_services.iter().any(|s| s == QUEUE_SERVICE),
        "{v1_services:?}"
    );
    assert!(
        alpha_services.iter().any(|s| s == QUEUE_SERVICE),
        "{alpha_services:?}"
    );
    assert!(v1_files > 0, "v1 found no file declaring {QUEUE_SERVICE}");
    assert!(
        alpha_files > 0,
        "v1alpha found no file declaring {QUEUE_SERVICE}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_reports_not_serving_finishes_in_flight_calls_then_stops() -> anyhow::Result<()> {
    // Arrange: a service with a one-second drain and calls on their way.
    let mut app = spawn_app_with(AppOptions {
        drain_seconds: 1,
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let watcher = app.channel().await;
    let in_flight: Vec<_> = (0..50)
        .map(|_| {
            let api = (*app).clone();
            tokio::spawn(async move { api.take(SOCIAL).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(5)).await;

    // Act
    app.shutdown_handle().shutdown();
    let mut saw_not_serving = false;
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        match health(watcher.clone(), QUEUE_SERVICE).await {
            Ok(ServingStatus::NotServing) => {
                saw_not_serving = true;
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(status) => {
                anyhow::bail!("the server stopped before reporting NOT_SERVING: {status:?}")
            }
        }
    }
    let taken = join_all(in_flight).await;
    let stopped = app.wait_stopped(Duration::from_secs(15)).await;

    // Assert
    assert!(
        saw_not_serving,
        "health never reported NOT_SERVING during the drain"
    );
    let mut numbers = Vec::new();
    for result in taken {
        numbers.push(result??.number);
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("A{n:03}")).collect();
    assert_eq!(numbers, expected, "every in-flight call finished");
    stopped?;
    let after = QueueServiceClient::connect(app.url()).await;
    assert!(
        after.is_err(),
        "the server still accepts connections after stopping"
    );

    let restarted = spawn_app_with(AppOptions {
        sqlite_path: app.sqlite_path.clone(),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    assert_eq!(restarted.waiting_numbers(SOCIAL).await?, expected);
    Ok(())
}

#[tokio::test]
async fn sigterm_stops_the_binary_after_reporting_not_serving() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let env = vec![
        (
            "QUEUECALL_STORE__PATH",
            dir.path().join("q.sqlite").to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_GRPC__PORT", "0".to_owned()),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "1".to_owned()),
    ];
    let mut service = ServiceProcess::start(dir.path(), "service.log", &env).await?;
    let channel = tonic::transport::Endpoint::from_shared(service.url())?
        .connect()
        .await?;
    let channel = queuecall_tests::with_bearer(channel, queuecall_tests::Bearer::none());
    let before = health(channel.clone(), QUEUE_SERVICE).await?;

    service.terminate().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let draining = health(channel, QUEUE_SERVICE).await;
    let status = service.wait(Duration::from_secs(15)).await?;

    assert_eq!(before, ServingStatus::Serving);
    assert_eq!(draining?, ServingStatus::NotServing, "{}", service.log());
    assert!(
        status.success(),
        "exit status {status}; log:\n{}",
        service.log()
    );
    Ok(())
}
