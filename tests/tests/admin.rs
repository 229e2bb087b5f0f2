//! AdminService over gRPC against the real app (test hall, a SQLite records file of its own):
//! every RPC, bad input named by field, refused deletes naming what blocks, nothing written
//! by a refused change, and a change usable at once by the queue of the same app.

use queuecall_proto::v1::admin_service_client::AdminServiceClient;
use queuecall_proto::v1::{
    ApplyHallRequest, AppointmentSettings, BranchLayout, BranchLevel, CalendarYear, CallRule,
    DeleteBranchRequest, DeleteServiceRequest, DeleteWindowRequest, GetLayoutRequest,
    GetLayoutResponse, HallFormat, MakeUpDay, PriorityClass, PutBranchRequest, PutServiceRequest,
    PutWindowRequest, ServiceLayout, SetCalendarRequest, TimeRange, Weekday, WindowLayout,
};
use queuecall_tests::Connection;
use queuecall_tests::{
    BRANCH, BUSY_BRANCH, Code, PERMITS, SOCIAL, StoreKind, TAX, TestApp, VILLAGE, WINDOW_PERMITS,
    WINDOW_TAX, assert_status, spawn_app,
};

async fn admin(app: &TestApp) -> AdminServiceClient<Connection> {
    AdminServiceClient::new(app.channel().await)
}

async fn layout(admin: &mut AdminServiceClient<Connection>) -> GetLayoutResponse {
    admin
        .get_layout(GetLayoutRequest::default())
        .await
        .expect("GetLayout")
        .into_inner()
}

fn branch_of<'a>(layout: &'a GetLayoutResponse, id: &str) -> &'a BranchLayout {
    layout
        .branches
        .iter()
        .find(|b| b.id == id)
        .unwrap_or_else(|| panic!("branch {id} in the layout"))
}

/// A new bookable service of the test branch, prefix G.
fn passports() -> ServiceLayout {
    ServiceLayout {
        id: "passports".to_owned(),
        name: "出入境证件".to_owned(),
        ticket_prefix: "G".to_owned(),
        daily_limit: 100,
        avg_service_seconds: 240,
        turn_near: 3,
        recall_limit: 2,
        requeue_offset: 3,
        requeue_limit: 2,
        priority_order: vec![
            PriorityClass::Appointment as i32,
            PriorityClass::Normal as i32,
        ],
        appointments: Some(AppointmentSettings {
            weekdays: vec![Weekday::Monday as i32, Weekday::Wednesday as i32],
            time_ranges: vec![TimeRange {
                start: "09:00".to_owned(),
                end: "11:00".to_owned(),
            }],
            slot_minutes: 20,
            capacity: 2,
            open_ahead_days: 7,
            same_day_cutoff_minutes: 60,
            max_active_per_person: 1,
            max_per_day: 1,
            max_per_week: 2,
            no_show_limit: 3,
            no_show_window_days: 60,
            suspension_days: 30,
            cancel_before_minutes: 120,
            check_in_before_minutes: 20,
            check_in_after_minutes: 10,
        }),
    }
}

fn put_service(service: ServiceLayout) -> PutServiceRequest {
    PutServiceRequest {
        branch_id: BRANCH.to_owned(),
        service: Some(service),
    }
}

