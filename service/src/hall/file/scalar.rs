//! Single values of the hall file (ids, names, prefixes, time zones, limits, window
//! numbers), each checked inside the deserializer's own call so that serde reports the
//! error at the value's line and path.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::domain::{BranchId, ServiceId, WindowNo};
use crate::error::QueueError;

/// The reason of a domain parse error, without the field name (serde adds the path).
pub(super) fn reason(err: QueueError) -> String {
    match err {
        QueueError::InvalidArgument { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// Reads a string and checks it inside the deserializer's own call, so the error carries
/// the position and path of the value itself rather than of the enclosing map.
struct StrWith<F>(&'static str, F);

impl<'de, T, F: FnOnce(&str) -> Result<T, String>> de::Visitor<'de> for StrWith<F> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        (self.1)(value).map_err(E::custom)
    }
}

pub(super) fn parse_str<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    check: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(StrWith(expecting, check))
}

/// Reads a whole number and checks it inside the deserializer's call (see [`StrWith`]).
struct U32With<F>(F);

impl<'de, T, F: FnOnce(u32) -> Result<T, String>> de::Visitor<'de> for U32With<F> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        let value = u32::try_from(value).map_err(|_| E::custom(format!("{value} is too large")))?;
        (self.0)(value).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::custom(format!("{value} is negative"))),
        }
    }
}

fn parse_u32<'de, D, T>(
    deserializer: D,
    check: impl FnOnce(u32) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_u32(U32With(check))
}

/// A branch or service id, checked by the domain's parser.
#[derive(Debug)]
pub(super) struct Slug<T>(pub T);

impl<'de> Deserialize<'de> for Slug<BranchId> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a branch id", |text| {
            BranchId::parse("id", text).map(Slug).map_err(reason)
        })
    }
}

impl<'de> Deserialize<'de> for Slug<ServiceId> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a service id", |text| {
            ServiceId::parse("id", text).map(Slug).map_err(reason)
        })
    }
}

/// A display name: not blank, at most 100 characters.
#[derive(Debug)]
pub(super) struct Name(pub String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a name", |text| {
            crate::hall::check_name(text).map(Self)
        })
    }
}

/// A ticket prefix: 1–4 capital letters.
#[derive(Debug)]
pub(super) struct Prefix(pub String);

impl<'de> Deserialize<'de> for Prefix {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a ticket prefix", |text| {
            crate::hall::check_prefix(text).map(Self)
        })
    }
}

/// An IANA time zone; Asia/Shanghai when absent.
#[derive(Debug)]
pub(super) struct TimeZone(pub chrono_tz::Tz);

impl Default for TimeZone {
    fn default() -> Self {
        Self(chrono_tz::Asia::Shanghai)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "an IANA time zone", |text| {
            text.parse::<chrono_tz::Tz>().map(Self).map_err(|_| {
                format!("time zone '{text}' is not an IANA time zone such as Asia/Shanghai")
            })
        })
    }
}

/// A limit or duration that must be at least 1.
#[derive(Debug, Clone, Copy)]
pub(super) struct AtLeastOne(pub u32);

impl<'de> Deserialize<'de> for AtLeastOne {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_u32(deserializer, |n| match n {
            0 => Err("must be at least 1".to_owned()),
            n => Ok(Self(n)),
        })
    }
}

/// A window number from 1.
#[derive(Debug, Clone, Copy)]
pub(super) struct Number(pub WindowNo);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_u32(deserializer, |n| {
            WindowNo::parse("number", n).map(Self).map_err(reason)
        })
    }
}
