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
Reports run-time imports of packages declared only in `devDependencies`, from files that Node
runs as written in production: reachable from a production entry point (`main`, start
scripts, Dockerfile `CMD`; see `unreachable-file`) that is not bundled. Code a bundler builds
(a Vite/webpack/Next page, an `index.html` script, a tsup/esbuild/Rollup `dist/`, a wrangler
worker) is skipped: the bundler inlines its dependencies. So are maintainer scripts (`seed`,
`build`, CI steps), test setups and build configs, imports used only as types (erased by
TypeScript), and packages a workspace package lists in its own `dependencies` (installed in
production through it), and `electron`, which the Electron runtime provides to the app it
runs (packagers refuse it in `dependencies`). When no entry point is detected, every file that is not a test
(`*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`, `e2e/`) or tool configuration
(`*.config.*`) counts as production code.

## Why is this bad
Production installs usually run `npm ci --omit=dev` (or `NODE_ENV=production npm ci`), so the
package is missing on the server and the import throws at start-up.

## Examples
Wrong (`dayjs` is in devDependencies):
    import dayjs from 'dayjs';   // src/services/billing.js
Right: move it to dependencies: `npm install dayjs`.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    // With entries detected, "production code" means reachable from a production entry;
    // without any, the path-based role decides (see `Project::is_production_reachable`).
    let points = project.entry_points();
    let has_entries = points.has_production_entries();
    // Packages some workspace package lists in `dependencies`: installed in production.
    let installed: std::collections::BTreeSet<&str> = project
        .manifests
        .all()
        .into_iter()
        .flat_map(|m| m.dependencies.iter())
        .filter(|(_, kind)| matches!(kind, DependencyKind::Production | DependencyKind::Optional))
        .map(|(name, _)| name.as_str())
        .collect();
    for (i, module) in project.modules.iter().enumerate() {
        // Build configs (`tailwind.config.js`) and test setups are never production code.
        let runs_in_production = module.role == FileRole::Production
            && if has_entries {
                points.reachability.is_runtime_reachable(i)
            } else {
                project.reach(i) != crate::graph::Reach::TestOnly
            };
        if !runs_in_production {
            continue;
        }
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let Resolution::Package {
                name,
                declared: Some(DependencyKind::Dev),
                ..
            } = resolution
            else {
                continue;
            };
            // The Electron runtime provides `electron` to the app it runs; packagers refuse it
            // in `dependencies`, so an Electron app must declare it as a devDependency.
            if !import.kind.is_runtime() || installed.contains(name.as_str()) || name == "electron"
            {
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

    #[test]
    fn the_electron_runtime_provides_electron_to_its_main_process() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"main":"src/main.js","scripts":{"start":"electron ."},"devDependencies":{"electron":"^33","electron-log":"^5"}}"#,
                ),
                (
                    "src/main.js",
                    "const { app } = require('electron');\nconst log = require('electron-log');\n",
                ),
            ],
        );
        let packages: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        assert_eq!(packages, vec!["electron-log"], "{findings:?}");
    }

    #[test]
    fn with_entries_only_files_the_entry_reaches_count() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"type":"module","scripts":{"start":"node src/index.js"},"devDependencies":{"dayjs":"^1","@faker-js/faker":"^8"}}"#,
                ),
                (
                    "src/index.js",
                    "import './services/billing.js';
",
                ),
                (
                    "src/services/billing.js",
                    "import dayjs from 'dayjs';
",
                ),
                (
                    "scripts/seed.js",
                    "import { faker } from '@faker-js/faker';
",
                ),
            ],
        );
        let packages: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        assert_eq!(packages, vec!["dayjs"]);
    }

    #[test]
    fn bundled_pages_and_workspace_dependencies_are_installed_or_inlined() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"workspaces":["packages/*"],"scripts":{"start":"node server.js","build":"vite build"},"devDependencies":{"vue":"3","@prisma/client":"6","dayjs":"1"}}"#,
                ),
                (
                    "index.html",
                    "<script type=\"module\" src=\"/src/main.js\"></script>\n",
                ),
                ("src/main.js", "import { createApp } from 'vue';\n"),
                (
                    "server.js",
                    "const { PrismaClient } = require('@prisma/client');\nconst dayjs = require('dayjs');\n",
                ),
                (
                    "packages/db/package.json",
                    r#"{"name":"@x/db","dependencies":{"@prisma/client":"6"}}"#,
                ),
            ],
        );
        let packages: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        assert_eq!(packages, vec!["dayjs"]);
    }
}
