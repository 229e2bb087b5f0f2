//! Two hall displays for invariant 6: one that stays connected all day (the reference) and
//! one that drops its stream every `every` and reconnects with the last event id it saw.

use std::time::Duration;

use anyhow::Context;
use queuecall_client::pb;
use queuecall_client::pb::display_service_client::DisplayServiceClient;
use queuecall_client::pb::watch_branch_response::Item;
use tokio::sync::watch;

use super::check::{Displays, Segment};
use crate::bench::queue::Conn;

/// The display that stays: event ids after its latest snapshot.
pub async fn reference(
    conn: Conn,
    branch: String,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<(Vec<u64>, u64)> {
    let mut stream = DisplayServiceClient::new(conn)
        .watch_branch(pb::WatchBranchRequest {
            branch_id: branch,
            resume_after_event_id: 0,
        })
        .await
        .context("WatchBranch")?
        .into_inner();
    let (mut ids, mut from) = (Vec::new(), 0);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            item = stream.message() => match item.context("the staying display's stream")? {
                Some(pb::WatchBranchResponse { item: Some(Item::Snapshot(s)) }) => {
                    ids.clear();
                    from = s.last_event_id;
                }
                Some(pb::WatchBranchResponse { item: Some(Item::Event(e)) }) => ids.push(e.id),
                Some(_) => {}
                None => anyhow::bail!("the staying display's stream ended"),
            },
        }
    }
    Ok((ids, from))
}

/// The display that keeps reconnecting; its connections, in order.
pub async fn resumer(
    conn: Conn,
    branch: String,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<Vec<Segment>> {
    let mut client = DisplayServiceClient::new(conn);
    let mut segments: Vec<Segment> = Vec::new();
    let mut last = 0;
    while !*stop.borrow() {
        let mut stream = client
            .watch_branch(pb::WatchBranchRequest {
                branch_id: branch.clone(),
                resume_after_event_id: last,
            })
            .await
            .context("WatchBranch (resuming)")?
            .into_inner();
        segments.push(Segment {
            resumed_after: last,
            ..Segment::default()
        });
        let until = tokio::time::sleep(every);
        tokio::pin!(until);
        loop {
            tokio::select! {
                _ = &mut until => break,
                _ = stop.changed() => break,
                item = stream.message() => match item.context("the resuming display's stream")? {
                    Some(pb::WatchBranchResponse { item: Some(Item::Snapshot(s)) }) => {
                        let current = segments.last_mut().filter(|s| s.events.is_empty() && s.snapshot.is_none());
                        match current {
                            Some(seg) => seg.snapshot = Some(s.last_event_id),
                            None => segments.push(Segment {
                                resumed_after: last,
                                snapshot: Some(s.last_event_id),
                                events: Vec::new(),
                            }),
                        }
                        last = s.last_event_id;
                    }
                    Some(pb::WatchBranchResponse { item: Some(Item::Event(e)) }) => {
                        last = e.id;
                        if let Some(seg) = segments.last_mut() {
                            seg.events.push(e.id);
                        }
                    }
                    Some(_) => {}
                    None => break,
                },
            }
        }
        drop(stream);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(segments)
}

/// Both displays' logs.
pub fn displays(reference: (Vec<u64>, u64), segments: Vec<Segment>) -> Displays {
    Displays {
        reference: reference.0,
        reference_from: reference.1,
        segments,
    }
}
