//! ARGV from the layout: the facts about services and windows a script needs, taken from the
//! `&Branch` each call receives (the scripts keep no copy of the layout).

use std::time::Duration;

use redis::ScriptInvocation;

use crate::domain::{CallRule, Now, PriorityClass, ServiceId};
use crate::hall::{Branch, Service, Window};

/// The instant of a call in ms since the epoch, as ticket hashes keep instants.
pub(super) fn at_ms(now: &Now) -> i64 {
    now.at.timestamp_millis()
}

/// The ranks of normal, appointment and green channel tickets in `service`.
pub(super) fn ranks(inv: &mut ScriptInvocation<'_>, service: &Service) {
    for class in [
        PriorityClass::Normal,
        PriorityClass::Appointment,
        PriorityClass::GreenChannel,
    ] {
        inv.arg(service.rank(class));
    }
}

/// Service facts as `service_facts` of `lua/lib.lua` reads them: a count, then per service its
/// id, recall_limit, requeue_offset, requeue_limit and its three ranks.
pub(super) fn service_facts<'s>(
    inv: &mut ScriptInvocation<'_>,
    services: impl ExactSizeIterator<Item = &'s Service>,
) {
    inv.arg(services.len());
    for service in services {
        inv.arg(service.id.as_str())
            .arg(service.recall_limit)
            .arg(service.requeue_offset)
            .arg(service.requeue_limit);
        ranks(inv, service);
    }
}

/// The services a window serves, in its order, that the layout defines.
pub(super) fn window_services<'b>(branch: &'b Branch, window: &Window) -> Vec<&'b Service> {
    window
        .services
        .iter()
        .filter_map(|id| branch.service(id))
        .collect()
}

/// The facts of a service a ticket names; a service no longer in the layout gets the
/// documented defaults so that its tickets can still move.
pub(super) fn service_or_default(branch: &Branch, id: &ServiceId) -> Service {
    branch.service(id).cloned().unwrap_or_else(|| Service {
        id: id.clone(),
        name: id.to_string(),
        prefix: String::new(),
        daily_limit: 0,
        avg_service_seed: Duration::from_secs(300),
        turn_near: 3,
        recall_limit: 3,
        requeue_offset: 3,
        requeue_limit: 2,
        appointments: None,
        priority_order: vec![
            PriorityClass::GreenChannel,
            PriorityClass::Appointment,
            PriorityClass::Normal,
        ],
    })
}

/// The call rule as `call.lua` reads it: rule name, ratio priority, ratio normal.
pub(super) fn rule(inv: &mut ScriptInvocation<'_>, rule: CallRule) {
    match rule {
        CallRule::StrictOrder => inv.arg("strict_order").arg(0).arg(0),
        CallRule::OldestFirst => inv.arg("oldest_first").arg(0).arg(0),
        CallRule::Ratio { priority, normal } => inv.arg("ratio").arg(priority).arg(normal),
    };
}
