//! Placement (requeue, transfer), limits, idempotency, the average, expiry, and every
//! illegal transition.

use crate::domain::PriorityClass::{GreenChannel, Normal};
use crate::domain::{TicketId, TicketState, WindowCommand};
use crate::error::QueueError;
use crate::store::memory::{steps, tickets, windows};

use super::{Fixture, assert_precondition, assert_state, at, new_ticket, number, sid, win};

/// Takes `n` normal tickets of `a` one second apart from `from`.
fn take_many(fx: &mut Fixture, n: i64, from: i64) -> Vec<TicketId> {
    (0..n)
        .map(|i| fx.take("a", Normal, &at(from + i)))
        .collect()
}

fn no_show(fx: &mut Fixture, window: u32, secs: i64) -> TicketId {
    let id = fx.call_next(window, &at(secs)).expect("a ticket waits");
    let plan = steps::no_show(&fx.state, &fx.branch, win(window), &at(secs));
    fx.run(plan).expect("no-show");
    id
}

#[test]
fn requeue_puts_exactly_offset_tickets_ahead() {
    let mut fx = Fixture::new();
    take_many(&mut fx, 6, 10);
    fx.open(2);
    let missed = no_show(&mut fx, 2, 100);
    let plan = tickets::requeue(&fx.state, &fx.branch, &missed, &at(110));
    fx.run(plan).expect("requeue");
    assert_state(&fx, &missed, TicketState::Waiting);
    assert_eq!(fx.ahead(&missed), 3);
    assert_eq!(
        fx.waiting("a", &at(120)),
        ["A002", "A003", "A004", "A001", "A005", "A006"]
    );
    assert_eq!(fx.ticket(&missed).requeue_count, 1);
    assert_eq!(fx.ticket(&missed).ended_at, None);
}

#[test]
fn requeue_with_fewer_waiting_goes_last_and_with_none_gets_a_fresh_key() {
    let mut fx = Fixture::new();
    take_many(&mut fx, 3, 10);
    fx.open(2);
    let missed = no_show(&mut fx, 2, 100);
    fx.run(tickets::requeue(&fx.state, &fx.branch, &missed, &at(110)))
        .expect("requeue");
    assert_eq!(fx.waiting("a", &at(120)), ["A002", "A003", "A001"]);
    // Alone in its queue.
    let mut fx = Fixture::new();
    take_many(&mut fx, 1, 10);
    fx.open(2);
    let missed = no_show(&mut fx, 2, 100);
    fx.run(tickets::requeue(&fx.state, &fx.branch, &missed, &at(110)))
        .expect("requeue");
    assert_eq!(fx.ahead(&missed), 0);
}

#[test]
fn requeue_of_a_called_ticket_frees_its_window_and_stops_at_the_limit() {
    let mut fx = Fixture::new();
    let ids = take_many(&mut fx, 2, 10);
    fx.open(2);
    assert_eq!(fx.call_next(2, &at(100)), Some(ids[0].clone()));
    fx.run(tickets::requeue(&fx.state, &fx.branch, &ids[0], &at(110)))
        .expect("requeue of a called ticket");
    assert_eq!(fx.state.window(win(2)).current, None);
    assert_eq!(fx.ticket(&ids[0]).window, None);
    assert_eq!(fx.waiting("a", &at(111)), ["A002", "A001"]);
    assert_eq!(no_show(&mut fx, 2, 120), ids[1]);
    assert_eq!(no_show(&mut fx, 2, 130), ids[0]);
    fx.run(tickets::requeue(&fx.state, &fx.branch, &ids[0], &at(140)))
        .expect("second requeue");
    assert_eq!(no_show(&mut fx, 2, 150), ids[0]);
    let third = tickets::requeue(&fx.state, &fx.branch, &ids[0], &at(160));
    assert_precondition(fx.run(third), &["A001", "requeued 2 times"]);
    assert_state(&fx, &ids[0], TicketState::NoShow);
}

