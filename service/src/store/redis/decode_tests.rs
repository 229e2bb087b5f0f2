use chrono::TimeZone;

use super::*;
use crate::domain::CallRule;
use crate::hall::{BranchLevel, Window};

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

/// A ticket's fields as the scripts answer them: names and values joined by NUL.
fn packed(pairs: &[(&str, &str)]) -> Value {
    let parts: Vec<&str> = pairs.iter().flat_map(|(k, v)| [*k, *v]).collect();
    bulk(&parts.join("\0"))
}

fn called_ticket() -> Value {
    packed(&[
        ("id", "dc.20261127.A023"),
        ("number", "A023"),
        ("service", "tax"),
        ("original_service", "social"),
        ("state", "CALLED"),
        ("priority", "green_channel"),
        ("channel", "kiosk"),
        ("phone", "13812341234"),
        ("window", "5"),
        ("recall_count", "1"),
        ("requeue_count", "0"),
        ("issued_at", "1795000000000"),
        ("called_at", "1795000060000"),
        ("time_key", "36000000023"),
        ("day", "20261127"),
    ])
}

fn branch() -> Branch {
    let service = |id: &str| ServiceId::parse("service", id).expect("service id");
    let window = |n: u32, services: Vec<ServiceId>| Window {
        number: WindowNo::parse("window", n).expect("window"),
        name: format!("{n}"),
        services,
        rule: CallRule::OldestFirst,
    };
    Branch {
        id: crate::domain::BranchId::parse("branch", "dc").expect("branch"),
        name: "dc".into(),
        level: BranchLevel::Village,
        parent: None,
        time_zone: chrono_tz::Asia::Shanghai,
        english_announcements: false,
        services: Vec::new(),
        calendar: Default::default(),
        windows: vec![
            window(1, vec![service("tax")]),
            window(2, vec![service("social")]),
            window(5, vec![service("social"), service("tax")]),
        ],
    }
}

#[test]
fn a_ticket_hash_decodes_into_the_domain_ticket() {
    let t = ticket(called_ticket()).expect("ticket");
    assert_eq!(t.id.to_string(), "dc.20261127.A023");
    assert_eq!(t.service.as_str(), "tax");
    assert_eq!(
        t.original_service.as_ref().map(ServiceId::as_str),
        Some("social")
    );
    assert_eq!(t.state, TicketState::Called);
    assert_eq!(t.priority, PriorityClass::GreenChannel);
    assert_eq!(t.channel, Channel::Kiosk);
    assert_eq!(t.phone.as_ref().map(Phone::digits), Some("13812341234"));
    assert_eq!(t.window.map(WindowNo::get), Some(5));
    assert_eq!(t.recall_count, 1);
    assert_eq!(
        t.issued_at,
        Utc.timestamp_millis_opt(1_795_000_000_000).unwrap()
    );
    assert_eq!(
        t.called_at,
        Some(Utc.timestamp_millis_opt(1_795_000_060_000).unwrap())
    );
    assert_eq!(t.started_at, None);
    assert_eq!(t.ended_at, None);
}

#[test]
fn a_bad_phone_is_an_internal_error_that_does_not_show_it() {
    let value = packed(&[
        ("id", "dc.20261127.A001"),
        ("service", "tax"),
        ("state", "WAITING"),
        ("priority", "normal"),
        ("channel", "api"),
        ("phone", "99912345678"),
        ("issued_at", "1"),
    ]);
    let err = ticket(value).expect_err("bad phone");
    assert!(matches!(err, QueueError::Internal(_)));
    assert!(!format!("{err:#}").contains("99912345678"), "{err:#}");
}

#[test]
fn a_missing_field_or_unknown_state_is_internal() {
    let value = packed(&[("id", "dc.20261127.A001"), ("state", "WAITING")]);
    assert!(matches!(ticket(value), Err(QueueError::Internal(_))));
    let value = packed(&[
        ("id", "dc.20261127.A001"),
        ("service", "tax"),
        ("state", "LOST"),
        ("priority", "normal"),
        ("channel", "api"),
        ("issued_at", "1"),
    ]);
    assert!(matches!(ticket(value), Err(QueueError::Internal(_))));
}

#[test]
fn a_view_counts_only_open_windows_serving_the_ticket_service() {
    let open = Value::Array(vec![bulk("1"), bulk("2"), bulk("9")]);
    let value = Value::Array(vec![called_ticket(), Value::Int(0), bulk("61000"), open]);
    let view = view(&branch(), value).expect("view");
    assert_eq!(
        view.open_windows, 1,
        "window 1 serves tax; 2 does not; 5 is closed"
    );
    assert_eq!(view.avg_service_ms, Some(61_000));
    assert_eq!(view.people_ahead, 0);
}

#[test]
fn a_window_without_a_ticket_decodes_with_none() {
    let no = WindowNo::parse("window", 2).expect("window");
    let value = Value::Array(vec![bulk("PAUSED"), bulk("lunch"), bulk("")]);
    let w = window(no, value).expect("window");
    assert_eq!(w.state, WindowState::Paused);
    assert_eq!(w.pause_reason.as_deref(), Some("lunch"));
    assert_eq!(w.current, None);
    let value = Value::Array(vec![bulk("OPEN"), bulk(""), called_ticket()]);
    let w = window(no, value).expect("window");
    assert_eq!(w.pause_reason, None);
    assert_eq!(w.current.map(|t| t.state), Some(TicketState::Called));
}

#[test]
fn open_windows_read_from_the_string_or_the_set() {
    let from_string = open_windows(bulk("9 1 2")).expect("string");
    let from_set = open_windows(Value::Array(vec![bulk("9"), bulk("1"), bulk("2")]));
    assert_eq!(from_string.0, [1, 2, 9]);
    assert_eq!(from_set.expect("set").0, [1, 2, 9]);
    assert!(open_windows(bulk("")).expect("none open").0.is_empty());
    assert!(matches!(
        open_windows(bulk("1 x")),
        Err(QueueError::Internal(_))
    ));
}

#[test]
fn counters_read_as_fields_and_fields_the_ticket_does_not_use_are_skipped() {
    let value = packed(&[
        ("id", "dc.20261127.A001"),
        ("service", "tax"),
        ("state", "CALLED"),
        ("priority", "normal"),
        ("channel", "api"),
        ("issued_at", "1"),
        ("recall_count", "2"),
        ("called_n", "3"),
    ]);
    assert_eq!(ticket(value).expect("ticket").recall_count, 2);
}

#[test]
fn a_packed_ticket_with_a_name_but_no_value_or_another_shape_is_internal() {
    // A name without its value is a bug of ours, and INTERNAL.
    let Value::BulkString(mut bytes) = called_ticket() else {
        unreachable!()
    };
    bytes.extend_from_slice(b"\0state");
    assert!(matches!(
        ticket(Value::BulkString(bytes)),
        Err(QueueError::Internal(_))
    ));
    // The flat HGETALL form is not what the scripts answer.
    let flat = Value::Array(vec![bulk("id"), bulk("dc.20261127.A001")]);
    assert!(matches!(ticket(flat), Err(QueueError::Internal(_))));
}
