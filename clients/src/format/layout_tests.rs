//! Formatting of the hall layout.

use super::*;

fn layout_of() -> Layout {
    let service = pb::ServiceLayout {
        id: "social-security".to_owned(),
        name: "社保医保".to_owned(),
        ticket_prefix: "A".to_owned(),
        daily_limit: 300,
        appointments: Some(pb::AppointmentSettings {
            weekdays: (1..=5).collect(),
            time_ranges: vec![
                pb::TimeRange {
                    start: "09:00".to_owned(),
                    end: "12:00".to_owned(),
                },
                pb::TimeRange {
                    start: "13:30".to_owned(),
                    end: "17:00".to_owned(),
                },
            ],
            slot_minutes: 30,
            capacity: 5,
            ..pb::AppointmentSettings::default()
        }),
        ..pb::ServiceLayout::default()
    };
    let tax = pb::ServiceLayout {
        id: "tax".to_owned(),
        name: "税务".to_owned(),
        ticket_prefix: "B".to_owned(),
        daily_limit: 200,
        ..pb::ServiceLayout::default()
    };
    let window = pb::WindowLayout {
        number: 1,
        name: "综合窗口".to_owned(),
        service_ids: vec!["social-security".to_owned(), "tax".to_owned()],
        call_rule: pb::CallRule::Ratio.into(),
        ratio_priority: 1,
        ratio_normal: 2,
    };
    let year = pb::CalendarYear {
        year: 2026,
        holidays: vec!["2026-10-01".to_owned(), "2026-10-02".to_owned()],
        make_up_days: vec![pb::MakeUpDay {
            date: "2026-10-10".to_owned(),
            follows: pb::Weekday::Monday.into(),
        }],
    };
    Layout {
        version: 7,
        branches: vec![pb::BranchLayout {
            id: "district-centre".to_owned(),
            name: "武进区政务服务中心".to_owned(),
            level: pb::BranchLevel::District.into(),
            parent_id: String::new(),
            time_zone: "Asia/Shanghai".to_owned(),
            english_announcements: true,
            services: vec![service, tax],
            windows: vec![window],
            calendar: vec![year],
        }],
    }
}

#[test]
fn the_whole_layout() {
    let expected = "\
layout version 7

branch district-centre (武进区政务服务中心), district, Asia/Shanghai, english announcements
SERVICE          PREFIX  DAILY LIMIT  APPOINTMENTS                                 NAME
social-security  A       300          mon-fri 09:00–12:00 13:30–17:00, 30 min × 5  社保医保
tax              B       200          -                                            税务
WINDOW  RULE       SERVICES             NAME
1       ratio 1:2  social-security,tax  综合窗口
calendar 2026: holidays 2026-10-01 2026-10-02; make-up days 2026-10-10 (mon)";
    assert_eq!(layout(&layout_of()), expected);
}

#[test]
fn a_child_branch_names_its_parent() {
    let mut l = layout_of();
    l.branches[0].parent_id = "county".to_owned();
    l.branches[0].level = pb::BranchLevel::Town.into();
    l.branches[0].english_announcements = false;
    let text = layout(&l);
    assert!(
        text.contains(
            "\nbranch district-centre (武进区政务服务中心), town, parent county, Asia/Shanghai\n"
        ),
        "{text}"
    );
}

#[test]
fn weekday_runs_are_shortened() {
    use pb::Weekday::*;
    assert_eq!(
        weekdays(&[Monday, Tuesday, Wednesday, Thursday, Friday]),
        "mon-fri"
    );
    assert_eq!(weekdays(&[Saturday, Monday, Wednesday]), "mon,wed,sat");
    assert_eq!(
        weekdays(&[Monday, Tuesday, Wednesday, Saturday]),
        "mon-wed,sat"
    );
    assert_eq!(weekdays(&[Monday, Tuesday]), "mon,tue");
    assert_eq!(weekdays(&[]), "");
}

#[test]
fn apply_and_put_answers() {
    let l = layout_of();
    assert_eq!(
        applied(&l),
        "applied: layout version 7, 1 branch (district-centre)"
    );
    assert_eq!(
        done("service", "tax", "district-centre", "created", 9),
        "service tax of district-centre created, layout version 9"
    );
    assert_eq!(
        done("window", "5", "b1", "deleted", 10),
        "window 5 of b1 deleted, layout version 10"
    );
    assert_eq!(
        branch_done("town-1", "updated", 11),
        "branch town-1 updated, layout version 11"
    );
    let empty = pb::CalendarYear {
        year: 2027,
        ..pb::CalendarYear::default()
    };
    assert_eq!(
        calendar_line(&empty),
        "calendar 2027: holidays -; make-up days -"
    );
}

#[test]
fn runs_of_holidays_read_as_ranges() {
    let year = pb::CalendarYear {
        year: 2026,
        holidays: [
            "2026-09-25",
            "2026-09-26",
            "2026-10-01",
            "2026-10-02",
            "2026-10-03",
            "2026-10-04",
            "someday",
        ]
        .map(str::to_owned)
        .to_vec(),
        make_up_days: Vec::new(),
    };
    assert_eq!(
        calendar_line(&year),
        "calendar 2026: holidays 2026-09-25 2026-09-26 2026-10-01–2026-10-04 someday; make-up days -"
    );
}
