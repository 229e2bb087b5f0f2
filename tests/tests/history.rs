//! HistoryService end to end: a service day of tickets through the real service (its manual
//! clock sets every duration), recorded by the recorder into the records database, then
//! GetStatistics against hand-computed figures; RateService's rules; and the records
//! database going down and coming back without an entry lost or doubled. Each test runs on
//! the embedded and the Redis store, with the records on SQLite and on PostgreSQL.

use std::time::Duration;

use queuecall::records::RecordsSettings;
use queuecall_proto::v1::history_service_client::HistoryServiceClient;
use queuecall_proto::v1::{
    GetStatisticsRequest, GetStatisticsResponse, PriorityClass, RateServiceRequest,
    StatisticsGroup, StatisticsRow,
};
use queuecall_tests::Connection;
use queuecall_tests::*;

macro_rules! history_suite {
    ($name:ident, $store:expr, $fresh:path) => {
        mod $name {
            history_suite!(@tests $store, $fresh;
                a_day_of_tickets_gives_the_hand_computed_statistics,
                a_served_ticket_is_rated_once_and_others_not_at_all,
                statistics_requests_are_checked_naming_the_field,
            );
        }
    };
    (@tests $store:expr, $fresh:path; $($test:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                let database = $fresh().await?;
                super::$test($store, database.settings()).await
            }
        )*
    };
}

history_suite!(
    embedded_sqlite,
    queuecall_tests::StoreKind::Embedded,
    queuecall_tests::fresh_sqlite
);
history_suite!(
    embedded_postgres,
    queuecall_tests::StoreKind::Embedded,
    queuecall_tests::fresh_postgres
);
history_suite!(
    redis_sqlite,
    queuecall_tests::StoreKind::Redis,
    queuecall_tests::fresh_sqlite
);
history_suite!(
    redis_postgres,
    queuecall_tests::StoreKind::Redis,
    queuecall_tests::fresh_postgres
);

const DAY: &str = "2026-11-27";

async fn spawn(store: StoreKind, records: RecordsSettings) -> TestApp {
    spawn_app_with(AppOptions {
        records: Some(records),
        ..AppOptions::new(store)
    })
    .await
}

async fn history(app: &TestApp) -> HistoryServiceClient<Connection> {
    HistoryServiceClient::new(app.channel().await)
}

fn statistics_request(group: StatisticsGroup) -> GetStatisticsRequest {
    GetStatisticsRequest {
        branch_id: BRANCH.to_owned(),
        from_date: DAY.to_owned(),
        to_date: String::new(),
        group_by: group as i32,
    }
}

async fn statistics(
    client: &HistoryServiceClient<Connection>,
    group: StatisticsGroup,
) -> Result<GetStatisticsResponse, Status> {
    Ok(client
        .clone()
        .get_statistics(statistics_request(group))
        .await?
        .into_inner())
}

/// Waits (up to 15 s) until the statistics of the day count `tickets` entries, as the
/// recorder drains the live store every second.
async fn recorded(
    client: &HistoryServiceClient<Connection>,
    group: StatisticsGroup,
    tickets: u32,
) -> anyhow::Result<GetStatisticsResponse> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let answer = statistics(client, group).await;
        if let Ok(stats) = &answer
            && stats.total.as_ref().is_some_and(|t| t.tickets == tickets)
        {
            return Ok(answer?);
        }
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("the history never reached {tickets} entries: {answer:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rate_request(ticket: &str, scores: [u32; 5], comment: &str) -> RateServiceRequest {
    RateServiceRequest {
        ticket_id: ticket.to_owned(),
        overall: scores[0],
        attitude: scores[1],
        quality: scores[2],
        efficiency: scores[3],
        integrity: scores[4],
        comment: comment.to_owned(),
    }
}

