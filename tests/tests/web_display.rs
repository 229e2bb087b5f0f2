//! The hall display web page in a real headless Chromium (Debian's `chromium`), fed by the
//! service's server-sent events: calls made over gRPC appear on the page and are queued for
//! speech in order; and a screenshot of a busy board for a person to look at
//! (target/screenshots/display.png). Also the HTTP routes themselves: `/healthz`, 404 for an
//! unknown branch, resuming the event stream from `Last-Event-ID` or `?after=`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use queuecall::display::announce::announce;
use queuecall::domain::{TicketNumber, WindowNo};
use queuecall_tests::browser::Browser;
use queuecall_tests::*;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const WAIT: Duration = Duration::from_secs(20);

fn page_url(app: &TestApp, branch: &str) -> String {
    format!("http://{}/display/{branch}", app.http_addr)
}

/// What the page speaks for a call: the Chinese speech line, then the English one.
fn spoken_for(number: &str, window: u32, recall: u32) -> Vec<String> {
    let number = TicketNumber::parse("number", number).expect("a ticket number");
    let window = WindowNo::parse("window", window).expect("a window number");
    let said = announce(&number, window, recall, true);
    vec![said.speech, said.english]
}

async fn open_board(browser: &Browser, url: &str) -> anyhow::Result<()> {
    browser.open(url).await?;
    browser
        .wait_for(
            "window.__queuecall.connected && window.__queuecall.board !== null",
            WAIT,
        )
        .await?;
    Ok(())
}

async fn text_of(browser: &Browser, id: &str) -> anyhow::Result<String> {
    let value = browser
        .eval(&format!("document.getElementById('{id}').textContent"))
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

async fn spoken(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let value = browser.eval("window.__queuecall.spoken").await?;
    Ok(serde_json::from_value(value)?)
}

#[tokio::test]
async fn the_page_shows_and_speaks_each_call_in_order() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    for window in [WINDOW_STRICT, WINDOW_SOCIAL, WINDOW_TAX] {
        app.open(window).await?;
    }
    let browser = Browser::launch().await?;
    open_board(&browser, &page_url(&app, BRANCH)).await?;
    assert!(spoken(&browser).await?.is_empty(), "nothing to say yet");

    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.take(TAX).await?;
    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A001");
    browser
        .wait_for(
            "document.getElementById('now-number').textContent === 'A001'",
            WAIT,
        )
        .await?;
    assert_eq!(text_of(&browser, "now-window-no").await?, "4");
    assert_eq!(app.call(WINDOW_STRICT).await?.number, "A002");
    assert_eq!(app.call(WINDOW_TAX).await?.number, "B001");
    app.recall(WINDOW_SOCIAL).await?;

    browser
        .wait_for("window.__queuecall.spoken.length >= 8", WAIT)
        .await?;
    assert_eq!(
        text_of(&browser, "now-number").await?,
        "A001",
        "the recall is the latest call"
    );
    assert_eq!(text_of(&browser, "now-window-no").await?, "4");
    let recent = text_of(&browser, "recent").await?;
    assert!(
        recent.contains("B001") && recent.contains("A002"),
        "previous calls: {recent}"
    );
    let windows = text_of(&browser, "windows").await?;
    for number in ["A001", "A002", "B001"] {
        assert!(
            windows.contains(number),
            "{number} in the windows panel: {windows}"
        );
    }
    let expected: Vec<String> = [
        spoken_for("A001", WINDOW_SOCIAL, 0),
        spoken_for("A002", WINDOW_STRICT, 0),
        spoken_for("B001", WINDOW_TAX, 0),
        spoken_for("A001", WINDOW_SOCIAL, 1),
    ]
    .concat();
    assert_eq!(spoken(&browser).await?, expected);
    assert_eq!(expected[0], "请 A 零 零 一 号，到 四 号窗口办理");

    // A screen that starts now shows the board but says nothing of what is already on it.
    open_board(&browser, &page_url(&app, BRANCH)).await?;
    assert_eq!(text_of(&browser, "now-number").await?, "A001");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        spoken(&browser).await?.is_empty(),
        "the snapshot is not spoken"
    );
    Ok(())
}

