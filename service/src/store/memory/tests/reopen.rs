//! The store on a real SQLite file: everything survives a restart, and a failed write
//! changes nothing.

use crate::domain::PriorityClass::{GreenChannel, Normal};
use crate::domain::{Phone, TicketState, WindowCommand, WindowState};
use crate::error::QueueError;
use crate::store::QueueStore;
use crate::store::memory::MemoryStore;

use super::{at, branch, new_ticket, sid, win};

async fn snapshot(store: &MemoryStore) -> super::super::load::Branches {
    store.committed.lock().await.clone()
}

#[tokio::test]
async fn a_reopened_store_has_every_ticket_window_counter_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/dir/queue.sqlite");
    let b = branch();
    let store = MemoryStore::open(&path).await.expect("open a new file");
    let mut with_phone = new_ticket("a", Normal, Some("retry-1"));
    with_phone.phone = Some(Phone::parse("phone", "13812341234").expect("phone"));
    store
        .take_ticket(&b, &with_phone, &at(10))
        .await
        .expect("take");
    for (i, priority) in [Normal, GreenChannel, Normal, Normal]
        .into_iter()
        .enumerate()
    {
        let secs = 20 + i64::try_from(i).expect("small");
        store
            .take_ticket(&b, &new_ticket("a", priority, None), &at(secs))
            .await
            .expect("take");
    }
    store
        .take_ticket(&b, &new_ticket("b", Normal, None), &at(30))
        .await
        .expect("take");
    for n in [1, 2, 3] {
        store
            .set_window(&b, win(n), &WindowCommand::Open, &at(40))
            .await
            .expect("open");
    }
    let pause = WindowCommand::Pause {
        reason: "meeting".into(),
    };
    store
        .set_window(&b, win(3), &pause, &at(41))
        .await
        .expect("pause");
    let served = store
        .call_next(&b, win(1), &at(50))
        .await
        .expect("call")
        .expect("one waits");
    store
        .start_service(&b, win(1), &at(60))
        .await
        .expect("start");
    store
        .complete_service(&b, win(1), &at(90))
        .await
        .expect("complete");
    let missed = store
        .call_next(&b, win(1), &at(100))
        .await
        .expect("call")
        .expect("one waits");
    store
        .mark_no_show(&b, win(1), &at(110))
        .await
        .expect("no-show");
    store
        .requeue(&b, &missed.ticket.id, &at(120))
        .await
        .expect("requeue");
    let held = store
        .call_next(&b, win(2), &at(130))
        .await
        .expect("call")
        .expect("one waits");
    store
        .transfer(&b, win(2), &sid("b"), true, &at(140))
        .await
        .expect("transfer");
    store
        .call_next(&b, win(2), &at(150))
        .await
        .expect("call")
        .expect("one waits");
    let before = snapshot(&store).await;
    let waiting_before = store
        .list_waiting(&b, &sid("a"), &at(160))
        .await
        .expect("list");
    store.close().await;
    drop(store);

    let store = MemoryStore::open(&path).await.expect("reopen");
    assert_eq!(snapshot(&store).await, before, "the whole state survives");
    let waiting = store
        .list_waiting(&b, &sid("a"), &at(160))
        .await
        .expect("list");
    assert_eq!(waiting, waiting_before);
    assert_eq!(waiting.len(), 2);
    let done = store.get_ticket(&b, &served.ticket.id).await.expect("get");
    assert_eq!(done.ticket.state, TicketState::Done);
    assert_eq!(done.avg_service_ms, Some(30_000));
    let first = store.get_ticket(&b, &with_phone_id(&b)).await.expect("get");
    assert_eq!(
        first.ticket.phone.as_ref().map(Phone::digits),
        Some("13812341234")
    );
    let moved = store.get_ticket(&b, &held.ticket.id).await.expect("get");
    assert_eq!(moved.ticket.original_service, Some(sid("a")));
    let windows = store.windows(&b).await.expect("windows");
    assert_eq!(windows[0].state, WindowState::Open);
    let current = windows[1].current.as_ref().map(|t| t.id.number.to_string());
    assert_eq!(current.as_deref(), Some("A004"));
    assert_eq!(windows[2].pause_reason.as_deref(), Some("meeting"));
    assert_eq!(windows[3].state, WindowState::Closed);
    // The counter continues and the idempotency key still replays.
    let next = store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(170))
        .await
        .expect("take");
    assert_eq!(next.view.ticket.id.number.to_string(), "A006");
    let replay = store
        .take_ticket(&b, &with_phone, &at(180))
        .await
        .expect("replay");
    assert!(replay.replayed);
    assert_eq!(replay.view.ticket.id, first.ticket.id);
    store.close().await;
}

