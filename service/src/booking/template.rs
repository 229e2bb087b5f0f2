//! The slot template of a service: on which weekdays, in which time ranges, how long a slot
//! is, how many people it takes, and when booking opens and closes.

use chrono::{NaiveTime, Timelike, Weekday};

use crate::error::QueueError;

const MINUTES_PER_DAY: u32 = 24 * 60;
/// Booking can open at most this many days ahead.
pub const MAX_OPEN_AHEAD_DAYS: u32 = 366;

/// A validated local wall-clock range inside one day, on whole minutes, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    start: NaiveTime,
    end: NaiveTime,
}

impl TimeRange {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, QueueError> {
        for time in [start, end] {
            if time.second() != 0 || time.nanosecond() != 0 {
                return Err(QueueError::invalid(
                    "time_ranges",
                    format!("{time} is not on a whole minute"),
                ));
            }
        }
        if start >= end {
            return Err(QueueError::invalid(
                "time_ranges",
                format!(
                    "{}–{} must start before it ends, within one day",
                    start.format("%H:%M"),
                    end.format("%H:%M")
                ),
            ));
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveTime {
        self.start
    }

    pub fn end(&self) -> NaiveTime {
        self.end
    }

    fn minutes(&self) -> (u32, u32) {
        (
            self.start.num_seconds_from_midnight() / 60,
            self.end.num_seconds_from_midnight() / 60,
        )
    }
}

impl std::fmt::Display for TimeRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// What a caller (the admin RPC, a database row) gives to build a [`SlotTemplate`].
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    pub weekdays: Vec<Weekday>,
    /// Local wall-clock ranges, `(start, end)`.
    pub time_ranges: Vec<(NaiveTime, NaiveTime)>,
    pub slot_minutes: u32,
    pub capacity: u32,
    /// Booking of a date opens this many days before it (0 = on the day only).
    pub open_ahead_days: u32,
    /// A slot can no longer be booked this many minutes before its start.
    pub same_day_cutoff_minutes: u32,
}

/// A validated slot template. Ranges are sorted and do not overlap; a last partial slot of
/// a range is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotTemplate {
    weekdays: [bool; 7],
    ranges: Vec<TimeRange>,
    slot_minutes: u32,
    capacity: u32,
    open_ahead_days: u32,
    same_day_cutoff_minutes: u32,
}

impl SlotTemplate {
    pub fn new(spec: TemplateSpec) -> Result<Self, QueueError> {
        if spec.weekdays.is_empty() {
            return Err(QueueError::invalid(
                "weekdays",
                "must name at least one weekday",
            ));
        }
        let mut weekdays = [false; 7];
        for day in &spec.weekdays {
            weekdays[day.num_days_from_monday() as usize] = true;
        }
        if spec.slot_minutes == 0 || spec.slot_minutes > MINUTES_PER_DAY {
            return Err(QueueError::invalid(
                "slot_minutes",
                format!("must be 1..={MINUTES_PER_DAY}"),
            ));
        }
        if spec.capacity == 0 {
            return Err(QueueError::invalid("capacity", "must be at least 1"));
        }
        if spec.open_ahead_days > MAX_OPEN_AHEAD_DAYS {
            return Err(QueueError::invalid(
                "open_ahead_days",
                format!("must be at most {MAX_OPEN_AHEAD_DAYS}"),
            ));
        }
        if spec.same_day_cutoff_minutes > MINUTES_PER_DAY {
            return Err(QueueError::invalid(
                "same_day_cutoff_minutes",
                format!("must be at most {MINUTES_PER_DAY}"),
            ));
        }
        let ranges = Self::ranges(&spec.time_ranges, spec.slot_minutes)?;
        Ok(Self {
            weekdays,
            ranges,
            slot_minutes: spec.slot_minutes,
            capacity: spec.capacity,
            open_ahead_days: spec.open_ahead_days,
            same_day_cutoff_minutes: spec.same_day_cutoff_minutes,
        })
    }

    fn ranges(
        given: &[(NaiveTime, NaiveTime)],
        slot_minutes: u32,
    ) -> Result<Vec<TimeRange>, QueueError> {
        if given.is_empty() {
            return Err(QueueError::invalid(
                "time_ranges",
                "must hold at least one range",
            ));
        }
        let mut ranges = given
            .iter()
            .map(|&(start, end)| TimeRange::new(start, end))
            .collect::<Result<Vec<_>, _>>()?;
        ranges.sort_by_key(TimeRange::start);
        for pair in ranges.windows(2) {
            if pair[0].end > pair[1].start {
                return Err(QueueError::invalid(
                    "time_ranges",
                    format!("{} overlaps {}", pair[0], pair[1]),
                ));
            }
        }
        if let Some(short) = ranges.iter().find(|r| {
            let (start, end) = r.minutes();
            end - start < slot_minutes
        }) {
            return Err(QueueError::invalid(
                "time_ranges",
                format!("{short} is shorter than one slot ({slot_minutes} min)"),
            ));
        }
        Ok(ranges)
    }

    /// Whether the template has slots on a date that follows `weekday`'s schedule.
    pub fn works_on(&self, weekday: Weekday) -> bool {
        self.weekdays[weekday.num_days_from_monday() as usize]
    }

    pub fn ranges_of_day(&self) -> &[TimeRange] {
        &self.ranges
    }

    pub fn slot_minutes(&self) -> u32 {
        self.slot_minutes
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    pub fn open_ahead_days(&self) -> u32 {
        self.open_ahead_days
    }

    pub fn same_day_cutoff_minutes(&self) -> u32 {
        self.same_day_cutoff_minutes
    }

    /// The local (start, end) of every slot of one working day, in order; a last partial
    /// slot of a range is dropped.
    pub fn day_slots(&self) -> Vec<(NaiveTime, NaiveTime)> {
        let mut slots = Vec::new();
        for range in &self.ranges {
            let (mut start, end) = range.minutes();
            while start + self.slot_minutes <= end {
                if let (Some(from), Some(to)) =
                    (at_minute(start), at_minute(start + self.slot_minutes))
                {
                    slots.push((from, to));
                }
                start += self.slot_minutes;
            }
        }
        slots
    }
}

fn at_minute(minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)
}
