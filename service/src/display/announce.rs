//! What the hall shows and speaks for a call: 「请A023号到5号窗口办理」. The spoken form spells
//! the ticket number letter by letter and digit by digit (「A 零 二 三」) and says the window
//! as a Chinese numeral (「五」, 「十二」, 「一百」), so that a zh-CN speech engine, also one
//! running offline in a TV browser, reads it the way a hall caller would.

use crate::domain::{TicketNumber, WindowNo};

use super::views::AnnouncementView;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const RECALL_TEXT: &str = "再次呼叫：";

/// The announcement of calling `number` to `window`; a recall (`recall_count > 0`) says so.
/// `english` adds the English line (the branch's `english_announcements`).
pub fn announce(
    number: &TicketNumber,
    window: WindowNo,
    recall_count: u32,
    english: bool,
) -> AnnouncementView {
    let recall = recall_count > 0;
    let prefix = if recall { RECALL_TEXT } else { "" };
    let shown = number.to_string();
    let text = format!("{prefix}请{shown}号到{window}号窗口办理");
    let speech = format!(
        "{prefix}请 {} 号，到 {} 号窗口办理",
        spell(&shown),
        numeral(window.get())
    );
    let english = match (english, recall) {
        (false, _) => String::new(),
        (true, false) => format!("Number {shown}, please go to window {window}."),
        (true, true) => format!("Calling again: number {shown}, please go to window {window}."),
    };
    AnnouncementView {
        text,
        speech,
        english,
    }
}

/// `A023` → `A 零 二 三`: letters as they are, digits one by one in Chinese, space-separated.
pub fn spell(shown: &str) -> String {
    let mut words: Vec<String> = Vec::with_capacity(shown.len());
    for c in shown.chars() {
        match c.to_digit(10).and_then(|d| DIGITS.get(d as usize)) {
            Some(word) => words.push((*word).to_owned()),
            None => words.push(c.to_string()),
        }
    }
    words.join(" ")
}

/// A Chinese numeral for 1..=9999 as it is said aloud: 5 五, 10 十, 12 十二, 21 二十一,
/// 100 一百, 105 一百零五, 110 一百一十, 1001 一千零一. 0 is 零; above 9999 the digits are
/// read one by one.
pub fn numeral(n: u32) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    if n > 9999 {
        return spell(&n.to_string());
    }
    const UNITS: [(u32, &str); 4] = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (place, unit) in UNITS {
        let digit = n / place % 10;
        if digit == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        // 10..=19 is 「十…」, not 「一十…」; inside a larger number the 一 stays (一百一十).
        if !(place == 10 && digit == 1 && out.is_empty()) {
            out.push_str(DIGITS[digit as usize]);
        }
        out.push_str(unit);
    }
    out
}

#[cfg(test)]
#[path = "announce_tests.rs"]
mod tests;
