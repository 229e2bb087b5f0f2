//! The embedded store keeps every ticket through a crash: the real `queuecall` binary is
//! killed with SIGKILL and started again on the same SQLite file.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::future::join_all;
use queuecall_tests::v1::{
    ListWaitingRequest, PriorityClass, TakeTicketRequest, TicketState, WindowState,
};
use queuecall_tests::*;

fn embedded_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("QUEUECALL_STORE__KIND", "embedded".into()),
        (
            "QUEUECALL_STORE__PATH",
            dir.join("queuecall.sqlite").to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_GRPC__PORT", "0".into()),
        (
            "QUEUECALL_HALL_FILE",
            hall_file().to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".into()),
    ]
}

#[tokio::test]
async fn a_killed_service_restarts_with_every_ticket_window_and_next_number() -> anyhow::Result<()>
{
    // Arrange: tickets in every state, two windows holding tickets.
    let dir = tempfile::tempdir()?;
    let env = embedded_env(dir.path());
    let first = ServiceProcess::start(dir.path(), "first.log", &env).await?;
    let api = Api::connect(&first.url()).await?;
    for _ in 0..4 {
        api.take(SOCIAL).await?;
    }
    let keyed = TakeTicketRequest {
        phone: "13812345678".into(),
        priority_class: PriorityClass::GreenChannel.into(),
        idempotency_key: "kiosk-1-0001".into(),
        ..take_request(TAX)
    };
    let keyed_ticket = ticket_of(api.take_with(keyed.clone()).await?.ticket);
    api.take(TAX).await?;
    for window in [WINDOW_SOCIAL, WINDOW_TAX, WINDOW_OLDEST] {
        api.open(window).await?;
    }
    api.pause(WINDOW_OLDEST, "lunch").await?;
    api.serve_next(WINDOW_SOCIAL).await?; // A001 done
    api.call(WINDOW_SOCIAL).await?; // A002 called
    api.recall(WINDOW_SOCIAL).await?;
    api.call(WINDOW_TAX).await?; // B001 (green channel) serving
    api.start(WINDOW_TAX).await?;
    api.cancel("test-centre.A004").await?;
    let ids: Vec<String> = ["A001", "A002", "A003", "A004", "B001", "B002"]
        .iter()
        .map(|n| format!("test-centre.{n}"))
        .collect();
    let mut before = Vec::new();
    for id in &ids {
        before.push(api.get(id).await?);
    }
    let branch_before = api.branch(BRANCH).await?;

    // Act: crash, then start again on the same file.
    first.kill().await?;
    let second = ServiceProcess::start(dir.path(), "second.log", &env).await?;
    let api = Api::connect(&second.url()).await?;

    // Assert: every ticket as it was, windows as they were, numbering carries on.
    for (id, was) in ids.iter().zip(&before) {
        assert_eq!(&api.get(id).await?, was, "{id} after the restart");
    }
    let branch_after = api.branch(BRANCH).await?;
    assert_eq!(branch_after.windows, branch_before.windows);
    assert_eq!(branch_after.services, branch_before.services);
    assert_eq!(branch_after.windows[1].state(), WindowState::Paused);
    assert_eq!(branch_after.windows[1].pause_reason, "lunch");
    assert_eq!(api.waiting_numbers(SOCIAL).await?, ["A003"]);
    assert_eq!(api.take(SOCIAL).await?.number, "A005");
    assert_eq!(api.take(TAX).await?.number, "B003");
    let replay = api.take_with(keyed).await?;
    assert!(replay.replayed, "idempotency keys survive the restart");
    assert_eq!(ticket_of(replay.ticket).id, keyed_ticket.id);
    assert_eq!(api.recall(WINDOW_SOCIAL).await?.recall_count, 2);
    assert_eq!(api.complete(WINDOW_TAX).await?.state(), TicketState::Done);
    Ok(())
}

/// A ticket of the busy branch's first service (daily limit 5,000).
async fn take_busy(api: &Api) -> Result<String, Status> {
    let request = TakeTicketRequest {
        branch_id: BUSY_BRANCH.into(),
        service_id: BUSY_SERVICES[0].into(),
        ..TakeTicketRequest::default()
    };
    Ok(ticket_of(api.take_with(request).await?.ticket).number)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_ticket_survives_a_kill_during_heavy_taking() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let env = embedded_env(dir.path());
    let first = ServiceProcess::start(dir.path(), "first.log", &env).await?;
    let api = Api::connect(&first.url()).await?;
    let count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));

    // Act: eight clients take tickets as fast as they can; the service is killed meanwhile.
    let takers: Vec<_> = (0..8)
        .map(|_| {
            let (api, count, killed) = (api.clone(), count.clone(), killed.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                loop {
                    match take_busy(&api).await {
                        Ok(number) => acknowledged.push(number),
                        Err(_) if killed.load(Ordering::SeqCst) => return Ok(acknowledged),
                        Err(status) => anyhow::bail!("a take failed before the kill: {status:?}"),
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while count.load(Ordering::SeqCst) < 300 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed.store(true, Ordering::SeqCst);
    first.kill().await?;
    let mut acknowledged = BTreeSet::new();
    for taker in join_all(takers).await {
        acknowledged.extend(taker??);
    }
    let second = ServiceProcess::start(dir.path(), "second.log", &env).await?;
    let api = Api::connect(&second.url()).await?;

    // Assert: every acknowledged ticket is there; numbers are gapless; none is reused.
    assert!(
        acknowledged.len() >= 300,
        "too few tickets before the kill: {}",
        acknowledged.len()
    );
    let request = ListWaitingRequest {
        branch_id: BUSY_BRANCH.into(),
        service_id: BUSY_SERVICES[0].into(),
    };
    let waiting = api
        .client
        .clone()
        .list_waiting(request)
        .await?
        .into_inner()
        .tickets;
    let kept: BTreeSet<String> = waiting.iter().map(|t| t.number.clone()).collect();
    assert_eq!(kept.len(), waiting.len(), "no number twice");
    assert!(
        acknowledged.is_subset(&kept),
        "lost: {:?}",
        acknowledged.difference(&kept)
    );
    let expected: BTreeSet<String> = (1..=kept.len()).map(|n| format!("E{n:03}")).collect();
    assert_eq!(kept, expected, "numbers are gapless from E001");
    let next = take_busy(&api).await?;
    assert_eq!(next, format!("E{:03}", kept.len() + 1));
    Ok(())
}
