//! The event log of the store on a real SQLite file: ids, retention and resync, a restart,
//! the snapshot and the wait for the next event.

use std::sync::Arc;
use std::time::Duration;

use crate::domain::PriorityClass::Normal;
use crate::domain::{Event, EventKind, WindowCommand};
use crate::hall::Branch;
use crate::store::QueueStore;
use crate::store::memory::MemoryStore;

use super::{at, branch, new_ticket, sid, win};

async fn take(store: &MemoryStore, b: &Branch, secs: i64) {
    store
        .take_ticket(b, &new_ticket("a", Normal, None), &at(secs))
        .await
        .expect("take");
}

async fn all_events(store: &MemoryStore, b: &Branch) -> Vec<Event> {
    store
        .events_after(b, 0, usize::MAX)
        .await
        .expect("events")
        .expect("all retained")
}

fn ids(events: &[Event]) -> Vec<u64> {
    events.iter().map(|e| e.id).collect()
}

#[tokio::test]
async fn steps_number_their_events_without_gaps_and_failed_steps_publish_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::open(&dir.path().join("q.sqlite"))
        .await
        .expect("open");
    let b = branch();
    assert_eq!(store.last_event_id(&b).await.expect("last"), 0);
    assert_eq!(
        store.events_after(&b, 0, 10).await.expect("none"),
        Some(vec![])
    );
    take(&store, &b, 10).await;
    take(&store, &b, 11).await;
    let open = WindowCommand::Open;
    store
        .set_window(&b, win(2), &open, &at(20))
        .await
        .expect("open");
    store
        .set_window(&b, win(2), &open, &at(21))
        .await
        .expect("no-op");
    assert!(store.recall(&b, win(2), &at(22)).await.is_err());
    store.call_next(&b, win(2), &at(30)).await.expect("call");
    let events = all_events(&store, &b).await;
    assert_eq!(ids(&events), [1, 2, 3, 4, 5]);
    assert_eq!(events[2].at, at(20).at);
    assert!(matches!(
        events[3].kind,
        EventKind::Called {
            recall_count: 0,
            ..
        }
    ));
    assert_eq!(
        events[4].kind,
        EventKind::QueueChanged {
            service: sid("a"),
            waiting: 1
        }
    );
    assert_eq!(store.last_event_id(&b).await.expect("last"), 5);
    let page = store.events_after(&b, 1, 2).await.expect("page");
    assert_eq!(page.as_deref().map(ids), Some(vec![2, 3]));
    assert_eq!(store.events_after(&b, 6, 10).await.expect("ahead"), None);
    store.close().await;
}

#[tokio::test]
async fn retention_prunes_the_oldest_and_a_resume_before_them_must_resync() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::open_with(&dir.path().join("q.sqlite"), 3)
        .await
        .expect("open");
    let b = branch();
    for secs in 10..15 {
        take(&store, &b, secs).await;
    }
    let after = |n| store.events_after(&b, n, 10);
    assert_eq!(after(0).await.expect("read"), None);
    assert_eq!(after(1).await.expect("read"), None);
    assert_eq!(
        after(2).await.expect("read").as_deref().map(ids),
        Some(vec![3, 4, 5])
    );
    assert_eq!(
        after(4).await.expect("read").as_deref().map(ids),
        Some(vec![5])
    );
    assert_eq!(after(5).await.expect("read"), Some(vec![]));
    assert_eq!(after(6).await.expect("read"), None);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM live_events")
        .fetch_one(&store.pool)
        .await
        .expect("count");
    assert_eq!(rows, 3);
    store.close().await;
}

