//! `AdminClient`: one typed method per AdminService RPC.

use super::unary_client;
use crate::error::ClientError;
use crate::pb;
use crate::pb::admin_service_client::AdminServiceClient;

unary_client!(
    /// A connection to the AdminService of one queuecall service: the hall layout kept in
    /// the records database. Cheap to clone: clones share the HTTP/2 channel.
    AdminClient,
    AdminServiceClient
);

/// Branches of the layout at one layout version.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub branches: Vec<pb::BranchLayout>,
    /// Bumped by every change.
    pub version: i64,
}

impl AdminClient {
    /// The whole layout, or one branch of it (`Some(branch)`).
    pub async fn layout(&mut self, branch: Option<&str>) -> Result<Layout, ClientError> {
        let message = pb::GetLayoutRequest {
            branch_id: branch.unwrap_or_default().to_owned(),
        };
        let answer = self.inner.get_layout(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(Layout {
            branches: answer.branches,
            version: answer.layout_version,
        })
    }

    /// Replaces the whole layout with a hall file's text.
    pub async fn apply_hall(
        &mut self,
        text: String,
        format: pb::HallFormat,
    ) -> Result<Layout, ClientError> {
        let message = pb::ApplyHallRequest {
            text,
            format: format.into(),
        };
        let answer = self.inner.apply_hall(self.request(message)).await?;
        let answer = answer.into_inner();
        Ok(Layout {
            branches: answer.branches,
            version: answer.layout_version,
        })
    }

    /// Creates a branch or changes its name, level, parent, time zone or announcements (its
    /// services, windows and calendar are left as they are).
    pub async fn put_branch(
        &mut self,
        branch: pb::BranchLayout,
    ) -> Result<pb::PutBranchResponse, ClientError> {
        let message = pb::PutBranchRequest {
            branch: Some(branch),
        };
        let answer = self.inner.put_branch(self.request(message)).await?;
        let answer = answer.into_inner();
        if answer.branch.is_none() {
            return Err(ClientError::missing("branch"));
        }
        Ok(answer)
    }

    /// Deletes a branch with its services and windows; returns the new layout version.
    pub async fn delete_branch(&mut self, branch: &str) -> Result<i64, ClientError> {
        let message = pb::DeleteBranchRequest {
            branch_id: branch.to_owned(),
        };
        let answer = self.inner.delete_branch(self.request(message)).await?;
        Ok(answer.into_inner().layout_version)
    }

    /// Deletes a service of `branch`; returns the new layout version.
    pub async fn delete_service(
        &mut self,
        branch: &str,
        service: &str,
    ) -> Result<i64, ClientError> {
        let message = pb::DeleteServiceRequest {
            branch_id: branch.to_owned(),
            service_id: service.to_owned(),
        };
        let answer = self.inner.delete_service(self.request(message)).await?;
        Ok(answer.into_inner().layout_version)
    }

    /// Deletes a window of `branch`; returns the new layout version.
    pub async fn delete_window(&mut self, branch: &str, window: u32) -> Result<i64, ClientError> {
        let message = pb::DeleteWindowRequest {
            branch_id: branch.to_owned(),
            window,
        };
        let answer = self.inner.delete_window(self.request(message)).await?;
        Ok(answer.into_inner().layout_version)
    }

    /// Creates or replaces a service of `branch`; returns it as stored, the new layout
    /// version and whether it was created.
    pub async fn put_service(
        &mut self,
        branch: &str,
        service: pb::ServiceLayout,
    ) -> Result<pb::PutServiceResponse, ClientError> {
        let message = pb::PutServiceRequest {
            branch_id: branch.to_owned(),
            service: Some(service),
        };
        let answer = self.inner.put_service(self.request(message)).await?;
        let answer = answer.into_inner();
        if answer.service.is_none() {
            return Err(ClientError::missing("service"));
        }
        Ok(answer)
    }

    /// Creates or replaces a window of `branch`.
    pub async fn put_window(
        &mut self,
        branch: &str,
        window: pb::WindowLayout,
    ) -> Result<pb::PutWindowResponse, ClientError> {
        let message = pb::PutWindowRequest {
            branch_id: branch.to_owned(),
            window: Some(window),
        };
        let answer = self.inner.put_window(self.request(message)).await?;
        let answer = answer.into_inner();
        if answer.window.is_none() {
            return Err(ClientError::missing("window"));
        }
        Ok(answer)
    }

    /// Sets (replaces) one year of `branch`'s calendar.
    pub async fn set_calendar(
        &mut self,
        branch: &str,
        year: pb::CalendarYear,
    ) -> Result<pb::SetCalendarResponse, ClientError> {
        let message = pb::SetCalendarRequest {
            branch_id: branch.to_owned(),
            year: Some(year),
        };
        let answer = self.inner.set_calendar(self.request(message)).await?;
        let answer = answer.into_inner();
        if answer.year.is_none() {
            return Err(ClientError::missing("year"));
        }
        Ok(answer)
    }
}
