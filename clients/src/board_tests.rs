//! The board follows snapshots and events; fixtures shared with the format tests.

use super::*;

pub(crate) fn call(id: u64, number: &str, window: u32, recall: u32) -> pb::BranchEvent {
    let text = if recall > 0 {
        format!("再次呼叫：请{number}号到{window}号窗口办理")
    } else {
        format!("请{number}号到{window}号窗口办理")
    };
    pb::BranchEvent {
        id,
        at: None,
        kind: Some(Kind::Called(pb::TicketCalled {
            ticket_id: format!("district-centre.20261127.{number}"),
            number: number.to_owned(),
            service_id: "social-security".to_owned(),
            window,
            window_name: "社保医保窗口".to_owned(),
            recall_count: recall,
            announcement: Some(pb::Announcement {
                text,
                speech: String::new(),
                english: format!("Number {number}, please go to window {window}."),
            }),
        })),
    }
}

pub(crate) fn window(number: u32, state: pb::WindowState, reason: &str) -> pb::Window {
    pb::Window {
        branch_id: "district-centre".to_owned(),
        number,
        name: "社保医保窗口".to_owned(),
        state: state.into(),
        pause_reason: reason.to_owned(),
        service_ids: vec!["social-security".to_owned()],
        ..pb::Window::default()
    }
}

pub(crate) fn window_event(id: u64, window: pb::Window) -> pb::BranchEvent {
    pb::BranchEvent {
        id,
        at: None,
        kind: Some(Kind::WindowChanged(pb::WindowChanged {
            window: Some(window),
        })),
    }
}

pub(crate) fn queue_event(id: u64, service: &str, waiting: u32) -> pb::BranchEvent {
    pb::BranchEvent {
        id,
        at: None,
        kind: Some(Kind::QueueChanged(pb::QueueChanged {
            service_id: service.to_owned(),
            waiting,
        })),
    }
}

pub(crate) fn snapshot(last_event_id: u64, reason: pb::SnapshotReason) -> pb::BranchSnapshot {
    pb::BranchSnapshot {
        last_event_id,
        reason: reason.into(),
        branch: Some(pb::Branch {
            id: "district-centre".to_owned(),
            name: "武进区政务服务中心".to_owned(),
            time_zone: "Asia/Shanghai".to_owned(),
            service_day: "2026-11-27".to_owned(),
            services: vec![pb::Service {
                id: "social-security".to_owned(),
                name: "社保医保".to_owned(),
                ticket_prefix: "A".to_owned(),
                daily_limit: 300,
                waiting: 4,
                estimated_wait_seconds: 1200,
                issued_today: 9,
            }],
            windows: vec![
                window(2, pb::WindowState::Open, ""),
                window(5, pb::WindowState::Closed, ""),
            ],
        }),
        recent_calls: Vec::new(),
    }
}

fn event(event: pb::BranchEvent) -> FollowItem {
    FollowItem::Board(BoardItem::Event(event))
}

fn started() -> Board {
    let mut board = Board::new("district-centre");
    board.apply(&FollowItem::Connected { resume_after: None });
    board.apply(&FollowItem::Board(BoardItem::Snapshot(snapshot(
        11,
        pb::SnapshotReason::Initial,
    ))));
    board
}

#[test]
fn a_snapshot_fills_the_board() {
    let board = started();
    assert_eq!(board.link, Link::Connected);
    assert_eq!(board.last_event_id, Some(11));
    assert_eq!(board.branch.as_ref().unwrap().windows.len(), 2);
    assert!(board.latest_call().is_none());
}

#[test]
fn a_call_becomes_the_latest_and_shows_on_its_window() {
    let mut board = started();
    board.apply(&event(call(12, "A023", 2, 0)));
    assert_eq!(board.latest_call().unwrap().number, "A023");
    assert_eq!(board.last_event_id, Some(12));
    let window = &board.branch.as_ref().unwrap().windows[0];
    let ticket = window.current_ticket.as_ref().unwrap();
    assert_eq!(
        (ticket.number.as_str(), ticket.state()),
        ("A023", pb::TicketState::Called)
    );
}

#[test]
fn only_the_last_eight_calls_are_kept() {
    let mut board = started();
    for n in 1..=10u32 {
        board.apply(&event(call(11 + u64::from(n), &format!("A{n:03}"), 2, 0)));
    }
    let numbers: Vec<&str> = board
        .recent_calls
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert_eq!(numbers.len(), RECENT_CALLS);
    assert_eq!(numbers.first(), Some(&"A003"));
    assert_eq!(board.latest_call().unwrap().number, "A010");
}

#[test]
fn a_window_event_replaces_the_window() {
    let mut board = started();
    board.apply(&event(window_event(
        12,
        window(5, pb::WindowState::Paused, "lunch"),
    )));
    let windows = &board.branch.as_ref().unwrap().windows;
    assert_eq!(windows[1].state(), pb::WindowState::Paused);
    assert_eq!(windows[1].pause_reason, "lunch");
    board.apply(&event(window_event(
        13,
        window(3, pb::WindowState::Open, ""),
    )));
    let numbers: Vec<u32> = board
        .branch
        .as_ref()
        .unwrap()
        .windows
        .iter()
        .map(|w| w.number)
        .collect();
    assert_eq!(numbers, [2, 3, 5]);
}

#[test]
fn a_queue_change_scales_the_estimate_of_the_snapshot() {
    let mut board = started();
    board.apply(&event(queue_event(12, "social-security", 2)));
    let service = &board.branch.as_ref().unwrap().services[0];
    assert_eq!((service.waiting, service.estimated_wait_seconds), (2, 600));
    board.apply(&event(queue_event(13, "social-security", 0)));
    let service = &board.branch.as_ref().unwrap().services[0];
    assert_eq!((service.waiting, service.estimated_wait_seconds), (0, 0));
    board.apply(&event(queue_event(14, "unknown-service", 7)));
    assert_eq!(board.last_event_id, Some(14));
}

#[test]
fn reconnecting_keeps_the_board() {
    let mut board = started();
    board.apply(&event(call(12, "A023", 2, 0)));
    let error = ClientError::Unavailable("down".to_owned());
    board.apply(&FollowItem::Reconnecting {
        error: error.clone(),
        retry_in: Duration::from_millis(400),
    });
    assert_eq!(
        board.link,
        Link::Reconnecting {
            error,
            retry_in: Duration::from_millis(400)
        }
    );
    assert_eq!(board.latest_call().unwrap().number, "A023");
    assert_eq!(board.last_event_id, Some(12));
}

#[test]
fn a_new_snapshot_replaces_calls_with_its_own() {
    let mut board = started();
    board.apply(&event(call(12, "A023", 2, 0)));
    let mut fresh = snapshot(40, pb::SnapshotReason::ResumeTooOld);
    let Some(Kind::Called(old)) = call(30, "A030", 5, 1).kind else {
        panic!("not a call");
    };
    fresh.recent_calls = vec![old];
    board.apply(&FollowItem::Board(BoardItem::Snapshot(fresh)));
    assert_eq!(board.latest_call().unwrap().number, "A030");
    assert_eq!(board.recent_calls.len(), 1);
    assert_eq!(board.last_event_id, Some(40));
}
