//! A branch's queue: its services with their waiting numbers, and its windows.

use std::collections::HashMap;

use super::{minutes, state, window_state};
use crate::pb;

/// Waiting numbers printed per line under a service.
const NUMBERS_PER_LINE: usize = 15;

/// The branch as two tables (names last, since they may be wide CJK text):
///
/// ```text
/// branch district-centre (武进区政务服务中心), service day 2026-11-27, Asia/Shanghai
///
/// SERVICE          PREFIX  WAITING  EST. WAIT  ISSUED  NAME
/// social-security  A       2        10 min     5/300   社保医保
///   waiting: A004 A005
/// tax              B       0        0 min      0/200   税务
///   waiting: -
///
/// WINDOW  STATE   CURRENT       SERVICES             NAME
/// 1       open    A003 serving  social-security,tax  综合窗口
/// 2       paused  -             tax                  税务窗口 (lunch)
/// ```
///
/// `waiting` maps a service id to its waiting tickets in calling order (ListWaiting); a
/// service without an entry gets no `waiting:` line. With `only`, just that service and the
/// windows serving it are shown.
pub fn queue(
    branch: &pb::Branch,
    waiting: &HashMap<String, Vec<pb::Ticket>>,
    only: Option<&str>,
) -> String {
    let mut out = vec![header(branch), String::new()];

    let services: Vec<&pb::Service> = branch
        .services
        .iter()
        .filter(|s| only.is_none_or(|id| s.id == id))
        .collect();
    let mut rows = vec![cells([
        "SERVICE",
        "PREFIX",
        "WAITING",
        "EST. WAIT",
        "ISSUED",
        "NAME",
    ])];
    for s in &services {
        rows.push(vec![
            s.id.clone(),
            s.ticket_prefix.clone(),
            s.waiting.to_string(),
            minutes(s.estimated_wait_seconds),
            format!("{}/{}", s.issued_today, s.daily_limit),
            s.name.clone(),
        ]);
    }
    let mut rendered = table(&rows).into_iter();
    out.extend(rendered.next());
    for (s, row) in services.iter().zip(rendered) {
        out.push(row);
        if let Some(tickets) = waiting.get(&s.id) {
            out.extend(waiting_lines(tickets));
        }
    }

    out.push(String::new());
    let mut rows = vec![cells(["WINDOW", "STATE", "CURRENT", "SERVICES", "NAME"])];
    for w in branch
        .windows
        .iter()
        .filter(|w| only.is_none_or(|id| w.service_ids.iter().any(|s| s == id)))
    {
        let current = w.current_ticket.as_ref().map_or_else(
            || "-".to_owned(),
            |t| format!("{} {}", t.number, state(t.state())),
        );
        let mut name = w.name.clone();
        if w.state() == pb::WindowState::Paused && !w.pause_reason.is_empty() {
            name = format!("{name} ({})", w.pause_reason)
                .trim_start()
                .to_owned();
        }
        rows.push(vec![
            w.number.to_string(),
            window_state(w.state()).to_owned(),
            current,
            w.service_ids.join(","),
            name,
        ]);
    }
    out.extend(table(&rows));
    out.join("\n")
}

fn header(branch: &pb::Branch) -> String {
    let mut line = format!("branch {}", branch.id);
    if !branch.name.is_empty() {
        line.push_str(&format!(" ({})", branch.name));
    }
    line.push_str(&format!(", service day {}", branch.service_day));
    if !branch.time_zone.is_empty() {
        line.push_str(&format!(", {}", branch.time_zone));
    }
    line
}

fn waiting_lines(tickets: &[pb::Ticket]) -> Vec<String> {
    if tickets.is_empty() {
        return vec!["  waiting: -".to_owned()];
    }
    tickets
        .chunks(NUMBERS_PER_LINE)
        .enumerate()
        .map(|(i, chunk)| {
            let numbers: Vec<&str> = chunk.iter().map(|t| t.number.as_str()).collect();
            let lead = if i == 0 { "  waiting: " } else { "           " };
            format!("{lead}{}", numbers.join(" "))
        })
        .collect()
}

fn cells<const N: usize>(titles: [&str; N]) -> Vec<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

