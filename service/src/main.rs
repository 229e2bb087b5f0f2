//! The `queuecall` binary: reads the configuration, starts logging, builds the service,
//! prints the embedded demo's access tokens (`queuecall demo token name=… role=… token=…`,
//! when no token is configured) and `queuecall listening grpc=<ip>:<port> http=<ip>:<port>`
//! on stdout, and serves until stopped.
//! `queuecall migrate` applies the records database's migrations and exits;
//! `queuecall hall apply <file>` replaces the stored layout with a hall file's (running
//! replicas pick it up within `records.layout_poll_ms`); `queuecall hall show` prints the
//! stored layout as a hall file.
//! A start-up failure (bad configuration, bad hall file) exits non-zero with the whole
//! cause chain on stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use queuecall::config::Settings;
use queuecall::startup::Application;

/// mimalloc instead of the C library's allocator: a call allocates and frees many small
/// buffers on whichever worker thread polls it, and glibc's malloc/free were about a sixth
/// of the service's CPU time under load (BENCHMARKS.md, section 1).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Queue calling for a government service hall.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Configuration file, YAML or TOML (else $QUEUECALL_CONFIG; QUEUECALL_* variables override it).
    #[arg(long, value_name = "PATH", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply the records database's migrations (the `records` settings), print the schema
    /// version and exit.
    Migrate,
    /// The hall layout kept in the records database.
    #[command(subcommand)]
    Hall(HallCommand),
}

#[derive(Debug, Subcommand)]
enum HallCommand {
    /// Replace the stored layout with a hall file's (YAML, or TOML for a `.toml` file) in one
    /// transaction and print the new layout version; running replicas pick it up by polling.
    Apply {
        /// The hall file.
        file: PathBuf,
    },
    /// Print the stored layout as a YAML hall file.
    Show,
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
    let telemetry = queuecall::telemetry::init(&settings.log)?;
    let result = serve_or_command(args, settings).await;
    telemetry.shutdown();
    result
}

async fn serve_or_command(args: Args, settings: Settings) -> anyhow::Result<()> {
    match args.command {
        Some(Command::Migrate) => return migrate(&settings).await,
        Some(Command::Hall(HallCommand::Apply { file })) => {
            return hall_apply(&settings, &file).await;
        }
        Some(Command::Hall(HallCommand::Show)) => return hall_show(&settings).await,
        None => {}
    }
    let app = Application::build(settings).await?;
    let mut stdout = std::io::stdout().lock();
    // The embedded demo's tokens (no tokens configured): printed at every start.
    for token in app.demo_tokens() {
        writeln!(stdout, "queuecall demo token {}", token.line())?;
    }
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

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = queuecall::records::Db::connect(&settings.records).await?;
    let version = db.migrate().await?;
    db.close().await;
    println!(
        "migrations applied version={version} records={}",
        settings.records.describe()
    );
    Ok(())
}

async fn hall_apply(settings: &Settings, path: &std::path::Path) -> anyhow::Result<()> {
    let hall = queuecall::hall::file::load(path)?;
    let db = queuecall::records::Db::connect(&settings.records).await?;
    db.migrate().await?;
    let version = queuecall::records::layout::save_hall(&db, &hall).await?;
    db.close().await;
    // Replicas on the same Redis reload at once; the others at their next poll.
    if let Some(signal) = queuecall::hall::signal::LayoutSignal::for_store(&settings.store)? {
        signal.publish(version).await;
    }
    println!(
        "hall applied layout_version={version} branches={} records={}",
        hall.branches.len(),
        settings.records.describe()
    );
    Ok(())
}

async fn hall_show(settings: &Settings) -> anyhow::Result<()> {
    let db = queuecall::records::Db::connect(&settings.records).await?;
    db.migrate().await?;
    let (hall, version) = queuecall::records::layout::load_layout(&db).await?;
    db.close().await;
    println!("# layout_version {version}");
    print!("{}", queuecall::hall::file::to_yaml(&hall)?);
    Ok(())
}
