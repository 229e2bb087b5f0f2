//! Parsing of every `queuecallctl` command line.

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use super::*;

fn parse(args: &[&str]) -> Cli {
    let mut argv = vec!["queuecallctl", "--server", "127.0.0.1:1", "--branch", "b1"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(err) => panic!("{argv:?} did not parse: {err}"),
    }
}

fn command(args: &[&str]) -> Command {
    parse(args).command
}

fn window(args: &[&str]) -> (u32, WindowAction) {
    match command(args) {
        Command::Window { number, action } => (number, action),
        other => panic!("not a window command: {other:?}"),
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

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn globals_have_defaults_and_may_follow_the_command() {
    if std::env::var_os("QUEUECALL_SERVER").is_none()
        && std::env::var_os("QUEUECALL_BRANCH").is_none()
    {
        let cli = Cli::try_parse_from(["queuecallctl", "queue"]).unwrap();
        assert_eq!(cli.server, "http://127.0.0.1:50051");
        assert_eq!(cli.branch, "district-centre");
    }
    let cli = Cli::try_parse_from([
        "queuecallctl",
        "window",
        "5",
        "next",
        "--branch",
        "town-1",
        "--server",
        "h:1",
    ])
    .unwrap();
    assert_eq!(cli.branch, "town-1");
    assert_eq!(cli.server, "h:1");
}

#[test]
fn take_with_defaults() {
    let Command::Take(take) = command(&["take", "social-security"]) else {
        panic!("not take");
    };
    let take = take.into_take("b1");
    assert_eq!(take, TakeTicket::new("b1", "social-security"));
}

#[test]
fn take_with_every_option() {
    let Command::Take(take) = command(&[
        "take",
        "tax",
        "--phone",
        "13812341234",
        "--priority",
        "green-channel",
        "--channel",
        "kiosk",
        "--idempotency-key",
        "k-1",
    ]) else {
        panic!("not take");
    };
    let take = take.into_take("b1");
    assert_eq!(take.service, "tax");
    assert_eq!(take.phone.as_deref(), Some("13812341234"));
    assert_eq!(take.priority, pb::PriorityClass::GreenChannel);
    assert_eq!(take.channel, pb::Channel::Kiosk);
    assert_eq!(take.idempotency_key.as_deref(), Some("k-1"));
}

#[test]
fn take_maps_every_priority_and_channel() {
    for (arg, class) in [
        ("normal", pb::PriorityClass::Normal),
        ("appointment", pb::PriorityClass::Appointment),
        ("green-channel", pb::PriorityClass::GreenChannel),
    ] {
        let Command::Take(take) = command(&["take", "s", "--priority", arg]) else {
            panic!("not take");
        };
        assert_eq!(take.into_take("b").priority, class);
    }
    for (arg, channel) in [
        ("kiosk", pb::Channel::Kiosk),
        ("mobile", pb::Channel::Mobile),
        ("window", pb::Channel::Window),
        ("api", pb::Channel::Api),
    ] {
        let Command::Take(take) = command(&["take", "s", "--channel", arg]) else {
            panic!("not take");
        };
        assert_eq!(take.into_take("b").channel, channel);
    }
}

#[test]
fn take_rejects_unknown_values_and_a_missing_service() {
    assert_eq!(
        fails(&["take", "s", "--priority", "vip"]),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        fails(&["take", "s", "--channel", "fax"]),
        ErrorKind::InvalidValue
    );
    assert_eq!(fails(&["take"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn ticket_and_cancel() {
    assert_eq!(
        command(&["ticket", "A023"]),
        Command::Ticket {
            ticket_id: "A023".to_owned()
        }
    );
    assert_eq!(
        command(&["cancel", "b1.20261127.A023"]),
        Command::Cancel {
            ticket_id: "b1.20261127.A023".to_owned()
        }
    );
    assert_eq!(fails(&["ticket"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn window_actions_without_arguments() {
    for (arg, expected) in [
        ("next", WindowAction::Next),
        ("recall", WindowAction::Recall),
        ("start", WindowAction::Start),
        ("done", WindowAction::Done),
        ("no-show", WindowAction::NoShow),
        ("open", WindowAction::Open),
        ("close", WindowAction::Close),
    ] {
        assert_eq!(window(&["window", "5", arg]), (5, expected));
    }
}

#[test]
fn window_actions_with_arguments() {
    assert_eq!(
        window(&["window", "5", "requeue", "A023"]),
        (
            5,
            WindowAction::Requeue {
                ticket_id: "A023".to_owned()
            }
        )
    );
    assert_eq!(
        window(&["window", "5", "call", "A007"]),
        (
            5,
            WindowAction::Call {
                ticket_id: "A007".to_owned()
            }
        )
    );
    assert_eq!(
        window(&["window", "2", "transfer", "tax"]),
        (
            2,
            WindowAction::Transfer {
                service: "tax".to_owned(),
                front: false
            }
        )
    );
    assert_eq!(
        window(&["window", "2", "transfer", "tax", "--front"]),
        (
            2,
            WindowAction::Transfer {
                service: "tax".to_owned(),
                front: true
            }
        )
    );
    assert_eq!(
        window(&["window", "3", "pause"]),
        (3, WindowAction::Pause { reason: None })
    );
    assert_eq!(
        window(&["window", "3", "pause", "--reason", "lunch break"]),
        (
            3,
            WindowAction::Pause {
                reason: Some("lunch break".to_owned())
            }
        )
    );
}

#[test]
fn window_rejects_bad_numbers_and_actions() {
    assert_eq!(fails(&["window", "0", "next"]), ErrorKind::ValueValidation);
    assert_eq!(
        fails(&["window", "five", "next"]),
        ErrorKind::ValueValidation
    );
    assert_eq!(
        fails(&["window", "5", "dance"]),
        ErrorKind::InvalidSubcommand
    );
    assert_eq!(fails(&["window", "5"]), ErrorKind::MissingSubcommand);
    assert_eq!(
        fails(&["window", "5", "requeue"]),
        ErrorKind::MissingRequiredArgument
    );
    assert_eq!(
        fails(&["window", "5", "transfer"]),
        ErrorKind::MissingRequiredArgument
    );
}

#[test]
fn queue_with_and_without_a_service() {
    assert_eq!(command(&["queue"]), Command::Queue { service: None });
    assert_eq!(
        command(&["queue", "tax"]),
        Command::Queue {
            service: Some("tax".to_owned())
        }
    );
}

#[test]
fn help_documents_the_output() {
    let help = Cli::command().render_long_help().to_string();
    for needle in [
        "nothing waiting for window",
        "error: <code>: <message>",
        "Exit status",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn bare_numbers_get_the_branch() {
    assert_eq!(ticket_ref("b1", "A023"), "b1.A023");
    assert_eq!(ticket_ref("b1", "b2.A023"), "b2.A023");
    assert_eq!(ticket_ref("b1", "b1.20261127.A023"), "b1.20261127.A023");
}

#[test]
fn display_defaults_to_no_branch_and_takes_one() {
    assert_eq!(command(&["display"]), Command::Display { shown: None });
    assert_eq!(
        command(&["display", "town-1"]),
        Command::Display {
            shown: Some("town-1".to_owned())
        }
    );
    let cli = Cli::try_parse_from(["queuecallctl", "display", "--branch", "b2"]).unwrap();
    assert_eq!(cli.branch, "b2");
    assert_eq!(cli.command, Command::Display { shown: None });
}

#[test]
fn watch_needs_a_ticket() {
    assert_eq!(
        command(&["watch", "A023"]),
        Command::Watch {
            ticket_id: "A023".to_owned()
        }
    );
    assert_eq!(fails(&["watch"]), ErrorKind::MissingRequiredArgument);
}

#[test]
fn help_documents_the_display_lines() {
    let help = Cli::command().render_long_help().to_string();
    for needle in [
        "snapshot <last event id> <reason>",
        "event <id> called <number> window <n> (recall <count>)",
        "event <id> queue <service> waiting <count>",
        "reconnecting",
        "connected",
        "Ctrl-C",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}
