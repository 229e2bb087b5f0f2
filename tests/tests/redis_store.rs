//! Redis-specific behaviour: an outage answers UNAVAILABLE and the service recovers by
//! itself; tickets survive a Redis restart with its append-only file; every key of a branch
//! shares one hash tag (Redis Cluster ready).

use std::time::{Duration, Instant};

use queuecall_tests::v1::{TicketState, WindowState};
use queuecall_tests::*;

async fn spawn_on(server: &RedisServer) -> TestApp {
    spawn_app_with(AppOptions {
        redis_url: Some(server.url()),
        ..AppOptions::new(StoreKind::Redis)
    })
    .await
}

#[track_caller]
fn assert_unavailable<T: std::fmt::Debug>(result: Result<T, Status>) {
    let status = assert_status(result, Code::Unavailable, &[]);
    let message = status.message().to_lowercase();
    assert!(
        message.contains("redis") && message.contains("unreachable"),
        "UNAVAILABLE should say that Redis is unreachable: {}",
        status.message()
    );
}

/// Retries `take` until Redis answers again (at most 15 s); every failure must be UNAVAILABLE.
async fn take_once_redis_is_back(app: &TestApp) -> anyhow::Result<queuecall_tests::v1::Ticket> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match app.take(SOCIAL).await {
            Ok(ticket) => return Ok(ticket),
            Err(status) if Instant::now() < deadline => {
                assert_eq!(status.code(), Code::Unavailable, "{status:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => anyhow::bail!("the service did not recover within 15 s: {status:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_answers_unavailable_and_the_service_recovers_by_itself() -> anyhow::Result<()> {
    let mut server = RedisServer::start().await;
    let app = spawn_on(&server).await;
    let first = app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;

    server.stop();
    assert_unavailable(app.take(SOCIAL).await);
    assert_unavailable(app.get(&first.id).await);
    assert_unavailable(app.call_next(WINDOW_SOCIAL).await);
    assert_unavailable(app.branch(BRANCH).await);
    server.restart().await;
    let second = take_once_redis_is_back(&app).await?;

    assert_eq!(second.number, "A002", "the failed takes used no number");
    assert_eq!(app.get(&first.id).await?.state(), TicketState::Waiting);
    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A001");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_starts_while_redis_is_down_and_works_once_it_is_up() -> anyhow::Result<()> {
    let mut server = RedisServer::start().await;
    server.stop();

    let app = spawn_on(&server).await;
    let while_down = app.take(SOCIAL).await;
    server.restart().await;
    let once_up = take_once_redis_is_back(&app).await?;

    assert_unavailable(while_down);
    assert_eq!(once_up.number, "A001");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_survive_a_redis_restart_with_its_append_only_file() -> anyhow::Result<()> {
    let mut server = RedisServer::start().await;
    let app = spawn_on(&server).await;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
    }
    app.open(WINDOW_SOCIAL).await?;
    app.serve_next(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    let before = [
        app.get("test-centre.A001").await?,
        app.get("test-centre.A002").await?,
        app.get("test-centre.A003").await?,
    ];

    server.restart().await; // SIGKILL, then start on the same AOF
    let next = take_once_redis_is_back(&app).await?;

    assert_eq!(next.number, "A004");
    for was in before {
        assert_eq!(app.get(&was.id).await?, was);
    }
    assert_eq!(app.start(WINDOW_SOCIAL).await?.number, "A002");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_key_of_a_branch_shares_one_hash_tag() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Redis).await;
    app.take(SOCIAL).await?;
    app.take_with(queuecall_tests::v1::TakeTicketRequest {
        idempotency_key: "k-1".into(),
        ..take_request(TAX)
    })
    .await?;
    app.open(WINDOW_OLDEST).await?;
    app.serve_next(WINDOW_OLDEST).await?;
    app.call(WINDOW_OLDEST).await?;
    app.take_with(queuecall_tests::v1::TakeTicketRequest {
        branch_id: VILLAGE.into(),
        service_id: "general".into(),
        ..Default::default()
    })
    .await?;
    let (url, prefix) = app.redis_prefix().expect("a Redis app");

    let keys = redis_keys(url, prefix)?;

    assert!(!keys.is_empty(), "no keys under {prefix}");
    let mut tags = std::collections::BTreeSet::new();
    for key in &keys {
        let rest = key.strip_prefix(prefix).unwrap_or(key);
        let tag = rest
            .strip_prefix(":{")
            .and_then(|r| r.split_once('}'))
            .map(|(tag, _)| tag)
            .unwrap_or_else(|| panic!("{key} does not start with {prefix}:{{<branch>}}"));
        tags.insert(tag.to_owned());
    }
    let expected: std::collections::BTreeSet<String> =
        [BRANCH, VILLAGE].iter().map(|b| (*b).to_owned()).collect();
    assert_eq!(tags, expected, "one hash tag per branch: {keys:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_redis_serve_one_queue() -> anyhow::Result<()> {
    let first = spawn_app(StoreKind::Redis).await;
    let (url, prefix) = first.redis_prefix().expect("a Redis app");
    let second = spawn_app_with(AppOptions {
        redis_url: Some(url.to_owned()),
        redis_key_prefix: Some(prefix.to_owned()),
        ..AppOptions::new(StoreKind::Redis)
    })
    .await;
    for replica in [&first, &second] {
        for _ in 0..20 {
            replica.take(SOCIAL).await?;
        }
    }
    for window in [WINDOW_STRICT, WINDOW_OLDEST, WINDOW_SOCIAL] {
        first.open(window).await?;
    }

    let calls = futures::future::join_all(
        [
            (&first, WINDOW_STRICT),
            (&second, WINDOW_OLDEST),
            (&second, WINDOW_SOCIAL),
        ]
        .map(|(replica, window)| async move {
            let mut numbers = Vec::new();
            while let Some(ticket) = replica.call_next(window).await? {
                numbers.push(ticket.number);
                replica.no_show(window).await?;
            }
            anyhow::Ok(numbers)
        }),
    )
    .await;

    let mut numbers = Vec::new();
    for called in calls {
        numbers.extend(called?);
    }
    numbers.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("A{n:03}")).collect();
    assert_eq!(
        numbers, expected,
        "each ticket called once across the replicas"
    );
    assert_eq!(
        second.window(WINDOW_STRICT).await?.state(),
        WindowState::Open
    );
    assert_eq!(
        first.get("test-centre.A040").await?.state(),
        TicketState::NoShow
    );
    Ok(())
}
