//! The display suite. Every test takes the store to run against and is expanded once per
//! store by `display_suite!` in `tests/display.rs`; `replicas` runs on Redis only.

pub mod announce;
pub mod ordered;
pub mod replicas;
pub mod resume;
pub mod slow;
pub mod snapshot;
pub mod stop;
pub mod ticket;

use queuecall_tests::v1::{BranchEvent, BranchSnapshot, SnapshotReason, TicketCalled};
use queuecall_tests::{BoardState, BranchWatch, TestApp, call_of};

/// A new watch of `branch` on a connection of its own.
pub async fn watch(app: &TestApp, branch: &str) -> anyhow::Result<BranchWatch> {
    Ok(BranchWatch::open(app.channel().await, branch, 0).await?)
}

/// A new watch of `branch` resuming after `id`.
pub async fn resume(app: &TestApp, branch: &str, id: u64) -> anyhow::Result<BranchWatch> {
    Ok(BranchWatch::open(app.channel().await, branch, id)
        .await?
        .named(&format!("watch of {branch} resumed after {id}")))
}

/// The board as a new watcher gets it: its INITIAL snapshot.
pub async fn fresh_snapshot(app: &TestApp, branch: &str) -> anyhow::Result<BranchSnapshot> {
    let mut watch = watch(app, branch).await?;
    Ok(watch.snapshot_for(SnapshotReason::Initial).await)
}

/// Reads events until the next call (or recall) and returns it.
pub async fn next_call(watch: &mut BranchWatch) -> TicketCalled {
    loop {
        if let Some(call) = call_of(&watch.event().await) {
            return call.clone();
        }
    }
}

/// Checks that `snapshot` moved on by `events` shows what GetBranch shows now, and what a
/// fresh snapshot shows now.
pub async fn assert_board_matches(
    app: &TestApp,
    branch: &str,
    snapshot: &BranchSnapshot,
    events: &[BranchEvent],
) -> anyhow::Result<()> {
    let mut followed = BoardState::of_snapshot(snapshot);
    followed.apply_all(events);
    let fresh = fresh_snapshot(app, branch).await?;
    assert_eq!(
        fresh.last_event_id,
        events.last().map_or(snapshot.last_event_id, |e| e.id),
        "a fresh snapshot is as of the last event read"
    );
    assert_eq!(
        followed,
        BoardState::of_branch(&app.branch(branch).await?),
        "the board a display followed differs from GetBranch"
    );
    assert_eq!(
        followed,
        BoardState::of_snapshot(&fresh),
        "the board a display followed differs from a fresh snapshot"
    );
    Ok(())
}

/// Requests for a branch other than the test branch (the `Api` helpers speak for
/// `test-centre` only).
pub mod at {
    use queuecall_tests::v1::{
        CallNextRequest, MarkNoShowRequest, OpenWindowRequest, TakeTicketRequest, Ticket,
    };
    use queuecall_tests::{Api, Status, ticket_of};

    pub async fn open(api: &Api, branch: &str, window: u32) -> Result<(), Status> {
        let request = OpenWindowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        api.client.clone().open_window(request).await?;
        Ok(())
    }

    pub async fn take(api: &Api, branch: &str, service: &str) -> Result<Ticket, Status> {
        let request = TakeTicketRequest {
            branch_id: branch.to_owned(),
            service_id: service.to_owned(),
            ..TakeTicketRequest::default()
        };
        Ok(ticket_of(api.take_with(request).await?.ticket))
    }

    /// `None` when nothing waits for the window.
    pub async fn call_next(api: &Api, branch: &str, window: u32) -> Result<Option<Ticket>, Status> {
        let request = CallNextRequest {
            branch_id: branch.to_owned(),
            window,
        };
        Ok(api
            .client
            .clone()
            .call_next(request)
            .await?
            .into_inner()
            .ticket)
    }

    pub async fn no_show(api: &Api, branch: &str, window: u32) -> Result<(), Status> {
        let request = MarkNoShowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        api.client.clone().mark_no_show(request).await?;
        Ok(())
    }
}
