//! Resume after a dropped connection: inside the retention exactly the missed events, then
//! live; too old (or above the last id) a fresh snapshot marked RESUME_TOO_OLD.

use queuecall_tests::v1::SnapshotReason;
use queuecall_tests::*;

use super::{assert_board_matches, resume, watch};

pub async fn resuming_with_the_last_seen_id_replays_exactly_the_missed_events_then_goes_live(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: a watcher reads three events, then its connection drops.
    let app = spawn_app(store).await;
    let mut first = watch(&app, BRANCH).await?;
    let snapshot = first.snapshot_for(SnapshotReason::Initial).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }
    let mut events = first.events_through(snapshot.last_event_id + 3).await;
    let seen = first.last_id().expect("three events read");
    drop(first);
    app.open(WINDOW_SOCIAL).await?;
    app.serve_next(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.take(TAX).await?;

    // Act: resume with the last id seen; then one more call, live.
    let mut resumed = resume(&app, BRANCH, seen).await?;
    let mut missed = Vec::new();
    for _ in 0..8 {
        missed.push(resumed.event().await); // an event, not a snapshot, and id seen + 1, …
    }
    app.recall(WINDOW_SOCIAL).await?;
    let live = resumed.event().await;

    // Assert
    let described: Vec<String> = events.iter().chain(&missed).map(describe).collect();
    assert_eq!(
        described,
        [
            "queue social-security 1",
            "queue social-security 2",
            "queue social-security 3",
            "window 4 open",
            "called A001@4",
            "queue social-security 2",
            "window 4 open serving A001",
            "window 4 open",
            "called A002@4",
            "queue social-security 1",
            "queue tax 1",
        ]
    );
    assert_eq!(live.id, seen + 9);
    assert_eq!(describe(&live), "recalled A002@4 #1");
    events.extend(missed);
    events.push(live);
    assert_board_matches(&app, BRANCH, &snapshot, &events).await?;

    // Resuming with the very last id: nothing replayed, the next change comes live.
    let last = events.last().map_or(0, |e| e.id);
    let mut current = resume(&app, BRANCH, last).await?;
    app.take(SOCIAL).await?;
    let next = current.event().await;
    assert_eq!(
        (next.id, describe(&next)),
        (last + 1, "queue social-security 2".to_owned())
    );
    Ok(())
}

/// Events the branch keeps in this test (`display.event_retention`).
const RETENTION: u64 = 100;
/// Pause-and-open rounds per window: 6 windows × (1 + 2 × 60) = 726 events, more than the
/// retention plus what Redis's approximate trimming (`MAXLEN ~`, whole 100-entry stream
/// nodes) may keep beyond it.
const ROUNDS: u64 = 60;
const EVENTS: u64 = BRANCH_WINDOWS.len() as u64 * (1 + 2 * ROUNDS);

/// Settings that keep only `RETENTION` events per branch.
fn small_retention() -> serde_yaml::Mapping {
    let mut display = serde_yaml::Mapping::new();
    display.insert("event_retention".into(), RETENTION.into());
    let mut root = serde_yaml::Mapping::new();
    root.insert("display".into(), serde_yaml::Value::Mapping(display));
    root
}

/// Opens every window of the test branch, then pauses and opens each `ROUNDS` times, one
/// task per window: one event per request.
async fn toggle_windows(app: &TestApp) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for window in BRANCH_WINDOWS {
        let api = Api::new(app.new_client().await);
        tasks.push(tokio::spawn(async move {
            api.open(window).await?;
            for _ in 0..ROUNDS {
                api.pause(window, "lunch").await?;
                api.open(window).await?;
            }
            anyhow::Ok(())
        }));
    }
    let all = futures::future::join_all(tasks);
    for task in tokio::time::timeout(std::time::Duration::from_secs(300), all)
        .await
        .map_err(|_| anyhow::anyhow!("{EVENTS} window changes did not finish within 300 s"))?
    {
        task??;
    }
    Ok(())
}

pub async fn resuming_with_an_id_older_than_the_retention_gets_a_fresh_snapshot(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: more events than the branch keeps.
    let app = spawn_app_configured(AppOptions::new(store), small_retention()).await;
    toggle_windows(&app).await?;
    const { assert!(EVENTS > RETENTION + 500) };

    // Act
    let mut too_old = resume(&app, BRANCH, 1).await?;
    let mut recent = resume(&app, BRANCH, EVENTS - 5).await?;

    // Assert: a fresh snapshot, then live; a recent id still replays.
    let snapshot = too_old.snapshot_for(SnapshotReason::ResumeTooOld).await;
    assert_eq!(snapshot.last_event_id, EVENTS);
    assert_eq!(
        BoardState::of_snapshot(&snapshot),
        BoardState::of_branch(&app.branch(BRANCH).await?)
    );
    let replayed = recent.events_through(EVENTS).await;
    assert_eq!(
        replayed.iter().map(|e| e.id).collect::<Vec<_>>(),
        (EVENTS - 4..=EVENTS).collect::<Vec<_>>()
    );
    app.take(SOCIAL).await?;
    assert_eq!(too_old.event().await.id, EVENTS + 1);
    assert_eq!(recent.event().await.id, EVENTS + 1);
    Ok(())
}

pub async fn resuming_with_an_id_above_the_last_gets_a_fresh_snapshot(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }

    let mut ahead = resume(&app, BRANCH, 100).await?;
    let snapshot = ahead.snapshot_for(SnapshotReason::ResumeTooOld).await;
    let board = BoardState::of_branch(&app.branch(BRANCH).await?);
    app.take(TAX).await?;
    let live = ahead.event().await;

    assert_eq!(snapshot.last_event_id, 3);
    assert_eq!(BoardState::of_snapshot(&snapshot), board);
    assert_eq!((live.id, describe(&live)), (4, "queue tax 1".to_owned()));
    Ok(())
}
