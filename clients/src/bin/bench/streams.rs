//! The watching side of the displays bench: many WatchBranch streams over a few HTTP/2
//! connections, each recording when every `called` event reaches it. The measured streams
//! decode only an item's kind, id and snapshot reason (`lean`); the reference stream decodes
//! whole events.

#[path = "streams_lean.rs"]
mod lean;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use queuecall_client::pb::branch_event::Kind;
use queuecall_client::{BoardItem, Connection, DisplayClient, Server, pb};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

/// Stream errors kept for the report.
const ERRORS_KEPT: usize = 5;

/// When one stream received one `called` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub event_id: u64,
    /// Microseconds since [`Shared::base`].
    pub at_us: u64,
}

/// Counters every stream task updates.
pub struct Shared {
    /// The zero of every timestamp of the bench.
    pub base: Instant,
    /// Streams that received their first snapshot.
    pub snapshots: AtomicUsize,
    /// `called` events received, over all streams.
    pub called: AtomicU64,
    /// Streams that failed or ended.
    pub failed: AtomicUsize,
    /// FELL_BEHIND snapshots received.
    pub fell_behind: AtomicUsize,
    /// The reference stream has its snapshot.
    pub reference_ready: AtomicBool,
    errors: Mutex<Vec<String>>,
    opening: Semaphore,
}

impl Shared {
    pub fn new(open_concurrency: usize) -> Arc<Self> {
        Arc::new(Self {
            base: Instant::now(),
            snapshots: AtomicUsize::new(0),
            called: AtomicU64::new(0),
            failed: AtomicUsize::new(0),
            fell_behind: AtomicUsize::new(0),
            reference_ready: AtomicBool::new(false),
            errors: Mutex::new(Vec::new()),
            opening: Semaphore::new(open_concurrency),
        })
    }

    /// Microseconds since the bench started.
    pub fn now_us(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// The first few stream errors.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().map(|e| e.clone()).unwrap_or_default()
    }

    fn fail(&self, why: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.note(why);
    }

    /// Keeps an error for the report without counting a failed stream.
    fn note(&self, why: String) {
        if let Ok(mut errors) = self.errors.lock()
            && errors.len() < ERRORS_KEPT
        {
            errors.push(why);
        }
    }
}

/// `connections` HTTP/2 connections to `server`, each ready for `per_connection` streams.
pub async fn connect(
    server: &Server,
    connections: u32,
    per_connection: u32,
) -> anyhow::Result<Vec<Connection>> {
    let endpoint = server
        .endpoint()
        .with_context(|| format!("bad server address '{}'", server.endpoint))?;
    let uri = endpoint.uri().to_string();
    let endpoint = endpoint
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20))
        // Requests queue here until the connection takes them; room for every stream.
        .buffer_size(usize::try_from(per_connection)?.saturating_mul(2) + 64)
        .initial_connection_window_size(Some(8 * 1024 * 1024))
        .initial_stream_window_size(Some(256 * 1024));
    let mut channels = Vec::new();
    for n in 0..connections {
        // Each `connect` opens its own TCP connection; clones of a Channel would share one.
        let channel = endpoint
            .connect()
            .await
            .with_context(|| format!("cannot open connection {} to {uri}", n + 1))?;
        channels.push(server.wrap(channel)?);
    }
    Ok(channels)
}

/// The running streams.
pub struct Fleet {
    stop: watch::Sender<bool>,
    watchers: Vec<JoinHandle<Vec<Delivery>>>,
    reference: JoinHandle<HashMap<String, u64>>,
}

/// What the streams saw, once stopped.
pub struct Seen {
    /// Per stream, its `called` deliveries in event id order.
    pub deliveries: Vec<Vec<Delivery>>,
    /// The event id of each ticket's first call, from one extra stream.
    pub first_call_event: HashMap<String, u64>,
}

