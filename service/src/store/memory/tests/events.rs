//! The board events each pure transition emits, in order, with the values after the step;
//! a replay, a no-op, an expiry and a failed step emit nothing.

use crate::domain::PriorityClass::Normal;
use crate::domain::{EventKind, TicketId, TicketState, WindowCommand, WindowState};
use crate::store::memory::{steps, tickets, windows};

use super::{Fixture, at, new_ticket, sid, win};

fn queue(service: &str, waiting: u32) -> EventKind {
    EventKind::QueueChanged {
        service: sid(service),
        waiting,
    }
}

fn window(
    n: u32,
    state: WindowState,
    reason: Option<&str>,
    current: Option<(&TicketId, TicketState)>,
) -> EventKind {
    EventKind::WindowChanged {
        window: win(n),
        state,
        pause_reason: reason.map(str::to_owned),
        current: current.map(|(id, s)| (id.clone(), s)),
    }
}

fn called(id: &TicketId, service: &str, n: u32, recall_count: u32) -> EventKind {
    EventKind::Called {
        ticket: id.clone(),
        service: sid(service),
        window: win(n),
        recall_count,
    }
}

fn set(fx: &mut Fixture, n: u32, command: WindowCommand) {
    let plan = windows::set_window(&fx.state, &fx.branch, win(n), &command);
    fx.run(plan).expect("set window");
}

fn pause(reason: &str) -> WindowCommand {
    WindowCommand::Pause {
        reason: reason.into(),
    }
}

#[test]
fn take_emits_the_new_waiting_count_and_a_replay_emits_nothing() {
    let mut fx = Fixture::new();
    fx.take("a", Normal, &at(10));
    assert_eq!(fx.emitted, [queue("a", 1)]);
    let keyed = new_ticket("a", Normal, Some("k-1"));
    fx.run(tickets::take(&fx.state, &fx.branch, &keyed, &at(11)))
        .expect("take");
    assert_eq!(fx.emitted, [queue("a", 2)]);
    let replay = tickets::take(&fx.state, &fx.branch, &keyed, &at(12)).expect("replay");
    assert!(replay.result.replayed);
    assert!(replay.change.is_empty(), "{:?}", replay.change);
    fx.take("b", Normal, &at(13));
    assert_eq!(fx.emitted, [queue("b", 1)]);
}

#[test]
fn set_window_emits_only_when_the_state_or_the_reason_changes() {
    let mut fx = Fixture::new();
    set(&mut fx, 1, WindowCommand::Open);
    assert_eq!(fx.emitted, [window(1, WindowState::Open, None, None)]);
    set(&mut fx, 1, WindowCommand::Open);
    assert_eq!(fx.emitted, []);
    set(&mut fx, 1, pause("lunch"));
    let lunch = window(1, WindowState::Paused, Some("lunch"), None);
    assert_eq!(fx.emitted, [lunch]);
    set(&mut fx, 1, pause("lunch"));
    assert_eq!(fx.emitted, []);
    set(&mut fx, 1, pause("meeting"));
    let meeting = window(1, WindowState::Paused, Some("meeting"), None);
    assert_eq!(fx.emitted, [meeting]);
    set(&mut fx, 1, WindowCommand::Close);
    assert_eq!(fx.emitted, [window(1, WindowState::Closed, None, None)]);
    set(&mut fx, 1, WindowCommand::Close);
    assert_eq!(fx.emitted, []);
    // A window paused while it holds a ticket shows the ticket.
    let id = fx.take("a", Normal, &at(10));
    fx.open(2);
    fx.call_next(2, &at(20));
    set(&mut fx, 2, pause(""));
    let held = Some((&id, TicketState::Called));
    assert_eq!(fx.emitted, [window(2, WindowState::Paused, None, held)]);
}

