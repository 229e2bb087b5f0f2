//! Unified social credit codes of companies and organisations (统一社会信用代码, GB 32100-2015).

use std::fmt;

use crate::error::QueueError;

/// The 31 characters a code may use (no I, O, S, V, Z); a character's value is its index.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters in the check.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// An 18-character unified social credit code; lowercase input is accepted and stored
/// upper-case.
///
/// A credit code is public (it is printed on the business licence), so [`CreditCode::as_str`]
/// gives it whole for storage and replies. Logs still see it masked like every identity type:
/// `Debug` and `Display` show [`CreditCode::masked`] (first 2 and last 4 characters,
/// `91************0Y43`), so a log line never mixes masked and clear identities.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code, checking length, characters and the check character.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let code = value.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(QueueError::invalid(field, "must be 18 characters"));
        }
        let Some(values) = code.bytes().map(char_value).collect::<Option<Vec<u32>>>() else {
            return Err(QueueError::invalid(
                field,
                "may use only digits and capital letters other than I, O, S, V and Z",
            ));
        };
        if check_value(&values[..17]) != values[17] {
            return Err(QueueError::invalid(
                field,
                "the check character does not match",
            ));
        }
        Ok(Self(code))
    }

    /// The whole code, for storage and replies.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `91************0Y43`: the first 2 and the last 4 characters.
    pub fn masked(&self) -> String {
        format!("{}************{}", &self.0[..2], &self.0[14..])
    }
}

fn char_value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|i| i as u32)
}

/// The value of the check character for the values of the first 17 characters.
fn check_value(body: &[u32]) -> u32 {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's published sample.
    const SAMPLE: &str = "91350100M000100Y43";

    fn with_check(body: &str) -> String {
        let values: Vec<u32> = body.bytes().map(|c| char_value(c).expect(body)).collect();
        let check = CHARSET[check_value(&values) as usize];
        format!("{body}{}", char::from(check))
    }

    fn reason(value: &str) -> String {
        CreditCode::parse("credit_code", value)
            .expect_err(value)
            .to_string()
    }

    #[test]
    fn the_published_sample_is_valid() {
        assert_eq!(with_check("91350100M000100Y4"), SAMPLE);
        let code = CreditCode::parse("credit_code", SAMPLE).expect(SAMPLE);
        assert_eq!(code.as_str(), SAMPLE);
    }

    #[test]
    fn codes_built_from_a_body_and_its_check_character_parse() {
        for body in [
            "91320412MA1MXXXX0",
            "12100000400000398",
            "52320400ABCDEFGHJ",
        ] {
            let code = with_check(body);
            CreditCode::parse("credit_code", &code).expect(&code);
        }
    }

    #[test]
    fn a_sum_divisible_by_31_gives_check_character_zero() {
        // W = 28: 28 × 1 + 1 × 3 = 31, so 31 − 0 = 31 maps to '0'.
        assert_eq!(with_check("W1000000000000000"), "W10000000000000000");
        CreditCode::parse("credit_code", "W10000000000000000").expect("check 0");
    }

    #[test]
    fn lowercase_input_is_stored_upper_case() {
        let code = CreditCode::parse("credit_code", " 91350100m000100y43 ").expect("lowercase");
        assert_eq!(code.as_str(), SAMPLE);
    }

    #[test]
    fn letters_outside_the_charset_are_rejected() {
        for letter in ['I', 'O', 'S', 'V', 'Z'] {
            let code = format!("91350100{letter}000100Y43");
            assert!(
                reason(&code).contains("other than I, O, S, V and Z"),
                "{code}"
            );
        }
        assert!(reason("91350100M000100Y4-").contains("may use only"));
    }

    #[test]
    fn a_wrong_check_character_or_length_is_named() {
        assert_eq!(
            reason("91350100M000100Y44"),
            "credit_code: the check character does not match"
        );
        for value in ["", "91350100M000100Y4", "91350100M000100Y430"] {
            assert_eq!(
                reason(value),
                "credit_code: must be 18 characters",
                "{value}"
            );
        }
    }

    #[test]
    fn debug_and_display_show_only_the_masked_form() {
        let code = CreditCode::parse("credit_code", SAMPLE).expect(SAMPLE);
        assert_eq!(code.masked(), "91************0Y43");
        assert_eq!(code.masked().len(), 18);
        assert_eq!(code.to_string(), "91************0Y43");
        assert_eq!(format!("{code:?}"), "CreditCode(91************0Y43)");
        assert!(!format!("{code:?} {code}").contains("M000100"));
    }
}
