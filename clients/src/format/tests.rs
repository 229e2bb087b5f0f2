//! Formatting of tickets and windows.

use super::*;

pub(crate) fn ticket(number: &str, state: pb::TicketState) -> pb::Ticket {
    pb::Ticket {
        id: format!("district-centre.20261127.{number}"),
        number: number.to_owned(),
        branch_id: "district-centre".to_owned(),
        service_id: "social-security".to_owned(),
        state: state.into(),
        service_day: "2026-11-27".to_owned(),
        ..pb::Ticket::default()
    }
}

#[test]
fn minutes_round_up() {
    assert_eq!(minutes(0), "0 min");
    assert_eq!(minutes(1), "1 min");
    assert_eq!(minutes(60), "1 min");
    assert_eq!(minutes(61), "2 min");
    assert_eq!(minutes(1200), "20 min");
    assert_eq!(minutes(u32::MAX), "71582789 min");
}

#[test]
fn ticket_line_names_state_and_window() {
    let mut t = ticket("A023", pb::TicketState::Waiting);
    assert_eq!(ticket_line(&t), "A023 waiting for social-security");
    t.window = 5;
    let cases = [
        (pb::TicketState::Called, "A023 called to window 5"),
        (pb::TicketState::Serving, "A023 being served at window 5"),
        (pb::TicketState::Done, "A023 done at window 5"),
        (pb::TicketState::NoShow, "A023 no-show at window 5"),
        (pb::TicketState::Cancelled, "A023 cancelled"),
        (pb::TicketState::Expired, "A023 expired"),
        (pb::TicketState::Unspecified, "A023 in an unknown state"),
    ];
    for (state, line) in cases {
        t.state = state.into();
        assert_eq!(ticket_line(&t), line);
    }
    t.state = pb::TicketState::Called.into();
    t.recall_count = 2;
    assert_eq!(ticket_line(&t), "A023 called to window 5 (recall 2)");
}

#[test]
fn details_of_a_waiting_ticket() {
    let mut t = ticket("A023", pb::TicketState::Waiting);
    t.people_ahead = 4;
    t.estimated_wait_seconds = 1190;
    t.priority_class = pb::PriorityClass::GreenChannel.into();
    t.channel = pb::Channel::Kiosk.into();
    t.masked_phone = "138****1234".to_owned();
    let expected = "A023 waiting for social-security
  id: district-centre.20261127.A023
  state: waiting
  service: social-security
  day: 2026-11-27
  priority: green-channel
  channel: kiosk
  people ahead: 4
  estimated wait: 20 min
  phone: 138****1234";
    assert_eq!(ticket_details(&t), expected);
}

#[test]
fn details_of_a_called_transferred_ticket_skip_the_wait() {
    let mut t = ticket("A023", pb::TicketState::Called);
    t.window = 5;
    t.people_ahead = 9;
    t.recall_count = 1;
    t.requeue_count = 1;
    t.original_service_id = "tax".to_owned();
    let text = ticket_details(&t);
    assert!(
        text.starts_with("A023 called to window 5 (recall 1)\n"),
        "{text}"
    );
    assert!(!text.contains("people ahead"), "{text}");
    assert!(!text.contains("estimated wait"), "{text}");
    for line in [
        "  window: 5",
        "  recalls: 1",
        "  requeues: 1",
        "  transferred from: tax",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in {text}");
    }
    assert!(
        text.contains("  priority: normal\n  channel: api"),
        "{text}"
    );
}

#[test]
fn taken_marks_a_replay() {
    let t = ticket("B001", pb::TicketState::Waiting);
    let fresh = taken(&Taken {
        ticket: t.clone(),
        replayed: false,
    });
    assert!(!fresh.contains("replayed"));
    let again = taken(&Taken {
        ticket: t,
        replayed: true,
    });
    assert!(again.ends_with("\n  replayed: yes"), "{again}");
}

#[test]
fn phones_never_print_unmasked() {
    assert_eq!(masked_phone("138****1234"), "138****1234");
    assert_eq!(masked_phone("13812341234"), "138****1234");
    assert_eq!(masked_phone("+8613812341234"), "+86****1234");
    assert_eq!(masked_phone("12345"), "****");
    let mut t = ticket("A001", pb::TicketState::Waiting);
    t.masked_phone = "13812341234".to_owned();
    assert!(!ticket_details(&t).contains("13812341234"));
}

#[test]
fn window_lines() {
    let mut w = pb::Window {
        number: 5,
        name: "综合窗口".to_owned(),
        state: pb::WindowState::Open.into(),
        ..pb::Window::default()
    };
    assert_eq!(window_line(&w), "window 5 (综合窗口) open");
    w.state = pb::WindowState::Paused.into();
    w.pause_reason = "lunch".to_owned();
    assert_eq!(window_line(&w), "window 5 (综合窗口) paused: lunch");
    w.state = pb::WindowState::Open.into();
    w.current_ticket = Some(ticket("A023", pb::TicketState::Serving));
    assert_eq!(window_line(&w), "window 5 (综合窗口) open, A023 serving");
    w.name.clear();
    w.current_ticket = None;
    w.state = pb::WindowState::Closed.into();
    assert_eq!(window_line(&w), "window 5 closed");
    assert_eq!(nothing_waiting(5), "nothing waiting for window 5");
}
