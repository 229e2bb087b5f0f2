//! The shape every script answers with — `{'ok', ...}`, `{'err', kind, args...}` or
//! `{'retry', service}` — and the errors built from it with the same `QueueError`
//! constructors the other store uses.

use anyhow::anyhow;
use chrono::NaiveDate;
use redis::Value;

use super::decode::{array, text};
use crate::domain::{ServiceId, TicketNumber, TicketState, WindowNo, WindowState};
use crate::error::{QueueError, QueueResult};
use crate::hall::Service;

pub(super) enum Outcome {
    /// The step was applied (or the read done); the rest of the reply.
    Ok(std::vec::IntoIter<Value>),
    /// The script needs the facts of this service; it changed nothing.
    Retry(ServiceId),
}

/// What a script was asked to do, for the words of its errors.
pub(super) struct Step<'a> {
    /// `ticket {number} is {state}; only a {allowed} ticket can be {action}`.
    pub action: &'static str,
    pub allowed: &'static [TicketState],
    pub window: Option<WindowNo>,
    pub today: Option<NaiveDate>,
    /// The service whose daily limit a take_ticket meets.
    pub service: Option<&'a Service>,
}

impl Step<'_> {
    pub(super) fn new(action: &'static str, allowed: &'static [TicketState]) -> Self {
        Self {
            action,
            allowed,
            window: None,
            today: None,
            service: None,
        }
    }
}

/// A script's reply; a step that was not allowed (and changed nothing) is its error.
pub(super) fn outcome(value: Value, step: &Step<'_>) -> QueueResult<Outcome> {
    let mut items = array(value)?.into_iter();
    let tag = items.next();
    if matches!(&tag, Some(Value::BulkString(ok)) if ok == b"ok") {
        return Ok(Outcome::Ok(items));
    }
    let tag = tag.map(|v| text(&v)).transpose()?;
    match tag.as_deref() {
        Some("ok") => Ok(Outcome::Ok(items)),
        Some("retry") => {
            let service = items.next().map(|v| text(&v)).transpose()?;
            let service = service.unwrap_or_default();
            ServiceId::parse("service", &service)
                .map(Outcome::Retry)
                .map_err(|_| QueueError::Internal(anyhow!("script asked for service {service:?}")))
        }
        Some("err") => {
            let args = items.map(|v| text(&v)).collect::<QueueResult<Vec<_>>>()?;
            Err(failure(&args, step)?)
        }
        other => Err(QueueError::Internal(anyhow!(
            "redis script answered {other:?}"
        ))),
    }
}

fn failure(args: &[String], step: &Step<'_>) -> QueueResult<QueueError> {
    let internal = || QueueError::Internal(anyhow!("redis script failed with {args:?}"));
    let arg = |i: usize| args.get(i).map(String::as_str).ok_or_else(internal);
    let number = |i: usize| TicketNumber::parse("number", arg(i)?).map_err(|_| internal());
    let state = |i: usize| TicketState::parse(arg(i)?).ok_or_else(internal);
    let limit = |i: usize| arg(i)?.parse::<u32>().map_err(|_| internal());
    let window = || step.window.ok_or_else(internal);
    let service = |i: usize| ServiceId::parse("service", arg(i)?).map_err(|_| internal());
    Ok(match arg(0)? {
        "not_found" => QueueError::not_found("ticket", arg(1)?),
        "ticket_state" => {
            QueueError::ticket_state(&number(1)?, state(2)?, step.action, step.allowed)
        }
        "window_not_open" => {
            let state = WindowState::parse(arg(1)?).ok_or_else(internal)?;
            QueueError::window_not_open(window()?, state)
        }
        "pause_closed" => QueueError::FailedPrecondition(format!(
            "window {} is CLOSED; open it before pausing",
            window()?
        )),
        "window_busy" => QueueError::window_busy(window()?, &number(1)?, state(2)?),
        "window_empty" => QueueError::window_empty(window()?),
        "window_not_serving" => QueueError::window_not_serving(window()?, &service(1)?),
        "recall_limit" => QueueError::recall_limit(&number(1)?, limit(2)?),
        "requeue_limit" => QueueError::requeue_limit(&number(1)?, limit(2)?),
        "other_day" => {
            let day = NaiveDate::parse_from_str(arg(2)?, "%Y%m%d").map_err(|_| internal())?;
            QueueError::other_day(&number(1)?, day, step.today.ok_or_else(internal)?)
        }
        "same_service" => QueueError::transfer_to_same_service(&number(1)?, &service(2)?),
        "daily_limit" => {
            let s = step.service.ok_or_else(internal)?;
            QueueError::daily_limit(&s.id, &s.name, s.daily_limit)
        }
        _ => return Err(internal()),
    })
}
