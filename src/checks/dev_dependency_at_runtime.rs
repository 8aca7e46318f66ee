//! `dev-dependency-at-runtime`: production code imports a package declared only in devDependencies.

use super::Rule;
use crate::file_role::FileRole;
use crate::finding::{Finding, Severity};
use crate::manifest::DependencyKind;
use crate::project::Project;
use crate::resolve::Resolution;

/// The rule.
pub const RULE: Rule = Rule {
    name: "dev-dependency-at-runtime",
    default_severity: Severity::Warning,
    summary: "production code imports a devDependency (absent after npm ci --omit=dev)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports run-time imports of packages declared only in `devDependencies`, from files that are
production code: not tests (`*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`, `e2e/`),
not tool configuration (`*.config.*`), and not type-only imports.

## Why is this bad
Production installs usually run `npm ci --omit=dev` (or `NODE_ENV=production npm ci`), so the
package is missing on the server and the import throws at start-up.

## Examples
Wrong (`dayjs` is in devDependencies):
    import dayjs from 'dayjs';   // src/services/billing.js
Right: move it to dependencies: `npm install dayjs`.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for module in project
        .modules
        .iter()
        .filter(|m| m.role == FileRole::Production)
    {
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let Resolution::Package {
                name,
                declared: Some(DependencyKind::Dev),
                ..
            } = resolution
            else {
                continue;
            };
            if !import.kind.is_runtime() {
                continue;
            }
            findings.push(
                Finding::new(
                    RULE.name,
                    RULE.default_severity,
                    &module.file.rel,
                    import.span,
                    format!("`{name}` is a devDependency but is imported by production code: it is missing after `npm ci --omit=dev`"),
                )
                .with_help(format!("move it to dependencies: `npm install {name}`"))
                .with_specifier(&import.specifier)
                .with_package(name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn dev_dependency_in_a_service_is_reported_but_not_in_tests_or_types() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"dependencies":{"hono":"^4"},"devDependencies":{"dayjs":"^1","vitest":"^3","zod":"^3"}}"#,
                ),
                ("src/services/billing.js", "import dayjs from 'dayjs';\n"),
                (
                    "src/services/billing.test.js",
                    "import { test } from 'vitest';\nimport dayjs from 'dayjs';\n",
                ),
                ("src/types.ts", "import type { ZodType } from 'zod';\n"),
                (
                    "vitest.config.js",
                    "import { defineConfig } from 'vitest/config';\n",
                ),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "src/services/billing.js");
        assert_eq!(findings[0].package.as_deref(), Some("dayjs"));
    }
}
