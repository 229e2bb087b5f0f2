//! Ordered delivery: a watcher gets the board, then every event in id order, with the
//! announcements, while several tasks take and call.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::join_all;
use queuecall_tests::v1::branch_event::Kind;
use queuecall_tests::v1::{SnapshotReason, TakeTicketRequest};
use queuecall_tests::*;
use tokio::sync::Semaphore;

use super::{assert_board_matches, at, fresh_snapshot, watch};

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

pub async fn only_steps_that_change_the_board_publish_events(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let mut watcher = watch(&app, BRANCH).await?;
    watcher.snapshot_for(SnapshotReason::Initial).await;
    let keyed = TakeTicketRequest {
        idempotency_key: "kiosk-7-0001".into(),
        ..take_request(TAX)
    };

    // Act: steps that change the board, mixed with refused steps, replays, steps that change
    // nothing, and a step on another branch.
    app.take(SOCIAL).await?;
    app.take_with(keyed.clone()).await?;
    assert!(app.take_with(keyed).await?.replayed);
    assert_status(
        app.call_next(WINDOW_SOCIAL).await,
        Code::FailedPrecondition,
        &[],
    );
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.pause(WINDOW_SOCIAL, "lunch").await?;
    app.pause(WINDOW_SOCIAL, "lunch").await?;
    app.cancel("test-centre.A001").await?;
    assert_status(
        app.cancel("test-centre.A001").await,
        Code::FailedPrecondition,
        &[],
    );
    for _ in 0..3 {
        app.take(PERMITS).await?;
    }
    assert_status(app.take(PERMITS).await, Code::ResourceExhausted, &[]);
    at::take(&app.api, VILLAGE, "general").await?;
    app.open(WINDOW_SOCIAL).await?;
    assert_eq!(app.call_next(WINDOW_SOCIAL).await?, None);
    app.take(SOCIAL).await?;

    // Assert: one event per change, none for the others (ids checked by the watch).
    let events = watcher.events_through(10).await;
    assert_eq!(
        events.iter().map(describe).collect::<Vec<_>>(),
        [
            "queue social-security 1",
            "queue tax 1",
            "window 4 open",
            "window 4 paused",
            "queue social-security 0",
            "queue permits 1",
            "queue permits 2",
            "queue permits 3",
            "window 4 open",
            "queue social-security 1",
        ]
    );
    app.take(TAX).await?;
    let next = watcher.event().await;
    assert_eq!((next.id, describe(&next)), (11, "queue tax 2".to_owned()));
    Ok(())
}
