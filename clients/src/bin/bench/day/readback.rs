//! The reads after the day: the branch, every ticket, the statistics; and the wait for the
//! SMS outbox to run dry.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use queuecall_client::pb;
use queuecall_client::pb::history_service_client::HistoryServiceClient;
use queuecall_client::pb::queue_service_client::QueueServiceClient;

use super::check::{self, Ended, Statistics};
use super::provider::FakeProvider;
use crate::bench::queue::Conn;

pub async fn get_branch(conn: &Conn, branch: &str) -> anyhow::Result<pb::Branch> {
    QueueServiceClient::new(conn.clone())
        .get_branch(pb::GetBranchRequest {
            branch_id: branch.to_owned(),
        })
        .await
        .with_context(|| format!("GetBranch {branch}"))?
        .into_inner()
        .branch
        .context("GetBranch answered no branch")
}

/// Creates `<file>.day-over` and waits until `file` exists: meanwhile the script kills the
/// service and starts it again.
pub async fn wait_for_restart(file: &std::path::Path, at_most: Duration) -> anyhow::Result<()> {
    let mut signal = file.as_os_str().to_owned();
    signal.push(".day-over");
    std::fs::write(&signal, b"")
        .with_context(|| format!("cannot create {}", std::path::Path::new(&signal).display()))?;
    eprintln!(
        "the day is over: waiting for the service to restart ({})",
        file.display()
    );
    let until = Instant::now() + at_most;
    while !file.exists() {
        if Instant::now() >= until {
            anyhow::bail!("{} did not appear within {at_most:?}", file.display());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Waits until the provider has received nothing new for `quiet` (at most a minute).
pub async fn settle(provider: &FakeProvider, quiet: Duration) {
    let until = Instant::now() + Duration::from_secs(60);
    let mut count = provider.count();
    let mut since = Instant::now();
    while Instant::now() < until && since.elapsed() < quiet {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = provider.count();
        if now != count {
            count = now;
            since = Instant::now();
        }
    }
}

/// GetTicket's state of every issued ticket (32 at a time); a ticket not found is left out.
pub async fn states(
    conns: &[Conn],
    issued: &[check::Issued],
) -> anyhow::Result<HashMap<String, i32>> {
    let ids: Arc<Vec<String>> = Arc::new(issued.iter().map(|t| t.id.clone()).collect());
    let readers = 32;
    let mut tasks = Vec::new();
    for r in 0..readers {
        let mut client = QueueServiceClient::new(conns[r % conns.len()].clone());
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for id in ids.iter().skip(r).step_by(readers) {
                let answer = client
                    .get_ticket(pb::GetTicketRequest {
                        ticket_id: id.clone(),
                    })
                    .await;
                match answer {
                    Ok(a) => {
                        if let Some(t) = a.into_inner().ticket {
                            out.push((id.clone(), t.state));
                        }
                    }
                    Err(status) if status.code() == tonic::Code::NotFound => {}
                    Err(status) => return Err(anyhow::anyhow!("GetTicket {id}: {status}")),
                }
            }
            Ok(out)
        }));
    }
    let mut states = HashMap::new();
    for task in tasks {
        states.extend(task.await.context("a GetTicket reader")??);
    }
    Ok(states)
}

/// The day's statistics, once they count every ended ticket (history may trail the queue by
/// a moment); after 20 s whatever they say; `None` when they cannot be read.
pub async fn statistics(
    conn: &Conn,
    branch: &str,
    date: &str,
    ended: &HashMap<String, Ended>,
) -> Option<Statistics> {
    let expected = ended.len() as u32;
    let mut client = HistoryServiceClient::new(conn.clone());
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = client
            .get_statistics(pb::GetStatisticsRequest {
                branch_id: branch.to_owned(),
                from_date: date.to_owned(),
                to_date: date.to_owned(),
                group_by: pb::StatisticsGroup::Service as i32,
            })
            .await;
        let total = match answer {
            Ok(a) => a.into_inner().total.unwrap_or_default(),
            Err(status) => {
                eprintln!("warning: GetStatistics: {status}");
                return None;
            }
        };
        let stats = Statistics {
            done: total.done,
            no_shows: total.no_shows,
        };
        if stats.done + stats.no_shows >= expected || Instant::now() >= until {
            return Some(stats);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_wait_for_a_restart_signals_and_ends_when_the_file_appears() {
        let dir = std::env::temp_dir().join(format!("qc-day-restart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("restarted");
        let waiting = tokio::spawn({
            let file = file.clone();
            async move { wait_for_restart(&file, Duration::from_secs(10)).await }
        });
        let signal = dir.join("restarted.day-over");
        while !signal.exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!waiting.is_finished());
        std::fs::write(&file, b"").unwrap();
        waiting.await.unwrap().unwrap();

        let never = dir.join("never");
        let err = wait_for_restart(&never, Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("did not appear"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
