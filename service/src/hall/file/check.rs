//! Turns the file as read into a [`Hall`], checking what serde cannot see field by field:
//! duplicate branch ids, service ids, prefixes and window numbers, windows serving a service
//! the branch does not define, and parents that name no branch. Each error names the path
//! (`branches[0].windows[2].services[1]`) and, best effort, the line.

use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;

use super::booking::{appointments_of, calendar_of};
use super::locate::{Lines, line_note};
use super::raw::{RawBranch, RawHall, RawService, RawWindow};
use crate::hall::{Branch, Hall, Service, Window};

pub(super) fn build(raw: RawHall, text: &str) -> anyhow::Result<Hall> {
    let lines = Lines::new(text);
    let mut hall = Hall::default();
    let mut start = 0;
    for (b, branch) in raw.branches.iter().enumerate() {
        let id = branch.id.0.as_str();
        let found = lines.find(start, Some("id"), id);
        if hall.branches.contains_key(&branch.id.0) {
            let first = lines.find(0, Some("id"), id);
            let second = first.and_then(|f| lines.find(f + 1, Some("id"), id));
            bail!(
                "branches[{b}].id: branch id '{id}' is defined twice{}",
                line_note(second)
            );
        }
        let branch_start = found.unwrap_or(start);
        start = branch_start + 1;
        let built = build_branch(b, branch, &lines, branch_start)?;
        hall.branches.insert(built.id.clone(), Arc::new(built));
    }
    check_parents(&raw, &hall, &lines)?;
    Ok(hall)
}

fn check_parents(raw: &RawHall, hall: &Hall, lines: &Lines<'_>) -> anyhow::Result<()> {
    let mut start = 0;
    for (b, branch) in raw.branches.iter().enumerate() {
        let branch_start = lines
            .find(start, Some("id"), branch.id.0.as_str())
            .unwrap_or(start);
        start = branch_start + 1;
        let Some(parent) = &branch.parent else {
            continue;
        };
        let line = line_note(lines.find(branch_start, Some("parent"), parent.0.as_str()));
        if parent.0 == branch.id.0 {
            bail!(
                "branches[{b}].parent: branch '{}' cannot be its own parent{line}",
                branch.id.0
            );
        }
        if !hall.branches.contains_key(&parent.0) {
            bail!(
                "branches[{b}].parent: '{}' is not a branch of this hall file{line}",
                parent.0
            );
        }
    }
    Ok(())
}

fn build_branch(
    b: usize,
    raw: &RawBranch,
    lines: &Lines<'_>,
    start: usize,
) -> anyhow::Result<Branch> {
    let mut services: Vec<Service> = Vec::with_capacity(raw.services.len());
    for (s, service) in raw.services.iter().enumerate() {
        let id = service.id.0.as_str();
        if services.iter().any(|known| known.id == service.id.0) {
            let second = lines
                .after(start, Some("id"), id)
                .and_then(|from| lines.find(from, Some("id"), id));
            bail!(
                "branches[{b}].services[{s}].id: service id '{id}' is defined twice in branch '{}'{}",
                raw.id.0,
                line_note(second)
            );
        }
        let prefix = service.prefix.0.as_str();
        if let Some(other) = services.iter().find(|known| known.prefix == prefix) {
            let second = lines
                .after(start, Some("prefix"), prefix)
                .and_then(|from| lines.find(from, Some("prefix"), prefix));
            bail!(
                "branches[{b}].services[{s}].prefix: ticket prefix '{prefix}' is already used by service '{}' in branch '{}'{}",
                other.id,
                raw.id.0,
                line_note(second)
            );
        }
        let mut built = service_of(service);
        if let Some(appointments) = &service.appointments {
            let service_start = lines.find(start, Some("id"), id).unwrap_or(start);
            let path = format!("branches[{b}].services[{s}]");
            built.appointments = Some(appointments_of(&path, appointments, lines, service_start)?);
        }
        services.push(built);
    }
    let mut windows: Vec<Window> = Vec::with_capacity(raw.windows.len());
    for (w, window) in raw.windows.iter().enumerate() {
        let number = window.number.0.to_string();
        let window_start = lines.find(start, Some("number"), &number);
        if windows.iter().any(|known| known.number == window.number.0) {
            let second = window_start.and_then(|f| lines.find(f + 1, Some("number"), &number));
            bail!(
                "branches[{b}].windows[{w}].number: window {number} is defined twice in branch '{}'{}",
                raw.id.0,
                line_note(second)
            );
        }
        check_window_services(b, w, raw, window, lines, window_start.unwrap_or(start))?;
        windows.push(Window {
            number: window.number.0,
            name: window.name.0.clone(),
            services: window.services.iter().map(|s| s.0.clone()).collect(),
            rule: window.rule.0,
        });
    }
    let calendar = calendar_of(&format!("branches[{b}]"), &raw.calendar, lines, start)?;
    Ok(Branch {
        id: raw.id.0.clone(),
        name: raw.name.0.clone(),
        level: raw.level,
        parent: raw.parent.as_ref().map(|p| p.0.clone()),
        time_zone: raw.time_zone.0,
        english_announcements: raw.english_announcements,
        services,
        calendar,
        windows,
    })
}

fn check_window_services(
    b: usize,
    w: usize,
    branch: &RawBranch,
    window: &RawWindow,
    lines: &Lines<'_>,
    start: usize,
) -> anyhow::Result<()> {
    for (i, service) in window.services.iter().enumerate() {
        let id = service.0.as_str();
        let path = format!("branches[{b}].windows[{w}].services[{i}]");
        if !branch.services.iter().any(|s| s.id.0 == service.0) {
            bail!(
                "{path}: window {} serves '{id}', which is not a service of branch '{}'{}",
                window.number.0,
                branch.id.0,
                line_note(lines.find(start, None, id))
            );
        }
        if window.services[..i].iter().any(|s| s.0 == service.0) {
            let second = lines
                .after(start, None, id)
                .and_then(|from| lines.find(from, None, id));
            bail!(
                "{path}: window {} lists service '{id}' twice{}",
                window.number.0,
                line_note(second)
            );
        }
    }
    Ok(())
}

fn service_of(raw: &RawService) -> Service {
    Service {
        id: raw.id.0.clone(),
        name: raw.name.0.clone(),
        prefix: raw.prefix.0.clone(),
        daily_limit: raw.daily_limit.0,
        avg_service_seed: Duration::from_secs(u64::from(raw.avg_service_seconds.0)),
        turn_near: raw.turn_near,
        recall_limit: raw.recall_limit,
        requeue_offset: raw.requeue_offset,
        requeue_limit: raw.requeue_limit,
        appointments: None,
        priority_order: raw.priority_order.0.clone(),
    }
}
