//! Parsing of `queuecallctl admin …` and how put-service and put-window change what is stored.

use clap::Parser;
use clap::error::ErrorKind;

use super::*;
use crate::cli::args::{Cli, Command};

fn admin(args: &[&str]) -> AdminAction {
    let mut argv = vec!["queuecallctl", "--branch", "b1", "admin"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(&argv) {
        Ok(Cli {
            command: Command::Admin { action },
            ..
        }) => action,
        Ok(other) => panic!("{argv:?} parsed as {other:?}"),
        Err(err) => panic!("{argv:?} did not parse: {err}"),
    }
}

fn fails(args: &[&str]) -> ErrorKind {
    let mut argv = vec!["queuecallctl", "admin"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(&argv) {
        Ok(cli) => panic!("{argv:?} parsed as {cli:?}"),
        Err(err) => err.kind(),
    }
}

fn put_service(args: &[&str]) -> PutServiceArgs {
    let mut all = vec!["put-service"];
    all.extend_from_slice(args);
    match admin(&all) {
        AdminAction::PutService(args) => args,
        other => panic!("not put-service: {other:?}"),
    }
}

fn put_window(args: &[&str]) -> PutWindowArgs {
    let mut all = vec!["put-window"];
    all.extend_from_slice(args);
    match admin(&all) {
        AdminAction::PutWindow(args) => args,
        other => panic!("not put-window: {other:?}"),
    }
}

#[test]
fn layout_of_every_branch_or_one() {
    assert_eq!(admin(&["layout"]), AdminAction::Layout { shown: None });
    assert_eq!(
        admin(&["layout", "town-1"]),
        AdminAction::Layout {
            shown: Some("town-1".to_owned())
        }
    );
}

#[test]
fn apply_reads_the_format_from_the_extension() {
    assert_eq!(
        admin(&["apply", "hall.yaml"]),
        AdminAction::Apply {
            hall_file: PathBuf::from("hall.yaml")
        }
    );
    assert_eq!(fails(&["apply"]), ErrorKind::MissingRequiredArgument);
    let format = |p: &str| hall_format(std::path::Path::new(p));
    assert_eq!(format("hall.toml"), pb::HallFormat::Toml);
    assert_eq!(format("conf/HALL.TOML"), pb::HallFormat::Toml);
    assert_eq!(format("hall.yaml"), pb::HallFormat::Yaml);
    assert_eq!(format("hall.yml"), pb::HallFormat::Yaml);
    assert_eq!(format("hall"), pb::HallFormat::Yaml);
}

#[test]
fn a_new_service_needs_name_and_prefix_and_gets_defaults() {
    assert_eq!(
        put_service(&["tax", "--prefix", "B"]).apply_to(None),
        Err("--name is required for a new service".to_owned())
    );
    assert_eq!(
        put_service(&["tax", "--name", "税务"]).apply_to(None),
        Err("--prefix is required for a new service".to_owned())
    );
    let s = put_service(&["tax", "--name", "税务", "--prefix", "B"])
        .apply_to(None)
        .unwrap();
    assert_eq!(
        (s.id.as_str(), s.name.as_str(), s.ticket_prefix.as_str()),
        ("tax", "税务", "B")
    );
    assert_eq!((s.daily_limit, s.avg_service_seconds), (300, 300));
    assert_eq!(
        s.priority_order().collect::<Vec<_>>(),
        [
            pb::PriorityClass::GreenChannel,
            pb::PriorityClass::Appointment,
            pb::PriorityClass::Normal
        ]
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert_eq!(s.appointments, None);
}

#[test]
fn an_existing_service_keeps_what_is_not_given() {
    let stored = pb::ServiceLayout {
        id: "tax".to_owned(),
        name: "税务".to_owned(),
        ticket_prefix: "B".to_owned(),
        daily_limit: 200,
        avg_service_seconds: 600,
        recall_limit: 5,
        ..pb::ServiceLayout::default()
    };
    let s = put_service(&[
        "tax",
        "--daily-limit",
        "250",
        "--priority-order",
        "appointment,normal",
    ])
    .apply_to(Some(stored.clone()))
    .unwrap();
    assert_eq!(s.daily_limit, 250);
    assert_eq!(
        (s.name.as_str(), s.avg_service_seconds, s.recall_limit),
        ("税务", 600, 5)
    );
    assert_eq!(
        s.priority_order().collect::<Vec<_>>(),
        vec![pb::PriorityClass::Appointment, pb::PriorityClass::Normal]
    );
    assert_eq!(
        put_service(&["tax"]).apply_to(Some(stored.clone())),
        Ok(stored)
    );
}

#[test]
fn hours_make_a_service_bookable() {
    let args = put_service(&[
        "tax",
        "--hours",
        "09:00-12:00,13:30–17:00",
        "--capacity",
        "5",
        "--weekdays",
        "mon-wed,sat",
    ]);
    let stored = pb::ServiceLayout {
        id: "tax".to_owned(),
        ..pb::ServiceLayout::default()
    };
    let a = args
        .apply_to(Some(stored.clone()))
        .unwrap()
        .appointments
        .unwrap();
    assert_eq!(
        a.time_ranges,
        vec![
            pb::TimeRange {
                start: "09:00".to_owned(),
                end: "12:00".to_owned()
            },
            pb::TimeRange {
                start: "13:30".to_owned(),
                end: "17:00".to_owned()
            }
        ]
    );
    assert_eq!(a.capacity, 5);
    assert_eq!(a.slot_minutes, 30, "the default slot length");
    assert_eq!(
        a.weekdays().collect::<Vec<_>>(),
        vec![
            pb::Weekday::Monday,
            pb::Weekday::Tuesday,
            pb::Weekday::Wednesday,
            pb::Weekday::Saturday
        ]
    );
    assert_eq!(
        (a.max_active_per_person, a.check_in_before_minutes),
        (1, 30)
    );

    assert!(
        put_service(&["tax", "--capacity", "5"])
            .apply_to(Some(stored.clone()))
            .unwrap_err()
            .contains("--hours is required")
    );
    let mut bookable = stored;
    bookable.appointments = Some(a);
    let s = put_service(&["tax", "--capacity", "8"])
        .apply_to(Some(bookable.clone()))
        .unwrap();
    assert_eq!(
        s.appointments
            .as_ref()
            .map(|a| (a.capacity, a.time_ranges.len())),
        Some((8, 2))
    );
    let s = put_service(&["tax", "--no-appointments"])
        .apply_to(Some(bookable))
        .unwrap();
    assert_eq!(s.appointments, None);
    assert_eq!(
        fails(&["put-service", "tax", "--no-appointments", "--capacity", "2"]),
        ErrorKind::ArgumentConflict
    );
}

#[test]
fn bad_weekdays_and_hours_are_refused() {
    assert!(parse_weekdays("fri-mon").is_err());
    assert!(parse_weekdays("funday").is_err());
    assert!(parse_ranges("09:00").is_err());
    assert!(parse_ranges("12:00-09:00").is_err());
    assert!(parse_ranges("9h-10h").is_err());
    assert_eq!(
        fails(&["put-service", "tax", "--hours", "25:00-26:00"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(
        parse_weekdays("7,1").unwrap(),
        Weekdays(vec![pb::Weekday::Monday, pb::Weekday::Sunday])
    );
}

#[test]
fn windows_new_and_changed() {
    assert_eq!(
        put_window(&["5"]).apply_to(None),
        Err("--name is required for a new window".to_owned())
    );
    let w = put_window(&["5", "--name", "税务窗口", "--services", "tax,permits"])
        .apply_to(None)
        .unwrap();
    assert_eq!(w.number, 5);
    assert_eq!(w.service_ids, vec!["tax".to_owned(), "permits".to_owned()]);
    assert_eq!(w.call_rule(), pb::CallRule::OldestFirst);
    assert_eq!(
        put_window(&["5", "--rule", "ratio"]).apply_to(Some(w.clone())),
        Err("--rule ratio needs --ratio <priority>:<normal>".to_owned())
    );
    let ratio = put_window(&["5", "--rule", "ratio", "--ratio", "1:2"])
        .apply_to(Some(w))
        .unwrap();
    assert_eq!(
        (
            ratio.call_rule(),
            ratio.ratio_priority,
            ratio.ratio_normal,
            ratio.name.as_str()
        ),
        (pb::CallRule::Ratio, 1, 2, "税务窗口")
    );
    assert_eq!(fails(&["put-window", "0"]), ErrorKind::ValueValidation);
    assert_eq!(
        fails(&["put-window", "5", "--ratio", "0:2"]),
        ErrorKind::ValueValidation
    );
}

#[test]
fn a_calendar_year_with_holidays_and_make_up_days() {
    let AdminAction::Calendar(args) = admin(&[
        "calendar",
        "2026",
        "--holiday",
        "2026-10-01",
        "--holiday",
        "2026-10-02",
        "--make-up",
        "2026-10-10:monday",
    ]) else {
        panic!("not calendar");
    };
    let year = args.into_year();
    assert_eq!(year.year, 2026);
    assert_eq!(
        year.holidays,
        vec!["2026-10-01".to_owned(), "2026-10-02".to_owned()]
    );
    assert_eq!(
        year.make_up_days,
        vec![pb::MakeUpDay {
            date: "2026-10-10".to_owned(),
            follows: pb::Weekday::Monday.into()
        }]
    );
    assert_eq!(
        fails(&["calendar", "2026", "--make-up", "2026-10-10"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(
        fails(&["calendar", "2026", "--holiday", "10-01"]),
        ErrorKind::ValueValidation
    );
}

#[test]
fn a_new_branch_needs_name_and_level_and_sends_no_parts() {
    let put = |args: &[&str]| {
        let mut all = vec!["put-branch"];
        all.extend_from_slice(args);
        match admin(&all) {
            AdminAction::PutBranch(args) => args,
            other => panic!("not put-branch: {other:?}"),
        }
    };
    assert_eq!(
        put(&["town-2", "--level", "town"]).apply_to(None),
        Err("--name is required for a new branch".to_owned())
    );
    assert_eq!(
        put(&["town-2", "--name", "湖塘镇"]).apply_to(None),
        Err("--level is required for a new branch".to_owned())
    );
    let b = put(&[
        "town-2",
        "--name",
        "湖塘镇便民服务中心",
        "--level",
        "town",
        "--parent",
        "district-centre",
    ])
    .apply_to(None)
    .unwrap();
    assert_eq!(
        (
            b.id.as_str(),
            b.level(),
            b.parent_id.as_str(),
            b.time_zone.as_str()
        ),
        (
            "town-2",
            pb::BranchLevel::Town,
            "district-centre",
            "Asia/Shanghai"
        )
    );
    assert!(!b.english_announcements);

    let stored = pb::BranchLayout {
        services: vec![pb::ServiceLayout::default()],
        windows: vec![pb::WindowLayout::default()],
        calendar: vec![pb::CalendarYear::default()],
        ..b
    };
    let changed = put(&["town-2", "--parent", "", "--english-announcements", "true"])
        .apply_to(Some(stored))
        .unwrap();
    assert_eq!(
        changed.parent_id, "",
        "an empty --parent makes it top-level"
    );
    assert!(changed.english_announcements);
    assert_eq!(changed.name, "湖塘镇便民服务中心");
    assert!(
        changed.services.is_empty() && changed.windows.is_empty() && changed.calendar.is_empty()
    );
    assert_eq!(
        fails(&["put-branch", "x", "--level", "city"]),
        ErrorKind::InvalidValue
    );
}

#[test]
fn deletes_name_what_they_delete() {
    assert_eq!(
        admin(&["delete-branch", "town-2"]),
        AdminAction::DeleteBranch {
            deleted: "town-2".to_owned()
        }
    );
    assert_eq!(
        fails(&["delete-branch"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        admin(&["delete-service", "tax"]),
        AdminAction::DeleteService {
            service: "tax".to_owned()
        }
    );
    assert_eq!(
        admin(&["delete-window", "7"]),
        AdminAction::DeleteWindow { number: 7 }
    );
    assert_eq!(fails(&["delete-window", "0"]), ErrorKind::ValueValidation);
}
