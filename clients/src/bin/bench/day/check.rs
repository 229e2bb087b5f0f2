//! The six invariants of DESIGN.md, checked on what the day observed through the public API:
//! the tickets the kiosks were issued, the calls the windows got, the states GetTicket and
//! the statistics report at the end, the slots, the messages the fake SMS provider received
//! and two hall displays (one that stays, one that keeps reconnecting).

use std::collections::{BTreeMap, HashMap};

use super::display_check::resumed_display;
use super::plan::number_of;

/// A ticket as issued (by TakeTicket or CheckIn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: String,
    pub number: String,
    pub service: String,
}

/// What the bench last did with a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Done,
    NoShow,
}

/// A slot's seats at the end, and how many the bench booked in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSeats {
    pub id: String,
    pub capacity: u32,
    pub remaining: u32,
    pub booked_by_bench: u32,
}

/// A booking request sent twice with the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub first: String,
    pub second: String,
    pub replayed: bool,
}

/// One connection of the display that keeps reconnecting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    /// The event id it resumed after (0: a fresh watch).
    pub resumed_after: u64,
    /// The `last_event_id` of the snapshot it got, if it got one instead of a resume.
    pub snapshot: Option<u64>,
    pub events: Vec<u64>,
}

/// The two displays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Displays {
    /// Event ids of the display that stayed connected, after its latest snapshot.
    pub reference: Vec<u64>,
    /// The `last_event_id` of the reference's latest snapshot: it knows nothing before.
    pub reference_from: u64,
    pub segments: Vec<Segment>,
}

/// The statistics of the day (HistoryService/GetStatistics, total row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statistics {
    pub done: u32,
    pub no_shows: u32,
}

/// Everything the checks look at.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub issued: Vec<Issued>,
    /// `issued_today` of each service (GetBranch) at the end.
    pub issued_today: BTreeMap<String, u32>,
    /// The ticket id of every CallNext that returned one.
    pub calls: Vec<String>,
    pub transfers: HashMap<String, u32>,
    pub ended: HashMap<String, Ended>,
    /// GetTicket's state of each issued ticket at the end (absent: not found).
    pub states: HashMap<String, i32>,
    pub statistics: Option<Statistics>,
    pub slots: Vec<SlotSeats>,
    pub replays: Vec<Replay>,
    /// (To, Body) of every message the fake provider accepted.
    pub sms: Vec<(String, String)>,
    pub displays: Displays,
    /// The tickets, statistics and slots were read after the service was killed and
    /// restarted.
    pub after_restart: bool,
}

/// One invariant's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub invariant: u8,
    pub name: &'static str,
    pub pass: bool,
    pub detail: String,
}

/// Checks the six invariants in order.
pub fn check(seen: &Observed) -> Vec<Verdict> {
    vec![
        verdict(1, "ticket numbers unique and gapless", numbering(seen)),
        verdict(2, "a ticket handed out at most once", calls(seen)),
        verdict(3, "nothing lost", nothing_lost(seen)),
        verdict(4, "slots within capacity, bookings idempotent", slots(seen)),
        verdict(5, "a reminder reaches the provider once", reminders(seen)),
        verdict(
            6,
            "a resumed display misses nothing",
            resumed_display(&seen.displays),
        ),
    ]
}

fn verdict(invariant: u8, name: &'static str, outcome: Result<String, String>) -> Verdict {
    let (pass, detail) = match outcome {
        Ok(detail) => (true, detail),
        Err(detail) => (false, detail),
    };
    Verdict {
        invariant,
        name,
        pass,
        detail,
    }
}

fn numbering(seen: &Observed) -> Result<String, String> {
    let mut by_service: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for t in &seen.issued {
        let n = number_of(&t.number)
            .ok_or_else(|| format!("ticket {} has no number: '{}'", t.id, t.number))?;
        by_service.entry(&t.service).or_default().push(n);
    }
    for (service, numbers) in &mut by_service {
        numbers.sort_unstable();
        for (want, &got) in (1u32..).zip(numbers.iter()) {
            if got != want {
                return Err(format!(
                    "{service}: expected number {want}, found {got} (a duplicate or a gap)"
                ));
            }
        }
        let count = numbers.len() as u32;
        if let Some(&reported) = seen.issued_today.get(*service)
            && reported != count
        {
            return Err(format!(
                "{service}: {count} tickets issued but the branch reports {reported}"
            ));
        }
    }
    Ok(format!(
        "{} tickets in {} services numbered 1..n",
        seen.issued.len(),
        by_service.len()
    ))
}

