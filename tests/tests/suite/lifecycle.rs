//! A ticket's life at the window: call, recall, start, complete, no-show, requeue, transfer.

use std::time::Duration;

use queuecall_tests::v1::TicketState;
use queuecall_tests::*;

pub async fn a_ticket_goes_from_called_to_serving_to_done(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let taken = app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    let t0 = start_of_test_day().timestamp();

    let called = app.call(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(30));
    let serving = app.start(WINDOW_SOCIAL).await?;
    app.advance(Duration::from_secs(90));
    let done = app.complete(WINDOW_SOCIAL).await?;
    let window = app.window(WINDOW_SOCIAL).await?;

    assert_eq!(called.id, taken.id);
    assert_eq!(called.state(), TicketState::Called);
    assert_eq!(called.window, WINDOW_SOCIAL);
    assert_eq!(seconds(called.called_at.as_ref()), Some(t0));
    assert_eq!(serving.state(), TicketState::Serving);
    assert_eq!(seconds(serving.started_at.as_ref()), Some(t0 + 30));
    assert_eq!(done.state(), TicketState::Done);
    assert_eq!(seconds(done.ended_at.as_ref()), Some(t0 + 120));
    assert_eq!(
        done.window, WINDOW_SOCIAL,
        "the ticket remembers its window"
    );
    assert_eq!(app.get(&taken.id).await?, done);
    assert!(window.current_ticket.is_none(), "the window is free again");
    Ok(())
}

pub async fn recall_counts_up_to_the_services_limit(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?; // recall limit 2
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;

    let first = app.recall(WINDOW_SOCIAL).await?;
    let second = app.recall(WINDOW_SOCIAL).await?;
    let third = app.recall(WINDOW_SOCIAL).await;

    assert_eq!(first.recall_count, 1);
    assert_eq!(first.state(), TicketState::Called);
    assert_eq!(second.recall_count, 2);
    assert_status(third, Code::FailedPrecondition, &["A001", "2"]);
    assert_eq!(app.get("test-centre.A001").await?.recall_count, 2);
    assert_eq!(
        app.no_show(WINDOW_SOCIAL).await?.state(),
        TicketState::NoShow
    );
    Ok(())
}

pub async fn no_show_ends_a_called_ticket_and_frees_the_window(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;

    let missed = app.no_show(WINDOW_SOCIAL).await?;
    let next = app.call(WINDOW_SOCIAL).await?;

    assert_eq!(missed.number, "A001");
    assert_eq!(missed.state(), TicketState::NoShow);
    assert!(missed.ended_at.is_some());
    assert_eq!(next.number, "A002");
    Ok(())
}

pub async fn requeue_brings_a_missed_ticket_back_two_places_from_the_front(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..5 {
        app.take(SOCIAL).await?; // requeue offset 2
    }
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.no_show(WINDOW_SOCIAL).await?;

    let requeued = app.requeue("test-centre.A001").await?;

    assert_eq!(requeued.state(), TicketState::Waiting);
    assert_eq!(requeued.requeue_count, 1);
    assert_eq!(requeued.people_ahead, 2);
    assert!(requeued.ended_at.is_none());
    assert_eq!(
        app.waiting_numbers(SOCIAL).await?,
        ["A002", "A003", "A001", "A004", "A005"]
    );
    assert_eq!(app.serve_next(WINDOW_SOCIAL).await?.number, "A002");
    Ok(())
}

pub async fn requeue_of_a_called_ticket_lets_its_window_go(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    for _ in 0..4 {
        app.take(SOCIAL).await?;
    }
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;

    let requeued = app.requeue("test-centre.A001").await?;
    let window = app.window(WINDOW_SOCIAL).await?;
    let next = app.call(WINDOW_SOCIAL).await?;

    assert_eq!(requeued.state(), TicketState::Waiting);
    assert!(window.current_ticket.is_none());
    assert_eq!(next.number, "A002");
    assert_eq!(app.waiting_numbers(SOCIAL).await?, ["A003", "A001", "A004"]);
    Ok(())
}

pub async fn requeue_with_few_waiting_goes_to_the_end_and_is_limited(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;

    app.call(WINDOW_SOCIAL).await?;
    app.no_show(WINDOW_SOCIAL).await?;
    app.requeue("test-centre.A001").await?;
    let after_first = app.waiting_numbers(SOCIAL).await?;
    app.call_ticket(WINDOW_SOCIAL, "test-centre.A001").await?;
    app.no_show(WINDOW_SOCIAL).await?;
    let second = app.requeue("test-centre.A001").await?;
    app.call_ticket(WINDOW_SOCIAL, "test-centre.A001").await?;
    app.no_show(WINDOW_SOCIAL).await?;
    let third = app.requeue("test-centre.A001").await; // requeue limit 2

    assert_eq!(after_first, ["A002", "A001"]);
    assert_eq!(second.requeue_count, 2);
    assert_status(third, Code::FailedPrecondition, &["A001", "2"]);
    assert_eq!(
        app.get("test-centre.A001").await?.state(),
        TicketState::NoShow
    );
    Ok(())
}

pub async fn transfer_keeps_the_tickets_place_in_time_and_its_original_service(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(TAX).await?; // 09:00
    app.advance(Duration::from_secs(60));
    app.take(SOCIAL).await?; // 09:01
    app.advance(Duration::from_secs(60));
    app.take(TAX).await?; // 09:02
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_TAX).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.recall(WINDOW_SOCIAL).await?;

    let moved = app.transfer(WINDOW_SOCIAL, TAX, false).await?;
    let tax_queue = app.waiting_numbers(TAX).await?;
    let social_window = app.window(WINDOW_SOCIAL).await?;
    app.serve_next(WINDOW_TAX).await?; // B001
    app.call(WINDOW_TAX).await?; // A001
    let moved_again = app.transfer(WINDOW_TAX, SOCIAL, false).await?;

    assert_eq!(moved.number, "A001");
    assert_eq!(moved.id, "test-centre.20261127.A001");
    assert_eq!(moved.state(), TicketState::Waiting);
    assert_eq!(moved.service_id, TAX);
    assert_eq!(moved.original_service_id, SOCIAL);
    assert_eq!(moved.people_ahead, 1);
    assert_eq!(moved.recall_count, 0);
    assert_eq!(moved.window, 0);
    assert_eq!(tax_queue, ["B001", "A001", "B002"]);
    assert!(social_window.current_ticket.is_none());
    assert_eq!(moved_again.service_id, SOCIAL);
    assert_eq!(
        moved_again.original_service_id, SOCIAL,
        "the first service is kept"
    );
    assert_eq!(app.waiting_numbers(SOCIAL).await?, ["A001"]);
    Ok(())
}

pub async fn transfer_to_the_front_puts_the_ticket_first_in_the_target(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.advance(Duration::from_secs(60));
    app.take(TAX).await?;
    app.take(TAX).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.start(WINDOW_SOCIAL).await?;

    let moved = app.transfer(WINDOW_SOCIAL, TAX, true).await?;
    let same_service = {
        app.take(SOCIAL).await?;
        app.call(WINDOW_SOCIAL).await?;
        app.transfer(WINDOW_SOCIAL, SOCIAL, true).await
    };

    assert_eq!(moved.state(), TicketState::Waiting);
    assert_eq!(moved.people_ahead, 0);
    assert_eq!(moved.original_service_id, SOCIAL);
    assert_eq!(app.waiting_numbers(TAX).await?, ["A001", "B001", "B002"]);
    assert_status(same_service, Code::FailedPrecondition, &["A002", SOCIAL]);
    Ok(())
}
