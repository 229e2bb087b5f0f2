//! Matching calls to deliveries, and the printed table.

use super::*;

fn call(ticket: &str, sent_us: u64) -> Call {
    Call {
        ticket_id: ticket.to_owned(),
        sent_us,
        round_trip_us: 500,
    }
}

fn delivered(event_id: u64, at_us: u64) -> Delivery {
    Delivery { event_id, at_us }
}

fn setup() -> Setup {
    Setup {
        title: "queuecall-bench displays".to_owned(),
        connections: 1,
        per_connection: 2,
        opened_in_ms: 1500,
        pace_ms: 20,
        failed_streams: 0,
        fell_behind: 0,
        late_calls: 0,
        server_memory: Some((42, 10_240, 12_288)),
        bench_memory: None,
        errors: Vec::new(),
    }
}

#[test]
fn latency_to_the_last_display_is_the_slowest_stream_per_call() {
    let calls = [call("t1", 1_000), call("t2", 10_000)];
    let events = HashMap::from([("t1".to_owned(), 5), ("t2".to_owned(), 9)]);
    let deliveries = vec![
        vec![delivered(5, 3_000), delivered(9, 11_000)],
        vec![delivered(5, 4_000), delivered(9, 15_000)],
    ];
    let r = Results::measure(&calls, &events, &deliveries);
    assert_eq!((r.expected, r.received, r.missed), (4, 4, 0));
    let last = r.to_last_display.unwrap();
    assert_eq!((last.count, last.p50, last.max), (2, 3_000, 5_000));
    let every = r.every_delivery.unwrap();
    assert_eq!((every.count, every.p50, every.max), (4, 2_000, 5_000));
    assert!(setup().clean(&r));
}

#[test]
fn a_stream_without_the_event_missed_it() {
    let calls = [call("t1", 1_000)];
    let events = HashMap::from([("t1".to_owned(), 5)]);
    let deliveries = vec![vec![delivered(5, 2_000)], vec![delivered(6, 2_000)], vec![]];
    let r = Results::measure(&calls, &events, &deliveries);
    assert_eq!((r.expected, r.received, r.missed), (3, 1, 2));
    assert!(!setup().clean(&r));
}

#[test]
fn a_call_the_reference_never_saw_is_unmatched() {
    let calls = [call("t1", 1_000), call("t2", 2_000)];
    let events = HashMap::from([("t1".to_owned(), 5)]);
    let deliveries = vec![vec![delivered(5, 2_000)]];
    let r = Results::measure(&calls, &events, &deliveries);
    assert_eq!(r.unmatched_calls, 1);
    assert_eq!(r.missed, 1);
}

#[test]
fn the_table() {
    let calls = [call("t1", 1_000)];
    let events = HashMap::from([("t1".to_owned(), 5)]);
    let deliveries = vec![vec![delivered(5, 2_500)], vec![delivered(5, 3_000)]];
    let r = Results::measure(&calls, &events, &deliveries);
    let text = render(&setup(), &r);
    assert!(
        text.contains("2 expected, 2 received, 0 missed; 0 failed streams"),
        "{text}"
    );
    assert!(
        text.contains("call to last display             1      2.0      2.0      2.0      2.0"),
        "{text}"
    );
    assert!(
        text.contains("VmRSS 10.0 MiB before, 12.0 MiB after 2 streams: 1024.0 KiB per stream"),
        "{text}"
    );
    assert!(text.contains("every snapshot in 1.50 s"), "{text}");
}
