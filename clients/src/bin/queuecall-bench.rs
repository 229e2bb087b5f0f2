//! `queuecall-bench`: load generator for queuecall. `queuecall-bench <mode> --help`
//! documents each mode, its report and its exit status.

mod bench;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = bench::args::Bench::parse();
    match bench::run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
