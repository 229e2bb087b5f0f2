//! The outbox worker on both records engines, against a scripted fake provider and a manual
//! clock: two workers send each reminder once, a worker killed after its claim leaves the
//! reminder to another, retries with backoff until dead, permanent refusals never retried, an
//! ambiguous time-out asked about before resending, per-number limits and quiet hours.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use queuecall::clock::{Clock, ManualClock};
use queuecall::domain::{BranchId, Phone};
use queuecall::records::Db;
use queuecall::records::outbox::{self, NewSms, SmsKind};
use queuecall::sms::limits::LimitSettings;
use queuecall::sms::worker::{OutboxSettings, Worker};
use queuecall::sms::{OutgoingSms, SendOutcome, Sender};
use queuecall_tests::{TestDatabase, on_both_engines, start_of_test_day};

/// A provider that answers from a script (then accepts) and counts what it was sent.
#[derive(Default)]
struct FakeSender {
    script: Mutex<VecDeque<SendOutcome>>,
    found: Mutex<Option<(String, String)>>,
    sends: Mutex<HashMap<String, usize>>,
    asked: Mutex<usize>,
}

impl FakeSender {
    fn scripted(outcomes: impl IntoIterator<Item = SendOutcome>) -> Arc<Self> {
        let fake = Self::default();
        *lock(&fake.script) = outcomes.into_iter().collect();
        Arc::new(fake)
    }

    fn sends(&self) -> HashMap<String, usize> {
        lock(&self.sends).clone()
    }

    fn total(&self) -> usize {
        lock(&self.sends).values().sum()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait::async_trait]
impl Sender for FakeSender {
    async fn send(&self, sms: &OutgoingSms) -> SendOutcome {
        let n = {
            let mut sends = lock(&self.sends);
            let n = sends.entry(sms.outbox_id.clone()).or_default();
            *n += 1;
            *n
        };
        tokio::task::yield_now().await;
        lock(&self.script)
            .pop_front()
            .unwrap_or_else(|| SendOutcome::Accepted {
                sid: format!("SM{}{n}", sms.outbox_id),
                status: "queued".to_owned(),
            })
    }

    async fn find_sent(
        &self,
        _sms: &OutgoingSms,
        _since: DateTime<Utc>,
    ) -> Result<Option<(String, String)>, String> {
        *lock(&self.asked) += 1;
        Ok(lock(&self.found).clone())
    }
}

struct Hall {
    db: Db,
    clock: Arc<ManualClock>,
    now: DateTime<Utc>,
}

impl Hall {
    async fn new(database: &TestDatabase, now: DateTime<Utc>) -> anyhow::Result<Self> {
        Ok(Self {
            db: database.migrated().await?,
            clock: Arc::new(ManualClock::new(now)),
            now,
        })
    }

    fn worker(&self, sender: Arc<FakeSender>, settings: OutboxSettings) -> Worker {
        Worker::new(
            self.db.clone(),
            sender,
            Arc::clone(&self.clock) as Arc<dyn Clock>,
            settings,
            LimitSettings::default(),
            Arc::new(|_: &str| chrono_tz::Asia::Shanghai),
        )
    }

    async fn enqueue(&self, subject: &str, kind: SmsKind, phone: &str) -> anyhow::Result<()> {
        let sms = NewSms {
            subject: subject.to_owned(),
            kind,
            branch: BranchId::parse("branch", "hq")?,
            phone: Phone::parse("phone", phone)?,
            body: format!("{kind} of {subject}"),
            urgent: kind.urgent(),
            not_before: self.clock.now(),
        };
        anyhow::ensure!(outbox::enqueue(&self.db, &sms, self.clock.now()).await?);
        Ok(())
    }

    fn advance(&self, by: Duration) {
        self.clock
            .advance(chrono::Duration::from_std(by).unwrap_or_default());
    }

