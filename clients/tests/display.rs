//! `follow_branch` and `queuecallctl display|watch` against a scripted DisplayService whose
//! first stream breaks after event 13: the client reconnects, resumes after 13, and the
//! command prints one line per item and exits 0 on SIGINT.

#![allow(clippy::unwrap_used)]

mod fake;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use fake::display::FakeDisplay;
use futures::StreamExt;
use queuecall_client::{BoardItem, ClientError, FollowItem, follow_branch, format};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn follow_branch_reconnects_and_resumes_after_the_last_event() {
    let (addr, fake) = FakeDisplay::spawn().await;
    let items: Vec<FollowItem> = follow_branch(addr.to_string(), "district-centre")
        .map(Result::unwrap)
        .take(7)
        .collect()
        .await;
    let lines: Vec<String> = items.iter().map(format::follow_line).collect();
    assert_eq!(
        lines,
        [
            "connected",
            "snapshot 11 initial",
            "event 12 called A023 window 5 (recall 0)",
            "event 13 queue social-security waiting 3",
            "reconnecting",
            "connected",
            "event 14 window 5 paused: lunch",
        ]
    );
    assert_eq!(
        items[5],
        FollowItem::Connected {
            resume_after: Some(13)
        }
    );
    let FollowItem::Reconnecting { error, retry_in } = &items[4] else {
        panic!("not reconnecting: {:?}", items[4]);
    };
    assert_eq!(error, &ClientError::Unavailable("restarting".to_owned()));
    assert_eq!(*retry_in, Duration::from_millis(100));
    assert_eq!(fake.resumes(), [0, 13]);
}

#[tokio::test]
async fn follow_branch_ends_on_an_unknown_branch() {
    let (addr, _fake) = FakeDisplay::spawn().await;
    let items: Vec<_> = follow_branch(addr.to_string(), "nowhere").collect().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        matches!(items[0], Err(ClientError::NotFound(_))),
        "{items:?}"
    );
}

#[tokio::test]
async fn watch_branch_yields_items_then_the_break() {
    let (addr, _fake) = FakeDisplay::spawn().await;
    let mut client = queuecall_client::DisplayClient::connect(&addr.to_string())
        .await
        .unwrap();
    let items: Vec<_> = client
        .watch_branch("district-centre", None)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(matches!(&items[0], Ok(BoardItem::Snapshot(s)) if s.last_event_id == 11));
    assert_eq!(
        items[3],
        Err(ClientError::Unavailable("restarting".to_owned()))
    );
}

fn ctl(addr: SocketAddr, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_queuecallctl"))
        .env_remove("QUEUECALL_BRANCH")
        .args(["--server", &addr.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn display_prints_a_line_per_item_and_exits_0_on_ctrl_c() {
    let (addr, _fake) = FakeDisplay::spawn().await;
    let mut child = ctl(addr, &["display"]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("event 14 window 5 paused: lunch") {
        let line = tokio::time::timeout(LIMIT, lines.next_line()).await;
        match line {
            Ok(Ok(Some(line))) => seen.push(line),
            other => panic!("no more lines ({other:?}) after {seen:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "connected",
            "snapshot 11 initial",
            "event 12 called A023 window 5 (recall 0)",
            "event 13 queue social-security waiting 3",
            "reconnecting",
            "connected",
            "event 14 window 5 paused: lunch",
        ]
    );
    let pid = child.id().unwrap().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().await;
    assert!(sent.unwrap().success());
    let output = tokio::time::timeout(LIMIT, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("display: reconnecting in 0.1 s: unavailable: restarting"),
        "{stderr}"
    );
}

#[tokio::test]
async fn display_of_an_unknown_branch_fails_with_status_2() {
    let (addr, _fake) = FakeDisplay::spawn().await;
    let child = ctl(addr, &["display", "nowhere"]);
    let output = tokio::time::timeout(LIMIT, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr, "error: not_found: branch nowhere not found\n");
}

#[tokio::test]
async fn watch_prints_each_change_until_the_ticket_is_done() {
    let (addr, _fake) = FakeDisplay::spawn().await;
    let child = ctl(addr, &["watch", "A023"]);
    let output = tokio::time::timeout(LIMIT, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "\
A023 waiting for social-security, 2 ahead, about 10 min
A023 called to window 5
A023 done at window 5
"
    );
    let child = ctl(addr, &["watch", "A404"]);
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(2));
}
