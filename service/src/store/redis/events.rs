//! Board events from the stream entries `lua/emit.lua` writes, in one place: entry id
//! `<event id>-0`; fields `at` (ms) and `k` = `called` (`ticket`, `service`, `window`,
//! `recall`), `window` (`window`, `state`, `reason`?, `ticket` + `tstate`?) or `queue`
//! (`service`, `waiting`). An entry that does not read is a bug of ours and INTERNAL.

use std::collections::HashMap;

use anyhow::anyhow;
use chrono::DateTime;
use redis::Value;

use super::decode::{array, int, text};
use crate::domain::{Event, EventKind, ServiceId, TicketId, TicketState, WindowNo, WindowState};
use crate::error::{QueueError, QueueResult};

fn bad(what: impl std::fmt::Display) -> QueueError {
    QueueError::Internal(anyhow!("unreadable redis event: {what}"))
}

/// An event id as the counter holds it; a missing counter is 0.
pub(super) fn event_id(value: &Value) -> QueueResult<u64> {
    match value {
        Value::Nil => Ok(0),
        other => u64::try_from(int(other)?).map_err(|_| bad("negative event id")),
    }
}

/// The event id of a stream entry id `<event id>-<n>`.
fn entry_id(value: &Value) -> QueueResult<u64> {
    let id = text(value)?;
    let (ms, _) = id.split_once('-').unwrap_or((id.as_str(), ""));
    ms.parse().map_err(|_| bad(format!("entry id {id:?}")))
}

/// The field pairs of an entry: a flat array (RESP2) or a map (RESP3).
pub(super) fn fields(value: Value) -> QueueResult<HashMap<String, String>> {
    let pairs: Vec<(Value, Value)> = match value {
        Value::Map(pairs) => pairs,
        other => {
            let mut flat = array(other)?.into_iter();
            let mut pairs = Vec::new();
            while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
                pairs.push((name, value));
            }
            pairs
        }
    };
    pairs
        .iter()
        .map(|(name, value)| Ok((text(name)?, text(value)?)))
        .collect()
}

struct Entry {
    id: u64,
    fields: HashMap<String, String>,
}

impl Entry {
    fn opt(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn get(&self, name: &str) -> QueueResult<&str> {
        self.opt(name)
            .ok_or_else(|| bad(format!("event {} lacks field {name}", self.id)))
    }

    fn parsed<T>(&self, name: &str, parse: impl FnOnce(&str) -> Option<T>) -> QueueResult<T> {
        let value = self.get(name)?;
        parse(value).ok_or_else(|| bad(format!("event {} field {name} holds {value:?}", self.id)))
    }

    fn service(&self) -> QueueResult<ServiceId> {
        self.parsed("service", |v| ServiceId::parse("service", v).ok())
    }

    fn window(&self) -> QueueResult<WindowNo> {
        self.parsed("window", |v| {
            v.parse()
                .ok()
                .and_then(|n| WindowNo::parse("window", n).ok())
        })
    }

    fn count(&self, name: &str) -> QueueResult<u32> {
        self.parsed(name, |v| v.parse().ok())
    }

    fn kind(&self) -> QueueResult<EventKind> {
        Ok(match self.get("k")? {
            "called" => EventKind::Called {
                ticket: self.parsed("ticket", |v| TicketId::parse(v).ok())?,
                service: self.service()?,
                window: self.window()?,
                recall_count: self.count("recall")?,
            },
            "window" => EventKind::WindowChanged {
                window: self.window()?,
                state: self.parsed("state", WindowState::parse)?,
                pause_reason: self.opt("reason").map(str::to_owned),
                current: match self.opt("ticket") {
                    Some(_) => Some((
                        self.parsed("ticket", |v| TicketId::parse(v).ok())?,
                        self.parsed("tstate", TicketState::parse)?,
                    )),
                    None => None,
                },
            },
            "queue" => EventKind::QueueChanged {
                service: self.service()?,
                waiting: self.count("waiting")?,
            },
            other => return Err(bad(format!("event {} of kind {other:?}", self.id))),
        })
    }
}

/// One stream entry `[id, fields]`.
pub(super) fn entry(value: Value) -> QueueResult<Event> {
    let mut parts = array(value)?.into_iter();
    let (Some(id), Some(raw)) = (parts.next(), parts.next()) else {
        return Err(bad("entry without id and fields"));
    };
    let entry = Entry {
        id: entry_id(&id)?,
        fields: fields(raw)?,
    };
    let at = entry.parsed("at", |v| {
        v.parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
    })?;
    Ok(Event {
        id: entry.id,
        at,
        kind: entry.kind()?,
    })
}

/// The entries of an XRANGE / XREVRANGE reply, in its order.
pub(super) fn entries(value: Value) -> QueueResult<Vec<Event>> {
    array(value)?.into_iter().map(entry).collect()
}

/// The entries of an `XREAD ... STREAMS <one key>` reply; none when it timed out (nil).
pub(super) fn read_reply(value: Value) -> QueueResult<Vec<Event>> {
    let streams: Vec<Value> = match value {
        Value::Nil => return Ok(Vec::new()),
        Value::Map(pairs) => pairs.into_iter().map(|(_, entries)| entries).collect(),
        other => array(other)?
            .into_iter()
            .map(|stream| {
                let mut parts = array(stream)?.into_iter();
                parts.nth(1).ok_or_else(|| bad("stream without entries"))
            })
            .collect::<QueueResult<_>>()?,
    };
    let mut events = Vec::new();
    for stream in streams {
        events.extend(entries(stream)?);
    }
    Ok(events)
}

/// The events read after `after` when they follow it without a gap, at most `max`: `None`
/// when `after` is above the last id (the log was reset) or the next event is no longer
/// retained; `Some(vec![])` when `after` is the last id.
pub(super) fn following(
    after: u64,
    last: u64,
    mut events: Vec<Event>,
    max: usize,
) -> Option<Vec<Event>> {
    if after > last {
        return None;
    }
    if after == last {
        return Some(Vec::new());
    }
    match events.first() {
        Some(first) if Some(first.id) == after.checked_add(1) => {
            events.truncate(max);
            Some(events)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
