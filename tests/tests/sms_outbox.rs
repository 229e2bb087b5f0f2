//! The SMS outbox on both records engines: enqueue once per (subject, kind), claims that never
//! hand one reminder to two workers, leases that expire, fenced outcomes, monotonic statuses,
//! and statuses that come before the send is recorded (held, then applied with it).

use std::time::Duration;

use chrono::{DateTime, Utc};
use queuecall::domain::{BranchId, Phone};
use queuecall::records::Db;
use queuecall::records::outbox::StatusApplied::{Applied, Held, Ignored, NotNewer};
use queuecall::records::outbox::{
    self, Claimed, NewSms, Outcome, SmsKind, apply_status, claim, enqueue, record_outcome,
};
use queuecall_tests::{TestDatabase, on_both_engines, start_of_test_day};

const LEASE: Duration = Duration::from_secs(60);

fn sms(subject: &str, kind: SmsKind, not_before: DateTime<Utc>) -> anyhow::Result<NewSms> {
    Ok(NewSms {
        subject: subject.to_owned(),
        kind,
        branch: BranchId::parse("branch", "hq")?,
        phone: Phone::parse("phone", "13812341234")?,
        body: format!("{kind} of {subject}"),
        urgent: kind.urgent(),
        not_before,
    })
}

async fn state_of(db: &Db, subject: &str) -> anyhow::Result<(String, i64, Option<String>)> {
    let sql = "SELECT state, attempts, provider_status FROM sms_outbox WHERE subject = $1";
    Ok(match db {
        Db::Postgres(pool) => sqlx::query_as(sql).bind(subject).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(subject).fetch_one(pool).await?,
    })
}

async fn enqueue_twice_stores_one_row(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let first = sms("hq.20261127.A001", SmsKind::TurnNear, now)?;
    assert!(enqueue(&db, &first, now).await?);
    let mut again = first.clone();
    again.body = "another body".to_owned();
    assert!(!enqueue(&db, &again, now).await?, "same subject and kind");
    assert!(enqueue(&db, &sms("hq.20261127.A001", SmsKind::Called, now)?, now).await?);
    let claimed = claim(&db, now, 10, LEASE).await?;
    assert_eq!(claimed.len(), 2);
    let turn_near = claimed
        .iter()
        .find(|c| c.kind == SmsKind::TurnNear)
        .expect("turn_near claimed");
    assert_eq!(turn_near.body, first.body, "the first enqueue's row");
    assert_eq!(turn_near.attempts, 1);
    assert_eq!(turn_near.phone, "13812341234");
    Ok(())
}

async fn enqueue_in_rolls_back_with_the_callers_transaction(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let reminder = sms("appt-1", SmsKind::BookingConfirmed, now)?;
    match &db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            assert!(outbox::enqueue_in(&mut *tx, &reminder, now).await?);
            tx.rollback().await?;
        }
        Db::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            assert!(outbox::enqueue_in(&mut *tx, &reminder, now).await?);
            tx.rollback().await?;
        }
    }
    assert!(claim(&db, now, 10, LEASE).await?.is_empty());
    assert!(
        enqueue(&db, &reminder, now).await?,
        "nothing was left behind"
    );
    Ok(())
}

async fn a_reminder_is_due_at_not_before(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let later = now + chrono::Duration::minutes(30);
    enqueue(&db, &sms("appt-2", SmsKind::AppointmentSoon, later)?, now).await?;
    assert!(claim(&db, now, 10, LEASE).await?.is_empty());
    assert_eq!(claim(&db, later, 10, LEASE).await?.len(), 1);
    Ok(())
}

async fn concurrent_claims_never_share_a_row(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    for n in 0..40 {
        enqueue(&db, &sms(&format!("t{n:03}"), SmsKind::Called, now)?, now).await?;
    }
    let claims = (0..4).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = claim(&db, now, 3, LEASE).await?;
                if batch.is_empty() {
                    return anyhow::Ok(mine);
                }
                mine.extend(batch.into_iter().map(|c| c.id));
            }
        })
    });
    let mut all: Vec<String> = Vec::new();
    for claimed in futures::future::join_all(claims).await {
        all.extend(claimed??);
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!((count, all.len()), (40, 40), "each row claimed once");
    Ok(())
}

async fn an_expired_lease_is_claimed_again_and_asks_first(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    enqueue(&db, &sms("t1", SmsKind::Called, now)?, now).await?;
    let first = claim(&db, now, 10, LEASE).await?;
    assert_eq!(first.len(), 1);
    assert!(first[0].verify_since.is_none());
    // The first worker dies: nothing is due until its lease ends.
    assert!(claim(&db, now + seconds(59), 10, LEASE).await?.is_empty());
    let second = claim(&db, now + seconds(61), 10, LEASE).await?;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempts, 2);
    assert_eq!(
        second[0].verify_since,
        Some(now),
        "asks since the lost attempt"
    );
    // The first worker's late outcome is fenced off; the second one's is recorded.
    let late = Outcome::Sent {
        sid: "SM1".to_owned(),
        status: "queued".to_owned(),
    };
    assert!(!record_outcome(&db, &first[0], late.clone(), now + seconds(62)).await?);
    assert!(record_outcome(&db, &second[0], late, now + seconds(62)).await?);
    assert_eq!(
        state_of(&db, "t1").await?,
        ("sent".to_owned(), 2, Some("queued".to_owned()))
    );
    Ok(())
}