#[tokio::test]
async fn the_page_catches_up_on_calls_made_while_its_network_was_down() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    app.open(WINDOW_SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    let network = Network::start(app.http_addr).await?;
    let browser = Browser::launch().await?;
    open_board(
        &browser,
        &format!("http://{}/display/{BRANCH}", network.addr),
    )
    .await?;
    let before = browser.eval("window.__queuecall.lastEventId").await?;

    network.down();
    browser
        .wait_for("!window.__queuecall.connected", WAIT)
        .await?;
    assert_eq!(app.call(WINDOW_SOCIAL).await?.number, "A001");
    app.recall(WINDOW_SOCIAL).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        text_of(&browser, "now-number").await?,
        "—",
        "nothing reached the page yet"
    );
    network.up();

    browser
        .wait_for("window.__queuecall.connected", WAIT)
        .await?;
    browser
        .wait_for(
            "document.getElementById('now-number').textContent === 'A001'",
            WAIT,
        )
        .await?;
    browser
        .wait_for("window.__queuecall.spoken.length >= 4", WAIT)
        .await?;
    let expected = [
        spoken_for("A001", WINDOW_SOCIAL, 0),
        spoken_for("A001", WINDOW_SOCIAL, 1),
    ];
    assert_eq!(
        spoken(&browser).await?,
        expected.concat(),
        "both missed calls, in order"
    );
    let after = browser.eval("window.__queuecall.lastEventId").await?;
    assert!(after.as_u64() > before.as_u64(), "{before} then {after}");
    Ok(())
}

/// A TCP relay in front of the HTTP listener whose "network" can go down (every connection
/// cut, new ones closed at once) and come back, on the same address.
struct Network {
    addr: SocketAddr,
    /// (up, epoch): a connection ends when the epoch moves on.
    state: Arc<watch::Sender<(bool, u64)>>,
    relay: tokio::task::JoinHandle<()>,
}

impl Network {
    async fn start(target: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(watch::channel((true, 0u64)).0);
        let relay_state = Arc::clone(&state);
        let relay = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (up, epoch) = *relay_state.borrow();
                if !up {
                    continue; // dropped: the browser sees the connection fail
                }
                let mut cut = relay_state.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|(_, now)| *now != epoch) => {}
                    }
                });
            }
        });
        Ok(Self { addr, state, relay })
    }

    fn down(&self) {
        self.state.send_modify(|(up, epoch)| {
            *up = false;
            *epoch += 1;
        });
    }

    fn up(&self) {
        self.state.send_modify(|(up, _)| *up = true);
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        self.relay.abort();
        self.down();
    }
}

#[tokio::test]
async fn a_screenshot_of_a_busy_board_for_people_to_look_at() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    for window in BRANCH_WINDOWS {
        app.open(window).await?;
    }
    for service in [
        SOCIAL, SOCIAL, TAX, SOCIAL, HOUSING, TAX, SOCIAL, SOCIAL, TAX, HOUSING,
    ] {
        app.take(service).await?;
    }
    for service in [
        SOCIAL, SOCIAL, TAX, SOCIAL, TAX, SOCIAL, SOCIAL, TAX, SOCIAL,
    ] {
        app.take(service).await?;
    }
    app.serve_next(WINDOW_STRICT).await?;
    app.call(WINDOW_RATIO).await?;
    app.call(WINDOW_TAX).await?;
    app.start(WINDOW_TAX).await?;
    app.complete(WINDOW_TAX).await?;
    app.call(WINDOW_TAX).await?;
    app.call(WINDOW_OLDEST).await?;
    app.pause(WINDOW_PERMITS, "午休").await?;
    app.call(WINDOW_SOCIAL).await?;

    let browser = Browser::launch().await?;
    open_board(&browser, &page_url(&app, BRANCH)).await?;
    app.recall(WINDOW_SOCIAL).await?;
    browser
        .wait_for("window.__queuecall.spoken.length >= 2", WAIT)
        .await?;
    tokio::time::sleep(Duration::from_millis(400)).await;

    let path = screenshot_path();
    let _ = std::fs::remove_file(&path);
    browser.screenshot(&path).await?;
    let png = std::fs::read(&path)?;
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is a PNG",
        path.display()
    );
    assert!(
        png.len() > 20_000,
        "a real picture, not a blank one: {} bytes",
        png.len()
    );
    println!("screenshot: {}", path.display());

    // The 24 windows of the busy branch, all closed: the dense layout.
    open_board(&browser, &page_url(&app, BUSY_BRANCH)).await?;
    let busy = path.with_file_name("display-busy.png");
    browser.screenshot(&busy).await?;
    assert!(std::fs::read(&busy)?.starts_with(b"\x89PNG"));
    Ok(())
}

