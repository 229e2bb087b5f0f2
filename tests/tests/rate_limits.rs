//! Rate limits: over `rate_limits.*` TakeTicket and BookAppointment answer RESOURCE_EXHAUSTED
//! naming what was limited, with a retry hint (message and `google.rpc.RetryInfo`), and issue
//! or book nothing; another phone, person or a later window goes on. On both live stores (the
//! counters live in Redis with the Redis store).

use std::time::Duration;

use queuecall_proto::v1::BookAppointmentRequest;
use queuecall_proto::v1::appointment_service_client::AppointmentServiceClient;
use queuecall_tests::v1::TakeTicketRequest;
use queuecall_tests::*;
use serde_yaml::{Mapping, Value};
use tonic_types::StatusExt;

/// `rate_limits.<limit> = {count, window_seconds}` for each of `limits`.
fn limits(limits: &[(&str, u32, u64)]) -> Mapping {
    let mut section = Mapping::new();
    for (name, count, window) in limits {
        let mut rate = Mapping::new();
        rate.insert("count".into(), (*count).into());
        rate.insert("window_seconds".into(), (*window).into());
        section.insert((*name).into(), Value::Mapping(rate));
    }
    let mut root = Mapping::new();
    root.insert("rate_limits".into(), Value::Mapping(section));
    root
}

/// The limit was hit: RESOURCE_EXHAUSTED naming `what`, retry within `window`.
#[track_caller]
fn assert_throttled<T: std::fmt::Debug>(result: Result<T, Status>, what: &str, window: Duration) {
    let status = assert_status(result, Code::ResourceExhausted, &[what, "retry in"]);
    let retry = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .expect("a RetryInfo detail");
    assert!(
        retry > Duration::ZERO && retry <= window,
        "retry after {retry:?}, window {window:?}"
    );
}

fn with_phone(phone: &str) -> TakeTicketRequest {
    TakeTicketRequest {
        phone: phone.to_owned(),
        ..take_request(SOCIAL)
    }
}

async fn take_ticket_per_phone(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app_configured(
        AppOptions::new(store),
        limits(&[("take_ticket_per_phone", 2, 3600)]),
    )
    .await;
    let number = |r: queuecall_proto::v1::TakeTicketResponse| ticket_of(r.ticket).number;
    assert_eq!(
        number(app.take_with(with_phone("13912345678")).await?),
        "A001"
    );
    assert_eq!(
        number(app.take_with(with_phone("13912345678")).await?),
        "A002"
    );
    assert_throttled(
        app.take_with(with_phone("13912345678")).await,
        "phone",
        Duration::from_secs(3600),
    );
    // Another number, or none, is not held back; the refused take used no number.
    assert_eq!(
        number(app.take_with(with_phone("13987654321")).await?),
        "A003"
    );
    assert_eq!(app.take(SOCIAL).await?.number, "A004");
    // The next window counts afresh.
    app.advance(Duration::from_secs(3600));
    assert_eq!(
        number(app.take_with(with_phone("13912345678")).await?),
        "A005"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_take_ticket_per_phone() -> anyhow::Result<()> {
    take_ticket_per_phone(StoreKind::Embedded).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_take_ticket_per_phone() -> anyhow::Result<()> {
    take_ticket_per_phone(StoreKind::Redis).await
}

async fn take_ticket_per_client(store: StoreKind) -> anyhow::Result<()> {
    let app = spawn_app_configured(
        AppOptions::new(store),
        limits(&[("take_ticket_per_client", 3, 60)]),
    )
    .await;
    for n in 1..=3 {
        assert_eq!(app.take(TAX).await?.number, format!("B{n:03}"));
    }
    assert_throttled(app.take(TAX).await, "client", Duration::from_secs(60));
    assert_throttled(app.take(SOCIAL).await, "client", Duration::from_secs(60));
    app.advance(Duration::from_secs(60));
    assert_eq!(app.take(TAX).await?.number, "B004");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_take_ticket_per_client() -> anyhow::Result<()> {
    take_ticket_per_client(StoreKind::Embedded).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_take_ticket_per_client() -> anyhow::Result<()> {
    take_ticket_per_client(StoreKind::Redis).await
}

/// A booking of Monday 2026-11-30 at `hhmm` for person `person`.
fn book(hhmm: &str, person: u32, key: &str) -> BookAppointmentRequest {
    BookAppointmentRequest {
        slot_id: format!("{BRANCH}.{SOCIAL}.20261130.{hhmm}"),
        name: "王小明".to_owned(),
        phone: format!("137{person:08}"),
        id_number: resident_id(person),
        credit_code: String::new(),
        idempotency_key: key.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_per_person_counts_attempts_and_names_the_id_number() -> anyhow::Result<()> {
    let app = spawn_app_configured(
        AppOptions::new(StoreKind::Embedded),
        limits(&[("book_per_person", 2, 3600)]),
    )
    .await;
    let mut client = AppointmentServiceClient::new(app.channel().await);
    client.book_appointment(book("0900", 7, "bot-1")).await?;
    // The policy refuses a second active booking; the attempt still counts.
    assert_status(
        client.book_appointment(book("0930", 7, "bot-2")).await,
        Code::FailedPrecondition,
        &[],
    );
    assert_throttled(
        client.book_appointment(book("1000", 7, "bot-3")).await,
        "resident_id",
        Duration::from_secs(3600),
    );
    // Another person books at once.
    client.book_appointment(book("1000", 8, "person-8")).await?;
    let listed = client
        .list_appointments(queuecall_proto::v1::ListAppointmentsRequest {
            id_number: resident_id(7),
            ..Default::default()
        })
        .await?
        .into_inner()
        .appointments;
    assert_eq!(listed.len(), 1, "the throttled attempt booked nothing");
    Ok(())
}
