//! ARGV from the layout: the facts about services and windows a script needs, taken from the
//! `&Branch` each call receives (the scripts keep no copy of the layout).

use std::time::Duration;

use crate::domain::{CallRule, Now, PriorityClass, ServiceId};
use crate::hall::{Branch, Service, Window};

/// The instant of a call in ms since the epoch, as ticket hashes keep instants.
pub(super) fn at_ms(now: &Now) -> i64 {
    now.at.timestamp_millis()
}

/// The ranks of normal, appointment and green channel tickets in `service`.
pub(super) fn ranks(args: &mut Vec<String>, service: &Service) {
    for class in [
        PriorityClass::Normal,
        PriorityClass::Appointment,
        PriorityClass::GreenChannel,
    ] {
        args.push(service.rank(class).to_string());
    }
}

/// Service facts as `service_facts` of `lua/lib.lua` reads them: a count, then per service its
/// id, recall_limit, requeue_offset, requeue_limit and its three ranks.
pub(super) fn service_facts<'s>(
    args: &mut Vec<String>,
    services: impl ExactSizeIterator<Item = &'s Service>,
) {
    args.push(services.len().to_string());
    for service in services {
        args.extend([
            service.id.as_str().to_owned(),
            service.recall_limit.to_string(),
            service.requeue_offset.to_string(),
            service.requeue_limit.to_string(),
        ]);
        ranks(args, service);
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
pub(super) fn rule(args: &mut Vec<String>, rule: CallRule) {
    let (name, priority, normal) = match rule {
        CallRule::StrictOrder => ("strict_order", 0, 0),
        CallRule::OldestFirst => ("oldest_first", 0, 0),
        CallRule::Ratio { priority, normal } => ("ratio", priority, normal),
    };
    args.extend([name.to_owned(), priority.to_string(), normal.to_string()]);
}
