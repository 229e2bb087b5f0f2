//! The web display's HTTP routes without a browser: `/healthz`, the branch list, 404 for an
//! unknown branch, the event stream resuming from `Last-Event-ID` or `?after=`, and a stop
//! that turns `/healthz` 503, then ends the event streams and the server.

#[allow(dead_code)]
mod web;

use std::time::Duration;

use queuecall_tests::*;
use tokio::net::TcpStream;
use web::raw_http::{get, sse_data};

#[tokio::test]
async fn health_page_and_unknown_branches_over_plain_http() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let (status, text) = get(app.http_addr, "/healthz", &[], |_| false).await?;
    assert_eq!(status, 200, "{text}");
    assert!(text.ends_with("ok\n"), "{text}");

    let page = with_admin_token("/display/test-centre");
    let (status, text) = get(app.http_addr, &page, &[], |_| false).await?;
    assert_eq!(status, 200);
    assert!(text.contains("text/html") && text.contains("测试区政务服务中心"));

    let (status, text) = get(app.http_addr, &with_admin_token("/display"), &[], |_| false).await?;
    assert_eq!(status, 200);
    for branch in [BRANCH, BUSY_BRANCH, VILLAGE] {
        let link = with_admin_token(&format!("/display/{branch}"));
        assert!(text.contains(&format!("href=\"{link}\"")), "{text}");
    }

    for path in [
        "/display/nowhere",
        "/display/nowhere/events",
        "/display/bad%20id/events",
    ] {
        let (status, text) = get(app.http_addr, &with_admin_token(path), &[], |_| false).await?;
        assert_eq!(status, 404, "{path}: {text}");
    }
    let (status, _) = get(
        app.http_addr,
        &with_admin_token("/display/test-centre/events?after=x"),
        &[],
        |_| false,
    )
    .await?;
    assert_eq!(status, 400);
    Ok(())
}

#[tokio::test]
async fn the_event_stream_resumes_after_last_event_id_or_the_after_query() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    app.open(WINDOW_SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    let events = with_admin_token("/display/test-centre/events");

    let (status, text) = get(app.http_addr, &events, &[], |t| {
        t.contains("event: snapshot")
    })
    .await?;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("text/event-stream"), "{text}");
    assert!(text.contains("retry: "), "{text}");
    let start = text.find("event: snapshot").expect("a snapshot");
    let id_line = text[..start].lines().last().unwrap_or_default();
    let last: u64 = id_line.trim_start_matches("id: ").parse()?;
    assert!(last >= 3, "open, two takes and a call happened: {text}");

    app.recall(WINDOW_SOCIAL).await?;
    let new_id = last + 1;
    for (path, headers) in [
        (events.to_owned(), vec![("Last-Event-ID", last.to_string())]),
        (format!("{events}&after={last}"), vec![]),
        (
            format!("{events}&after=0"),
            vec![("Last-Event-ID", last.to_string())],
        ),
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let marker = format!("id: {new_id}\n");
        let (status, text) = get(app.http_addr, &path, &headers, |t| t.contains(&marker)).await?;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(
            !text.contains("event: snapshot"),
            "{path} resumes without a snapshot: {text}"
        );
        let event = sse_data(&text, new_id).expect("the recall event");
        assert_eq!(event["kind"], "called", "{event}");
        assert_eq!(event["call"]["recall_count"], 1, "{event}");
    }
    Ok(())
}

#[tokio::test]
async fn a_stop_turns_healthz_503_then_ends_the_event_streams_and_the_server() -> anyhow::Result<()>
{
    let mut app = spawn_app_with(AppOptions {
        drain_seconds: 1,
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let addr = app.http_addr;
    let events = with_admin_token("/display/test-centre/events");
    let stream = tokio::spawn(async move { get(addr, &events, &[], |_| false).await });
    tokio::time::sleep(Duration::from_millis(300)).await;

    app.shutdown_handle().shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, text) = get(app.http_addr, "/healthz", &[], |_| false).await?;
    assert_eq!(status, 503, "draining: {text}");

    app.wait_stopped(Duration::from_secs(5)).await?;
    let (status, text) = tokio::time::timeout(Duration::from_secs(1), stream).await???;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("event: snapshot"),
        "the stream was live: {text}"
    );
    assert!(
        TcpStream::connect(app.http_addr).await.is_err(),
        "the HTTP listener is closed"
    );
    Ok(())
}
