//! `DisplayClient`: the generated `DisplayService` client with plain arguments, items as
//! [`BoardItem`] and failures as [`ClientError`].

use std::time::Duration;

use futures::{Stream, StreamExt};
use tonic::transport::Endpoint;

use super::chain;
use super::server::{Connection, Server};
use crate::error::ClientError;
use crate::pb;
use crate::pb::display_service_client::DisplayServiceClient;
use crate::pb::watch_branch_response::Item;

/// How long to wait for the TCP/HTTP2 connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// HTTP/2 pings on an idle stream, so a dead peer is noticed even when no event flows.
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(10);
const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(5);

/// One item of a branch's stream: the whole board, or one change to it.
// Events are the common item and the large variant: boxing would not make the enum smaller
// where it matters, only add an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum BoardItem {
    /// The board as of `last_event_id`; sent first, and again after a too old resume id or
    /// when this screen fell behind.
    Snapshot(pb::BranchSnapshot),
    /// One change, ids growing by one.
    Event(pb::BranchEvent),
}

impl BoardItem {
    /// The id to resume after: the snapshot's `last_event_id` or the event's id.
    pub fn event_id(&self) -> u64 {
        match self {
            Self::Snapshot(snapshot) => snapshot.last_event_id,
            Self::Event(event) => event.id,
        }
    }
}

/// A connection to the DisplayService of one queuecall service. Cheap to clone: clones
/// share the HTTP/2 connection, each stream is one HTTP/2 stream on it.
///
/// Streams carry no time-out (they last as long as the screen is on); HTTP/2 keep-alive
/// pings notice a dead connection instead.
#[derive(Debug, Clone)]
pub struct DisplayClient {
    inner: DisplayServiceClient<Connection>,
}

impl DisplayClient {
    /// Connects to `server`: an endpoint (`http://127.0.0.1:50051` or `127.0.0.1:50051`) or
    /// a [`Server`] with its token.
    pub async fn connect(server: impl Into<Server>) -> Result<Self, ClientError> {
        let server = server.into();
        let credentials = server.credentials()?;
        let channel = endpoint_of(&server)?.connect().await.map_err(|err| {
            ClientError::Connect(format!("cannot reach {}: {}", server.endpoint, chain(&err)))
        })?;
        Ok(Self::new(
            tonic::service::interceptor::InterceptedService::new(channel, credentials),
        ))
    }

    /// A client on a channel built by the caller (the load generator spreads streams over
    /// many connections this way; [`Server::wrap`] adds the token).
    pub fn new(channel: Connection) -> Self {
        Self {
            inner: DisplayServiceClient::new(channel).max_decoding_message_size(16 * 1024 * 1024),
        }
    }

    /// The generated client, for calls this wrapper does not shape.
    pub fn inner(&mut self) -> &mut DisplayServiceClient<Connection> {
        &mut self.inner
    }

    /// Watches a branch's board: first a snapshot (or, with `resume_after` inside the
    /// server's retention, the events after it), then every event in order. The stream ends
    /// with an error when the connection breaks; [`follow_branch`](super::follow_branch)
    /// reconnects and resumes by itself.
    pub async fn watch_branch(
        &mut self,
        branch: &str,
        resume_after: Option<u64>,
    ) -> Result<
        impl Stream<Item = Result<BoardItem, ClientError>> + Send + Unpin + 'static,
        ClientError,
    > {
        let message = pb::WatchBranchRequest {
            branch_id: branch.to_owned(),
            resume_after_event_id: resume_after.unwrap_or(0),
        };
        let stream = self.inner.watch_branch(message).await?.into_inner();
        Ok(stream.map(|answer| board_item(answer?)))
    }

    /// Watches one ticket: it at once, then on every change of people ahead, estimated wait,
    /// state or window. The stream ends after the ticket reaches a final state.
    pub async fn watch_ticket(
        &mut self,
        ticket_id: &str,
    ) -> Result<
        impl Stream<Item = Result<pb::Ticket, ClientError>> + Send + Unpin + 'static,
        ClientError,
    > {
        let message = pb::WatchTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        let stream = self.inner.watch_ticket(message).await?.into_inner();
        Ok(stream.map(|answer| answer?.ticket.ok_or_else(|| ClientError::missing("ticket"))))
    }
}

/// The endpoint every display connection uses: connect time-out and keep-alive, no request
/// time-out. Public within the crate so the load generator's channels match.
pub(crate) fn endpoint_of(server: &Server) -> Result<Endpoint, ClientError> {
    let endpoint = server
        .endpoint()?
        .connect_timeout(CONNECT_TIMEOUT)
        .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        .keep_alive_while_idle(true)
        .tcp_nodelay(true);
    Ok(endpoint)
}

fn board_item(answer: pb::WatchBranchResponse) -> Result<BoardItem, ClientError> {
    match answer.item {
        Some(Item::Snapshot(snapshot)) => Ok(BoardItem::Snapshot(snapshot)),
        Some(Item::Event(event)) => Ok(BoardItem::Event(event)),
        None => Err(ClientError::missing("snapshot or event")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_resume_id_of_an_item() {
        let snapshot = BoardItem::Snapshot(pb::BranchSnapshot {
            last_event_id: 11,
            ..Default::default()
        });
        let event = BoardItem::Event(pb::BranchEvent {
            id: 12,
            ..Default::default()
        });
        assert_eq!(snapshot.event_id(), 11);
        assert_eq!(event.event_id(), 12);
    }

    #[test]
    fn an_empty_answer_is_an_error() {
        let err = board_item(pb::WatchBranchResponse { item: None }).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Internal);
    }

    #[tokio::test]
    async fn nobody_listening_is_a_connect_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let err = DisplayClient::connect(&addr.to_string()).await.unwrap_err();
        assert!(matches!(err, ClientError::Connect(_)), "{err:?}");
    }
}
