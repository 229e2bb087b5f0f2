//! Reading the SQLite file back into memory at start-up; the waiting queues are rebuilt from
//! the tickets that wait.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::domain::{
    BranchId, Channel, Phone, PriorityClass, ServiceId, Ticket, TicketId, TicketState, WindowNo,
    WindowState,
};

use super::event_rows;
use super::state::{BranchState, LiveTicket, LiveWindow};
use crate::store::Leg;

pub type Branches = HashMap<BranchId, BranchState>;

/// Every row of the file, as the in-memory state of each branch, with the latest
/// `event_retention` events of each.
pub async fn load(pool: &SqlitePool, event_retention: usize) -> anyhow::Result<Branches> {
    let mut branches = Branches::new();
    let rows = sqlx::query("SELECT * FROM live_tickets")
        .fetch_all(pool)
        .await
        .context("reading live_tickets")?;
    for row in &rows {
        let live = ticket(row)?;
        branches
            .entry(live.ticket.id.branch.clone())
            .or_default()
            .put_ticket(live);
    }
    let rows = sqlx::query("SELECT * FROM live_windows")
        .fetch_all(pool)
        .await
        .context("reading live_windows")?;
    for row in &rows {
        let (branch, window) = window(row)?;
        let state = branches.entry(branch).or_default();
        state.windows.insert(window.number, window);
    }
    let rows = sqlx::query("SELECT * FROM live_counters")
        .fetch_all(pool)
        .await
        .context("reading live_counters")?;
    for row in &rows {
        let branch = BranchId::parse("branch", row.try_get("branch")?)?;
        let key = (day(row.try_get("day")?)?, service(row, "service")?);
        let issued = u32::try_from(row.try_get::<i64, _>("issued")?)?;
        branches
            .entry(branch)
            .or_default()
            .counters
            .insert(key, issued);
    }
    let rows = sqlx::query("SELECT * FROM live_idempotency_keys")
        .fetch_all(pool)
        .await
        .context("reading live_idempotency_keys")?;
    for row in &rows {
        let branch = BranchId::parse("branch", row.try_get("branch")?)?;
        let key = (day(row.try_get("day")?)?, row.try_get::<String, _>("key")?);
        let ticket = TicketId::parse(row.try_get("ticket_id")?)?;
        branches
            .entry(branch)
            .or_default()
            .idempotency
            .insert(key, ticket);
    }
    let rows = sqlx::query("SELECT * FROM live_service_averages")
        .fetch_all(pool)
        .await
        .context("reading live_service_averages")?;
    for row in &rows {
        let branch = BranchId::parse("branch", row.try_get("branch")?)?;
        let avg = u64::try_from(row.try_get::<i64, _>("avg_ms")?)?;
        branches
            .entry(branch)
            .or_default()
            .averages
            .insert(service(row, "service")?, avg);
    }
    for (branch, log) in event_rows::load(pool, event_retention).await? {
        branches.entry(branch).or_default().events = log;
    }
    Ok(branches)
}

pub(super) fn day(text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").with_context(|| format!("bad day '{text}'"))
}

pub(super) fn time(text: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("bad time '{text}'"))?
        .with_timezone(&Utc))
}

pub(super) fn opt_time(row: &SqliteRow, column: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    row.try_get::<Option<&str>, _>(column)?
        .map(time)
        .transpose()
}

pub(super) fn service(row: &SqliteRow, column: &str) -> anyhow::Result<ServiceId> {
    Ok(ServiceId::parse("service", row.try_get(column)?)?)
}

pub(super) fn count(row: &SqliteRow, column: &str) -> anyhow::Result<u32> {
    Ok(u32::try_from(row.try_get::<i64, _>(column)?)?)
}

pub(super) fn window_no(value: i64) -> anyhow::Result<WindowNo> {
    Ok(WindowNo::parse("window", u32::try_from(value)?)?)
}

fn ticket(row: &SqliteRow) -> anyhow::Result<LiveTicket> {
    let id_text: &str = row.try_get("id")?;
    let decode = || -> anyhow::Result<LiveTicket> {
        let state: &str = row.try_get("state")?;
        let priority: &str = row.try_get("priority")?;
        let channel: &str = row.try_get("channel")?;
        let original = row.try_get::<Option<&str>, _>("original_service")?;
        let phone = row.try_get::<Option<&str>, _>("phone")?;
        let ticket = Ticket {
            id: TicketId::parse(id_text)?,
            service: service(row, "service")?,
            original_service: original
                .map(|s| ServiceId::parse("original_service", s))
                .transpose()?,
            state: TicketState::parse(state).with_context(|| format!("bad state '{state}'"))?,
            priority: PriorityClass::parse(priority)
                .with_context(|| format!("bad priority '{priority}'"))?,
            channel: Channel::parse(channel).with_context(|| format!("bad channel '{channel}'"))?,
            phone: phone.map(|p| Phone::parse("phone", p)).transpose()?,
            window: row
                .try_get::<Option<i64>, _>("window_no")?
                .map(window_no)
                .transpose()?,
            recall_count: count(row, "recall_count")?,
            requeue_count: count(row, "requeue_count")?,
            issued_at: time(row.try_get("issued_at")?)?,
            called_at: opt_time(row, "called_at")?,
            started_at: opt_time(row, "started_at")?,
            ended_at: opt_time(row, "ended_at")?,
        };
        let leg = Leg {
            number: count(row, "leg")?,
            entered_at: opt_time(row, "leg_at")?.unwrap_or(ticket.issued_at),
            first_called_at: opt_time(row, "first_called_at")?,
            called_by: row
                .try_get::<Option<i64>, _>("called_by")?
                .map(window_no)
                .transpose()?,
        };
        Ok(LiveTicket {
            ticket,
            key: row.try_get("queue_key")?,
            time_key: row.try_get("time_key")?,
            leg,
        })
    };
    decode().with_context(|| format!("reading ticket {id_text}"))
}

fn window(row: &SqliteRow) -> anyhow::Result<(BranchId, LiveWindow)> {
    let branch = BranchId::parse("branch", row.try_get("branch")?)?;
    let state: &str = row.try_get("state")?;
    let window = LiveWindow {
        number: window_no(row.try_get("number")?)?,
        state: WindowState::parse(state).with_context(|| format!("bad window state '{state}'"))?,
        pause_reason: row.try_get("pause_reason")?,
        current: row
            .try_get::<Option<&str>, _>("current_ticket")?
            .map(TicketId::parse)
            .transpose()?,
        ratio_pos: count(row, "ratio_pos")?,
    };
    Ok((branch, window))
}
