//! Slots and appointments as people read them: `09:30–10:00  剩余 3/5`.

use chrono::{Datelike, NaiveDate, Weekday};

use super::masked_phone;
use super::queue::table;
use crate::pb;
use crate::{Booked, CheckedIn, Rescheduled};

/// `2026-11-30 周一` (the date alone when it is not `YYYY-MM-DD`).
pub fn date_with_weekday(date: &str) -> String {
    match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(day) => format!("{date} {}", weekday_zh(day.weekday())),
        Err(_) => date.to_owned(),
    }
}

/// 周一 … 周日.
pub fn weekday_zh(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// `09:30–10:00`.
pub fn slot_time(slot: &pb::Slot) -> String {
    format!("{}–{}", slot.start_time, slot.end_time)
}

/// `09:30–10:00  剩余 3/5  <slot id>`, then `  (约满)` for a full slot and `  (不可预约)` for
/// one that cannot be booked any more (or not yet).
pub fn slot_line(slot: &pb::Slot) -> String {
    let mut line = format!(
        "{}  剩余 {}/{}  {}",
        slot_time(slot),
        slot.remaining,
        slot.capacity,
        slot.id
    );
    if slot.remaining == 0 {
        line.push_str("  (约满)");
    } else if !slot.bookable {
        line.push_str("  (不可预约)");
    }
    line
}

/// The slots grouped by date, a `2026-11-30 周一` line before each date's slots:
///
/// ```text
/// 2026-11-30 周一
///   09:00–09:30  剩余 5/5  district-centre.social-security.20261130.0900
///   09:30–10:00  剩余 0/5  district-centre.social-security.20261130.0930  (约满)
/// ```
///
/// No slots: `no slots` (`no bookable slots` unless `all`), then the range asked for.
pub fn slots(slots: &[pb::Slot], service: &str, from: &str, to: &str, all: bool) -> String {
    if slots.is_empty() {
        let what = if all { "no slots" } else { "no bookable slots" };
        let range = if to.is_empty() || to == from {
            format!("on {from}")
        } else {
            format!("from {from} to {to}")
        };
        return format!("{what} of {service} {range}");
    }
    let mut lines = Vec::new();
    let mut date = None;
    for slot in slots {
        if date != Some(slot.date.as_str()) {
            date = Some(slot.date.as_str());
            lines.push(date_with_weekday(&slot.date));
        }
        lines.push(format!("  {}", slot_line(slot)));
    }
    lines.join("\n")
}

/// `booked`, `cancelled`, `checked-in`, `no-show`.
pub fn appointment_state(state: pb::AppointmentState) -> &'static str {
    match state {
        pb::AppointmentState::Unspecified => "unknown",
        pb::AppointmentState::Booked => "booked",
        pb::AppointmentState::Cancelled => "cancelled",
        pb::AppointmentState::CheckedIn => "checked-in",
        pb::AppointmentState::NoShow => "no-show",
    }
}

/// The number of a ticket id: `A001` of `district-centre.20261130.A001`.
fn ticket_number(ticket_id: &str) -> &str {
    ticket_id.rsplit('.').next().unwrap_or(ticket_id)
}

/// One line: `2026-11-30 周一 09:30–10:00 social-security: booked, check-in code 483920`;
/// `…: checked in as A001`, `…: cancelled`, `…: no-show`.
pub fn appointment_line(appointment: &pb::Appointment) -> String {
    let slot = appointment.slot.clone().unwrap_or_default();
    let when = format!(
        "{} {} {}",
        date_with_weekday(&slot.date),
        slot_time(&slot),
        slot.service_id
    );
    let what = match appointment.state() {
        pb::AppointmentState::Booked => {
            format!("booked, check-in code {}", appointment.check_in_code)
        }
        pb::AppointmentState::CheckedIn if !appointment.ticket_id.is_empty() => {
            format!("checked in as {}", ticket_number(&appointment.ticket_id))
        }
        pb::AppointmentState::CheckedIn => "checked in".to_owned(),
        state => appointment_state(state).to_owned(),
    };
    format!("{when}: {what}")
}

