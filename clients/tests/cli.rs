//! The built `queuecallctl` against a scripted fake service: what it prints, where, and its
//! exit status.

#![allow(clippy::unwrap_used)]

mod ctl;
mod fake;

use ctl::{Run, ctl};
use fake::Fake;

#[tokio::test]
async fn take_prints_number_id_people_ahead_and_wait() {
    let (addr, fake) = Fake::spawn().await;
    let run = ctl(
        addr,
        &[
            "take",
            "social-security",
            "--phone",
            "13812341234",
            "--priority",
            "green-channel",
            "--channel",
            "kiosk",
        ],
    )
    .await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
A001 waiting for social-security
  id: district-centre.20261127.A001
  state: waiting
  service: social-security
  day: 2026-11-27
  priority: green-channel
  channel: kiosk
  people ahead: 2
  estimated wait: 10 min
  phone: 138****1234
"
    );
    assert!(!run.stdout.contains("13812341234"));
    assert!(
        fake.last_request()
            .contains(r#"branch_id: "district-centre""#)
    );
}

#[tokio::test]
async fn window_commands_print_the_ticket_or_window() {
    let (addr, _fake) = Fake::spawn().await;
    let first_line = |run: &Run| run.stdout.lines().next().unwrap_or_default().to_owned();
    let cases: [(&[&str], &str); 11] = [
        (&["window", "5", "next"], "A001 called to window 5"),
        (&["window", "9", "next"], "nothing waiting for window 9"),
        (
            &["window", "5", "recall"],
            "A001 called to window 5 (recall 1)",
        ),
        (&["window", "5", "start"], "A001 being served at window 5"),
        (&["window", "5", "done"], "A001 done at window 5"),
        (&["window", "5", "no-show"], "A001 no-show at window 5"),
        (
            &["window", "5", "requeue", "A001"],
            "A001 waiting for social-security",
        ),
        (
            &["window", "5", "transfer", "tax", "--front"],
            "A001 waiting for tax",
        ),
        (&["window", "5", "call", "A007"], "A007 called to window 5"),
        (
            &["window", "5", "pause", "--reason", "lunch"],
            "window 5 (综合窗口) paused: lunch",
        ),
        (&["window", "5", "close"], "window 5 (综合窗口) closed"),
    ];
    for (args, expected) in cases {
        let run = ctl(addr, args).await;
        assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
        assert_eq!(first_line(&run), expected, "{args:?}");
    }
    let run = ctl(addr, &["window", "5", "open"]).await;
    assert_eq!(run.stdout, "window 5 (综合窗口) open\n");
}

#[tokio::test]
async fn bare_numbers_are_tickets_of_the_branch() {
    let (addr, fake) = Fake::spawn().await;
    let run = ctl(addr, &["--branch", "town-1", "ticket", "A023"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\n  id: town-1.A023\n"),
        "{}",
        run.stdout
    );
    let run = ctl(addr, &["cancel", "district-centre.20261127.A023"]).await;
    assert!(run.stdout.starts_with("A023 cancelled\n"), "{}", run.stdout);
    assert_eq!(
        fake.last_request(),
        r#"CancelTicketRequest { ticket_id: "district-centre.20261127.A023" }"#
    );
}

#[tokio::test]
async fn queue_prints_services_and_windows() {
    let (addr, _fake) = Fake::spawn().await;
    let run = ctl(addr, &["queue"]).await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
branch district-centre (武进区政务服务中心), service day 2026-11-27, Asia/Shanghai

SERVICE          PREFIX  WAITING  EST. WAIT  ISSUED  NAME
social-security  A       2        10 min     3/300   social-security
  waiting: A002 A003
tax              B       0        0 min      3/300   tax
  waiting: -

WINDOW  STATE   CURRENT       SERVICES             NAME
1       open    A001 serving  social-security,tax  综合窗口
2       paused  -             social-security,tax  综合窗口 (lunch)
"
    );
    let run = ctl(addr, &["queue", "tax"]).await;
    assert!(!run.stdout.contains("A002"), "{}", run.stdout);
    let run = ctl(addr, &["queue", "nope"]).await;
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.starts_with("error: not_found: service 'nope'"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn errors_go_to_stderr_with_their_code_and_exit_status() {
    let (addr, _fake) = Fake::spawn().await;
    let run = ctl(addr, &["ticket", "A404"]).await;
    assert_eq!((run.status, run.stdout.as_str()), (2, ""));
    assert_eq!(
        run.stderr,
        "error: not_found: ticket district-centre.A404 not found\n"
    );

    let run = ctl(addr, &["window", "4", "next"]).await;
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: failed_precondition: window 4 is paused\n"
    );

    let run = ctl(addr, &["take", "full"]).await;
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.starts_with("error: resource_exhausted: "),
        "{}",
        run.stderr
    );

    let run = ctl(addr, &["window", "0", "next"]).await;
    assert_eq!(run.status, 2, "a malformed command line");
}

#[tokio::test]
async fn an_unreachable_service_exits_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let run = ctl(addr, &["queue"]).await;
    assert_eq!(run.status, 3);
    assert!(
        run.stderr
            .starts_with("error: connect: cannot reach http://"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn help_documents_commands_and_output() {
    let (addr, _fake) = Fake::spawn().await;
    let run = ctl(addr, &["--help"]).await;
    assert_eq!(run.status, 0);
    for needle in [
        "take",
        "window",
        "queue",
        "Exit status",
        "nothing waiting for window",
    ] {
        assert!(run.stdout.contains(needle), "--help lacks {needle}");
    }
}
