//! The binary: the embedded demo (SQLite records, no token configured) makes one token per
//! role, keeps them in its records file and prints them at every start, and they work; with
//! PostgreSQL records and no token it refuses to start, naming `auth.tokens`; a token for a
//! window the hall does not have is named at start-up.

use std::collections::BTreeMap;
use std::path::Path;

use queuecall_tests::v1::queue_service_client::QueueServiceClient;
use queuecall_tests::v1::{GetBranchRequest, OpenWindowRequest};
use queuecall_tests::*;

/// The embedded store and records in `dir`, the test hall, access control on and no token
/// configured (`QUEUECALL_AUTH__ENABLED` keeps the harness from adding its admin token).
fn demo_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("QUEUECALL_STORE__KIND", "embedded".into()),
        (
            "QUEUECALL_STORE__PATH",
            dir.join("queuecall.sqlite").display().to_string(),
        ),
        ("QUEUECALL_RECORDS__KIND", "sqlite".into()),
        (
            "QUEUECALL_RECORDS__PATH",
            dir.join("records.sqlite").display().to_string(),
        ),
        ("QUEUECALL_GRPC__PORT", "0".into()),
        ("QUEUECALL_HALL_FILE", hall_file().display().to_string()),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".into()),
        ("QUEUECALL_AUTH__ENABLED", "true".into()),
    ]
}

/// `name → (the whole line, token)` of the `queuecall demo token …` lines.
fn demo_tokens(printed: &[String]) -> BTreeMap<String, (String, String)> {
    printed
        .iter()
        .filter_map(|line| line.strip_prefix("queuecall demo token "))
        .filter_map(|rest| {
            let field = |key: &str| {
                rest.split_whitespace()
                    .find_map(|word| word.strip_prefix(key))
                    .map(str::to_owned)
            };
            Some((field("name=")?, (rest.to_owned(), field("token=")?)))
        })
        .collect()
}

async fn client(
    service: &ServiceProcess,
    token: &str,
) -> anyhow::Result<QueueServiceClient<Connection>> {
    let channel = tonic::transport::Endpoint::from_shared(service.url())?
        .connect()
        .await?;
    Ok(QueueServiceClient::new(with_bearer(
        channel,
        Bearer::new(token),
    )))
}

#[tokio::test]
async fn the_demo_prints_its_tokens_at_every_start_and_they_work() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let env = demo_env(dir.path());
    let first = ServiceProcess::start(dir.path(), "first.log", &env).await?;
    let tokens = demo_tokens(first.printed());
    let terminal = format!("terminal-{BRANCH}-{WINDOW_SOCIAL}");
    for name in [
        "admin",
        "booking",
        &format!("kiosk-{BRANCH}"),
        &format!("display-{VILLAGE}"),
        &terminal,
    ] {
        assert!(tokens.contains_key(name), "{name} in {:?}", first.printed());
    }
    let (line, _) = &tokens[&terminal];
    assert!(
        line.contains(&format!(
            "role=terminal branch={BRANCH} window={WINDOW_SOCIAL} "
        )),
        "{line}"
    );
    assert!(
        !first.log().contains(&tokens["admin"].1),
        "tokens never go to the log"
    );

    let open = |window| OpenWindowRequest {
        branch_id: BRANCH.to_owned(),
        window,
    };
    let mut at_window = client(&first, &tokens[&terminal].1).await?;
    at_window.open_window(open(WINDOW_SOCIAL)).await?;
    let elsewhere = at_window.open_window(open(WINDOW_TAX)).await;
    assert_status(elsewhere, Code::PermissionDenied, &["window 5"]);
    let mut admin = client(&first, &tokens["admin"].1).await?;
    let branch = GetBranchRequest {
        branch_id: VILLAGE.to_owned(),
    };
    admin.get_branch(branch.clone()).await?;
    let mut nobody = client(&first, "not-a-demo-token").await?;
    assert_status(nobody.get_branch(branch).await, Code::Unauthenticated, &[]);
    drop(first);

    let second = ServiceProcess::start(dir.path(), "second.log", &env).await?;
    assert_eq!(
        demo_tokens(second.printed()),
        tokens,
        "the same tokens, printed again"
    );
    Ok(())
}

#[tokio::test]
async fn postgres_records_without_tokens_refuse_to_start_naming_auth_tokens() -> anyhow::Result<()>
{
    let database = fresh_postgres().await?;
    let dir = tempfile::tempdir()?;
    let mut env = demo_env(dir.path());
    env.retain(|(key, _)| !key.starts_with("QUEUECALL_RECORDS__"));
    env.extend(database.env());
    let refused = ServiceProcess::start(dir.path(), "refused.log", &env).await;
    let err = format!("{:#}", refused.err().expect("no tokens: no start"));
    assert!(err.contains("auth.tokens is empty"), "{err}");

    env.push(("QUEUECALL_AUTH__ENABLED", "false".into()));
    let open = ServiceProcess::start(dir.path(), "open.log", &env).await?;
    let mut anyone = client(&open, "whatever").await?;
    anyone
        .get_branch(GetBranchRequest {
            branch_id: BRANCH.to_owned(),
        })
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_token_for_a_window_the_hall_lacks_is_named_at_start() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut env = demo_env(dir.path());
    env.retain(|(key, _)| *key != "QUEUECALL_AUTH__ENABLED");
    let entry = format!(
        "[{{name=\"t\",role=\"terminal\",branch=\"{BRANCH}\",window=99,sha256=\"{}\"}}]",
        token_sha256("t")
    );
    env.push(("QUEUECALL_AUTH__TOKENS", entry));
    let refused = ServiceProcess::start(dir.path(), "refused.log", &env).await;
    let err = format!("{:#}", refused.err().expect("a bad window: no start"));
    assert!(
        err.contains(&format!(
            "auth.tokens[0].window: branch '{BRANCH}' has no window 99"
        )),
        "{err}"
    );
    Ok(())
}
