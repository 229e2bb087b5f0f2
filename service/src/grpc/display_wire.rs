//! WatchBranch with every live event encoded once per process. The generated
//! `DisplayServiceServer` encodes each response per stream; with thousands of displays on one
//! branch that is thousands of encodings of the same event. [`DisplayServer`] answers
//! WatchBranch itself with a codec whose responses are already encoded
//! `WatchBranchResponse` bytes (a live event's bytes are made once and shared through its
//! [`LiveEvent`](crate::display::LiveEvent)), and passes every other method to the generated
//! server. On the wire nothing changes.

use std::convert::Infallible;
use std::task::{Context, Poll};

use futures::StreamExt;
use futures::stream::BoxStream;
use prost::Message;
use prost::bytes::{BufMut, Bytes};
use queuecall_proto::v1 as pb;
use queuecall_proto::v1::display_service_server::{DisplayServiceServer, SERVICE_NAME};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{Body, BoxFuture, Service, StdError, http};
use tonic::server::{Grpc, NamedService, ServerStreamingService};
use tonic::{Request, Response, Status};

use super::display_api::DisplayApi;
use super::display_convert;
use crate::display::Watched;
use crate::hall::Branch;

const WATCH_BRANCH: &str = "/queuecall.v1.DisplayService/WatchBranch";

/// One item of a WatchBranch stream as an encoded `WatchBranchResponse`.
pub fn encode(branch: &Branch, watched: Watched) -> Bytes {
    match watched {
        Watched::Live(live) => live.wire(|branch, view| {
            let event = display_convert::branch_event(branch, view);
            let item = pb::watch_branch_response::Item::Event(event);
            to_bytes(&pb::WatchBranchResponse { item: Some(item) })
        }),
        Watched::Item(item) => to_bytes(&display_convert::watch_item(branch, &item)),
    }
}

fn to_bytes(message: &pb::WatchBranchResponse) -> Bytes {
    Bytes::from(message.encode_to_vec())
}

/// `queuecall.v1.DisplayService` with WatchBranch's responses encoded once per event.
#[derive(Clone)]
pub struct DisplayServer {
    api: DisplayApi,
    generated: DisplayServiceServer<DisplayApi>,
}

impl DisplayServer {
    pub fn new(api: DisplayApi) -> Self {
        Self {
            generated: DisplayServiceServer::new(api.clone()),
            api,
        }
    }
}

impl NamedService for DisplayServer {
    const NAME: &'static str = SERVICE_NAME;
}

impl<B> Service<http::Request<B>> for DisplayServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.uri().path() != WATCH_BRANCH {
            return self.generated.call(request);
        }
        let method = WatchBranch(self.api.clone());
        Box::pin(async move { Ok(Grpc::new(Wire).server_streaming(method, request).await) })
    }
}

struct WatchBranch(DisplayApi);

impl ServerStreamingService<pb::WatchBranchRequest> for WatchBranch {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, Status>>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<pb::WatchBranchRequest>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move {
            let (layout, items) = api.open_branch_watch(request).await?;
            let items = items.map(move |item| Ok(encode(&layout, item)));
            Ok(Response::new(items.boxed()))
        })
    }
}

/// Decodes a `WatchBranchRequest`; "encodes" a response by copying its ready bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wire;

impl Codec for Wire {
    type Encode = Bytes;
    type Decode = pb::WatchBranchRequest;
    type Encoder = Wire;
    type Decoder = Wire;

    fn encoder(&mut self) -> Self::Encoder {
        Wire
    }

    fn decoder(&mut self) -> Self::Decoder {
        Wire
    }
}

impl Encoder for Wire {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Wire {
    type Item = pb::WatchBranchRequest;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        pb::WatchBranchRequest::decode(src)
            .map(Some)
            .map_err(|err| Status::invalid_argument(format!("WatchBranchRequest: {err}")))
    }
}

#[cfg(test)]
#[path = "display_wire_tests.rs"]
mod tests;
