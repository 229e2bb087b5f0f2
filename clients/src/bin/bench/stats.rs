//! Percentiles of latencies measured in microseconds.

/// p50, p90, p99 and max of a set of latencies (microseconds), by nearest rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
}

impl Summary {
    /// `None` for no samples.
    pub fn of(mut samples: Vec<u64>) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_unstable();
        Some(Self {
            count: samples.len(),
            p50: rank(&samples, 50),
            p90: rank(&samples, 90),
            p99: rank(&samples, 99),
            max: samples[samples.len() - 1],
        })
    }
}

/// The nearest-rank percentile of sorted, non-empty samples: the smallest sample with at
/// least `percent`% of the samples at or below it.
fn rank(sorted: &[u64], percent: usize) -> u64 {
    let n = sorted.len();
    let index = (percent * n).div_ceil(100).clamp(1, n) - 1;
    sorted[index]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let s = Summary::of((1..=100).rev().collect()).unwrap();
        assert_eq!(
            (s.count, s.p50, s.p90, s.p99, s.max),
            (100, 50, 90, 99, 100)
        );
        let s = Summary::of((1..=1000).collect()).unwrap();
        assert_eq!((s.p50, s.p90, s.p99, s.max), (500, 900, 990, 1000));
    }

    #[test]
    fn one_sample_is_every_percentile() {
        let s = Summary::of(vec![7]).unwrap();
        assert_eq!((s.p50, s.p90, s.p99, s.max), (7, 7, 7, 7));
    }

    #[test]
    fn no_samples_no_summary() {
        assert_eq!(Summary::of(Vec::new()), None);
    }
}
