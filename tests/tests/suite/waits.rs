//! People ahead and the estimated wait: the service's seed until service times are measured,
//! then their moving average, divided by the open windows that serve the service.

use std::time::Duration;

use queuecall_tests::*;

pub async fn people_ahead_counts_the_waiting_tickets_in_front(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..4 {
        app.take(SOCIAL).await?;
    }
    app.take(TAX).await?;
    app.open(WINDOW_SOCIAL).await?;

    let called = app.call(WINDOW_SOCIAL).await?;
    app.cancel("test-centre.A003").await?;

    assert_eq!(called.people_ahead, 0, "a called ticket has nobody ahead");
    assert_eq!(app.get("test-centre.A002").await?.people_ahead, 0);
    assert_eq!(app.get("test-centre.A004").await?.people_ahead, 1);
    assert_eq!(
        app.get("test-centre.B001").await?.people_ahead,
        0,
        "per service"
    );
    Ok(())
}

pub async fn the_wait_falls_back_to_the_seed_and_divides_by_open_windows(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?; // seed 300 s
    }
    let third = "test-centre.A003";

    let no_window_open = app.get(third).await?.estimated_wait_seconds;
    app.open(WINDOW_SOCIAL).await?;
    let one_window = app.get(third).await?.estimated_wait_seconds;
    app.open(WINDOW_STRICT).await?;
    app.open(WINDOW_OLDEST).await?;
    app.open(WINDOW_TAX).await?; // does not serve social-security
    let three_windows = app.get(third).await?.estimated_wait_seconds;
    app.pause(WINDOW_STRICT, "break").await?;
    let two_windows = app.get(third).await?.estimated_wait_seconds;

    assert_eq!(app.get("test-centre.A001").await?.estimated_wait_seconds, 0);
    assert_eq!(
        no_window_open, 600,
        "2 ahead x 300 s, as if one window were open"
    );
    assert_eq!(one_window, 600);
    assert_eq!(three_windows, 200);
    assert_eq!(two_windows, 300, "paused windows do not count");
    Ok(())
}

pub async fn the_wait_follows_measured_service_times(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..4 {
        app.take(SOCIAL).await?;
    }
    app.open(WINDOW_SOCIAL).await?;
    let last = "test-centre.A004";

    app.call(WINDOW_SOCIAL).await?;
    app.start(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(60));
    app.complete(WINDOW_SOCIAL).await?;
    let after_one = app.get(last).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(500)); // waiting to start does not count
    app.start(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(120));
    app.complete(WINDOW_SOCIAL).await?;
    let after_two = app.get(last).await?;
    app.open(WINDOW_STRICT).await?;
    let two_windows = app.get(last).await?;
    let branch = app.branch(BRANCH).await?;

    assert_eq!(after_one.people_ahead, 2);
    assert_eq!(
        after_one.estimated_wait_seconds, 120,
        "2 ahead x 60 s measured"
    );
    assert_eq!(after_two.people_ahead, 1);
    assert_eq!(
        after_two.estimated_wait_seconds, 72,
        "moving average 0.8 x 60 s + 0.2 x 120 s"
    );
    assert_eq!(two_windows.estimated_wait_seconds, 36);
    let social = &branch.services[0];
    assert_eq!(social.id, SOCIAL);
    assert_eq!(social.waiting, 2);
    assert_eq!(
        social.estimated_wait_seconds, 72,
        "2 waiting x 72 s / 2 windows"
    );
    Ok(())
}

pub async fn a_ticket_that_is_not_waiting_has_no_wait(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    let second = app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;

    let called = app.call(WINDOW_SOCIAL).await?;
    let serving = app.start(WINDOW_SOCIAL).await?;
    let done = app.complete(WINDOW_SOCIAL).await?;
    let cancelled = app.cancel(&second.id).await?;

    assert_eq!(second.estimated_wait_seconds, 300);
    for ticket in [called, serving, done, cancelled] {
        assert_eq!(ticket.people_ahead, 0, "{}", ticket.number);
        assert_eq!(ticket.estimated_wait_seconds, 0, "{}", ticket.number);
    }
    Ok(())
}
