//! `invalid-tsconfig`: a tsconfig whose `extends` cannot be read, or that is not valid JSON.

use super::Rule;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "invalid-tsconfig",
    default_severity: Severity::Warning,
    summary: "a tsconfig extends a file or package that cannot be read, or is not valid JSON",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports a `tsconfig.json` whose `extends` names a package that is not installed, a file that
does not exist, or a chain that comes back to itself, and a tsconfig that is not valid JSON
(comments and trailing commas are valid). Imports are still resolved with the file's own
`compilerOptions` (`paths`, `baseUrl`), as tsc does after reporting the error.

A base configuration from a package that `package.json` declares but this checkout has not
installed is said as info: its options cannot be known until `npm install`.

## Why is this bad
tsc fails with TS6053 (\"file not found\") or TS18000 (circularity), and whatever the base
configuration set (strictness, `jsx`, `moduleResolution`) silently does not apply in tools
that ignore the error.

## Examples
Wrong (`expo` is not installed in this checkout, or not a dependency at all):
    { \"extends\": \"expo/tsconfig.base\", \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } } }
Right: install the package that ships the base configuration (`npm install -D expo`), or
extend a file that exists.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for problem in &project.toolchain.tsconfig_repairs.problems {
        let span = Span {
            line: problem.line.max(1),
            column: 1,
            start: 0,
            end: 0,
        };
        // A declared base-config package that this checkout has not installed is normal for an
        // audited copy: said as info, since its options cannot be known here.
        let dir = problem.path.parent().unwrap_or(&project.root);
        let declared_elsewhere = problem.uninstalled_package.as_deref().is_some_and(|name| {
            project
                .manifests
                .declaration(name, dir, &project.root)
                .is_some()
        });
        let severity = if declared_elsewhere {
            Severity::Info
        } else {
            RULE.default_severity
        };
        findings.push(
            Finding::new(
                RULE.name,
                severity,
                &project.relative(&problem.path),
                span,
                problem.message.clone(),
            )
            .with_help(
                "install the package that provides the base configuration, or point `extends` at a file that exists",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn a_tsconfig_the_resolver_cannot_load_is_reported_rather_than_losing_its_paths_silently() {
        // A missing project reference fails the whole config in oxc_resolver: its `paths` are
        // lost for every file it covers, so that is said.
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"name":"app"}"#),
                (
                    "tsconfig.json",
                    r#"{"compilerOptions":{"paths":{"@/*":["./*"]}},"references":[{"path":"./packages/gone"}]}"#,
                ),
                (
                    "index.ts",
                    "import { c } from '@/lib/colors';\nexport { c };\n",
                ),
                ("lib/colors.ts", "export const c = 1;\n"),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "tsconfig.json");
        assert!(
            findings[0].message.contains("cannot be loaded")
                && findings[0].message.contains("`paths`"),
            "{findings:?}"
        );
    }

    #[test]
    fn uninstalled_base_config_is_reported_once_on_its_extends_line() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"name":"app","devDependencies":{"expo":"1"}}"#,
                ),
                (
                    "tsconfig.json",
                    "{\n  \"extends\": \"expo/tsconfig.base\",\n  \"compilerOptions\": {\"paths\": {\"@/*\": [\"./*\"]}}\n}\n",
                ),
                (
                    "index.ts",
                    "import { c } from '@/lib/colors';\nexport { c };\n",
                ),
                ("lib/colors.ts", "export const c = 1;\n"),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            (findings[0].file.as_str(), findings[0].line),
            ("tsconfig.json", 2)
        );
        assert!(
            findings[0]
                .message
                .contains("package `expo` is not installed")
        );
    }
}
