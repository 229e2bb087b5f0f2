//! The store against the real Redis at 127.0.0.1:6379, each test under its own key prefix
//! (removed at the end, also when the test fails). The behaviour is checked in full by the
//! conformance suite over gRPC; these are the store's own quick checks.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::TimeZone;

use super::RedisStore;
use crate::domain::*;
use crate::error::QueueError;
use crate::hall::{Branch, BranchLevel, Service, Window};
use crate::store::QueueStore;

/// `QUEUECALL_TEST_REDIS_URL` (as the integration tests read it), default 127.0.0.1:6379.
fn url() -> String {
    std::env::var("QUEUECALL_TEST_REDIS_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned())
}

struct Fixture {
    store: RedisStore,
    branch: Branch,
    key_prefix: String,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let Ok(mut con) = redis::Client::open(url()).and_then(|c| c.get_connection()) else {
            return;
        };
        let pattern = format!("{}:*", self.key_prefix);
        let keys: Vec<String> = redis::cmd("SCAN")
            .cursor_arg(0)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .clone()
            .iter(&mut con)
            .map(|iter| iter.filter_map(Result::ok).collect())
            .unwrap_or_default();
        for key in keys {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&key).query(&mut con);
        }
    }
}

fn sid(id: &str) -> ServiceId {
    ServiceId::parse("service", id).expect("service id")
}

fn win(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window")
}

fn service(id: &str, prefix: &str, daily_limit: u32) -> Service {
    Service {
        id: sid(id),
        name: id.to_uppercase(),
        prefix: prefix.into(),
        daily_limit,
        avg_service_seed: Duration::from_secs(300),
        turn_near: 3,
        recall_limit: 2,
        requeue_offset: 2,
        requeue_limit: 1,
        appointments: None,
        priority_order: vec![
            PriorityClass::GreenChannel,
            PriorityClass::Appointment,
            PriorityClass::Normal,
        ],
    }
}

fn window(n: u32, services: &[&str], rule: CallRule) -> Window {
    Window {
        number: win(n),
        name: format!("window {n}"),
        services: services.iter().map(|s| sid(s)).collect(),
        rule,
    }
}

/// Services `a` (prefix A, 5 a day) and `b` (prefix B); windows 1 strict [a, b], 2 oldest
/// first [a, b], 3 ratio 1 priority : 2 normal [a], 4 oldest first [b].
async fn fixture() -> Fixture {
    fixture_keeping(crate::store::DEFAULT_EVENT_RETENTION).await
}

/// As [`fixture`], with a store that keeps about `retention` events per branch.
async fn fixture_keeping(retention: usize) -> Fixture {
    static N: AtomicU32 = AtomicU32::new(0);
    let key_prefix = format!(
        "qcsmoke-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let url = url();
    let store = RedisStore::new(&url, &key_prefix)
        .await
        .expect("store")
        .with_event_retention(retention);
    if let Err(err) = store.ping().await {
        panic!(
            "redis at {url} is unreachable ({err}); start Redis: \
             redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no \
             (or set QUEUECALL_TEST_REDIS_URL)"
        );
    }
    let ratio = CallRule::Ratio {
        priority: 1,
        normal: 2,
    };
    let branch = Branch {
        id: BranchId::parse("branch", "smoke").expect("branch"),
        name: "smoke".into(),
        level: BranchLevel::Village,
        parent: None,
        time_zone: chrono_tz::Asia::Shanghai,
        english_announcements: false,
        services: vec![service("a", "A", 5), service("b", "B", 100)],
        calendar: Default::default(),
        windows: vec![
            window(1, &["a", "b"], CallRule::StrictOrder),
            window(2, &["a", "b"], CallRule::OldestFirst),
            window(3, &["a"], ratio),
            window(4, &["b"], CallRule::OldestFirst),
        ],
    };
    Fixture {
        store,
        branch,
        key_prefix,
    }
}

/// 2026-11-27 (or `day` days later) at `h:m:s` in Shanghai.
fn at(day: u32, h: u32, m: u32, s: u32) -> Now {
    let local = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 11, 27 + day, h, m, s)
        .single()
        .expect("time");
    Now::in_zone(local.with_timezone(&chrono::Utc), chrono_tz::Asia::Shanghai)
}

fn new(service: &str, priority: PriorityClass) -> NewTicket {
    NewTicket {
        service: sid(service),
        priority,
        channel: Channel::Kiosk,
        phone: None,
        idempotency_key: None,
    }
}

impl Fixture {
    async fn take(&self, service: &str, priority: PriorityClass, now: &Now) -> TicketView {
        let new = new(service, priority);
        let issued = self.store.take_ticket(&self.branch, &new, now);
        issued.await.expect("take").view
    }
    async fn open(&self, n: u32) {
        let now = at(0, 9, 0, 0);
        let open = self
            .store
            .set_window(&self.branch, win(n), &WindowCommand::Open, &now);
        assert_eq!(open.await.expect("open").state, WindowState::Open);
    }
    async fn next(&self, n: u32, now: &Now) -> Option<String> {
        let called = self
            .store
            .call_next(&self.branch, win(n), now)
            .await
            .expect("call next");
        called.map(|v| v.ticket.id.number.to_string())
    }
    async fn finish(&self, n: u32, now: &Now) {
        self.store
            .mark_no_show(&self.branch, win(n), now)
            .await
            .expect("no-show");
    }
}

fn precondition(err: QueueError, needle: &str) {
    match err {
        QueueError::FailedPrecondition(msg) => assert!(msg.contains(needle), "{msg}"),
        other => panic!("expected FAILED_PRECONDITION with {needle:?}, got {other:?}"),
    }
}

#[path = "smoke_board.rs"]
mod board;
#[path = "smoke_events.rs"]
mod events;
#[path = "smoke_tickets.rs"]
mod tickets;
#[path = "smoke_windows.rs"]
mod windows;
