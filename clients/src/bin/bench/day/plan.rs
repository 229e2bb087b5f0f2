//! The plan of the day, decided up front and reproducibly (no random generator: a hash of
//! the ticket's index or id): which service each walk-in takes a number for, who gives a
//! phone number, who comes by the green channel, and what becomes of a called ticket.

use std::time::Duration;

/// What a window does with the ticket it called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// StartService, a clerk's moment, CompleteService.
    Serve,
    /// The citizen does not come: MarkNoShow.
    NoShow,
    /// StartService, then the clerk finds it belongs to another service: Transfer.
    Transfer,
}

/// The shares and sizes the day is planned with (per mille, so that the plan is integer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Walk-in tickets over the day.
    pub tickets: u32,
    /// The services walk-ins come for, most popular first.
    pub services: Vec<String>,
    /// How long the ticket machines hand out numbers.
    pub issuing: Duration,
    pub phone_per_mille: u32,
    pub green_per_mille: u32,
    pub no_show_per_mille: u32,
    pub transfer_per_mille: u32,
}

/// SplitMix64: a well-spread hash of a number.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A hash of a string (FNV-1a, then mixed).
pub fn hash_str(text: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    mix(h)
}

/// Per mille draw `salt` of `x`: 0..1000.
fn draw(x: u64, salt: u64) -> u32 {
    (mix(x ^ salt.wrapping_mul(0x9E37_79B9)) % 1000) as u32
}

impl Plan {
    /// The service of walk-in `i`: service k gets a weight of 20 - k (of 20 services the
    /// first is 20 times as busy as the last), as in a real hall a few services take most.
    pub fn service_of(&self, i: u32) -> &str {
        let n = self.services.len() as u64;
        if n == 0 {
            return "";
        }
        let total = n * (n + 1) / 2;
        let mut pick = mix(u64::from(i)) % total;
        for (k, service) in self.services.iter().enumerate() {
            let weight = n - k as u64;
            if pick < weight {
                return service;
            }
            pick -= weight;
        }
        &self.services[0]
    }

    /// The phone walk-in `i` leaves for SMS reminders, if any: a number of its own.
    pub fn phone_of(&self, i: u32) -> Option<String> {
        (draw(u64::from(i), 1) < self.phone_per_mille).then(|| format!("138{i:08}"))
    }

    /// Whether walk-in `i` comes by the green channel (elderly, disabled, …).
    pub fn green(&self, i: u32) -> bool {
        draw(u64::from(i), 2) < self.green_per_mille
    }

    /// When walk-in `i` takes its number, from the start of the day: evenly spread.
    pub fn take_at(&self, i: u32) -> Duration {
        if self.tickets == 0 {
            return Duration::ZERO;
        }
        self.issuing.mul_f64(f64::from(i) / f64::from(self.tickets))
    }

    /// What the window does with `ticket_id`. A ticket with a phone is never transferred (a
    /// call after a transfer sends a second "called" SMS, which would blur the once-only
    /// check of the reminders), nor one transferred already.
    pub fn fate(&self, ticket_id: &str, has_phone: bool, transferred: bool) -> Fate {
        let d = draw(hash_str(ticket_id), 3);
        if d < self.no_show_per_mille {
            Fate::NoShow
        } else if !has_phone && !transferred && d < self.no_show_per_mille + self.transfer_per_mille
        {
            Fate::Transfer
        } else {
            Fate::Serve
        }
    }

    /// Where a ticket of `service` is transferred to: the service seven places on.
    pub fn transfer_target(&self, service: &str) -> Option<&str> {
        let n = self.services.len();
        let k = self.services.iter().position(|s| s == service)?;
        (n > 1).then(|| self.services[(k + 7) % n].as_str())
    }
}

