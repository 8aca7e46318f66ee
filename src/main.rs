//! The command line: parses arguments, calls the library, prints, and maps results to exit codes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use treeaudit::report::{self, Format};

/// Audit a JavaScript/TypeScript tree before it is deployed or synced: imports that point at
/// nothing, case mismatches that break on Linux, undeclared and dev-only packages — in one run,
/// without executing the code or installing anything.
#[derive(Parser)]
#[command(name = "treeaudit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every rule over a tree; exit 1 when any finding is an error (the CI gate).
    Check(CheckArgs),
    /// List every rule with its default severity.
    Rules,
    /// Print a rule's documentation: what it finds, why it matters, examples.
    Explain {
        /// Rule name, e.g. unresolved-import.
        rule: String,
    },
    /// Discover and parse only, printing `files N bytes N skipped N` (for benches/bench.sh).
    #[command(hide = true)]
    ParseOnly {
        /// Folder to parse.
        path: PathBuf,
        /// Worker threads (default: all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Print only the summary line in text mode.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("treeaudit: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, treeaudit::Error> {
    match cli.command {
        Command::Check(args) => {
            let report = treeaudit::audit(&treeaudit::Options {
                root: args.path.clone(),
                threads: args.threads,
            })?;
            let out = match args.format {
                Format::Json => report::json::render(&report),
                Format::Text if args.quiet => format!("{}\n", report::text::summary_line(&report)),
                Format::Text => report::text::render(&report, use_color()),
            };
            print(&out);
            Ok(if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules => {
            let mut out = String::new();
            for rule in treeaudit::checks::RULES {
                out.push_str(&format!(
                    "{:<28} {:<8} {}\n",
                    rule.name,
                    rule.default_severity.as_str(),
                    rule.summary
                ));
            }
            print(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::ParseOnly { path, threads } => parse_only(path, threads),
        Command::Explain { rule } => match treeaudit::checks::rule(&rule) {
            Some(rule) => {
                print(&format!(
                    "# {} ({} by default)\n\n{}\n{}",
                    rule.name,
                    rule.default_severity.as_str(),
                    rule.summary,
                    rule.docs
                ));
                Ok(ExitCode::SUCCESS)
            }
            None => Err(treeaudit::Error::Usage(format!(
                "unknown rule `{rule}` (see `treeaudit rules`)"
            ))),
        },
    }
}

fn parse_only(path: PathBuf, threads: usize) -> Result<ExitCode, treeaudit::Error> {
    let stats = treeaudit::project::parse_only(&treeaudit::AnalyseOptions {
        root: path,
        threads,
        ..Default::default()
    })?;
    print(&format!(
        "files {} bytes {} skipped {}\n",
        stats.files, stats.bytes, stats.skipped
    ));
    Ok(ExitCode::SUCCESS)
}

fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Writes to stdout; a closed pipe (`treeaudit check | head`) is not an error.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
