//! The hall file as serde reads it. Every field is parsed where it is read (ids, prefixes,
//! time zones, limits, call rules), so a bad value fails inside serde and its error carries
//! the line (and, for YAML, the path); the scalar checks live in `scalar`. Cross-references
//! are checked afterwards in `check`.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::booking::{RawAppointments, RawYear};
use super::scalar::{AtLeastOne, Name, Number, Prefix, Slug, TimeZone};
use crate::domain::{BranchId, CallRule, PriorityClass, ServiceId};
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
    /// Holidays and make-up working days, per year.
    #[serde(default)]
    pub calendar: Vec<RawYear>,
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
    /// Absent: the service cannot be booked.
    #[serde(default)]
    pub appointments: Option<RawAppointments>,
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
