//! `unreadable-env-file`: an env declaration file exists but cannot be read.

use super::Rule;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "unreadable-env-file",
    default_severity: Severity::Warning,
    summary: "an env declaration file (.env, compose, Dockerfile, …) exists but cannot be read",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports an env declaration file (`.env`, `.env.production`, a compose file, a Dockerfile, …)
that the audit found but could not read, with the operating system's reason (permission
denied, not a regular file, …). Its values are never read or shown; its variable names are
unknown, so `undeclared-env` stays silent for the whole tree rather than call every variable
that file may declare undeclared.

## Why is this bad
The audit cannot tell which variables are declared. Often the file belongs to another user
(a production `.env` readable only by the service account).

## Examples
    -rw------- root root .env      (audited as another user)
Fix: run the audit as a user that can read it, or audit a copy with `.env.example`.
";

/// Whether a declaration problem is a failed read (not a parse problem inside a read file).
pub fn is_read_failure(reason: &str) -> bool {
    reason.starts_with(READ_FAILURE)
}

/// How `env::load_declarations` begins the reason of a file it could not read.
pub const READ_FAILURE: &str = "cannot read env declarations";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for problem in &project.env_declarations.problems {
        if !is_read_failure(&problem.reason) {
            continue;
        }
        let span = Span {
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        };
        findings.push(
            Finding::new(RULE.name, RULE.default_severity, &problem.file, span, {
                problem
                    .reason
                    .replacen(READ_FAILURE, "env file cannot be read", 1)
            })
            .with_help(
                "its variables are unknown: undeclared-env is not checked until it can be read",
            ),
        );
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn readable_env_file_passes() {
        let findings = run_rule(
            &RULE,
            &[
                (".env", "DATABASE_URL=postgres://x\n"),
                ("src/index.js", ""),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
