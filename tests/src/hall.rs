//! The names of tests/fixtures/hall.yaml. Change both together.

use std::path::PathBuf;

/// The conformance suite's branch.
pub const BRANCH: &str = "test-centre";
/// Prefix A, recall limit 2, requeue offset 2, requeue limit 2, seed 300 s,
/// order green channel, appointment, normal.
pub const SOCIAL: &str = "social-security";
/// Prefix B, seed 600 s, order appointment, green channel, normal.
pub const TAX: &str = "tax";
/// Prefix C, daily limit 3.
pub const PERMITS: &str = "permits";
/// Prefix HD, served by the ratio window only.
pub const HOUSING: &str = "housing";

/// Serves social-security then tax, strict order.
pub const WINDOW_STRICT: u32 = 1;
/// Serves social-security and tax, oldest first.
pub const WINDOW_OLDEST: u32 = 2;
/// Serves housing, ratio 1 priority : 2 normal.
pub const WINDOW_RATIO: u32 = 3;
/// Serves social-security only.
pub const WINDOW_SOCIAL: u32 = 4;
/// Serves tax only.
pub const WINDOW_TAX: u32 = 5;
/// Serves permits only.
pub const WINDOW_PERMITS: u32 = 6;
/// Windows of [`BRANCH`], in hall order.
pub const BRANCH_WINDOWS: [u32; 6] = [1, 2, 3, 4, 5, 6];

/// The concurrency test's branch: 24 windows over [`BUSY_SERVICES`].
pub const BUSY_BRANCH: &str = "busy-centre";
pub const BUSY_SERVICES: [&str; 2] = ["licences", "pensions"];
pub const BUSY_WINDOWS: u32 = 24;

/// A one-window station with one service, `general` (prefix A).
pub const VILLAGE: &str = "village-station";

/// tests/fixtures/hall.yaml.
pub fn hall_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/hall.yaml")
}
