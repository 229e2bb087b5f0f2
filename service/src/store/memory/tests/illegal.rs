//! Every transition that is not allowed answers FAILED_PRECONDITION (naming the state) or
//! NOT_FOUND, and changes nothing.

use crate::domain::PriorityClass::Normal;
use crate::domain::{TicketState, WindowCommand, WindowState};
use crate::error::QueueError;
use crate::store::memory::{steps, tickets, windows};

use super::{Fixture, assert_precondition, at, sid, win};

fn pause(fx: &mut Fixture, n: u32) -> crate::error::QueueResult<crate::domain::WindowNo> {
    let command = WindowCommand::Pause {
        reason: "lunch".to_owned(),
    };
    let plan = windows::set_window(&fx.state, &fx.branch, win(n), &command);
    fx.run(plan)
}

#[test]
fn window_commands_refuse_what_their_state_does_not_allow() {
    let mut fx = Fixture::new();
    assert_precondition(pause(&mut fx, 2), &["window 2", "CLOSED"]);
    fx.take("a", Normal, &at(10));
    fx.open(2);
    pause(&mut fx, 2).expect("pause an open window");
    assert_eq!(
        fx.state.window(win(2)).pause_reason.as_deref(),
        Some("lunch")
    );
    assert_precondition(
        fx.run(windows::call_next(&fx.state, &fx.branch, win(2), &at(20))),
        &["window 2", "PAUSED"],
    );
    fx.open(2);
    assert_eq!(fx.state.window(win(2)).pause_reason, None);
    fx.call_next(2, &at(30)).expect("called");
    let close = windows::set_window(&fx.state, &fx.branch, win(2), &WindowCommand::Close);
    assert_precondition(fx.run(close), &["window 2", "A001", "CALLED"]);
    assert_precondition(
        fx.run(windows::call_next(&fx.state, &fx.branch, win(2), &at(40))),
        &["still holds", "A001"],
    );
    assert_eq!(fx.state.window(win(2)).state, WindowState::Open);
}

#[test]
fn steps_on_a_window_need_the_right_ticket() {
    let mut fx = Fixture::new();
    fx.take("a", Normal, &at(10));
    fx.open(2);
    let (b, w, now) = (&fx.branch, win(2), at(20));
    for result in [
        steps::start(&fx.state, b, w, &now),
        steps::complete(&fx.state, b, w, &now),
        steps::no_show(&fx.state, b, w, &now),
        steps::recall(&fx.state, b, w),
        steps::transfer(&fx.state, b, w, &sid("b"), false, &now),
    ] {
        assert_precondition(result.map(|p| p.result), &["window 2 holds no ticket"]);
    }
    let id = fx.call_next(2, &at(30)).expect("called");
    assert_precondition(
        fx.run(steps::complete(&fx.state, &fx.branch, win(2), &at(31))),
        &["A001 is CALLED", "completed", "SERVING"],
    );
    let same = steps::transfer(&fx.state, &fx.branch, win(2), &sid("a"), false, &at(32));
    assert_precondition(fx.run(same), &["A001", "already in service 'a'"]);
    for _ in 0..2 {
        fx.run(steps::recall(&fx.state, &fx.branch, win(2)))
            .expect("recall");
    }
    assert_eq!(fx.ticket(&id).recall_count, 2);
    assert_precondition(
        fx.run(steps::recall(&fx.state, &fx.branch, win(2))),
        &["A001", "recalled 2 times"],
    );
    fx.run(steps::start(&fx.state, &fx.branch, win(2), &at(40)))
        .expect("start");
    for (result, action) in [
        (
            steps::start(&fx.state, &fx.branch, win(2), &at(41)),
            "started",
        ),
        (
            steps::no_show(&fx.state, &fx.branch, win(2), &at(41)),
            "marked no-show",
        ),
        (steps::recall(&fx.state, &fx.branch, win(2)), "recalled"),
    ] {
        assert_precondition(result.map(|p| p.result), &["A001 is SERVING", action]);
    }
    pause(&mut fx, 2).expect("pause while serving");
    assert_precondition(
        fx.run(steps::recall(&fx.state, &fx.branch, win(2))),
        &["window 2 is PAUSED"],
    );
    // A paused window may still finish the ticket it holds.
    fx.run(steps::complete(&fx.state, &fx.branch, win(2), &at(50)))
        .expect("complete");
}

#[test]
fn tickets_refuse_what_their_state_or_day_does_not_allow() {
    let mut fx = Fixture::new();
    let yesterday = fx.take("a", Normal, &at(-50));
    let waiting = fx.take("a", Normal, &at(10));
    let other = fx.take("b", Normal, &at(11));
    fx.open(4);
    fx.open(2);
    let call =
        |fx: &Fixture, n, id| windows::call_ticket(&fx.state, &fx.branch, win(n), id, &at(20));
    assert_precondition(
        call(&fx, 2, &yesterday).map(|p| p.result),
        &["service day 2026-11-26"],
    );
    assert_precondition(
        call(&fx, 4, &waiting).map(|p| p.result),
        &["window 4", "does not serve service 'a'"],
    );
    assert_precondition(
        tickets::requeue(&fx.state, &fx.branch, &waiting, &at(20)).map(|p| p.result),
        &["A001 is WAITING", "NO_SHOW or CALLED", "requeued"],
    );
    assert_precondition(
        tickets::requeue(&fx.state, &fx.branch, &yesterday, &at(20)).map(|p| p.result),
        &["service day 2026-11-26"],
    );
    fx.run(call(&fx, 4, &other))
        .expect("call B001 out of order");
    assert_precondition(
        call(&fx, 2, &other).map(|p| p.result),
        &["B001 is CALLED", "called", "WAITING"],
    );
    assert_precondition(
        tickets::cancel(&fx.state, &other, &at(30)).map(|p| p.result),
        &["B001 is CALLED", "cancelled"],
    );
    fx.run(tickets::cancel(&fx.state, &waiting, &at(30)))
        .expect("cancel");
    assert_eq!(fx.ticket(&waiting).state, TicketState::Cancelled);
    assert_precondition(
        tickets::cancel(&fx.state, &waiting, &at(31)).map(|p| p.result),
        &["A001 is CANCELLED"],
    );
    let mut unknown = waiting.clone();
    unknown.number = crate::domain::TicketNumber::new("A", 99);
    for result in [
        tickets::cancel(&fx.state, &unknown, &at(40)).map(|p| p.result),
        tickets::requeue(&fx.state, &fx.branch, &unknown, &at(40)).map(|p| p.result),
        fx.state.view(&fx.branch, &unknown).map(|v| v.ticket.id),
    ] {
        assert!(
            matches!(result, Err(QueueError::NotFound { what: "ticket", .. })),
            "{result:?}"
        );
    }
}
