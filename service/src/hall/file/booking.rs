//! The booking parts of a hall file: a service's `appointments:` block (its slot template
//! and booking policy) and a branch's `calendar:` (holidays and make-up working days per
//! year). Values are read where they stand (weekdays, `HH:MM-HH:MM` ranges, dates), so serde
//! names their line; the rules that span fields (`SlotTemplate`, `BookingPolicy::check`,
//! `CalendarYear`) are checked afterwards and named by path and line.
//!
//! ```yaml
//! appointments:
//!   weekdays: [mon, tue, wed, thu, fri]
//!   time_ranges: ["09:00-12:00", "13:30-17:00"]
//!   slot_minutes: 30
//!   capacity: 5
//!   open_ahead_days: 14
//!   same_day_cutoff_minutes: 30     # default 0
//!   max_active_per_person: 1        # the policy fields default to BookingPolicy::default()
//! calendar:
//!   - year: 2026
//!     holidays: [2026-10-01, 2026-10-02]
//!     make_up_days: [{date: 2026-10-10, follows: fri}]
//! ```

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;
use serde::de::Deserializer;

use super::locate::{Lines, line_note};
use super::scalar::{AtLeastOne, parse_str};
use crate::booking::{Calendar, CalendarYear, SlotTemplate, TemplateSpec};
use crate::error::QueueError;
use crate::hall::{BookingPolicy, ServiceAppointments};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAppointments {
    pub weekdays: Vec<Day>,
    pub time_ranges: Vec<Range>,
    pub slot_minutes: AtLeastOne,
    pub capacity: AtLeastOne,
    pub open_ahead_days: u32,
    #[serde(default)]
    pub same_day_cutoff_minutes: u32,
    pub max_active_per_person: Option<u32>,
    pub max_per_day: Option<u32>,
    pub max_per_week: Option<u32>,
    pub no_show_limit: Option<u32>,
    pub no_show_window_days: Option<u32>,
    pub suspension_days: Option<u32>,
    pub cancel_before_minutes: Option<u32>,
    pub check_in_before_minutes: Option<u32>,
    pub check_in_after_minutes: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawYear {
    pub year: i32,
    #[serde(default)]
    pub holidays: Vec<Date>,
    #[serde(default)]
    pub make_up_days: Vec<RawMakeUp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMakeUp {
    pub date: Date,
    pub follows: Day,
}

/// A weekday: `mon` … `sun` (or the full English name, any case).
#[derive(Debug, Clone, Copy)]
pub(super) struct Day(pub Weekday);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a weekday such as mon", |text| {
            text.parse::<Weekday>()
                .map(Self)
                .map_err(|_| format!("'{text}' is not a weekday (mon, tue, … sun)"))
        })
    }
}

/// A local time range `HH:MM-HH:MM`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Range(pub NaiveTime, pub NaiveTime);

impl<'de> Deserialize<'de> for Range {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a time range such as 09:00-12:00", |text| {
            parse_range(text)
                .ok_or_else(|| format!("'{text}' is not a time range such as 09:00-12:00"))
        })
    }
}

/// `HH:MM-HH:MM` (an en dash works too).
pub fn parse_range(text: &str) -> Option<Range> {
    let (start, end) = text.split_once('-').or_else(|| text.split_once('–'))?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    Some(Range(time(start)?, time(end)?))
}

/// A date `YYYY-MM-DD` (quoted in TOML).
#[derive(Debug, Clone, Copy)]
pub(super) struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a date such as 2026-10-01", |text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Self)
                .map_err(|_| format!("'{text}' is not a date such as 2026-10-01"))
        })
    }
}

