//! `invalid-suppression`: a suppression comment without a reason, or naming no known rule.

use super::Rule;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: super::INVALID_SUPPRESSION,
    default_severity: Severity::Error,
    summary: "a treeaudit-ignore-next-line comment gives no reason or names no known rule",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Checks every `treeaudit-ignore-next-line` comment: it must name at least one known rule and
give a reason after `--`. A suppression that fails this check silences nothing.

## Why is this bad
A silenced finding without a reason is a broken import nobody can judge later. Requiring the
reason keeps suppressions reviewable in pull requests.

## Examples
Wrong:
    // treeaudit-ignore-next-line unresolved-import
    import config from './generated/config.js';
Right:
    // treeaudit-ignore-next-line unresolved-import -- written by `npm run codegen` before build
    import config from './generated/config.js';

## How to suppress
It cannot be suppressed; fix the comment.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for module in &project.modules {
        for suppression in &module.facts.suppressions {
            let finding = |message: String, help: &str| {
                Finding::new(
                    RULE.name,
                    RULE.default_severity,
                    &module.file.rel,
                    suppression.span,
                    message,
                )
                .with_help(help)
            };
            if suppression.rules.is_empty() {
                findings.push(finding(
                    "suppression comment names no rule".to_string(),
                    "write `// treeaudit-ignore-next-line RULE -- reason`",
                ));
                continue;
            }
            for name in &suppression.rules {
                if super::rule(name).is_none() {
                    let mut f = finding(
                        format!("suppression names unknown rule `{name}`"),
                        "`treeaudit rules` lists the rule names",
                    );
                    f.name = Some(name.clone());
                    findings.push(f);
                }
            }
            if suppression.reason.is_none() {
                let mut f = finding(
                    format!(
                        "suppression of `{}` gives no reason, so it silences nothing",
                        suppression.rules.join(", ")
                    ),
                    "add the reason after `--`: `// treeaudit-ignore-next-line RULE -- why this is fine`",
                );
                f.name = Some(suppression.rules.join(","));
                findings.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn suppression_without_reason_is_reported_with_its_line() {
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"name":"api","type":"module"}"#),
                (
                    "src/index.js",
                    "import './routes/calls.js';\n// treeaudit-ignore-next-line unresolved-import\nimport './db/gone.js';\n",
                ),
                ("src/routes/calls.js", "export default 1;\n"),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].line, 2);
        assert!(findings[0].message.contains("gives no reason"));
    }

    #[test]
    fn unknown_rule_is_reported_and_valid_one_is_not() {
        let findings = run_rule(
            &RULE,
            &[(
                "src/index.js",
                "// treeaudit-ignore-next-line unresolved-imports -- typo\nimport './a.js';\n// treeaudit-ignore-next-line unresolved-import -- codegen\nimport './b.js';\n",
            )],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].name.as_deref(), Some("unresolved-imports"));
    }
}
