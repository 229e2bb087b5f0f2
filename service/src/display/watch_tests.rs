//! The watch algorithm against the real embedded store.

use std::time::Duration;

use futures::StreamExt;

use crate::display::test_fixture::{Fixture, fixture, fixture_with, hall, next, read_until};
use crate::display::views::{EventViewKind, SnapshotReason, WatchItem};
use crate::display::{BoardView, DisplaySettings};
use crate::error::QueueError;
use crate::queue::WindowStep;

fn snapshot(item: &WatchItem) -> &BoardView {
    match item {
        WatchItem::Snapshot(board) => board,
        WatchItem::Event(event) => panic!("expected a snapshot, got {event:?}"),
    }
}

fn kinds(items: &[WatchItem]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            WatchItem::Snapshot(board) => format!("snapshot:{:?}", board.reason),
            WatchItem::Event(event) => match &event.kind {
                EventViewKind::Called { call } => format!("called:{}@{}", call.number, call.window),
                EventViewKind::WindowChanged { window } => {
                    format!("window:{}:{}", window.number, window.state)
                }
                EventViewKind::QueueChanged {
                    service_id,
                    waiting,
                } => format!("queue:{service_id}={waiting}"),
            },
        })
        .collect()
}

/// Events 1 (window 1 opened) and 2 (A001 taken).
async fn opened_with_one_waiting() -> Fixture {
    let f = fixture(DisplaySettings::default()).await;
    f.open(1).await;
    f.take("a").await;
    f
}

#[tokio::test]
async fn a_watch_starts_with_a_snapshot_then_every_event_in_order() {
    let f = opened_with_one_waiting().await;
    let mut stream = f.display.watch_branch(&hall(), None).await.expect("watch");
    let first = next(&mut stream).await;
    let board = snapshot(&first);
    assert_eq!(board.reason, SnapshotReason::Initial);
    assert_eq!(board.last_event_id, 2);
    assert_eq!(board.branch_name, "测试大厅");
    assert_eq!(board.windows[0].state, "open");
    assert_eq!(board.windows[1].state, "closed");
    assert_eq!(board.services[0].waiting, 1);
    assert_eq!(board.services[0].estimated_wait_seconds, 60);

    f.take("a").await;
    f.call(1).await;
    f.step(1, WindowStep::Start).await;
    let mut last = 2;
    let items = read_until(&mut stream, &mut last, 6).await;
    assert_eq!(
        kinds(&items),
        ["queue:a=2", "called:A001@1", "queue:a=1", "window:1:open"]
    );
    let WatchItem::Event(called) = &items[1] else {
        panic!("a call");
    };
    let EventViewKind::Called { call } = &called.kind else {
        panic!("a call");
    };
    assert_eq!(call.window_name, "综合窗口");
    assert_eq!(call.announcement.text, "请A001号到1号窗口办理");
    assert_eq!(
        call.announcement.english,
        "Number A001, please go to window 1."
    );

    let mut later = f.display.watch_branch(&hall(), None).await.expect("watch");
    let again = next(&mut later).await;
    let board = snapshot(&again);
    assert_eq!(board.last_event_id, 6);
    assert_eq!(board.recent_calls.len(), 1);
    assert_eq!(board.windows[0].ticket_number.as_deref(), Some("A001"));
    assert_eq!(board.windows[0].ticket_state.as_deref(), Some("serving"));
}

#[tokio::test]
async fn a_resume_inside_the_retention_replays_what_was_missed_then_goes_live() {
    let f = opened_with_one_waiting().await;
    let mut stream = f.display.watch_branch(&hall(), None).await.expect("watch");
    let mut last = 0;
    read_until(&mut stream, &mut last, 2).await;
    drop(stream);

    f.take("b").await;
    f.call(1).await;
    f.take("a").await;
    let mut resumed = f
        .display
        .watch_branch(&hall(), Some(2))
        .await
        .expect("resume");
    let missed = read_until(&mut resumed, &mut last, 6).await;
    assert_eq!(
        kinds(&missed),
        ["queue:b=1", "called:A001@1", "queue:a=0", "queue:a=1"]
    );
    f.step(1, WindowStep::Recall).await;
    let live = read_until(&mut resumed, &mut last, 7).await;
    assert_eq!(kinds(&live), ["called:A001@1"]);
}

