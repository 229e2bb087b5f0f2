use super::*;

fn window(n: u32) -> WindowNo {
    WindowNo::parse("window", n).expect("window number")
}

/// Reads a spoken Chinese numeral back, independently of [`numeral`]: 一百零五 → 105.
fn read_numeral(text: &str) -> u32 {
    let mut total = 0;
    let mut digit: Option<u32> = None;
    for c in text.chars() {
        let place = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                let d = DIGITS
                    .iter()
                    .position(|w| w.starts_with(c))
                    .unwrap_or_else(|| panic!("unexpected character {c} in {text}"));
                digit = Some(u32::try_from(d).expect("small"));
                continue;
            }
        };
        total += digit.take().unwrap_or(1) * place;
    }
    total + digit.unwrap_or(0)
}

#[test]
fn first_call_text_speech_and_english() {
    let a = announce(&TicketNumber::new("A", 23), window(5), 0, true);
    assert_eq!(a.text, "请A023号到5号窗口办理");
    assert_eq!(a.speech, "请 A 零 二 三 号，到 五 号窗口办理");
    assert_eq!(a.english, "Number A023, please go to window 5.");
}

#[test]
fn recall_says_so_in_every_form() {
    let a = announce(&TicketNumber::new("A", 23), window(5), 1, true);
    assert_eq!(a.text, "再次呼叫：请A023号到5号窗口办理");
    assert_eq!(a.speech, "再次呼叫：请 A 零 二 三 号，到 五 号窗口办理");
    assert_eq!(
        a.english,
        "Calling again: number A023, please go to window 5."
    );
    let again = announce(&TicketNumber::new("A", 23), window(5), 3, false);
    assert!(again.text.starts_with("再次呼叫："));
}

#[test]
fn english_off_leaves_the_line_empty() {
    for recall in [0, 2] {
        let a = announce(&TicketNumber::new("B", 7), window(12), recall, false);
        assert_eq!(a.english, "");
        assert!(a.text.contains("B007号到12号窗口"), "{}", a.text);
        assert!(
            a.speech.contains("B 零 零 七 号，到 十二 号窗口"),
            "{}",
            a.speech
        );
    }
}

#[test]
fn multi_letter_prefixes_and_four_digit_numbers_are_spelled() {
    let a = announce(&TicketNumber::new("AB", 1234), window(100), 0, true);
    assert_eq!(a.text, "请AB1234号到100号窗口办理");
    assert_eq!(a.speech, "请 A B 一 二 三 四 号，到 一百 号窗口办理");
    assert_eq!(a.english, "Number AB1234, please go to window 100.");
}

#[test]
fn every_number_from_1_to_9999_is_spelled_digit_by_digit() {
    for seq in 1..=9999 {
        let shown = TicketNumber::new("A", seq).to_string();
        let spoken = spell(&shown);
        let words: Vec<&str> = spoken.split(' ').collect();
        assert_eq!(words.first(), Some(&"A"), "{shown}");
        let digits: String = words[1..]
            .iter()
            .map(|w| {
                let d = DIGITS
                    .iter()
                    .position(|x| x == w)
                    .unwrap_or_else(|| panic!("{w} is not a digit word in {spoken}"));
                char::from_digit(u32::try_from(d).expect("small"), 10).expect("digit")
            })
            .collect();
        assert_eq!(format!("A{digits}"), shown);
        assert!(words.len() >= 4, "at least three digits: {spoken}");
        assert!(!spoken.chars().any(|c| c.is_ascii_digit()), "{spoken}");
    }
}

#[test]
fn window_numerals_are_said_as_a_caller_says_them() {
    let cases = [
        (1, "一"),
        (2, "二"),
        (5, "五"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (105, "一百零五"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (120, "一百二十"),
        (199, "一百九十九"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (2305, "二千三百零五"),
        (9999, "九千九百九十九"),
    ];
    for (n, want) in cases {
        assert_eq!(numeral(n), want, "{n}");
    }
}

#[test]
fn window_numerals_1_to_199_read_back_to_their_number() {
    for n in 1..=199 {
        let said = numeral(n);
        assert_eq!(read_numeral(&said), n, "{n} said as {said}");
        assert!(!said.starts_with('零') && !said.ends_with('零'), "{said}");
        assert!(!said.contains("零零"), "{said}");
        if (10..20).contains(&n) {
            assert!(said.starts_with('十'), "{n} said as {said}");
        }
        let speech = announce(&TicketNumber::new("C", 1), window(n), 0, false).speech;
        assert!(
            speech.ends_with(&format!("到 {said} 号窗口办理")),
            "{speech}"
        );
    }
}

#[test]
fn every_window_numeral_up_to_9999_reads_back() {
    for n in 1..=9999 {
        let said = numeral(n);
        assert_eq!(read_numeral(&said), n, "{n} said as {said}");
        assert!(!said.contains("零零"), "{said}");
    }
}
