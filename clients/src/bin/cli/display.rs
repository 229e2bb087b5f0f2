//! `queuecallctl display` and `queuecallctl watch`: long-running commands that print as
//! items arrive and stop cleanly on Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};

use futures::StreamExt;
use queuecall_client::board::Board;
use queuecall_client::{ClientError, DisplayClient, FollowItem, Server, follow_branch, format};

/// Clears the screen and moves the cursor home.
const CLEAR: &str = "\x1b[2J\x1b[H";

/// Shows `branch`'s board until stopped. Returns nothing to print: everything is printed
/// as it arrives.
pub async fn display(server: &Server, branch: &str) -> Result<String, ClientError> {
    let tty = std::io::stdout().is_terminal();
    let mut board = Board::new(branch);
    if tty && !print(&format!("{CLEAR}{}", format::board(&board))) {
        return Ok(String::new());
    }
    let mut items = std::pin::pin!(follow_branch(server, branch));
    let mut stop = std::pin::pin!(stopped());
    loop {
        let item = tokio::select! {
            () = &mut stop => return Ok(String::new()),
            item = items.next() => item,
        };
        let item = match item {
            Some(Ok(item)) => item,
            Some(Err(err)) => return Err(err),
            None => return Ok(String::new()),
        };
        board.apply(&item);
        let text = if tty {
            format!("{CLEAR}{}", format::board(&board))
        } else {
            if let FollowItem::Reconnecting { error, retry_in } = &item {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "display: reconnecting in {:.1} s: {error}",
                    retry_in.as_secs_f64()
                );
            }
            format::follow_line(&item)
        };
        if !print(&text) {
            return Ok(String::new());
        }
    }
}

/// Prints a line per change of the ticket until the service ends the stream (a final
/// state) or the command is stopped.
pub async fn watch(server: &Server, ticket_id: &str) -> Result<String, ClientError> {
    let mut client = DisplayClient::connect(server).await?;
    let mut changes = client.watch_ticket(ticket_id).await?;
    let mut stop = std::pin::pin!(stopped());
    loop {
        let change = tokio::select! {
            () = &mut stop => return Ok(String::new()),
            change = changes.next() => change,
        };
        match change {
            Some(Ok(ticket)) => {
                if !print(&format::ticket_watch_line(&ticket)) {
                    return Ok(String::new());
                }
            }
            Some(Err(err)) => return Err(err),
            None => return Ok(String::new()),
        }
    }
}

/// Writes a line to stdout and flushes it; false when stdout is closed (`| head`).
fn print(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
