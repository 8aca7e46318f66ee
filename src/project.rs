//! Runs discover → parse → resolve → graph and holds the result every check reads.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::{DiscoverOptions, Discovery, Skipped, SourceFile, discover};
use crate::error::{Error, Result};
use crate::facts::ModuleFacts;
use crate::file_role::{FileRole, file_role};
use crate::graph::{ImportEdge, ModuleGraph};
use crate::manifest::Manifests;
use crate::parse::parse_module;
use crate::resolve::{ModuleResolver, Resolution};

/// Files above this size whose average line is longer than [`MINIFIED_LINE_LENGTH`] are
/// minified bundles: listed as skipped rather than parsed.
pub const MINIFIED_MIN_BYTES: u64 = 512 * 1024;
/// Average line length (bytes) above which a large file counts as minified.
pub const MINIFIED_LINE_LENGTH: u64 = 1000;

/// One analysed source file.
#[derive(Debug)]
pub struct Module {
    /// The file.
    pub file: SourceFile,
    /// What parse extracted.
    pub facts: ModuleFacts,
    /// One resolution per `facts.imports` entry, same order.
    pub resolutions: Vec<Resolution>,
    /// Production, test or config.
    pub role: FileRole,
    /// One resolution per `facts.commented.imports` entry (imports inside comments).
    pub commented_resolutions: Vec<Resolution>,
}

/// Settings for one analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalyseOptions {
    /// The tree to audit.
    pub root: PathBuf,
    /// Walk settings.
    pub discover: DiscoverOptions,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Extra entry points (`--entry FILE`), absolute or relative to the root.
    pub entries: Vec<PathBuf>,
}

/// A fully analysed tree.
pub struct Project {
    /// Canonical root.
    pub root: PathBuf,
    /// Analysed modules sorted by relative path; the index is the graph node.
    pub modules: Vec<Module>,
    /// Every `package.json`.
    pub manifests: Manifests,
    /// The import graph.
    pub graph: ModuleGraph,
    /// What discovery found besides sources.
    pub discovery: Discovery,
    /// Files not analysed, with the reason.
    pub skipped: Vec<Skipped>,
    /// Environment variable declarations read from `discovery.env_files` (names, never values).
    pub env_declarations: crate::env::Declarations,
    /// Entry points given with `--entry`.
    pub extra_entries: Vec<PathBuf>,
    /// Entries and reachability, computed on first use ([`Project::entry_points`]).
    pub entry_points_cache: std::sync::OnceLock<crate::entries::EntryPoints>,
    /// The route table, computed on first use ([`Project::route_table`]).
    pub route_table_cache: std::sync::OnceLock<crate::routes::RouteTable>,
}

impl Project {
    /// The module at an absolute path.
    pub fn module_at(&self, path: &Path) -> Option<usize> {
        // Modules are sorted by their `/`-separated relative path, which is not `Path`
        // order (`a-b` sorts before `a/b` as text, after it as components): search by the
        // relative path, never by a linear scan (this runs once per resolved import).
        path.strip_prefix(&self.root).ok()?;
        self.module_by_rel(&self.relative(path))
            .filter(|&i| self.modules[i].file.path == path)
    }

    /// The module with a root-relative path.
    pub fn module_by_rel(&self, rel: &str) -> Option<usize> {
        self.modules
            .binary_search_by(|m| m.file.rel.as_str().cmp(rel))
            .ok()
    }

    /// A path relative to the root, `/`-separated.
    pub fn relative(&self, path: &Path) -> String {
        crate::discover::relative(&self.root, path)
    }
}

enum Loaded {
    Module(SourceFile, Box<ModuleFacts>),
    Skipped(Skipped),
}

