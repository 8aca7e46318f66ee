//! Entry points: the files something runs directly (a start script, `main`, a Dockerfile
//! `CMD`, a framework's page convention, a test runner), and what they reach.
//!
//! Everything is read as data: `package.json`, Dockerfiles, Procfiles and PM2 ecosystem
//! files are scanned as text, never executed. Source files are not read again: frameworks'
//! conventions are judged from paths, directory loaders from the facts parse produced.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::discover::Dialect;
use crate::facts::ImportKind;
use crate::file_role::FileRole;
use crate::graph::{LoadEdge, Reach, Reachability};
use crate::project::Project;
use crate::resolve::normalize;

/// What kind of thing runs an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// The application itself: `main`, start scripts, Dockerfile, framework pages.
    Production,
    /// A maintainer script (`seed`, `build`, `dev`, a CI step, a Dockerfile `RUN`): run on a
    /// developer's machine or in CI, with devDependencies installed. Not production code.
    Script,
    /// A test file (`*.test.*`, `__tests__/`, …) or test setup.
    Test,
    /// Tool configuration (`*.config.*`).
    Config,
}

/// One entry point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Index into `Project::modules`.
    #[serde(skip)]
    pub file: usize,
    /// What makes it an entry: `package.json scripts.start`, `Dockerfile CMD`, `next app/ page`.
    pub source: String,
    /// Production, script, test or config.
    #[serde(skip)]
    pub kind: EntryKind,
    /// Not run by Node from `node_modules` as written: bundled (Vite, webpack, Next, tsup,
    /// esbuild, wrangler…, which inline their dependencies) or served to a browser.
    #[serde(skip)]
    pub bundled: bool,
    /// A private workspace package's `main`/`exports`: its code runs inside its importers,
    /// which decide whether Node runs it as written.
    #[serde(skip)]
    pub library: bool,
}

/// Entries with what they reach; computed once per project (see [`Project::entry_points`]).
#[derive(Debug, Clone, Default)]
pub struct EntryPoints {
    /// Every entry, sorted by file; one per file (the first reason found).
    pub entries: Vec<Entry>,
    /// Files loaded by directory loaders (also edges of the reachability search).
    pub loads: Vec<LoadEdge>,
    /// Files named by a path string (in code or a JSON file code reads): edges of the
    /// `by_path` search only.
    pub path_loads: Vec<LoadEdge>,
    /// What the entries reach.
    pub reachability: Reachability,
}

impl EntryPoints {
    /// Whether any production entry was found (without one, reachability says nothing).
    pub fn has_production_entries(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.kind == EntryKind::Production && e.source != MDX_DOCUMENT)
    }
}

impl Project {
    /// Entries and reachability, computed on first use and shared by every rule.
    pub fn entry_points(&self) -> &EntryPoints {
        self.entry_points_cache.get_or_init(|| {
            use crate::timings::stage;
            let entries = stage("entries", || detect_entries(self, &self.extra_entries));
            let (loads, path_loads) = stage("load edges", || crate::loads::load_edges(self));
            let reachability = stage("reachability", || {
                reachability(self, &entries, &loads, &path_loads)
            });
            EntryPoints {
                entries,
                loads,
                path_loads,
                reachability,
            }
        })
    }

    /// Whether `module` runs in production: reached from a production entry. When no
    /// production entry is detected at all, every production-role file counts (so rules
    /// that ask keep their path-based meaning rather than going silent).
    pub fn is_production_reachable(&self, module: usize) -> bool {
        let points = self.entry_points();
        if points.has_production_entries() {
            points.reachability.is_production_reachable(module)
        } else {
            self.modules
                .get(module)
                .is_some_and(|m| m.role == FileRole::Production)
        }
    }

    /// Production, test-only or unreachable.
    pub fn reach(&self, module: usize) -> Reach {
        self.entry_points().reachability.reach(module)
    }
}

/// What makes an entry one, with how it runs when that matters (`--show-entries`, `why`):
/// `index.html <script src> (loaded by the browser)`, `package.json scripts.seed (maintainer script)`.
pub fn describe(entry: &Entry) -> String {
    match (entry.kind, entry.bundled) {
        (EntryKind::Script, _) => format!("{} (maintainer script)", entry.source),
        (EntryKind::Production, true) if entry.source.ends_with("<script src>") => {
            format!("{} (loaded by the browser)", entry.source)
        }
        (EntryKind::Production, true) => format!("{} (bundled)", entry.source),
        (EntryKind::Production, _) if entry.library => {
            format!(
                "{} (workspace library: runs inside its importers)",
                entry.source
            )
        }
        _ => entry.source.clone(),
    }
}

/// Runs the two searches: from production entries, then from tests and configs.
fn reachability(
    project: &Project,
    entries: &[Entry],
    loads: &[LoadEdge],
    path_loads: &[LoadEdge],
) -> Reachability {
    let line = |module: usize, import: usize| {
        project.modules[module]
            .facts
            .imports
            .get(import)
            .map_or(0, |i| i.span.line)
    };
    let starts = |production: bool| -> Vec<usize> {
        entries
            .iter()
            .filter(|e| (e.kind == EntryKind::Production) == production)
            .map(|e| e.file)
            .collect()
    };
    let all_loads: Vec<LoadEdge> = loads.iter().chain(path_loads).copied().collect();
    let runtime_starts: Vec<usize> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Production && !e.bundled && !e.library)
        .map(|e| e.file)
        .collect();
    let into_bundle = bundled_output_edges(project);
    Reachability {
        runtime: project.graph.reachable_from_except(
            &runtime_starts,
            loads,
            line,
            |from, import| into_bundle.contains(&(from, import)),
        ),
        production: project.graph.reachable_from(&starts(true), loads, line),
        other: project
            .graph
            .reachable_from(&starts(false), &all_loads, line),
        // Maintainer scripts run their files too: not dead, though not production.
        by_path: project.graph.reachable_from(
            &entries
                .iter()
                .filter(|e| matches!(e.kind, EntryKind::Production | EntryKind::Script))
                .map(|e| e.file)
                .collect::<Vec<_>>(),
            &all_loads,
            line,
        ),
    }
}

/// Imports (`(module, import index)`) of a bundler's output mapped back to its sources
/// (`import('../dist/index.js')` resolved to `src/index.ts` in a package built by tsup): what
/// runs is the bundle, whose dependencies the bundler inlined.
fn bundled_output_edges(project: &Project) -> std::collections::HashSet<(usize, usize)> {
    let mut edges = std::collections::HashSet::new();
    let config_dirs = bundler_config_dirs(project);
    let mut bundles: std::collections::HashMap<PathBuf, bool> = std::collections::HashMap::new();
    for (m, module) in project.modules.iter().enumerate() {
        for (to, edge) in project.graph.imports_of(m) {
            let Some(import) = module.facts.imports.get(edge.import) else {
                continue;
            };
            let target = &project.modules[to].file.rel;
            let into_output = import.specifier.split('/').any(|segment| {
                OUT_DIRS.contains(&segment) && !target.split('/').any(|t| t == segment)
            });
            if into_output
                && package_bundles(
                    project,
                    &project.modules[to].file.path,
                    &config_dirs,
                    &mut bundles,
                )
            {
                edges.insert((m, edge.import));
            }
        }
    }
    edges
}

/// Directories compiled output is written to.
const OUT_DIRS: &[&str] = &["dist", "build", "out", "lib"];

/// Per-format subdirectories of build output (`dist/esm`, `dist/commonjs`).
const FORMAT_DIRS: &[&str] = &["esm", "cjs", "commonjs", "mjs", "es", "module", "node"];

/// Build tools that bundle (inline dependencies), as they appear in a `package.json` script.
const BUNDLERS: &[&str] = &[
    "tsup",
    "esbuild",
    "vite",
    "webpack",
    "rollup",
    "rolldown",
    "rspack",
    "parcel",
    "ncc",
    "next",
    "unbuild",
    "microbundle",
    "tsdown",
    "bun build",
    "wrangler",
];

