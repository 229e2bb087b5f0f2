//! Two service processes on one Redis: a display on one sees every call made on the other,
//! in order, and both displays see the same events.

use std::time::Duration;

use futures::future::join_all;
use queuecall_tests::v1::SnapshotReason;
use queuecall_tests::*;

use super::{assert_board_matches, fresh_snapshot, watch};

const TICKETS: usize = 20;

pub async fn a_display_on_one_replica_sees_every_call_made_on_the_other() -> anyhow::Result<()> {
    // Arrange: replica 1 with a display; replica 2, where every change is made, with one too.
    let first = spawn_app(StoreKind::Redis).await;
    let second = spawn_app_with(first.replica_options()).await;
    let mut on_first = watch(&first, BRANCH).await?.named("display on replica 1");
    let snapshot = on_first.snapshot_for(SnapshotReason::Initial).await;
    let mut on_first = on_first.in_background();
    let mut on_second = watch(&second, BRANCH).await?.named("display on replica 2");
    assert_eq!(
        on_second.snapshot_for(SnapshotReason::Initial).await,
        snapshot,
        "both replicas show the same board"
    );
    let mut on_second = on_second.in_background();

    // Act: on replica 2 only, tickets taken, then called from two windows at once.
    for n in 0..TICKETS {
        second.take(if n % 2 == 0 { SOCIAL } else { TAX }).await?;
    }
    for window in [WINDOW_STRICT, WINDOW_OLDEST] {
        second.open(window).await?;
    }
    let calls = join_all([WINDOW_STRICT, WINDOW_OLDEST].map(|window| {
        let second = &second;
        async move {
            let mut numbers = Vec::new();
            while let Some(ticket) = second.call_next(window).await? {
                second.no_show(window).await?;
                numbers.push(ticket.number);
            }
            anyhow::Ok((window, numbers))
        }
    }));
    let calls = tokio::time::timeout(Duration::from_secs(60), calls)
        .await
        .map_err(|_| anyhow::anyhow!("the calls did not finish within 60 s"))?;

    // Assert: replica 1's display saw every call, in the order each window made them.
    let last = fresh_snapshot(&second, BRANCH).await?.last_event_id;
    let seen = on_first.events_through(last).await;
    let mut all_called = Vec::new();
    for called in calls {
        let (window, numbers) = called?;
        let shown: Vec<String> = calls_of(&seen)
            .iter()
            .filter(|c| c.window == window)
            .map(|c| c.number.clone())
            .collect();
        assert_eq!(
            shown, numbers,
            "window {window}'s calls on replica 1's display"
        );
        all_called.extend(numbers);
    }
    assert_eq!(all_called.len(), TICKETS);
    assert_eq!(
        seen.len(),
        TICKETS + 2 + 3 * TICKETS,
        "taken; two windows opened; called, queue shorter, no-show"
    );
    for call in calls_of(&seen) {
        assert_announcement(call, true);
    }
    assert_eq!(
        on_second.events_through(last).await,
        seen,
        "both replicas' displays got the same events"
    );
    assert_board_matches(&first, BRANCH, &snapshot, &seen).await
}