/// The `appointments:` block of `branches[b].services[s]` (whose `id:` is on line `start`).
pub(super) fn appointments_of(
    path: &str,
    raw: &RawAppointments,
    lines: &Lines<'_>,
    start: usize,
) -> anyhow::Result<ServiceAppointments> {
    let named = |err: QueueError| match err {
        QueueError::InvalidArgument { field, reason } => {
            let line = line_note(lines.find_key(start, field));
            anyhow::anyhow!("{path}.appointments.{field}: {reason}{line}")
        }
        other => anyhow::anyhow!("{path}.appointments: {other}"),
    };
    let template = SlotTemplate::new(TemplateSpec {
        weekdays: raw.weekdays.iter().map(|d| d.0).collect(),
        time_ranges: raw.time_ranges.iter().map(|r| (r.0, r.1)).collect(),
        slot_minutes: raw.slot_minutes.0,
        capacity: raw.capacity.0,
        open_ahead_days: raw.open_ahead_days,
        same_day_cutoff_minutes: raw.same_day_cutoff_minutes,
    })
    .map_err(named)?;
    let default = BookingPolicy::default();
    let policy = BookingPolicy {
        max_active_per_person: raw
            .max_active_per_person
            .unwrap_or(default.max_active_per_person),
        max_per_day: raw.max_per_day.unwrap_or(default.max_per_day),
        max_per_week: raw.max_per_week.unwrap_or(default.max_per_week),
        no_show_limit: raw.no_show_limit.unwrap_or(default.no_show_limit),
        no_show_window_days: raw
            .no_show_window_days
            .unwrap_or(default.no_show_window_days),
        suspension_days: raw.suspension_days.unwrap_or(default.suspension_days),
        cancel_before_minutes: raw
            .cancel_before_minutes
            .unwrap_or(default.cancel_before_minutes),
        check_in_before_minutes: raw
            .check_in_before_minutes
            .unwrap_or(default.check_in_before_minutes),
        check_in_after_minutes: raw
            .check_in_after_minutes
            .unwrap_or(default.check_in_after_minutes),
    };
    policy.check().map_err(named)?;
    Ok(ServiceAppointments { template, policy })
}

/// The `calendar:` of `branches[b]` (whose `id:` is on line `start`).
pub(super) fn calendar_of(
    path: &str,
    years: &[RawYear],
    lines: &Lines<'_>,
    start: usize,
) -> anyhow::Result<Calendar> {
    let mut calendar = Calendar::new();
    for (c, year) in years.iter().enumerate() {
        let at = format!("{path}.calendar[{c}]");
        let year_line = lines.find(start, Some("year"), &year.year.to_string());
        if calendar.year(year.year).is_some() {
            let second =
                year_line.and_then(|f| lines.find(f + 1, Some("year"), &year.year.to_string()));
            anyhow::bail!(
                "{at}.year: year {} is listed twice{}",
                year.year,
                line_note(second)
            );
        }
        let from = year_line.unwrap_or(start);
        let date_line = |date: NaiveDate| line_note(lines.find(from, None, &date.to_string()));
        for (i, day) in year.holidays.iter().enumerate() {
            if let Err(reason) = in_year(year.year, day.0) {
                anyhow::bail!("{at}.holidays[{i}]: {reason}{}", date_line(day.0));
            }
        }
        for (i, day) in year.make_up_days.iter().enumerate() {
            let date = day.date.0;
            if let Err(reason) = in_year(year.year, date) {
                anyhow::bail!("{at}.make_up_days[{i}].date: {reason}{}", date_line(date));
            }
            if year.holidays.iter().any(|h| h.0 == date) {
                anyhow::bail!(
                    "{at}.make_up_days[{i}].date: {date} is also listed as a holiday{}",
                    line_note(lines.find(from, Some("date"), &date.to_string()))
                );
            }
        }
        let holidays: Vec<NaiveDate> = year.holidays.iter().map(|d| d.0).collect();
        let make_up: Vec<(NaiveDate, Weekday)> = year
            .make_up_days
            .iter()
            .map(|m| (m.date.0, m.follows.0))
            .collect();
        let checked = CalendarYear::new(year.year, &holidays, &make_up)
            .map_err(|err| anyhow::anyhow!("{at}: {err}{}", line_note(year_line)))?;
        calendar.load_year(checked);
    }
    Ok(calendar)
}

fn in_year(year: i32, date: NaiveDate) -> Result<(), String> {
    use chrono::Datelike;
    if date.year() == year {
        Ok(())
    } else {
        Err(format!("{date} is not in year {year}"))
    }
}
