//! The hall board for a terminal (`queuecallctl display` on a TTY), redrawn whole on
//! every change:
//!
//! ```text
//! 武进区政务服务中心 (district-centre), service day 2026-11-27
//!
//! ══════════════════════════════════════════════
//!    请A023号到5号窗口办理
//!    Number A023, please go to window 5.
//! ══════════════════════════════════════════════
//!
//! NUMBER  WINDOW  RECALL  SERVICE          WINDOW NAME
//! A023    5       -       social-security  企业开办窗口
//! A022    2       1       social-security  社保医保窗口
//!
//! WINDOW  STATE   CURRENT      NAME
//! 5       open    A023 called  企业开办窗口
//!
//! SERVICE          WAITING  EST. WAIT  NAME
//! social-security  3        15 min     社保医保
//!
//! connected · last event 12
//! ```

use super::display::announcement;
use super::queue::table;
use super::{minutes, state, window_state};
use crate::board::{Board, Link};

const RULE: &str = "══════════════════════════════════════════════";

/// The whole board as text, without terminal control sequences.
pub fn board(board: &Board) -> String {
    let mut out = vec![header(board), String::new(), RULE.to_owned()];
    match board.latest_call() {
        Some(call) => {
            out.push(format!("   {}", announcement(call)));
            if let Some(english) = call.announcement.as_ref().map(|a| &a.english)
                && !english.is_empty()
            {
                out.push(format!("   {english}"));
            }
        }
        None => out.push("   (no calls yet)".to_owned()),
    }
    out.push(RULE.to_owned());
    out.push(String::new());

    let mut rows = vec![cells([
        "NUMBER",
        "WINDOW",
        "RECALL",
        "SERVICE",
        "WINDOW NAME",
    ])];
    for call in board.recent_calls.iter().rev() {
        let recall = match call.recall_count {
            0 => "-".to_owned(),
            n => n.to_string(),
        };
        rows.push(vec![
            call.number.clone(),
            call.window.to_string(),
            recall,
            call.service_id.clone(),
            call.window_name.clone(),
        ]);
    }
    out.extend(table(&rows));

    if let Some(branch) = &board.branch {
        out.push(String::new());
        let mut rows = vec![cells(["WINDOW", "STATE", "CURRENT", "NAME"])];
        for w in &branch.windows {
            let current = w.current_ticket.as_ref().map_or_else(
                || "-".to_owned(),
                |t| format!("{} {}", t.number, state(t.state())),
            );
            let mut name = w.name.clone();
            if !w.pause_reason.is_empty() {
                name = format!("{name} ({})", w.pause_reason);
            }
            rows.push(vec![
                w.number.to_string(),
                window_state(w.state()).to_owned(),
                current,
                name,
            ]);
        }
        out.extend(table(&rows));

        out.push(String::new());
        let mut rows = vec![cells(["SERVICE", "WAITING", "EST. WAIT", "NAME"])];
        for s in &branch.services {
            rows.push(vec![
                s.id.clone(),
                s.waiting.to_string(),
                minutes(s.estimated_wait_seconds),
                s.name.clone(),
            ]);
        }
        out.extend(table(&rows));
    }

    out.push(String::new());
    out.push(status(board));
    out.join("\n")
}

fn header(board: &Board) -> String {
    match &board.branch {
        Some(branch) if !branch.name.is_empty() => format!(
            "{} ({}), service day {}",
            branch.name, branch.id, branch.service_day
        ),
        Some(branch) => format!("{}, service day {}", branch.id, branch.service_day),
        None => board.branch_id.clone(),
    }
}

/// `connecting…`, `connected · last event 12`,
/// `reconnecting in 0.4 s · last event 12 · unavailable: …`.
pub fn status(board: &Board) -> String {
    let last = board
        .last_event_id
        .map(|id| format!(" · last event {id}"))
        .unwrap_or_default();
    match &board.link {
        Link::Connecting => format!("connecting…{last}"),
        Link::Connected => format!("connected{last}"),
        Link::Reconnecting { error, retry_in } => format!(
            "reconnecting in {:.1} s{last} · {error}",
            retry_in.as_secs_f64()
        ),
    }
}

fn cells<const N: usize>(titles: [&str; N]) -> Vec<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}
