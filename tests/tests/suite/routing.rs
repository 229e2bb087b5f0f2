//! Which ticket CallNext picks: priority classes inside a service, and the window's rule
//! across services (strict order, oldest first, ratio). CallTicket calls out of order.

use std::time::Duration;

use queuecall_tests::v1::{PriorityClass, TicketState};
use queuecall_tests::*;

const MINUTE: Duration = Duration::from_secs(60);

/// Serves `count` tickets at `window` and returns their numbers in calling order.
async fn serve(app: &TestApp, window: u32, count: usize) -> anyhow::Result<Vec<String>> {
    let mut numbers = Vec::new();
    for _ in 0..count {
        numbers.push(app.serve_next(window).await?.number);
    }
    Ok(numbers)
}

pub async fn inside_a_service_priority_classes_go_first_in_the_services_order(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    // social-security: green channel, appointment, normal.
    for class in [
        PriorityClass::Normal,
        PriorityClass::Appointment,
        PriorityClass::GreenChannel,
        PriorityClass::Normal,
        PriorityClass::GreenChannel,
    ] {
        app.take_as(SOCIAL, class).await?;
        app.advance(MINUTE);
    }
    // tax: appointment, green channel, normal.
    for class in [
        PriorityClass::Normal,
        PriorityClass::GreenChannel,
        PriorityClass::Appointment,
    ] {
        app.take_as(TAX, class).await?;
        app.advance(MINUTE);
    }
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_TAX).await?;

    let social_list = app.waiting_numbers(SOCIAL).await?;
    let tax_list = app.waiting_numbers(TAX).await?;
    let green_later = app.get("test-centre.A005").await?;
    let social_calls = serve(&app, WINDOW_SOCIAL, 5).await?;
    let tax_calls = serve(&app, WINDOW_TAX, 3).await?;

    assert_eq!(social_list, ["A003", "A005", "A002", "A001", "A004"]);
    assert_eq!(green_later.people_ahead, 1);
    assert_eq!(social_calls, social_list);
    assert_eq!(tax_list, ["B003", "B002", "B001"]);
    assert_eq!(tax_calls, tax_list);
    Ok(())
}

pub async fn strict_order_calls_the_windows_first_service_before_older_tickets(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(TAX).await?;
    app.advance(MINUTE);
    app.take(SOCIAL).await?;
    app.advance(MINUTE);
    app.take(SOCIAL).await?;
    app.open(WINDOW_STRICT).await?; // social-security, then tax

    let calls = serve(&app, WINDOW_STRICT, 3).await?;
    let nothing_left = app.call_next(WINDOW_STRICT).await?;

    assert_eq!(calls, ["A001", "A002", "B001"]);
    assert!(
        nothing_left.is_none(),
        "CallNext answers no ticket when none waits"
    );
    Ok(())
}

pub async fn oldest_first_calls_the_earliest_ticket_across_services(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(TAX).await?;
    app.advance(MINUTE);
    app.take(SOCIAL).await?;
    app.advance(MINUTE);
    app.take(TAX).await?;
    app.advance(MINUTE);
    app.take(SOCIAL).await?;
    app.open(WINDOW_OLDEST).await?;

    let calls = serve(&app, WINDOW_OLDEST, 4).await?;

    assert_eq!(calls, ["B001", "A001", "B002", "A002"]);
    Ok(())
}

pub async fn oldest_first_still_calls_priority_classes_before_older_normal_tickets(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(TAX).await?;
    app.advance(MINUTE);
    app.take_as(SOCIAL, PriorityClass::GreenChannel).await?;
    app.open(WINDOW_OLDEST).await?;

    let calls = serve(&app, WINDOW_OLDEST, 2).await?;

    assert_eq!(calls, ["A001", "B001"]);
    Ok(())
}

pub async fn ratio_one_priority_to_two_normal_never_starves_normal_tickets(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..4 {
        app.take_as(HOUSING, PriorityClass::GreenChannel).await?; // HD001..HD004
        app.advance(MINUTE);
    }
    for _ in 0..6 {
        app.take(HOUSING).await?; // HD005..HD010
        app.advance(MINUTE);
    }
    app.open(WINDOW_RATIO).await?;

    let calls = serve(&app, WINDOW_RATIO, 10).await?;

    let expected = [
        "HD001", "HD005", "HD006", "HD002", "HD007", "HD008", "HD003", "HD009", "HD010", "HD004",
    ];
    assert_eq!(calls, expected);
    Ok(())
}

pub async fn ratio_calls_the_other_kind_when_the_wanted_kind_is_not_waiting(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(HOUSING).await?;
        app.advance(MINUTE);
    }
    app.open(WINDOW_RATIO).await?;

    let only_normal = serve(&app, WINDOW_RATIO, 3).await?;
    app.take(HOUSING).await?; // HD004
    app.advance(MINUTE);
    app.take_as(HOUSING, PriorityClass::Appointment).await?; // HD005
    let next = serve(&app, WINDOW_RATIO, 2).await?;

    assert_eq!(only_normal, ["HD001", "HD002", "HD003"]);
    assert_eq!(
        next,
        ["HD005", "HD004"],
        "the cycle is back at its priority turn"
    );
    Ok(())
}

pub async fn call_ticket_calls_one_waiting_ticket_out_of_order(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }
    app.take(PERMITS).await?;
    for window in [WINDOW_SOCIAL, WINDOW_OLDEST, WINDOW_TAX] {
        app.open(window).await?;
    }

    let called = app.call_ticket(WINDOW_SOCIAL, "test-centre.A003").await?;
    let taken_twice = app.call_ticket(WINDOW_OLDEST, "test-centre.A003").await;
    let not_served_here = app.call_ticket(WINDOW_TAX, "test-centre.A001").await;
    let other_service = app.call_ticket(WINDOW_OLDEST, "test-centre.C001").await;

    assert_eq!(called.state(), TicketState::Called);
    assert_eq!(called.window, WINDOW_SOCIAL);
    assert!(called.called_at.is_some());
    assert_eq!(called.recall_count, 0);
    assert_status(taken_twice, Code::FailedPrecondition, &["A003", "CALLED"]);
    assert_status(
        not_served_here,
        Code::FailedPrecondition,
        &["does not serve", SOCIAL],
    );
    assert_status(other_service, Code::FailedPrecondition, &[PERMITS]);
    assert_eq!(app.waiting_numbers(SOCIAL).await?, ["A001", "A002"]);
    assert_eq!(
        app.get("test-centre.A001").await?.state(),
        TicketState::Waiting
    );
    Ok(())
}
