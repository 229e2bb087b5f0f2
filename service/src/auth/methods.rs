//! The method table: which roles may call each gRPC method at all (admin may call every
//! one). Whether the call's branch or window is theirs is the handler's check
//! ([`super::require`]). Health and reflection are open.

use super::Role::{self, Booking, Display, Kiosk, Terminal};

const QUEUE: &str = "queuecall.v1.QueueService";
const DISPLAY: &str = "queuecall.v1.DisplayService";
const APPOINTMENT: &str = "queuecall.v1.AppointmentService";
const ADMIN: &str = "queuecall.v1.AdminService";
const HISTORY: &str = "queuecall.v1.HistoryService";

/// Services every caller may use without a token.
const OPEN: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// `(service, method, roles besides admin)`; a method of AdminService or HistoryService, or
/// one missing here, is admin's only.
pub const TABLE: &[(&str, &str, &[Role])] = &[
    (QUEUE, "TakeTicket", &[Kiosk]),
    (QUEUE, "GetTicket", &[Terminal, Kiosk]),
    (QUEUE, "ListWaiting", &[Terminal]),
    (QUEUE, "CancelTicket", &[]),
    (QUEUE, "GetBranch", &[Terminal, Kiosk, Display]),
    (QUEUE, "OpenWindow", &[Terminal]),
    (QUEUE, "PauseWindow", &[Terminal]),
    (QUEUE, "CloseWindow", &[Terminal]),
    (QUEUE, "CallNext", &[Terminal]),
    (QUEUE, "CallTicket", &[Terminal]),
    (QUEUE, "Recall", &[Terminal]),
    (QUEUE, "StartService", &[Terminal]),
    (QUEUE, "CompleteService", &[Terminal]),
    (QUEUE, "MarkNoShow", &[Terminal]),
    (QUEUE, "Requeue", &[Terminal]),
    (QUEUE, "Transfer", &[Terminal]),
    (DISPLAY, "WatchBranch", &[Display]),
    (DISPLAY, "WatchTicket", &[Display]),
    (APPOINTMENT, "ListAvailableSlots", &[Booking, Kiosk]),
    (APPOINTMENT, "BookAppointment", &[Booking]),
    (APPOINTMENT, "CancelAppointment", &[Booking]),
    (APPOINTMENT, "RescheduleAppointment", &[Booking]),
    (APPOINTMENT, "GetAppointment", &[Booking]),
    (APPOINTMENT, "ListAppointments", &[Booking]),
    (APPOINTMENT, "CheckIn", &[Booking, Kiosk]),
    (ADMIN, "GetLayout", &[]),
    (ADMIN, "PutBranch", &[]),
    (ADMIN, "DeleteBranch", &[]),
    (ADMIN, "PutService", &[]),
    (ADMIN, "DeleteService", &[]),
    (ADMIN, "PutWindow", &[]),
    (ADMIN, "DeleteWindow", &[]),
    (ADMIN, "SetCalendar", &[]),
    (ADMIN, "ApplyHall", &[]),
    (HISTORY, "GetStatistics", &[]),
    (HISTORY, "RateService", &[]),
];

/// What a request path (`/queuecall.v1.QueueService/TakeTicket`) asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No token needed.
    Open,
    /// A token whose role is admin or one of these.
    Roles(&'static [Role]),
}

impl Rule {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Self::Open => true,
            Self::Roles(roles) => role == Role::Admin || roles.contains(&role),
        }
    }
}

/// The rule of `path`.
pub fn rule(path: &str) -> Rule {
    let (service, method) = split(path);
    if OPEN.contains(&service) {
        return Rule::Open;
    }
    TABLE
        .iter()
        .find(|(s, m, _)| *s == service && *m == method)
        .map_or(Rule::Roles(&[]), |(_, _, roles)| Rule::Roles(roles))
}

/// `QueueService/TakeTicket` of `/queuecall.v1.QueueService/TakeTicket`, for messages.
pub fn short(path: &str) -> String {
    let (service, method) = split(path);
    let service = service.rsplit('.').next().unwrap_or(service);
    format!("{service}/{method}")
}

fn split(path: &str) -> (&str, &str) {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split_once('/').unwrap_or((path, ""))
}
