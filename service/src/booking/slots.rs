//! The slots a template yields over a date range, in the branch's time zone, and the stable
//! id the booking RPCs name a slot by.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::calendar::Calendar;
use super::template::SlotTemplate;
use crate::domain::{BranchId, DateRange, ServiceId};
use crate::error::QueueError;

/// The longest date range (inclusive, in days) one listing may ask for.
pub const MAX_RANGE_DAYS: i64 = 62;

/// One slot of one date: local wall-clock times in the branch's zone and the UTC instants
/// they stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotInstance {
    pub local_date: NaiveDate,
    pub local_start: NaiveTime,
    pub local_end: NaiveTime,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub capacity: u32,
    /// Inside the open-ahead window, not started, and not past the same-day cutoff.
    pub bookable: bool,
}

impl SlotInstance {
    pub fn id(&self, branch: &BranchId, service: &ServiceId) -> SlotId {
        SlotId::new(
            branch.clone(),
            service.clone(),
            self.local_date,
            self.local_start,
        )
    }
}

/// Every slot of `template` on the dates `from..=to` (local dates of `tz`), following the
/// branch's `calendar`, with `bookable` judged at `now`.
///
/// A local start time that does not exist (a DST gap) yields no slot; an ambiguous one (a
/// DST overlap) takes the earlier instant, so each local slot exists once. A local end that
/// does not exist is taken as start + slot length.
pub fn slots_for(
    template: &SlotTemplate,
    calendar: &Calendar,
    tz: Tz,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<SlotInstance>, QueueError> {
    DateRange::checked(from, to, "to_date", MAX_RANGE_DAYS)?;
    let today = now.with_timezone(&tz).date_naive();
    let last_open = today + Duration::days(i64::from(template.open_ahead_days()));
    let cutoff = Duration::minutes(i64::from(template.same_day_cutoff_minutes()));
    let length = Duration::minutes(i64::from(template.slot_minutes()));
    let day_slots = template.day_slots();

    let mut slots = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let Some(weekday) = calendar.schedule_of(date) else {
            continue;
        };
        if !template.works_on(weekday) {
            continue;
        }
        for &(local_start, local_end) in &day_slots {
            let Some(start) = instant(tz, date, local_start) else {
                continue;
            };
            let end = instant(tz, date, local_end).unwrap_or(start + length);
            let bookable = date <= last_open && now < start && now <= start - cutoff;
            slots.push(SlotInstance {
                local_date: date,
                local_start,
                local_end,
                start,
                end,
                capacity: template.capacity(),
                bookable,
            });
        }
    }
    Ok(slots)
}

/// The UTC instant of a local wall-clock time: `None` in a gap, the earlier in an overlap.
fn instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The stable name of a slot: `<branch>.<service>.<yyyymmdd>.<HHMM>` (local date and start).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotId {
    branch: BranchId,
    service: ServiceId,
    date: NaiveDate,
    start: NaiveTime,
}

impl SlotId {
    /// Seconds of `start` are dropped: slots start on whole minutes.
    pub fn new(branch: BranchId, service: ServiceId, date: NaiveDate, start: NaiveTime) -> Self {
        let start = NaiveTime::from_hms_opt(start.hour(), start.minute(), 0).unwrap_or(start);
        Self {
            branch,
            service,
            date,
            start,
        }
    }

    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let parts: Vec<&str> = value.split('.').collect();
        let [branch, service, date, time] = parts[..] else {
            return Err(QueueError::invalid(
                field,
                format!("'{value}' is not <branch>.<service>.<yyyymmdd>.<HHMM>"),
            ));
        };
        if value.chars().any(char::is_whitespace) {
            return Err(QueueError::invalid(
                field,
                format!("'{value}' must not contain spaces"),
            ));
        }
        let branch = BranchId::parse(field, branch)?;
        let service = ServiceId::parse(field, service)?;
        let date = digits(date, 8)
            .and_then(|n| NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100))
            .ok_or_else(|| {
                QueueError::invalid(field, format!("date '{date}' is not a yyyymmdd date"))
            })?;
        let start = digits(time, 4)
            .and_then(|n| NaiveTime::from_hms_opt(n / 100, n % 100, 0))
            .ok_or_else(|| {
                QueueError::invalid(field, format!("time '{time}' is not an HHMM time"))
            })?;
        Ok(Self {
            branch,
            service,
            date,
            start,
        })
    }

    pub fn branch(&self) -> &BranchId {
        &self.branch
    }

    pub fn service(&self) -> &ServiceId {
        &self.service
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn start(&self) -> NaiveTime {
        self.start
    }
}

/// `value` as a number when it is exactly `len` ASCII digits.
fn digits(value: &str, len: usize) -> Option<u32> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse().ok()
    } else {
        None
    }
}

impl fmt::Display for SlotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}",
            self.branch,
            self.service,
            self.date.format("%Y%m%d"),
            self.start.format("%H%M")
        )
    }
}
