//! WatchTicket, the citizen's view: people ahead count down, then the call with its window;
//! the stream ends after a final state. And the names both watches refuse.

use queuecall_tests::v1::{Ticket, TicketState};
use queuecall_tests::*;

/// Reads tickets until one satisfies `wanted`; every ticket before it must satisfy `meanwhile`.
async fn until(
    watch: &mut TicketWatch,
    what: &str,
    wanted: impl Fn(&Ticket) -> bool,
    meanwhile: impl Fn(&Ticket) -> bool,
) -> Ticket {
    loop {
        let ticket = watch.ticket().await;
        if wanted(&ticket) {
            return ticket;
        }
        assert!(
            meanwhile(&ticket),
            "while waiting for {what}, an unexpected ticket: {ticket:?}"
        );
    }
}

fn waiting_with(ahead: u32) -> impl Fn(&Ticket) -> bool {
    move |t| t.state() == TicketState::Waiting && t.people_ahead == ahead
}

pub async fn watch_ticket_counts_down_then_shows_the_window_and_ends_after_done(
    store: StoreKind,
) -> anyhow::Result<()> {
    // Arrange: A003 has two people ahead; window 4 is open.
    let app = spawn_app(store).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }
    app.open(WINDOW_SOCIAL).await?;
    let mut citizen = TicketWatch::open(app.channel().await, "test-centre.A003").await?;
    let first = citizen.ticket().await;
    assert_eq!(first.number, "A003");
    assert_eq!(first.id, "test-centre.20261127.A003");
    assert!(waiting_with(2)(&first), "{first:?}");
    assert!(first.estimated_wait_seconds > 0, "{first:?}");

    // Act and assert, step by step.
    app.call(WINDOW_SOCIAL).await?; // A001
    let one = until(&mut citizen, "1 ahead", waiting_with(1), waiting_with(2)).await;
    assert!(
        one.estimated_wait_seconds <= first.estimated_wait_seconds,
        "{one:?}"
    );
    app.no_show(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?; // A002
    until(&mut citizen, "0 ahead", waiting_with(0), waiting_with(1)).await;
    app.start(WINDOW_SOCIAL).await?;
    app.complete(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?; // A003
    let called = until(
        &mut citizen,
        "the call",
        |t| t.state() == TicketState::Called,
        waiting_with(0),
    )
    .await;
    assert_eq!(
        called.window, WINDOW_SOCIAL,
        "called to window 4: {called:?}"
    );
    assert_eq!(called.people_ahead, 0);
    app.start(WINDOW_SOCIAL).await?;
    until(
        &mut citizen,
        "serving",
        |t| t.state() == TicketState::Serving,
        |t| t.state() == TicketState::Called,
    )
    .await;
    app.complete(WINDOW_SOCIAL).await?;
    let done = until(
        &mut citizen,
        "done",
        |t| t.state() == TicketState::Done,
        |t| t.state() == TicketState::Serving,
    )
    .await;
    assert_eq!(done.window, WINDOW_SOCIAL);
    let after = citizen.next().await;
    assert!(after.is_none(), "the stream ends after DONE, got {after:?}");
    Ok(())
}

pub async fn watch_ticket_of_an_ended_ticket_sends_it_once_and_ends(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.cancel("test-centre.A002").await?;
    app.open(WINDOW_SOCIAL).await?;
    app.serve_next(WINDOW_SOCIAL).await?;

    for (id, state) in [
        ("test-centre.A001", TicketState::Done),
        ("test-centre.A002", TicketState::Cancelled),
    ] {
        let mut citizen = TicketWatch::open(app.channel().await, id).await?;
        let ticket = citizen.ticket().await;
        assert_eq!(ticket.state(), state, "{ticket:?}");
        let after = citizen.next().await;
        assert!(
            after.is_none(),
            "{id}: the stream ends at once, got {after:?}"
        );
    }
    Ok(())
}

pub async fn unknown_and_malformed_names_are_refused(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let no_branch = watch_branch_error(app.channel().await, "no-such-branch").await;
    let empty_branch = watch_branch_error(app.channel().await, "").await;
    let no_ticket = watch_ticket_error(app.channel().await, "test-centre.A999").await;
    let bad_ticket = watch_ticket_error(app.channel().await, "not a ticket").await;

    assert_status::<()>(Err(no_branch), Code::NotFound, &["no-such-branch"]);
    assert_status::<()>(Err(empty_branch), Code::InvalidArgument, &["branch_id"]);
    assert_status::<()>(Err(no_ticket), Code::NotFound, &[]);
    assert_status::<()>(Err(bad_ticket), Code::InvalidArgument, &["ticket_id"]);
    Ok(())
}
