//! GetBranch and the window RPCs: open, pause, close, and what a window may do in each state.

use queuecall_tests::v1::{CallRule, TicketState, WindowState};
use queuecall_tests::*;

pub async fn get_branch_shows_the_layout_with_every_window_closed(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;

    let branch = app.branch(BRANCH).await?;

    assert_eq!(branch.id, BRANCH);
    assert_eq!(branch.name, "测试区政务服务中心");
    assert_eq!(branch.time_zone, "Asia/Shanghai");
    assert_eq!(branch.service_day, "2026-11-27");
    let services: Vec<(&str, &str, u32)> = branch
        .services
        .iter()
        .map(|s| (s.id.as_str(), s.ticket_prefix.as_str(), s.daily_limit))
        .collect();
    assert_eq!(
        services,
        [
            (SOCIAL, "A", 500),
            (TAX, "B", 500),
            (PERMITS, "C", 3),
            (HOUSING, "HD", 500)
        ]
    );
    assert_eq!(branch.services[0].name, "社保医保");
    assert_eq!(branch.services[0].waiting, 2);
    assert_eq!(branch.services[0].issued_today, 2);
    assert_eq!(branch.services[0].estimated_wait_seconds, 600);
    assert_eq!(branch.services[1].issued_today, 0);
    let numbers: Vec<u32> = branch.windows.iter().map(|w| w.number).collect();
    assert_eq!(numbers, BRANCH_WINDOWS);
    let rules: Vec<CallRule> = branch.windows.iter().map(|w| w.call_rule()).collect();
    assert_eq!(
        rules,
        [
            CallRule::StrictOrder,
            CallRule::OldestFirst,
            CallRule::Ratio,
            CallRule::StrictOrder,
            CallRule::StrictOrder,
            CallRule::OldestFirst
        ]
    );
    assert_eq!(branch.windows[0].service_ids, [SOCIAL, TAX]);
    assert_eq!(branch.windows[0].name, "综合窗口一");
    for window in &branch.windows {
        assert_eq!(
            window.state(),
            WindowState::Closed,
            "window {}",
            window.number
        );
        assert_eq!(window.branch_id, BRANCH);
        assert!(window.current_ticket.is_none());
    }
    Ok(())
}

pub async fn open_pause_and_close_move_a_window_between_states(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;

    let opened = app.open(WINDOW_SOCIAL).await?;
    let opened_again = app.open(WINDOW_SOCIAL).await?;
    let paused = app.pause(WINDOW_SOCIAL, "午休 lunch").await?;
    let paused_again = app.pause(WINDOW_SOCIAL, "system trouble").await?;
    let shown_paused = app.window(WINDOW_SOCIAL).await?;
    let reopened = app.open(WINDOW_SOCIAL).await?;
    let closed = app.close(WINDOW_SOCIAL).await?;
    let pause_closed = app.pause(WINDOW_SOCIAL, "break").await;

    assert_eq!(opened.state(), WindowState::Open);
    assert_eq!(opened.number, WINDOW_SOCIAL);
    assert_eq!(opened.service_ids, [SOCIAL]);
    assert_eq!(opened_again.state(), WindowState::Open);
    assert_eq!(paused.state(), WindowState::Paused);
    assert_eq!(paused.pause_reason, "午休 lunch");
    assert_eq!(paused_again.pause_reason, "system trouble");
    assert_eq!(shown_paused.state(), WindowState::Paused);
    assert_eq!(shown_paused.pause_reason, "system trouble");
    assert_eq!(reopened.state(), WindowState::Open);
    assert_eq!(reopened.pause_reason, "", "opening clears the reason");
    assert_eq!(closed.state(), WindowState::Closed);
    assert_status(pause_closed, Code::FailedPrecondition, &["CLOSED"]);
    assert_eq!(
        app.window(WINDOW_SOCIAL).await?.state(),
        WindowState::Closed
    );
    Ok(())
}