impl Fleet {
    /// Starts `streams` watchers spread round-robin over `channels`, plus one reference
    /// stream (not measured) that maps tickets to the event ids of their calls.
    pub fn spawn(
        channels: &[Connection],
        branch: &str,
        streams: u32,
        calls: u32,
        shared: Arc<Shared>,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let capacity = usize::try_from(calls).unwrap_or(0) + 8;
        let watchers = (0..streams as usize)
            .map(|n| {
                let task = watch_one(
                    channels[n % channels.len()].clone(),
                    branch.to_owned(),
                    Arc::clone(&shared),
                    stopped.clone(),
                    capacity,
                );
                tokio::spawn(task)
            })
            .collect();
        let client = DisplayClient::new(channels[0].clone());
        let reference = tokio::spawn(reference(
            client,
            branch.to_owned(),
            Arc::clone(&shared),
            stopped,
        ));
        Self {
            stop,
            watchers,
            reference,
        }
    }

    /// Stops every stream and collects what they saw.
    pub async fn stop(self) -> anyhow::Result<Seen> {
        let _ = self.stop.send(true);
        let mut deliveries = Vec::with_capacity(self.watchers.len());
        for watcher in self.watchers {
            deliveries.push(watcher.await.context("a stream task failed")?);
        }
        let first_call_event = self
            .reference
            .await
            .context("the reference stream failed")?;
        Ok(Seen {
            deliveries,
            first_call_event,
        })
    }
}

async fn watch_one(
    connection: Connection,
    branch: String,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    capacity: usize,
) -> Vec<Delivery> {
    let mut deliveries = Vec::with_capacity(capacity);
    let mut opening = match shared.opening.acquire().await {
        Ok(permit) => Some(permit),
        Err(_) => return deliveries,
    };
    let items = match lean::watch_branch(connection, &branch).await {
        Ok(items) => items,
        Err(err) => {
            shared.fail(format!("watch: {err}"));
            return deliveries;
        }
    };
    let mut items = std::pin::pin!(items);
    loop {
        let item = tokio::select! {
            biased;
            _ = stopped.changed() => return deliveries,
            item = items.next() => item,
        };
        match item {
            Some(Ok(lean::Item::Event(event))) => {
                if event.called.is_some() {
                    let at_us = shared.now_us();
                    deliveries.push(Delivery {
                        event_id: event.id,
                        at_us,
                    });
                    shared.called.fetch_add(1, Ordering::Relaxed);
                }
            }
            Some(Ok(lean::Item::Snapshot(snapshot))) => {
                if opening.take().is_some() {
                    shared.snapshots.fetch_add(1, Ordering::Relaxed);
                } else if snapshot.reason() == pb::SnapshotReason::FellBehind {
                    shared.fell_behind.fetch_add(1, Ordering::Relaxed);
                }
            }
            Some(Err(err)) => {
                shared.fail(format!("stream: {err}"));
                return deliveries;
            }
            None => {
                shared.fail("stream: the server ended it".to_owned());
                return deliveries;
            }
        }
    }
}

async fn reference(
    mut client: DisplayClient,
    branch: String,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) -> HashMap<String, u64> {
    let mut first_calls = HashMap::new();
    let mut items = match client.watch_branch(&branch, None).await {
        Ok(items) => items,
        Err(err) => {
            shared.note(format!("reference watch: {err}"));
            return first_calls;
        }
    };
    loop {
        let item = tokio::select! {
            biased;
            _ = stopped.changed() => return first_calls,
            item = items.next() => item,
        };
        match item {
            Some(Ok(BoardItem::Event(event))) => {
                if let Some(Kind::Called(call)) = event.kind
                    && call.recall_count == 0
                {
                    first_calls.entry(call.ticket_id).or_insert(event.id);
                }
            }
            Some(Ok(BoardItem::Snapshot(_))) => {
                shared.reference_ready.store(true, Ordering::Relaxed)
            }
            Some(Err(err)) => {
                shared.note(format!("reference stream: {err}"));
                return first_calls;
            }
            None => return first_calls,
        }
    }
}
