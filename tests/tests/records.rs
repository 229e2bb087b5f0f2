//! The records database on both engines: every test runs once on a PostgreSQL database of
//! its own (`postgres::<test>`) and once on a SQLite file of its own (`sqlite::<test>`), plus
//! `queuecall migrate` run as the real binary.

use std::process::Stdio;
use std::sync::Arc;

use anyhow::Context;
use queuecall::domain::ServiceId;
use queuecall::error::QueueError;
use queuecall::hall::{Hall, demo};
use queuecall::records::layout::{
    change_hall, layout_version, load_hall, load_layout, save_hall, save_hall_from_file,
};
use queuecall::records::settings_table;
use queuecall_tests::{TestDatabase, binary_path, fresh_sqlite};

/// The whole suite for one engine, in a module named after it.
macro_rules! records_suite {
    ($name:ident, $fresh:path) => {
        mod $name {
            records_suite!(@tests $fresh;
                migrations_apply_twice_and_leave_an_empty_layout,
                the_demo_hall_round_trips_exactly,
                a_refused_save_leaves_the_old_layout,
                concurrent_saves_take_turns_and_all_succeed,
                the_migrate_subcommand_migrates_and_exits_zero,
                the_test_hall_round_trips_with_bookings_and_calendar,
                a_refused_change_writes_nothing,
                concurrent_changes_each_see_the_one_before,
                the_calendar_and_booking_tables_check_their_rows,
                the_settings_table_keeps_the_first_value,
            );
        }
    };
    (@tests $fresh:path; $($test:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() -> anyhow::Result<()> {
                super::$test($fresh().await?).await
            }
        )*
    };
}

records_suite!(postgres, queuecall_tests::fresh_postgres);
records_suite!(sqlite, queuecall_tests::fresh_sqlite);

fn assert_same_layout(actual: &Hall, expected: &Hall) {
    assert_eq!(actual.branches, expected.branches);
}

async fn migrations_apply_twice_and_leave_an_empty_layout(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.connect().await?;
    let first = db.migrate().await?;
    let second = db.migrate().await?;
    assert_eq!(
        first, 7,
        "0001_layout, 0002_appointments, 0003_layout_appointments, 0004_appointment_check_in, \
         0005_history, 0006_sms_outbox, 0007_sms_status_early"
    );
    assert_eq!(second, first);
    db.ping().await?;
    assert_eq!(layout_version(&db).await?, 0);
    assert!(load_hall(&db).await?.branches.is_empty());
    db.close().await;
    Ok(())
}

async fn the_demo_hall_round_trips_exactly(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let hall = demo::hall();
    assert_eq!(hall.branches.len(), 2, "the demo hall parses");
    assert_eq!(save_hall(&db, &hall).await?, 1);
    let loaded = load_hall(&db).await?;
    assert_same_layout(&loaded, &hall);
    // Saving again replaces the layout (no duplicates) and bumps the version.
    assert_eq!(save_hall(&db, &loaded).await?, 2);
    assert_same_layout(&load_hall(&db).await?, &hall);
    assert_eq!(layout_version(&db).await?, 2);
    // A fresh connection sees the same.
    db.close().await;
    let again = database.connect().await?;
    assert_same_layout(&load_hall(&again).await?, &hall);
    again.close().await;
    Ok(())
}

/// The demo hall with one change to its last branch, so that most rows are written before
/// the database refuses the change.
fn demo_with(change: impl FnOnce(&mut queuecall::hall::Branch)) -> Hall {
    let mut hall = demo::hall();
    if let Some(branch) = hall.branches.values_mut().last() {
        change(Arc::make_mut(branch));
    }
    hall
}

async fn a_refused_save_leaves_the_old_layout(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let hall = demo::hall();
    save_hall(&db, &hall).await?;
    let refused = [
        (
            "daily limit 0",
            demo_with(|b| b.services[0].daily_limit = 0),
        ),
        (
            "a prefix twice",
            demo_with(|b| b.services[1].prefix = b.services[0].prefix.clone()),
        ),
        (
            "a window serving an unknown service",
            demo_with(|b| {
                b.windows[1]
                    .services
                    .push(ServiceId::parse("service", "no-such-service").expect("slug"))
            }),
        ),
        (
            "a lower-case prefix",
            demo_with(|b| b.services[0].prefix = "a".to_owned()),
        ),
    ];
    for (what, bad) in refused {
        let err = save_hall(&db, &bad).await;
        assert!(err.is_err(), "{what}: the save was accepted");
        assert_same_layout(&load_hall(&db).await?, &hall);
        assert_eq!(layout_version(&db).await?, 1, "{what}");
    }
    db.close().await;
    Ok(())
}

