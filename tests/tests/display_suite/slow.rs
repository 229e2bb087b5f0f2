//! A slow display does not slow the queue or other displays: a watcher that never reads while
//! hundreds of calls are made; the calls all complete, a fast watcher gets every event, and
//! the slow one, once it reads, is resynced with a FELL_BEHIND snapshot.

use std::time::Duration;

use futures::future::join_all;
use queuecall_tests::v1::SnapshotReason;
use queuecall_tests::v1::watch_branch_response::Item;
use queuecall_tests::*;
use serde_yaml::{Mapping, Value};
use tonic::transport::Endpoint;

use super::{assert_board_matches, at, fresh_snapshot, watch};

const TICKETS: usize = 600;
const TAKERS: usize = 4;
/// The busy branch's windows that serve licences only.
const WINDOWS: [u32; 3] = [3, 11, 19];
/// Events per ticket: taken, called, queue shorter, no-show.
const EVENTS_PER_TICKET: usize = 4;
/// The slow watcher's HTTP/2 stream window. With the usual 2 MiB the client's own buffers
/// would absorb thousands of events and the service would never see the watcher fall behind.
const SLOW_WINDOW: u32 = 4096;
/// Generous: the calls must finish, not be fast.
const DEADLINE: Duration = Duration::from_secs(120);

/// Display buffers well below the 2,400 events of the test, still above the 256 events the
/// pump may publish at once (so the fast watcher never lags).
const BRANCH_BUFFER: u64 = 512;
const CLIENT_BUFFER: u64 = 16;

fn small_buffers() -> Mapping {
    let mut display = Mapping::new();
    display.insert("branch_buffer".into(), BRANCH_BUFFER.into());
    display.insert("client_buffer".into(), CLIENT_BUFFER.into());
    let mut root = Mapping::new();
    root.insert("display".into(), Value::Mapping(display));
    root
}

/// Takes every ticket from several tasks, then calls them all (and marks each a no-show)
/// from one task per window; returns the numbers called.
async fn take_then_call(app: &TestApp) -> anyhow::Result<Vec<String>> {
    let mut takers = Vec::new();
    for _ in 0..TAKERS {
        let api = Api::new(app.new_client().await);
        takers.push(tokio::spawn(async move {
            for _ in 0..TICKETS / TAKERS {
                at::take(&api, BUSY_BRANCH, BUSY_SERVICES[0]).await?;
            }
            anyhow::Ok(())
        }));
    }
    for taker in join_all(takers).await {
        taker??;
    }
    let mut callers = Vec::new();
    for window in WINDOWS {
        let api = Api::new(app.new_client().await);
        callers.push(tokio::spawn(async move {
            let mut called = Vec::new();
            while let Some(ticket) = at::call_next(&api, BUSY_BRANCH, window).await? {
                at::no_show(&api, BUSY_BRANCH, window).await?;
                called.push(ticket.number);
            }
            anyhow::Ok(called)
        }));
    }
    let mut called = Vec::new();
    for caller in join_all(callers).await {
        called.extend(caller??);
    }
    Ok(called)
}

pub async fn a_reader_that_never_reads_slows_neither_the_queue_nor_other_watchers(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: a slow watcher that reads nothing for now, and a fast one.
    let app = spawn_app_configured(AppOptions::new(store), small_buffers()).await;
    for window in WINDOWS {
        at::open(&app.api, BUSY_BRANCH, window).await?;
    }
    let slow_channel = Endpoint::from_shared(app.url())?
        .initial_stream_window_size(Some(SLOW_WINDOW))
        .connect()
        .await?;
    let slow_channel = queuecall_tests::with_bearer(slow_channel, queuecall_tests::Bearer::admin());
    let mut slow = BranchWatch::open(slow_channel, BUSY_BRANCH, 0)
        .await?
        .named("slow watch");
    let mut fast = watch(&app, BUSY_BRANCH).await?.named("fast watch");
    let start = fast.snapshot_for(SnapshotReason::Initial).await;
    let mut fast = fast.in_background();

    // Act: 600 tickets taken and called while the slow watcher reads nothing.
    let called = tokio::time::timeout(DEADLINE, take_then_call(&app))
        .await
        .map_err(|_| anyhow::anyhow!("the calls did not complete within {DEADLINE:?}"))??;

    // Assert: every call made; the fast watcher got every event.
    assert_eq!(called.len(), TICKETS);
    let last = fresh_snapshot(&app, BUSY_BRANCH).await?.last_event_id;
    assert_eq!(
        last - start.last_event_id,
        (EVENTS_PER_TICKET * TICKETS) as u64
    );
    let events = fast.events_through(last).await;
    assert_eq!(calls_of(&events).len(), TICKETS);
    assert_board_matches(&app, BUSY_BRANCH, &start, &events).await?;

    // Now the slow watcher reads: what was buffered, in order, then a FELL_BEHIND snapshot.
    let first = slow.snapshot_for(SnapshotReason::Initial).await;
    let mut board = BoardState::of_snapshot(&first);
    let mut read_before = 0usize;
    let mut fell_behind = None;
    while slow.last_id() < Some(last) {
        match slow.next().await {
            Item::Event(event) => {
                board.apply(&event);
                if fell_behind.is_none() {
                    read_before += 1;
                }
            }
            Item::Snapshot(snapshot) => {
                assert_eq!(
                    snapshot.reason(),
                    SnapshotReason::FellBehind,
                    "{snapshot:?}"
                );
                board = BoardState::of_snapshot(&snapshot);
                fell_behind.get_or_insert(snapshot.last_event_id);
            }
        }
    }
    let resynced_at = fell_behind.unwrap_or_else(|| {
        panic!(
            "the slow watcher got all {} events without a FELL_BEHIND snapshot, although far \
             more were sent than the display's buffers (branch_buffer {BRANCH_BUFFER} + \
             client_buffer {CLIENT_BUFFER}) and its {SLOW_WINDOW}-byte HTTP/2 window hold",
            EVENTS_PER_TICKET * TICKETS
        )
    });
    assert!(
        resynced_at > first.last_event_id + read_before as u64,
        "the FELL_BEHIND snapshot at {resynced_at} skipped nothing after {read_before} events"
    );
    assert_eq!(
        board,
        BoardState::of_branch(&app.branch(BUSY_BRANCH).await?)
    );
    at::take(&app.api, BUSY_BRANCH, BUSY_SERVICES[1]).await?;
    assert_eq!(
        slow.event().await.id,
        last + 1,
        "the slow watcher is live again"
    );
    assert_eq!(fast.event().await.id, last + 1);
    Ok(())
}
