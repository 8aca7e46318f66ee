//! treeaudit: audits a JavaScript/TypeScript tree before it is deployed or synced.
//!
//! The pipeline runs one way: [`discover`] → [`parse`] → [`resolve`] → [`graph`] →
//! [`checks`] → [`report`]. [`audit`] runs all of it; `main.rs` is only the command line.

pub mod access;
pub mod assets;
pub mod baseline;
pub mod cache;
pub mod checks;
pub mod config;
pub mod discover;
pub mod drift;
pub mod entries;
pub mod env;
pub mod error;
pub mod exports;
pub mod facts;
pub mod file_role;
pub mod finding;
pub mod git;
pub mod graph;
pub mod knowledge;
pub mod loads;
pub mod manifest;
pub mod memo;
pub mod parse;
pub mod plan;
pub mod project;
pub mod report;
pub mod resolve;
pub mod routes;
pub mod suppress;
pub mod timings;
pub mod toolchain;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use error::{Error, Result};
pub use finding::{Finding, Related, Severity};
pub use project::{AnalyseOptions, Project, analyse};

/// Version of the JSON output format.
pub const JSON_VERSION: u32 = 1;

/// Settings for [`audit`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The tree to audit, as the user gave it (echoed in reports).
    pub root: PathBuf,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Extra entry points (`--entry FILE`).
    pub entries: Vec<PathBuf>,
    /// The configuration (`treeaudit.json`): `entries`, `ignore`, `routes`, `env`, `rules`,
    /// `paths`. Checks read it as [`Project::config`].
    pub config: config::Config,
    /// Where to keep the fact cache; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    /// Called while discovering and parsing (the command line draws a progress bar).
    pub progress: Option<project::ProgressSink>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Source files analysed.
    pub files: usize,
    /// Findings at error severity.
    pub errors: usize,
    /// Findings at warning severity.
    pub warnings: usize,
    /// Findings at info severity.
    pub infos: usize,
    /// Counts reported by checks, e.g. `unanalysable_export_shapes`, `packages_not_installed`.
    #[serde(flatten)]
    pub counters: BTreeMap<String, usize>,
}

/// The result of `treeaudit check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// JSON format version.
    pub version: u32,
    /// The root as given on the command line.
    pub root: String,
    /// Counts.
    pub summary: Summary,
    /// Findings sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Files not analysed, with the reason.
    pub skipped: Vec<discover::Skipped>,
    /// Production entry points detected (or given with `--entry`).
    pub entries: Vec<EntryReport>,
    /// Comparison with `--baseline`, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<baseline::BaselineStatus>,
    /// Findings silenced by a suppression comment (SARIF lists them as suppressed).
    #[serde(skip)]
    pub suppressed: Vec<suppress::Suppressed>,
}

/// One production entry point in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReport {
    /// Path relative to the root.
    pub file: String,
    /// What makes it an entry (`package.json scripts.start`, `Dockerfile CMD`, …).
    pub source: String,
}

impl Report {
    fn with_findings_timed(self, project: &Project, findings: Vec<Finding>) -> Report {
        timings::stage("report", || self.with_findings(project, findings))
    }

    /// Whether any finding is at error severity.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Keeps only findings the baseline does not know, and records the fixed entries.
    pub fn apply_baseline(&mut self, baseline: &baseline::Baseline) {
        let status = baseline.filter(&mut self.findings);
        self.recount();
        self.baseline = Some(status);
    }

    /// Keeps only findings in `files` (root-relative): `--changed-since` reports on what a
    /// change touched while the analysis still sees the whole tree.
    pub fn limit_to_files(&mut self, files: &std::collections::BTreeSet<String>) {
        self.findings.retain(|f| files.contains(&f.file));
        self.suppressed.retain(|s| files.contains(&s.finding.file));
        self.recount();
    }

    /// The same report with every file path prefixed by `prefix` (`packages/api`), so CI
    /// output names files relative to the repository root; `base` becomes the root.
    pub fn with_path_prefix(&self, prefix: &str, base: &std::path::Path) -> Report {
        let prefix = prefix.trim_matches('/');
        let join = |file: &mut String| {
            if !prefix.is_empty() {
                *file = format!("{prefix}/{file}");
            }
        };
        let mut report = self.clone();
        report.root = base.to_string_lossy().into_owned();
        for finding in report
            .findings
            .iter_mut()
            .chain(report.suppressed.iter_mut().map(|s| &mut s.finding))
        {
            join(&mut finding.file);
            finding.related.iter_mut().for_each(|r| join(&mut r.file));
        }
        if let Some(status) = &mut report.baseline {
            status
                .fixed
                .iter_mut()
                .for_each(|e| join(&mut e.identity.file));
        }
        report
    }

    fn recount(&mut self) {
        let counters = std::mem::take(&mut self.summary.counters);
        self.summary = Summary::of(self.summary.files, &self.findings);
        self.summary.counters = counters;
    }
}

