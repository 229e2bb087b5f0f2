//! The reminder buffer of the live stores (store/mod.rs, "Reminder buffer"), driven on the
//! store itself: a called intent per first call of a ticket with a phone, and a turn-near
//! intent for the ticket found with exactly `turn_near` (3 for social-security and tax) people
//! ahead after a step that moved its queue, once per ticket through requeues and transfers;
//! never for a ticket without a phone, nothing from a refused step.

use queuecall::domain::{Phone, PriorityClass, TicketId, WindowNo};
use queuecall::store::ReminderKind;
use queuecall_tests::*;

use super::history::{Opened, open_store, service, window};

async fn open(kind: StoreKind) -> anyhow::Result<Opened> {
    open_store(kind, "remind").await
}

/// An intent as the tests compare it: kind, ticket, service, people ahead, window.
type Seen = (&'static str, TicketId, String, u32, Option<u32>);

fn near(ticket: &TicketId, svc: &str) -> Seen {
    ("turn_near", ticket.clone(), svc.to_owned(), 3, None)
}

fn called(ticket: &TicketId, svc: &str, no: u32) -> Seen {
    ("called", ticket.clone(), svc.to_owned(), 0, Some(no))
}

impl Opened {
    /// Takes a normal ticket; `phone` is the last digit of 1380000000x, or none.
    async fn take_phone(&self, svc: &str, phone: Option<u32>, minutes: i64) -> TicketId {
        let phone = phone.map(|d| Phone::parse("phone", &format!("1380000000{d}")).expect("phone"));
        self.issue(svc, PriorityClass::Normal, phone, minutes).await
    }

    async fn seen(&self) -> Vec<Seen> {
        let pending = self
            .store
            .reminders_pending(&self.branch, 100)
            .await
            .expect("pending");
        pending
            .into_iter()
            .map(|b| {
                let i = b.intent;
                let kind = match i.kind {
                    ReminderKind::TurnNear => "turn_near",
                    ReminderKind::Called => "called",
                };
                (
                    kind,
                    i.ticket,
                    i.service.as_str().to_owned(),
                    i.ahead,
                    i.window.map(WindowNo::get),
                )
            })
            .collect()
    }
}

pub async fn turn_near_fires_once_at_the_threshold_as_tickets_are_called(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let (b, w) = (&s.branch, window(WINDOW_SOCIAL));
    let a1 = s.take_phone(SOCIAL, Some(1), 0).await;
    let a2 = s.take_phone(SOCIAL, Some(2), 0).await;
    let _a3 = s.take_phone(SOCIAL, Some(3), 0).await;
    let a4 = s.take_phone(SOCIAL, Some(4), 0).await;
    let a5 = s.take_phone(SOCIAL, Some(5), 0).await;
    let _a6 = s.take_phone(SOCIAL, None, 0).await;
    let mut expected = vec![near(&a4, SOCIAL)];
    assert_eq!(s.seen().await, expected, "A004 is taken with 3 ahead");

    s.open_window(WINDOW_SOCIAL).await;
    assert_eq!(s.call(WINDOW_SOCIAL, 1).await, a1);
    expected.extend([called(&a1, SOCIAL, WINDOW_SOCIAL), near(&a5, SOCIAL)]);
    assert_eq!(s.seen().await, expected, "A005 now has 3 ahead");

    s.store.mark_no_show(b, w, &s.now(2)).await?;
    assert_eq!(s.call(WINDOW_SOCIAL, 3).await, a2);
    expected.push(called(&a2, SOCIAL, WINDOW_SOCIAL));
    assert_eq!(
        s.seen().await,
        expected,
        "A006 has 3 ahead but no phone; a no-show moves no queue"
    );

    // Acknowledging removes exactly the ids given; a second ack finds nothing.
    let pending = s.store.reminders_pending(b, 100).await?;
    let first = vec![pending[0].id.clone()];
    assert_eq!(s.store.reminders_ack(b, &first).await?, 1);
    assert_eq!(s.store.reminders_ack(b, &first).await?, 0);
    assert_eq!(s.seen().await, expected[1..].to_vec());
    Ok(())
}

pub async fn requeued_and_transferred_tickets_are_reminded_once(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let (b, w4) = (&s.branch, window(WINDOW_SOCIAL));
    let tax = service(TAX);
    let b1 = s.take_phone(TAX, Some(1), 0).await;
    for d in 2..=3 {
        s.take_phone(TAX, Some(d), 0).await;
    }
    let a1 = s.take_phone(SOCIAL, Some(1), 1).await;
    let a2 = s.take_phone(SOCIAL, Some(2), 1).await;
    s.take_phone(SOCIAL, Some(3), 1).await;
    let a4 = s.take_phone(SOCIAL, Some(4), 1).await;
    let a5 = s.take_phone(SOCIAL, Some(5), 1).await;
    let mut expected = vec![near(&a4, SOCIAL)];
    s.open_window(WINDOW_SOCIAL).await;
    s.open_window(WINDOW_TAX).await;
    assert_eq!(s.call(WINDOW_SOCIAL, 2).await, a1);
    expected.extend([called(&a1, SOCIAL, WINDOW_SOCIAL), near(&a5, SOCIAL)]);

    // A001 comes back two places from the front: A004 has 3 ahead again, already reminded.
    s.store.mark_no_show(b, w4, &s.now(3)).await?;
    s.store.requeue(b, &a1, &s.now(3)).await?;
    assert_eq!(s.seen().await, expected, "requeue reminds nobody twice");

    // A002 moves to tax behind B001..B003 (by its time): 3 ahead there, never reminded.
    s.store.call_ticket(b, w4, &a2, &s.now(4)).await?;
    s.store.transfer(b, w4, &tax, false, &s.now(5)).await?;
    expected.extend([called(&a2, SOCIAL, WINDOW_SOCIAL), near(&a2, TAX)]);
    assert_eq!(s.seen().await, expected);

    // A005, reminded in social, lands with 3 ahead in tax: not again.
    assert_eq!(s.call(WINDOW_TAX, 6).await, b1);
    s.store.call_ticket(b, w4, &a5, &s.now(7)).await?;
    s.store.transfer(b, w4, &tax, false, &s.now(8)).await?;
    expected.extend([
        called(&b1, TAX, WINDOW_TAX),
        called(&a5, SOCIAL, WINDOW_SOCIAL),
    ]);
    assert_eq!(s.seen().await, expected, "a transfer reminds nobody twice");
    let waiting = s.store.list_waiting(b, &tax, &s.now(8)).await?;
    assert_eq!(waiting[3].id, a5, "A005 has 3 ahead in tax");
    Ok(())
}

pub async fn refused_steps_and_recalls_append_no_reminders(kind: StoreKind) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let (b, w4) = (&s.branch, window(WINDOW_SOCIAL));
    let a1 = s.take_phone(SOCIAL, Some(1), 0).await;
    let a2 = s.take_phone(SOCIAL, Some(2), 0).await;
    assert!(
        s.store.call_next(b, w4, &s.now(1)).await.is_err(),
        "the window is closed"
    );
    assert!(
        s.seen().await.is_empty(),
        "fewer than 3 ahead, nothing called"
    );

    s.open_window(WINDOW_SOCIAL).await;
    s.call(WINDOW_SOCIAL, 1).await;
    let expected = vec![called(&a1, SOCIAL, WINDOW_SOCIAL)];
    s.store.recall(b, w4, &s.now(2)).await?;
    assert!(s.store.call_next(b, w4, &s.now(2)).await.is_err(), "busy");
    assert!(s.store.cancel_ticket(b, &a1, &s.now(2)).await.is_err());
    assert!(s.store.requeue(b, &a2, &s.now(2)).await.is_err());
    let social = service(SOCIAL);
    assert!(
        s.store
            .transfer(b, w4, &social, false, &s.now(2))
            .await
            .is_err()
    );
    assert_eq!(
        s.seen().await,
        expected,
        "a recall or a refused step appends nothing"
    );
    Ok(())
}
