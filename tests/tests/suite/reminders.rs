//! The reminder buffer of the live stores (store/mod.rs, "Reminder buffer"), driven on the
//! store itself: a called intent per call of a ticket with a phone, numbered 1, 2, … per
//! ticket (and per recall only with `remind_on_recall`), and a turn-near intent for the ticket
//! found with exactly `turn_near` (3 for social-security and tax) people ahead after a step
//! that moved its queue, once per ticket through requeues and transfers; never for a ticket
//! without a phone, nothing from a refused step.

use queuecall::domain::{Phone, PriorityClass, TicketId, WindowNo};
use queuecall::store::{BufferedReminder, ReminderKind};
use queuecall_tests::*;

use super::history::{Opened, open_store, open_store_with, service, window};

async fn open(kind: StoreKind) -> anyhow::Result<Opened> {
    open_store(kind, "remind").await
}

/// An intent as the tests compare it: kind, ticket, service, people ahead, window, and the
/// number of a called intent among its ticket's.
type Seen = (
    &'static str,
    TicketId,
    String,
    u32,
    Option<u32>,
    Option<u32>,
);

fn near(ticket: &TicketId, svc: &str) -> Seen {
    ("turn_near", ticket.clone(), svc.to_owned(), 3, None, None)
}

/// The `n`-th called intent of `ticket`, to window `no`.
fn called(ticket: &TicketId, svc: &str, no: u32, n: u32) -> Seen {
    (
        "called",
        ticket.clone(),
        svc.to_owned(),
        0,
        Some(no),
        Some(n),
    )
}

impl Opened {
    /// Takes a normal ticket; `phone` is the last digit of 1380000000x, or none.
    async fn take_phone(&self, svc: &str, phone: Option<u32>, minutes: i64) -> TicketId {
        let phone = phone.map(|d| Phone::parse("phone", &format!("1380000000{d}")).expect("phone"));
        self.issue(svc, PriorityClass::Normal, phone, minutes).await
    }

    async fn seen(&self) -> Vec<Seen> {
        self.intents().await.into_iter().map(seen).collect()
    }

    /// The outbox subjects the pending intents would have.
    async fn subjects(&self) -> Vec<String> {
        let pending = self.intents().await.into_iter();
        pending.map(|b| b.intent.subject()).collect()
    }

    async fn intents(&self) -> Vec<BufferedReminder> {
        self.store
            .reminders_pending(&self.branch, 100)
            .await
            .expect("pending")
    }
}

