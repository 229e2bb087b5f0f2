//! Every RPC of every queuecall gRPC service, callable with any connection against a target
//! branch and window, with the role that may call it, how that role is scoped, and a role
//! that may not call it.

use futures::future::BoxFuture;
use queuecall_tests::v1::admin_service_client::AdminServiceClient;
use queuecall_tests::v1::appointment_service_client::AppointmentServiceClient;
use queuecall_tests::v1::display_service_client::DisplayServiceClient;
use queuecall_tests::v1::history_service_client::HistoryServiceClient;
use queuecall_tests::v1::queue_service_client::QueueServiceClient;
use queuecall_tests::v1::*;
use queuecall_tests::{Connection, SOCIAL, Status, TAX, TEST_ADMIN_TOKEN, take_request};

use super::tokens::{BOOKING, DISPLAY, KIOSK, TERMINAL};

/// Where a call acts: a branch and a window of it.
#[derive(Debug, Clone, Copy)]
pub struct At {
    pub branch: &'static str,
    pub window: u32,
}

/// How far the right role's token reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoped {
    /// One window: another window, or another branch, is refused.
    Window,
    /// One branch: another branch is refused.
    Branch,
    /// Every branch (booking, admin).
    Unscoped,
}

pub type Call = fn(Connection, At) -> BoxFuture<'static, Result<(), Status>>;

/// One RPC of the table.
pub struct Rpc {
    pub name: &'static str,
    pub call: Call,
    /// A token whose role may call it.
    pub right: &'static str,
    pub scoped: Scoped,
    /// A token whose role may not.
    pub wrong: &'static str,
}

/// `<branch>.<day>.A001`: a ticket id of `at`'s branch (it need not exist).
fn ticket(at: At) -> String {
    format!("{}.20261204.A001", at.branch)
}

macro_rules! rpc {
    ($name:literal, $right:expr, $scoped:expr, $wrong:expr, $client:ident . $method:ident, |$at:ident| $request:expr) => {
        Rpc {
            name: $name,
            call: |channel, $at| {
                Box::pin(async move {
                    let mut client = $client::new(channel);
                    client.$method($request).await.map(drop)
                })
            },
            right: $right,
            scoped: $scoped,
            wrong: $wrong,
        }
    };
}

