//! `queuecall.v1.AdminService` over [`Admin`]: each RPC parses its request into domain types
//! (`admin_convert`), calls the admin domain and converts the answer. Errors become a status
//! in `status`, nowhere else.

use std::sync::Arc;

use queuecall_proto::v1 as pb;
use queuecall_proto::v1::admin_service_server::AdminService;
use tonic::{Request, Response, Status};

use super::admin_convert as conv;
use super::admin_parse as wire;
use super::parse;
use crate::admin::Admin;

type Answer<T> = Result<Response<T>, Status>;

/// The gRPC face of the layout administration.
#[derive(Clone)]
pub struct AdminApi {
    admin: Arc<Admin>,
}

impl AdminApi {
    pub fn new(admin: Arc<Admin>) -> Self {
        Self { admin }
    }
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    #[tracing::instrument(skip_all)]
    async fn get_layout(
        &self,
        request: Request<pb::GetLayoutRequest>,
    ) -> Answer<pb::GetLayoutResponse> {
        let req = request.into_inner();
        let branch = parse::optional_branch(&req.branch_id)?;
        let layout = self.admin.layout(branch.as_ref()).await?;
        Ok(Response::new(pb::GetLayoutResponse {
            branches: layout
                .hall
                .branches
                .values()
                .map(|b| conv::branch_msg(b))
                .collect(),
            layout_version: layout.version,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn put_branch(
        &self,
        request: Request<pb::PutBranchRequest>,
    ) -> Answer<pb::PutBranchResponse> {
        let spec = wire::branch_spec(request.get_ref().branch.as_ref())?;
        let (branch, layout_version, created) = self.admin.put_branch(spec).await?;
        Ok(Response::new(pb::PutBranchResponse {
            branch: Some(conv::branch_msg(&branch)),
            layout_version,
            created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_branch(
        &self,
        request: Request<pb::DeleteBranchRequest>,
    ) -> Answer<pb::DeleteBranchResponse> {
        let branch = parse::branch(&request.get_ref().branch_id)?;
        let layout_version = self.admin.delete_branch(&branch).await?;
        Ok(Response::new(pb::DeleteBranchResponse { layout_version }))
    }

    #[tracing::instrument(skip_all)]
    async fn put_service(
        &self,
        request: Request<pb::PutServiceRequest>,
    ) -> Answer<pb::PutServiceResponse> {
        let req = request.into_inner();
        let branch = parse::branch(&req.branch_id)?;
        let service = wire::service(req.service.as_ref())?;
        let (service, layout_version, created) = self.admin.put_service(&branch, service).await?;
        Ok(Response::new(pb::PutServiceResponse {
            service: Some(conv::service_msg(&service)),
            layout_version,
            created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_service(
        &self,
        request: Request<pb::DeleteServiceRequest>,
    ) -> Answer<pb::DeleteServiceResponse> {
        let req = request.into_inner();
        let branch = parse::branch(&req.branch_id)?;
        let service = parse::service("service_id", &req.service_id)?;
        let layout_version = self.admin.delete_service(&branch, &service).await?;
        Ok(Response::new(pb::DeleteServiceResponse { layout_version }))
    }

    #[tracing::instrument(skip_all)]
    async fn put_window(
        &self,
        request: Request<pb::PutWindowRequest>,
    ) -> Answer<pb::PutWindowResponse> {
        let req = request.into_inner();
        let branch = parse::branch(&req.branch_id)?;
        let window = wire::window(req.window.as_ref())?;
        let (window, layout_version, created) = self.admin.put_window(&branch, window).await?;
        Ok(Response::new(pb::PutWindowResponse {
            window: Some(conv::window_msg(&window)),
            layout_version,
            created,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_window(
        &self,
        request: Request<pb::DeleteWindowRequest>,
    ) -> Answer<pb::DeleteWindowResponse> {
        let req = request.into_inner();
        let (branch, window) = parse::at_window(&req.branch_id, req.window)?;
        let layout_version = self.admin.delete_window(&branch, window).await?;
        Ok(Response::new(pb::DeleteWindowResponse { layout_version }))
    }

    #[tracing::instrument(skip_all)]
    async fn set_calendar(
        &self,
        request: Request<pb::SetCalendarRequest>,
    ) -> Answer<pb::SetCalendarResponse> {
        let req = request.into_inner();
        let branch = parse::branch(&req.branch_id)?;
        let year = wire::calendar_year(req.year.as_ref())?;
        let (year, layout_version) = self.admin.set_calendar(&branch, year).await?;
        Ok(Response::new(pb::SetCalendarResponse {
            year: Some(conv::year_msg(&year)),
            layout_version,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn apply_hall(
        &self,
        request: Request<pb::ApplyHallRequest>,
    ) -> Answer<pb::ApplyHallResponse> {
        let req = request.into_inner();
        let format = wire::hall_format(req.format)?;
        let layout = self.admin.apply_hall(&req.text, format).await?;
        Ok(Response::new(pb::ApplyHallResponse {
            branches: layout
                .hall
                .branches
                .values()
                .map(|b| conv::branch_msg(b))
                .collect(),
            layout_version: layout.version,
        }))
    }
}