/// Whether the package holding `path` builds with a bundler: a `scripts` command runs one,
/// or its configuration file sits at the package root. `known` keeps the answer per manifest.
fn package_bundles(
    project: &Project,
    path: &Path,
    config_dirs: &HashSet<&Path>,
    known: &mut std::collections::HashMap<PathBuf, bool>,
) -> bool {
    let Some(manifest) = path
        .parent()
        .and_then(|dir| project.manifests.nearest(dir, &project.root))
    else {
        return false;
    };
    if let Some(&bundles) = known.get(&manifest.path) {
        return bundles;
    }
    let bundles = manifest_bundles(project, manifest, config_dirs);
    known.insert(manifest.path.clone(), bundles);
    bundles
}

/// Bundler configuration files at a package root, as their names start.
const BUNDLER_CONFIGS: &[&str] = &[
    "tsup.config.",
    "rollup.config.",
    "webpack.config.",
    "vite.config.",
    "esbuild.config.",
    "rspack.config.",
];

/// The directories that hold a bundler configuration file (one pass over the modules, so the
/// per-package question costs a lookup).
fn bundler_config_dirs(project: &Project) -> HashSet<&Path> {
    project
        .modules
        .iter()
        .filter(|m| BUNDLER_CONFIGS.iter().any(|c| m.file.name().starts_with(c)))
        .filter_map(|m| m.file.path.parent())
        .collect()
}

fn manifest_bundles(
    project: &Project,
    manifest: &crate::manifest::Manifest,
    config_dirs: &HashSet<&Path>,
) -> bool {
    let dir = manifest.path.parent().unwrap_or(&project.root);
    let scripts = manifest
        .json
        .get("scripts")
        .and_then(|s| s.as_object())
        .into_iter()
        .flat_map(|s| s.values())
        .filter_map(|v| v.as_str());
    for command in scripts {
        for segment in command.split(['&', '|', ';']) {
            let segment = segment.trim();
            let first = segment.split_whitespace().next().unwrap_or("");
            let tool = first.rsplit('/').next().unwrap_or(first);
            let tool = if matches!(tool, "npx" | "pnpx" | "bunx") {
                segment.split_whitespace().nth(1).unwrap_or("")
            } else {
                tool
            };
            if BUNDLERS.contains(&tool) || (tool == "bun" && segment.contains(" build")) {
                return true;
            }
            // `esr esbuild.ts`, `node scripts/build.mjs`: a build script calls the bundler.
            let tokens: Vec<&str> = segment.split_whitespace().collect();
            let runs_build_script = tokens.iter().position(|t| is_runner(t)).is_some_and(|r| {
                tokens[r + 1..].iter().any(|token| {
                    has_source_extension(token)
                        && project
                            .module_at(&normalize(&dir.join(token)))
                            .is_some_and(|m| is_build_script(&project.modules[m]))
                })
            });
            if runs_build_script {
                return true;
            }
        }
    }
    config_dirs.contains(dir)
}

/// Packages whose JavaScript API writes a bundle (`esbuild.build`, `vite.build`, `rollup()`,
/// `webpack()`).
const BUNDLER_PACKAGES: &[&str] = &[
    "esbuild",
    "vite",
    "webpack",
    "rollup",
    "rolldown",
    "@rspack/core",
    "tsup",
    "tsdown",
    "@vercel/ncc",
    "@parcel/core",
    "unbuild",
];

/// A build script: a file named as a build step (`esbuild.main.ts`, `scripts/build.mjs`,
/// `bundle.js`) that imports a bundler's API up front. What it names it bundles, not runs;
/// a server that loads `vite` lazily for development (`await import('vite')`) is not one.
fn is_build_script(module: &crate::project::Module) -> bool {
    let stem = module.file.name().split('.').collect::<Vec<_>>();
    let named_as_build = stem[..stem.len().saturating_sub(1)]
        .iter()
        .flat_map(|part| part.split(['-', '_']))
        .any(|word| {
            matches!(
                word,
                "build"
                    | "bundle"
                    | "compile"
                    | "esbuild"
                    | "rollup"
                    | "rolldown"
                    | "webpack"
                    | "rspack"
                    | "tsup"
            )
        });
    named_as_build
        && module.facts.imports.iter().any(|import| {
            matches!(import.kind, ImportKind::Static | ImportKind::Require)
                && BUNDLER_PACKAGES.contains(&crate::manifest::package_name(&import.specifier))
        })
}

/// The source of an MDX document's entry: content, which marks no package as having a
/// production entry of its own.
pub const MDX_DOCUMENT: &str = "MDX document (content)";

/// The source of an `evalite` suite's entry: a test file by its name, as `*.test.ts` is.
pub const EVAL_SUITE: &str = "evalite suite (*.eval.*)";

/// Source extensions tried after a path written without one (`node src/index`).
const EXTENSIONS: &[&str] = &["js", "ts", "mjs", "cjs", "tsx", "jsx", "mts", "cts"];

/// Finds every entry: `extra` (from `--entry`) first, then `package.json`, Dockerfiles,
/// Procfiles, PM2 ecosystem files, framework conventions, `index.html`, tests and configs.
pub fn detect_entries(project: &Project, extra: &[PathBuf]) -> Vec<Entry> {
    let mut found = Finder {
        project,
        entries: Vec::new(),
        kind: EntryKind::Production,
        bundled: false,
        package_bundles: false,
        library: false,
        skip_export_patterns: false,
        tsc_project: None,
        saved_tsc_projects: Vec::new(),
    };
    for path in extra {
        let path = if path.is_absolute() {
            path.clone()
        } else {
            project.root.join(path)
        };
        let path = crate::access::canonicalize(&path).unwrap_or(path);
        found.add_file(&path, "--entry");
    }
    let config_dirs = bundler_config_dirs(project);
    for manifest in project.manifests.all() {
        let dir = manifest
            .path
            .parent()
            .unwrap_or(&project.root)
            .to_path_buf();
        found.package_bundles = manifest_bundles(project, manifest, &config_dirs);
        found.package_json(&dir, &manifest.json);
        found.framework_conventions(&dir, manifest);
        found.wrangler(&dir);
        found.package_bundles = false;
    }
    for file in project
        .discovery
        .env_files
        .iter()
        .chain(&project.discovery.other_files)
    {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if crate::env::declarations::is_dockerfile_name(name) {
            found.dockerfile(file);
        }
    }
    for file in &project.discovery.other_files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "Procfile" {
            found.procfile(file);
        } else if name.starts_with("ecosystem.config.") {
            found.ecosystem(file);
        } else if name == "project.json" {
            found.nx_project(file);
        } else if is_template(name) {
            found.template(file);
        }
    }
    found.workflows();
    found.playwright();
    found.tool_configs();
    for (i, module) in project.modules.iter().enumerate() {
        let name = module.file.name();
        let is_setup = name.contains(".setup.")
            || name.starts_with("setupTests.")
            // Cypress loads its support file (and legacy plugins file) before every spec.
            || module.file.rel.contains("cypress/support/")
            || module.file.rel.contains("cypress/plugins/");
        // An MDX document is content: a docs framework or a content collection loads it by
        // glob, and its bundler compiles it with the components it imports.
        if module.role == FileRole::Production && module.file.dialect == Dialect::Mdx {
            found.with(EntryKind::Production, true, |f| {
                f.push(i, MDX_DOCUMENT, EntryKind::Production)
            });
            continue;
        }
        if module.role == FileRole::Production && found.is_eval_suite(module) {
            found.push(i, EVAL_SUITE, EntryKind::Test);
            continue;
        }
        match module.role {
            FileRole::Test => found.push(i, "test file", EntryKind::Test),
            FileRole::Config => found.push(i, "config file", EntryKind::Config),
            FileRole::Production if is_setup => found.push(i, "test setup", EntryKind::Test),
            FileRole::Production => {}
        }
    }
    let mut entries = found.entries;
    // One entry per file: the first reason found, production before tests and configs. A file
    // that Node runs as written by any reason (`node src/index.js` beside a private package's
    // `main`) is run as written: dropped duplicates of the same kind can only widen that.
    entries.sort_by_key(|e| (e.file, e.kind));
    entries.dedup_by(|later, kept| {
        if later.file != kept.file {
            return false;
        }
        if later.kind == kept.kind {
            kept.bundled &= later.bundled;
            kept.library &= later.library;
        }
        true
    });
    entries
}

