//! Where the live store's Redis is: one server, or a Redis Cluster (`store.cluster: true`,
//! `store.url` then lists one or more seed nodes separated by commas). The store, the
//! rate-limit counters and the layout signal reach either through a [`Link`].
//!
//! On a cluster every command is routed by its key: each store script names its branch's
//! prefix, which holds the branch id as a hash tag (`<prefix>:{<branch>}`), as `KEYS[1]` and
//! touches only keys under it, so a branch lives in one slot and a script runs on one node.
//! `SCRIPT LOAD` goes to every master. Publish/subscribe is cluster-wide in Redis Cluster, so
//! the layout signal subscribes on one seed node.

use std::time::Duration;

use anyhow::{Context, bail};
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClient, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};

/// The Redis a setting names: a server, or a cluster by its seed nodes.
#[derive(Clone)]
pub enum Target {
    Server(redis::Client),
    Cluster {
        client: Box<ClusterClient>,
        /// The first seed node: where the layout signal subscribes.
        seed: Box<redis::Client>,
    },
}

impl Target {
    /// Parses `url`: one `redis://` URL for a server; with `cluster`, one or more separated by
    /// commas (any node of the cluster; the rest are discovered). Touches no network.
    pub fn new(url: &str, cluster: bool) -> anyhow::Result<Self> {
        if !cluster {
            return Ok(Self::Server(
                redis::Client::open(url).context("read the redis url")?,
            ));
        }
        let seeds: Vec<&str> = url
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let Some(first) = seeds.first() else {
            bail!("the redis cluster url names no node");
        };
        let client = ClusterClient::new(seeds.clone()).context("read the redis cluster urls")?;
        let seed = redis::Client::open(*first).context("read the redis cluster url")?;
        Ok(Self::Cluster {
            client: Box::new(client),
            seed: Box::new(seed),
        })
    }

    /// A connection made on first use (none is made here) that reconnects by itself, with
    /// these time-outs and no retries of its own (the callers decide).
    pub fn lazy(&self, connect: Duration, respond: Duration) -> RedisResult<LazyLink> {
        match self {
            Self::Server(client) => {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(connect))
                    .set_response_timeout(Some(respond))
                    .set_number_of_retries(0);
                Ok(LazyLink::Server(ConnectionManager::new_lazy_with_config(
                    client.clone(),
                    config,
                )?))
            }
            Self::Cluster { client, .. } => Ok(LazyLink::Cluster(Box::new(LazyCluster {
                client: (**client).clone(),
                config: ClusterConfig::new()
                    .set_connection_timeout(connect)
                    .set_response_timeout(respond),
                connection: tokio::sync::OnceCell::new(),
            }))),
        }
    }

    /// A new connection of its own, made now (for blocking reads that must not hold up
    /// others): a multiplexed connection to the server, or a cluster connection.
    pub async fn connect(&self, connect: Duration, respond: Duration) -> RedisResult<Link> {
        match self {
            Self::Server(client) => {
                let config = redis::AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(connect))
                    .set_response_timeout(Some(respond));
                Ok(Link::Multiplexed(
                    client
                        .get_multiplexed_async_connection_with_config(&config)
                        .await?,
                ))
            }
            Self::Cluster { client, .. } => {
                let config = ClusterConfig::new()
                    .set_connection_timeout(connect)
                    .set_response_timeout(respond);
                Ok(Link::Cluster(
                    client.get_async_connection_with_config(config).await?,
                ))
            }
        }
    }

    /// The client publish/subscribe connections are made with.
    pub fn pubsub_client(&self) -> &redis::Client {
        match self {
            Self::Server(client) => client,
            Self::Cluster { seed, .. } => seed.as_ref(),
        }
    }
}

/// A connection made on first use; see [`Target::lazy`].
pub enum LazyLink {
    Server(ConnectionManager),
    Cluster(Box<LazyCluster>),
}

/// A cluster connection made on first use.
pub struct LazyCluster {
    client: ClusterClient,
    config: ClusterConfig,
    /// Made by the first call that finds the cluster; a failed attempt leaves it unset, so
    /// the next call tries again. Once made it follows the cluster by itself (slot moves,
    /// reconnects).
    connection: tokio::sync::OnceCell<ClusterConnection>,
}

impl LazyLink {
    /// The connection, making it first on a cluster.
    pub async fn get(&self) -> RedisResult<Link> {
        match self {
            Self::Server(manager) => Ok(Link::Manager(manager.clone())),
            Self::Cluster(lazy) => {
                let con = lazy
                    .connection
                    .get_or_try_init(|| {
                        lazy.client
                            .get_async_connection_with_config(lazy.config.clone())
                    })
                    .await?;
                Ok(Link::Cluster(con.clone()))
            }
        }
    }
}

/// One connection to a server or a cluster; cheap to clone (all are multiplexed).
#[derive(Clone)]
pub enum Link {
    Manager(ConnectionManager),
    Multiplexed(redis::aio::MultiplexedConnection),
    Cluster(ClusterConnection),
}

impl Link {
    /// Sets the response time-out of a multiplexed connection (the others keep theirs).
    pub fn set_response_timeout(&mut self, timeout: Duration) {
        if let Self::Multiplexed(con) = self {
            con.set_response_timeout(timeout);
        }
    }
}

impl ConnectionLike for Link {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Manager(con) => con.req_packed_command(cmd),
            Self::Multiplexed(con) => con.req_packed_command(cmd),
            Self::Cluster(con) => con.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Manager(con) => con.req_packed_commands(pipeline, offset, count),
            Self::Multiplexed(con) => con.req_packed_commands(pipeline, offset, count),
            Self::Cluster(con) => con.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Manager(con) => con.get_db(),
            Self::Multiplexed(con) => con.get_db(),
            Self::Cluster(con) => con.get_db(),
        }
    }
}
