//! Mainland mobile numbers, masked everywhere but the request to the SMS provider.

use std::fmt;

use crate::error::QueueError;

/// An 11-digit mainland mobile number (`1[3-9]xxxxxxxxx`). `Debug` and `Display` show it
/// masked (`138****1234`); only [`Phone::e164`] and [`Phone::digits`] give it in full.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13812341234`, `+8613812341234`, `8613812341234`, with spaces or dashes.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let digits: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
            .unwrap_or(&digits);
        let valid = digits.len() == 11
            && digits.chars().all(|c| c.is_ascii_digit())
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9');
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(QueueError::invalid(
                field,
                "is not a mainland mobile number (11 digits starting 13–19)",
            ))
        }
    }

    /// The 11 digits, for storage.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `+8613812341234`, for the SMS provider only.
    pub fn e164(&self) -> String {
        format!("+86{}", self.0)
    }

    /// `138****1234`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_spellings_and_masks_everywhere() {
        for input in [
            "13812341234",
            "+86 138 1234 1234",
            "8613812341234",
            "138-1234-1234",
        ] {
            let phone = Phone::parse("phone", input).expect(input);
            assert_eq!(phone.digits(), "13812341234");
            assert_eq!(phone.to_string(), "138****1234");
            assert_eq!(format!("{phone:?}"), "Phone(138****1234)");
            assert_eq!(phone.e164(), "+8613812341234");
        }
    }

    #[test]
    fn rejects_what_is_not_a_mobile_number() {
        for input in [
            "",
            "1381234123",
            "23812341234",
            "12812341234",
            "1381234123x",
            "+1 415 555 0100",
        ] {
            let err = Phone::parse("phone", input).expect_err(input);
            assert!(err.to_string().contains("phone"));
        }
    }
}
