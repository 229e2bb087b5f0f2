//! Script replies into domain values, in one place. A reply that does not read is a bug of
//! ours and INTERNAL; its message never holds a phone number.

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

/// The numbers of the OPEN windows, sorted (a branch has tens of windows: a search in a short
/// sorted list costs less than hashing them).
pub(super) struct OpenWindows(Vec<u32>);

impl OpenWindows {
    fn contains(&self, number: u32) -> bool {
        self.0.binary_search(&number).is_ok()
    }
}

/// The OPEN windows: the string `<n> <n> ...` of `P:openl`, or the members of the set
/// `P:open` (data that no set_window has rewritten since `P:openl` came).
pub(super) fn open_windows(value: Value) -> QueueResult<OpenWindows> {
    let mut numbers = match value {
        Value::BulkString(bytes) => std::str::from_utf8(&bytes)
            .map_err(|_| bad("open windows are not utf-8"))?
            .split_ascii_whitespace()
            .map(|n| n.parse().map_err(|_| bad("open window is not a number")))
            .collect::<QueueResult<Vec<u32>>>()?,
        other => array(other)?
            .iter()
            .map(count)
            .collect::<QueueResult<Vec<u32>>>()?,
    };
    numbers.sort_unstable();
    Ok(OpenWindows(numbers))
}

/// How many OPEN windows serve `service`.
pub(super) fn open_serving(branch: &Branch, service: &ServiceId, open: &OpenWindows) -> u32 {
    let n = branch
        .windows_serving(service)
        .filter(|w| open.contains(w.number.get()))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The fields of a ticket hash that make a `Ticket`, read in one pass over its names and
/// values without copying; an empty value counts as missing.
#[derive(Default)]
struct Fields<'a> {
    id: Option<&'a str>,
    service: Option<&'a str>,
    original_service: Option<&'a str>,
    state: Option<&'a str>,
    priority: Option<&'a str>,
    channel: Option<&'a str>,
    phone: Option<&'a str>,
    window: Option<&'a str>,
    recall_count: Option<&'a str>,
    requeue_count: Option<&'a str>,
    issued_at: Option<&'a str>,
    called_at: Option<&'a str>,
    started_at: Option<&'a str>,
    ended_at: Option<&'a str>,
}

impl<'a> Fields<'a> {
    /// From the packed form every script answers (`packed` of `lua/lib.lua`): the hash's
    /// names and values joined by NUL into one string.
    fn unpack(packed: &'a [u8]) -> QueueResult<Self> {
        let mut f = Self::default();
        let mut parts = packed.split(|&b| b == 0);
        while let Some(name) = parts.next() {
            let value = parts
                .next()
                .ok_or_else(|| bad("packed ticket has a name without a value"))?;
            let slot = match name {
                b"id" => &mut f.id,
                b"service" => &mut f.service,
                b"original_service" => &mut f.original_service,
                b"state" => &mut f.state,
                b"priority" => &mut f.priority,
                b"channel" => &mut f.channel,
                b"phone" => &mut f.phone,
                b"window" => &mut f.window,
                b"recall_count" => &mut f.recall_count,
                b"requeue_count" => &mut f.requeue_count,
                b"issued_at" => &mut f.issued_at,
                b"called_at" => &mut f.called_at,
                b"started_at" => &mut f.started_at,
                b"ended_at" => &mut f.ended_at,
                _ => continue,
            };
            let value = std::str::from_utf8(value).map_err(|_| bad("not utf-8"))?;
            *slot = Some(value).filter(|v| !v.is_empty());
        }
        Ok(f)
    }
}

fn get<'v>(name: &str, value: Option<&'v str>) -> QueueResult<&'v str> {
    value.ok_or_else(|| bad(format!("ticket hash lacks field {name}")))
}

fn parsed<T>(
    name: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Option<T>,
) -> QueueResult<T> {
    let value = get(name, value)?;
    parse(value).ok_or_else(|| bad(format!("ticket field {name} holds {value:?}")))
}

fn instant(name: &str, value: Option<&str>) -> QueueResult<Option<DateTime<Utc>>> {
    value
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
                .ok_or_else(|| bad(format!("ticket field {name} holds {v:?}")))
        })
        .transpose()
}

fn number(name: &str, value: Option<&str>) -> QueueResult<u32> {
    value.map_or(Ok(0), |v| {
        v.parse()
            .map_err(|_| bad(format!("ticket field {name} holds {v:?}")))
    })
}

/// A ticket from its hash's fields, packed (see `Fields::unpack`).
pub(super) fn ticket(value: Value) -> QueueResult<Ticket> {
    let Value::BulkString(packed) = value else {
        return Err(bad(format!("expected a packed ticket, got {value:?}")));
    };
    let f = Fields::unpack(&packed)?;
    let service = |name: &str| ServiceId::parse("service", name).ok();
    Ok(Ticket {
        id: parsed("id", f.id, |v| TicketId::parse(v).ok())?,
        service: parsed("service", f.service, service)?,
        original_service: f.original_service.and_then(service),
        state: parsed("state", f.state, TicketState::parse)?,
        priority: parsed("priority", f.priority, PriorityClass::parse)?,
        channel: parsed("channel", f.channel, Channel::parse)?,
        phone: match f.phone {
            // The value stays out of the message: phone numbers are never logged.
            Some(v) => Some(Phone::parse("phone", v).map_err(|_| bad("ticket field phone"))?),
            None => None,
        },
        window: match f.window {
            Some(_) => Some(parsed("window", f.window, |v| {
                v.parse()
                    .ok()
                    .and_then(|n| WindowNo::parse("window", n).ok())
            })?),
            None => None,
        },
        recall_count: number("recall_count", f.recall_count)?,
        requeue_count: number("requeue_count", f.requeue_count)?,
        issued_at: instant("issued_at", f.issued_at)?
            .ok_or_else(|| bad("ticket hash lacks field issued_at"))?,
        called_at: instant("called_at", f.called_at)?,
        started_at: instant("started_at", f.started_at)?,
        ended_at: instant("ended_at", f.ended_at)?,
    })
}

/// A ticket view as `view` of `lua/lib.lua` returns it.
pub(super) fn view(branch: &Branch, value: Value) -> QueueResult<TicketView> {
    let mut items = array(value)?.into_iter();
    let ticket = ticket(next(&mut items)?)?;
    view_of(branch, ticket, &mut items)
}

/// The view of `ticket` from the rest of a view reply: people ahead, average ms or '', open
/// windows.
pub(super) fn view_of(
    branch: &Branch,
    ticket: Ticket,
    items: &mut impl Iterator<Item = Value>,
) -> QueueResult<TicketView> {
    let people_ahead = count(&next(items)?)?;
    let avg_service_ms = optional_ms(&next(items)?)?;
    let open = open_windows(next(items)?)?;
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
        Value::BulkString(fields) if fields.is_empty() => None,
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
    open: &OpenWindows,
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
