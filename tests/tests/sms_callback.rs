//! The SMS provider's delivery-status callback over real HTTP to the running service:
//! `POST /sms/status` signed like Twilio (`X-Twilio-Signature` over the URL the provider was
//! given and the sorted form) is taken (204); a missing or wrong signature, or one over another
//! URL (the address the request really came to), is refused with 403. Statuses reach the
//! outbox monotonically: a late `sent` never overwrites `delivered`; an `undelivered` status
//! keeps its `ErrorCode` in the row; a status that comes before the worker recorded the send
//! is taken (204) and applied when it does.

use std::time::Duration;

use chrono::{DateTime, Utc};
use queuecall::domain::{BranchId, Phone};
use queuecall::records::Db;
use queuecall::records::outbox::{
    Claimed, NewSms, Outcome, SmsKind, claim, enqueue, record_outcome,
};
use queuecall::sms::signature;
use queuecall_tests::*;
use serde_yaml::{Mapping, Value};

const TOKEN: &str = "callback-test-token";
/// What the provider is told: the public address in front of the service, not its own.
const PUBLIC_URL: &str = "https://hall.example.gov.cn/sms/status";

fn sms_settings() -> Mapping {
    let sms: Mapping = serde_yaml::from_str(&format!(
        "account_sid: AC0123456789abcdef0123456789abcdef\n\
         auth_token: {TOKEN}\n\
         from: '+15005550006'\n\
         base_url: http://127.0.0.1:9\n\
         status_callback_url: {PUBLIC_URL}\n"
    ))
    .expect("sms settings");
    let mut extra = Mapping::new();
    extra.insert("sms".into(), Value::Mapping(sms));
    extra
}

const MESSAGE_SID: &str = "SM0123456789abcdef0123456789abcdef";

fn delivered() -> Vec<(String, String)> {
    status_form("delivered")
}

