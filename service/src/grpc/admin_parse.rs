//! AdminService messages to domain types, each bad value INVALID_ARGUMENT naming the request
//! field (`service.ticket_prefix`); `admin_convert` turns the layout back into messages. A proto3 zero in a field
//! that cannot be zero (`max_per_day`, `max_per_week`, `max_active_per_person`,
//! `no_show_window_days`, `suspension_days`) takes the default of `BookingPolicy`; an empty
//! `priority_order` is green channel, appointment, normal, as in a hall file.

use std::time::Duration;

use chrono::{NaiveTime, Weekday};
use queuecall_proto::v1 as pb;

use super::parse;
use crate::admin::BranchSpec;
use crate::booking::{CalendarYear, SlotTemplate, TemplateSpec};
use crate::domain::{BranchId, CallRule, PriorityClass, ServiceId, WindowNo};
use crate::error::{QueueError, QueueResult};
use crate::hall::{
    BookingPolicy, BranchLevel, Service, ServiceAppointments, Window, check_name, check_prefix,
};

/// The request fields a domain error may name, by their domain name.
const APPOINTMENT_FIELDS: [&str; 15] = [
    "service.appointments.weekdays",
    "service.appointments.time_ranges",
    "service.appointments.slot_minutes",
    "service.appointments.capacity",
    "service.appointments.open_ahead_days",
    "service.appointments.same_day_cutoff_minutes",
    "service.appointments.max_active_per_person",
    "service.appointments.max_per_day",
    "service.appointments.max_per_week",
    "service.appointments.no_show_limit",
    "service.appointments.no_show_window_days",
    "service.appointments.suspension_days",
    "service.appointments.cancel_before_minutes",
    "service.appointments.check_in_before_minutes",
    "service.appointments.check_in_after_minutes",
];
const YEAR_FIELDS: [&str; 3] = ["year.year", "year.holidays", "year.make_up_days"];