#[tokio::test]
async fn a_reopened_store_continues_the_ids_and_keeps_the_retained_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("q.sqlite");
    let b = branch();
    let store = MemoryStore::open_with(&path, 4).await.expect("open");
    for secs in 10..16 {
        take(&store, &b, secs).await;
    }
    store
        .set_window(&b, win(2), &WindowCommand::Open, &at(20))
        .await
        .expect("open");
    store.call_next(&b, win(2), &at(30)).await.expect("call");
    let before = store.events_after(&b, 5, 10).await.expect("read");
    assert_eq!(before.as_deref().map(ids), Some(vec![6, 7, 8, 9]));
    store.close().await;
    drop(store);

    let store = MemoryStore::open_with(&path, 4).await.expect("reopen");
    assert_eq!(store.last_event_id(&b).await.expect("last"), 9);
    assert_eq!(store.events_after(&b, 5, 10).await.expect("read"), before);
    assert_eq!(store.events_after(&b, 4, 10).await.expect("read"), None);
    let snapshot = store.snapshot(&b, &at(40), 10).await.expect("snapshot");
    assert_eq!(snapshot.last_event_id, 9);
    assert_eq!(ids(&snapshot.recent_calls), [8]);
    take(&store, &b, 50).await;
    assert_eq!(store.last_event_id(&b).await.expect("last"), 10);
    store.close().await;
    drop(store);

    // A smaller retention keeps the latest; the ids still continue.
    let store = MemoryStore::open_with(&path, 2).await.expect("reopen");
    let kept = store.events_after(&b, 8, 10).await.expect("read");
    assert_eq!(kept.as_deref().map(ids), Some(vec![9, 10]));
    take(&store, &b, 60).await;
    assert_eq!(store.last_event_id(&b).await.expect("last"), 11);
    store.close().await;
}

#[tokio::test]
async fn the_snapshot_shows_the_board_as_of_its_last_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::open(&dir.path().join("q.sqlite"))
        .await
        .expect("open");
    let b = branch();
    let empty = store.snapshot(&b, &at(0), 5).await.expect("snapshot");
    assert_eq!((empty.last_event_id, empty.recent_calls.len()), (0, 0));
    assert_eq!(empty.windows.len(), b.windows.len());
    for secs in 10..14 {
        take(&store, &b, secs).await;
    }
    let open = WindowCommand::Open;
    store
        .set_window(&b, win(2), &open, &at(20))
        .await
        .expect("open");
    store.call_next(&b, win(2), &at(21)).await.expect("call");
    store.recall(&b, win(2), &at(22)).await.expect("recall");
    store
        .complete_service(&b, win(2), &at(23))
        .await
        .expect_err("not serving");
    store
        .mark_no_show(&b, win(2), &at(24))
        .await
        .expect("no-show");
    store.call_next(&b, win(2), &at(25)).await.expect("call");
    let board = store.snapshot(&b, &at(30), 2).await.expect("snapshot");
    assert_eq!(
        board.last_event_id,
        store.last_event_id(&b).await.expect("last")
    );
    let recalls: Vec<u32> = board
        .recent_calls
        .iter()
        .map(|e| match e.kind {
            EventKind::Called { recall_count, .. } => recall_count,
            _ => u32::MAX,
        })
        .collect();
    assert_eq!(recalls, [1, 0], "the latest two calls, oldest first");
    assert_eq!(board.services[0].waiting, 2);
    let current = board.windows[1]
        .current
        .as_ref()
        .map(|t| t.id.number.to_string());
    assert_eq!(current.as_deref(), Some("A002"));
    store.close().await;
}

#[tokio::test]
async fn wait_events_wakes_on_the_next_step_and_times_out_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(
        MemoryStore::open(&dir.path().join("q.sqlite"))
            .await
            .expect("open"),
    );
    let b = branch();
    take(&store, &b, 10).await;
    let quick = Duration::from_millis(50);
    assert_eq!(
        store.wait_events(&b, 1, 10, quick).await.expect("wait"),
        Some(vec![])
    );
    assert_eq!(
        store.wait_events(&b, 2, 10, quick).await.expect("wait"),
        None
    );
    let ready = store.wait_events(&b, 0, 10, quick).await.expect("wait");
    assert_eq!(ready.as_deref().map(ids), Some(vec![1]));
    let waiter = {
        let (store, b) = (Arc::clone(&store), b.clone());
        tokio::spawn(async move { store.wait_events(&b, 1, 10, Duration::from_secs(10)).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    take(&store, &b, 20).await;
    let woke = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken before its time-out")
        .expect("task")
        .expect("wait");
    assert_eq!(woke.as_deref().map(ids), Some(vec![2]));
    store.close().await;
}