#[tokio::test]
async fn a_resume_far_back_replays_page_after_page() {
    let f = opened_with_one_waiting().await;
    for i in 0..700 {
        f.take(if i % 2 == 0 { "a" } else { "b" }).await;
    }
    let mut resumed = f
        .display
        .watch_branch(&hall(), Some(1))
        .await
        .expect("resume");
    let mut last = 1;
    let missed = read_until(&mut resumed, &mut last, 702).await;
    assert_eq!(missed.len(), 701);
    assert!(missed.iter().all(|i| matches!(i, WatchItem::Event(_))));
}

#[tokio::test]
async fn a_resume_from_an_unknown_or_trimmed_id_gets_a_snapshot_marked_so() {
    let f = opened_with_one_waiting().await;
    let mut ahead = f
        .display
        .watch_branch(&hall(), Some(99))
        .await
        .expect("resume");
    let first = next(&mut ahead).await;
    assert_eq!(snapshot(&first).reason, SnapshotReason::ResumeTooOld);
    assert_eq!(snapshot(&first).last_event_id, 2);

    let small = fixture_with(DisplaySettings::default(), 3).await;
    small.open(1).await;
    for _ in 0..6 {
        small.take("a").await;
    }
    let mut old = small
        .display
        .watch_branch(&hall(), Some(1))
        .await
        .expect("resume");
    let first = next(&mut old).await;
    assert_eq!(snapshot(&first).reason, SnapshotReason::ResumeTooOld);
    assert_eq!(snapshot(&first).last_event_id, 7);
    assert_eq!(snapshot(&first).services[0].waiting, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_display_is_resynced_and_holds_up_neither_the_queue_nor_others() {
    let settings = DisplaySettings {
        recent_calls: 10,
        branch_buffer: 32,
        client_buffer: 1,
        ..DisplaySettings::default()
    };
    let f = fixture(settings).await;
    let mut slow = f.display.watch_branch(&hall(), None).await.expect("watch");
    let mut quick = f.display.watch_branch(&hall(), None).await.expect("watch");
    let mut slow_last = 0;
    let mut quick_last = 0;
    assert_eq!(snapshot(&next(&mut slow).await).last_event_id, 0);
    assert_eq!(snapshot(&next(&mut quick).await).last_event_id, 0);

    let reader = tokio::spawn(async move {
        let items = read_until(&mut quick, &mut quick_last, 100).await;
        (items, quick)
    });
    let takes = async {
        for _ in 0..100 {
            f.take("a").await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), takes)
        .await
        .expect("the queue never waits for a display");
    let (quick_items, _quick) = reader.await.expect("reader");
    assert!(
        quick_items.iter().all(|i| matches!(i, WatchItem::Event(_))),
        "the reading display kept up: {:?}",
        kinds(&quick_items)
    );

    let slow_items = read_until(&mut slow, &mut slow_last, 100).await;
    assert!(
        slow_items.iter().any(|i| matches!(
            i,
            WatchItem::Snapshot(b) if b.reason == SnapshotReason::FellBehind
        )),
        "the slow display was resynced: {:?}",
        kinds(&slow_items)
    );
    assert!(
        slow_items.len() < 20,
        "it skipped the backlog: {}",
        slow_items.len()
    );
}

#[tokio::test]
async fn one_pump_per_branch_stops_after_the_last_watcher_leaves() {
    let f = opened_with_one_waiting().await;
    assert_eq!(f.display.watched_branches(), 0);
    let one = f.display.watch_branch(&hall(), None).await.expect("watch");
    let two = f
        .display
        .watch_branch(&hall(), Some(1))
        .await
        .expect("watch");
    assert_eq!(f.display.watched_branches(), 1);
    drop((one, two));
    let stopped = async {
        while f.display.watched_branches() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), stopped)
        .await
        .expect("the pump stops");
    let mut three = f.display.watch_branch(&hall(), None).await.expect("watch");
    let mut last = 0;
    read_until(&mut three, &mut last, 2).await;
    f.take("a").await;
    read_until(&mut three, &mut last, 3).await;
}

#[tokio::test]
async fn unknown_branches_are_not_found_and_close_ends_every_watch() {
    let f = opened_with_one_waiting().await;
    let nowhere = crate::domain::BranchId::parse("branch", "nowhere").expect("id");
    let err = f.display.watch_branch(&nowhere, None).await.err();
    assert!(matches!(err, Some(QueueError::NotFound { .. })), "{err:?}");

    let mut stream = f.display.watch_branch(&hall(), None).await.expect("watch");
    next(&mut stream).await;
    f.display.close();
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert!(matches!(end, Ok(None)), "the stream ends: {end:?}");
    let err = f.display.watch_branch(&hall(), None).await.err();
    assert!(matches!(err, Some(QueueError::Unavailable(_))), "{err:?}");
}
