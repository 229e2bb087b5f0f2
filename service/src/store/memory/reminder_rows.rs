//! The reminder buffer in the SQLite file (`live_reminders`): which intents a step finds
//! (`find`, from the state before the step and its change), written in the step's
//! transaction (`insert`; a turn-near intent only when its ticket's `live_reminded` flag was
//! not there yet; a called intent numbered by its ticket's `live_called` count), read oldest
//! first and deleted once acknowledged.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, Sqlite, Transaction};

use crate::domain::{BranchId, EventKind, Phone, ServiceId, TicketId, TicketState};
use crate::error::QueueResult;
use crate::hall::Branch;
use crate::store::{BufferedReminder, ReminderIntent, ReminderKind};

use super::buffer_rows;
use super::change::{Change, Plan};
use super::load::{service, window_no};
use super::state::{BranchState, WaitKey};

/// The intents of a step that moved the queue: a called intent per `Called` event (a call,
/// or a recall when the caller passes the recall's plan here), then the ticket at index
/// `turn_near` of each service of `day` whose waiting changed, as the queue is after
/// `change`. Called intents are numbered when they are written (`insert`).
pub fn find(
    state: &BranchState,
    branch: &Branch,
    day: NaiveDate,
    change: &Change,
) -> Vec<ReminderIntent> {
    let mut found = Vec::new();
    for event in &change.events {
        match event {
            EventKind::Called {
                ticket,
                service,
                window,
                ..
            } => {
                if let Some(phone) = phone_of(state, change, ticket) {
                    found.push(ReminderIntent {
                        kind: ReminderKind::Called,
                        ticket: ticket.clone(),
                        service: service.clone(),
                        phone,
                        ahead: 0,
                        window: Some(*window),
                        call: None,
                    });
                }
            }
            EventKind::QueueChanged { service, .. } => {
                let Some(near) = branch.services.iter().find(|s| &s.id == service) else {
                    continue;
                };
                let index = near.turn_near as usize;
                if let Some(ticket) = at_index(state, day, service, change, index)
                    && let Some(phone) = phone_of(state, change, &ticket)
                {
                    found.push(ReminderIntent {
                        kind: ReminderKind::TurnNear,
                        ticket,
                        service: service.clone(),
                        phone,
                        ahead: near.turn_near,
                        window: None,
                        call: None,
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// `plan` with the reminder intents it finds (for the steps that move the queue).
pub fn with_reminders<T>(
    state: &BranchState,
    branch: &Branch,
    day: NaiveDate,
    plan: QueueResult<Plan<T>>,
) -> QueueResult<Plan<T>> {
    plan.map(|mut plan| {
        plan.change.reminders = find(state, branch, day, &plan.change);
        plan
    })
}

/// The ticket at `index` of the waiting queue of (`day`, `service`) once `change` is applied.
fn at_index(
    state: &BranchState,
    day: NaiveDate,
    service: &ServiceId,
    change: &Change,
    index: usize,
) -> Option<TicketId> {
    let changed = |id: &TicketId| change.tickets.iter().any(|t| &t.ticket.id == id);
    let mut queue: Vec<(WaitKey, TicketId)> = state
        .queue(day, service)
        .into_iter()
        .flat_map(|q| q.iter())
        .filter(|(_, id)| !changed(id))
        .take(index + 1)
        .map(|(k, id)| (k.clone(), id.clone()))
        .collect();
    queue.extend(
        change
            .tickets
            .iter()
            .filter(|t| {
                t.ticket.state == TicketState::Waiting
                    && t.ticket.id.day == day
                    && &t.ticket.service == service
            })
            .map(|t| (t.wait_key(), t.ticket.id.clone())),
    );
    queue.sort_by(|a, b| a.0.cmp(&b.0));
    queue.into_iter().nth(index).map(|(_, id)| id)
}

fn phone_of(state: &BranchState, change: &Change, id: &TicketId) -> Option<Phone> {
    change
        .tickets
        .iter()
        .find(|t| &t.ticket.id == id)
        .map(|t| &t.ticket)
        .or_else(|| state.tickets.get(id).map(|t| &t.ticket))
        .and_then(|t| t.phone.clone())
}

/// Appends one intent inside the step's transaction: a turn-near intent only once per
/// ticket; a called intent with the next number of its ticket's calls (`live_called`, counted
/// in the same transaction, so a step that does not commit uses no number).
pub async fn insert(
    tx: &mut Transaction<'_, Sqlite>,
    branch: &BranchId,
    r: &ReminderIntent,
) -> sqlx::Result<()> {
    let mut call = None;
    match r.kind {
        ReminderKind::TurnNear => {
            let first = sqlx::query("INSERT OR IGNORE INTO live_reminded (ticket_id) VALUES (?)")
                .bind(r.ticket.to_string())
                .execute(&mut **tx)
                .await?
                .rows_affected();
            if first == 0 {
                return Ok(());
            }
        }
        ReminderKind::Called => {
            let n: i64 = sqlx::query_scalar(
                "INSERT INTO live_called (ticket_id, calls) VALUES (?, 1) \
                 ON CONFLICT (ticket_id) DO UPDATE SET calls = calls + 1 RETURNING calls",
            )
            .bind(r.ticket.to_string())
            .fetch_one(&mut **tx)
            .await?;
            call = Some(n);
        }
    }
    sqlx::query(
        "INSERT INTO live_reminders \
         (branch, kind, ticket_id, service, phone, ahead, window_no, call_no) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(branch.as_str())
    .bind(r.kind.as_str())
    .bind(r.ticket.to_string())
    .bind(r.service.as_str())
    .bind(r.phone.digits())
    .bind(i64::from(r.ahead))
    .bind(r.window.map(|w| i64::from(w.get())))
    .bind(call)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The branch's oldest `limit` intents.
pub async fn pending(
    pool: &SqlitePool,
    branch: &BranchId,
    limit: usize,
) -> anyhow::Result<Vec<BufferedReminder>> {
    buffer_rows::pending(pool, &buffer_rows::LIVE_REMINDERS, branch, limit, buffered).await
}

fn buffered(row: &SqliteRow) -> anyhow::Result<BufferedReminder> {
    let seq: i64 = row.try_get("seq")?;
    let decode = || -> anyhow::Result<ReminderIntent> {
        let kind: &str = row.try_get("kind")?;
        let ahead: i64 = row.try_get("ahead")?;
        Ok(ReminderIntent {
            kind: ReminderKind::parse(kind).with_context(|| format!("bad kind '{kind}'"))?,
            ticket: TicketId::parse(row.try_get("ticket_id")?)?,
            service: service(row, "service")?,
            phone: Phone::parse("phone", row.try_get("phone")?)?,
            ahead: u32::try_from(ahead).context("bad ahead")?,
            window: row
                .try_get::<Option<i64>, _>("window_no")?
                .map(window_no)
                .transpose()?,
            call: row
                .try_get::<Option<i64>, _>("call_no")?
                .map(|n| u32::try_from(n).context("bad call_no"))
                .transpose()?,
        })
    };
    let intent = decode().with_context(|| format!("reading reminder {seq}"))?;
    Ok(BufferedReminder {
        id: seq.to_string(),
        intent,
    })
}