/// Compares every figure; floats to 1e-9.
#[track_caller]
fn assert_row(actual: &StatisticsRow, expected: &StatisticsRow) {
    let floats = |r: &StatisticsRow| {
        [
            r.average_wait_seconds,
            r.p90_wait_seconds,
            r.average_service_seconds,
            r.p90_service_seconds,
            r.no_show_rate,
            r.appointment_share,
            r.average_overall,
            r.average_attitude,
            r.average_quality,
            r.average_efficiency,
            r.average_integrity,
        ]
    };
    let (a, e) = (floats(actual), floats(expected));
    let mut actual_counts = actual.clone();
    let mut expected_counts = expected.clone();
    for r in [&mut actual_counts, &mut expected_counts] {
        r.average_wait_seconds = 0.0;
        r.p90_wait_seconds = 0.0;
        r.average_service_seconds = 0.0;
        r.p90_service_seconds = 0.0;
        r.no_show_rate = 0.0;
        r.appointment_share = 0.0;
        r.average_overall = 0.0;
        r.average_attitude = 0.0;
        r.average_quality = 0.0;
        r.average_efficiency = 0.0;
        r.average_integrity = 0.0;
    }
    assert_eq!(
        actual_counts, expected_counts,
        "counts of row {:?}",
        actual.key
    );
    assert!(
        a.iter().zip(e.iter()).all(|(x, y)| (x - y).abs() < 1e-9),
        "row {:?}: got {a:?}, expected {e:?}",
        actual.key
    );
}

/// counts: tickets, done, no_shows, cancelled, expired, transferred, ratings; times: wait avg
/// and p90, service avg and p90; rates: no-show rate, appointment share; then the five scores.
fn row(key: &str, c: [u32; 7], t: [f64; 4], r: [f64; 2], s: [f64; 5]) -> StatisticsRow {
    StatisticsRow {
        key: key.to_owned(),
        tickets: c[0],
        done: c[1],
        no_shows: c[2],
        cancelled: c[3],
        expired: c[4],
        transferred: c[5],
        ratings: c[6],
        average_wait_seconds: t[0],
        p90_wait_seconds: t[1],
        average_service_seconds: t[2],
        p90_service_seconds: t[3],
        no_show_rate: r[0],
        appointment_share: r[1],
        average_overall: s[0],
        average_attitude: s[1],
        average_quality: s[2],
        average_efficiency: s[3],
        average_integrity: s[4],
    }
}

