//! Domain values become wire messages here. Phones leave only masked; times become
//! `google.protobuf.Timestamp`; durations whole seconds.

use std::time::Duration;

use chrono::{DateTime, Utc};
use queuecall_proto::v1 as pb;

use crate::domain::{
    CallRule, Channel, PriorityClass, Ticket, TicketState, WindowState, WindowStatus,
};
use crate::hall::Branch;
use crate::queue::{BranchInfo, ServiceInfo, TicketInfo};

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn seconds(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

pub fn ticket_state(state: TicketState) -> pb::TicketState {
    match state {
        TicketState::Waiting => pb::TicketState::Waiting,
        TicketState::Called => pb::TicketState::Called,
        TicketState::Serving => pb::TicketState::Serving,
        TicketState::Done => pb::TicketState::Done,
        TicketState::NoShow => pb::TicketState::NoShow,
        TicketState::Cancelled => pb::TicketState::Cancelled,
        TicketState::Expired => pb::TicketState::Expired,
    }
}

pub fn priority(class: PriorityClass) -> pb::PriorityClass {
    match class {
        PriorityClass::Normal => pb::PriorityClass::Normal,
        PriorityClass::Appointment => pb::PriorityClass::Appointment,
        PriorityClass::GreenChannel => pb::PriorityClass::GreenChannel,
    }
}

pub fn channel(channel: Channel) -> pb::Channel {
    match channel {
        Channel::Kiosk => pb::Channel::Kiosk,
        Channel::Mobile => pb::Channel::Mobile,
        Channel::Window => pb::Channel::Window,
        Channel::Api => pb::Channel::Api,
    }
}

pub fn window_state(state: WindowState) -> pb::WindowState {
    match state {
        WindowState::Open => pb::WindowState::Open,
        WindowState::Paused => pb::WindowState::Paused,
        WindowState::Closed => pb::WindowState::Closed,
    }
}

pub fn call_rule(rule: CallRule) -> pb::CallRule {
    match rule {
        CallRule::StrictOrder => pb::CallRule::StrictOrder,
        CallRule::OldestFirst => pb::CallRule::OldestFirst,
        CallRule::Ratio { .. } => pb::CallRule::Ratio,
    }
}

/// A ticket with no queue facts (called, serving, final, or listed).
pub fn ticket(ticket: &Ticket) -> pb::Ticket {
    pb::Ticket {
        id: ticket.id.to_string(),
        number: ticket.id.number.to_string(),
        branch_id: ticket.id.branch.to_string(),
        service_id: ticket.service.to_string(),
        state: ticket_state(ticket.state) as i32,
        priority_class: priority(ticket.priority) as i32,
        channel: channel(ticket.channel) as i32,
        service_day: ticket.id.day.format("%Y-%m-%d").to_string(),
        people_ahead: 0,
        estimated_wait_seconds: 0,
        window: ticket.window.map_or(0, |w| w.get()),
        recall_count: ticket.recall_count,
        requeue_count: ticket.requeue_count,
        masked_phone: ticket
            .phone
            .as_ref()
            .map(|p| p.masked())
            .unwrap_or_default(),
        issued_at: Some(timestamp(ticket.issued_at)),
        called_at: ticket.called_at.map(timestamp),
        started_at: ticket.started_at.map(timestamp),
        ended_at: ticket.ended_at.map(timestamp),
        original_service_id: ticket
            .original_service
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

/// A ticket with how many stand ahead and how long it will wait.
pub fn ticket_info(info: &TicketInfo) -> pb::Ticket {
    pb::Ticket {
        people_ahead: info.people_ahead,
        estimated_wait_seconds: seconds(info.estimated_wait),
        ..ticket(&info.ticket)
    }
}

/// A window's live state with its layout (name, services, rule) from the branch.
pub fn window(branch: &Branch, status: &WindowStatus) -> pb::Window {
    let layout = branch.window(status.number);
    pb::Window {
        branch_id: branch.id.to_string(),
        number: status.number.get(),
        name: layout.map(|w| w.name.clone()).unwrap_or_default(),
        state: window_state(status.state) as i32,
        pause_reason: status.pause_reason.clone().unwrap_or_default(),
        current_ticket: status.current.as_ref().map(ticket),
        service_ids: layout
            .map(|w| w.services.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        call_rule: layout.map_or(pb::CallRule::Unspecified, |w| call_rule(w.rule)) as i32,
    }
}

pub fn service(info: &ServiceInfo) -> pb::Service {
    pb::Service {
        id: info.service.id.to_string(),
        name: info.service.name.clone(),
        ticket_prefix: info.service.prefix.clone(),
        daily_limit: info.service.daily_limit,
        waiting: info.status.waiting,
        estimated_wait_seconds: seconds(info.estimated_wait),
        issued_today: info.status.issued_today,
    }
}

pub fn branch(info: &BranchInfo) -> pb::Branch {
    pb::Branch {
        id: info.branch.id.to_string(),
        name: info.branch.name.clone(),
        time_zone: info.branch.time_zone.name().to_owned(),
        service_day: info.today.format("%Y-%m-%d").to_string(),
        services: info.services.iter().map(service).collect(),
        windows: info
            .windows
            .iter()
            .map(|status| window(&info.branch, status))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::domain::{BranchId, Phone, ServiceId, TicketId, TicketNumber, WindowNo};

    fn sample() -> Ticket {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 27, 1, 30, 0)
            .single()
            .expect("time");
        Ticket {
            id: TicketId {
                branch: BranchId::parse("b", "district-centre").expect("id"),
                day: NaiveDate::from_ymd_opt(2026, 11, 27).expect("day"),
                number: TicketNumber::new("A", 23),
            },
            service: ServiceId::parse("s", "tax").expect("id"),
            original_service: Some(ServiceId::parse("s", "social-security").expect("id")),
            state: TicketState::Called,
            priority: PriorityClass::GreenChannel,
            channel: Channel::Kiosk,
            phone: Some(Phone::parse("phone", "13812341234").expect("phone")),
            window: Some(WindowNo::parse("w", 5).expect("5")),
            recall_count: 1,
            requeue_count: 0,
            issued_at: at,
            called_at: Some(at + chrono::Duration::milliseconds(1500)),
            started_at: None,
            ended_at: None,
        }
    }

    #[test]
    fn tickets_convert_with_masked_phone_and_timestamps() {
        let info = TicketInfo {
            ticket: sample(),
            people_ahead: 4,
            estimated_wait: Duration::from_millis(1_200_900),
        };
        let wire = ticket_info(&info);
        assert_eq!(wire.id, "district-centre.20261127.A023");
        assert_eq!(wire.number, "A023");
        assert_eq!(wire.service_day, "2026-11-27");
        assert_eq!(wire.state, pb::TicketState::Called as i32);
        assert_eq!(wire.priority_class, pb::PriorityClass::GreenChannel as i32);
        assert_eq!(wire.channel, pb::Channel::Kiosk as i32);
        assert_eq!(wire.masked_phone, "138****1234");
        assert_eq!(wire.window, 5);
        assert_eq!(wire.people_ahead, 4);
        assert_eq!(wire.estimated_wait_seconds, 1200);
        assert_eq!(wire.original_service_id, "social-security");
        let called = wire.called_at.expect("called_at");
        assert_eq!(called.nanos, 500_000_000);
        assert_eq!(wire.started_at, None);
        assert!(!format!("{wire:?}").contains("13812341234"));
    }
}
