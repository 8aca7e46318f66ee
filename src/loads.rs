//! Files loaded without a literal import: directory loaders, computed `require()`/`import()`
//! specifiers, paths written as strings (in code, or in a JSON file the code reads), and the
//! TypeScript source beside its compiled `.js`. Each becomes a load edge (loader → loaded
//! file) that the reachability search follows like an import.
//!
//! The aim is to never call a file dead when the code names it by path: every mechanism here
//! over-approximates (a computed `require('./' + name)` covers the whole directory).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::facts::DirectoryLoadKind;
use crate::graph::LoadEdge;
use crate::project::Project;
use crate::resolve::{Resolution, normalize};

/// JSON files larger than this are data, not configuration: their strings are not read.
const MAX_JSON_BYTES: u64 = 256 * 1024;

/// Rank of edges from path strings and JSON files, and from a `.js` to its `.ts` source.
const PATH_RANK: u8 = 2;

/// Every load edge, sorted by (from, to), one per pair: (loads that run the file, files
/// only named by a path string or sources of compiled files).
pub fn load_edges(project: &Project) -> (Vec<LoadEdge>, Vec<LoadEdge>) {
    let mut edges: Vec<(u8, LoadEdge)> = Vec::new();
    let mut json_referrers: BTreeMap<PathBuf, Vec<(usize, u32)>> = BTreeMap::new();
    for (m, module) in project.modules.iter().enumerate() {
        let dir = module.file.path.parent().unwrap_or(&project.root);
        let package_dir = package_dir(project, dir);
        directory_loads(project, m, dir, &package_dir, &mut edges);
        // `path.join(__dirname, 'config', 'overrides.json')` names a JSON file too.
        for load in &module.facts.directory_loads {
            let base = normalize(&dir.join(&load.pattern));
            if load.kind == DirectoryLoadKind::PathReference
                && is_json(&base)
                && project.discovery.data_files.binary_search(&base).is_ok()
            {
                json_referrers
                    .entry(base)
                    .or_default()
                    .push((m, load.span.line));
            }
        }
        for string in &module.facts.path_strings {
            for base in [dir.join(&string.value), package_dir.join(&string.value)] {
                let base = normalize(&base);
                if is_json(&base) && project.discovery.data_files.binary_search(&base).is_ok() {
                    json_referrers
                        .entry(base)
                        .or_default()
                        .push((m, string.line));
                    continue;
                }
                if project.module_at(&base).is_none()
                    && let Some(to) = compiled_source(project, &base, &package_dir)
                    && to != m
                {
                    edges.push((
                        PATH_RANK,
                        LoadEdge {
                            from: m,
                            to,
                            line: string.line,
                        },
                    ));
                    continue;
                }
                path_edges(
                    project,
                    m,
                    &base,
                    dir,
                    &package_dir,
                    string.line,
                    &mut edges,
                );
            }
        }
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            if let Resolution::File { path } = resolution
                && is_json(path)
            {
                json_referrers
                    .entry(path.clone())
                    .or_default()
                    .push((m, import.span.line));
            }
        }
        typescript_source(project, m, &mut edges);
    }
    for (json, referrers) in &json_referrers {
        json_paths(project, json, referrers, &mut edges);
    }
    edges.sort_by_key(|(rank, e)| (e.from, e.to, *rank, e.line));
    edges.dedup_by_key(|(_, e)| (e.from, e.to));
    let (runs, named): (Vec<_>, Vec<_>) = edges.into_iter().partition(|(r, _)| *r < PATH_RANK);
    (
        runs.into_iter().map(|(_, e)| e).collect(),
        named.into_iter().map(|(_, e)| e).collect(),
    )
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// The directory of the nearest `package.json` (the root when there is none).
fn package_dir(project: &Project, dir: &Path) -> PathBuf {
    project
        .manifests
        .nearest(dir, &project.root)
        .and_then(|p| p.path.parent())
        .unwrap_or(&project.root)
        .to_path_buf()
}

/// The modules under `dir`: contiguous, since modules are sorted by relative path.
fn modules_under(project: &Project, dir: &Path) -> Range<usize> {
    if dir == project.root {
        return 0..project.modules.len();
    }
    if !dir.starts_with(&project.root) {
        return 0..0;
    }
    let prefix = format!("{}/", project.relative(dir));
    let start = project
        .modules
        .partition_point(|m| m.file.rel.as_str() < prefix.as_str());
    let len = project.modules[start..]
        .iter()
        .take_while(|m| m.file.rel.starts_with(&prefix))
        .count();
    start..start + len
}

