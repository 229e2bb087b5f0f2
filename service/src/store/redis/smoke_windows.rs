//! Call rules, the steps on a held ticket, illegal steps, and Redis out of reach.

use super::*;
use PriorityClass::{Appointment, GreenChannel, Normal};

#[tokio::test]
async fn each_call_rule_picks_as_documented() {
    let f = fixture().await;
    let t = |s| at(0, 9, 0, s);
    f.take("b", Normal, &t(1)).await; // B001, oldest of all
    f.take("a", Normal, &t(2)).await; // A001
    f.take("a", Normal, &t(3)).await; // A002
    f.take("a", GreenChannel, &t(4)).await; // A003, priority
    f.take("a", Normal, &t(5)).await; // A004
    for n in 1..=3 {
        f.open(n).await;
    }
    // Strict order: service a first; inside it priority first.
    assert_eq!(f.next(1, &t(10)).await.as_deref(), Some("A003"));
    f.finish(1, &t(10)).await;
    // Oldest first across a and b: equal ranks, B001 was issued first.
    assert_eq!(f.next(2, &t(11)).await.as_deref(), Some("B001"));
    f.finish(2, &t(11)).await;
    f.take("a", Appointment, &t(12)).await; // A005, priority
    // Ratio 1 priority : 2 normal.
    let mut called = Vec::new();
    while let Some(number) = f.next(3, &t(20)).await {
        f.finish(3, &t(20)).await;
        called.push(number);
    }
    assert_eq!(called, ["A005", "A001", "A002", "A004"]);
    assert_eq!(f.next(1, &t(30)).await, None);
}

#[tokio::test]
async fn open_windows_written_before_their_string_key_are_read_from_the_set() {
    let f = fixture().await;
    f.open(1).await; // serves a
    f.open(4).await; // serves b only
    // As data from before `P:openl`: only the set of open windows.
    let mut con = redis::Client::open(super::url())
        .and_then(|c| c.get_connection())
        .expect("redis");
    let openl = format!("{}:{{smoke}}:openl", f.key_prefix);
    let removed: u32 = redis::cmd("DEL").arg(&openl).query(&mut con).expect("del");
    assert_eq!(removed, 1, "set_window keeps {openl}");
    assert_eq!(f.take("a", Normal, &at(0, 9, 0, 0)).await.open_windows, 1);
    // The next set_window writes the string again from the set.
    f.open(2).await;
    assert_eq!(f.take("a", Normal, &at(0, 9, 0, 1)).await.open_windows, 2);
    let services = f.store.services(&f.branch, &at(0, 9, 0, 2)).await;
    let open: Vec<u32> = services
        .expect("services")
        .iter()
        .map(|s| s.open_windows)
        .collect();
    assert_eq!(open, [2, 3]);
}

#[tokio::test]
async fn a_called_ticket_is_recalled_served_and_feeds_the_average() {
    let f = fixture().await;
    let a1 = f.take("a", Normal, &at(0, 9, 0, 0)).await.ticket.id;
    f.open(2).await;
    let (b, w) = (&f.branch, win(2));
    assert_eq!(f.next(2, &at(0, 9, 1, 0)).await.as_deref(), Some("A001"));
    for count in 1..=2 {
        let view = f.store.recall(b, w, &at(0, 9, 2, 0)).await.expect("recall");
        assert_eq!(view.ticket.recall_count, count);
    }
    precondition(
        f.store
            .recall(b, w, &at(0, 9, 3, 0))
            .await
            .expect_err("limit"),
        "recalled 2 times",
    );
    let serving = f
        .store
        .start_service(b, w, &at(0, 9, 4, 0))
        .await
        .expect("start");
    assert_eq!(serving.ticket.state, TicketState::Serving);
    precondition(
        f.store
            .recall(b, w, &at(0, 9, 4, 0))
            .await
            .expect_err("serving"),
        "is SERVING",
    );
    let done = f
        .store
        .complete_service(b, w, &at(0, 9, 6, 0))
        .await
        .expect("complete");
    assert_eq!(done.ticket.state, TicketState::Done);
    assert_eq!(done.avg_service_ms, Some(120_000));
    assert_eq!(done.open_windows, 1);
    let windows = f.store.windows(b).await.expect("windows");
    assert_eq!(windows.len(), 4);
    assert_eq!(
        (windows[1].state, windows[1].current.is_none()),
        (WindowState::Open, true)
    );
    assert_eq!(windows[0].state, WindowState::Closed);
    let cancel = f
        .store
        .cancel_ticket(b, &a1, &at(0, 9, 7, 0))
        .await
        .expect_err("done");
    precondition(
        cancel,
        "ticket A001 is DONE; only a WAITING ticket can be cancelled",
    );
}

