use chrono::TimeZone;

use super::*;
use crate::display::views::WatchItem;
use crate::domain::{
    BranchId, Channel, Phone, PriorityClass, Ticket, TicketNumber, TicketState, WindowState,
};
use crate::hall::demo;

fn branch() -> std::sync::Arc<Branch> {
    let id = BranchId::parse("branch", "district-centre").expect("id");
    demo::hall().branch(&id).cloned().expect("demo branch")
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 1, 30, 0)
        .single()
        .expect("time")
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("day")
}

fn sid(id: &str) -> ServiceId {
    ServiceId::parse("service", id).expect("service id")
}

fn win(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window")
}

fn ticket_id(prefix: &str, seq: u32) -> TicketId {
    TicketId {
        branch: BranchId::parse("branch", "district-centre").expect("id"),
        day: day(),
        number: TicketNumber::new(prefix, seq),
    }
}

fn held_ticket() -> Ticket {
    Ticket {
        id: ticket_id("A", 23),
        service: sid("social-security"),
        original_service: None,
        state: TicketState::Serving,
        priority: PriorityClass::Normal,
        channel: Channel::Kiosk,
        phone: Some(Phone::parse("phone", "13812341234").expect("phone")),
        window: Some(win(1)),
        recall_count: 0,
        requeue_count: 0,
        issued_at: at(),
        called_at: Some(at()),
        started_at: Some(at()),
        ended_at: None,
    }
}

fn called(id: u64, seq: u32, window: u32, recall_count: u32) -> Event {
    Event {
        id,
        at: at(),
        kind: EventKind::Called {
            ticket: ticket_id("A", seq),
            service: sid("social-security"),
            window: win(window),
            recall_count,
        },
    }
}

fn snapshot() -> BoardSnapshot {
    BoardSnapshot {
        last_event_id: 42,
        windows: vec![
            WindowStatus {
                number: win(1),
                state: WindowState::Open,
                pause_reason: None,
                current: Some(held_ticket()),
            },
            WindowStatus {
                number: win(2),
                state: WindowState::Paused,
                pause_reason: Some("午休".into()),
                current: None,
            },
        ],
        services: vec![ServiceStatus {
            service: sid("social-security"),
            waiting: 4,
            issued_today: 30,
            avg_service_ms: Some(60_000),
            open_windows: 2,
        }],
        recent_calls: vec![called(40, 22, 3, 0), called(41, 23, 1, 1)],
    }
}

#[test]
fn a_call_carries_the_window_name_and_its_announcement() {
    let view = event(&branch(), &called(7, 23, 5, 0));
    assert_eq!(view.id, 7);
    assert_eq!(view.at, "2026-11-27T01:30:00.000Z");
    let EventViewKind::Called { call } = view.kind else {
        panic!("a call: {view:?}");
    };
    assert_eq!(call.ticket_id, "district-centre.20261127.A023");
    assert_eq!(call.number, "A023");
    assert_eq!(call.service_id, "social-security");
    assert_eq!(call.window, 5);
    assert_eq!(call.window_name, "企业开办窗口");
    assert_eq!(call.recall_count, 0);
    assert_eq!(call.announcement.text, "请A023号到5号窗口办理");
    assert_eq!(
        call.announcement.english,
        "Number A023, please go to window 5."
    );
}

#[test]
fn window_and_queue_changes_become_views() {
    let branch = branch();
    let window = event(
        &branch,
        &Event {
            id: 8,
            at: at(),
            kind: EventKind::WindowChanged {
                window: win(2),
                state: WindowState::Open,
                pause_reason: None,
                current: Some((ticket_id("A", 3), TicketState::Called)),
            },
        },
    );
    let EventViewKind::WindowChanged { window } = window.kind else {
        panic!("a window change");
    };
    assert_eq!(window.number, 2);
    assert_eq!(window.name, "社保医保窗口");
    assert_eq!(window.state, "open");
    assert_eq!(window.ticket_number.as_deref(), Some("A003"));
    assert_eq!(window.ticket_state.as_deref(), Some("called"));
    let queue = event(
        &branch,
        &Event {
            id: 9,
            at: at(),
            kind: EventKind::QueueChanged {
                service: sid("tax"),
                waiting: 3,
            },
        },
    );
    assert_eq!(
        queue.kind,
        EventViewKind::QueueChanged {
            service_id: "tax".into(),
            waiting: 3
        }
    );
}

#[test]
fn the_board_has_windows_services_with_waits_and_recent_calls() {
    let board = board(&branch(), &snapshot(), SnapshotReason::Initial, day());
    assert_eq!(board.last_event_id, 42);
    assert_eq!(board.branch_id, "district-centre");
    assert_eq!(board.branch_name, "武进区政务服务中心");
    assert_eq!(board.service_day, "2026-11-27");
    assert_eq!(board.windows.len(), 2);
    let first = &board.windows[0];
    assert_eq!(
        (first.name.as_str(), first.state.as_str()),
        ("综合窗口", "open")
    );
    assert_eq!(first.ticket_state.as_deref(), Some("serving"));
    assert_eq!(board.windows[1].pause_reason.as_deref(), Some("午休"));
    assert_eq!(board.windows[1].ticket_id, None);
    let service = &board.services[0];
    assert_eq!(
        (service.name.as_str(), service.prefix.as_str()),
        ("社保医保", "A")
    );
    // 4 waiting, 60 s each, 2 open windows.
    assert_eq!(service.estimated_wait_seconds, 120);
    let numbers: Vec<&str> = board
        .recent_calls
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(numbers, ["A022", "A023"]);
    assert!(
        board.recent_calls[1]
            .announcement
            .text
            .starts_with("再次呼叫")
    );
}

#[test]
fn no_phone_reaches_a_display_not_even_masked() {
    let board = board(&branch(), &snapshot(), SnapshotReason::FellBehind, day());
    let json = serde_json::to_string(&WatchItem::Snapshot(board)).expect("json");
    assert!(!json.contains("13812341234"), "{json}");
    assert!(!json.contains("1234"), "{json}");
    assert!(!json.contains("****"), "{json}");
    assert!(!json.to_ascii_lowercase().contains("phone"), "{json}");
}

#[test]
fn the_json_is_tagged_as_agreed() {
    let snapshot = WatchItem::Snapshot(board(
        &branch(),
        &snapshot(),
        SnapshotReason::ResumeTooOld,
        day(),
    ));
    let value = serde_json::to_value(&snapshot).expect("json");
    assert_eq!(value["type"], "snapshot");
    assert_eq!(value["reason"], "resume_too_old");
    assert_eq!(value["last_event_id"], 42);
    assert_eq!(value["windows"][0]["ticket_state"], "serving");
    assert_eq!(value["windows"][1]["ticket_id"], serde_json::Value::Null);
    let call = WatchItem::Event(event(&branch(), &called(7, 23, 5, 1)));
    let value = serde_json::to_value(&call).expect("json");
    assert_eq!(value["type"], "event");
    assert_eq!(value["id"], 7);
    assert_eq!(value["kind"], "called");
    assert_eq!(value["call"]["window_name"], "企业开办窗口");
    assert_eq!(
        value["call"]["announcement"]["english"],
        "Calling again: number A023, please go to window 5."
    );
    let back: WatchItem = serde_json::from_value(value).expect("reads back");
    assert_eq!(back, call);
    assert_eq!(back.last_event_id(), 7);
}
