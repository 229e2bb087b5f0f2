//! The outbox worker with the real Twilio client against a wiremock server playing Twilio, on
//! both records engines: two workers send each reminder once (counted at the provider), and a
//! 429 then success is sent once. The throughput benchmark on the same fake provider is
//! tests/benches/sms_outbox.rs (`cargo bench -p queuecall-tests --bench sms_outbox`).

#[path = "../benches/twilio_outbox/mod.rs"]
mod twilio_outbox;

use std::sync::Arc;

use queuecall::clock::{Clock, ManualClock};
use queuecall_tests::{TestDatabase, on_both_engines, start_of_test_day};
use serde_json::json;
use twilio_outbox::{
    MESSAGES, accepting_twilio, drain, enqueue_many, received, twilio_sender, worker,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

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
        worker(&db, sender.clone(), Arc::clone(&clock), 3),
        worker(&db, sender, clock, 3),
    ])
    .await?;
    assert_eq!(received(&twilio).await, (25, 25), "each sent once");
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
    assert_eq!(
        received(&twilio).await.0,
        2,
        "the 429, then the one accepted"
    );
    Ok(())
}

on_both_engines!(
    two_workers_send_each_reminder_once_to_twilio,
    too_many_requests_then_accepted_is_sent_once,
);
