//! DisplayService streams as the tests read them: every read waits at most [`WATCH_TIMEOUT`],
//! and a branch watch checks on every item that event ids follow each other by one (no gap,
//! no duplicate) from the snapshot or the resume id, failing the test with the place it broke.

use std::time::Duration;

use crate::auth::Connection;
use queuecall_proto::v1::display_service_client::DisplayServiceClient;
use queuecall_proto::v1::watch_branch_response::Item;
use queuecall_proto::v1::{
    BranchEvent, BranchSnapshot, SnapshotReason, Ticket, WatchBranchRequest, WatchBranchResponse,
    WatchTicketRequest, WatchTicketResponse,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tonic::{Status, Streaming};

/// The longest a test waits for one item of a stream.
pub const WATCH_TIMEOUT: Duration = Duration::from_secs(10);

type Read = Result<Option<WatchBranchResponse>, Status>;

enum Source {
    /// Read only when the test reads (a slow consumer never reads).
    Direct(Box<Streaming<WatchBranchResponse>>),
    /// Read as fast as the server sends by a task of its own; the test reads the copies.
    Background {
        rx: mpsc::UnboundedReceiver<Read>,
        _reader: AbortOnDrop,
    },
}

/// Stops the background reader with the watch.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A WatchBranch stream with its sequence checks.
pub struct BranchWatch {
    source: Source,
    name: String,
    /// The id of the last event seen (or of the snapshot); the next event must be one more.
    last_id: Option<u64>,
}

impl BranchWatch {
    /// Opens WatchBranch on `channel`; `resume_after` 0 asks for a snapshot.
    pub async fn open(
        channel: Connection,
        branch: &str,
        resume_after: u64,
    ) -> Result<Self, Status> {
        let request = WatchBranchRequest {
            branch_id: branch.to_owned(),
            resume_after_event_id: resume_after,
        };
        let answer = tokio::time::timeout(
            WATCH_TIMEOUT,
            DisplayServiceClient::new(channel).watch_branch(request),
        )
        .await
        .unwrap_or_else(|_| panic!("WatchBranch {branch} did not answer within 10 s"))?;
        Ok(Self {
            source: Source::Direct(Box::new(answer.into_inner())),
            name: format!("watch of {branch} (resume after {resume_after})"),
            last_id: (resume_after > 0).then_some(resume_after),
        })
    }

    /// Reads the stream from now on in a task of its own, so that this watcher keeps up with
    /// the server however late the test reads it.
    pub fn in_background(self) -> Self {
        let Source::Direct(mut stream) = self.source else {
            return self;
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            loop {
                let read = stream.message().await;
                let end = !matches!(read, Ok(Some(_)));
                if tx.send(read).is_err() || end {
                    return;
                }
            }
        });
        Self {
            source: Source::Background {
                rx,
                _reader: AbortOnDrop(task),
            },
            ..self
        }
    }

    /// Names this watch in failure messages.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// The id of the last event (or snapshot) read.
    pub fn last_id(&self) -> Option<u64> {
        self.last_id
    }

    async fn read(&mut self) -> Option<Read> {
        let read = match &mut self.source {
            Source::Direct(stream) => tokio::time::timeout(WATCH_TIMEOUT, stream.message()).await,
            Source::Background { rx, .. } => tokio::time::timeout(WATCH_TIMEOUT, rx.recv())
                .await
                .map(|r| r.unwrap_or(Ok(None))),
        };
        read.ok()
    }

    /// The next item, checked: fails the test on a timeout, an error, the end of the stream, an
    /// event before any snapshot or resume id, or an event id that is not the last one + 1.
    pub async fn next(&mut self) -> Item {
        let read = self.read().await.unwrap_or_else(|| {
            panic!(
                "{}: nothing within 10 s after event {:?}",
                self.name, self.last_id
            )
        });
        let item = match read {
            Ok(Some(WatchBranchResponse { item: Some(item) })) => item,
            Ok(Some(WatchBranchResponse { item: None })) => {
                panic!("{}: an answer without an item", self.name)
            }
            Ok(None) => panic!(
                "{}: the stream ended after event {:?}",
                self.name, self.last_id
            ),
            Err(status) => panic!(
                "{}: the stream failed after event {:?}: {status:?}",
                self.name, self.last_id
            ),
        };
        self.check(&item);
        item
    }

    fn check(&mut self, item: &Item) {
        match item {
            Item::Snapshot(snapshot) => {
                if snapshot.reason() == SnapshotReason::FellBehind {
                    let last = self.last_id.unwrap_or(0);
                    assert!(
                        snapshot.last_event_id >= last,
                        "{}: a FELL_BEHIND snapshot at {} went back from event {last}",
                        self.name,
                        snapshot.last_event_id
                    );
                }
                self.last_id = Some(snapshot.last_event_id);
            }
            Item::Event(event) => {
                let last = self.last_id.unwrap_or_else(|| {
                    panic!(
                        "{}: event {} came before any snapshot: {event:?}",
                        self.name, event.id
                    )
                });
                assert!(
                    event.id == last + 1,
                    "{}: event {} follows event {last} ({}): {event:?}",
                    self.name,
                    event.id,
                    if event.id <= last {
                        "a duplicate or going back"
                    } else {
                        "a gap"
                    }
                );
                self.last_id = Some(event.id);
            }
        }
    }

    /// Waits for the stream to end: `None` for a clean end, the status for an error. Fails
    /// the test when an item comes instead, or nothing within 10 s.
    pub async fn end(&mut self) -> Option<Status> {
        match self.read().await {
            Some(Ok(None)) => None,
            Some(Err(status)) => Some(status),
            Some(Ok(Some(item))) => panic!("{}: expected the end, got {item:?}", self.name),
            None => panic!("{}: the stream did not end within 10 s", self.name),
        }
    }

    /// The next item, which must be a snapshot.
    pub async fn snapshot(&mut self) -> BranchSnapshot {
        match self.next().await {
            Item::Snapshot(snapshot) => snapshot,
            Item::Event(event) => panic!("{}: expected a snapshot, got {event:?}", self.name),
        }
    }

    /// The next item, which must be a snapshot with `reason`.
    pub async fn snapshot_for(&mut self, reason: SnapshotReason) -> BranchSnapshot {
        let snapshot = self.snapshot().await;
        assert_eq!(
            snapshot.reason(),
            reason,
            "{}: the snapshot's reason (last event {})",
            self.name,
            snapshot.last_event_id
        );
        snapshot
    }

    /// The next item, which must be an event.
    pub async fn event(&mut self) -> BranchEvent {
        match self.next().await {
            Item::Event(event) => event,
            Item::Snapshot(snapshot) => panic!(
                "{}: expected event {:?}, got a {:?} snapshot at {}",
                self.name,
                self.last_id.map(|id| id + 1),
                snapshot.reason(),
                snapshot.last_event_id
            ),
        }
    }

    /// Events up to and including id `last`, in order (none if `last` was already read).
    pub async fn events_through(&mut self, last: u64) -> Vec<BranchEvent> {
        let mut events = Vec::new();
        while self.last_id.is_none_or(|seen| seen < last) {
            events.push(self.event().await);
        }
        events
    }
}