#[tokio::test]
async fn get_layout_shows_the_test_hall_with_its_booking_settings_and_calendar() {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let all = layout(&mut admin).await;
    assert!(all.layout_version >= 1, "seeded: {}", all.layout_version);
    assert_eq!(all.branches.len(), 3);
    let centre = branch_of(&all, BRANCH);
    assert_eq!(centre.level, BranchLevel::District as i32);
    assert_eq!(centre.time_zone, "Asia/Shanghai");
    let social = centre
        .services
        .iter()
        .find(|s| s.id == SOCIAL)
        .expect("social");
    let booking = social
        .appointments
        .as_ref()
        .expect("social-security is bookable");
    assert_eq!((booking.slot_minutes, booking.capacity), (30, 5));
    assert_eq!(booking.weekdays.len(), 5);
    assert_eq!(booking.time_ranges[1].start, "13:30");
    assert_eq!(booking.max_per_week, 3, "the default policy");
    let tax = centre.services.iter().find(|s| s.id == TAX).expect("tax");
    assert!(tax.appointments.is_none());
    let year = &centre.calendar[0];
    assert_eq!(year.year, 2026);
    assert_eq!(year.holidays, ["2026-12-02"]);
    assert_eq!(year.make_up_days[0].date, "2026-12-05");
    assert_eq!(year.make_up_days[0].follows, Weekday::Wednesday as i32);
    let ratio = centre
        .windows
        .iter()
        .find(|w| w.number == 3)
        .expect("window 3");
    assert_eq!(ratio.call_rule, CallRule::Ratio as i32);
    assert_eq!((ratio.ratio_priority, ratio.ratio_normal), (1, 2));
    let busy = branch_of(&all, BUSY_BRANCH);
    assert_eq!(busy.parent_id, BRANCH);

    let one = admin
        .get_layout(GetLayoutRequest {
            branch_id: VILLAGE.to_owned(),
        })
        .await
        .expect("one branch")
        .into_inner();
    assert_eq!(one.branches.len(), 1);
    assert_eq!(one.layout_version, all.layout_version);
    let unknown = admin
        .get_layout(GetLayoutRequest {
            branch_id: "nowhere".to_owned(),
        })
        .await;
    assert_status(unknown, Code::NotFound, &["nowhere"]);
}