fn with_phone_id(b: &crate::hall::Branch) -> crate::domain::TicketId {
    crate::domain::TicketId {
        branch: b.id.clone(),
        day: at(10).day,
        number: crate::domain::TicketNumber::new("A", 1),
    }
}

#[tokio::test]
async fn a_failed_write_answers_unavailable_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::open(&dir.path().join("q.sqlite"))
        .await
        .expect("open");
    let b = branch();
    store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(10))
        .await
        .expect("take");
    let before = snapshot(&store).await;
    store.pool.close().await;
    let result = store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(20))
        .await;
    assert!(
        matches!(result, Err(QueueError::Unavailable(ref m)) if m.contains("sqlite")),
        "{result:?}"
    );
    assert!(matches!(
        store.ping().await,
        Err(QueueError::Unavailable(_))
    ));
    assert_eq!(snapshot(&store).await, before);
    // The failed step published nothing.
    assert_eq!(store.last_event_id(&b).await.expect("last"), 1);
    assert_eq!(
        store.events_after(&b, 1, 10).await.expect("read"),
        Some(vec![])
    );
    // Reads still answer from memory.
    assert_eq!(
        store.services(&b, &at(30)).await.expect("services")[0].waiting,
        1
    );
}

/// Many steps at once are written in shared transactions (group commit): every one is
/// answered, numbered without a gap, and in the file when the store is opened again.
#[tokio::test]
async fn concurrent_steps_are_all_written_and_numbered_without_gaps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("q.sqlite");
    let store = std::sync::Arc::new(MemoryStore::open(&path).await.expect("open"));
    let b = std::sync::Arc::new(branch());
    let takes = (0..100).map(|i| {
        let (store, b) = (std::sync::Arc::clone(&store), std::sync::Arc::clone(&b));
        tokio::spawn(async move {
            let key = format!("k{i}");
            store
                .take_ticket(&b, &new_ticket("a", Normal, Some(&key)), &at(10))
                .await
        })
    });
    let mut numbers: Vec<String> = Vec::new();
    for take in futures::future::join_all(takes).await {
        let issued = take.expect("task").expect("take");
        numbers.push(issued.view.ticket.number().to_string());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=100).map(|n| format!("A{n:03}")).collect();
    assert_eq!(numbers, expected);
    let before = snapshot(&store).await;
    store.close().await;
    let reopened = MemoryStore::open(&path).await.expect("reopen");
    assert_eq!(snapshot(&reopened).await, before);
    assert_eq!(
        reopened.services(&b, &at(20)).await.expect("services")[0].waiting,
        100
    );
}

/// A write that fails fails every step written with it or queued behind it, and nothing of
/// them stays in memory: the next step after the file is mended starts from the file.
#[tokio::test]
async fn a_failed_batch_fails_every_step_behind_it_and_the_next_starts_from_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("q.sqlite");
    let store = std::sync::Arc::new(MemoryStore::open(&path).await.expect("open"));
    let b = std::sync::Arc::new(branch());
    store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(10))
        .await
        .expect("take");
    let before = snapshot(&store).await;
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(rename("live_counters", "moved_away")))
        .execute(&store.pool)
        .await
        .expect("move the table away");
    let takes = (0..20).map(|_| {
        let (store, b) = (std::sync::Arc::clone(&store), std::sync::Arc::clone(&b));
        tokio::spawn(async move {
            store
                .take_ticket(&b, &new_ticket("a", Normal, None), &at(20))
                .await
        })
    });
    for take in futures::future::join_all(takes).await {
        let result = take.expect("task");
        assert!(
            matches!(result, Err(QueueError::Unavailable(ref m)) if m.contains("sqlite")),
            "{result:?}"
        );
    }
    assert_eq!(snapshot(&store).await, before);
    assert_eq!(store.last_event_id(&b).await.expect("last"), 1);
    sqlx::raw_sql(sqlx::AssertSqlSafe(rename("moved_away", "live_counters")))
        .execute(&store.pool)
        .await
        .expect("move the table back");
    let next = store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(30))
        .await
        .expect("take after the file is mended");
    assert_eq!(next.view.ticket.number().to_string(), "A002");
    assert_eq!(next.view.people_ahead, 1);
    store.close().await;
    let reopened = MemoryStore::open(&path).await.expect("reopen");
    assert_eq!(
        reopened.services(&b, &at(40)).await.expect("services")[0].waiting,
        2
    );
}

