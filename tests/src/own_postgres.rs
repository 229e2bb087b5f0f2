//! A throwaway PostgreSQL server of the test's own (initdb in a temp dir, a free port), which
//! the test can stop and start again to take the records database down and back. The shared
//! server of the other tests is never touched. As root, the server runs as user `postgres`
//! (initdb refuses root).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

pub struct OwnPostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `pg_ctl`.
fn bin_dir() -> anyhow::Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL's binaries are not under /usr/lib/postgresql")?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .context("no /usr/lib/postgresql/<version>/bin/pg_ctl")
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl OwnPostgres {
    /// initdb and start.
    pub fn start() -> anyhow::Result<Self> {
        let bin = bin_dir()?;
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        if is_root() {
            let chown = Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path())
                .status()?;
            anyhow::ensure!(chown.success(), "chown of the temp dir failed");
        }
        let own = Self {
            bin,
            data,
            port: free_port()?,
            _dir: dir,
        };
        let initdb = own.bin.join("initdb");
        own.run(
            &initdb,
            &[
                "-D",
                path(&own.data)?,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        )?;
        own.up()?;
        Ok(own)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server again (after [`OwnPostgres::down`]), waiting until it accepts.
    pub fn up(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            path(&self.data)?
        );
        let log = self.data.join("server.log");
        self.run(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                path(&self.data)?,
                "-o",
                &options,
                "-l",
                path(&log)?,
                "-w",
                "start",
            ],
        )
    }

    /// Stops the server (fast: open connections are closed).
    pub fn down(&self) -> anyhow::Result<()> {
        self.run(
            &self.bin.join("pg_ctl"),
            &["-D", path(&self.data)?, "-m", "fast", "-w", "stop"],
        )
    }

    fn run(&self, program: &Path, args: &[&str]) -> anyhow::Result<()> {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let out = command.args(args).output()?;
        if !out.status.success() {
            bail!(
                "{} {args:?} failed: {}{}",
                program.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }
}

fn path(p: &Path) -> anyhow::Result<&str> {
    p.to_str().context("a temp path that is not UTF-8")
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self.down();
    }
}
