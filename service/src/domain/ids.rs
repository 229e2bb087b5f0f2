//! Names of branches, services, windows and tickets.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::QueueError;

const MAX_ID_LEN: usize = 64;

fn parse_slug(field: &'static str, value: &str) -> Result<String, QueueError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(QueueError::invalid(field, "must not be empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(QueueError::invalid(
            field,
            format!("is longer than {MAX_ID_LEN} characters"),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(QueueError::invalid(
            field,
            format!("'{value}' may only hold letters, digits, '-' and '_'"),
        ));
    }
    Ok(value.to_owned())
}

/// A service centre or station, for example `district-centre`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BranchId(String);

impl BranchId {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        parse_slug(field, value).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BranchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service item (queue) of a branch, for example `social-security`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(String);

impl ServiceId {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        parse_slug(field, value).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A window (counter) number inside a branch: "5号窗口".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WindowNo(u32);

impl WindowNo {
    pub const MAX: u32 = 9999;
    pub fn parse(field: &'static str, value: u32) -> Result<Self, QueueError> {
        match value {
            0 => Err(QueueError::invalid(field, "must be a window number from 1")),
            n if n > Self::MAX => Err(QueueError::invalid(
                field,
                format!("{n} is above {}", Self::MAX),
            )),
            n => Ok(Self(n)),
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for WindowNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The number shown and spoken: a service prefix and a sequence from 1, `A023`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicketNumber {
    prefix: String,
    seq: u32,
}

impl TicketNumber {
    pub fn new(prefix: &str, seq: u32) -> Self {
        Self {
            prefix: prefix.to_owned(),
            seq,
        }
    }
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
    pub fn seq(&self) -> u32 {
        self.seq
    }
    /// Parses `A023`: one or more ASCII capitals, then digits.
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let split = value
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(value.len());
        let (prefix, digits) = value.split_at(split);
        if prefix.is_empty() || prefix.len() > 4 || !prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            return Err(QueueError::invalid(
                field,
                format!("'{value}' does not start with a ticket prefix such as 'A'"),
            ));
        }
        let seq = digits
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0 && digits.len() <= 7)
            .ok_or_else(|| {
                QueueError::invalid(
                    field,
                    format!("'{value}' does not end with a ticket sequence number"),
                )
            })?;
        Ok(Self::new(prefix, seq))
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.prefix, self.seq)
    }
}

/// A ticket's id: `<branch>.<yyyymmdd>.<number>`, unique across branches and days.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicketId {
    pub branch: BranchId,
    pub day: NaiveDate,
    pub number: TicketNumber,
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.day;
        write!(
            f,
            "{}.{:04}{:02}{:02}.{}",
            self.branch,
            d.year(),
            d.month(),
            d.day(),
            self.number
        )
    }
}

/// A day spelled `yyyymmdd` (eight digits), read without chrono's format machinery: ticket ids
/// are parsed on every read of a ticket.
fn parse_day(value: &str) -> Option<NaiveDate> {
    let digits = value.as_bytes();
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |from: usize, to: usize| {
        digits[from..to]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let year = i32::try_from(number(0, 4)).ok()?;
    NaiveDate::from_ymd_opt(year, number(4, 6), number(6, 8))
}

/// What a request names a ticket by: its full id, or `<branch>.<number>` for the branch's
/// current service day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRef {
    pub branch: BranchId,
    pub day: Option<NaiveDate>,
    pub number: TicketNumber,
}

impl TicketRef {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, QueueError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(QueueError::invalid(field, "must not be empty"));
        }
        if value.len() > 2 * MAX_ID_LEN {
            return Err(QueueError::invalid(field, "is too long to be a ticket id"));
        }
        let parts: Vec<&str> = value.split('.').collect();
        let shape = || {
            QueueError::invalid(
                field,
                format!(
                    "'{value}' is not a ticket id ('<branch>.<yyyymmdd>.<number>' or '<branch>.<number>')"
                ),
            )
        };
        let (branch, day, number) = match parts.as_slice() {
            [branch, day, number] => {
                let day = parse_day(day).ok_or_else(shape)?;
                (*branch, Some(day), *number)
            }
            [branch, number] => (*branch, None, *number),
            _ => return Err(shape()),
        };
        Ok(Self {
            branch: BranchId::parse(field, branch)?,
            day,
            number: TicketNumber::parse(field, number)?,
        })
    }

    /// The full id, taking `today` when the reference named no day.
    pub fn on(self, today: NaiveDate) -> TicketId {
        TicketId {
            branch: self.branch,
            day: self.day.unwrap_or(today),
            number: self.number,
        }
    }
}

impl TicketId {
    /// Parses a full id as the stores write it.
    pub fn parse(value: &str) -> Result<Self, QueueError> {
        let r = TicketRef::parse("ticket_id", value)?;
        let day = r.day.ok_or_else(|| {
            QueueError::invalid("ticket_id", format!("'{value}' names no service day"))
        })?;
        Ok(Self {
            branch: r.branch,
            day,
            number: r.number,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_round_trip_and_short_refs_take_today() {
        let id = TicketId::parse("district-centre.20261127.A023").expect("valid id");
        assert_eq!(id.to_string(), "district-centre.20261127.A023");
        assert_eq!(id.number.seq(), 23);
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
        let short = TicketRef::parse("ticket_id", "district-centre.B1000").expect("short");
        assert_eq!(
            short.on(today).to_string(),
            "district-centre.20261128.B1000"
        );
    }

    #[test]
    fn malformed_ticket_ids_name_the_field() {
        for bad in [
            "",
            "x",
            "a.b.c.d",
            "dc.2026.A1",
            "dc.20261301.A1",
            "dc.20260230.A1",
            "dc.2026112a.A1",
            "dc.+2026112.A1",
            "dc.20261127.023",
            "dc.A0",
            "d c.A1",
        ] {
            let err = TicketRef::parse("ticket_id", bad).expect_err(bad);
            assert!(err.to_string().contains("ticket_id"), "{bad}: {err}");
        }
    }

    #[test]
    fn window_zero_is_rejected() {
        assert!(WindowNo::parse("window", 0).is_err());
        assert_eq!(WindowNo::parse("window", 5).expect("5").get(), 5);
    }
}
