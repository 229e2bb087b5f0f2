//! `queuecallctl` end to end for issue 4 against the real service: slots, booking, check-in
//! until the ticket is called; statistics and ratings of a served ticket; the layout admin.
//!
//! The test hall's `social-security` is bookable (Monday to Friday, 09:00–12:00 and
//! 13:30–17:00, 30-minute slots of 5 seats, closing 30 minutes before a slot); the tests'
//! clock starts on Friday 2026-11-27 09:00 in Shanghai.

use std::time::Duration;

use queuecall_tests::*;

/// Runs `queuecallctl --server <app> --branch test-centre <args…>`.
async fn ctl(app: &TestApp, args: &[&str]) -> CliOutput {
    let mut all = vec!["--branch", BRANCH];
    all.extend_from_slice(args);
    run_cli(&app.url(), &all).await
}

/// As [`ctl`], until `done` holds for the output (the service catches up in the background).
async fn ctl_until(app: &TestApp, args: &[&str], done: impl Fn(&str) -> bool) -> CliOutput {
    let mut all = vec!["--branch", BRANCH];
    all.extend_from_slice(args);
    run_cli_until(&app.url(), &all, |out| {
        out.status.success() && done(&out.stdout)
    })
    .await
}

/// Today's (Friday's) 10:00 slot: bookable at 09:00, check-in from 09:30.
const TEN_OCLOCK: &str = "test-centre.social-security.20261127.1000";

async fn book(app: &TestApp, slot: &str, person: u32, extra: &[&str]) -> CliOutput {
    let id = resident_id(person);
    let mut args = vec![
        "book",
        slot,
        "--name",
        "张三",
        "--phone",
        "13812345678",
        "--id-number",
        &id,
    ];
    args.extend_from_slice(extra);
    ctl(app, &args).await
}

/// `slots <service> --from <from> --to <to>`.
async fn slots_between(app: &TestApp, service: &str, from: &str, to: &str) -> CliOutput {
    ctl(app, &["slots", service, "--from", from, "--to", to]).await
}

/// The cells of the table row whose first cell is `key`.
fn row<'a>(table: &'a str, key: &str) -> Vec<&'a str> {
    table
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&key))
        .unwrap_or_else(|| panic!("no row {key} in:\n{table}"))
}