fn load(file: SourceFile) -> Loaded {
    let skip = |file: &SourceFile, reason: String| {
        Loaded::Skipped(Skipped {
            file: file.rel.clone(),
            reason,
        })
    };
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => return skip(&file, format!("cannot read: {}", io_reason(&e))),
    };
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return skip(
            &file,
            "binary file (contains NUL bytes), not JavaScript/TypeScript".to_string(),
        );
    }
    let size = bytes.len() as u64;
    if size >= MINIFIED_MIN_BYTES {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        if size / lines > MINIFIED_LINE_LENGTH {
            return skip(
                &file,
                format!(
                    "minified bundle ({:.1} MB on {lines} line{}), not analysed",
                    size as f64 / 1e6,
                    if lines == 1 { "" } else { "s" }
                ),
            );
        }
    }
    let facts = parse_module(file.dialect, &bytes);
    Loaded::Module(file, Box::new(facts))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "file vanished during the walk".to_string(),
        _ => e.to_string(),
    }
}

/// Discovers, parses, resolves and graphs the tree.
pub fn analyse(options: &AnalyseOptions) -> Result<Project> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot start {} worker threads: {e}",
                options.threads
            ))
        })?;
    pool.install(|| analyse_in_pool(options))
}

fn analyse_in_pool(options: &AnalyseOptions) -> Result<Project> {
    let mut discover_options = options.discover.clone();
    discover_options.threads = options.threads;
    let mut discovery = discover(&options.root, &discover_options)?;
    let root = discovery.root.clone();
    let sources = std::mem::take(&mut discovery.sources);

    let loaded: Vec<Loaded> = sources.into_par_iter().map(load).collect();
    let mut skipped = std::mem::take(&mut discovery.skipped);
    let mut parsed = Vec::with_capacity(loaded.len());
    for item in loaded {
        match item {
            Loaded::Module(file, facts) => parsed.push((file, *facts)),
            Loaded::Skipped(s) => skipped.push(s),
        }
    }
    skipped.sort();

    let manifests = Manifests::load(&discovery.package_jsons);
    let mut known_files: Vec<PathBuf> = parsed.iter().map(|(f, _)| f.path.clone()).collect();
    known_files.extend(discovery.other_files.iter().cloned());
    known_files.extend(discovery.data_files.iter().cloned());
    let resolver = ModuleResolver::new(&root, &known_files, &discovery.tsconfigs);

    let modules: Vec<Module> = parsed
        .into_par_iter()
        .map(|(file, facts)| {
            let resolutions = facts
                .imports
                .iter()
                .map(|import| resolver.resolve(&file.path, import, &manifests))
                .collect();
            let role = file_role(&file.rel);
            let commented_resolutions = facts
                .commented
                .imports
                .iter()
                .map(|import| resolver.resolve(&file.path, import, &manifests))
                .collect();
            Module {
                file,
                facts,
                resolutions,
                role,
                commented_resolutions,
            }
        })
        .collect();

    let graph = build_graph(&modules);
    let env_declarations = crate::env::load_declarations(&root, &discovery.env_files);
    Ok(Project {
        root,
        modules,
        manifests,
        graph,
        discovery,
        skipped,
        env_declarations,
        extra_entries: options.entries.clone(),
        entry_points_cache: std::sync::OnceLock::new(),
        route_table_cache: std::sync::OnceLock::new(),
    })
}

fn build_graph(modules: &[Module]) -> ModuleGraph {
    let index: std::collections::HashMap<&Path, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.file.path.as_path(), i))
        .collect();
    let mut graph = ModuleGraph::with_modules(modules.len());
    for (from, module) in modules.iter().enumerate() {
        for (i, (import, resolution)) in module
            .facts
            .imports
            .iter()
            .zip(&module.resolutions)
            .enumerate()
        {
            let target = match resolution {
                Resolution::File { path } => index.get(path.as_path()),
                Resolution::CaseMismatch { actual } => index.get(actual.as_path()),
                _ => None,
            };
            if let Some(&to) = target {
                graph.add_edge(
                    from,
                    to,
                    ImportEdge {
                        import: i,
                        kind: import.kind,
                    },
                );
            }
        }
    }
    graph
}