fn calls(seen: &Observed) -> Result<String, String> {
    let issued: HashMap<&str, ()> = seen.issued.iter().map(|t| (t.id.as_str(), ())).collect();
    let mut count: HashMap<&str, u32> = HashMap::new();
    for id in &seen.calls {
        if !issued.contains_key(id.as_str()) {
            return Err(format!("CallNext handed out {id}, which was never issued"));
        }
        *count.entry(id).or_default() += 1;
    }
    for (id, n) in &count {
        let allowed = 1 + seen.transfers.get(*id).copied().unwrap_or(0);
        if *n > allowed {
            return Err(format!(
                "{id} was handed out {n} times but waited only {allowed} times"
            ));
        }
    }
    Ok(format!("{} calls, no ticket twice", seen.calls.len()))
}

const WAITING: i32 = 1;
const SERVING: i32 = 3;
const DONE: i32 = 4;
const NO_SHOW: i32 = 5;

fn nothing_lost(seen: &Observed) -> Result<String, String> {
    let (mut done, mut no_shows, mut live) = (0u32, 0u32, 0u32);
    for t in &seen.issued {
        let Some(&state) = seen.states.get(&t.id) else {
            return Err(format!(
                "{} was issued but GetTicket does not find it",
                t.id
            ));
        };
        let expected = match seen.ended.get(&t.id) {
            Some(Ended::Done) => Some(DONE),
            Some(Ended::NoShow) => Some(NO_SHOW),
            None => None,
        };
        match expected {
            Some(want) if state != want => {
                return Err(format!(
                    "{} ended as {} but GetTicket says state {state}",
                    t.id,
                    if want == DONE { "DONE" } else { "NO_SHOW" }
                ));
            }
            Some(_) if state == DONE => done += 1,
            Some(_) => no_shows += 1,
            None if (WAITING..=SERVING).contains(&state) => live += 1,
            None => {
                return Err(format!(
                    "{} was never ended by a window but is in final state {state}",
                    t.id
                ));
            }
        }
    }
    if let Some(stats) = seen.statistics
        && (stats.done, stats.no_shows) != (done, no_shows)
    {
        return Err(format!(
            "the statistics count {} done and {} no-shows, the tickets {done} and {no_shows}",
            stats.done, stats.no_shows
        ));
    }
    let stats = if seen.statistics.is_some() {
        ", the statistics agree"
    } else {
        ", statistics not read"
    };
    let restart = if seen.after_restart {
        ", read after a kill and restart"
    } else {
        ""
    };
    Ok(format!(
        "{done} done, {no_shows} no-show, {live} live{stats}{restart}"
    ))
}

fn slots(seen: &Observed) -> Result<String, String> {
    if seen.slots.is_empty() {
        return Err("no slot was read".to_owned());
    }
    for s in &seen.slots {
        if s.remaining > s.capacity {
            return Err(format!(
                "slot {} has {} seats left of {}",
                s.id, s.remaining, s.capacity
            ));
        }
        if s.capacity - s.remaining != s.booked_by_bench {
            return Err(format!(
                "slot {} holds {} bookings, the bench made {}",
                s.id,
                s.capacity - s.remaining,
                s.booked_by_bench
            ));
        }
    }
    for r in &seen.replays {
        if r.first != r.second || !r.replayed {
            return Err(format!(
                "the same booking request twice gave {} and {} (replayed: {})",
                r.first, r.second, r.replayed
            ));
        }
    }
    let booked: u32 = seen.slots.iter().map(|s| s.booked_by_bench).sum();
    let seats: u32 = seen.slots.iter().map(|s| s.capacity).sum();
    Ok(format!(
        "{booked} of {seats} seats booked, {} repeated requests gave the same appointment",
        seen.replays.len()
    ))
}

fn reminders(seen: &Observed) -> Result<String, String> {
    let mut count: HashMap<(&str, &str), u32> = HashMap::new();
    for (to, body) in &seen.sms {
        *count.entry((to, body)).or_default() += 1;
    }
    if let Some(((to, body), n)) = count.iter().find(|(_, n)| **n > 1) {
        return Err(format!(
            "the provider received the same message {n} times for {}: {body}",
            mask(to)
        ));
    }
    Ok(format!("{} messages, none twice", seen.sms.len()))
}

/// A phone number with its middle masked (`+86138****1234`).
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 8 {
        return "****".to_owned();
    }
    let keep = chars.len() - 4;
    let head: String = chars[..keep - 4].iter().collect();
    let tail: String = chars[keep..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
