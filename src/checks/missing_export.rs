//! `missing-export`: a named import or re-export that the target module does not export.

use std::collections::BTreeSet;
use std::path::Path;

use rayon::prelude::*;

use super::Rule;
use crate::exports::{ExportIndex, ExportSet, Lookup, Target};
use crate::facts::ImportKind;
use crate::finding::{Finding, Severity};
use crate::project::{Module, Project};
use crate::resolve::Resolution;

/// The rule.
pub const RULE: Rule = Rule {
    name: "missing-export",
    default_severity: Severity::Error,
    summary: "named import / re-export not exported by the target (ESM, CommonJS, star re-export chains; packages when installed)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Checks every named import (`import { a }`, `import x` for `default`, `export { a } from`,
`const { a } = require()`, `require('x').a`, `const { a } = await import()`) against what the
target exports: its own declarations, `export *` chains (which never carry `default`),
CommonJS `module.exports = { … }` / `exports.a` / `Object.defineProperty(exports, 'a', …)`,
compiled re-export helpers (`__exportStar`, Babel's `Object.keys(_x).forEach`), and installed
packages (their `.d.ts` first, then their runtime entry). A JavaScript file importing a name
that exists only as a TypeScript type is reported too: it does not exist at run time.

`import x` finds a default in a CommonJS module (Node gives `module.exports`), and in a file that
mixes `import` statements with `module.exports = …` (a Tailwind config): only an interop loader
(jiti, Babel, ts-node) runs such a file, and each makes `module.exports` the default. A file
with ESM `export` statements has a default only if it exports one.

`import x` of a declaration file (`.d.ts`) without `export default` is fine where the
importer's tsconfig allows synthetic defaults (`allowSyntheticDefaultImports`, implied by
`esModuleInterop`, `module: node16`…`nodenext`/`preserve`/`system` or `moduleResolution:
bundler`, through `extends`): tsc then takes the declaration for a CommonJS module, as for
a hand-written `src/types/fbgraph.d.ts` describing an untyped package, and at run time the
default is `module.exports`. Not when the declaration exports `__esModule`, when an ES module
imports an ES-module-format declaration under `node16`…`nodenext`, or when the JavaScript it
describes sits beside it and is an ES module without a default. A `.ts` source never has one.

When a shape cannot be known (`module.exports = factory()`, `export =`, `export *` from
something unresolved) nothing is reported for it and it is counted in the summary
(`unanalysable export shapes`); packages missing from `node_modules` are counted as
`packages not installed`. In retired code (see `unresolved-import`: a file no entry runs that
sits in an archive folder, or only lists imports it never uses) a missing name is a warning.

## Why is this bad
Node refuses to start: `SyntaxError: The requested module 'hono' does not provide an export
named 'Router'`. With `require` it is worse: `const { summarize } = require('../lib/cdr')`
gives `undefined` and fails later, far from the cause.

## Examples
Wrong (hono exports `Hono`):
    import { Router } from 'hono';
Right:
    import { Hono } from 'hono';
";

/// Summary key: targets whose export shape cannot be known statically.
pub const UNANALYSABLE_EXPORT_SHAPES: &str = "unanalysable_export_shapes";
/// Summary key: imported packages absent from `node_modules`.
pub const PACKAGES_NOT_INSTALLED: &str = "packages_not_installed";

/// What one module's imports contributed.
#[derive(Default)]
struct Outcome {
    findings: Vec<Finding>,
    unknown: BTreeSet<String>,
    not_installed: BTreeSet<String>,
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let index = ExportIndex::new(project);
    let outcomes: Vec<Outcome> = (0..project.modules.len())
        .into_par_iter()
        .map(|module| check_module(project, &index, module))
        .collect();
    let mut unknown = BTreeSet::new();
    let mut not_installed = BTreeSet::new();
    for outcome in outcomes {
        findings.extend(outcome.findings);
        unknown.extend(outcome.unknown);
        not_installed.extend(outcome.not_installed);
    }
    project.set_counter(UNANALYSABLE_EXPORT_SHAPES, unknown.len());
    project.set_counter(PACKAGES_NOT_INSTALLED, not_installed.len());
}

