//! Board events written by the steps: which, in which order, with gap-free ids; none for a
//! failed step, a replayed take or the end of a day.

use chrono::{DateTime, Utc};

use super::*;
use PriorityClass::Normal;

/// Every event of the fixture's branch so far, checking that the ids run 1, 2, 3, …
async fn all_events(f: &Fixture) -> Vec<Event> {
    let events = f
        .store
        .events_after(&f.branch, 0, 10_000)
        .await
        .expect("events")
        .expect("all retained");
    let ids: Vec<u64> = events.iter().map(|e| e.id).collect();
    let expected: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(ids, expected, "gap-free ids");
    let last = f.store.last_event_id(&f.branch).await.expect("last id");
    assert_eq!(last, events.len() as u64);
    events
}

fn tid(id: &str) -> TicketId {
    TicketId::parse(id).expect("ticket id")
}

fn queue(service: &str, waiting: u32) -> EventKind {
    EventKind::QueueChanged {
        service: sid(service),
        waiting,
    }
}

fn called(ticket: &str, service: &str, window: u32, recall_count: u32) -> EventKind {
    EventKind::Called {
        ticket: tid(ticket),
        service: sid(service),
        window: win(window),
        recall_count,
    }
}

fn window_changed(
    n: u32,
    state: WindowState,
    reason: Option<&str>,
    current: Option<(&str, TicketState)>,
) -> EventKind {
    EventKind::WindowChanged {
        window: win(n),
        state,
        pause_reason: reason.map(str::to_owned),
        current: current.map(|(id, state)| (tid(id), state)),
    }
}

#[tokio::test]
async fn a_tickets_life_writes_its_events_in_order() {
    let f = fixture().await;
    let (b, w) = (&f.branch, win(2));
    let t = |s| at(0, 9, 0, s);
    let mut keyed = new("a", Normal);
    keyed.idempotency_key = Some("k-1".into());
    f.store.take_ticket(b, &keyed, &t(1)).await.expect("take");
    let replay = f.store.take_ticket(b, &keyed, &t(2)).await.expect("replay");
    assert!(replay.replayed);
    f.take("b", Normal, &t(3)).await;
    f.take("b", Normal, &t(3)).await;
    let store = &f.store;
    let set = |command: WindowCommand, s| async move {
        store.set_window(b, w, &command, &t(s)).await.expect("set")
    };
    set(WindowCommand::Open, 4).await;
    set(WindowCommand::Open, 5).await; // no change, no event
    f.store.call_next(b, w, &t(6)).await.expect("call");
    f.store.recall(b, w, &t(7)).await.expect("recall");
    let pause = |reason: &str| WindowCommand::Pause {
        reason: reason.into(),
    };
    set(pause("lunch"), 8).await;
    set(pause("lunch"), 9).await; // no change, no event
    f.store.start_service(b, w, &t(10)).await.expect("start");
    set(WindowCommand::Open, 11).await;
    f.store.complete_service(b, w, &t(12)).await.expect("done");
    let b1 = tid("smoke.20261127.B001");
    f.store.cancel_ticket(b, &b1, &t(13)).await.expect("cancel");
    f.store.call_next(b, w, &t(14)).await.expect("call B002");
    let b2 = tid("smoke.20261127.B002");
    f.store
        .requeue(b, &b2, &t(15))
        .await
        .expect("requeue called");
    f.store
        .call_next(b, w, &t(16))
        .await
        .expect("call B002 again");
    f.store
        .transfer(b, w, &sid("a"), false, &t(17))
        .await
        .expect("transfer");
    f.store
        .expire_past_days(b, &at(1, 8, 0, 0))
        .await
        .expect("expire");

    let events = all_events(&f).await;
    use TicketState::Serving;
    use WindowState::{Open, Paused};
    let (a1, b2) = ("smoke.20261127.A001", "smoke.20261127.B002");
    let expected = [
        (1, queue("a", 1)),
        (3, queue("b", 1)),
        (3, queue("b", 2)),
        (4, window_changed(2, Open, None, None)),
        (6, called(a1, "a", 2, 0)),
        (6, queue("a", 0)),
        (7, called(a1, "a", 2, 1)),
        (
            8,
            window_changed(2, Paused, Some("lunch"), Some((a1, TicketState::Called))),
        ),
        (
            10,
            window_changed(2, Paused, Some("lunch"), Some((a1, Serving))),
        ),
        (11, window_changed(2, Open, None, Some((a1, Serving)))),
        (12, window_changed(2, Open, None, None)),
        (13, queue("b", 1)),
        (14, called(b2, "b", 2, 0)),
        (14, queue("b", 0)),
        (15, window_changed(2, Open, None, None)),
        (15, queue("b", 1)),
        (16, called(b2, "b", 2, 0)),
        (16, queue("b", 0)),
        (17, window_changed(2, Open, None, None)),
        (17, queue("a", 1)),
    ];
    let got: Vec<(DateTime<Utc>, EventKind)> = events.into_iter().map(|e| (e.at, e.kind)).collect();
    let want: Vec<(DateTime<Utc>, EventKind)> = expected
        .into_iter()
        .map(|(s, kind)| (t(s).at, kind))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_failed_step_writes_no_event() {
    let f = fixture().await;
    let (b, now) = (&f.branch, at(0, 9, 0, 0));
    for _ in 0..5 {
        f.take("a", Normal, &now).await;
    }
    let before = f.store.last_event_id(b).await.expect("last");
    assert_eq!(before, 5);

    assert!(
        f.store
            .take_ticket(b, &new("a", Normal), &now)
            .await
            .is_err()
    );
    assert!(f.store.call_next(b, win(1), &now).await.is_err(), "closed");
    let pause = WindowCommand::Pause { reason: "x".into() };
    assert!(f.store.set_window(b, win(1), &pause, &now).await.is_err());
    f.open(1).await;
    let after_open = f.store.last_event_id(b).await.expect("last");
    assert_eq!(after_open, 6);
    assert!(f.store.recall(b, win(1), &now).await.is_err(), "empty");
    assert!(f.store.start_service(b, win(1), &now).await.is_err());
    f.next(1, &now).await;
    let held = f.store.last_event_id(b).await.expect("last");
    assert!(f.store.call_next(b, win(1), &now).await.is_err(), "busy");
    let close = f.store.set_window(b, win(1), &WindowCommand::Close, &now);
    assert!(close.await.is_err(), "busy");
    assert!(f.store.complete_service(b, win(1), &now).await.is_err());
    let a = sid("a");
    assert!(f.store.transfer(b, win(1), &a, false, &now).await.is_err());
    let a2 = tid("smoke.20261127.A002");
    assert!(f.store.requeue(b, &a2, &now).await.is_err(), "waiting");
    for _ in 0..2 {
        f.store.recall(b, win(1), &now).await.expect("recall");
    }
    assert!(f.store.recall(b, win(1), &now).await.is_err(), "limit");

    assert_eq!(f.store.last_event_id(b).await.expect("last"), held + 2);
    assert_eq!(all_events(&f).await.len() as u64, held + 2);
}
