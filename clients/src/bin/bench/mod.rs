//! The modules of `queuecall-bench`: its arguments and one module per mode.

pub mod args;
pub mod booking;
pub mod cpu;
pub mod day;
pub mod displays;
pub mod memory;
pub mod queue;
pub mod report;
pub mod scale;
pub mod stats;
pub mod streams;

use args::{Bench, Mode};

/// File descriptors the bench may need beyond its connections (stdio, the queue client,
/// the runtime).
const SPARE_FILES: u64 = 256;

/// Runs the chosen mode; true when it found nothing wrong.
pub async fn run(bench: Bench) -> anyhow::Result<bool> {
    match bench.mode {
        Mode::Displays(args) => {
            raise_open_files(u64::from(args.connections) + SPARE_FILES)?;
            displays::run(args).await
        }
        Mode::Booking(args) => {
            raise_open_files(u64::from(args.connections) + SPARE_FILES)?;
            booking::run(args).await
        }
        Mode::Scale(args) => {
            raise_open_files(u64::from(args.connections) + SPARE_FILES)?;
            scale::run(args).await
        }
        Mode::Day(args) => {
            raise_open_files(u64::from(args.connections) + SPARE_FILES)?;
            day::run(args).await
        }
        Mode::Queue(args) => {
            raise_open_files(u64::from(args.connections) + SPARE_FILES)?;
            queue::run(args).await
        }
    }
}

/// Raises the soft open-file limit towards the hard limit; fails when even that is below
/// `needed`.
fn raise_open_files(needed: u64) -> anyhow::Result<()> {
    let limit = rlimit::increase_nofile_limit(u64::MAX)
        .map_err(|err| anyhow::anyhow!("cannot raise the open-file limit: {err}"))?;
    if limit < needed {
        anyhow::bail!(
            "the open-file limit is {limit} but the bench needs {needed}: raise it with \
             `ulimit -n {needed}` (or the hard limit in /etc/security/limits.conf)"
        );
    }
    Ok(())
}
