//! The `queuecall` binary: reads the configuration, starts logging, builds the service,
//! prints `queuecall listening grpc=<ip>:<port> http=<ip>:<port>` on stdout, and serves until stopped.
//! A start-up failure (bad configuration, bad hall file) exits non-zero with the whole
//! cause chain on stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use queuecall::config::Settings;
use queuecall::startup::Application;

/// Queue calling for a government service hall.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Configuration file, YAML or TOML (else $QUEUECALL_CONFIG; QUEUECALL_* variables override it).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "queuecall failed");
            eprintln!("queuecall: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let settings = Settings::load(args.config.as_deref())?;
    queuecall::telemetry::init(&settings.log)?;
    let app = Application::build(settings).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "queuecall listening grpc={} http={}",
        app.grpc_addr(),
        app.http_addr()
    )?;
    stdout.flush()?;
    drop(stdout);
    app.run_until_stopped().await
}
