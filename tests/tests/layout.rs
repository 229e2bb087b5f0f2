//! The layout lives in the records database: replicas on one PostgreSQL database (and one
//! Redis queue) see each other's changes without a restart, `queuecall hall apply` changes a
//! running app, a restart keeps admin changes unless the configured hall file itself changed,
//! and the ID hash key is required on PostgreSQL and generated once on SQLite.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use queuecall::records::{Db, RecordsSettings, settings_table};
use queuecall_proto::v1::admin_service_client::AdminServiceClient;
use queuecall_proto::v1::{
    CallRule, DeleteServiceRequest, DeleteWindowRequest, GetLayoutRequest, PutServiceRequest,
    PutWindowRequest, ServiceLayout, WindowLayout,
};
use queuecall_tests::{
    AppOptions, BRANCH, Code, PERMITS, StoreKind, TestApp, TestDatabase, WINDOW_PERMITS,
    assert_status, binary_path, fresh_postgres, hall_file, spawn_app_configured, spawn_app_with,
};
use serde_yaml::{Mapping, Value};

/// How long a change may take to reach another replica (it polls every 100 ms here).
const REACH: Duration = Duration::from_secs(10);

/// `records.layout_poll_ms: 100`, and `hall_file` when given.
fn extra(hall: Option<&Path>) -> Mapping {
    extra_polling(100, hall)
}

fn extra_polling(poll_ms: u64, hall: Option<&Path>) -> Mapping {
    let mut records = Mapping::new();
    records.insert("layout_poll_ms".into(), poll_ms.into());
    let mut root = Mapping::new();
    root.insert("records".into(), Value::Mapping(records));
    if let Some(path) = hall {
        root.insert("hall_file".into(), path.to_string_lossy().as_ref().into());
    }
    root
}

fn service(id: &str, prefix: &str) -> ServiceLayout {
    ServiceLayout {
        id: id.into(),
        name: "新事项".into(),
        ticket_prefix: prefix.into(),
        daily_limit: 50,
        avg_service_seconds: 300,
        ..ServiceLayout::default()
    }
}

async fn put_service(app: &TestApp, id: &str, prefix: &str) -> anyhow::Result<i64> {
    let mut admin = AdminServiceClient::new(app.channel().await);
    let reply = admin
        .put_service(PutServiceRequest {
            branch_id: BRANCH.into(),
            service: Some(service(id, prefix)),
        })
        .await?
        .into_inner();
    Ok(reply.layout_version)
}

async fn service_ids(app: &TestApp) -> anyhow::Result<Vec<String>> {
    let branch = app.branch(BRANCH).await?;
    Ok(branch.services.into_iter().map(|s| s.id).collect())
}

