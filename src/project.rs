//! Runs discover → parse → resolve → graph and holds the result every check reads.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{self, CacheEntry, FactCache};
use crate::config::Config;
use crate::timings::{self, Work};
use std::time::Instant;

use crate::discover::{DiscoverOptions, Discovery, Skipped, SourceFile, discover};
use crate::error::{Error, Result};
use crate::facts::{ImportKind, ModuleFacts};
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
    /// The tsconfig that compiles it (TypeScript files only).
    pub tsconfig: Option<PathBuf>,
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
    /// The configuration; its `ignore` globs are added to the walk's.
    pub config: Config,
    /// Fact cache directory (outside the tree); `None` parses every file.
    pub cache_dir: Option<PathBuf>,
    /// Progress reports while discovering and parsing.
    pub progress: Option<ProgressSink>,
}

/// What the analysis is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressEvent {
    /// The walk found this many source files.
    Discovered(usize),
    /// One more source file was loaded (parsed or taken from the cache).
    Loaded,
    /// Parsing is over; resolving and checking follow.
    Parsed,
}

/// A callback receiving [`ProgressEvent`]s from worker threads.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

impl ProgressSink {
    fn emit(sink: &Option<ProgressSink>, event: ProgressEvent) {
        if let Some(sink) = sink {
            (sink.0)(event);
        }
    }
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
    /// Per module: loaded only as an asset, computed on first use ([`Project::is_asset_only`]).
    pub asset_only_cache: std::sync::OnceLock<Vec<bool>>,
    /// Per module: an entry runs it, computed on first use ([`Project::retired_because`]).
    pub run_by_entry_cache: std::sync::OnceLock<Vec<bool>>,
    /// Per module: a script the browser loads (see [`Project::copes_without`]), computed on
    /// first use.
    pub browser_script_cache: std::sync::OnceLock<Vec<bool>>,
    /// Counts that checks report for the summary (`unanalysable_export_shapes`), by key.
    pub counters: std::sync::Mutex<std::collections::BTreeMap<&'static str, usize>>,
    /// The configuration (`entries`, `routes`, `env`, `paths`, … for the checks to read).
    pub config: Config,
    /// Workspaces, tsconfig problems, bundler aliases and generated paths the resolver used.
    pub toolchain: crate::toolchain::Toolchain,
}

