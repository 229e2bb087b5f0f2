//! Every transition a ticket's state does not allow is FAILED_PRECONDITION naming the state,
//! and changes nothing.

use queuecall_tests::v1::TicketState;
use queuecall_tests::*;

/// Tickets of social-security in every state: A001 CALLED at window 4, A002 SERVING at
/// window 1, A003 DONE, A004 NO_SHOW, A005 CANCELLED, A006 WAITING.
async fn one_ticket_in_each_state(app: &TestApp) -> anyhow::Result<()> {
    for _ in 0..6 {
        app.take(SOCIAL).await?;
    }
    for window in [WINDOW_SOCIAL, WINDOW_STRICT, WINDOW_OLDEST] {
        app.open(window).await?;
    }
    app.call_ticket(WINDOW_OLDEST, "test-centre.A003").await?;
    app.start(WINDOW_OLDEST).await?;
    app.complete(WINDOW_OLDEST).await?;
    app.call_ticket(WINDOW_OLDEST, "test-centre.A004").await?;
    app.no_show(WINDOW_OLDEST).await?;
    app.cancel("test-centre.A005").await?;
    app.call_ticket(WINDOW_SOCIAL, "test-centre.A001").await?;
    app.call_ticket(WINDOW_STRICT, "test-centre.A002").await?;
    app.start(WINDOW_STRICT).await?;
    Ok(())
}

const STATES: [(&str, &str); 6] = [
    ("test-centre.A001", "CALLED"),
    ("test-centre.A002", "SERVING"),
    ("test-centre.A003", "DONE"),
    ("test-centre.A004", "NO_SHOW"),
    ("test-centre.A005", "CANCELLED"),
    ("test-centre.A006", "WAITING"),
];

pub async fn cancel_is_refused_unless_the_ticket_waits(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    one_ticket_in_each_state(&app).await?;

    for (id, state) in &STATES[..5] {
        let before = app.get(id).await?;
        let refused = app.cancel(id).await;
        assert_status(refused, Code::FailedPrecondition, &[state, "WAITING"]);
        assert_eq!(
            app.get(id).await?,
            before,
            "a refused cancel changes nothing"
        );
    }
    assert_eq!(
        app.cancel(STATES[5].0).await?.state(),
        TicketState::Cancelled
    );
    Ok(())
}

pub async fn call_ticket_is_refused_unless_the_ticket_waits(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    one_ticket_in_each_state(&app).await?;
    app.open(WINDOW_TAX).await?;
    app.open(WINDOW_PERMITS).await?;
    let free_window = WINDOW_OLDEST;

    for (id, state) in &STATES[..5] {
        let refused = app.call_ticket(free_window, id).await;
        assert_status(refused, Code::FailedPrecondition, &[state]);
    }
    let called = app.call_ticket(free_window, STATES[5].0).await?;
    assert_eq!(called.state(), TicketState::Called);
    Ok(())
}

pub async fn requeue_is_refused_for_waiting_serving_and_ended_tickets(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    one_ticket_in_each_state(&app).await?;

    for (id, state) in [STATES[1], STATES[2], STATES[4], STATES[5]] {
        let before = app.get(id).await?;
        let refused = app.requeue(id).await;
        assert_status(refused, Code::FailedPrecondition, &[state]);
        assert_eq!(
            app.get(id).await?,
            before,
            "a refused requeue changes nothing"
        );
    }
    assert_eq!(
        app.requeue(STATES[3].0).await?.state(),
        TicketState::Waiting
    );
    Ok(())
}

pub async fn window_steps_need_a_held_ticket_in_the_right_state(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    one_ticket_in_each_state(&app).await?; // window 4 holds CALLED A001, 1 SERVING A002
    let empty = WINDOW_OLDEST;
    let called = WINDOW_SOCIAL;
    let serving = WINDOW_STRICT;

    assert_status(
        app.recall(empty).await,
        Code::FailedPrecondition,
        &["holds no ticket"],
    );
    assert_status(
        app.start(empty).await,
        Code::FailedPrecondition,
        &["holds no ticket"],
    );
    assert_status(
        app.complete(empty).await,
        Code::FailedPrecondition,
        &["holds no ticket"],
    );
    assert_status(
        app.no_show(empty).await,
        Code::FailedPrecondition,
        &["holds no ticket"],
    );
    let transfer = app.transfer(empty, TAX, false).await;
    assert_status(transfer, Code::FailedPrecondition, &["holds no ticket"]);
    let complete_called = app.complete(called).await;
    assert_status(
        complete_called,
        Code::FailedPrecondition,
        &["A001", "CALLED"],
    );
    assert_status(
        app.start(serving).await,
        Code::FailedPrecondition,
        &["A002", "SERVING"],
    );
    assert_status(
        app.recall(serving).await,
        Code::FailedPrecondition,
        &["A002", "SERVING"],
    );
    assert_status(
        app.no_show(serving).await,
        Code::FailedPrecondition,
        &["A002", "SERVING"],
    );
    assert_eq!(
        app.get("test-centre.A001").await?.state(),
        TicketState::Called
    );
    assert_eq!(
        app.get("test-centre.A002").await?.state(),
        TicketState::Serving
    );
    Ok(())
}
