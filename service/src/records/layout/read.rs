//! Reading the stored layout: [`read_rows!`] selects every layout table inside a transaction
//! (the same SQL on both engines), [`build`] turns the rows into a [`Hall`], checking them
//! with the same domain rules as the hall file (`SlotTemplate`, `CalendarYear`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};

use super::codec::{
    parse_date, parse_level, parse_order, parse_rule, parse_weekday, time_of, to_u32, weekdays_of,
};
use crate::booking::{CalendarYear, SlotTemplate, TemplateSpec};
use crate::domain::{BranchId, ServiceId, WindowNo};
use crate::hall::{BookingPolicy, Branch, Hall, Service, ServiceAppointments, Window};

pub(super) type BranchRow = (String, String, String, Option<String>, String, bool);
pub(super) type ServiceRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);
pub(super) type WindowRow = (String, i64, String, String);
pub(super) type WindowServiceRow = (String, i64, String);
pub(super) type AppointmentsRow = (
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);
pub(super) type RangeRow = (String, String, i64, i64);
pub(super) type YearRow = (String, i64);
pub(super) type DayRow = (String, i64, String, String, Option<String>);

/// Every layout row, as selected.
#[derive(Default)]
pub(super) struct Rows {
    pub branches: Vec<BranchRow>,
    pub services: Vec<ServiceRow>,
    pub windows: Vec<WindowRow>,
    pub window_services: Vec<WindowServiceRow>,
    pub appointments: Vec<AppointmentsRow>,
    pub ranges: Vec<RangeRow>,
    pub years: Vec<YearRow>,
    pub days: Vec<DayRow>,
}