async fn retries_come_back_at_their_time(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    enqueue(&db, &sms("t1", SmsKind::Called, now)?, now).await?;
    let c = one(claim(&db, now, 10, LEASE).await?)?;
    let at = now + seconds(30);
    let retry = Outcome::Retry {
        at,
        error: "429".to_owned(),
    };
    assert!(record_outcome(&db, &c, retry, now).await?);
    assert!(claim(&db, now + seconds(29), 10, LEASE).await?.is_empty());
    let c = one(claim(&db, at, 10, LEASE).await?)?;
    assert_eq!((c.attempts, c.verify_since), (2, None));
    let ambiguous = Outcome::Ambiguous {
        at,
        error: "time-out".to_owned(),
    };
    assert!(record_outcome(&db, &c, ambiguous, at).await?);
    let c = one(claim(&db, at + seconds(1), 10, LEASE).await?)?;
    assert_eq!((c.attempts, c.verify_since), (3, Some(at)));
    let postponed = Outcome::Postponed {
        at: at + seconds(60),
        reason: "quiet hours".to_owned(),
    };
    assert!(record_outcome(&db, &c, postponed, at).await?);
    let c = one(claim(&db, at + seconds(60), 10, LEASE).await?)?;
    assert_eq!(c.attempts, 3, "a postponement is not an attempt");
    let failed = Outcome::Failed {
        code: Some(21211),
        error: "invalid number".to_owned(),
    };
    assert!(record_outcome(&db, &c, failed, at).await?);
    assert!(claim(&db, at + seconds(3600), 10, LEASE).await?.is_empty());
    assert_eq!(state_of(&db, "t1").await?.0, "failed");
    Ok(())
}

async fn statuses_apply_monotonically(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    enqueue(&db, &sms("t1", SmsKind::Called, now)?, now).await?;
    let c = one(claim(&db, now, 10, LEASE).await?)?;
    let sent = Outcome::Sent {
        sid: "SM1".to_owned(),
        status: "queued".to_owned(),
    };
    record_outcome(&db, &c, sent, now).await?;
    let apply = |status: &'static str| apply_status(&db, "SM1", status, None, now);
    assert_eq!(apply("sent").await?, Applied);
    assert_eq!(apply("delivered").await?, Applied);
    assert_eq!(apply("sent").await?, NotNewer, "late sent");
    assert_eq!(apply("queued").await?, NotNewer);
    assert_eq!(apply("failed").await?, NotNewer, "same rank");
    assert_eq!(apply("bogus").await?, Ignored);
    assert_eq!(
        apply_status(&db, &"S".repeat(101), "sent", None, now).await?,
        Ignored,
        "no reminder can have that sid"
    );
    assert_eq!(
        state_of(&db, "t1").await?,
        ("delivered".to_owned(), 1, Some("delivered".to_owned()))
    );
    assert!(held(&db).await?.is_empty());
    Ok(())
}

async fn a_status_before_the_send_is_recorded_is_applied_with_it(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    enqueue(&db, &sms("t1", SmsKind::Called, now)?, now).await?;
    enqueue(&db, &sms("t2", SmsKind::Called, now)?, now).await?;
    let claimed = claim(&db, now, 10, LEASE).await?;
    let (c1, c2) = match claimed.as_slice() {
        [a, b] if a.subject == "t1" => (a, b),
        [a, b] => (b, a),
        _ => anyhow::bail!("claimed {} rows, not two", claimed.len()),
    };

    // The provider calls back before the worker records the sends.
    assert_eq!(
        apply_status(&db, "SM1", "delivered", None, now).await?,
        Held
    );
    assert_eq!(apply_status(&db, "SM1", "sent", None, now).await?, NotNewer);
    assert_eq!(apply_status(&db, "SM2", "sent", None, now).await?, Held);
    assert_eq!(
        apply_status(&db, "SM2", "undelivered", Some(30003), now).await?,
        Held,
        "a higher rank replaces the one held"
    );
    assert_eq!(held(&db).await?.len(), 2);
    for (c, sid) in [(c1, "SM1"), (c2, "SM2")] {
        let sent = Outcome::Sent {
            sid: sid.to_owned(),
            status: "queued".to_owned(),
        };
        assert!(record_outcome(&db, c, sent, now + seconds(1)).await?);
    }

    assert_eq!(
        state_of(&db, "t1").await?,
        ("delivered".to_owned(), 1, Some("delivered".to_owned()))
    );
    assert_eq!(
        state_of(&db, "t2").await?,
        ("undelivered".to_owned(), 1, Some("undelivered".to_owned()))
    );
    assert_eq!(error_code_of(&db, "t2").await?, Some(30003));
    assert!(held(&db).await?.is_empty(), "taken with the sends");
    assert_eq!(
        apply_status(&db, "SM1", "sent", None, now).await?,
        NotNewer,
        "a late sent still never overwrites"
    );
    assert_eq!(state_of(&db, "t1").await?.0, "delivered");
    Ok(())
}

