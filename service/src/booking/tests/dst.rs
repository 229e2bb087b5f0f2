//! America/New_York in 2026: clocks spring forward on 8 March at 02:00 (to 03:00) and fall
//! back on 1 November at 02:00 (to 01:00).

use chrono::Weekday;
use chrono_tz::America::New_York;

use super::{date, time, utc, weekday_spec};
use crate::booking::{Calendar, SlotInstance, SlotTemplate, TemplateSpec, slots_for};

fn sunday_night_slots(day: chrono::NaiveDate) -> Vec<SlotInstance> {
    let template = SlotTemplate::new(TemplateSpec {
        weekdays: vec![Weekday::Sun],
        time_ranges: vec![(time(1, 0), time(4, 0))],
        slot_minutes: 30,
        ..weekday_spec()
    })
    .expect("valid template");
    slots_for(
        &template,
        &Calendar::new(),
        New_York,
        day,
        day,
        utc("2026-01-01T00:00:00Z"),
    )
    .expect("valid range")
}

#[test]
fn local_times_in_the_spring_gap_have_no_slot() {
    let slots = sunday_night_slots(date(2026, 3, 8));

    let starts: Vec<_> = slots.iter().map(|s| (s.local_start, s.start)).collect();
    assert_eq!(
        starts,
        vec![
            (time(1, 0), utc("2026-03-08T06:00:00Z")),
            (time(1, 30), utc("2026-03-08T06:30:00Z")),
            (time(3, 0), utc("2026-03-08T07:00:00Z")),
            (time(3, 30), utc("2026-03-08T07:30:00Z")),
        ]
    );
    // 02:00 does not exist: the 01:30 slot ends one slot length after it starts.
    assert_eq!(slots[1].end, utc("2026-03-08T07:00:00Z"));
}

#[test]
fn ambiguous_local_times_in_the_autumn_overlap_take_the_earlier_instant() {
    let slots = sunday_night_slots(date(2026, 11, 1));

    let starts: Vec<_> = slots.iter().map(|s| (s.local_start, s.start)).collect();
    assert_eq!(
        starts,
        vec![
            (time(1, 0), utc("2026-11-01T05:00:00Z")),
            (time(1, 30), utc("2026-11-01T05:30:00Z")),
            (time(2, 0), utc("2026-11-01T07:00:00Z")),
            (time(2, 30), utc("2026-11-01T07:30:00Z")),
            (time(3, 0), utc("2026-11-01T08:00:00Z")),
            (time(3, 30), utc("2026-11-01T08:30:00Z")),
        ]
    );
    // The 01:30 slot runs until 02:00 EST, an hour after 01:00 first came round again.
    assert_eq!(slots[1].end, utc("2026-11-01T07:00:00Z"));
}
