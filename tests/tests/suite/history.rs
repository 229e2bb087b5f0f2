//! The history buffer of the live stores (store/mod.rs, "History buffer"), driven on the
//! store itself rather than through the service, whose recorder would drain the buffer
//! under the test: every step that ends a leg appends exactly its entry, in the same step;
//! refused steps append nothing; an acknowledgement removes exactly what it names.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use queuecall::domain::{
    BranchId, Channel, NewTicket, Phone, PriorityClass, ServiceId, TicketId, WindowCommand,
    WindowNo,
};
use queuecall::hall::Branch;
use queuecall::redis_link::Target;
use queuecall::store::memory::MemoryStore;
use queuecall::store::redis::RedisStore;
use queuecall::store::{Buffered, HistoryEntry, Outcome, QueueStore};
use queuecall_tests::*;

/// A store of the test's own, opened directly, and the test branch (shared with
/// `suite/reminders.rs`, which drives the reminder buffer the same way).
pub(super) struct Opened {
    pub(super) store: Arc<dyn QueueStore>,
    pub(super) branch: Arc<Branch>,
    _dir: Option<tempfile::TempDir>,
    redis: Option<(String, String)>,
}

impl Drop for Opened {
    fn drop(&mut self) {
        let Some((url, prefix)) = self.redis.take() else {
            return;
        };
        let Ok(keys) = redis_keys(&url, &prefix) else {
            return;
        };
        let Ok(client) = redis::Client::open(url.as_str()) else {
            return;
        };
        if let Ok(mut con) = client.get_connection() {
            for chunk in keys.chunks(500) {
                let _: Result<u64, _> = redis::cmd("UNLINK").arg(chunk).query(&mut con);
            }
        }
    }
}

async fn open(kind: StoreKind) -> anyhow::Result<Opened> {
    open_store(kind, "history").await
}

/// Opens a store of `kind`; a Redis store gets a key prefix of its own, `qct-{label}-…`.
pub(super) async fn open_store(kind: StoreKind, label: &str) -> anyhow::Result<Opened> {
    open_store_with(kind, label, false).await
}

/// As [`open_store`], with a store that appends a called reminder intent on a recall when
/// `remind_on_recall` (`sms.remind_on_recall`).
pub(super) async fn open_store_with(
    kind: StoreKind,
    label: &str,
    remind_on_recall: bool,
) -> anyhow::Result<Opened> {
    let hall = queuecall::hall::file::load(&hall_file())?;
    let branch = hall
        .branch(&BranchId::parse("branch", BRANCH)?)
        .cloned()
        .expect("the test hall has the test branch");
    Ok(match kind {
        StoreKind::Embedded => {
            let dir = tempfile::tempdir()?;
            let store = MemoryStore::open(&dir.path().join("queue.sqlite"))
                .await?
                .with_remind_on_recall(remind_on_recall);
            Opened {
                store: Arc::new(store),
                branch,
                _dir: Some(dir),
                redis: None,
            }
        }
        StoreKind::RedisCluster => {
            let target = Target::new(&redis_cluster().url(), true)?;
            let prefix = format!(
                "qct-{label}-{}-{}",
                std::process::id(),
                Utc::now().timestamp_nanos_opt().unwrap_or_default()
            );
            let store = RedisStore::open(&target, &prefix)
                .await?
                .with_remind_on_recall(remind_on_recall);
            Opened {
                store: Arc::new(store),
                branch,
                _dir: None,
                redis: None,
            }
        }
        StoreKind::Redis => {
            let url = test_redis_url();
            require_redis(&url).await;
            let prefix = format!(
                "qct-{label}-{}-{}",
                std::process::id(),
                Utc::now().timestamp_nanos_opt().unwrap_or_default()
            );
            let store = RedisStore::new(&url, &prefix)
                .await?
                .with_remind_on_recall(remind_on_recall);
            Opened {
                store: Arc::new(store),
                branch,
                _dir: None,
                redis: Some((url, prefix)),
            }
        }
    })
}

/// 09:00 of the test day in Shanghai plus `minutes`.
pub(super) fn at(minutes: i64) -> DateTime<Utc> {
    start_of_test_day() + Duration::minutes(minutes)
}

pub(super) fn window(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("a window number")
}

pub(super) fn service(id: &str) -> ServiceId {
    ServiceId::parse("service", id).expect("a service id")
}

impl Opened {
    pub(super) fn now(&self, minutes: i64) -> queuecall::domain::Now {
        self.branch.now(at(minutes))
    }

    async fn take(&self, svc: &str, priority: PriorityClass, minutes: i64) -> TicketId {
        self.issue(svc, priority, None, minutes).await
    }

    /// Takes a kiosk ticket of `svc` at `minutes`.
    pub(super) async fn issue(
        &self,
        svc: &str,
        priority: PriorityClass,
        phone: Option<Phone>,
        minutes: i64,
    ) -> TicketId {
        let new = NewTicket {
            service: service(svc),
            priority,
            channel: Channel::Kiosk,
            phone,
            idempotency_key: None,
        };
        let issued = self
            .store
            .take_ticket(&self.branch, &new, &self.now(minutes))
            .await
            .expect("take");
        issued.view.ticket.id
    }

