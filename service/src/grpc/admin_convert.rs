//! The stored layout back to AdminService messages (`admin_parse` reads them).

use chrono::Weekday;
use queuecall_proto::v1 as pb;

use super::convert;
use crate::booking::{Calendar, CalendarYear};
use crate::domain::CallRule;
use crate::hall::{Branch, BranchLevel, Service, ServiceAppointments, Window};

fn pb_weekday(day: Weekday) -> pb::Weekday {
    match day {
        Weekday::Mon => pb::Weekday::Monday,
        Weekday::Tue => pb::Weekday::Tuesday,
        Weekday::Wed => pb::Weekday::Wednesday,
        Weekday::Thu => pb::Weekday::Thursday,
        Weekday::Fri => pb::Weekday::Friday,
        Weekday::Sat => pb::Weekday::Saturday,
        Weekday::Sun => pb::Weekday::Sunday,
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn settings_msg(booking: &ServiceAppointments) -> pb::AppointmentSettings {
    let (t, p) = (&booking.template, &booking.policy);
    pb::AppointmentSettings {
        weekdays: WEEK
            .into_iter()
            .filter(|d| t.works_on(*d))
            .map(|d| pb_weekday(d) as i32)
            .collect(),
        time_ranges: t
            .ranges_of_day()
            .iter()
            .map(|r| pb::TimeRange {
                start: r.start().format("%H:%M").to_string(),
                end: r.end().format("%H:%M").to_string(),
            })
            .collect(),
        slot_minutes: t.slot_minutes(),
        capacity: t.capacity(),
        open_ahead_days: t.open_ahead_days(),
        same_day_cutoff_minutes: t.same_day_cutoff_minutes(),
        max_active_per_person: p.max_active_per_person,
        max_per_day: p.max_per_day,
        max_per_week: p.max_per_week,
        no_show_limit: p.no_show_limit,
        no_show_window_days: p.no_show_window_days,
        suspension_days: p.suspension_days,
        cancel_before_minutes: p.cancel_before_minutes,
        check_in_before_minutes: p.check_in_before_minutes,
        check_in_after_minutes: p.check_in_after_minutes,
    }
}

pub fn service_msg(s: &Service) -> pb::ServiceLayout {
    pb::ServiceLayout {
        id: s.id.to_string(),
        name: s.name.clone(),
        ticket_prefix: s.prefix.clone(),
        daily_limit: s.daily_limit,
        avg_service_seconds: convert::seconds(s.avg_service_seed),
        turn_near: s.turn_near,
        recall_limit: s.recall_limit,
        requeue_offset: s.requeue_offset,
        requeue_limit: s.requeue_limit,
        priority_order: s
            .priority_order
            .iter()
            .map(|c| convert::priority(*c) as i32)
            .collect(),
        appointments: s.appointments.as_ref().map(settings_msg),
    }
}

pub fn window_msg(w: &Window) -> pb::WindowLayout {
    let (ratio_priority, ratio_normal) = match w.rule {
        CallRule::Ratio { priority, normal } => (priority, normal),
        _ => (0, 0),
    };
    pb::WindowLayout {
        number: w.number.get(),
        name: w.name.clone(),
        service_ids: w.services.iter().map(ToString::to_string).collect(),
        call_rule: convert::call_rule(w.rule) as i32,
        ratio_priority,
        ratio_normal,
    }
}

pub fn year_msg(year: &CalendarYear) -> pb::CalendarYear {
    pb::CalendarYear {
        year: year.year(),
        holidays: year
            .holidays()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect(),
        make_up_days: year
            .make_up_days()
            .map(|(d, w)| pb::MakeUpDay {
                date: d.format("%Y-%m-%d").to_string(),
                follows: pb_weekday(w) as i32,
            })
            .collect(),
    }
}

fn calendar_msg(calendar: &Calendar) -> Vec<pb::CalendarYear> {
    calendar.years().map(year_msg).collect()
}

pub fn branch_msg(b: &Branch) -> pb::BranchLayout {
    pb::BranchLayout {
        id: b.id.to_string(),
        name: b.name.clone(),
        level: match b.level {
            BranchLevel::District => pb::BranchLevel::District,
            BranchLevel::Town => pb::BranchLevel::Town,
            BranchLevel::Village => pb::BranchLevel::Village,
        } as i32,
        parent_id: b
            .parent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        time_zone: b.time_zone.name().to_owned(),
        english_announcements: b.english_announcements,
        services: b.services.iter().map(service_msg).collect(),
        windows: b.windows.iter().map(window_msg).collect(),
        calendar: calendar_msg(&b.calendar),
    }
}
