//! The built service on port 0: health and reflection answer, and a stop goes through
//! NOT_SERVING before the server ends.

use std::time::Duration;

use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use super::Application;
use crate::config::{Settings, StoreSettings};

fn settings(dir: &tempfile::TempDir, drain_seconds: u64) -> Settings {
    let mut settings = Settings::default();
    settings.grpc.port = 0;
    settings.store = StoreSettings::Embedded {
        path: dir.path().join("q.sqlite"),
    };
    settings.records.database = crate::records::RecordsSettings::Sqlite {
        path: dir.path().join("records.sqlite"),
    };
    settings.shutdown.drain_seconds = drain_seconds;
    settings
}

async fn channel(
    addr: std::net::SocketAddr,
) -> Result<tonic::transport::Channel, tonic::transport::Error> {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await
}

async fn health(addr: std::net::SocketAddr, service: &str) -> Result<i32, tonic::Status> {
    let channel = channel(addr)
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let mut client = HealthClient::new(channel);
    let reply = client
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await?;
    Ok(reply.into_inner().status)
}

async fn reflect(addr: std::net::SocketAddr, request: MessageRequest) -> MessageResponse {
    let mut client = ServerReflectionClient::new(channel(addr).await.expect("connect"));
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut replies = client
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection")
        .into_inner();
    let reply = replies.next().await.expect("one reply").expect("ok reply");
    reply.message_response.expect("a response")
}

#[tokio::test]
async fn serves_health_and_reflection_then_stops_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = Application::build(settings(&dir, 1)).await.expect("build");
    let addr = app.grpc_addr();
    assert_ne!(addr.port(), 0);
    let stop = app.shutdown_handle();
    let running = tokio::spawn(app.run_until_stopped());

    let serving = ServingStatus::Serving as i32;
    assert_eq!(health(addr, "").await.expect("health"), serving);
    for service in ["queuecall.v1.QueueService", "queuecall.v1.AdminService"] {
        assert_eq!(health(addr, service).await.expect("health"), serving);
    }

    let MessageResponse::ListServicesResponse(list) =
        reflect(addr, MessageRequest::ListServices(String::new())).await
    else {
        panic!("expected a service list");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for service in ["queuecall.v1.QueueService", "queuecall.v1.AdminService"] {
        assert!(names.contains(&service.to_owned()), "{names:?}");
    }
    assert!(
        names.contains(&"grpc.health.v1.Health".to_owned()),
        "{names:?}"
    );
    let reply = reflect(
        addr,
        MessageRequest::FileByFilename("google/protobuf/timestamp.proto".into()),
    )
    .await;
    assert!(
        matches!(reply, MessageResponse::FileDescriptorResponse(_)),
        "{reply:?}"
    );

    stop.shutdown();
    let not_serving = ServingStatus::NotServing as i32;
    for service in ["queuecall.v1.QueueService", "queuecall.v1.AdminService"] {
        let mut seen = false;
        for _ in 0..50 {
            match health(addr, service).await {
                Ok(status) if status == not_serving => {
                    seen = true;
                    break;
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(_) => break,
            }
        }
        assert!(
            seen,
            "{service} health must turn NOT_SERVING during the drain"
        );
    }
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("stops after the drain")
        .expect("task")
        .expect("clean stop");
}

#[tokio::test]
async fn a_bad_hall_file_stops_the_build_naming_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hall = dir.path().join("hall.yaml");
    let text = crate::hall::demo::YAML.replacen("prefix: B", "prefix: b", 1);
    std::fs::write(&hall, text).expect("write");
    let mut settings = settings(&dir, 0);
    settings.hall_file = Some(hall);
    let err = Application::build(settings).await.err().expect("must fail");
    let chain = format!("{err:#}");
    assert!(chain.contains("hall.yaml"), "{chain}");
    assert!(
        chain.contains("prefix") && chain.contains("line "),
        "{chain}"
    );
}
