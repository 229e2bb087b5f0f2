//! The appointment rules in the records database, on both engines (`postgres::<test>` on a
//! PostgreSQL database of its own, `sqlite::<test>` on a SQLite file of its own): per-person
//! limits, the no-show suspension, the cancel deadline, atomic reschedules, check-in windows,
//! the no-show sweep and local dates across midnight in Shanghai.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use queuecall::booking::{Calendar, SlotInstance, SlotTemplate, TemplateSpec, slots_for};
use queuecall::domain::identity::{CitizenName, IdHasher};
use queuecall::domain::{BranchId, Phone, ServiceId};
use queuecall::error::QueueError;
use queuecall::hall::BookingPolicy;
use queuecall::records::Db;
use queuecall::records::appointments::{
    Appointment, AppointmentState, BookRequest, CheckInKey, CheckInWindow, Rules, book, cancel,
    check_in_window, for_check_in, get, list_for_person, mark_checked_in, reschedule, seats,
    sweep_no_shows,
};
use queuecall_tests::{TestDatabase, booked, resident};

queuecall_tests::on_both_engines!(
    one_active_booking_per_person_and_service,
    concurrent_bookings_of_one_person_pass_the_limit_once,
    at_most_k_per_day_and_per_iso_week_cancelled_ones_not_counted,
    two_no_shows_in_thirty_days_suspend_booking_until_the_end_date,
    cancelling_ends_at_the_deadline_before_the_slot,
    a_reschedule_into_a_full_slot_keeps_the_old_one,
    concurrent_reschedules_into_the_last_seat_move_exactly_one,
    crossing_reschedules_both_complete,
    check_in_windows_and_marking,
    the_sweep_marks_only_booked_appointments_whose_slot_ended,
    a_slot_after_midnight_in_shanghai_is_on_that_local_date,
    a_person_lists_their_appointments_newest_first,
);

const BRANCH: &str = "district-centre";
const SERVICE: &str = "social-security";

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, m, d).expect("date")
}

/// `h:mi` on 2030-`m`-`d` on the wall clocks of Shanghai.
fn local(m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Shanghai
        .with_ymd_and_hms(2030, m, d, h, mi, 0)
        .single()
        .expect("a Shanghai time")
        .with_timezone(&Utc)
}

/// A bookable 30-minute slot at `h:mi` on 2030-`m`-`d` (2030-06-03 is a Monday).
fn slot(m: u32, d: u32, h: u32, mi: u32, capacity: u32) -> SlotInstance {
    let start = local(m, d, h, mi);
    let time = NaiveTime::from_hms_opt(h, mi, 0).expect("time");
    SlotInstance {
        local_date: date(m, d),
        local_start: time,
        local_end: time + Duration::minutes(30),
        start,
        end: start + Duration::minutes(30),
        capacity,
        bookable: true,
    }
}

fn slot_id(s: &SlotInstance) -> String {
    s.id(&branch(), &service()).to_string()
}

fn branch() -> BranchId {
    BranchId::parse("branch", BRANCH).expect("valid")
}

fn service() -> ServiceId {
    ServiceId::parse("service", SERVICE).expect("valid")
}

/// The default policy but many active bookings and many a day or week.
fn loose() -> BookingPolicy {
    BookingPolicy {
        max_active_per_person: 50,
        max_per_day: 50,
        max_per_week: 50,
        ..BookingPolicy::default()
    }
}

fn rules(policy: BookingPolicy, now: DateTime<Utc>) -> Rules {
    Rules {
        policy,
        now,
        tz: Shanghai,
    }
}

/// A week before the first test slots.
fn early() -> DateTime<Utc> {
    local(5, 27, 8, 0)
}

fn hasher() -> IdHasher {
    IdHasher::new(b"a test key of at least thirty-two bytes")
}

fn request(person: u32, key: &str, slot: SlotInstance, rules: Rules) -> BookRequest {
    BookRequest {
        branch: branch(),
        service: service(),
        slot,
        name: CitizenName::parse("name", "李四").expect("valid"),
        phone: Phone::parse("phone", &format!("139{person:08}")).expect("valid"),
        resident_id: resident(person),
        hasher: hasher(),
        credit_code: None,
        idempotency_key: key.to_owned(),
        rules,
        notice: None,
    }
}