#[test]
fn a_call_emits_called_then_the_queue_and_a_recall_the_new_count() {
    let mut fx = Fixture::new();
    let a1 = fx.take("a", Normal, &at(10));
    let a2 = fx.take("a", Normal, &at(11));
    fx.open(2);
    assert_eq!(fx.call_next(2, &at(20)), Some(a1.clone()));
    assert_eq!(fx.emitted, [called(&a1, "a", 2, 0), queue("a", 1)]);
    fx.run(steps::recall(&fx.state, &fx.branch, win(2)))
        .expect("recall");
    assert_eq!(fx.emitted, [called(&a1, "a", 2, 1)]);
    fx.open(3);
    let plan = windows::call_ticket(&fx.state, &fx.branch, win(3), &a2, &at(30));
    fx.run(plan).expect("call ticket");
    assert_eq!(fx.emitted, [called(&a2, "a", 3, 0), queue("a", 0)]);
    fx.open(1);
    assert_eq!(fx.call_next(1, &at(40)), None);
    assert_eq!(fx.emitted, []);
}

#[test]
fn start_complete_and_no_show_emit_the_windows_new_ticket() {
    let mut fx = Fixture::new();
    let a1 = fx.take("a", Normal, &at(10));
    let a2 = fx.take("a", Normal, &at(11));
    fx.open(2);
    fx.call_next(2, &at(20));
    fx.emitted.clear();
    fx.run(steps::start(&fx.state, &fx.branch, win(2), &at(21)))
        .expect("start");
    let serving = Some((&a1, TicketState::Serving));
    assert_eq!(fx.emitted, [window(2, WindowState::Open, None, serving)]);
    fx.run(steps::complete(&fx.state, &fx.branch, win(2), &at(22)))
        .expect("complete");
    assert_eq!(fx.emitted, [window(2, WindowState::Open, None, None)]);
    assert_eq!(fx.call_next(2, &at(30)), Some(a2));
    fx.run(steps::no_show(&fx.state, &fx.branch, win(2), &at(31)))
        .expect("no-show");
    assert_eq!(fx.emitted, [window(2, WindowState::Open, None, None)]);
}

#[test]
fn requeue_cancel_and_transfer_emit_the_queues_they_change() {
    let mut fx = Fixture::new();
    let a1 = fx.take("a", Normal, &at(10));
    let a2 = fx.take("a", Normal, &at(11));
    fx.take("b", Normal, &at(12));
    fx.open(2);
    fx.call_next(2, &at(20));
    // Requeue of a CALLED ticket: its window lets go first.
    fx.run(tickets::requeue(&fx.state, &fx.branch, &a1, &at(21)))
        .expect("requeue");
    let freed = window(2, WindowState::Open, None, None);
    assert_eq!(fx.emitted, [freed.clone(), queue("a", 2)]);
    fx.call_next(2, &at(30));
    fx.run(steps::no_show(&fx.state, &fx.branch, win(2), &at(31)))
        .expect("no-show");
    fx.run(tickets::requeue(&fx.state, &fx.branch, &a2, &at(32)))
        .expect("requeue");
    assert_eq!(fx.emitted, [queue("a", 2)]);
    fx.run(tickets::cancel(&fx.state, &a2, &at(33)))
        .expect("cancel");
    assert_eq!(fx.emitted, [queue("a", 1)]);
    assert_eq!(fx.call_next(2, &at(40)), Some(a1));
    let plan = steps::transfer(&fx.state, &fx.branch, win(2), &sid("b"), false, &at(41));
    fx.run(plan).expect("transfer");
    assert_eq!(fx.emitted, [freed, queue("b", 2)]);
}

#[test]
fn expiry_and_failed_steps_emit_nothing() {
    let mut fx = Fixture::new();
    fx.take("a", Normal, &at(-100));
    let plan = tickets::expire(&fx.state, &at(10));
    assert_eq!(plan.result, 1);
    assert!(plan.change.events.is_empty());
    fx.run(Ok(plan)).expect("expire");
    assert_eq!(fx.emitted, []);
    fx.take("c", Normal, &at(20));
    fx.take("c", Normal, &at(21));
    let over = tickets::take(
        &fx.state,
        &fx.branch,
        &new_ticket("c", Normal, None),
        &at(22),
    );
    assert!(fx.run(over).is_err());
    assert_eq!(fx.emitted, []);
    let recall = steps::recall(&fx.state, &fx.branch, win(2));
    assert!(fx.run(recall).is_err());
    assert_eq!(fx.emitted, []);
}
