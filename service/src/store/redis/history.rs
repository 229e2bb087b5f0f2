//! The history buffer on Redis: the stream `P:history` that `lua/history.lua` appends to in
//! the script of every step that ends a leg. Reading and acknowledging are the shared stream
//! commands of `stream.rs`.

use std::collections::HashMap;

use anyhow::anyhow;
use chrono::{DateTime, Utc};
use redis::Value;

use super::RedisStore;
use super::decode::{array, text};
use super::events::fields;
use super::keys;
use crate::domain::{Channel, PriorityClass, ServiceId, TicketId, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::{Buffered, HistoryEntry, Outcome};

fn bad(what: impl std::fmt::Display) -> QueueError {
    QueueError::Internal(anyhow!("unreadable redis history entry: {what}"))
}

impl RedisStore {
    pub(super) async fn read_history(
        &self,
        branch: &Branch,
        limit: usize,
    ) -> QueueResult<Vec<Buffered>> {
        let key = keys::history(&self.prefix(branch));
        self.read_stream(key, limit, buffered).await
    }

    pub(super) async fn delete_history(
        &self,
        branch: &Branch,
        ids: &[String],
    ) -> QueueResult<usize> {
        let key = keys::history(&self.prefix(branch));
        self.delete_from_stream(key, ids).await
    }
}

/// One stream entry `[id, fields]`.
fn buffered(value: Value) -> QueueResult<Buffered> {
    let mut parts = array(value)?.into_iter();
    let id = text(&parts.next().ok_or_else(|| bad("entry without id"))?)?;
    let fields = fields(parts.next().ok_or_else(|| bad("entry without fields"))?)?;
    let entry = entry(&fields).map_err(|e| bad(format!("{id}: {e}")))?;
    Ok(Buffered { id, entry })
}

fn entry(f: &HashMap<String, String>) -> Result<HistoryEntry, String> {
    let opt = |name: &str| f.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let get = |name: &str| opt(name).ok_or_else(|| format!("lacks field {name}"));
    let bad_field = |name: &str| format!("field {name} holds {:?}", opt(name));
    let instant = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
        opt(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .and_then(DateTime::from_timestamp_millis)
                    .ok_or_else(|| bad_field(name))
            })
            .transpose()
    };
    let number = |name: &str| -> Result<u32, String> {
        opt(name).map_or(Ok(0), |v| v.parse().map_err(|_| bad_field(name)))
    };
    Ok(HistoryEntry {
        ticket: TicketId::parse(get("ticket")?).map_err(|_| bad_field("ticket"))?,
        leg: number("leg")?,
        service: ServiceId::parse("service", get("service")?).map_err(|_| bad_field("service"))?,
        priority: PriorityClass::parse(get("priority")?).ok_or_else(|| bad_field("priority"))?,
        channel: Channel::parse(get("channel")?).ok_or_else(|| bad_field("channel"))?,
        outcome: Outcome::parse(get("outcome")?).ok_or_else(|| bad_field("outcome"))?,
        window: opt("window")
            .map(|v| {
                v.parse()
                    .ok()
                    .and_then(|n| WindowNo::parse("window", n).ok())
                    .ok_or_else(|| bad_field("window"))
            })
            .transpose()?,
        entered_at: instant("entered_at")?.ok_or_else(|| bad_field("entered_at"))?,
        called_at: instant("called_at")?,
        started_at: instant("started_at")?,
        ended_at: instant("ended_at")?.ok_or_else(|| bad_field("ended_at"))?,
        recall_count: number("recall_count")?,
        requeue_count: number("requeue_count")?,
    })
}
