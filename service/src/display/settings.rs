//! The `display` section of the configuration (env `QUEUECALL_DISPLAY__<KEY>`).

use serde::{Deserialize, Serialize};

/// Limits of the display streams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDisplaySettings")]
pub struct DisplaySettings {
    /// The latest calls a snapshot carries (0..=100).
    pub recent_calls: usize,
    /// Events buffered per watched branch for the slowest display on this process
    /// (1..=1,000,000); a display further behind gets a fresh snapshot.
    pub branch_buffer: usize,
    /// Items buffered per display connection (1..=100,000).
    pub client_buffer: usize,
    /// Events the store keeps per branch for displays that resume (1..=1,000,000); a display
    /// further behind than this gets a fresh snapshot.
    pub event_retention: usize,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            recent_calls: 10,
            branch_buffer: 1024,
            client_buffer: 64,
            event_retention: crate::store::DEFAULT_EVENT_RETENTION,
        }
    }
}

/// The section as written, checked into [`DisplaySettings`].
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawDisplaySettings {
    recent_calls: usize,
    branch_buffer: usize,
    client_buffer: usize,
    event_retention: usize,
}

impl Default for RawDisplaySettings {
    fn default() -> Self {
        let d = DisplaySettings::default();
        Self {
            recent_calls: d.recent_calls,
            branch_buffer: d.branch_buffer,
            client_buffer: d.client_buffer,
            event_retention: d.event_retention,
        }
    }
}

impl TryFrom<RawDisplaySettings> for DisplaySettings {
    type Error = String;

    fn try_from(raw: RawDisplaySettings) -> Result<Self, String> {
        let check = |name: &str, value: usize, min: usize, max: usize| {
            if (min..=max).contains(&value) {
                Ok(value)
            } else {
                Err(format!(
                    "display.{name} is {value}; it must be {min}..={max}"
                ))
            }
        };
        Ok(Self {
            recent_calls: check("recent_calls", raw.recent_calls, 0, 100)?,
            branch_buffer: check("branch_buffer", raw.branch_buffer, 1, 1_000_000)?,
            client_buffer: check("client_buffer", raw.client_buffer, 1, 100_000)?,
            event_retention: check("event_retention", raw.event_retention, 1, 1_000_000)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<DisplaySettings, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn missing_keys_take_defaults() {
        assert_eq!(parse("{}").expect("empty"), DisplaySettings::default());
        let some = parse("client_buffer: 8").expect("one key");
        assert_eq!(some.client_buffer, 8);
        assert_eq!(some.branch_buffer, 1024);
    }

    #[test]
    fn out_of_range_and_unknown_keys_are_errors() {
        assert!(
            parse("branch_buffer: 0")
                .unwrap_err()
                .contains("branch_buffer")
        );
        assert!(
            parse("client_buffer: 0")
                .unwrap_err()
                .contains("client_buffer")
        );
        assert!(
            parse("recent_calls: 101")
                .unwrap_err()
                .contains("recent_calls")
        );
        assert!(parse("recent_call: 5").is_err());
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail closures return figment's error type.
    fn the_environment_sets_the_display_section() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("QUEUECALL_DISPLAY__CLIENT_BUFFER", "8");
            jail.set_env("QUEUECALL_DISPLAY__RECENT_CALLS", "5");
            let settings = crate::config::Settings::load(None).expect("valid settings");
            assert_eq!(settings.display.client_buffer, 8);
            assert_eq!(settings.display.recent_calls, 5);
            assert_eq!(settings.display.branch_buffer, 1024);
            jail.set_env("QUEUECALL_DISPLAY__BRANCH_BUFFER", "0");
            let err = crate::config::Settings::load(None).expect_err("0 is refused");
            assert!(format!("{err:#}").contains("branch_buffer"), "{err:#}");
            Ok(())
        });
    }
}
