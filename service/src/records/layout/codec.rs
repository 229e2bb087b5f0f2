//! How layout values are written in the database's columns: branch levels (`district`),
//! call rules (`strict_order`, `oldest_first`, `ratio:1:2`), priority orders
//! (`green_channel,appointment,normal`), weekday sets (bit 0 Monday … bit 6 Sunday), weekdays
//! (`mon`), times of day (minutes since midnight) and dates (`yyyy-mm-dd`).

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};

use crate::booking::SlotTemplate;
use crate::domain::{CallRule, PriorityClass};
use crate::hall::BranchLevel;

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The template's weekdays as a bit set.
pub fn weekday_mask(template: &SlotTemplate) -> i64 {
    WEEK.iter()
        .filter(|day| template.works_on(**day))
        .map(|day| 1_i64 << day.num_days_from_monday())
        .sum()
}

pub fn weekdays_of(mask: i64) -> Vec<Weekday> {
    WEEK.into_iter()
        .filter(|day| mask & (1 << day.num_days_from_monday()) != 0)
        .collect()
}

pub fn weekday_text(day: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.num_days_from_monday() as usize]
}

pub fn parse_weekday(text: &str) -> anyhow::Result<Weekday> {
    text.parse()
        .map_err(|_| anyhow::anyhow!("unknown weekday '{text}'"))
}

pub fn minute_of(time: NaiveTime) -> i64 {
    i64::from(time.num_seconds_from_midnight() / 60)
}

/// The time of day `minute` minutes after midnight (0..1440).
pub fn time_of(minute: i64) -> anyhow::Result<NaiveTime> {
    let minute = u32::try_from(minute).with_context(|| format!("minute {minute}"))?;
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)
        .with_context(|| format!("minute {minute} is not a time of day"))
}

pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn parse_date(text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").with_context(|| format!("date '{text}'"))
}

pub fn level_text(level: BranchLevel) -> &'static str {
    match level {
        BranchLevel::District => "district",
        BranchLevel::Town => "town",
        BranchLevel::Village => "village",
    }
}

pub fn parse_level(text: &str) -> anyhow::Result<BranchLevel> {
    Ok(match text {
        "district" => BranchLevel::District,
        "town" => BranchLevel::Town,
        "village" => BranchLevel::Village,
        other => bail!("unknown branch level '{other}'"),
    })
}

pub fn rule_text(rule: CallRule) -> String {
    match rule {
        CallRule::StrictOrder => "strict_order".to_owned(),
        CallRule::OldestFirst => "oldest_first".to_owned(),
        CallRule::Ratio { priority, normal } => format!("ratio:{priority}:{normal}"),
    }
}

pub fn parse_rule(text: &str) -> anyhow::Result<CallRule> {
    match text {
        "strict_order" => return Ok(CallRule::StrictOrder),
        "oldest_first" => return Ok(CallRule::OldestFirst),
        _ => {}
    }
    let parts = text
        .strip_prefix("ratio:")
        .and_then(|rest| rest.split_once(':'));
    let Some((priority, normal)) = parts else {
        bail!("unknown call rule '{text}'");
    };
    let parse = |part: &str| {
        part.parse::<u32>()
            .with_context(|| format!("call rule '{text}'"))
    };
    Ok(CallRule::Ratio {
        priority: parse(priority)?,
        normal: parse(normal)?,
    })
}

pub fn order_text(order: &[PriorityClass]) -> String {
    order
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse_order(text: &str) -> anyhow::Result<Vec<PriorityClass>> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            PriorityClass::parse(part).with_context(|| format!("unknown priority class '{part}'"))
        })
        .collect()
}

/// A `u32` read back from a BIGINT/INTEGER column.
pub fn to_u32(value: i64, column: &str) -> anyhow::Result<u32> {
    u32::try_from(value).with_context(|| format!("{column} {value} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_orders_read_back_as_written() {
        for rule in [
            CallRule::StrictOrder,
            CallRule::OldestFirst,
            CallRule::Ratio {
                priority: 1,
                normal: 2,
            },
        ] {
            assert_eq!(parse_rule(&rule_text(rule)).ok(), Some(rule));
        }
        let order = [PriorityClass::GreenChannel, PriorityClass::Appointment];
        assert_eq!(order_text(&order), "green_channel,appointment");
        assert_eq!(
            parse_order("green_channel,appointment").ok(),
            Some(order.to_vec())
        );
        assert_eq!(parse_order("").ok(), Some(Vec::new()));
        assert!(parse_rule("ratio:1").is_err());
        assert!(parse_order("vip").is_err());
    }
}