#[tokio::test]
async fn a_booking_walk_through_from_the_slots_to_the_call() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    // The week from today: Friday's later slots first.
    let slots = ctl(&app, &["slots", SOCIAL]).await;
    let slots = slots.assert_success();
    assert_eq!(slots.lines().next(), Some("2026-11-27 周五"), "{slots}");
    assert!(
        slots.contains(&format!("\n  10:00–10:30  剩余 5/5  {TEN_OCLOCK}\n")),
        "{slots}"
    );

    let booked = book(&app, TEN_OCLOCK, 1, &[]).await;
    let booked = booked.assert_success();
    let headline = booked.lines().next().unwrap_or_default();
    assert!(
        headline.starts_with("2026-11-27 周五 10:00–10:30 social-security: booked, check-in code "),
        "{booked}"
    );
    let id = field(booked, "id").expect("an appointment id").to_owned();
    let code = field(booked, "check-in code").expect("a code").to_owned();
    assert_eq!(code.len(), 6, "{booked}");
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{booked}");
    assert_eq!(field(booked, "slot"), Some(TEN_OCLOCK));
    assert_eq!(field(booked, "phone"), Some("138****5678"));
    assert!(
        field(booked, "idempotency key").is_some_and(|k| !k.is_empty()),
        "{booked}"
    );
    for clear in [resident_id(1).as_str(), "13812345678", "张三"] {
        assert!(!booked.contains(clear), "personal data in clear: {booked}");
    }

    let fewer = slots_between(&app, SOCIAL, "2026-11-27", "2026-11-27").await;
    assert!(
        fewer
            .assert_success()
            .contains(&format!("  10:00–10:30  剩余 4/5  {TEN_OCLOCK}")),
        "{fewer:?}"
    );
    let shown = ctl(&app, &["appointment", &id]).await;
    assert_eq!(shown.assert_success().lines().next(), Some(headline));
    let mine = ctl(&app, &["appointments", "--id-number", &resident_id(1)]).await;
    let mine = mine.assert_success();
    assert!(mine.starts_with("DATE "), "{mine}");
    assert!(
        mine.lines()
            .any(|l| l.contains(&code) && l.contains("booked") && l.ends_with(&id)),
        "{mine}"
    );

    // 09:45: inside the check-in window (09:30 to 10:15).
    app.advance(Duration::from_secs(45 * 60));
    let checked = ctl(&app, &["check-in", "--code", &code]).await;
    let checked = checked.assert_success();
    let lines: Vec<&str> = checked.lines().collect();
    // The kiosk's message (「预约签到成功…」), then the ticket.
    assert!(
        !lines[0].is_empty() && !lines[0].starts_with("A001"),
        "{checked}"
    );
    assert_eq!(
        lines.get(1),
        Some(&"A001 waiting for social-security"),
        "{checked}"
    );
    assert_eq!(field(checked, "priority"), Some("appointment"), "{checked}");
    assert_eq!(
        field(checked, "appointment"),
        Some(id.as_str()),
        "{checked}"
    );
    assert_eq!(field(checked, "late"), None, "{checked}");

    let queue = ctl(&app, &["queue", SOCIAL]).await;
    let queue = queue.assert_success();
    assert!(queue.contains("\n  waiting: A001\n"), "{queue}");
    ctl(&app, &["window", "4", "open"]).await.assert_success();
    let called = ctl(&app, &["window", "4", "next"]).await;
    assert!(
        called
            .assert_success()
            .starts_with("A001 called to window 4\n"),
        "{called:?}"
    );
    let after = ctl(&app, &["appointment", &id]).await;
    let after = after.assert_success();
    assert!(
        after
            .lines()
            .next()
            .unwrap_or_default()
            .ends_with(": checked in as A001"),
        "{after}"
    );
    assert_eq!(field(after, "state"), Some("checked-in"));
    Ok(())
}

#[tokio::test]
async fn a_retried_booking_with_the_printed_key_returns_the_same_appointment() -> anyhow::Result<()>
{
    let app = spawn_app(StoreKind::Embedded).await;

    let first = book(&app, TEN_OCLOCK, 2, &[]).await;
    let first = first.assert_success();
    let key = field(first, "idempotency key")
        .expect("a printed key")
        .to_owned();
    let again = book(&app, TEN_OCLOCK, 2, &["--key", &key]).await;
    let other_key = book(&app, TEN_OCLOCK, 2, &[]).await;

    let again = again.assert_success();
    assert_eq!(field(again, "id"), field(first, "id"), "{again}");
    assert_eq!(field(again, "replayed"), Some("yes"), "{again}");
    assert_eq!(field(first, "replayed"), None, "{first}");
    // Without the key it is a second booking, which the one-active-booking rule refuses.
    assert_eq!(other_key.status.code(), Some(2), "{other_key:?}");
    assert!(
        other_key.stderr.starts_with("error: failed_precondition: "),
        "{other_key:?}"
    );
    let slots = slots_between(&app, SOCIAL, "2026-11-27", "2026-11-27").await;
    assert!(
        slots.assert_success().contains("10:00–10:30  剩余 4/5"),
        "one seat taken: {slots:?}"
    );
    Ok(())
}