#[tokio::test]
async fn a_service_put_by_admin_is_served_by_the_same_app_at_once() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let before = layout(&mut admin).await.layout_version;
    let put = admin
        .put_service(put_service(passports()))
        .await?
        .into_inner();
    assert!(put.created);
    assert_eq!(put.layout_version, before + 1);
    assert_eq!(put.service, Some(passports()));
    // The queue knows it at once: a ticket, and a window that serves it calls it.
    let ticket = app.take("passports").await?;
    assert_eq!(ticket.number, "G001");
    let window = admin
        .put_window(PutWindowRequest {
            branch_id: BRANCH.to_owned(),
            window: Some(WindowLayout {
                number: 7,
                name: "出入境窗口".to_owned(),
                service_ids: vec!["passports".to_owned()],
                call_rule: CallRule::StrictOrder as i32,
                ratio_priority: 0,
                ratio_normal: 0,
            }),
        })
        .await?
        .into_inner();
    assert!(window.created);
    assert_eq!(window.layout_version, before + 2);
    app.open(7).await?;
    let called = app.call(7).await?;
    assert_eq!(called.id, ticket.id);

    // Putting it again replaces it in place (same position, created false).
    let mut changed = passports();
    changed.daily_limit = 5;
    changed.appointments = None;
    let again = admin
        .put_service(put_service(changed.clone()))
        .await?
        .into_inner();
    assert!(!again.created);
    let stored = layout(&mut admin).await;
    let centre = branch_of(&stored, BRANCH);
    assert_eq!(centre.services.last(), Some(&changed));
    assert_eq!(centre.services.len(), 5);
    Ok(())
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_written() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let before = layout(&mut admin).await;

    let with = |change: fn(&mut ServiceLayout)| {
        let mut service = passports();
        change(&mut service);
        put_service(service)
    };
    let cases: Vec<(PutServiceRequest, Code, &str)> = vec![
        (
            with(|s| s.ticket_prefix = "g2".into()),
            Code::InvalidArgument,
            "service.ticket_prefix",
        ),
        (
            with(|s| s.ticket_prefix = "B".into()),
            Code::AlreadyExists,
            "service.ticket_prefix",
        ),
        (
            with(|s| s.id = "no spaces".into()),
            Code::InvalidArgument,
            "service.id",
        ),
        (
            with(|s| s.name = "  ".into()),
            Code::InvalidArgument,
            "service.name",
        ),
        (
            with(|s| s.daily_limit = 0),
            Code::InvalidArgument,
            "service.daily_limit",
        ),
        (
            with(|s| s.priority_order = vec![1, 1]),
            Code::InvalidArgument,
            "service.priority_order",
        ),
        (
            with(|s| {
                let booking = s.appointments.as_mut().expect("settings");
                booking.time_ranges.push(TimeRange {
                    start: "10:30".into(),
                    end: "12:00".into(),
                });
            }),
            Code::InvalidArgument,
            "service.appointments.time_ranges",
        ),
        (
            with(|s| s.appointments.as_mut().expect("settings").time_ranges[0].end = "9am".into()),
            Code::InvalidArgument,
            "service.appointments.time_ranges",
        ),
        (
            with(|s| s.appointments.as_mut().expect("settings").capacity = 0),
            Code::InvalidArgument,
            "service.appointments.capacity",
        ),
        (
            with(|s| s.appointments.as_mut().expect("settings").weekdays = vec![]),
            Code::InvalidArgument,
            "service.appointments.weekdays",
        ),
        (
            with(|s| s.appointments.as_mut().expect("settings").max_per_day = 5),
            Code::InvalidArgument,
            "service.appointments.max_per_day",
        ),
        (
            PutServiceRequest {
                branch_id: "nowhere".into(),
                service: Some(passports()),
            },
            Code::NotFound,
            "nowhere",
        ),
        (
            PutServiceRequest {
                branch_id: BRANCH.into(),
                service: None,
            },
            Code::InvalidArgument,
            "service",
        ),
    ];
    for (request, code, field) in cases {
        assert_status(admin.put_service(request).await, code, &[field]);
    }

    let window = |change: fn(&mut WindowLayout)| {
        let mut window = WindowLayout {
            number: 8,
            name: "新窗口".into(),
            service_ids: vec![TAX.into()],
            call_rule: CallRule::Ratio as i32,
            ratio_priority: 1,
            ratio_normal: 2,
        };
        change(&mut window);
        PutWindowRequest {
            branch_id: BRANCH.into(),
            window: Some(window),
        }
    };
    let cases: Vec<(PutWindowRequest, &str)> = vec![
        (
            window(|w| w.service_ids = vec!["nothing".into()]),
            "window.service_ids",
        ),
        (
            window(|w| w.service_ids = vec![TAX.into(), TAX.into()]),
            "window.service_ids",
        ),
        (window(|w| w.service_ids = vec![]), "window.service_ids"),
        (window(|w| w.number = 0), "window.number"),
        (window(|w| w.ratio_normal = 0), "window.ratio_normal"),
        (window(|w| w.call_rule = 0), "window.call_rule"),
        (window(|w| w.name = String::new()), "window.name"),
    ];
    for (request, field) in cases {
        assert_status(
            admin.put_window(request).await,
            Code::InvalidArgument,
            &[field],
        );
    }

    let branch = |change: fn(&mut BranchLayout)| {
        let mut branch = BranchLayout {
            id: "town-east".into(),
            name: "东镇便民服务中心".into(),
            level: BranchLevel::Town as i32,
            parent_id: BRANCH.into(),
            time_zone: "Asia/Shanghai".into(),
            ..BranchLayout::default()
        };
        change(&mut branch);
        PutBranchRequest {
            branch: Some(branch),
        }
    };
    let cases: Vec<(PutBranchRequest, &str)> = vec![
        (
            branch(|b| b.time_zone = "Asia/Shangai".into()),
            "branch.time_zone",
        ),
        (
            branch(|b| b.parent_id = "nowhere".into()),
            "branch.parent_id",
        ),
        (
            branch(|b| b.parent_id = "town-east".into()),
            "branch.parent_id",
        ),
        (branch(|b| b.level = 0), "branch.level"),
        (branch(|b| b.id = "a/b".into()), "branch.id"),
    ];
    for (request, field) in cases {
        assert_status(
            admin.put_branch(request).await,
            Code::InvalidArgument,
            &[field],
        );
    }
    // A parent that would close a cycle: test-centre under its own grandchild.
    let cycle = PutBranchRequest {
        branch: Some(BranchLayout {
            id: BRANCH.into(),
            name: "测试区政务服务中心".into(),
            level: BranchLevel::District as i32,
            parent_id: VILLAGE.into(),
            ..BranchLayout::default()
        }),
    };
    assert_status(
        admin.put_branch(cycle).await,
        Code::InvalidArgument,
        &["branch.parent_id", "cycle"],
    );

    let year = |change: fn(&mut CalendarYear)| {
        let mut year = CalendarYear {
            year: 2027,
            holidays: vec!["2027-01-01".into()],
            make_up_days: vec![MakeUpDay {
                date: "2027-01-09".into(),
                follows: Weekday::Friday as i32,
            }],
        };
        change(&mut year);
        SetCalendarRequest {
            branch_id: BRANCH.into(),
            year: Some(year),
        }
    };
    let cases: Vec<(SetCalendarRequest, &str)> = vec![
        (
            year(|y| y.holidays.push("2028-01-01".into())),
            "year.holidays",
        ),
        (
            year(|y| y.holidays.push("2027-02-30".into())),
            "year.holidays",
        ),
        (
            year(|y| y.make_up_days[0].date = "2027-01-01".into()),
            "year.make_up_days",
        ),
        (year(|y| y.make_up_days[0].follows = 0), "year.make_up_days"),
        (year(|y| y.year = 0), "year.year"),
    ];
    for (request, field) in cases {
        assert_status(
            admin.set_calendar(request).await,
            Code::InvalidArgument,
            &[field],
        );
    }
    let bad_file = admin
        .apply_hall(ApplyHallRequest {
            text: "branches:\n  - id: x\n    name: X\n    level: county\n".into(),
            format: HallFormat::Yaml as i32,
        })
        .await;
    assert_status(bad_file, Code::InvalidArgument, &["text", "line 4"]);

    // Nothing of it was written: same version, same layout, in the database and in the app.
    let after = layout(&mut admin).await;
    assert_eq!(after, before);
    assert_status(app.take("passports").await, Code::NotFound, &["passports"]);
    Ok(())
}

