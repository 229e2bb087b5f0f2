//! The snapshot a new watcher gets: windows with their state and ticket, waiting counts and
//! estimated waits as GetBranch has them, the latest calls oldest first, and no phone number.

use queuecall_tests::v1::{SnapshotReason, TakeTicketRequest, TicketState, WindowState};
use queuecall_tests::*;

use super::{assert_board_matches, fresh_snapshot, watch};

const PHONE: &str = "13812345678";
const MASKED: &str = "138****5678";

pub async fn the_snapshot_shows_windows_waits_and_the_latest_calls_without_phones(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: 14 tickets with one phone (the per-phone rate limit, 10 an hour by default, is
    // lifted here); 12 calls (one a recall); a paused window.
    let mut no_phone_limit = serde_yaml::Mapping::new();
    no_phone_limit.insert(
        "rate_limits".into(),
        serde_yaml::from_str("take_ticket_per_phone: {count: 0, window_seconds: 3600}")?,
    );
    let app = spawn_app_configured(AppOptions::new(store), no_phone_limit).await;
    let mut watcher = watch(&app, BRANCH).await?;
    let first = watcher.snapshot_for(SnapshotReason::Initial).await;
    let mut watcher = watcher.in_background();
    for _ in 0..14 {
        let request = TakeTicketRequest {
            phone: PHONE.into(),
            ..take_request(SOCIAL)
        };
        app.take_with(request).await?;
    }
    for window in [WINDOW_SOCIAL, WINDOW_STRICT, WINDOW_OLDEST] {
        app.open(window).await?;
    }
    app.pause(WINDOW_OLDEST, "lunch").await?;
    for _ in 0..9 {
        app.serve_next(WINDOW_SOCIAL).await?;
    }
    app.call(WINDOW_SOCIAL).await?; // A010
    app.recall(WINDOW_SOCIAL).await?;
    app.call(WINDOW_STRICT).await?; // A011
    app.start(WINDOW_STRICT).await?;

    // Act
    let snapshot = fresh_snapshot(&app, BRANCH).await?;

    // Assert: the board as GetBranch has it, the ten latest calls oldest first, no phone.
    let branch = app.branch(BRANCH).await?;
    let shown = snapshot.branch.as_ref().expect("the snapshot's branch");
    assert_eq!(
        (&shown.id, &shown.name, &shown.service_day),
        (&branch.id, &branch.name, &"2026-11-27".to_owned())
    );
    assert_eq!(
        BoardState::of_snapshot(&snapshot),
        BoardState::of_branch(&branch)
    );
    let board = BoardState::of_snapshot(&snapshot);
    let held = |w: u32| board.windows[&w].ticket.clone().map(|(_, n, s)| (n, s));
    assert_eq!(
        held(WINDOW_SOCIAL),
        Some(("A010".into(), TicketState::Called))
    );
    assert_eq!(
        held(WINDOW_STRICT),
        Some(("A011".into(), TicketState::Serving))
    );
    assert_eq!(board.windows[&WINDOW_OLDEST].state, WindowState::Paused);
    assert_eq!(board.windows[&WINDOW_OLDEST].pause_reason, "lunch");
    assert_eq!(board.waiting[SOCIAL], 3);
    let waits = |b: &queuecall_tests::v1::Branch| -> Vec<(String, u32)> {
        b.services
            .iter()
            .map(|s| (s.id.clone(), s.estimated_wait_seconds))
            .collect()
    };
    assert_eq!(waits(shown), waits(&branch), "estimated waits as GetBranch");
    let recent: Vec<(String, u32, u32)> = snapshot
        .recent_calls
        .iter()
        .map(|c| (c.number.clone(), c.window, c.recall_count))
        .collect();
    let mut expected: Vec<(String, u32, u32)> = (3..=10)
        .map(|n| (format!("A{n:03}"), WINDOW_SOCIAL, 0))
        .collect();
    expected.push(("A010".into(), WINDOW_SOCIAL, 1));
    expected.push(("A011".into(), WINDOW_STRICT, 0));
    assert_eq!(recent, expected, "the ten latest calls, oldest first");
    for call in &snapshot.recent_calls {
        assert_announcement(call, true);
    }
    let events = watcher.events_through(snapshot.last_event_id).await;
    for text in [format!("{snapshot:?}"), format!("{events:?}")] {
        assert!(
            !text.contains(PHONE) && !text.contains(MASKED),
            "a display received a phone number: {text}"
        );
    }
    assert_board_matches(&app, BRANCH, &first, &events).await
}