/// `err` with its field named as the request names it (`capacity` →
/// `service.appointments.capacity`).
fn under(fields: &[&'static str], err: QueueError) -> QueueError {
    match err {
        QueueError::InvalidArgument { field, reason } => {
            let named = fields
                .iter()
                .find(|full| full.rsplit('.').next() == Some(field))
                .copied()
                .unwrap_or(field);
            QueueError::invalid(named, reason)
        }
        other => other,
    }
}

fn name(field: &'static str, text: &str) -> QueueResult<String> {
    check_name(text).map_err(|reason| QueueError::invalid(field, reason))
}

fn at_least_one(field: &'static str, value: u32) -> QueueResult<u32> {
    if value == 0 {
        return Err(QueueError::invalid(field, "must be at least 1"));
    }
    Ok(value)
}

fn level(value: i32) -> QueueResult<BranchLevel> {
    match pb::BranchLevel::try_from(value) {
        Ok(pb::BranchLevel::District) => Ok(BranchLevel::District),
        Ok(pb::BranchLevel::Town) => Ok(BranchLevel::Town),
        Ok(pb::BranchLevel::Village) => Ok(BranchLevel::Village),
        _ => Err(QueueError::invalid(
            "branch.level",
            "must be BRANCH_LEVEL_DISTRICT, _TOWN or _VILLAGE",
        )),
    }
}

pub fn branch_spec(msg: Option<&pb::BranchLayout>) -> QueueResult<BranchSpec> {
    let msg = msg.ok_or_else(|| QueueError::invalid("branch", "is required"))?;
    let time_zone = if msg.time_zone.is_empty() {
        chrono_tz::Asia::Shanghai
    } else {
        msg.time_zone.parse().map_err(|_| {
            QueueError::invalid(
                "branch.time_zone",
                format!(
                    "'{}' is not an IANA time zone such as Asia/Shanghai",
                    msg.time_zone
                ),
            )
        })?
    };
    Ok(BranchSpec {
        id: BranchId::parse("branch.id", &msg.id)?,
        name: name("branch.name", &msg.name)?,
        level: level(msg.level)?,
        parent: match msg.parent_id.as_str() {
            "" => None,
            parent => Some(BranchId::parse("branch.parent_id", parent)?),
        },
        time_zone,
        english_announcements: msg.english_announcements,
    })
}

fn priority_order(values: &[i32]) -> QueueResult<Vec<PriorityClass>> {
    if values.is_empty() {
        return Ok(vec![
            PriorityClass::GreenChannel,
            PriorityClass::Appointment,
            PriorityClass::Normal,
        ]);
    }
    let mut order = Vec::with_capacity(values.len());
    for &value in values {
        let class = match pb::PriorityClass::try_from(value) {
            Ok(pb::PriorityClass::Normal) => PriorityClass::Normal,
            Ok(pb::PriorityClass::Appointment) => PriorityClass::Appointment,
            Ok(pb::PriorityClass::GreenChannel) => PriorityClass::GreenChannel,
            _ => {
                return Err(QueueError::invalid(
                    "service.priority_order",
                    format!("{value} is not a priority class"),
                ));
            }
        };
        if order.contains(&class) {
            return Err(QueueError::invalid(
                "service.priority_order",
                format!("{} is listed twice", class.as_str()),
            ));
        }
        order.push(class);
    }
    Ok(order)
}

pub fn service(msg: Option<&pb::ServiceLayout>) -> QueueResult<Service> {
    let msg = msg.ok_or_else(|| QueueError::invalid("service", "is required"))?;
    let prefix = check_prefix(&msg.ticket_prefix)
        .map_err(|reason| QueueError::invalid("service.ticket_prefix", reason))?;
    Ok(Service {
        id: ServiceId::parse("service.id", &msg.id)?,
        name: name("service.name", &msg.name)?,
        prefix,
        daily_limit: at_least_one("service.daily_limit", msg.daily_limit)?,
        avg_service_seed: Duration::from_secs(u64::from(at_least_one(
            "service.avg_service_seconds",
            msg.avg_service_seconds,
        )?)),
        turn_near: msg.turn_near,
        recall_limit: msg.recall_limit,
        requeue_offset: msg.requeue_offset,
        requeue_limit: msg.requeue_limit,
        priority_order: priority_order(&msg.priority_order)?,
        appointments: msg.appointments.as_ref().map(appointments).transpose()?,
    })
}

fn weekday(field: &'static str, value: i32) -> QueueResult<Weekday> {
    let day = match pb::Weekday::try_from(value) {
        Ok(pb::Weekday::Monday) => Weekday::Mon,
        Ok(pb::Weekday::Tuesday) => Weekday::Tue,
        Ok(pb::Weekday::Wednesday) => Weekday::Wed,
        Ok(pb::Weekday::Thursday) => Weekday::Thu,
        Ok(pb::Weekday::Friday) => Weekday::Fri,
        Ok(pb::Weekday::Saturday) => Weekday::Sat,
        Ok(pb::Weekday::Sunday) => Weekday::Sun,
        _ => {
            return Err(QueueError::invalid(
                field,
                format!("{value} is not a weekday"),
            ));
        }
    };
    Ok(day)
}

fn time(text: &str) -> QueueResult<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| {
        QueueError::invalid(
            "service.appointments.time_ranges",
            format!("'{text}' is not a time HH:MM"),
        )
    })
}

fn or_default(value: u32, default: u32) -> u32 {
    if value == 0 { default } else { value }
}

