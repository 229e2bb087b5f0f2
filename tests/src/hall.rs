//! The names of tests/fixtures/hall.yaml. Change both together.

use std::path::PathBuf;

/// The conformance suite's branch.
pub const BRANCH: &str = "test-centre";
/// Prefix A, recall limit 2, requeue offset 2, requeue limit 2, seed 300 s,
/// order green channel, appointment, normal.
pub const SOCIAL: &str = "social-security";
/// Bookable ([`SOCIAL`]): Monday to Friday, these local ranges, 30-minute slots of 5 seats,
/// open 14 days ahead, closing 30 minutes before a slot; the default booking policy (1 active,
/// 1 per day, 3 per week, 2 no-shows in 30 days suspend for 90 days, cancel up to 60 minutes
/// before, check in from 30 minutes before to 15 after).
pub const SOCIAL_WEEKDAYS: [chrono::Weekday; 5] = [
    chrono::Weekday::Mon,
    chrono::Weekday::Tue,
    chrono::Weekday::Wed,
    chrono::Weekday::Thu,
    chrono::Weekday::Fri,
];
/// `(start, end)` as `(hour, minute)` pairs, local time.
pub const SOCIAL_TIME_RANGES: [((u32, u32), (u32, u32)); 2] =
    [((9, 0), (12, 0)), ((13, 30), (17, 0))];
pub const SOCIAL_SLOT_MINUTES: u32 = 30;
pub const SOCIAL_CAPACITY: u32 = 5;
pub const SOCIAL_OPEN_AHEAD_DAYS: u32 = 14;
pub const SOCIAL_CUTOFF_MINUTES: u32 = 30;
/// Slots of one working day: 6 in the morning, 7 in the afternoon.
pub const SOCIAL_SLOTS_PER_DAY: usize = 13;

/// A holiday of [`BRANCH`] on a weekday (Wednesday 2026-12-02): no slots.
pub const HOLIDAY: (i32, u32, u32) = (2026, 12, 2);
/// A make-up working Saturday of [`BRANCH`] (2026-12-05, following Wednesday's schedule):
/// slots like a weekday.
pub const MAKE_UP_SATURDAY: (i32, u32, u32) = (2026, 12, 5);
/// The weekday whose schedule [`MAKE_UP_SATURDAY`] follows.
pub const MAKE_UP_FOLLOWS: chrono::Weekday = chrono::Weekday::Wed;

/// Prefix B, seed 600 s, order appointment, green channel, normal. Not bookable.
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
