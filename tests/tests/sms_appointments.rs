//! The SMS of appointments, through the real service on both records engines: a booking
//! leaves "booking confirmed" (now) and "appointment soon" (the lead before the slot) in the
//! outbox, in its own transaction; a move cancels the old slot's pending ones and writes the
//! new slot's; a cancellation cancels them and writes "booking cancelled"; a refused or
//! replayed booking writes nothing. The outbox worker is held still (`poll_ms` of an hour) so
//! that the rows are seen as the writes left them.

use chrono::{DateTime, Duration, Utc};
use queuecall::clock::Clock;
use queuecall::domain::{BranchId, ServiceId};
use queuecall::records::Db;
use queuecall_proto::v1::appointment_service_client::AppointmentServiceClient;
use queuecall_proto::v1::{
    Appointment, BookAppointmentRequest, CancelAppointmentRequest, RescheduleAppointmentRequest,
};
use queuecall_tests::Connection;
use queuecall_tests::*;

/// One outbox row as the test reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    subject: String,
    kind: String,
    state: String,
    not_before: DateTime<Utc>,
    body: String,
}

async fn outbox(db: &Db) -> anyhow::Result<Vec<Row>> {
    type Raw = (String, String, String, i64, String);
    let rows: Vec<Raw> = match db {
        Db::Postgres(pool) => {
            sqlx::query_as(
                "SELECT subject, kind, state, CAST(EXTRACT(EPOCH FROM not_before) AS BIGINT), \
                 body FROM sms_outbox ORDER BY subject, kind",
            )
            .fetch_all(pool)
            .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT subject, kind, state, CAST(strftime('%s', not_before) AS INTEGER), \
                 body FROM sms_outbox ORDER BY subject, kind",
            )
            .fetch_all(pool)
            .await?
        }
    };
    rows.into_iter()
        .map(|(subject, kind, state, at, body)| {
            Ok(Row {
                subject,
                kind,
                state,
                not_before: DateTime::from_timestamp(at, 0)
                    .ok_or_else(|| anyhow::anyhow!("bad instant {at}"))?,
                body,
            })
        })
        .collect()
}

/// The row of `kind` about `subject`.
fn row<'a>(rows: &'a [Row], subject: &str, kind: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.subject == subject && r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} row for {subject} in {rows:#?}"))
}

fn slot_id(hhmm: &str) -> String {
    format!("{BRANCH}.{SOCIAL}.20261130.{hhmm}")
}

async fn book(
    client: &mut AppointmentServiceClient<Connection>,
    hhmm: &str,
    person: u32,
) -> Result<Appointment, tonic::Status> {
    let answer = client
        .book_appointment(BookAppointmentRequest {
            slot_id: slot_id(hhmm),
            name: "王小明".to_owned(),
            phone: format!("137{person:08}"),
            id_number: resident_id(person),
            credit_code: String::new(),
            idempotency_key: format!("sms-{person}-{hhmm}"),
        })
        .await?;
    Ok(answer.into_inner().appointment.expect("an appointment"))
}

/// The branch's and the social-security service's names in the test hall.
fn names() -> anyhow::Result<(String, String)> {
    let hall = queuecall::hall::file::load(&hall_file())?;
    let branch = hall
        .branch(&BranchId::parse("branch", BRANCH)?)
        .cloned()
        .expect("the test branch");
    let service = branch
        .service(&ServiceId::parse("service", SOCIAL)?)
        .expect("the social-security service")
        .name
        .clone();
    Ok((branch.name.clone(), service))
}

