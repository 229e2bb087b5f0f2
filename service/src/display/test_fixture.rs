//! A real queue for the display tests: the embedded store on a temp SQLite file, a manual
//! clock, and a small hall (branch `hall`: services `a` (A) and `b` (B); window 1 serves
//! both, window 2 serves `b`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use tempfile::TempDir;

use super::{Display, DisplaySettings, HubTiming, WatchItem};
use crate::clock::ManualClock;
use crate::domain::{
    BranchId, Channel, NewTicket, PriorityClass, ServiceId, WindowCommand, WindowNo,
};
use crate::hall::file::{HallFormat, parse};
use crate::queue::{Queue, TicketInfo, WindowStep};
use crate::store::memory::MemoryStore;

const HALL: &str = "
branches:
  - id: hall
    name: 测试大厅
    level: village
    english_announcements: true
    services:
      - id: a
        name: 社保
        prefix: A
        daily_limit: 500
        avg_service_seconds: 60
      - id: b
        name: 税务
        prefix: B
        daily_limit: 500
        avg_service_seconds: 120
    windows:
      - number: 1
        name: 综合窗口
        services: [a, b]
        rule: oldest_first
      - number: 2
        name: 税务窗口
        services: [b]
        rule: strict_order
";

/// How long a test waits for an item that must come.
pub const PATIENCE: Duration = Duration::from_secs(5);

pub struct Fixture {
    pub display: Arc<Display>,
    pub queue: Arc<Queue>,
    _dir: TempDir,
}

pub fn fast() -> HubTiming {
    HubTiming {
        wait: Duration::from_millis(200),
        idle: Duration::from_millis(100),
        max_backoff: Duration::from_millis(200),
    }
}

pub async fn fixture(settings: DisplaySettings) -> Fixture {
    fixture_with(settings, 10_000).await
}

/// With at most `retention` events kept per branch.
pub async fn fixture_with(settings: DisplaySettings, retention: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::open_with(&dir.path().join("q.sqlite"), retention)
        .await
        .expect("open the embedded store");
    let hall = parse(HALL, HallFormat::Yaml).expect("test hall");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 27, 1, 0, 0)
        .single()
        .expect("time");
    let clock = Arc::new(ManualClock::new(at));
    let queue = Arc::new(Queue::new(
        Arc::new(crate::hall::HallHandle::new(hall)),
        Arc::new(store),
        clock,
    ));
    let display = Display::with_timing(Arc::clone(&queue), settings, fast());
    Fixture {
        display,
        queue,
        _dir: dir,
    }
}

pub fn hall() -> BranchId {
    BranchId::parse("branch", "hall").expect("id")
}

pub fn win(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window")
}

impl Fixture {
    pub async fn take(&self, service: &str) -> TicketInfo {
        let new = NewTicket {
            service: ServiceId::parse("service", service).expect("service"),
            priority: PriorityClass::Normal,
            channel: Channel::Kiosk,
            phone: None,
            idempotency_key: None,
        };
        self.queue.take_ticket(&hall(), new).await.expect("take").0
    }

    pub async fn open(&self, window: u32) {
        self.queue
            .set_window(&hall(), win(window), WindowCommand::Open)
            .await
            .expect("open");
    }

    pub async fn call(&self, window: u32) -> TicketInfo {
        self.queue
            .call_next(&hall(), win(window))
            .await
            .expect("call")
            .expect("a ticket waits")
    }

    pub async fn step(&self, window: u32, step: WindowStep) -> TicketInfo {
        self.queue
            .window_step(&hall(), win(window), step)
            .await
            .expect("step")
    }
}

/// The next item, failing the test if none comes in time.
pub async fn next<T>(stream: &mut BoxStream<'static, T>) -> T {
    tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("an item in time")
        .expect("the stream goes on")
}

/// Whether the stream stays silent for `quiet`.
pub async fn silent<T: std::fmt::Debug>(stream: &mut BoxStream<'static, T>, quiet: Duration) {
    if let Ok(item) = tokio::time::timeout(quiet, stream.next()).await {
        panic!("expected no item, got {item:?}");
    }
}

/// Reads items until one reflects event `id`; asserts the watch invariant on the way: every
/// event follows the last id seen by exactly one, a snapshot sets the last id.
pub async fn read_until(
    stream: &mut BoxStream<'static, WatchItem>,
    last: &mut u64,
    id: u64,
) -> Vec<WatchItem> {
    let mut items = Vec::new();
    while *last < id {
        let item = next(stream).await;
        if let WatchItem::Event(event) = &item {
            assert_eq!(
                event.id,
                *last + 1,
                "no gap, no duplicate: {items:?} then {item:?}"
            );
        }
        *last = item.last_event_id();
        items.push(item);
    }
    items
}
