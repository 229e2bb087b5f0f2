//! A good hall file in both syntaxes, and bad ones whose errors must name field and line.

use super::{HallFormat, parse};
use crate::domain::{BranchId, CallRule, PriorityClass, ServiceId, WindowNo};

const GOOD_YAML: &str = r"
branches:
  - id: district-centre
    name: 武进区政务服务中心
    level: district
    parent: null
    english_announcements: true
    services:
      - id: social-security
        name: 社保医保
        prefix: A
        daily_limit: 300
        avg_service_seconds: 300
      - id: tax
        name: 税务
        prefix: B
        daily_limit: 200
        avg_service_seconds: 420
        recall_limit: 2
        priority_order: [appointment, green_channel, normal]
    windows:
      - number: 1
        name: 综合窗口
        services: [social-security, tax]
        rule: oldest_first
      - number: 2
        name: 税务窗口
        services: [tax]
        rule: {ratio: {priority: 1, normal: 2}}
";

const GOOD_TOML: &str = r#"
[[branches]]
id = "district-centre"
name = "武进区政务服务中心"
level = "district"
english_announcements = true

[[branches.services]]
id = "social-security"
name = "社保医保"
prefix = "A"
daily_limit = 300
avg_service_seconds = 300

[[branches.services]]
id = "tax"
name = "税务"
prefix = "B"
daily_limit = 200
avg_service_seconds = 420
recall_limit = 2
priority_order = ["appointment", "green_channel", "normal"]

[[branches.windows]]
number = 1
name = "综合窗口"
services = ["social-security", "tax"]
rule = "oldest_first"

[[branches.windows]]
number = 2
name = "税务窗口"
services = ["tax"]
rule = { ratio = { priority = 1, normal = 2 } }
"#;

fn assert_good(format: HallFormat, text: &str) {
    let hall = parse(text, format).unwrap_or_else(|e| panic!("{format:?}: {e:#}"));
    let branch = hall
        .branch(&BranchId::parse("id", "district-centre").expect("id"))
        .expect("branch");
    assert_eq!(branch.time_zone, chrono_tz::Asia::Shanghai);
    assert!(branch.english_announcements);
    assert_eq!(branch.parent, None);
    let tax = branch
        .service(&ServiceId::parse("id", "tax").expect("id"))
        .expect("tax");
    assert_eq!(tax.prefix, "B");
    assert_eq!(tax.recall_limit, 2);
    assert_eq!(tax.requeue_offset, 3);
    assert_eq!(tax.avg_service_seed.as_secs(), 420);
    assert_eq!(tax.priority_order[0], PriorityClass::Appointment);
    let social = &branch.services[0];
    assert_eq!(social.priority_order[0], PriorityClass::GreenChannel);
    assert_eq!(social.turn_near, 3);
    let window = branch
        .window(WindowNo::parse("n", 2).expect("2"))
        .expect("window 2");
    assert_eq!(
        window.rule,
        CallRule::Ratio {
            priority: 1,
            normal: 2
        }
    );
    assert_eq!(branch.windows[0].rule, CallRule::OldestFirst);
    assert_eq!(branch.windows[0].services.len(), 2);
}

#[test]
fn good_yaml_file_parses() {
    assert_good(HallFormat::Yaml, GOOD_YAML);
}

#[test]
fn good_toml_file_parses() {
    assert_good(HallFormat::Toml, GOOD_TOML);
}

/// GOOD_YAML with `from` replaced by `to`, parsed; the error text.
fn yaml_error(from: &str, to: &str) -> String {
    assert!(GOOD_YAML.contains(from), "fixture lacks {from:?}");
    let text = GOOD_YAML.replacen(from, to, 1);
    let err = parse(&text, HallFormat::Yaml).expect_err("bad file must be rejected");
    format!("{err:#}")
}

fn assert_names(message: &str, field: &str, line: usize) {
    assert!(message.contains(field), "{message:?} should name {field}");
    assert!(
        message.contains(&format!("line {line}")),
        "{message:?} should name line {line}"
    );
}

#[test]
fn unknown_field_names_field_and_line() {
    let msg = yaml_error("        daily_limit: 200\n", "        daily_limt: 200\n");
    assert_names(&msg, "daily_limt", 17);
    assert!(msg.contains("branches[0].services[1]"), "{msg}");
}

#[test]
fn bad_prefix_names_field_and_line() {
    let msg = yaml_error("prefix: B", "prefix: b2");
    assert_names(&msg, "branches[0].services[1].prefix", 16);
}