/// Whether import `i` of `module` names a build-output file by its path (`./dist/node/index.d.ts`)
/// that is not built, and was found only as the source it is built from: the output's shape is
/// what the build makes of that source (bundled declarations, a default-export wrapper), so a
/// name missing from the source proves nothing about the output.
fn names_unbuilt_output(project: &Project, module: usize, i: usize) -> bool {
    let m = &project.modules[module];
    let import = &m.facts.imports[i];
    let Some(Resolution::File { path }) = m.resolutions.get(i) else {
        return false;
    };
    if !import.specifier.starts_with('.') {
        return false;
    }
    let dir = m.file.path.parent().unwrap_or(&project.root);
    let specifier = import.specifier.split('?').next().unwrap_or("");
    let named = crate::resolve::normalize(&dir.join(specifier));
    let exists = |p: &std::path::Path| {
        project.module_at(p).is_some()
            || project
                .discovery
                .data_files
                .binary_search(&p.to_path_buf())
                .is_ok()
    };
    // Extension and index probing stay in the named directory; the output mapping does not.
    path.parent() != named.parent() && !exists(&named) && !crate::access::is_dir(&named)
}

fn check_module(project: &Project, index: &ExportIndex, module: usize) -> Outcome {
    let mut outcome = Outcome::default();
    let m = &project.modules[module];
    if project.is_asset_only(module) {
        // A snippet loaded as text or a URL: no build resolves its imports.
        return outcome;
    }
    // Only JavaScript keeps a value import of a type: TypeScript erases it.
    let importer_is_javascript = m.file.dialect == crate::discover::Dialect::JavaScript;
    for (i, import) in m.facts.imports.iter().enumerate() {
        if import.names.is_empty() || !import.analysable {
            continue;
        }
        let target = index.target_of(module, i);
        let unbuilt_output = names_unbuilt_output(project, module, i);
        for name in &import.names {
            let type_only = name.type_only || import.kind == ImportKind::TypeOnly;
            let lookup = if unbuilt_output {
                Lookup::Unknown
            } else {
                index.lookup(&target, &name.imported, import.kind, type_only)
            };
            match lookup {
                Lookup::Found => {}
                Lookup::Unknown => match &target {
                    Target::NotInstalled(package) => {
                        outcome.not_installed.insert(package.clone());
                    }
                    Target::File(path) => {
                        outcome.unknown.insert(project.relative(path));
                    }
                    Target::Package { name, .. } => {
                        outcome.unknown.insert(name.clone());
                    }
                    Target::Unknown(specifier) => {
                        outcome.unknown.insert(specifier.clone());
                    }
                    Target::Ignored => {}
                },
                Lookup::TypeOnly => {
                    // Packages' declarations may describe a value as a type; trust them only
                    // for names that are missing altogether.
                    if importer_is_javascript && matches!(target, Target::File(_)) {
                        outcome.findings.push(
                            Finding::new(
                                RULE.name,
                                RULE.default_severity,
                                &m.file.rel,
                                name.span,
                                format!(
                                    "`{}` is only a type in `{}`: it does not exist at run time",
                                    name.imported, import.specifier
                                ),
                            )
                            .with_help("import it with `import type`, or from the module that defines the value")
                            .with_specifier(&import.specifier)
                            .with_imported_name(&name.imported),
                        );
                    }
                }
                Lookup::Missing(_)
                    if name.imported == "default"
                        && node_esm_imports_commonjs(project, &m.file.path, &target) => {}
                Lookup::Missing(set)
                    if name.imported == "default"
                        && has_synthetic_default(project, m, &target, &set, import.kind) => {}
                Lookup::Missing(set) => {
                    let what = if name.imported == "default" {
                        "has no default export".to_string()
                    } else {
                        format!("does not export `{}`", name.imported)
                    };
                    let package = match &target {
                        Target::Package { name, .. } => Some(name.as_str()),
                        _ => None,
                    };
                    let mut finding = Finding::new(
                        RULE.name,
                        RULE.default_severity,
                        &m.file.rel,
                        name.span,
                        format!("`{}` {what}", import.specifier),
                    )
                    .with_help(help(&set, &name.imported, import.kind, package))
                    .with_specifier(&import.specifier)
                    .with_imported_name(&name.imported);
                    if let Some(Resolution::Package { name, .. }) = m.resolutions.get(i) {
                        finding = finding.with_package(name);
                    }
                    outcome.findings.push(finding);
                }
            }
        }
    }
    if !outcome.findings.is_empty() {
        let findings = std::mem::take(&mut outcome.findings);
        outcome.findings = findings
            .into_iter()
            .map(|f| super::unless_inert(project, module, f))
            .collect();
    }
    outcome
}