#[tokio::test]
async fn deletes_are_refused_while_something_blocks_them_and_name_it() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let delete_service = |service: &str| DeleteServiceRequest {
        branch_id: BRANCH.into(),
        service_id: service.into(),
    };
    let delete_window = |window: u32| DeleteWindowRequest {
        branch_id: BRANCH.into(),
        window,
    };
    // Windows serve social-security.
    assert_status(
        admin.delete_service(delete_service(SOCIAL)).await,
        Code::FailedPrecondition,
        &["social-security", "window 1, 2, 4"],
    );
    // A waiting ticket holds permits, even once no window serves it.
    let waiting = app.take(PERMITS).await?;
    admin.delete_window(delete_window(WINDOW_PERMITS)).await?;
    assert_status(
        admin.delete_service(delete_service(PERMITS)).await,
        Code::FailedPrecondition,
        &["permits", "1 waiting"],
    );
    app.cancel(&waiting.id).await?;
    let deleted = admin
        .delete_service(delete_service(PERMITS))
        .await?
        .into_inner();
    assert_status(app.take(PERMITS).await, Code::NotFound, &["permits"]);
    // A window holding a ticket.
    app.take(TAX).await?;
    app.open(WINDOW_TAX).await?;
    let held = app.call(WINDOW_TAX).await?;
    assert_status(
        admin.delete_window(delete_window(WINDOW_TAX)).await,
        Code::FailedPrecondition,
        &["window 5", &held.number],
    );
    // A branch that is a parent, and one with a live ticket.
    assert_status(
        admin
            .delete_branch(DeleteBranchRequest {
                branch_id: BUSY_BRANCH.into(),
            })
            .await,
        Code::FailedPrecondition,
        &["parent of village-station"],
    );
    let village = app
        .take_with(queuecall_proto::v1::TakeTicketRequest {
            branch_id: VILLAGE.into(),
            ..queuecall_tests::take_request("general")
        })
        .await?;
    assert_status(
        admin
            .delete_branch(DeleteBranchRequest {
                branch_id: VILLAGE.into(),
            })
            .await,
        Code::FailedPrecondition,
        &["1 waiting"],
    );
    app.cancel(&village.ticket.expect("ticket").id).await?;
    let gone = admin
        .delete_branch(DeleteBranchRequest {
            branch_id: VILLAGE.into(),
        })
        .await?
        .into_inner();
    assert_eq!(gone.layout_version, deleted.layout_version + 1);
    let stored = layout(&mut admin).await;
    assert!(stored.branches.iter().all(|b| b.id != VILLAGE));
    assert_status(app.branch(VILLAGE).await, Code::NotFound, &[VILLAGE]);
    // Unknown things are NOT_FOUND.
    assert_status(
        admin.delete_window(delete_window(99)).await,
        Code::NotFound,
        &["window"],
    );
    assert_status(
        admin.delete_service(delete_service("nothing")).await,
        Code::NotFound,
        &["nothing"],
    );
    Ok(())
}

