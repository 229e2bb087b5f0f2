//! Parsing of the appointment, statistics and rating commands.

use clap::Parser;
use clap::error::ErrorKind;

use super::*;
use crate::cli::args::{Cli, Command};

fn command(args: &[&str]) -> Command {
    let mut argv = vec!["queuecallctl", "--server", "127.0.0.1:1", "--branch", "b1"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(&argv) {
        Ok(cli) => cli.command,
        Err(err) => panic!("{argv:?} did not parse: {err}"),
    }
}

fn fails(args: &[&str]) -> ErrorKind {
    let mut argv = vec!["queuecallctl"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(&argv) {
        Ok(cli) => panic!("{argv:?} parsed as {cli:?}"),
        Err(err) => err.kind(),
    }
}

fn date(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

#[test]
fn slots_default_to_no_range_and_bookable_only() {
    assert_eq!(
        command(&["slots", "social-security"]),
        Command::Slots(SlotsArgs {
            service: "social-security".to_owned(),
            from: None,
            to: None,
            all: false,
        })
    );
    assert_eq!(
        command(&[
            "slots",
            "tax",
            "--from",
            "2026-11-30",
            "--to",
            "2026-12-04",
            "--all"
        ]),
        Command::Slots(SlotsArgs {
            service: "tax".to_owned(),
            from: Some(date("2026-11-30")),
            to: Some(date("2026-12-04")),
            all: true,
        })
    );
}

#[test]
fn dates_must_be_calendar_dates() {
    assert_eq!(
        fails(&["slots", "tax", "--from", "2026-02-30"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(
        fails(&["slots", "tax", "--to", "30.11.2026"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(
        fails(&["stats", "--from", "tomorrow"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(wire_date(date(" 2026-11-30 ")), "2026-11-30");
}

fn book_args() -> BookArgs {
    let Command::Book(args) = command(&[
        "book",
        "b1.social-security.20261130.0930",
        "--name",
        "张三",
        "--phone",
        "13812341234",
        "--id-number",
        "11010519491231002X",
    ]) else {
        panic!("not book");
    };
    args
}

#[test]
fn book_without_a_key_gets_a_fresh_one() {
    let booking = book_args().into_booking(|| "generated".to_owned());
    assert_eq!(booking.slot_id, "b1.social-security.20261130.0930");
    assert_eq!(booking.name, "张三");
    assert_eq!(booking.phone, "13812341234");
    assert_eq!(booking.id_number, "11010519491231002X");
    assert_eq!(booking.credit_code, None);
    assert_eq!(booking.idempotency_key, "generated");
}

#[test]
fn book_with_a_key_and_credit_code_keeps_them() {
    let Command::Book(args) = command(&[
        "book",
        "s",
        "--name",
        "n",
        "--phone",
        "p",
        "--id-number",
        "i",
        "--credit-code",
        "91350100M000100Y43",
        "--key",
        "retry-1",
    ]) else {
        panic!("not book");
    };
    let booking = args.into_booking(|| panic!("no key is generated when one is given"));
    assert_eq!(booking.idempotency_key, "retry-1");
    assert_eq!(booking.credit_code.as_deref(), Some("91350100M000100Y43"));
}

#[test]
fn book_needs_name_phone_and_id_number() {
    assert_eq!(
        fails(&["book", "s", "--name", "n", "--phone", "p"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        fails(&["book", "s", "--phone", "p", "--id-number", "i"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(fails(&["book"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn generated_keys_are_valid_and_differ() {
    let (a, b) = (new_idempotency_key(), new_idempotency_key());
    assert_ne!(a, b);
    for key in [&a, &b] {
        assert!(key.starts_with("qc-") && key.len() == 27, "{key}");
        assert!(key.chars().all(|c| c.is_ascii_graphic()), "{key}");
    }
}

#[test]
fn appointment_commands_take_ids() {
    assert_eq!(
        command(&["appointment", "apt-7"]),
        Command::Appointment {
            appointment_id: "apt-7".to_owned()
        }
    );
    assert_eq!(
        command(&["cancel-appointment", "apt-7"]),
        Command::CancelAppointment {
            appointment_id: "apt-7".to_owned()
        }
    );
    assert_eq!(
        command(&["reschedule", "apt-7", "b1.tax.20261201.1000"]),
        Command::Reschedule {
            appointment_id: "apt-7".to_owned(),
            new_slot_id: "b1.tax.20261201.1000".to_owned()
        }
    );
    assert_eq!(
        fails(&["reschedule", "apt-7"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(fails(&["appointment"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn appointments_of_a_person_everywhere_or_at_one_branch() {
    assert_eq!(
        command(&["appointments", "--id-number", "X"]),
        Command::Appointments(AppointmentsArgs {
            id_number: "X".to_owned(),
            at: None
        })
    );
    assert_eq!(
        command(&["appointments", "--id-number", "X", "--at", "town-1"]),
        Command::Appointments(AppointmentsArgs {
            id_number: "X".to_owned(),
            at: Some("town-1".to_owned())
        })
    );
    assert_eq!(fails(&["appointments"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn check_in_by_code_or_id_number_but_not_both() {
    let Command::CheckIn(args) = command(&["check-in", "--code", "483920"]) else {
        panic!("not check-in");
    };
    assert_eq!(args.by(), CheckInBy::Code("483920".to_owned()));
    let Command::CheckIn(args) = command(&["check-in", "--id-number", "X"]) else {
        panic!("not check-in");
    };
    assert_eq!(args.by(), CheckInBy::IdNumber("X".to_owned()));
    assert_eq!(fails(&["check-in"]), ErrorKind::MissingRequiredArgument);
    assert_eq!(
        fails(&["check-in", "--code", "1", "--id-number", "X"]),
        ErrorKind::ArgumentConflict
    );
}

#[test]
fn stats_group_by_service_unless_told() {
    assert_eq!(
        command(&["stats"]),
        Command::Stats(StatsArgs {
            from: None,
            to: None,
            by: GroupBy::Service
        })
    );
    for (arg, group) in [
        ("service", pb::StatisticsGroup::Service),
        ("window", pb::StatisticsGroup::Window),
        ("hour", pb::StatisticsGroup::Hour),
    ] {
        let Command::Stats(args) = command(&["stats", "--from", "2026-11-01", "--by", arg]) else {
            panic!("not stats");
        };
        assert_eq!(pb::StatisticsGroup::from(args.by), group);
        assert_eq!(args.from, Some(date("2026-11-01")));
    }
    assert_eq!(fails(&["stats", "--by", "day"]), ErrorKind::InvalidValue);
}

#[test]
fn rate_takes_scores_of_one_to_five() {
    let Command::Rate(args) = command(&[
        "rate",
        "A001",
        "5",
        "--attitude",
        "4",
        "--integrity",
        "5",
        "--comment",
        "很好",
    ]) else {
        panic!("not rate");
    };
    let rating = args.into_rating("b1.A001".to_owned());
    assert_eq!(
        rating,
        RatingArgs {
            ticket_id: "b1.A001".to_owned(),
            overall: 5,
            attitude: Some(4),
            quality: None,
            efficiency: None,
            integrity: Some(5),
            comment: Some("很好".to_owned()),
        }
    );
    assert_eq!(fails(&["rate", "A001", "6"]), ErrorKind::ValueValidation);
    assert_eq!(fails(&["rate", "A001", "0"]), ErrorKind::ValueValidation);
    assert_eq!(
        fails(&["rate", "A001", "3", "--quality", "9"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(fails(&["rate", "A001"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn help_documents_the_new_outputs() {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let top = cli.render_long_help().to_string();
    assert!(top.contains("queuecallctl <command> --help"), "{top}");
    for (sub, needle) in [
        ("slots", "剩余 5/5"),
        ("book", "idempotency key: <key>"),
        ("appointment", "check-in code: 483920"),
        ("check-in", "late: yes"),
        ("stats", "NO-SHOW RATE"),
        ("rate", "rating of <ticket id>: overall 5/5"),
        ("admin", "layout version <n>"),
    ] {
        let help = cli
            .find_subcommand_mut(sub)
            .unwrap_or_else(|| panic!("no {sub}"))
            .render_long_help()
            .to_string();
        assert!(
            help.contains(needle),
            "{sub} --help lacks {needle}:\n{help}"
        );
    }
}
