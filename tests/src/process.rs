//! The built binaries: `queuecall` as a child process (for kill and restart) and
//! `queuecallctl` (for the CLI test). `bash scripts/test.sh` builds both before the tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `target/debug/<name>` of this workspace (or of `CARGO_TARGET_DIR`). Fails the test, saying
/// how to build it, when it is missing.
pub fn binary_path(name: &str) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir));
    let path = target.join("debug").join(name);
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo build -p queuecall -p queuecall-client --bins` \
         before the tests (`bash scripts/test.sh` does)",
        path.display()
    );
    path
}

/// The `queuecall` binary running as a child process.
pub struct ServiceProcess {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
    /// stdout up to the `queuecall listening` line.
    head: Vec<String>,
}

impl ServiceProcess {
    /// Starts `queuecall` with `env` (on top of a clean `QUEUECALL_…` environment) in `dir`,
    /// logging to `dir/<log_name>`, and waits for its `queuecall listening grpc=<addr>` line.
    /// Unless `env` sets some `QUEUECALL_AUTH__…`, the service accepts the test admin token
    /// ([`crate::TEST_ADMIN_TOKEN`]) and no other.
    pub async fn start(dir: &Path, log_name: &str, env: &[(&str, String)]) -> anyhow::Result<Self> {
        let log = dir.join(log_name);
        let log_file = std::fs::File::create(&log).context("create the service log file")?;
        let mut command = Command::new(binary_path("queuecall"));
        for (key, _) in std::env::vars() {
            if key.starts_with("QUEUECALL_") {
                command.env_remove(key);
            }
        }
        // Any free HTTP port unless the test names one, so parallel services never collide;
        // the test admin token unless the test configures access control itself.
        if !env
            .iter()
            .any(|(key, _)| key.starts_with("QUEUECALL_AUTH__"))
        {
            command.env("QUEUECALL_AUTH__TOKENS", crate::auth::admin_tokens_env());
        }
        let mut child = command
            .env("QUEUECALL_HTTP__PORT", "0")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("QUEUECALL_LOG__FILTER", "info")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .context("start target/debug/queuecall")?;
        let stdout = child.stdout.take().context("the child's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut head = Vec::new();
        let found = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await? {
                head.push(line.clone());
                if let Some(rest) = line.strip_prefix("queuecall listening grpc=") {
                    // `grpc=<addr> http=<addr>`: the gRPC address is the first word.
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    return Ok(Some(addr.parse::<SocketAddr>()?));
                }
            }
            anyhow::Ok(None)
        })
        .await;
        let addr = match found {
            Ok(Ok(Some(addr))) => addr,
            other => {
                let _ = child.start_kill();
                let log_text = std::fs::read_to_string(&log).unwrap_or_default();
                anyhow::bail!(
                    "queuecall did not print `queuecall listening grpc=<ip>:<port>` ({other:?}); its log:\n{log_text}"
                );
            }
        };
        // Keep reading stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            addr,
            log,
            head,
        })
    }

    /// What the service printed on stdout up to its `queuecall listening` line (the demo's
    /// tokens, when it made them).
    pub fn printed(&self) -> &[String] {
        &self.head
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL, as in a crash or an OOM kill; waits until the process is gone.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().await.context("SIGKILL queuecall")
    }

    /// SIGTERM (the orchestrator's stop), without waiting.
    pub async fn terminate(&self) -> anyhow::Result<()> {
        let pid = self.child.id().context("queuecall has already exited")?;
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .context("run kill -TERM")?;
        anyhow::ensure!(status.success(), "kill -TERM {pid} failed: {status}");
        Ok(())
    }

    /// Waits at most `limit` for the process to exit.
    pub async fn wait(&mut self, limit: Duration) -> anyhow::Result<ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .context("queuecall did not exit in time")?
            .context("wait for queuecall")
    }

    /// What the service wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// What a `queuecallctl` run printed.
#[derive(Debug)]
pub struct CliOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// Fails with both streams unless the command exited 0.
    pub fn assert_success(&self) -> &str {
        assert!(
            self.status.success(),
            "queuecallctl failed ({}):\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        &self.stdout
    }
}

/// Runs `queuecallctl --server <server> <args…>` (30 s at most) with the test admin token
/// (`QUEUECALL_TOKEN`).
pub async fn run_cli(server: &str, args: &[&str]) -> CliOutput {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(binary_path("queuecallctl"))
            .env("QUEUECALL_TOKEN", crate::auth::TEST_ADMIN_TOKEN)
            .arg("--server")
            .arg(server)
            .args(args)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap_or_else(|_| panic!("queuecallctl {args:?} did not finish within 30 s"))
    .unwrap_or_else(|e| panic!("run queuecallctl {args:?}: {e}"));
    CliOutput {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
