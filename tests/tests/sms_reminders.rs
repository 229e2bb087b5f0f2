//! The reminder relay: intents found by the embedded store's queue steps reach the outbox
//! once, rendered with the branch's templates, and are acknowledged only after the commit.

use std::sync::Arc;

use queuecall::clock::ManualClock;
use queuecall::domain::{BranchId, Channel, NewTicket, Phone, PriorityClass, ServiceId};
use queuecall::domain::{WindowCommand, WindowNo};
use queuecall::hall::HallHandle;
use queuecall::records::Db;
use queuecall::records::outbox::{SmsKind, claim};
use queuecall::sms::reminders::Relay;
use queuecall::sms::templates::Templates;
use queuecall::store::QueueStore;
use queuecall::store::memory::MemoryStore;
use queuecall_tests::*;

async fn relay_moves_intents_to_the_outbox_once(database: TestDatabase) -> anyhow::Result<()> {
    let db: Db = database.migrated().await?;
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn QueueStore> =
        Arc::new(MemoryStore::open(&dir.path().join("queue.sqlite")).await?);
    let hall = queuecall::hall::file::load(&hall_file())?;
    let branch = hall
        .branch(&BranchId::parse("branch", BRANCH)?)
        .cloned()
        .expect("the test branch");
    let handle = Arc::new(HallHandle::new(hall));
    let now = start_of_test_day();
    let clock = Arc::new(ManualClock::new(now));
    let relay = Relay::new(
        Arc::clone(&store),
        db.clone(),
        handle,
        Arc::new(Templates::defaults()),
        clock,
    );
    let today = branch.now(now);
    for d in 1..=4 {
        let new = NewTicket {
            service: ServiceId::parse("service", SOCIAL)?,
            priority: PriorityClass::Normal,
            channel: Channel::Kiosk,
            phone: Some(Phone::parse("phone", &format!("1380000000{d}"))?),
            idempotency_key: None,
        };
        store.take_ticket(&branch, &new, &today).await?;
    }
    let w = WindowNo::parse("window", WINDOW_SOCIAL)?;
    store
        .set_window(&branch, w, &WindowCommand::Open, &today)
        .await?;
    store.call_next(&branch, w, &today).await?;

    assert_eq!(relay.drain().await?, 2, "turn near of A004, called of A001");
    assert!(
        store.reminders_pending(&branch, 10).await?.is_empty(),
        "acknowledged"
    );
    assert_eq!(relay.drain().await?, 0);

    let mut claimed = claim(&db, now, 10, std::time::Duration::from_secs(60)).await?;
    claimed.sort_by_key(|c| c.kind.as_str());
    assert_eq!(claimed.len(), 2);
    assert_eq!(claimed[0].kind, SmsKind::Called);
    assert!(claimed[0].subject.ends_with("A001"));
    assert_eq!(claimed[0].phone, "13800000001");
    assert_eq!(
        claimed[0].body,
        format!("【{}】请A001号到{WINDOW_SOCIAL}号窗口办理。", branch.name)
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

on_both_engines!(relay_moves_intents_to_the_outbox_once);