impl Summary {
    /// Counts `findings` by severity.
    pub fn of(files: usize, findings: &[Finding]) -> Summary {
        let mut summary = Summary {
            files,
            ..Summary::default()
        };
        for f in findings {
            match f.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// Runs every rule over the tree at `options.root`. With a cache directory, a tree in which
/// nothing the last run depended on has changed gets that run's report back ([`memo`]).
pub fn audit(options: &Options) -> Result<Report> {
    let analyse_options = AnalyseOptions {
        root: options.root.clone(),
        threads: options.threads,
        entries: options.entries.clone(),
        config: options.config.clone(),
        cache_dir: options.cache_dir.clone(),
        progress: options.progress.clone(),
        ..Default::default()
    };
    let root_as_given = options.root.to_string_lossy().into_owned();
    let report_of = |project: Project| {
        let report = report_for(&project, &root_as_given);
        project::free_in_background(project);
        report
    };
    let Some(cache_dir) = options.cache_dir.clone() else {
        return Ok(report_of(analyse(&analyse_options)?));
    };
    // The walk canonicalises the root too, and reports a root that cannot be.
    let Ok(real_root) = std::fs::canonicalize(&options.root) else {
        return Ok(report_of(analyse(&analyse_options)?));
    };
    let log = access::AccessLog::new(&real_root);
    project::in_recording_pool(options.threads, log.clone(), || {
        let discovery = project::walk(&analyse_options)?;
        let memo = memo::Memo::new(&cache_dir, options, &discovery);
        if let Some(report) = timings::stage("memo", || memo.lookup(&root_as_given)) {
            return Ok(report);
        }
        let report = report_of(project::analyse_walked(&analyse_options, discovery)?);
        timings::stage("memo write", || memo.store(&log, &report));
        Ok(report)
    })
}

/// Runs every rule over an analysed project and builds the report.
pub fn report_for(project: &Project, root_as_given: &str) -> Report {
    let findings = timings::stage("checks", || checks::run_all(project));
    Report {
        version: JSON_VERSION,
        root: root_as_given.to_string(),
        summary: Summary::default(),
        findings: Vec::new(),
        skipped: project.skipped.clone(),
        entries: project
            .entry_points()
            .entries
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    entries::EntryKind::Production | entries::EntryKind::Script
                )
            })
            .map(|e| EntryReport {
                file: project.modules[e.file].file.rel.clone(),
                source: entries::describe(e),
            })
            .collect(),
        baseline: None,
        suppressed: Vec::new(),
    }
    .with_findings_timed(project, findings)
}

impl Report {
    /// Finishes raw findings from any command the same way: source lines attached,
    /// suppression comments and configured severities applied, sorted, counted.
    pub fn with_findings(mut self, project: &Project, mut findings: Vec<Finding>) -> Report {
        attach_source_lines(project, &mut findings);
        let mut suppressed = suppress::apply(project, &mut findings);
        apply_rule_levels(&project.config, &mut findings);
        // A rule turned off reports nothing, not even as suppressed.
        suppressed.retain_mut(|s| match project.config.rule_level(&s.finding.rule) {
            None => true,
            Some(None) => false,
            Some(Some(severity)) => {
                s.finding.severity = severity;
                true
            }
        });
        suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
        suppressed.dedup_by(|a, b| a.finding.sort_key() == b.finding.sort_key());
        self.suppressed = suppressed;
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        self.summary = Summary::of(project.modules.len(), &findings);
        self.summary.counters = project
            .counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        self.findings = findings;
        self
    }
}

/// Applies `rules` from the configuration: a new severity, or `off` drops the finding.
fn apply_rule_levels(config: &config::Config, findings: &mut Vec<Finding>) {
    if config.rules.is_empty() {
        return;
    }
    findings.retain_mut(|finding| match config.rule_level(&finding.rule) {
        None => true,
        Some(None) => false,
        Some(Some(severity)) => {
            finding.severity = severity;
            true
        }
    });
}

/// Reads the line each finding points at (once per file), for code frames and baselines.
fn attach_source_lines(project: &Project, findings: &mut [Finding]) {
    let mut by_file: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_file.entry(f.file.clone()).or_default().push(i);
    }
    for (file, indices) in by_file {
        // Env declaration files hold secrets: their lines are never shown in a code frame.
        if discover::is_env_declaration(&file) {
            continue;
        }
        let Ok(bytes) = discover::read_in_tree(
            &project.root,
            &project.root.join(&file),
            project::MAX_SOURCE_BYTES,
        ) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        // A UTF-8 BOM is not part of line 1 (parse strips it too, so columns agree).
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines: Vec<&str> = text.lines().collect();
        for i in indices {
            let line = findings[i].line as usize;
            if let Some(text) = lines.get(line.wrapping_sub(1)) {
                findings[i].source_line = Some(text.trim_end_matches('\r').to_string());
            }
        }
    }
}

/// Walks `root` as an audit does and reads every source file, doing nothing else: the floor
/// that a fully cached run is measured against. Returns (files, bytes).
pub fn walk_and_read(root: &std::path::Path, threads: usize) -> Result<(usize, u64)> {
    use rayon::prelude::*;
    let discovery = discover::discover(
        root,
        &discover::DiscoverOptions {
            threads,
            ..Default::default()
        },
    )?;
    let bytes: u64 = discovery
        .sources
        .par_iter()
        .map(|file| std::fs::read(&file.path).map_or(0, |b| b.len() as u64))
        .sum();
    Ok((discovery.sources.len(), bytes))
}
