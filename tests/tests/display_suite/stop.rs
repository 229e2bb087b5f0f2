//! Open display streams never hold up a graceful stop: the service stops within its drain
//! and every watch ends.

use std::time::Duration;

use queuecall_tests::v1::SnapshotReason;
use queuecall_tests::*;

use super::watch;

pub async fn open_watches_end_and_do_not_hold_up_a_graceful_stop(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: a branch watch and a ticket watch, both live (drain 0 s).
    let mut app = spawn_app(store).await;
    let mut board = watch(&app, BRANCH).await?;
    board.snapshot_for(SnapshotReason::Initial).await;
    app.take(SOCIAL).await?;
    board.event().await;
    let mut citizen = TicketWatch::open(app.channel().await, "test-centre.A001").await?;
    citizen.ticket().await;

    // Act
    app.shutdown_handle().shutdown();
    let stopped = app.wait_stopped(Duration::from_secs(10)).await;

    // Assert: stopped in time; both streams ended (cleanly or UNAVAILABLE, never hanging).
    stopped?;
    for ended in [board.end().await, citizen.end().await]
        .into_iter()
        .flatten()
    {
        assert!(
            matches!(ended.code(), Code::Unavailable | Code::Cancelled),
            "a watch ended by a stop: {ended:?}"
        );
    }
    Ok(())
}
