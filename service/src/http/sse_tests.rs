use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use futures::StreamExt;

use super::*;
use crate::display::views::{
    AnnouncementView, BoardView, CallView, EventView, EventViewKind, SnapshotReason,
};

fn board(last_event_id: u64) -> WatchItem {
    WatchItem::Snapshot(BoardView {
        last_event_id,
        reason: SnapshotReason::Initial,
        branch_id: "test-centre".to_owned(),
        branch_name: "测试中心".to_owned(),
        service_day: "2026-11-27".to_owned(),
        windows: vec![],
        services: vec![],
        recent_calls: vec![],
    })
}

fn called(id: u64) -> WatchItem {
    WatchItem::Event(EventView {
        id,
        at: "2026-11-27T01:00:00.000Z".to_owned(),
        kind: EventViewKind::Called {
            call: CallView {
                ticket_id: "A023@2026-11-27".to_owned(),
                number: "A023".to_owned(),
                service_id: "social-security".to_owned(),
                window: 5,
                window_name: "综合窗口\n五".to_owned(),
                recall_count: 0,
                announcement: AnnouncementView {
                    text: "请A023号到5号窗口办理".to_owned(),
                    speech: "请 A 零 二 三 号，到 五 号窗口办理".to_owned(),
                    english: "Number A023, please go to window 5.".to_owned(),
                },
                at: "2026-11-27T01:00:00.000Z".to_owned(),
            },
        },
    })
}

fn text(bytes: &Bytes) -> &str {
    std::str::from_utf8(bytes).expect("frames are UTF-8")
}

#[test]
fn a_snapshot_frame_carries_its_last_event_id_and_the_snapshot_name() {
    let frame = frame(&board(41)).expect("frames");
    let frame = text(&frame);
    assert!(
        frame.starts_with("id: 41\nevent: snapshot\ndata: {"),
        "{frame}"
    );
    assert!(frame.ends_with("}\n\n"), "{frame}");
    assert_eq!(
        frame.matches('\n').count(),
        4,
        "three lines and a blank one: {frame}"
    );
    let data = frame.lines().nth(2).expect("a data line");
    let json: serde_json::Value =
        serde_json::from_str(data.strip_prefix("data: ").expect("data field")).expect("JSON");
    assert_eq!(json["type"], "snapshot");
    assert_eq!(json["reason"], "initial");
    assert_eq!(json["last_event_id"], 41);
}

#[test]
fn an_event_frame_is_one_data_line_even_when_a_name_holds_a_line_break() {
    let frame = frame(&called(42)).expect("frames");
    let frame = text(&frame);
    let lines: Vec<&str> = frame.lines().collect();
    assert_eq!(lines.len(), 4, "three fields and the blank line: {frame}");
    assert_eq!(lines[3], "");
    assert_eq!(lines[0], "id: 42");
    assert_eq!(lines[1], "event: event");
    let json: serde_json::Value =
        serde_json::from_str(lines[2].strip_prefix("data: ").expect("data field")).expect("JSON");
    assert_eq!(json["type"], "event");
    assert_eq!(json["kind"], "called");
    assert_eq!(json["id"], 42);
    assert_eq!(json["call"]["number"], "A023");
    assert_eq!(json["call"]["window_name"], "综合窗口\n五");
    assert_eq!(
        json["call"]["announcement"]["speech"],
        "请 A 零 二 三 号，到 五 号窗口办理"
    );
}

fn last_event_id(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        LAST_EVENT_ID,
        HeaderValue::from_str(value).expect("a header value"),
    );
    headers
}

#[test]
fn resume_reads_last_event_id_before_the_query() {
    let none = HeaderMap::new();
    assert_eq!(resume_after(&none, None).expect("parses"), None);
    assert_eq!(resume_after(&none, Some("17")).expect("parses"), Some(17));
    assert_eq!(
        resume_after(&last_event_id("23"), Some("17")).expect("parses"),
        Some(23)
    );
    assert_eq!(
        resume_after(&last_event_id(" 23 "), None).expect("parses"),
        Some(23)
    );
    assert_eq!(
        resume_after(&last_event_id("0"), None).expect("parses"),
        Some(0)
    );
}

#[test]
fn an_empty_resume_id_means_start_with_a_snapshot() {
    assert_eq!(
        resume_after(&last_event_id(""), None).expect("parses"),
        None
    );
    assert_eq!(
        resume_after(&last_event_id(""), Some("9")).expect("parses"),
        Some(9)
    );
    assert_eq!(
        resume_after(&HeaderMap::new(), Some("")).expect("parses"),
        None
    );
}

#[test]
fn a_malformed_resume_id_is_an_invalid_argument_naming_its_source() {
    for (headers, after, field) in [
        (last_event_id("abc"), None, "Last-Event-ID"),
        (last_event_id("-1"), None, "Last-Event-ID"),
        (last_event_id("1e3"), None, "Last-Event-ID"),
        (HeaderMap::new(), Some("+5"), "after"),
        (HeaderMap::new(), Some("99999999999999999999999"), "after"),
    ] {
        let err = resume_after(&headers, after).expect_err("rejected");
        assert!(
            matches!(&err, QueueError::InvalidArgument { field: f, .. } if *f == field),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn the_body_starts_with_retry_then_frames_and_ends_with_the_items() {
    let items = futures::stream::iter(vec![board(3), called(4)]).boxed();
    let (_open, closing) = watch::channel(false);
    let chunks: Vec<Bytes> = body_stream(items, KEEP_ALIVE, closing).collect().await;
    let chunks: Vec<&str> = chunks.iter().map(text).collect();
    assert_eq!(chunks.len(), 3, "{chunks:?}");
    assert_eq!(chunks[0], "retry: 2000\n\n");
    assert!(chunks[1].starts_with("id: 3\nevent: snapshot\n"));
    assert!(chunks[2].starts_with("id: 4\nevent: event\n"));
}

#[tokio::test]
async fn silence_gets_keep_alive_comments_and_closing_ends_the_stream() {
    let items = futures::stream::iter(vec![board(0)])
        .chain(futures::stream::pending())
        .boxed();
    let (close, closing) = watch::channel(false);
    let mut body = Box::pin(body_stream(items, Duration::from_millis(30), closing));
    assert_eq!(
        body.next().await.as_ref().map(text),
        Some("retry: 2000\n\n")
    );
    let snapshot = body.next().await.expect("the snapshot");
    assert!(text(&snapshot).starts_with("id: 0\nevent: snapshot\n"));
    for _ in 0..2 {
        let chunk = body.next().await.expect("a keep-alive");
        assert_eq!(text(&chunk), ": keep-alive\n\n");
    }
    close.send_replace(true);
    let end = tokio::time::timeout(Duration::from_secs(5), body.next())
        .await
        .expect("the stream ends soon after closing");
    assert!(end.is_none());
}
