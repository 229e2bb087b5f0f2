//! The arguments of `queuecallctl admin …`: the hall layout in the records database.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use queuecall_client::pb;

use super::args::Priority;
use super::booking_args::parse_date;

pub const ADMIN_HELP: &str = "\
Output:
  layout prints `layout version <n>`, then per branch a header line
  (`branch <id> (<name>), <level>, [parent <id>, ]<time zone>[, english announcements]`),
  a services table (SERVICE PREFIX DAILY LIMIT APPOINTMENTS NAME, appointments as
  `mon-fri 09:00–12:00 13:30–17:00, 30 min × 5` or `-`), a windows table
  (WINDOW RULE SERVICES NAME) and a line per calendar year
  (`calendar 2026: holidays 2026-09-25 2026-10-01–2026-10-07; make-up days 2026-10-10 (mon)`,
  three or more consecutive holidays as a range).
  apply prints `applied: layout version <n>, <k> branches (<ids>)`.
  put-service and put-window print `service <id> of <branch> created, layout version <n>`
  (or `updated`), put-branch `branch <id> created, layout version <n>`; the deletes print
  `service <id> of <branch> deleted, layout version <n>` (`branch <id> deleted, …`);
  calendar prints the year's calendar line and the layout version.";

/// What to do with the layout; services, windows and the calendar are of --branch.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum AdminAction {
    /// Show the layout: every branch, or one.
    Layout {
        /// Only this branch.
        #[arg(value_name = "BRANCH")]
        shown: Option<String>,
    },
    /// Replace the whole layout with a hall file (YAML, or TOML by the `.toml` extension).
    Apply {
        /// The hall file, as `queuecall hall apply` takes it.
        hall_file: PathBuf,
    },
    /// Create a branch, or change the options given (the rest stays); not --branch's.
    PutBranch(PutBranchArgs),
    /// Delete a branch with its services and windows (refused while it has live tickets or
    /// child branches).
    DeleteBranch {
        /// The branch id (not --branch, so that a typo cannot delete the default branch).
        #[arg(value_name = "BRANCH")]
        deleted: String,
    },
    /// Create a service of --branch, or change the options given (the rest stays).
    PutService(PutServiceArgs),
    /// Delete a service of --branch (refused while windows serve it or tickets wait for it).
    DeleteService {
        /// The service id.
        service: String,
    },
    /// Create a window of --branch, or change the options given (the rest stays).
    PutWindow(PutWindowArgs),
    /// Delete a window of --branch (refused while it holds a called or serving ticket).
    DeleteWindow {
        /// The window number.
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        number: u32,
    },
    /// Set (replace) one year of --branch's calendar: holidays and make-up working days (调休).
    Calendar(CalendarArgs),
}

/// The hall file format by extension: `.toml` is TOML, anything else YAML.
pub fn hall_format(path: &std::path::Path) -> pb::HallFormat {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("toml") => pb::HallFormat::Toml,
        _ => pb::HallFormat::Yaml,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// 区政务服务中心.
    District,
    /// 镇/街道便民服务中心.
    Town,
    /// 村/社区便民服务站.
    Village,
}

impl From<Level> for pb::BranchLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::District => Self::District,
            Level::Town => Self::Town,
            Level::Village => Self::Village,
        }
    }
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct PutBranchArgs {
    /// The branch id, for example `town-1`.
    #[arg(value_name = "BRANCH")]
    pub id: String,
    /// Its name, for example 湖塘镇便民服务中心 (required for a new branch).
    #[arg(long)]
    pub name: Option<String>,
    /// Its level (required for a new branch).
    #[arg(long, value_enum)]
    pub level: Option<Level>,
    /// The branch above it; an empty value makes it a top-level branch.
    #[arg(long)]
    pub parent: Option<String>,
    /// IANA time zone (new branch: Asia/Shanghai).
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Announce calls in English too (`true` or `false`; new branch: false).
    #[arg(long)]
    pub english_announcements: Option<bool>,
}

