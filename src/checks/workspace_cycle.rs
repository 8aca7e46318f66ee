//! `workspace-cycle`: workspace packages whose `package.json` dependencies form a loop.

use super::Rule;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::project::Project;

/// The rule.
pub const RULE: Rule = Rule {
    name: "workspace-cycle",
    default_severity: Severity::Warning,
    summary: "workspace packages depend on each other in a loop: no build order exists",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reads the dependencies (all kinds) that workspace packages declare on each other and reports
every loop once, on the `package.json` of the first package in it, with the whole loop.

## Why is this bad
pnpm, Turborepo and Nx build workspace packages in dependency order; a loop has none, so one
package is built against the other's stale (or missing) output, and `treeaudit plan` cannot
order them either. File-level `import-cycle` findings usually come with it.

## Examples
Wrong: `@acme/db` depends on `@acme/auth`, and `@acme/auth` depends on `@acme/db`.
Right: move what both need into a third package both depend on.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let workspaces = &project.toolchain.workspaces;
    for cycle in workspaces.dependency_cycles(&project.manifests) {
        let Some(first) = cycle.first().and_then(|name| workspaces.package(name)) else {
            continue;
        };
        let mut loop_text = cycle.join("` → `");
        loop_text.push_str(&format!("` → `{}", cycle[0]));
        findings.push(
            Finding::new(
                RULE.name,
                RULE.default_severity,
                &project.relative(&first.manifest),
                Span {
                    line: 1,
                    column: 1,
                    start: 0,
                    end: 0,
                },
                format!("workspace packages depend on each other in a loop: `{loop_text}`"),
            )
            .with_help(
                "move what they share into a package both depend on, or drop the dependency that closes the loop",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn two_packages_depending_on_each_other_are_one_finding() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"name":"mono","private":true,"workspaces":["packages/*"]}"#,
                ),
                (
                    "packages/db/package.json",
                    r#"{"name":"@acme/db","dependencies":{"@acme/auth":"workspace:*"}}"#,
                ),
                (
                    "packages/auth/package.json",
                    r#"{"name":"@acme/auth","dependencies":{"@acme/db":"workspace:*","zod":"3"}}"#,
                ),
                (
                    "packages/ui/package.json",
                    r#"{"name":"@acme/ui","dependencies":{"@acme/db":"*"}}"#,
                ),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "packages/auth/package.json");
        assert!(
            findings[0]
                .message
                .contains("`@acme/auth` → `@acme/db` → `@acme/auth`"),
            "{}",
            findings[0].message
        );
    }
}