/// Readdir, glob, autoload, `path.join(__dirname, 'x')` and computed-import loaders.
fn directory_loads(
    project: &Project,
    m: usize,
    dir: &Path,
    package_dir: &Path,
    edges: &mut Vec<(u8, LoadEdge)>,
) {
    let module = &project.modules[m];
    // `readdirSync` counts only as a loader when the file also imports by a computed name.
    let computed_import = module.facts.imports.iter().any(|i| !i.analysable);
    for load in &module.facts.directory_loads {
        if load.kind == DirectoryLoadKind::Readdir && !computed_import {
            continue;
        }
        let pattern = &load.pattern;
        let base: PathBuf = match pattern.strip_prefix("{cwd}") {
            _ if load.kind == DirectoryLoadKind::RouteModule => {
                app_directory(project, dir, package_dir).join(pattern)
            }
            Some(rest) => package_dir.join(rest.trim_start_matches('/')),
            None if load.kind == DirectoryLoadKind::Glob && pattern.starts_with('/') => {
                package_dir.join(pattern.trim_start_matches('/'))
            }
            None => dir.join(pattern),
        };
        let base = normalize(&base);
        let base_text = base.to_string_lossy();
        let is_glob = load.kind == DirectoryLoadKind::Glob || base_text.contains('*');
        // The directory part before the first wildcard bounds the files to test.
        let fixed = match base_text.find('*') {
            Some(i) => Path::new(&base_text[..i])
                .parent()
                .map_or_else(|| base.clone(), Path::to_path_buf),
            None => base.clone(),
        };
        let matcher = if is_glob {
            // Bundlers' context modules and `path.join(dir, name)` may reach subdirectories:
            // only `import.meta.glob` keeps `*` inside one directory.
            globset::GlobBuilder::new(&base_text)
                .literal_separator(load.kind == DirectoryLoadKind::Glob)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        } else {
            None
        };
        if is_glob && matcher.is_none() {
            continue;
        }
        // A named directory is a weaker signal than the loader call itself; a build's output
        // directory is written, not run: its files are only named.
        let rank = match load.kind {
            DirectoryLoadKind::PathReference => 1,
            DirectoryLoadKind::OutputPath => PATH_RANK,
            _ => 0,
        };
        let mut targets: Vec<usize> = modules_under(project, &fixed).collect();
        if !is_glob && let Some(file) = project.module_at(&base) {
            targets.push(file);
        }
        for to in targets {
            let covered = match &matcher {
                Some(glob) => glob.is_match(&project.modules[to].file.path),
                None => true,
            };
            if covered && to != m {
                edges.push((
                    rank,
                    LoadEdge {
                        from: m,
                        to,
                        line: load.span.line,
                    },
                ));
            }
        }
    }
}

/// The app directory of a React Router project whose route config lies in `dir`: the
/// nearest folder up to the package's that holds the root route (`root.tsx`), else the
/// package's `app/`, else `dir`.
fn app_directory(project: &Project, dir: &Path, package_dir: &Path) -> PathBuf {
    const ROOTS: &[&str] = &["root.tsx", "root.jsx", "root.ts", "root.js"];
    let holds_root = |d: &Path| {
        ROOTS
            .iter()
            .any(|r| project.module_at(&d.join(r)).is_some())
    };
    let found = dir
        .ancestors()
        .take_while(|d| d.starts_with(package_dir))
        .find(|d| holds_root(d));
    match found {
        Some(d) => d.to_path_buf(),
        None if holds_root(&package_dir.join("app")) => package_dir.join("app"),
        None => dir.to_path_buf(),
    }
}

/// A path into the package's compiled output (`build/workers/tasks/argon2i.js`, handed to a
/// worker pool) names the source it is compiled from: `src/workers/tasks/argon2i.ts`.
fn compiled_source(project: &Project, base: &Path, package_dir: &Path) -> Option<usize> {
    const OUT_DIRS: &[&str] = &["build", "dist", "lib", "out"];
    const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];
    let inner = base.strip_prefix(package_dir).ok()?;
    let mut parts = inner.components();
    let first = parts.next()?.as_os_str().to_str()?;
    if !OUT_DIRS.contains(&first) {
        return None;
    }
    let rest = parts.as_path().to_str()?;
    let stem = rest
        .strip_suffix(".js")
        .or_else(|| rest.strip_suffix(".mjs"))
        .or_else(|| rest.strip_suffix(".cjs"))?;
    let stem = stem.strip_prefix("src/").unwrap_or(stem);
    ["src/", ""].iter().find_map(|source_dir| {
        SOURCE_EXTENSIONS.iter().find_map(|ext| {
            project.module_at(&package_dir.join(format!("{source_dir}{stem}.{ext}")))
        })
    })
}

