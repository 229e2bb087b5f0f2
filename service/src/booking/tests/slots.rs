use chrono::{DateTime, NaiveDate, Utc, Weekday};
use chrono_tz::Asia::Shanghai;

use super::{date, invalid_field, time, utc, weekday_spec, weekday_template};
use crate::booking::{Calendar, CalendarYear, SlotInstance, SlotTemplate, TemplateSpec, slots_for};

fn calendar() -> Calendar {
    let year = CalendarYear::new(
        2026,
        &[date(2026, 12, 1)],
        &[(date(2026, 12, 5), Weekday::Mon)],
    )
    .expect("valid test year");
    Calendar::new().with_year(year)
}

#[test]
fn a_weekday_template_yields_the_expected_slots() {
    let now = utc("2026-11-27T00:00:00Z");

    let slots = shanghai_slots(date(2026, 11, 30), date(2026, 11, 30), now);

    let times: Vec<_> = slots.iter().map(|s| (s.local_start, s.local_end)).collect();
    assert_eq!(
        times,
        vec![
            (time(9, 0), time(10, 0)),
            (time(10, 0), time(11, 0)),
            (time(11, 0), time(12, 0)),
            (time(13, 30), time(14, 30)),
            (time(14, 30), time(15, 30)),
            (time(15, 30), time(16, 30)),
        ]
    );
    assert!(slots.iter().all(|s| s.capacity == 5 && s.bookable));
    assert_eq!(slots[0].start, utc("2026-11-30T01:00:00Z"));
    assert_eq!(slots[0].end, utc("2026-11-30T02:00:00Z"));
}

#[test]
fn a_holiday_has_no_slots() {
    let now = utc("2026-11-27T00:00:00Z");

    let slots = shanghai_slots(date(2026, 12, 1), date(2026, 12, 1), now);

    assert!(slots.is_empty());
}

#[test]
fn a_make_up_saturday_has_the_slots_of_its_named_weekday() {
    let now = utc("2026-11-27T00:00:00Z");

    let slots = shanghai_slots(date(2026, 12, 5), date(2026, 12, 5), now);

    assert_eq!(slots.len(), 6);
    assert!(slots.iter().all(|s| s.local_date == date(2026, 12, 5)));
}

#[test]
fn a_normal_saturday_has_no_slots_when_the_template_has_no_saturday() {
    let now = utc("2026-11-27T00:00:00Z");

    let slots = shanghai_slots(date(2026, 11, 28), date(2026, 11, 29), now);

    assert!(slots.is_empty());
}

#[test]
fn dates_beyond_the_open_ahead_window_are_not_bookable() {
    // 2026-11-27 08:00 in Shanghai; open 7 days ahead: up to 2026-12-04.
    let now = utc("2026-11-27T00:00:00Z");

    let slots = shanghai_slots(date(2026, 12, 4), date(2026, 12, 7), now);

    let on = |d| slots.iter().filter(move |s| s.local_date == d);
    assert!(on(date(2026, 12, 4)).all(|s| s.bookable));
    assert_eq!(on(date(2026, 12, 7)).count(), 6);
    assert!(on(date(2026, 12, 7)).all(|s| !s.bookable));
}

#[test]
fn the_same_day_cutoff_and_the_past_close_slots() {
    // 09:30 in Shanghai: 09:00 has started, 10:00 is exactly at its 30-minute cutoff,
    // 11:00 is well before it.
    let now = utc("2026-11-30T01:30:00Z");

    let slots = shanghai_slots(date(2026, 11, 27), date(2026, 11, 30), now);

    let bookable = |d, t| {
        slots
            .iter()
            .find(|s| s.local_date == d && s.local_start == t)
            .map(|s| s.bookable)
    };
    assert_eq!(bookable(date(2026, 11, 27), time(9, 0)), Some(false));
    assert_eq!(bookable(date(2026, 11, 30), time(9, 0)), Some(false));
    assert_eq!(bookable(date(2026, 11, 30), time(10, 0)), Some(true));
    assert_eq!(bookable(date(2026, 11, 30), time(11, 0)), Some(true));
}

#[test]
fn a_slot_one_minute_inside_the_cutoff_is_not_bookable() {
    let now = utc("2026-11-30T01:31:00Z");

    let slots = shanghai_slots(date(2026, 11, 30), date(2026, 11, 30), now);

    assert_eq!(slots[1].local_start, time(10, 0));
    assert!(!slots[1].bookable);
    assert!(slots[2].bookable);
}

#[test]
fn shanghai_day_boundaries_follow_the_local_date() {
    // 2026-11-28 00:30 in Shanghai, still the 27th in UTC; booking opens on the day only.
    let template = SlotTemplate::new(TemplateSpec {
        weekdays: vec![Weekday::Sat, Weekday::Sun],
        open_ahead_days: 0,
        ..weekday_spec()
    })
    .expect("valid template");
    let now = utc("2026-11-27T16:30:00Z");

    let slots = slots_for(
        &template,
        &Calendar::new(),
        Shanghai,
        date(2026, 11, 28),
        date(2026, 11, 29),
        now,
    )
    .expect("valid range");

    let first = &slots[0];
    assert_eq!(
        (first.local_date, first.local_start),
        (date(2026, 11, 28), time(9, 0))
    );
    assert_eq!(first.start, utc("2026-11-28T01:00:00Z"));
    assert!(
        slots
            .iter()
            .filter(|s| s.local_date == date(2026, 11, 28))
            .all(|s| s.bookable)
    );
    assert!(
        slots
            .iter()
            .filter(|s| s.local_date == date(2026, 11, 29))
            .all(|s| !s.bookable)
    );
}

#[test]
fn a_range_longer_than_62_days_or_reversed_is_rejected_naming_to_date() {
    let now = utc("2026-11-27T00:00:00Z");
    let list = |from, to| slots_for(&weekday_template(), &calendar(), Shanghai, from, to, now);

    assert!(list(date(2026, 12, 1), date(2027, 1, 31)).is_ok());
    assert_eq!(
        invalid_field(list(date(2026, 12, 1), date(2027, 2, 1))),
        "to_date"
    );
    assert_eq!(
        invalid_field(list(date(2026, 12, 2), date(2026, 12, 1))),
        "to_date"
    );
}

/// The weekday template's slots on the test calendar in Asia/Shanghai.
fn shanghai_slots(from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Vec<SlotInstance> {
    slots_for(&weekday_template(), &calendar(), Shanghai, from, to, now).expect("valid range")
}
