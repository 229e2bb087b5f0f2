//! Statistics and ratings as people read them.

use super::queue::table;
use crate::pb;

/// Whole seconds as `45s`, `4m05s`, `1h02m`.
pub fn duration(seconds: f64) -> String {
    let total = if seconds.is_finite() && seconds > 0.0 {
        // Rounded to the second; figures beyond u32 seconds (136 years) do not occur.
        seconds.round().min(f64::from(u32::MAX)) as u64
    } else {
        0
    };
    match total {
        0..60 => format!("{total}s"),
        60..3600 => format!("{}m{:02}s", total / 60, total % 60),
        _ => format!("{}h{:02}m", total / 3600, total % 3600 / 60),
    }
}

/// A rate as a percentage with one decimal: `12.5%`.
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// An average score, `4.50`, or `-` when nothing was rated.
fn score(ratings: u32, average: f64) -> String {
    if ratings == 0 || average == 0.0 {
        "-".to_owned()
    } else {
        format!("{average:.2}")
    }
}

/// `service`, `window`, `hour`.
pub fn group_name(group: pb::StatisticsGroup) -> &'static str {
    match group {
        pb::StatisticsGroup::Unspecified | pb::StatisticsGroup::Service => "service",
        pb::StatisticsGroup::Window => "window",
        pb::StatisticsGroup::Hour => "hour",
    }
}

/// The figures as one table, a row per group and a `total` row:
///
/// ```text
/// statistics of district-centre, 2026-11-27, by service
///
/// SERVICE          TICKETS  DONE  NO-SHOW  CANCELLED  EXPIRED  TRANSFERRED  AVG WAIT  P90 WAIT  AVG SERVICE  P90 SERVICE  NO-SHOW RATE  APPOINTMENTS  RATINGS  SCORE
/// social-security  3        2     1        0          0        0            4m05s     6m00s     5m00s        5m00s        33.3%         33.3%         1        5.00
/// total            3        2     1        0          0        0            4m05s     6m00s     5m00s        5m00s        33.3%         33.3%         1        5.00
/// ```
///
/// Service times are `-` where nothing was done, scores `-` where nothing was rated. When
/// the range has ratings, a last line gives the total's average of each aspect.
pub fn statistics(
    branch: &str,
    from: &str,
    to: &str,
    group: pb::StatisticsGroup,
    stats: &crate::Statistics,
) -> String {
    let range = if to.is_empty() || to == from {
        from.to_owned()
    } else {
        format!("{from} to {to}")
    };
    let mut out = vec![
        format!("statistics of {branch}, {range}, by {}", group_name(group)),
        String::new(),
    ];
    let key_title = group_name(group).to_uppercase();
    let mut rows = vec![
        [
            key_title.as_str(),
            "TICKETS",
            "DONE",
            "NO-SHOW",
            "CANCELLED",
            "EXPIRED",
            "TRANSFERRED",
            "AVG WAIT",
            "P90 WAIT",
            "AVG SERVICE",
            "P90 SERVICE",
            "NO-SHOW RATE",
            "APPOINTMENTS",
            "RATINGS",
            "SCORE",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in &stats.rows {
        let key = match group {
            pb::StatisticsGroup::Hour if row.key.len() == 2 => format!("{}:00", row.key),
            _ => row.key.clone(),
        };
        rows.push(figures(key, row));
    }
    rows.push(figures("total".to_owned(), &stats.total));
    out.extend(table(&rows));
    let total = &stats.total;
    if total.ratings > 0 {
        out.push(String::new());
        out.push(format!(
            "ratings: {}, overall {}, attitude {}, quality {}, efficiency {}, integrity {}",
            total.ratings,
            score(total.ratings, total.average_overall),
            score(total.ratings, total.average_attitude),
            score(total.ratings, total.average_quality),
            score(total.ratings, total.average_efficiency),
            score(total.ratings, total.average_integrity),
        ));
    }
    out.join("\n")
}

fn figures(key: String, row: &pb::StatisticsRow) -> Vec<String> {
    let service_time = |seconds: f64| {
        if row.done == 0 {
            "-".to_owned()
        } else {
            duration(seconds)
        }
    };
    vec![
        key,
        row.tickets.to_string(),
        row.done.to_string(),
        row.no_shows.to_string(),
        row.cancelled.to_string(),
        row.expired.to_string(),
        row.transferred.to_string(),
        duration(row.average_wait_seconds),
        duration(row.p90_wait_seconds),
        service_time(row.average_service_seconds),
        service_time(row.p90_service_seconds),
        percent(row.no_show_rate),
        percent(row.appointment_share),
        row.ratings.to_string(),
        score(row.ratings, row.average_overall),
    ]
}

/// `rating of district-centre.20261127.A001: overall 5/5`, then a `  key: n/5` line for each
/// aspect rated and the comment.
pub fn rating(rating: &pb::Rating) -> String {
    let mut lines = vec![format!(
        "rating of {}: overall {}/5",
        rating.ticket_id, rating.overall
    )];
    for (aspect, value) in [
        ("attitude", rating.attitude),
        ("quality", rating.quality),
        ("efficiency", rating.efficiency),
        ("integrity", rating.integrity),
    ] {
        if value > 0 {
            lines.push(format!("  {aspect}: {value}/5"));
        }
    }
    if !rating.comment.is_empty() {
        lines.push(format!("  comment: {}", rating.comment));
    }
    lines.join("\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "history_tests.rs"]
mod tests;