#[tokio::test]
async fn bad_input_prints_the_code_and_field_and_exits_2() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut wrong = resident_id(3);
    let last = wrong.pop().expect("18 characters");
    wrong.push(if last == '0' { '1' } else { '0' });

    let bad_id = ctl(
        &app,
        &[
            "book",
            TEN_OCLOCK,
            "--name",
            "张三",
            "--phone",
            "13812345678",
            "--id-number",
            &wrong,
        ],
    )
    .await;
    let no_code = ctl(&app, &["check-in", "--code", "000000"]).await;

    assert_eq!(bad_id.status.code(), Some(2), "{bad_id:?}");
    assert!(
        bad_id.stderr.starts_with("error: invalid_argument: ")
            && bad_id.stderr.contains("id_number"),
        "{bad_id:?}"
    );
    assert!(
        !bad_id.stderr.contains(&wrong),
        "the number is not echoed: {bad_id:?}"
    );
    assert!(bad_id.stdout.is_empty(), "{bad_id:?}");
    assert_eq!(no_code.status.code(), Some(2), "{no_code:?}");
    assert!(no_code.stderr.starts_with("error: "), "{no_code:?}");
    Ok(())
}

#[tokio::test]
async fn a_holiday_has_no_slots_and_a_make_up_saturday_has_them() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let week = slots_between(&app, SOCIAL, "2026-11-30", "2026-12-06").await;

    let week = week.assert_success();
    let dates: Vec<&str> = week.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        dates,
        [
            "2026-11-30 周一",
            "2026-12-01 周二",
            "2026-12-03 周四",
            "2026-12-04 周五",
            "2026-12-05 周六",
        ],
        "{week}"
    );
    let slots = week.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(slots, 5 * SOCIAL_SLOTS_PER_DAY, "{week}");
    Ok(())
}

/// Serves one ticket of `social-security` at window 4: issued 09:00, called 09:02, started
/// at once, done 09:07 (2 minutes' wait, 5 minutes' service); waits until the statistics
/// count it.
async fn serve_one(app: &TestApp) -> String {
    ctl(app, &["take", SOCIAL]).await.assert_success();
    ctl(app, &["window", "4", "open"]).await.assert_success();
    app.advance(Duration::from_secs(120));
    ctl(app, &["window", "4", "next"]).await.assert_success();
    ctl(app, &["window", "4", "start"]).await.assert_success();
    app.advance(Duration::from_secs(300));
    ctl(app, &["window", "4", "done"]).await.assert_success();
    let stats = ctl_until(app, &["stats"], |out| {
        out.lines()
            .any(|l| l.split_whitespace().take(3).eq(["total", "1", "1"]))
    })
    .await;
    stats.assert_success().to_owned()
}

#[tokio::test]
async fn statistics_count_a_served_ticket() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let stats = serve_one(&app).await;
    let by_hour = ctl(&app, &["stats", "--by", "hour", "--from", "2026-11-27"]).await;
    let by_window = ctl(&app, &["stats", "--by", "window"]).await;

    assert!(
        stats.starts_with("statistics of test-centre, 2026-11-27, by service\n"),
        "{stats}"
    );
    // SERVICE TICKETS DONE NO-SHOW CANCELLED EXPIRED TRANSFERRED AVG-WAIT P90-WAIT
    // AVG-SERVICE P90-SERVICE NO-SHOW-RATE APPOINTMENTS RATINGS SCORE
    assert_eq!(
        row(&stats, SOCIAL),
        [
            SOCIAL, "1", "1", "0", "0", "0", "0", "2m00s", "2m00s", "5m00s", "5m00s", "0.0%",
            "0.0%", "0", "-"
        ],
        "{stats}"
    );
    assert_eq!(row(&stats, "total")[1..3], ["1", "1"], "{stats}");
    let by_hour = by_hour.assert_success();
    assert_eq!(row(by_hour, "09:00")[1..3], ["1", "1"], "{by_hour}");
    let by_window = by_window.assert_success();
    assert_eq!(row(by_window, "4")[1..3], ["1", "1"], "{by_window}");
    Ok(())
}