struct Finder<'p> {
    project: &'p Project,
    entries: Vec<Entry>,
    /// The kind of the entries being added (set by whoever reads a source of entries).
    kind: EntryKind,
    /// Whether the entries being added are bundled or served, not run by Node.
    bundled: bool,
    /// Whether the package being read builds with a bundler (its `dist/` is a bundle).
    package_bundles: bool,
    /// Whether the entries being added are the `main`/`exports` of a private package that
    /// another package of the tree depends on.
    library: bool,
    /// Whether `exports` subpath patterns of the package being read are not entries (an
    /// unpublished package nothing in the tree depends on).
    skip_export_patterns: bool,
    /// The tsconfig a `tsc -p` of the shell script being read compiled.
    tsc_project: Option<PathBuf>,
    /// `tsc_project` of each enclosing shell script being read.
    saved_tsc_projects: Vec<Option<PathBuf>>,
}

impl Finder<'_> {
    fn push(&mut self, file: usize, source: &str, kind: EntryKind) {
        self.entries.push(Entry {
            file,
            source: source.to_string(),
            kind,
            bundled: self.bundled,
            library: self.library,
        });
    }

    /// Runs `add` with entries of `kind` (and `bundled`), then restores the context.
    fn with<T>(&mut self, kind: EntryKind, bundled: bool, add: impl FnOnce(&mut Self) -> T) -> T {
        let saved = (self.kind, self.bundled);
        self.kind = kind;
        self.bundled = bundled;
        let result = add(self);
        (self.kind, self.bundled) = saved;
        result
    }

    /// An `evalite` suite: `*.eval.ts` in a package that has `evalite` (which discovers and
    /// runs them as Vitest does tests).
    fn is_eval_suite(&self, module: &crate::project::Module) -> bool {
        let name = module.file.name();
        let parts: Vec<&str> = name.split('.').collect();
        parts.len() > 2
            && parts[1..parts.len() - 1].contains(&"eval")
            && module.file.path.parent().is_some_and(|dir| {
                self.project
                    .manifests
                    .ancestors(dir, &self.project.root)
                    .any(|m| m.dependencies.contains_key("evalite"))
            })
    }

    /// Adds `path` when it is an analysed module; returns whether it was.
    fn add_file(&mut self, path: &Path, source: &str) -> bool {
        match self.project.module_at(&normalize(path)) {
            Some(i) => {
                self.push(i, source, self.kind);
                true
            }
            None => false,
        }
    }

    /// Resolves a path as written in a script or manifest: as is, with a source extension,
    /// as a directory's index (when `index` is set), and — for compiled output — the same
    /// path under `src/` (`dist/index.js` → `src/index.ts`).
    fn add_written_path(&mut self, dir: &Path, written: &str, source: &str, index: bool) -> bool {
        let written = written.trim_start_matches("./");
        if written.is_empty() || written.contains('*') || written.contains('$') {
            return false;
        }
        let base = normalize(&dir.join(written));
        if self.add_candidates(&base, source, index) {
            return true;
        }
        // Compiled output maps back to its sources: through the tsconfig's `outDir` and
        // `rootDir` when it has them, else `dist/x.js` → `src/x.ts` (or `x.ts`).
        let (out_dir, root_dir) = tsconfig_dirs(dir);
        let mut out_dirs: Vec<String> = Vec::new();
        let mut source_dirs: Vec<String> = Vec::new();
        // The project a `tsc -p` of the same script compiled comes first.
        if let Some(project) = &self.tsc_project
            && let Some((out, sources)) = tsconfig_layout(project, dir)
        {
            out_dirs.push(format!("{out}/"));
            source_dirs.extend(sources);
        }
        out_dirs.extend(OUT_DIRS.iter().map(|d| format!("{d}/")));
        out_dirs.extend(
            out_dir.map(|d| format!("{}/", d.trim_start_matches("./").trim_end_matches('/'))),
        );
        source_dirs.extend(root_dir);
        source_dirs.extend(["src".to_string(), String::new()]);
        // A bundler's output runs with the dependencies it inlined.
        let bundled = self.bundled || self.package_bundles;
        for out_dir in &out_dirs {
            let Some(rest) = written.strip_prefix(out_dir.as_str()) else {
                continue;
            };
            let stem = strip_source_extension(rest);
            // A per-format subdirectory (`dist/esm/index.js` of tshy, `dist/cjs/…`) mirrors
            // the same sources.
            let unformatted = stem
                .split_once('/')
                .and_then(|(first, inner)| FORMAT_DIRS.contains(&first).then_some(inner));
            for stem in std::iter::once(stem).chain(unformatted) {
                for source_dir in &source_dirs {
                    let candidate =
                        normalize(&dir.join(source_dir.trim_start_matches("./")).join(stem));
                    let kind = self.kind;
                    if self.with(kind, bundled, |f| {
                        f.add_candidates(&candidate, source, index)
                    }) {
                        return true;
                    }
                }
            }
            let stem = stem.trim_start_matches("src/");
            let candidate = normalize(&dir.join("src").join(stem));
            let kind = self.kind;
            if self.with(kind, bundled, |f| {
                f.add_candidates(&candidate, source, index)
            }) {
                return true;
            }
        }
        false
    }

    fn add_candidates(&mut self, base: &Path, source: &str, index: bool) -> bool {
        if self.add_file(base, source) {
            return true;
        }
        let stem = base.to_string_lossy();
        let stem = strip_source_extension(&stem).to_string();
        for ext in EXTENSIONS {
            if self.add_file(Path::new(&format!("{stem}.{ext}")), source) {
                return true;
            }
        }
        if index {
            for ext in EXTENSIONS {
                if self.add_file(&base.join(format!("index.{ext}")), source) {
                    return true;
                }
            }
        }
        false
    }

    fn package_json(&mut self, dir: &Path, json: &serde_json::Value) {
        let private = json.get("private").and_then(|p| p.as_bool()) == Some(true);
        let name = json.get("name").and_then(|n| n.as_str());
        let has_dependents = name.is_some_and(|name| {
            self.project
                .manifests
                .all()
                .iter()
                .any(|m| m.name.as_deref() != Some(name) && m.dependencies.contains_key(name))
        });
        // A private package's `main`/`exports` is a library of its workspace when another
        // package depends on it: its code runs inside whatever imports it (a bundled page, a
        // server), which decides how.
        let saved = self.library;
        self.library = private && has_dependents;
        // An unpublished package (private, or without the `version` npm needs to publish) no
        // package of the tree depends on, such as a folder of maintainer scripts with a
        // boilerplate `"./*": "./src/*.js"`: nothing loads its subpath patterns, and its
        // scripts say what runs.
        let unpublished = private || json.get("version").is_none();
        let saved_patterns = self.skip_export_patterns;
        self.skip_export_patterns = unpublished && !has_dependents && dir != self.project.root;
        self.package_exports(dir, json);
        self.skip_export_patterns = saved_patterns;
        self.preconstruct_entrypoints(dir, json);
        self.library = saved;
        self.bin_and_scripts(dir, json);
    }

    /// A package built by preconstruct names its entry sources in `preconstruct.entrypoints`
    /// (globs relative to `src/`, `index.{js,jsx,ts,tsx}` by default), which its `exports`
    /// map reaches as flat build output (`./dist/pkg-pages-Home.js`, no path back to
    /// `src/pages/Home/index.tsx`): each matching source is a public entry.
    fn preconstruct_entrypoints(&mut self, dir: &Path, json: &serde_json::Value) {
        let Some(config) = json.get("preconstruct") else {
            return;
        };
        let patterns: Vec<&str> = match config.get("entrypoints") {
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|i| i.as_str()).collect()
            }
            // The root's `preconstruct.packages` lists packages, not entries.
            _ if config.get("packages").is_some() => return,
            _ => vec!["index.{js,jsx,ts,tsx}"],
        };
        let mut set = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let pattern = pattern.trim_start_matches("./");
            if let Ok(glob) = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
            {
                set.add(glob);
            }
        }
        let Ok(set) = set.build() else {
            return;
        };
        let src = dir.join("src");
        let matched: Vec<usize> = self
            .project
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.role == FileRole::Production)
            .filter(|(_, m)| {
                m.file
                    .path
                    .strip_prefix(&src)
                    .is_ok_and(|inner| set.is_match(inner))
            })
            .map(|(i, _)| i)
            .collect();
        let saved = self.library;
        self.library = saved || dir != self.project.root;
        for i in matched {
            self.push(i, "package.json preconstruct.entrypoints", self.kind);
        }
        self.library = saved;
    }

    /// `main`, `module` and `exports` of a package.
    fn package_exports(&mut self, dir: &Path, json: &serde_json::Value) {
        let has_main = ["main", "module"].iter().any(|f| json.get(f).is_some());
        for field in ["main", "module"] {
            if let Some(path) = json.get(field).and_then(|v| v.as_str()) {
                self.add_public_path(dir, path, &format!("package.json {field}"), true);
            }
        }
        if !has_main && json.get("exports").is_none() {
            // Node's default `main`.
            self.add_candidates(&dir.join("index.js"), "package.json main (default)", false);
        }
        if let Some(exports) = json.get("exports") {
            let mut paths = Vec::new();
            export_targets(exports, &mut paths);
            let (patterns, paths): (Vec<String>, Vec<String>) =
                paths.into_iter().partition(|p| p.contains('*'));
            for path in paths {
                self.add_public_path(dir, &path, "package.json exports", false);
            }
            self.export_patterns(dir, &patterns);
        }
    }

    /// A `main`/`exports` target of a workspace package. Written as TypeScript, JSX or a
    /// component (`./src/index.ts`), it is source no installed consumer can run under Node
    /// (which refuses to strip types under `node_modules`): it runs inside its importers in
    /// the tree, which decide how, as a private package's library code does. The root
    /// package's own source `main` (`"main": "src/index.tsx"` beside `vite build`) is its
    /// bundler's entry when the package bundles.
    fn add_public_path(&mut self, dir: &Path, path: &str, source: &str, index: bool) {
        let saved = (self.library, self.bundled);
        let uncompiled = is_uncompiled_source(path);
        self.library |= dir != self.project.root && uncompiled;
        self.bundled |= !self.library && uncompiled && self.package_bundles;
        self.add_written_path(dir, path, source, index);
        (self.library, self.bundled) = saved;
    }

    /// Subpath patterns of `exports` (`"./*": "./src/*.ts"`, `"./emails/*": "./emails/*.tsx"`):
    /// every file a pattern matches is a public entry, `*` standing for any path (slashes
    /// included, as Node reads it). A target in compiled output (`./dist/*.js`) matches its
    /// sources under `src/`.
    fn export_patterns(&mut self, dir: &Path, patterns: &[String]) {
        if patterns.is_empty() || self.skip_export_patterns {
            return;
        }
        let dir_rel = self.project.relative(dir);
        let prefix = if dir_rel.is_empty() {
            String::new()
        } else {
            format!("{dir_rel}/")
        };
        let mut shapes: Vec<(String, String)> = Vec::new();
        for pattern in patterns {
            let pattern = pattern.trim_start_matches("./");
            let Some((before, after)) = pattern.split_once('*') else {
                continue;
            };
            if after.contains('*') {
                continue;
            }
            shapes.push((before.to_string(), after.to_string()));
            // `dist/*.js` → `src/*` with any source extension.
            if let Some(out) = OUT_DIRS
                .iter()
                .find(|d| before.starts_with(&format!("{d}/")))
            {
                let inner = &before[out.len() + 1..];
                let inner = inner.strip_prefix("src/").unwrap_or(inner);
                shapes.push((
                    format!("src/{inner}"),
                    strip_source_extension(after).to_string(),
                ));
            }
        }
        let matched: Vec<usize> = self
            .project
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.role == FileRole::Production && !m.file.rel.ends_with(".d.ts"))
            .filter_map(|(i, m)| {
                let inner = m.file.rel.strip_prefix(&prefix)?;
                shapes
                    .iter()
                    .any(|(before, after)| {
                        inner.len() > before.len() + after.len()
                            && inner.starts_with(before.as_str())
                            && (inner.ends_with(after.as_str())
                                || (!after.contains('.')
                                    && strip_source_extension(inner).ends_with(after.as_str())
                                    && strip_source_extension(inner).len()
                                        > before.len() + after.len()))
                    })
                    .then_some(i)
            })
            .collect();
        let saved = self.library;
        for i in matched {
            self.library = saved
                || (dir != self.project.root
                    && is_uncompiled_source(&self.project.modules[i].file.rel));
            self.push(i, "package.json exports (subpath pattern)", self.kind);
        }
        self.library = saved;
    }

    fn bin_and_scripts(&mut self, dir: &Path, json: &serde_json::Value) {
        match json.get("bin") {
            Some(serde_json::Value::String(path)) => {
                self.add_written_path(dir, path, "package.json bin", false);
            }
            Some(serde_json::Value::Object(bins)) => {
                for (name, path) in bins {
                    if let Some(path) = path.as_str() {
                        self.add_written_path(
                            dir,
                            path,
                            &format!("package.json bin.{name}"),
                            false,
                        );
                    }
                }
            }
            _ => {}
        }
        if let Some(scripts) = json.get("scripts").and_then(|s| s.as_object()) {
            for (name, command) in scripts {
                if let Some(command) = command.as_str() {
                    let source = format!("package.json scripts.{name}");
                    self.with(script_kind_of(name, command), false, |f| {
                        f.command(dir, command, &source)
                    });
                }
            }
        }
        // `prisma db seed` runs `prisma.seed`.
        if let Some(seed) = json.pointer("/prisma/seed").and_then(|s| s.as_str()) {
            self.with(EntryKind::Script, false, |f| {
                f.command(dir, seed, "package.json prisma.seed")
            });
        }
    }

    /// Every file a shell command runs through a known runner.
    fn command(&mut self, dir: &Path, command: &str, source: &str) {
        let project = self.project;
        crate::toolchain::commands::walk(&project.root, dir, command, source, self);
    }

    fn dockerfile(&mut self, file: &Path) {
        let Ok(text) = crate::access::read_to_string(file) else {
            return;
        };
        let dir = file.parent().unwrap_or(&self.project.root).to_path_buf();
        let mut workdir = dir.clone();
        // The build context is often a parent of the Dockerfile's folder (`docker/`).
        let contexts: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| d.starts_with(&self.project.root))
            .map(Path::to_path_buf)
            .collect();
        // Where the image's files come from: `COPY [--from=stage] src… dest`, as (absolute
        // path in the image, path in the tree).
        let mut image_workdir = String::from("/");
        let mut copies: Vec<(String, PathBuf)> = Vec::new();
        // Instructions continue over lines ending in `\`.
        let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
        for line in joined.lines() {
            let line = line.trim();
            let (keyword, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let keyword = keyword.to_ascii_uppercase();
            if keyword == "WORKDIR" {
                image_workdir = image_path(&image_workdir, rest.trim());
                // `/app` in the image is the build context: only relative parts are kept.
                let rest = rest.trim().trim_start_matches('/');
                let parts: Vec<&str> = rest.split('/').skip(1).collect();
                workdir = dir.join(parts.join("/"));
            }
            if keyword == "COPY" || keyword == "ADD" {
                copy_instruction(rest, &image_workdir, &contexts, &mut copies);
                continue;
            }
            let kind = match keyword.as_str() {
                "CMD" | "ENTRYPOINT" => EntryKind::Production,
                // A build step: it runs while the image is built, usually before pruning.
                "RUN" => EntryKind::Script,
                _ => continue,
            };
            let rest = rest.trim();
            let command = if rest.starts_with('[') {
                serde_json::from_str::<Vec<String>>(rest)
                    .map(|v| v.join(" "))
                    .unwrap_or_default()
            } else {
                rest.to_string()
            };
            let source = format!("{} {keyword}", self.project.relative(file));
            let command = if kind == EntryKind::Script || command.split_whitespace().any(is_runner)
            {
                command
            } else {
                format!("node {command}")
            };
            // A path the image got by `COPY` is read where it was copied from.
            let command = command
                .split_whitespace()
                .map(|token| {
                    copied_from(&image_path(&image_workdir, token), &copies)
                        .map_or_else(|| token.to_string(), |p| p.to_string_lossy().into_owned())
                })
                .collect::<Vec<_>>()
                .join(" ");
            let mut dirs = vec![workdir.clone()];
            dirs.extend(contexts.iter().cloned());
            dirs.dedup();
            self.with(kind, false, |f| {
                for d in &dirs {
                    let before = f.entries.len();
                    f.command(d, &command, &source);
                    if f.entries.len() > before {
                        break;
                    }
                }
            });
        }
    }

    /// GitHub Actions steps: `run: node scripts/x.js` (CI, so maintainer scripts).
    fn workflows(&mut self) {
        let dir = self.project.root.join(".github").join("workflows");
        let Ok(read) = crate::access::read_dir(&dir) else {
            return;
        };
        let mut files: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let root = self.project.root.clone();
        for file in files {
            let is_yaml = file.extension().is_some_and(|e| e == "yml" || e == "yaml");
            let Ok(text) = crate::access::read_to_string(&file) else {
                continue;
            };
            if !is_yaml {
                continue;
            }
            let source = format!("{} run", self.project.relative(&file));
            // Every line may be a command: `run: node x.js`, or a line of a `run: |` block.
            self.with(EntryKind::Script, false, |f| {
                for line in text.lines() {
                    let line = line.trim().trim_start_matches("- ").trim();
                    let line = line.strip_prefix("run:").unwrap_or(line).trim();
                    f.command(&root, line, &source);
                }
            });
        }
    }

    /// Playwright `webServer: { command: 'node server.js' }`: started for the tests.
    fn playwright(&mut self) {
        let configs: Vec<(PathBuf, String)> = self
            .project
            .modules
            .iter()
            .filter(|m| m.file.name().starts_with("playwright.config."))
            .map(|m| (m.file.path.clone(), m.file.rel.clone()))
            .collect();
        for (path, rel) in configs {
            let Ok(text) = crate::access::read_to_string(&path) else {
                continue;
            };
            let config_dir = path.parent().unwrap_or(&self.project.root).to_path_buf();
            // `webServer.cwd` is relative to the config's folder, which is the default.
            let dir = property_strings(&text, "cwd")
                .first()
                .map_or(config_dir.clone(), |cwd| normalize(&config_dir.join(cwd)));
            let source = format!("{rel} webServer.command");
            self.with(EntryKind::Test, false, |f| {
                for command in property_strings(&text, "command") {
                    f.command(&dir, &command, &source);
                }
            });
        }
    }

    /// Cloudflare Workers: `main` of `wrangler.toml`/`wrangler.json(c)`; wrangler bundles it.
    fn wrangler(&mut self, dir: &Path) {
        for name in ["wrangler.toml", "wrangler.json", "wrangler.jsonc"] {
            let file = dir.join(name);
            let Ok(text) = crate::access::read_to_string(&file) else {
                continue;
            };
            let main = text.lines().find_map(|line| {
                let line = line.trim().trim_start_matches('"');
                let rest = line
                    .strip_prefix("main")?
                    .trim_start()
                    .trim_start_matches('"');
                let rest = rest.trim_start().strip_prefix(['=', ':'])?.trim();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                rest[1..].split(quote).next().map(str::to_string)
            });
            if let Some(main) = main {
                let source = format!("{} main", self.project.relative(&file));
                self.with(EntryKind::Production, true, |f| {
                    f.add_written_path(dir, &main, &source, false)
                });
            }
        }
    }

    /// An Nx `project.json`: the `main` of each target's options (`@nx/webpack:webpack`,
    /// `@nx/esbuild:esbuild`, `@nx/js:tsc`…), a path from the Nx workspace root (the folder
    /// holding `nx.json`). A bundling executor's output inlines its dependencies.
    fn nx_project(&mut self, file: &Path) {
        let Ok(text) = crate::access::read_to_string(file) else {
            return;
        };
        let Ok(Some(json)) =
            jsonc_parser::parse_to_serde_value(&text, &crate::resolve::jsonc_options())
        else {
            return;
        };
        let Some(targets) = json.get("targets").and_then(|t| t.as_object()) else {
            return;
        };
        let dir = file.parent().unwrap_or(&self.project.root);
        let workspace = crate::resolve::ancestors_under(dir, &self.project.root)
            .find(|d| crate::access::is_file(d.join("nx.json")))
            .unwrap_or(&self.project.root)
            .to_path_buf();
        for (name, target) in targets {
            let executor = target
                .get("executor")
                .and_then(|e| e.as_str())
                .unwrap_or("");
            let bundled = ["webpack", "esbuild", "rollup", "rspack", "vite", "angular"]
                .iter()
                .any(|b| executor.contains(b));
            let Some(options) = target.get("options") else {
                continue;
            };
            // `main` (`@nx/webpack`, `@nx/js:tsc`), Angular's `browser`/`server`/`polyfills`
            // (a string or a list; package names such as `zone.js` find no file), and the
            // files `fileReplacements` swap in for a configuration.
            let mut named: Vec<(String, &str)> = Vec::new();
            for key in ["main", "browser", "server", "polyfills"] {
                let paths = match options.get(key) {
                    Some(serde_json::Value::String(path)) => vec![path.as_str()],
                    Some(serde_json::Value::Array(paths)) => {
                        paths.iter().filter_map(|p| p.as_str()).collect()
                    }
                    _ => Vec::new(),
                };
                named.extend(paths.into_iter().map(|p| (format!("options.{key}"), p)));
            }
            let configurations = target.get("configurations").and_then(|c| c.as_object());
            for (configuration, value) in configurations.into_iter().flatten() {
                let replacements = value.get("fileReplacements").and_then(|r| r.as_array());
                for with in replacements
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.get("with"))
                {
                    if let Some(path) = with.as_str() {
                        let key = format!("configurations.{configuration}.fileReplacements");
                        named.push((key, path));
                    }
                }
            }
            for (key, path) in named {
                let source = format!("{} targets.{name}.{key}", self.project.relative(file));
                self.with(EntryKind::Production, bundled, |f| {
                    f.add_written_path(&workspace, path, &source, false)
                });
            }
        }
    }

    fn procfile(&mut self, file: &Path) {
        let Ok(text) = crate::access::read_to_string(file) else {
            return;
        };
        let dir = file.parent().unwrap_or(&self.project.root).to_path_buf();
        for line in text.lines() {
            if let Some((process, command)) = line.split_once(':') {
                let source = format!("{} {}", self.project.relative(file), process.trim());
                self.command(&dir, command, &source);
            }
        }
    }

    /// PM2 `ecosystem.config.*`: every `script: '…'` value, read from the text.
    fn ecosystem(&mut self, file: &Path) {
        let Ok(text) = crate::access::read_to_string(file) else {
            return;
        };
        let dir = file.parent().unwrap_or(&self.project.root).to_path_buf();
        let source = format!("{} script", self.project.relative(file));
        for value in property_strings(&text, "script") {
            if !self.add_written_path(&dir, &value, &source, false) {
                self.command(&dir, &value, &source);
            }
        }
    }

    /// `<script src="…">` in `index.html` (Vite) or a server template (`.hbs`, `.ejs`,
    /// `.html`): the browser loads it, Node never runs it. Absolute URLs are looked up in
    /// the template's folder, the package root and its usual static folders.
    fn template(&mut self, file: &Path) {
        let Ok(text) = crate::access::read_to_string(file) else {
            return;
        };
        let dir = file.parent().unwrap_or(&self.project.root).to_path_buf();
        let package = self
            .project
            .manifests
            .nearest(&dir, &self.project.root)
            .and_then(|m| m.path.parent())
            .unwrap_or(&self.project.root)
            .to_path_buf();
        let mut bases = vec![dir.clone(), package.clone()];
        bases.extend(["public", "static", "assets", "src"].map(|d| package.join(d)));
        let source = format!("{} <script src>", self.project.relative(file));
        for tag in text.split("<script").skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            if let Some(src) = attribute(tag, "src")
                && !src.contains("://")
                && !src.contains("{{")
                && !src.contains("<%")
            {
                let src = src
                    .split(['?', '#'])
                    .next()
                    .unwrap_or(src)
                    .trim_start_matches('/');
                self.with(EntryKind::Production, true, |f| {
                    bases
                        .iter()
                        .any(|base| f.add_written_path(base, src, &source, false))
                });
            }
        }
    }

    /// Files a tool reads from a package's root by their name (`loggingrc.js`,
    /// `MigratorConfig.js`, `knexfile.js`, `gulpfile.js`): configuration entries.
    fn tool_configs(&mut self) {
        for (i, module) in self.project.modules.iter().enumerate() {
            let Some(dir) = module.file.path.parent() else {
                continue;
            };
            let package_root = |d: &Path| {
                self.project
                    .manifests
                    .nearest(d, &self.project.root)
                    .is_some_and(|m| m.path.parent() == Some(d))
            };
            let at_package_root = package_root(dir);
            let name = module.file.name();
            if at_package_root && module.role == FileRole::Production && is_tool_config(name) {
                self.push(i, "tool configuration by name", EntryKind::Config);
                continue;
            }
            // Storybook loads `.storybook/main.*`, `preview.*` and `manager.*`; tools that
            // follow the `.config/` convention (Prisma's `.config/prisma.ts`) load theirs from
            // the package's `.config/` folder.
            let folder = dir.file_name().and_then(|n| n.to_str());
            let stem = strip_source_extension(name);
            let conventional = match folder {
                Some(".storybook") => {
                    matches!(stem, "main" | "preview" | "manager") && stem != name
                }
                Some(".config") => stem != name && dir.parent().is_some_and(package_root),
                _ => false,
            };
            if conventional {
                self.push(i, "tool configuration by folder", EntryKind::Config);
            }
        }
    }

    fn framework_conventions(&mut self, dir: &Path, manifest: &crate::manifest::Manifest) {
        // A workspace app may leave `next` to the root package.json and only run `next
        // build`: the framework is there when a manifest up the tree declares it and this
        // package's scripts run its command.
        let scripts: Vec<&str> = manifest
            .json
            .get("scripts")
            .and_then(|s| s.as_object())
            .into_iter()
            .flat_map(|s| s.values())
            .filter_map(|v| v.as_str())
            .collect();
        let runs = |command: &str| {
            scripts.iter().any(|s| {
                s.split(['&', '|', ';'])
                    .any(|seg| seg.split_whitespace().next() == Some(command))
            })
        };
        let ancestors: Vec<&crate::manifest::Manifest> = self
            .project
            .manifests
            .ancestors(dir, &self.project.root)
            .collect();
        let declares = |m: &crate::manifest::Manifest, name: &str| {
            m.dependencies.contains_key(name)
                || m.dependencies
                    .keys()
                    .any(|d| name.ends_with('/') && d.starts_with(name))
        };
        let has = |name: &str| {
            declares(manifest, name)
                || (runs(cli_of(name)) && ancestors.iter().any(|m| declares(m, name)))
        };
        let frameworks: Vec<(&str, Convention)> = [
            ("next", has("next"), next_convention as Convention),
            (
                "remix",
                has("@remix-run/") || has("@react-router/"),
                remix_convention,
            ),
            ("sveltekit", has("@sveltejs/kit"), sveltekit_convention),
            ("nuxt", has("nuxt"), nuxt_convention),
            ("astro", has("astro"), astro_convention),
            (
                "unplugin-vue-components",
                has("unplugin-vue-components"),
                vue_components_convention,
            ),
        ]
        .into_iter()
        .filter(|(_, present, _)| *present)
        .map(|(name, _, convention)| (name, convention))
        .collect();
        if frameworks.is_empty() {
            return;
        }
        let dir_rel = self.project.relative(dir);
        let prefix = if dir_rel.is_empty() {
            String::new()
        } else {
            format!("{dir_rel}/")
        };
        for (i, module) in self.project.modules.iter().enumerate() {
            let Some(inner) = module.file.rel.strip_prefix(&prefix) else {
                continue;
            };
            if module.role != FileRole::Production {
                continue;
            }
            for (name, convention) in &frameworks {
                if convention(inner) {
                    // The framework's build bundles its pages and server code.
                    self.bundled = true;
                    self.push(i, &format!("{name} convention"), EntryKind::Production);
                    self.bundled = false;
                    break;
                }
            }
        }
    }
}

