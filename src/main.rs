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
    /// Every environment variable: where it is read, required or defaulted, where declared.
    Env(EnvArgs),
    /// Print a rule's documentation: what it finds, why it matters, examples.
    Explain {
        /// Rule name, e.g. unresolved-import.
        rule: String,
    },
    /// Route table: every route file mounted, directory-loaded, commented-out,
    /// imported-not-mounted or unreferenced.
    Routes(RoutesArgs),
    /// The shortest chain of imports from an entry point to FILE.
    Why(WhyArgs),
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
struct RoutesArgs {
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Extra entry point (repeatable).
    #[arg(long = "entry", value_name = "FILE")]
    entries: Vec<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

#[derive(clap::Args)]
struct WhyArgs {
    /// The file to explain (relative to PATH, or to the current directory).
    file: PathBuf,
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Extra entry point (repeatable).
    #[arg(long = "entry", value_name = "FILE")]
    entries: Vec<PathBuf>,
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
    /// Extra entry point (repeatable); added to the detected ones.
    #[arg(long = "entry", value_name = "FILE")]
    entries: Vec<PathBuf>,
    /// In text mode, list the detected entry points first.
    #[arg(long)]
    show_entries: bool,
}

#[derive(clap::Args)]
struct EnvArgs {
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// A production env file; exit 1 when it lacks a variable production code requires.
    #[arg(long, value_name = "FILE")]
    against: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EnvFormat::Text)]
    format: EnvFormat,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// Output formats of `treeaudit env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EnvFormat {
    /// A table.
    Text,
    /// Versioned JSON.
    Json,
    /// A `.env.example` skeleton (names and comments, never values).
    Dotenv,
}

fn run_env(args: EnvArgs) -> Result<ExitCode, treeaudit::Error> {
    let against = args
        .against
        .iter()
        .map(|p| treeaudit::env::AgainstFile::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let project = treeaudit::analyse(&treeaudit::AnalyseOptions {
        root: args.path.clone(),
        threads: args.threads,
        ..Default::default()
    })?;
    // The table describes every shipped file; the --against gate counts only what a
    // production entry reaches (every shipped file when no entry is detected).
    let shipped = treeaudit::env::shipped_modules(&project);
    let reachable = treeaudit::env::production_modules(&project);
    let exclude: Vec<PathBuf> = against.iter().map(|a| a.path.clone()).collect();
    let table = treeaudit::env::env_table(&project, &shipped, &reachable, &exclude);
    let out = match args.format {
        EnvFormat::Text => report::env::render_text(&table, &against),
        EnvFormat::Json => report::env::render_json(&table, &against),
        EnvFormat::Dotenv => report::env::render_dotenv(&table),
    };
    print(&out);
    let missing = against
        .iter()
        .any(|a| !treeaudit::env::missing_required(&table, a).is_empty());
    Ok(if missing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
                entries: args.entries.clone(),
            })?;
            let mut out = match args.format {
                Format::Json => report::json::render(&report),
                Format::Text if args.quiet => format!("{}\n", report::text::summary_line(&report)),
                Format::Text => report::text::render(&report, use_color()),
            };
            if args.show_entries && args.format == Format::Text {
                let mut listed = String::from("entries:\n");
                for entry in &report.entries {
                    listed.push_str(&format!("  {:<40} {}\n", entry.file, entry.source));
                }
                if report.entries.is_empty() {
                    listed.push_str("  (none detected; use --entry FILE)\n");
                }
                out = format!("{listed}\n{out}");
            }
            print(&out);
            Ok(if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Env(args) => run_env(args),
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
        Command::Routes(args) => run_routes(args),
        Command::Drift(args) => run_drift(args),
        Command::Plan(args) => run_plan(args),
        Command::Why(args) => run_why(args),
    }
}

fn analyse_for(
    path: &std::path::Path,
    entries: &[PathBuf],
    threads: usize,
) -> Result<treeaudit::Project, treeaudit::Error> {
    treeaudit::analyse(&treeaudit::AnalyseOptions {
        root: path.to_path_buf(),
        threads,
        entries: entries.to_vec(),
        ..Default::default()
    })
}

fn run_routes(args: RoutesArgs) -> Result<ExitCode, treeaudit::Error> {
    let project = analyse_for(&args.path, &args.entries, args.threads)?;
    let table = project.route_table();
    print(&match args.format {
        Format::Json => report::json::render(table),
        Format::Text => treeaudit::routes::render_text(table),
    });
    Ok(ExitCode::SUCCESS)
}

fn run_why(args: WhyArgs) -> Result<ExitCode, treeaudit::Error> {
    let project = analyse_for(&args.path, &args.entries, args.threads)?;
    let module = treeaudit::routes::module_for_path(&project, &args.file).ok_or_else(|| {
        treeaudit::Error::Usage(format!(
            "{} is not an analysed source file under {}",
            args.file.display(),
            args.path.display()
        ))
    })?;
    let why = treeaudit::routes::why(&project, module);
    print(&match args.format {
        Format::Json => report::json::render(&why),
        Format::Text => treeaudit::routes::render_why(&why),
    });
    Ok(ExitCode::SUCCESS)
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
