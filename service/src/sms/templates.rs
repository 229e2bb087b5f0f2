//! The Chinese message of each reminder kind, with `{placeholder}`s filled at enqueue time.
//!
//! Every kind has a built-in default; a branch may override any kind in the `sms.templates`
//! settings (`templates: { "<branch id>": { turn_near: "…" } }`). [`Templates::new`] checks
//! every template once at start-up: an unknown placeholder, an unclosed `{` or a stray `}` is a
//! configuration error there, never a half-filled SMS later. Rendering then cannot fail: a
//! placeholder the kind does not supply renders empty.
//!
//! Placeholders: `{number}` ticket number, `{window}` window number, `{ahead}` people ahead,
//! `{service}` service name, `{branch}` branch name, `{date}` and `{time}` of the appointment
//! slot (in the branch's zone), `{code}` the appointment's check-in code. `{{` and `}}` write a
//! literal brace.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, bail};
use serde::Deserialize;

/// What a reminder is about; the `kind` column of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    TurnNear,
    Called,
    BookingConfirmed,
    AppointmentSoon,
    BookingCancelled,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::TurnNear,
        Kind::Called,
        Kind::BookingConfirmed,
        Kind::AppointmentSoon,
        Kind::BookingCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TurnNear => "turn_near",
            Kind::Called => "called",
            Kind::BookingConfirmed => "booking_confirmed",
            Kind::AppointmentSoon => "appointment_soon",
            Kind::BookingCancelled => "booking_cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Turn-near and called are sent in quiet hours too: the citizen is in or near the hall.
    pub fn urgent(self) -> bool {
        matches!(self, Kind::TurnNear | Kind::Called)
    }

    /// The built-in template.
    pub fn default_template(self) -> &'static str {
        match self {
            Kind::TurnNear => "【{branch}】您的{number}号前面还有{ahead}人，请回到大厅等候叫号。",
            Kind::Called => "【{branch}】请{number}号到{window}号窗口办理。",
            Kind::BookingConfirmed => {
                "【{branch}】您已预约{date} {time}的{service}，取号码{code}，请凭身份证按时到大厅取号。"
            }
            Kind::AppointmentSoon => {
                "【{branch}】提醒：您预约的{service}将于{date} {time}开始，取号码{code}，请提前到达。"
            }
            Kind::BookingCancelled => "【{branch}】您{date} {time}的{service}预约已取消。",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The placeholders a template may name.
pub const PLACEHOLDERS: [&str; 8] = [
    "number", "window", "ahead", "service", "branch", "date", "time", "code",
];

/// Per-branch overrides as configured: branch id → kind → template.
pub type TemplateOverrides = BTreeMap<String, BTreeMap<Kind, String>>;

/// The values of one message; unset ones render empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fill {
    pub number: String,
    pub window: String,
    pub ahead: String,
    pub service: String,
    pub branch: String,
    pub date: String,
    pub time: String,
    pub code: String,
}

impl Fill {
    fn get(&self, name: &str) -> &str {
        match name {
            "number" => &self.number,
            "window" => &self.window,
            "ahead" => &self.ahead,
            "service" => &self.service,
            "branch" => &self.branch,
            "date" => &self.date,
            "time" => &self.time,
            "code" => &self.code,
            _ => "",
        }
    }
}

/// One template split into literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Slot(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed(Vec<Part>);

impl Parsed {
    fn parse(template: &str) -> anyhow::Result<Parsed> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => bail!("unclosed '{{{name}'"),
                        }
                    }
                    let Some(slot) = PLACEHOLDERS.iter().find(|p| **p == name) else {
                        bail!(
                            "unknown placeholder '{{{name}}}' (known: {})",
                            PLACEHOLDERS.join(", ")
                        );
                    };
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Slot(slot));
                }
                '}' => bail!("a '}}' without its '{{' (write '}}}}' for a brace)"),
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Parsed(parts))
    }

    fn render(&self, fill: &Fill) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Slot(name) => out.push_str(fill.get(name)),
            }
        }
        out
    }
}

/// Every kind's template for every branch, checked.
#[derive(Debug, Clone)]
pub struct Templates {
    defaults: BTreeMap<Kind, Parsed>,
    branches: BTreeMap<String, BTreeMap<Kind, Parsed>>,
}