impl crate::toolchain::commands::CommandVisitor for Finder<'_> {
    fn command(&mut self, cwd: &Path, tokens: &[&str], source: &str) {
        // `tsc -p tsconfig.gen.json` compiles what a later `node out/x.js` runs.
        if let Some(tsc) = tokens.iter().position(|t| *t == "tsc") {
            let project = tokens[tsc + 1..]
                .windows(2)
                .find(|w| matches!(w[0], "-p" | "--project"))
                .map(|w| w[1]);
            if let Some(project) = project {
                self.tsc_project = Some(normalize(&cwd.join(project)));
            }
        }
        // A shell script's lines are commands of their own.
        if crate::toolchain::commands::script_file(tokens).is_some() {
            return;
        }
        let dir = cwd;
        // `--dataSource=src/data-source.ts`, `-d ./src/db.ts`: a tool reads that file.
        for (i, token) in tokens.iter().enumerate() {
            let value = match token.split_once('=') {
                Some((flag, value)) if flag.starts_with('-') => value,
                _ if i > 0 && tokens[i - 1].starts_with('-') && !tokens[i - 1].contains('=') => {
                    token
                }
                _ => continue,
            };
            if has_source_extension(value) {
                self.add_written_path(dir, value, source, false);
            }
        }
        let Some(runner) = tokens.iter().position(|t| is_runner(t)) else {
            return;
        };
        let mut first_argument = true;
        let found_before = self.entries.len();
        for token in &tokens[runner + 1..] {
            if token.starts_with('-') {
                continue;
            }
            // The script a runner is given may lack an extension (`node generate`), or be a
            // directory Node runs the index of (`node server`).
            if looks_like_path(token) || (first_argument && !token.contains('=')) {
                self.add_written_path(dir, token, source, first_argument);
            }
            first_argument = false;
        }
        // `"start:electron": "esr esbuild.main.ts && electron ."` builds before it starts: the
        // build script is a maintainer's step, whatever the script's name says.
        for entry in &mut self.entries[found_before..] {
            if entry.kind == EntryKind::Production
                && is_build_script(&self.project.modules[entry.file])
            {
                entry.kind = EntryKind::Script;
            }
        }
    }

    /// A `tsc -p` in a shell script applies to the rest of that script only.
    fn enter_script(&mut self) {
        let saved = self.tsc_project.take();
        self.saved_tsc_projects.push(saved);
    }

    fn leave_script(&mut self) {
        self.tsc_project = self.saved_tsc_projects.pop().flatten();
    }
}