fn appointments(msg: &pb::AppointmentSettings) -> QueueResult<ServiceAppointments> {
    let weekdays = msg
        .weekdays
        .iter()
        .map(|&d| weekday("service.appointments.weekdays", d))
        .collect::<QueueResult<Vec<_>>>()?;
    let time_ranges = msg
        .time_ranges
        .iter()
        .map(|r| Ok((time(&r.start)?, time(&r.end)?)))
        .collect::<QueueResult<Vec<_>>>()?;
    let template = SlotTemplate::new(TemplateSpec {
        weekdays,
        time_ranges,
        slot_minutes: msg.slot_minutes,
        capacity: msg.capacity,
        open_ahead_days: msg.open_ahead_days,
        same_day_cutoff_minutes: msg.same_day_cutoff_minutes,
    })
    .map_err(|err| under(&APPOINTMENT_FIELDS, err))?;
    let default = BookingPolicy::default();
    let policy = BookingPolicy {
        max_active_per_person: or_default(msg.max_active_per_person, default.max_active_per_person),
        max_per_day: or_default(msg.max_per_day, default.max_per_day),
        max_per_week: or_default(msg.max_per_week, default.max_per_week),
        no_show_limit: msg.no_show_limit,
        no_show_window_days: or_default(msg.no_show_window_days, default.no_show_window_days),
        suspension_days: or_default(msg.suspension_days, default.suspension_days),
        cancel_before_minutes: msg.cancel_before_minutes,
        check_in_before_minutes: msg.check_in_before_minutes,
        check_in_after_minutes: msg.check_in_after_minutes,
    };
    policy
        .check()
        .map_err(|err| under(&APPOINTMENT_FIELDS, err))?;
    Ok(ServiceAppointments { template, policy })
}

pub fn window(msg: Option<&pb::WindowLayout>) -> QueueResult<Window> {
    let msg = msg.ok_or_else(|| QueueError::invalid("window", "is required"))?;
    if msg.service_ids.is_empty() {
        return Err(QueueError::invalid(
            "window.service_ids",
            "must name at least one service",
        ));
    }
    let rule = match pb::CallRule::try_from(msg.call_rule) {
        Ok(pb::CallRule::StrictOrder) => CallRule::StrictOrder,
        Ok(pb::CallRule::OldestFirst) => CallRule::OldestFirst,
        Ok(pb::CallRule::Ratio) => CallRule::Ratio {
            priority: at_least_one("window.ratio_priority", msg.ratio_priority)?,
            normal: at_least_one("window.ratio_normal", msg.ratio_normal)?,
        },
        _ => {
            return Err(QueueError::invalid(
                "window.call_rule",
                "must be CALL_RULE_STRICT_ORDER, _OLDEST_FIRST or _RATIO",
            ));
        }
    };
    Ok(Window {
        number: WindowNo::parse("window.number", msg.number)?,
        name: name("window.name", &msg.name)?,
        services: msg
            .service_ids
            .iter()
            .map(|id| parse::service("window.service_ids", id))
            .collect::<QueueResult<_>>()?,
        rule,
    })
}

pub fn calendar_year(msg: Option<&pb::CalendarYear>) -> QueueResult<CalendarYear> {
    let msg = msg.ok_or_else(|| QueueError::invalid("year", "is required"))?;
    if !(1900..=9999).contains(&msg.year) {
        return Err(QueueError::invalid("year.year", "must be 1900 to 9999"));
    }
    let holidays = msg
        .holidays
        .iter()
        .map(|d| parse::date("year.holidays", d))
        .collect::<QueueResult<Vec<_>>>()?;
    let make_up = msg
        .make_up_days
        .iter()
        .map(|m| {
            Ok((
                parse::date("year.make_up_days", &m.date)?,
                weekday("year.make_up_days", m.follows)?,
            ))
        })
        .collect::<QueueResult<Vec<_>>>()?;
    CalendarYear::new(msg.year, &holidays, &make_up).map_err(|err| under(&YEAR_FIELDS, err))
}

/// The hall-file syntax; UNSPECIFIED is YAML.
pub fn hall_format(value: i32) -> QueueResult<crate::hall::file::HallFormat> {
    use crate::hall::file::HallFormat;
    match pb::HallFormat::try_from(value) {
        Ok(pb::HallFormat::Unspecified | pb::HallFormat::Yaml) => Ok(HallFormat::Yaml),
        Ok(pb::HallFormat::Toml) => Ok(HallFormat::Toml),
        Err(_) => Err(QueueError::invalid(
            "format",
            format!("{value} is not a HallFormat"),
        )),
    }
}