async fn concurrent_saves_take_turns_and_all_succeed(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let hall = demo::hall();
    save_hall(&db, &hall).await?;
    let saves = (0..6).map(|_| {
        let (db, hall) = (db.clone(), hall.clone());
        tokio::spawn(async move { save_hall(&db, &hall).await })
    });
    let mut versions = Vec::new();
    for save in saves.collect::<Vec<_>>() {
        versions.push(save.await??);
    }
    versions.sort_unstable();
    assert_eq!(versions, (2..=7).collect::<Vec<i64>>());
    assert_same_layout(&load_hall(&db).await?, &hall);
    db.close().await;
    Ok(())
}

/// `target/debug/queuecall migrate` against `database`, twice: exit 0 and the version line;
/// then the schema is there.
async fn the_migrate_subcommand_migrates_and_exits_zero(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    for _ in 0..2 {
        let output = run_migrate(&dir, &database.env()).await?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "exit {}: {stderr}", output.status);
        assert!(
            stdout.starts_with("migrations applied version=7 "),
            "stdout: {stdout}"
        );
    }
    let db = database.connect().await?;
    assert_eq!(layout_version(&db).await?, 0);
    db.close().await;
    Ok(())
}

async fn run_migrate(
    dir: &tempfile::TempDir,
    env: &[(&'static str, String)],
) -> anyhow::Result<std::process::Output> {
    let mut command = tokio::process::Command::new(binary_path("queuecall"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUEUECALL_") {
            command.env_remove(key);
        }
    }
    command
        .arg("migrate")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .context("queuecall migrate did not exit in time")?
        .context("run target/debug/queuecall migrate")?;
    Ok(output)
}

#[tokio::test]
async fn migrate_against_an_unreachable_postgres_exits_one_naming_the_masked_url()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // Port 1 on localhost: nothing listens there.
    let env = [
        ("QUEUECALL_RECORDS__KIND", "postgres".to_owned()),
        (
            "QUEUECALL_RECORDS__URL",
            "postgres://qc:s3cret@127.0.0.1:1/queuecall".to_owned(),
        ),
    ];
    let output = run_migrate(&dir, &env).await?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("qc:****@127.0.0.1:1"), "stderr: {stderr}");
    assert!(stderr.contains("pg_ctlcluster"), "stderr: {stderr}");
    assert!(!stderr.contains("s3cret"), "stderr: {stderr}");
    Ok(())
}

#[tokio::test]
async fn migrate_creates_the_sqlite_file_and_its_directory() -> anyhow::Result<()> {
    let database = fresh_sqlite().await?;
    let TestDatabase::Sqlite { path, .. } = &database else {
        anyhow::bail!("fresh_sqlite gave a PostgreSQL database");
    };
    assert!(!path.exists());
    let dir = tempfile::tempdir()?;
    let output = run_migrate(&dir, &database.env()).await?;
    assert!(output.status.success(), "{output:?}");
    assert!(path.is_file());
    Ok(())
}

async fn the_test_hall_round_trips_with_bookings_and_calendar(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let hall = queuecall::hall::file::load(&queuecall_tests::hall_file())?;
    let centre = queuecall::domain::BranchId::parse("branch", queuecall_tests::BRANCH)?;
    let social = &hall.branch(&centre).expect("the test centre").services[0];
    assert!(
        social.appointments.is_some(),
        "the fixture books social-security"
    );
    let version = save_hall_from_file(&db, &hall, &"ab".repeat(32)).await?;
    let (loaded, at) = load_layout(&db).await?;
    assert_eq!(at, version);
    assert_same_layout(&loaded, &hall);
    assert_eq!(
        settings_table::get(&db, "hall_file_sha256").await?,
        Some("ab".repeat(32))
    );
    db.close().await;
    Ok(())
}