/// `path` as an absolute path in an image whose working directory is `workdir`.
fn image_path(workdir: &str, path: &str) -> String {
    let path = path.trim_matches(['"', '\'']);
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", workdir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Records what a `COPY`/`ADD` puts where: sources from the build context, or (`--from`)
/// from another stage, whose image paths are matched to the tree by their longest suffix
/// that exists (`/usr/src/app/packages/api/run.mjs` → `packages/api/run.mjs`).
fn copy_instruction(
    rest: &str,
    workdir: &str,
    contexts: &[PathBuf],
    copies: &mut Vec<(String, PathBuf)>,
) {
    let rest = rest.trim();
    let from_stage = rest.split_whitespace().any(|t| t.starts_with("--from="));
    let mut paths: Vec<String> = if rest.starts_with('[') {
        serde_json::from_str::<Vec<String>>(rest).unwrap_or_default()
    } else {
        rest.split_whitespace()
            .filter(|t| !t.starts_with("--"))
            .map(str::to_string)
            .collect()
    };
    let Some(dest) = paths.pop() else {
        return;
    };
    let dest_is_dir = dest.ends_with('/') || paths.len() > 1;
    let dest = image_path(workdir, &dest);
    for source in &paths {
        if source.contains(['*', '$']) {
            continue;
        }
        let tree = if from_stage {
            let parts: Vec<&str> = source.split('/').filter(|p| !p.is_empty()).collect();
            (0..parts.len()).find_map(|skip| {
                let rest = parts[skip..].join("/");
                contexts
                    .iter()
                    .map(|c| c.join(&rest))
                    .find(|p| crate::access::exists(p))
            })
        } else {
            let source = source.trim_start_matches("./");
            contexts
                .iter()
                .map(|c| normalize(&c.join(source)))
                .find(|p| crate::access::exists(p))
        };
        let Some(tree) = tree else {
            continue;
        };
        // `COPY run.mjs /dist/app` puts the file in the folder when it is one: both readings
        // are kept (the image path is looked up either way).
        if crate::access::is_file(&tree)
            && let Some(name) = tree.file_name()
        {
            copies.push((format!("{dest}/{}", name.to_string_lossy()), tree.clone()));
            if dest_is_dir {
                continue;
            }
        }
        copies.push((dest.clone(), tree));
    }
}

/// The tree path an image path was copied from, when a `COPY` put it there.
fn copied_from(image: &str, copies: &[(String, PathBuf)]) -> Option<PathBuf> {
    if image == "/" {
        return None;
    }
    copies.iter().rev().find_map(|(dest, tree)| {
        if image == dest {
            return crate::access::is_file(tree).then(|| tree.clone());
        }
        let rest = image.strip_prefix(dest.as_str())?.strip_prefix('/')?;
        let candidate = tree.join(rest);
        (crate::access::is_dir(tree) && crate::access::is_file(&candidate)).then_some(candidate)
    })
}

/// `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `docker/app.dockerfile`.
/// Page templates whose `<script src>` a browser loads.
fn is_template(name: &str) -> bool {
    [".html", ".htm", ".hbs", ".handlebars", ".ejs"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// What a `package.json` script is, by its name: `start`, `serve`, `worker` run the
/// application; `test*` and `e2e` run tests; `dev`, `build`, `seed`, `lint`, `generate`,
/// `release`, … are maintainer scripts.
fn script_kind(name: &str) -> EntryKind {
    let words: Vec<&str> = name.split([':', '-', '_', '.']).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&[
        "test",
        "tests",
        "e2e",
        "cypress",
        "playwright",
        "jest",
        "vitest",
        "coverage",
        "spec",
    ]) {
        EntryKind::Test
    } else if has(&[
        "dev",
        "develop",
        "watch",
        "build",
        "prebuild",
        "postbuild",
        "seed",
        "lint",
        "format",
        "fmt",
        "generate",
        "gen",
        "codegen",
        "release",
        "prepare",
        "prepublish",
        "prepublishOnly",
        "docs",
        "doc",
        "bench",
        "benchmark",
        "storybook",
        "typecheck",
        "check",
        "clean",
        "fix",
        "deploy",
        "publish",
        "analyze",
        "analyse",
        "bundle",
        "compile",
        "precommit",
        "debug",
        "local",
        "sandbox",
        "example",
        "examples",
    ]) {
        EntryKind::Script
    } else {
        EntryKind::Production
    }
}

/// [`script_kind`], and a file under `scripts/`, `tools/` or `extra/` run by a script that
/// is not `start`/`serve` is a maintainer script too (`"geo": "node scripts/build-geo.js"`).
fn script_kind_of(name: &str, command: &str) -> EntryKind {
    let kind = script_kind(name);
    let starts_the_app = matches!(name, "start" | "serve" | "server" | "prod" | "production");
    let runs_a_tool_folder = command.split_whitespace().any(|t| {
        let t = t.trim_start_matches("./");
        ["scripts/", "tools/", "extra/", "script/"]
            .iter()
            .any(|d| t.starts_with(d))
    });
    if kind == EntryKind::Production && !starts_the_app && runs_a_tool_folder {
        EntryKind::Script
    } else {
        kind
    }
}

/// Where a `tsc -p` project writes and what it compiles, relative to `dir` (the package):
/// `outDir` (through local `extends`), and `rootDir` — or, without one, the directories its
/// `include` names (tsc then roots the output at their common directory; with one include
/// that is the include itself).
fn tsconfig_layout(file: &Path, dir: &Path) -> Option<(String, Vec<String>)> {
    let mut out_dir = None;
    let mut root_dir = None;
    let mut include: Option<Vec<String>> = None;
    let mut current = file.to_path_buf();
    for _ in 0..5 {
        let text = crate::access::read_to_string(&current).ok()?;
        let value =
            jsonc_parser::parse_to_serde_value(&text, &crate::resolve::jsonc_options()).ok()??;
        let base = current.parent()?.to_path_buf();
        let relative_to_dir = |v: &str| {
            let full = normalize(&base.join(v));
            full.strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().trim_end_matches('/').to_string())
        };
        let get = |key: &str| {
            value
                .pointer(&format!("/compilerOptions/{key}"))
                .and_then(|v| v.as_str())
                .and_then(&relative_to_dir)
        };
        out_dir = out_dir.or_else(|| get("outDir"));
        root_dir = root_dir.or_else(|| get("rootDir"));
        if include.is_none() {
            include = value
                .get("include")
                .and_then(|i| i.as_array())
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| v.as_str())
                        .filter(|v| !v.contains('*'))
                        .filter_map(&relative_to_dir)
                        .collect()
                });
        }
        let Some(extends) = value.get("extends").and_then(|e| e.as_str()) else {
            break;
        };
        if !extends.starts_with('.') {
            break;
        }
        let next = normalize(&base.join(extends));
        current = if next.extension().is_some_and(|e| e == "json") {
            next
        } else {
            next.with_extension("json")
        };
    }
    let out_dir = out_dir.filter(|d| !d.is_empty())?;
    let sources = match (root_dir, include) {
        (Some(root), _) => vec![root],
        (None, Some(include)) if include.len() == 1 => include,
        _ => Vec::new(),
    };
    Some((out_dir, sources))
}

