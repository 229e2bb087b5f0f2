//! `GET /metrics`: the Prometheus figures of a replica after a known sequence of calls, on both
//! live stores: tickets issued (replays not counted), called, finished by outcome; the waiting
//! and service times the test's clock made; queue length and open windows; gRPC calls by
//! method and code; SMS outbox rows by state; dependencies up.

use std::time::Duration;

use queuecall_tests::v1::TakeTicketRequest;
use queuecall_tests::*;

const SERVICE_LABELS: &str = r#"branch="test-centre",service="social-security""#;

async fn scrape(app: &TestApp) -> anyhow::Result<String> {
    let response = reqwest::get(format!("http://{}/metrics", app.http_addr)).await?;
    anyhow::ensure!(response.status().is_success(), "{}", response.status());
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    anyhow::ensure!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    Ok(response.text().await?)
}

/// The value of the sample `name{labels}` (labels as printed, in order), if present.
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let key = if labels.is_empty() {
        format!("{name} ")
    } else {
        format!("{name}{{{labels}}} ")
    };
    text.lines()
        .find_map(|line| line.strip_prefix(key.as_str()))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|value| value.parse().ok())
}

#[track_caller]
fn assert_sample(text: &str, name: &str, labels: &str, want: f64) {
    assert_eq!(
        sample(text, name, labels),
        Some(want),
        "{name}{{{labels}}} in:\n{text}"
    );
}

async fn figures_follow_the_calls(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let keyed = TakeTicketRequest {
        idempotency_key: "kiosk-7-0001".into(),
        phone: "13912345678".into(),
        ..take_request(SOCIAL)
    };
    app.take_with(keyed.clone()).await?;
    assert!(app.take_with(keyed).await?.replayed);
    let second = app.take(SOCIAL).await?;
    let third = app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;

    app.advance(Duration::from_secs(90));
    app.call(WINDOW_SOCIAL).await?; // the first, after 90 s
    app.start(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(240));
    app.complete(WINDOW_SOCIAL).await?; // served 240 s
    app.call(WINDOW_SOCIAL).await?; // the second, after 330 s
    app.no_show(WINDOW_SOCIAL).await?;
    app.cancel(&third.id).await?;
    let fourth = app.take(SOCIAL).await?;
    assert_status(
        app.get("test-centre.20260101.Z999").await,
        Code::NotFound,
        &[],
    );
    assert_ne!(second.id, fourth.id);

    let text = scrape(&app).await?;
    assert_sample(&text, "queuecall_tickets_issued_total", SERVICE_LABELS, 4.0);
    assert_sample(&text, "queuecall_tickets_called_total", SERVICE_LABELS, 2.0);
    for (outcome, n) in [("done", 1.0), ("no_show", 1.0), ("cancelled", 1.0)] {
        let labels = format!(r#"{SERVICE_LABELS},outcome="{outcome}""#);
        assert_sample(&text, "queuecall_tickets_finished_total", &labels, n);
    }
    assert_sample(&text, "queuecall_wait_seconds_count", SERVICE_LABELS, 2.0);
    assert_sample(
        &text,
        "queuecall_wait_seconds_sum",
        SERVICE_LABELS,
        90.0 + 330.0,
    );
    assert_sample(
        &text,
        "queuecall_service_seconds_count",
        SERVICE_LABELS,
        1.0,
    );
    assert_sample(
        &text,
        "queuecall_service_seconds_sum",
        SERVICE_LABELS,
        240.0,
    );
    assert_sample(&text, "queuecall_queue_waiting", SERVICE_LABELS, 1.0);
    assert_sample(
        &text,
        "queuecall_windows_open",
        r#"branch="test-centre""#,
        1.0,
    );
    assert_sample(
        &text,
        "queuecall_grpc_request_duration_seconds_count",
        r#"method="/queuecall.v1.QueueService/TakeTicket",code="OK""#,
        5.0,
    );
    assert_sample(
        &text,
        "queuecall_grpc_request_duration_seconds_count",
        r#"method="/queuecall.v1.QueueService/GetTicket",code="NOT_FOUND""#,
        1.0,
    );
    for dependency in ["live_store", "records_database"] {
        let labels = format!(r#"dependency="{dependency}""#);
        assert_sample(&text, "queuecall_dependency_up", &labels, 1.0);
    }
    assert!(
        !text.contains("13912345678"),
        "a phone number in the metrics"
    );

    // The called SMS of the first ticket reaches the outbox within a few relay rounds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = scrape(&app).await?;
        let rows: f64 = text
            .lines()
            .filter(|l| l.starts_with("queuecall_sms_outbox{"))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .sum();
        if rows >= 1.0 {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "no outbox row counted:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_figures_follow_the_calls() -> anyhow::Result<()> {
    figures_follow_the_calls(StoreKind::Embedded).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_figures_follow_the_calls() -> anyhow::Result<()> {
    figures_follow_the_calls(StoreKind::Redis).await
}

/// Calls to methods that do not exist share one label: a client cannot grow the metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_share_one_label() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    for n in 0..3 {
        let mut grpc = tonic::client::Grpc::new(app.channel().await);
        grpc.ready().await?;
        let path = tonic::codegen::http::uri::PathAndQuery::try_from(format!(
            "/queuecall.v1.QueueService/NoSuchMethod{n}"
        ))?;
        let codec = tonic_prost::ProstCodec::<(), ()>::default();
        let answer = grpc.unary(tonic::Request::new(()), path, codec).await;
        assert_eq!(
            answer.expect_err("no such method").code(),
            Code::Unimplemented
        );
    }
    let text = scrape(&app).await?;
    assert!(!text.contains("NoSuchMethod"), "{text}");
    assert_sample(
        &text,
        "queuecall_grpc_request_duration_seconds_count",
        r#"method="unknown",code="UNIMPLEMENTED""#,
        3.0,
    );
    Ok(())
}
