//! A headless Chromium (Debian's `chromium` package) driven over the DevTools protocol on a
//! plain websocket: launch, open a page, evaluate JavaScript, wait for a condition, take a
//! screenshot. Just what the display page's tests need; the browser and its profile
//! directory go away when the [`Browser`] is dropped.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// Where Debian installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>>;

/// A running headless Chromium with one page of 1920×1080 open.
pub struct Browser {
    child: Child,
    commands: mpsc::UnboundedSender<Message>,
    pending: Pending,
    next_id: AtomicU64,
    session: String,
    /// What the page logged (console messages and uncaught exceptions), for failure messages.
    console: Arc<Mutex<Vec<String>>>,
    _profile: TempDir,
}

impl Browser {
    /// Starts Chromium headless with a fresh profile and opens a blank 1920×1080 page.
    /// Fails with the install command when Chromium is missing.
    pub async fn launch() -> anyhow::Result<Self> {
        if !Path::new(CHROMIUM).exists() {
            bail!("{CHROMIUM} is missing: apt-get install chromium");
        }
        let profile = tempfile::tempdir().context("create a Chromium profile directory")?;
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--mute-audio",
                "--autoplay-policy=no-user-gesture-required",
                "--lang=zh-CN",
                "--window-size=1920,1080",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .env("TZ", "Asia/Shanghai")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("start {CHROMIUM}"))?;
        let stderr = child.stderr.take().context("Chromium's stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let endpoint = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return anyhow::Ok(Some(url.trim().to_owned()));
                }
                seen.push(line);
            }
            anyhow::Ok(None)
        })
        .await;
        let endpoint = match endpoint {
            Ok(Ok(Some(url))) => url,
            other => bail!(
                "Chromium did not print its DevTools address ({other:?}); its stderr:\n{}",
                seen.join("\n")
            ),
        };
        // Keep reading stderr so Chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str())
            .await
            .with_context(|| format!("connect to Chromium's DevTools at {endpoint}"))?;
        let (mut sink, mut source) = socket.split();
        let (commands, mut outbox) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = outbox.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let pending: Pending = Arc::default();
        let console = Arc::new(Mutex::new(Vec::new()));
        let (reader_pending, reader_console) = (Arc::clone(&pending), Arc::clone(&console));
        tokio::spawn(async move {
            while let Some(Ok(message)) = source.next().await {
                if let Message::Text(text) = message {
                    dispatch(text.as_str(), &reader_pending, &reader_console);
                }
            }
            // The browser went away: fail whatever still waits.
            reader_pending.lock().expect("pending lock").clear();
        });

        let mut browser = Self {
            child,
            commands,
            pending,
            next_id: AtomicU64::new(1),
            session: String::new(),
            console,
            _profile: profile,
        };
        let target = browser
            .call_browser("Target.createTarget", json!({ "url": "about:blank" }))
            .await?;
        let target_id = target["targetId"]
            .as_str()
            .context("a target id")?
            .to_owned();
        let attached = browser
            .call_browser(
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
            )
            .await?;
        browser.session = attached["sessionId"]
            .as_str()
            .context("a session id")?
            .to_owned();
        browser.call("Page.enable", json!({})).await?;
        browser.call("Runtime.enable", json!({})).await?;
        browser
            .call(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await?;
        Ok(browser)
    }

    /// Opens `url` and waits until its document has loaded.
    pub async fn open(&self, url: &str) -> anyhow::Result<()> {
        let answer = self.call("Page.navigate", json!({ "url": url })).await?;
        if let Some(error) = answer.get("errorText").and_then(Value::as_str) {
            bail!("cannot open {url}: {error}");
        }
        self.wait_for(
            "document.readyState === 'complete'",
            Duration::from_secs(20),
        )
        .await?;
        Ok(())
    }

    /// The value of a JavaScript expression in the page (promises are awaited).
    pub async fn eval(&self, expression: &str) -> anyhow::Result<Value> {
        let answer = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await?;
        if let Some(details) = answer.get("exceptionDetails") {
            bail!("`{expression}` threw: {details}");
        }
        Ok(answer["result"]
            .get("value")
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Polls `expression` until it is truthy and returns its value; fails after `limit` with
    /// the last value and what the page logged.
    pub async fn wait_for(&self, expression: &str, limit: Duration) -> anyhow::Result<Value> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let value = self.eval(expression).await?;
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
                Value::String(s) => !s.is_empty(),
                Value::Array(_) | Value::Object(_) => true,
            };
            if truthy {
                return Ok(value);
            }
            if tokio::time::Instant::now() >= deadline {
                bail!(
                    "`{expression}` was still {value} after {limit:?}; the page logged:\n{}",
                    self.console().join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A PNG of the viewport, written to `path` (its directory is created).
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let answer = self
            .call(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": false }),
            )
            .await?;
        let data = answer["data"].as_str().context("screenshot data")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .context("decode the screenshot")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        }
        std::fs::write(path, png).with_context(|| format!("write {}", path.display()))
    }

    /// Console messages and exceptions of the page so far.
    pub fn console(&self) -> Vec<String> {
        self.console.lock().expect("console lock").clone()
    }

    /// A command to the page's session.
    pub async fn call(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.send(method, params, Some(&self.session)).await
    }

    async fn call_browser(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.send(method, params, None).await
    }

    async fn send(
        &self,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> anyhow::Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("pending lock").insert(id, tx);
        self.commands
            .send(Message::text(message.to_string()))
            .context("Chromium's DevTools connection is closed")?;
        let answer = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .with_context(|| format!("{method} got no answer in 30 s"))?
            .with_context(|| format!("Chromium went away during {method}"))?;
        answer.map_err(|error| anyhow::anyhow!("{method} failed: {error}"))
    }
}

/// Routes one DevTools message: an answer to its waiting command, a console line to the log.
fn dispatch(text: &str, pending: &Pending, console: &Mutex<Vec<String>>) {
    let Ok(message) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        let waiter = pending.lock().expect("pending lock").remove(&id);
        if let Some(waiter) = waiter {
            let answer = match message.get("error") {
                Some(error) => Err(error.to_string()),
                None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
            };
            let _ = waiter.send(answer);
        }
        return;
    }
    let params = &message["params"];
    let line = match message.get("method").and_then(Value::as_str) {
        Some("Runtime.consoleAPICalled") => {
            let args: Vec<String> = params["args"]
                .as_array()
                .map(|args| {
                    args.iter()
                        .map(|a| {
                            a.get("value")
                                .map_or_else(|| a.to_string(), Value::to_string)
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("console.{}: {}", params["type"], args.join(" "))
        }
        Some("Runtime.exceptionThrown") => format!(
            "exception: {}",
            params["exceptionDetails"]["exception"]["description"]
        ),
        _ => return,
    };
    console.lock().expect("console lock").push(line);
}

impl Drop for Browser {
    /// Kills the browser process; its renderers and helpers exit when they lose it. (Only
    /// this one process id: never a process group, which `kill -KILL -<pgid>` of procps 4.0.2
    /// can turn into "every process".)
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