impl PutBranchArgs {
    /// `current` (the branch as stored, if it exists) with the options given applied; its
    /// services, windows and calendar are not sent (PutBranch leaves them as they are).
    pub fn apply_to(self, current: Option<pb::BranchLayout>) -> Result<pb::BranchLayout, String> {
        let new = current.is_none();
        let mut b = current.unwrap_or_else(|| pb::BranchLayout {
            id: self.id.clone(),
            time_zone: "Asia/Shanghai".to_owned(),
            ..pb::BranchLayout::default()
        });
        b.services.clear();
        b.windows.clear();
        b.calendar.clear();
        match (self.name, new) {
            (Some(name), _) => b.name = name,
            (None, true) => return Err("--name is required for a new branch".to_owned()),
            (None, false) => {}
        }
        match (self.level, new) {
            (Some(level), _) => b.level = pb::BranchLevel::from(level).into(),
            (None, true) => return Err("--level is required for a new branch".to_owned()),
            (None, false) => {}
        }
        if let Some(parent) = self.parent {
            b.parent_id = parent;
        }
        if let Some(zone) = self.time_zone {
            b.time_zone = zone;
        }
        if let Some(english) = self.english_announcements {
            b.english_announcements = english;
        }
        Ok(b)
    }
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct PutServiceArgs {
    /// The service id, for example `social-security`.
    pub service: String,
    /// Its name on screens and tickets (required for a new service).
    #[arg(long)]
    pub name: Option<String>,
    /// One to four capital letters (required for a new service).
    #[arg(long)]
    pub prefix: Option<String>,
    /// Tickets per service day (new service: 300).
    #[arg(long)]
    pub daily_limit: Option<u32>,
    /// The service time assumed before real ones are measured (new service: 300).
    #[arg(long)]
    pub avg_service_seconds: Option<u32>,
    /// Priority classes from first to last, comma-separated (new service:
    /// green-channel,appointment,normal).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub priority_order: Option<Vec<Priority>>,
    /// Booking: weekdays with slots, `mon-fri` or `mon,wed,fri` (new: mon-fri).
    #[arg(long, value_parser = parse_weekdays, help_heading = "Appointments")]
    pub weekdays: Option<Weekdays>,
    /// Booking: time ranges, `09:00-12:00,13:30-17:00`; makes the service bookable.
    #[arg(long, value_parser = parse_ranges, help_heading = "Appointments")]
    pub hours: Option<Ranges>,
    /// Booking: minutes per slot (new: 30).
    #[arg(long, help_heading = "Appointments")]
    pub slot_minutes: Option<u32>,
    /// Booking: seats per slot (new: 1).
    #[arg(long, help_heading = "Appointments")]
    pub capacity: Option<u32>,
    /// Booking of a date opens this many days before it (new: 7).
    #[arg(long, help_heading = "Appointments")]
    pub open_ahead_days: Option<u32>,
    /// A slot can no longer be booked this many minutes before its start (new: 30).
    #[arg(long, help_heading = "Appointments")]
    pub cutoff_minutes: Option<u32>,
    /// The service can no longer be booked (its appointment settings are removed).
    #[arg(long, conflicts_with_all = ["weekdays", "hours", "slot_minutes", "capacity",
        "open_ahead_days", "cutoff_minutes"], help_heading = "Appointments")]
    pub no_appointments: bool,
}

impl PutServiceArgs {
    /// `current` (the service as stored, if it exists) with the options given applied.
    pub fn apply_to(self, current: Option<pb::ServiceLayout>) -> Result<pb::ServiceLayout, String> {
        let new = current.is_none();
        let mut s = current.unwrap_or_else(|| pb::ServiceLayout {
            id: self.service.clone(),
            daily_limit: 300,
            avg_service_seconds: 300,
            turn_near: 3,
            recall_limit: 3,
            requeue_offset: 3,
            requeue_limit: 2,
            priority_order: [
                pb::PriorityClass::GreenChannel,
                pb::PriorityClass::Appointment,
                pb::PriorityClass::Normal,
            ]
            .map(i32::from)
            .to_vec(),
            ..pb::ServiceLayout::default()
        });
        match (self.name, new) {
            (Some(name), _) => s.name = name,
            (None, true) => return Err("--name is required for a new service".to_owned()),
            (None, false) => {}
        }
        match (self.prefix, new) {
            (Some(prefix), _) => s.ticket_prefix = prefix,
            (None, true) => return Err("--prefix is required for a new service".to_owned()),
            (None, false) => {}
        }
        if let Some(limit) = self.daily_limit {
            s.daily_limit = limit;
        }
        if let Some(seconds) = self.avg_service_seconds {
            s.avg_service_seconds = seconds;
        }
        if let Some(order) = self.priority_order {
            s.priority_order = order
                .into_iter()
                .map(|p| i32::from(pb::PriorityClass::from(p)))
                .collect();
        }
        if self.no_appointments {
            s.appointments = None;
            return Ok(s);
        }
        let touched = self.weekdays.is_some()
            || self.hours.is_some()
            || self.slot_minutes.is_some()
            || self.capacity.is_some()
            || self.open_ahead_days.is_some()
            || self.cutoff_minutes.is_some();
        if !touched {
            return Ok(s);
        }
        let mut a = match s.appointments.take() {
            Some(a) => a,
            None if self.hours.is_none() => {
                return Err(
                    "--hours is required to make a service bookable (09:00-12:00,13:30-17:00)"
                        .to_owned(),
                );
            }
            None => default_appointments(),
        };
        if let Some(Weekdays(days)) = self.weekdays {
            a.weekdays = days.into_iter().map(i32::from).collect();
        }
        if let Some(Ranges(ranges)) = self.hours {
            a.time_ranges = ranges
                .into_iter()
                .map(|(start, end)| pb::TimeRange { start, end })
                .collect();
        }
        if let Some(minutes) = self.slot_minutes {
            a.slot_minutes = minutes;
        }
        if let Some(capacity) = self.capacity {
            a.capacity = capacity;
        }
        if let Some(days) = self.open_ahead_days {
            a.open_ahead_days = days;
        }
        if let Some(minutes) = self.cutoff_minutes {
            a.same_day_cutoff_minutes = minutes;
        }
        s.appointments = Some(a);
        Ok(s)
    }
}

