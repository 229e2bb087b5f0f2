//! Reading the board: events after an id (with gaps told after trimming), waiting for the
//! next on a connection of its own, and the snapshot.

use std::sync::Arc;
use std::time::Instant;

use super::*;
use PriorityClass::Normal;

fn ids(events: &Option<Vec<Event>>) -> Option<Vec<u64>> {
    events.as_ref().map(|e| e.iter().map(|e| e.id).collect())
}

#[tokio::test]
async fn an_empty_log_reads_as_nothing_yet() {
    let f = fixture().await;
    let b = &f.branch;
    assert_eq!(f.store.last_event_id(b).await.expect("last"), 0);
    let none = f.store.events_after(b, 0, 10).await.expect("after 0");
    assert_eq!(ids(&none), Some(vec![]));
    let ahead = f.store.events_after(b, 3, 10).await.expect("after 3");
    assert_eq!(
        ids(&ahead),
        None,
        "an id above the last one: the log was reset"
    );
    let snapshot = f
        .store
        .snapshot(b, &at(0, 9, 0, 0), 10)
        .await
        .expect("snap");
    assert_eq!(snapshot.last_event_id, 0);
    assert!(snapshot.recent_calls.is_empty());
    let waited = f.store.wait_events(b, 0, 10, Duration::ZERO).await;
    assert_eq!(ids(&waited.expect("no wait")), Some(vec![]));
}

#[tokio::test]
async fn redis_out_of_reach_is_unavailable_for_the_board_too() {
    let store = RedisStore::new("redis://127.0.0.1:1", "qcsmoke-down")
        .await
        .expect("store");
    let f = fixture().await;
    let b = &f.branch;
    let wait = store
        .wait_events(b, 0, 10, Duration::from_millis(100))
        .await;
    assert!(matches!(wait, Err(QueueError::Unavailable(_))), "{wait:?}");
    let last = store.last_event_id(b).await;
    assert!(matches!(last, Err(QueueError::Unavailable(_))), "{last:?}");
}

