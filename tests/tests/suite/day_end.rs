//! The end of a service day (midnight in Asia/Shanghai): waiting tickets expire, nothing from
//! yesterday can be called, and a ticket a window already holds can still be finished.

use queuecall_tests::v1::TicketState;
use queuecall_tests::*;

/// 00:05 on the day after the test day, in Shanghai.
fn next_morning() -> chrono::DateTime<chrono::Utc> {
    shanghai(2026, 11, 28, 0, 5)
}

pub async fn waiting_tickets_expire_when_the_service_day_ends(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.take(TAX).await?;
    app.clock.set(shanghai(2026, 11, 27, 23, 59));
    let before_midnight = app.get("test-centre.20261127.A001").await?;

    app.clock.set(next_morning());
    let branch = app.branch(BRANCH).await?;

    assert_eq!(before_midnight.state(), TicketState::Waiting);
    for id in [
        "test-centre.20261127.A001",
        "test-centre.20261127.A002",
        "test-centre.20261127.B001",
    ] {
        let ticket = app.get(id).await?;
        assert_eq!(ticket.state(), TicketState::Expired, "{id}");
        assert_eq!(ticket.people_ahead, 0);
        assert_eq!(ticket.estimated_wait_seconds, 0);
        assert!(ticket.ended_at.is_some());
    }
    assert_eq!(branch.service_day, "2026-11-28");
    assert_eq!(branch.services[0].waiting, 0);
    assert_eq!(branch.services[0].issued_today, 0);
    assert!(app.waiting(SOCIAL).await?.is_empty());
    Ok(())
}

pub async fn nothing_from_yesterday_can_be_called(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_OLDEST).await?;

    app.clock.set(next_morning());
    let call_next = app.call_next(WINDOW_SOCIAL).await?;
    let call_yesterday = app
        .call_ticket(WINDOW_SOCIAL, "test-centre.20261127.A002")
        .await;
    let cancel_yesterday = app.cancel("test-centre.20261127.A001").await;
    let today = app.take(SOCIAL).await?;
    let called_today = app.call(WINDOW_OLDEST).await?;

    assert!(
        call_next.is_none(),
        "yesterday's tickets are not callable: {call_next:?}"
    );
    assert_status(call_yesterday, Code::FailedPrecondition, &["A002"]);
    assert_status(cancel_yesterday, Code::FailedPrecondition, &["EXPIRED"]);
    assert_eq!(today.id, "test-centre.20261128.A001");
    assert_eq!(called_today.id, today.id);
    Ok(())
}

pub async fn a_ticket_held_at_midnight_can_still_be_finished(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_STRICT).await?;
    app.call(WINDOW_SOCIAL).await?; // A001 called
    app.call(WINDOW_STRICT).await?; // A002 serving
    app.start(WINDOW_STRICT).await?;

    app.clock.set(next_morning());
    let started = app.start(WINDOW_SOCIAL).await?;
    let done = app.complete(WINDOW_SOCIAL).await?;
    let done_too = app.complete(WINDOW_STRICT).await?;
    let left_waiting = app.get("test-centre.20261127.A003").await?;

    assert_eq!(started.id, "test-centre.20261127.A001");
    assert_eq!(started.state(), TicketState::Serving);
    assert_eq!(done.state(), TicketState::Done);
    assert_eq!(done_too.id, "test-centre.20261127.A002");
    assert_eq!(done_too.state(), TicketState::Done);
    assert_eq!(left_waiting.state(), TicketState::Expired);
    assert!(app.window(WINDOW_SOCIAL).await?.current_ticket.is_none());
    Ok(())
}

pub async fn yesterdays_missed_ticket_cannot_be_requeued(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.no_show(WINDOW_SOCIAL).await?;

    app.clock.set(next_morning());
    let requeue = app.requeue("test-centre.20261127.A001").await;

    assert_status(requeue, Code::FailedPrecondition, &["A001", "2026-11-27"]);
    let ticket = app.get("test-centre.20261127.A001").await?;
    assert_eq!(ticket.state(), TicketState::NoShow);
    assert!(app.waiting(SOCIAL).await?.is_empty());
    Ok(())
}
