//! Files the build loads as assets (a URL or the raw text), not as modules: matched by an
//! `import.meta.glob(…, { query: '?url' | '?raw' })`, or imported only with a `?url`/`?raw`
//! query, and imported by no module that is code. Vite never resolves their imports: they
//! are snippets a page shows or a REPL compiles (tutorial exercises, examples), so
//! `unresolved-import` and `unlisted-dependency` do not check them. Test data of a codemod
//! (`__testfixtures__/`, `<stem>.input.ts` next to `<stem>.output.ts`: sources its tests read as
//! text, and the lone inputs beside them) is the same, unless code imports it.

use std::collections::HashSet;
use std::path::Path;

use crate::project::Project;

/// Import queries that load a file as a URL or as text (`./worker.js?url`, `./a.svelte?raw`).
const ASSET_QUERIES: &[&str] = &["url", "raw"];

/// Per module: whether it is only ever loaded as an asset.
pub fn asset_only_modules(project: &Project) -> Vec<bool> {
    let count = project.modules.len();
    let mut globs = Vec::new();
    for module in &project.modules {
        let dir = module.file.path.parent().unwrap_or(&project.root);
        for pattern in &module.facts.asset_globs {
            let base = match pattern.strip_prefix('/') {
                // `/src/**` is relative to the project (the Vite root: the package directory).
                Some(rest) => package_dir(project, dir).join(rest),
                None => dir.join(pattern),
            };
            let base = crate::resolve::normalize(&base);
            if let Ok(glob) = globset::GlobBuilder::new(&base.to_string_lossy())
                .literal_separator(true)
                .build()
            {
                globs.push(glob);
            }
        }
    }
    let mut set = globset::GlobSetBuilder::new();
    for glob in globs {
        set.add(glob);
    }
    let set = set.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let fixtures = fixture_data(project);
    let mut asset: Vec<bool> = (0..count)
        .map(|m| {
            let path = &project.modules[m].file.path;
            if fixtures[m] {
                return true;
            }
            let mut importers = project.graph.importers_of(m).peekable();
            let only_asset_imports = importers.peek().is_some()
                && importers.all(|(from, edge)| {
                    let import = &project.modules[from].facts.imports[edge.import];
                    has_asset_query(&import.specifier)
                });
            (!set.is_empty() && set.is_match(path)) || only_asset_imports
        })
        .collect();
    // A file that code imports (without an asset query) is code, and so is what it imports.
    let mut changed = true;
    while changed {
        changed = false;
        for m in 0..count {
            if !asset[m] {
                continue;
            }
            let imported_as_code = project.graph.importers_of(m).any(|(from, edge)| {
                !asset[from]
                    && !has_asset_query(&project.modules[from].facts.imports[edge.import].specifier)
            });
            if imported_as_code {
                asset[m] = false;
                changed = true;
            }
        }
    }
    asset
}

/// Per module: whether it is test data by its path: in a test folder's `fixtures/` (see
/// [`in_test_fixtures`]), or codemod test data: under `__testfixtures__/`, or
/// named `<stem>.input.<ext>`/`<stem>.output.<ext>` in a directory that holds at least one
/// complete input/output pair (the lone inputs there are the cases the transform must leave
/// alone: `non-matching.input.ts`). Whether code imports it is decided by the caller.
fn fixture_data(project: &Project) -> Vec<bool> {
    use crate::file_role::{fixture_name, in_testfixtures_dir, is_fixture_pair};
    let pair_dirs: HashSet<&str> = project
        .modules
        .iter()
        .filter(|m| is_fixture_pair(&m.file.rel, |r| project.module_by_rel(r).is_some()))
        .filter_map(|m| fixture_name(&m.file.rel).map(|(dir, _, _)| dir))
        .collect();
    project
        .modules
        .iter()
        .map(|m| {
            in_testfixtures_dir(&m.file.rel)
                || fixture_name(&m.file.rel).is_some_and(|(dir, _, _)| pair_dirs.contains(dir))
                || in_test_fixtures(m)
                || project.manifests.template_holding(&m.file.path).is_some()
        })
        .collect()
}

/// Whether the module sits in a `fixtures/` (or `__fixtures__/`) folder of a test folder
/// (`test/fixtures/next-app/`, `src/__tests__/evals/fixtures/`): sample code or a sample project
/// a test reads as text or hands to the CLI under test, copied or in place. Its imports are the
/// sample's (often trimmed to what the test needs: no assets, no sibling modules), not code of
/// the tree. A fixture a test imports is code again (see the caller).
fn in_test_fixtures(module: &crate::project::Module) -> bool {
    let segments: Vec<&str> = module.file.rel.split('/').collect();
    let Some(test_at) = segments
        .iter()
        .position(|s| matches!(*s, "test" | "tests" | "__tests__" | "e2e"))
    else {
        return false;
    };
    segments[test_at + 1..segments.len() - 1]
        .iter()
        .any(|s| matches!(*s, "fixtures" | "__fixtures__"))
}

fn has_asset_query(specifier: &str) -> bool {
    specifier
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|q| ASSET_QUERIES.contains(&q)))
}

fn package_dir(project: &Project, dir: &Path) -> std::path::PathBuf {
    project
        .manifests
        .nearest(dir, &project.root)
        .and_then(|m| m.path.parent())
        .unwrap_or(&project.root)
        .to_path_buf()
}
