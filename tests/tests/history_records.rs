//! History and ratings in the records database, on both engines (`postgres::<test>` on a
//! PostgreSQL database of its own, `sqlite::<test>` on a SQLite file of its own): the
//! idempotent write of buffered entries, and the statistics of a fixture of entries and
//! ratings against figures computed by hand (the arithmetic is in the comments).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use queuecall::domain::{Channel, PriorityClass, ServiceId, TicketId, WindowNo};
use queuecall::history::{Figures, Group, Rating, Scores, figures};
use queuecall::records::Db;
use queuecall::records::history::{
    entries_between, for_each_between, rate, rating_of, ratings_between, record,
};
use queuecall::store::{HistoryEntry, Outcome};
use queuecall_tests::{TestDatabase, shanghai};

queuecall_tests::on_both_engines!(
    recording_twice_or_out_of_order_keeps_one_row_per_leg_with_its_real_end,
    one_write_of_many_entries_keeps_each_legs_latest_end,
    statistics_by_service_match_the_hand_computed_figures,
    statistics_by_window_match_the_hand_computed_figures,
    statistics_by_hour_match_the_hand_computed_figures,
    the_date_range_selects_by_the_tickets_service_day,
    a_ticket_is_rated_once,
    p90_is_percentile_cont_on_postgresql_too,
);

const BRANCH: &str = "test-centre";

/// 2026-11-27 09:00 in Shanghai plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    shanghai(2026, 11, 27, 9, 0) + Duration::minutes(minutes)
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("a date")
}

fn ticket(d: u32, number: &str) -> TicketId {
    TicketId::parse(&format!("{BRANCH}.202611{d:02}.{number}")).expect("a ticket id")
}

/// One leg: times in minutes after 09:00 of 2026-11-27.
struct Leg {
    id: TicketId,
    leg: u32,
    service: &'static str,
    priority: PriorityClass,
    outcome: Outcome,
    window: Option<u32>,
    entered: i64,
    called: Option<i64>,
    started: Option<i64>,
    ended: i64,
    requeues: u32,
}

