//! Resident identity card numbers (居民身份证号, GB 11643-1999).

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::QueueError;

/// Weights of the 17 body digits in the ISO 7064 MOD 11-2 check.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// An 18-character resident ID number: a 6-digit region code, the birth date `YYYYMMDD`, a
/// 3-digit sequence and the check character (`0`–`9` or `X`; a lowercase `x` is accepted and
/// stored as `X`).
///
/// The number itself is never handed out: `Debug` and `Display` show [`ResidentId::masked`]
/// (first 3 and last 4 characters, `110***********002X`), and storage keeps
/// [`super::IdHasher::hash`] of it next to the masked form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId {
    /// The 18 ASCII characters, check character upper-case.
    number: String,
    birth_date: NaiveDate,
}

impl ResidentId {
    /// Parses a number, checking length, characters, region code, birth date (a real calendar
    /// date, not before 1900) and check digit. It does not know today's date, so it does not
    /// reject a birth date in the future: use [`ResidentId::parse_as_of`] for that.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let value = value.trim();
        if value.chars().count() != 18 {
            return Err(QueueError::invalid(field, "must be 18 characters"));
        }
        let bytes = value.as_bytes();
        let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
        let check = bytes[17].to_ascii_uppercase();
        if !body_ok || !(check.is_ascii_digit() || check == b'X') {
            return Err(QueueError::invalid(
                field,
                "must be 17 digits followed by a digit or X",
            ));
        }
        if bytes[0] == b'0' {
            return Err(QueueError::invalid(
                field,
                "the region code is not plausible",
            ));
        }
        let birth_date = NaiveDate::parse_from_str(&value[6..14], "%Y%m%d")
            .ok()
            .filter(|date| date.year() >= 1900)
            .ok_or_else(|| QueueError::invalid(field, "the birth date is not a valid date"))?;
        if check_character(&value[..17]) != Some(char::from(check)) {
            return Err(QueueError::invalid(field, "the check digit does not match"));
        }
        let mut number = value[..17].to_owned();
        number.push(char::from(check));
        Ok(Self { number, birth_date })
    }

    /// [`ResidentId::parse`], also rejecting a birth date after `today`.
    pub fn parse_as_of(
        field: &'static str,
        value: &str,
        today: NaiveDate,
    ) -> Result<Self, QueueError> {
        let id = Self::parse(field, value)?;
        if id.birth_date > today {
            return Err(QueueError::invalid(
                field,
                "the birth date is in the future",
            ));
        }
        Ok(id)
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// `110***********002X`: the first 3 and the last 4 characters.
    pub fn masked(&self) -> String {
        format!("{}***********{}", &self.number[..3], &self.number[14..])
    }

    /// The full number, for the keyed hash only.
    pub(super) fn clear(&self) -> &str {
        &self.number
    }
}

/// The check character of a 17-digit body, `None` when the body is not 17 ASCII digits.
fn check_character(body: &str) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (digit, weight) in body.chars().zip(WEIGHTS) {
        sum += digit.to_digit(10)? * weight;
    }
    CHECK_CHARS.get((sum % 11) as usize).map(|c| char::from(*c))
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's published sample.
    const SAMPLE: &str = "11010519491231002X";

    fn with_check(body: &str) -> String {
        format!("{body}{}", check_character(body).expect(body))
    }

    fn reason(value: &str) -> String {
        ResidentId::parse("id_number", value)
            .expect_err(value)
            .to_string()
    }

    #[test]
    fn the_published_sample_is_valid_and_its_check_character_is_x() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        let id = ResidentId::parse("id_number", SAMPLE).expect(SAMPLE);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).expect("date")
        );
        assert_eq!(id.clear(), SAMPLE);
    }

    #[test]
    fn numbers_built_from_a_body_and_its_check_digit_parse() {
        // 4*7 + 4*9 + 0 + 3*5 + 0 + 5*4 + 1*2 + 9*1 + 9*6 + 0 + 0 + 3*9 + 0 + 7*5 + 1*8
        // + 2*4 + 3*2 = 248; 248 mod 11 = 6 → "10X98765432"[6] = '6'.
        assert_eq!(check_character("44030519900307123"), Some('6'));
        for body in [
            "44030519900307123",
            "32040220000229001",
            "65010219851010555",
        ] {
            let number = with_check(body);
            ResidentId::parse("id_number", &number).expect(&number);
        }
    }

    #[test]
    fn a_lowercase_x_is_accepted_and_stored_upper_case() {
        let id = ResidentId::parse("id_number", " 11010519491231002x ").expect("lowercase x");
        assert_eq!(id.clear(), SAMPLE);
        assert_eq!(id, ResidentId::parse("id_number", SAMPLE).expect(SAMPLE));
    }

    #[test]
    fn a_wrong_check_digit_is_rejected_without_echoing_the_number() {
        let message = reason("110105194912310021");
        assert_eq!(message, "id_number: the check digit does not match");
        assert!(!message.contains("1101"));
    }

    #[test]
    fn wrong_lengths_and_characters_are_named() {
        for value in ["", "11010519491231002", "11010519491231002X0", "身份证号码"] {
            assert_eq!(reason(value), "id_number: must be 18 characters", "{value}");
        }
        for value in [
            "1101051949123100XX",
            "11010519491231002A",
            "1101051949123 002X",
        ] {
            assert!(
                reason(value).contains("17 digits followed by a digit or X"),
                "{value}"
            );
        }
    }

    #[test]
    fn impossible_birth_dates_are_rejected() {
        for body in [
            "11010520010230001",
            "11010519991301001",
            "11010518991231001",
        ] {
            let number = with_check(body);
            assert_eq!(
                reason(&number),
                "id_number: the birth date is not a valid date",
                "{body}"
            );
        }
    }

    #[test]
    fn a_region_code_starting_with_zero_is_rejected() {
        let number = with_check("01010519491231002");
        assert!(reason(&number).contains("region code"));
    }

    #[test]
    fn a_birth_date_after_today_is_rejected_when_today_is_known() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let born_today = with_check("32040220261127001");
        let born_tomorrow = with_check("32040220261128001");
        ResidentId::parse_as_of("id_number", &born_today, today).expect("born today");
        ResidentId::parse("id_number", &born_tomorrow).expect("parse has no today");
        let err =
            ResidentId::parse_as_of("id_number", &born_tomorrow, today).expect_err("born tomorrow");
        assert_eq!(
            err.to_string(),
            "id_number: the birth date is in the future"
        );
    }

    #[test]
    fn debug_and_display_show_only_the_masked_form() {
        let id = ResidentId::parse("id_number", SAMPLE).expect(SAMPLE);
        assert_eq!(id.masked(), "110***********002X");
        assert_eq!(id.masked().chars().count(), 18);
        assert_eq!(id.to_string(), "110***********002X");
        assert_eq!(format!("{id:?}"), "ResidentId(110***********002X)");
        assert!(!format!("{id:?} {id} {id:#?}").contains("19491231"));
    }
}
