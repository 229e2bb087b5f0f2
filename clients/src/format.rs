//! Tickets, windows and a branch's queue as people read them (the output of `queuecallctl`).
//!
//! The shapes are stable; scripts and tests may rely on them:
//! - a ticket: a headline ([`ticket_line`]) then indented `key: value` lines
//!   ([`ticket_details`]), for example
//!   ```text
//!   A023 called to window 5
//!     id: district-centre.20261127.A023
//!     state: called
//!     service: social-security
//!   ```
//! - a window: one line ([`window_line`]), `window 5 (综合窗口) paused: lunch`;
//! - a branch: [`queue`], a services table and a windows table.
//!
//! Phone numbers are only ever printed masked ([`masked_phone`]).

mod queue;

pub use queue::queue;

use crate::Taken;
use crate::pb;

/// Seconds as whole minutes, rounded up: `0 min`, `1 min` (for 1–60 s), `21 min`.
pub fn minutes(seconds: u32) -> String {
    format!("{} min", seconds.div_ceil(60))
}

/// `waiting`, `called`, `serving`, `done`, `no-show`, `cancelled`, `expired`.
pub fn state(state: pb::TicketState) -> &'static str {
    match state {
        pb::TicketState::Unspecified => "unknown",
        pb::TicketState::Waiting => "waiting",
        pb::TicketState::Called => "called",
        pb::TicketState::Serving => "serving",
        pb::TicketState::Done => "done",
        pb::TicketState::NoShow => "no-show",
        pb::TicketState::Cancelled => "cancelled",
        pb::TicketState::Expired => "expired",
    }
}

/// `normal`, `appointment`, `green-channel` (unspecified reads as normal).
pub fn priority(priority: pb::PriorityClass) -> &'static str {
    match priority {
        pb::PriorityClass::Unspecified | pb::PriorityClass::Normal => "normal",
        pb::PriorityClass::Appointment => "appointment",
        pb::PriorityClass::GreenChannel => "green-channel",
    }
}

/// `kiosk`, `mobile`, `window`, `api` (unspecified reads as api).
pub fn channel(channel: pb::Channel) -> &'static str {
    match channel {
        pb::Channel::Kiosk => "kiosk",
        pb::Channel::Mobile => "mobile",
        pb::Channel::Window => "window",
        pb::Channel::Unspecified | pb::Channel::Api => "api",
    }
}

/// `open`, `paused`, `closed`.
pub fn window_state(state: pb::WindowState) -> &'static str {
    match state {
        pb::WindowState::Unspecified => "unknown",
        pb::WindowState::Open => "open",
        pb::WindowState::Paused => "paused",
        pb::WindowState::Closed => "closed",
    }
}

/// A phone as the service sends it (`138****1234`). Should a full number ever arrive, it is
/// masked here too: the first three and last four digits stay.
pub fn masked_phone(phone: &str) -> String {
    if phone.contains('*') {
        return phone.to_owned();
    }
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// One line saying where a ticket is: `A023 waiting for social-security`,
/// `A023 called to window 5`, `A023 called to window 5 (recall 2)`,
/// `A023 being served at window 5`, `A023 done at window 5`, `A023 no-show at window 5`,
/// `A023 cancelled`, `A023 expired`.
pub fn ticket_line(ticket: &pb::Ticket) -> String {
    let number = &ticket.number;
    let window = ticket.window;
    match ticket.state() {
        pb::TicketState::Waiting => format!("{number} waiting for {}", ticket.service_id),
        pb::TicketState::Called if ticket.recall_count > 0 => format!(
            "{number} called to window {window} (recall {})",
            ticket.recall_count
        ),
        pb::TicketState::Called => format!("{number} called to window {window}"),
        pb::TicketState::Serving => format!("{number} being served at window {window}"),
        pb::TicketState::Done => format!("{number} done at window {window}"),
        pb::TicketState::NoShow => format!("{number} no-show at window {window}"),
        pb::TicketState::Cancelled => format!("{number} cancelled"),
        pb::TicketState::Expired => format!("{number} expired"),
        pb::TicketState::Unspecified => format!("{number} in an unknown state"),
    }
}

/// The headline, then `  key: value` lines: id, state, service, day, priority, channel,
/// then when they apply: people ahead and estimated wait (waiting tickets), window,
/// recalls, requeues, transferred from, phone (masked).
pub fn ticket_details(ticket: &pb::Ticket) -> String {
    let mut lines = vec![ticket_line(ticket)];
    let mut field = |key: &str, value: &str| lines.push(format!("  {key}: {value}"));
    field("id", &ticket.id);
    field("state", state(ticket.state()));
    field("service", &ticket.service_id);
    field("day", &ticket.service_day);
    field("priority", priority(ticket.priority_class()));
    field("channel", channel(ticket.channel()));
    if ticket.state() == pb::TicketState::Waiting {
        field("people ahead", &ticket.people_ahead.to_string());
        field("estimated wait", &minutes(ticket.estimated_wait_seconds));
    }
    if ticket.window != 0 {
        field("window", &ticket.window.to_string());
    }
    if ticket.recall_count > 0 {
        field("recalls", &ticket.recall_count.to_string());
    }
    if ticket.requeue_count > 0 {
        field("requeues", &ticket.requeue_count.to_string());
    }
    if !ticket.original_service_id.is_empty() {
        field("transferred from", &ticket.original_service_id);
    }
    if !ticket.masked_phone.is_empty() {
        field("phone", &masked_phone(&ticket.masked_phone));
    }
    lines.join("\n")
}

/// A taken ticket: [`ticket_details`], plus `  replayed: yes` when the idempotency key
/// had already issued it.
pub fn taken(taken: &Taken) -> String {
    let mut text = ticket_details(&taken.ticket);
    if taken.replayed {
        text.push_str("\n  replayed: yes");
    }
    text
}

/// What CallNext without a ticket means: `nothing waiting for window 5`.
pub fn nothing_waiting(window: u32) -> String {
    format!("nothing waiting for window {window}")
}

/// `window 5 (综合窗口) open`, `window 5 (综合窗口) paused: lunch`,
/// `window 5 (综合窗口) open, A023 serving` (the ticket it holds, if any).
pub fn window_line(window: &pb::Window) -> String {
    let mut line = format!("window {}", window.number);
    if !window.name.is_empty() {
        line.push_str(&format!(" ({})", window.name));
    }
    line.push(' ');
    line.push_str(window_state(window.state()));
    if window.state() == pb::WindowState::Paused && !window.pause_reason.is_empty() {
        line.push_str(&format!(": {}", window.pause_reason));
    }
    if let Some(ticket) = &window.current_ticket {
        line.push_str(&format!(", {} {}", ticket.number, state(ticket.state())));
    }
    line
}

#[cfg(test)]
pub(crate) mod tests {
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
}