/// The day (the clock starts at 09:00 on 2026-11-27; t in seconds after it):
/// - t=0: A001 (normal), A002 (appointment), A003 (normal) for social-security, B001 for tax;
///   windows 4 (social-security) and 5 (tax) open.
/// - t=0: window 4 calls A002 (appointments first; wait 0), starts t=60, done t=300 (240 s).
/// - t=300: window 4 calls A001 (wait 300), no-show t=330.
/// - t=330: window 4 calls A003 (wait 330), starts t=360, transfers it to the front of tax at
///   t=420 (leg 0 TRANSFERRED); window 5 calls it at once (leg 1 wait 0), starts t=540, done
///   t=720 (180 s).
/// - t=720: A004 taken, cancelled t=780. B001 still waits; the next day it expires.
///
/// Entries: A002 DONE, A001 NO_SHOW, A003/0 TRANSFERRED, A004 CANCELLED (social-security);
/// A003/1 DONE, B001 EXPIRED (tax). A002 is rated 5, 4, 0, 3, 5.
/// - total: 6 entries, 2 done, 1 each of the others. Waits 0, 300, 330, 0 → sorted 0, 0, 300,
///   330: mean 630/4 = 157.5, p90 r = 0.9 · 3 = 2.7 → 300 + 0.7 · 30 = 321. Service 240, 180:
///   mean 210, p90 r = 0.9 → 180 + 0.9 · 60 = 234. No-show rate 1/(2 + 1); appointment share
///   1/6; one rating (5, 4, –, 3, 5).
/// - social-security: 4 entries, 1 done, 1 no-show, 1 cancelled, 1 transferred. Waits 0, 300,
///   330: mean 210, p90 r = 1.8 → 300 + 0.8 · 30 = 324. Service 240. No-show rate 1/2,
///   appointment share 1/4, the rating.
/// - tax: 2 entries, 1 done, 1 expired; wait 0; service 180; no rating.
/// - by window: 4 holds A002, A001, A003/0 (3 entries; waits as social-security's), 5 holds
///   A003/1; A004 and B001 were never called.
pub async fn a_day_of_tickets_gives_the_hand_computed_statistics(
    store: StoreKind,
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let app = spawn(store, records).await;
    let client = history(&app).await;
    let step = |s: u64| app.advance(Duration::from_secs(s));
    app.take(SOCIAL).await?;
    app.take_as(SOCIAL, PriorityClass::Appointment).await?;
    app.take(SOCIAL).await?;
    let b001 = app.take(TAX).await?;
    app.open(WINDOW_SOCIAL).await?;
    app.open(WINDOW_TAX).await?;

    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A002");
    step(60);
    app.start(WINDOW_SOCIAL).await?;
    step(240);
    app.complete(WINDOW_SOCIAL).await?;
    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A001");
    step(30);
    app.no_show(WINDOW_SOCIAL).await?;
    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A003");
    step(30);
    app.start(WINDOW_SOCIAL).await?;
    step(60);
    app.transfer(WINDOW_SOCIAL, TAX, true).await?;
    assert_eq!(app.call(WINDOW_TAX).await?.number, "A003");
    step(120);
    app.start(WINDOW_TAX).await?;
    step(180);
    app.complete(WINDOW_TAX).await?;
    let a004 = app.take(SOCIAL).await?;
    step(60);
    app.cancel(&a004.id).await?;
    client
        .clone()
        .rate_service(rate_request("test-centre.A002", [5, 4, 0, 3, 5], ""))
        .await?;
    // The next morning: the first call of the day ends yesterday, and B001 expires.
    step(24 * 3600);
    let expired = app.get(&b001.id).await?;
    assert_eq!(expired.state(), queuecall_proto::v1::TicketState::Expired);

    let by_service = recorded(&client, StatisticsGroup::Service, 6).await?;
    let total = row(
        "",
        [6, 2, 1, 1, 1, 1, 1],
        [157.5, 321.0, 210.0, 234.0],
        [1.0 / 3.0, 1.0 / 6.0],
        [5.0, 4.0, 0.0, 3.0, 5.0],
    );
    assert_row(by_service.total.as_ref().expect("total"), &total);
    assert_eq!(by_service.rows.len(), 2);
    assert_row(
        &by_service.rows[0],
        &row(
            SOCIAL,
            [4, 1, 1, 1, 0, 1, 1],
            [210.0, 324.0, 240.0, 240.0],
            [0.5, 0.25],
            [5.0, 4.0, 0.0, 3.0, 5.0],
        ),
    );
    assert_row(
        &by_service.rows[1],
        &row(
            TAX,
            [2, 1, 0, 0, 1, 0, 0],
            [0.0, 0.0, 180.0, 180.0],
            [0.0, 0.0],
            [0.0; 5],
        ),
    );

    let by_window = statistics(&client, StatisticsGroup::Window).await?;
    let keys: Vec<&str> = by_window.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["4", "5"]);
    assert_row(
        &by_window.rows[0],
        &row(
            "4",
            [3, 1, 1, 0, 0, 1, 1],
            [210.0, 324.0, 240.0, 240.0],
            [0.5, 1.0 / 3.0],
            [5.0, 4.0, 0.0, 3.0, 5.0],
        ),
    );
    assert_row(
        &by_window.rows[1],
        &row(
            "5",
            [1, 1, 0, 0, 0, 0, 0],
            [0.0, 0.0, 180.0, 180.0],
            [0.0, 0.0],
            [0.0; 5],
        ),
    );

    // Every entry began at 09:xx in Shanghai, A003/1 (09:07) and A004 (09:12) included.
    let by_hour = statistics(&client, StatisticsGroup::Hour).await?;
    assert_eq!(by_hour.rows.len(), 1);
    assert_row(
        &by_hour.rows[0],
        &StatisticsRow {
            key: "09".to_owned(),
            ..total
        },
    );
    Ok(())
}