#[tokio::test]
async fn branches_and_calendar_years_are_put_and_replaced() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let town = BranchLayout {
        id: "town-east".into(),
        name: "东镇便民服务中心".into(),
        level: BranchLevel::Town as i32,
        parent_id: BRANCH.into(),
        time_zone: "Asia/Shanghai".into(),
        english_announcements: false,
        ..BranchLayout::default()
    };
    let put = admin
        .put_branch(PutBranchRequest {
            branch: Some(town.clone()),
        })
        .await?
        .into_inner();
    assert!(put.created);
    assert_eq!(put.branch, Some(town.clone()));
    // Changing the test centre's own settings keeps its services, windows and calendar.
    let before = branch_of(&layout(&mut admin).await, BRANCH).clone();
    let renamed = BranchLayout {
        name: "测试区政务服务中心（新址）".into(),
        services: vec![],
        windows: vec![],
        calendar: vec![],
        ..before.clone()
    };
    let put = admin
        .put_branch(PutBranchRequest {
            branch: Some(renamed),
        })
        .await?
        .into_inner();
    assert!(!put.created);
    let after = put.branch.expect("branch");
    assert_eq!(after.name, "测试区政务服务中心（新址）");
    assert_eq!(after.services, before.services);
    assert_eq!(after.windows, before.windows);
    assert_eq!(after.calendar, before.calendar);

    let year_2027 = CalendarYear {
        year: 2027,
        holidays: vec!["2027-01-01".into(), "2027-02-05".into()],
        make_up_days: vec![MakeUpDay {
            date: "2027-02-20".into(),
            follows: Weekday::Friday as i32,
        }],
    };
    let set = admin
        .set_calendar(SetCalendarRequest {
            branch_id: BRANCH.into(),
            year: Some(year_2027.clone()),
        })
        .await?
        .into_inner();
    assert_eq!(set.year, Some(year_2027.clone()));
    let replaced_2026 = CalendarYear {
        year: 2026,
        holidays: vec!["2026-12-31".into()],
        make_up_days: vec![],
    };
    admin
        .set_calendar(SetCalendarRequest {
            branch_id: BRANCH.into(),
            year: Some(replaced_2026.clone()),
        })
        .await?;
    let stored = layout(&mut admin).await;
    assert_eq!(
        branch_of(&stored, BRANCH).calendar,
        [replaced_2026, year_2027]
    );
    Ok(())
}

#[tokio::test]
async fn apply_hall_replaces_the_whole_layout_and_the_queue_follows() -> anyhow::Result<()> {
    let app = spawn_app(StoreKind::Embedded).await;
    let mut admin = admin(&app).await;
    let before = layout(&mut admin).await.layout_version;
    let demo = ApplyHallRequest {
        text: queuecall::hall::demo::YAML.to_owned(),
        format: HallFormat::Unspecified as i32,
    };
    // The demo hall drops the test centre: refused while a ticket waits there.
    let waiting = app.take(TAX).await?;
    assert_status(
        admin.apply_hall(demo.clone()).await,
        Code::FailedPrecondition,
        &["drops service 'tax'", "1 waiting"],
    );
    assert_eq!(layout(&mut admin).await.layout_version, before);
    app.cancel(&waiting.id).await?;
    let applied = admin.apply_hall(demo).await?.into_inner();
    assert_eq!(applied.layout_version, before + 1);
    let ids: Vec<&str> = applied.branches.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["district-centre", "village-xixia"]);
    assert_status(app.branch(BRANCH).await, Code::NotFound, &[BRANCH]);
    let ticket = app
        .take_with(queuecall_proto::v1::TakeTicketRequest {
            branch_id: "district-centre".into(),
            ..queuecall_tests::take_request("real-estate")
        })
        .await?;
    assert_eq!(ticket.ticket.expect("ticket").number, "D001");
    Ok(())
}

#[tokio::test]
async fn admin_service_reports_serving_on_grpc_health() -> anyhow::Result<()> {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;
    let app = spawn_app(StoreKind::Embedded).await;
    let status = HealthClient::new(app.channel().await)
        .check(HealthCheckRequest {
            service: "queuecall.v1.AdminService".into(),
        })
        .await?
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    Ok(())
}
