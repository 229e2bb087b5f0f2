//! The calendar of a branch: holidays (closed) and make-up working days (调休: a date,
//! usually a weekend day, that works with the schedule of a named weekday), loaded per year.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::QueueError;

/// One validated year of a branch's calendar: every date lies in the year, no date is both
/// a holiday and a make-up day, and no make-up day names two weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    year: i32,
    holidays: BTreeSet<NaiveDate>,
    make_up_days: BTreeMap<NaiveDate, Weekday>,
}

impl CalendarYear {
    pub fn new(
        year: i32,
        holidays: &[NaiveDate],
        make_up_days: &[(NaiveDate, Weekday)],
    ) -> Result<Self, QueueError> {
        let mut closed = BTreeSet::new();
        for &date in holidays {
            check_year("holidays", year, date)?;
            closed.insert(date);
        }
        let mut working = BTreeMap::new();
        for &(date, weekday) in make_up_days {
            check_year("make_up_days", year, date)?;
            if closed.contains(&date) {
                return Err(QueueError::invalid(
                    "make_up_days",
                    format!("{date} is also listed as a holiday"),
                ));
            }
            if let Some(other) = working.insert(date, weekday)
                && other != weekday
            {
                return Err(QueueError::invalid(
                    "make_up_days",
                    format!("{date} follows both {other} and {weekday}"),
                ));
            }
        }
        Ok(Self {
            year,
            holidays: closed,
            make_up_days: working,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    pub fn make_up_days(&self) -> impl Iterator<Item = (NaiveDate, Weekday)> + '_ {
        self.make_up_days.iter().map(|(d, w)| (*d, *w))
    }
}

fn check_year(field: &'static str, year: i32, date: NaiveDate) -> Result<(), QueueError> {
    if date.year() == year {
        Ok(())
    } else {
        Err(QueueError::invalid(
            field,
            format!("{date} is not in year {year}"),
        ))
    }
}

/// A branch's calendar: the years loaded so far. A year not loaded has no holidays and no
/// make-up days (every date follows its own weekday).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, CalendarYear>,
}

impl Calendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads (or replaces) one year.
    pub fn load_year(&mut self, year: CalendarYear) {
        self.years.insert(year.year, year);
    }

    pub fn with_year(mut self, year: CalendarYear) -> Self {
        self.load_year(year);
        self
    }

    pub fn year(&self, year: i32) -> Option<&CalendarYear> {
        self.years.get(&year)
    }

    /// The loaded years, earliest first.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> + '_ {
        self.years.values()
    }

    /// The weekday whose schedule `date` follows: `None` on a holiday, the named weekday on
    /// a make-up day, else the date's own weekday. Whether the service works on that
    /// weekday is the template's business.
    pub fn schedule_of(&self, date: NaiveDate) -> Option<Weekday> {
        match self.years.get(&date.year()) {
            Some(year) if year.holidays.contains(&date) => None,
            Some(year) => Some(
                year.make_up_days
                    .get(&date)
                    .copied()
                    .unwrap_or_else(|| date.weekday()),
            ),
            None => Some(date.weekday()),
        }
    }
}