trait WithImportedName {
    fn with_imported_name(self, name: &str) -> Self;
}

impl WithImportedName for Finding {
    /// Sets `name`: the name as imported.
    fn with_imported_name(mut self, name: &str) -> Finding {
        self.name = Some(name.to_string());
        self
    }
}

/// Whether Node gives the importer `module.exports` as the default export: an ES module Node
/// runs (`.mts`/`.mjs`, e.g. a script run with tsx) importing a file in CommonJS format (`.cts`,
/// `.cjs`, or `.ts`/`.js` in a package without `"type": "module"`), whatever the file's syntax.
fn node_esm_imports_commonjs(project: &Project, importer: &Path, target: &Target) -> bool {
    let Target::File(path) = target else {
        return false;
    };
    let ext = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_string()
    };
    matches!(ext(importer).as_str(), "mts" | "mjs")
        && matches!(
            ext(path).as_str(),
            "cts" | "cjs" | "ts" | "tsx" | "js" | "jsx"
        )
        && !is_esm_format(project, path)
}

/// [`crate::manifest::Manifests::is_esm_file`], in this project.
fn is_esm_format(project: &Project, path: &Path) -> bool {
    project.manifests.is_esm_file(path, &project.root)
}

/// Whether tsc lets a default import take a declaration file (`.d.ts`) that has no `export
/// default` (checker `canHaveSyntheticDefault`). With `allowSyntheticDefaultImports` (see
/// [`crate::toolchain::tsconfig::ModuleInterop`]) it presumes the declaration describes a
/// CommonJS module, whatever syntax the declaration is written in (tsc makes no exception for
/// ESM `export` statements), unless it exports `__esModule`; under `module: node16`…`nodenext`
/// an ES module importing a declaration of ES module format gets none. At run time
/// `__importDefault(require(…))` (or Node's CommonJS interop) makes the default
/// `module.exports`. A `.ts` source never has one: tsc marks its output `__esModule`. Stricter
/// than tsc in one case: a declaration whose JavaScript sits beside it in the tree and is an ES
/// module without a default (tsc accepts the import; Node refuses it).
fn has_synthetic_default(
    project: &Project,
    importer: &Module,
    target: &Target,
    set: &ExportSet,
    kind: ImportKind,
) -> bool {
    let Target::File(path) = target else {
        return false;
    };
    if kind == ImportKind::Require
        || !crate::discover::is_type_declaration(path)
        || set.names.contains_key("__esModule")
    {
        return false;
    }
    let Some(interop) = importer
        .tsconfig
        .as_ref()
        .and_then(|t| project.toolchain.tsconfig_repairs.module_interop.get(t))
    else {
        return false;
    };
    if described_runtime_is_esm_without_default(project, path) {
        return false;
    }
    if interop.node_formats && is_esm_format(project, &importer.file.path) {
        return !is_esm_format(project, path);
    }
    interop.synthetic_defaults
}

/// Whether the JavaScript a declaration file describes (`x.js` beside `x.d.ts`, `x.mjs` beside
/// `x.d.mts`) is a module of the tree with ESM exports and no default among them.
fn described_runtime_is_esm_without_default(project: &Project, declaration: &Path) -> bool {
    let name = declaration.to_string_lossy();
    let runtime = [(".d.ts", ".js"), (".d.mts", ".mjs"), (".d.cts", ".cjs")]
        .iter()
        .find_map(|(types, js)| name.strip_suffix(types).map(|stem| format!("{stem}{js}")));
    let Some(module) = runtime.and_then(|r| project.module_at(Path::new(&r))) else {
        return false;
    };
    let exports = &project.modules[module].facts.exports;
    exports.esm_exports && !exports.commonjs && !exports.names.iter().any(|n| n.name == "default")
}