/// A path written as a string: the module it names, or every module under the directory it
/// names — unless that directory holds the referring file (`'core/'` from inside `core/`
/// names a tree, not something loaded) or is the package itself.
fn path_edges(
    project: &Project,
    from: usize,
    base: &Path,
    referrer_dir: &Path,
    package_dir: &Path,
    line: u32,
    edges: &mut Vec<(u8, LoadEdge)>,
) {
    if let Some(to) = project.module_at(base) {
        if to != from {
            edges.push((PATH_RANK, LoadEdge { from, to, line }));
        }
        return;
    }
    if referrer_dir.starts_with(base) || package_dir.starts_with(base) {
        return;
    }
    for to in modules_under(project, base) {
        if to != from {
            edges.push((PATH_RANK, LoadEdge { from, to, line }));
        }
    }
}

/// A JSON file the code reads (`require('./paths.json')`, `path.join(__dirname,
/// 'overrides.json')`): each string value naming a file or directory of the package counts
/// as loaded by the code that reads the JSON.
fn json_paths(
    project: &Project,
    json: &Path,
    referrers: &[(usize, u32)],
    edges: &mut Vec<(u8, LoadEdge)>,
) {
    let too_big = crate::access::metadata(json).map_or(true, |m| m.len() > MAX_JSON_BYTES);
    if too_big {
        return;
    }
    let Ok(text) = crate::discover::read_in_tree(&project.root, json, MAX_JSON_BYTES) else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return;
    };
    let mut strings = Vec::new();
    json_strings(&value, &mut strings);
    let json_dir = json.parent().unwrap_or(&project.root);
    let package_dir = package_dir(project, json_dir);
    for string in strings {
        if !looks_like_path(string) {
            continue;
        }
        for base in [json_dir.join(string), package_dir.join(string)] {
            let base = normalize(&base);
            for &(from, line) in referrers {
                path_edges(project, from, &base, json_dir, &package_dir, line, edges);
            }
        }
    }
}

fn json_strings<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// The same test the parser applies to string literals: relative, no wildcards or spaces,
/// with a `/` or a source/JSON extension.
fn looks_like_path(value: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json",
    ];
    let trimmed = value.trim_end_matches('/');
    !trimmed.is_empty()
        && trimmed != "."
        && trimmed != ".."
        && value.len() <= 200
        && !value.starts_with(['/', '@', '#', '~'])
        && !value.contains("://")
        && !value.contains(char::is_whitespace)
        && !value.contains(['*', '$', '{', '?', ':', '<', '>', '|', '"', '\\', ','])
        && (value.contains('/') || EXTENSIONS.iter().any(|e| value.ends_with(e)))
}

/// `X.ts` compiled in place to `X.js`: code imports the `.js`, and the `.ts` is its source.
fn typescript_source(project: &Project, m: usize, edges: &mut Vec<(u8, LoadEdge)>) {
    let rel = &project.modules[m].file.rel;
    if rel.ends_with(".d.ts") {
        return;
    }
    let Some((stem, ext)) = rel.rsplit_once('.') else {
        return;
    };
    if !matches!(ext, "ts" | "tsx" | "mts" | "cts") {
        return;
    }
    for js in ["js", "jsx", "mjs", "cjs"] {
        if let Some(from) = project.module_by_rel(&format!("{stem}.{js}")) {
            edges.push((
                PATH_RANK,
                LoadEdge {
                    from,
                    to: m,
                    line: 0,
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_strings_are_relative_paths_with_a_slash_or_an_extension() {
        assert!(looks_like_path("core/server/data/migrations"));
        assert!(looks_like_path("overrides.json"));
        assert!(looks_like_path("./jobs/clean.js"));
        assert!(!looks_like_path("paths:migrationPath"));
        assert!(!looks_like_path("https://example.com/a.js"));
        assert!(!looks_like_path("@scope/pkg"));
        assert!(!looks_like_path("hello world/x"));
        assert!(!looks_like_path("./"));
    }
}
