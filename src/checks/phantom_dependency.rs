//! `phantom-dependency`: a bare import of an undeclared package that resolves today only
//! because the package manager hoists it out of another package's dependencies.

use super::Rule;
use super::unlisted_dependency::{
    hoisted_from_generated_workspace, package_dir_below_install_root, undeclared_package_imports,
};
use crate::facts::ImportKind;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::toolchain::installs::PhantomSource;

/// The rule.
pub const RULE: Rule = Rule {
    name: "phantom-dependency",
    default_severity: Severity::Warning,
    summary: "undeclared package that resolves only because the package manager hoists it",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports imports of packages that the importing package's `package.json` (and those above it)
does not declare, but that a hoisting install puts in the root `node_modules` anyway: another
workspace package declares it (an npm alias, `\"table\": \"npm:table-fork@1\"`, under its
alias), or the lockfile installs it as a dependency of a dependency. npm, Yarn classic, Yarn
with `nodeLinker: node-modules`, bun's hoisted linker and pnpm with `node-linker=hoisted`,
`shamefully-hoist` or a matching `public-hoist-pattern` hoist; on an isolating install (pnpm
by default, Yarn PnP) the same import is an `unlisted-dependency` error, because it fails.
In a workspace whose globs point into packages a generator writes and the checkout lacks
(`\"workspaces\": [\".wasp/out/*\"]` into git-ignored framework output), an undeclared
package may come from those packages' dependencies, hoisted the same way: it
is reported here too, since what they declare cannot be read.

## Why is this bad
It works today, by accident of the install layout: the day the other package drops or
upgrades that dependency, the lockfile is regenerated, the package is deployed alone
(`npm ci --workspace`, a pruned Docker image, `turbo prune`) or the project moves to pnpm,
the import fails with `Cannot find package`, and the version it gets is whatever the other
package asked for.

## Examples
Wrong (`apps/api/package.json` does not list `zod`; `packages/shared` does, npm hoists it):
    import { z } from 'zod';
Right: declare it where it is used: `npm install zod -w apps/api`.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (module, import, name) in undeclared_package_imports(project) {
        let name: &str = &name;
        let dir = module.file.path.parent().unwrap_or(&project.root);
        let manifest = project
            .manifests
            .nearest(dir, &project.root)
            .map(|m| project.relative(&m.path));
        let Some(phantom) = project.toolchain.installs.phantom_for_file(
            name,
            dir,
            &module.file.rel,
            import.kind == ImportKind::Require,
            &project.manifests,
        ) else {
            if let Some((generated, manager)) = hoisted_from_generated_workspace(project, dir) {
                findings.push(generated_workspace_phantom(
                    project,
                    module,
                    import,
                    name,
                    manifest.as_deref(),
                    &generated,
                    manager,
                ));
            }
            continue;
        };
        let manager = phantom.manager.command();
        let hoister = match &phantom.hoisted_by {
            Some(setting) => format!("{manager}'s {setting}"),
            None => manager.to_string(),
        };
        let why = match &phantom.source {
            PhantomSource::DeclaredBy(other) => {
                format!("resolves only because {hoister} hoists it from {other}")
            }
            PhantomSource::Lockfile(lockfile) => format!(
                "resolves only because {hoister} hoists it as a dependency of another package ({lockfile})"
            ),
        };
        let message = match &manifest {
            Some(m) => format!("`{name}` is not declared in {m}; it {why}"),
            None => format!("`{name}` is declared by no package.json; it {why}"),
        };
        let add = phantom
            .manager
            .add_command(name, import.kind == ImportKind::TypeOnly);
        let help = match package_dir_below_install_root(project, manifest.as_deref(), dir) {
            Some(d) => format!("declare it where it is used: `cd {d} && {add}`"),
            None => format!("declare it where it is used: `{add}`"),
        };
        findings.push(
            Finding::new(
                RULE.name,
                RULE.default_severity,
                &module.file.rel,
                import.span,
                message,
            )
            .with_help(help)
            .with_specifier(&import.specifier)
            .with_package(name),
        );
    }
}

