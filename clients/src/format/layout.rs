//! The hall layout of the records database as people read it (`queuecallctl admin …`).

use super::queue::table;
use crate::{Layout, pb};

/// `district`, `town`, `village`.
pub fn level(level: pb::BranchLevel) -> &'static str {
    match level {
        pb::BranchLevel::Unspecified => "unknown",
        pb::BranchLevel::District => "district",
        pb::BranchLevel::Town => "town",
        pb::BranchLevel::Village => "village",
    }
}

/// `mon` … `sun`.
pub fn weekday(day: pb::Weekday) -> &'static str {
    match day {
        pb::Weekday::Unspecified => "?",
        pb::Weekday::Monday => "mon",
        pb::Weekday::Tuesday => "tue",
        pb::Weekday::Wednesday => "wed",
        pb::Weekday::Thursday => "thu",
        pb::Weekday::Friday => "fri",
        pb::Weekday::Saturday => "sat",
        pb::Weekday::Sunday => "sun",
    }
}

/// Weekdays with runs of three or more shortened: `mon-fri`, `mon,wed,sat`, `mon-wed,sat`.
pub fn weekdays(days: &[pb::Weekday]) -> String {
    let mut numbers: Vec<i32> = days.iter().map(|d| *d as i32).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let name = |n: i32| pb::Weekday::try_from(n).map_or("?", weekday);
    let mut parts = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}-{}", name(numbers[i]), name(numbers[j])));
        } else {
            parts.extend(numbers[i..=j].iter().map(|n| name(*n).to_owned()));
        }
        i = j + 1;
    }
    parts.join(",")
}

/// `strict-order`, `oldest-first`, `ratio 1:2`.
pub fn call_rule(window: &pb::WindowLayout) -> String {
    match window.call_rule() {
        pb::CallRule::Unspecified => "unknown".to_owned(),
        pb::CallRule::StrictOrder => "strict-order".to_owned(),
        pb::CallRule::OldestFirst => "oldest-first".to_owned(),
        pb::CallRule::Ratio => format!("ratio {}:{}", window.ratio_priority, window.ratio_normal),
    }
}

/// How a service is booked, in one cell: `mon-fri 09:00–12:00 13:30–17:00, 30 min × 5`, or
/// `-` when it cannot be booked.
pub fn booking(settings: Option<&pb::AppointmentSettings>) -> String {
    let Some(s) = settings else {
        return "-".to_owned();
    };
    let ranges: Vec<String> = s
        .time_ranges
        .iter()
        .map(|r| format!("{}–{}", r.start, r.end))
        .collect();
    format!(
        "{} {}, {} min × {}",
        weekdays(&s.weekdays().collect::<Vec<_>>()),
        ranges.join(" "),
        s.slot_minutes,
        s.capacity
    )
}

/// `layout version 7`, then per branch a header line, its services, windows and calendar:
///
/// ```text
/// layout version 7
///
/// branch district-centre (武进区政务服务中心), district, Asia/Shanghai, english announcements
/// SERVICE          PREFIX  DAILY LIMIT  APPOINTMENTS                                 NAME
/// social-security  A       300          mon-fri 09:00–12:00 13:30–17:00, 30 min × 5  社保医保
/// WINDOW  RULE          SERVICES             NAME
/// 1       strict-order  social-security,tax  综合窗口
/// calendar 2026: holidays 2026-10-01 2026-10-02; make-up days 2026-10-10 (mon)
/// ```
pub fn layout(layout: &Layout) -> String {
    let mut out = vec![format!("layout version {}", layout.version)];
    if layout.branches.is_empty() {
        out.push("no branches".to_owned());
    }
    for branch in &layout.branches {
        out.push(String::new());
        out.extend(branch_lines(branch));
    }
    out.join("\n")
}

fn branch_lines(branch: &pb::BranchLayout) -> Vec<String> {
    let mut head = format!("branch {}", branch.id);
    if !branch.name.is_empty() {
        head.push_str(&format!(" ({})", branch.name));
    }
    head.push_str(&format!(", {}", level(branch.level())));
    if !branch.parent_id.is_empty() {
        head.push_str(&format!(", parent {}", branch.parent_id));
    }
    head.push_str(&format!(", {}", branch.time_zone));
    if branch.english_announcements {
        head.push_str(", english announcements");
    }
    let mut out = vec![head];

    let mut rows = vec![
        ["SERVICE", "PREFIX", "DAILY LIMIT", "APPOINTMENTS", "NAME"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for s in &branch.services {
        rows.push(vec![
            s.id.clone(),
            s.ticket_prefix.clone(),
            s.daily_limit.to_string(),
            booking(s.appointments.as_ref()),
            s.name.clone(),
        ]);
    }
    out.extend(table(&rows));

    let mut rows = vec![
        ["WINDOW", "RULE", "SERVICES", "NAME"]
            .map(str::to_owned)
            .to_vec(),
    ];
    for w in &branch.windows {
        rows.push(vec![
            w.number.to_string(),
            call_rule(w),
            w.service_ids.join(","),
            w.name.clone(),
        ]);
    }
    out.extend(table(&rows));

    out.extend(branch.calendar.iter().map(calendar_line));
    out
}

/// `calendar 2026: holidays 2026-09-25 2026-10-01–2026-10-07; make-up days 2026-10-10 (mon)`
/// (three or more consecutive holidays as a range); `-` for none of either.
pub fn calendar_line(year: &pb::CalendarYear) -> String {
    let holidays = if year.holidays.is_empty() {
        "-".to_owned()
    } else {
        date_runs(&year.holidays).join(" ")
    };
    let make_up: Vec<String> = year
        .make_up_days
        .iter()
        .map(|d| format!("{} ({})", d.date, weekday(d.follows())))
        .collect();
    let make_up = if make_up.is_empty() {
        "-".to_owned()
    } else {
        make_up.join(" ")
    };
    format!(
        "calendar {}: holidays {holidays}; make-up days {make_up}",
        year.year
    )
}

/// Dates in their order, runs of three or more consecutive days as `first–last`; a date that
/// is not `YYYY-MM-DD` stands alone.
fn date_runs(dates: &[String]) -> Vec<String> {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let mut out = Vec::new();
    let mut i = 0;
    while i < dates.len() {
        let mut j = i;
        while j + 1 < dates.len()
            && matches!(
                (parse(&dates[j]), parse(&dates[j + 1])),
                (Some(a), Some(b)) if a.succ_opt() == Some(b)
            )
        {
            j += 1;
        }
        if j - i >= 2 {
            out.push(format!("{}–{}", dates[i], dates[j]));
        } else {
            out.extend(dates[i..=j].iter().cloned());
        }
        i = j + 1;
    }
    out
}

/// What ApplyHall did: `applied: layout version 8, 3 branches (a, b, c)`.
pub fn applied(layout: &Layout) -> String {
    let ids: Vec<&str> = layout.branches.iter().map(|b| b.id.as_str()).collect();
    let count = match ids.len() {
        1 => "1 branch".to_owned(),
        n => format!("{n} branches"),
    };
    format!(
        "applied: layout version {}, {count} ({})",
        layout.version,
        ids.join(", ")
    )
}

/// `service tax of district-centre created, layout version 9` (`done`: created, updated,
/// deleted).
pub fn done(what: &str, id: &str, branch: &str, done: &str, version: i64) -> String {
    format!("{what} {id} of {branch} {done}, layout version {version}")
}

/// `branch town-1 created, layout version 9`.
pub fn branch_done(branch: &str, done: &str, version: i64) -> String {
    format!("branch {branch} {done}, layout version {version}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "layout_tests.rs"]
mod tests;