impl Leg {
    fn entry(&self) -> HistoryEntry {
        HistoryEntry {
            ticket: self.id.clone(),
            leg: self.leg,
            service: ServiceId::parse("service", self.service).expect("service"),
            priority: self.priority,
            channel: Channel::Kiosk,
            outcome: self.outcome,
            window: self
                .window
                .map(|w| WindowNo::parse("window", w).expect("window")),
            entered_at: at(self.entered),
            called_at: self.called.map(at),
            started_at: self.started.map(at),
            ended_at: at(self.ended),
            recall_count: 0,
            requeue_count: self.requeues,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn leg(
    id: TicketId,
    leg: u32,
    service: &'static str,
    priority: PriorityClass,
    outcome: Outcome,
    window: Option<u32>,
    times: (i64, Option<i64>, Option<i64>, i64),
    requeues: u32,
) -> HistoryEntry {
    let (entered, called, started, ended) = times;
    Leg {
        id,
        leg,
        service,
        priority,
        outcome,
        window,
        entered,
        called,
        started,
        ended,
        requeues,
    }
    .entry()
}

const SOCIAL: &str = "social-security";
const TAX: &str = "tax";
const NORMAL: PriorityClass = PriorityClass::Normal;
const APPOINTMENT: PriorityClass = PriorityClass::Appointment;
const GREEN: PriorityClass = PriorityClass::GreenChannel;

/// The fixture's entries of 2026-11-27 (waits and service times in seconds):
/// - E1 A001 social DONE, window 4: entered 09:00, called 09:02 (wait 120), 09:03–09:08 (300)
/// - E2 A002 social DONE, appointment, window 4: 09:00, called 09:06 (360), 09:07–09:10 (180)
/// - E3 A003 social NO_SHOW, window 4: 09:01, called 09:11 (600), ended 09:12
/// - E4 A004 social CANCELLED: 09:02, never called, ended 09:05
/// - E5 A005 leg 0 social TRANSFERRED, appointment, window 4: 10:05, called 10:10 (300),
///   started 10:11, ended 10:15
/// - E6 A005 leg 1 tax DONE, appointment, window 5: 10:15, called 10:20 (300), 10:21–10:31 (600)
/// - E7 B001 tax EXPIRED: 10:02, never called, ended the next morning (its day is still 27th)
/// - E8 B002 tax DONE, green channel, window 12: 10:03, called 11:03 (3600), 11:04–11:06 (120)
/// - E9 A006 social, window 4: NO_SHOW (requeue 0; 09:03, called 09:04 (60), ended 09:05),
///   then after a requeue DONE (requeue 1; first call still 09:04, 09:20–09:25 (300)); the DONE
///   one is its real end.
fn fixture() -> (Vec<HistoryEntry>, HistoryEntry) {
    let t = |n: &str| ticket(27, n);
    let entries = vec![
        leg(
            t("A001"),
            0,
            SOCIAL,
            NORMAL,
            Outcome::Done,
            Some(4),
            (0, Some(2), Some(3), 8),
            0,
        ),
        leg(
            t("A002"),
            0,
            SOCIAL,
            APPOINTMENT,
            Outcome::Done,
            Some(4),
            (0, Some(6), Some(7), 10),
            0,
        ),
        leg(
            t("A003"),
            0,
            SOCIAL,
            NORMAL,
            Outcome::NoShow,
            Some(4),
            (1, Some(11), None, 12),
            0,
        ),
        leg(
            t("A004"),
            0,
            SOCIAL,
            NORMAL,
            Outcome::Cancelled,
            None,
            (2, None, None, 5),
            0,
        ),
        leg(
            t("A005"),
            0,
            SOCIAL,
            APPOINTMENT,
            Outcome::Transferred,
            Some(4),
            (65, Some(70), Some(71), 75),
            0,
        ),
        leg(
            t("A005"),
            1,
            TAX,
            APPOINTMENT,
            Outcome::Done,
            Some(5),
            (75, Some(80), Some(81), 91),
            0,
        ),
        leg(
            t("B001"),
            0,
            TAX,
            NORMAL,
            Outcome::Expired,
            None,
            (62, None, None, 24 * 60),
            0,
        ),
        leg(
            t("B002"),
            0,
            TAX,
            GREEN,
            Outcome::Done,
            Some(12),
            (63, Some(123), Some(124), 126),
            0,
        ),
        leg(
            t("A006"),
            0,
            SOCIAL,
            NORMAL,
            Outcome::Done,
            Some(4),
            (3, Some(4), Some(20), 25),
            1,
        ),
    ];
    let superseded = leg(
        t("A006"),
        0,
        SOCIAL,
        NORMAL,
        Outcome::NoShow,
        Some(4),
        (3, Some(4), None, 5),
        0,
    );
    (entries, superseded)
}

/// A ticket of 2026-11-26 (out of the fixture's day), and its rating.
fn yesterday() -> (HistoryEntry, Rating) {
    let id = ticket(26, "A001");
    let mut entry = leg(
        id.clone(),
        0,
        SOCIAL,
        NORMAL,
        Outcome::Done,
        Some(4),
        (0, Some(1), Some(2), 3),
        0,
    );
    entry.entered_at -= Duration::days(1);
    entry.called_at = entry.called_at.map(|t| t - Duration::days(1));
    entry.started_at = entry.started_at.map(|t| t - Duration::days(1));
    entry.ended_at -= Duration::days(1);
    (entry, rating(id, [1, 1, 1, 1, 1]))
}

fn rating(ticket: TicketId, s: [u32; 5]) -> Rating {
    Rating {
        ticket,
        scores: Scores::parse(s[0], s[1], s[2], s[3], s[4]).expect("scores"),
        comment: String::new(),
        rated_at: at(200),
    }
}

/// A001 (5, 5, 4, –, 5), A005 (3, –, –, 2, –), B002 (4, 4, 4, 4, 4); – is 0, not rated.
fn ratings() -> Vec<Rating> {
    vec![
        rating(ticket(27, "A001"), [5, 5, 4, 0, 5]),
        rating(ticket(27, "A005"), [3, 0, 0, 2, 0]),
        rating(ticket(27, "B002"), [4, 4, 4, 4, 4]),
    ]
}

/// The fixture, recorded (with the superseded no-show after its real end, and twice), and
/// yesterday's ticket; ratings stored.
async fn recorded(database: &TestDatabase) -> anyhow::Result<Db> {
    let db = database.migrated().await?;
    let (entries, superseded) = fixture();
    let (old, old_rating) = yesterday();
    record(&db, &entries).await?;
    record(&db, &[superseded, old]).await?;
    record(&db, &entries).await?;
    for r in ratings().iter().chain([&old_rating]) {
        assert!(rate(&db, r).await?);
    }
    Ok(db)
}

/// The statistics of the 27th as the service computes them (the entries read as a stream),
/// checked against the same figures computed from the entries read at once.
async fn statistics(db: &Db, group: Group) -> anyhow::Result<figures::Statistics> {
    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let ratings = ratings_between(db, &branch, day(27), day(27)).await?;
    let hall = queuecall::hall::file::load(&queuecall_tests::hall_file())?;
    let zone = hall.branch(&branch).expect("the test branch").time_zone;
    let mut streamed = figures::Accumulator::new(group, zone, &ratings);
    for_each_between(db, &branch, day(27), day(27), |e| streamed.add(&e)).await?;
    let streamed = streamed.finish();
    let entries = entries_between(db, &branch, day(27), day(27)).await?;
    assert_eq!(
        streamed,
        figures::statistics(&entries, &ratings, group, zone)
    );
    Ok(streamed)
}

/// Figures with every float compared to 1e-9.
fn assert_figures(actual: &Figures, expected: &Figures) {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let floats = |f: &Figures| {
        [
            f.average_wait_seconds,
            f.p90_wait_seconds,
            f.average_service_seconds,
            f.p90_service_seconds,
            f.no_show_rate,
            f.appointment_share,
            f.average_overall,
            f.average_attitude,
            f.average_quality,
            f.average_efficiency,
            f.average_integrity,
        ]
    };
    let counts = |f: &Figures| {
        (
            f.key.clone(),
            [
                f.tickets,
                f.done,
                f.no_shows,
                f.cancelled,
                f.expired,
                f.transferred,
                f.ratings,
            ],
        )
    };
    assert_eq!(counts(actual), counts(expected), "{actual:#?}");
    let pairs = floats(actual).into_iter().zip(floats(expected));
    assert!(
        pairs.clone().all(|(a, b)| close(a, b)),
        "row {:?}: got {:?}, expected {:?}",
        actual.key,
        floats(actual),
        floats(expected)
    );
}

/// The rows of `stats` are `rows` (same keys in the same order, figures as [`assert_figures`])
/// and its total is [`total`].
fn assert_statistics(stats: &figures::Statistics, rows: &[Figures]) {
    let keys = |rows: &[Figures]| rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&stats.rows), keys(rows));
    for (actual, expected) in stats.rows.iter().zip(rows) {
        assert_figures(actual, expected);
    }
    assert_figures(&stats.total, &total());
}

/// The recorded fixture's statistics grouped by `group` are `rows` (as [`assert_statistics`]).
async fn assert_grouped(
    database: &TestDatabase,
    group: Group,
    rows: &[Figures],
) -> anyhow::Result<()> {
    let db = recorded(database).await?;
    let stats = statistics(&db, group).await?;
    assert_statistics(&stats, rows);
    db.close().await;
    Ok(())
}

/// counts: tickets, done, no_shows, cancelled, expired, transferred, ratings; then wait avg
/// and p90, service avg and p90, no-show rate, appointment share, then the five score averages.
fn figures_of(
    key: &str,
    counts: [u32; 7],
    times: [f64; 4],
    rates: [f64; 2],
    scores: [f64; 5],
) -> Figures {
    Figures {
        key: key.to_owned(),
        tickets: counts[0],
        done: counts[1],
        no_shows: counts[2],
        cancelled: counts[3],
        expired: counts[4],
        transferred: counts[5],
        ratings: counts[6],
        average_wait_seconds: times[0],
        p90_wait_seconds: times[1],
        average_service_seconds: times[2],
        p90_service_seconds: times[3],
        no_show_rate: rates[0],
        appointment_share: rates[1],
        average_overall: scores[0],
        average_attitude: scores[1],
        average_quality: scores[2],
        average_efficiency: scores[3],
        average_integrity: scores[4],
    }
}

/// The total over all nine entries of the 27th:
/// - waits (called entries) 120, 360, 600, 300 (E5), 300 (E6), 3600, 60 (E9) → sorted
///   60, 120, 300, 300, 360, 600, 3600; sum 5340, mean 5340/7 = 762.857142…; p90: r = 0.9 · 6
///   = 5.4 → 600 + 0.4 · (3600 − 600) = 1800.
/// - service (DONE) 300, 180, 600, 120, 300 → sorted 120, 180, 300, 300, 600; mean 1500/5 =
///   300; p90: r = 3.6 → 300 + 0.6 · 300 = 480.
/// - no-show rate 1 / (5 + 1) = 1/6; appointment share 3 (E2, E5, E6) / 9 = 1/3.
/// - ratings 3: overall (5 + 3 + 4)/3 = 4; attitude (5, 4) → 4.5; quality (4, 4) → 4;
///   efficiency (2, 4) → 3; integrity (5, 4) → 4.5.
fn total() -> Figures {
    figures_of(
        "",
        [9, 5, 1, 1, 1, 1, 3],
        [5340.0 / 7.0, 1800.0, 300.0, 480.0],
        [1.0 / 6.0, 1.0 / 3.0],
        [4.0, 4.5, 4.0, 3.0, 4.5],
    )
}

async fn recording_twice_or_out_of_order_keeps_one_row_per_leg_with_its_real_end(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let (entries, superseded) = fixture();
    let first = record(&db, &entries).await?;
    let again = record(&db, &entries).await?;
    let older = record(&db, std::slice::from_ref(&superseded)).await?;

    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let stored = entries_between(&db, &branch, day(27), day(27)).await?;
    assert_eq!(first, 9);
    assert_eq!(again, 0, "the same entries again change nothing");
    assert_eq!(
        older, 0,
        "a requeued no-show's earlier end does not replace its later one"
    );
    let mut expected = entries.clone();
    expected.sort_by_key(|e| (e.ticket.to_string(), e.leg));
    assert_eq!(stored, expected, "every field round-trips");

    // The other order: the no-show first, then its real end replaces it.
    let a6 = |e: &&HistoryEntry| e.ticket.number.to_string() == "A006";
    let done = entries.iter().find(a6).expect("A006").clone();
    let fresh = ticket(27, "A099");
    let (mut no_show, mut real) = (superseded.clone(), done.clone());
    no_show.ticket = fresh.clone();
    real.ticket = fresh.clone();
    assert_eq!(record(&db, &[no_show]).await?, 1);
    assert_eq!(record(&db, std::slice::from_ref(&real)).await?, 1);
    let legs = queuecall::records::history::legs_of(&db, &fresh).await?;
    assert_eq!(legs, vec![real]);
    db.close().await;
    Ok(())
}

/// A drain writes its entries in statements of many rows: a leg twice in one write (its
/// no-show and, after a requeue, its real end, in either order, and the same entry again)
/// keeps its real end, and a write of more entries than one statement holds keeps them all.
async fn one_write_of_many_entries_keeps_each_legs_latest_end(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let (entries, superseded) = fixture();
    let a6 = |e: &&HistoryEntry| e.ticket.number.to_string() == "A006";
    let done = entries.iter().find(a6).expect("A006").clone();
    let on = |number: &str, e: &HistoryEntry| HistoryEntry {
        ticket: ticket(27, number),
        ..e.clone()
    };
    let batch = vec![
        on("A097", &superseded),
        on("A097", &done),
        on("A098", &done),
        on("A098", &superseded),
        on("A098", &done),
    ];
    assert_eq!(record(&db, &batch).await?, 2, "one row per leg");
    for number in ["A097", "A098"] {
        let legs = queuecall::records::history::legs_of(&db, &ticket(27, number)).await?;
        assert_eq!(legs, vec![on(number, &done)], "{number} keeps its real end");
    }

    let many: Vec<HistoryEntry> = (0..250)
        .map(|n| on(&format!("C{:03}", n + 1), &entries[n % entries.len()]))
        .collect();
    assert_eq!(record(&db, &many).await?, 250);
    assert_eq!(
        record(&db, &many).await?,
        0,
        "the same entries again change nothing"
    );
    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let stored = entries_between(&db, &branch, day(1), day(30)).await?;
    let mut expected = vec![on("A097", &done), on("A098", &done)];
    expected.extend(many);
    expected.sort_by_key(|e| (e.ticket.to_string(), e.leg));
    assert_eq!(stored, expected, "every field of every row round-trips");
    db.close().await;
    Ok(())
}

/// By service:
/// - social-security: E1, E2, E3, E4, E5, E9 → 6 tickets, 3 done, 1 no-show, 1 cancelled, 1
///   transferred. Waits 120, 360, 600, 300, 60 → sorted 60, 120, 300, 360, 600; mean 1440/5 =
///   288; p90 r = 3.6 → 360 + 0.6 · 240 = 504. Service 300, 180, 300 → mean 260; p90 r = 1.8 →
///   300 + 0.8 · 0 = 300. No-show rate 1/4; appointments E2, E5 → 2/6. Ratings: A001 only.
/// - tax: E6, E7, E8 → 3 tickets, 2 done, 1 expired. Waits 300, 3600 → mean 1950; p90 r = 0.9
///   → 300 + 0.9 · 3300 = 3270. Service 600, 120 → mean 360; p90 → 120 + 0.9 · 480 = 552.
///   No-show rate 0; appointments E6 → 1/3. Ratings A005 (its DONE leg is in tax) and B002:
///   overall 3.5, attitude 4 (B002 only), quality 4, efficiency 3, integrity 4.
async fn statistics_by_service_match_the_hand_computed_figures(
    database: TestDatabase,
) -> anyhow::Result<()> {
    assert_grouped(
        &database,
        Group::Service,
        &[
            figures_of(
                SOCIAL,
                [6, 3, 1, 1, 0, 1, 1],
                [288.0, 504.0, 260.0, 300.0],
                [0.25, 2.0 / 6.0],
                [5.0, 5.0, 4.0, 0.0, 5.0],
            ),
            figures_of(
                TAX,
                [3, 2, 0, 0, 1, 0, 2],
                [1950.0, 3270.0, 360.0, 552.0],
                [0.0, 1.0 / 3.0],
                [3.5, 4.0, 4.0, 3.0, 4.0],
            ),
        ],
    )
    .await
}

/// By window (rows by number: 4, 5, 12; E4 and E7 were never called and are in no row, but
/// in the total):
/// - 4: E1, E2, E3, E5, E9 → 5 tickets, 3 done, 1 no-show, 1 transferred; waits and service
///   as social-security's (288, 504, 260, 300); no-show rate 1/4; appointments 2/5; A001.
/// - 5: E6 → wait 300 (p90 of one value is itself), service 600; appointment 1/1; A005
///   (3, –, –, 2, –).
/// - 12: E8 → wait 3600, service 120; B002 (4, 4, 4, 4, 4).
async fn statistics_by_window_match_the_hand_computed_figures(
    database: TestDatabase,
) -> anyhow::Result<()> {
    assert_grouped(
        &database,
        Group::Window,
        &[
            figures_of(
                "4",
                [5, 3, 1, 0, 0, 1, 1],
                [288.0, 504.0, 260.0, 300.0],
                [0.25, 2.0 / 5.0],
                [5.0, 5.0, 4.0, 0.0, 5.0],
            ),
            figures_of(
                "5",
                [1, 1, 0, 0, 0, 0, 1],
                [300.0, 300.0, 600.0, 600.0],
                [0.0, 1.0],
                [3.0, 0.0, 0.0, 2.0, 0.0],
            ),
            figures_of(
                "12",
                [1, 1, 0, 0, 0, 0, 1],
                [3600.0, 3600.0, 120.0, 120.0],
                [0.0, 0.0],
                [4.0, 4.0, 4.0, 4.0, 4.0],
            ),
        ],
    )
    .await
}

/// By hour of entry in Shanghai:
/// - 09: E1, E2 (09:00), E3 (09:01), E4 (09:02), E9 (09:03) → 5 tickets, 3 done, 1 no-show, 1
///   cancelled. Waits 120, 360, 600, 60 → sorted 60, 120, 360, 600; mean 1140/4 = 285; p90
///   r = 2.7 → 360 + 0.7 · 240 = 528. Service 300, 180, 300 → 260, 300. No-show rate 1/4;
///   appointments E2 → 1/5. Ratings A001.
/// - 10: E5 (10:05), E6 (10:15, the transfer in), E7 (10:02), E8 (10:03) → 4 tickets, 2 done,
///   1 expired, 1 transferred. Waits 300, 300, 3600 → mean 1400; p90 r = 1.8 → 300 + 0.8 ·
///   3300 = 2940. Service 600, 120 → 360, 552. Appointments E5, E6 → 2/4. Ratings A005, B002.
async fn statistics_by_hour_match_the_hand_computed_figures(
    database: TestDatabase,
) -> anyhow::Result<()> {
    assert_grouped(
        &database,
        Group::Hour,
        &[
            figures_of(
                "09",
                [5, 3, 1, 1, 0, 0, 1],
                [285.0, 528.0, 260.0, 300.0],
                [0.25, 0.2],
                [5.0, 5.0, 4.0, 0.0, 5.0],
            ),
            figures_of(
                "10",
                [4, 2, 0, 0, 1, 1, 2],
                [1400.0, 2940.0, 360.0, 552.0],
                [0.0, 0.5],
                [3.5, 4.0, 4.0, 3.0, 4.0],
            ),
        ],
    )
    .await
}

async fn the_date_range_selects_by_the_tickets_service_day(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = recorded(&database).await?;
    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let count = |from: u32, to: u32| {
        let (db, branch) = (&db, &branch);
        async move {
            entries_between(db, branch, day(from), day(to))
                .await
                .map(|e| e.len())
        }
    };
    // B001 ended on the 28th but belongs to the 27th; yesterday's A001 is on the 26th.
    assert_eq!(count(27, 27).await?, 9);
    assert_eq!(count(28, 28).await?, 0);
    assert_eq!(count(26, 26).await?, 1);
    assert_eq!(count(26, 28).await?, 10);
    assert_eq!(
        ratings_between(&db, &branch, day(26), day(27)).await?.len(),
        4
    );
    let other = queuecall::domain::BranchId::parse("branch", "village-station")?;
    assert!(
        entries_between(&db, &other, day(26), day(28))
            .await?
            .is_empty()
    );
    db.close().await;
    Ok(())
}

async fn a_ticket_is_rated_once(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let id = ticket(27, "A001");
    let mut first = rating(id.clone(), [4, 0, 5, 3, 0]);
    first.comment = "窗口工作人员很耐心".to_owned();
    let second = rating(id.clone(), [1, 1, 1, 1, 1]);

    assert!(rate(&db, &first).await?);
    assert!(!rate(&db, &second).await?, "the second rating is refused");
    assert_eq!(rating_of(&db, &id).await?, Some(first));
    assert_eq!(rating_of(&db, &ticket(27, "A002")).await?, None);
    db.close().await;
    Ok(())
}

/// The p90 of the Rust figures equals PostgreSQL's own `percentile_cont(0.9)` over the same
/// rows (1800 s of wait, 480 s of service, as computed by hand for the total); SQLite has no
/// such function, so there the test checks the figures alone.
async fn p90_is_percentile_cont_on_postgresql_too(database: TestDatabase) -> anyhow::Result<()> {
    let db = recorded(&database).await?;
    let stats = statistics(&db, Group::Service).await?;
    assert!((stats.total.p90_wait_seconds - 1800.0).abs() < 1e-9);
    assert!((stats.total.p90_service_seconds - 480.0).abs() < 1e-9);
    if let Db::Postgres(pool) = &db {
        let (wait, service): (f64, f64) = sqlx::query_as(
            "SELECT \
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM called_at - entered_at)) \
               FILTER (WHERE called_at IS NOT NULL), \
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - started_at)) \
               FILTER (WHERE outcome = 'DONE') \
             FROM ticket_history WHERE local_date = DATE '2026-11-27'",
        )
        .fetch_one(pool)
        .await?;
        assert!((wait - stats.total.p90_wait_seconds).abs() < 1e-6, "{wait}");
        assert!(
            (service - stats.total.p90_service_seconds).abs() < 1e-6,
            "{service}"
        );
    }
    db.close().await;
    Ok(())
}
