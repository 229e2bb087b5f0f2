//! The shared test Redis: where it is, a fail-fast check that it answers, and a key prefix
//! of each test's own, deleted when the test ends.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `QUEUECALL_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`.
pub fn test_redis_url() -> String {
    std::env::var("QUEUECALL_TEST_REDIS_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned())
}

/// Fails the test, saying how to start one, when nothing answers PING at `url`.
pub async fn require_redis(url: &str) {
    if let Err(e) = ping(url).await {
        panic!(
            "the Redis tests need a Redis server, but {url} does not answer ({e:#}).\n\
             Start one with:\n    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no\n\
             or set QUEUECALL_TEST_REDIS_URL to another, or run `bash scripts/test.sh`, which starts a throwaway one."
        );
    }
}

pub(crate) async fn ping(url: &str) -> anyhow::Result<()> {
    let client = redis::Client::open(url)?;
    let mut con = tokio::time::timeout(
        Duration::from_secs(3),
        client.get_multiplexed_async_connection(),
    )
    .await??;
    let pong: String = redis::cmd("PING").query_async(&mut con).await?;
    anyhow::ensure!(pong == "PONG", "PING answered {pong}");
    Ok(())
}

/// Every key under `prefix` (`<prefix>:*`), read with SCAN.
pub fn redis_keys(url: &str, prefix: &str) -> anyhow::Result<Vec<String>> {
    let client = redis::Client::open(url)?;
    let mut con = client.get_connection_with_timeout(Duration::from_secs(3))?;
    let mut cursor = 0u64;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query(&mut con)?;
        keys.extend(batch);
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}

/// How many keys live under `prefix`.
pub fn redis_key_count(url: &str, prefix: &str) -> anyhow::Result<usize> {
    redis_keys(url, prefix).map(|keys| keys.len())
}

/// A key prefix no other test uses.
#[derive(Debug)]
pub(crate) struct RedisPrefix {
    pub url: String,
    pub prefix: String,
}

impl RedisPrefix {
    pub fn unique(url: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Self {
            url: url.to_owned(),
            prefix: format!(
                "qct-{}-{}-{nanos:x}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }

    /// Best effort: a test's keys must not pile up in a long-lived Redis.
    pub fn delete_keys(&self) {
        let Ok(keys) = redis_keys(&self.url, &self.prefix) else {
            return;
        };
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut con) = client.get_connection_with_timeout(Duration::from_secs(3)) else {
            return;
        };
        for chunk in keys.chunks(500) {
            let _: Result<u64, _> = redis::cmd("UNLINK").arg(chunk).query(&mut con);
        }
    }
}