pub async fn a_served_ticket_is_rated_once_and_others_not_at_all(
    store: StoreKind,
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let app = spawn(store, records).await;
    let mut client = history(&app).await;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    let done = app.serve_next(WINDOW_SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    app.no_show(WINDOW_SOCIAL).await?;
    let waiting = app.take(SOCIAL).await?;

    let rated = client
        .rate_service(rate_request(&done.id, [4, 5, 0, 4, 5], "  办事很快  "))
        .await?
        .into_inner()
        .rating
        .expect("the rating");
    assert_eq!(rated.ticket_id, done.id);
    assert_eq!(
        [
            rated.overall,
            rated.attitude,
            rated.quality,
            rated.efficiency,
            rated.integrity
        ],
        [4, 5, 0, 4, 5]
    );
    assert_eq!(rated.comment, "办事很快");
    assert_eq!(
        seconds(rated.rated_at.as_ref()),
        Some(start_of_test_day().timestamp())
    );

    let again = client
        .rate_service(rate_request("test-centre.A001", [1, 1, 1, 1, 1], ""))
        .await;
    assert_status(again, Code::AlreadyExists, &["A001", "rated already"]);
    let no_show = client
        .rate_service(rate_request("test-centre.A002", [3, 0, 0, 0, 0], ""))
        .await;
    assert_status(
        no_show,
        Code::FailedPrecondition,
        &["A002", "NO_SHOW", "DONE"],
    );
    let not_yet = client
        .rate_service(rate_request(&waiting.id, [3, 0, 0, 0, 0], ""))
        .await;
    assert_status(not_yet, Code::FailedPrecondition, &["A003", "WAITING"]);
    let unknown = client
        .rate_service(rate_request("test-centre.A099", [3, 0, 0, 0, 0], ""))
        .await;
    assert_status(unknown, Code::NotFound, &["A099"]);
    for (scores, field) in [
        ([0, 0, 0, 0, 0], "overall"),
        ([6, 0, 0, 0, 0], "overall"),
        ([3, 6, 0, 0, 0], "attitude"),
        ([3, 0, 6, 0, 0], "quality"),
        ([3, 0, 0, 6, 0], "efficiency"),
        ([3, 0, 0, 0, 6], "integrity"),
    ] {
        let bad = client
            .rate_service(rate_request(&waiting.id, scores, ""))
            .await;
        assert_status(bad, Code::InvalidArgument, &[field]);
    }
    let long = client
        .rate_service(rate_request(
            &waiting.id,
            [3, 0, 0, 0, 0],
            &"好".repeat(501),
        ))
        .await;
    assert_status(long, Code::InvalidArgument, &["comment", "500"]);
    let malformed = client
        .rate_service(rate_request("A001", [3, 0, 0, 0, 0], ""))
        .await;
    assert_status(malformed, Code::InvalidArgument, &["ticket_id"]);

    // Only the one rating counts, once its ticket's entry is recorded.
    let stats = recorded(&client, StatisticsGroup::Service, 2).await?;
    let total = stats.total.expect("total");
    assert_eq!(total.ratings, 1);
    assert!((total.average_overall - 4.0).abs() < 1e-9);
    assert!(
        (total.average_quality - 0.0).abs() < 1e-9,
        "quality was not rated"
    );
    Ok(())
}

pub async fn statistics_requests_are_checked_naming_the_field(
    store: StoreKind,
    records: RecordsSettings,
) -> anyhow::Result<()> {
    let app = spawn(store, records).await;
    let mut client = history(&app).await;
    let base = statistics_request(StatisticsGroup::Service);
    let cases = [
        (
            GetStatisticsRequest {
                from_date: "27/11/2026".into(),
                ..base.clone()
            },
            Code::InvalidArgument,
            "from_date",
        ),
        (
            GetStatisticsRequest {
                to_date: "2026-11-26".into(),
                ..base.clone()
            },
            Code::InvalidArgument,
            "to_date",
        ),
        (
            GetStatisticsRequest {
                from_date: "2025-11-26".into(),
                to_date: "2026-11-27".into(),
                ..base.clone()
            },
            Code::InvalidArgument,
            "366",
        ),
        (
            GetStatisticsRequest {
                group_by: StatisticsGroup::Unspecified as i32,
                ..base.clone()
            },
            Code::InvalidArgument,
            "group_by",
        ),
        (
            GetStatisticsRequest {
                branch_id: String::new(),
                ..base.clone()
            },
            Code::InvalidArgument,
            "branch_id",
        ),
        (
            GetStatisticsRequest {
                branch_id: "nowhere".into(),
                ..base.clone()
            },
            Code::NotFound,
            "nowhere",
        ),
    ];
    for (request, code, needle) in cases {
        assert_status(client.get_statistics(request).await, code, &[needle]);
    }
    // 366 days is the most; an empty branch day answers zeros.
    let year = GetStatisticsRequest {
        from_date: "2025-11-27".into(),
        to_date: "2026-11-27".into(),
        ..base
    };
    let empty = client.get_statistics(year).await?.into_inner();
    assert!(empty.rows.is_empty());
    assert_eq!(empty.total.expect("total").tickets, 0);
    Ok(())
}

/// The records database goes down for a while: the queue goes on, the entries of the tickets
/// finished meanwhile wait in the live store, and once the database is back every one of them
/// is recorded exactly once.
async fn entries_wait_for_the_records_database_and_arrive_once(
    store: StoreKind,
) -> anyhow::Result<()> {
    let postgres = OwnPostgres::start()?;
    let records = RecordsSettings::Postgres {
        url: postgres.url(),
        max_connections: 2,
    };
    let app = spawn(store, records).await;
    let mut client = history(&app).await;
    app.open(WINDOW_SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.serve_next(WINDOW_SOCIAL).await?;
    recorded(&client, StatisticsGroup::Service, 1).await?;

    postgres.down()?;
    for _ in 0..3 {
        app.take(SOCIAL).await?;
        app.serve_next(WINDOW_SOCIAL).await?;
    }
    let cancelled = app.take(SOCIAL).await?;
    app.cancel(&cancelled.id).await?;
    // Let the recorder fail a few times.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let down = client
        .get_statistics(statistics_request(StatisticsGroup::Service))
        .await;
    assert_status(down, Code::Unavailable, &["records database"]);

    postgres.up()?;
    let stats = recorded(&client, StatisticsGroup::Service, 5).await?;
    // A few more drains must not write anything twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = statistics(&client, StatisticsGroup::Service).await?;
    assert_eq!(stats, again);
    let total = again.total.expect("total");
    assert_eq!((total.tickets, total.done, total.cancelled), (5, 4, 1));
    let rows: i64 = {
        let pool = sqlx::PgPool::connect(&postgres.url()).await?;
        let n = sqlx::query_scalar("SELECT count(*) FROM ticket_history")
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        n
    };
    assert_eq!(rows, 5);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_entries_wait_for_the_records_database_and_arrive_once() -> anyhow::Result<()> {
    entries_wait_for_the_records_database_and_arrive_once(StoreKind::Embedded).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_entries_wait_for_the_records_database_and_arrive_once() -> anyhow::Result<()> {
    entries_wait_for_the_records_database_and_arrive_once(StoreKind::Redis).await
}

/// HistoryService reports SERVING on gRPC health like the queue, and NOT_SERVING once a stop
/// is asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_the_history_service() -> anyhow::Result<()> {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;

    let app = spawn_app_with(AppOptions {
        drain_seconds: 2,
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let mut health = HealthClient::new(app.channel().await);
    let request = || HealthCheckRequest {
        service: "queuecall.v1.HistoryService".to_owned(),
    };
    let serving = health.check(request()).await?.into_inner().status();
    assert_eq!(serving, ServingStatus::Serving);
    app.shutdown_handle().shutdown();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let status = health.check(request()).await?.into_inner().status();
        if status == ServingStatus::NotServing {
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "still {status:?} during the drain"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A leg ended just before a stop is recorded by the recorder's last drain, after the server
/// has stopped serving (well within its one-second interval).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_entries_are_recorded_when_the_service_stops() -> anyhow::Result<()> {
    let database = fresh_sqlite().await?;
    let mut app = spawn(StoreKind::Embedded, database.settings()).await;
    // The recorder's first drain runs as the service starts; let it pass.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let taken = app.take(SOCIAL).await?;
    app.cancel(&taken.id).await?;
    app.shutdown_handle().shutdown();
    app.wait_stopped(Duration::from_secs(10)).await?;

    let db = database.connect().await?;
    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    let entries = queuecall::records::history::entries_between(&db, &branch, day, day).await?;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].ticket.to_string(), taken.id);
    db.close().await;
    Ok(())
}

/// Two replicas on one Redis queue and one records database drain the same buffer at once:
/// every entry is recorded exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_record_each_entry_once() -> anyhow::Result<()> {
    let database = fresh_postgres().await?;
    let first = spawn(StoreKind::Redis, database.settings()).await;
    let second = spawn_app_with(AppOptions {
        records: Some(database.settings()),
        ..first.replica_options()
    })
    .await;
    let client = history(&first).await;
    first.open(WINDOW_SOCIAL).await?;
    second.open(WINDOW_STRICT).await?;
    for i in 0..20 {
        let (app, window) = if i % 2 == 0 {
            (&first, WINDOW_SOCIAL)
        } else {
            (&second, WINDOW_STRICT)
        };
        app.take(SOCIAL).await?;
        app.serve_next(window).await?;
    }
    for _ in 0..10 {
        let t = second.take(SOCIAL).await?;
        first.cancel(&t.id).await?;
    }

    let stats = recorded(&client, StatisticsGroup::Service, 30).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let total = statistics(&client, StatisticsGroup::Service)
        .await?
        .total
        .expect("total");
    assert_eq!(stats.total.expect("total"), total, "nothing more arrived");
    assert_eq!((total.tickets, total.done, total.cancelled), (30, 20, 10));
    let db = database.connect().await?;
    let branch = queuecall::domain::BranchId::parse("branch", BRANCH)?;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date");
    let rows = queuecall::records::history::entries_between(&db, &branch, day, day).await?;
    assert_eq!(rows.len(), 30);
    db.close().await;
    Ok(())
}

/// A ticket the live store no longer knows (here: a service on a new live store over the same
/// records) is judged by its history: DONE in any leg can be rated, anything else cannot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_known_only_to_the_history_is_rated_by_its_history() -> anyhow::Result<()> {
    let database = fresh_sqlite().await?;
    let mut before = spawn(StoreKind::Embedded, database.settings()).await;
    before.open(WINDOW_SOCIAL).await?;
    before.take(SOCIAL).await?;
    before.take(SOCIAL).await?;
    let transferred = before.call(WINDOW_SOCIAL).await?;
    before.transfer(WINDOW_SOCIAL, TAX, false).await?;
    let missed = before.call(WINDOW_SOCIAL).await?;
    before.no_show(WINDOW_SOCIAL).await?;
    before.open(WINDOW_TAX).await?;
    before.serve_next(WINDOW_TAX).await?;
    recorded(&history(&before).await, StatisticsGroup::Service, 3).await?;
    before.shutdown_handle().shutdown();
    before.wait_stopped(Duration::from_secs(10)).await?;

    let after = spawn(StoreKind::Embedded, database.settings()).await;
    let mut client = history(&after).await;
    assert_status(after.get(&transferred.id).await, Code::NotFound, &["A001"]);
    let rated = client
        .rate_service(rate_request(&transferred.id, [5, 0, 0, 0, 0], ""))
        .await?
        .into_inner()
        .rating
        .expect("the rating");
    assert_eq!(rated.ticket_id, transferred.id, "done in its second leg");
    let no_show = client
        .rate_service(rate_request(&missed.id, [2, 0, 0, 0, 0], ""))
        .await;
    assert_status(no_show, Code::FailedPrecondition, &["A002", "NO_SHOW"]);
    let unknown = client
        .rate_service(rate_request("test-centre.A003", [2, 0, 0, 0, 0], ""))
        .await;
    assert_status(unknown, Code::NotFound, &["A003"]);
    Ok(())
}
