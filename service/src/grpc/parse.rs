//! Wire requests become domain types here, once. Every error is INVALID_ARGUMENT naming the
//! request field (`branch_id: must not be empty`); deeper code never re-checks.

use chrono::NaiveDate;
use queuecall_proto::v1 as pb;

use crate::domain::{
    BranchId, Channel, NewTicket, Phone, PriorityClass, ServiceId, TicketRef, WindowNo,
};
use crate::error::{QueueError, QueueResult};

/// Longest pause reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// Longest idempotency key, in bytes (visible ASCII only).
pub const MAX_IDEMPOTENCY_KEY: usize = 128;

pub fn branch(value: &str) -> QueueResult<BranchId> {
    BranchId::parse("branch_id", value)
}

/// Empty: every branch.
pub fn optional_branch(value: &str) -> QueueResult<Option<BranchId>> {
    if value.is_empty() {
        Ok(None)
    } else {
        branch(value).map(Some)
    }
}

pub fn service(field: &'static str, value: &str) -> QueueResult<ServiceId> {
    ServiceId::parse(field, value)
}

pub fn window(value: u32) -> QueueResult<WindowNo> {
    WindowNo::parse("window", value)
}

pub fn ticket(value: &str) -> QueueResult<TicketRef> {
    TicketRef::parse("ticket_id", value)
}

/// A branch and one of its windows, as most window RPCs name them.
pub fn at_window(branch_id: &str, number: u32) -> QueueResult<(BranchId, WindowNo)> {
    Ok((branch(branch_id)?, window(number)?))
}

/// A date written exactly `YYYY-MM-DD` (`2026-1-1` is refused).
pub fn date(field: &'static str, value: &str) -> QueueResult<NaiveDate> {
    crate::domain::parse_date(field, value)
}

/// UNSPECIFIED is normal.
pub fn priority(value: i32) -> QueueResult<PriorityClass> {
    match pb::PriorityClass::try_from(value) {
        Ok(pb::PriorityClass::Unspecified | pb::PriorityClass::Normal) => Ok(PriorityClass::Normal),
        Ok(pb::PriorityClass::Appointment) => Ok(PriorityClass::Appointment),
        Ok(pb::PriorityClass::GreenChannel) => Ok(PriorityClass::GreenChannel),
        Err(_) => Err(QueueError::invalid(
            "priority_class",
            format!("{value} is not a PriorityClass"),
        )),
    }
}

/// UNSPECIFIED is api.
pub fn channel(value: i32) -> QueueResult<Channel> {
    match pb::Channel::try_from(value) {
        Ok(pb::Channel::Unspecified | pb::Channel::Api) => Ok(Channel::Api),
        Ok(pb::Channel::Kiosk) => Ok(Channel::Kiosk),
        Ok(pb::Channel::Mobile) => Ok(Channel::Mobile),
        Ok(pb::Channel::Window) => Ok(Channel::Window),
        Err(_) => Err(QueueError::invalid(
            "channel",
            format!("{value} is not a Channel"),
        )),
    }
}

/// Empty means no phone.
pub fn phone(value: &str) -> QueueResult<Option<Phone>> {
    if value.is_empty() {
        return Ok(None);
    }
    Phone::parse("phone", value).map(Some)
}

