//! Ordered delivery: a watcher gets the board, then every event in id order, with the
//! announcements, while several tasks take and call.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::join_all;
use queuecall_tests::v1::branch_event::Kind;
use queuecall_tests::v1::{SnapshotReason, TakeTicketRequest, TicketState, WindowState};
use queuecall_tests::*;
use tokio::sync::Semaphore;

use super::{assert_board_matches, at, fresh_snapshot, next_call, watch};

const TAKERS: usize = 3;
const PER_TAKER: usize = 12;
const TICKETS: usize = TAKERS * PER_TAKER;
/// Both serve social-security and tax, so a window holding a permit always finds a ticket.
const WINDOWS: [u32; 2] = [WINDOW_STRICT, WINDOW_OLDEST];

/// What one window did: each number it called, and whether it recalled it once.
type WindowLog = Vec<(String, bool)>;

/// The events one window's work must produce, in order.
fn expected_window_events(window: u32, log: &WindowLog) -> Vec<String> {
    let mut expected = Vec::new();
    for (number, recalled) in log {
        expected.push(format!("called {number}@{window}"));
        if *recalled {
            expected.push(format!("recalled {number}@{window} #1"));
        }
        expected.push(format!("window {window} open serving {number}"));
        expected.push(format!("window {window} open"));
    }
    expected
}

fn window_of(kind: &Kind) -> Option<u32> {
    match kind {
        Kind::Called(call) => Some(call.window),
        Kind::WindowChanged(changed) => changed.window.as_ref().map(|w| w.number),
        Kind::QueueChanged(_) => None,
    }
}

async fn take_and_call(app: &TestApp) -> anyhow::Result<BTreeMap<u32, WindowLog>> {
    let permits = Arc::new(Semaphore::new(0));
    let mut takers = Vec::new();
    for taker in 0..TAKERS {
        let (api, permits) = (Api::new(app.new_client().await), permits.clone());
        takers.push(tokio::spawn(async move {
            for j in 0..PER_TAKER {
                api.take(if (taker + j) % 2 == 0 { SOCIAL } else { TAX })
                    .await?;
                permits.add_permits(1);
            }
            anyhow::Ok(())
        }));
    }
    let claimed = Arc::new(AtomicUsize::new(0));
    let mut callers = Vec::new();
    for window in WINDOWS {
        let (api, permits) = (Api::new(app.new_client().await), permits.clone());
        let claimed = claimed.clone();
        callers.push(tokio::spawn(async move {
            let mut log = WindowLog::new();
            while claimed.fetch_add(1, Ordering::SeqCst) < TICKETS {
                permits.acquire().await?.forget();
                let ticket = api.call(window).await?;
                let recalled = log.len() % 3 == 1;
                if recalled {
                    assert_eq!(api.recall(window).await?.recall_count, 1);
                }
                api.start(window).await?;
                api.complete(window).await?;
                log.push((ticket.number, recalled));
            }
            anyhow::Ok((window, log))
        }));
    }
    let work = async {
        for taker in join_all(takers).await {
            taker??;
        }
        let mut logs = BTreeMap::new();
        for caller in join_all(callers).await {
            let (window, log) = caller??;
            logs.insert(window, log);
        }
        anyhow::Ok(logs)
    };
    tokio::time::timeout(Duration::from_secs(60), work)
        .await
        .map_err(|_| anyhow::anyhow!("taking and calling did not finish within 60 s"))?
}

