//! `unused-env`: a variable declared in a dotenv-family file that no code reads.

use super::Rule;
use crate::env::{DeclarationSource, VariableStatus, env_table, shipped_modules};
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "unused-env",
    default_severity: Severity::Info,
    summary: "variable declared in a .env file that no code reads",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports variables declared in a dotenv-family file (`.env`, `.env.example`, `.env.production`,
…) that no source file reads, by name or through a pattern such as
`` process.env[`${provider}_CLIENT_ID`] ``. When any code reads the environment fully
dynamically (`process.env[name]`), nothing is reported: any variable may be read there.
Values are never shown.

## Why is this bad
A release checklist that lists 23 variables when the code needs 13 sends people hunting for
secrets nothing uses, and hides the ones that matter.

## Examples
`.env.example` declares `LEGACY_DIALER_TOKEN=` and no file reads it: delete the line, or
read it where it was meant to be used.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let production = shipped_modules(project);
    let table = env_table(project, &production, &production, &[]);
    if !table.dynamic_reads.is_empty() {
        return;
    }
    for variable in table
        .variables
        .iter()
        .filter(|v| v.status == VariableStatus::Unused)
    {
        for declaration in variable
            .declarations
            .iter()
            .filter(|d| d.source == DeclarationSource::Dotenv)
        {
            let span = Span {
                line: declaration.line,
                column: 1,
                start: 0,
                end: variable.name.len() as u32,
            };
            let mut finding = Finding::new(
                RULE.name,
                RULE.default_severity,
                &declaration.file,
                span,
                format!(
                    "`{}` is declared in {} but no code reads it",
                    variable.name, declaration.file
                ),
            )
            .with_help("remove it, or read it where it was meant to be used");
            finding.name = Some(variable.name.clone());
            findings.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn declared_but_never_read_is_reported_at_its_line_without_its_value() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    ".env.example",
                    "PORT=3000\nLEGACY_DIALER_TOKEN=tok_live_abc\nGITHUB_CLIENT_ID=\n",
                ),
                (
                    "src/index.js",
                    "const port = process.env.PORT;\nconst id = process.env[`${provider}_CLIENT_ID`];\n",
                ),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].name.as_deref(), Some("LEGACY_DIALER_TOKEN"));
        assert_eq!(
            (findings[0].file.as_str(), findings[0].line),
            (".env.example", 2)
        );
        assert!(!findings[0].message.contains("tok_live_abc"));
    }

    #[test]
    fn a_fully_dynamic_read_suppresses_the_rule() {
        let findings = run_rule(
            &RULE,
            &[
                (".env.example", "LEGACY_DIALER_TOKEN=\n"),
                (
                    "src/config.js",
                    "export const get = (name) => process.env[name];\n",
                ),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}
