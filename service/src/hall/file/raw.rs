//! The hall file as serde reads it. Every field is parsed where it is read (ids, prefixes,
//! time zones, limits, call rules), so a bad value fails inside serde and its error carries
//! the line (and, for YAML, the path). Cross-references are checked afterwards in `check`.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::domain::{BranchId, CallRule, PriorityClass, ServiceId, WindowNo};
use crate::error::QueueError;
use crate::hall::BranchLevel;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHall {
    #[serde(deserialize_with = "non_empty")]
    pub branches: Vec<RawBranch>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBranch {
    pub id: Slug<BranchId>,
    pub name: Name,
    pub level: BranchLevel,
    #[serde(default)]
    pub parent: Option<Slug<BranchId>>,
    #[serde(default)]
    pub time_zone: TimeZone,
    #[serde(default)]
    pub english_announcements: bool,
    #[serde(deserialize_with = "non_empty")]
    pub services: Vec<RawService>,
    #[serde(deserialize_with = "non_empty")]
    pub windows: Vec<RawWindow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub id: Slug<ServiceId>,
    pub name: Name,
    pub prefix: Prefix,
    pub daily_limit: AtLeastOne,
    pub avg_service_seconds: AtLeastOne,
    #[serde(default = "three")]
    pub turn_near: u32,
    #[serde(default = "three")]
    pub recall_limit: u32,
    #[serde(default = "three")]
    pub requeue_offset: u32,
    #[serde(default = "two")]
    pub requeue_limit: u32,
    #[serde(default)]
    pub priority_order: PriorityOrder,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub number: Number,
    pub name: Name,
    #[serde(deserialize_with = "non_empty")]
    pub services: Vec<Slug<ServiceId>>,
    pub rule: Rule,
}

fn three() -> u32 {
    3
}

fn two() -> u32 {
    2
}

fn non_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let items = Vec::<T>::deserialize(deserializer)?;
    if items.is_empty() {
        return Err(de::Error::custom("must list at least one entry"));
    }
    Ok(items)
}

/// The reason of a domain parse error, without the field name (serde adds the path).
fn reason(err: QueueError) -> String {
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

fn parse_str<'de, D, T>(
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
            let text = text.trim();
            if text.is_empty() {
                return Err("name must not be empty".to_owned());
            }
            if text.chars().count() > 100 {
                return Err("name is longer than 100 characters".to_owned());
            }
            Ok(Self(text.to_owned()))
        })
    }
}

/// A ticket prefix: 1–4 capital letters.
#[derive(Debug)]
pub(super) struct Prefix(pub String);

impl<'de> Deserialize<'de> for Prefix {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, "a ticket prefix", |text| {
            let valid =
                (1..=4).contains(&text.len()) && text.chars().all(|c| c.is_ascii_uppercase());
            if valid {
                Ok(Self(text.to_owned()))
            } else {
                Err(format!(
                    "ticket prefix '{text}' must be 1 to 4 capital letters A-Z"
                ))
            }
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

/// A call rule: `strict_order`, `oldest_first` or `{ratio: {priority: P, normal: N}}` (both
/// at least 1). Read by hand because serde_yaml wants YAML tags for enums.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule(pub CallRule);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ratio {
    priority: u32,
    normal: u32,
}

const RULES: &str = "strict_order, oldest_first or {ratio: {priority: P, normal: N}}";

struct RuleVisitor;

impl<'de> de::Visitor<'de> for RuleVisitor {
    type Value = Rule;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a call rule: {RULES}")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Rule, E> {
        match value {
            "strict_order" => Ok(Rule(CallRule::StrictOrder)),
            "oldest_first" => Ok(Rule(CallRule::OldestFirst)),
            other => Err(E::custom(format!(
                "unknown call rule '{other}'; expected {RULES}"
            ))),
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Rule, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!(
                "empty call rule; expected {RULES}"
            )));
        };
        if key != "ratio" {
            return Err(de::Error::custom(format!(
                "unknown call rule '{key}'; expected {RULES}"
            )));
        }
        let Ratio { priority, normal } = map.next_value()?;
        if map.next_key::<String>()?.is_some() {
            return Err(de::Error::custom("a call rule has exactly one kind"));
        }
        if priority == 0 || normal == 0 {
            return Err(de::Error::custom(format!(
                "ratio needs priority and normal of at least 1 (got {priority}:{normal})"
            )));
        }
        Ok(Rule(CallRule::Ratio { priority, normal }))
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RuleVisitor)
    }
}

/// Priority classes from first called to last, each at most once.
#[derive(Debug)]
pub(super) struct PriorityOrder(pub Vec<PriorityClass>);

impl Default for PriorityOrder {
    fn default() -> Self {
        Self(vec![
            PriorityClass::GreenChannel,
            PriorityClass::Appointment,
            PriorityClass::Normal,
        ])
    }
}

impl<'de> Deserialize<'de> for PriorityOrder {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let classes = Vec::<PriorityClass>::deserialize(deserializer)?;
        for (i, class) in classes.iter().enumerate() {
            if classes[..i].contains(class) {
                return Err(de::Error::custom(format!(
                    "priority class '{}' is listed twice",
                    class.as_str()
                )));
            }
        }
        Ok(Self(classes))
    }
}