/// `compilerOptions.outDir` and `rootDir` of the `tsconfig.json` in `dir`, if any.
fn tsconfig_dirs(dir: &Path) -> (Option<String>, Option<String>) {
    let Ok(text) = crate::access::read_to_string(dir.join("tsconfig.json")) else {
        return (None, None);
    };
    let Ok(Some(value)) =
        jsonc_parser::parse_to_serde_value(&text, &crate::resolve::jsonc_options())
    else {
        return (None, None);
    };
    let get = |key: &str| {
        value
            .pointer(&format!("/compilerOptions/{key}"))
            .and_then(|v| v.as_str())
            .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty() && !s.starts_with(".."))
    };
    (get("outDir"), get("rootDir"))
}

/// TypeScript, JSX or component source, which Node does not run from `node_modules`.
fn is_uncompiled_source(path: &str) -> bool {
    !path.ends_with(".d.ts")
        && [".ts", ".tsx", ".mts", ".cts", ".jsx", ".svelte", ".vue"]
            .iter()
            .any(|e| path.ends_with(e))
}

fn has_source_extension(token: &str) -> bool {
    EXTENSIONS.iter().any(|e| token.ends_with(&format!(".{e}")))
}

/// The command a framework package installs (`next build`, `nuxt dev`).
fn cli_of(package: &str) -> &str {
    match package {
        "@sveltejs/kit" => "vite",
        "@remix-run/" => "remix",
        "@react-router/" => "react-router",
        other => other,
    }
}