#[tokio::test]
async fn illegal_steps_fail_and_change_nothing() {
    let f = fixture().await;
    let (b, now) = (&f.branch, at(0, 9, 0, 0));
    let a1 = f.take("a", Normal, &now).await.ticket.id;
    let b1 = f.take("b", Normal, &now).await.ticket.id;
    precondition(
        f.store
            .call_next(b, win(1), &now)
            .await
            .expect_err("closed"),
        "window 1 is CLOSED",
    );
    let pause = WindowCommand::Pause {
        reason: "lunch".into(),
    };
    precondition(
        f.store
            .set_window(b, win(1), &pause, &now)
            .await
            .expect_err("closed"),
        "CLOSED",
    );
    precondition(
        f.store.recall(b, win(1), &now).await.expect_err("closed"),
        "CLOSED",
    );
    precondition(
        f.store
            .start_service(b, win(1), &now)
            .await
            .expect_err("empty"),
        "holds no ticket",
    );
    f.open(3).await;
    precondition(
        f.store
            .call_ticket(b, win(3), &b1, &now)
            .await
            .expect_err("b"),
        "does not serve",
    );
    f.store
        .call_ticket(b, win(3), &a1, &now)
        .await
        .expect("call A001");
    precondition(
        f.store.call_next(b, win(3), &now).await.expect_err("busy"),
        "still holds ticket A001",
    );
    let close = f
        .store
        .set_window(b, win(3), &WindowCommand::Close, &now)
        .await;
    precondition(close.expect_err("busy"), "still holds ticket A001 (CALLED)");
    precondition(
        f.store
            .complete_service(b, win(3), &now)
            .await
            .expect_err("called"),
        "is CALLED",
    );
    precondition(
        f.store
            .cancel_ticket(b, &a1, &now)
            .await
            .expect_err("called"),
        "is CALLED",
    );
    f.open(4).await;
    let twice = f
        .store
        .call_ticket(b, win(4), &a1, &now)
        .await
        .expect_err("twice");
    precondition(twice, "is CALLED");
    let paused = f
        .store
        .set_window(b, win(3), &pause, &now)
        .await
        .expect("pause");
    assert_eq!(paused.pause_reason.as_deref(), Some("lunch"));
    assert_eq!(paused.current.map(|t| t.id), Some(a1.clone()));
    let cancelled = f
        .store
        .cancel_ticket(b, &b1, &now)
        .await
        .expect("cancel B001");
    assert_eq!(cancelled.ticket.state, TicketState::Cancelled);
    assert!(
        f.store
            .list_waiting(b, &sid("b"), &now)
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn an_unreachable_redis_answers_unavailable_and_ping_fails() {
    let store = RedisStore::new("redis://127.0.0.1:1", "qcsmoke-down")
        .await
        .expect("lazy");
    let branch = fixture().await.branch.clone();
    let started = std::time::Instant::now();
    let err = store
        .take_ticket(&branch, &new("a", Normal), &at(0, 9, 0, 0))
        .await
        .expect_err("down");
    assert!(
        matches!(&err, QueueError::Unavailable(m) if m.starts_with("redis is unreachable")),
        "{err:?}"
    );
    assert!(matches!(
        store.ping().await,
        Err(QueueError::Unavailable(_))
    ));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn calls_steps_and_takes_that_arrive_together_share_script_calls_and_each_gets_its_own_answer()
 {
    let f = fixture().await;
    let b = &f.branch;
    let now = at(0, 9, 0, 0);
    for _ in 0..10 {
        f.take("b", Normal, &now).await;
    }
    for n in [1, 2, 3, 4] {
        f.open(n).await;
    }
    let numbers = |views: &[TicketView]| {
        let mut n: Vec<String> = views
            .iter()
            .map(|v| v.ticket.id.number.to_string())
            .collect();
        n.sort();
        n
    };

    // Three windows that serve b call at once, window 3 (a only) finds nobody, and 20 takes
    // of b arrive behind them.
    let before = f.store.lanes.calls();
    let calls = futures::future::join_all([1, 2, 4, 3].map(|n| f.store.call_next(b, win(n), &now)));
    let takes = futures::future::join_all((0..20).map(|_| f.take("b", Normal, &now)));
    let (calls, takes) = futures::join!(calls, takes);
    let sent = f.store.lanes.calls() - before;
    assert!(sent <= 6, "24 steps at once went in {sent} script calls");
    let mut calls = calls.into_iter().map(|c| c.expect("call"));
    let called: Vec<TicketView> = calls.by_ref().take(3).flatten().collect();
    assert_eq!(numbers(&called), ["B001", "B002", "B003"]);
    assert!(called.iter().all(|v| v.ticket.state == TicketState::Called));
    assert!(calls.next().expect("call at 3").is_none());
    for view in &takes {
        // B011..B030, each behind the seven left of the first ten and those taken before it.
        assert_eq!(view.people_ahead, view.ticket.id.number.seq() - 4);
    }

    // The three start, and a start at window 3 (holding nothing) fails alone beside them.
    let later = at(0, 9, 5, 0);
    let mut starts =
        futures::future::join_all([1, 2, 3, 4].map(|n| f.store.start_service(b, win(n), &later)))
            .await;
    precondition(starts.remove(2).expect_err("empty"), "holds no ticket");
    let started: Vec<TicketView> = starts.into_iter().map(|s| s.expect("start")).collect();
    assert_eq!(numbers(&started), ["B001", "B002", "B003"]);
    assert!(
        started
            .iter()
            .all(|v| v.ticket.state == TicketState::Serving)
    );

    let done_at = at(0, 9, 9, 0);
    let done =
        futures::future::join_all([1, 2, 4].map(|n| f.store.complete_service(b, win(n), &done_at)))
            .await;
    for view in &done {
        assert_eq!(
            view.as_ref().expect("complete").ticket.state,
            TicketState::Done
        );
    }
    let windows = f.store.windows(b).await.expect("windows");
    assert!(windows.iter().all(|w| w.current.is_none()));
    let services = f.store.services(b, &done_at).await.expect("services");
    assert_eq!(services[1].waiting, 27);
    assert_eq!(services[1].issued_today, 30);
}