#[tokio::test]
async fn events_after_tells_a_trimmed_gap() {
    let f = fixture_keeping(10).await;
    let (b, w, now) = (&f.branch, win(1), at(0, 9, 0, 0));
    for _ in 0..200 {
        for command in [WindowCommand::Open, WindowCommand::Close] {
            f.store.set_window(b, w, &command, &now).await.expect("set");
        }
    }
    let last = f.store.last_event_id(b).await.expect("last");
    assert_eq!(last, 400);
    // MAXLEN ~ trims whole stream nodes: find the oldest retained entry.
    let mut con = redis::Client::open(url())
        .and_then(|c| c.get_connection())
        .expect("redis");
    let key = super::super::keys::events(&f.store.prefix(b));
    let len: usize = redis::cmd("XLEN").arg(&key).query(&mut con).expect("xlen");
    assert!((10..400).contains(&len), "trimmed to about 10, kept {len}");
    let oldest = last - len as u64 + 1;

    let from_start = f.store.events_after(b, 0, 10).await.expect("after 0");
    assert_eq!(ids(&from_start), None, "event 1 is gone");
    let too_old = f.store.events_after(b, oldest - 2, 10).await.expect("gap");
    assert_eq!(ids(&too_old), None, "event {} is gone", oldest - 1);
    let first = f.store.events_after(b, oldest - 1, 3).await.expect("first");
    assert_eq!(ids(&first), Some(vec![oldest, oldest + 1, oldest + 2]));
    let tail = f.store.events_after(b, 397, 10).await.expect("tail");
    assert_eq!(ids(&tail), Some(vec![398, 399, 400]));
    let at_last = f.store.events_after(b, 400, 10).await.expect("at last");
    assert_eq!(ids(&at_last), Some(vec![]));
    let beyond = f.store.events_after(b, 401, 10).await.expect("beyond");
    assert_eq!(ids(&beyond), None);
    let zero = f.store.events_after(b, 398, 0).await.expect("max 0");
    assert_eq!(ids(&zero), Some(vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_events_wakes_on_a_step_and_ends_empty_after_the_wait() {
    let f = Arc::new(fixture().await);
    let now = at(0, 9, 0, 0);
    f.take("a", Normal, &now).await;

    // Another replica takes a ticket while this one waits; the shared connection of this one
    // keeps answering meanwhile.
    let other = RedisStore::new(&url(), &f.key_prefix).await.expect("other");
    let taker = {
        let f = Arc::clone(&f);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let started = Instant::now();
            let windows = f.store.windows(&f.branch).await.expect("windows");
            assert_eq!(windows.len(), 4);
            let shared = started.elapsed();
            other
                .take_ticket(&f.branch, &new("b", Normal), &now)
                .await
                .expect("take");
            shared
        })
    };
    let started = Instant::now();
    let woke = f
        .store
        .wait_events(&f.branch, 1, 10, Duration::from_secs(10))
        .await;
    let waited = started.elapsed();
    let woke = woke.expect("wait").expect("no gap");
    assert_eq!(woke.len(), 1);
    assert_eq!(woke[0].id, 2);
    assert_eq!(
        woke[0].kind,
        EventKind::QueueChanged {
            service: sid("b"),
            waiting: 1
        }
    );
    assert!(waited < Duration::from_secs(3), "woke after {waited:?}");
    let shared = taker.await.expect("taker");
    assert!(shared < Duration::from_secs(1), "a read waited {shared:?}");

    // Something already there comes at once; nothing new ends empty after about the wait.
    let ready = f
        .store
        .wait_events(&f.branch, 0, 10, Duration::from_secs(10));
    assert_eq!(ids(&ready.await.expect("ready")), Some(vec![1, 2]));
    let started = Instant::now();
    let empty = f
        .store
        .wait_events(&f.branch, 2, 10, Duration::from_millis(300));
    assert_eq!(ids(&empty.await.expect("empty")), Some(vec![]));
    let waited = started.elapsed();
    assert!(
        (Duration::from_millis(250)..Duration::from_secs(3)).contains(&waited),
        "waited {waited:?}"
    );
}

#[tokio::test]
async fn a_snapshot_is_the_board_as_of_its_last_event() {
    let f = fixture().await;
    let (b, now) = (&f.branch, at(0, 9, 0, 0));
    for _ in 0..4 {
        f.take("a", Normal, &now).await;
    }
    f.take("b", Normal, &now).await;
    f.open(1).await;
    f.open(2).await;
    f.next(1, &now).await; // A001
    f.store.recall(b, win(1), &now).await.expect("recall");
    f.next(2, &now).await; // B001: issued in the same instant, lower number
    f.finish(2, &now).await;
    f.next(2, &now).await; // A002
    let pause = WindowCommand::Pause {
        reason: "break".into(),
    };
    f.store
        .set_window(b, win(2), &pause, &now)
        .await
        .expect("pause");

    let snapshot = f.store.snapshot(b, &now, 3).await.expect("snapshot");
    assert_eq!(
        snapshot.last_event_id,
        f.store.last_event_id(b).await.expect("last")
    );
    assert_eq!(snapshot.windows, f.store.windows(b).await.expect("windows"));
    assert_eq!(
        snapshot.services,
        f.store.services(b, &now).await.expect("services")
    );
    let calls: Vec<(String, u32)> = snapshot
        .recent_calls
        .iter()
        .map(|e| match &e.kind {
            EventKind::Called {
                ticket,
                recall_count,
                ..
            } => (ticket.number.to_string(), *recall_count),
            other => panic!("not a call: {other:?}"),
        })
        .collect();
    assert_eq!(
        calls,
        [("A001".into(), 1), ("B001".into(), 0), ("A002".into(), 0)]
    );
    let all = f
        .store
        .events_after(b, 0, 100)
        .await
        .expect("all")
        .expect("kept");
    assert_eq!(all.last().map(|e| e.id), Some(snapshot.last_event_id));
    let none = f.store.snapshot(b, &now, 0).await.expect("no calls");
    assert!(none.recent_calls.is_empty());
}
