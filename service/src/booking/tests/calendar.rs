use chrono::Weekday;

use super::{date, invalid_field};
use crate::booking::{Calendar, CalendarYear};

fn calendar_2026() -> Calendar {
    let year = CalendarYear::new(
        2026,
        &[date(2026, 10, 1), date(2026, 10, 2)],
        &[(date(2026, 10, 10), Weekday::Fri)],
    )
    .expect("valid test year");
    Calendar::new().with_year(year)
}

#[test]
fn a_normal_date_follows_its_own_weekday() {
    let calendar = calendar_2026();

    assert_eq!(calendar.schedule_of(date(2026, 11, 30)), Some(Weekday::Mon));
    assert_eq!(calendar.schedule_of(date(2026, 11, 28)), Some(Weekday::Sat));
}

#[test]
fn a_holiday_is_closed() {
    let calendar = calendar_2026();

    assert_eq!(calendar.schedule_of(date(2026, 10, 1)), None);
}

#[test]
fn a_make_up_saturday_follows_its_named_weekday() {
    let calendar = calendar_2026();

    assert_eq!(calendar.schedule_of(date(2026, 10, 10)), Some(Weekday::Fri));
}

#[test]
fn a_year_not_loaded_has_no_holidays() {
    let calendar = calendar_2026();

    assert_eq!(calendar.schedule_of(date(2027, 10, 1)), Some(Weekday::Fri));
}

#[test]
fn a_date_both_holiday_and_make_up_day_is_rejected() {
    let result = CalendarYear::new(
        2026,
        &[date(2026, 10, 1)],
        &[(date(2026, 10, 1), Weekday::Mon)],
    );

    assert_eq!(invalid_field(result), "make_up_days");
}

#[test]
fn a_make_up_day_naming_two_weekdays_is_rejected() {
    let result = CalendarYear::new(
        2026,
        &[],
        &[
            (date(2026, 10, 10), Weekday::Mon),
            (date(2026, 10, 10), Weekday::Fri),
        ],
    );

    assert_eq!(invalid_field(result), "make_up_days");
}

#[test]
fn a_date_outside_the_year_is_rejected_naming_its_list() {
    let holiday = CalendarYear::new(2026, &[date(2027, 1, 1)], &[]);
    let make_up = CalendarYear::new(2026, &[], &[(date(2025, 12, 27), Weekday::Mon)]);

    assert_eq!(invalid_field(holiday), "holidays");
    assert_eq!(invalid_field(make_up), "make_up_days");
}

#[test]
fn loading_a_year_again_replaces_it() {
    let mut calendar = calendar_2026();

    calendar.load_year(CalendarYear::new(2026, &[], &[]).expect("empty year"));

    assert_eq!(calendar.schedule_of(date(2026, 10, 1)), Some(Weekday::Thu));
}
