//! `queuecall.v1.DisplayService` over [`Display`]: each RPC parses its request, asks the
//! display for the stream, and converts its items (`display_convert`). Errors travel as
//! `QueueError` and become a status in `status`. The server serves WatchBranch through
//! `display_wire` (each live event encoded once); [`DisplayService::watch_branch`] is the
//! same stream with each item encoded on its own.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use queuecall_proto::v1 as pb;
use queuecall_proto::v1::display_service_server::DisplayService;
use tonic::{Request, Response, Status};

use super::{convert, display_convert, parse};
use crate::auth::{self, Scope};
use crate::display::{Display, Watched};
use crate::error::QueueError;
use crate::hall::Branch;

type Answer<T> = Result<Response<T>, Status>;
type Items<T> = BoxStream<'static, Result<T, Status>>;

/// The gRPC face of the hall displays.
#[derive(Clone)]
pub struct DisplayApi {
    display: Arc<Display>,
}

impl DisplayApi {
    pub fn new(display: Arc<Display>) -> Self {
        Self { display }
    }

    /// Parses and authorizes a WatchBranch request and opens the watch; the branch's layout
    /// comes along for the conversion of the items.
    #[tracing::instrument(skip_all, fields(rpc = "WatchBranch", branch = %request.get_ref().branch_id, resume = request.get_ref().resume_after_event_id))]
    pub(super) async fn open_branch_watch(
        &self,
        request: Request<pb::WatchBranchRequest>,
    ) -> Result<(Arc<Branch>, BoxStream<'static, Watched>), Status> {
        let branch = parse::branch(&request.get_ref().branch_id)?;
        auth::require(&request, Scope::Branch(&branch))?;
        let request = request.into_inner();
        let resume = Some(request.resume_after_event_id).filter(|id| *id > 0);
        let layout = self
            .display
            .queue()
            .hall()
            .branch(&branch)
            .cloned()
            .ok_or_else(|| QueueError::not_found("branch", &branch))?;
        let items = self.display.watch_branch_shared(&branch, resume).await?;
        Ok((layout, items))
    }
}

#[tonic::async_trait]
impl DisplayService for DisplayApi {
    type WatchBranchStream = Items<pb::WatchBranchResponse>;
    type WatchTicketStream = Items<pb::WatchTicketResponse>;

    async fn watch_branch(
        &self,
        request: Request<pb::WatchBranchRequest>,
    ) -> Answer<Self::WatchBranchStream> {
        let (layout, items) = self.open_branch_watch(request).await?;
        let items =
            items.map(move |item| Ok(display_convert::watch_item(&layout, &item.into_item())));
        Ok(Response::new(items.boxed()))
    }

    #[tracing::instrument(skip_all, fields(rpc = "WatchTicket", ticket = %request.get_ref().ticket_id))]
    async fn watch_ticket(
        &self,
        request: Request<pb::WatchTicketRequest>,
    ) -> Answer<Self::WatchTicketStream> {
        let ticket = parse::ticket(&request.get_ref().ticket_id)?;
        auth::require(&request, Scope::Branch(&ticket.branch))?;
        let infos = self.display.watch_ticket(ticket).await?;
        let infos = infos.map(|info| match info {
            Ok(info) => Ok(pb::WatchTicketResponse {
                ticket: Some(convert::ticket_info(&info)),
            }),
            Err(err) => Err(Status::from(err)),
        });
        Ok(Response::new(infos.boxed()))
    }
}
