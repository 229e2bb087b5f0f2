//! The built `queuecallctl`'s appointment, statistics, rating and admin commands against
//! scripted services: what they send, what they print, and their exit status.

#![allow(clippy::unwrap_used)]

mod ctl;
mod fake;

use ctl::ctl;
use fake::Fake;

fn requests(fake: &Fake) -> Vec<String> {
    fake.requests.lock().unwrap().clone()
}

#[tokio::test]
async fn slots_default_to_the_week_from_the_branchs_service_day() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(addr, &["slots", "social-security"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2026-11-27 周五\n  09:00–09:30  剩余 5/5  district-centre.social-security.20261127.0900\n"
    );
    assert!(
        fake.last_request().starts_with(
            r#"ListAvailableSlotsRequest { branch_id: "district-centre", service_id: "social-security", from_date: "2026-11-27", to_date: "2026-12-03", include_unavailable: false"#
        ),
        "{}",
        fake.last_request()
    );

    let run = ctl(
        addr,
        &[
            "slots",
            "tax",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-30",
            "--all",
        ],
    )
    .await;
    assert!(
        run.stdout
            .ends_with("剩余 0/5  district-centre.tax.20261130.0930  (约满)\n"),
        "{}",
        run.stdout
    );
    assert!(
        fake.last_request().contains(
            r#"from_date: "2026-11-30", to_date: "2026-11-30", include_unavailable: true"#
        )
    );
    let branch_asked = requests(&fake)
        .iter()
        .filter(|r| r.starts_with("GetBranchRequest"))
        .count();
    assert_eq!(branch_asked, 1, "--from given: no GetBranch");

    let run = ctl(addr, &["slots", "nothing", "--from", "2026-11-30"]).await;
    assert_eq!(
        run.stdout,
        "no bookable slots of nothing from 2026-11-30 to 2026-12-06\n"
    );
}

#[tokio::test]
async fn book_generates_a_key_sends_it_and_prints_it() {
    let (addr, fake) = Fake::spawn_all().await;
    let args = [
        "book",
        "district-centre.social-security.20261130.0930",
        "--name",
        "张三",
        "--phone",
        "13812341234",
        "--id-number",
        "11010519491231002X",
    ];
    let run = ctl(addr, &args).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let key = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("  idempotency key: "))
        .expect("the key is printed")
        .to_owned();
    assert!(key.starts_with("qc-"), "{key}");
    let sent = fake.last_request();
    assert!(
        sent.contains(&format!(r#"idempotency_key: "{key}""#)),
        "{sent}"
    );
    assert!(
        sent.contains(r#"id_number: "11010519491231002X""#),
        "{sent}"
    );
    assert!(
        run.stdout.starts_with(
            "2026-11-30 周一 09:30–10:00 social-security: booked, check-in code 483920\n"
        ),
        "{}",
        run.stdout
    );
    for clear in ["张三", "13812341234", "11010519491231002X"] {
        assert!(!run.stdout.contains(clear), "{}", run.stdout);
    }

    let again = ctl(addr, &[&args[..], &["--key", "again"]].concat()).await;
    assert!(
        again
            .stdout
            .ends_with("  idempotency key: again\n  replayed: yes\n"),
        "{}",
        again.stdout
    );
    let other = ctl(addr, &args).await;
    let other_key = other
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("  idempotency key: "));
    assert_ne!(
        other_key,
        Some(key.as_str()),
        "each run without --key gets a new key"
    );
}

#[tokio::test]
async fn a_refused_booking_prints_the_reason_and_exits_2() {
    let (addr, _fake) = Fake::spawn_all().await;
    let run = ctl(
        addr,
        &[
            "book",
            "b.s.20261130.full",
            "--name",
            "n",
            "--phone",
            "p",
            "--id-number",
            "i",
        ],
    )
    .await;
    assert_eq!((run.status, run.stdout.as_str()), (2, ""));
    assert_eq!(
        run.stderr,
        "error: failed_precondition: slot_id: the slot is full\n"
    );
    let run = ctl(addr, &["appointment", "apt-404"]).await;
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: not_found: appointment apt-404 not found\n"
    );
}

#[tokio::test]
async fn appointment_commands_send_the_ids_they_are_given() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(addr, &["cancel-appointment", "apt-9"]).await;
    assert!(
        run.stdout
            .starts_with("2026-11-30 周一 09:30–10:00 social-security: cancelled\n  id: apt-9\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fake.last_request(),
        r#"CancelAppointmentRequest { appointment_id: "apt-9" }"#
    );

    let run = ctl(
        addr,
        &[
            "reschedule",
            "apt-9",
            "district-centre.social-security.20261201.1000",
        ],
    )
    .await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("\n  slot: district-centre.social-security.20261201.1000\n"),
        "{}",
        run.stdout
    );

    let run = ctl(
        addr,
        &["--branch", "town-1", "appointments", "--id-number", "X"],
    )
    .await;
    assert!(run.stdout.starts_with("DATE "), "{}", run.stdout);
    assert_eq!(
        fake.last_request(),
        r#"ListAppointmentsRequest { id_number: "X", branch_id: "" }"#,
        "every branch unless --at"
    );
    ctl(
        addr,
        &["appointments", "--id-number", "X", "--at", "town-1"],
    )
    .await;
    assert_eq!(
        fake.last_request(),
        r#"ListAppointmentsRequest { id_number: "X", branch_id: "town-1" }"#
    );
}