async fn a_refused_change_writes_nothing(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    let hall = demo::hall();
    save_hall(&db, &hall).await?;
    // The change refuses: nothing is stored and the version stays.
    let refused = change_hall(&db, |_| {
        Err::<(Hall, ()), _>(QueueError::invalid("service.ticket_prefix", "refused"))
    })
    .await;
    assert!(matches!(refused, Err(QueueError::InvalidArgument { .. })));
    assert_eq!(layout_version(&db).await?, 1);
    assert_same_layout(&load_hall(&db).await?, &hall);
    // A change the database refuses (a prefix twice) is not half-written either.
    let refused = change_hall(&db, |current| {
        let mut edited = current.clone();
        let branch = edited.branches.values_mut().next().expect("a branch");
        let branch = Arc::make_mut(branch);
        branch.name = "renamed".to_owned();
        branch.services[1].prefix = branch.services[0].prefix.clone();
        Ok((edited, ()))
    })
    .await;
    assert!(refused.is_err(), "a duplicate prefix was stored");
    assert_eq!(layout_version(&db).await?, 1);
    assert_same_layout(&load_hall(&db).await?, &hall);
    db.close().await;
    Ok(())
}

async fn concurrent_changes_each_see_the_one_before(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    save_hall(&db, &demo::hall()).await?;
    // Six writers each append a letter to one branch's name: none may be lost.
    let changes = (0..6).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            change_hall(&db, move |current| {
                let mut edited = current.clone();
                let branch = edited.branches.values_mut().next().expect("a branch");
                Arc::make_mut(branch).name.push(char::from(b'a' + i));
                Ok((edited, ()))
            })
            .await
            .map(|changed| changed.version)
        })
    });
    let mut versions = Vec::new();
    for change in changes.collect::<Vec<_>>() {
        versions.push(change.await??);
    }
    versions.sort_unstable();
    assert_eq!(versions, (2..=7).collect::<Vec<i64>>());
    let name = load_hall(&db)
        .await?
        .branches
        .values()
        .next()
        .expect("a branch")
        .name
        .clone();
    let mut added: Vec<char> = name.chars().rev().take(6).collect();
    added.sort_unstable();
    assert_eq!(added, ['a', 'b', 'c', 'd', 'e', 'f'], "{name}");
    db.close().await;
    Ok(())
}

async fn the_calendar_and_booking_tables_check_their_rows(
    database: TestDatabase,
) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    save_hall(&db, &demo::hall()).await?;
    let bad = [
        // A day outside its year.
        "INSERT INTO calendar_days (branch_id, year, day, kind, follows) \
         VALUES ('district-centre', 2026, '2027-01-04', 'holiday', NULL)",
        // A make-up day without the weekday it follows.
        "INSERT INTO calendar_days (branch_id, year, day, kind, follows) \
         VALUES ('district-centre', 2026, '2026-01-04', 'make_up', NULL)",
        // A holiday that names a weekday.
        "INSERT INTO calendar_days (branch_id, year, day, kind, follows) \
         VALUES ('district-centre', 2026, '2026-01-04', 'holiday', 'mon')",
        // A year that is not loaded.
        "INSERT INTO calendar_days (branch_id, year, day, kind, follows) \
         VALUES ('district-centre', 2030, '2030-01-04', 'holiday', NULL)",
        // No weekday at all.
        "UPDATE service_appointments SET weekdays = 0",
        // A time range that ends before it starts.
        "UPDATE service_time_ranges SET end_minute = start_minute",
        // More a day than a week.
        "UPDATE service_appointments SET max_per_day = max_per_week + 1",
    ];
    for sql in bad {
        let result = match &db {
            queuecall::records::Db::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .map(drop),
            queuecall::records::Db::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .map(drop),
        };
        assert!(result.is_err(), "accepted: {sql}");
    }
    assert_same_layout(&load_hall(&db).await?, &demo::hall());
    db.close().await;
    Ok(())
}

async fn the_settings_table_keeps_the_first_value(database: TestDatabase) -> anyhow::Result<()> {
    let db = database.migrated().await?;
    assert_eq!(settings_table::get(&db, "id_hash_key").await?, None);
    let first = settings_table::get_or_insert(&db, "id_hash_key", "first").await?;
    let second = settings_table::get_or_insert(&db, "id_hash_key", "second").await?;
    assert_eq!((first.as_str(), second.as_str()), ("first", "first"));
    db.close().await;
    Ok(())
}
