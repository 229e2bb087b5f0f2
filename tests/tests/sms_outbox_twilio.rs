//! The outbox worker with the real Twilio client against a wiremock server playing Twilio, on
//! both records engines: two workers send each reminder once (counted at the provider), and a
//! 429 then success is sent once. Plus the outbox throughput benchmark (ignored by default):
//!
//! ```text
//! cargo test --release -p queuecall-tests --test sms_outbox_twilio -- --ignored --nocapture
//! ```

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use queuecall::clock::{Clock, ManualClock, SystemClock};
use queuecall::domain::{BranchId, Phone};
use queuecall::records::Db;
use queuecall::records::outbox::{self, NewSms, SmsKind};
use queuecall::sms::limits::LimitSettings;
use queuecall::sms::settings::{ProviderSettings, Secret, SmsFrom};
use queuecall::sms::twilio::TwilioSender;
use queuecall::sms::worker::{OutboxSettings, Worker};
use queuecall_tests::{
    TestDatabase, fresh_postgres, fresh_sqlite, on_both_engines, start_of_test_day,
};
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

/// A fake Twilio that takes every message.
async fn accepting_twilio() -> MockServer {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(Accept(AtomicUsize::new(0)))
        .mount(&twilio)
        .await;
    twilio
}

fn twilio_sender(twilio: &MockServer) -> anyhow::Result<Arc<TwilioSender>> {
    Ok(Arc::new(TwilioSender::new(ProviderSettings {
        base_url: twilio.uri(),
        account_sid: SID.to_owned(),
        auth_token: Secret::new("test-auth-token"),
        from: SmsFrom::Number("+15005550006".to_owned()),
        status_callback_url: None,
        timeout: Duration::from_secs(5),
    })?))
}

fn worker(db: &Db, sender: Arc<TwilioSender>, clock: Arc<dyn Clock>, batch: usize) -> Worker {
    Worker::new(
        db.clone(),
        sender,
        clock,
        OutboxSettings {
            batch,
            backoff_base_ms: 1000,
            backoff_cap_ms: 1000,
            ..OutboxSettings::default()
        },
        LimitSettings::default(),
        Arc::new(|_: &str| chrono_tz::Asia::Shanghai),
    )
}

/// `count` urgent reminders, each to a number of its own.
async fn enqueue_many(db: &Db, count: usize, now: DateTime<Utc>) -> anyhow::Result<()> {
    for n in 0..count {
        let sms = NewSms {
            subject: format!("hq.20261127.A{n:05}"),
            kind: SmsKind::Called,
            branch: BranchId::parse("branch", "hq")?,
            phone: Phone::parse("phone", &format!("139{n:08}"))?,
            body: format!("请 A{n:05} 号到 3 号窗口办理"),
            urgent: true,
            not_before: now,
        };
        anyhow::ensure!(outbox::enqueue(db, &sms, now).await?);
    }
    Ok(())
}

/// Runs `workers` until a round of each finds nothing due.
async fn drain(workers: Vec<Worker>) -> anyhow::Result<()> {
    let rounds = workers.into_iter().map(|worker| {
        tokio::spawn(async move {
            while worker.run_once().await? > 0 {}
            anyhow::Ok(())
        })
    });
    for round in futures::future::join_all(rounds).await {
        round??;
    }
    Ok(())
}

async fn two_workers_send_each_reminder_once_to_twilio(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(now));
    let twilio = accepting_twilio().await;
    enqueue_many(&db, 25, now).await?;
    let sender = twilio_sender(&twilio)?;
    drain(vec![
        worker(&db, Arc::clone(&sender), Arc::clone(&clock), 3),
        worker(&db, sender, clock, 3),
    ])
    .await?;
    let received = twilio.received_requests().await.unwrap_or_default();
    let to: HashSet<String> = received
        .iter()
        .filter_map(|r| {
            url_form(&r.body)
                .into_iter()
                .find(|(k, _)| k == "To")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!((received.len(), to.len()), (25, 25), "each sent once");
    Ok(())
}

async fn too_many_requests_then_accepted_is_sent_once(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let clock = Arc::new(ManualClock::new(now));
    let twilio = accepting_twilio().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "code": 20429, "message": "Too Many Requests", "status": 429,
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&twilio)
        .await;
    enqueue_many(&db, 1, now).await?;
    let worker = worker(
        &db,
        twilio_sender(&twilio)?,
        Arc::clone(&clock) as Arc<dyn Clock>,
        5,
    );
    assert_eq!(worker.run_once().await?, 1);
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(worker.run_once().await?, 1);
    clock.advance(chrono::Duration::seconds(60));
    assert_eq!(worker.run_once().await?, 0);
    let received = twilio.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 2, "the 429, then the one accepted");
    Ok(())
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

on_both_engines!(
    two_workers_send_each_reminder_once_to_twilio,
    too_many_requests_then_accepted_is_sent_once,
);

/// Sends `count` reminders with `workers` workers against the fake provider; prints rows/s and
/// the p50/p99 of the time from claim to sent.
async fn bench(database: TestDatabase, count: usize, workers: usize) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let twilio = accepting_twilio().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    enqueue_many(&db, count, clock.now()).await?;
    let sender = twilio_sender(&twilio)?;
    let started = Instant::now();
    drain(
        (0..workers)
            .map(|_| worker(&db, Arc::clone(&sender), Arc::clone(&clock), 50))
            .collect(),
    )
    .await?;
    let elapsed = started.elapsed();
    let mut latencies = claim_to_sent_ms(&db).await?;
    anyhow::ensure!(
        latencies.len() == count,
        "{} of {count} sent",
        latencies.len()
    );
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    println!(
        "{} outbox: {count} reminders, {workers} workers: {:.0} rows/s, claim to sent p50 {:.1} ms, p99 {:.1} ms",
        db.engine(),
        count as f64 / elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.99),
    );
    Ok(())
}

async fn claim_to_sent_ms(db: &Db) -> anyhow::Result<Vec<f64>> {
    let rows: Vec<(f64,)> = match db {
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT CAST(EXTRACT(EPOCH FROM sent_at - last_attempt_at) * 1000 AS DOUBLE PRECISION) \
                 FROM sms_outbox WHERE state = 'sent'",
        )
        .fetch_all(pool)
        .await?,
        Db::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT (julianday(sent_at) - julianday(last_attempt_at)) * 86400000.0 \
                 FROM sms_outbox WHERE state = 'sent'",
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows.into_iter().map(|(ms,)| ms).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn bench_outbox_postgres() -> anyhow::Result<()> {
    bench(fresh_postgres().await?, 2000, 4).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn bench_outbox_sqlite() -> anyhow::Result<()> {
    bench(fresh_sqlite().await?, 2000, 4).await
}