/// The number part of a ticket number (`A023` → 23).
pub fn number_of(ticket: &str) -> Option<u32> {
    let digits = ticket.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || digits.len() == ticket.len() {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn plan() -> Plan {
        Plan {
            tickets: 20_000,
            services: (0..20).map(|k| format!("s{k}")).collect(),
            issuing: Duration::from_secs(60),
            phone_per_mille: 200,
            green_per_mille: 50,
            no_show_per_mille: 30,
            transfer_per_mille: 20,
        }
    }

    #[test]
    fn busier_services_get_more_walk_ins_and_every_service_gets_some() {
        let plan = plan();
        let mut count: HashMap<&str, u32> = HashMap::new();
        for i in 0..20_000 {
            *count.entry(plan.service_of(i)).or_default() += 1;
        }
        assert_eq!(count.len(), 20);
        // Weights 20 and 1 of 210: about 1,905 and 95.
        assert!((1700..2100).contains(&count["s0"]), "{}", count["s0"]);
        assert!((50..150).contains(&count["s19"]), "{}", count["s19"]);
        assert!(count["s0"] > count["s10"] && count["s10"] > count["s19"]);
    }

    #[test]
    fn shares_come_out_near_their_per_mille() {
        let plan = plan();
        let phones = (0..20_000).filter(|&i| plan.phone_of(i).is_some()).count();
        let green = (0..20_000).filter(|&i| plan.green(i)).count();
        assert!((3_700..4_300).contains(&phones), "{phones}");
        assert!((800..1_200).contains(&green), "{green}");
        let fates: Vec<Fate> = (0..20_000)
            .map(|i| plan.fate(&format!("day-centre.A{i:03}"), false, false))
            .collect();
        let no_shows = fates.iter().filter(|f| **f == Fate::NoShow).count();
        let transfers = fates.iter().filter(|f| **f == Fate::Transfer).count();
        assert!((450..750).contains(&no_shows), "{no_shows}");
        assert!((280..520).contains(&transfers), "{transfers}");
    }

    #[test]
    fn phones_are_distinct_and_eleven_digits() {
        let plan = plan();
        let phones: Vec<String> = (0..20_000).filter_map(|i| plan.phone_of(i)).collect();
        let distinct: std::collections::HashSet<&String> = phones.iter().collect();
        assert_eq!(distinct.len(), phones.len());
        assert!(phones.iter().all(|p| p.len() == 11 && p.starts_with("138")));
    }

    #[test]
    fn a_ticket_with_a_phone_or_transferred_once_is_never_transferred() {
        let plan = plan();
        let ids: Vec<String> = (0..5_000).map(|i| format!("b.A{i:03}")).collect();
        let transferable = ids
            .iter()
            .filter(|id| plan.fate(id, false, false) == Fate::Transfer)
            .count();
        assert!(transferable > 0);
        assert!(
            ids.iter()
                .all(|id| plan.fate(id, true, false) != Fate::Transfer
                    && plan.fate(id, false, true) != Fate::Transfer)
        );
        // The no-show share does not depend on the phone.
        for id in &ids {
            assert_eq!(
                plan.fate(id, true, false) == Fate::NoShow,
                plan.fate(id, false, false) == Fate::NoShow
            );
        }
    }

    #[test]
    fn takes_are_spread_evenly_over_the_issuing_time() {
        let plan = plan();
        assert_eq!(plan.take_at(0), Duration::ZERO);
        assert_eq!(plan.take_at(10_000), Duration::from_secs(30));
        assert!(plan.take_at(19_999) < Duration::from_secs(60));
    }

    #[test]
    fn transfers_go_to_another_service() {
        let plan = plan();
        assert_eq!(plan.transfer_target("s0"), Some("s7"));
        assert_eq!(plan.transfer_target("s15"), Some("s2"));
        assert_eq!(plan.transfer_target("nope"), None);
        let alone = Plan {
            services: vec!["only".to_owned()],
            ..plan
        };
        assert_eq!(alone.transfer_target("only"), None);
    }

    #[test]
    fn ticket_numbers_parse_to_their_number() {
        assert_eq!(number_of("A023"), Some(23));
        assert_eq!(number_of("AB1000"), Some(1000));
        assert_eq!(number_of("A"), None);
        assert_eq!(number_of("023"), None);
        assert_eq!(number_of("A02x"), None);
    }
}
