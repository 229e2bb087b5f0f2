//! `queuecallctl` end to end against the real service: take, run a window, show the queue.

use queuecall_tests::v1::TicketState;
use queuecall_tests::*;

/// Runs `queuecallctl --server <app> --branch test-centre <args…>`.
async fn ctl(app: &TestApp, args: &[&str]) -> CliOutput {
    let mut all = vec!["--branch", BRANCH];
    all.extend_from_slice(args);
    run_cli(&app.url(), &all).await
}

#[tokio::test]
async fn a_ticket_taken_and_served_from_the_command_line() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let take = ctl(
        &app,
        &[
            "take",
            SOCIAL,
            "--phone",
            "13812345678",
            "--channel",
            "kiosk",
        ],
    )
    .await;
    let open = ctl(&app, &["window", "4", "open"]).await;
    let next = ctl(&app, &["window", "4", "next"]).await;
    let start = ctl(&app, &["window", "4", "start"]).await;
    let done = ctl(&app, &["window", "4", "done"]).await;
    let empty = ctl(&app, &["window", "4", "next"]).await;

    let take = take.assert_success();
    let lines: Vec<&str> = take.lines().collect();
    assert_eq!(lines[0], "A001 waiting for social-security", "{take}");
    assert!(lines.contains(&"  id: test-centre.20261127.A001"), "{take}");
    assert!(lines.contains(&"  channel: kiosk"), "{take}");
    assert!(lines.contains(&"  phone: 138****5678"), "{take}");
    assert!(
        !take.contains("13812345678"),
        "the phone is printed masked: {take}"
    );
    assert_eq!(open.assert_success().trim(), "window 4 (社保窗口) open");
    assert!(
        next.assert_success()
            .starts_with("A001 called to window 4\n"),
        "{next:?}"
    );
    assert!(
        start
            .assert_success()
            .starts_with("A001 being served at window 4\n"),
        "{start:?}"
    );
    assert!(
        done.assert_success().starts_with("A001 done at window 4\n"),
        "{done:?}"
    );
    assert_eq!(
        empty.assert_success().trim(),
        "nothing waiting for window 4"
    );
    let ticket = app.get("test-centre.A001").await?;
    assert_eq!(ticket.state(), TicketState::Done);
    Ok(())
}

#[tokio::test]
async fn the_queue_command_shows_waiting_numbers_and_windows() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    app.take(TAX).await?;
    app.take_as(TAX, queuecall_tests::v1::PriorityClass::Appointment)
        .await?;
    app.open(WINDOW_TAX).await?;
    app.pause(WINDOW_TAX, "lunch").await?;

    let queue = ctl(&app, &["queue"]).await;
    let ticket = ctl(&app, &["ticket", "B001"]).await;

    let queue = queue.assert_success();
    let tax_row = queue
        .lines()
        .position(|l| l.starts_with("tax "))
        .expect("a tax row");
    let lines: Vec<&str> = queue.lines().collect();
    assert!(lines[tax_row].contains("2/500"), "{queue}");
    assert_eq!(lines[tax_row + 1].trim(), "waiting: B002 B001", "{queue}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("5 ") && l.contains("paused")),
        "{queue}"
    );
    let ticket = ticket.assert_success();
    assert!(ticket.starts_with("B001 waiting for tax\n"), "{ticket}");
    assert!(ticket.contains("  people ahead: 1\n"), "{ticket}");
    Ok(())
}

#[tokio::test]
async fn a_refused_step_prints_the_code_and_reason_and_exits_2() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    ctl(&app, &["window", "4", "open"]).await.assert_success();

    let refused = ctl(&app, &["window", "4", "start"]).await;
    let unknown = ctl(&app, &["take", "bakery"]).await;

    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("error: failed_precondition: ")
            && refused.stderr.contains("holds no ticket"),
        "{refused:?}"
    );
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(unknown.stderr.contains("error: not_found: "), "{unknown:?}");
    Ok(())
}

#[tokio::test]
async fn a_wrong_token_is_refused_unauthenticated_with_exit_status_1() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;

    let refused = ctl(&app, &["--token", "not-the-token", "queue"]).await;

    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .starts_with("error: unauthenticated: unknown token"),
        "{refused:?}"
    );
    Ok(())
}
