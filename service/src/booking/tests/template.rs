use chrono::Weekday;

use super::{invalid_field, time, weekday_spec, weekday_template};
use crate::booking::{SlotTemplate, TemplateSpec};

#[test]
fn a_template_without_weekdays_is_rejected_naming_weekdays() {
    let spec = TemplateSpec {
        weekdays: vec![],
        ..weekday_spec()
    };

    assert_eq!(invalid_field(SlotTemplate::new(spec)), "weekdays");
}

#[test]
fn a_range_that_ends_before_it_starts_is_rejected_naming_time_ranges() {
    let spec = TemplateSpec {
        time_ranges: vec![(time(12, 0), time(9, 0))],
        ..weekday_spec()
    };

    assert_eq!(invalid_field(SlotTemplate::new(spec)), "time_ranges");
}

#[test]
fn overlapping_ranges_are_rejected_naming_time_ranges() {
    let spec = TemplateSpec {
        time_ranges: vec![(time(13, 0), time(17, 0)), (time(9, 0), time(13, 30))],
        ..weekday_spec()
    };

    assert_eq!(invalid_field(SlotTemplate::new(spec)), "time_ranges");
}

#[test]
fn no_ranges_or_a_range_shorter_than_a_slot_is_rejected_naming_time_ranges() {
    let empty = TemplateSpec {
        time_ranges: vec![],
        ..weekday_spec()
    };
    let short = TemplateSpec {
        time_ranges: vec![(time(9, 0), time(9, 20))],
        slot_minutes: 30,
        ..weekday_spec()
    };

    assert_eq!(invalid_field(SlotTemplate::new(empty)), "time_ranges");
    assert_eq!(invalid_field(SlotTemplate::new(short)), "time_ranges");
}

#[test]
fn zero_capacity_zero_slot_length_and_excessive_windows_are_rejected_naming_the_field() {
    let cases = [
        (
            TemplateSpec {
                capacity: 0,
                ..weekday_spec()
            },
            "capacity",
        ),
        (
            TemplateSpec {
                slot_minutes: 0,
                ..weekday_spec()
            },
            "slot_minutes",
        ),
        (
            TemplateSpec {
                open_ahead_days: 400,
                ..weekday_spec()
            },
            "open_ahead_days",
        ),
        (
            TemplateSpec {
                same_day_cutoff_minutes: 2000,
                ..weekday_spec()
            },
            "same_day_cutoff_minutes",
        ),
    ];

    for (spec, field) in cases {
        assert_eq!(invalid_field(SlotTemplate::new(spec)), field);
    }
}

#[test]
fn touching_ranges_are_accepted_and_a_last_partial_slot_is_dropped() {
    let spec = TemplateSpec {
        time_ranges: vec![(time(13, 30), time(17, 0)), (time(9, 0), time(13, 30))],
        slot_minutes: 90,
        ..weekday_spec()
    };

    let template = SlotTemplate::new(spec).expect("touching ranges are valid");

    let starts: Vec<_> = template.day_slots().into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        starts,
        vec![
            time(9, 0),
            time(10, 30),
            time(12, 0),
            time(13, 30),
            time(15, 0)
        ]
    );
}

#[test]
fn the_template_works_only_on_its_weekdays() {
    let template = weekday_template();

    assert!(template.works_on(Weekday::Mon));
    assert!(template.works_on(Weekday::Fri));
    assert!(!template.works_on(Weekday::Sat));
    assert!(!template.works_on(Weekday::Sun));
}
