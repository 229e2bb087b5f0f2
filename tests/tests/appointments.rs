//! AppointmentService end to end: the real service on the test hall (`social-security` of
//! `test-centre` is bookable Monday to Friday, 09:00–12:00 and 13:30–17:00, 30-minute slots of
//! 5 seats), its manual clock moved to the morning of the appointment, and the records on
//! SQLite (`sqlite::<test>`) and on PostgreSQL (`postgres::<test>`).

use queuecall::records::RecordsSettings;
use queuecall_proto::v1::appointment_service_client::AppointmentServiceClient;
use queuecall_proto::v1::check_in_request::By;
use queuecall_proto::v1::{
    Appointment, AppointmentState, BookAppointmentRequest, CancelAppointmentRequest,
    CheckInRequest, CheckInResponse, GetAppointmentRequest, ListAppointmentsRequest,
    ListAvailableSlotsRequest, PriorityClass, RescheduleAppointmentRequest, Slot,
};
use queuecall_tests::Connection;
use queuecall_tests::{
    AppOptions, BRANCH, Code, HOLIDAY, MAKE_UP_SATURDAY, SOCIAL, SOCIAL_CAPACITY,
    SOCIAL_SLOTS_PER_DAY, Status, StoreKind, TAX, TestApp, WINDOW_SOCIAL, assert_status,
    resident_id, shanghai, spawn_app_with,
};

// The history tests' throwaway PostgreSQL, which a test may stop and start again.

macro_rules! suite {
    ($name:ident, $fresh:path) => {
        mod $name {
            suite!(@tests $fresh;
                book_then_check_in_on_time_gives_a_ticket_called_before_earlier_normal_ones,
                a_late_check_in_by_id_number_gives_an_ordinary_ticket_said_so,
                check_in_outside_the_window_is_refused_saying_why,
                bad_requests_name_the_field_and_change_nothing,
                a_holiday_has_no_slots_and_a_make_up_saturday_has_them,
                two_hundred_concurrent_bookings_of_five_seats_book_five,
                reschedule_cancel_and_list_a_persons_appointments,
                a_persons_bookings_and_limits_outlive_a_restart,
                twenty_concurrent_check_ins_issue_one_ticket,
                an_appointment_not_checked_in_by_the_end_of_its_slot_becomes_a_no_show,
            );
        }
    };
    (@tests $fresh:path; $($test:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                let database = $fresh().await?;
                super::$test(database.settings()).await
            }
        )*
    };
}

suite!(sqlite, queuecall_tests::fresh_sqlite);
suite!(postgres, queuecall_tests::fresh_postgres);

/// Monday 2026-11-30, three days after the test clock's Friday.
const MONDAY: &str = "2026-11-30";

fn slot_id(yyyymmdd: &str, hhmm: &str) -> String {
    format!("{BRANCH}.{SOCIAL}.{yyyymmdd}.{hhmm}")
}