/// A bookable service's settings before the options: Monday to Friday, 30-minute slots of
/// one seat, open a week ahead, and the service's default booking policy.
fn default_appointments() -> pb::AppointmentSettings {
    pb::AppointmentSettings {
        weekdays: (1..=5).collect(),
        time_ranges: Vec::new(),
        slot_minutes: 30,
        capacity: 1,
        open_ahead_days: 7,
        same_day_cutoff_minutes: 30,
        max_active_per_person: 1,
        max_per_day: 1,
        max_per_week: 3,
        no_show_limit: 2,
        no_show_window_days: 30,
        suspension_days: 90,
        cancel_before_minutes: 60,
        check_in_before_minutes: 30,
        check_in_after_minutes: 15,
    }
}

/// Parsed `--weekdays`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekdays(pub Vec<pb::Weekday>);

/// Parsed `--hours`: `(start, end)` as `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranges(pub Vec<(String, String)>);

/// `mon`, `monday`, `1` (Monday) … `sun`, `sunday`, `7`.
pub fn parse_weekday(text: &str) -> Result<pb::Weekday, String> {
    let day = match text.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" | "1" => pb::Weekday::Monday,
        "tue" | "tuesday" | "2" => pb::Weekday::Tuesday,
        "wed" | "wednesday" | "3" => pb::Weekday::Wednesday,
        "thu" | "thursday" | "4" => pb::Weekday::Thursday,
        "fri" | "friday" | "5" => pb::Weekday::Friday,
        "sat" | "saturday" | "6" => pb::Weekday::Saturday,
        "sun" | "sunday" | "7" => pb::Weekday::Sunday,
        _ => return Err(format!("'{text}' is not a weekday (mon … sun)")),
    };
    Ok(day)
}

/// `mon-fri`, `mon,wed,fri`, `mon-wed,sat`.
pub fn parse_weekdays(text: &str) -> Result<Weekdays, String> {
    let mut days = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (parse_weekday(first)? as i32, parse_weekday(last)? as i32);
                if first > last {
                    return Err(format!("'{part}' runs backwards"));
                }
                days.extend((first..=last).filter_map(|n| pb::Weekday::try_from(n).ok()));
            }
            None => days.push(parse_weekday(part)?),
        }
    }
    days.sort_by_key(|d| *d as i32);
    days.dedup();
    Ok(Weekdays(days))
}

/// `HH:MM`.
fn parse_time(text: &str) -> Result<String, String> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| format!("'{text}' is not a time (HH:MM)"))
}

/// `09:00-12:00,13:30-17:00` (an en dash `–` works too).
pub fn parse_ranges(text: &str) -> Result<Ranges, String> {
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let (start, end) = part
            .split_once('-')
            .or_else(|| part.split_once('–'))
            .ok_or_else(|| format!("'{part}' is not a time range (09:00-12:00)"))?;
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        if start >= end {
            return Err(format!("'{part}' ends before it starts"));
        }
        ranges.push((start, end));
    }
    Ok(Ranges(ranges))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Rule {
    StrictOrder,
    OldestFirst,
    Ratio,
}

