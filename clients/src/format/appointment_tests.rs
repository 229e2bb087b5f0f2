//! Formatting of slots, appointments and check-ins.

use super::*;
use crate::format::tests::ticket;

fn slot(date: &str, start: &str, end: &str, remaining: u32, bookable: bool) -> pb::Slot {
    let compact = format!("{}.{}", date.replace('-', ""), start.replace(':', ""));
    pb::Slot {
        id: format!("district-centre.social-security.{compact}"),
        branch_id: "district-centre".to_owned(),
        service_id: "social-security".to_owned(),
        date: date.to_owned(),
        start_time: start.to_owned(),
        end_time: end.to_owned(),
        capacity: 5,
        remaining,
        bookable,
        ..pb::Slot::default()
    }
}

fn appointment(state: pb::AppointmentState) -> pb::Appointment {
    pb::Appointment {
        id: "apt-7".to_owned(),
        slot: Some(slot("2026-11-30", "09:30", "10:00", 3, true)),
        check_in_code: "483920".to_owned(),
        masked_name: "张**".to_owned(),
        masked_id_number: "110***********1234".to_owned(),
        masked_phone: "138****1234".to_owned(),
        state: state.into(),
        ..pb::Appointment::default()
    }
}

#[test]
fn a_slot_reads_time_then_free_seats() {
    assert_eq!(
        slot_line(&slot("2026-11-30", "09:30", "10:00", 3, true)),
        "09:30–10:00  剩余 3/5  district-centre.social-security.20261130.0930"
    );
    assert!(slot_line(&slot("2026-11-30", "09:30", "10:00", 0, false)).ends_with("  (约满)"));
    assert!(slot_line(&slot("2026-11-30", "09:30", "10:00", 2, false)).ends_with("  (不可预约)"));
}

#[test]
fn slots_are_grouped_by_date_with_the_weekday() {
    let list = [
        slot("2026-11-30", "09:00", "09:30", 5, true),
        slot("2026-11-30", "09:30", "10:00", 0, false),
        slot("2026-12-06", "09:00", "09:30", 1, true),
    ];
    let expected = "\
2026-11-30 周一
  09:00–09:30  剩余 5/5  district-centre.social-security.20261130.0900
  09:30–10:00  剩余 0/5  district-centre.social-security.20261130.0930  (约满)
2026-12-06 周日
  09:00–09:30  剩余 1/5  district-centre.social-security.20261206.0900";
    assert_eq!(
        slots(&list, "social-security", "2026-11-30", "2026-12-06", true),
        expected
    );
}

#[test]
fn no_slots_names_the_service_and_range() {
    assert_eq!(
        slots(&[], "tax", "2026-11-30", "2026-12-06", false),
        "no bookable slots of tax from 2026-11-30 to 2026-12-06"
    );
    assert_eq!(
        slots(&[], "tax", "2026-11-30", "2026-11-30", true),
        "no slots of tax on 2026-11-30"
    );
}

#[test]
fn weekdays_in_chinese() {
    assert_eq!(date_with_weekday("2026-11-27"), "2026-11-27 周五");
    assert_eq!(date_with_weekday("2026-11-28"), "2026-11-28 周六");
    assert_eq!(date_with_weekday("someday"), "someday");
}

#[test]
fn a_booked_appointment_in_full() {
    let expected = "\
2026-11-30 周一 09:30–10:00 social-security: booked, check-in code 483920
  id: apt-7
  state: booked
  branch: district-centre
  service: social-security
  slot: district-centre.social-security.20261130.0930
  check-in code: 483920
  name: 张**
  id number: 110***********1234
  phone: 138****1234";
    assert_eq!(
        appointment_details(&appointment(pb::AppointmentState::Booked)),
        expected
    );
}

#[test]
fn headlines_by_state() {
    let mut a = appointment(pb::AppointmentState::CheckedIn);
    a.ticket_id = "district-centre.20261130.A001".to_owned();
    assert!(
        appointment_line(&a).ends_with(": checked in as A001"),
        "{}",
        appointment_line(&a)
    );
    let details = appointment_details(&a);
    assert!(details.contains("\n  state: checked-in\n"), "{details}");
    assert!(
        details.ends_with("\n  ticket: district-centre.20261130.A001"),
        "{details}"
    );
    for (state, end) in [
        (pb::AppointmentState::Cancelled, ": cancelled"),
        (pb::AppointmentState::NoShow, ": no-show"),
    ] {
        let line = appointment_line(&appointment(state));
        assert!(line.ends_with(end), "{line}");
    }
}

#[test]
fn clear_personal_data_is_masked_here_too() {
    let mut a = appointment(pb::AppointmentState::Booked);
    a.masked_name = "张三丰".to_owned();
    a.masked_id_number = "11010519491231002X".to_owned();
    a.masked_phone = "13812341234".to_owned();
    let text = appointment_details(&a);
    assert!(text.contains("  name: 张**\n"), "{text}");
    assert!(text.contains("  id number: 110***********002X\n"), "{text}");
    assert!(text.contains("  phone: 138****1234"), "{text}");
    for clear in ["张三丰", "11010519491231002X", "13812341234"] {
        assert!(!text.contains(clear), "{text}");
    }
}

#[test]
fn a_booking_prints_its_key_and_whether_it_was_replayed() {
    let mut b = Booked {
        appointment: appointment(pb::AppointmentState::Booked),
        replayed: false,
    };
    assert!(booked(&b, "qc-1").ends_with("\n  phone: 138****1234\n  idempotency key: qc-1"));
    b.replayed = true;
    assert!(booked(&b, "qc-1").ends_with("\n  idempotency key: qc-1\n  replayed: yes"));
    let mut credit = b.appointment.clone();
    credit.credit_code = "91350100M000100Y43".to_owned();
    assert!(appointment_details(&credit).ends_with("\n  credit code: 91350100M000100Y43"));
}

#[test]
fn a_list_of_appointments_is_a_table() {
    let mut cancelled = appointment(pb::AppointmentState::Cancelled);
    cancelled.id = "apt-6".to_owned();
    let text = appointments(&[appointment(pb::AppointmentState::Booked), cancelled]);
    let expected = "\
DATE             TIME         SERVICE          STATE      CODE    BRANCH           ID
2026-11-30 周一  09:30–10:00  social-security  booked     483920  district-centre  apt-7
2026-11-30 周一  09:30–10:00  social-security  cancelled  483920  district-centre  apt-6";
    assert_eq!(text, expected);
    assert_eq!(appointments(&[]), "no appointments");
}

#[test]
fn a_check_in_prints_the_message_then_the_ticket() {
    let mut t = ticket("A001", pb::TicketState::Waiting);
    t.priority_class = pb::PriorityClass::Appointment.into();
    let mut checked = CheckedIn {
        appointment: appointment(pb::AppointmentState::CheckedIn),
        ticket: t,
        late: false,
        message: "预约签到成功，请等候叫号".to_owned(),
        replayed: false,
    };
    let text = checked_in(&checked);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "预约签到成功，请等候叫号");
    assert_eq!(lines[1], "A001 waiting for social-security");
    assert!(lines.contains(&"  priority: appointment"), "{text}");
    assert_eq!(lines.last(), Some(&"  appointment: apt-7"));
    checked.late = true;
    checked.replayed = true;
    assert!(checked_in(&checked).ends_with("  appointment: apt-7\n  late: yes\n  replayed: yes"));
}