pub async fn a_watcher_gets_the_board_then_every_event_in_order(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: two open windows, then a watcher.
    let app = spawn_app(store).await;
    for window in WINDOWS {
        app.open(window).await?;
    }
    let mut watcher = watch(&app, BRANCH).await?;
    let snapshot = watcher.snapshot_for(SnapshotReason::Initial).await;
    let mut watcher = watcher.in_background();

    // Act: three tasks take, two windows call (some recall), start and complete.
    let logs = take_and_call(&app).await?;

    // Assert: the snapshot, then every event in order (ids checked by the watch).
    assert_eq!(snapshot.last_event_id, 2, "two windows opened: two events");
    assert_eq!(
        BoardState::of_snapshot(&snapshot),
        BoardState::of_branch(&app.branch(BRANCH).await?)
    );
    assert!(snapshot.recent_calls.is_empty(), "{snapshot:?}");
    let last = fresh_snapshot(&app, BRANCH).await?.last_event_id;
    let events = watcher.events_through(last).await;
    let recalls = logs.values().flatten().filter(|(_, r)| *r).count();
    assert_eq!(
        events.len(),
        5 * TICKETS + recalls,
        "per ticket: taken, called, queue shorter, started, completed; plus {recalls} recalls"
    );
    for window in WINDOWS {
        let seen: Vec<String> = events
            .iter()
            .filter(|e| e.kind.as_ref().and_then(window_of) == Some(window))
            .map(describe)
            .collect();
        assert_eq!(
            seen,
            expected_window_events(window, &logs[&window]),
            "window {window}'s events in order"
        );
    }
    let mut first_calls: Vec<String> = calls_of(&events)
        .iter()
        .filter(|c| c.recall_count == 0)
        .map(|c| c.number.clone())
        .collect();
    first_calls.sort();
    let mut taken: Vec<String> = (1..=TICKETS / 2)
        .flat_map(|n| [format!("A{n:03}"), format!("B{n:03}")])
        .collect();
    taken.sort();
    assert_eq!(first_calls, taken, "every ticket called exactly once");
    for event in &events {
        assert!(
            event.at.is_some(),
            "every event carries its time: {event:?}"
        );
    }
    for call in calls_of(&events) {
        assert_announcement(call, true);
        assert_eq!(
            call.ticket_id,
            format!("{BRANCH}.20261127.{}", call.number),
            "{call:?}"
        );
        let service = if call.number.starts_with('A') {
            SOCIAL
        } else {
            TAX
        };
        assert_eq!(call.service_id, service, "{call:?}");
        let name = if call.window == WINDOW_STRICT {
            "综合窗口一"
        } else {
            "综合窗口二"
        };
        assert_eq!(call.window_name, name, "{call:?}");
    }
    assert_board_matches(&app, BRANCH, &snapshot, &events).await
}

pub async fn announcements_spell_numbers_and_windows_and_say_recalls(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let mut centre = watch(&app, BRANCH).await?;
    centre.snapshot_for(SnapshotReason::Initial).await;
    let mut busy = watch(&app, BUSY_BRANCH).await?;
    busy.snapshot_for(SnapshotReason::Initial).await;

    // Act: A001 called to window 4 and recalled twice; HD001 called to window 3; E001 of the
    // busy branch (English off) called to window 21.
    app.take(SOCIAL).await?;
    app.take(HOUSING).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_RATIO).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.recall(WINDOW_SOCIAL).await?;
    app.recall(WINDOW_SOCIAL).await?;
    app.call(WINDOW_RATIO).await?;
    at::take(&app.api, BUSY_BRANCH, BUSY_SERVICES[0]).await?;
    at::open(&app.api, BUSY_BRANCH, 21).await?;
    at::call_next(&app.api, BUSY_BRANCH, 21).await?;

    // Assert
    let mut calls = Vec::new();
    for _ in 0..4 {
        calls.push(next_call(&mut centre).await);
    }
    let busy_call = next_call(&mut busy).await;
    let texts: Vec<(&str, &str)> = calls
        .iter()
        .chain([&busy_call])
        .map(|c| {
            let a = c.announcement.as_ref().expect("an announcement");
            (a.text.as_str(), a.english.as_str())
        })
        .collect();
    assert_eq!(
        texts,
        [
            (
                "请A001号到4号窗口办理",
                "Number A001, please go to window 4."
            ),
            (
                "再次呼叫：请A001号到4号窗口办理",
                "Calling again: number A001, please go to window 4."
            ),
            (
                "再次呼叫：请A001号到4号窗口办理",
                "Calling again: number A001, please go to window 4."
            ),
            (
                "请HD001号到3号窗口办理",
                "Number HD001, please go to window 3."
            ),
            ("请E001号到21号窗口办理", ""),
        ]
    );
    let speech = &calls[0]
        .announcement
        .as_ref()
        .expect("an announcement")
        .speech;
    assert!(speech.contains("请 A 零 零 一 号"), "{speech:?}");
    assert!(speech.ends_with("到 四 号窗口办理"), "{speech:?}");
    assert_eq!(
        calls.iter().map(|c| c.recall_count).collect::<Vec<_>>(),
        [0, 1, 2, 0]
    );
    for call in &calls {
        assert_announcement(call, true);
    }
    assert_announcement(&busy_call, false);
    assert_eq!(busy_call.window_name, "窗口21");
    assert!(
        busy_call
            .announcement
            .as_ref()
            .is_some_and(|a| a.speech.ends_with("到 二十一 号窗口办理")),
        "{busy_call:?}"
    );
    Ok(())
}

const PHONE: &str = "13812345678";
const MASKED: &str = "138****5678";

pub async fn the_snapshot_shows_windows_waits_and_the_latest_calls_without_phones(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: 14 tickets with a phone; 12 calls (one a recall); a paused window.
    let app = spawn_app(store).await;
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
