//! How long a citizen waits.

use std::time::Duration;

/// Wait for a ticket with `ahead` people in front: each open window serving the service takes
/// one person per average service time (the measured moving average, or the service's seed).
pub fn estimate_wait(
    ahead: u32,
    avg_service_ms: Option<u64>,
    seed: Duration,
    open_windows: u32,
) -> Duration {
    let per_person = avg_service_ms.map_or(seed, Duration::from_millis);
    per_person * ahead / open_windows.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_uses_measured_average_and_open_windows() {
        let seed = Duration::from_secs(300);
        assert_eq!(estimate_wait(4, None, seed, 1), Duration::from_secs(1200));
        assert_eq!(
            estimate_wait(4, Some(60_000), seed, 2),
            Duration::from_secs(120)
        );
        assert_eq!(
            estimate_wait(4, Some(60_000), seed, 0),
            Duration::from_secs(240)
        );
        assert_eq!(estimate_wait(0, Some(60_000), seed, 3), Duration::ZERO);
    }
}
