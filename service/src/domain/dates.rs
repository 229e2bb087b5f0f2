//! Calendar dates as requests write them: `YYYY-MM-DD`, and ranges of them.

use chrono::NaiveDate;

use crate::error::{QueueError, QueueResult};

/// A date written exactly `YYYY-MM-DD` (zero-padded: `2026-1-1` is refused).
pub fn parse_date(field: &'static str, value: &str) -> QueueResult<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| QueueError::invalid(field, format!("'{value}' is not a date YYYY-MM-DD")))
}

/// Local days `from..=to` of a request's `from_date` and `to_date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// `from_date` and `to_date` (empty: the one day `from_date`), at most `max_days` days.
    /// Errors name `from_date` or `to_date`.
    pub fn parse(from: &str, to: &str, max_days: i64) -> QueueResult<Self> {
        let from = parse_date("from_date", from)?;
        let to = if to.is_empty() {
            from
        } else {
            parse_date("to_date", to)?
        };
        Self::checked(from, to, "to_date", max_days)
    }

    /// `from..=to` if it is not backwards and spans at most `max_days` days; errors name
    /// `field`.
    pub fn checked(
        from: NaiveDate,
        to: NaiveDate,
        field: &'static str,
        max_days: i64,
    ) -> QueueResult<Self> {
        if to < from {
            return Err(QueueError::invalid(
                field,
                format!("{to} is before from_date {from}"),
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > max_days {
            return Err(QueueError::invalid(
                field,
                format!("the range spans {days} days; at most {max_days} may be asked at once"),
            ));
        }
        Ok(Self { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert_eq!(parse_date("d", "2026-01-05").ok(), Some(day("2026-01-05")));
        for bad in ["2026-1-5", " 2026-01-05", "2026/01/05", "", "2026-02-30"] {
            let err = parse_date("d", bad).expect_err(bad);
            assert!(err.to_string().contains('d'), "{err}");
        }
    }

    #[test]
    fn a_range_is_forwards_and_bounded() {
        let one = DateRange::parse("2026-01-05", "", 62).expect("one day");
        assert_eq!((one.from, one.to), (day("2026-01-05"), day("2026-01-05")));
        let full = DateRange::parse("2026-01-01", "2026-03-03", 62).expect("62 days");
        assert_eq!(full.to, day("2026-03-03"));
        let too_long = DateRange::parse("2026-01-01", "2026-03-04", 62).expect_err("63 days");
        assert!(too_long.to_string().contains("63 days"), "{too_long}");
        let backwards = DateRange::parse("2026-01-05", "2026-01-04", 62).expect_err("backwards");
        assert!(backwards.to_string().contains("before"), "{backwards}");
        let bad_to = DateRange::parse("2026-01-05", "x", 62).expect_err("bad to");
        assert!(bad_to.to_string().contains("to_date"), "{bad_to}");
    }
}
