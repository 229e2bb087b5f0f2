//! The citizen's rating of a served ticket (好差评): checked once, at the adapter.

use chrono::{DateTime, Utc};

use crate::domain::TicketId;
use crate::error::QueueError;

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The five scores of a rating: `overall` 1 to 5; each aspect 0 (not rated) or 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    pub overall: u8,
    pub attitude: u8,
    pub quality: u8,
    pub efficiency: u8,
    pub integrity: u8,
}

impl Scores {
    /// Checks each score, naming the first field out of range.
    pub fn parse(
        overall: u32,
        attitude: u32,
        quality: u32,
        efficiency: u32,
        integrity: u32,
    ) -> Result<Self, QueueError> {
        fn score(field: &'static str, value: u32, min: u32) -> Result<u8, QueueError> {
            if (min..=5).contains(&value) {
                Ok(u8::try_from(value).unwrap_or(5))
            } else {
                Err(QueueError::invalid(
                    field,
                    format!("{value} is not a score from {min} to 5"),
                ))
            }
        }
        Ok(Self {
            overall: score("overall", overall, 1)?,
            attitude: score("attitude", attitude, 0)?,
            quality: score("quality", quality, 0)?,
            efficiency: score("efficiency", efficiency, 0)?,
            integrity: score("integrity", integrity, 0)?,
        })
    }
}

/// A comment of at most [`MAX_COMMENT_CHARS`] characters, trimmed.
pub fn parse_comment(text: &str) -> Result<String, QueueError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(QueueError::invalid(
            "comment",
            format!("has {chars} characters; at most {MAX_COMMENT_CHARS} are allowed"),
        ));
    }
    Ok(text.to_owned())
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub ticket: TicketId,
    pub scores: Scores,
    pub comment: String,
    pub rated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_out_of_range_name_their_field() {
        assert!(Scores::parse(5, 0, 1, 5, 3).is_ok());
        for (args, field) in [
            ((0, 0, 0, 0, 0), "overall"),
            ((6, 0, 0, 0, 0), "overall"),
            ((3, 6, 0, 0, 0), "attitude"),
            ((3, 0, 9, 0, 0), "quality"),
            ((3, 0, 0, 7, 0), "efficiency"),
            ((3, 0, 0, 0, 100), "integrity"),
        ] {
            let (o, a, q, e, i) = args;
            match Scores::parse(o, a, q, e, i) {
                Err(QueueError::InvalidArgument { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{args:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn comments_are_limited_to_500_characters_not_bytes() {
        assert_eq!(parse_comment("  很好  ").expect("short"), "很好");
        assert!(parse_comment(&"好".repeat(500)).is_ok());
        assert!(matches!(
            parse_comment(&"好".repeat(501)),
            Err(QueueError::InvalidArgument {
                field: "comment",
                ..
            })
        ));
    }
}
