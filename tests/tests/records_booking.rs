//! The booking transaction on both engines: every test runs once on a PostgreSQL database of
//! its own (`postgres::<test>`) and once on a SQLite file of its own (`sqlite::<test>`).

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use queuecall::booking::SlotInstance;
use queuecall::domain::identity::{CitizenName, CreditCode, IdHasher};
use queuecall::domain::{BranchId, Phone, ServiceId};
use queuecall::error::QueueError;
use queuecall::hall::BookingPolicy;
use queuecall::records::Db;
use queuecall::records::appointments::{
    AppointmentState, BookRequest, Booked, Rules, book, book_with_codes, cancel, get,
};
use queuecall_tests::{TestDatabase, booked, resident};

queuecall_tests::on_both_engines!(
    two_hundred_concurrent_bookings_fill_a_slot_of_five_and_no_more,
    twenty_concurrent_retries_of_one_key_book_once_and_answer_alike,
    the_same_key_with_another_request_is_already_exists,
    a_cancelled_seat_is_taken_by_the_next_booking,
    the_id_number_is_never_stored_in_clear,
    a_failing_insert_gives_the_seat_back,
    a_slot_that_is_not_bookable_is_refused_by_name,
    a_retry_after_the_slot_filled_is_answered_not_refused,
    the_answer_is_the_slot_as_first_stored,
);

const SLOT: &str = "district-centre.social-security.20300603.0900";

/// 09:00–09:30 on 3 June 2030 in Shanghai, bookable.
fn slot(capacity: u32) -> SlotInstance {
    SlotInstance {
        local_date: NaiveDate::from_ymd_opt(2030, 6, 3).expect("date"),
        local_start: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
        local_end: NaiveTime::from_hms_opt(9, 30, 0).expect("time"),
        start: Utc.with_ymd_and_hms(2030, 6, 3, 1, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2030, 6, 3, 1, 30, 0).unwrap(),
        capacity,
        bookable: true,
    }
}

/// A week before the slot, the default policy, Shanghai.
fn rules() -> Rules {
    Rules {
        policy: BookingPolicy::default(),
        now: Utc.with_ymd_and_hms(2030, 5, 27, 0, 0, 0).unwrap(),
        tz: chrono_tz::Asia::Shanghai,
    }
}

fn request(person: u32, key: &str, capacity: u32) -> BookRequest {
    BookRequest {
        branch: BranchId::parse("branch", "district-centre").expect("valid"),
        service: ServiceId::parse("service", "social-security").expect("valid"),
        slot: slot(capacity),
        name: CitizenName::parse("name", &format!("张三{person}")).expect("valid"),
        phone: Phone::parse("phone", &format!("138{:08}", person)).expect("valid"),
        resident_id: resident(person),
        hasher: IdHasher::new(b"a test key of at least thirty-two bytes"),
        credit_code: None,
        idempotency_key: key.to_owned(),
        rules: rules(),
        notice: None,
    }
}

fn is_precondition(result: &Result<Booked, QueueError>, words: &str) -> bool {
    matches!(result, Err(QueueError::FailedPrecondition(m)) if m.contains(words))
}

async fn two_hundred_concurrent_bookings_fill_a_slot_of_five_and_no_more(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let tasks: Vec<_> = (0..200)
        .map(|person| {
            let db = db.clone();
            tokio::spawn(
                async move { book(&db, request(person, &format!("key-{person}"), 5)).await },
            )
        })
        .collect();
    let mut ok = Vec::new();
    let mut full = 0;
    for task in tasks {
        let result = task.await?;
        if is_precondition(&result, &format!("slot {SLOT} is full")) {
            full += 1;
        } else {
            ok.push(result?);
        }
    }
    assert_eq!(ok.len(), 5);
    assert_eq!(full, 195);
    assert!(ok.iter().all(|b| !b.replayed));
    assert_eq!(booked(&db, SLOT).await?, 5);
    let mut codes: Vec<_> = ok.iter().map(|b| b.appointment.code.clone()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes.len(),
        5,
        "check-in codes are unique per branch and day"
    );
    db.close().await;
    Ok(())
}

async fn twenty_concurrent_retries_of_one_key_book_once_and_answer_alike(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { book(&db, request(7, "retry-me", 5)).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await??);
    }
    assert_eq!(answers.iter().filter(|b| !b.replayed).count(), 1);
    let first = &answers[0].appointment;
    assert!(answers.iter().all(|b| &b.appointment == first));
    assert_eq!(booked(&db, SLOT).await?, 1);
    assert_eq!(&get(&db, &first.id).await?, first);
    db.close().await;
    Ok(())
}

async fn the_same_key_with_another_request_is_already_exists(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    book(&db, request(1, "shared", 5)).await?;
    let other = book(&db, request(2, "shared", 5)).await;
    assert!(
        matches!(&other, Err(QueueError::AlreadyExists(m)) if m.contains("idempotency_key")),
        "{other:?}"
    );
    let mut with_code = request(1, "shared", 5);
    with_code.credit_code = Some(CreditCode::parse("credit_code", "91350100M000100Y43")?);
    assert!(matches!(
        book(&db, with_code).await,
        Err(QueueError::AlreadyExists(_))
    ));
    assert_eq!(booked(&db, SLOT).await?, 1);
    db.close().await;
    Ok(())
}

