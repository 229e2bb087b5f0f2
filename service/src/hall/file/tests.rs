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
