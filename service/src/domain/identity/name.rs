//! The name a citizen books under.

use std::fmt;

use crate::error::QueueError;

/// Longest accepted name, in characters.
const MAX_CHARS: usize = 50;

/// A citizen's name: 1–50 characters after trimming, no control characters.
///
/// `Debug` and `Display` show [`CitizenName::masked`]; [`CitizenName::as_str`] gives the name
/// for storage and for the window clerk.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CitizenName(String);

impl CitizenName {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let name = value.trim();
        let length = name.chars().count();
        if length == 0 {
            return Err(QueueError::invalid(field, "must not be empty"));
        }
        if length > MAX_CHARS {
            return Err(QueueError::invalid(
                field,
                format!("must be at most {MAX_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(QueueError::invalid(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name in Latin letters keeps the first letter of each word (`John Smith` → `J** S**`);
    /// any other name, Chinese ones included, keeps its first character (`张三丰` → `张**`).
    /// Two stars always, so the mask does not tell the length either.
    pub fn masked(&self) -> String {
        if self.0.chars().next().is_some_and(is_latin_letter) {
            self.0
                .split_whitespace()
                .filter_map(|word| word.chars().next())
                .map(|first| format!("{first}**"))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            let first = self.0.chars().next().unwrap_or('*');
            format!("{first}**")
        }
    }
}

/// A letter of the Latin script (ASCII, Latin-1 Supplement and Latin Extended-A/B).
fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic() && c <= '\u{024F}'
}

impl fmt::Display for CitizenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for CitizenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenName({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(value: &str) -> CitizenName {
        CitizenName::parse("name", value).expect(value)
    }

    #[test]
    fn chinese_names_keep_their_first_character() {
        assert_eq!(name("张三").masked(), "张**");
        assert_eq!(name("张三丰").masked(), "张**");
        assert_eq!(name("欧阳娜娜").masked(), "欧**");
        assert_eq!(name("阿卜杜·热合曼").masked(), "阿**");
    }

    #[test]
    fn latin_names_keep_the_first_letter_of_each_word() {
        assert_eq!(name("John Smith").masked(), "J** S**");
        assert_eq!(name("  Émile   Zola ").masked(), "É** Z**");
        assert_eq!(name("Li").masked(), "L**");
    }

    #[test]
    fn names_are_trimmed_and_kept_whole_for_storage() {
        assert_eq!(name("  张三丰 ").as_str(), "张三丰");
        assert_eq!(name(&"名".repeat(50)).as_str().chars().count(), 50);
    }

    #[test]
    fn empty_long_and_control_character_names_are_rejected() {
        let reason = |value: &str| {
            CitizenName::parse("name", value)
                .expect_err(value)
                .to_string()
        };
        assert_eq!(reason(""), "name: must not be empty");
        assert_eq!(reason(" \t "), "name: must not be empty");
        assert_eq!(
            reason(&"名".repeat(51)),
            "name: must be at most 50 characters"
        );
        for value in ["张\n三", "John\u{0}Smith", "\u{7f}x"] {
            assert_eq!(reason(value), "name: must not contain control characters");
        }
    }

    #[test]
    fn debug_and_display_show_only_the_masked_form() {
        let citizen = name("张三丰");
        assert_eq!(citizen.to_string(), "张**");
        assert_eq!(format!("{citizen:?}"), "CitizenName(张**)");
        assert!(!format!("{citizen:?} {citizen}").contains("三丰"));
    }
}