/// Empty means no key; otherwise 1–128 visible ASCII characters.
pub fn idempotency_key(value: &str) -> QueueResult<Option<String>> {
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() > MAX_IDEMPOTENCY_KEY {
        return Err(QueueError::invalid(
            "idempotency_key",
            format!("is longer than {MAX_IDEMPOTENCY_KEY} characters"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(QueueError::invalid(
            "idempotency_key",
            "may only hold visible ASCII characters (no spaces)",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// A pause reason: trimmed, at most 200 characters.
pub fn reason(value: &str) -> QueueResult<String> {
    let value = value.trim();
    if value.chars().count() > MAX_REASON_CHARS {
        return Err(QueueError::invalid(
            "reason",
            format!("is longer than {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// TakeTicket: the branch and what to issue.
pub fn take_ticket(req: &pb::TakeTicketRequest) -> QueueResult<(BranchId, NewTicket)> {
    let branch = branch(&req.branch_id)?;
    let new = NewTicket {
        service: service("service_id", &req.service_id)?,
        priority: priority(req.priority_class)?,
        channel: channel(req.channel)?,
        phone: phone(&req.phone)?,
        idempotency_key: idempotency_key(&req.idempotency_key)?,
    };
    Ok((branch, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of<T: std::fmt::Debug>(result: QueueResult<T>) -> &'static str {
        match result {
            Err(QueueError::InvalidArgument { field, .. }) => field,
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }

    fn take() -> pb::TakeTicketRequest {
        pb::TakeTicketRequest {
            branch_id: "district-centre".into(),
            service_id: "tax".into(),
            phone: "+86 138 1234 1234".into(),
            priority_class: pb::PriorityClass::GreenChannel as i32,
            channel: pb::Channel::Kiosk as i32,
            idempotency_key: "kiosk-3:0001".into(),
        }
    }

    #[test]
    fn a_good_take_ticket_request_becomes_domain_types() {
        let (branch, new) = take_ticket(&take()).expect("valid");
        assert_eq!(branch.as_str(), "district-centre");
        assert_eq!(new.service.as_str(), "tax");
        assert_eq!(new.priority, PriorityClass::GreenChannel);
        assert_eq!(new.channel, Channel::Kiosk);
        assert_eq!(new.phone.expect("phone").digits(), "13812341234");
        assert_eq!(new.idempotency_key.as_deref(), Some("kiosk-3:0001"));
    }

    #[test]
    fn unspecified_enums_and_empty_optionals_take_defaults() {
        let req = pb::TakeTicketRequest {
            priority_class: 0,
            channel: 0,
            phone: String::new(),
            idempotency_key: String::new(),
            ..take()
        };
        let (_, new) = take_ticket(&req).expect("valid");
        assert_eq!(new.priority, PriorityClass::Normal);
        assert_eq!(new.channel, Channel::Api);
        assert_eq!(new.phone, None);
        assert_eq!(new.idempotency_key, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(pb::TakeTicketRequest, &str)> = vec![
            (
                pb::TakeTicketRequest {
                    branch_id: String::new(),
                    ..take()
                },
                "branch_id",
            ),
            (
                pb::TakeTicketRequest {
                    branch_id: "x".repeat(65),
                    ..take()
                },
                "branch_id",
            ),
            (
                pb::TakeTicketRequest {
                    branch_id: "a b".into(),
                    ..take()
                },
                "branch_id",
            ),
            (
                pb::TakeTicketRequest {
                    service_id: String::new(),
                    ..take()
                },
                "service_id",
            ),
            (
                pb::TakeTicketRequest {
                    phone: "12345".into(),
                    ..take()
                },
                "phone",
            ),
            (
                pb::TakeTicketRequest {
                    priority_class: 9,
                    ..take()
                },
                "priority_class",
            ),
            (
                pb::TakeTicketRequest {
                    channel: -1,
                    ..take()
                },
                "channel",
            ),
            (
                pb::TakeTicketRequest {
                    idempotency_key: "k".repeat(129),
                    ..take()
                },
                "idempotency_key",
            ),
            (
                pb::TakeTicketRequest {
                    idempotency_key: "has space".into(),
                    ..take()
                },
                "idempotency_key",
            ),
            (
                pb::TakeTicketRequest {
                    idempotency_key: "键".into(),
                    ..take()
                },
                "idempotency_key",
            ),
        ];
        for (req, want) in cases {
            assert_eq!(field_of(take_ticket(&req)), want, "{req:?}");
        }
        assert!(idempotency_key(&"k".repeat(128)).is_ok());
    }

    #[test]
    fn window_ticket_and_reason_errors_name_their_field() {
        assert_eq!(field_of(at_window("district-centre", 0)), "window");
        assert_eq!(field_of(at_window("", 1)), "branch_id");
        assert_eq!(field_of(ticket("not a ticket")), "ticket_id");
        assert_eq!(field_of(ticket("")), "ticket_id");
        assert_eq!(
            field_of(service("target_service_id", "")),
            "target_service_id"
        );
        assert_eq!(field_of(reason(&"久".repeat(201))), "reason");
        assert_eq!(
            reason(&"久".repeat(200))
                .expect("200 chars")
                .chars()
                .count(),
            200
        );
        assert_eq!(
            ticket("district-centre.A023")
                .expect("short ref")
                .number
                .to_string(),
            "A023"
        );
    }
}
