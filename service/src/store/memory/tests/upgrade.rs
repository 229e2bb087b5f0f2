//! A queue file written before called reminders were numbered: opening it adds the column,
//! its pending intents keep their old subject, and new calls are numbered, also across a
//! restart.

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::domain::PriorityClass::Normal;
use crate::domain::{Phone, WindowCommand};
use crate::store::QueueStore;
use crate::store::memory::MemoryStore;

use super::{at, branch, new_ticket, win};

/// `live_reminders` as it was before `call_no`, with one pending called intent.
const OLD_FILE: &str = "
CREATE TABLE live_reminders (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    branch    TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    ticket_id TEXT    NOT NULL,
    service   TEXT    NOT NULL,
    phone     TEXT    NOT NULL,
    ahead     INTEGER NOT NULL,
    window_no INTEGER
) STRICT;
INSERT INTO live_reminders (branch, kind, ticket_id, service, phone, ahead, window_no)
VALUES ('test-branch', 'called', 'test-branch.20261127.A009', 'a', '13812341234', 0, 1);
";

#[tokio::test]
async fn an_older_file_keeps_its_pending_intents_and_numbers_new_calls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue.sqlite");
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut old = SqliteConnection::connect_with(&options)
        .await
        .expect("create");
    sqlx::raw_sql(OLD_FILE)
        .execute(&mut old)
        .await
        .expect("old shape");
    old.close().await.expect("close");

    let b = branch();
    let store = MemoryStore::open(&path).await.expect("open the older file");
    let pending = store.reminders_pending(&b, 10).await.expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].intent.call, None, "buffered before numbering");
    assert_eq!(pending[0].intent.subject(), "test-branch.20261127.A009");

    let mut with_phone = new_ticket("a", Normal, None);
    with_phone.phone = Some(Phone::parse("phone", "13812341234").expect("phone"));
    let taken = store
        .take_ticket(&b, &with_phone, &at(10))
        .await
        .expect("take");
    let id = taken.view.ticket.id;
    store
        .set_window(&b, win(1), &WindowCommand::Open, &at(20))
        .await
        .expect("open");
    store.call_next(&b, win(1), &at(30)).await.expect("call");
    store.close().await;

    // Reopened: the count of the ticket's calls is in the file.
    let store = MemoryStore::open(&path).await.expect("reopen");
    store
        .mark_no_show(&b, win(1), &at(40))
        .await
        .expect("no-show");
    store.requeue(&b, &id, &at(40)).await.expect("requeue");
    store
        .call_next(&b, win(1), &at(50))
        .await
        .expect("call again");
    let subjects: Vec<String> = store
        .reminders_pending(&b, 10)
        .await
        .expect("pending")
        .into_iter()
        .map(|p| p.intent.subject())
        .collect();
    assert_eq!(
        subjects,
        [
            "test-branch.20261127.A009".to_owned(),
            format!("{id}#1"),
            format!("{id}#2"),
        ]
    );
}
