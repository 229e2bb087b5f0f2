//! The measured streams' WatchBranch, decoding only what the bench counts. The bench shares
//! the machine with the service, so decoding every field of 10,000 copies of each event (a
//! dozen strings apiece) would be charged to the service's latency. These messages name only
//! the fields the bench reads; prost skips the rest of each message without allocating.
//! Field numbers are those of `queuecall/v1/display.proto`.

use futures::{Stream, StreamExt};
use queuecall_client::{Connection, pb};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::{Request, Status};
use tonic_prost::ProstCodec;

const WATCH_BRANCH: &str = "/queuecall.v1.DisplayService/WatchBranch";

/// `WatchBranchResponse` with its item reduced to what the bench reads.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Response {
    #[prost(oneof = "Item", tags = "1, 2")]
    pub item: Option<Item>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Item {
    #[prost(message, tag = "1")]
    Snapshot(Snapshot),
    #[prost(message, tag = "2")]
    Event(Event),
}

/// `BranchSnapshot`: its reason only.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Snapshot {
    #[prost(enumeration = "pb::SnapshotReason", tag = "2")]
    pub reason: i32,
}

/// `BranchEvent`: its id, and whether it is a call (its `called` member, contents skipped).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(message, optional, tag = "3")]
    pub called: Option<Skipped>,
}

/// A message whose fields are all skipped.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Skipped {}

/// Opens a WatchBranch stream on `connection` from the start (a snapshot first).
pub async fn watch_branch(
    connection: Connection,
    branch: &str,
) -> Result<impl Stream<Item = Result<Item, Status>> + use<>, Status> {
    let mut grpc = tonic::client::Grpc::new(connection);
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(format!("connection not ready: {err}")))?;
    let request = Request::new(pb::WatchBranchRequest {
        branch_id: branch.to_owned(),
        resume_after_event_id: 0,
    });
    let codec = ProstCodec::<pb::WatchBranchRequest, Response>::default();
    let response = grpc
        .server_streaming(request, PathAndQuery::from_static(WATCH_BRANCH), codec)
        .await?;
    Ok(response.into_inner().map(|response| {
        response?
            .item
            .ok_or_else(|| Status::internal("a WatchBranchResponse without an item"))
    }))
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    #[test]
    fn reads_the_id_and_kind_of_a_full_event_and_the_reason_of_a_snapshot() {
        let call = pb::WatchBranchResponse {
            item: Some(pb::watch_branch_response::Item::Event(pb::BranchEvent {
                id: 42,
                at: None,
                kind: Some(pb::branch_event::Kind::Called(pb::TicketCalled {
                    ticket_id: "district-centre.20261127.A023".into(),
                    number: "A023".into(),
                    window: 5,
                    ..pb::TicketCalled::default()
                })),
            })),
        };
        let lean = Response::decode(call.encode_to_vec().as_slice()).expect("decodes");
        let Some(Item::Event(event)) = lean.item else {
            panic!("an event: {lean:?}");
        };
        assert_eq!((event.id, event.called.is_some()), (42, true));

        let queue = pb::WatchBranchResponse {
            item: Some(pb::watch_branch_response::Item::Event(pb::BranchEvent {
                id: 43,
                at: None,
                kind: Some(pb::branch_event::Kind::QueueChanged(pb::QueueChanged {
                    service_id: "social-security".into(),
                    waiting: 3,
                })),
            })),
        };
        let lean = Response::decode(queue.encode_to_vec().as_slice()).expect("decodes");
        let Some(Item::Event(event)) = lean.item else {
            panic!("an event: {lean:?}");
        };
        assert_eq!((event.id, event.called.is_some()), (43, false));

        let snapshot = pb::WatchBranchResponse {
            item: Some(pb::watch_branch_response::Item::Snapshot(
                pb::BranchSnapshot {
                    last_event_id: 7,
                    reason: pb::SnapshotReason::FellBehind as i32,
                    ..pb::BranchSnapshot::default()
                },
            )),
        };
        let lean = Response::decode(snapshot.encode_to_vec().as_slice()).expect("decodes");
        let Some(Item::Snapshot(snapshot)) = lean.item else {
            panic!("a snapshot: {lean:?}");
        };
        assert_eq!(snapshot.reason(), pb::SnapshotReason::FellBehind);
    }
}
