//! `unreachable-file`: a source file that no entry point reaches.

use super::Rule;
use crate::facts::Span;
use crate::file_role::FileRole;
use crate::finding::{Finding, Severity};
use crate::graph::Reach;
use crate::project::Project;
use crate::routes::RouteStatus;

/// The rule.
pub const RULE: Rule = Rule {
    name: "unreachable-file",
    default_severity: Severity::Warning,
    summary: "no entry point reaches the file (info when only tests reach it)",
    docs: DOCS,
    check,
};

const DOCS: &str = "\
## What it does
Follows imports (and directory loaders) from every entry point: `package.json` `main`,
`module`, `bin`, `exports` (and a preconstruct package's `preconstruct.entrypoints`, which its
flat `dist` exports do not name; not the subpath patterns of an unpublished package, private or
without a `version`, that nothing in the tree depends on), files run by `scripts` (`node`, `tsx`, `ts-node`, `nodemon`,
`bun`, `deno run`, `pm2 start`), Dockerfile `CMD`/`ENTRYPOINT`, Procfile, PM2 ecosystem
files, Nx `project.json` targets (`options.main`, `browser`, `polyfills`, `fileReplacements`),
React Router route configs, framework conventions (Next.js, Remix, SvelteKit, Nuxt, Astro,
Vite `index.html`), tests and configs (`*.config.*`, `.storybook/`, a package's `.config/`),
and `--entry FILE`. A production source file nothing reaches is reported.
A file reached only from tests gets `info` (\"reached only from tests\"). Route files already
reported by `unmounted-route` are not reported again, and nothing is reported for a package
in which no production entry was found, nor for the files of a scaffold template (a directory a
package script copies as files, that the package's tsconfig excludes and that holds a tsconfig
of its own: the project a CLI like `create-app` writes, not code the package runs).

## Why is this bad
Dead files are deployed, audited and maintained for nothing, and a dead file synced from
production can become live later: its own broken imports are still reported by the other
rules.

## Examples
Reported: `src/workers/cdr.js` when no script, Dockerfile or Procfile runs it and nothing
imports it. Fix: add the script that runs it (`\"worker\": \"node src/workers/cdr.js\"`), pass
`--entry src/workers/cdr.js`, or delete it.
";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let points = project.entry_points();
    if !points.has_production_entries() {
        return;
    }
    // Only packages with a production entry are judged: a tooling package with no entry
    // would otherwise be all unreachable.
    let package_of = |module: usize| {
        let path = &project.modules[module].file.path;
        path.parent()
            .and_then(|dir| project.manifests.nearest(dir, &project.root))
            .map(|m| m.path.clone())
    };
    let judged: std::collections::BTreeSet<_> = points
        .entries
        .iter()
        .filter(|e| {
            e.kind == crate::entries::EntryKind::Production
                && e.source != crate::entries::MDX_DOCUMENT
        })
        .map(|e| package_of(e.file))
        .collect();
    let routes = project.route_table();
    // Tool configuration read by name (`loggingrc.js`) is run by its tool, and a suite a
    // test runner discovers by its name (`*.eval.ts`) is a test file.
    let config_entries: std::collections::BTreeSet<usize> = points
        .entries
        .iter()
        .filter(|e| {
            e.kind == crate::entries::EntryKind::Config || e.source == crate::entries::EVAL_SUITE
        })
        .map(|e| e.file)
        .collect();
    for (i, module) in project.modules.iter().enumerate() {
        if module.role != FileRole::Production
            || module.file.rel.ends_with(".d.ts")
            || !judged.contains(&package_of(i))
        {
            continue;
        }
        // A scaffold template (and each project inside one) is shipped as files for the
        // projects a CLI creates, not run.
        if is_compiled_output(module)
            || is_served_asset(module)
            || project.toolchain.templates.holds(&module.file.path)
            || project.manifests.template_holding(&module.file.path).is_some()
            || config_entries.contains(&i)
            // Codemod fixtures that no code imports: data its tests read as text.
            || ((crate::file_role::fixture_name(&module.file.rel).is_some()
                || crate::file_role::in_testfixtures_dir(&module.file.rel))
                && project.is_asset_only(i))
            || points.reachability.is_loaded_by_path(i)
        {
            continue;
        }
        let (severity, message, help) = match project.reach(i) {
            Reach::Production => continue,
            Reach::TestOnly => (
                Severity::Info,
                "file is reached only from tests: no production entry imports it",
                "delete it with its tests if the feature is gone, or import it from production code",
            ),
            Reach::Unreachable => (
                RULE.default_severity,
                "no entry point reaches this file: nothing runs or imports it",
                "delete it, import it, or name the process that runs it (a package.json script or `--entry`)",
            ),
        };
        if routes.get(i).is_some_and(|r| {
            r.status != RouteStatus::Mounted && r.status != RouteStatus::DirectoryLoaded
        }) {
            continue;
        }
        let span = Span {
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        };
        findings.push(
            Finding::new(RULE.name, severity, &module.file.rel, span, message).with_help(help),
        );
    }
}

/// A file under `public/` or `static/` is served by URL as it is (a browser script, a
/// service worker, an embed snippet): nothing in the tree has to import it.
fn is_served_asset(module: &crate::project::Module) -> bool {
    module
        .file
        .rel
        .split('/')
        .rev()
        .skip(1)
        .any(|d| d == "public" || d == "static")
}

/// Compiled or bundled output (a `sourceMappingURL` comment, or a file under `built/`,
/// `dist/` or `build/`) is not source: what runs it is the build, not an import.
fn is_compiled_output(module: &crate::project::Module) -> bool {
    module.facts.compiled
        || module
            .file
            .rel
            .split('/')
            .rev()
            .skip(1)
            .any(|d| matches!(d, "built" | "dist" | "build"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::run_rule;

    #[test]
    fn files_reached_from_the_start_script_pass_and_a_lone_worker_is_reported() {
        let findings = run_rule(
            &RULE,
            &[
                (
                    "package.json",
                    r#"{"type":"module","scripts":{"start":"node src/index.js"}}"#,
                ),
                (
                    "src/index.js",
                    "import { query } from './db/connection.js';\nquery();\n",
                ),
                ("src/db/connection.js", "export function query() {}\n"),
                (
                    "src/workers/cdr.js",
                    "import { query } from '../db/connection.js';\n",
                ),
                ("src/types.d.ts", "export type Id = string;\n"),
            ],
        );
        let files: Vec<(&str, Severity)> = findings
            .iter()
            .map(|f| (f.file.as_str(), f.severity))
            .collect();
        assert_eq!(files, vec![("src/workers/cdr.js", Severity::Warning)]);
    }

    #[test]
    fn a_file_reached_only_from_tests_is_info() {
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"type":"module","main":"src/index.js"}"#),
                ("src/index.js", "console.log('up');\n"),
                ("src/legacy/pricing.js", "export const price = 1;\n"),
                (
                    "src/legacy/pricing.test.js",
                    "import { price } from './pricing.js';\n",
                ),
            ],
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].file, "src/legacy/pricing.js");
        assert_eq!(findings[0].severity, Severity::Info);
    }

    #[test]
    fn nothing_is_reported_without_a_production_entry() {
        let findings = run_rule(
            &RULE,
            &[
                ("package.json", r#"{"name":"tools","exports":{}}"#),
                ("scripts/a.js", "export const a = 1;\n"),
            ],
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    fn unreachable(files: &[(&str, &str)]) -> Vec<String> {
        run_rule(&RULE, files)
            .into_iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| f.file)
            .collect()
    }

    const CJS_MAIN: (&str, &str) = ("package.json", r#"{"main":"index.js"}"#);

    #[test]
    fn a_computed_require_covers_its_directory_and_a_dead_file_elsewhere_is_still_reported() {
        let files = unreachable(&[
            CJS_MAIN,
            ("index.js", "require('./models').init();\n"),
            (
                "models/index.js",
                "const glob = require('glob');\nexports.init = () => {\n  for (const f of glob.sync('!(index).js', {cwd: __dirname})) {\n    Object.assign(exports, require('./' + f.replace(/.js$/, '')));\n  }\n};\n",
            ),
            ("models/post.js", "exports.Post = {};\n"),
            ("models/relations/authors.js", "exports.authors = {};\n"),
            ("lib/old.js", "exports.old = 1;\n"),
        ]);
        assert_eq!(files, vec!["lib/old.js".to_string()]);
    }

    #[test]
    fn a_template_require_covers_only_the_files_its_pattern_matches() {
        let files = unreachable(&[
            CJS_MAIN,
            (
                "index.js",
                "const name = process.argv[2];\nmodule.exports = require(`./templates/${name}.txt.js`);\n",
            ),
            ("templates/welcome.txt.js", "module.exports = () => 'hi';\n"),
            ("templates/unused.js", "module.exports = 1;\n"),
        ]);
        assert_eq!(files, vec!["templates/unused.js".to_string()]);
    }

    #[test]
    fn directories_named_in_a_json_file_the_code_reads_are_loaded_by_path() {
        let files = unreachable(&[
            CJS_MAIN,
            (
                "index.js",
                "const path = require('path');\nconst nconf = require('nconf');\nnconf.file(path.join(__dirname, 'config', 'overrides.json'));\n",
            ),
            (
                "config/overrides.json",
                r#"{"paths": {"migrationPath": "db/migrations", "appRoot": "."}}"#,
            ),
            (
                "db/migrations/init/1-create.js",
                "const fixtures = require('../../fixtures');\nmodule.exports = () => fixtures;\n",
            ),
            ("db/fixtures/index.js", "module.exports = [];\n"),
            ("db/seed.js", "module.exports = 1;\n"),
        ]);
        // `appRoot: "."` names the package, not a loaded directory.
        assert_eq!(files, vec!["db/seed.js".to_string()]);
    }

    #[test]
    fn paths_built_from_dirname_name_their_files_and_directories() {
        let files = unreachable(&[
            CJS_MAIN,
            (
                "index.js",
                "const path = require('path');\nconst jobs = require('./jobs-service');\njobs.add({ job: require('path').resolve(__dirname, 'clean-tokens.js') });\njobs.add({ job: path.resolve(__dirname, 'jobs', `${process.argv[2]}.js`) });\n",
            ),
            ("jobs-service.js", "exports.add = () => {};\n"),
            ("clean-tokens.js", "module.exports = 1;\n"),
            ("jobs/say-hello.js", "module.exports = 1;\n"),
            ("other/dead.js", "module.exports = 1;\n"),
        ]);
        assert_eq!(files, vec!["other/dead.js".to_string()]);
    }

    #[test]
    fn typescript_sources_of_compiled_files_tool_configs_and_bundles_are_not_dead() {
        let files = unreachable(&[
            (
                "package.json",
                r#"{"main":"index.js","scripts":{"reset":"cd scripts/db && node reset.js"}}"#,
            ),
            ("index.js", "require('./events');\n"),
            ("events.js", "exports.A = class {};\n"),
            ("events.ts", "export class A {}\n"),
            ("loggingrc.js", "module.exports = { level: 'info' };\n"),
            (
                "public/app.bundle.js",
                "console.log(1);\n//# sourceMappingURL=app.bundle.js.map\n",
            ),
            ("scripts/db/reset.js", "console.log('reset');\n"),
            ("scripts/db/drop.js", "console.log('drop');\n"),
        ]);
        assert_eq!(files, vec!["scripts/db/drop.js".to_string()]);
    }

    #[test]
    fn a_readdir_loader_next_to_import_meta_url_covers_its_directory() {
        let files = unreachable(&[
            ("package.json", r#"{"type":"module","main":"src/index.js"}"#),
            (
                "src/index.js",
                "import { banks } from './factory.js';\nconsole.log(banks);\n",
            ),
            (
                "src/factory.js",
                "import fs from 'node:fs';\nimport path from 'node:path';\nimport { fileURLToPath, pathToFileURL } from 'node:url';\nconst dirname = path.resolve(fileURLToPath(import.meta.url), '..');\nconst banksDir = path.resolve(dirname, 'banks');\nexport const banks = await Promise.all(fs.readdirSync(banksDir).map((f) => import(pathToFileURL(path.resolve(banksDir, f)).toString())));\n",
            ),
            ("src/banks/ing_ingddeff.js", "export default {};\n"),
            ("src/unused.js", "export default {};\n"),
        ]);
        assert_eq!(files, vec!["src/unused.js".to_string()]);
    }
}
