//! One layout change at a time, on an in-memory [`Hall`]: each function checks the change
//! against the whole layout (references, uniqueness, what would be left dangling) and returns
//! the new hall, or refuses naming the field or what blocks. No I/O: `Admin` runs these inside
//! the transaction that writes the result, so the check and the write see the same layout.

use std::sync::Arc;

use crate::booking::{Calendar, CalendarYear};
use crate::domain::{BranchId, ServiceId, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::hall::{Branch, BranchLevel, Hall, Service, Window};

/// A branch's own settings (PutBranch): what a branch is without its services, windows and
/// calendar, which have RPCs of their own.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchSpec {
    pub id: BranchId,
    pub name: String,
    pub level: BranchLevel,
    pub parent: Option<BranchId>,
    pub time_zone: chrono_tz::Tz,
    pub english_announcements: bool,
}

/// Whether a put created something new or replaced what was there.
pub type Created = bool;

fn branch<'a>(hall: &'a Hall, id: &BranchId) -> QueueResult<&'a Arc<Branch>> {
    hall.branch(id)
        .ok_or_else(|| QueueError::not_found("branch", id))
}

/// `hall` with `id`'s branch replaced by what `edit` makes of a copy of it.
fn with_branch(
    hall: &Hall,
    id: &BranchId,
    edit: impl FnOnce(&mut Branch) -> QueueResult<()>,
) -> QueueResult<Hall> {
    let mut copy = (**branch(hall, id)?).clone();
    edit(&mut copy)?;
    let mut next = hall.clone();
    next.branches.insert(id.clone(), Arc::new(copy));
    Ok(next)
}

/// Creates or changes a branch's own settings; its services, windows and calendar stay.
pub fn put_branch(hall: &Hall, spec: BranchSpec) -> QueueResult<(Hall, Created)> {
    if let Some(parent) = &spec.parent {
        if parent == &spec.id {
            return Err(QueueError::invalid(
                "branch.parent_id",
                format!("branch '{}' cannot be its own parent", spec.id),
            ));
        }
        if hall.branch(parent).is_none() {
            return Err(QueueError::invalid(
                "branch.parent_id",
                format!("'{parent}' is not a branch"),
            ));
        }
        // Walking up from the parent must not come back to this branch.
        let mut above = Some(parent.clone());
        while let Some(id) = above {
            if id == spec.id {
                return Err(QueueError::invalid(
                    "branch.parent_id",
                    format!("'{parent}' is below '{}': that would make a cycle", spec.id),
                ));
            }
            above = hall.branch(&id).and_then(|b| b.parent.clone());
        }
    }
    let existing = hall.branch(&spec.id);
    let created = existing.is_none();
    let built = Branch {
        id: spec.id.clone(),
        name: spec.name,
        level: spec.level,
        parent: spec.parent,
        time_zone: spec.time_zone,
        english_announcements: spec.english_announcements,
        services: existing.map(|b| b.services.clone()).unwrap_or_default(),
        windows: existing.map(|b| b.windows.clone()).unwrap_or_default(),
        calendar: existing.map(|b| b.calendar.clone()).unwrap_or_default(),
    };
    let mut next = hall.clone();
    next.branches.insert(spec.id, Arc::new(built));
    Ok((next, created))
}

/// Deletes a branch with its services, windows and calendar; refused while branches name it
/// as their parent.
pub fn delete_branch(hall: &Hall, id: &BranchId) -> QueueResult<Hall> {
    branch(hall, id)?;
    let children: Vec<&str> = hall
        .branches
        .values()
        .filter(|b| b.parent.as_ref() == Some(id))
        .map(|b| b.id.as_str())
        .collect();
    if !children.is_empty() {
        return Err(QueueError::FailedPrecondition(format!(
            "branch '{id}' is the parent of {}; delete them or give them another parent first",
            children.join(", ")
        )));
    }
    let mut next = hall.clone();
    next.branches.remove(id);
    Ok(next)
}

/// Creates or replaces a service (in place, keeping its order); its ticket prefix must be
/// unused by the branch's other services.
pub fn put_service(
    hall: &Hall,
    branch_id: &BranchId,
    service: Service,
) -> QueueResult<(Hall, Created)> {
    let mut created = false;
    let next = with_branch(hall, branch_id, |branch| {
        if let Some(other) = branch
            .services
            .iter()
            .find(|s| s.prefix == service.prefix && s.id != service.id)
        {
            return Err(QueueError::AlreadyExists(format!(
                "service.ticket_prefix: '{}' is already the prefix of service '{}' in branch '{}'",
                service.prefix, other.id, branch.id
            )));
        }
        match branch.services.iter_mut().find(|s| s.id == service.id) {
            Some(existing) => *existing = service,
            None => {
                created = true;
                branch.services.push(service);
            }
        }
        Ok(())
    })?;
    Ok((next, created))
}

/// Deletes a service; refused while windows serve it.
pub fn delete_service(hall: &Hall, branch_id: &BranchId, id: &ServiceId) -> QueueResult<Hall> {
    with_branch(hall, branch_id, |branch| {
        if branch.service(id).is_none() {
            return Err(QueueError::not_found("service", id));
        }
        let serving: Vec<String> = branch
            .windows_serving(id)
            .map(|w| w.number.to_string())
            .collect();
        if !serving.is_empty() {
            return Err(QueueError::FailedPrecondition(format!(
                "service '{id}' is served by window {}; take it off those windows first",
                serving.join(", ")
            )));
        }
        branch.services.retain(|s| &s.id != id);
        Ok(())
    })
}

/// Creates or replaces a window (in place, keeping its order); it may only serve services
/// of its branch, each once.
pub fn put_window(
    hall: &Hall,
    branch_id: &BranchId,
    window: Window,
) -> QueueResult<(Hall, Created)> {
    let mut created = false;
    let next = with_branch(hall, branch_id, |branch| {
        for (i, id) in window.services.iter().enumerate() {
            if branch.service(id).is_none() {
                return Err(QueueError::invalid(
                    "window.service_ids",
                    format!("'{id}' is not a service of branch '{}'", branch.id),
                ));
            }
            if window.services[..i].contains(id) {
                return Err(QueueError::invalid(
                    "window.service_ids",
                    format!("'{id}' is listed twice"),
                ));
            }
        }
        match branch
            .windows
            .iter_mut()
            .find(|w| w.number == window.number)
        {
            Some(existing) => *existing = window,
            None => {
                created = true;
                branch.windows.push(window);
            }
        }
        Ok(())
    })?;
    Ok((next, created))
}

/// Deletes a window.
pub fn delete_window(hall: &Hall, branch_id: &BranchId, number: WindowNo) -> QueueResult<Hall> {
    with_branch(hall, branch_id, |branch| {
        if branch.window(number).is_none() {
            return Err(QueueError::not_found("window", number));
        }
        branch.windows.retain(|w| w.number != number);
        Ok(())
    })
}

/// Sets (replaces) one year of a branch's calendar.
pub fn set_calendar(hall: &Hall, branch_id: &BranchId, year: CalendarYear) -> QueueResult<Hall> {
    with_branch(hall, branch_id, |branch| {
        let mut calendar: Calendar = branch.calendar.clone();
        calendar.load_year(year);
        branch.calendar = calendar;
        Ok(())
    })
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