/// The closest exported name, or what the module exports when that is short.
fn help(set: &ExportSet, wanted: &str, kind: ImportKind, package: Option<&str>) -> String {
    let values: Vec<&str> = set
        .names
        .iter()
        .filter(|(n, value)| **value && n.as_str() != "default")
        .map(|(n, _)| n.as_str())
        .collect();
    let all: Vec<&str> = set
        .names
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "default")
        .collect();
    let wanted_lower = wanted.to_lowercase();
    let closest = all
        .iter()
        .map(|n| (strsim::levenshtein(&n.to_lowercase(), &wanted_lower), *n))
        .min();
    if let Some((distance, name)) = closest
        && distance <= (wanted.chars().count() / 3).max(1)
    {
        return format!("did you mean '{name}'?");
    }
    // `import { Router } from 'hono'`: its one value export, or the one named after the
    // package (`Hono`), is what was meant.
    if wanted != "default" {
        let package = package.map(|p| {
            p.rsplit('/')
                .next()
                .unwrap_or(p)
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        });
        if let Some(namesake) = values
            .iter()
            .find(|v| package.as_deref() == Some(v.to_lowercase().as_str()))
        {
            return format!("did you mean '{namesake}'?");
        }
        if values.len() == 1 {
            return format!("did you mean '{}'?", values[0]);
        }
    }
    let has_default =
        set.names.contains_key("default") || (set.implicit_default && kind != ImportKind::Require);
    if wanted == "default" && !all.is_empty() {
        let listed = list(&all).replace('\'', "");
        return format!("it has only named exports: import {{ {listed} }}");
    }
    if all.is_empty() {
        return if has_default {
            "it exports only a default: import it without braces".to_string()
        } else {
            "it exports nothing".to_string()
        };
    }
    // Values first: they are what a run-time import can use.
    let types = all.len() - values.len();
    let mut exported = if types > 0 && !values.is_empty() {
        format!(
            "{} and {types} type{}",
            list(&values),
            if types == 1 { "" } else { "s" }
        )
    } else {
        list(&all)
    };
    if has_default {
        exported.push_str(" and a default");
    }
    format!("it exports {exported}")
}