async fn statuses_held_for_a_day_that_never_matched_are_deleted(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let yesterday = now - chrono::Duration::hours(25);
    assert_eq!(
        apply_status(&db, "SMold", "sent", None, yesterday).await?,
        Held
    );
    assert_eq!(
        apply_status(&db, "SMrecent", "sent", None, now - seconds(3600)).await?,
        Held
    );

    assert_eq!(apply_status(&db, "SMnew", "queued", None, now).await?, Held);

    assert_eq!(held(&db).await?, ["SMnew", "SMrecent"]);
    Ok(())
}

/// The callback and the worker's record of the send at once, many times: every status ends
/// on its reminder, whichever commits first.
async fn a_status_racing_the_send_is_never_lost(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    const ROWS: usize = 40;
    for n in 0..ROWS {
        enqueue(&db, &sms(&format!("t{n:03}"), SmsKind::Called, now)?, now).await?;
    }
    let claimed = claim(&db, now, ROWS, LEASE).await?;
    anyhow::ensure!(claimed.len() == ROWS, "claimed {}", claimed.len());
    let mut racing = Vec::new();
    for c in claimed {
        let sid = format!("SM-{}", c.subject);
        let (db_a, db_b, sid_b) = (db.clone(), db.clone(), sid.clone());
        racing.push(tokio::spawn(async move {
            let sent = Outcome::Sent {
                sid,
                status: "queued".to_owned(),
            };
            record_outcome(&db_a, &c, sent, now).await.map(drop)
        }));
        racing.push(tokio::spawn(async move {
            apply_status(&db_b, &sid_b, "delivered", None, now)
                .await
                .map(drop)
        }));
    }
    for done in futures::future::join_all(racing).await {
        done??;
    }

    for n in 0..ROWS {
        assert_eq!(
            state_of(&db, &format!("t{n:03}")).await?,
            ("delivered".to_owned(), 1, Some("delivered".to_owned())),
            "t{n:03}"
        );
    }
    assert!(held(&db).await?.is_empty());
    Ok(())
}

/// The sids of the statuses held, in order.
async fn held(db: &Db) -> anyhow::Result<Vec<String>> {
    let sql = "SELECT provider_sid FROM sms_status_early ORDER BY provider_sid";
    Ok(match db {
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
    })
}

async fn error_code_of(db: &Db, subject: &str) -> anyhow::Result<Option<i64>> {
    let sql = "SELECT error_code FROM sms_outbox WHERE subject = $1";
    Ok(match db {
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

async fn cancel_stops_a_pending_reminder_only(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let now = start_of_test_day();
    let soon = now + seconds(600);
    enqueue(&db, &sms("appt-1", SmsKind::AppointmentSoon, soon)?, now).await?;
    enqueue(&db, &sms("appt-2", SmsKind::AppointmentSoon, now)?, now).await?;
    let sending = one(claim(&db, now, 10, LEASE).await?)?;
    assert_eq!(sending.subject, "appt-2");
    assert!(outbox::cancel(&db, "appt-1", SmsKind::AppointmentSoon, now).await?);
    assert!(!outbox::cancel(&db, "appt-2", SmsKind::AppointmentSoon, now).await?);
    assert!(!outbox::cancel(&db, "appt-1", SmsKind::AppointmentSoon, now).await?);
    let sent = Outcome::Sent {
        sid: "SM2".to_owned(),
        status: "queued".to_owned(),
    };
    assert!(record_outcome(&db, &sending, sent, now).await?);
    assert!(claim(&db, soon, 10, LEASE).await?.is_empty());
    assert_eq!(state_of(&db, "appt-1").await?.0, "cancelled");
    Ok(())
}

fn one(mut claimed: Vec<Claimed>) -> anyhow::Result<Claimed> {
    anyhow::ensure!(
        claimed.len() == 1,
        "claimed {} rows, not one",
        claimed.len()
    );
    Ok(claimed.remove(0))
}

fn seconds(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

on_both_engines!(
    enqueue_twice_stores_one_row,
    enqueue_in_rolls_back_with_the_callers_transaction,
    a_reminder_is_due_at_not_before,
    concurrent_claims_never_share_a_row,
    an_expired_lease_is_claimed_again_and_asks_first,
    retries_come_back_at_their_time,
    statuses_apply_monotonically,
    a_status_before_the_send_is_recorded_is_applied_with_it,
    statuses_held_for_a_day_that_never_matched_are_deleted,
    a_status_racing_the_send_is_never_lost,
    cancel_stops_a_pending_reminder_only,
);