    /// The last error (or reason) recorded on a subject's reminder.
    async fn last_error(&self, subject: &str) -> anyhow::Result<Option<String>> {
        let sql = "SELECT last_error FROM sms_outbox WHERE subject = $1";
        Ok(match &self.db {
            Db::Postgres(pool) => {
                sqlx::query_scalar(sql)
                    .bind(subject)
                    .fetch_one(pool)
                    .await?
            }
            Db::Sqlite(pool) => {
                sqlx::query_scalar(sql)
                    .bind(subject)
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    /// (state, attempts, provider_sid, error_code) of a subject's reminder.
    async fn row(
        &self,
        subject: &str,
    ) -> anyhow::Result<(String, i64, Option<String>, Option<i64>)> {
        let sql = "SELECT state, attempts, provider_sid, error_code FROM sms_outbox \
                   WHERE subject = $1";
        Ok(match &self.db {
            Db::Postgres(pool) => sqlx::query_as(sql).bind(subject).fetch_one(pool).await?,
            Db::Sqlite(pool) => sqlx::query_as(sql).bind(subject).fetch_one(pool).await?,
        })
    }
}

/// Backoffs of at most a second, three attempts.
fn quick() -> OutboxSettings {
    OutboxSettings {
        max_attempts: 3,
        backoff_base_ms: 1000,
        backoff_cap_ms: 1000,
        ..OutboxSettings::default()
    }
}

const PHONE: &str = "13812341234";

fn retryable() -> SendOutcome {
    SendOutcome::Retryable {
        reason: "HTTP 500".to_owned(),
        retry_after: None,
    }
}

async fn two_workers_send_each_reminder_once(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    for n in 0..30 {
        hall.enqueue(
            &format!("t{n:02}"),
            SmsKind::Called,
            &format!("1391234{n:04}"),
        )
        .await?;
    }
    let sender = FakeSender::scripted([]);
    let settings = OutboxSettings {
        batch: 4,
        ..quick()
    };
    let workers = [
        Arc::new(hall.worker(Arc::clone(&sender), settings.clone())),
        Arc::new(hall.worker(Arc::clone(&sender), settings)),
    ];
    let rounds = workers.iter().map(|worker| {
        let worker = Arc::clone(worker);
        tokio::spawn(async move {
            while worker.run_once().await? > 0 {}
            anyhow::Ok(())
        })
    });
    for round in futures::future::join_all(rounds).await {
        round??;
    }
    let sends = sender.sends();
    assert_eq!(sends.len(), 30);
    assert!(sends.values().all(|n| *n == 1), "{sends:?}");
    for n in 0..30 {
        assert_eq!(hall.row(&format!("t{n:02}")).await?.0, "sent");
    }
    Ok(())
}

async fn a_worker_killed_after_its_claim_leaves_the_reminder_to_another(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    // The first worker claims and dies before sending.
    let lease = Duration::from_secs(quick().lease_seconds);
    assert_eq!(outbox::claim(&hall.db, hall.now, 10, lease).await?.len(), 1);
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    assert_eq!(worker.run_once().await?, 0, "still leased");
    hall.advance(lease + Duration::from_secs(1));
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(*lock(&sender.asked), 1, "the provider is asked first");
    assert_eq!(sender.total(), 1);
    assert_eq!(hall.row("t1").await?.0, "sent");
    hall.advance(lease * 2);
    assert_eq!(worker.run_once().await?, 0);
    assert_eq!(sender.total(), 1, "sent once");
    Ok(())
}

async fn too_many_requests_then_success_is_sent_once(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    let sender = FakeSender::scripted([SendOutcome::Retryable {
        reason: "HTTP 429".to_owned(),
        retry_after: Some(Duration::from_secs(5)),
    }]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    worker.run_once().await?;
    assert_eq!(hall.row("t1").await?.0, "pending");
    hall.advance(Duration::from_secs(4));
    assert_eq!(worker.run_once().await?, 0, "Retry-After is respected");
    hall.advance(Duration::from_secs(1));
    assert_eq!(worker.run_once().await?, 1);
    let (state, attempts, sid, _) = hall.row("t1").await?;
    assert_eq!((state.as_str(), attempts), ("sent", 2));
    assert!(sid.is_some());
    assert_eq!(*lock(&sender.asked), 0, "a 429 is not ambiguous");
    Ok(())
}

async fn server_errors_until_dead_after_max_attempts(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    let sender = FakeSender::scripted((0..10).map(|_| retryable()));
    let worker = hall.worker(Arc::clone(&sender), quick());
    for _ in 0..6 {
        worker.run_once().await?;
        hall.advance(Duration::from_secs(2));
    }
    assert_eq!(sender.total(), 3);
    assert_eq!(hall.row("t1").await?.0, "dead");
    assert_eq!(hall.row("t1").await?.1, 3);
    Ok(())
}

async fn an_invalid_number_is_never_retried(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    let sender = FakeSender::scripted([SendOutcome::Permanent {
        code: Some(21211),
        reason: "invalid 'To' number".to_owned(),
    }]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    for _ in 0..3 {
        worker.run_once().await?;
        hall.advance(Duration::from_secs(3600));
    }
    assert_eq!(sender.total(), 1);
    let (state, _, _, code) = hall.row("t1").await?;
    assert_eq!((state.as_str(), code), ("failed", Some(21211)));
    Ok(())
}

async fn an_ambiguous_time_out_found_sent_is_not_resent(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    let sender = FakeSender::scripted([SendOutcome::Ambiguous {
        reason: "time-out".to_owned(),
    }]);
    *lock(&sender.found) = Some(("SMfound".to_owned(), "sent".to_owned()));
    let worker = hall.worker(Arc::clone(&sender), quick());
    worker.run_once().await?;
    hall.advance(Duration::from_secs(2));
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(sender.total(), 1, "not resent");
    assert_eq!(*lock(&sender.asked), 1);
    let (state, _, sid, _) = hall.row("t1").await?;
    assert_eq!((state.as_str(), sid.as_deref()), ("sent", Some("SMfound")));
    Ok(())
}

async fn a_number_gets_one_reminder_a_minute(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    for subject in ["t1", "t2", "t3"] {
        hall.enqueue(subject, SmsKind::BookingConfirmed, PHONE)
            .await?;
    }
    hall.enqueue("t4", SmsKind::BookingConfirmed, "13912340000")
        .await?;
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    assert_eq!(worker.run_once().await?, 4);
    assert_eq!(sender.total(), 2, "one to each number");
    hall.advance(Duration::from_secs(30));
    assert_eq!(worker.run_once().await?, 0, "postponed a minute");
    hall.advance(Duration::from_secs(31));
    worker.run_once().await?;
    assert_eq!(sender.total(), 3);
    hall.advance(Duration::from_secs(61));
    worker.run_once().await?;
    assert_eq!(sender.total(), 4);
    for subject in ["t1", "t2", "t3", "t4"] {
        let (state, attempts, _, _) = hall.row(subject).await?;
        assert_eq!((state.as_str(), attempts), ("sent", 1), "{subject}");
    }
    Ok(())
}

async fn called_right_after_turn_near_goes_at_once(database: TestDatabase) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::TurnNear, PHONE).await?;
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    assert_eq!(worker.run_once().await?, 1);
    hall.advance(Duration::from_secs(5));
    hall.enqueue("t1#1", SmsKind::Called, PHONE).await?;
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(sender.total(), 2, "not held by the per-minute limit");
    let (state, attempts, _, _) = hall.row("t1#1").await?;
    assert_eq!((state.as_str(), attempts), ("sent", 1));
    Ok(())
}

async fn an_urgent_reminder_over_the_hour_limit_is_cancelled_not_postponed(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    // Five urgent sends in the hour (the default per-hour limit), a minute apart.
    for n in 1..=5 {
        hall.enqueue(&format!("t{n}#1"), SmsKind::Called, PHONE)
            .await?;
        assert_eq!(worker.run_once().await?, 1);
        hall.advance(Duration::from_secs(61));
    }
    assert_eq!(sender.total(), 5);
    hall.enqueue("t6", SmsKind::TurnNear, PHONE).await?;
    hall.enqueue("appt-1@s1", SmsKind::BookingConfirmed, PHONE)
        .await?;
    assert_eq!(worker.run_once().await?, 2);
    assert_eq!(sender.total(), 5, "nothing more sent");
    let (state, attempts, _, _) = hall.row("t6").await?;
    assert_eq!(state, "cancelled");
    assert_eq!(
        hall.last_error("t6").await?.as_deref(),
        Some("per-number limit")
    );
    let (state, _, _, _) = hall.row("appt-1@s1").await?;
    assert_eq!(state, "pending", "a non-urgent one is postponed");
    assert_eq!(
        hall.last_error("appt-1@s1").await?.as_deref(),
        Some("per-number limit")
    );
    assert!(attempts <= 1);
    // An hour after the first send the non-urgent one goes.
    hall.advance(Duration::from_secs(3600));
    worker.run_once().await?;
    assert_eq!(hall.row("appt-1@s1").await?.0, "sent");
    assert_eq!(hall.row("t6").await?.0, "cancelled");
    Ok(())
}

async fn quiet_hours_postpone_a_non_urgent_reminder_only(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let evening = shanghai(2026, 11, 27, 22, 0);
    let hall = Hall::new(&database, evening).await?;
    hall.enqueue("appt-1", SmsKind::BookingConfirmed, PHONE)
        .await?;
    hall.enqueue("t1", SmsKind::Called, "13912340000").await?;
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    worker.run_once().await?;
    assert_eq!(hall.row("t1").await?.0, "sent", "urgent");
    assert_eq!(hall.row("appt-1").await?.0, "pending");
    hall.clock.set(shanghai(2026, 11, 28, 7, 59));
    assert_eq!(worker.run_once().await?, 0);
    hall.clock.set(shanghai(2026, 11, 28, 8, 0));
    assert_eq!(worker.run_once().await?, 1);
    let (state, attempts, _, _) = hall.row("appt-1").await?;
    assert_eq!((state.as_str(), attempts), ("sent", 1));
    Ok(())
}

async fn an_appointment_reminder_is_checked_again_at_send_time(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("no-such-appointment", SmsKind::AppointmentSoon, PHONE)
        .await?;
    let sender = FakeSender::scripted([]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    assert_eq!(worker.run_once().await?, 1);
    assert_eq!(sender.total(), 0);
    assert_eq!(hall.row("no-such-appointment").await?.0, "cancelled");
    Ok(())
}

async fn an_ambiguous_last_attempt_is_asked_about_not_resent(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let hall = Hall::new(&database, start_of_test_day()).await?;
    hall.enqueue("t1", SmsKind::Called, PHONE).await?;
    let sender = FakeSender::scripted([
        retryable(),
        retryable(),
        SendOutcome::Ambiguous {
            reason: "time-out".to_owned(),
        },
    ]);
    let worker = hall.worker(Arc::clone(&sender), quick());
    for _ in 0..6 {
        worker.run_once().await?;
        hall.advance(Duration::from_secs(2));
    }
    assert_eq!((sender.total(), *lock(&sender.asked)), (3, 1));
    let (state, attempts, _, _) = hall.row("t1").await?;
    assert_eq!((state.as_str(), attempts), ("dead", 4));
    Ok(())
}

fn shanghai(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

on_both_engines!(
    two_workers_send_each_reminder_once,
    a_worker_killed_after_its_claim_leaves_the_reminder_to_another,
    too_many_requests_then_success_is_sent_once,
    server_errors_until_dead_after_max_attempts,
    an_invalid_number_is_never_retried,
    an_ambiguous_time_out_found_sent_is_not_resent,
    a_number_gets_one_reminder_a_minute,
    quiet_hours_postpone_a_non_urgent_reminder_only,
    called_right_after_turn_near_goes_at_once,
    an_urgent_reminder_over_the_hour_limit_is_cancelled_not_postponed,
    an_appointment_reminder_is_checked_again_at_send_time,
    an_ambiguous_last_attempt_is_asked_about_not_resent,
);
