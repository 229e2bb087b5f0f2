//! The citizen's watch of one ticket: its state at once, then again whenever an event of its
//! branch may have changed it (its service's queue moved, it was called or its window moved
//! it, a window serving its service opened or closed) and the re-read differs from what was
//! sent; the watch ends after sending a final state.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch as signal};
use tokio_stream::wrappers::ReceiverStream;

use super::Display;
use super::hub::Published;
use crate::domain::{Event, EventKind, TicketRef};
use crate::error::QueueResult;
use crate::hall::Branch;
use crate::queue::TicketInfo;

pub(super) async fn watch_ticket(
    display: &Arc<Display>,
    ticket: TicketRef,
) -> QueueResult<BoxStream<'static, QueueResult<TicketInfo>>> {
    let branch = display.branch(&ticket.branch)?;
    let live = display.hub.subscribe(&branch);
    let info = display.queue.get_ticket(ticket).await?;
    let (tx, out) = mpsc::channel(display.settings.client_buffer.max(1));
    let watcher = TicketWatcher {
        display: Arc::clone(display),
        branch,
        live,
        tx,
        closed: display.closed(),
    };
    tokio::spawn(watcher.run(info));
    Ok(ReceiverStream::new(out).boxed())
}

struct TicketWatcher {
    display: Arc<Display>,
    branch: Arc<Branch>,
    live: broadcast::Receiver<Published>,
    tx: mpsc::Sender<QueueResult<TicketInfo>>,
    closed: signal::Receiver<bool>,
}

impl TicketWatcher {
    async fn run(mut self, mut sent: TicketInfo) {
        let id = sent.ticket.id.clone();
        let final_state = sent.ticket.state.is_final();
        if !self.send(Ok(sent.clone())).await || final_state {
            return;
        }
        loop {
            let received = tokio::select! {
                received = self.live.recv() => received,
                () = self.tx.closed() => return,
                _ = self.closed.wait_for(|closed| *closed) => return,
            };
            let reread = match received {
                Ok(Published::Event(live)) => concerns(&self.branch, &sent, &live.event),
                Ok(Published::Head(_)) => false,
                Ok(Published::Resync) | Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => return,
            };
            if !reread {
                continue;
            }
            let whole = TicketRef {
                branch: id.branch.clone(),
                day: Some(id.day),
                number: id.number.clone(),
            };
            match self.display.queue.get_ticket(whole).await {
                Ok(info) if info == sent => {}
                Ok(info) => {
                    let done = info.ticket.state.is_final();
                    sent = info.clone();
                    if !self.send(Ok(info)).await || done {
                        return;
                    }
                }
                Err(err) => {
                    tracing::warn!(ticket = %id, error = %err, "ticket watch ended by a store error");
                    self.send(Err(err)).await;
                    return;
                }
            }
        }
    }

    /// False when the watcher went away or the service is stopping.
    async fn send(&mut self, item: QueueResult<TicketInfo>) -> bool {
        tokio::select! {
            sent = self.tx.send(item) => sent.is_ok(),
            _ = self.closed.wait_for(|closed| *closed) => false,
        }
    }
}

/// Whether `event` may change what the citizen sees of the ticket `sent`.
fn concerns(branch: &Branch, sent: &TicketInfo, event: &Event) -> bool {
    let service = &sent.ticket.service;
    if event.kind.ticket() == Some(&sent.ticket.id) {
        return true;
    }
    match &event.kind {
        EventKind::QueueChanged { service: s, .. } => s == service,
        EventKind::WindowChanged { window, .. } => branch
            .window(*window)
            .is_some_and(|w| w.services.contains(service)),
        EventKind::Called { .. } => false,
    }
}

#[cfg(test)]
#[path = "ticket_tests.rs"]
mod tests;
