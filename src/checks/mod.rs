//! The rule catalogue. One file per rule; adding a rule means one line in [`RULES`].

mod case_mismatch;
mod client_env_exposure;
mod dev_dependency_at_runtime;
mod generated_import;
mod import_cycle;
mod invalid_manifest;
mod invalid_suppression;
mod invalid_tsconfig;
mod missing_export;
mod phantom_dependency;
mod syntax_error;
mod undeclared_env;
mod unlisted_dependency;
mod unmounted_route;
mod unreachable_file;
pub mod unreadable_env_file;
mod unresolved_import;
mod unused_env;
mod workspace_cycle;

use crate::finding::{Finding, Severity};
use crate::project::Project;

/// A rule: its name, default severity, documentation and the check itself.
pub struct Rule {
    /// Kebab-case name used in output and configuration.
    pub name: &'static str,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line for `treeaudit rules`.
    pub summary: &'static str,
    /// What it does / Why is this bad / Examples (printed by `treeaudit explain`).
    pub docs: &'static str,
    /// Runs the rule over an analysed project.
    pub check: fn(&Project, &mut Vec<Finding>),
}

/// Every rule, in catalogue order.
pub const RULES: &[&Rule] = &[
    &syntax_error::RULE,
    &invalid_manifest::RULE,
    &invalid_tsconfig::RULE,
    &unresolved_import::RULE,
    &generated_import::RULE,
    &case_mismatch::RULE,
    &unlisted_dependency::RULE,
    &phantom_dependency::RULE,
    &dev_dependency_at_runtime::RULE,
    &undeclared_env::RULE,
    &unused_env::RULE,
    &client_env_exposure::RULE,
    &unmounted_route::RULE,
    &unreachable_file::RULE,
    &import_cycle::RULE,
    &workspace_cycle::RULE,
    &missing_export::RULE,
    &invalid_suppression::RULE,
    &unreadable_env_file::RULE,
];

/// A broken import in code no deploy of this tree runs breaks no deploy: the finding becomes a
/// warning that says why. That is a file of a scaffold template's project (see
/// [`unless_scaffolded`]), or retired code (an archived migration no entry reaches, a list of
/// imports nothing runs). Reachable code keeps its error.
fn unless_inert(project: &Project, module: usize, mut finding: Finding) -> Finding {
    finding = unless_scaffolded(project, module, finding);
    if finding.severity == Severity::Error
        && let Some(why) = project.retired_because(module)
    {
        finding.severity = Severity::Warning;
        finding.message = format!(
            "{}; nothing runs this file (no entry reaches it, and {why})",
            finding.message
        );
    }
    finding
}

/// A broken import inside a package of a scaffold template (a project a CLI writes, then
/// completes: `shadcn init` adds `components/ui/button`, `webstudio build` writes
/// `app/__generated__/`) breaks no deploy of this tree: a warning that says so.
fn unless_scaffolded(project: &Project, module: usize, mut finding: Finding) -> Finding {
    if finding.severity == Severity::Error
        && let Some(template) = project
            .modules
            .get(module)
            .and_then(|m| project.toolchain.templates.package_holding(&m.file.path))
    {
        finding.severity = Severity::Warning;
        finding.message = format!(
            "{}; in a project the CLI completes when it writes one (`{}` is a scaffold template: {})",
            finding.message,
            project.relative(&template.dir),
            template.evidence
        );
    }
    finding
}

/// Name of the rule that checks suppression comments (never itself suppressible).
pub const INVALID_SUPPRESSION: &str = "invalid-suppression";

/// The rule with this name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// Runs every rule, in parallel (each reads the project and writes only its own findings);
/// the findings come back in catalogue order, as a sequential run would give them.
pub fn run_all(project: &Project) -> Vec<Finding> {
    use rayon::prelude::*;
    let run = |rule: &Rule| {
        let name = if crate::timings::enabled() {
            format!("check:{}", rule.name)
        } else {
            String::new()
        };
        let mut findings = Vec::new();
        crate::timings::stage(&name, || (rule.check)(project, &mut findings));
        findings
    };
    // Entries and reachability serve most rules: computed once, before those rules fan out.
    // `missing-export` needs neither (nor anything that asks for them): it runs meanwhile, on
    // the other thread (the entry computation is single-threaded).
    let early = &missing_export::RULE;
    let ((), early_findings) = rayon::join(
        || {
            project.entry_points();
        },
        || run(early),
    );
    let mut early_findings = Some(early_findings);
    let per_rule: Vec<Vec<Finding>> = RULES
        .par_iter()
        .with_max_len(1)
        .map(|rule| {
            if rule.name == early.name {
                Vec::new()
            } else {
                run(rule)
            }
        })
        .collect();
    per_rule
        .into_iter()
        .zip(RULES.iter())
        .flat_map(|(findings, rule)| {
            if rule.name == early.name {
                early_findings.take().unwrap_or_default()
            } else {
                findings
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds a small tree on disk from `(path, contents)` pairs and runs one rule over it.
    use super::*;
    use crate::project::{AnalyseOptions, analyse};

    /// Writes `files` under a temporary root, analyses it and runs `rule`.
    pub fn run_rule(rule: &Rule, files: &[(&str, &str)]) -> Vec<Finding> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, contents) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, contents).expect("write");
        }
        let project = analyse(&AnalyseOptions {
            root: dir.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        })
        .expect("analyse");
        let mut findings = Vec::new();
        (rule.check)(&project, &mut findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings
    }
}
