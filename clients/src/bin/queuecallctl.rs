//! `queuecallctl`: take tickets, run a window, watch a branch's queue and show the live hall
//! board from the terminal.
//! `queuecallctl --help` documents every command, the output and the exit status.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run::run(args).await {
        // `display` and `watch` printed as they went.
        Ok(text) if text.is_empty() => ExitCode::SUCCESS,
        Ok(text) => {
            // A closed stdout (`| head`) is not worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {err}");
            ExitCode::from(cli::run::exit_status(&err))
        }
    }
}
