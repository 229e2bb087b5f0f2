//! A [`Hall`] written back as a YAML hall file (`queuecall hall show`), which
//! [`parse`](super::parse) reads back to the same hall.

use serde_yaml::{Mapping, Value};

use crate::booking::Calendar;
use crate::domain::CallRule;
use crate::hall::{Branch, BranchLevel, Hall, Service, ServiceAppointments, Window};

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Mapping::new();
    for (key, value) in entries {
        m.insert(Value::from(key), value);
    }
    Value::Mapping(m)
}

fn strings<T: ToString>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Sequence(
        items
            .into_iter()
            .map(|i| Value::from(i.to_string()))
            .collect(),
    )
}

fn weekday(day: chrono::Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.num_days_from_monday() as usize]
}

const WEEK: [chrono::Weekday; 7] = [
    chrono::Weekday::Mon,
    chrono::Weekday::Tue,
    chrono::Weekday::Wed,
    chrono::Weekday::Thu,
    chrono::Weekday::Fri,
    chrono::Weekday::Sat,
    chrono::Weekday::Sun,
];

fn appointments(booking: &ServiceAppointments) -> Value {
    let (t, p) = (&booking.template, &booking.policy);
    map(vec![
        (
            "weekdays",
            strings(WEEK.into_iter().filter(|d| t.works_on(*d)).map(weekday)),
        ),
        (
            "time_ranges",
            strings(
                t.ranges_of_day()
                    .iter()
                    .map(|r| format!("{}-{}", r.start().format("%H:%M"), r.end().format("%H:%M"))),
            ),
        ),
        ("slot_minutes", t.slot_minutes().into()),
        ("capacity", t.capacity().into()),
        ("open_ahead_days", t.open_ahead_days().into()),
        (
            "same_day_cutoff_minutes",
            t.same_day_cutoff_minutes().into(),
        ),
        ("max_active_per_person", p.max_active_per_person.into()),
        ("max_per_day", p.max_per_day.into()),
        ("max_per_week", p.max_per_week.into()),
        ("no_show_limit", p.no_show_limit.into()),
        ("no_show_window_days", p.no_show_window_days.into()),
        ("suspension_days", p.suspension_days.into()),
        ("cancel_before_minutes", p.cancel_before_minutes.into()),
        ("check_in_before_minutes", p.check_in_before_minutes.into()),
        ("check_in_after_minutes", p.check_in_after_minutes.into()),
    ])
}

fn service(s: &Service) -> Value {
    let mut entries = vec![
        ("id", Value::from(s.id.as_str())),
        ("name", s.name.as_str().into()),
        ("prefix", s.prefix.as_str().into()),
        ("daily_limit", s.daily_limit.into()),
        ("avg_service_seconds", s.avg_service_seed.as_secs().into()),
        ("turn_near", s.turn_near.into()),
        ("recall_limit", s.recall_limit.into()),
        ("requeue_offset", s.requeue_offset.into()),
        ("requeue_limit", s.requeue_limit.into()),
        (
            "priority_order",
            strings(s.priority_order.iter().map(|c| c.as_str())),
        ),
    ];
    if let Some(booking) = &s.appointments {
        entries.push(("appointments", appointments(booking)));
    }
    map(entries)
}

fn window(w: &Window) -> Value {
    let rule = match w.rule {
        CallRule::StrictOrder => Value::from("strict_order"),
        CallRule::OldestFirst => Value::from("oldest_first"),
        CallRule::Ratio { priority, normal } => map(vec![(
            "ratio",
            map(vec![
                ("priority", priority.into()),
                ("normal", normal.into()),
            ]),
        )]),
    };
    map(vec![
        ("number", w.number.get().into()),
        ("name", w.name.as_str().into()),
        ("services", strings(w.services.iter())),
        ("rule", rule),
    ])
}

fn calendar(calendar: &Calendar) -> Value {
    Value::Sequence(
        calendar
            .years()
            .map(|year| {
                let make_up = year
                    .make_up_days()
                    .map(|(date, follows)| {
                        map(vec![
                            ("date", date.format("%Y-%m-%d").to_string().into()),
                            ("follows", weekday(follows).into()),
                        ])
                    })
                    .collect();
                map(vec![
                    ("year", year.year().into()),
                    (
                        "holidays",
                        strings(year.holidays().map(|d| d.format("%Y-%m-%d"))),
                    ),
                    ("make_up_days", Value::Sequence(make_up)),
                ])
            })
            .collect(),
    )
}

fn branch(b: &Branch) -> Value {
    let level = match b.level {
        BranchLevel::District => "district",
        BranchLevel::Town => "town",
        BranchLevel::Village => "village",
    };
    let mut entries = vec![
        ("id", Value::from(b.id.as_str())),
        ("name", b.name.as_str().into()),
        ("level", level.into()),
        (
            "parent",
            b.parent
                .as_ref()
                .map_or(Value::Null, |p| Value::from(p.as_str())),
        ),
        ("time_zone", b.time_zone.name().into()),
        ("english_announcements", b.english_announcements.into()),
        (
            "services",
            Value::Sequence(b.services.iter().map(service).collect()),
        ),
        (
            "windows",
            Value::Sequence(b.windows.iter().map(window).collect()),
        ),
    ];
    if b.calendar.years().next().is_some() {
        entries.push(("calendar", calendar(&b.calendar)));
    }
    map(entries)
}

/// The hall as the text of a YAML hall file.
pub fn to_yaml(hall: &Hall) -> anyhow::Result<String> {
    let root = map(vec![(
        "branches",
        Value::Sequence(hall.branches.values().map(|b| branch(b)).collect()),
    )]);
    Ok(serde_yaml::to_string(&root)?)
}

#[cfg(test)]
mod tests {
    use super::super::{HallFormat, parse};

    #[test]
    fn the_demo_and_test_halls_read_back_as_written() {
        let test_hall =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hall.yaml");
        for hall in [
            crate::hall::demo::hall(),
            super::super::load(&test_hall).expect("test hall"),
        ] {
            let text = super::to_yaml(&hall).expect("yaml");
            let again = parse(&text, HallFormat::Yaml).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
            assert_eq!(again.branches, hall.branches);
        }
    }
}
