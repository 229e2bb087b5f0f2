//! Several `queuecall` processes (the real binary) on one Redis and one PostgreSQL, as a city
//! runs them behind a Kubernetes Service: tickets taken on one replica are called on another
//! and shown on a third; the SMS workers of all three send each reminder once; a replica killed
//! with SIGKILL in the middle of a load loses no acknowledged ticket.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::future::join_all;
use queuecall_tests::v1::{ListWaitingRequest, TakeTicketRequest};
use queuecall_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const MESSAGES: &str = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";

/// Twilio's 201 with a new message sid each time.
struct Accept(AtomicUsize);

impl Respond for Accept {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        ResponseTemplate::new(201).set_body_json(json!({
            "sid": format!("SM{n:032}"), "status": "queued",
            "error_code": null, "error_message": null,
        }))
    }
}

/// A key prefix no other test uses, so replicas of this test share it and nobody else.
fn unique_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{name}-{}-{nanos}", std::process::id())
}

/// The environment of one replica: Redis under `prefix`, the records `database`, the test hall,
/// and (when given) the fake Twilio with the per-number limits off and fast outbox polling.
fn replica_env(
    prefix: &str,
    database: &TestDatabase,
    twilio: Option<&MockServer>,
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("QUEUECALL_STORE__KIND", "redis".to_owned()),
        ("QUEUECALL_STORE__URL", test_redis_url()),
        ("QUEUECALL_STORE__KEY_PREFIX", prefix.to_owned()),
        ("QUEUECALL_GRPC__PORT", "0".to_owned()),
        (
            "QUEUECALL_HALL_FILE",
            hall_file().to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".to_owned()),
    ];
    env.extend(database.env());
    if let Some(twilio) = twilio {
        env.extend([
            ("QUEUECALL_SMS__BASE_URL", twilio.uri()),
            ("QUEUECALL_SMS__ACCOUNT_SID", SID.to_owned()),
            ("QUEUECALL_SMS__AUTH_TOKEN", "test-auth-token".to_owned()),
            ("QUEUECALL_SMS__FROM", "+15005550006".to_owned()),
            ("QUEUECALL_SMS__OUTBOX__POLL_MS", "100".to_owned()),
            ("QUEUECALL_SMS__LIMITS__PER_MINUTE", "0".to_owned()),
            ("QUEUECALL_SMS__LIMITS__PER_HOUR", "0".to_owned()),
            ("QUEUECALL_SMS__LIMITS__PER_DAY", "0".to_owned()),
        ]);
    }
    env
}

