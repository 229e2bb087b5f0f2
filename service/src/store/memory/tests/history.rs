//! The history buffer in the SQLite file: it survives a restart, and a file written before the
//! buffer existed is upgraded in place.

use crate::domain::PriorityClass::Normal;
use crate::domain::{TicketId, TicketState};
use crate::store::memory::MemoryStore;
use crate::store::{Outcome, QueueStore};

use super::{at, branch, new_ticket};

#[tokio::test]
async fn buffered_entries_survive_a_restart_until_acknowledged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue.sqlite");
    let b = branch();
    let store = MemoryStore::open(&path).await.expect("open");
    let taken = store
        .take_ticket(&b, &new_ticket("a", Normal, None), &at(10))
        .await
        .expect("take");
    let id = taken.view.ticket.id;
    store.cancel_ticket(&b, &id, &at(20)).await.expect("cancel");
    store.close().await;

    let store = MemoryStore::open(&path).await.expect("reopen");
    let pending = store.history_pending(&b, 10).await.expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].entry.ticket, id);
    assert_eq!(pending[0].entry.outcome, Outcome::Cancelled);
    assert_eq!(pending[0].entry.entered_at, at(10).at);
    let ids = vec![pending[0].id.clone()];
    assert_eq!(store.history_ack(&b, &ids).await.expect("ack"), 1);
    store.close().await;

    let store = MemoryStore::open(&path).await.expect("reopen again");
    assert!(
        store
            .history_pending(&b, 10)
            .await
            .expect("pending")
            .is_empty()
    );
}

/// `live_tickets` as it was before the leg columns.
const OLD_TICKETS: &str = "CREATE TABLE live_tickets (
    id TEXT PRIMARY KEY NOT NULL, branch TEXT NOT NULL, day TEXT NOT NULL,
    service TEXT NOT NULL, original_service TEXT, state TEXT NOT NULL, priority TEXT NOT NULL,
    channel TEXT NOT NULL, phone TEXT, window_no INTEGER, recall_count INTEGER NOT NULL,
    requeue_count INTEGER NOT NULL, issued_at TEXT NOT NULL, called_at TEXT, started_at TEXT,
    ended_at TEXT, queue_key REAL NOT NULL, time_key REAL NOT NULL) STRICT";

#[tokio::test]
async fn a_file_from_before_the_history_buffer_gains_the_leg_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite");
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("old file");
        sqlx::raw_sql(OLD_TICKETS)
            .execute(&pool)
            .await
            .expect("old table");
        sqlx::query(
            "INSERT INTO live_tickets VALUES ('test-branch.20261127.A001', 'test-branch', \
             '2026-11-27', 'a', NULL, 'WAITING', 'normal', 'kiosk', NULL, NULL, 0, 0, \
             '2026-11-26T16:00:10Z', NULL, NULL, NULL, 100000000010001, 10001)",
        )
        .execute(&pool)
        .await
        .expect("an old ticket");
        pool.close().await;
    }

    let b = branch();
    let store = MemoryStore::open(&path)
        .await
        .expect("open and upgrade the old file");
    let id = TicketId::parse("test-branch.20261127.A001").expect("id");
    let view = store
        .get_ticket(&b, &id)
        .await
        .expect("the old ticket loads");
    assert_eq!(view.ticket.state, TicketState::Waiting);
    store.cancel_ticket(&b, &id, &at(30)).await.expect("cancel");

    let pending = store.history_pending(&b, 10).await.expect("pending");
    assert_eq!(pending.len(), 1);
    let entry = &pending[0].entry;
    assert_eq!((entry.leg, entry.outcome), (0, Outcome::Cancelled));
    assert_eq!(
        entry.entered_at,
        at(10).at,
        "an old ticket's leg began at its issue"
    );
}