/// Holds the file's write lock (another writer, as a backup tool would) and, inside that
/// transaction, runs `sql`, so that the store's writer waits until [`Held::release`].
struct Held(sqlx::pool::PoolConnection<sqlx::Sqlite>);

impl Held {
    async fn take(store: &MemoryStore, sql: &str) -> Self {
        let mut conn = store.pool.acquire().await.expect("a connection");
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut *conn)
            .await
            .expect("begin");
        if !sql.is_empty() {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut *conn)
                .await
                .expect("statement under the lock");
        }
        Self(conn)
    }

    async fn release(mut self) {
        sqlx::raw_sql("COMMIT")
            .execute(&mut *self.0)
            .await
            .expect("commit");
    }
}

/// A store on a file in `dir` and the test branch, both to share with spawned steps.
async fn shared_store(
    dir: &tempfile::TempDir,
) -> (
    std::sync::Arc<MemoryStore>,
    std::sync::Arc<crate::hall::Branch>,
) {
    let store = MemoryStore::open(&dir.path().join("q.sqlite"))
        .await
        .expect("open");
    (std::sync::Arc::new(store), std::sync::Arc::new(branch()))
}

/// Starts a take with idempotency key `key`, and waits until it has been planned (its
/// change queued) without waiting for its answer.
async fn queued_take(
    store: &std::sync::Arc<MemoryStore>,
    b: &std::sync::Arc<crate::hall::Branch>,
    key: &str,
    second: i64,
) -> tokio::task::JoinHandle<crate::error::QueueResult<crate::store::Issued>> {
    let (store, b, key) = (
        std::sync::Arc::clone(store),
        std::sync::Arc::clone(b),
        key.to_owned(),
    );
    let take = tokio::spawn(async move {
        store
            .take_ticket(&b, &new_ticket("a", Normal, Some(&key)), &at(second))
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!take.is_finished(), "the take waits for the held file");
    take
}

/// A retry with the same idempotency key while the original is still being written is
/// answered only once the original is in the file: whoever the retry's answer reaches can
/// read the ticket (the answer was once given from the state ahead of the file).
#[tokio::test]
async fn a_replay_is_answered_only_once_its_original_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, b) = shared_store(&dir).await;
    let held = Held::take(&store, "").await;
    let original = queued_take(&store, &b, "kiosk-retry", 10).await;
    let retry = queued_take(&store, &b, "kiosk-retry", 11).await;
    held.release().await;
    let original = original.await.expect("task").expect("take");
    let retry = retry.await.expect("task").expect("replay");
    assert!(!original.replayed);
    assert!(retry.replayed);
    assert_eq!(retry.view.ticket.id, original.view.ticket.id);
    let read = store
        .get_ticket(&b, &retry.view.ticket.id)
        .await
        .expect("the replayed ticket is readable");
    assert_eq!(read.ticket.state, TicketState::Waiting);
}

/// When the original's write fails, a retry that replayed it is refused UNAVAILABLE too: it
/// never answers a ticket that is not in the file.
#[tokio::test]
async fn a_replay_of_a_failed_original_is_unavailable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, b) = shared_store(&dir).await;
    let held = Held::take(&store, "ALTER TABLE live_counters RENAME TO moved_away").await;
    let original = queued_take(&store, &b, "kiosk-retry", 10).await;
    let retry = queued_take(&store, &b, "kiosk-retry", 11).await;
    held.release().await;
    for take in [original, retry] {
        let result = take.await.expect("task");
        assert!(
            matches!(result, Err(QueueError::Unavailable(ref m)) if m.contains("sqlite")),
            "{result:?}"
        );
    }
    sqlx::raw_sql("ALTER TABLE moved_away RENAME TO live_counters")
        .execute(&store.pool)
        .await
        .expect("move the table back");
    let next = store
        .take_ticket(&b, &new_ticket("a", Normal, Some("kiosk-retry")), &at(20))
        .await
        .expect("take after the file is mended");
    assert!(!next.replayed, "the failed original left no key behind");
    assert_eq!(next.view.ticket.number().to_string(), "A001");
}