impl From<Rule> for pb::CallRule {
    fn from(rule: Rule) -> Self {
        match rule {
            Rule::StrictOrder => Self::StrictOrder,
            Rule::OldestFirst => Self::OldestFirst,
            Rule::Ratio => Self::Ratio,
        }
    }
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct PutWindowArgs {
    /// The window number (5 for 5号窗口).
    #[arg(value_parser = clap::value_parser!(u32).range(1..))]
    pub number: u32,
    /// Its name on the board, for example 综合窗口 (required for a new window).
    #[arg(long)]
    pub name: Option<String>,
    /// The services it serves, in order, comma-separated (required for a new window).
    #[arg(long, value_delimiter = ',')]
    pub services: Option<Vec<String>>,
    /// How it picks the next ticket (new window: oldest-first).
    #[arg(long, value_enum)]
    pub rule: Option<Rule>,
    /// For --rule ratio: `<priority>:<normal>`, for example `1:2`.
    #[arg(long, value_parser = parse_ratio)]
    pub ratio: Option<(u32, u32)>,
}

/// `1:2` → (1, 2), both at least 1.
pub fn parse_ratio(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{text}' is not a ratio (<priority>:<normal>, e.g. 1:2)");
    let (p, n) = text.split_once(':').ok_or_else(bad)?;
    let p: u32 = p.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if p == 0 || n == 0 {
        return Err(bad());
    }
    Ok((p, n))
}

impl PutWindowArgs {
    /// `current` (the window as stored, if it exists) with the options given applied.
    pub fn apply_to(self, current: Option<pb::WindowLayout>) -> Result<pb::WindowLayout, String> {
        let new = current.is_none();
        let mut w = current.unwrap_or_else(|| pb::WindowLayout {
            number: self.number,
            call_rule: pb::CallRule::OldestFirst.into(),
            ..pb::WindowLayout::default()
        });
        match (self.name, new) {
            (Some(name), _) => w.name = name,
            (None, true) => return Err("--name is required for a new window".to_owned()),
            (None, false) => {}
        }
        match (self.services, new) {
            (Some(services), _) => w.service_ids = services,
            (None, true) => return Err("--services is required for a new window".to_owned()),
            (None, false) => {}
        }
        if let Some(rule) = self.rule {
            w.call_rule = pb::CallRule::from(rule).into();
        }
        if let Some((priority, normal)) = self.ratio {
            w.ratio_priority = priority;
            w.ratio_normal = normal;
        }
        if w.call_rule() == pb::CallRule::Ratio && (w.ratio_priority == 0 || w.ratio_normal == 0) {
            return Err("--rule ratio needs --ratio <priority>:<normal>".to_owned());
        }
        Ok(w)
    }
}

#[derive(Debug, Args, PartialEq, Eq)]
pub struct CalendarArgs {
    /// The year set; every date given must be in it.
    pub year: i32,
    /// A closed date (YYYY-MM-DD); repeat for each.
    #[arg(long = "holiday", value_parser = parse_date)]
    pub holidays: Vec<NaiveDate>,
    /// A working day with another weekday's schedule (调休), `2026-10-10:mon`; repeat for each.
    #[arg(long = "make-up", value_parser = parse_make_up, value_name = "DATE:WEEKDAY")]
    pub make_up: Vec<(NaiveDate, pb::Weekday)>,
}

/// `2026-10-10:mon` (or `:monday`).
pub fn parse_make_up(text: &str) -> Result<(NaiveDate, pb::Weekday), String> {
    let (date, day) = text
        .split_once(':')
        .ok_or_else(|| format!("'{text}' is not DATE:WEEKDAY (2026-10-10:mon)"))?;
    Ok((parse_date(date)?, parse_weekday(day)?))
}

impl CalendarArgs {
    pub fn into_year(self) -> pb::CalendarYear {
        pb::CalendarYear {
            year: self.year,
            holidays: self
                .holidays
                .into_iter()
                .map(super::booking_args::wire_date)
                .collect(),
            make_up_days: self
                .make_up
                .into_iter()
                .map(|(date, follows)| pb::MakeUpDay {
                    date: super::booking_args::wire_date(date),
                    follows: follows.into(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "admin_args_tests.rs"]
mod tests;
