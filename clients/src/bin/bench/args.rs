//! The command line of `queuecall-bench` (clap derive): one subcommand per mode.

use clap::{Args, Parser, Subcommand};

const DISPLAYS_HELP: &str = "\
What it does: opens --streams WatchBranch streams spread evenly over --connections HTTP/2
connections, waits until every stream has its snapshot, then makes --calls calls on
--window (TakeTicket for --service, then CallNext; StartService and CompleteService after
every stream has the call, then --pace-ms of rest). For each call it measures, from just
before the CallNext request, when each stream receives that call's `called` event.

Report (stdout): the set-up, then a latency table in milliseconds with p50, p90, p99 and max
of 'call to last display' (per call, the slowest stream), 'every delivery' (all streams,
all calls) and 'CallNext round trip', the deliveries expected, received and missed (must
be 0), stream errors and fell-behind snapshots, and with --server-pid the server's VmRSS
before opening the streams and after all are open, with (after - before) / streams in KiB.

Exit status: 0 when nothing was missed and no stream failed; 1 otherwise or on an error.

The window is opened if it is closed, and emptied first if it holds a ticket. Tickets
count against the service's daily limit (300 for social-security in the demo hall): start
the service on a fresh store for each run of 200 calls. The load generator raises its own
open-file limit to the hard limit; if that is too low, raise it with `ulimit -n`.

Example:
  QUEUECALL_GRPC__PORT=50051 QUEUECALL_STORE__PATH=/tmp/bench.sqlite cargo run -p queuecall &
  queuecall-bench displays --server http://127.0.0.1:50051 --branch district-centre \\
      --streams 10000 --connections 100 --calls 200 --window 2 --service social-security \\
      --server-pid $(pgrep -nx queuecall)";

/// Load generator for queuecall.
#[derive(Debug, Parser)]
#[command(name = "queuecall-bench", version)]
pub struct Bench {
    #[command(subcommand)]
    pub mode: Mode,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Mode {
    /// Many hall displays on one branch: event delivery latency and server memory per stream.
    #[command(after_long_help = DISPLAYS_HELP)]
    Displays(DisplaysArgs),
    /// TakeTicket and the window cycle against the same server's empty RPC.
    #[command(after_long_help = super::queue::QUEUE_HELP)]
    Queue(super::queue::QueueArgs),
    /// Many citizens booking the same slots at once: throughput and exactly the seats booked.
    #[command(after_long_help = super::booking::BOOKING_HELP)]
    Booking(super::booking::BookingArgs),
    /// TakeTicket and CallNext latency as the waiting line grows from 100 to 100,000.
    #[command(after_long_help = super::scale::SCALE_HELP)]
    Scale(super::scale::ScaleArgs),
    /// A full day of a district hall in about a minute, ending with every invariant checked.
    #[command(after_long_help = super::day::DAY_HELP)]
    Day(super::day::DayArgs),
}

/// Where the service is and how to reach it: every mode's first arguments.
#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct ServerArgs {
    /// The queuecall gRPC endpoint (`http://host:port` or `host:port`).
    #[arg(
        long,
        env = "QUEUECALL_SERVER",
        default_value = "http://127.0.0.1:50051"
    )]
    pub server: String,
    /// The access token (an admin token: the benches open windows and call; `booking` needs a booking token).
    #[arg(long, env = "QUEUECALL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// For an `https://` server: the CA certificate (PEM) that signed its certificate.
    #[arg(long, env = "QUEUECALL_CA_CERT", value_name = "PEM")]
    pub ca_cert: Option<std::path::PathBuf>,
}

impl ServerArgs {
    /// The service `--server`, `--token` and `--ca-cert` name.
    pub fn target(&self) -> anyhow::Result<queuecall_client::Server> {
        let ca_cert = match &self.ca_cert {
            Some(path) => Some(std::fs::read(path).map_err(|err| {
                anyhow::anyhow!("cannot read --ca-cert {}: {err}", path.display())
            })?),
            None => None,
        };
        Ok(queuecall_client::Server::new(self.server.as_str())
            .with_token(self.token.clone())
            .with_ca_cert(ca_cert))
    }
}