async fn booking_moving_and_cancelling_leave_their_sms(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let mut worker_still = serde_yaml::Mapping::new();
    worker_still.insert(
        "sms".into(),
        serde_yaml::from_str("{outbox: {poll_ms: 3600000}, appointment_lead_minutes: 90}")?,
    );
    let app = spawn_app_configured(
        AppOptions {
            records: Some(database.settings()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        worker_still,
    )
    .await;
    let db = database.connect().await?;
    let mut client = AppointmentServiceClient::new(app.channel().await);
    let (branch_name, service_name) = names()?;
    let booked_at = app.clock.now();

    // Booked for Monday 09:30: confirmed now, reminded 90 minutes before.
    let mine = book(&mut client, "0930", 1).await?;
    let at_930 = format!("{}@{}", mine.id, slot_id("0930"));
    let rows = outbox(&db).await?;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let confirmed = row(&rows, &at_930, "booking_confirmed");
    assert_eq!(confirmed.state, "pending");
    assert_eq!(confirmed.not_before, booked_at);
    assert_eq!(
        confirmed.body,
        format!(
            "【{branch_name}】您已预约2026年11月30日 09:30的{service_name}，取号码{}，\
             请凭身份证按时到大厅取号。",
            mine.check_in_code
        )
    );
    let soon = row(&rows, &at_930, "appointment_soon");
    assert_eq!(soon.state, "pending");
    assert_eq!(
        soon.not_before,
        shanghai(2026, 11, 30, 9, 30) - Duration::minutes(90)
    );
    assert!(
        soon.body.contains("将于2026年11月30日 09:30开始"),
        "{}",
        soon.body
    );

    // A replayed booking writes nothing more.
    let replayed = book(&mut client, "0930", 1).await?;
    assert_eq!(replayed.id, mine.id);
    assert_eq!(outbox(&db).await?.len(), 2);

    // A refused booking writes nothing: the 10:00 slot filled by five others, a sixth refused.
    for person in 11..=15 {
        book(&mut client, "1000", person).await?;
    }
    let before_refusal = outbox(&db).await?.len();
    assert_eq!(before_refusal, 2 + 5 * 2);
    let refused = book(&mut client, "1000", 16).await;
    assert_status(refused, Code::FailedPrecondition, &["full"]);
    assert_eq!(outbox(&db).await?.len(), before_refusal);

    // Moved to 10:30: the 09:30 messages still pending are cancelled, 10:30 gets its own.
    let moved = client
        .reschedule_appointment(RescheduleAppointmentRequest {
            appointment_id: mine.id.clone(),
            new_slot_id: slot_id("1030"),
        })
        .await?
        .into_inner()
        .appointment
        .expect("the moved appointment");
    let at_1030 = format!("{}@{}", mine.id, slot_id("1030"));
    let rows = outbox(&db).await?;
    assert_eq!(row(&rows, &at_930, "booking_confirmed").state, "cancelled");
    assert_eq!(row(&rows, &at_930, "appointment_soon").state, "cancelled");
    let confirmed = row(&rows, &at_1030, "booking_confirmed");
    assert_eq!(confirmed.state, "pending");
    assert!(
        confirmed.body.contains("2026年11月30日 10:30")
            && confirmed.body.contains(&moved.check_in_code),
        "{}",
        confirmed.body
    );
    let soon = row(&rows, &at_1030, "appointment_soon");
    assert_eq!(
        soon.not_before,
        shanghai(2026, 11, 30, 10, 30) - Duration::minutes(90)
    );

    // Cancelled: the 10:30 messages are cancelled, "booking cancelled" goes out now.
    app.advance(std::time::Duration::from_secs(60));
    client
        .cancel_appointment(CancelAppointmentRequest {
            appointment_id: mine.id.clone(),
        })
        .await?;
    let rows = outbox(&db).await?;
    assert_eq!(row(&rows, &at_1030, "booking_confirmed").state, "cancelled");
    assert_eq!(row(&rows, &at_1030, "appointment_soon").state, "cancelled");
    let cancelled = row(&rows, &mine.id, "booking_cancelled");
    assert_eq!(cancelled.state, "pending");
    assert_eq!(cancelled.not_before, app.clock.now());
    assert_eq!(
        cancelled.body,
        format!("【{branch_name}】您2026年11月30日 10:30的{service_name}预约已取消。")
    );
    assert_eq!(rows.len(), 2 + 5 * 2 + 2 + 1, "{rows:#?}");
    for r in &rows {
        assert!(
            !r.body.contains("王小明"),
            "no name in an SMS body: {}",
            r.body
        );
    }

    // Booked within the lead (Monday 08:45 for 09:30): confirmed only, no reminder.
    app.clock.set(shanghai(2026, 11, 30, 8, 45));
    let late = book(&mut client, "0930", 2).await?;
    let rows = outbox(&db).await?;
    let subject = format!("{}@{}", late.id, slot_id("0930"));
    assert_eq!(row(&rows, &subject, "booking_confirmed").state, "pending");
    assert!(
        !rows
            .iter()
            .any(|r| r.subject == subject && r.kind == "appointment_soon"),
        "{rows:#?}"
    );
    Ok(())
}

on_both_engines!(booking_moving_and_cancelling_leave_their_sms);