#[tokio::test]
async fn a_served_ticket_is_rated_once_and_the_rating_shows_in_the_statistics() -> anyhow::Result<()>
{
    let app = spawn_app(StoreKind::Embedded).await;
    serve_one(&app).await;

    let rated = ctl(
        &app,
        &[
            "rate",
            "A001",
            "5",
            "--attitude",
            "4",
            "--comment",
            "办事很快",
        ],
    )
    .await;
    let twice = ctl(&app, &["rate", "A001", "3"]).await;
    let stats = ctl_until(&app, &["stats"], |out| out.contains("\nratings: 1,")).await;

    let rated = rated.assert_success();
    let lines: Vec<&str> = rated.lines().collect();
    assert!(
        lines[0].starts_with("rating of test-centre.") && lines[0].ends_with("A001: overall 5/5"),
        "{rated}"
    );
    assert_eq!(
        lines[1..],
        ["  attitude: 4/5", "  comment: 办事很快"],
        "{rated}"
    );
    assert_eq!(twice.status.code(), Some(1), "{twice:?}");
    assert!(
        twice.stderr.starts_with("error: already_exists: "),
        "{twice:?}"
    );
    let stats = stats.assert_success();
    assert_eq!(row(stats, SOCIAL)[13..], ["1", "5.00"], "{stats}");
    assert!(
        stats.trim_end().ends_with(
            "ratings: 1, overall 5.00, attitude 4.00, quality -, efficiency -, integrity -"
        ),
        "{stats}"
    );
    Ok(())
}

#[tokio::test]
async fn admin_layout_shows_the_test_hall() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let all = ctl(&app, &["admin", "layout"]).await;
    let one = ctl(&app, &["admin", "layout", BRANCH]).await;

    let all = all.assert_success();
    assert!(all.starts_with("layout version "), "{all}");
    for branch in [BRANCH, BUSY_BRANCH, VILLAGE] {
        assert!(all.contains(&format!("\nbranch {branch} (")), "{all}");
    }
    let one = one.assert_success();
    assert!(
        one.contains(
            "\nbranch test-centre (测试区政务服务中心), district, Asia/Shanghai, english announcements\n"
        ),
        "{one}"
    );
    assert!(!one.contains(BUSY_BRANCH), "{one}");
    assert_eq!(
        row(one, SOCIAL)[1..6],
        ["A", "500", "mon-fri", "09:00–12:00", "13:30–17:00,"],
        "{one}"
    );
    assert_eq!(row(one, TAX)[3], "-", "tax is not bookable: {one}");
    assert_eq!(row(one, "3")[1..4], ["ratio", "1:2", "housing"], "{one}");
    assert!(
        one.trim_end()
            .ends_with("\ncalendar 2026: holidays 2026-12-02; make-up days 2026-12-05 (wed)"),
        "{one}"
    );
    Ok(())
}

