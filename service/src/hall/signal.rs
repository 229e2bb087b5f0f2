//! A nudge that a new layout was written, so that replicas on one Redis reload at once
//! instead of at their next poll: the writer publishes the new `layout_version` on
//! `<key_prefix>:layout`; every replica listens there and then polls `layout_version` at once.
//! Best effort: a lost message or a Redis that is down only delays the change until the next
//! poll (`records.layout_poll_ms`), which stays the guarantee.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::Notify;
use tokio_stream::StreamExt;

use crate::config::{StoreSettings, mask_url};
use crate::redis_link::Target;

/// Waiting time before listening again after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// The Redis channel of layout changes.
#[derive(Debug, Clone)]
pub struct LayoutSignal {
    client: redis::Client,
    channel: String,
}

impl LayoutSignal {
    /// On Redis, the channel of the replicas sharing `store`'s key prefix; none when embedded.
    pub fn for_store(store: &StoreSettings) -> anyhow::Result<Option<Self>> {
        match store {
            StoreSettings::Embedded { .. } => Ok(None),
            StoreSettings::Redis {
                url,
                key_prefix,
                cluster,
            } => Ok(Some(
                Self::on(&Target::new(url, *cluster)?, key_prefix)
                    .with_context(|| format!("the Redis store {}", mask_url(url)))?,
            )),
        }
    }

    /// The channel `<key_prefix>:layout` on the Redis at `url` (not contacted yet).
    pub fn redis(url: &str, key_prefix: &str) -> anyhow::Result<Self> {
        Self::on(&Target::new(url, false)?, key_prefix)
    }

    /// The channel `<key_prefix>:layout` on `target`: on a cluster, published through any
    /// node and heard on the first seed node (publish/subscribe is cluster-wide).
    pub fn on(target: &Target, key_prefix: &str) -> anyhow::Result<Self> {
        Ok(Self {
            client: target.pubsub_client().clone(),
            channel: format!("{key_prefix}:layout"),
        })
    }

    /// Tells the listening replicas that layout `version` was written; a failure is logged.
    pub async fn publish(&self, version: i64) {
        let sent = async {
            let mut con = self.client.get_multiplexed_async_connection().await?;
            redis::cmd("PUBLISH")
                .arg(&self.channel)
                .arg(version)
                .query_async::<i64>(&mut con)
                .await
        };
        match tokio::time::timeout(Duration::from_secs(2), sent).await {
            Ok(Ok(listeners)) => {
                tracing::debug!(version, listeners, "layout change published");
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, version, "cannot publish the layout change; replicas see it at their next poll");
            }
            Err(_) => {
                tracing::warn!(
                    version,
                    "publishing the layout change timed out; replicas see it at their next poll"
                );
            }
        }
    }

    /// Listens until dropped, waking `changed` on every message; reconnects after failures.
    pub async fn listen(self, changed: Arc<Notify>) {
        loop {
            match self.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&self.channel).await {
                    Ok(()) => {
                        tracing::debug!(channel = %self.channel, "listening for layout changes");
                        // A change made while we were not listening: look once now.
                        changed.notify_one();
                        let mut messages = pubsub.into_on_message();
                        while messages.next().await.is_some() {
                            changed.notify_one();
                        }
                        tracing::debug!("layout change channel closed; listening again");
                    }
                    Err(err) => tracing::debug!(error = %err, "cannot subscribe to layout changes"),
                },
                Err(err) => tracing::debug!(error = %err, "cannot listen for layout changes"),
            }
            tokio::time::sleep(RECONNECT_AFTER).await;
        }
    }
}