impl Project {
    /// Records a summary count (replacing an earlier value for the same key).
    pub fn set_counter(&self, key: &'static str, value: usize) {
        self.counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, value);
    }

    /// Whether module `m` is only loaded as an asset (a URL or raw text), never as code: its
    /// imports are not part of any build ([`crate::assets`]).
    pub fn is_asset_only(&self, m: usize) -> bool {
        self.asset_only_cache
            .get_or_init(|| crate::assets::asset_only_modules(self))
            .get(m)
            .copied()
            .unwrap_or(false)
    }

    /// Whether module `m` runs without the target of its `import`: the import sits in a `try`
    /// with a `catch`, or on a module-system branch of a UMD wrapper in a browser script: a
    /// file that no module of the tree imports (other than through such branches of other
    /// browser scripts, which never run) and that is no entry Node runs (`main`, a start
    /// script). A vendored bundle the browser loads from a script tag (or that a server serves
    /// from its static folder) takes the globals branch; a bundler (which resolves every
    /// `require`) or Node takes the CommonJS one.
    pub fn copes_without(&self, m: usize, import: &crate::facts::Import) -> bool {
        import.optional
            || (import.module_system_branch
                && self
                    .browser_script_cache
                    .get_or_init(|| self.browser_scripts())
                    .get(m)
                    .copied()
                    .unwrap_or(false))
    }

    /// Per module: no entry Node runs it, and every module importing it does so on a UMD
    /// module-system branch of a module that is itself such a script (the greatest such set:
    /// vendored wrappers that name each other only in their CommonJS branches).
    fn browser_scripts(&self) -> Vec<bool> {
        let entries = &self.entry_points().entries;
        let mut script: Vec<bool> = (0..self.modules.len())
            .map(|m| {
                !entries
                    .binary_search_by_key(&m, |e| e.file)
                    .is_ok_and(|i| !entries[i].bundled)
            })
            .collect();
        let on_branch = |from: usize, import: usize| {
            self.modules[from]
                .facts
                .imports
                .get(import)
                .is_some_and(|i| i.module_system_branch)
        };
        // A module imported for real (outside a UMD branch) is no browser script; one that is
        // not makes the imports of its UMD branches real in turn.
        for (m, is_script) in script.iter_mut().enumerate() {
            if self
                .graph
                .importers_of(m)
                .any(|(from, edge)| !on_branch(from, edge.import))
            {
                *is_script = false;
            }
        }
        let mut queue: Vec<usize> = (0..self.modules.len()).filter(|&m| !script[m]).collect();
        while let Some(from) = queue.pop() {
            for (to, _) in self.graph.imports_of(from) {
                if script[to] {
                    script[to] = false;
                    queue.push(to);
                }
            }
        }
        script
    }

    /// Why module `m` is retired code nothing runs, when it is: it sits in an archive folder
    /// or a path the project's dependency checker leaves out ([`crate::toolchain::retired`]),
    /// or it only lists imports whose names it never uses (a check that they resolve, red by
    /// design once a list of old imports is kept), and no entry (production, script, test or
    /// config) runs it through imports or loaders. Such a list needs only that nothing imports
    /// it and no entry but its test folder names it: it holds no test, and exports nothing a
    /// loader could want.
    /// A path written as a string does not count here: the folder's own archive script and a
    /// lint config's `ignores: ['migrations/archives']` name it without running it.
    pub fn retired_because(&self, m: usize) -> Option<String> {
        let module = self.modules.get(m)?;
        if module.facts.import_probe {
            // It exports nothing, so no loader wants it (a directory scan that reaches it
            // loads its neighbours for what they export), and a "test file" without a test
            // is no test: only an import or an entry of another kind runs it.
            let points = self.entry_points();
            let entry = points
                .entries
                .iter()
                .any(|e| e.file == m && e.kind != crate::entries::EntryKind::Test);
            return (!entry && self.graph.importers_of(m).next().is_none())
                .then(|| "it only lists imports, binding names it never uses".to_string());
        }
        let reason = self
            .toolchain
            .retired
            .reason(&self.root, &module.file.path)?;
        let run = self.run_by_entry_cache.get_or_init(|| {
            let points = self.entry_points();
            let starts: Vec<usize> = points.entries.iter().map(|e| e.file).collect();
            self.graph
                .reachable_from(&starts, &points.loads, |_, _| 0)
                .iter()
                .map(Option::is_some)
                .collect()
        });
        (!run.get(m).copied().unwrap_or(true)).then_some(reason)
    }

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
    Module(Box<LoadedModule>),
    Skipped(Skipped),
}

/// A loaded file, the cache entry to keep for it, and whether the cache missed it.
struct LoadedModule {
    file: SourceFile,
    facts: ModuleFacts,
    entry: Option<CacheEntry>,
    missed: bool,
}

impl Loaded {
    /// A parsed file, or its skip when what parsing found says it is no source after all.
    fn parsed(
        file: SourceFile,
        bytes: &[u8],
        mut facts: ModuleFacts,
        entry: Option<CacheEntry>,
        missed: bool,
    ) -> Self {
        if crate::discover::is_type_declaration(&file.path) {
            // A declaration file is never emitted or run: everything it imports, at the top or
            // in a `declare module "x" { import … }` block, is for the type checker only.
            for import in &mut facts.imports {
                import.kind = crate::facts::ImportKind::TypeOnly;
            }
        }
        if let Some(reason) = parsed_skip_reason(bytes, &facts) {
            return Loaded::Skipped(Skipped {
                file: file.rel.clone(),
                reason,
            });
        }
        Loaded::Module(Box::new(LoadedModule {
            file,
            facts,
            entry,
            missed,
        }))
    }
}

/// Frees `value` on a thread of its own: large structures (a project's modules, the
/// resolvers' caches) take tens of milliseconds to free, time the caller need not wait for.
/// Should no thread start, `value` is freed here.
pub fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("treeaudit-free".into())
        .spawn(move || drop(value));
}

