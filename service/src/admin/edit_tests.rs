//! The pure layout edits on the demo hall: references, uniqueness, cycles, in-place puts.

use super::*;
use crate::hall::demo;

fn id(text: &str) -> BranchId {
    BranchId::parse("branch", text).expect("branch id")
}

fn spec(branch: &str, parent: Option<&str>) -> BranchSpec {
    BranchSpec {
        id: id(branch),
        name: "某镇便民服务中心".to_owned(),
        level: BranchLevel::Town,
        parent: parent.map(id),
        time_zone: chrono_tz::Asia::Shanghai,
        english_announcements: false,
    }
}

fn field(err: QueueError) -> &'static str {
    match err {
        QueueError::InvalidArgument { field, .. } => field,
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
}

#[test]
fn a_parent_must_exist_and_never_close_a_cycle() {
    let hall = demo::hall();
    let (with_town, created) =
        put_branch(&hall, spec("town-a", Some("village-xixia"))).expect("a new town");
    assert!(created);
    let err = put_branch(&with_town, spec("district-centre", Some("town-a"))).expect_err("cycle");
    assert_eq!(field(err), "branch.parent_id");
    let err = put_branch(&hall, spec("town-b", Some("nowhere"))).expect_err("no parent");
    assert_eq!(field(err), "branch.parent_id");
    let err = put_branch(&hall, spec("town-b", Some("town-b"))).expect_err("own parent");
    assert_eq!(field(err), "branch.parent_id");
}

#[test]
fn putting_a_branch_keeps_its_services_windows_and_calendar() {
    let hall = demo::hall();
    let centre = hall.branch(&id("district-centre")).expect("centre");
    let (next, created) = put_branch(&hall, spec("district-centre", None)).expect("put");
    assert!(!created);
    let after = next.branch(&id("district-centre")).expect("centre");
    assert_eq!(after.name, "某镇便民服务中心");
    assert_eq!(after.services, centre.services);
    assert_eq!(after.windows, centre.windows);
    assert_eq!(after.calendar, centre.calendar);
}

#[test]
fn a_prefix_is_unique_in_its_branch_and_a_put_replaces_in_place() {
    let hall = demo::hall();
    let centre = id("district-centre");
    let mut tax = hall.branch(&centre).expect("centre").services[1].clone();
    tax.prefix = "A".to_owned();
    let err = put_service(&hall, &centre, tax.clone()).expect_err("prefix of social-security");
    assert!(matches!(&err, QueueError::AlreadyExists(m) if m.starts_with("service.ticket_prefix")));
    tax.prefix = "T".to_owned();
    let (next, created) = put_service(&hall, &centre, tax.clone()).expect("replace");
    assert!(!created);
    assert_eq!(next.branch(&centre).expect("centre").services[1], tax);
    let err = put_service(&hall, &id("nowhere"), tax).expect_err("no branch");
    assert!(matches!(err, QueueError::NotFound { what: "branch", .. }));
}

#[test]
fn a_window_serves_known_services_once_and_a_served_service_cannot_go() {
    let hall = demo::hall();
    let centre = id("district-centre");
    let mut window = hall.branch(&centre).expect("centre").windows[5].clone();
    let unknown = ServiceId::parse("service", "nothing").expect("id");
    window.services.push(unknown);
    assert_eq!(
        field(put_window(&hall, &centre, window.clone()).expect_err("unknown")),
        "window.service_ids"
    );
    window.services.pop();
    window.services.push(window.services[0].clone());
    assert_eq!(
        field(put_window(&hall, &centre, window).expect_err("twice")),
        "window.service_ids"
    );
    let real_estate = ServiceId::parse("service", "real-estate").expect("id");
    let err = delete_service(&hall, &centre, &real_estate).expect_err("served");
    assert!(
        matches!(&err, QueueError::FailedPrecondition(m) if m.contains("window 1, 6")),
        "{err}"
    );
    let err = delete_branch(&hall, &centre).expect_err("a parent");
    assert!(
        matches!(&err, QueueError::FailedPrecondition(m) if m.contains("village-xixia")),
        "{err}"
    );
}