#[test]
fn bad_time_zone_names_field_and_line() {
    let msg = yaml_error(
        "    parent: null\n",
        "    parent: null\n    time_zone: Asia/Shangai\n",
    );
    assert_names(&msg, "branches[0].time_zone", 7);
    assert!(msg.contains("Asia/Shangai"), "{msg}");
}

#[test]
fn window_serving_unknown_service_names_path_and_line() {
    let msg = yaml_error("services: [tax]", "services: [taxes]");
    assert_names(&msg, "branches[0].windows[1].services[0]", 28);
    assert!(msg.contains("'taxes'"), "{msg}");
}

#[test]
fn duplicate_prefix_names_path_and_line() {
    let msg = yaml_error("prefix: B", "prefix: A");
    assert_names(&msg, "branches[0].services[1].prefix", 16);
}

#[test]
fn toml_errors_name_field_and_line() {
    let text = GOOD_TOML.replacen("prefix = \"B\"", "prefix = \"b\"", 1);
    let msg = format!("{:#}", parse(&text, HallFormat::Toml).expect_err("bad"));
    assert!(msg.contains("prefix"), "{msg}");
    assert!(msg.contains("line 18"), "{msg}");
    let text = GOOD_TOML.replacen("services = [\"tax\"]", "services = [\"taxes\"]", 1);
    let msg = format!("{:#}", parse(&text, HallFormat::Toml).expect_err("bad"));
    assert_names(&msg, "branches[0].windows[1].services[0]", 33);
}

#[test]
fn other_cross_references_are_checked() {
    let msg = yaml_error("      - number: 2\n", "      - number: 1\n");
    assert_names(&msg, "branches[0].windows[1].number", 26);
    let msg = yaml_error("      - id: tax\n", "      - id: social-security\n");
    assert_names(&msg, "branches[0].services[1].id", 14);
    let msg = yaml_error("parent: null", "parent: town-centre");
    assert_names(&msg, "branches[0].parent", 6);
    let msg = yaml_error(
        "rule: oldest_first",
        "rule: {ratio: {priority: 0, normal: 2}}",
    );
    assert!(msg.contains("windows[0].rule"), "{msg}");
    let msg = yaml_error("daily_limit: 300", "daily_limit: 0");
    assert_names(&msg, "daily_limit", 12);
}

const BOOKING_YAML: &str = r#"
branches:
  - id: district-centre
    name: 武进区政务服务中心
    level: district
    services:
      - id: social-security
        name: 社保医保
        prefix: A
        daily_limit: 300
        avg_service_seconds: 300
        appointments:
          weekdays: [mon, tue, wed, thu, fri]
          time_ranges: ["09:00-12:00", "13:30-17:00"]
          slot_minutes: 30
          capacity: 5
          open_ahead_days: 14
          same_day_cutoff_minutes: 30
          max_per_week: 2
    windows:
      - number: 1
        name: 综合窗口
        services: [social-security]
        rule: oldest_first
    calendar:
      - year: 2026
        holidays: [2026-10-01, 2026-10-02]
        make_up_days:
          - {date: 2026-10-10, follows: fri}
"#;

fn booking_error(from: &str, to: &str) -> String {
    assert!(BOOKING_YAML.contains(from), "fixture lacks {from:?}");
    let text = BOOKING_YAML.replacen(from, to, 1);
    let err = parse(&text, HallFormat::Yaml).expect_err("bad file must be rejected");
    format!("{err:#}")
}

#[test]
fn appointments_and_calendar_parse_with_default_policy() {
    use chrono::{NaiveDate, NaiveTime, Weekday};
    let hall = parse(BOOKING_YAML, HallFormat::Yaml).unwrap_or_else(|e| panic!("{e:#}"));
    let branch = hall.branches.values().next().expect("branch");
    let booking = branch.services[0].appointments.as_ref().expect("bookable");
    let template = &booking.template;
    assert!(template.works_on(Weekday::Fri));
    assert!(!template.works_on(Weekday::Sat));
    assert_eq!(template.slot_minutes(), 30);
    assert_eq!(template.capacity(), 5);
    assert_eq!(template.open_ahead_days(), 14);
    assert_eq!(template.same_day_cutoff_minutes(), 30);
    assert_eq!(template.day_slots().len(), 13);
    assert_eq!(
        template.ranges_of_day()[1].start(),
        NaiveTime::from_hms_opt(13, 30, 0).expect("time")
    );
    let expected = crate::hall::BookingPolicy {
        max_per_week: 2,
        ..Default::default()
    };
    assert_eq!(booking.policy, expected);
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    assert_eq!(branch.calendar.schedule_of(date(10, 1)), None);
    assert_eq!(
        branch.calendar.schedule_of(date(10, 10)),
        Some(Weekday::Fri)
    );
    assert_eq!(branch.calendar.schedule_of(date(10, 9)), Some(Weekday::Fri));
}

