use super::*;

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

fn raw(id: &str, pairs: &[(&str, &str)]) -> Value {
    let flat = pairs.iter().flat_map(|(k, v)| [bulk(k), bulk(v)]).collect();
    Value::Array(vec![bulk(id), Value::Array(flat)])
}

fn window(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window")
}

fn ticket() -> TicketId {
    TicketId::parse("dc.20261127.A023").expect("ticket")
}

fn service(id: &str) -> ServiceId {
    ServiceId::parse("service", id).expect("service")
}

const AT: &str = "1795000060000";

fn called(id: u64) -> Value {
    raw(
        &format!("{id}-0"),
        &[
            ("at", AT),
            ("k", "called"),
            ("ticket", "dc.20261127.A023"),
            ("service", "tax"),
            ("window", "5"),
            ("recall", "1"),
        ],
    )
}

#[test]
fn a_call_reads_with_its_id_instant_and_recall_count() {
    let event = entry(called(42)).expect("event");
    assert_eq!(event.id, 42);
    assert_eq!(event.at.timestamp_millis(), 1_795_000_060_000);
    assert_eq!(
        event.kind,
        EventKind::Called {
            ticket: ticket(),
            service: service("tax"),
            window: window(5),
            recall_count: 1,
        }
    );
}

#[test]
fn a_window_reads_with_and_without_reason_and_ticket() {
    let paused = raw(
        "7-0",
        &[
            ("at", AT),
            ("k", "window"),
            ("window", "3"),
            ("state", "PAUSED"),
            ("reason", "lunch"),
            ("ticket", "dc.20261127.A023"),
            ("tstate", "SERVING"),
        ],
    );
    let closed = raw(
        "8-0",
        &[
            ("at", AT),
            ("k", "window"),
            ("window", "3"),
            ("state", "CLOSED"),
        ],
    );
    assert_eq!(
        entry(paused).expect("paused").kind,
        EventKind::WindowChanged {
            window: window(3),
            state: WindowState::Paused,
            pause_reason: Some("lunch".into()),
            current: Some((ticket(), TicketState::Serving)),
        }
    );
    assert_eq!(
        entry(closed).expect("closed").kind,
        EventKind::WindowChanged {
            window: window(3),
            state: WindowState::Closed,
            pause_reason: None,
            current: None,
        }
    );
}

#[test]
fn a_queue_change_reads_and_a_map_of_fields_too() {
    let fields = [
        ("at", AT),
        ("k", "queue"),
        ("service", "tax"),
        ("waiting", "12"),
    ];
    let map = fields.iter().map(|(k, v)| (bulk(k), bulk(v))).collect();
    let resp3 = Value::Array(vec![bulk("9-0"), Value::Map(map)]);
    for value in [raw("9-0", &fields), resp3] {
        let event = entry(value).expect("event");
        assert_eq!(event.id, 9);
        assert_eq!(
            event.kind,
            EventKind::QueueChanged {
                service: service("tax"),
                waiting: 12,
            }
        );
    }
}

#[test]
fn unreadable_entries_are_internal_errors() {
    let unknown = raw("1-0", &[("at", AT), ("k", "lunch")]);
    let no_at = raw(
        "1-0",
        &[("k", "queue"), ("service", "tax"), ("waiting", "1")],
    );
    let bad_state = raw(
        "1-0",
        &[
            ("at", AT),
            ("k", "window"),
            ("window", "1"),
            ("state", "AJAR"),
        ],
    );
    let bad_id = called(1);
    let Value::Array(mut parts) = bad_id else {
        panic!("array")
    };
    parts[0] = bulk("x-0");
    for value in [unknown, no_at, bad_state, Value::Array(parts), bulk("1-0")] {
        assert!(matches!(entry(value), Err(QueueError::Internal(_))));
    }
}

#[test]
fn xread_replies_read_as_resp2_resp3_and_nil() {
    let key = bulk("qc:{dc}:events");
    let resp2 = Value::Array(vec![Value::Array(vec![
        key.clone(),
        Value::Array(vec![called(3), called(4)]),
    ])]);
    let resp3 = Value::Map(vec![(key, Value::Array(vec![called(3), called(4)]))]);
    for reply in [resp2, resp3] {
        let ids: Vec<u64> = read_reply(reply)
            .expect("read")
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, [3, 4]);
    }
    assert!(read_reply(Value::Nil).expect("nil").is_empty());
    assert_eq!(event_id(&Value::Nil).expect("nil"), 0);
    assert_eq!(event_id(&bulk("17")).expect("text"), 17);
    assert_eq!(event_id(&Value::Int(18)).expect("int"), 18);
}

#[test]
fn events_follow_only_without_a_gap() {
    let events = |ids: &[u64]| -> Vec<Event> {
        ids.iter()
            .map(|&id| entry(called(id)).expect("event"))
            .collect()
    };
    let ids = |got: Option<Vec<Event>>| got.map(|e| e.iter().map(|e| e.id).collect::<Vec<_>>());
    assert_eq!(ids(following(0, 0, vec![], 10)), Some(vec![]));
    assert_eq!(ids(following(5, 5, vec![], 10)), Some(vec![]));
    assert_eq!(ids(following(6, 5, vec![], 10)), None, "log reset");
    assert_eq!(
        ids(following(2, 5, events(&[3, 4, 5]), 10)),
        Some(vec![3, 4, 5])
    );
    assert_eq!(
        ids(following(2, 5, events(&[3, 4, 5]), 2)),
        Some(vec![3, 4])
    );
    assert_eq!(ids(following(2, 5, events(&[3]), 0)), Some(vec![]));
    assert_eq!(
        ids(following(1, 5, events(&[3, 4, 5]), 10)),
        None,
        "trimmed"
    );
    assert_eq!(ids(following(2, 5, vec![], 10)), None, "nothing retained");
}
