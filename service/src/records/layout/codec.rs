//! How layout values are written in the database's text columns: branch levels
//! (`district`), call rules (`strict_order`, `oldest_first`, `ratio:1:2`) and priority orders
//! (`green_channel,appointment,normal`).

use anyhow::{Context, bail};

use crate::domain::{CallRule, PriorityClass};
use crate::hall::BranchLevel;

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