/// Selects every layout table through `$tx` (a transaction of either engine); evaluates to
/// `Result<Rows, sqlx::Error>`.
macro_rules! read_rows {
    ($tx:expr) => {{
        let tx = $tx;
        async move {
            let mut rows = $crate::records::layout::read::Rows::default();
            rows.branches = sqlx::query_as(
                "SELECT id, name, level, parent, time_zone, english_announcements \
                 FROM branches ORDER BY id",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.services = sqlx::query_as(
                "SELECT branch_id, id, name, prefix, daily_limit, avg_service_seconds, \
                 turn_near, recall_limit, requeue_offset, requeue_limit, priority_order \
                 FROM services ORDER BY branch_id, position",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.windows = sqlx::query_as(
                "SELECT branch_id, number, name, call_rule FROM windows \
                 ORDER BY branch_id, position",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.window_services = sqlx::query_as(
                "SELECT branch_id, window_number, service_id FROM window_services \
                 ORDER BY branch_id, window_number, position",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.appointments = sqlx::query_as(
                "SELECT branch_id, service_id, weekdays, slot_minutes, capacity, \
                 open_ahead_days, same_day_cutoff_minutes, max_active_per_person, max_per_day, \
                 max_per_week, no_show_limit, no_show_window_days, suspension_days, \
                 cancel_before_minutes, check_in_before_minutes, check_in_after_minutes \
                 FROM service_appointments ORDER BY branch_id, service_id",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.ranges = sqlx::query_as(
                "SELECT branch_id, service_id, start_minute, end_minute \
                 FROM service_time_ranges ORDER BY branch_id, service_id, position",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.years = sqlx::query_as(
                "SELECT branch_id, year FROM calendar_years ORDER BY branch_id, year",
            )
            .fetch_all(&mut **tx)
            .await?;
            rows.days = sqlx::query_as(
                "SELECT branch_id, year, day, kind, follows FROM calendar_days \
                 ORDER BY branch_id, day",
            )
            .fetch_all(&mut **tx)
            .await?;
            Ok::<_, sqlx::Error>(rows)
        }
    }};
}

/// The hall the rows describe.
pub(super) fn build(rows: Rows) -> anyhow::Result<Hall> {
    let mut built: BTreeMap<BranchId, Branch> = BTreeMap::new();
    for (id, name, level, parent, zone, english) in rows.branches {
        let id = BranchId::parse("branches.id", &id)?;
        let branch = Branch {
            id: id.clone(),
            name,
            level: parse_level(&level)?,
            parent: parent
                .map(|p| BranchId::parse("branches.parent", &p))
                .transpose()?,
            time_zone: zone
                .parse()
                .map_err(|_| anyhow!("branch {id}: unknown time zone '{zone}'"))?,
            english_announcements: english,
            services: Vec::new(),
            calendar: Default::default(),
            windows: Vec::new(),
        };
        built.insert(id, branch);
    }
    for row in rows.services {
        let (branch_id, id, name, prefix, limit, seed, near, recalls, offset, requeues, order) =
            row;
        let branch = branch_of(&mut built, &branch_id)?;
        branch.services.push(Service {
            id: ServiceId::parse("services.id", &id)?,
            name,
            prefix,
            daily_limit: to_u32(limit, "daily_limit")?,
            avg_service_seed: Duration::from_secs(u64::try_from(seed).unwrap_or(0)),
            turn_near: to_u32(near, "turn_near")?,
            recall_limit: to_u32(recalls, "recall_limit")?,
            requeue_offset: to_u32(offset, "requeue_offset")?,
            requeue_limit: to_u32(requeues, "requeue_limit")?,
            appointments: None,
            priority_order: parse_order(&order)?,
        });
    }
    add_appointments(&mut built, rows.appointments, rows.ranges)?;
    for (branch_id, number, name, rule) in rows.windows {
        let number = WindowNo::parse("windows.number", to_u32(number, "number")?)?;
        branch_of(&mut built, &branch_id)?.windows.push(Window {
            number,
            name,
            services: Vec::new(),
            rule: parse_rule(&rule)?,
        });
    }
    for (branch_id, number, service) in rows.window_services {
        let number = WindowNo::parse("window_services.window_number", to_u32(number, "number")?)?;
        let branch = branch_of(&mut built, &branch_id)?;
        let window = branch
            .windows
            .iter_mut()
            .find(|w| w.number == number)
            .with_context(|| format!("branch {branch_id}: no window {number}"))?;
        window
            .services
            .push(ServiceId::parse("window_services.service_id", &service)?);
    }
    add_calendars(&mut built, rows.years, rows.days)?;
    Ok(Hall {
        branches: built
            .into_iter()
            .map(|(id, branch)| (id, Arc::new(branch)))
            .collect(),
    })
}

fn add_appointments(
    built: &mut BTreeMap<BranchId, Branch>,
    settings: Vec<AppointmentsRow>,
    ranges: Vec<RangeRow>,
) -> anyhow::Result<()> {
    for row in settings {
        let (branch_id, service_id, weekdays, slot, capacity, ahead, cutoff, active, day) = (
            row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
        );
        let time_ranges = ranges
            .iter()
            .filter(|r| r.0 == branch_id && r.1 == service_id)
            .map(|r| Ok((time_of(r.2)?, time_of(r.3)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let template = SlotTemplate::new(TemplateSpec {
            weekdays: weekdays_of(weekdays),
            time_ranges,
            slot_minutes: to_u32(slot, "slot_minutes")?,
            capacity: to_u32(capacity, "capacity")?,
            open_ahead_days: to_u32(ahead, "open_ahead_days")?,
            same_day_cutoff_minutes: to_u32(cutoff, "same_day_cutoff_minutes")?,
        })
        .with_context(|| format!("service {branch_id}/{service_id}"))?;
        let policy = BookingPolicy {
            max_active_per_person: to_u32(active, "max_active_per_person")?,
            max_per_day: to_u32(day, "max_per_day")?,
            max_per_week: to_u32(row.9, "max_per_week")?,
            no_show_limit: to_u32(row.10, "no_show_limit")?,
            no_show_window_days: to_u32(row.11, "no_show_window_days")?,
            suspension_days: to_u32(row.12, "suspension_days")?,
            cancel_before_minutes: to_u32(row.13, "cancel_before_minutes")?,
            check_in_before_minutes: to_u32(row.14, "check_in_before_minutes")?,
            check_in_after_minutes: to_u32(row.15, "check_in_after_minutes")?,
        };
        let branch = branch_of(built, &branch_id)?;
        let service = branch
            .services
            .iter_mut()
            .find(|s| s.id.as_str() == service_id)
            .with_context(|| format!("branch {branch_id}: no service {service_id}"))?;
        service.appointments = Some(ServiceAppointments { template, policy });
    }
    Ok(())
}

fn add_calendars(
    built: &mut BTreeMap<BranchId, Branch>,
    years: Vec<YearRow>,
    days: Vec<DayRow>,
) -> anyhow::Result<()> {
    for (branch_id, year) in years {
        let mut holidays = Vec::new();
        let mut make_up = Vec::new();
        for (_, _, day, kind, follows) in days.iter().filter(|d| d.0 == branch_id && d.1 == year) {
            let date = parse_date(day)?;
            match (kind.as_str(), follows) {
                ("holiday", _) => holidays.push(date),
                (_, Some(follows)) => make_up.push((date, parse_weekday(follows)?)),
                (other, None) => {
                    anyhow::bail!("calendar day {day}: kind '{other}' without weekday")
                }
            }
        }
        let year = i32::try_from(year).with_context(|| format!("year {year}"))?;
        let checked = CalendarYear::new(year, &holidays, &make_up)
            .with_context(|| format!("branch {branch_id}: calendar {year}"))?;
        branch_of(built, &branch_id)?.calendar.load_year(checked);
    }
    Ok(())
}

fn branch_of<'a>(
    built: &'a mut BTreeMap<BranchId, Branch>,
    id: &str,
) -> anyhow::Result<&'a mut Branch> {
    let id = BranchId::parse("branch_id", id)?;
    built
        .get_mut(&id)
        .with_context(|| format!("no branch '{id}'"))
}
