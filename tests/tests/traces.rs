//! Traces: the real `queuecall` binary with `log.otlp_endpoint` set exports its spans over
//! OTLP/gRPC to a collector (here a fake one that keeps what it receives): a TakeTicket span
//! with its branch and service, and the store call inside it in the same trace. Spans still
//! buffered at SIGTERM are sent before the process exits. No span carries the phone number.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use queuecall_tests::v1::TakeTicketRequest;
use queuecall_tests::*;
use tokio_stream::wrappers::TcpListenerStream;

/// A collector that keeps every span.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, Status> {
        let mut spans = self.0.lock().expect("collector lock");
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .map(|v| match v {
            Value::StringValue(s) => s.clone(),
            other => format!("{other:?}"),
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_reach_the_collector_with_their_fields() -> anyhow::Result<()> {
    require_redis(&test_redis_url()).await;
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let serving = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let dir = tempfile::tempdir()?;
    let env = vec![
        ("QUEUECALL_STORE__KIND", "redis".to_owned()),
        ("QUEUECALL_STORE__URL", test_redis_url()),
        (
            "QUEUECALL_STORE__KEY_PREFIX",
            format!("traces-{}", std::process::id()),
        ),
        (
            "QUEUECALL_RECORDS__PATH",
            dir.path().join("r.sqlite").display().to_string(),
        ),
        ("QUEUECALL_GRPC__PORT", "0".to_owned()),
        ("QUEUECALL_HALL_FILE", hall_file().display().to_string()),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".to_owned()),
        ("QUEUECALL_LOG__OTLP_ENDPOINT", endpoint),
    ];
    let mut service = ServiceProcess::start(dir.path(), "service.log", &env).await?;
    let api = Api::connect(&service.url()).await?;
    let request = TakeTicketRequest {
        phone: "13912345678".into(),
        ..take_request(SOCIAL)
    };
    api.take_with(request).await?;

    // SIGTERM: the spans still buffered go out before the exit.
    service.terminate().await?;
    let status = service.wait(Duration::from_secs(20)).await?;
    assert!(status.success(), "{status}\n{}", service.log());
    let spans = collector.0.lock().expect("collector lock").clone();
    serving.abort();

    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    let take = spans
        .iter()
        .find(|s| attribute(s, "rpc").as_deref() == Some("TakeTicket"))
        .unwrap_or_else(|| panic!("no TakeTicket RPC span among {names:?}"));
    assert_eq!(take.name, "take_ticket");
    assert_eq!(attribute(take, "branch").as_deref(), Some(BRANCH));
    assert_eq!(attribute(take, "service").as_deref(), Some(SOCIAL));
    let store_call = spans
        .iter()
        .find(|s| s.trace_id == take.trace_id && s.parent_span_id == take.span_id)
        .unwrap_or_else(|| panic!("no store call inside the RPC's span: {names:?}"));
    assert_eq!(attribute(store_call, "branch").as_deref(), Some(BRANCH));
    let everything = format!("{spans:?}");
    assert!(
        !everything.contains("13912345678"),
        "a phone number in a span"
    );
    Ok(())
}