/// Pads every column but the last to its widest cell plus two spaces, counting a CJK
/// character as two columns, as terminals draw it.
pub(super) fn table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| display_width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < row.len() {
                    let pad = widths[c].saturating_sub(display_width(cell)) + 2;
                    line.push_str(&" ".repeat(pad));
                }
            }
            line.trim_end().to_owned()
        })
        .collect()
}

/// Terminal columns of `text`: two for each wide (CJK, full-width) character, one otherwise.
pub(super) fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::format::tests::ticket;

    fn branch() -> pb::Branch {
        let service =
            |id: &str, name: &str, prefix: &str, waiting, wait, issued, limit| pb::Service {
                id: id.to_owned(),
                name: name.to_owned(),
                ticket_prefix: prefix.to_owned(),
                daily_limit: limit,
                waiting,
                estimated_wait_seconds: wait,
                issued_today: issued,
            };
        let window = |number, name: &str, state: pb::WindowState, services: &[&str]| pb::Window {
            branch_id: "district-centre".to_owned(),
            number,
            name: name.to_owned(),
            state: state.into(),
            service_ids: services.iter().map(|s| (*s).to_owned()).collect(),
            ..pb::Window::default()
        };
        let mut open = window(
            1,
            "综合窗口",
            pb::WindowState::Open,
            &["social-security", "tax"],
        );
        let mut serving = ticket("A003", pb::TicketState::Serving);
        serving.window = 1;
        open.current_ticket = Some(serving);
        let mut paused = window(2, "税务窗口", pb::WindowState::Paused, &["tax"]);
        paused.pause_reason = "lunch".to_owned();
        pb::Branch {
            id: "district-centre".to_owned(),
            name: "武进区政务服务中心".to_owned(),
            time_zone: "Asia/Shanghai".to_owned(),
            service_day: "2026-11-27".to_owned(),
            services: vec![
                service("social-security", "社保医保", "A", 2, 600, 5, 300),
                service("tax", "税务", "B", 0, 0, 0, 200),
            ],
            windows: vec![open, paused],
        }
    }

    fn waiting() -> HashMap<String, Vec<pb::Ticket>> {
        HashMap::from([
            (
                "social-security".to_owned(),
                vec![
                    ticket("A004", pb::TicketState::Waiting),
                    ticket("A005", pb::TicketState::Waiting),
                ],
            ),
            ("tax".to_owned(), vec![]),
        ])
    }

    #[test]
    fn the_whole_branch() {
        let expected = "\
branch district-centre (武进区政务服务中心), service day 2026-11-27, Asia/Shanghai

SERVICE          PREFIX  WAITING  EST. WAIT  ISSUED  NAME
social-security  A       2        10 min     5/300   社保医保
  waiting: A004 A005
tax              B       0        0 min      0/200   税务
  waiting: -

WINDOW  STATE   CURRENT       SERVICES             NAME
1       open    A003 serving  social-security,tax  综合窗口
2       paused  -             tax                  税务窗口 (lunch)";
        assert_eq!(queue(&branch(), &waiting(), None), expected);
    }

    #[test]
    fn one_service_and_the_windows_serving_it() {
        let text = queue(&branch(), &waiting(), Some("social-security"));
        assert!(!text.contains("\ntax "), "{text}");
        assert!(text.contains("\n1       open"), "{text}");
        assert!(!text.contains("税务窗口"), "{text}");
        assert!(text.contains("  waiting: A004 A005"), "{text}");
    }

    #[test]
    fn long_queues_wrap_their_numbers() {
        let tickets: Vec<pb::Ticket> = (1..=20)
            .map(|n| ticket(&format!("A{n:03}"), pb::TicketState::Waiting))
            .collect();
        let lines = waiting_lines(&tickets);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("  waiting: A001 A002"), "{lines:?}");
        assert!(lines[0].ends_with("A015"), "{lines:?}");
        assert_eq!(lines[1], "           A016 A017 A018 A019 A020");
    }

    #[test]
    fn a_service_without_a_list_has_no_waiting_line() {
        let text = queue(&branch(), &HashMap::new(), None);
        assert!(!text.contains("waiting:"), "{text}");
    }
}
