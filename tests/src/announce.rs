//! What the hall must say for a call, written out independently of the service's own code
//! (docs: notes/issue3.md, "Announcements").

use queuecall_proto::v1::TicketCalled;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

fn digit(d: u32) -> &'static str {
    DIGITS[(d % 10) as usize]
}

/// A window number as spoken in Chinese: 5 五, 10 十, 12 十二, 21 二十一, 100 一百.
pub fn chinese_numeral(n: u32) -> String {
    match n {
        0..=9 => digit(n).to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n % 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", digit(rest)),
                10..=19 => format!("一{}", chinese_numeral(rest)),
                _ => chinese_numeral(rest),
            };
            format!("{}百{tail}", digit(n / 100))
        }
    }
}

/// A ticket number spelled for a speech engine: `A023` → `A 零 二 三`.
pub fn spelled_number(number: &str) -> String {
    number
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => digit(d).to_owned(),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 「请A023号到5号窗口办理」, with 「再次呼叫：」 before it for a recall.
pub fn announcement_text(number: &str, window: u32, recall_count: u32) -> String {
    let text = format!("请{number}号到{window}号窗口办理");
    if recall_count > 0 {
        format!("再次呼叫：{text}")
    } else {
        text
    }
}

/// "Number A023, please go to window 5." or, for a recall, "Calling again: number A023, …".
pub fn announcement_english(number: &str, window: u32, recall_count: u32) -> String {
    if recall_count > 0 {
        format!("Calling again: number {number}, please go to window {window}.")
    } else {
        format!("Number {number}, please go to window {window}.")
    }
}

/// Checks the announcement a call carries: the text exactly, the speech by its parts (the
/// spelled number after 「请」, the window as a Chinese numeral before 「号窗口办理」, and for a
/// recall 「再次呼叫」 too; the contracts disagree on a comma between the parts), the English
/// line exactly when `english` is on and empty otherwise.
#[track_caller]
pub fn assert_announcement(call: &TicketCalled, english: bool) {
    let announcement = call
        .announcement
        .as_ref()
        .unwrap_or_else(|| panic!("a call without its announcement: {call:?}"));
    let (number, window, recall) = (call.number.as_str(), call.window, call.recall_count);
    assert_eq!(
        announcement.text,
        announcement_text(number, window, recall),
        "the text of {call:?}"
    );
    let speech = &announcement.speech;
    let spoken_number = format!("请 {} 号", spelled_number(number));
    let spoken_window = format!("到 {} 号窗口办理", chinese_numeral(window));
    assert!(
        speech.contains(&spoken_number) && speech.ends_with(&spoken_window),
        "the speech of {number} at window {window} should hold {spoken_number:?} and end with \
         {spoken_window:?}: {speech:?}"
    );
    assert_eq!(
        speech.contains("再次呼叫"),
        recall > 0,
        "only a recall's speech says 再次呼叫: {speech:?} (recall {recall})"
    );
    let expected_english = if english {
        announcement_english(number, window, recall)
    } else {
        String::new()
    };
    assert_eq!(
        announcement.english, expected_english,
        "the English line of {number} at window {window} (branch English on: {english})"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_and_spelling_follow_the_contract_examples() {
        let numerals: Vec<String> = [5, 10, 12, 21, 100, 105, 110, 999]
            .into_iter()
            .map(chinese_numeral)
            .collect();
        assert_eq!(
            numerals,
            [
                "五",
                "十",
                "十二",
                "二十一",
                "一百",
                "一百零五",
                "一百一十",
                "九百九十九"
            ]
        );
        assert_eq!(spelled_number("A023"), "A 零 二 三");
        assert_eq!(spelled_number("HD100"), "H D 一 零 零");
        assert_eq!(
            announcement_text("A023", 5, 1),
            "再次呼叫：请A023号到5号窗口办理"
        );
    }
}
