//! The figures of the day and the text printed at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::check::Verdict;
use super::ledger::Op;
use crate::bench::queue::ms;
use crate::bench::stats::Summary;

/// What the day measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub server: String,
    pub branch: String,
    pub date: String,
    pub services: usize,
    pub windows: usize,
    pub walk_ins_planned: u32,
    pub appointments_planned: u32,
    pub walk_ins: u32,
    pub check_ins: u32,
    pub booked: u32,
    pub done: u32,
    pub no_shows: u32,
    pub transfers: u32,
    /// From the first take to the last ticket issued.
    pub issuing: Duration,
    /// From the first take to the last ticket ended (or the time-out).
    pub day: Duration,
    /// Every ticket ended before the time-out.
    pub finished: bool,
    pub latencies: BTreeMap<Op, Summary>,
    pub empty_calls: u64,
    pub sms: usize,
    pub sms_numbers: usize,
    /// Tickets issued with a phone (each its own number).
    pub phones: usize,
    pub sms_refused: u64,
    pub errors: u64,
    pub first_errors: Vec<String>,
    pub verdicts: Vec<Verdict>,
}

impl Figures {
    /// Every invariant held, every ticket ended and no call failed.
    pub fn ok(&self) -> bool {
        self.finished
            && self.errors == 0
            && self.sms_refused == 0
            && !self.verdicts.is_empty()
            && self.verdicts.iter().all(|v| v.pass)
    }

    fn issued(&self) -> u32 {
        self.walk_ins + self.check_ins
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// The report.
pub fn render(f: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "queuecall-bench day: {}, branch {} on {}: {} services, {} windows; {} walk-ins and {} \
         appointments planned",
        f.server,
        f.branch,
        f.date,
        f.services,
        f.windows,
        f.walk_ins_planned,
        f.appointments_planned
    );
    let _ = writeln!(
        out,
        "tickets issued {} (walk-in {}, appointment check-in {} of {} booked); done {}, \
         no-show {}, transfers {}, not ended {}",
        f.issued(),
        f.walk_ins,
        f.check_ins,
        f.booked,
        f.done,
        f.no_shows,
        f.transfers,
        f.issued().saturating_sub(f.done + f.no_shows)
    );
    let ended = if f.finished {
        format!("every ticket ended by {} s", secs(f.day))
    } else {
        format!("NOT every ticket ended: stopped at {} s", secs(f.day))
    };
    let _ = writeln!(
        out,
        "the day: tickets issued over {} s, {ended}",
        secs(f.issuing)
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<16} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "operation", "count", "ops/s", "p50 ms", "p99 ms", "max ms"
    );
    let day = f.day.as_secs_f64().max(1e-9);
    for (op, s) in &f.latencies {
        let _ = writeln!(
            out,
            "{:<16} {:>7} {:>8.1} {:>8} {:>8} {:>8}",
            op.name(),
            s.count,
            s.count as f64 / day,
            ms(s.p50),
            ms(s.p99),
            ms(s.max)
        );
    }
    let _ = writeln!(
        out,
        "(ops/s over the whole day; CallNext counts calls that got a ticket, {} more found \
         none)",
        f.empty_calls
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "SMS: {} messages accepted by the fake provider, to {} numbers (of {} tickets with a \
         phone); {} refused (bad credentials)",
        f.sms, f.sms_numbers, f.phones, f.sms_refused
    );
    let _ = writeln!(out, "failed calls: {}", f.errors);
    for error in &f.first_errors {
        let _ = writeln!(out, "  {error}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "invariants (DESIGN.md):");
    for v in &f.verdicts {
        let _ = writeln!(
            out,
            "  {} {} {}: {}",
            if v.pass { "PASS" } else { "FAIL" },
            v.invariant,
            v.name,
            v.detail
        );
    }
    let take = f.latencies.get(&Op::TakeTicket);
    let passed = f.verdicts.iter().filter(|v| v.pass).count();
    let _ = writeln!(
        out,
        "RESULT issued={} done={} no_show={} issuing_s={} day_s={} take_p50_ms={} \
         take_p99_ms={} sms={} invariants_passed={passed}/{} ok={}",
        f.issued(),
        f.done,
        f.no_shows,
        secs(f.issuing),
        secs(f.day),
        take.map_or_else(|| "-".to_owned(), |s| ms(s.p50)),
        take.map_or_else(|| "-".to_owned(), |s| ms(s.p99)),
        f.sms,
        f.verdicts.len(),
        f.ok()
    );
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn verdict(invariant: u8, pass: bool) -> Verdict {
        Verdict {
            invariant,
            name: "an invariant",
            pass,
            detail: format!("detail {invariant}"),
        }
    }

    fn figures() -> Figures {
        Figures {
            server: "http://h:1".to_owned(),
            branch: "day-centre".to_owned(),
            date: "2026-12-04".to_owned(),
            services: 20,
            windows: 40,
            walk_ins_planned: 100,
            appointments_planned: 10,
            walk_ins: 100,
            check_ins: 10,
            booked: 10,
            done: 105,
            no_shows: 5,
            transfers: 2,
            issuing: Duration::from_millis(60_100),
            day: Duration::from_millis(80_100),
            finished: true,
            latencies: [(
                Op::TakeTicket,
                Summary::of(vec![1_000, 3_800, 150_000]).unwrap(),
            )]
            .into(),
            sms: 30,
            sms_numbers: 20,
            phones: 21,
            verdicts: (1..=6).map(|i| verdict(i, true)).collect(),
            ..Figures::default()
        }
    }

    #[test]
    fn the_report_prints_the_figures_and_each_invariant() {
        let text = render(&figures());
        for needle in [
            "tickets issued 110 (walk-in 100, appointment check-in 10 of 10 booked); done 105, \
             no-show 5, transfers 2, not ended 0",
            "tickets issued over 60.1 s, every ticket ended by 80.1 s",
            "SMS: 30 messages accepted by the fake provider, to 20 numbers (of 21 tickets with a phone)",
            "PASS 6 an invariant: detail 6",
            "RESULT issued=110 done=105 no_show=5 issuing_s=60.1 day_s=80.1 take_p50_ms=3.80 \
             take_p99_ms=150.00 sms=30 invariants_passed=6/6 ok=true",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        let take = text.lines().find(|l| l.starts_with("TakeTicket")).unwrap();
        assert!(take.contains(" 3 "), "{take}");
    }

    #[test]
    fn a_failed_invariant_fails_the_day() {
        let mut f = figures();
        f.verdicts[2] = verdict(3, false);
        assert!(!f.ok());
        let text = render(&f);
        assert!(text.contains("FAIL 3 an invariant"));
        assert!(text.contains("invariants_passed=5/6 ok=false"));
    }

    #[test]
    fn a_day_that_did_not_end_or_had_errors_fails() {
        let mut f = figures();
        f.finished = false;
        assert!(!f.ok());
        assert!(render(&f).contains("NOT every ticket ended: stopped at 80.1 s"));
        let mut f = figures();
        f.errors = 1;
        assert!(!f.ok());
        let mut f = figures();
        f.sms_refused = 1;
        assert!(!f.ok());
        let mut f = figures();
        f.verdicts.clear();
        assert!(!f.ok());
    }
}