/// Every RPC: 16 QueueService, 2 DisplayService, 7 AppointmentService, 9 AdminService,
/// 2 HistoryService.
pub fn all() -> Vec<Rpc> {
    use Scoped::{Branch, Unscoped, Window};
    vec![
        rpc!(
            "TakeTicket",
            KIOSK,
            Branch,
            DISPLAY,
            QueueServiceClient.take_ticket,
            |at| TakeTicketRequest {
                branch_id: at.branch.into(),
                ..take_request(SOCIAL)
            }
        ),
        rpc!(
            "GetTicket",
            TERMINAL,
            Branch,
            DISPLAY,
            QueueServiceClient.get_ticket,
            |at| GetTicketRequest {
                ticket_id: ticket(at)
            }
        ),
        rpc!(
            "ListWaiting",
            TERMINAL,
            Branch,
            KIOSK,
            QueueServiceClient.list_waiting,
            |at| ListWaitingRequest {
                branch_id: at.branch.into(),
                service_id: SOCIAL.into(),
            }
        ),
        rpc!(
            "CancelTicket",
            TEST_ADMIN_TOKEN,
            Unscoped,
            TERMINAL,
            QueueServiceClient.cancel_ticket,
            |at| CancelTicketRequest {
                ticket_id: ticket(at)
            }
        ),
        rpc!(
            "GetBranch",
            DISPLAY,
            Branch,
            BOOKING,
            QueueServiceClient.get_branch,
            |at| GetBranchRequest {
                branch_id: at.branch.into()
            }
        ),
        rpc!(
            "OpenWindow",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.open_window,
            |at| OpenWindowRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "PauseWindow",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.pause_window,
            |at| PauseWindowRequest {
                branch_id: at.branch.into(),
                window: at.window,
                reason: "break".into(),
            }
        ),
        rpc!(
            "CloseWindow",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.close_window,
            |at| CloseWindowRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "CallNext",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.call_next,
            |at| CallNextRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "CallTicket",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.call_ticket,
            |at| CallTicketRequest {
                branch_id: at.branch.into(),
                window: at.window,
                ticket_id: ticket(at),
            }
        ),
        rpc!(
            "Recall",
            TERMINAL,
            Window,
            DISPLAY,
            QueueServiceClient.recall,
            |at| RecallRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "StartService",
            TERMINAL,
            Window,
            DISPLAY,
            QueueServiceClient.start_service,
            |at| StartServiceRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "CompleteService",
            TERMINAL,
            Window,
            BOOKING,
            QueueServiceClient.complete_service,
            |at| CompleteServiceRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "MarkNoShow",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.mark_no_show,
            |at| MarkNoShowRequest {
                branch_id: at.branch.into(),
                window: at.window,
            }
        ),
        rpc!(
            "Requeue",
            TERMINAL,
            Branch,
            KIOSK,
            QueueServiceClient.requeue,
            |at| RequeueRequest {
                ticket_id: ticket(at)
            }
        ),
        rpc!(
            "Transfer",
            TERMINAL,
            Window,
            KIOSK,
            QueueServiceClient.transfer,
            |at| TransferRequest {
                branch_id: at.branch.into(),
                window: at.window,
                target_service_id: TAX.into(),
                to_front: false,
            }
        ),
        rpc!(
            "WatchBranch",
            DISPLAY,
            Branch,
            KIOSK,
            DisplayServiceClient.watch_branch,
            |at| WatchBranchRequest {
                branch_id: at.branch.into(),
                resume_after_event_id: 0,
            }
        ),
        rpc!(
            "WatchTicket",
            DISPLAY,
            Branch,
            TERMINAL,
            DisplayServiceClient.watch_ticket,
            |at| WatchTicketRequest {
                ticket_id: ticket(at)
            }
        ),
        rpc!(
            "ListAvailableSlots",
            KIOSK,
            Branch,
            DISPLAY,
            AppointmentServiceClient.list_available_slots,
            |at| ListAvailableSlotsRequest {
                branch_id: at.branch.into(),
                service_id: SOCIAL.into(),
                from_date: "2026-12-07".into(),
                ..Default::default()
            }
        ),
        rpc!(
            "BookAppointment",
            BOOKING,
            Unscoped,
            KIOSK,
            AppointmentServiceClient.book_appointment,
            |_at| BookAppointmentRequest::default()
        ),
        rpc!(
            "CancelAppointment",
            BOOKING,
            Unscoped,
            KIOSK,
            AppointmentServiceClient.cancel_appointment,
            |_at| CancelAppointmentRequest::default()
        ),
        rpc!(
            "RescheduleAppointment",
            BOOKING,
            Unscoped,
            KIOSK,
            AppointmentServiceClient.reschedule_appointment,
            |_at| RescheduleAppointmentRequest::default()
        ),
        rpc!(
            "GetAppointment",
            BOOKING,
            Unscoped,
            DISPLAY,
            AppointmentServiceClient.get_appointment,
            |_at| GetAppointmentRequest::default()
        ),
        rpc!(
            "ListAppointments",
            BOOKING,
            Unscoped,
            TERMINAL,
            AppointmentServiceClient.list_appointments,
            |_at| ListAppointmentsRequest::default()
        ),
        rpc!(
            "CheckIn",
            KIOSK,
            Branch,
            TERMINAL,
            AppointmentServiceClient.check_in,
            |at| CheckInRequest {
                branch_id: at.branch.into(),
                by: Some(check_in_request::By::CheckInCode("123456".into())),
            }
        ),
        rpc!(
            "GetLayout",
            TEST_ADMIN_TOKEN,
            Unscoped,
            BOOKING,
            AdminServiceClient.get_layout,
            |_at| GetLayoutRequest::default()
        ),
        rpc!(
            "PutBranch",
            TEST_ADMIN_TOKEN,
            Unscoped,
            TERMINAL,
            AdminServiceClient.put_branch,
            |_at| PutBranchRequest::default()
        ),
        rpc!(
            "DeleteBranch",
            TEST_ADMIN_TOKEN,
            Unscoped,
            KIOSK,
            AdminServiceClient.delete_branch,
            |_at| DeleteBranchRequest {
                branch_id: "no-such-branch".into(),
            }
        ),
        rpc!(
            "PutService",
            TEST_ADMIN_TOKEN,
            Unscoped,
            DISPLAY,
            AdminServiceClient.put_service,
            |_at| PutServiceRequest::default()
        ),
        rpc!(
            "DeleteService",
            TEST_ADMIN_TOKEN,
            Unscoped,
            BOOKING,
            AdminServiceClient.delete_service,
            |_at| DeleteServiceRequest::default()
        ),
        rpc!(
            "PutWindow",
            TEST_ADMIN_TOKEN,
            Unscoped,
            TERMINAL,
            AdminServiceClient.put_window,
            |_at| PutWindowRequest::default()
        ),
        rpc!(
            "DeleteWindow",
            TEST_ADMIN_TOKEN,
            Unscoped,
            KIOSK,
            AdminServiceClient.delete_window,
            |_at| DeleteWindowRequest::default()
        ),
        rpc!(
            "SetCalendar",
            TEST_ADMIN_TOKEN,
            Unscoped,
            DISPLAY,
            AdminServiceClient.set_calendar,
            |_at| SetCalendarRequest::default()
        ),
        rpc!(
            "ApplyHall",
            TEST_ADMIN_TOKEN,
            Unscoped,
            BOOKING,
            AdminServiceClient.apply_hall,
            |_at| ApplyHallRequest::default()
        ),
        rpc!(
            "GetStatistics",
            TEST_ADMIN_TOKEN,
            Unscoped,
            TERMINAL,
            HistoryServiceClient.get_statistics,
            |at| GetStatisticsRequest {
                branch_id: at.branch.into(),
                from_date: "2026-12-01".into(),
                ..Default::default()
            }
        ),
        rpc!(
            "RateService",
            TEST_ADMIN_TOKEN,
            Unscoped,
            KIOSK,
            HistoryServiceClient.rate_service,
            |at| RateServiceRequest {
                ticket_id: ticket(at),
                overall: 5,
                ..Default::default()
            }
        ),
    ]
}