impl Templates {
    /// The defaults with these overrides; an error names the branch and kind of a bad one.
    pub fn new(overrides: &TemplateOverrides) -> anyhow::Result<Templates> {
        let defaults = Kind::ALL
            .into_iter()
            .map(|k| {
                Parsed::parse(k.default_template())
                    .map(|p| (k, p))
                    .with_context(|| format!("built-in sms template {k}"))
            })
            .collect::<anyhow::Result<_>>()?;
        let mut branches = BTreeMap::new();
        for (branch, kinds) in overrides {
            let mut parsed = BTreeMap::new();
            for (kind, template) in kinds {
                let p = Parsed::parse(template).with_context(|| {
                    format!("sms.templates.{branch}.{kind}: bad template '{template}'")
                })?;
                parsed.insert(*kind, p);
            }
            branches.insert(branch.clone(), parsed);
        }
        Ok(Templates { defaults, branches })
    }

    /// The built-in templates only.
    pub fn defaults() -> Templates {
        Templates::new(&TemplateOverrides::new()).expect("the built-in templates parse")
    }

    /// The message of `kind` for `branch`: its override, else the default.
    pub fn render(&self, branch: &str, kind: Kind, fill: &Fill) -> String {
        self.branches
            .get(branch)
            .and_then(|kinds| kinds.get(&kind))
            .unwrap_or(&self.defaults[&kind])
            .render(fill)
    }
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill() -> Fill {
        Fill {
            number: "A012".into(),
            window: "3".into(),
            ahead: "2".into(),
            service: "社保卡补办".into(),
            branch: "城关镇便民服务中心".into(),
            date: "2026-12-01".into(),
            time: "09:30".into(),
            code: "483920".into(),
        }
    }

    #[test]
    fn defaults_fill_turn_near_and_called() {
        let t = Templates::defaults();
        assert_eq!(
            t.render("b1", Kind::TurnNear, &fill()),
            "【城关镇便民服务中心】您的A012号前面还有2人，请回到大厅等候叫号。"
        );
        assert_eq!(
            t.render("b1", Kind::Called, &fill()),
            "【城关镇便民服务中心】请A012号到3号窗口办理。"
        );
    }

    #[test]
    fn every_default_renders_without_braces_left() {
        let t = Templates::defaults();
        for kind in Kind::ALL {
            let body = t.render("any", kind, &fill());
            assert!(!body.contains(['{', '}']), "{kind}: {body}");
            assert!(body.starts_with("【城关镇便民服务中心】"), "{kind}: {body}");
        }
        let booked = t.render("any", Kind::BookingConfirmed, &fill());
        assert!(booked.contains("2026-12-01 09:30") && booked.contains("483920"));
    }

    #[test]
    fn a_branch_override_applies_to_that_branch_only() {
        let mut overrides = TemplateOverrides::new();
        overrides
            .entry("village".into())
            .or_default()
            .insert(Kind::Called, "{number}号请到{window}号窗口 {{村}}".into());
        let t = Templates::new(&overrides).expect("valid");
        assert_eq!(
            t.render("village", Kind::Called, &fill()),
            "A012号请到3号窗口 {村}"
        );
        assert_eq!(
            t.render("town", Kind::Called, &fill()),
            "【城关镇便民服务中心】请A012号到3号窗口办理。"
        );
        assert!(
            t.render("village", Kind::TurnNear, &fill())
                .contains("前面还有2人")
        );
    }

    #[test]
    fn bad_templates_are_errors_at_start_up_naming_branch_and_kind() {
        for (bad, why) in [
            ("请{numbr}号", "unknown placeholder '{numbr}'"),
            ("请{number号", "unclosed"),
            ("请number}号", "without its"),
        ] {
            let mut overrides = TemplateOverrides::new();
            overrides
                .entry("town".into())
                .or_default()
                .insert(Kind::TurnNear, bad.into());
            let err = format!("{:#}", Templates::new(&overrides).expect_err(bad));
            assert!(err.contains("sms.templates.town.turn_near"), "{err}");
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn missing_values_render_empty() {
        let t = Templates::defaults();
        let body = t.render("b", Kind::Called, &Fill::default());
        assert_eq!(body, "【】请号到号窗口办理。");
    }

    #[test]
    fn kinds_round_trip_and_urgency() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
        assert!(Kind::TurnNear.urgent() && Kind::Called.urgent());
        assert!(!Kind::AppointmentSoon.urgent() && !Kind::BookingConfirmed.urgent());
    }

    #[test]
    fn overrides_deserialize_from_settings_shape() {
        let o: TemplateOverrides =
            serde_json::from_str(r#"{"town":{"turn_near":"{number}：还有{ahead}人"}}"#)
                .expect("json");
        assert_eq!(o["town"][&Kind::TurnNear], "{number}：还有{ahead}人");
        assert!(serde_json::from_str::<TemplateOverrides>(r#"{"t":{"tun_near":"x"}}"#).is_err());
    }
}
