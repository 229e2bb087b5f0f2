//! Script replies into domain values, in one place. A reply that does not read is a bug of
//! ours and INTERNAL; its message never holds a phone number.

use std::collections::{HashMap, HashSet};

use anyhow::anyhow;
use chrono::{DateTime, Utc};
use redis::Value;

use crate::domain::{
    Channel, Phone, PriorityClass, ServiceId, Ticket, TicketId, TicketState, TicketView, WindowNo,
    WindowState, WindowStatus,
};
use crate::error::{QueueError, QueueResult};
use crate::hall::Branch;
use crate::store::ServiceStatus;

fn bad(what: impl std::fmt::Display) -> QueueError {
    QueueError::Internal(anyhow!("unreadable redis reply: {what}"))
}

pub(super) fn text(value: &Value) -> QueueResult<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).map_err(|_| bad("not utf-8")),
        Value::SimpleString(s) => Ok(s.clone()),
        Value::Int(n) => Ok(n.to_string()),
        Value::Nil => Ok(String::new()),
        other => Err(bad(format!("expected text, got {other:?}"))),
    }
}

pub(super) fn int(value: &Value) -> QueueResult<i64> {
    match value {
        Value::Int(n) => Ok(*n),
        other => text(other)?
            .parse()
            .map_err(|_| bad(format!("expected a number, got {other:?}"))),
    }
}

pub(super) fn array(value: Value) -> QueueResult<Vec<Value>> {
    match value {
        Value::Array(items) | Value::Set(items) => Ok(items),
        Value::Nil => Ok(Vec::new()),
        other => Err(bad(format!("expected an array, got {other:?}"))),
    }
}

/// Takes the next item of a reply.
pub(super) fn next(items: &mut impl Iterator<Item = Value>) -> QueueResult<Value> {
    items.next().ok_or_else(|| bad("reply too short"))
}

fn count(value: &Value) -> QueueResult<u32> {
    u32::try_from(int(value)?).map_err(|_| bad("count out of range"))
}

fn optional_ms(value: &Value) -> QueueResult<Option<u64>> {
    let text = text(value)?;
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| bad("average is not a number"))
}

/// The numbers of the OPEN windows.
pub(super) fn open_windows(value: Value) -> QueueResult<HashSet<u32>> {
    array(value)?.iter().map(count).collect()
}

/// How many OPEN windows serve `service`.
pub(super) fn open_serving(branch: &Branch, service: &ServiceId, open: &HashSet<u32>) -> u32 {
    let n = branch
        .windows_serving(service)
        .filter(|w| open.contains(&w.number.get()))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The fields of a ticket hash (flat HGETALL reply).
struct Fields(HashMap<String, String>);

impl Fields {
    fn read(value: Value) -> QueueResult<Self> {
        let flat = array(value)?;
        let mut map = HashMap::with_capacity(flat.len() / 2);
        for pair in flat.chunks(2) {
            if let [name, value] = pair {
                map.insert(text(name)?, text(value)?);
            }
        }
        Ok(Self(map))
    }

    fn opt(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn get(&self, name: &str) -> QueueResult<&str> {
        self.opt(name)
            .ok_or_else(|| bad(format!("ticket hash lacks field {name}")))
    }

    fn parsed<T>(&self, name: &str, parse: impl FnOnce(&str) -> Option<T>) -> QueueResult<T> {
        let value = self.get(name)?;
        parse(value).ok_or_else(|| bad(format!("ticket field {name} holds {value:?}")))
    }

    fn instant(&self, name: &str) -> QueueResult<Option<DateTime<Utc>>> {
        self.opt(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .and_then(DateTime::from_timestamp_millis)
                    .ok_or_else(|| bad(format!("ticket field {name} holds {v:?}")))
            })
            .transpose()
    }

    fn number(&self, name: &str) -> QueueResult<u32> {
        self.opt(name).map_or(Ok(0), |v| {
            v.parse()
                .map_err(|_| bad(format!("ticket field {name} holds {v:?}")))
        })
    }
}

/// A ticket from its hash.
pub(super) fn ticket(value: Value) -> QueueResult<Ticket> {
    let f = Fields::read(value)?;
    let service = |name: &str| ServiceId::parse("service", name).ok();
    Ok(Ticket {
        id: f.parsed("id", |v| TicketId::parse(v).ok())?,
        service: f.parsed("service", service)?,
        original_service: f.opt("original_service").and_then(service),
        state: f.parsed("state", TicketState::parse)?,
        priority: f.parsed("priority", PriorityClass::parse)?,
        channel: f.parsed("channel", Channel::parse)?,
        phone: match f.opt("phone") {
            // The value stays out of the message: phone numbers are never logged.
            Some(v) => Some(Phone::parse("phone", v).map_err(|_| bad("ticket field phone"))?),
            None => None,
        },
        window: match f.opt("window") {
            Some(_) => Some(f.parsed("window", |v| {
                v.parse()
                    .ok()
                    .and_then(|n| WindowNo::parse("window", n).ok())
            })?),
            None => None,
        },
        recall_count: f.number("recall_count")?,
        requeue_count: f.number("requeue_count")?,
        issued_at: f
            .instant("issued_at")?
            .ok_or_else(|| bad("ticket hash lacks field issued_at"))?,
        called_at: f.instant("called_at")?,
        started_at: f.instant("started_at")?,
        ended_at: f.instant("ended_at")?,
    })
}

/// A ticket view as `view` of `lua/lib.lua` returns it.
pub(super) fn view(branch: &Branch, value: Value) -> QueueResult<TicketView> {
    let mut items = array(value)?.into_iter();
    let ticket = ticket(next(&mut items)?)?;
    let people_ahead = count(&next(&mut items)?)?;
    let avg_service_ms = optional_ms(&next(&mut items)?)?;
    let open = open_windows(next(&mut items)?)?;
    Ok(TicketView {
        open_windows: open_serving(branch, &ticket.service, &open),
        ticket,
        people_ahead,
        avg_service_ms,
    })
}

/// A window as `window_view` of `lua/lib.lua` returns it.
pub(super) fn window(number: WindowNo, value: Value) -> QueueResult<WindowStatus> {
    let mut items = array(value)?.into_iter();
    let state = text(&next(&mut items)?)?;
    let state = WindowState::parse(&state).ok_or_else(|| bad(format!("window state {state}")))?;
    let reason = text(&next(&mut items)?)?;
    let current = next(&mut items)?;
    let current = match &current {
        Value::Array(fields) if fields.is_empty() => None,
        _ => Some(ticket(current)?),
    };
    Ok(WindowStatus {
        number,
        state,
        pause_reason: Some(reason).filter(|r| state == WindowState::Paused && !r.is_empty()),
        current,
    })
}

/// One service's status as `services.lua` returns it.
pub(super) fn service(
    branch: &Branch,
    id: &ServiceId,
    open: &HashSet<u32>,
    value: Value,
) -> QueueResult<ServiceStatus> {
    let mut items = array(value)?.into_iter();
    Ok(ServiceStatus {
        service: id.clone(),
        waiting: count(&next(&mut items)?)?,
        issued_today: count(&next(&mut items)?)?,
        avg_service_ms: optional_ms(&next(&mut items)?)?,
        open_windows: open_serving(branch, id, open),
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
