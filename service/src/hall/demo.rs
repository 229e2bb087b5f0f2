//! The demo hall of the embedded default (`demo.yaml`, compiled in): the district centre
//! `district-centre` with five services (two of them bookable), six windows and the 2026
//! and 2027 public holidays, and the village station `village-xixia` with two windows.
//! Seeds an empty records database when no hall file is configured.

use super::Hall;
use super::file::{HallFormat, parse};

/// The text of the demo hall file, a starting point for a real one.
pub const YAML: &str = include_str!("demo.yaml");

/// The demo hall. The embedded file is checked by a unit test; should it ever fail to parse,
/// the error is logged and the hall is empty.
pub fn hall() -> Hall {
    match parse(YAML, HallFormat::Yaml) {
        Ok(hall) => hall,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "embedded demo hall is invalid");
            Hall::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{BranchId, CallRule, WindowNo};

    #[test]
    fn demo_hall_has_a_district_centre_and_a_village_station() {
        let hall = super::parse(super::YAML, super::HallFormat::Yaml).expect("demo hall parses");
        let centre = hall
            .branch(&BranchId::parse("branch_id", "district-centre").expect("id"))
            .expect("district centre");
        assert_eq!(centre.name, "武进区政务服务中心");
        assert_eq!(centre.time_zone, chrono_tz::Asia::Shanghai);
        assert!(centre.english_announcements);
        assert_eq!(centre.services.len(), 5);
        assert_eq!(centre.windows.len(), 6);
        let rules: Vec<CallRule> = centre.windows.iter().map(|w| w.rule).collect();
        assert!(rules.contains(&CallRule::OldestFirst));
        assert!(rules.contains(&CallRule::StrictOrder));
        assert!(rules.contains(&CallRule::Ratio {
            priority: 1,
            normal: 2
        }));
        let first = centre
            .window(WindowNo::parse("window", 1).expect("1"))
            .expect("window 1");
        assert_eq!(first.name, "综合窗口");
        assert!(first.services.len() >= 3);
        let village = hall
            .branch(&BranchId::parse("branch_id", "village-xixia").expect("id"))
            .expect("village station");
        assert_eq!(village.windows.len(), 2);
        assert_eq!(village.parent.as_ref(), Some(&centre.id));
        assert_eq!(super::hall().branches.len(), 2);
        let bookable: Vec<&str> = centre
            .services
            .iter()
            .filter(|s| s.appointments.is_some())
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(bookable, ["social-security", "real-estate"]);
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        // National Day is closed; the Saturday after it works.
        assert_eq!(centre.calendar.schedule_of(date(2026, 10, 1)), None);
        assert_eq!(
            centre.calendar.schedule_of(date(2026, 10, 10)),
            Some(chrono::Weekday::Mon)
        );
        assert_eq!(centre.calendar.schedule_of(date(2027, 2, 6)), None);
        assert!(village.calendar.year(2026).is_none());
    }
}