fn screenshot_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("screenshots/display.png")
}

// ---- the HTTP routes, without a browser ----

/// A GET on a fresh connection; reads until `enough` says the text so far suffices, the
/// server closes, or 5 s pass. Returns the status code and the whole text read.
async fn get(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    enough: impl Fn(&str) -> bool,
) -> anyhow::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut read = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read.extend_from_slice(&buf[..n]),
            }
            if enough(&String::from_utf8_lossy(&read)) {
                break;
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&read).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok((status, text))
}

fn sse_data(text: &str, id: u64) -> Option<Value> {
    let start = text.find(&format!("id: {id}\n"))?;
    let data = text[start..]
        .lines()
        .find_map(|l| l.strip_prefix("data: "))?;
    serde_json::from_str(data).ok()
}

#[tokio::test]
async fn health_page_and_unknown_branches_over_plain_http() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let (status, text) = get(app.http_addr, "/healthz", &[], |_| false).await?;
    assert_eq!(status, 200, "{text}");
    assert!(text.ends_with("ok\n"), "{text}");

    let (status, text) = get(app.http_addr, "/display/test-centre", &[], |_| false).await?;
    assert_eq!(status, 200);
    assert!(text.contains("text/html") && text.contains("测试区政务服务中心"));

    for path in [
        "/display/nowhere",
        "/display/nowhere/events",
        "/display/bad%20id/events",
    ] {
        let (status, text) = get(app.http_addr, path, &[], |_| false).await?;
        assert_eq!(status, 404, "{path}: {text}");
    }
    let (status, _) = get(
        app.http_addr,
        "/display/test-centre/events?after=x",
        &[],
        |_| false,
    )
    .await?;
    assert_eq!(status, 400);
    Ok(())
}

#[tokio::test]
async fn the_event_stream_resumes_after_last_event_id_or_the_after_query() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    app.open(WINDOW_SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.call(WINDOW_SOCIAL).await?;
    let events = "/display/test-centre/events";

    let (status, text) = get(app.http_addr, events, &[], |t| {
        t.contains("event: snapshot")
    })
    .await?;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("text/event-stream"), "{text}");
    assert!(text.contains("retry: "), "{text}");
    let start = text.find("event: snapshot").expect("a snapshot");
    let id_line = text[..start].lines().last().unwrap_or_default();
    let last: u64 = id_line.trim_start_matches("id: ").parse()?;
    assert!(last >= 3, "open, two takes and a call happened: {text}");

    app.recall(WINDOW_SOCIAL).await?;
    let new_id = last + 1;
    for (path, headers) in [
        (events.to_owned(), vec![("Last-Event-ID", last.to_string())]),
        (format!("{events}?after={last}"), vec![]),
        (
            format!("{events}?after=0"),
            vec![("Last-Event-ID", last.to_string())],
        ),
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let marker = format!("id: {new_id}\n");
        let (status, text) = get(app.http_addr, &path, &headers, |t| t.contains(&marker)).await?;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(
            !text.contains("event: snapshot"),
            "{path} resumes without a snapshot: {text}"
        );
        let event = sse_data(&text, new_id).expect("the recall event");
        assert_eq!(event["kind"], "called", "{event}");
        assert_eq!(event["call"]["recall_count"], 1, "{event}");
    }
    Ok(())
}