pub async fn a_closed_or_paused_window_cannot_call(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    let ticket = app.take(SOCIAL).await?;

    let never_opened = app.call_next(WINDOW_SOCIAL).await;
    app.open(WINDOW_SOCIAL).await?;
    app.pause(WINDOW_SOCIAL, "break").await?;
    let paused_next = app.call_next(WINDOW_SOCIAL).await;
    let paused_ticket = app.call_ticket(WINDOW_SOCIAL, &ticket.id).await;
    app.open(WINDOW_SOCIAL).await?;
    app.close(WINDOW_SOCIAL).await?;
    let closed_ticket = app.call_ticket(WINDOW_SOCIAL, &ticket.id).await;
    let still_waiting = app.get(&ticket.id).await?;
    app.open(WINDOW_SOCIAL).await?;
    let open_next = app.call(WINDOW_SOCIAL).await?;

    assert_status(never_opened, Code::FailedPrecondition, &["CLOSED"]);
    assert_status(paused_next, Code::FailedPrecondition, &["PAUSED"]);
    assert_status(paused_ticket, Code::FailedPrecondition, &["PAUSED"]);
    assert_status(closed_ticket, Code::FailedPrecondition, &["CLOSED"]);
    assert_eq!(still_waiting.state(), TicketState::Waiting);
    assert_eq!(open_next.id, ticket.id);
    Ok(())
}

pub async fn a_window_holding_a_ticket_cannot_call_again_or_close(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;

    let second_call = app.call_next(WINDOW_SOCIAL).await;
    let call_out_of_order = app.call_ticket(WINDOW_SOCIAL, "test-centre.A002").await;
    let close = app.close(WINDOW_SOCIAL).await;
    app.start(WINDOW_SOCIAL).await?;
    let close_serving = app.close(WINDOW_SOCIAL).await;
    app.complete(WINDOW_SOCIAL).await?;
    let close_free = app.close(WINDOW_SOCIAL).await?;

    assert_status(second_call, Code::FailedPrecondition, &["A001", "CALLED"]);
    assert_status(call_out_of_order, Code::FailedPrecondition, &["A001"]);
    assert_status(close, Code::FailedPrecondition, &["A001", "CALLED"]);
    assert_status(
        close_serving,
        Code::FailedPrecondition,
        &["A001", "SERVING"],
    );
    assert_eq!(close_free.state(), WindowState::Closed);
    assert_eq!(app.waiting_numbers(SOCIAL).await?, ["A002"]);
    Ok(())
}

pub async fn a_paused_window_keeps_its_ticket_but_cannot_recall_it(
    store: StoreKind,
) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;

    app.pause(WINDOW_SOCIAL, "phone call").await?;
    let recall = app.recall(WINDOW_SOCIAL).await;
    let shown = app.window(WINDOW_SOCIAL).await?;

    assert_status(recall, Code::FailedPrecondition, &["PAUSED"]);
    let held = shown
        .current_ticket
        .expect("the paused window still holds A001");
    assert_eq!(held.number, "A001");
    assert_eq!(held.recall_count, 0);
    Ok(())
}

pub async fn get_branch_shows_the_ticket_each_window_holds(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app(store).await;
    app.take(SOCIAL).await?;
    app.take(TAX).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_TAX).await?;
    app.open(WINDOW_PERMITS).await?;

    app.call(WINDOW_SOCIAL).await?;
    app.call(WINDOW_TAX).await?;
    app.start(WINDOW_TAX).await?;
    let branch = app.branch(BRANCH).await?;

    let holding = |n: u32| {
        let window = branch
            .windows
            .iter()
            .find(|w| w.number == n)
            .expect("window");
        window
            .current_ticket
            .as_ref()
            .map(|t| (t.number.clone(), t.state()))
    };
    assert_eq!(
        holding(WINDOW_SOCIAL),
        Some(("A001".into(), TicketState::Called))
    );
    assert_eq!(
        holding(WINDOW_TAX),
        Some(("B001".into(), TicketState::Serving))
    );
    assert_eq!(holding(WINDOW_PERMITS), None);
    assert_eq!(
        branch.windows[WINDOW_PERMITS as usize - 1].state(),
        WindowState::Open
    );
    assert_eq!(branch.services[0].waiting, 0);
    assert_eq!(branch.services[0].issued_today, 1);
    Ok(())
}
