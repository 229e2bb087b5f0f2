//! What `queuecallctl admin …` does.

use queuecall_client::{AdminClient, ClientError, Server, format};

use super::admin_args::{AdminAction, hall_format};

pub async fn admin(
    server: &Server,
    branch: &str,
    action: AdminAction,
) -> Result<String, ClientError> {
    let mut client = AdminClient::connect(server).await?;
    match action {
        AdminAction::Layout { shown } => {
            let layout = client.layout(shown.as_deref()).await?;
            Ok(format::layout(&layout))
        }
        AdminAction::Apply { hall_file } => {
            let text = std::fs::read_to_string(&hall_file).map_err(|err| {
                ClientError::InvalidArgument(format!(
                    "hall_file: cannot read {}: {err}",
                    hall_file.display()
                ))
            })?;
            let layout = client.apply_hall(text, hall_format(&hall_file)).await?;
            Ok(format::applied(&layout))
        }
        AdminAction::PutBranch(args) => {
            let id = args.id.clone();
            let current = client
                .layout(None)
                .await?
                .branches
                .into_iter()
                .find(|b| b.id == id);
            let put = args
                .apply_to(current)
                .map_err(ClientError::InvalidArgument)?;
            let put = client.put_branch(put).await?;
            Ok(format::branch_done(
                &id,
                done(put.created),
                put.layout_version,
            ))
        }
        AdminAction::DeleteBranch { deleted } => {
            let version = client.delete_branch(&deleted).await?;
            Ok(format::branch_done(&deleted, "deleted", version))
        }
        AdminAction::DeleteService { service } => {
            let version = client.delete_service(branch, &service).await?;
            Ok(format::done(
                "service", &service, branch, "deleted", version,
            ))
        }
        AdminAction::DeleteWindow { number } => {
            let version = client.delete_window(branch, number).await?;
            Ok(format::done(
                "window",
                &number.to_string(),
                branch,
                "deleted",
                version,
            ))
        }
        AdminAction::PutService(args) => {
            let id = args.service.clone();
            let current = client
                .layout(Some(branch))
                .await?
                .branches
                .into_iter()
                .flat_map(|b| b.services)
                .find(|s| s.id == id);
            let service = args
                .apply_to(current)
                .map_err(ClientError::InvalidArgument)?;
            let put = client.put_service(branch, service).await?;
            Ok(format::done(
                "service",
                &id,
                branch,
                done(put.created),
                put.layout_version,
            ))
        }
        AdminAction::PutWindow(args) => {
            let number = args.number;
            let current = client
                .layout(Some(branch))
                .await?
                .branches
                .into_iter()
                .flat_map(|b| b.windows)
                .find(|w| w.number == number);
            let window = args
                .apply_to(current)
                .map_err(ClientError::InvalidArgument)?;
            let put = client.put_window(branch, window).await?;
            Ok(format::done(
                "window",
                &number.to_string(),
                branch,
                done(put.created),
                put.layout_version,
            ))
        }
        AdminAction::Calendar(args) => {
            let set = client.set_calendar(branch, args.into_year()).await?;
            let year = set.year.unwrap_or_default();
            Ok(format!(
                "{} of {branch}, layout version {}",
                format::calendar_line(&year),
                set.layout_version
            ))
        }
    }
}

/// `created` or `updated`.
fn done(created: bool) -> &'static str {
    if created { "created" } else { "updated" }
}