fn status_form(status: &str) -> Vec<(String, String)> {
    [
        ("MessageSid", MESSAGE_SID),
        ("MessageStatus", status),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("To", "+8613812341234"),
        ("ApiVersion", "2010-04-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn outbox_state(db: &Db) -> anyhow::Result<(String, Option<String>)> {
    let sql = "SELECT state, provider_status FROM sms_outbox WHERE provider_sid = $1";
    Ok(match db {
        Db::Postgres(pool) => {
            sqlx::query_as(sql)
                .bind(MESSAGE_SID)
                .fetch_one(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_as(sql)
                .bind(MESSAGE_SID)
                .fetch_one(pool)
                .await?
        }
    })
}

/// A reminder claimed as the worker would, due an hour after the app's clock so that the
/// app's own worker (its manual clock stays at the start of the test day) never takes it;
/// and the instant it was claimed at.
async fn claimed_reminder(db: &Db, subject: &str) -> anyhow::Result<(Claimed, DateTime<Utc>)> {
    let due = start_of_test_day() + chrono::Duration::hours(1);
    let reminder = NewSms {
        subject: subject.to_owned(),
        kind: SmsKind::Called,
        branch: BranchId::parse("branch", BRANCH)?,
        phone: Phone::parse("phone", "13812341234")?,
        body: "请到 3 号窗口办理".to_owned(),
        urgent: true,
        not_before: due,
    };
    anyhow::ensure!(enqueue(db, &reminder, start_of_test_day()).await?);
    let mut claimed = claim(db, due, 1, Duration::from_secs(60)).await?;
    anyhow::ensure!(claimed.len() == 1, "claimed {} reminders", claimed.len());
    Ok((claimed.remove(0), due))
}

/// The signature Twilio sends: the auth token over the configured public URL and the form.
fn signed(form: &[(String, String)]) -> String {
    signature::sign(TOKEN, PUBLIC_URL, form)
}

async fn post_status(
    app: &TestApp,
    form: &[(String, String)],
    signature: Option<&str>,
) -> reqwest::StatusCode {
    let mut request = reqwest::Client::new()
        .post(format!("http://{}/sms/status", app.http_addr))
        .form(form);
    if let Some(signature) = signature {
        request = request.header("X-Twilio-Signature", signature);
    }
    request.send().await.expect("the callback answers").status()
}

#[tokio::test]
async fn a_status_signed_over_the_configured_url_is_taken() {
    let app = spawn_app_configured(AppOptions::new(StoreKind::Embedded), sms_settings()).await;
    let form = delivered();

    let status = post_status(&app, &form, Some(&signed(&form))).await;

    assert_eq!(status, 204);
}

#[tokio::test]
async fn a_missing_or_wrong_signature_is_refused_with_403() {
    let app = spawn_app_configured(AppOptions::new(StoreKind::Embedded), sms_settings()).await;
    let form = delivered();
    let mut tampered = form.clone();
    tampered[1].1 = "failed".to_owned();
    let own_url = format!("http://{}/sms/status", app.http_addr);

    let missing = post_status(&app, &form, None).await;
    let wrong_token = post_status(
        &app,
        &form,
        Some(&signature::sign("other", PUBLIC_URL, &form)),
    )
    .await;
    let other_form = post_status(&app, &tampered, Some(&signed(&form))).await;
    let host_url = post_status(&app, &form, Some(&signature::sign(TOKEN, &own_url, &form))).await;
    let garbage = post_status(&app, &form, Some("not a signature")).await;

    assert_eq!(missing, 403);
    assert_eq!(wrong_token, 403);
    assert_eq!(other_form, 403);
    assert_eq!(
        host_url, 403,
        "the signature is over the configured URL, not the Host"
    );
    assert_eq!(garbage, 403);
}

#[tokio::test]
async fn without_a_provider_there_is_no_callback_route() {
    let app = spawn_app(StoreKind::Embedded).await;
    let form = delivered();

    let status = post_status(&app, &form, Some(&signed(&form))).await;

    assert_eq!(status, 404);
}

#[tokio::test]
async fn signed_statuses_reach_the_outbox_and_a_late_sent_never_overwrites_delivered()
-> anyhow::Result<()> {
    let records = fresh_sqlite().await?;
    let app = spawn_app_configured(
        AppOptions {
            records: Some(records.settings()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        sms_settings(),
    )
    .await;
    let db = records.connect().await?;
    let (claimed, now) = claimed_reminder(&db, "hq.20261127.A001").await?;
    let sent = Outcome::Sent {
        sid: MESSAGE_SID.to_owned(),
        status: "queued".to_owned(),
    };
    assert!(record_outcome(&db, &claimed, sent, now).await?);

    let delivered = delivered();
    let first = post_status(&app, &delivered, Some(&signed(&delivered))).await;
    let late = status_form("sent");
    let second = post_status(&app, &late, Some(&signed(&late))).await;

    assert_eq!((first.as_u16(), second.as_u16()), (204, 204));
    assert_eq!(
        outbox_state(&db).await?,
        ("delivered".to_owned(), Some("delivered".to_owned()))
    );
    Ok(())
}

#[tokio::test]
async fn an_undelivered_status_keeps_its_error_code() -> anyhow::Result<()> {
    let records = fresh_sqlite().await?;
    let app = spawn_app_configured(
        AppOptions {
            records: Some(records.settings()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        sms_settings(),
    )
    .await;
    let db = records.connect().await?;
    let (claimed, now) = claimed_reminder(&db, "hq.20261127.A002").await?;
    let sent = Outcome::Sent {
        sid: MESSAGE_SID.to_owned(),
        status: "queued".to_owned(),
    };
    assert!(record_outcome(&db, &claimed, sent, now).await?);

    let mut undelivered = status_form("undelivered");
    undelivered.push(("ErrorCode".to_owned(), "30003".to_owned()));
    let status = post_status(&app, &undelivered, Some(&signed(&undelivered))).await;

    assert_eq!(status.as_u16(), 204);
    assert_eq!(
        outbox_state(&db).await?,
        ("undelivered".to_owned(), Some("undelivered".to_owned()))
    );
    let sql = "SELECT error_code FROM sms_outbox WHERE provider_sid = $1";
    let code: Option<i64> = match &db {
        Db::Postgres(pool) => {
            sqlx::query_scalar(sql)
                .bind(MESSAGE_SID)
                .fetch_one(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(sql)
                .bind(MESSAGE_SID)
                .fetch_one(pool)
                .await?
        }
    };
    assert_eq!(code, Some(30003));
    Ok(())
}

#[tokio::test]
async fn a_delivered_status_before_the_send_is_recorded_is_applied_with_it() -> anyhow::Result<()> {
    let records = fresh_sqlite().await?;
    let app = spawn_app_configured(
        AppOptions {
            records: Some(records.settings()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        sms_settings(),
    )
    .await;
    let db = records.connect().await?;
    let (claimed, now) = claimed_reminder(&db, "hq.20261127.A003").await?;

    // The provider calls back before the worker has recorded the send with its sid.
    let delivered = delivered();
    let early = post_status(&app, &delivered, Some(&signed(&delivered))).await;
    let sent = Outcome::Sent {
        sid: MESSAGE_SID.to_owned(),
        status: "queued".to_owned(),
    };
    assert!(record_outcome(&db, &claimed, sent, now).await?);
    let after_send = outbox_state(&db).await?;
    let late = status_form("sent");
    let late_status = post_status(&app, &late, Some(&signed(&late))).await;

    assert_eq!((early.as_u16(), late_status.as_u16()), (204, 204));
    let delivered_row = ("delivered".to_owned(), Some("delivered".to_owned()));
    assert_eq!(after_send, delivered_row);
    assert_eq!(
        outbox_state(&db).await?,
        delivered_row,
        "a late sent never overwrites"
    );
    Ok(())
}
