//! What each command does: one or a few calls, then the text to print.

use std::collections::HashMap;

use queuecall_client::{ClientError, QueueClient, Server, format};
use tonic::Code;

use super::args::{Cli, Command, WindowAction, ticket_ref};
use super::{admin, booking, display};

/// Runs the command and returns what to print on stdout (`display` and `watch` print as
/// they go and return nothing).
pub async fn run(cli: Cli) -> Result<String, ClientError> {
    let branch = cli.branch.as_str();
    let server = &target(&cli)?;
    match &cli.command {
        Command::Display { shown } => {
            let shown = shown.as_deref().unwrap_or(branch);
            return display::display(server, shown).await;
        }
        Command::Watch { ticket_id } => {
            return display::watch(server, &ticket_ref(branch, ticket_id)).await;
        }
        _ => {}
    }
    let command = match cli.command {
        Command::Slots(args) => return booking::slots(server, branch, args).await,
        Command::Book(args) => return booking::book(server, args).await,
        Command::Appointment { appointment_id } => {
            return booking::appointment(server, &appointment_id).await;
        }
        Command::Appointments(args) => return booking::appointments(server, args).await,
        Command::CancelAppointment { appointment_id } => {
            return booking::cancel(server, &appointment_id).await;
        }
        Command::Reschedule {
            appointment_id,
            new_slot_id,
        } => return booking::reschedule(server, &appointment_id, &new_slot_id).await,
        Command::CheckIn(args) => return booking::check_in(server, branch, args).await,
        Command::Stats(args) => return booking::stats(server, branch, args).await,
        Command::Rate(args) => return booking::rate(server, branch, args).await,
        Command::Admin { action } => return admin::admin(server, branch, action).await,
        queue_command => queue_command,
    };
    let mut client = QueueClient::connect(server).await?;
    match command {
        Command::Take(take) => {
            let taken = client.take_ticket(take.into_take(branch)).await?;
            Ok(format::taken(&taken))
        }
        Command::Ticket { ticket_id } => {
            let ticket = client.get_ticket(&ticket_ref(branch, &ticket_id)).await?;
            Ok(format::ticket_details(&ticket))
        }
        Command::Cancel { ticket_id } => {
            let ticket = client
                .cancel_ticket(&ticket_ref(branch, &ticket_id))
                .await?;
            Ok(format::ticket_details(&ticket))
        }
        Command::Window { number, action } => window(&mut client, branch, number, action).await,
        Command::Queue { service } => queue(&mut client, branch, service.as_deref()).await,
        // Answered above.
        _ => Ok(String::new()),
    }
}

async fn window(
    client: &mut QueueClient,
    branch: &str,
    number: u32,
    action: WindowAction,
) -> Result<String, ClientError> {
    let ticket = match action {
        WindowAction::Next => match client.call_next(branch, number).await? {
            Some(ticket) => ticket,
            None => return Ok(format::nothing_waiting(number)),
        },
        WindowAction::Recall => client.recall(branch, number).await?,
        WindowAction::Start => client.start_service(branch, number).await?,
        WindowAction::Done => client.complete_service(branch, number).await?,
        WindowAction::NoShow => client.mark_no_show(branch, number).await?,
        WindowAction::Requeue { ticket_id } => {
            client.requeue(&ticket_ref(branch, &ticket_id)).await?
        }
        WindowAction::Transfer { service, front } => {
            client.transfer(branch, number, &service, front).await?
        }
        WindowAction::Call { ticket_id } => {
            client
                .call_ticket(branch, number, &ticket_ref(branch, &ticket_id))
                .await?
        }
        WindowAction::Open => {
            let window = client.open_window(branch, number).await?;
            return Ok(format::window_line(&window));
        }
        WindowAction::Pause { reason } => {
            let reason = reason.unwrap_or_default();
            let window = client.pause_window(branch, number, &reason).await?;
            return Ok(format::window_line(&window));
        }
        WindowAction::Close => {
            let window = client.close_window(branch, number).await?;
            return Ok(format::window_line(&window));
        }
    };
    Ok(format::ticket_details(&ticket))
}

async fn queue(
    client: &mut QueueClient,
    branch: &str,
    only: Option<&str>,
) -> Result<String, ClientError> {
    let layout = client.get_branch(branch).await?;
    if let Some(service) = only
        && !layout.services.iter().any(|s| s.id == service)
    {
        return Err(ClientError::NotFound(format!(
            "service '{service}' is not a service of branch '{branch}'"
        )));
    }
    let mut waiting = HashMap::new();
    for service in &layout.services {
        if only.is_some_and(|id| id != service.id) {
            continue;
        }
        let tickets = client.list_waiting(branch, &service.id).await?;
        waiting.insert(service.id.clone(), tickets);
    }
    Ok(format::queue(&layout, &waiting, only))
}

/// The exit status of a failed command: 2 when the request cannot succeed as given,
/// 3 when the service cannot be reached, 1 otherwise.
pub fn exit_status(err: &ClientError) -> u8 {
    match err {
        ClientError::InvalidArgument(_)
        | ClientError::NotFound(_)
        | ClientError::FailedPrecondition(_) => 2,
        ClientError::Unavailable(_) | ClientError::Connect(_) => 3,
        ClientError::Other { code, .. } if *code == Code::DeadlineExceeded => 3,
        ClientError::AlreadyExists(_)
        | ClientError::ResourceExhausted(_)
        | ClientError::Other { .. } => 1,
    }
}

/// The service `--server`, `--token` and `--ca-cert` name.
fn target(cli: &Cli) -> Result<Server, ClientError> {
    let ca_cert = match &cli.ca_cert {
        Some(path) => Some(std::fs::read(path).map_err(|err| {
            ClientError::InvalidArgument(format!("ca-cert: cannot read {}: {err}", path.display()))
        })?),
        None => None,
    };
    Ok(Server::new(cli.server.as_str())
        .with_token(cli.token.clone())
        .with_ca_cert(ca_cert))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_by_error() {
        let s = String::new;
        assert_eq!(exit_status(&ClientError::InvalidArgument(s())), 2);
        assert_eq!(exit_status(&ClientError::NotFound(s())), 2);
        assert_eq!(exit_status(&ClientError::FailedPrecondition(s())), 2);
        assert_eq!(exit_status(&ClientError::Unavailable(s())), 3);
        assert_eq!(exit_status(&ClientError::Connect(s())), 3);
        let other = |code| ClientError::Other { code, message: s() };
        assert_eq!(exit_status(&other(Code::DeadlineExceeded)), 3);
        assert_eq!(exit_status(&other(Code::Internal)), 1);
        assert_eq!(exit_status(&ClientError::ResourceExhausted(s())), 1);
        assert_eq!(exit_status(&ClientError::AlreadyExists(s())), 1);
    }
}