#[tokio::test]
async fn admin_put_service_makes_a_service_bookable_on_the_running_service() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let version = |text: &str| -> i64 {
        text.lines()
            .find_map(|l| {
                l.rsplit_once("layout version ")
                    .map(|(_, v)| v.trim().to_owned())
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no layout version in {text}"))
    };
    let before = ctl(&app, &["admin", "layout", BRANCH]).await;
    let before = version(before.assert_success());

    let put = ctl(
        &app,
        &[
            "admin",
            "put-service",
            TAX,
            "--hours",
            "09:00-10:00",
            "--capacity",
            "2",
        ],
    )
    .await;
    let new_window = ctl(
        &app,
        &[
            "admin",
            "put-window",
            "7",
            "--name",
            "预约窗口",
            "--services",
            "tax",
        ],
    )
    .await;
    let needs_name = ctl(&app, &["admin", "put-window", "8", "--services", "tax"]).await;

    let put = put.assert_success();
    assert!(
        put.starts_with("service tax of test-centre updated, layout version "),
        "{put}"
    );
    assert!(version(put) > before, "{put}");
    let new_window = new_window.assert_success();
    assert!(
        new_window.starts_with("window 7 of test-centre created, layout version "),
        "{new_window}"
    );
    assert_eq!(needs_name.status.code(), Some(2), "{needs_name:?}");
    assert!(
        needs_name
            .stderr
            .contains("--name is required for a new window"),
        "{needs_name:?}"
    );
    let layout = ctl(&app, &["admin", "layout", BRANCH]).await;
    let layout = layout.assert_success();
    assert_eq!(
        row(layout, TAX)[3..8],
        ["mon-fri", "09:00–10:00,", "30", "min", "×"],
        "{layout}"
    );
    assert_eq!(row(layout, "7")[1..3], ["oldest-first", "tax"], "{layout}");
    // The running service picks the new layout up (it polls the layout version).
    let slots = ctl_until(
        &app,
        &["slots", TAX, "--from", "2026-11-30", "--to", "2026-11-30"],
        |out| out.contains("09:30–10:00  剩余 2/2"),
    )
    .await;
    let slots = slots.assert_success();
    assert_eq!(
        slots.lines().filter(|l| l.starts_with("  ")).count(),
        2,
        "{slots}"
    );
    Ok(())
}

#[tokio::test]
async fn admin_apply_replaces_the_layout_with_a_hall_file() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let dir = tempfile::tempdir()?;
    let text = std::fs::read_to_string(hall_file())?;
    let renamed = text.replace("name: 村便民服务站", "name: 村便民服务站（新）");
    assert_ne!(renamed, text, "the fixture names the village station");
    let file = dir.path().join("hall.yaml");
    std::fs::write(&file, renamed)?;
    let path = file.to_string_lossy().into_owned();

    let applied = ctl(&app, &["admin", "apply", &path]).await;
    let missing = ctl(&app, &["admin", "apply", "/nonexistent/hall.yaml"]).await;

    let applied = applied.assert_success();
    assert!(applied.starts_with("applied: layout version "), "{applied}");
    // The branches in the order of their ids.
    assert!(
        applied
            .trim_end()
            .ends_with(", 3 branches (busy-centre, test-centre, village-station)"),
        "{applied}"
    );
    let village = ctl(&app, &["admin", "layout", VILLAGE]).await;
    assert!(
        village
            .assert_success()
            .contains("\nbranch village-station (村便民服务站（新）), village, parent busy-centre"),
        "{village:?}"
    );
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(
        missing
            .stderr
            .starts_with("error: invalid_argument: hall_file: cannot read /nonexistent/hall.yaml"),
        "{missing:?}"
    );
    Ok(())
}

#[tokio::test]
async fn reschedule_then_cancel_gives_the_seats_back() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let first = "test-centre.social-security.20261130.1000";
    let second = "test-centre.social-security.20261130.1030";
    let booked = book(&app, first, 4, &[]).await;
    let id = field(booked.assert_success(), "id")
        .expect("an appointment id")
        .to_owned();

    let moved = ctl(&app, &["reschedule", &id, second]).await;
    let after_move = slots_between(&app, SOCIAL, "2026-11-30", "2026-11-30").await;
    let cancelled = ctl(&app, &["cancel-appointment", &id]).await;
    let after_cancel = slots_between(&app, SOCIAL, "2026-11-30", "2026-11-30").await;
    let again = ctl(&app, &["cancel-appointment", &id]).await;

    let moved = moved.assert_success();
    assert!(
        moved.starts_with("2026-11-30 周一 10:30–11:00 social-security: booked, check-in code "),
        "{moved}"
    );
    assert_eq!(field(moved, "id"), Some(id.as_str()));
    assert_eq!(field(moved, "slot"), Some(second));
    let after_move = after_move.assert_success();
    assert!(
        after_move.contains(&format!("10:00–10:30  剩余 5/5  {first}")),
        "{after_move}"
    );
    assert!(
        after_move.contains(&format!("10:30–11:00  剩余 4/5  {second}")),
        "{after_move}"
    );
    let cancelled = cancelled.assert_success();
    assert!(
        cancelled
            .lines()
            .next()
            .unwrap_or_default()
            .ends_with(": cancelled"),
        "{cancelled}"
    );
    assert_eq!(field(cancelled, "state"), Some("cancelled"));
    assert!(
        after_cancel
            .assert_success()
            .contains(&format!("10:30–11:00  剩余 5/5  {second}")),
        "{after_cancel:?}"
    );
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        again.stderr.starts_with("error: failed_precondition: "),
        "{again:?}"
    );
    Ok(())
}