async fn spawn(records: RecordsSettings) -> (TestApp, AppointmentServiceClient<Connection>) {
    let app = spawn_app_with(AppOptions {
        records: Some(records),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let client = AppointmentServiceClient::new(app.channel().await);
    (app, client)
}

fn book_request(slot: &str, person: u32, key: &str) -> BookAppointmentRequest {
    BookAppointmentRequest {
        slot_id: slot.to_owned(),
        name: "王小明".to_owned(),
        phone: format!("137{person:08}"),
        id_number: resident_id(person),
        credit_code: String::new(),
        idempotency_key: key.to_owned(),
    }
}

async fn book(
    client: &mut AppointmentServiceClient<Connection>,
    slot: &str,
    person: u32,
) -> Result<Appointment, Status> {
    let key = format!("book-{slot}-{person}");
    let answer = client
        .book_appointment(book_request(slot, person, &key))
        .await?;
    Ok(answer.into_inner().appointment.expect("an appointment"))
}

async fn slots(
    client: &mut AppointmentServiceClient<Connection>,
    from: &str,
    to: &str,
    include_unavailable: bool,
) -> Result<Vec<Slot>, Status> {
    let answer = client
        .list_available_slots(ListAvailableSlotsRequest {
            branch_id: BRANCH.to_owned(),
            service_id: SOCIAL.to_owned(),
            from_date: from.to_owned(),
            to_date: to.to_owned(),
            include_unavailable,
        })
        .await?;
    Ok(answer.into_inner().slots)
}

async fn check_in(
    client: &mut AppointmentServiceClient<Connection>,
    by: By,
) -> Result<CheckInResponse, Status> {
    let answer = client
        .check_in(CheckInRequest {
            branch_id: BRANCH.to_owned(),
            by: Some(by),
        })
        .await?;
    Ok(answer.into_inner())
}

async fn book_then_check_in_on_time_gives_a_ticket_called_before_earlier_normal_ones(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (app, mut client) = spawn(records).await;
    let listed = slots(&mut client, MONDAY, "", false).await?;
    assert_eq!(listed.len(), SOCIAL_SLOTS_PER_DAY);
    let nine = &listed[0];
    assert_eq!(nine.id, slot_id("20261130", "0900"));
    assert_eq!(
        (nine.start_time.as_str(), nine.end_time.as_str()),
        ("09:00", "09:30")
    );
    assert_eq!(
        (nine.capacity, nine.remaining),
        (SOCIAL_CAPACITY, SOCIAL_CAPACITY)
    );
    assert_eq!(
        nine.starts_at.as_ref().map(|t| t.seconds),
        Some(shanghai(2026, 11, 30, 9, 0).timestamp())
    );

    let booked = book(&mut client, &nine.id, 1).await?;
    assert_eq!(booked.state(), AppointmentState::Booked);
    assert_eq!(booked.check_in_code.len(), 6);
    assert_eq!(booked.masked_name, "王**");
    assert_eq!(booked.masked_phone, "137****0001");
    assert!(booked.masked_id_number.starts_with("110***********"));
    let after = slots(&mut client, MONDAY, "", false).await?;
    assert_eq!(after[0].remaining, SOCIAL_CAPACITY - 1);
    let got = client
        .get_appointment(GetAppointmentRequest {
            appointment_id: booked.id.clone(),
        })
        .await?
        .into_inner()
        .appointment;
    assert_eq!(got.as_ref(), Some(&booked));

    // Monday 08:40: two citizens take ordinary tickets, then the booked one checks in.
    app.clock.set(shanghai(2026, 11, 30, 8, 40));
    let first_normal = app.api.take(SOCIAL).await?;
    app.api.take(SOCIAL).await?;
    let checked = check_in(&mut client, By::CheckInCode(booked.check_in_code.clone())).await?;
    assert!(!checked.late && !checked.replayed, "{checked:?}");
    let ticket = checked.ticket.clone().expect("a ticket");
    assert_eq!(ticket.priority_class(), PriorityClass::Appointment);
    let appointment = checked.appointment.clone().expect("the appointment");
    assert_eq!(appointment.state(), AppointmentState::CheckedIn);
    assert_eq!(appointment.ticket_id, ticket.id);
    assert!(
        checked.message.contains("预约签到成功"),
        "{}",
        checked.message
    );
    // A retried check-in answers the same ticket.
    let again = check_in(&mut client, By::CheckInCode(booked.check_in_code.clone())).await?;
    assert!(again.replayed);
    assert_eq!(again.ticket.map(|t| t.id), Some(ticket.id.clone()));
    assert_eq!(app.api.waiting(SOCIAL).await?.len(), 3);

    app.api.open(WINDOW_SOCIAL).await?;
    let called = app.api.call(WINDOW_SOCIAL).await?;
    assert_eq!(called.id, ticket.id, "the appointment goes first");
    app.api.start(WINDOW_SOCIAL).await?;
    app.api.complete(WINDOW_SOCIAL).await?;
    assert_eq!(app.api.call(WINDOW_SOCIAL).await?.id, first_normal.id);
    Ok(())
}

async fn a_late_check_in_by_id_number_gives_an_ordinary_ticket_said_so(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (app, mut client) = spawn(records).await;
    let booked = book(&mut client, &slot_id("20261130", "0900"), 2).await?;
    app.clock.set(shanghai(2026, 11, 30, 9, 20));
    let checked = check_in(&mut client, By::IdNumber(resident_id(2))).await?;
    assert!(checked.late);
    let ticket = checked.ticket.expect("a ticket");
    assert_eq!(ticket.priority_class(), PriorityClass::Normal);
    assert!(checked.message.contains("普通号"), "{}", checked.message);
    let appointment = checked.appointment.expect("the appointment");
    assert_eq!(appointment.id, booked.id);
    assert_eq!(appointment.state(), AppointmentState::CheckedIn);
    let again = check_in(&mut client, By::IdNumber(resident_id(2))).await?;
    assert!(again.replayed && again.late);
    assert_eq!(again.ticket.map(|t| t.id), Some(ticket.id));
    Ok(())
}

async fn check_in_outside_the_window_is_refused_saying_why(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (app, mut client) = spawn(records).await;
    let booked = book(&mut client, &slot_id("20261130", "0900"), 3).await?;
    let code = By::CheckInCode(booked.check_in_code.clone());
    app.clock.set(shanghai(2026, 11, 30, 8, 29));
    assert_status(
        check_in(&mut client, code.clone()).await,
        Code::FailedPrecondition,
        &["opens at 2026-11-30 08:30"],
    );
    app.clock.set(shanghai(2026, 11, 30, 9, 30));
    assert_status(
        check_in(&mut client, code.clone()).await,
        Code::FailedPrecondition,
        &["ended at 2026-11-30 09:30", "no-show"],
    );
    // Another day's code is not today's.
    app.clock.set(shanghai(2026, 12, 1, 9, 0));
    assert_status(
        check_in(&mut client, code).await,
        Code::NotFound,
        &["today"],
    );
    assert_eq!(
        app.api.waiting(SOCIAL).await?.len(),
        0,
        "no ticket was issued"
    );
    Ok(())
}

async fn bad_requests_name_the_field_and_change_nothing(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (_app, mut client) = spawn(records).await;
    let monday = slot_id("20261130", "0900");
    let mut bad_id = book_request(&monday, 4, "k1");
    let last = bad_id.id_number.pop().expect("a check character");
    bad_id.id_number.push(if last == '0' { '1' } else { '0' });
    assert_status(
        client.book_appointment(bad_id).await,
        Code::InvalidArgument,
        &["id_number"],
    );
    let unknown = book_request(&slot_id("20261130", "0915"), 4, "k2");
    assert_status(
        client.book_appointment(unknown).await,
        Code::NotFound,
        &["slot", "20261130.0915"],
    );
    let past = book_request(&slot_id("20261127", "0900"), 4, "k3");
    assert_status(
        client.book_appointment(past).await,
        Code::FailedPrecondition,
        &["20261127.0900", "not bookable"],
    );
    let key = book_request(&monday, 4, "has space");
    assert_status(
        client.book_appointment(key).await,
        Code::InvalidArgument,
        &["idempotency_key"],
    );
    let no_key = book_request(&monday, 4, "");
    assert_status(
        client.book_appointment(no_key).await,
        Code::InvalidArgument,
        &["idempotency_key"],
    );
    let mut phone = book_request(&monday, 4, "k4");
    phone.phone = "12345".to_owned();
    assert_status(
        client.book_appointment(phone).await,
        Code::InvalidArgument,
        &["phone"],
    );
    let shape = book_request("test-centre.social-security.2026-11-30.0900", 4, "k5");
    assert_status(
        client.book_appointment(shape).await,
        Code::InvalidArgument,
        &["slot_id"],
    );
    let tax = book_request(&format!("{BRANCH}.{TAX}.20261130.0900"), 4, "k6");
    assert_status(
        client.book_appointment(tax).await,
        Code::FailedPrecondition,
        &["'tax'", "takes no appointments"],
    );
    let nowhere = book_request("nowhere.social-security.20261130.0900", 4, "k7");
    assert_status(
        client.book_appointment(nowhere).await,
        Code::NotFound,
        &["nowhere"],
    );
    assert_status(
        slots(&mut client, "2026-11-31", "", false).await,
        Code::InvalidArgument,
        &["from_date"],
    );
    assert_status(
        client
            .get_appointment(GetAppointmentRequest {
                appointment_id: "0123abcd".to_owned(),
            })
            .await,
        Code::NotFound,
        &["appointment"],
    );
    assert_status(
        check_in(&mut client, By::CheckInCode("12345".to_owned())).await,
        Code::InvalidArgument,
        &["check_in_code"],
    );
    assert_status(
        client
            .check_in(CheckInRequest {
                branch_id: BRANCH.to_owned(),
                by: None,
            })
            .await,
        Code::InvalidArgument,
        &["check_in_code or id_number"],
    );
    assert_status(
        client
            .reschedule_appointment(RescheduleAppointmentRequest {
                appointment_id: "0123abcd".to_owned(),
                new_slot_id: "tomorrow".to_owned(),
            })
            .await,
        Code::InvalidArgument,
        &["new_slot_id"],
    );
    // Nothing was booked.
    let monday_slots = slots(&mut client, MONDAY, "", false).await?;
    assert!(monday_slots.iter().all(|s| s.remaining == SOCIAL_CAPACITY));
    let mine = client
        .list_appointments(ListAppointmentsRequest {
            id_number: resident_id(4),
            branch_id: String::new(),
        })
        .await?
        .into_inner();
    assert!(mine.appointments.is_empty());
    Ok(())
}

fn iso(date: (i32, u32, u32)) -> String {
    format!("{:04}-{:02}-{:02}", date.0, date.1, date.2)
}

async fn a_holiday_has_no_slots_and_a_make_up_saturday_has_them(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (_app, mut client) = spawn(records).await;
    let holiday = iso(HOLIDAY);
    assert!(slots(&mut client, &holiday, "", true).await?.is_empty());
    let saturday = slots(&mut client, &iso(MAKE_UP_SATURDAY), "", false).await?;
    assert_eq!(saturday.len(), SOCIAL_SLOTS_PER_DAY);
    assert!(
        saturday
            .iter()
            .all(|s| s.bookable && s.date == iso(MAKE_UP_SATURDAY))
    );
    // The ordinary Sunday after it has none; the week around them has the others.
    assert!(slots(&mut client, "2026-12-06", "", true).await?.is_empty());
    let week = slots(&mut client, "2026-11-30", "2026-12-06", false).await?;
    assert_eq!(
        week.len(),
        5 * SOCIAL_SLOTS_PER_DAY,
        "Mon, Tue, Thu, Fri and the Saturday"
    );
    let make_up = book(&mut client, &saturday[0].id, 5).await?;
    assert_eq!(make_up.state(), AppointmentState::Booked);
    let closed = book_request(&slot_id("20261202", "0900"), 6, "holiday");
    assert_status(
        client.book_appointment(closed).await,
        Code::NotFound,
        &["slot"],
    );
    Ok(())
}

async fn two_hundred_concurrent_bookings_of_five_seats_book_five(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (_app, client) = spawn(records).await;
    let slot = slot_id("20261130", "1000");
    let tasks: Vec<_> = (0..200)
        .map(|person| {
            let mut client = client.clone();
            let slot = slot.clone();
            tokio::spawn(async move { book(&mut client, &slot, person).await })
        })
        .collect();
    let mut booked = Vec::new();
    let mut full = 0;
    for task in tasks {
        match task.await? {
            Ok(appointment) => booked.push(appointment),
            Err(status) if status.code() == Code::FailedPrecondition => {
                assert!(status.message().contains("is full"), "{}", status.message());
                full += 1;
            }
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!((booked.len(), full), (5, 195));
    let mut client = client;
    let listed = slots(&mut client, MONDAY, "", true).await?;
    let ten = listed
        .iter()
        .find(|s| s.id == slot)
        .expect("the 10:00 slot");
    assert_eq!(ten.remaining, 0);
    assert!(
        slots(&mut client, MONDAY, "", false)
            .await?
            .iter()
            .all(|s| s.id != slot)
    );
    Ok(())
}

async fn reschedule_cancel_and_list_a_persons_appointments(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (_app, mut client) = spawn(records).await;
    let booked = book(&mut client, &slot_id("20261130", "0900"), 7).await?;
    let to = slot_id("20261201", "1400");
    let request = RescheduleAppointmentRequest {
        appointment_id: booked.id.clone(),
        new_slot_id: to.clone(),
    };
    let moved = client
        .reschedule_appointment(request.clone())
        .await?
        .into_inner();
    assert!(!moved.replayed);
    let appointment = moved.appointment.expect("the appointment");
    assert_eq!(
        appointment.slot.as_ref().map(|s| s.id.as_str()),
        Some(to.as_str())
    );
    let again = client.reschedule_appointment(request).await?.into_inner();
    assert!(again.replayed);
    let monday = slots(&mut client, MONDAY, "", false).await?;
    assert_eq!(
        monday[0].remaining, SOCIAL_CAPACITY,
        "the old seat is free again"
    );
    // One active booking per person: a second one is refused.
    assert_status(
        book(&mut client, &slot_id("20261203", "0900"), 7).await,
        Code::FailedPrecondition,
        &["at most 1 active"],
    );
    let cancelled = client
        .cancel_appointment(CancelAppointmentRequest {
            appointment_id: booked.id.clone(),
        })
        .await?
        .into_inner()
        .appointment
        .expect("the appointment");
    assert_eq!(cancelled.state(), AppointmentState::Cancelled);
    assert!(cancelled.state_changed_at.is_some());
    let mine = client
        .list_appointments(ListAppointmentsRequest {
            id_number: resident_id(7),
            branch_id: BRANCH.to_owned(),
        })
        .await?
        .into_inner()
        .appointments;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, booked.id);
    assert_eq!(mine[0].state(), AppointmentState::Cancelled);
    Ok(())
}

/// The ID hash key stays the same across a restart (configured on PostgreSQL, kept in the
/// records file on SQLite): the person's appointments are found, and still count, afterwards.
async fn a_persons_bookings_and_limits_outlive_a_restart(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (mut app, mut client) = spawn(records.clone()).await;
    let booked = book(&mut client, &slot_id("20261130", "0900"), 8).await?;
    app.shutdown_handle().shutdown();
    app.wait_stopped(std::time::Duration::from_secs(10)).await?;
    drop(app);
    let (_app, mut client) = spawn(records).await;
    let mine = client
        .list_appointments(ListAppointmentsRequest {
            id_number: resident_id(8),
            branch_id: String::new(),
        })
        .await?
        .into_inner()
        .appointments;
    assert_eq!(
        mine.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        [booked.id.as_str()]
    );
    assert_status(
        book(&mut client, &slot_id("20261201", "0900"), 8).await,
        Code::FailedPrecondition,
        &["at most 1 active"],
    );
    Ok(())
}

/// The service marks a booking not checked in by the end of its slot NO_SHOW by itself (its
/// sweep runs at start-up and every minute): a service that starts on Monday at 10:00 finds
/// the 09:00–09:30 booking over and marks it, and leaves the 11:00 one booked.
async fn an_appointment_not_checked_in_by_the_end_of_its_slot_becomes_a_no_show(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (mut app, mut client) = spawn(records.clone()).await;
    let missed = book(&mut client, &slot_id("20261130", "0900"), 9).await?;
    let later = book(&mut client, &slot_id("20261130", "1100"), 10).await?;
    app.shutdown_handle().shutdown();
    app.wait_stopped(std::time::Duration::from_secs(10)).await?;
    drop(app);
    let app = spawn_app_with(AppOptions {
        records: Some(records),
        start_at: Some(shanghai(2026, 11, 30, 10, 0)),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let mut client = AppointmentServiceClient::new(app.channel().await);
    let state = |appointment: &Appointment| AppointmentState::try_from(appointment.state);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = get(&mut client, &missed.id).await?;
        if state(&now)? == AppointmentState::NoShow {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the 09:00 booking is still {:?} at 10:00 after 10 s",
            state(&now)?
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        state(&get(&mut client, &later.id).await?)?,
        AppointmentState::Booked
    );
    Ok(())
}

async fn get(
    client: &mut AppointmentServiceClient<Connection>,
    id: &str,
) -> Result<Appointment, Status> {
    let answer = client
        .get_appointment(GetAppointmentRequest {
            appointment_id: id.to_owned(),
        })
        .await?;
    Ok(answer.into_inner().appointment.expect("an appointment"))
}

/// A kiosk that retries while the first check-in is still running: every answer names the
/// same ticket, one of them is the check-in itself, the others replays, and one ticket waits.
async fn twenty_concurrent_check_ins_issue_one_ticket(
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let (app, mut client) = spawn(records).await;
    let booked = book(&mut client, &slot_id("20261130", "0900"), 9).await?;
    app.clock.set(shanghai(2026, 11, 30, 8, 50));
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let mut client = client.clone();
            let by = if n % 2 == 0 {
                By::CheckInCode(booked.check_in_code.clone())
            } else {
                By::IdNumber(resident_id(9))
            };
            tokio::spawn(async move { check_in(&mut client, by).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await??);
    }
    let tickets: std::collections::BTreeSet<String> = answers
        .iter()
        .filter_map(|a| a.ticket.as_ref().map(|t| t.id.clone()))
        .collect();
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(answers.iter().filter(|a| !a.replayed).count(), 1);
    assert_eq!(app.api.waiting(SOCIAL).await?.len(), 1);
    Ok(())
}

/// The records database goes down: booking and listing answer UNAVAILABLE naming it and book
/// nothing; once it is back, the retried booking (same key) books once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_records_database_out_of_reach_is_unavailable_and_books_nothing() -> anyhow::Result<()> {
    let postgres = queuecall_tests::OwnPostgres::start()?;
    let records = RecordsSettings::Postgres {
        url: postgres.url(),
        max_connections: 2,
    };
    let (_app, mut client) = spawn(records).await;
    let slot = slot_id("20261130", "0900");
    book(&mut client, &slot, 1).await?;
    postgres.down()?;
    assert_status(
        client
            .book_appointment(book_request(&slot, 2, "while-down"))
            .await,
        Code::Unavailable,
        &["records database"],
    );
    assert_status(
        slots(&mut client, MONDAY, "", false).await,
        Code::Unavailable,
        &["records database"],
    );
    postgres.up()?;
    let mut retried = None;
    for _ in 0..50 {
        match client
            .book_appointment(book_request(&slot, 2, "while-down"))
            .await
        {
            Ok(answer) => {
                retried = Some(answer.into_inner());
                break;
            }
            Err(status) if status.code() == Code::Unavailable => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let retried = retried.expect("the database came back");
    assert!(!retried.replayed, "the failed attempt booked nothing");
    let monday = slots(&mut client, MONDAY, "", false).await?;
    assert_eq!(monday[0].remaining, SOCIAL_CAPACITY - 2);
    Ok(())
}