/// Waits until `app`'s queue knows (or, with `known` false, no longer knows) `service`.
async fn until_known(app: &TestApp, service: &str, known: bool) -> anyhow::Result<Duration> {
    let start = Instant::now();
    loop {
        if service_ids(app).await?.iter().any(|s| s == service) == known {
            return Ok(start.elapsed());
        }
        anyhow::ensure!(
            start.elapsed() < REACH,
            "service {service} known={known} did not reach the app in {REACH:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_through_one_replica_reaches_the_other_without_a_restart()
-> anyhow::Result<()> {
    let database = fresh_postgres().await?;
    let options = AppOptions {
        records: Some(database.settings()),
        ..AppOptions::new(StoreKind::Redis)
    };
    let a = spawn_app_configured(options, extra(None)).await;
    let b = spawn_app_configured(
        AppOptions {
            records: Some(database.settings()),
            ..a.replica_options()
        },
        extra(None),
    )
    .await;
    assert!(!service_ids(&b).await?.contains(&"passports".to_owned()));
    put_service(&a, "passports", "G").await?;
    // A has it at once; B within a few polls, and takes tickets on the shared queue.
    assert!(service_ids(&a).await?.contains(&"passports".to_owned()));
    until_known(&b, "passports", true).await?;
    let first = b.take("passports").await?;
    let second = a.take("passports").await?;
    assert_eq!(
        (first.number.as_str(), second.number.as_str()),
        ("G001", "G002")
    );
    // A window for it, put through B, calls on A from the shared Redis queue.
    let mut admin_b = AdminServiceClient::new(b.channel().await);
    admin_b
        .put_window(PutWindowRequest {
            branch_id: BRANCH.into(),
            window: Some(WindowLayout {
                number: 7,
                name: "出入境窗口".into(),
                service_ids: vec!["passports".into()],
                call_rule: CallRule::OldestFirst as i32,
                ..WindowLayout::default()
            }),
        })
        .await?;
    let start = Instant::now();
    while a.open(7).await.is_err() {
        anyhow::ensure!(start.elapsed() < REACH, "window 7 did not reach A");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(a.call(7).await?.id, first.id);
    // And back: a delete through B reaches A.
    admin_b
        .delete_window(DeleteWindowRequest {
            branch_id: BRANCH.into(),
            window: WINDOW_PERMITS,
        })
        .await?;
    admin_b
        .delete_service(DeleteServiceRequest {
            branch_id: BRANCH.into(),
            service_id: PERMITS.into(),
        })
        .await?;
    until_known(&a, PERMITS, false).await?;
    assert_status(a.take(PERMITS).await, Code::NotFound, &[PERMITS]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_redis_replicas_reload_at_once_without_waiting_for_their_poll() -> anyhow::Result<()> {
    // Polls every ten minutes: only the Redis signal can bring a change within seconds.
    let database = fresh_postgres().await?;
    let slow = || extra_polling(600_000, None);
    let a = spawn_app_configured(
        AppOptions {
            records: Some(database.settings()),
            ..AppOptions::new(StoreKind::Redis)
        },
        slow(),
    )
    .await;
    let b = spawn_app_configured(
        AppOptions {
            records: Some(database.settings()),
            ..a.replica_options()
        },
        slow(),
    )
    .await;
    // Let B subscribe (it looks once when it does; nothing is new yet).
    tokio::time::sleep(Duration::from_millis(500)).await;
    put_service(&a, "passports", "G").await?;
    until_known(&b, "passports", true).await?;
    // `hall apply` from a shell on the same Redis signals too.
    let (url, prefix) = a.redis_prefix().context("A made the prefix")?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("hall.yaml");
    let text = std::fs::read_to_string(hall_file())?.replacen(
        "      - id: tax\n",
        "      - id: visas\n        name: 签证\n        prefix: V\n        daily_limit: 9\n        avg_service_seconds: 60\n      - id: tax\n",
        1,
    );
    std::fs::write(&file, text)?;
    let mut env = database.env();
    env.extend([
        ("QUEUECALL_STORE__KIND", "redis".to_owned()),
        ("QUEUECALL_STORE__URL", url.to_owned()),
        ("QUEUECALL_STORE__KEY_PREFIX", prefix.to_owned()),
    ]);
    let output = run_binary(&["hall", "apply", &file.to_string_lossy()], &env).await?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    until_known(&a, "visas", true).await?;
    until_known(&b, "visas", true).await?;
    Ok(())
}

async fn run_binary(
    args: &[&str],
    env: &[(&'static str, String)],
) -> anyhow::Result<std::process::Output> {
    let dir = tempfile::tempdir()?;
    let mut command = tokio::process::Command::new(binary_path("queuecall"));
    for (key, _) in std::env::vars() {
        if key.starts_with("QUEUECALL_") {
            command.env_remove(key);
        }
    }
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("QUEUECALL_GRPC__PORT", "0")
        .env("QUEUECALL_HTTP__PORT", "0")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .context("queuecall did not exit in time")?
        .context("run target/debug/queuecall")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hall_apply_through_the_binary_changes_the_layout_of_a_running_app() -> anyhow::Result<()> {
    let database = fresh_postgres().await?;
    let app = spawn_app_configured(
        AppOptions {
            records: Some(database.settings()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        extra(None),
    )
    .await;
    // The test hall with one more service.
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("hall.yaml");
    let text = std::fs::read_to_string(hall_file())?.replacen(
        "      - id: tax\n",
        "      - id: passports\n        name: 出入境\n        prefix: G\n        daily_limit: 9\n        avg_service_seconds: 60\n      - id: tax\n",
        1,
    );
    std::fs::write(&file, text)?;
    let path = file.to_string_lossy().into_owned();
    let output = run_binary(&["hall", "apply", &path], &database.env()).await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("hall applied layout_version=2 branches=3"),
        "{stdout}"
    );
    until_known(&app, "passports", true).await?;
    assert_eq!(app.take("passports").await?.number, "G001");

    // `hall show` prints the stored layout as a hall file that reads back the same.
    let output = run_binary(&["hall", "show"], &database.env()).await?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = String::from_utf8(output.stdout)?;
    assert!(shown.starts_with("# layout_version 2\n"), "{shown}");
    let read_back = queuecall::hall::file::parse(&shown, queuecall::hall::file::HallFormat::Yaml)?;
    let applied = queuecall::hall::file::load(&file)?;
    assert_eq!(read_back.branches, applied.branches);

    // A bad file changes nothing and says where it is wrong.
    std::fs::write(
        &file,
        "branches:\n  - id: x\n    name: X\n    level: county\n",
    )?;
    let output = run_binary(&["hall", "apply", &path], &database.env()).await?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 4"), "{stderr}");
    let db = database.connect().await?;
    assert_eq!(queuecall::records::layout::layout_version(&db).await?, 2);
    db.close().await;
    Ok(())
}

/// A SQLite records file that outlives the apps started on it.
fn records_at(dir: &tempfile::TempDir) -> RecordsSettings {
    RecordsSettings::Sqlite {
        path: dir.path().join("records.sqlite"),
    }
}

async fn start(records: &RecordsSettings, hall: &Path) -> TestApp {
    spawn_app_configured(
        AppOptions {
            records: Some(records.clone()),
            ..AppOptions::new(StoreKind::Embedded)
        },
        extra(Some(hall)),
    )
    .await
}

#[tokio::test]
async fn a_restart_keeps_admin_changes_unless_the_configured_hall_file_changed()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let records = records_at(&dir);
    let hall = dir.path().join("hall.yaml");
    std::fs::copy(hall_file(), &hall)?;

    let first = start(&records, &hall).await;
    put_service(&first, "passports", "G").await?;
    drop(first);
    // Same hall file: the admin change survives the restart.
    let second = start(&records, &hall).await;
    assert!(
        service_ids(&second)
            .await?
            .contains(&"passports".to_owned())
    );
    drop(second);

    // The file changed: it is applied, replacing the layout (and the admin change).
    let text = std::fs::read_to_string(&hall)?.replacen(
        "测试区政务服务中心",
        "测试区政务服务中心（新）",
        1,
    );
    std::fs::write(&hall, text)?;
    let third = start(&records, &hall).await;
    assert_eq!(third.branch(BRANCH).await?.name, "测试区政务服务中心（新）");
    assert!(!service_ids(&third).await?.contains(&"passports".to_owned()));
    put_service(&third, "visas", "V").await?;
    drop(third);
    // Unchanged since it was applied: the new admin change stays too.
    let fourth = start(&records, &hall).await;
    assert!(service_ids(&fourth).await?.contains(&"visas".to_owned()));
    Ok(())
}

#[tokio::test]
async fn the_embedded_tier_generates_one_id_hash_key_and_keeps_it() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let records = records_at(&dir);
    let read_key = || async {
        let db = Db::connect(&records).await?;
        let key = settings_table::get(&db, "id_hash_key").await?;
        db.close().await;
        anyhow::Ok(key)
    };
    let first = spawn_app_with(AppOptions {
        records: Some(records.clone()),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let key = read_key().await?.context("a key was generated")?;
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    drop(first);
    let _second = spawn_app_with(AppOptions {
        records: Some(records.clone()),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    assert_eq!(read_key().await?, Some(key));
    // Another records file gets another key.
    let other = tempfile::tempdir()?;
    let _third = spawn_app_with(AppOptions {
        records: Some(records_at(&other)),
        ..AppOptions::new(StoreKind::Embedded)
    })
    .await;
    let db = Db::connect(&records_at(&other)).await?;
    let other_key = settings_table::get(&db, "id_hash_key").await?;
    db.close().await;
    assert!(other_key.is_some() && other_key != read_key().await?);
    Ok(())
}

#[tokio::test]
async fn postgres_without_an_id_hash_key_refuses_to_start_naming_the_setting() -> anyhow::Result<()>
{
    let database = fresh_postgres().await?;
    let TestDatabase::Postgres { url, .. } = &database else {
        anyhow::bail!("fresh_postgres gave SQLite");
    };
    let env = [
        ("QUEUECALL_RECORDS__KIND", "postgres".to_owned()),
        ("QUEUECALL_RECORDS__URL", url.clone()),
    ];
    let output = run_binary(&[], &env).await?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("records.id_hash_key"), "{stderr}");
    assert!(
        stderr.contains("QUEUECALL_RECORDS__ID_HASH_KEY"),
        "{stderr}"
    );
    // With the key it starts (GetLayout answers), and the key never shows in its output.
    let mut env = env.to_vec();
    env.push(("QUEUECALL_RECORDS__ID_HASH_KEY", "k".repeat(40)));
    let dir = tempfile::tempdir()?;
    let mut process =
        queuecall_tests::ServiceProcess::start(dir.path(), "queuecall.log", &env).await?;
    let mut admin = AdminServiceClient::new(queuecall_tests::admin_channel(&process.url()).await?);
    let layout = admin
        .get_layout(GetLayoutRequest::default())
        .await?
        .into_inner();
    assert_eq!(
        layout.branches.len(),
        2,
        "the demo hall seeds an empty database"
    );
    process.terminate().await?;
    process.wait(Duration::from_secs(20)).await?;
    let log = process.log();
    assert!(
        log.contains("id_hash_key"),
        "the settings are logged: {log}"
    );
    assert!(!log.contains(&"k".repeat(40)), "the key was logged: {log}");
    Ok(())
}