    pub(super) async fn open_window(&self, n: u32) {
        self.store
            .set_window(&self.branch, window(n), &WindowCommand::Open, &self.now(0))
            .await
            .expect("open");
    }

    pub(super) async fn call(&self, n: u32, minutes: i64) -> TicketId {
        let called = self
            .store
            .call_next(&self.branch, window(n), &self.now(minutes))
            .await
            .expect("call");
        called.expect("a ticket waits").ticket.id
    }

    async fn pending(&self) -> Vec<Buffered> {
        self.store
            .history_pending(&self.branch, 100)
            .await
            .expect("pending")
    }

    async fn entries(&self) -> Vec<HistoryEntry> {
        self.pending().await.into_iter().map(|b| b.entry).collect()
    }
}

/// The entry expected of a leg, with the facts every test here shares.
#[allow(clippy::too_many_arguments)]
fn expected(
    ticket: &TicketId,
    leg: u32,
    svc: &str,
    outcome: Outcome,
    window_no: Option<u32>,
    times: (i64, Option<i64>, Option<i64>, i64),
    counts: (u32, u32),
) -> HistoryEntry {
    let (entered, called, started, ended) = times;
    HistoryEntry {
        ticket: ticket.clone(),
        leg,
        service: service(svc),
        priority: PriorityClass::Normal,
        channel: Channel::Kiosk,
        outcome,
        window: window_no.map(window),
        entered_at: at(entered),
        called_at: called.map(at),
        started_at: started.map(at),
        ended_at: at(ended),
        recall_count: counts.0,
        requeue_count: counts.1,
    }
}

