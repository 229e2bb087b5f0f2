//! The outbox against a fake Twilio on wiremock, shared by the outbox benchmark
//! (tests/benches/sms_outbox.rs) and the outbox tests with the real client
//! (tests/tests/sms_outbox_twilio.rs, which includes this file by path): the fake takes every
//! message to the test account with a new message sid; reminders to enqueue, workers to send
//! them with, and what the fake received.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use queuecall::clock::Clock;
use queuecall::domain::{BranchId, Phone};
use queuecall::records::Db;
use queuecall::records::outbox::{self, NewSms, OutboxConn, SmsKind};
use queuecall::sms::Sender;
use queuecall::sms::limits::LimitSettings;
use queuecall::sms::settings::{ProviderSettings, Secret, SmsFrom};
use queuecall::sms::twilio::TwilioSender;
use queuecall::sms::worker::{OutboxSettings, Worker};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
/// Where the client posts messages for the test account.
pub const MESSAGES: &str = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";

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
pub async fn accepting_twilio() -> MockServer {
    let twilio = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES))
        .respond_with(Accept(AtomicUsize::new(0)))
        .mount(&twilio)
        .await;
    twilio
}

/// The real client, pointed at `twilio`.
pub fn twilio_sender(twilio: &MockServer) -> anyhow::Result<Arc<TwilioSender>> {
    Ok(Arc::new(TwilioSender::new(ProviderSettings {
        base_url: twilio.uri(),
        account_sid: SID.to_owned(),
        auth_token: Secret::new("test-auth-token"),
        from: SmsFrom::Number("+15005550006".to_owned()),
        status_callback_url: None,
        timeout: Duration::from_secs(5),
    })?))
}

/// What the fake received: how many requests, and how many distinct `To` numbers among them.
pub async fn received(twilio: &MockServer) -> (usize, usize) {
    let requests = twilio.received_requests().await.unwrap_or_default();
    let to: HashSet<String> = requests
        .iter()
        .filter_map(|r| {
            url_form(&r.body)
                .into_iter()
                .find(|(k, _)| k == "To")
                .map(|(_, v)| v)
        })
        .collect();
    (requests.len(), to.len())
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A worker on `db` sending through `sender`, `batch` reminders a round, retrying after at
/// most a second, with the default per-number limits.
pub fn worker(db: &Db, sender: Arc<dyn Sender>, clock: Arc<dyn Clock>, batch: usize) -> Worker {
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

/// Enqueues `count` urgent `called` reminders due at `now`, each to a number of its own (so
/// that no per-number limit holds one back), in one transaction.
pub async fn enqueue_many(db: &Db, count: usize, now: DateTime<Utc>) -> anyhow::Result<()> {
    let reminders = (0..count)
        .map(|n| {
            Ok(NewSms {
                subject: format!("hq.20261127.A{n:05}"),
                kind: SmsKind::Called,
                branch: BranchId::parse("branch", "hq")?,
                phone: Phone::parse("phone", &format!("139{n:08}"))?,
                body: format!("请 A{n:05} 号到 3 号窗口办理"),
                urgent: true,
                not_before: now,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    match db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            enqueue_in(&mut *tx, &reminders, now).await?;
            tx.commit().await?;
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            enqueue_in(&mut *tx, &reminders, now).await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

async fn enqueue_in<C: OutboxConn + ?Sized>(
    conn: &mut C,
    reminders: &[NewSms],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for sms in reminders {
        anyhow::ensure!(
            outbox::enqueue_in(conn, sms, now).await?,
            "{} enqueued twice",
            sms.subject
        );
    }
    Ok(())
}

/// Runs `workers` at once, each until one of its rounds finds nothing due.
pub async fn drain(workers: Vec<Worker>) -> anyhow::Result<()> {
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