/// Reads and parses one file, or takes its facts from the cache. Also returns the entry to
/// keep in the cache and whether it was a miss.
fn load(
    mut file: SourceFile,
    stated: Option<&std::fs::Metadata>,
    cache: Option<&FactCache>,
) -> Loaded {
    let read = timings::work(Work::Read, || {
        crate::discover::read_regular_file_stated(&file.path, MAX_SOURCE_BYTES, stated)
    });
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::Other => {
            return Loaded::Skipped(Skipped {
                file: file.rel.clone(),
                reason: e.to_string(),
            });
        }
        Err(e) => {
            return Loaded::Skipped(Skipped {
                file: file.rel.clone(),
                reason: format!("cannot read: {}", io_reason(&e)),
            });
        }
    };
    // Discovery does not stat files; the size is known once the file is read.
    file.size = bytes.len() as u64;
    if let Some(reason) = source_skip_reason(&bytes) {
        return Loaded::Skipped(Skipped {
            file: file.rel.clone(),
            reason,
        });
    }
    let parse = |bytes: &[u8]| timings::work(Work::Parse, || parse_module(file.dialect, bytes));
    let Some(cache) = cache else {
        let facts = parse(&bytes);
        return Loaded::parsed(file, &bytes, facts, None, false);
    };
    let (key, cached) = timings::work(Work::Cache, || {
        let key = cache::key(file.dialect, &bytes);
        (key, cache.get(key))
    });
    if let Some(facts) = cached {
        let entry = CacheEntry { key, bytes: None };
        return Loaded::parsed(file, &bytes, facts, Some(entry), false);
    }
    let facts = parse(&bytes);
    let entry = timings::work(Work::Cache, || FactCache::encode(key, &facts));
    Loaded::parsed(file, &bytes, facts, entry, true)
}

/// Why a source file that was parsed is not analysed after all, or `None`. Shared by
/// [`analyse`] and `drift`, like [`source_skip_reason`].
///
/// A file that stops parsing inside an EJS/ERB tag (`<%= … %>`, `<%- … %>`, `<% … %>`) is a
/// template whose *output* is JavaScript: the server reads it as text and renders it
/// (`ejs.render(fs.readFileSync('padBootstrap.js'))`), and neither Node nor a bundler loads
/// the file itself. A tag inside a string literal parses and is never looked at; a genuine
/// syntax error elsewhere in the file is still reported.
pub fn parsed_skip_reason(bytes: &[u8], facts: &ModuleFacts) -> Option<String> {
    let first_error = facts.syntax_errors.iter().map(|e| e.span.start).min()? as usize;
    stops_inside_template_tag(bytes, first_error).then(|| {
        "template with EJS/ERB tags (`<% … %>`) that renders to JavaScript, not JavaScript itself: not analysed".to_string()
    })
}

/// Whether byte `offset` lies inside (or at the start of) a `<% … %>` tag that opens on its
/// line.
fn stops_inside_template_tag(bytes: &[u8], offset: usize) -> bool {
    let offset = offset.min(bytes.len());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // The tag may start a byte or two after the reported offset (`<` of `<%` or `%`).
    let window_end = (offset + 2).min(bytes.len());
    let Some(open) = bytes[line_start..window_end]
        .windows(2)
        .rposition(|w| w == b"<%")
        .map(|i| line_start + i)
    else {
        return false;
    };
    bytes[open + 2..]
        .windows(2)
        .position(|w| w == b"%>")
        .is_some_and(|close| offset <= open + 2 + close + 2)
}