fn seen(b: BufferedReminder) -> Seen {
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
        i.call,
    )
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
    expected.extend([called(&a1, SOCIAL, WINDOW_SOCIAL, 1), near(&a5, SOCIAL)]);
    assert_eq!(s.seen().await, expected, "A005 now has 3 ahead");

    s.store.mark_no_show(b, w, &s.now(2)).await?;
    assert_eq!(s.call(WINDOW_SOCIAL, 3).await, a2);
    expected.push(called(&a2, SOCIAL, WINDOW_SOCIAL, 1));
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
    expected.extend([called(&a1, SOCIAL, WINDOW_SOCIAL, 1), near(&a5, SOCIAL)]);

    // A001 comes back two places from the front: A004 has 3 ahead again, already reminded.
    s.store.mark_no_show(b, w4, &s.now(3)).await?;
    s.store.requeue(b, &a1, &s.now(3)).await?;
    assert_eq!(s.seen().await, expected, "requeue reminds nobody twice");

    // A002 moves to tax behind B001..B003 (by its time): 3 ahead there, never reminded.
    s.store.call_ticket(b, w4, &a2, &s.now(4)).await?;
    s.store.transfer(b, w4, &tax, false, &s.now(5)).await?;
    expected.extend([called(&a2, SOCIAL, WINDOW_SOCIAL, 1), near(&a2, TAX)]);
    assert_eq!(s.seen().await, expected);

    // A005, reminded in social, lands with 3 ahead in tax: not again.
    assert_eq!(s.call(WINDOW_TAX, 6).await, b1);
    s.store.call_ticket(b, w4, &a5, &s.now(7)).await?;
    s.store.transfer(b, w4, &tax, false, &s.now(8)).await?;
    expected.extend([
        called(&b1, TAX, WINDOW_TAX, 1),
        called(&a5, SOCIAL, WINDOW_SOCIAL, 1),
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
    let expected = vec![called(&a1, SOCIAL, WINDOW_SOCIAL, 1)];
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

pub async fn every_call_of_a_ticket_is_reminded_under_its_own_number(
    kind: StoreKind,
) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let (b, w4, w5) = (&s.branch, window(WINDOW_SOCIAL), window(WINDOW_TAX));
    let a1 = s.take_phone(SOCIAL, Some(1), 0).await;
    let a2 = s.take_phone(SOCIAL, Some(2), 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    s.open_window(WINDOW_TAX).await;
    assert_eq!(s.call(WINDOW_SOCIAL, 1).await, a1);
    s.store.mark_no_show(b, w4, &s.now(2)).await?;
    s.store.requeue(b, &a1, &s.now(2)).await?;
    assert_eq!(
        s.call(WINDOW_SOCIAL, 3).await,
        a2,
        "A001 is requeued behind A002"
    );
    s.store.start_service(b, w4, &s.now(3)).await?;
    s.store.complete_service(b, w4, &s.now(4)).await?;
    assert_eq!(s.call(WINDOW_SOCIAL, 5).await, a1);
    let mut expected = vec![
        called(&a1, SOCIAL, WINDOW_SOCIAL, 1),
        called(&a2, SOCIAL, WINDOW_SOCIAL, 1),
        called(&a1, SOCIAL, WINDOW_SOCIAL, 2),
    ];
    assert_eq!(s.seen().await, expected, "called again after a requeue");
    assert_eq!(
        s.subjects().await,
        [format!("{a1}#1"), format!("{a2}#1"), format!("{a1}#2")],
        "each call is a reminder of its own in the outbox"
    );

    // Transferred to tax and called there out of order: its third call.
    s.store
        .transfer(b, w4, &service(TAX), false, &s.now(6))
        .await?;
    s.store.call_ticket(b, w5, &a1, &s.now(7)).await?;
    expected.push(called(&a1, TAX, WINDOW_TAX, 3));
    assert_eq!(s.seen().await, expected, "called again after a transfer");

    // The count outlives the acknowledgement of the intents.
    let ids: Vec<String> = s.intents().await.into_iter().map(|p| p.id).collect();
    assert_eq!(s.store.reminders_ack(b, &ids).await?, 4);
    s.store.requeue(b, &a1, &s.now(8)).await?;
    assert_eq!(s.call(WINDOW_TAX, 9).await, a1);
    assert_eq!(s.seen().await, [called(&a1, TAX, WINDOW_TAX, 4)]);
    assert_eq!(s.subjects().await, [format!("{a1}#4")]);
    Ok(())
}

pub async fn a_recall_is_reminded_only_with_remind_on_recall(
    kind: StoreKind,
) -> anyhow::Result<()> {
    for remind in [false, true] {
        let s = open_store_with(kind, "recall", remind).await?;
        let (b, w4) = (&s.branch, window(WINDOW_SOCIAL));
        let a1 = s.take_phone(SOCIAL, Some(1), 0).await;
        s.open_window(WINDOW_SOCIAL).await;
        s.call(WINDOW_SOCIAL, 1).await;
        s.store.recall(b, w4, &s.now(2)).await?;
        s.store.recall(b, w4, &s.now(3)).await?;
        assert!(
            s.store.recall(b, w4, &s.now(4)).await.is_err(),
            "social-security allows 2 recalls"
        );
        let mut expected = vec![called(&a1, SOCIAL, WINDOW_SOCIAL, 1)];
        if remind {
            expected.extend([
                called(&a1, SOCIAL, WINDOW_SOCIAL, 2),
                called(&a1, SOCIAL, WINDOW_SOCIAL, 3),
            ]);
        }
        assert_eq!(
            s.seen().await,
            expected,
            "remind_on_recall {remind}: the refused third recall appends nothing"
        );

        // A later call takes the next number after the recalls that were reminded.
        s.store.mark_no_show(b, w4, &s.now(5)).await?;
        s.store.requeue(b, &a1, &s.now(5)).await?;
        s.call(WINDOW_SOCIAL, 6).await;
        let n = if remind { 4 } else { 2 };
        expected.push(called(&a1, SOCIAL, WINDOW_SOCIAL, n));
        assert_eq!(s.seen().await, expected, "remind_on_recall {remind}");
    }
    Ok(())
}

pub async fn a_retried_call_appends_no_second_intent(kind: StoreKind) -> anyhow::Result<()> {
    let s = open(kind).await?;
    let (b, w4, w2) = (&s.branch, window(WINDOW_SOCIAL), window(WINDOW_OLDEST));
    let a1 = s.take_phone(SOCIAL, Some(1), 0).await;
    s.take_phone(SOCIAL, Some(2), 0).await;
    s.open_window(WINDOW_SOCIAL).await;
    s.open_window(WINDOW_OLDEST).await;

    // The call and a retry of it racing through another window: one of them calls.
    let now = s.now(1);
    let (first, second) = tokio::join!(
        s.store.call_ticket(b, w4, &a1, &now),
        s.store.call_ticket(b, w2, &a1, &now),
    );
    assert!(first.is_ok() != second.is_ok(), "exactly one call succeeds");
    let at = if first.is_ok() {
        WINDOW_SOCIAL
    } else {
        WINDOW_OLDEST
    };
    let holding = window(at);
    let mut expected = vec![called(&a1, SOCIAL, at, 1)];
    assert_eq!(s.seen().await, expected);

    // Retried again on the window that holds it, by number and as a call-next: refused.
    assert!(
        s.store
            .call_ticket(b, holding, &a1, &s.now(2))
            .await
            .is_err()
    );
    assert!(s.store.call_next(b, holding, &s.now(2)).await.is_err());
    assert_eq!(s.seen().await, expected, "a refused retry appends nothing");

    // The refused retries used no number: the next call of A001 is its second.
    s.store.mark_no_show(b, holding, &s.now(3)).await?;
    s.store.requeue(b, &a1, &s.now(3)).await?;
    s.store.call_ticket(b, w4, &a1, &s.now(4)).await?;
    expected.push(called(&a1, SOCIAL, WINDOW_SOCIAL, 2));
    assert_eq!(s.seen().await, expected);
    Ok(())
}