/// The headline, then `  key: value` lines: id, state, branch, service, slot, check-in
/// code, name, id number, phone (all three masked), then when they apply: credit code, ticket.
pub fn appointment_details(appointment: &pb::Appointment) -> String {
    let slot = appointment.slot.clone().unwrap_or_default();
    let mut lines = vec![appointment_line(appointment)];
    let mut field = |key: &str, value: &str| lines.push(format!("  {key}: {value}"));
    field("id", &appointment.id);
    field("state", appointment_state(appointment.state()));
    field("branch", &slot.branch_id);
    field("service", &slot.service_id);
    field("slot", &slot.id);
    field("check-in code", &appointment.check_in_code);
    field("name", &masked_name(&appointment.masked_name));
    field("id number", &masked_id(&appointment.masked_id_number));
    field("phone", &masked_phone(&appointment.masked_phone));
    if !appointment.credit_code.is_empty() {
        field("credit code", &appointment.credit_code);
    }
    if !appointment.ticket_id.is_empty() {
        field("ticket", &appointment.ticket_id);
    }
    lines.join("\n")
}

/// A booking: [`appointment_details`], the idempotency key it was made with (a retry with it
/// returns the same appointment), and `  replayed: yes` when it had already booked.
pub fn booked(booked: &Booked, idempotency_key: &str) -> String {
    let mut text = appointment_details(&booked.appointment);
    text.push_str(&format!("\n  idempotency key: {idempotency_key}"));
    if booked.replayed {
        text.push_str("\n  replayed: yes");
    }
    text
}

/// A reschedule: [`appointment_details`] in the new slot, `  replayed: yes` when it already was.
pub fn rescheduled(rescheduled: &Rescheduled) -> String {
    let mut text = appointment_details(&rescheduled.appointment);
    if rescheduled.replayed {
        text.push_str("\n  replayed: yes");
    }
    text
}

/// A person's appointments as a table (DATE TIME SERVICE STATE CODE BRANCH ID), or
/// `no appointments`.
pub fn appointments(appointments: &[pb::Appointment]) -> String {
    if appointments.is_empty() {
        return "no appointments".to_owned();
    }
    let mut rows = vec![
        ["DATE", "TIME", "SERVICE", "STATE", "CODE", "BRANCH", "ID"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for a in appointments {
        let slot = a.slot.clone().unwrap_or_default();
        rows.push(vec![
            date_with_weekday(&slot.date),
            slot_time(&slot),
            slot.service_id,
            appointment_state(a.state()).to_owned(),
            a.check_in_code.clone(),
            slot.branch_id,
            a.id.clone(),
        ]);
    }
    table(&rows).join("\n")
}

/// A check-in: the kiosk's message, then the ticket ([`super::ticket_details`]) with
/// `  appointment: <id>`, `  late: yes` (an ordinary ticket) and `  replayed: yes` as they apply.
pub fn checked_in(checked: &CheckedIn) -> String {
    let mut lines = Vec::new();
    if !checked.message.is_empty() {
        lines.push(checked.message.clone());
    }
    lines.push(super::ticket_details(&checked.ticket));
    lines.push(format!("  appointment: {}", checked.appointment.id));
    if checked.late {
        lines.push("  late: yes".to_owned());
    }
    if checked.replayed {
        lines.push("  replayed: yes".to_owned());
    }
    lines.join("\n")
}

/// A name as the service sends it (`张**`); a clear one is cut to its first character.
fn masked_name(name: &str) -> String {
    if name.contains('*') || name.is_empty() {
        return name.to_owned();
    }
    let first: String = name.chars().take(1).collect();
    format!("{first}**")
}

/// An ID number as the service sends it (`110***********1234`); a clear one is masked the
/// same way (the first three and last four characters stay).
fn masked_id(id: &str) -> String {
    if id.contains('*') || id.is_empty() {
        return id.to_owned();
    }
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "appointment_tests.rs"]
mod tests;