async fn start_replicas(
    dir: &Path,
    env: &[(&'static str, String)],
    count: usize,
) -> anyhow::Result<Vec<ServiceProcess>> {
    let mut replicas = Vec::new();
    for n in 0..count {
        replicas.push(ServiceProcess::start(dir, &format!("replica-{n}.log"), env).await?);
    }
    Ok(replicas)
}

/// The (To, Body) of every message the fake provider received (form-encoded, compared as sent).
async fn messages(twilio: &MockServer) -> Vec<(String, String)> {
    let received = twilio.received_requests().await.unwrap_or_default();
    received
        .iter()
        .map(|r| {
            let text = String::from_utf8_lossy(&r.body).into_owned();
            let field = |name: &str| {
                text.split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_owned())
                    .unwrap_or_default()
            };
            (field("To"), field("Body"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taken_on_one_called_on_another_shown_on_a_third_and_each_reminder_sent_once()
-> anyhow::Result<()> {
    require_redis(&test_redis_url()).await;
    let database = fresh_postgres().await?;
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(Accept(AtomicUsize::new(0)))
        .mount(&twilio)
        .await;
    let dir = tempfile::tempdir()?;
    let env = replica_env(&unique_prefix("replicas"), &database, Some(&twilio));
    let replicas = start_replicas(dir.path(), &env, 3).await?;
    let kiosk = Api::connect(&replicas[0].url()).await?;
    let window = Api::connect(&replicas[1].url()).await?;
    let screen = tonic::transport::Channel::from_shared(replicas[2].url())?
        .connect()
        .await?;
    let screen = queuecall_tests::with_bearer(screen, queuecall_tests::Bearer::admin());
    let mut display = BranchWatch::open(screen, BRANCH, 0).await?.in_background();
    let _ = display.snapshot().await;

    // Ten citizens with phones take social-security tickets (turn near at 3 ahead) on the
    // kiosk's replica; the window's replica calls and serves them all.
    let phones: Vec<String> = (0..10u64)
        .map(|n| format!("139{:08}", 10_000_000 + n))
        .collect();
    let mut taken = Vec::new();
    for phone in &phones {
        let request = TakeTicketRequest {
            phone: phone.clone(),
            ..take_request(SOCIAL)
        };
        taken.push(ticket_of(kiosk.take_with(request).await?.ticket));
    }
    window.open(WINDOW_SOCIAL).await?;
    let mut called = Vec::new();
    for _ in 0..10 {
        called.push(window.call(WINDOW_SOCIAL).await?.number);
        window.start(WINDOW_SOCIAL).await?;
        window.complete(WINDOW_SOCIAL).await?;
    }
    let numbers: Vec<String> = taken.iter().map(|t| t.number.clone()).collect();
    assert_eq!(
        called, numbers,
        "called in the order taken, across replicas"
    );

    // The third replica's display shows every call, in order.
    let mut shown = Vec::new();
    while shown.len() < 10 {
        let event = display.event().await;
        if let Some(call) = call_of(&event) {
            shown.push(call.number.clone());
        }
    }
    assert_eq!(
        shown, numbers,
        "the display of a third replica shows each call"
    );

    // Reminders: a called SMS for each of the ten; a turn-near SMS for each ticket that came
    // to exactly 3 ahead (the 4th to the 10th; the first three never had 3 ahead).
    let expected = 10 + 7;
    let deadline = Instant::now() + Duration::from_secs(30);
    while messages(&twilio).await.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Three workers keep polling: give a duplicate time to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = messages(&twilio).await;
    let distinct: BTreeSet<&(String, String)> = sent.iter().collect();
    assert_eq!(
        distinct.len(),
        sent.len(),
        "a message sent twice: {sent:#?}"
    );
    assert_eq!(sent.len(), expected, "sent: {sent:#?}");
    let mut per_phone: BTreeMap<&str, usize> = BTreeMap::new();
    for (to, _) in &sent {
        *per_phone.entry(to.as_str()).or_default() += 1;
    }
    let mut counts: Vec<usize> = per_phone.values().copied().collect();
    counts.sort_unstable();
    assert_eq!(counts, [1, 1, 1, 2, 2, 2, 2, 2, 2, 2], "{per_phone:?}");
    for replica in &replicas {
        let log = replica.log();
        for phone in &phones {
            assert!(
                !log.contains(phone.as_str()),
                "{phone} in the clear:\n{log}"
            );
        }
    }
    Ok(())
}

/// One take on the kiosk's replica; the number it was given.
async fn take_one(api: &Api) -> Result<String, Status> {
    Ok(ticket_of(api.take_with(take_request(TAX)).await?.ticket).number)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_load_loses_no_acknowledged_ticket() -> anyhow::Result<()> {
    require_redis(&test_redis_url()).await;
    let database = fresh_postgres().await?;
    let dir = tempfile::tempdir()?;
    let env = replica_env(&unique_prefix("replica-kill"), &database, None);
    let mut replicas = start_replicas(dir.path(), &env, 2).await?;
    let survivor = replicas.pop().expect("two replicas");
    let doomed = replicas.pop().expect("two replicas");
    let count = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));

    // Act: four clients on each replica take tickets of one service as fast as they can (60
    // each at most: the service issues 500 a day); one replica is killed with SIGKILL
    // meanwhile.
    let mut takers = Vec::new();
    for (replica, may_fail) in [(&doomed, true), (&survivor, false)] {
        let api = Api::connect(&replica.url()).await?;
        for _ in 0..4 {
            let (api, count, killed) = (api.clone(), count.clone(), killed.clone());
            takers.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                while acknowledged.len() < 60 {
                    match take_one(&api).await {
                        Ok(number) => acknowledged.push(number),
                        Err(_) if may_fail && killed.load(Ordering::SeqCst) => break,
                        Err(status) => anyhow::bail!("a take failed: {status:?}"),
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                }
                Ok(acknowledged)
            }));
        }
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while count.load(Ordering::SeqCst) < 150 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed.store(true, Ordering::SeqCst);
    doomed.kill().await?;
    let mut acknowledged = BTreeSet::new();
    let mut answers = 0;
    for taker in join_all(takers).await {
        let numbers = taker??;
        answers += numbers.len();
        acknowledged.extend(numbers);
    }

    // Assert: every acknowledged number is waiting, once; the survivor took all of its 240.
    assert_eq!(acknowledged.len(), answers, "a number was given twice");
    assert!(
        acknowledged.len() >= 240 + 40,
        "too few: {}",
        acknowledged.len()
    );
    let api = Api::connect(&survivor.url()).await?;
    let waiting = api
        .client
        .clone()
        .list_waiting(ListWaitingRequest {
            branch_id: BRANCH.into(),
            service_id: TAX.into(),
        })
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
    // A take that ran on Redis when the replica died may have no answer; there are at most
    // as many of those as the doomed replica's clients.
    assert!(kept.len() <= acknowledged.len() + 4, "{} kept", kept.len());
    let expected: BTreeSet<String> = (1..=kept.len()).map(|n| format!("B{n:03}")).collect();
    assert_eq!(kept, expected, "numbers are gapless from B001");
    Ok(())
}
