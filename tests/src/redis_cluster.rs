//! A Redis Cluster of the test binary's own: three masters from `redis-server
//! --cluster-enabled yes` processes on free ports, joined with `redis-cli --cluster create`,
//! started once per test binary on first use and shared by its tests (each under a key prefix
//! of its own).
//!
//! The servers must not outlive the test binary, which exits without running destructors of
//! statics: each server runs under a small `sh` watchdog that kills it (and removes its data
//! dir) once the test process is gone. A test process killed with SIGKILL therefore leaves no
//! server behind either.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::redis_server::free_port;

/// How many masters the cluster has.
pub const CLUSTER_MASTERS: usize = 3;

/// A running cluster: its nodes' URLs.
#[derive(Debug, Clone)]
pub struct RedisCluster {
    pub ports: Vec<u16>,
}

impl RedisCluster {
    /// `redis://127.0.0.1:<port>` of every node, comma-separated: `store.url` with
    /// `store.cluster: true`.
    pub fn url(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("redis://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The first node's URL.
    pub fn seed_url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.ports[0])
    }
}

/// The test binary's cluster, started on first use; panics saying what to install or what
/// went wrong when it cannot start.
pub fn redis_cluster() -> &'static RedisCluster {
    static CLUSTER: OnceLock<RedisCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| match start() {
        Ok(cluster) => cluster,
        Err(err) => panic!(
            "cannot start the test Redis Cluster: {err:#}\n\
             It needs redis-server and redis-cli (apt-get install redis-server redis-tools)."
        ),
    })
}

fn start() -> anyhow::Result<RedisCluster> {
    let root = tempfile::Builder::new()
        .prefix("queuecall-cluster.")
        .tempdir()?
        .keep();
    let ports: Vec<u16> = (0..CLUSTER_MASTERS).map(|_| free_port()).collect();
    for &port in &ports {
        spawn_node(&root, port)?;
    }
    for &port in &ports {
        wait_for(
            port,
            "PING",
            |reply| reply == "PONG",
            Duration::from_secs(10),
        )?;
    }
    let nodes: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let create = Command::new("redis-cli")
        .arg("--cluster")
        .arg("create")
        .args(&nodes)
        .args(["--cluster-replicas", "0", "--cluster-yes"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run redis-cli ({e})"))?;
    anyhow::ensure!(
        create.status.success(),
        "redis-cli --cluster create failed: {}{}",
        String::from_utf8_lossy(&create.stdout),
        String::from_utf8_lossy(&create.stderr)
    );
    for &port in &ports {
        wait_for(
            port,
            "CLUSTER INFO",
            |reply| reply.contains("cluster_state:ok"),
            Duration::from_secs(20),
        )?;
    }
    Ok(RedisCluster { ports })
}

/// Starts one node under a watchdog that ends it with the test process.
fn spawn_node(root: &Path, port: u16) -> anyhow::Result<()> {
    let dir: PathBuf = root.join(port.to_string());
    std::fs::create_dir_all(&dir)?;
    let me = std::process::id();
    let script = format!(
        "redis-server --bind 127.0.0.1 --port {port} --cluster-enabled yes \
         --cluster-config-file nodes.conf --cluster-node-timeout 5000 --save '' \
         --appendonly no --dir '{dir}' --logfile '{dir}/redis.log' & server=$!; \
         while kill -0 {me} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done; \
         kill -9 $server 2>/dev/null; wait $server 2>/dev/null; rm -rf '{dir}'; \
         rmdir '{root}' 2>/dev/null",
        dir = dir.display(),
        root = root.display()
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start sh for redis-server ({e})"))?;
    Ok(())
}

/// Polls `redis-cli -p <port> <command>` until `done` holds for its output.
fn wait_for(
    port: u16,
    command: &str,
    done: impl Fn(&str) -> bool,
    limit: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let out = Command::new("redis-cli")
            .args(["-p", &port.to_string()])
            .args(command.split(' '))
            .stdin(Stdio::null())
            .output();
        let reply = match &out {
            Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
            Err(e) => anyhow::bail!("cannot run redis-cli ({e})"),
        };
        if done(reply.trim()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "node 127.0.0.1:{port} did not answer `{command}` as expected within {limit:?}: {reply}"
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
