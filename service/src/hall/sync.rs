//! The records database is the source of the running layout. At start-up, [`prepare`]
//! seeds or applies it and reads it; while serving, [`follow`] polls `layout_version` (and,
//! on Redis, looks at once when a [`LayoutSignal`] arrives) and swaps a newer layout into the
//! [`HallHandle`].
//!
//! The start-up rule, so that a restart never reverts changes made through the AdminService
//! or `queuecall hall apply`:
//! - a database that never held a layout (`layout_version` 0) is seeded from the configured
//!   hall file, or from the demo hall when none is configured;
//! - otherwise a configured hall file is applied only when its text differs from the text
//!   last applied at start-up (its SHA-256 is kept in `records_settings`): editing the file
//!   and restarting applies it, restarting with the same file keeps the stored layout;
//! - the hall file is always read and checked, so a broken file still stops the start-up.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use super::signal::LayoutSignal;
use super::{Hall, HallHandle, demo, file};
use crate::records::Db;
use crate::records::layout::{
    HALL_FILE_SHA256, layout_version, load_layout, save_hall, save_hall_from_file,
};
use crate::records::settings_table;

/// The SHA-256 of a hall file's text, as 64 lowercase hex characters.
pub fn text_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Seeds or applies the layout as the module's rule says, then reads it: the hall and the
/// `layout_version` it is at.
pub async fn prepare(db: &Db, hall_file: Option<&Path>) -> anyhow::Result<(Hall, i64)> {
    let configured = match hall_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read hall file {}", path.display()))?;
            let hall = file::parse(&text, file::HallFormat::of(path))
                .with_context(|| format!("hall file {} is not valid", path.display()))?;
            Some((path, hall, text_sha256(&text)))
        }
        None => None,
    };
    let version = layout_version(db).await?;
    match configured {
        Some((path, hall, sha)) => {
            let applied = settings_table::get(db, HALL_FILE_SHA256).await?;
            if version == 0 || applied.as_deref() != Some(sha.as_str()) {
                let new = save_hall_from_file(db, &hall, &sha).await?;
                tracing::info!(
                    hall_file = %path.display(),
                    version = new,
                    seeded = version == 0,
                    "hall file applied to the records database: it is new or changed since it was last applied"
                );
            } else {
                tracing::info!(
                    hall_file = %path.display(),
                    version,
                    "hall file unchanged since it was last applied; the stored layout is kept"
                );
            }
        }
        None if version == 0 => {
            let new = save_hall(db, &demo::hall()).await?;
            tracing::info!(version = new, "records database seeded with the demo hall");
        }
        None => {}
    }
    let (hall, version) = load_layout(db).await?;
    let branches: Vec<&str> = hall.branches.keys().map(|id| id.as_str()).collect();
    tracing::info!(version, branches = ?branches, "hall layout loaded from the records database");
    Ok((hall, version))
}

/// Every `every`, and whenever `signal` (Redis pub/sub) says a layout was written, until
/// `stop` resolves: reads `layout_version` and, when it is newer than the handle's, loads the
/// layout and swaps it in. A failed poll is logged and retried.
pub async fn follow(
    db: Db,
    handle: Arc<HallHandle>,
    every: Duration,
    signal: Option<LayoutSignal>,
    stop: impl std::future::Future<Output = ()>,
) {
    let changed = Arc::new(Notify::new());
    let listening = signal.map(|signal| tokio::spawn(signal.listen(Arc::clone(&changed))));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = changed.notified() => {}
            () = &mut stop => break,
        }
        if let Err(err) = reload_if_newer(&db, &handle).await {
            tracing::warn!(error = format!("{err:#}"), "layout poll failed; retrying");
        }
    }
    if let Some(listening) = listening {
        listening.abort();
    }
}

/// Loads the stored layout into `handle` when its version is newer; true when it did.
pub async fn reload_if_newer(db: &Db, handle: &HallHandle) -> anyhow::Result<bool> {
    if layout_version(db).await? <= handle.version() {
        return Ok(false);
    }
    let (hall, version) = load_layout(db).await?;
    let branches = hall.branches.len();
    let swapped = handle.replace_if_newer(hall, version);
    if swapped {
        tracing::info!(version, branches, "new hall layout loaded");
    }
    Ok(swapped)
}
