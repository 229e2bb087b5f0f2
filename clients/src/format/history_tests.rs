//! Formatting of statistics and ratings.

use super::*;
use crate::Statistics;

#[test]
fn durations_read_as_seconds_minutes_hours() {
    assert_eq!(duration(0.0), "0s");
    assert_eq!(duration(44.6), "45s");
    assert_eq!(duration(245.0), "4m05s");
    assert_eq!(duration(3599.4), "59m59s");
    assert_eq!(duration(3720.0), "1h02m");
    assert_eq!(duration(-3.0), "0s");
    assert_eq!(duration(f64::NAN), "0s");
}

#[test]
fn percentages_have_one_decimal() {
    assert_eq!(percent(0.0), "0.0%");
    assert_eq!(percent(1.0 / 3.0), "33.3%");
    assert_eq!(percent(1.0), "100.0%");
}

fn row(key: &str, done: u32, no_shows: u32) -> pb::StatisticsRow {
    pb::StatisticsRow {
        key: key.to_owned(),
        tickets: done + no_shows,
        done,
        no_shows,
        average_wait_seconds: 245.0,
        p90_wait_seconds: 360.0,
        average_service_seconds: 300.0,
        p90_service_seconds: 300.0,
        no_show_rate: f64::from(no_shows) / f64::from(done + no_shows),
        appointment_share: 0.5,
        ..pb::StatisticsRow::default()
    }
}

#[test]
fn one_row_per_group_and_a_total() {
    let mut total = row("", 1, 1);
    total.ratings = 1;
    total.average_overall = 5.0;
    total.average_attitude = 4.0;
    let stats = Statistics {
        rows: vec![row("social-security", 1, 0), row("tax", 0, 1)],
        total,
    };
    let text = statistics(
        "district-centre",
        "2026-11-27",
        "2026-11-27",
        pb::StatisticsGroup::Service,
        &stats,
    );
    let expected = "\
statistics of district-centre, 2026-11-27, by service

SERVICE          TICKETS  DONE  NO-SHOW  CANCELLED  EXPIRED  TRANSFERRED  AVG WAIT  P90 WAIT  AVG SERVICE  P90 SERVICE  NO-SHOW RATE  APPOINTMENTS  RATINGS  SCORE
social-security  1        1     0        0          0        0            4m05s     6m00s     5m00s        5m00s        0.0%          50.0%         0        -
tax              1        0     1        0          0        0            4m05s     6m00s     -            -            100.0%        50.0%         0        -
total            2        1     1        0          0        0            4m05s     6m00s     5m00s        5m00s        50.0%         50.0%         1        5.00

ratings: 1, overall 5.00, attitude 4.00, quality -, efficiency -, integrity -";
    assert_eq!(text, expected);
}

#[test]
fn hours_read_as_clock_times_and_a_range_names_both_ends() {
    let stats = Statistics {
        rows: vec![row("09", 1, 0)],
        total: row("", 1, 0),
    };
    let text = statistics(
        "b1",
        "2026-11-01",
        "2026-11-30",
        pb::StatisticsGroup::Hour,
        &stats,
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "statistics of b1, 2026-11-01 to 2026-11-30, by hour"
    );
    assert!(lines[2].starts_with("HOUR "), "{text}");
    assert!(lines[3].starts_with("09:00 "), "{text}");
    assert!(lines[4].starts_with("total "), "{text}");
    assert!(
        !text.contains("ratings:"),
        "no ratings line without ratings: {text}"
    );
}

#[test]
fn a_rating_lists_the_aspects_rated() {
    let r = pb::Rating {
        ticket_id: "district-centre.20261127.A001".to_owned(),
        overall: 5,
        attitude: 4,
        efficiency: 5,
        comment: "办事很快".to_owned(),
        ..pb::Rating::default()
    };
    assert_eq!(
        rating(&r),
        "\
rating of district-centre.20261127.A001: overall 5/5
  attitude: 4/5
  efficiency: 5/5
  comment: 办事很快"
    );
}