/// Why a source file's content is not analysed (binary, minified bundle), or `None` to parse it.
/// Shared by [`analyse`] and `drift`, which reads and hashes files itself.
pub fn source_skip_reason(bytes: &[u8]) -> Option<String> {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Some("binary file (contains NUL bytes), not JavaScript/TypeScript".to_string());
    }
    let size = bytes.len() as u64;
    if size > MAX_SOURCE_BYTES {
        return Some(format!(
            "{:.1} MB, over the {} MB per-file budget, not analysed",
            size as f64 / 1e6,
            MAX_SOURCE_BYTES / (1024 * 1024)
        ));
    }
    if size >= DATA_MIN_BYTES && is_mostly_literals(bytes) {
        // A syntax tree costs tens of bytes per source byte: a 50 MB array literal would take
        // gigabytes to parse and holds no imports worth the memory.
        return Some(format!(
            "data file ({:.1} MB of literals, almost no code), not analysed",
            size as f64 / 1e6
        ));
    }
    if size >= MINIFIED_MIN_BYTES {
        // A large file ending in a source-map comment is build output (webpack/esbuild/tsc
        // bundles): its sources are what to audit, and parsing it costs more than the rest of
        // a typical tree (ghost's 37 MB core/built took 82% of parse time).
        let tail = &bytes[bytes.len().saturating_sub(512)..];
        if tail.windows(17).any(|w| w == b"sourceMappingURL=") {
            return Some(format!(
                "compiled bundle ({:.1} MB, has a source map), not analysed: audit its sources",
                size as f64 / 1e6
            ));
        }
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        if size / lines > MINIFIED_LINE_LENGTH {
            return Some(format!(
                "minified bundle ({:.1} MB on {lines} line{}), not analysed",
                size as f64 / 1e6,
                if lines == 1 { "" } else { "s" }
            ));
        }
    }
    None
}

/// Files at least this large are parsed before the others (see [`analyse_walked`]).
const BIG_FILE_BYTES: u64 = 64 * 1024;

/// Source files larger than this are not parsed (the largest hand-written or generated
/// sources in real trees are a few megabytes; parsing costs tens of bytes of memory per byte).
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;
/// Files at least this large are checked for being data (array/object literals) rather than code.
pub const DATA_MIN_BYTES: u64 = 1024 * 1024;

