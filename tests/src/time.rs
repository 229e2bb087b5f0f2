//! Instants in the branches' time zone (Asia/Shanghai, UTC+8 all year).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

/// `y-m-d h:mi` on the wall clocks of Shanghai, as UTC.
pub fn shanghai(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let zone = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    zone.with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .expect("a valid Shanghai wall-clock time")
        .with_timezone(&Utc)
}

/// Where every test's manual clock starts: 2026-11-27 09:00 in Shanghai.
pub fn start_of_test_day() -> DateTime<Utc> {
    shanghai(2026, 11, 27, 9, 0)
}

/// The whole seconds of a wire timestamp, if set.
pub fn seconds(at: Option<&prost_types::Timestamp>) -> Option<i64> {
    at.map(|t| t.seconds)
}
