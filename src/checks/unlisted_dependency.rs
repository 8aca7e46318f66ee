//! `unlisted-dependency`: a bare import of a package no `package.json` on the way up declares.

use super::Rule;
use crate::facts::{Import, ImportKind};
use crate::finding::{Finding, Severity};
use crate::project::{Module, Project};
use crate::resolve::Resolution;
use crate::toolchain::installs::{Layout, PackageManager, PhantomSource};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unlisted-dependency",
    default_severity: Severity::Error,
    summary: "bare import of a package no package.json declares and a clean install does not bring",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Reports imports of packages that no `package.json` from the importing file up to the audited
root declares (in dependencies, devDependencies, peerDependencies or optionalDependencies; a
workspace package of that name also counts), and that a clean install would not make
reachable either: the package manager isolates packages (pnpm by default, Yarn PnP, bun's
isolated linker), or no manifest and no lockfile of the install brings the package at all.
An undeclared package that a hoisting install (npm, Yarn classic, Yarn `nodeLinker:
node-modules`, bun's hoisted linker, pnpm `node-linker=hoisted`) does bring is reported by
`phantom-dependency` instead, as a warning. Node builtins (`fs`, `node:fs`) are fine; so are
type-only imports of `@types/*` packages, packages a framework serves to its app (Nuxt's
`vue-router`, `h3`, … when the app declares `nuxt`; `@nuxthub/db`, which the declared
`@nuxthub/core` module generates), a `require()` inside a `try` with a `catch`
(an optional dependency) or on a branch of a UMD wrapper's module-system test (`typeof exports
== 'object' ? factory(require('jquery')) : … define.amd …`) in a file that no module imports
and that is no entry Node runs (a vendored bundle the browser runs through its globals
branch), and packages a CI workflow step installs next to the scripts it runs (`npm --prefix
.github/scripts install x`) or a Dockerfile installs for the files of its
directory (`RUN npm install x`; `npm install -g x` only with `ENV NODE_PATH` set). The package imports of a scaffold template
(a directory its package copies as files, excludes from its tsconfig and that holds a tsconfig
of its own: the project a CLI creates) belong to the created project and are reported once by
`generated-import`. A retired file (one no entry runs, in an `archive`/`archives`/`archived`
folder or a path depcheck or knip is told to skip, or a file that only lists imports, binding
names it never uses) gets a warning that says so. A placeholder no registry package can be
named (a leading `_` or `.`: `__CLIENT__`) that an ambient `declare module` types is a
specifier a generator rewrites, not a package. Works without
`node_modules`.

## Why is this bad
The import fails with `Cannot find package` after a clean install: pnpm links only declared
packages into a package's `node_modules`, and a package nothing installs is not there at all.

## Examples
Wrong (package.json does not list it):
    import { S3Client } from '@aws-sdk/client-s3';
Right: `npm install @aws-sdk/client-s3` (`pnpm add`, `yarn add`, `bun add`), which adds it to
dependencies.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (module, import, name) in undeclared_package_imports(project) {
        let name: &str = &name;
        let dir = module.file.path.parent().unwrap_or(&project.root);
        // Hoisted by the package manager: `phantom-dependency` reports it as a warning.
        if project
            .toolchain
            .installs
            .phantom_for_file(
                name,
                dir,
                &module.file.rel,
                import.kind == ImportKind::Require,
                &project.manifests,
            )
            .is_some()
        {
            continue;
        }
        // Maybe hoisted out of a generated workspace package: `phantom-dependency` says so.
        if hoisted_from_generated_workspace(project, dir).is_some() {
            continue;
        }
        let manifest = project
            .manifests
            .nearest(dir, &project.root)
            .map(|m| project.relative(&m.path));
        let installs = &project.toolchain.installs;
        let manager = installs
            .root_of(dir)
            .map_or(PackageManager::Npm, |r| r.manager);
        // Installed for another package, but the layout keeps it out of this one's reach.
        let isolated = match installs.installed_elsewhere(name, dir, &project.manifests) {
            Some((_, PhantomSource::DeclaredBy(other))) => format!(
                "; {} installs it only for packages that declare it ({other})",
                manager.command()
            ),
            Some((_, PhantomSource::Lockfile(lockfile))) => format!(
                "; {} installs it ({lockfile}) but links it only into packages that declare it",
                manager.command()
            ),
            None => String::new(),
        };
        let message = match &manifest {
            Some(m) => format!("`{name}` is imported but not declared in {m}{isolated}"),
            None => format!("`{name}` is imported but no package.json declares it{isolated}"),
        };
        let add = manager.add_command(name, import.kind == ImportKind::TypeOnly);
        let install = match package_dir_below_install_root(project, manifest.as_deref(), dir) {
            Some(d) => format!("cd {d} && {add}"),
            None => add,
        };
        let finding = Finding::new(
            RULE.name,
            RULE.default_severity,
            &module.file.rel,
            import.span,
            message,
        )
        .with_help(format!("add it to dependencies: `{install}`"))
        .with_specifier(&import.specifier)
        .with_package(name);
        findings.push(match project.module_by_rel(&module.file.rel) {
            Some(m) => super::unless_inert(project, m, finding),
            None => finding,
        });
    }
}

/// For a file in `dir` of a workspace whose globs point into generated, absent packages
/// (`.wasp/out/*`), installed with a hoisting layout: those globs and the package manager. What
/// the generated packages depend on is hoisted to the workspace root, where the file's imports
/// find it, and the checkout cannot tell what that is: an undeclared import there may be
/// served by them (Wasp's `express`, `@prisma/client`), so it is a phantom, not a sure failure.
pub(super) fn hoisted_from_generated_workspace<'p>(
    project: &'p Project,
    dir: &std::path::Path,
) -> Option<(
    Vec<&'p crate::toolchain::GeneratedWorkspace>,
    PackageManager,
)> {
    let generated = project.toolchain.generated_workspaces_of(dir);
    if generated.is_empty() {
        return None;
    }
    let manager = match project.toolchain.installs.root_of(dir) {
        Some(root) => {
            if !matches!(root.layout, Layout::Hoisted) {
                return None;
            }
            root.manager
        }
        None => PackageManager::Npm,
    };
    Some((generated, manager))
}

/// The directory of `manifest` (root-relative) when it is a package below its install root,
/// where the add command has to run.
pub(super) fn package_dir_below_install_root(
    project: &Project,
    manifest: Option<&str>,
    dir: &std::path::Path,
) -> Option<String> {
    let install_root = project
        .toolchain
        .installs
        .root_of(dir)
        .map(|r| project.relative(&r.dir))
        .unwrap_or_default();
    manifest
        .and_then(|m| m.strip_suffix("package.json"))
        .map(|d| d.trim_end_matches('/').to_string())
        .filter(|d| !d.is_empty() && *d != install_root)
}

/// Every import of a package that no manifest from the importing file up declares (type-only
/// imports served by a declared `@types/*` package excepted), with the package name.
pub(super) fn undeclared_package_imports(
    project: &Project,
) -> impl Iterator<Item = (&Module, &Import, std::borrow::Cow<'_, str>)> {
    // `declare module "__CLIENT__" { … }`: a placeholder a generator rewrites, typed ambiently.
    let ambient: std::rc::Rc<std::collections::HashSet<&str>> = std::rc::Rc::new(
        project
            .modules
            .iter()
            .flat_map(|m| m.facts.ambient_modules.iter().map(String::as_str))
            .collect(),
    );
    project
        .modules
        .iter()
        .enumerate()
        // A snippet loaded as text or a URL: no build resolves its imports.
        .filter(|(m, _)| !project.is_asset_only(*m))
        .flat_map(move |(m, module)| {
            let ambient = ambient.clone();
            module
                .facts
                .imports
                .iter()
                .zip(&module.resolutions)
                .filter_map(move |(import, resolution)| {
                    let Resolution::Package {
                        name,
                        declared: None,
                        ..
                    } = resolution
                    else {
                        return None;
                    };
                    // No registry package can be named so (a leading `_` or `.`), and the tree
                    // types it with an ambient declaration: nothing to install.
                    let placeholder = name.starts_with(['_', '.'])
                        && ambient.contains(strip_query(&import.specifier));
                    if placeholder {
                        return None;
                    }
                    let types_only = import.kind == ImportKind::TypeOnly
                        && (name.starts_with("@types/") || types_declared(project, module, name));
                    let dir = module.file.path.parent().unwrap_or(&project.root);
                    // Nuxt serves `vue-router`, `h3`, … to its app from its own dependencies.
                    let served = crate::toolchain::bundler::served_by_framework(
                        &import.specifier,
                        dir,
                        &project.root,
                        &project.manifests,
                    )
                    .is_some()
                        // `npm --prefix .github/scripts install x` in a workflow, then the script.
                        || project.toolchain.workflow_installed(name, dir);
                    // `try { require('x') } catch {}`: an optional dependency, absent by design;
                    // a UMD wrapper's CommonJS branch in a bundle the browser loads.
                    if types_only || served || project.copes_without(m, import) {
                        return None;
                    }
                    Some((module, import, types_package(project, import, name, dir)))
                })
        })
}

/// A specifier without its `?query` (`__CSS__?url`).
fn strip_query(specifier: &str) -> &str {
    specifier
        .split_once('?')
        .map_or(specifier, |(path, _)| path)
}

/// The package a type-only import of an undeclared `name` really needs: `@types/x` when only
/// that is installed (`import type { MDXComponents } from 'mdx/types'` is `@types/mdx`), so a
/// hoisted `@types` package is a phantom, not a missing one.
fn types_package<'a>(
    project: &Project,
    import: &Import,
    name: &'a str,
    dir: &std::path::Path,
) -> std::borrow::Cow<'a, str> {
    let installs = &project.toolchain.installs;
    if import.kind != ImportKind::TypeOnly
        || name.starts_with("@types/")
        || installs.phantom(name, dir, &project.manifests).is_some()
        || installs
            .installed_elsewhere(name, dir, &project.manifests)
            .is_some()
    {
        return std::borrow::Cow::Borrowed(name);
    }
    let types = types_name(name);
    if installs.phantom(&types, dir, &project.manifests).is_some() {
        std::borrow::Cow::Owned(types)
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

fn types_name(name: &str) -> String {
    match name.strip_prefix('@') {
        Some(scoped) => format!("@types/{}", scoped.replacen('/', "__", 1)),
        None => format!("@types/{name}"),
    }
}

/// Whether `@types/x` (`@types/scope__x` for `@scope/x`) is declared for the module: a
/// type-only import of `x` needs only its declarations, which TypeScript erases.
fn types_declared(project: &Project, module: &Module, name: &str) -> bool {
    let types = types_name(name);
    let dir = module.file.path.parent().unwrap_or(&project.root);
    project
        .manifests
        .declaration(&types, dir, &project.root)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn undeclared_aws_sdk_import_is_reported() {
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"dependencies":{"hono":"^4"}}"#),
                (
                    "src/services/s3.js",
                    "import { S3Client } from '@aws-sdk/client-s3';\nimport { Hono } from 'hono';\nimport fs from 'node:fs';\nimport path from 'path';\n",
                ),
            ],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].package.as_deref(), Some("@aws-sdk/client-s3"));
        assert!(findings[0].message.contains("package.json"));
    }

    #[test]
    fn workspace_packages_and_parent_manifests_count_as_declared() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"name":"mono","workspaces":["packages/*"],"devDependencies":{"zod":"^3"}}"#,
                ),
                ("packages/shared/package.json", r#"{"name":"@acme/shared"}"#),
                (
                    "packages/api/package.json",
                    r#"{"name":"@acme/api","dependencies":{"hono":"^4"}}"#,
                ),
                (
                    "packages/api/src/index.ts",
                    "import { Hono } from 'hono';\nimport { z } from 'zod';\nimport { x } from '@acme/shared';\nimport type { Y } from '@types/node';\n",
                ),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn an_import_map_a_test_script_names_serves_names_nothing_else_provides() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"name":"server","scripts":{"test":"deno test -A --import-map=test.importmap.json"},"dependencies":{"@acme/db":"1"}}"#,
                ),
                (
                    "test.importmap.json",
                    r#"{"imports":{"@acme/db":"./src/db.mock.ts","@acme/db-real":"./src/db.ts"}}"#,
                ),
                ("src/db.ts", "export const query = () => [];\n"),
                (
                    "src/db.mock.ts",
                    "export { query } from '@acme/db-real';\nimport { x } from 'not-mapped';\n",
                ),
            ],
        );
        let packages: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.package.as_deref())
            .collect();
        assert_eq!(packages, ["not-mapped"], "{findings:?}");
    }

    #[test]
    fn a_type_only_import_is_served_by_its_types_package_but_a_value_import_is_not() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"devDependencies":{"@types/express":"^4","@types/har-format":"^1"}}"#,
                ),
                (
                    "src/app.ts",
                    "import type { Request } from 'express';\nimport * as Har from 'har-format';\nexport const f = (r: Request, h: Har.Entry) => r;\n",
                ),
                (
                    "src/server.ts",
                    "import express from 'express';\nexpress();\n",
                ),
            ],
        );
        let files: Vec<&str> = findings.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(files, vec!["src/server.ts"], "{findings:?}");
    }
}
