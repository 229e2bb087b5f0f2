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
//! - a display stream: one line per item ([`follow_line`]), or the whole board for a
//!   terminal ([`board()`]).
//!
//! - a slot: [`slot_line`], `09:30–10:00  剩余 3/5  <slot id>`, grouped by date ([`slots`]);
//! - an appointment: a headline ([`appointment_line`]) then `key: value` lines
//!   ([`appointment_details`]); a person's appointments as a table ([`appointments`]);
//! - statistics: one table, a row per service, window or hour and a total ([`statistics`]);
//! - the hall layout of the records database ([`layout`]).
//!
//! Phone numbers, names and ID numbers are only ever printed masked ([`masked_phone`]).

mod appointment;
mod board;
mod display;
mod history;
mod layout;
mod queue;

pub use appointment::{
    appointment_details, appointment_line, appointment_state, appointments, booked, checked_in,
    date_with_weekday, rescheduled, slot_line, slot_time, slots, weekday_zh,
};
pub use board::{board, status};
pub use display::{
    announcement, board_line, event_line, follow_line, snapshot_reason, ticket_watch_line,
};
pub use history::{duration, group_name, percent, rating, statistics};
pub use layout::{
    applied, booking, branch_done, calendar_line, call_rule, done, layout, level, weekday, weekdays,
};
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
#[allow(clippy::unwrap_used)]
pub(crate) mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod display_tests;
