use chrono_tz::Asia::Shanghai;

use super::{date, invalid_field, time, utc, weekday_template};
use crate::booking::{Calendar, SlotId, slots_for};
use crate::domain::{BranchId, ServiceId};

#[test]
fn a_slot_id_round_trips_through_display_and_parse() {
    let branch = BranchId::parse("branch", "district-centre").expect("valid branch");
    let service = ServiceId::parse("service", "social_security").expect("valid service");
    let slots = slots_for(
        &weekday_template(),
        &Calendar::new(),
        Shanghai,
        date(2026, 11, 30),
        date(2026, 11, 30),
        utc("2026-11-27T00:00:00Z"),
    )
    .expect("valid range");

    let id = slots[3].id(&branch, &service);
    let text = id.to_string();
    let parsed = SlotId::parse("slot_id", &text).expect("own ids parse");

    assert_eq!(text, "district-centre.social_security.20261130.1330");
    assert_eq!(parsed, id);
    assert_eq!(parsed.branch(), &branch);
    assert_eq!(parsed.service(), &service);
    assert_eq!(
        (parsed.date(), parsed.start()),
        (date(2026, 11, 30), time(13, 30))
    );
}

#[test]
fn malformed_slot_ids_are_rejected_naming_the_field() {
    let bad = [
        "",
        "district-centre.tax.20261130",
        "district-centre.tax.20261130.0900.extra",
        "district centre.tax.20261130.0900",
        "district-centre..20261130.0900",
        "district-centre.tax.20261331.0900",
        "district-centre.tax.2026-11-30.0900",
        "district-centre.tax.+2026113.0900",
        "district-centre.tax.20261130.2400",
        "district-centre.tax.20261130.0960",
        "district-centre.tax.20261130.900",
        " district-centre.tax.20261130.0900",
    ];

    for text in bad {
        assert_eq!(
            invalid_field(SlotId::parse("slot_id", text)),
            "slot_id",
            "{text:?}"
        );
    }
}