/// A WatchTicket stream.
pub struct TicketWatch {
    stream: Streaming<WatchTicketResponse>,
    name: String,
    previous: Option<Ticket>,
}

impl TicketWatch {
    pub async fn open(channel: Connection, ticket_id: &str) -> Result<Self, Status> {
        let request = WatchTicketRequest {
            ticket_id: ticket_id.to_owned(),
        };
        let answer = tokio::time::timeout(
            WATCH_TIMEOUT,
            DisplayServiceClient::new(channel).watch_ticket(request),
        )
        .await
        .unwrap_or_else(|_| panic!("WatchTicket {ticket_id} did not answer within 10 s"))?;
        Ok(Self {
            stream: answer.into_inner(),
            name: format!("watch of ticket {ticket_id}"),
            previous: None,
        })
    }

    /// The next ticket, `None` when the stream ended; fails on a timeout, an error, an answer
    /// without a ticket, or a ticket equal to the one before (sent without a change).
    pub async fn next(&mut self) -> Option<Ticket> {
        let read = tokio::time::timeout(WATCH_TIMEOUT, self.stream.message())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "{}: nothing within 10 s after {:?}",
                    self.name, self.previous
                )
            });
        let answer = match read {
            Ok(answer) => answer?,
            Err(status) => panic!("{}: the stream failed: {status:?}", self.name),
        };
        let ticket = answer
            .ticket
            .unwrap_or_else(|| panic!("{}: an answer without a ticket", self.name));
        assert!(
            self.previous.as_ref() != Some(&ticket),
            "{}: the same ticket sent twice: {ticket:?}",
            self.name
        );
        self.previous = Some(ticket.clone());
        Some(ticket)
    }

    /// Waits for the stream to end: `None` for a clean end, the status for an error. Fails
    /// the test when a ticket comes instead, or nothing within 10 s.
    pub async fn end(&mut self) -> Option<Status> {
        match tokio::time::timeout(WATCH_TIMEOUT, self.stream.message()).await {
            Ok(Ok(None)) => None,
            Ok(Err(status)) => Some(status),
            Ok(Ok(Some(answer))) => panic!("{}: expected the end, got {answer:?}", self.name),
            Err(_) => panic!("{}: the stream did not end within 10 s", self.name),
        }
    }

    /// The next ticket, which must come.
    pub async fn ticket(&mut self) -> Ticket {
        let previous = self.previous.clone();
        self.next()
            .await
            .unwrap_or_else(|| panic!("{}: the stream ended after {previous:?}", self.name))
    }
}

/// The error WatchBranch answers with, whether at once or as the stream's first item.
pub async fn watch_branch_error(channel: Connection, branch: &str) -> Status {
    match BranchWatch::open(channel, branch, 0).await {
        Err(status) => status,
        Ok(mut watch) => match watch.read().await {
            Some(Err(status)) => status,
            other => panic!("WatchBranch {branch:?} should fail, got {other:?}"),
        },
    }
}

/// The error WatchTicket answers with, whether at once or as the stream's first item.
pub async fn watch_ticket_error(channel: Connection, ticket_id: &str) -> Status {
    match TicketWatch::open(channel, ticket_id).await {
        Err(status) => status,
        Ok(mut watch) => match tokio::time::timeout(WATCH_TIMEOUT, watch.stream.message()).await {
            Ok(Err(status)) => status,
            other => panic!("WatchTicket {ticket_id:?} should fail, got {other:?}"),
        },
    }
}