/// Whether a file is almost only literals: outside string literals, fewer than one byte in
/// twenty is an identifier character. Code is mostly identifiers and keywords; a JSON-like
/// array, a table of numbers or a wall of brackets is not.
fn is_mostly_literals(bytes: &[u8]) -> bool {
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let (mut code, mut other) = (0u64, 0u64);
    for &b in bytes {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q || b == b'\n' {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' | b'`' => quote = Some(b),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' | 0x80..=0xff => code += 1,
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => other += 1,
        }
    }
    code * 20 < code + other
}

/// The most worker threads a command starts: more than a few per core only adds contention,
/// and thousands exhaust the process's memory maps (`--threads 100000` used to panic).
pub fn max_threads() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get()) * 4
}

/// `threads` limited to [`max_threads`] (0 stays 0: one per core).
pub fn clamp_threads(threads: usize) -> usize {
    threads.min(max_threads())
}

/// Why a file could not be read, in words.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "file vanished during the walk".to_string(),
        _ => e.to_string(),
    }
}

/// Discovers, parses, resolves and graphs the tree.
pub fn analyse(options: &AnalyseOptions) -> Result<Project> {
    in_thread_pool(options.threads, || analyse_in_pool(options))
}

/// Runs `work` on a rayon pool of `threads` workers (0 = one per core), so `--threads` bounds
/// every parallel stage of one command.
pub fn in_thread_pool<T: Send>(
    threads: usize,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let threads = clamp_threads(threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} worker threads: {e}")))?;
    pool.install(work)
}

/// [`in_thread_pool`] whose every worker records its file-system accesses in `log`.
pub fn in_recording_pool<T: Send>(
    threads: usize,
    log: std::sync::Arc<crate::access::AccessLog>,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let threads = clamp_threads(threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| crate::access::AccessLog::install(Some(log.clone())))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} worker threads: {e}")))?;
    pool.install(work)
}

fn analyse_in_pool(options: &AnalyseOptions) -> Result<Project> {
    let discovery = walk(options)?;
    analyse_walked(options, discovery)
}

/// The walk of an analysis: which files the tree holds.
pub fn walk(options: &AnalyseOptions) -> Result<Discovery> {
    let mut discover_options = options.discover.clone();
    discover_options.threads = options.threads;
    discover_options
        .ignore
        .extend(options.config.ignore_globs());
    if let Some(dir) = &options.cache_dir
        && cache::is_inside(dir, &options.root)
    {
        return Err(Error::Usage(format!(
            "{}: the cache directory is inside the audited tree; treeaudit never writes there",
            dir.display()
        )));
    }
    let discovery = timings::stage("walk", || discover(&options.root, &discover_options))?;
    for entry in &options.entries {
        // A mistyped --entry would otherwise be ignored and every file it reaches reported.
        if !crate::access::is_file(discovery.root.join(entry)) {
            return Err(Error::Usage(format!(
                "--entry {}: no such file in {}",
                entry.display(),
                options.root.display()
            )));
        }
    }
    Ok(discovery)
}

/// The rest of an analysis, after [`walk`].
pub fn analyse_walked(options: &AnalyseOptions, mut discovery: Discovery) -> Result<Project> {
    let root = discovery.root.clone();
    let sources = std::mem::take(&mut discovery.sources);
    ProgressSink::emit(&options.progress, ProgressEvent::Discovered(sources.len()));

    let cache = options
        .cache_dir
        .as_ref()
        .map(|dir| FactCache::open(dir, &root));
    let loaded: Vec<Loaded> = timings::stage("read+parse", || {
        // Big files first (a stat each, in parallel): one started last would keep one thread
        // busy while the others idle. The rest keep discovery order (neighbouring files parse
        // faster together: sorting every file by size cost 4% on a 50k-file tree). Results go
        // back to discovery order below.
        // The stat is kept: reading needs no second one.
        let mut ordered: Vec<(u64, usize, SourceFile, Option<std::fs::Metadata>)> = sources
            .into_par_iter()
            .enumerate()
            .map(|(i, file)| {
                let meta = crate::access::metadata(&file.path).ok();
                (meta.as_ref().map_or(0, |m| m.len()), i, file, meta)
            })
            .collect();
        ordered.sort_by_key(|&(size, i, _, _)| {
            let big = size >= BIG_FILE_BYTES;
            (!big, if big { u64::MAX - size } else { 0 }, i)
        });
        let mut loaded: Vec<(usize, Loaded)> = ordered
            .into_par_iter()
            .with_max_len(1)
            .map(|(_, i, file, meta)| {
                let item = load(file, meta.as_ref(), cache.as_ref());
                ProgressSink::emit(&options.progress, ProgressEvent::Loaded);
                (i, item)
            })
            .collect();
        loaded.sort_unstable_by_key(|(i, _)| *i);
        loaded
            .into_iter()
            .map(|(_, item)| item)
            .collect::<Vec<Loaded>>()
    });
    ProgressSink::emit(&options.progress, ProgressEvent::Parsed);
    let mut skipped = std::mem::take(&mut discovery.skipped);
    let mut parsed = Vec::with_capacity(loaded.len());
    let mut entries = Vec::new();
    let mut misses = 0;
    for item in loaded {
        match item {
            Loaded::Module(module) => {
                let LoadedModule {
                    file,
                    facts,
                    entry,
                    missed,
                } = *module;
                parsed.push((file, facts));
                entries.extend(entry);
                misses += usize::from(missed);
            }
            Loaded::Skipped(s) => skipped.push(s),
        }
    }
    if let Some(cache) = &cache
        && cache.needs_write(&entries, misses)
    {
        // A cache that cannot be written costs speed, not correctness: the run goes on.
        let _ = timings::stage("cache write", || cache.write(entries));
    }
    skipped.sort();
    Ok(assemble(
        discovery,
        parsed,
        skipped,
        options.entries.clone(),
        options.config.clone(),
    ))
}

/// Resolves and graphs already-parsed sources of one tree. `drift` parses two trees with one
/// content-keyed cache and then assembles each tree with this.
pub fn assemble(
    discovery: Discovery,
    parsed: Vec<(SourceFile, ModuleFacts)>,
    skipped: Vec<Skipped>,
    extra_entries: Vec<PathBuf>,
    config: Config,
) -> Project {
    let root = discovery.root.clone();
    let setup = Instant::now();
    // A root package.json that only a Dockerfile or CI step creates (copied from a committed
    // template) is the root's manifest, as it is before any install.
    let pipelines = crate::toolchain::workflows::pipeline_files(&root, &discovery.env_files);
    let manifest_copies =
        crate::toolchain::workflows::manifest_copies(&root, &pipelines, &discovery.package_jsons);
    let written =
        crate::toolchain::workflows::written_manifests(&root, &pipelines, &discovery.package_jsons);
    let manifests = Manifests::load_with_created(
        &discovery.package_jsons,
        &manifest_copies
            .iter()
            .map(|c| (c.dest.clone(), c.source.clone()))
            .collect::<Vec<_>>(),
        &written,
    );
    let mut known_files: Vec<PathBuf> = parsed.iter().map(|(f, _)| f.path.clone()).collect();
    known_files.extend(discovery.other_files.iter().cloned());
    known_files.extend(discovery.data_files.iter().cloned());
    known_files.extend(discovery.ignored.iter().cloned());
    // Folders a package names by path in its code (scaffold templates it copies at run time, or
    // checks out of its repository).
    let per_file = |field: fn(&ModuleFacts) -> &Vec<String>| -> Vec<(PathBuf, Vec<String>)> {
        parsed
            .iter()
            .filter(|(_, facts)| !field(facts).is_empty())
            .map(|(file, facts)| (file.path.clone(), field(facts).clone()))
            .collect()
    };
    let named = crate::toolchain::templates::NamedFolders {
        path_literals: per_file(|f| &f.path_literals),
        checked_out: per_file(|f| &f.checked_out_paths),
    };
    let mut toolchain = crate::toolchain::Toolchain::load(
        &root,
        &known_files,
        &discovery.tsconfigs,
        &manifests,
        &named,
    );
    // Workflows are env declaration files too (their `env:` blocks).
    toolchain.workflow_installs = crate::toolchain::workflows::load(&root, &pipelines);
    toolchain.manifest_copies = manifest_copies;
    let resolver = ModuleResolver::new(
        &root,
        &known_files,
        &discovery.tsconfigs,
        &toolchain,
        &manifests,
    );

    timings::record("toolchain", setup.elapsed());
    let resolving = Instant::now();
    let modules: Vec<Module> = parsed
        .into_par_iter()
        .map(|(file, facts)| {
            let resolutions = timings::work(Work::Resolve, || {
                facts
                    .imports
                    .iter()
                    .map(|import| resolver.resolve(&file.path, import, &manifests))
                    .collect()
            });
            let role = file_role(&file.rel);
            let commented_resolutions = facts
                .commented
                .imports
                .iter()
                .map(|import| resolver.resolve(&file.path, import, &manifests))
                .collect();
            let tsconfig = resolver.tsconfig_compiling(&file.path);
            Module {
                file,
                facts,
                resolutions,
                role,
                commented_resolutions,
                tsconfig,
            }
        })
        .collect();

    let tsconfig_failures = resolver.tsconfig_failures().to_vec();
    resolver.release();
    toolchain
        .tsconfig_repairs
        .problems
        .extend(tsconfig_failures);
    toolchain.tsconfig_repairs.problems.sort();
    timings::record("resolve", resolving.elapsed());
    let graph = timings::stage("graph", || build_graph(&modules));
    let mut env_declarations = timings::stage("env files", || {
        crate::env::load_declarations(&root, &discovery.env_files, &discovery.data_files)
    });
    // An env file the walk could not read (a named pipe, a link out of the tree) declares
    // unknown variables, exactly like one the OS refused to read.
    for skip in &skipped {
        if crate::discover::is_env_declaration(&skip.file) {
            env_declarations.problems.push(Skipped {
                file: skip.file.clone(),
                reason: format!(
                    "{}: {}",
                    crate::checks::unreadable_env_file::READ_FAILURE,
                    skip.reason
                ),
            });
        }
    }
    env_declarations.problems.sort();
    Project {
        root,
        modules,
        manifests,
        graph,
        discovery,
        skipped,
        env_declarations,
        extra_entries,
        entry_points_cache: std::sync::OnceLock::new(),
        route_table_cache: std::sync::OnceLock::new(),
        asset_only_cache: std::sync::OnceLock::new(),
        run_by_entry_cache: std::sync::OnceLock::new(),
        browser_script_cache: std::sync::OnceLock::new(),
        counters: Default::default(),
        config,
        toolchain,
    }
}

fn build_graph(modules: &[Module]) -> ModuleGraph {
    let index: std::collections::HashMap<&Path, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.file.path.as_path(), i))
        .collect();
    let mut graph = ModuleGraph::with_modules(modules.len());
    for (from, module) in modules.iter().enumerate() {
        let declaration = crate::discover::is_type_declaration(&module.file.path);
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
                // Nothing in a declaration file runs: its imports only bring types.
                let kind = if declaration {
                    ImportKind::TypeOnly
                } else {
                    import.kind
                };
                graph.add_edge(from, to, ImportEdge { import: i, kind });
            }
        }
    }
    graph
}

/// What [`parse_only`] did: the files it parsed and their total size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseStats {
    /// Source files parsed.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Files discovered but not parsed (minified, binary, unreadable).
    pub skipped: usize,
}

/// Discovers and parses the tree on every core and does nothing else: the floor that `check`
/// is benchmarked against (benches/bench.sh).
pub fn parse_only(options: &AnalyseOptions) -> Result<ParseStats> {
    in_thread_pool(options.threads, || {
        let mut discover_options = options.discover.clone();
        discover_options.threads = options.threads;
        let discovery = discover(&options.root, &discover_options)?;
        let (files, bytes, skipped) = discovery
            .sources
            .into_par_iter()
            .map(|file| match load(file, None, None) {
                Loaded::Module(module) => (1, module.file.size, 0),
                Loaded::Skipped(_) => (0, 0, 1),
            })
            .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        Ok(ParseStats {
            files,
            bytes,
            skipped: skipped + discovery.skipped.len(),
        })
    })
}

#[cfg(test)]
mod skip_tests {
    use super::{parsed_skip_reason, source_skip_reason};
    use crate::discover::Dialect;

    #[test]
    fn a_file_that_stops_parsing_inside_an_ejs_tag_is_a_template() {
        let skip = |source: &str| {
            parsed_skip_reason(
                source.as_bytes(),
                &crate::parse::parse_module(Dialect::JavaScript, source.as_bytes()),
            )
        };
        let template = "window.clientVars = {\n  version: <%-JSON.stringify(version)%>,\n};\n<% if (plugins) { %>\nload();\n<% } %>\n";
        assert!(skip(template).is_some_and(|r| r.contains("EJS")));
        // Tags in a string parse; an error away from any tag is a syntax error.
        assert_eq!(skip("const page = '<%= title %>';\n"), None);
        assert_eq!(skip("const page = '<%= title %>';\nrender(page;\n"), None);
        assert_eq!(skip("if (a < b) { %>\n"), None);
    }

    #[test]
    fn large_file_with_a_source_map_trailer_is_a_compiled_bundle() {
        let mut bundle = "var a = require('./chunk');\n".repeat(30_000).into_bytes();
        bundle.extend_from_slice(b"//# sourceMappingURL=app.js.map\n");
        let reason = source_skip_reason(&bundle).expect("skipped");
        assert!(reason.starts_with("compiled bundle"), "{reason}");
    }

    #[test]
    fn megabytes_of_records_are_data_and_megabytes_of_code_are_not() {
        let mut records = String::from("export default [\n");
        let mut code = String::new();
        for i in 0..40_000 {
            records.push_str(&format!(
                "  {{ \"id\": {i}, \"name\": \"user {i}\", \"score\": {i}.5 }},\n"
            ));
            code.push_str(&format!(
                "export function handler{i}(req, res) {{ return res.json(req.body); }}\n"
            ));
        }
        let reason = source_skip_reason(records.as_bytes()).expect("skipped");
        assert!(reason.starts_with("data file"), "{reason}");
        assert_eq!(source_skip_reason(code.as_bytes()), None);
    }

    #[test]
    fn small_file_with_a_source_map_is_parsed() {
        assert_eq!(
            source_skip_reason(b"export const a = 1;\n//# sourceMappingURL=a.js.map\n"),
            None
        );
    }
}
