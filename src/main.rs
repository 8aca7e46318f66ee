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
    /// Compare a local tree with a production copy: files, what changed means, and every import
    /// of PROD that resolves in neither tree. Exit 0 identical, 1 different, 2 error.
    Drift(DriftArgs),
    /// Staged deployment order: setup, stages (cycles ship as one), blocked files and why.
    Plan(PlanArgs),
}

#[derive(clap::Args)]
struct DriftArgs {
    /// The local tree (the repository).
    local: PathBuf,
    /// The production copy.
    prod: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// Output formats of `treeaudit plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PlanFormat {
    /// Stage lines.
    Text,
    /// Versioned JSON.
    Json,
    /// A mermaid flowchart to paste into a pull request.
    Mermaid,
}

#[derive(clap::Args)]
struct PlanArgs {
    /// The tree to deploy into (with --from) or to deploy.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Plan bringing this production copy's files into PATH.
    #[arg(long, value_name = "PROD")]
    from: Option<PathBuf>,
    /// Plan only these files (relative to PROD with --from, else to PATH) and what they need.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    only: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
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
        Command::Drift(args) => run_drift(args),
        Command::Plan(args) => run_plan(args),
    }
}

fn run_drift(args: DriftArgs) -> Result<ExitCode, treeaudit::Error> {
    let pair = treeaudit::drift::load_pair(&treeaudit::drift::PairOptions {
        local: args.local.clone(),
        prod: args.prod.clone(),
        threads: args.threads,
    })?;
    let report = treeaudit::drift::compare(
        &pair,
        &args.local.to_string_lossy(),
        &args.prod.to_string_lossy(),
    );
    print(&match args.format {
        Format::Json => report::json::render(&report),
        Format::Text => report::drift::render_text(&report),
    });
    Ok(if report.identical() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_plan(args: PlanArgs) -> Result<ExitCode, treeaudit::Error> {
    let options = treeaudit::plan::PlanOptions { only: args.only };
    let plan = match &args.from {
        Some(prod) => {
            let pair = treeaudit::drift::load_pair(&treeaudit::drift::PairOptions {
                local: args.path.clone(),
                prod: prod.clone(),
                threads: args.threads,
            })?;
            treeaudit::plan::plan_from(&pair, &options)?
        }
        None => {
            let project = treeaudit::analyse(&treeaudit::AnalyseOptions {
                root: args.path.clone(),
                threads: args.threads,
                ..Default::default()
            })?;
            let knowledge = treeaudit::knowledge::knowledge_of(&project);
            treeaudit::plan::plan_tree(&project, &knowledge, &options)?
        }
    };
    print(&match args.format {
        PlanFormat::Json => report::json::render(&plan),
        PlanFormat::Text => report::plan::render_text(&plan),
        PlanFormat::Mermaid => report::plan::render_mermaid(&plan),
    });
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
