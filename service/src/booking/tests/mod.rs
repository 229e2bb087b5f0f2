//! Tests of the booking calendar and slot logic.

mod calendar;
mod dst;
mod slot_id;
mod slots;
mod template;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};

use super::{SlotTemplate, TemplateSpec};
use crate::error::QueueError;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

pub(super) fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid test time")
}

pub(super) fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("valid test instant")
}

/// Monday to Friday, 09:00–12:00 and 13:30–17:00, 60-minute slots of 5, open 7 days ahead,
/// closing 30 minutes before the start.
pub(super) fn weekday_spec() -> TemplateSpec {
    TemplateSpec {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        time_ranges: vec![(time(9, 0), time(12, 0)), (time(13, 30), time(17, 0))],
        slot_minutes: 60,
        capacity: 5,
        open_ahead_days: 7,
        same_day_cutoff_minutes: 30,
    }
}

pub(super) fn weekday_template() -> SlotTemplate {
    SlotTemplate::new(weekday_spec()).expect("valid test template")
}

/// The field an INVALID_ARGUMENT names, or a panic naming what came instead.
pub(super) fn invalid_field<T: std::fmt::Debug>(result: Result<T, QueueError>) -> &'static str {
    match result {
        Err(QueueError::InvalidArgument { field, .. }) => field,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}
