//! The hall display web page in a real headless Chromium (Debian's `chromium`), fed by the
//! service's server-sent events: calls made over gRPC appear on the page and are queued for
//! speech in order, also across a network blip; and screenshots for a person to look at
//! (target/screenshots/display.png and display-busy.png).

#[allow(dead_code)]
mod web;

use std::path::PathBuf;
use std::time::Duration;

use queuecall::display::announce::announce;
use queuecall::domain::{TicketNumber, WindowNo};
use queuecall_tests::browser::Browser;
use queuecall_tests::*;
use web::relay::Network;

const WAIT: Duration = Duration::from_secs(20);

fn page_url(app: &TestApp, branch: &str) -> String {
    // The page passes its token on to its event stream.
    format!(
        "http://{}{}",
        app.http_addr,
        with_admin_token(&format!("/display/{branch}"))
    )
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
    let logged = browser.console();
    assert!(
        !logged.iter().any(|line| line.starts_with("exception")),
        "the page threw: {logged:?}"
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
        &format!(
            "http://{}{}",
            network.addr,
            with_admin_token(&format!("/display/{BRANCH}"))
        ),
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
