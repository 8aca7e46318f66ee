//! `case-mismatch`: the import resolves only when letter case is ignored.

use super::Rule;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::resolve::{Resolution, relative_specifier};

/// The rule.
pub const RULE: Rule = Rule {
    name: "case-mismatch",
    default_severity: Severity::Error,
    summary: "resolves only case-insensitively (works on macOS and Windows, breaks on Linux)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports imports whose target exists only with different letter case.

## Why is this bad
macOS and Windows file systems ignore case, so the import works on a laptop; Linux servers and
containers do not, and the deploy fails with `Cannot find module`.

## Examples
Wrong (the file is services/Billing.js):
    import { charge } from '../services/billing.js';
Right:
    import { charge } from '../services/Billing.js';
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for module in &project.modules {
        let dir = module.file.path.parent().unwrap_or(&project.root);
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let Resolution::CaseMismatch { actual } = resolution else {
                continue;
            };
            let fixed = relative_specifier(dir, actual);
            findings.push(
                Finding::new(
                    RULE.name,
                    RULE.default_severity,
                    &module.file.rel,
                    import.span,
                    format!(
                        "`{}` matches `{}` only when letter case is ignored: it fails on Linux",
                        import.specifier,
                        project.relative(actual)
                    ),
                )
                .with_help(format!("write `{fixed}`"))
                .with_specifier(&import.specifier),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn lowercase_import_of_capitalised_file_is_reported() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/routes/billing.js",
                    "import { charge } from '../services/billing.js';\n",
                ),
                ("src/services/Billing.js", "export const charge = 1;\n"),
            ],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].help.as_deref(),
            Some("write `../services/Billing.js`")
        );
    }

    #[test]
    fn directory_case_and_missing_extension_are_found() {
        let findings = run_rule(
            &RULE,
            &[
                ("src/index.js", "import './Services/mail';\n"),
                ("src/services/mail.js", ""),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
    }

    #[test]
    fn exact_case_passes() {
        assert!(
            run_rule(
                &RULE,
                &[("src/a.js", "import './B.js';\n"), ("src/B.js", "")]
            )
            .is_empty()
        );
    }
}
