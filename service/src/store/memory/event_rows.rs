//! The event log in the SQLite file: one `live_events` row per retained event (written in the
//! transaction of the change that emits it, the oldest beyond the retention deleted there
//! too) and the branch's last id in `live_event_seq`, so ids are never reused after a restart.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::domain::{
    BranchId, Event, EventKind, ServiceId, TicketId, TicketState, WindowNo, WindowState,
};

use super::log::EventLog;
use super::persist::time;

/// One statement writing `events` (stamped, each with its branch); [`settle`] then moves each
/// branch's last id.
pub fn insert(events: &[(&BranchId, &Event)]) -> QueryBuilder<Sqlite> {
    let mut q = QueryBuilder::new(
        "INSERT OR REPLACE INTO live_events (branch, id, at, kind, ticket, service, window_no, \
         recall_count, window_state, pause_reason, ticket_state, waiting) ",
    );
    q.push_values(events, |mut r, (branch, event)| {
        let row = EventRow::of(&event.kind);
        r.push_bind(branch.as_str().to_owned())
            .push_bind(id_value(event.id))
            .push_bind(time(event.at))
            .push_bind(row.kind)
            .push_bind(row.ticket.map(ToString::to_string))
            .push_bind(row.service.map(|s| s.as_str().to_owned()))
            .push_bind(row.window.map(|w| i64::from(w.get())))
            .push_bind(row.recall_count.map(i64::from))
            .push_bind(row.window_state.map(WindowState::as_str))
            .push_bind(row.pause_reason.map(str::to_owned))
            .push_bind(row.ticket_state.map(TicketState::as_str))
            .push_bind(row.waiting.map(i64::from));
    });
    q
}

/// Moves the branch's last event id to `last_id` and deletes the rows beyond `retention`:
/// once per branch per transaction, after its events are written.
pub async fn settle(
    tx: &mut SqliteConnection,
    branch: &BranchId,
    last_id: u64,
    retention: usize,
) -> sqlx::Result<()> {
    sqlx::query("INSERT OR REPLACE INTO live_event_seq (branch, last_id) VALUES (?, ?)")
        .bind(branch.as_str())
        .bind(id_value(last_id))
        .execute(&mut *tx)
        .await?;
    let keep = u64::try_from(retention).unwrap_or(u64::MAX);
    if let Some(below) = last_id.checked_sub(keep).filter(|b| *b > 0) {
        sqlx::query("DELETE FROM live_events WHERE branch = ? AND id <= ?")
            .bind(branch.as_str())
            .bind(id_value(below))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

fn id_value(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// An event's kind as the nullable columns of its row.
#[derive(Default)]
struct EventRow<'a> {
    kind: &'static str,
    ticket: Option<&'a TicketId>,
    service: Option<&'a ServiceId>,
    window: Option<WindowNo>,
    recall_count: Option<u32>,
    window_state: Option<WindowState>,
    pause_reason: Option<&'a str>,
    ticket_state: Option<TicketState>,
    waiting: Option<u32>,
}

impl<'a> EventRow<'a> {
    fn of(kind: &'a EventKind) -> Self {
        match kind {
            EventKind::Called {
                ticket,
                service,
                window,
                recall_count,
            } => Self {
                kind: "called",
                ticket: Some(ticket),
                service: Some(service),
                window: Some(*window),
                recall_count: Some(*recall_count),
                ..Self::default()
            },
            EventKind::WindowChanged {
                window,
                state,
                pause_reason,
                current,
            } => Self {
                kind: "window",
                ticket: current.as_ref().map(|(id, _)| id),
                window: Some(*window),
                window_state: Some(*state),
                pause_reason: pause_reason.as_deref(),
                ticket_state: current.as_ref().map(|(_, s)| *s),
                ..Self::default()
            },
            EventKind::QueueChanged { service, waiting } => Self {
                kind: "queue",
                service: Some(service),
                waiting: Some(*waiting),
                ..Self::default()
            },
        }
    }
}

/// Every branch's event log as the file has it, the ring cut to `retention`.
pub async fn load(
    pool: &SqlitePool,
    retention: usize,
) -> anyhow::Result<HashMap<BranchId, EventLog>> {
    let mut last_ids = HashMap::new();
    let rows = sqlx::query("SELECT branch, last_id FROM live_event_seq")
        .fetch_all(pool)
        .await
        .context("reading live_event_seq")?;
    for row in &rows {
        let branch = BranchId::parse("branch", row.try_get("branch")?)?;
        last_ids.insert(branch, u64::try_from(row.try_get::<i64, _>("last_id")?)?);
    }
    let mut events: HashMap<BranchId, Vec<Event>> = HashMap::new();
    let rows = sqlx::query("SELECT * FROM live_events ORDER BY branch, id")
        .fetch_all(pool)
        .await
        .context("reading live_events")?;
    for row in &rows {
        let (branch, event) = event(row)?;
        events.entry(branch).or_default().push(event);
    }
    for branch in events.keys() {
        last_ids.entry(branch.clone()).or_insert(0);
    }
    Ok(last_ids
        .into_iter()
        .map(|(branch, last_id)| {
            let retained = events.remove(&branch).unwrap_or_default();
            (branch, EventLog::restore(last_id, retained, retention))
        })
        .collect())
}

fn event(row: &SqliteRow) -> anyhow::Result<(BranchId, Event)> {
    let branch = BranchId::parse("branch", row.try_get("branch")?)?;
    let id = u64::try_from(row.try_get::<i64, _>("id")?)?;
    let decode = || -> anyhow::Result<Event> {
        let at: &str = row.try_get("at")?;
        let kind: &str = row.try_get("kind")?;
        let ticket = row
            .try_get::<Option<&str>, _>("ticket")?
            .map(TicketId::parse)
            .transpose()?;
        let service = row
            .try_get::<Option<&str>, _>("service")?
            .map(|s| ServiceId::parse("service", s))
            .transpose()?;
        let window = row
            .try_get::<Option<i64>, _>("window_no")?
            .map(|w| WindowNo::parse("window", u32::try_from(w)?).map_err(anyhow::Error::from))
            .transpose()?;
        let kind = match kind {
            "called" => EventKind::Called {
                ticket: ticket.context("a call without its ticket")?,
                service: service.context("a call without its service")?,
                window: window.context("a call without its window")?,
                recall_count: u32::try_from(row.try_get::<i64, _>("recall_count")?)?,
            },
            "window" => {
                let state: &str = row.try_get("window_state")?;
                let ticket_state = row
                    .try_get::<Option<&str>, _>("ticket_state")?
                    .map(|s| TicketState::parse(s).with_context(|| format!("bad state '{s}'")))
                    .transpose()?;
                EventKind::WindowChanged {
                    window: window.context("a window event without its window")?,
                    state: WindowState::parse(state)
                        .with_context(|| format!("bad window state '{state}'"))?,
                    pause_reason: row.try_get("pause_reason")?,
                    current: ticket.zip(ticket_state),
                }
            }
            "queue" => EventKind::QueueChanged {
                service: service.context("a queue event without its service")?,
                waiting: u32::try_from(row.try_get::<i64, _>("waiting")?)?,
            },
            other => anyhow::bail!("unknown event kind '{other}'"),
        };
        Ok(Event {
            id,
            at: chrono::DateTime::parse_from_rfc3339(at)
                .with_context(|| format!("bad time '{at}'"))?
                .with_timezone(&chrono::Utc),
            kind,
        })
    };
    let event = decode().with_context(|| format!("reading event {id} of branch {branch}"))?;
    Ok((branch, event))
}