fn refused<T: std::fmt::Debug>(result: &Result<T, QueueError>, words: &str) -> bool {
    matches!(result, Err(QueueError::FailedPrecondition(m)) if m.contains(words))
}

async fn one_active_booking_per_person_and_service(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(BookingPolicy::default(), early());
    let first = book(&db, request(1, "a", slot(6, 3, 9, 0, 5), r)).await?;
    let second = book(&db, request(1, "b", slot(6, 4, 9, 0, 5), r)).await;
    assert!(
        refused(
            &second,
            "at most 1 active appointments in service 'social-security'"
        ),
        "{second:?}"
    );
    // Another person, and the same person in another service, are not limited by it.
    book(&db, request(2, "c", slot(6, 4, 9, 0, 5), r)).await?;
    let mut tax = request(1, "d", slot(6, 4, 9, 0, 5), r);
    tax.service = ServiceId::parse("service", "tax")?;
    book(&db, tax).await?;
    cancel(&db, &first.appointment.id, &r, None).await?;
    let after = book(&db, request(1, "b", slot(6, 4, 9, 0, 5), r)).await?;
    assert_eq!(after.appointment.state, AppointmentState::Booked);
    Ok(())
}

/// Twenty bookings of one person at once, each with its own key and slot: the limits are
/// counted under the person's lock, so exactly one passes the one-active limit.
async fn concurrent_bookings_of_one_person_pass_the_limit_once(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(BookingPolicy::default(), early());
    let tasks: Vec<_> = (0..20u32)
        .map(|n| {
            let db = db.clone();
            let s = slot(6, 3 + n % 5, 9 + n / 5, 0, 5);
            tokio::spawn(async move { book(&db, request(1, &format!("k{n}"), s, r)).await })
        })
        .collect();
    let (mut ok, mut limited) = (0, 0);
    for task in tasks {
        match task.await? {
            Ok(_) => ok += 1,
            Err(QueueError::FailedPrecondition(m)) if m.contains("at most 1") => limited += 1,
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!((ok, limited), (1, 19));
    let held = list_for_person(&db, &hasher().hash(&resident(1)), None).await?;
    assert_eq!(held.len(), 1);
    Ok(())
}

async fn at_most_k_per_day_and_per_iso_week_cancelled_ones_not_counted(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let policy = BookingPolicy {
        max_per_day: 1,
        max_per_week: 3,
        ..loose()
    };
    let r = rules(policy, early());
    book(&db, request(1, "mon", slot(6, 3, 9, 0, 5), r)).await?;
    let twice = book(&db, request(1, "mon-2", slot(6, 3, 10, 0, 5), r)).await;
    assert!(
        refused(
            &twice,
            "at most 1 appointments in service 'social-security' on 2030-06-03"
        ),
        "{twice:?}"
    );
    book(&db, request(1, "tue", slot(6, 4, 9, 0, 5), r)).await?;
    let wed = book(&db, request(1, "wed", slot(6, 5, 9, 0, 5), r)).await?;
    let thu = book(&db, request(1, "thu", slot(6, 6, 9, 0, 5), r)).await;
    assert!(
        refused(
            &thu,
            "at most 3 appointments in service 'social-security' in the week of 2030-06-03 to 2030-06-09"
        ),
        "{thu:?}"
    );
    // The next ISO week starts on Monday 2030-06-10.
    book(&db, request(1, "next-mon", slot(6, 10, 9, 0, 5), r)).await?;
    // A reschedule is held to the limits too, not counting the moved appointment: Wednesday
    // may move within its day, not onto Tuesday, which already has one.
    let (b, s) = (branch(), service());
    let wed_id = wed.appointment.id.clone();
    reschedule(&db, &wed_id, &b, &s, &slot(6, 5, 11, 0, 5), &r, None).await?;
    let onto_tue = reschedule(&db, &wed_id, &b, &s, &slot(6, 4, 11, 0, 5), &r, None).await;
    assert!(refused(&onto_tue, "on 2030-06-04"), "{onto_tue:?}");
    // A cancelled appointment does not count.
    cancel(&db, &wed.appointment.id, &r, None).await?;
    book(&db, request(1, "thu", slot(6, 6, 9, 0, 5), r)).await?;
    // The refused bookings took no seat.
    assert_eq!(
        booked(&db, &slot_id(&slot(6, 3, 10, 0, 5))).await.ok(),
        None
    );
    Ok(())
}

async fn two_no_shows_in_thirty_days_suspend_booking_until_the_end_date(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(loose(), early());
    book(&db, request(1, "mon", slot(6, 3, 9, 0, 5), r)).await?;
    book(&db, request(1, "tue", slot(6, 4, 9, 0, 5), r)).await?;
    assert_eq!(sweep_no_shows(&db, local(6, 4, 10, 0)).await?, 2);
    let later = rules(loose(), local(6, 5, 9, 0));
    let suspended = book(&db, request(1, "wed", slot(6, 12, 9, 0, 5), later)).await;
    assert!(
        refused(
            &suspended,
            "booking in service 'social-security' is suspended until 2030-09-02: 2 no-shows within 30 days, the last on 2030-06-04"
        ),
        "{suspended:?}"
    );
    // Someone else is not suspended; and on the end date the person may book again.
    book(&db, request(2, "other", slot(6, 12, 9, 0, 5), later)).await?;
    let day_before = rules(loose(), local(9, 1, 23, 59));
    let still = book(&db, request(1, "sep-1", slot(9, 3, 9, 0, 5), day_before)).await;
    assert!(refused(&still, "suspended until 2030-09-02"), "{still:?}");
    let end = rules(loose(), local(9, 2, 0, 0));
    book(&db, request(1, "sep-2", slot(9, 3, 9, 0, 5), end)).await?;
    Ok(())
}

async fn cancelling_ends_at_the_deadline_before_the_slot(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(BookingPolicy::default(), early());
    let a = book(&db, request(1, "a", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    let late = rules(
        BookingPolicy::default(),
        local(6, 3, 8, 0) + Duration::seconds(1),
    );
    let refused_late = cancel(&db, &a.id, &late, None).await;
    assert!(
        refused(
            &refused_late,
            "the deadline was 2030-06-03 08:00 (Asia/Shanghai), 60 minutes before its slot starts"
        ),
        "{refused_late:?}"
    );
    assert_eq!(get(&db, &a.id).await?.state, AppointmentState::Booked);
    assert_eq!(booked(&db, &slot_id(&slot(6, 3, 9, 0, 5))).await?, 1);
    let on_time = rules(BookingPolicy::default(), local(6, 3, 8, 0));
    let cancelled = cancel(&db, &a.id, &on_time, None).await?;
    assert_eq!(cancelled.state, AppointmentState::Cancelled);
    assert_eq!(cancelled.state_changed_at, Some(local(6, 3, 8, 0)));
    assert_eq!(booked(&db, &slot_id(&slot(6, 3, 9, 0, 5))).await?, 0);
    Ok(())
}

async fn a_reschedule_into_a_full_slot_keeps_the_old_one(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    // The default policy: one active booking, which the move itself does not count against.
    let r = rules(BookingPolicy::default(), early());
    let old = slot(6, 3, 9, 0, 5);
    let full = slot(6, 4, 9, 0, 1);
    let free = slot(6, 5, 9, 0, 5);
    let mine = book(&db, request(1, "mine", old.clone(), r))
        .await?
        .appointment;
    book(&db, request(2, "theirs", full.clone(), r)).await?;
    let (b, s) = (branch(), service());
    let refused_full = reschedule(&db, &mine.id, &b, &s, &full, &r, None).await;
    assert!(
        refused(&refused_full, "is full (1 seats)"),
        "{refused_full:?}"
    );
    assert_eq!(get(&db, &mine.id).await?.slot_id.to_string(), slot_id(&old));
    assert_eq!(booked(&db, &slot_id(&old)).await?, 1);
    assert_eq!(booked(&db, &slot_id(&full)).await?, 1);

    let moved = reschedule(&db, &mine.id, &b, &s, &free, &r, None).await?;
    assert!(!moved.replayed);
    assert_eq!(moved.appointment.slot_id.to_string(), slot_id(&free));
    assert_eq!(moved.appointment.starts_at, free.start);
    assert_eq!(moved.appointment.state, AppointmentState::Booked);
    assert_eq!(booked(&db, &slot_id(&old)).await?, 0);
    assert_eq!(booked(&db, &slot_id(&free)).await?, 1);
    let again = reschedule(&db, &mine.id, &b, &s, &free, &r, None).await?;
    assert!(again.replayed);
    assert_eq!(again.appointment, moved.appointment);
    assert_eq!(booked(&db, &slot_id(&free)).await?, 1);

    // Another service's slot, and moving after the old slot's cancel deadline, are refused.
    let tax = ServiceId::parse("service", "tax")?;
    let other = reschedule(&db, &mine.id, &b, &tax, &old, &r, None).await;
    assert!(
        refused(&other, "can only move within its service"),
        "{other:?}"
    );
    let too_late = rules(BookingPolicy::default(), local(6, 5, 8, 30));
    let late = reschedule(&db, &mine.id, &b, &s, &old, &too_late, None).await;
    assert!(
        refused(&late, "the deadline was 2030-06-05 08:00"),
        "{late:?}"
    );
    assert!(matches!(
        reschedule(&db, "nope", &b, &s, &old, &r, None).await,
        Err(QueueError::NotFound { .. })
    ));
    Ok(())
}

async fn concurrent_reschedules_into_the_last_seat_move_exactly_one(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(loose(), early());
    let mut ids = Vec::new();
    for person in 0..10 {
        let own = slot(6, 3, 9 + person / 2, 30 * (person % 2), 5);
        ids.push(
            book(&db, request(person, &format!("p{person}"), own, r))
                .await?
                .appointment
                .id,
        );
    }
    let target = slot(6, 4, 9, 0, 1);
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (db, id, target) = (db.clone(), id.clone(), target.clone());
            tokio::spawn(async move {
                reschedule(&db, &id, &branch(), &service(), &target, &r, None).await
            })
        })
        .collect();
    let mut moved = 0;
    let mut full = 0;
    for task in tasks {
        match task.await? {
            Ok(m) => {
                assert!(!m.replayed);
                moved += 1;
            }
            Err(QueueError::FailedPrecondition(m)) if m.contains("is full") => full += 1,
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!((moved, full), (1, 9));
    assert_eq!(booked(&db, &slot_id(&target)).await?, 1);
    let mut in_old = 0;
    for person in 0..10 {
        in_old += booked(
            &db,
            &slot_id(&slot(6, 3, 9 + person / 2, 30 * (person % 2), 5)),
        )
        .await?;
    }
    assert_eq!(
        in_old, 9,
        "the winner's old seat was given back, the others kept theirs"
    );
    Ok(())
}

/// Ten people move from slot A to B while ten others move from B to A, all at once: every
/// move completes (no deadlock between the two slots' rows) and the seats add up.
async fn crossing_reschedules_both_complete(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(loose(), early());
    let (a, b) = (slot(6, 3, 9, 0, 20), slot(6, 3, 10, 0, 20));
    let mut moves = Vec::new();
    for person in 0..20 {
        let (from, to) = if person % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let id = book(&db, request(person, &format!("x{person}"), from.clone(), r))
            .await?
            .appointment
            .id;
        moves.push((id, to.clone()));
    }
    let tasks: Vec<_> = moves
        .into_iter()
        .map(|(id, to)| {
            let db = db.clone();
            tokio::spawn(
                async move { reschedule(&db, &id, &branch(), &service(), &to, &r, None).await },
            )
        })
        .collect();
    for task in tasks {
        assert!(!task.await??.replayed);
    }
    assert_eq!(booked(&db, &slot_id(&a)).await?, 10);
    assert_eq!(booked(&db, &slot_id(&b)).await?, 10);
    Ok(())
}

async fn check_in_windows_and_marking(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let policy = BookingPolicy::default();
    let r = rules(policy, early());
    let a: Appointment = book(&db, request(1, "a", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    let at = |h, mi| check_in_window(&a, &policy, local(6, 3, h, mi));
    assert_eq!(
        at(8, 29),
        CheckInWindow::TooEarly {
            opens_at: local(6, 3, 8, 30)
        }
    );
    assert_eq!(at(8, 30), CheckInWindow::OnTime);
    assert_eq!(at(9, 15), CheckInWindow::OnTime);
    assert_eq!(at(9, 16), CheckInWindow::Late);
    assert_eq!(at(9, 29), CheckInWindow::Late);
    assert_eq!(at(9, 30), CheckInWindow::Over);

    let ticket = "district-centre.20300603.A001";
    let (done, replayed) = mark_checked_in(&db, &a.id, ticket, local(6, 3, 8, 45)).await?;
    assert!(!replayed);
    assert_eq!(done.state, AppointmentState::CheckedIn);
    assert_eq!(done.ticket_id.as_deref(), Some(ticket));
    assert_eq!(done.state_changed_at, Some(local(6, 3, 8, 45)));
    let (again, replayed) = mark_checked_in(&db, &a.id, ticket, local(6, 3, 8, 50)).await?;
    assert!(replayed);
    assert_eq!(again, done);
    let other = mark_checked_in(
        &db,
        &a.id,
        "district-centre.20300603.A002",
        local(6, 3, 8, 50),
    )
    .await;
    assert!(refused(&other, "is CHECKED_IN"), "{other:?}");
    let cancelled = cancel(&db, &a.id, &r, None).await;
    assert!(refused(&cancelled, "is CHECKED_IN"), "{cancelled:?}");
    // A checked-in appointment is no longer active: the person may book again.
    let after = rules(policy, local(6, 3, 8, 50));
    book(&db, request(1, "b", slot(6, 4, 9, 0, 5), after)).await?;
    Ok(())
}

async fn the_sweep_marks_only_booked_appointments_whose_slot_ended(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(loose(), early());
    let gone = book(&db, request(1, "gone", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    let came = book(&db, request(2, "came", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    let next = book(&db, request(3, "next", slot(6, 3, 9, 30, 5), r))
        .await?
        .appointment;
    let dropped = book(&db, request(4, "dropped", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    cancel(&db, &dropped.id, &r, None).await?;
    mark_checked_in(
        &db,
        &came.id,
        "district-centre.20300603.A001",
        local(6, 3, 8, 40),
    )
    .await?;
    assert_eq!(
        sweep_no_shows(&db, local(6, 3, 9, 30) - Duration::seconds(1)).await?,
        0
    );
    assert_eq!(sweep_no_shows(&db, local(6, 3, 9, 30)).await?, 1);
    let marked = get(&db, &gone.id).await?;
    assert_eq!(marked.state, AppointmentState::NoShow);
    assert_eq!(marked.state_changed_at, Some(local(6, 3, 9, 30)));
    assert_eq!(get(&db, &came.id).await?.state, AppointmentState::CheckedIn);
    assert_eq!(get(&db, &next.id).await?.state, AppointmentState::Booked);
    assert_eq!(
        get(&db, &dropped.id).await?.state,
        AppointmentState::Cancelled
    );
    assert_eq!(sweep_no_shows(&db, local(6, 3, 9, 30)).await?, 0);
    assert_eq!(sweep_no_shows(&db, local(6, 3, 10, 0)).await?, 1);
    Ok(())
}

async fn a_slot_after_midnight_in_shanghai_is_on_that_local_date(
    db: TestDatabase,
) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let night = SlotTemplate::new(TemplateSpec {
        weekdays: vec![
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
        ],
        time_ranges: vec![(
            NaiveTime::from_hms_opt(0, 0, 0).expect("time"),
            NaiveTime::from_hms_opt(2, 0, 0).expect("time"),
        )],
        slot_minutes: 30,
        capacity: 5,
        open_ahead_days: 30,
        same_day_cutoff_minutes: 0,
    })?;
    let found = slots_for(
        &night,
        &Calendar::new(),
        Shanghai,
        date(6, 4),
        date(6, 4),
        early(),
    )?;
    let half_past = found
        .iter()
        .find(|s| s.local_start == NaiveTime::from_hms_opt(0, 30, 0).expect("time"))
        .cloned()
        .expect("a 00:30 slot");
    assert_eq!(
        half_past.start,
        Utc.with_ymd_and_hms(2030, 6, 3, 16, 30, 0).unwrap()
    );
    assert_eq!(
        slot_id(&half_past),
        "district-centre.social-security.20300604.0030"
    );
    let policy = BookingPolicy {
        max_per_day: 1,
        ..loose()
    };
    let r = rules(policy, early());
    let a = book(&db, request(1, "night", half_past.clone(), r))
        .await?
        .appointment;
    assert_eq!(
        a.starts_at,
        Utc.with_ymd_and_hms(2030, 6, 3, 16, 30, 0).unwrap()
    );
    let sql = "SELECT CAST(local_date AS TEXT) FROM appointments WHERE id = $1";
    let (stored,): (String,) = match &db {
        Db::Postgres(pool) => sqlx::query_as(sql).bind(&a.id).fetch_one(pool).await?,
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(&a.id).fetch_one(pool).await?,
    };
    assert_eq!(stored, "2030-06-04");
    // The per-day limit counts it on the 4th (local), not on the 3rd (its UTC date).
    let same_day = found
        .iter()
        .find(|s| s.local_start == NaiveTime::from_hms_opt(1, 30, 0).expect("time"))
        .cloned()
        .expect("a 01:30 slot");
    let refused_day = book(&db, request(1, "same-day", same_day, r)).await;
    assert!(refused(&refused_day, "on 2030-06-04"), "{refused_day:?}");
    let previous = slots_for(
        &night,
        &Calendar::new(),
        Shanghai,
        date(6, 3),
        date(6, 3),
        early(),
    )?;
    book(&db, request(1, "day-before", previous[3].clone(), r)).await?;
    // Check-in looks it up by its local date.
    let code = CheckInKey::Code(a.code.clone());
    assert_eq!(
        for_check_in(&db, &branch(), date(6, 4), &code).await?.len(),
        1
    );
    assert!(
        for_check_in(&db, &branch(), date(6, 3), &code)
            .await?
            .is_empty()
    );
    Ok(())
}

async fn a_person_lists_their_appointments_newest_first(db: TestDatabase) -> anyhow::Result<()> {
    let db = db.migrated().await?;
    let r = rules(loose(), early());
    let first = book(&db, request(1, "a", slot(6, 3, 9, 0, 5), r))
        .await?
        .appointment;
    let second = book(&db, request(1, "b", slot(6, 5, 9, 0, 5), r))
        .await?
        .appointment;
    book(&db, request(2, "c", slot(6, 3, 9, 0, 5), r)).await?;
    let mut elsewhere = request(1, "d", slot(6, 4, 9, 0, 5), r);
    elsewhere.branch = BranchId::parse("branch", "town-centre")?;
    book(&db, elsewhere).await?;
    let mine = list_for_person(&db, &hasher().hash(&resident(1)), Some(&branch())).await?;
    let ids: Vec<&str> = mine.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);
    let everywhere = list_for_person(&db, &hasher().hash(&resident(1)), None).await?;
    assert_eq!(everywhere.len(), 3);
    let free = seats(&db, &branch(), &service(), date(6, 3), date(6, 5)).await?;
    assert_eq!(free[&slot_id(&slot(6, 3, 9, 0, 5))].booked, 2);
    assert_eq!(free[&slot_id(&slot(6, 3, 9, 0, 5))].remaining(), 3);
    assert_eq!(free.len(), 2, "only booked slots are stored: {free:?}");
    Ok(())
}