fn list(names: &[&str]) -> String {
    const SHOWN: usize = 6;
    let mut out: Vec<String> = names.iter().take(SHOWN).map(|n| format!("'{n}'")).collect();
    if names.len() > SHOWN {
        out.push(format!("… ({} names)", names.len()));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    fn missing(files: &[(&str, &str)]) -> Vec<(String, String)> {
        run_rule(&RULE, files)
            .into_iter()
            .map(|f| (f.file, f.name.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn named_import_of_a_name_the_module_lacks() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "src/routes/users.js",
                    "import { getUser, getUsers } from '../db/users.js';\n",
                ),
                ("src/db/users.js", "export function getUsers() {}\n"),
            ],
        );
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!((f.line, f.column), (1, 10));
        assert_eq!(f.name.as_deref(), Some("getUser"));
        assert_eq!(f.help.as_deref(), Some("did you mean 'getUsers'?"));
    }

    #[test]
    fn star_chains_do_not_carry_default_and_cycles_end() {
        let found = missing(&[
            (
                "src/app.js",
                "import { a, b } from './lib/index.js';\nimport lib from './lib/index.js';\n",
            ),
            (
                "src/lib/index.js",
                "export * from './a.js';\nexport * from './b.js';\n",
            ),
            (
                "src/lib/a.js",
                "export * from './index.js';\nexport const a = 1;\nexport default 1;\n",
            ),
            ("src/lib/b.js", "export const b = 2;\n"),
        ]);
        assert_eq!(found, [("src/app.js".to_string(), "default".to_string())]);
    }

    #[test]
    fn commonjs_rules_for_require_and_import() {
        let found = missing(&[
            (
                "src/app.js",
                "const { summarize, parse } = require('./lib/cdr');\nconst d = require('./lib/cdr').default;\n",
            ),
            (
                "src/app.mjs",
                "import cdr, { parse, nope } from './lib/cdr.js';\n",
            ),
            ("src/lib/cdr.js", "module.exports = { parse };\n"),
        ]);
        assert_eq!(
            found,
            [
                ("src/app.js".to_string(), "summarize".to_string()),
                ("src/app.js".to_string(), "default".to_string()),
                ("src/app.mjs".to_string(), "nope".to_string()),
            ]
        );
    }

    #[test]
    fn module_exports_is_the_default_of_a_file_that_also_imports_the_esm_way() {
        let found = missing(&[
            (
                "tailwind.config.js",
                "import base, { screens } from './base.config.js';\nimport fonts from './fonts.js';\nmodule.exports = { ...base, screens, fonts };\n",
            ),
            // Only jiti, Babel or ts-node load it, and each makes `module.exports` the default.
            (
                "base.config.js",
                "import plugin from 'tailwindcss/plugin';\nmodule.exports = { theme: {}, plugins: [plugin] };\n",
            ),
            // ESM exports: ESM rules, no implicit default.
            (
                "fonts.js",
                "import { Inter } from 'next/font/google';\nexport const inter = Inter();\n",
            ),
        ]);
        assert_eq!(
            found,
            [
                ("tailwind.config.js".to_string(), "screens".to_string()),
                ("tailwind.config.js".to_string(), "default".to_string()),
            ]
        );
    }

    #[test]
    fn a_declaration_of_javascript_beside_it_follows_that_javascript() {
        let found = missing(&[
            (
                "tsconfig.json",
                r#"{"compilerOptions":{"esModuleInterop":true}}"#,
            ),
            (
                "src/app.ts",
                "import format from './lib/format.js';\nimport legacy from './vendor/legacy.cjs';\n",
            ),
            // An ES module without a default: Node refuses the default import tsc accepts.
            (
                "src/lib/format.js",
                "export function fmt() { return ''; }\n",
            ),
            ("src/lib/format.d.ts", "export function fmt(): string;\n"),
            // CommonJS: its default is `module.exports`.
            ("src/vendor/legacy.cjs", "module.exports = { x: 1 };\n"),
            ("src/vendor/legacy.d.cts", "export const x: number;\n"),
        ]);
        assert_eq!(found, [("src/app.ts".to_string(), "default".to_string())]);
    }

    #[test]
    fn opaque_shapes_are_counted_not_reported() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("app.js"),
            "const { x } = require('./factory');\nimport { y } from 'not-installed';\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("factory.js"), "module.exports = make();\n").expect("write");
        let project = crate::project::analyse(&crate::project::AnalyseOptions {
            root: dir.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        })
        .expect("analyse");
        let mut findings = Vec::new();
        check(&project, &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        let counters = project.counters.lock().expect("lock").clone();
        assert_eq!(counters[UNANALYSABLE_EXPORT_SHAPES], 1);
        assert_eq!(counters[PACKAGES_NOT_INSTALLED], 1);
    }

    #[test]
    fn value_import_of_a_type_is_reported_only_from_javascript() {
        let found = missing(&[
            ("src/types.ts", "export interface User { id: string }\n"),
            ("src/a.js", "import { User } from './types.js';\n"),
            ("src/b.ts", "import { User } from './types.js';\n"),
        ]);
        assert_eq!(found, [("src/a.js".to_string(), "User".to_string())]);
    }

    #[test]
    fn help_names_the_only_value_or_the_package_namesake() {
        let mut set = ExportSet::default();
        set.names.insert("Hono".into(), true);
        set.names.insert("Context".into(), false);
        set.names.insert("Env".into(), false);
        assert_eq!(
            help(&set, "Router", ImportKind::Static, None),
            "did you mean 'Hono'?"
        );
        set.names.insert("Other".into(), true);
        assert_eq!(
            help(&set, "Router", ImportKind::Static, Some("hono")),
            "did you mean 'Hono'?"
        );
        assert_eq!(
            help(&set, "Router", ImportKind::Static, None),
            "it exports 'Hono', 'Other' and 2 types"
        );
    }
}