#[tokio::test]
async fn check_in_by_code_or_id_number_at_the_branch() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(
        addr,
        &["--branch", "town-1", "check-in", "--code", "483920"],
    )
    .await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        fake.last_request(),
        r#"CheckInRequest { branch_id: "town-1", by: Some(CheckInCode("483920")) }"#
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "预约签到成功，请等候叫号",
            "A001 waiting for social-security"
        ]
    );
    assert!(lines.contains(&"  priority: appointment"), "{}", run.stdout);
    assert_eq!(lines.last(), Some(&"  appointment: apt-1"));

    let run = ctl(addr, &["check-in", "--id-number", "11010519491231002X"]).await;
    assert!(
        fake.last_request()
            .contains(r#"by: Some(IdNumber("11010519491231002X"))"#)
    );
    assert!(
        run.stdout.ends_with("  appointment: apt-1\n  late: yes\n"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn stats_ask_for_the_service_day_and_print_a_table() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(addr, &["stats", "--by", "window"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        fake.last_request(),
        r#"GetStatisticsRequest { branch_id: "district-centre", from_date: "2026-11-27", to_date: "2026-11-27", group_by: Window }"#
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "statistics of district-centre, 2026-11-27, by window"
    );
    assert!(
        lines[2].starts_with("WINDOW ") && lines[2].contains(" TICKETS  DONE  NO-SHOW "),
        "{}",
        run.stdout
    );
    let total: Vec<&str> = lines[4].split_whitespace().collect();
    assert_eq!(
        total,
        [
            "total", "4", "3", "1", "0", "0", "0", "2m30s", "5m00s", "4m00s", "7m00s", "25.0%",
            "50.0%", "0", "-"
        ]
    );
}

#[tokio::test]
async fn rate_resolves_a_bare_number_and_is_refused_twice() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(
        addr,
        &["rate", "A001", "5", "--quality", "4", "--comment", "好"],
    )
    .await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "rating of district-centre.A001: overall 5/5\n  quality: 4/5\n  comment: 好\n"
    );
    assert!(fake.last_request().starts_with(r#"RateServiceRequest { ticket_id: "district-centre.A001", overall: 5, attitude: 0, quality: 4"#), "{}", fake.last_request());
    let run = ctl(addr, &["rate", "A002", "4"]).await;
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        "error: already_exists: ticket A002 is already rated\n"
    );
}

#[tokio::test]
async fn admin_layout_apply_and_calendar() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(addr, &["admin", "layout"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("layout version 7\n\nbranch district-centre (武进区政务服务中心), district, Asia/Shanghai\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("\ntax      B       200          mon-fri 09:00–12:00, 30 min × 2  税务\n"),
        "{}",
        run.stdout
    );
    assert_eq!(fake.last_request(), r#"GetLayoutRequest { branch_id: "" }"#);

    let dir = std::env::temp_dir().join(format!("queuecallctl-apply-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hall.toml");
    std::fs::write(&file, "[[branches]]\nid = \"x\"\n").unwrap();
    let run = ctl(addr, &["admin", "apply", file.to_str().unwrap()]).await;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        run.stdout,
        "applied: layout version 10, 1 branch (district-centre)\n"
    );
    assert_eq!(
        fake.last_request(),
        r#"ApplyHallRequest { text: "[[branches]]\nid = \"x\"\n", format: Toml }"#
    );

    let run = ctl(
        addr,
        &[
            "admin",
            "calendar",
            "2026",
            "--holiday",
            "2026-10-01",
            "--make-up",
            "2026-10-10:fri",
        ],
    )
    .await;
    assert_eq!(
        run.stdout,
        "calendar 2026: holidays 2026-10-01; make-up days 2026-10-10 (fri) of district-centre, layout version 9\n"
    );
}

#[tokio::test]
async fn admin_put_service_changes_only_what_is_given() {
    let (addr, fake) = Fake::spawn_all().await;
    let run = ctl(addr, &["admin", "put-service", "tax", "--capacity", "4"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "service tax of district-centre updated, layout version 8\n"
    );
    let sent = fake.last_request();
    assert!(sent.starts_with(r#"PutServiceRequest { branch_id: "district-centre", service: Some(ServiceLayout { id: "tax", name: "税务", ticket_prefix: "B", daily_limit: 200, avg_service_seconds: 600"#), "{sent}");
    assert!(sent.contains("slot_minutes: 30, capacity: 4"), "{sent}");

    let run = ctl(
        addr,
        &["admin", "put-service", "housing", "--name", "不动产登记"],
    )
    .await;
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: invalid_argument: --prefix is required for a new service\n"
    );
    assert!(
        !fake.last_request().starts_with("PutServiceRequest"),
        "nothing sent"
    );

    let run = ctl(
        addr,
        &["admin", "put-window", "2", "--rule", "oldest-first"],
    )
    .await;
    assert_eq!(
        run.stdout,
        "window 2 of district-centre updated, layout version 8\n"
    );
    assert!(
        fake.last_request()
            .contains(r#"name: "税务窗口", service_ids: ["tax"], call_rule: OldestFirst"#),
        "{}",
        fake.last_request()
    );
}