#[test]
fn transfer_keeps_its_place_in_time_or_goes_to_the_front() {
    let mut fx = Fixture::new();
    let a1 = fx.take("a", Normal, &at(10));
    let a2 = fx.take("a", Normal, &at(20));
    fx.take("b", Normal, &at(5));
    fx.take("b", Normal, &at(15));
    fx.take("b", Normal, &at(25));
    fx.open(2);
    assert_eq!(
        fx.call_next(2, &at(30)).map(|id| number(&id)),
        Some("B001".into())
    );
    fx.run(steps::no_show(&fx.state, &fx.branch, win(2), &at(31)))
        .expect("no-show");
    fx.open(1);
    assert_eq!(fx.call_next(1, &at(40)), Some(a1.clone()));
    let plan = steps::transfer(&fx.state, &fx.branch, win(1), &sid("b"), false, &at(41));
    fx.run(plan).expect("transfer by time");
    assert_eq!(fx.waiting("b", &at(50)), ["A001", "B002", "B003"]);
    let moved = fx.ticket(&a1);
    assert_eq!(moved.service, sid("b"));
    assert_eq!(moved.original_service, Some(sid("a")));
    assert_eq!((moved.window, moved.recall_count), (None, 0));
    assert_eq!(fx.state.window(win(1)).current, None);

    assert_eq!(fx.call_next(1, &at(60)), Some(a2.clone()));
    fx.run(steps::start(&fx.state, &fx.branch, win(1), &at(61)))
        .expect("start");
    let plan = steps::transfer(&fx.state, &fx.branch, win(1), &sid("b"), true, &at(62));
    fx.run(plan).expect("transfer to the front");
    assert_eq!(fx.waiting("b", &at(70)), ["A002", "A001", "B002", "B003"]);
    // Back to where it came from: the original service stays the first one.
    assert_eq!(fx.call_next(1, &at(80)), Some(a2.clone()));
    let plan = steps::transfer(&fx.state, &fx.branch, win(1), &sid("a"), true, &at(81));
    fx.run(plan).expect("transfer back");
    assert_eq!(fx.ticket(&a2).original_service, Some(sid("a")));
}

#[test]
fn the_daily_limit_stops_issuing_and_a_new_day_restarts_numbers() {
    let mut fx = Fixture::new();
    fx.take("c", Normal, &at(10));
    fx.take("c", Normal, &at(20));
    let third = tickets::take(
        &fx.state,
        &fx.branch,
        &new_ticket("c", Normal, None),
        &at(30),
    );
    match fx.run(third) {
        Err(QueueError::ResourceExhausted(message)) => assert!(message.contains("all 2 tickets")),
        other => panic!("expected RESOURCE_EXHAUSTED, got {other:?}"),
    }
    let tomorrow = fx.take("c", Normal, &at(86_400 + 10));
    assert_eq!(number(&tomorrow), "C001");
}

#[test]
fn an_idempotency_key_replays_the_ticket_of_its_day() {
    let mut fx = Fixture::new();
    let new = new_ticket("a", GreenChannel, Some("kiosk-7-0001"));
    let first = fx
        .run(tickets::take(&fx.state, &fx.branch, &new, &at(10)))
        .expect("take");
    let plan = tickets::take(&fx.state, &fx.branch, &new, &at(20)).expect("replay");
    assert!(plan.change.is_empty(), "a replay writes nothing");
    assert!(plan.result.replayed && plan.result.id == first.id);
    assert_eq!(fx.state.issued(at(20).day, &sid("a")), 1);
    let next_day = fx
        .run(tickets::take(&fx.state, &fx.branch, &new, &at(86_410)))
        .expect("take");
    assert!(!next_day.replayed && next_day.id != first.id);
}

#[test]
fn completing_feeds_the_moving_average_with_times_clamped_to_four_hours() {
    let mut fx = Fixture::new();
    take_many(&mut fx, 3, 10);
    fx.open(2);
    for (start, end) in [(100, 200), (300, 350), (400, 400 + 5 * 3600)] {
        fx.call_next(2, &at(start));
        fx.run(steps::start(&fx.state, &fx.branch, win(2), &at(start)))
            .expect("start");
        fx.run(steps::complete(&fx.state, &fx.branch, win(2), &at(end)))
            .expect("done");
        if start == 300 {
            // 100 s, then round(0.8 * 100 s + 0.2 * 50 s) = 90 s.
            assert_eq!(fx.state.averages.get(&sid("a")), Some(&90_000));
        }
    }
    // 5 h counts as 4 h: round(0.8 * 90 s + 0.2 * 14,400 s).
    assert_eq!(fx.state.averages.get(&sid("a")), Some(&2_952_000));
    assert_eq!(steps::next_average(Some(1_000), 1_503), 1_101);
    assert_eq!(steps::next_average(None, 7), 7);
}

#[test]
fn a_new_day_expires_yesterdays_waiting_tickets_only() {
    let mut fx = Fixture::new();
    let waiting = fx.take("a", Normal, &at(-100));
    let called = fx.take("a", Normal, &at(-90));
    let today = fx.take("a", Normal, &at(10));
    fx.run(windows::set_window(
        &fx.state,
        &fx.branch,
        win(2),
        &WindowCommand::Open,
    ))
    .expect("open");
    fx.run(windows::call_ticket(
        &fx.state,
        &fx.branch,
        win(2),
        &called,
        &at(-80),
    ))
    .expect("call");
    assert_eq!(
        fx.run(Ok(tickets::expire(&fx.state, &at(20))))
            .expect("expire"),
        1
    );
    assert_state(&fx, &waiting, TicketState::Expired);
    assert_state(&fx, &called, TicketState::Called);
    assert_state(&fx, &today, TicketState::Waiting);
    assert!(fx.state.queue(at(-100).day, &sid("a")).is_none());
}
