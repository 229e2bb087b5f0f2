//! Taking, requeue, transfer and the end of a service day.

use super::*;
use PriorityClass::Normal;

#[tokio::test]
async fn numbers_run_from_a001_to_the_daily_limit_and_keys_replay() {
    let f = fixture().await;
    let now = at(0, 9, 0, 0);
    for seq in 1..=5 {
        let view = f.take("a", Normal, &now).await;
        assert_eq!(
            view.ticket.id.to_string(),
            format!("smoke.20261127.A00{seq}")
        );
        assert_eq!(view.people_ahead, seq - 1);
        assert_eq!(view.ticket.state, TicketState::Waiting);
    }
    let sixth = f
        .store
        .take_ticket(&f.branch, &new("a", Normal), &now)
        .await;
    assert!(matches!(sixth, Err(QueueError::ResourceExhausted(m)) if m.contains("all 5 tickets")));
    // The refused take leaves the day's count where it was.
    let services = f.store.services(&f.branch, &now).await.expect("services");
    assert_eq!(services[0].issued_today, 5);

    let mut keyed = new("b", Normal);
    keyed.idempotency_key = Some("kiosk-7/42".into());
    keyed.phone = Some(Phone::parse("phone", "13812341234").expect("phone"));
    let first = f
        .store
        .take_ticket(&f.branch, &keyed, &now)
        .await
        .expect("take");
    let again = f
        .store
        .take_ticket(&f.branch, &keyed, &now)
        .await
        .expect("replay");
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.view.ticket, first.view.ticket);
    assert_eq!(
        first.view.ticket.phone.as_ref().map(Phone::digits),
        Some("13812341234")
    );
    assert_eq!(
        f.take("b", Normal, &now).await.ticket.id.number.to_string(),
        "B002"
    );

    let tomorrow = f.take("a", Normal, &at(1, 8, 0, 0)).await;
    assert_eq!(tomorrow.ticket.id.to_string(), "smoke.20261128.A001");
    let got = f
        .store
        .get_ticket(&f.branch, &first.view.ticket.id)
        .await
        .expect("get");
    assert_eq!(got.ticket, first.view.ticket);
    let never = TicketId::parse("smoke.20261127.A099").expect("id");
    let missing = f.store.get_ticket(&f.branch, &never).await;
    assert!(matches!(
        missing,
        Err(QueueError::NotFound { what: "ticket", .. })
    ));
}

#[tokio::test]
async fn a_no_show_comes_back_n_places_from_the_front_once() {
    let f = fixture().await;
    let now = at(0, 9, 0, 0);
    for _ in 0..5 {
        f.take("a", Normal, &now).await;
    }
    f.open(2).await;
    let (b, w) = (&f.branch, win(2));
    f.next(2, &now).await; // A001
    let a1 = f
        .store
        .mark_no_show(b, w, &now)
        .await
        .expect("no-show")
        .ticket;
    assert_eq!(a1.state, TicketState::NoShow);
    let back = f.store.requeue(b, &a1.id, &now).await.expect("requeue");
    assert_eq!((back.people_ahead, back.ticket.requeue_count), (2, 1));
    let order: Vec<String> = f
        .store
        .list_waiting(b, &sid("a"), &now)
        .await
        .expect("list")
        .iter()
        .map(|t| t.id.number.to_string())
        .collect();
    assert_eq!(order, ["A002", "A003", "A001", "A004", "A005"]);
    f.store
        .call_ticket(b, w, &a1.id, &now)
        .await
        .expect("call out of order");
    let again = f.store.requeue(b, &a1.id, &now).await.expect_err("limit");
    precondition(again, "requeued 1 times");
    let yesterday = f
        .store
        .requeue(b, &a1.id, &at(1, 9, 0, 0))
        .await
        .expect_err("other day");
    precondition(yesterday, "belongs to service day 2026-11-27");
}

#[tokio::test]
async fn a_transfer_keeps_the_place_in_time_or_goes_to_the_front() {
    let f = fixture().await;
    f.take("a", Normal, &at(0, 9, 0, 0)).await; // A001 at 9:00
    f.take("b", Normal, &at(0, 9, 5, 0)).await; // B001 at 9:05
    f.take("a", Normal, &at(0, 9, 6, 0)).await; // A002 at 9:06
    f.take("b", Normal, &at(0, 9, 7, 0)).await; // B002 at 9:07
    f.open(1).await;
    let (b, w) = (&f.branch, win(1));
    assert_eq!(f.next(1, &at(0, 9, 10, 0)).await.as_deref(), Some("A001"));
    let same = f
        .store
        .transfer(b, w, &sid("a"), false, &at(0, 9, 11, 0))
        .await;
    precondition(same.expect_err("same"), "already in service 'a'");
    let moved = f
        .store
        .transfer(b, w, &sid("b"), false, &at(0, 9, 11, 0))
        .await
        .expect("transfer");
    assert_eq!(
        (moved.people_ahead, moved.ticket.state),
        (0, TicketState::Waiting)
    );
    assert_eq!(moved.ticket.original_service, Some(sid("a")));
    assert_eq!(moved.ticket.window, None);
    assert_eq!(f.next(1, &at(0, 9, 12, 0)).await.as_deref(), Some("A002"));
    let front = f
        .store
        .transfer(b, w, &sid("b"), true, &at(0, 9, 13, 0))
        .await
        .expect("front");
    assert_eq!(front.people_ahead, 0);
    let order: Vec<String> = f
        .store
        .list_waiting(b, &sid("b"), &at(0, 9, 13, 0))
        .await
        .expect("list")
        .iter()
        .map(|t| t.id.number.to_string())
        .collect();
    assert_eq!(order, ["A002", "A001", "B001", "B002"]);
    let status = f
        .store
        .services(b, &at(0, 9, 14, 0))
        .await
        .expect("services");
    assert_eq!((status[0].waiting, status[0].issued_today), (0, 2));
    assert_eq!(
        (
            status[1].waiting,
            status[1].issued_today,
            status[1].open_windows
        ),
        (4, 2, 1)
    );
}