#[test]
fn booking_errors_name_field_and_line() {
    let msg = booking_error("[mon, tue,", "[mon, tues,");
    assert_names(&msg, "weekdays", 13);
    let msg = booking_error("\"13:30-17:00\"", "\"13:30-1700\"");
    assert_names(&msg, "time_ranges", 14);
    let msg = booking_error("\"13:30-17:00\"", "\"11:30-17:00\"");
    assert_names(&msg, "branches[0].services[0].appointments.time_ranges", 14);
    let msg = booking_error("capacity: 5", "capacity: 0");
    assert_names(&msg, "capacity", 16);
    let msg = booking_error("max_per_week: 2", "max_per_week: 0");
    assert_names(
        &msg,
        "branches[0].services[0].appointments.max_per_week",
        19,
    );
    let msg = booking_error("max_per_week: 2", "max_per_wek: 2");
    assert_names(&msg, "max_per_wek", 19);
    let msg = booking_error("2026-10-02]", "2027-10-02]");
    assert_names(&msg, "branches[0].calendar[0].holidays[1]", 27);
    let msg = booking_error("2026-10-02]", "2026-10-32]");
    assert_names(&msg, "holidays", 27);
    let msg = booking_error("date: 2026-10-10", "date: 2026-10-01");
    assert_names(&msg, "branches[0].calendar[0].make_up_days[0].date", 29);
    let msg = booking_error("follows: fri", "follows: friday2");
    assert_names(&msg, "follows", 29);
    let msg = booking_error(
        "          - {date: 2026-10-10, follows: fri}\n",
        "          - {date: 2026-10-10, follows: fri}\n      - year: 2026\n",
    );
    assert_names(&msg, "branches[0].calendar[1].year", 30);
}

#[test]
fn the_integration_tests_hall_file_parses_with_its_booking_settings() {
    use chrono::{NaiveDate, Weekday};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hall.yaml");
    let hall = super::load(&path).unwrap_or_else(|e| panic!("{e:#}"));
    let branch = hall
        .branch(&BranchId::parse("id", "test-centre").expect("id"))
        .expect("test-centre");
    let social = branch
        .service(&ServiceId::parse("id", "social-security").expect("id"))
        .expect("social-security");
    let booking = social.appointments.as_ref().expect("bookable");
    assert_eq!(booking.template.day_slots().len(), 13);
    assert_eq!(booking.policy, crate::hall::BookingPolicy::default());
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    assert_eq!(branch.calendar.schedule_of(date(12, 2)), None);
    assert_eq!(branch.calendar.schedule_of(date(12, 5)), Some(Weekday::Wed));
}

#[test]
fn toml_files_carry_appointments_and_calendar_with_quoted_dates() {
    let text = format!(
        "{GOOD_TOML}{}",
        r#"
[branches.services.appointments]
weekdays = ["mon", "fri"]
time_ranges = ["09:00-11:00"]
slot_minutes = 60
capacity = 2
open_ahead_days = 7

[[branches.calendar]]
year = 2026
holidays = ["2026-10-01"]
make_up_days = [{ date = "2026-10-10", follows = "fri" }]
"#
    );
    let hall = parse(&text, HallFormat::Toml).unwrap_or_else(|e| panic!("{e:#}"));
    let branch = hall.branches.values().next().expect("branch");
    // The appointments table belongs to the last service listed before it (tax).
    let tax = branch.services.last().expect("tax");
    let booking = tax.appointments.as_ref().expect("bookable");
    assert_eq!(booking.template.day_slots().len(), 2);
    let date = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    assert_eq!(branch.calendar.schedule_of(date(10, 1)), None);
    let unquoted = text.replace("\"2026-10-01\"", "2026-10-01");
    let msg = format!("{:#}", parse(&unquoted, HallFormat::Toml).expect_err("bad"));
    assert!(msg.contains("holidays"), "{msg}");
}