async fn a_cancelled_seat_is_taken_by_the_next_booking(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let first = book(&db, request(1, "one", 1)).await?.appointment;
    let refused = book(&db, request(2, "two", 1)).await;
    assert!(is_precondition(&refused, "is full"), "{refused:?}");
    let cancelled = cancel(&db, &first.id, &rules(), None).await?;
    assert_eq!(cancelled.state, AppointmentState::Cancelled);
    assert_eq!(booked(&db, SLOT).await?, 0);
    let again = cancel(&db, &first.id, &rules(), None).await;
    assert!(
        matches!(&again, Err(QueueError::FailedPrecondition(m)) if m.contains("CANCELLED")),
        "{again:?}"
    );
    assert!(matches!(
        cancel(&db, "no-such-appointment", &rules(), None).await,
        Err(QueueError::NotFound { .. })
    ));
    let second = book(&db, request(2, "two-again", 1)).await?;
    assert_eq!(second.appointment.state, AppointmentState::Booked);
    assert_eq!(booked(&db, SLOT).await?, 1);
    db.close().await;
    Ok(())
}

async fn the_id_number_is_never_stored_in_clear(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let mut req = request(42, "private", 5);
    req.credit_code = Some(CreditCode::parse("credit_code", "91350100M000100Y43")?);
    let clear = format!("11010519900101042{}", resident_check(42));
    let booked = book(&db, req).await?.appointment;
    assert_eq!(
        booked.id_masked,
        format!("110***********042{}", resident_check(42))
    );
    // Every text column of every row, joined (`||` works on both engines).
    let sql = "SELECT id || '|' || slot_id || '|' || branch_id || '|' || service_id || '|' \
               || code || '|' || name || '|' || name_masked || '|' || id_hash || '|' \
               || id_masked || '|' || phone || '|' || coalesce(credit_code, '') || '|' \
               || state || '|' || idempotency_key || '|' || request_fingerprint \
               FROM appointments";
    let rows: Vec<(String,)> = match &db {
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
    };
    assert_eq!(rows.len(), 1);
    let text = format!("{rows:?}");
    assert!(!text.contains(&clear), "{text}");
    assert!(
        !text.contains("19900101042"),
        "the birth date and sequence are not stored"
    );
    assert!(text.contains(&booked.id_masked));
    let slot_sql = "SELECT id, branch_id, service_id FROM slots";
    let slots: Vec<(String, String, String)> = match &db {
        Db::Postgres(pool) => sqlx::query_as(slot_sql).fetch_all(pool).await?,
        Db::Sqlite(pool) => sqlx::query_as(slot_sql).fetch_all(pool).await?,
    };
    assert!(!format!("{slots:?}").contains(&clear));
    db.close().await;
    Ok(())
}

fn resident_check(n: u32) -> char {
    let masked = resident(n).masked();
    masked.chars().last().expect("18 characters")
}

async fn a_failing_insert_gives_the_seat_back(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    book_with_codes(&db, request(1, "first", 5), || "123456".to_owned()).await?;
    assert_eq!(booked(&db, SLOT).await?, 1);
    // Every code drawn clashes with the first appointment's: the booking gives up.
    let clash = book_with_codes(&db, request(2, "second", 5), || "123456".to_owned()).await;
    assert!(matches!(clash, Err(QueueError::Internal(_))), "{clash:?}");
    assert_eq!(booked(&db, SLOT).await?, 1);
    // A code the database's check refuses: the insert fails and the seat comes back.
    let refused = book_with_codes(&db, request(3, "third", 5), || "12345".to_owned()).await;
    assert!(
        matches!(refused, Err(QueueError::Internal(_))),
        "{refused:?}"
    );
    assert_eq!(booked(&db, SLOT).await?, 1);
    // Neither left an appointment behind; the key is free for a good retry.
    let retried = book(&db, request(3, "third", 5)).await?;
    assert!(!retried.replayed);
    assert_eq!(booked(&db, SLOT).await?, 2);
    db.close().await;
    Ok(())
}

async fn a_slot_that_is_not_bookable_is_refused_by_name(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let mut req = request(1, "late", 5);
    req.slot.bookable = false;
    let refused = book(&db, req).await;
    assert!(
        is_precondition(&refused, &format!("slot {SLOT} is not bookable")),
        "{refused:?}"
    );
    // A key that booked earlier still replays once the slot has closed.
    let first = book(&db, request(2, "early", 5)).await?;
    let mut retry = request(2, "early", 5);
    retry.slot.bookable = false;
    let replay = book(&db, retry).await?;
    assert!(replay.replayed);
    assert_eq!(replay.appointment, first.appointment);
    db.close().await;
    Ok(())
}

async fn a_retry_after_the_slot_filled_is_answered_not_refused(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let first = book(&db, request(1, "one", 1)).await?;
    let refused = book(&db, request(2, "two", 1)).await;
    assert!(is_precondition(&refused, "is full"), "{refused:?}");
    // The slot is full now, but the key was used: the retry gets its appointment back.
    let retry = book(&db, request(1, "one", 1)).await?;
    assert!(retry.replayed);
    assert_eq!(retry.appointment, first.appointment);
    assert_eq!(booked(&db, SLOT).await?, 1);
    db.close().await;
    Ok(())
}

async fn the_answer_is_the_slot_as_first_stored(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let first = book(&db, request(1, "one", 5)).await?.appointment;
    // The template now gives the slot 7 seats; the stored slot keeps its 5.
    let second = book(&db, request(2, "two", 7)).await?.appointment;
    assert_eq!(second.capacity, 5);
    assert_eq!(second.starts_at, first.starts_at);
    assert_eq!(&get(&db, &second.id).await?, &second);
    assert_eq!(booked(&db, SLOT).await?, 2);
    db.close().await;
    Ok(())
}