/// Whether a path inside a package is one of a framework's entry files.
type Convention = fn(&str) -> bool;

/// `dir/name.ext` → (`dir/`, `name`); used by framework conventions.
fn split_name(path: &str) -> (&str, &str) {
    let (dir, file) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    (dir, file.split('.').next().unwrap_or(file))
}

fn next_convention(path: &str) -> bool {
    let path = path.strip_prefix("src/").unwrap_or(path);
    let (dir, stem) = split_name(path);
    if dir.is_empty() {
        return matches!(
            stem,
            // `proxy` is Next 16's name for `middleware`.
            "middleware" | "proxy" | "instrumentation" | "instrumentation-client"
        );
    }
    if path.starts_with("pages/") {
        return true;
    }
    path.starts_with("app/")
        && matches!(
            stem,
            "page"
                | "layout"
                | "route"
                | "template"
                | "error"
                | "global-error"
                | "loading"
                | "not-found"
                | "default"
                | "opengraph-image"
                | "twitter-image"
                | "icon"
                | "apple-icon"
                | "sitemap"
                | "robots"
                | "manifest"
        )
}

fn remix_convention(path: &str) -> bool {
    let (dir, stem) = split_name(path);
    (dir == "app/" && (stem == "root" || stem == "entry" || stem == "routes"))
        || path.starts_with("app/routes/")
}

