//! The service's log never names a person: the binary books, reads, lists and cancels an
//! appointment, then its log is searched for the name, the phone and the ID number in clear.

use std::path::Path;
use std::time::Duration;

use chrono::{Datelike, Utc, Weekday};
use queuecall_proto::v1::appointment_service_client::AppointmentServiceClient;
use queuecall_proto::v1::{
    BookAppointmentRequest, CancelAppointmentRequest, GetAppointmentRequest,
    ListAppointmentsRequest,
};
use queuecall_tests::{BRANCH, HOLIDAY, SOCIAL, ServiceProcess, hall_file, resident_id};

fn env(dir: &Path) -> Vec<(&'static str, String)> {
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

/// A bookable slot by the machine's clock: 09:00 on a weekday two to eight days ahead.
fn next_slot() -> String {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let holiday = chrono::NaiveDate::from_ymd_opt(HOLIDAY.0, HOLIDAY.1, HOLIDAY.2);
    let day = (2..9)
        .map(|n| today + chrono::Duration::days(n))
        .find(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && Some(*d) != holiday)
        .expect("a weekday within a week");
    format!("{BRANCH}.{SOCIAL}.{}.0900", day.format("%Y%m%d"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_never_names_the_person_who_booked() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut service = ServiceProcess::start(dir.path(), "service.log", &env(dir.path())).await?;
    let mut client =
        AppointmentServiceClient::new(queuecall_tests::admin_channel(&service.url()).await?);
    let (name, phone, id_number) = ("欧阳娜娜", "13912345678", resident_id(9));
    let booked = client
        .book_appointment(BookAppointmentRequest {
            slot_id: next_slot(),
            name: name.to_owned(),
            phone: phone.to_owned(),
            id_number: id_number.clone(),
            credit_code: "91350100M000100Y43".to_owned(),
            idempotency_key: "log-test".to_owned(),
        })
        .await?
        .into_inner()
        .appointment
        .expect("an appointment");
    let id = booked.id.clone();
    client
        .get_appointment(GetAppointmentRequest {
            appointment_id: id.clone(),
        })
        .await?;
    client
        .list_appointments(ListAppointmentsRequest {
            id_number: id_number.clone(),
            branch_id: String::new(),
        })
        .await?;
    client
        .cancel_appointment(CancelAppointmentRequest {
            appointment_id: id.clone(),
        })
        .await?;
    service.terminate().await?;
    service.wait(Duration::from_secs(10)).await?;

    let log = service.log();
    assert!(log.contains("appointment booked"), "{log}");
    assert!(log.contains(&id), "the log names the appointment: {log}");
    for secret in [name, phone, id_number.as_str(), &id_number[6..14]] {
        assert!(!log.contains(secret), "the log shows {secret}: {log}");
    }
    Ok(())
}
