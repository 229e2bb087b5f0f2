//! `queuecallctl display` (line output, no TTY) against the real `queuecall` binary: shows
//! calls, and keeps running across a service restart, resuming where it left off.

use std::path::Path;
use std::time::Duration;

use queuecall_tests::*;

/// Long enough for a restart and the CLI's backoff (at most 2 s between attempts).
const LIMIT: Duration = Duration::from_secs(20);

fn embedded_env(dir: &Path, port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("QUEUECALL_STORE__KIND", "embedded".into()),
        (
            "QUEUECALL_STORE__PATH",
            dir.join("queuecall.sqlite").to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_GRPC__PORT", port.to_string()),
        (
            "QUEUECALL_HALL_FILE",
            hall_file().to_string_lossy().into_owned(),
        ),
        ("QUEUECALL_SHUTDOWN__DRAIN_SECONDS", "0".into()),
    ]
}

/// The id of an `event <id> …` line.
fn event_id(line: &str) -> Option<u64> {
    line.strip_prefix("event ")?.split(' ').next()?.parse().ok()
}

fn is(text: &'static str) -> impl Fn(Stream, &str) -> bool {
    move |_, line| line.trim() == text
}

fn event_ending(text: String) -> impl Fn(Stream, &str) -> bool {
    move |_, line| event_id(line).is_some() && line.ends_with(&text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queuecallctl_display_shows_calls_and_keeps_running_across_a_service_restart()
-> anyhow::Result<()> {
    // Arrange: the service with two tickets and an open window; the display following it.
    let dir = tempfile::tempdir()?;
    let first =
        ServiceProcess::start(dir.path(), "first.log", &embedded_env(dir.path(), 0)).await?;
    let port = first.addr.port();
    let api = Api::connect(&first.url()).await?;
    api.take(SOCIAL).await?;
    api.take(SOCIAL).await?;
    api.open(WINDOW_SOCIAL).await?;
    let mut display = CliProcess::start(&first.url(), &["display", BRANCH]);
    display
        .wait_for("`connected`", LIMIT, is("connected"))
        .await;
    let snapshot = display
        .wait_for("the snapshot", LIMIT, |_, l| l.starts_with("snapshot "))
        .await;
    assert_eq!(snapshot, "snapshot 3 initial", "{}", display.printed());

    // Act 1: a call.
    api.call(WINDOW_SOCIAL).await?;
    let called = display
        .wait_for(
            "the call of A001",
            LIMIT,
            event_ending("called A001 window 4 (recall 0)".into()),
        )
        .await;
    let called_id = event_id(&called).expect("an event line");

    // Act 2: the service is killed and started again on the same file and port; meanwhile
    // the display must say it is reconnecting, then connected.
    display
        .wait_for(
            "the queue line after the call",
            LIMIT,
            event_ending("queue social-security waiting 1".into()),
        )
        .await;
    first.kill().await?;
    display
        .wait_for("`reconnecting`", LIMIT, is("reconnecting"))
        .await;
    let second =
        ServiceProcess::start(dir.path(), "second.log", &embedded_env(dir.path(), port)).await?;
    let api = Api::connect(&second.url()).await?;
    display
        .wait_for("`connected` again", LIMIT, is("connected"))
        .await;
    api.no_show(WINDOW_SOCIAL).await?;
    api.call(WINDOW_SOCIAL).await?;

    // Assert: the call made after the restart, right after the no-show, nothing missed.
    let again = display
        .wait_for(
            "the call of A002 after the restart",
            LIMIT,
            event_ending("called A002 window 4 (recall 0)".into()),
        )
        .await;
    assert_eq!(
        event_id(&again),
        Some(called_id + 3),
        "{}",
        display.printed()
    );
    let ids: Vec<u64> = display
        .transcript
        .iter()
        .filter_map(|(_, line)| event_id(line))
        .collect();
    let expected: Vec<u64> = (ids[0]..ids[0] + ids.len() as u64).collect();
    assert_eq!(
        ids,
        expected,
        "event ids in order, no gap, no duplicate:\n{}",
        display.printed()
    );
    let after_restart = display
        .transcript
        .iter()
        .skip_while(|(_, line)| line != "reconnecting")
        .map(|(_, line)| line.as_str())
        .collect::<Vec<_>>();
    assert!(
        !after_restart.iter().any(|l| l.starts_with("snapshot ")),
        "resuming inside the retention needs no snapshot:\n{}",
        display.printed()
    );
    assert!(display.is_running(), "{}", display.printed());
    Ok(())
}