fn sveltekit_convention(path: &str) -> bool {
    let (dir, stem) = split_name(path);
    (path.starts_with("src/routes/") && path.rsplit('/').next().is_some_and(|n| n.starts_with('+')))
        // `src/params/*` are route parameter matchers; `src/env.ts` declares the explicit
        // environment variables (SvelteKit 2.62+).
        || path.starts_with("src/params/")
        || (dir == "src/"
            && matches!(
                stem,
                "hooks" | "service-worker" | "env" | "instrumentation"
            ))
}

fn nuxt_convention(path: &str) -> bool {
    let server = [
        "server/api/",
        "server/routes/",
        "server/middleware/",
        "server/plugins/",
        "server/utils/",
    ];
    // Scanned in `srcDir`: the root (Nuxt 3) or `app/` (Nuxt 4's default).
    // `store/`: Nuxt 2 loads its files as Vuex modules.
    let app = [
        "pages/",
        "plugins/",
        "middleware/",
        "composables/",
        "utils/",
        "components/",
        "layouts/",
        "store/",
    ];
    let in_src = path.strip_prefix("app/").unwrap_or(path);
    server.iter().any(|p| path.starts_with(p))
        || app.iter().any(|p| in_src.starts_with(p))
        || matches!(split_name(in_src), ("", "app" | "error"))
        // Local modules (`modules/*.ts`, `modules/*/index.ts`) are registered by Nuxt itself;
        // `shared/utils` and `shared/types` are auto-imported on both sides (Nuxt 4).
        || (path.starts_with("modules/")
            && (path.matches('/').count() == 1 || split_name(path).1 == "index"))
        || path.starts_with("shared/utils/")
        || path.starts_with("shared/types/")
}

/// unplugin-vue-components registers the single-file components of a `components/` folder (its
/// default `dirs`, under whatever Vite `root` the config sets) where templates use them.
fn vue_components_convention(path: &str) -> bool {
    path.ends_with(".vue") && (path.starts_with("components/") || path.contains("/components/"))
}

fn astro_convention(path: &str) -> bool {
    path.starts_with("src/pages/") || split_name(path) == ("src/", "middleware")
}

/// `loggingrc.js`, `.mocharc.cjs`, `MigratorConfig.js`, `knexfile.ts`, `gulpfile.js`.
fn is_tool_config(name: &str) -> bool {
    let stem = strip_source_extension(name);
    if stem == name {
        return false;
    }
    let lower = stem.to_ascii_lowercase();
    lower.ends_with("rc")
        || lower.ends_with("config")
        || matches!(
            lower.as_str(),
            "knexfile" | "gulpfile" | "gruntfile" | "jakefile"
        )
}

/// Commands that run a file given as an argument.
fn is_runner(token: &str) -> bool {
    let name = token.rsplit('/').next().unwrap_or(token);
    matches!(
        name,
        "node"
            | "nodejs"
            | "tsx"
            | "ts-node"
            | "ts-node-dev"
            | "ts-node-esm"
            | "nodemon"
            | "node-dev"
            | "babel-node"
            | "esno"
            | "esr"
            | "vite-node"
            | "bun"
            | "deno"
            | "pm2"
            | "pm2-runtime"
            | "forever"
            | "supervisor"
    )
}

fn looks_like_path(token: &str) -> bool {
    !token.contains('=')
        && (token.contains('/') || EXTENSIONS.iter().any(|e| token.ends_with(&format!(".{e}"))))
}

fn strip_source_extension(path: &str) -> &str {
    for ext in EXTENSIONS {
        if let Some(stem) = path.strip_suffix(&format!(".{ext}")) {
            return stem;
        }
    }
    path
}

/// Every path in an `exports` map, through all conditions (types excluded).
fn export_targets(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| export_targets(v, out)),
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if key != "types" && key != "typings" {
                    export_targets(v, out);
                }
            }
        }
        _ => {}
    }
}

/// String values of `key: '…'` / `"key": "…"` in JS or JSON text.
fn property_strings(text: &str, key: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + key.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = after.trim_start_matches(['"', '\'']).trim_start();
        let Some(after) = after.strip_prefix(':') else {
            continue;
        };
        let after = after.trim_start();
        let Some(quote) = after
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            continue;
        };
        if let Some(end) = after[1..].find(quote) {
            values.push(after[1..1 + end].to_string());
        }
    }
    values
}

/// An HTML attribute's value in a tag's text.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let after = rest[i + name.len()..].trim_start();
        rest = &rest[i + name.len()..];
        if let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let end = value[1..].find(quote)?;
                return Some(&value[1..1 + end]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pm2_script_values_are_read_from_text() {
        let text = "module.exports = { apps: [{ name: 'api', script: './src/index.js' }, { \"script\": \"worker.js\" }] };";
        assert_eq!(
            property_strings(text, "script"),
            vec!["./src/index.js".to_string(), "worker.js".to_string()]
        );
    }

    #[test]
    fn framework_conventions_match_their_files_only() {
        assert!(next_convention("app/dashboard/page.tsx"));
        assert!(next_convention("src/app/api/users/route.ts"));
        assert!(next_convention("middleware.ts"));
        assert!(!next_convention("app/dashboard/chart.tsx"));
        assert!(sveltekit_convention("src/routes/blog/+page.server.ts"));
        assert!(!sveltekit_convention("src/lib/db.ts"));
        assert!(remix_convention("app/routes/_index.tsx"));
        assert!(nuxt_convention("server/api/users.get.ts"));
        assert!(nuxt_convention("app/components/status/StatusCard.vue"));
        assert!(nuxt_convention("app/app.vue"));
        assert!(nuxt_convention("modules/purge-comments.ts"));
        assert!(nuxt_convention("modules/pwa/index.ts"));
        assert!(nuxt_convention("store/libraries.js"));
        assert!(vue_components_convention(
            "frontend/src/components/ArrayInput.vue"
        ));
        assert!(!vue_components_convention(
            "frontend/src/layouts/EmptyLayout.vue"
        ));
        assert!(!vue_components_convention(
            "frontend/src/components/util.ts"
        ));
        assert!(!nuxt_convention("modules/pwa/config.ts"));
        assert!(!nuxt_convention("app/constants/index.ts"));
    }

    #[test]
    fn tool_configs_are_recognised_by_name() {
        assert!(is_tool_config("loggingrc.js"));
        assert!(is_tool_config("MigratorConfig.js"));
        assert!(is_tool_config("knexfile.ts"));
        assert!(!is_tool_config("index.js"));
        assert!(!is_tool_config("source.js"));
        assert!(!is_tool_config("config.json"));
    }

    #[test]
    fn script_runners_and_paths() {
        assert!(is_runner("node"));
        assert!(is_runner("./node_modules/.bin/tsx"));
        assert!(!is_runner("vitest"));
        assert!(looks_like_path("src/index.js"));
        assert!(!looks_like_path("--inspect"));
        assert!(!looks_like_path("NODE_ENV=production"));
    }
}
