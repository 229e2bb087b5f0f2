//! A long-running `queuecallctl` (such as `display`) whose output the test reads line by line
//! as it comes, from stdout and stderr together.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use crate::binary_path;

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A running `queuecallctl`; killed when dropped.
pub struct CliProcess {
    child: Child,
    lines: mpsc::UnboundedReceiver<(Stream, String)>,
    /// Every line read so far, for failure messages.
    pub transcript: Vec<(Stream, String)>,
}

fn forward(
    stream: Stream,
    from: impl AsyncRead + Unpin + Send + 'static,
    to: mpsc::UnboundedSender<(Stream, String)>,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(from).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if to.send((stream, line)).is_err() {
                return;
            }
        }
    });
}

impl CliProcess {
    /// Starts `queuecallctl --server <server> <args…>` with no TTY (pipes), no stdin, and no
    /// `QUEUECALL_*` variables of the test's environment but the test admin token
    /// (`QUEUECALL_TOKEN`).
    pub fn start(server: &str, args: &[&str]) -> Self {
        let mut command = Command::new(binary_path("queuecallctl"));
        for (key, _) in std::env::vars() {
            if key.starts_with("QUEUECALL_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .env("QUEUECALL_TOKEN", crate::auth::TEST_ADMIN_TOKEN)
            .arg("--server")
            .arg(server)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start queuecallctl {args:?}: {e}"));
        let (tx, lines) = mpsc::unbounded_channel();
        let stdout = child.stdout.take().expect("the child's stdout is piped");
        let stderr = child.stderr.take().expect("the child's stderr is piped");
        forward(Stream::Stdout, stdout, tx.clone());
        forward(Stream::Stderr, stderr, tx);
        Self {
            child,
            lines,
            transcript: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `wanted` and returns it; fails the test, with every
    /// line read so far, when none does within `limit` or the output ends.
    pub async fn wait_for(
        &mut self,
        what: &str,
        limit: Duration,
        wanted: impl Fn(Stream, &str) -> bool,
    ) -> String {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some((stream, line))) => {
                    self.transcript.push((stream, line.clone()));
                    if wanted(stream, &line) {
                        return line;
                    }
                }
                Ok(None) => panic!(
                    "queuecallctl ended ({:?}) before printing {what}; it printed:\n{}",
                    self.child.try_wait(),
                    self.printed()
                ),
                Err(_) => panic!(
                    "queuecallctl printed no {what} within {limit:?}; it printed:\n{}",
                    self.printed()
                ),
            }
        }
    }

    /// Every line read so far, `out| ` or `err| ` in front.
    pub fn printed(&self) -> String {
        self.transcript
            .iter()
            .map(|(stream, line)| match stream {
                Stream::Stdout => format!("out| {line}"),
                Stream::Stderr => format!("err| {line}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}
