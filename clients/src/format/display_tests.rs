//! The plain lines of a display stream and the terminal board.

use std::time::Duration;

use crate::board::tests::{call, queue_event, snapshot, window, window_event};
use crate::board::{Board, Link};
use crate::format::tests::ticket;
use crate::format::{board, follow_line, status, ticket_watch_line};
use crate::{BoardItem, ClientError, FollowItem, pb};

fn line(event: pb::BranchEvent) -> String {
    follow_line(&FollowItem::Board(BoardItem::Event(event)))
}

#[test]
fn status_lines() {
    assert_eq!(
        follow_line(&FollowItem::Connected {
            resume_after: Some(3)
        }),
        "connected"
    );
    let reconnecting = FollowItem::Reconnecting {
        error: ClientError::Unavailable("down".to_owned()),
        retry_in: Duration::from_millis(100),
    };
    assert_eq!(follow_line(&reconnecting), "reconnecting");
}

#[test]
fn snapshot_lines_name_the_reason() {
    for (reason, text) in [
        (pb::SnapshotReason::Initial, "snapshot 11 initial"),
        (
            pb::SnapshotReason::ResumeTooOld,
            "snapshot 11 resume_too_old",
        ),
        (pb::SnapshotReason::FellBehind, "snapshot 11 fell_behind"),
    ] {
        let item = FollowItem::Board(BoardItem::Snapshot(snapshot(11, reason)));
        assert_eq!(follow_line(&item), text);
    }
}

#[test]
fn event_lines() {
    assert_eq!(
        line(call(12, "A023", 5, 0)),
        "event 12 called A023 window 5 (recall 0)"
    );
    assert_eq!(
        line(call(13, "A023", 5, 2)),
        "event 13 called A023 window 5 (recall 2)"
    );
    assert_eq!(
        line(window_event(
            14,
            window(5, pb::WindowState::Paused, "lunch")
        )),
        "event 14 window 5 paused: lunch"
    );
    assert_eq!(
        line(window_event(15, window(5, pb::WindowState::Closed, ""))),
        "event 15 window 5 closed"
    );
    let mut serving = window(5, pb::WindowState::Open, "");
    let mut held = ticket("A023", pb::TicketState::Serving);
    held.window = 5;
    serving.current_ticket = Some(held);
    assert_eq!(
        line(window_event(16, serving)),
        "event 16 window 5 open, A023 serving"
    );
    assert_eq!(
        line(queue_event(17, "social-security", 3)),
        "event 17 queue social-security waiting 3"
    );
    let empty = pb::BranchEvent {
        id: 18,
        ..Default::default()
    };
    assert_eq!(line(empty), "event 18 unknown");
}

#[test]
fn watch_lines_add_people_ahead_to_waiting_tickets() {
    let mut t = ticket("A023", pb::TicketState::Waiting);
    t.people_ahead = 2;
    t.estimated_wait_seconds = 590;
    assert_eq!(
        ticket_watch_line(&t),
        "A023 waiting for social-security, 2 ahead, about 10 min"
    );
    t.state = pb::TicketState::Called.into();
    t.window = 5;
    assert_eq!(ticket_watch_line(&t), "A023 called to window 5");
}

#[test]
fn the_terminal_board_shows_the_latest_call_large_then_tables() {
    let mut b = Board::new("district-centre");
    b.apply(&FollowItem::Connected { resume_after: None });
    b.apply(&FollowItem::Board(BoardItem::Snapshot(snapshot(
        11,
        pb::SnapshotReason::Initial,
    ))));
    b.apply(&FollowItem::Board(BoardItem::Event(call(12, "A022", 2, 0))));
    b.apply(&FollowItem::Board(BoardItem::Event(call(13, "A023", 2, 1))));
    let expected = "\
武进区政务服务中心 (district-centre), service day 2026-11-27

══════════════════════════════════════════════
   再次呼叫：请A023号到2号窗口办理
   Number A023, please go to window 2.
══════════════════════════════════════════════

NUMBER  WINDOW  RECALL  SERVICE          WINDOW NAME
A023    2       1       social-security  社保医保窗口
A022    2       -       social-security  社保医保窗口

WINDOW  STATE   CURRENT      NAME
2       open    A023 called  社保医保窗口
5       closed  -            社保医保窗口

SERVICE          WAITING  EST. WAIT  NAME
social-security  4        20 min     社保医保

connected · last event 13";
    assert_eq!(board(&b), expected);
}

#[test]
fn the_board_before_any_snapshot() {
    let b = Board::new("district-centre");
    let text = board(&b);
    assert!(text.starts_with("district-centre\n"), "{text}");
    assert!(text.contains("(no calls yet)"), "{text}");
    assert!(text.ends_with("connecting…"), "{text}");
}

#[test]
fn the_status_line_while_reconnecting() {
    let mut b = Board::new("district-centre");
    b.last_event_id = Some(12);
    b.link = Link::Reconnecting {
        error: ClientError::Connect("cannot reach x".to_owned()),
        retry_in: Duration::from_millis(400),
    };
    assert_eq!(
        status(&b),
        "reconnecting in 0.4 s · last event 12 · connect: cannot reach x"
    );
}