#[tokio::test]
async fn a_new_day_expires_yesterdays_waiting_tickets_only() {
    let f = fixture().await;
    let (b, today) = (&f.branch, at(0, 9, 0, 0));
    f.take("a", Normal, &today).await; // A001, called below
    let a2 = f.take("a", Normal, &today).await.ticket.id;
    f.open(2).await;
    f.next(2, &today).await;
    assert_eq!(f.store.expire_past_days(b, &today).await.expect("none"), 0);
    let tomorrow = at(1, 8, 0, 0);
    assert_eq!(
        f.store
            .expire_past_days(b, &tomorrow)
            .await
            .expect("expire"),
        1
    );
    assert_eq!(
        f.store.expire_past_days(b, &tomorrow).await.expect("again"),
        0
    );
    let a2 = f.store.get_ticket(b, &a2).await.expect("get").ticket;
    assert_eq!(
        (a2.state, a2.ended_at),
        (TicketState::Expired, Some(tomorrow.at))
    );
    assert!(
        f.store
            .list_waiting(b, &sid("a"), &today)
            .await
            .expect("list")
            .is_empty()
    );
    // The called ticket of yesterday stays with its window, to be finished.
    precondition(
        f.store
            .call_next(b, win(2), &tomorrow)
            .await
            .expect_err("busy"),
        "A001",
    );
    let held = f
        .store
        .start_service(b, win(2), &tomorrow)
        .await
        .expect("yesterday's ticket");
    assert_eq!(held.ticket.state, TicketState::Serving);
}

#[tokio::test]
async fn takes_that_arrive_together_share_script_calls_and_each_gets_its_own_answer() {
    let f = fixture().await;
    let now = at(0, 9, 0, 0);
    let mut keyed = new("b", Normal);
    keyed.idempotency_key = Some("kiosk-3/7".into());
    // 60 takes of b (100 a day), 8 of a (5 a day) and the same keyed take twice, all at once.
    let takes: Vec<NewTicket> = (0..60)
        .map(|_| new("b", Normal))
        .chain((0..8).map(|_| new("a", Normal)))
        .chain([keyed.clone(), keyed])
        .collect();
    let before = f.store.lanes.calls();
    let answers = futures::future::join_all(
        takes
            .iter()
            .map(|t| f.store.take_ticket(&f.branch, t, &now)),
    )
    .await;
    let calls = f.store.lanes.calls() - before;
    assert!(calls <= 10, "70 takes at once went in {calls} script calls");

    let mut b_numbers = Vec::new();
    for issued in &answers[..60] {
        let view = &issued.as_ref().expect("take of b").view;
        let seq = view.ticket.id.number.seq();
        assert_eq!(view.people_ahead, seq - 1, "{}", view.ticket.id);
        b_numbers.push(seq);
    }
    let mut a_numbers = Vec::new();
    let mut refused = 0;
    for issued in &answers[60..68] {
        match issued {
            Ok(issued) => a_numbers.push(issued.view.ticket.id.number.seq()),
            Err(QueueError::ResourceExhausted(_)) => refused += 1,
            Err(other) => panic!("take of a failed: {other:?}"),
        }
    }
    let first = answers[68].as_ref().expect("keyed take");
    let again = answers[69].as_ref().expect("keyed take again");
    b_numbers.push(first.view.ticket.id.number.seq());
    b_numbers.sort_unstable();
    a_numbers.sort_unstable();
    assert_eq!(b_numbers, (1..=61).collect::<Vec<_>>());
    assert_eq!(a_numbers, (1..=5).collect::<Vec<_>>());
    assert_eq!(refused, 3);
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.view.ticket.id, first.view.ticket.id);
    let services = f.store.services(&f.branch, &now).await.expect("services");
    let issued: Vec<u32> = services.iter().map(|s| s.issued_today).collect();
    assert_eq!(issued, [5, 61]);
}