pub async fn every_final_transition_appends_its_entry_in_the_same_step(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let normal = PriorityClass::Normal;
    let a1 = s.take(SOCIAL, normal, 0).await;
    let a2 = s.take(SOCIAL, normal, 0).await;
    let a3 = s.take(SOCIAL, normal, 0).await;
    let a4 = s.take(SOCIAL, normal, 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    let b = &s.branch;
    let w = window(WINDOW_SOCIAL);
    assert!(
        s.pending().await.is_empty(),
        "taking and opening end no leg"
    );

    // A001: called 09:01, recalled, started 09:02, done 09:05.
    s.call(WINDOW_SOCIAL, 1).await;
    s.store.recall(b, w, &s.now(1)).await?;
    s.store.start_service(b, w, &s.now(2)).await?;
    assert!(
        s.pending().await.is_empty(),
        "calling and starting end no leg"
    );
    s.store.complete_service(b, w, &s.now(5)).await?;
    // A002: called 09:06, no-show 09:07.
    s.call(WINDOW_SOCIAL, 6).await;
    s.store.mark_no_show(b, w, &s.now(7)).await?;
    // A003: cancelled while waiting, 09:08.
    s.store.cancel_ticket(b, &a3, &s.now(8)).await?;
    // A004 still waits when the day ends; the next morning it expires.
    let tomorrow = s.branch.now(at(24 * 60));
    assert_eq!(s.store.expire_past_days(b, &tomorrow).await?, 1);

    let entries = s.entries().await;
    let social = Some(WINDOW_SOCIAL);
    assert_eq!(
        entries,
        vec![
            expected(
                &a1,
                0,
                SOCIAL,
                Outcome::Done,
                social,
                (0, Some(1), Some(2), 5),
                (1, 0)
            ),
            expected(
                &a2,
                0,
                SOCIAL,
                Outcome::NoShow,
                social,
                (0, Some(6), None, 7),
                (0, 0)
            ),
            expected(
                &a3,
                0,
                SOCIAL,
                Outcome::Cancelled,
                None,
                (0, None, None, 8),
                (0, 0)
            ),
            expected(
                &a4,
                0,
                SOCIAL,
                Outcome::Expired,
                None,
                (0, None, None, 24 * 60),
                (0, 0)
            ),
        ]
    );
    Ok(())
}

pub async fn a_transfer_ends_the_leg_and_the_next_leg_starts_at_the_transfer(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let a1 = s.take(SOCIAL, PriorityClass::Normal, 0).await;
    let a2 = s.take(SOCIAL, PriorityClass::Normal, 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    s.open_window(WINDOW_TAX).await;
    let b = &s.branch;
    let (social, tax) = (window(WINDOW_SOCIAL), window(WINDOW_TAX));

    // A001: served at window 4 from 09:02, transferred to tax at 09:04; called there 09:10,
    // started 09:11, done 09:15.
    s.call(WINDOW_SOCIAL, 1).await;
    s.store.start_service(b, social, &s.now(2)).await?;
    s.store
        .transfer(b, social, &service(TAX), false, &s.now(4))
        .await?;
    s.call(WINDOW_TAX, 10).await;
    s.store.start_service(b, tax, &s.now(11)).await?;
    s.store.complete_service(b, tax, &s.now(15)).await?;
    // A002: called at 09:16 and transferred before being served, at 09:17; its start of
    // service is none (A001's earlier start is not A002's, and a leg never borrows one).
    s.call(WINDOW_SOCIAL, 16).await;
    s.store
        .transfer(b, social, &service(TAX), true, &s.now(17))
        .await?;

    let entries = s.entries().await;
    let (w4, w5) = (Some(WINDOW_SOCIAL), Some(WINDOW_TAX));
    assert_eq!(
        entries,
        vec![
            expected(
                &a1,
                0,
                SOCIAL,
                Outcome::Transferred,
                w4,
                (0, Some(1), Some(2), 4),
                (0, 0)
            ),
            expected(
                &a1,
                1,
                TAX,
                Outcome::Done,
                w5,
                (4, Some(10), Some(11), 15),
                (0, 0)
            ),
            expected(
                &a2,
                0,
                SOCIAL,
                Outcome::Transferred,
                w4,
                (0, Some(16), None, 17),
                (0, 0)
            ),
        ]
    );
    Ok(())
}

pub async fn a_requeued_no_show_ends_its_leg_again_with_a_higher_requeue_count(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let a1 = s.take(SOCIAL, PriorityClass::Normal, 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    s.open_window(WINDOW_STRICT).await;
    let b = &s.branch;

    // Called at window 4 at 09:01, no-show 09:03, requeued 09:04, called again at window 1
    // at 09:05 (its first call stays 09:01), started 09:06, done 09:09.
    s.call(WINDOW_SOCIAL, 1).await;
    s.store
        .mark_no_show(b, window(WINDOW_SOCIAL), &s.now(3))
        .await?;
    s.store.requeue(b, &a1, &s.now(4)).await?;
    s.call(WINDOW_STRICT, 5).await;
    s.store
        .start_service(b, window(WINDOW_STRICT), &s.now(6))
        .await?;
    s.store
        .complete_service(b, window(WINDOW_STRICT), &s.now(9))
        .await?;

    let entries = s.entries().await;
    assert_eq!(
        entries,
        vec![
            expected(
                &a1,
                0,
                SOCIAL,
                Outcome::NoShow,
                Some(WINDOW_SOCIAL),
                (0, Some(1), None, 3),
                (0, 0)
            ),
            expected(
                &a1,
                0,
                SOCIAL,
                Outcome::Done,
                Some(WINDOW_STRICT),
                (0, Some(1), Some(6), 9),
                (0, 1)
            ),
        ]
    );
    Ok(())
}

pub async fn refused_steps_append_no_history(kind: StoreKind) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let a1 = s.take(SOCIAL, PriorityClass::Normal, 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    let b = &s.branch;
    let w = window(WINDOW_SOCIAL);
    assert!(s.store.complete_service(b, w, &s.now(1)).await.is_err());
    assert!(s.store.mark_no_show(b, w, &s.now(1)).await.is_err());
    s.call(WINDOW_SOCIAL, 1).await;

    // Each of these is refused: the ticket is CALLED, not WAITING or SERVING; the target is
    // its own service; nothing of a past day waits.
    assert!(s.store.cancel_ticket(b, &a1, &s.now(2)).await.is_err());
    assert!(s.store.complete_service(b, w, &s.now(2)).await.is_err());
    assert!(
        s.store
            .transfer(b, w, &service(SOCIAL), false, &s.now(2))
            .await
            .is_err()
    );
    assert!(
        s.store.requeue(b, &a1, &s.now(2)).await.is_ok(),
        "requeue ends no leg"
    );
    assert_eq!(s.store.expire_past_days(b, &s.now(3)).await?, 0);
    assert!(s.store.cancel_ticket(b, &a1, &s.now(4)).await.is_ok());

    let entries = s.entries().await;
    assert_eq!(entries.len(), 1, "only the cancel ended a leg: {entries:?}");
    assert_eq!(entries[0].outcome, Outcome::Cancelled);
    assert_eq!(entries[0].requeue_count, 1);
    Ok(())
}

pub async fn ack_removes_exactly_the_acknowledged_entries(kind: StoreKind) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let mut ids = Vec::new();
    for minute in 0..3 {
        ids.push(s.take(SOCIAL, PriorityClass::Normal, minute).await);
    }
    for (i, id) in ids.iter().enumerate() {
        s.store
            .cancel_ticket(&s.branch, id, &s.now(10 + i as i64))
            .await?;
    }
    let b = &s.branch;

    let first_two = s.store.history_pending(b, 2).await?;
    let all = s.pending().await;
    assert_eq!(first_two.len(), 2, "the limit holds");
    assert_eq!(&all[..2], &first_two[..], "oldest first");
    assert_eq!(all.len(), 3);
    let acked: Vec<String> = first_two.iter().map(|e| e.id.clone()).collect();
    assert_eq!(s.store.history_ack(b, &acked).await?, 2);
    assert_eq!(
        s.store.history_ack(b, &acked).await?,
        0,
        "a second ack finds nothing"
    );

    let left = s.pending().await;
    assert_eq!(left, vec![all[2].clone()], "the unacknowledged entry stays");
    assert_eq!(left[0].entry.ticket, ids[2]);
    assert_eq!(s.store.history_ack(b, &[left[0].id.clone()]).await?, 1);
    assert!(s.pending().await.is_empty());
    Ok(())
}
