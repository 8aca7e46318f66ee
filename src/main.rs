//! The command line: parses arguments, calls the library, prints, and maps results to exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};

use treeaudit::baseline::Baseline;
use treeaudit::config::Config;
use treeaudit::project::{ProgressEvent, ProgressSink};
use treeaudit::report::graph::GraphFormat;
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
    Rules {
        /// Output format (`markdown` is the README's rules table).
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's documentation: what it finds, why it matters, examples, how to suppress.
    Explain {
        /// Rule name, e.g. unresolved-import.
        rule: String,
    },
    /// Every environment variable: where it is read, required or defaulted, where declared.
    Env(EnvArgs),
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
    /// Print the import graph (files as nodes, import kinds as edge styles, cycles in red).
    Graph(GraphArgs),
    /// Print the JSON Schema of treeaudit.json.
    Schema,
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
    /// Only walk the tree and read every source file: the floor a cached run is measured against.
    #[command(hide = true)]
    WalkRead {
        /// Project folder.
        #[arg(default_value = ".")]
        path: PathBuf,
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

/// Settings every command that analyses a tree shares.
#[derive(clap::Args)]
struct AnalysisArgs {
    /// Configuration file (default: treeaudit.json, or "treeaudit" in package.json).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0, value_parser = thread_count)]
    threads: usize,
    /// Fact cache directory (default: the platform cache dir; never inside the audited tree).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Parse every file; neither read nor write the fact cache.
    #[arg(long)]
    no_cache: bool,
    /// Colours and progress: auto (when a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print only the summary line in text mode; no progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Extra entry point (repeatable); added to the detected ones.
    #[arg(long = "entry", value_name = "FILE")]
    entries: Vec<PathBuf>,
    /// Print where the run spent its time (per stage) on stderr.
    #[arg(long, hide = true)]
    timings: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Report and fail only on findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this file (then exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// With --baseline: also fail when baseline entries are fixed and should be removed.
    #[arg(long, requires = "baseline")]
    strict_baseline: bool,
    /// Fail on imports of generated code (generated-import at error): for runs after the
    /// generators (`prisma generate`, codegen, builds) have produced it.
    #[arg(long)]
    strict_generated: bool,
    /// In text mode, list the detected entry points first.
    #[arg(long)]
    show_entries: bool,
    /// Also write FORMAT to FILE (repeatable), from the same run: `--output sarif=out.sarif`.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_output)]
    output: Vec<(Format, PathBuf)>,
    /// Path of the audited folder inside the repository, prefixed to files in sarif, github
    /// and markdown output (default: detected from the nearest folder holding .git; "" for
    /// none).
    #[arg(long, value_name = "PREFIX")]
    path_prefix: Option<String>,
    /// Report only findings in files changed since this git ref (plus untracked files); the
    /// analysis still reads the whole tree.
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
}

/// Parses `--output FORMAT=FILE`.
fn parse_output(value: &str) -> Result<(Format, PathBuf), String> {
    use clap::ValueEnum;
    let (format, file) = value
        .split_once('=')
        .ok_or_else(|| format!("`{value}`: expected FORMAT=FILE, e.g. sarif=treeaudit.sarif"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{format}`; allowed: {}", names.join(", "))
    })?;
    if file.is_empty() {
        return Err(format!("`{value}`: no file after `=`"));
    }
    Ok((format, PathBuf::from(file)))
}

#[derive(clap::Args)]
struct GraphArgs {
    /// Project folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Show only this file's neighbourhood (path relative to the project folder).
    #[arg(long, value_name = "FILE")]
    focus: Option<String>,
    /// With --focus: how many import steps around the file to show.
    #[arg(long, default_value_t = 1)]
    depth: usize,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output formats of `routes`, `why` and `drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// Human-readable.
    Text,
    /// Versioned JSON.
    Json,
}

#[derive(clap::Args)]
struct DriftArgs {
    /// The local tree (the repository).
    local: PathBuf,
    /// The production copy.
    prod: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

/// Output formats of `treeaudit rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RulesFormat {
    /// Aligned columns.
    Text,
    /// A Markdown table (the README's).
    Markdown,
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
    /// Exit 0 even when files are blocked (report only; by default a blocked file fails).
    #[arg(long)]
    allow_blocked: bool,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

#[derive(clap::Args)]
struct RoutesArgs {
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// List every endpoint (METHOD, composed path, file:line) instead of route files.
    #[arg(long)]
    endpoints: bool,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

#[derive(clap::Args)]
struct WhyArgs {
    /// The file to explain (relative to PATH, or to the current directory).
    file: PathBuf,
    /// Project folder to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    #[command(flatten)]
    analysis: AnalysisArgs,
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
    #[command(flatten)]
    analysis: AnalysisArgs,
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

/// tree-sitter's allocation functions on mimalloc; like tree-sitter's own defaults, they abort
/// rather than return null.
mod tree_sitter_allocator {
    use std::ffi::c_void;

    fn checked(ptr: *mut c_void, size: usize) -> *mut c_void {
        if ptr.is_null() && size != 0 {
            std::process::abort();
        }
        ptr
    }

    unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        checked(unsafe { libmimalloc_sys::mi_malloc(size) }, size)
    }

    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        // An overflowing request must fail, not allocate a wrapped-around size.
        let Some(total) = count.checked_mul(size) else {
            std::process::abort();
        };
        checked(unsafe { libmimalloc_sys::mi_zalloc(total) }, total)
    }

    unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
        checked(unsafe { libmimalloc_sys::mi_realloc(ptr, size) }, size)
    }

    unsafe extern "C" fn free(ptr: *mut c_void) {
        unsafe { libmimalloc_sys::mi_free(ptr) }
    }

    /// Installs the functions; called first thing in `main`, before any tree-sitter object
    /// exists, and once.
    pub fn install() {
        // Commit arena memory as it is used, not ahead: the same speed with about a third
        // less peak memory on small trees (`mi_option_arena_eager_commit`, 4 in mimalloc 2).
        // SAFETY: setting an option is always allowed.
        unsafe { libmimalloc_sys::mi_option_set(4, 0) };
        // SAFETY: one allocator family (mimalloc), never null for a non-zero size, malloc's
        // alignment, installed before any other tree-sitter call on a single thread.
        unsafe {
            tree_sitter::set_allocator(Some(tree_sitter::Allocator {
                malloc,
                calloc,
                realloc,
                free,
            }))
        };
    }
}

fn main() -> ExitCode {
    tree_sitter_allocator::install();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors may name files of the audited tree: escaped like every output.
            eprintln!("treeaudit: error: {}", report::escape(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, treeaudit::Error> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => {
            print(&match format {
                RulesFormat::Text => rules_table(),
                RulesFormat::Markdown => rules_markdown(),
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::ParseOnly { path, threads } => parse_only(path, threads),
        Command::Explain { rule } => match treeaudit::checks::rule(&rule) {
            Some(rule) => {
                print(&explain(rule));
                Ok(ExitCode::SUCCESS)
            }
            None => Err(treeaudit::Error::Usage(format!(
                "unknown rule `{rule}` (see `treeaudit rules`)"
            ))),
        },
        Command::Graph(args) => graph(args),
        Command::Env(args) => run_env(args),
        Command::Routes(args) => run_routes(args),
        Command::Why(args) => run_why(args),
        Command::Drift(args) => run_drift(args),
        Command::Plan(args) => run_plan(args),
        Command::Schema => {
            print(&Config::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "treeaudit", &mut out);
            print(&String::from_utf8_lossy(&out));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| treeaudit::Error::io("<stdout>", e))?;
            print(&String::from_utf8_lossy(&out));
            Ok(ExitCode::SUCCESS)
        }
        Command::WalkRead { path } => {
            let (files, bytes) = treeaudit::walk_and_read(&path, 0)?;
            print(&format!("{files} files, {bytes} bytes\n"));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, treeaudit::Error> {
    if args.analysis.timings {
        treeaudit::timings::enable();
    }
    let machine = args.format.is_machine_readable() || !args.output.is_empty();
    let mut options = options(&args.path, &args.analysis, machine)?;
    options.entries = args.analysis.entries.clone();
    if args.strict_generated {
        options.config.rules.insert(
            "generated-import".to_string(),
            treeaudit::config::RuleLevel::Error,
        );
    }
    // Asked before the analysis so a bad ref fails fast.
    let changed = match &args.changed_since {
        Some(reference) => Some(treeaudit::git::changed_since(&args.path, reference)?),
        None => None,
    };
    let mut report = treeaudit::audit(&options)?;
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&report.findings);
        baseline.write(path)?;
        if !args.analysis.quiet {
            eprintln!(
                "treeaudit: recorded {} finding{} in {}",
                report.findings.len(),
                if report.findings.len() == 1 { "" } else { "s" },
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        report.apply_baseline(&Baseline::load(path)?);
    }
    if let Some(files) = &changed {
        report.limit_to_files(files);
    }
    // Code hosts name files from the repository root: `packages/api/src/x.js`, not `src/x.js`.
    let prefix = args
        .path_prefix
        .clone()
        .or_else(|| treeaudit::git::prefix_in_repository(&args.path))
        .filter(|p| !p.trim_matches('/').is_empty());
    let repository_report = prefix.as_ref().map(|prefix| {
        report.with_path_prefix(prefix, &treeaudit::git::base_of(&args.path, prefix))
    });
    let for_format = |format: Format| match &repository_report {
        Some(prefixed) if format.names_repository_paths() => prefixed,
        _ => &report,
    };
    for (format, file) in &args.output {
        let text = render_check(*format, for_format(*format), &args, false);
        std::fs::write(file, text).map_err(|e| treeaudit::Error::io(file, e))?;
    }
    let color = use_color(args.analysis.color, std::io::stdout().is_terminal());
    let rendered = treeaudit::timings::stage("render", || {
        render_check(args.format, for_format(args.format), &args, color)
    });
    treeaudit::timings::stage("write", || print(&rendered));
    if args.analysis.timings {
        eprint!("{}", treeaudit::timings::render());
    }
    let stale = report
        .baseline
        .as_ref()
        .is_some_and(|b| !b.fixed.is_empty());
    Ok(if report.has_errors() || (args.strict_baseline && stale) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One format of `check`'s report (stdout and every `--output` use the same renderers).
fn render_check(
    format: Format,
    report: &treeaudit::Report,
    args: &CheckArgs,
    color: bool,
) -> String {
    let out = match format {
        Format::Json => report::json::render(report),
        Format::Sarif => report::sarif::render(report),
        Format::Github => report::github::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Text if args.analysis.quiet => {
            format!("{}\n", report::text::summary_line(report))
        }
        Format::Text => report::text::render(report, color),
    };
    if args.show_entries && format == Format::Text {
        let mut listed = String::from("entries:\n");
        for entry in &report.entries {
            listed.push_str(&format!(
                "  {:<40} {}\n",
                report::escape(&entry.file),
                report::escape(&entry.source)
            ));
        }
        if report.entries.is_empty() {
            listed.push_str("  (none detected; use --entry FILE)\n");
        }
        return format!("{listed}\n{out}");
    }
    out
}

fn graph(args: GraphArgs) -> Result<ExitCode, treeaudit::Error> {
    let project = analyse_for(&args.path, &args.analysis, &args.analysis.entries)?;
    let focus = match &args.focus {
        Some(file) => {
            let rel = file.trim_start_matches("./").replace('\\', "/");
            Some(project.module_by_rel(&rel).ok_or_else(|| {
                treeaudit::Error::Usage(format!(
                    "--focus {file}: not a source file of {}",
                    args.path.display()
                ))
            })?)
        }
        None => None,
    };
    let view = treeaudit::graph::GraphView::of(&project, focus, args.depth);
    print(&report::graph::render(&view, args.format));
    Ok(ExitCode::SUCCESS)
}

/// Builds the library options: configuration, cache directory, progress bar.
fn options(
    path: &Path,
    args: &AnalysisArgs,
    machine_output: bool,
) -> Result<treeaudit::Options, treeaudit::Error> {
    let (config, _) = Config::discover(path, args.config.as_deref())?;
    let cache_dir = if args.no_cache {
        None
    } else if let Some(dir) = &args.cache_dir {
        Some(dir.clone())
    } else {
        // Auditing a folder that holds the user's cache dir (say, $HOME): go without a cache
        // rather than write into the audited tree.
        treeaudit::cache::default_dir().filter(|dir| !treeaudit::cache::is_inside(dir, path))
    };
    let show_progress = !args.quiet && !machine_output && std::io::stderr().is_terminal();
    Ok(treeaudit::Options {
        root: path.to_path_buf(),
        threads: args.threads,
        entries: Vec::new(),
        config,
        cache_dir,
        progress: show_progress.then(progress_bar),
    })
}

/// A progress bar on stderr that appears only when the run takes longer than half a second.
fn progress_bar() -> ProgressSink {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos}/{len} files [{bar:30}] {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("discovering");
    let delayed = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        if !delayed.is_finished() {
            delayed.set_draw_target(ProgressDrawTarget::stderr());
            delayed.enable_steady_tick(Duration::from_millis(120));
        }
    });
    ProgressSink(Arc::new(move |event| match event {
        ProgressEvent::Discovered(files) => {
            bar.set_length(files as u64);
            bar.set_message("parsing");
        }
        ProgressEvent::Loaded => bar.inc(1),
        ProgressEvent::Parsed => bar.finish_and_clear(),
    }))
}

fn rules_table() -> String {
    let mut out = format!("{:<28} {:<8} {}\n", "RULE", "DEFAULT", "WHAT IT FINDS");
    for rule in treeaudit::checks::RULES {
        out.push_str(&format!(
            "{:<28} {:<8} {}\n",
            rule.name,
            rule.default_severity.as_str(),
            rule.summary
        ));
    }
    out.push_str("\n`treeaudit explain RULE` prints a rule's documentation.\n");
    out
}

/// The rules as a Markdown table: the README's table is this output, checked by a test.
fn rules_markdown() -> String {
    let mut out = String::from("| rule | default | what it finds |\n|---|---|---|\n");
    for rule in treeaudit::checks::RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.name,
            rule.default_severity.as_str(),
            rule.summary.replace('|', "\\|")
        ));
    }
    out
}

fn explain(rule: &treeaudit::checks::Rule) -> String {
    let mut out = format!(
        "# {} ({} by default)\n\n{}\n\n{}",
        rule.name,
        rule.default_severity.as_str(),
        rule.summary,
        rule.docs.trim_end()
    );
    if !rule.docs.contains("## How to suppress") {
        out.push_str(&format!(
            "\n\n## How to suppress\n\
             On one line, with the reason (required):\n    \
             // treeaudit-ignore-next-line {name} -- why this is fine here\n\
             For the whole project, in treeaudit.json:\n    \
             {{ \"rules\": {{ \"{name}\": \"off\" }} }}\n\
             To accept today's findings and fail only on new ones:\n    \
             treeaudit check --write-baseline treeaudit-baseline.json\n    \
             treeaudit check --baseline treeaudit-baseline.json",
            name = rule.name
        ));
    }
    out.push('\n');
    out
}

fn run_env(args: EnvArgs) -> Result<ExitCode, treeaudit::Error> {
    let against = args
        .against
        .iter()
        .map(|p| treeaudit::env::AgainstFile::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let project = analyse_for(&args.path, &args.analysis, &args.analysis.entries)?;
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

/// Analyses `path` with the shared settings (configuration, cache, threads) and extra entries.
fn analyse_for(
    path: &Path,
    analysis: &AnalysisArgs,
    entries: &[PathBuf],
) -> Result<treeaudit::Project, treeaudit::Error> {
    let options = options(path, analysis, true)?;
    treeaudit::analyse(&treeaudit::AnalyseOptions {
        root: options.root,
        threads: options.threads,
        entries: entries.to_vec(),
        config: options.config,
        cache_dir: options.cache_dir,
        progress: options.progress,
        ..Default::default()
    })
}

fn run_routes(args: RoutesArgs) -> Result<ExitCode, treeaudit::Error> {
    let project = analyse_for(&args.path, &args.analysis, &args.analysis.entries)?;
    if args.endpoints {
        let table = treeaudit::routes::endpoint_table(&project);
        print(&match args.format {
            OutputFormat::Json => report::json::render(&table),
            OutputFormat::Text => treeaudit::routes::render_endpoints(&table),
        });
        return Ok(ExitCode::SUCCESS);
    }
    let table = project.route_table();
    print(&match args.format {
        OutputFormat::Json => report::json::render(table),
        OutputFormat::Text => treeaudit::routes::render_text(table),
    });
    Ok(ExitCode::SUCCESS)
}

fn run_why(args: WhyArgs) -> Result<ExitCode, treeaudit::Error> {
    let project = analyse_for(&args.path, &args.analysis, &args.analysis.entries)?;
    let module = treeaudit::routes::module_for_path(&project, &args.file).ok_or_else(|| {
        treeaudit::Error::Usage(format!(
            "{} is not an analysed source file under {}",
            args.file.display(),
            args.path.display()
        ))
    })?;
    let why = treeaudit::routes::why(&project, module);
    print(&match args.format {
        OutputFormat::Json => report::json::render(&why),
        OutputFormat::Text => treeaudit::routes::render_why(&why),
    });
    Ok(ExitCode::SUCCESS)
}

fn run_drift(args: DriftArgs) -> Result<ExitCode, treeaudit::Error> {
    let (config, _) = Config::discover(&args.local, args.analysis.config.as_deref())?;
    let pair = treeaudit::drift::load_pair(&treeaudit::drift::PairOptions {
        local: args.local.clone(),
        prod: args.prod.clone(),
        threads: args.analysis.threads,
        config,
        entries: args.analysis.entries.clone(),
    })?;
    let report = treeaudit::drift::compare(
        &pair,
        &args.local.to_string_lossy(),
        &args.prod.to_string_lossy(),
    );
    print(&match args.format {
        OutputFormat::Json => report::json::render(&report),
        OutputFormat::Text if args.analysis.quiet => {
            last_line(&report::drift::render_text(&report))
        }
        OutputFormat::Text => report::drift::render_text(&report),
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
            let (config, _) = Config::discover(&args.path, args.analysis.config.as_deref())?;
            let pair = treeaudit::drift::load_pair(&treeaudit::drift::PairOptions {
                local: args.path.clone(),
                prod: prod.clone(),
                threads: args.analysis.threads,
                config,
                entries: args.analysis.entries.clone(),
            })?;
            treeaudit::plan::plan_from(&pair, &options)?
        }
        None => {
            let project = analyse_for(&args.path, &args.analysis, &args.analysis.entries)?;
            let knowledge = treeaudit::knowledge::knowledge_of(&project);
            treeaudit::plan::plan_tree(&project, &knowledge, &options)?
        }
    };
    print(&match args.format {
        PlanFormat::Json => report::json::render(&plan),
        PlanFormat::Text if args.analysis.quiet => last_line(&report::plan::render_text(&plan)),
        PlanFormat::Text => report::plan::render_text(&plan),
        PlanFormat::Mermaid => report::plan::render_mermaid(&plan),
    });
    // A plan with blocked files cannot be deployed as is: fail, so it can gate a deploy.
    Ok(if plan.blocked.is_empty() || args.allow_blocked {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The summary line that ends a text report (what `--quiet` prints).
fn last_line(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    format!("{line}\n")
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

/// `--threads N`, limited to a few per core with a note: thousands of threads exhaust the
/// process's memory maps and only add contention.
fn thread_count(text: &str) -> Result<usize, String> {
    let threads: usize = text.parse().map_err(|e| format!("{e}"))?;
    let max = treeaudit::project::max_threads();
    if threads > max {
        eprintln!("treeaudit: note: --threads {threads} is more than 4 per core; using {max}");
        return Ok(max);
    }
    Ok(threads)
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
        }
    }
}

/// Writes to stdout; a closed pipe (`treeaudit check | head`) is not an error.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