/// An undeclared import that only the absent, generated packages of the workspace may serve.
fn generated_workspace_phantom(
    project: &Project,
    module: &crate::project::Module,
    import: &crate::facts::Import,
    name: &str,
    manifest: Option<&str>,
    generated: &[&crate::toolchain::GeneratedWorkspace],
    manager: crate::toolchain::installs::PackageManager,
) -> Finding {
    let globs: Vec<String> = generated
        .iter()
        .map(|w| format!("`{}`", w.glob.glob))
        .collect();
    let mut generators: Vec<&str> = generated.iter().map(|w| w.generator.as_str()).collect();
    generators.sort_unstable();
    generators.dedup();
    let why = format!(
        "it resolves only if a package of the generated workspace ({}, written by {}; absent \
         here) depends on it and {} hoists it",
        globs.join(", "),
        generators.join(" and "),
        manager.command()
    );
    let message = match manifest {
        Some(m) => format!("`{name}` is not declared in {m}; {why}"),
        None => format!("`{name}` is declared by no package.json; {why}"),
    };
    let add = manager.add_command(name, import.kind == ImportKind::TypeOnly);
    let dir = module.file.path.parent().unwrap_or(&project.root);
    let add = match package_dir_below_install_root(project, manifest, dir) {
        Some(d) => format!("cd {d} && {add}"),
        None => add,
    };
    Finding::new(
        RULE.name,
        RULE.default_severity,
        &module.file.rel,
        import.span,
        message,
    )
    .with_help(format!(
        "nothing to do if the generator provides it (some forbid declaring it again); \
         otherwise declare it: `{add}`"
    ))
    .with_specifier(&import.specifier)
    .with_package(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    const NPM_WORKSPACE: &[(&str, &str)] = &[
        (
            "package.json",
            r#"{"name":"mono","private":true,"workspaces":["apps/*","packages/*"]}"#,
        ),
        (
            "package-lock.json",
            r#"{"lockfileVersion":3,"packages":{"":{},"node_modules/zod":{},"node_modules/hono":{},"node_modules/debug":{}}}"#,
        ),
        (
            "packages/shared/package.json",
            r#"{"name":"@acme/shared","dependencies":{"zod":"^3"}}"#,
        ),
        (
            "apps/api/package.json",
            r#"{"name":"@acme/api","dependencies":{"hono":"^4"}}"#,
        ),
        (
            "apps/api/src/index.ts",
            "import { Hono } from 'hono';\nimport { z } from 'zod';\nimport debug from 'debug';\nimport left from 'left-pad';\n",
        ),
    ];

    #[test]
    fn npm_hoisting_makes_sibling_and_transitive_packages_warnings() {
        let findings = run_rule(&RULE, NPM_WORKSPACE);
        let found: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.package.as_deref().unwrap_or(""), f.message.as_str()))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "zod");
        assert!(
            found[0].1.contains("packages/shared/package.json"),
            "{found:?}"
        );
        assert_eq!(found[1].0, "debug");
        assert!(found[1].1.contains("package-lock.json"), "{found:?}");
    }

    #[test]
    fn a_package_nothing_installs_stays_an_unlisted_dependency() {
        let findings = run_rule(&super::super::unlisted_dependency::RULE, NPM_WORKSPACE);
        let packages: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        assert_eq!(packages, ["left-pad"]);
    }

    #[test]
    fn pnpm_isolates_unless_a_public_hoist_pattern_matches() {
        let files: &[(&str, &str)] = &[
            ("package.json", r#"{"name":"mono","private":true}"#),
            (
                "pnpm-workspace.yaml",
                "packages:\n  - apps/*\n  - packages/*\n",
            ),
            (".npmrc", "public-hoist-pattern[]=*eslint*\n"),
            (
                "pnpm-lock.yaml",
                "lockfileVersion: '9.0'\n\npackages:\n\n  zod@3.22.0:\n    resolution: {integrity: x}\n\n  eslint-config-xo@0.43.0:\n    resolution: {integrity: y}\n",
            ),
            (
                "packages/shared/package.json",
                r#"{"name":"@acme/shared","dependencies":{"zod":"^3"}}"#,
            ),
            ("apps/api/package.json", r#"{"name":"@acme/api"}"#),
            (
                "apps/api/src/index.ts",
                "import { z } from 'zod';\nimport xo from 'eslint-config-xo';\n",
            ),
        ];
        let warnings = run_rule(&RULE, files);
        let errors = run_rule(&super::super::unlisted_dependency::RULE, files);
        let warned: Vec<&str> = warnings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        let failed: Vec<&str> = errors.iter().filter_map(|f| f.package.as_deref()).collect();
        assert_eq!(warned, ["eslint-config-xo"]);
        assert_eq!(failed, ["zod"]);
        assert!(
            errors[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("pnpm add zod")
        );
    }
}
