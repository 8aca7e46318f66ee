//! `invalid-manifest`: a `package.json` that cannot be parsed.

use super::Rule;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "invalid-manifest",
    default_severity: Severity::Error,
    summary: "a package.json is not valid JSON; its dependencies cannot be checked",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports a `package.json` that is not valid JSON (npm, unlike TypeScript, allows no comments or
trailing commas in it). The rest of the tree is still analysed; packages it would have declared
are treated as undeclared. A `package.json` that holds template tags (`{% for … %}`, `{{ name
}}`) is a code generator's template: one info, and nothing in its folder is checked as code.

## Why is this bad
`npm ci` refuses to install anything, so the deploy fails before the app starts.

## Examples
Wrong:
    { \"dependencies\": { \"hono\": \"^4.0.0\", } }
Right:
    { \"dependencies\": { \"hono\": \"^4.0.0\" } }
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for broken in &project.manifests.broken {
        let span = Span {
            line: broken.line.max(1),
            column: broken.column.max(1),
            start: 0,
            end: 0,
        };
        if broken.template {
            // `{% for version in versions %}`: a generator renders it into a package elsewhere.
            findings.push(
                Finding::new(
                    RULE.name,
                    Severity::Info,
                    &project.relative(&broken.path),
                    span,
                    "a code generator's template (it holds `{% … %}`/`{{ … }}` tags): its folder \
                     is not checked as code of the tree"
                        .to_string(),
                )
                .with_help("audit the package the generator renders to have it checked"),
            );
            continue;
        }
        findings.push(
            Finding::new(
                RULE.name,
                RULE.default_severity,
                &project.relative(&broken.path),
                span,
                broken.message.clone(),
            )
            .with_help("package.json must be strict JSON: no comments, no trailing commas"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn trailing_comma_in_package_json_is_reported_with_position() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    "{\n  \"dependencies\": { \"hono\": \"^4\", }\n}\n",
                ),
                ("src/index.js", ""),
            ],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].file, "package.json");
        assert_eq!(findings[0].line, 2);
    }

    #[test]
    fn valid_package_json_passes() {
        assert!(run_rule(&RULE, &[("package.json", "{\"name\":\"api\"}")]).is_empty());
    }
}
