use super::*;
use crate::display::{AnnouncementView, CallView};
use crate::domain::BranchId;
use crate::hall::demo;

fn branch() -> std::sync::Arc<Branch> {
    let id = BranchId::parse("branch", "district-centre").expect("id");
    demo::hall().branch(&id).cloned().expect("demo branch")
}

fn call() -> CallView {
    CallView {
        ticket_id: "district-centre.20261127.A023".into(),
        number: "A023".into(),
        service_id: "social-security".into(),
        window: 1,
        window_name: "综合窗口".into(),
        recall_count: 0,
        announcement: AnnouncementView {
            text: "请A023号到1号窗口办理".into(),
            speech: "请 A 零 二 三 号，到 一 号窗口办理".into(),
            english: String::new(),
        },
        at: "2026-11-27T01:30:00.500Z".into(),
    }
}

fn window() -> WindowView {
    WindowView {
        number: 1,
        name: "综合窗口".into(),
        state: "open".into(),
        pause_reason: None,
        ticket_id: Some("district-centre.20261127.A023".into()),
        ticket_number: Some("A023".into()),
        ticket_state: Some("serving".into()),
    }
}

#[test]
fn a_snapshot_becomes_a_branch_with_its_layout() {
    let board = BoardView {
        last_event_id: 9,
        reason: SnapshotReason::FellBehind,
        branch_id: "district-centre".into(),
        branch_name: "武进区政务服务中心".into(),
        service_day: "2026-11-27".into(),
        windows: vec![window()],
        services: vec![ServiceView {
            id: "social-security".into(),
            name: "社保医保".into(),
            prefix: "A".into(),
            waiting: 3,
            estimated_wait_seconds: 900,
        }],
        recent_calls: vec![call()],
    };
    let wire = snapshot(&branch(), &board);
    assert_eq!(wire.last_event_id, 9);
    assert_eq!(wire.reason, pb::SnapshotReason::FellBehind as i32);
    let b = wire.branch.expect("branch");
    assert_eq!(b.time_zone, "Asia/Shanghai");
    assert_eq!(b.service_day, "2026-11-27");
    assert_eq!(b.services[0].daily_limit, 300);
    assert_eq!(b.services[0].waiting, 3);
    let w = &b.windows[0];
    assert_eq!(w.state, pb::WindowState::Open as i32);
    assert_eq!(w.call_rule, pb::CallRule::OldestFirst as i32);
    assert_eq!(w.service_ids.len(), 5);
    let held = w.current_ticket.as_ref().expect("held ticket");
    assert_eq!(held.number, "A023");
    assert_eq!(held.state, pb::TicketState::Serving as i32);
    assert_eq!(held.service_day, "2026-11-27");
    assert_eq!(held.masked_phone, "");
    assert_eq!(wire.recent_calls[0].number, "A023");
}

#[test]
fn events_keep_their_id_time_and_kind() {
    let event = EventView {
        id: 12,
        at: "2026-11-27T01:30:00.500Z".into(),
        kind: EventViewKind::Called { call: call() },
    };
    let wire = watch_item(&branch(), &WatchItem::Event(event));
    let Some(pb::watch_branch_response::Item::Event(wire)) = wire.item else {
        panic!("an event");
    };
    assert_eq!(wire.id, 12);
    let at = wire.at.expect("time");
    assert_eq!((at.seconds % 60, at.nanos), (0, 500_000_000));
    let Some(pb::branch_event::Kind::Called(called)) = wire.kind else {
        panic!("a call");
    };
    assert_eq!(called.window_name, "综合窗口");
    let announcement = called.announcement.expect("announcement");
    assert_eq!(announcement.speech, "请 A 零 二 三 号，到 一 号窗口办理");
    assert_eq!(announcement.english, "");

    let queue = branch_event(
        &branch(),
        &EventView {
            id: 13,
            at: "2026-11-27T01:30:01.000Z".into(),
            kind: EventViewKind::QueueChanged {
                service_id: "tax".into(),
                waiting: 0,
            },
        },
    );
    assert_eq!(
        queue.kind,
        Some(pb::branch_event::Kind::QueueChanged(pb::QueueChanged {
            service_id: "tax".into(),
            waiting: 0
        }))
    );
}
