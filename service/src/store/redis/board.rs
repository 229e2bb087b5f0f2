//! The board for hall displays: the snapshot in one script, the last event id, the events
//! after an id, and waiting for the next ones on a connection of its own (`readers`).

use std::time::Duration;

use redis::Value;

use super::RedisStore;
use super::decode::{self, array, next};
use super::events::{self, event_id};
use super::keys;
use super::reply::Step;
use super::scripts::SCRIPTS;
use crate::domain::{Event, Now};
use crate::error::QueueResult;
use crate::hall::Branch;
use crate::store::BoardSnapshot;

/// Stream entries looked at per recent call wanted: calls among the other events.
const CALL_SCAN_FACTOR: usize = 20;
/// At most this many stream entries are looked at for the recent calls.
const MAX_CALL_SCAN: usize = 10_000;

impl RedisStore {
    pub(super) async fn read_snapshot(
        &self,
        branch: &Branch,
        now: &Now,
        recent_calls: usize,
    ) -> QueueResult<BoardSnapshot> {
        let scan = recent_calls
            .saturating_mul(CALL_SCAN_FACTOR)
            .min(MAX_CALL_SCAN);
        let mut inv = self.invoke(&SCRIPTS.snapshot, branch);
        inv.arg(keys::day(now.day))
            .arg(recent_calls)
            .arg(scan)
            .arg(branch.windows.len());
        for window in &branch.windows {
            inv.arg(window.number.get());
        }
        for service in &branch.services {
            inv.arg(service.id.as_str());
        }
        let mut items = self.apply(&inv, &Step::new("read", &[])).await?;
        let last_event_id = event_id(&next(&mut items)?)?;
        let open = decode::open_windows(next(&mut items)?)?;
        let windows = branch
            .windows
            .iter()
            .zip(array(next(&mut items)?)?)
            .map(|(window, value)| decode::window(window.number, value))
            .collect::<QueueResult<_>>()?;
        let services = branch
            .services
            .iter()
            .zip(array(next(&mut items)?)?)
            .map(|(service, value)| decode::service(branch, &service.id, &open, value))
            .collect::<QueueResult<_>>()?;
        // The script finds them newest first.
        let mut calls = events::entries(next(&mut items)?)?;
        calls.truncate(recent_calls);
        calls.reverse();
        Ok(BoardSnapshot {
            last_event_id,
            windows,
            services,
            recent_calls: calls,
        })
    }

    pub(super) async fn read_last_event_id(&self, branch: &Branch) -> QueueResult<u64> {
        let key = &keys::event_seq(&self.prefix(branch));
        let get = |mut con: crate::redis_link::Link| async move {
            redis::cmd("GET")
                .arg(key)
                .query_async::<Value>(&mut con)
                .await
        };
        event_id(&self.conn.run(get).await?)
    }

    pub(super) async fn read_events_after(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
    ) -> QueueResult<Option<Vec<Event>>> {
        let mut inv = self.invoke(&SCRIPTS.events_after, branch);
        // One entry even for `max == 0`, to tell a gap from nothing new.
        inv.arg(after).arg(max.max(1));
        let mut items = self.apply(&inv, &Step::new("read", &[])).await?;
        let last = event_id(&next(&mut items)?)?;
        let read = events::entries(next(&mut items)?)?;
        Ok(events::following(after, last, read, max))
    }

    pub(super) async fn wait_for_events(
        &self,
        branch: &Branch,
        after: u64,
        max: usize,
        wait: Duration,
    ) -> QueueResult<Option<Vec<Event>>> {
        match self.read_events_after(branch, after, max).await? {
            Some(read) if read.is_empty() => {}
            other => return Ok(other),
        }
        if wait.is_zero() || max == 0 {
            return Ok(Some(Vec::new()));
        }
        let key = keys::events(&self.prefix(branch));
        let reply = self.readers.read(&key, after, max, wait).await?;
        let read = events::read_reply(reply)?;
        let Some(last) = read.last().map(|event| event.id) else {
            return Ok(Some(Vec::new()));
        };
        // The first one read is not the next: trimmed meanwhile (or the log was reset).
        Ok(events::following(after, last, read, max))
    }
}