#[derive(Debug, Args, Clone, PartialEq, Eq)]
pub struct DisplaysArgs {
    #[command(flatten)]
    pub on: ServerArgs,
    /// The branch every stream watches and the calls are made in.
    #[arg(long, default_value = "district-centre")]
    pub branch: String,
    /// WatchBranch streams to open.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub streams: u32,
    /// HTTP/2 connections to spread the streams over.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// Calls to make and time.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub calls: u32,
    /// The window that calls (it must serve --service).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub window: u32,
    /// The service the tickets are taken for.
    #[arg(long, default_value = "social-security")]
    pub service: String,
    /// Rest between one call's last delivery and the next call, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub pace_ms: u64,
    /// How long a call may take to reach every stream before the bench moves on (seconds).
    #[arg(long, default_value_t = 10)]
    pub delivery_timeout: u64,
    /// How long opening every stream and receiving its snapshot may take (seconds).
    #[arg(long, default_value_t = 300)]
    pub open_timeout: u64,
    /// Streams being opened at the same time.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub open_concurrency: u32,
    /// The server's limit of concurrent streams per connection; streams per connection must
    /// stay under it (tonic serves without a limit, hyper's and most proxies' default is 200).
    #[arg(long, default_value_t = 200)]
    pub server_max_streams: u32,
    /// The server's process id, to read its memory (VmRSS in /proc/<pid>/status).
    #[arg(long)]
    pub server_pid: Option<u32>,
}

impl DisplaysArgs {
    /// Streams on the busiest connection.
    pub fn streams_per_connection(&self) -> u32 {
        self.streams.div_ceil(self.connections)
    }

    /// Why these arguments cannot run, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.connections > self.streams {
            return Err(format!(
                "--connections {} is more than --streams {}",
                self.connections, self.streams
            ));
        }
        let per_connection = self.streams_per_connection();
        if per_connection >= self.server_max_streams {
            return Err(format!(
                "{per_connection} streams per connection would reach the server's limit of \
                 {} (--server-max-streams): use more --connections",
                self.server_max_streams
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn displays(args: &[&str]) -> DisplaysArgs {
        let mut argv = vec!["queuecall-bench", "displays"];
        argv.extend_from_slice(args);
        match Bench::try_parse_from(&argv).unwrap().mode {
            Mode::Displays(args) => args,
            Mode::Queue(_) | Mode::Booking(_) | Mode::Scale(_) | Mode::Day(_) => {
                unreachable!("parsed as displays")
            }
        }
    }

    #[test]
    fn the_command_definition_is_consistent() {
        Bench::command().debug_assert();
    }

    #[test]
    fn displays_defaults_match_the_benchmark_of_issue_3() {
        let args = displays(&["--server", "h:1"]);
        assert_eq!(
            (args.streams, args.connections, args.calls),
            (10_000, 100, 200)
        );
        assert_eq!(args.streams_per_connection(), 100);
        assert_eq!(args.server_pid, None);
        assert!(args.check().is_ok());
    }

    #[test]
    fn displays_with_every_option() {
        let args = displays(&[
            "--server",
            "http://127.0.0.1:7",
            "--branch",
            "b1",
            "--streams",
            "1000",
            "--connections",
            "7",
            "--calls",
            "5",
            "--window",
            "3",
            "--service",
            "tax",
            "--pace-ms",
            "0",
            "--server-pid",
            "42",
        ]);
        assert_eq!(args.branch, "b1");
        assert_eq!(args.streams_per_connection(), 143);
        assert_eq!((args.window, args.service.as_str()), (3, "tax"));
        assert_eq!((args.pace_ms, args.server_pid), (0, Some(42)));
    }

    #[test]
    fn too_many_streams_per_connection_are_refused() {
        let args = displays(&["--streams", "10000", "--connections", "10"]);
        let why = args.check().unwrap_err();
        assert!(why.contains("1000 streams per connection"), "{why}");
        let args = displays(&["--streams", "5", "--connections", "6"]);
        assert!(args.check().is_err());
    }

    #[test]
    fn zero_is_not_a_count() {
        for flag in ["--streams", "--connections", "--calls", "--window"] {
            let argv = ["queuecall-bench", "displays", flag, "0"];
            assert!(Bench::try_parse_from(argv).is_err(), "{flag} 0 parsed");
        }
    }

    #[test]
    fn help_documents_the_report() {
        let mut command = Bench::command();
        let help = command
            .find_subcommand_mut("displays")
            .unwrap()
            .render_long_help()
            .to_string();
        for needle in ["call to last display", "missed", "KiB", "ulimit -n"] {
            assert!(help.contains(needle), "displays --help lacks {needle}");
        }
    }
}
