//! The Redis store on a Redis Cluster beyond the conformance suite (which runs whole on the
//! cluster as `conformance::redis_cluster::*`): the store follows the cluster's slot map from
//! any seed node, a branch's keys all live on the node that owns its hash tag's slot, and a
//! display on one replica sees the calls made on another through the cluster's streams.

use std::process::Command;

use queuecall_tests::*;

/// `redis-cli -p <port> <args…>`'s output, trimmed.
fn cli(port: u16, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The node that owns the slot of `key` and one that does not: a node that does not answers
/// a plain GET with a MOVED redirection.
fn owner_and_other(cluster: &RedisCluster, key: &str) -> anyhow::Result<(u16, u16)> {
    let mut owner = None;
    let mut other = None;
    for &port in &cluster.ports {
        let reply = cli(port, &["GET", key])?;
        if reply.contains("MOVED") {
            other.get_or_insert(port);
        } else {
            owner.get_or_insert(port);
        }
    }
    match (owner, other) {
        (Some(owner), Some(other)) => Ok((owner, other)),
        _ => anyhow::bail!("no owner/other pair for {key} among {:?}", cluster.ports),
    }
}

fn options(store: StoreKind, url: String, prefix: &str) -> AppOptions {
    AppOptions {
        redis_url: Some(url),
        redis_key_prefix: Some(prefix.to_owned()),
        ..AppOptions::new(store)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_with_a_node_that_does_not_own_the_branch_the_store_follows_the_slot_map()
-> anyhow::Result<()> {
    let cluster = redis_cluster();
    let (owner, other) = owner_and_other(cluster, &format!("{{{BRANCH}}}"))?;
    let prefix = format!("qct-cluster-{}", std::process::id());
    let seed = format!("redis://127.0.0.1:{other}");

    // The control: a plain (non-cluster) store on that node is redirected and answers
    // UNAVAILABLE, so what follows does depend on the cluster routing.
    let plain = spawn_app_with(options(StoreKind::Redis, seed.clone(), &prefix)).await;
    let refused = plain.take(SOCIAL).await;
    assert_status(refused, Code::Unavailable, &["redis"]);
    drop(plain);

    let app = spawn_app_with(options(StoreKind::RedisCluster, seed, &prefix)).await;
    let first = app.take(SOCIAL).await?;
    app.take(SOCIAL).await?;
    app.open(WINDOW_SOCIAL).await?;
    let called = app.call(WINDOW_SOCIAL).await?;
    assert_eq!(called.id, first.id);
    assert_eq!(app.waiting(SOCIAL).await?.len(), 1);

    // Every key of the branch is on the owner of its slot, none elsewhere.
    let pattern = format!("{prefix}:*");
    let on_owner = cli(owner, &["--scan", "--pattern", &pattern])?;
    let keys: Vec<&str> = on_owner.lines().collect();
    assert!(
        keys.len() >= 3 && keys.iter().all(|k| k.contains(&format!("{{{BRANCH}}}"))),
        "{keys:?}"
    );
    for &port in cluster.ports.iter().filter(|&&p| p != owner) {
        assert_eq!(
            cli(port, &["--scan", "--pattern", &pattern])?,
            "",
            "node {port}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_display_on_one_replica_sees_calls_made_on_another_through_the_cluster()
-> anyhow::Result<()> {
    let cluster = redis_cluster();
    let prefix = format!("qct-cluster-replicas-{}", std::process::id());
    let one = spawn_app_with(options(StoreKind::RedisCluster, cluster.url(), &prefix)).await;
    let two = spawn_app_with(options(StoreKind::RedisCluster, cluster.url(), &prefix)).await;
    let mut display = BranchWatch::open(two.channel().await, BRANCH, 0).await?;
    let snapshot = display.snapshot().await;

    let ticket = one.take(SOCIAL).await?;
    one.open(WINDOW_SOCIAL).await?;
    one.call(WINDOW_SOCIAL).await?;
    let mut calls = Vec::new();
    while calls.is_empty() {
        let event = display.event().await;
        if let Some(call) = call_of(&event) {
            calls.push(call.clone());
        }
    }
    assert!(display.last_id() > Some(snapshot.last_event_id));
    let call = &calls[0];
    assert_eq!(call.ticket_id, ticket.id);
    assert_eq!(call.window, WINDOW_SOCIAL);
    // The ticket taken on one replica is found on the other.
    assert_eq!(two.get(&ticket.id).await?.id, ticket.id);
    Ok(())
}