/// Runs `queuecallctl --server <app> --branch town-2 <args…>`.
async fn at_town(app: &TestApp, args: &[&str]) -> CliOutput {
    let mut all = vec!["--branch", "town-2"];
    all.extend_from_slice(args);
    run_cli(&app.url(), &all).await
}

#[tokio::test]
async fn admin_builds_a_branch_and_takes_it_down_again() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let branch = ctl(
        &app,
        &[
            "admin",
            "put-branch",
            "town-2",
            "--name",
            "湖塘镇便民服务中心",
            "--level",
            "town",
            "--parent",
            BRANCH,
        ],
    )
    .await;
    let service = at_town(
        &app,
        &[
            "admin",
            "put-service",
            "licences",
            "--name",
            "营业执照",
            "--prefix",
            "L",
        ],
    )
    .await;
    let window = at_town(
        &app,
        &[
            "admin",
            "put-window",
            "1",
            "--name",
            "窗口1",
            "--services",
            "licences",
        ],
    )
    .await;
    let shown = ctl(&app, &["admin", "layout", "town-2"]).await;

    assert!(
        branch
            .assert_success()
            .starts_with("branch town-2 created, layout version "),
        "{branch:?}"
    );
    assert!(
        service
            .assert_success()
            .starts_with("service licences of town-2 created, layout version "),
        "{service:?}"
    );
    assert!(
        window
            .assert_success()
            .starts_with("window 1 of town-2 created, layout version "),
        "{window:?}"
    );
    let shown = shown.assert_success();
    assert!(
        shown.contains(
            "\nbranch town-2 (湖塘镇便民服务中心), town, parent test-centre, Asia/Shanghai\n"
        ),
        "{shown}"
    );
    assert_eq!(row(shown, "licences")[1..4], ["L", "300", "-"], "{shown}");
    assert_eq!(
        row(shown, "1")[1..3],
        ["oldest-first", "licences"],
        "{shown}"
    );

    // The running service serves the new branch once it has reloaded the layout.
    let taken = run_cli_until(
        &app.url(),
        &["--branch", "town-2", "take", "licences"],
        |out| out.status.success(),
    )
    .await;
    assert!(
        taken
            .assert_success()
            .starts_with("L001 waiting for licences\n"),
        "{taken:?}"
    );
    let busy_service = at_town(&app, &["admin", "delete-service", "licences"]).await;
    let busy_branch = ctl(&app, &["admin", "delete-branch", "town-2"]).await;
    assert_eq!(busy_service.status.code(), Some(2), "{busy_service:?}");
    assert!(
        busy_service
            .stderr
            .starts_with("error: failed_precondition: "),
        "{busy_service:?}"
    );
    assert_eq!(busy_branch.status.code(), Some(2), "{busy_branch:?}");

    at_town(&app, &["cancel", "L001"]).await.assert_success();
    let no_window = at_town(&app, &["admin", "delete-window", "1"]).await;
    let no_service = at_town(&app, &["admin", "delete-service", "licences"]).await;
    let no_branch = ctl(&app, &["admin", "delete-branch", "town-2"]).await;
    let all = ctl(&app, &["admin", "layout"]).await;

    assert!(
        no_window
            .assert_success()
            .starts_with("window 1 of town-2 deleted, layout version "),
        "{no_window:?}"
    );
    assert!(
        no_service
            .assert_success()
            .starts_with("service licences of town-2 deleted, layout version "),
        "{no_service:?}"
    );
    assert!(
        no_branch
            .assert_success()
            .starts_with("branch town-2 deleted, layout version "),
        "{no_branch:?}"
    );
    assert!(!all.assert_success().contains("town-2"), "{all:?}");
    Ok(())
}
