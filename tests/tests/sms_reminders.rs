//! The reminder relay: intents found by the embedded store's queue steps reach the outbox
//! once, rendered with the branch's templates, and are acknowledged only after the commit;
//! each call of a ticket is a reminder of its own (`<ticket id>#<n>`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use queuecall::clock::ManualClock;
use queuecall::domain::{BranchId, Channel, NewTicket, Phone, PriorityClass, ServiceId};
use queuecall::domain::{Now, TicketId, WindowCommand, WindowNo};
use queuecall::hall::{Branch, HallHandle};
use queuecall::records::Db;
use queuecall::records::outbox::{SmsKind, claim, enqueue};
use queuecall::sms::reminders::{Relay, message};
use queuecall::sms::templates::Templates;
use queuecall::store::QueueStore;
use queuecall::store::memory::MemoryStore;
use queuecall_tests::*;

/// An embedded store, the test branch and a relay from the store into `db`'s outbox.
struct Setup {
    db: Db,
    store: Arc<dyn QueueStore>,
    branch: Arc<Branch>,
    relay: Relay,
    now: DateTime<Utc>,
    _dir: tempfile::TempDir,
    /// Dropping it drops the database.
    _database: TestDatabase,
}

impl Setup {
    async fn new(database: TestDatabase) -> anyhow::Result<Self> {
        let db: Db = database.migrated().await?;
        let dir = tempfile::tempdir()?;
        let store: Arc<dyn QueueStore> =
            Arc::new(MemoryStore::open(&dir.path().join("queue.sqlite")).await?);
        let hall = queuecall::hall::file::load(&hall_file())?;
        let branch = hall
            .branch(&BranchId::parse("branch", BRANCH)?)
            .cloned()
            .expect("the test branch");
        let now = start_of_test_day();
        let relay = Relay::new(
            Arc::clone(&store),
            db.clone(),
            Arc::new(HallHandle::new(hall)),
            Arc::new(Templates::defaults()),
            Arc::new(ManualClock::new(now)),
        );
        Ok(Self {
            db,
            store,
            branch,
            relay,
            now,
            _dir: dir,
            _database: database,
        })
    }

    fn today(&self) -> Now {
        self.branch.now(self.now)
    }

    /// Takes a social-security kiosk ticket with the phone 1380000000`d`.
    async fn take(&self, d: u32) -> anyhow::Result<TicketId> {
        let new = NewTicket {
            service: ServiceId::parse("service", SOCIAL)?,
            priority: PriorityClass::Normal,
            channel: Channel::Kiosk,
            phone: Some(Phone::parse("phone", &format!("1380000000{d}"))?),
            idempotency_key: None,
        };
        let issued = self
            .store
            .take_ticket(&self.branch, &new, &self.today())
            .await?;
        Ok(issued.view.ticket.id)
    }

    async fn open_social(&self) -> anyhow::Result<WindowNo> {
        let w = WindowNo::parse("window", WINDOW_SOCIAL)?;
        self.store
            .set_window(&self.branch, w, &WindowCommand::Open, &self.today())
            .await?;
        Ok(w)
    }
}

async fn relay_moves_intents_to_the_outbox_once(database: TestDatabase) -> anyhow::Result<()> {
    let s = Setup::new(database).await?;
    for d in 1..=4 {
        s.take(d).await?;
    }
    let w = s.open_social().await?;
    s.store.call_next(&s.branch, w, &s.today()).await?;

    assert_eq!(
        s.relay.drain().await?,
        2,
        "turn near of A004, called of A001"
    );
    assert!(
        s.store.reminders_pending(&s.branch, 10).await?.is_empty(),
        "acknowledged"
    );
    assert_eq!(s.relay.drain().await?, 0);

    let mut claimed = claim(&s.db, s.now, 10, std::time::Duration::from_secs(60)).await?;
    claimed.sort_by_key(|c| c.kind.as_str());
    assert_eq!(claimed.len(), 2);
    assert_eq!(claimed[0].kind, SmsKind::Called);
    assert!(claimed[0].subject.ends_with("A001#1"));
    assert_eq!(claimed[0].phone, "13800000001");
    assert_eq!(
        claimed[0].body,
        format!("【{}】请A001号到{WINDOW_SOCIAL}号窗口办理。", s.branch.name)
    );
    assert!(claimed[0].urgent);
    assert_eq!(claimed[1].kind, SmsKind::TurnNear);
    assert!(claimed[1].subject.ends_with("A004"));
    assert!(
        claimed[1].body.contains("您的A004号前面还有3人"),
        "{}",
        claimed[1].body
    );
    Ok(())
}

async fn a_ticket_called_again_after_a_requeue_gets_a_second_called_sms(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let s = Setup::new(database).await?;
    let a1 = s.take(1).await?;
    let w = s.open_social().await?;
    let (b, today) = (&s.branch, s.today());
    s.store.call_next(b, w, &today).await?;
    s.store.mark_no_show(b, w, &today).await?;
    s.store.requeue(b, &a1, &today).await?;
    s.store.call_next(b, w, &today).await?;
    let pending = s.store.reminders_pending(b, 10).await?;

    assert_eq!(s.relay.drain().await?, 2, "both calls of A001");
    // A relay that crashed between its commit and its acknowledgement enqueues the same
    // intents again: the outbox keeps one row of each call.
    let templates = Templates::defaults();
    for intent in &pending {
        let again = message(&templates, b, intent, s.now);
        assert!(
            !enqueue(&s.db, &again, s.now).await?,
            "{} again",
            again.subject
        );
    }

    let mut claimed = claim(&s.db, s.now, 10, std::time::Duration::from_secs(60)).await?;
    claimed.sort_by(|x, y| x.subject.cmp(&y.subject));
    let subjects: Vec<(&str, SmsKind)> = claimed
        .iter()
        .map(|c| (c.subject.as_str(), c.kind))
        .collect();
    assert_eq!(
        subjects,
        [
            (format!("{a1}#1").as_str(), SmsKind::Called),
            (format!("{a1}#2").as_str(), SmsKind::Called),
        ]
    );
    for c in &claimed {
        assert_eq!(
            c.body,
            format!("【{}】请A001号到{WINDOW_SOCIAL}号窗口办理。", b.name)
        );
    }
    Ok(())
}

on_both_engines!(
    relay_moves_intents_to_the_outbox_once,
    a_ticket_called_again_after_a_requeue_gets_a_second_called_sms,
);
