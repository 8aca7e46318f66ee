//! Compares a local tree with a production copy: which files differ (by content hash), what
//! each difference means (imports, exports, dependencies, tsconfig, env keys), and the whole
//! cascade of what PROD's files need that exists in neither tree — resolved over an overlay of
//! both trees, without copying or writing anything.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io;
use std::path::{Path, PathBuf};

use oxc_resolver::{FileMetadata, FileSystem, FileSystemOs, ResolveError, ResolverGeneric};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use crate::discover::{DiscoverOptions, Discovery, SourceFile, discover, relative};
use crate::error::Result;
use crate::facts::{ImportKind, ModuleFacts};
use crate::knowledge::{TreeKnowledge, knowledge_of};
use crate::manifest::DependencyKind;
use crate::parse::parse_module;
use crate::project::{Project, assemble, io_reason, source_skip_reason};
use crate::resolve::{Resolution, is_bare};

/// Content fingerprint of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileDigest {
    /// xxh3-128 of the bytes (of the sorted key set for `.env*` files).
    pub raw: u128,
    /// Same with CRLF line endings read as LF: equal `normalized` but different `raw` means
    /// a line-ending-only change.
    pub normalized: u128,
    /// Length in bytes (empty files are never matched as moves).
    pub len: u64,
}

/// Where an import of a PROD file resolves once both trees are overlaid (PROD first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnionResolution {
    /// Resolves within PROD itself: see the PROD module's own resolution.
    InProd,
    /// Resolves only through a file LOCAL has (root-relative path; module index when a source).
    InLocal {
        /// Root-relative path of the LOCAL file.
        rel: String,
        /// Index into `local.modules` when the file is an analysed source.
        module: Option<usize>,
    },
    /// Resolves in neither tree.
    Nowhere,
}

/// Both trees, analysed with one parse per distinct file content.
pub struct TreePair {
    /// The local tree.
    pub local: Project,
    /// The production copy.
    pub prod: Project,
    /// Every LOCAL file (root-relative) with its fingerprint.
    pub local_files: BTreeMap<String, FileDigest>,
    /// Every PROD file with its fingerprint.
    pub prod_files: BTreeMap<String, FileDigest>,
    /// `.env*` file → the keys it declares (values are never kept).
    pub local_env_keys: BTreeMap<String, BTreeSet<String>>,
    /// Same for PROD.
    pub prod_env_keys: BTreeMap<String, BTreeSet<String>>,
    /// Per PROD module, per import: where the union of both trees resolves it.
    pub union_resolutions: Vec<Vec<UnionResolution>>,
    /// What entries/routes/env stages know about LOCAL.
    pub local_knowledge: TreeKnowledge,
    /// Same for PROD.
    pub prod_knowledge: TreeKnowledge,
    /// How many distinct source contents were parsed (the rest were shared between trees).
    pub parsed_contents: usize,
}

impl TreePair {
    /// Whether PROD's file `rel` is already in LOCAL with the same content (line endings aside).
    pub fn satisfied_in_local(&self, rel: &str) -> bool {
        match (self.prod_files.get(rel), self.local_files.get(rel)) {
            (Some(p), Some(l)) => p.normalized == l.normalized,
            _ => false,
        }
    }
}

/// Settings for [`load_pair`].
#[derive(Debug, Clone, Default)]
pub struct PairOptions {
    /// The local tree.
    pub local: PathBuf,
    /// The production copy.
    pub prod: PathBuf,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// The configuration, applied to both trees alike (its `ignore` globs hide the same files
    /// on both sides, so they never show up as added or removed).
    pub config: crate::config::Config,
    /// Extra entry points (`--entry`), relative to each tree's root.
    pub entries: Vec<PathBuf>,
}

/// Discovers, hashes, parses (once per distinct content) and resolves both trees.
pub fn load_pair(options: &PairOptions) -> Result<TreePair> {
    crate::project::in_thread_pool(options.threads, || load_pair_in_pool(options))
}

struct TreeRead {
    discovery: Discovery,
    files: BTreeMap<String, FileDigest>,
    env_keys: BTreeMap<String, BTreeSet<String>>,
    parsed: Vec<(SourceFile, ModuleFacts)>,
    skipped: Vec<crate::discover::Skipped>,
}

fn load_pair_in_pool(options: &PairOptions) -> Result<TreePair> {
    let mut walk = DiscoverOptions {
        threads: options.threads,
        ..DiscoverOptions::default()
    };
    walk.ignore.extend(options.config.ignore_globs());
    let (local, prod) = rayon::join(
        || discover(&options.local, &walk),
        || discover(&options.prod, &walk),
    );
    let (local, prod) = (local?, prod?);

    // LOCAL first; PROD then reuses the facts of every source whose bytes LOCAL already had.
    let local = read_tree(local, &HashMap::new());
    let by_content: HashMap<u128, &ModuleFacts> = local
        .parsed
        .iter()
        .filter_map(|(file, facts)| Some((local.files.get(&file.rel)?.raw, facts)))
        .collect();
    let prod = read_tree(prod, &by_content);
    let parsed_contents = local.parsed.len() + prod.parsed.len()
        - prod
            .parsed
            .iter()
            .filter(|(f, _)| {
                prod.files
                    .get(&f.rel)
                    .is_some_and(|d| by_content.contains_key(&d.raw))
            })
            .count();
    drop(by_content);

    let (local_files, local_env_keys) = (local.files, local.env_keys);
    let (prod_files, prod_env_keys) = (prod.files, prod.env_keys);
    let (local, prod) = rayon::join(
        || {
            assemble(
                local.discovery,
                local.parsed,
                local.skipped,
                options.entries.clone(),
                options.config.clone(),
            )
        },
        || {
            assemble(
                prod.discovery,
                prod.parsed,
                prod.skipped,
                options.entries.clone(),
                options.config.clone(),
            )
        },
    );
    let union_resolutions = resolve_over_union(&local, &prod);
    let local_knowledge = knowledge_of(&local);
    let prod_knowledge = knowledge_of(&prod);
    Ok(TreePair {
        local,
        prod,
        local_files,
        prod_files,
        local_env_keys,
        prod_env_keys,
        union_resolutions,
        local_knowledge,
        prod_knowledge,
        parsed_contents,
    })
}

/// A non-source file's fingerprint and, for `.env*` files, its keys.
type HashedFile = (FileDigest, Option<BTreeSet<String>>);

enum SourceRead {
    Parsed(SourceFile, FileDigest, Box<ModuleFacts>),
    Skipped(SourceFile, Option<FileDigest>, String),
}

fn read_tree(mut discovery: Discovery, known: &HashMap<u128, &ModuleFacts>) -> TreeRead {
    let root = discovery.root.clone();
    let sources = std::mem::take(&mut discovery.sources);
    let read: Vec<SourceRead> = sources
        .into_par_iter()
        .map(|file| {
            let bytes = match crate::discover::read_regular_file(
                &file.path,
                crate::project::MAX_SOURCE_BYTES,
            ) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Other => {
                    return SourceRead::Skipped(file, None, e.to_string());
                }
                Err(e) => {
                    let reason = format!("cannot read: {}", io_reason(&e));
                    return SourceRead::Skipped(file, None, reason);
                }
            };
            let digest = digest(&bytes);
            if let Some(reason) = source_skip_reason(&bytes) {
                return SourceRead::Skipped(file, Some(digest), reason);
            }
            let facts = match known.get(&digest.raw) {
                Some(facts) => (*facts).clone(),
                None => parse_module(file.dialect, &bytes),
            };
            if let Some(reason) = crate::project::parsed_skip_reason(&bytes, &facts) {
                return SourceRead::Skipped(file, Some(digest), reason);
            }
            SourceRead::Parsed(file, digest, Box::new(facts))
        })
        .collect();
    let mut files = BTreeMap::new();
    let mut parsed = Vec::with_capacity(read.len());
    let mut skipped = std::mem::take(&mut discovery.skipped);
    for item in read {
        match item {
            SourceRead::Parsed(file, digest, facts) => {
                files.insert(file.rel.clone(), digest);
                parsed.push((file, *facts));
            }
            SourceRead::Skipped(file, digest, reason) => {
                if let Some(digest) = digest {
                    files.insert(file.rel.clone(), digest);
                }
                skipped.push(crate::discover::Skipped {
                    file: file.rel,
                    reason,
                });
            }
        }
    }

    let others: Vec<&PathBuf> = discovery
        .package_jsons
        .iter()
        .chain(&discovery.tsconfigs)
        .chain(&discovery.env_files)
        .chain(&discovery.other_files)
        .chain(&discovery.data_files)
        .collect();
    let hashed: Vec<(String, std::result::Result<HashedFile, String>)> = others
        .into_par_iter()
        .map(|path| {
            let rel = relative(&root, path);
            let result = crate::discover::read_regular_file(path, crate::project::MAX_SOURCE_BYTES)
                .map_err(|e| format!("cannot read: {}", io_reason(&e)))
                .map(|bytes| {
                    if is_dotenv(path) {
                        // Only the key set is compared: values differ between machines by design.
                        let keys = dotenv_keys(&String::from_utf8_lossy(&bytes));
                        let joined: Vec<&str> = keys.iter().map(String::as_str).collect();
                        let hash = xxh3_128(joined.join("\n").as_bytes());
                        let digest = FileDigest {
                            raw: hash,
                            normalized: hash,
                            len: bytes.len() as u64,
                        };
                        (digest, Some(keys))
                    } else {
                        (digest(&bytes), None)
                    }
                });
            (rel, result)
        })
        .collect();
    let mut env_keys = BTreeMap::new();
    for (rel, result) in hashed {
        match result {
            Ok((digest, keys)) => {
                if let Some(keys) = keys {
                    env_keys.insert(rel.clone(), keys);
                }
                files.insert(rel, digest);
            }
            Err(reason) => skipped.push(crate::discover::Skipped { file: rel, reason }),
        }
    }
    skipped.sort();
    skipped.dedup();
    TreeRead {
        discovery,
        files,
        env_keys,
        parsed,
        skipped,
    }
}

/// Fingerprints bytes; the CRLF-normalised hash is computed only when a `\r` is present.
pub fn digest(bytes: &[u8]) -> FileDigest {
    let raw = xxh3_128(bytes);
    let normalized = if bytes.contains(&b'\r') {
        let mut hasher = Xxh3::new();
        let mut start = 0;
        for i in 0..bytes.len().saturating_sub(1) {
            if bytes[i] == b'\r' && bytes[i + 1] == b'\n' {
                hasher.update(&bytes[start..i]);
                start = i + 1;
            }
        }
        hasher.update(&bytes[start..]);
        hasher.digest128()
    } else {
        raw
    };
    FileDigest {
        raw,
        normalized,
        len: bytes.len() as u64,
    }
}

/// `.env`, `.env.production`, `prod.env`: files compared as key sets.
fn is_dotenv(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    crate::env::declarations::is_dotenv_name(name)
}

/// The keys of a `.env` file, read by the env stage's parser (one grammar for every command).
pub fn dotenv_keys(text: &str) -> BTreeSet<String> {
    crate::env::dotenv::dotenv_keys(text)
        .0
        .into_iter()
        .map(|k| k.name)
        .collect()
}

/// A file system that shows PROD with LOCAL underneath: a path under PROD's root that does not
/// exist there is looked up at the same relative path under LOCAL. Read-only by construction:
/// the `FileSystem` trait has no write operations.
struct OverlayFileSystem {
    prod: PathBuf,
    local: PathBuf,
}

impl OverlayFileSystem {
    fn lower(&self, path: &Path) -> Option<PathBuf> {
        path.strip_prefix(&self.prod)
            .ok()
            .map(|rel| self.local.join(rel))
    }

    fn either<T>(&self, path: &Path, op: impl Fn(&Path) -> io::Result<T>) -> io::Result<T> {
        match op(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => match self.lower(path) {
                Some(lower) => op(&lower),
                None => Err(e),
            },
            other => other,
        }
    }
}

impl FileSystem for OverlayFileSystem {
    fn new() -> Self {
        // Only built through `new_with_file_system`; an empty overlay is plain OS access.
        OverlayFileSystem {
            prod: PathBuf::new(),
            local: PathBuf::new(),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.either(path, |p| std::fs::read(p))
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.either(path, FileSystemOs::read_to_string)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.either(path, FileSystemOs::metadata)
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        self.either(path, FileSystemOs::symlink_metadata)
    }

    fn read_link(&self, path: &Path) -> std::result::Result<PathBuf, ResolveError> {
        let in_prod = FileSystemOs::symlink_metadata(path).is_ok();
        match self.lower(path) {
            Some(lower) if !in_prod => FileSystemOs::read_link(&lower),
            _ => FileSystemOs::read_link(path),
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match std::fs::canonicalize(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let lower = self.lower(path).ok_or(e)?;
                let real = std::fs::canonicalize(lower)?;
                // Keep answers in PROD's namespace so callers see one tree.
                Ok(match real.strip_prefix(&self.local) {
                    Ok(rel) => self.prod.join(rel),
                    Err(_) => real,
                })
            }
            other => other,
        }
    }
}

/// Resolves PROD's imports against PROD overlaid on LOCAL. An import PROD resolves on its own
/// also resolves in the union (PROD comes first), so only PROD's unresolved imports are
/// resolved again — the same answer as resolving everything, for a fraction of the work.
fn resolve_over_union(local: &Project, prod: &Project) -> Vec<Vec<UnionResolution>> {
    let fs = OverlayFileSystem {
        prod: prod.root.clone(),
        local: local.root.clone(),
    };
    let esm = ResolverGeneric::new_with_file_system(fs, crate::resolve::options());
    let cjs = esm.clone_with_options(oxc_resolver::ResolveOptions {
        condition_names: vec!["node".into(), "require".into()],
        ..crate::resolve::options()
    });
    prod.modules
        .par_iter()
        .map(|module| {
            module
                .facts
                .imports
                .iter()
                .zip(&module.resolutions)
                .map(|(import, resolution)| {
                    if !matches!(resolution, Resolution::Unresolved { .. }) {
                        return UnionResolution::InProd;
                    }
                    let resolver = if import.kind == ImportKind::Require {
                        &cjs
                    } else {
                        &esm
                    };
                    let result = match resolver.resolve_file(&module.file.path, &import.specifier) {
                        Err(
                            ResolveError::TsconfigLoadFailed { .. }
                            | ResolveError::TsconfigCircularExtend(_)
                            | ResolveError::TsconfigNotFound(_),
                        ) => resolver
                            .clone_with_options(oxc_resolver::ResolveOptions {
                                tsconfig: None,
                                ..crate::resolve::options()
                            })
                            .resolve(
                                module.file.path.parent().unwrap_or(&prod.root),
                                &import.specifier,
                            ),
                        other => other,
                    };
                    match result {
                        Ok(found) => place_in_union(local, prod, &found.into_path_buf()),
                        Err(_) => UnionResolution::Nowhere,
                    }
                })
                .collect()
        })
        .collect()
}

fn place_in_union(local: &Project, prod: &Project, path: &Path) -> UnionResolution {
    let local_rel = if let Ok(rel) = path.strip_prefix(&prod.root) {
        if path.exists() {
            return UnionResolution::InProd;
        }
        relative(Path::new(""), rel)
    } else if let Ok(rel) = path.strip_prefix(&local.root) {
        relative(Path::new(""), rel)
    } else {
        // Outside both trees (an installed package above the roots): it resolves.
        return UnionResolution::InProd;
    };
    UnionResolution::InLocal {
        module: local.module_by_rel(&local_rel),
        rel: local_rel,
    }
}

// ---------------------------------------------------------------------------------------------
// The report.

/// `treeaudit drift` output. The first seven fields are the documented JSON shape; the rest
/// carry the per-file meaning and the summary.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// JSON format version.
    pub version: u32,
    /// LOCAL as given on the command line.
    pub local: String,
    /// PROD as given on the command line.
    pub prod: String,
    /// File-level differences.
    pub files: FileChanges,
    /// PROD imports that resolve in neither tree, with who needs them.
    pub unresolvable: Vec<Unresolvable>,
    /// Env variable names PROD has that LOCAL lacks, and the reverse.
    pub env: EnvChanges,
    /// `package.json` dependency differences.
    pub packages: PackageChanges,
    /// Named imports of PROD-only files that LOCAL's version of the target does not export.
    pub missing_exports: Vec<MissingExport>,
    /// What each added or changed source file changes.
    pub meaning: Vec<FileMeaning>,
    /// `tsconfig` resolution settings that differ.
    pub tsconfig: Vec<SettingChange>,
    /// Counts.
    pub summary: DriftSummary,
    /// Files that could not be read, per tree.
    pub skipped: Vec<SkippedInTree>,
}

/// File-level differences, each list sorted by path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileChanges {
    /// Files only PROD has.
    pub only_in_prod: Vec<String>,
    /// Files only LOCAL has.
    pub only_in_local: Vec<String>,
    /// Files in both whose content differs.
    pub changed: Vec<String>,
    /// Files in both that differ only in line endings.
    pub changed_whitespace: Vec<String>,
    /// Identical content at a different path (`from` in LOCAL, `to` in PROD).
    pub moved: Vec<Move>,
}

/// A file whose content sits at another path in PROD.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Move {
    /// Path in LOCAL.
    pub from: String,
    /// Path in PROD.
    pub to: String,
}

/// An import that resolves in neither tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unresolvable {
    /// PROD file with the import.
    pub file: String,
    /// 1-based line of the specifier.
    pub line: u32,
    /// The specifier as written.
    pub specifier: String,
    /// PROD files that import `file` directly or transitively, nearest first.
    pub needed_by: Vec<String>,
}

/// Env variable names (never values).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnvChanges {
    /// Declared or read in PROD and declared in no LOCAL env file: to declare before syncing.
    pub added: Vec<String>,
    /// Declared or read in LOCAL, neither in PROD.
    pub removed: Vec<String>,
    /// Whether the trees declare or read different names. `added` also lists names both
    /// trees read and neither declares (still to declare), which is no difference between them.
    #[serde(skip)]
    pub names_differ: bool,
}

/// Dependency differences across the `package.json` files at the same paths.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PackageChanges {
    /// Declared in PROD, not in LOCAL: to install.
    pub added: Vec<String>,
    /// Declared in LOCAL, not in PROD.
    pub removed: Vec<String>,
    /// `dependencies` in LOCAL, `devDependencies` in PROD.
    pub moved_to_dev: Vec<String>,
    /// `devDependencies` in LOCAL, `dependencies` in PROD.
    pub moved_to_prod: Vec<String>,
}

/// A name a PROD-only file imports that LOCAL's version of the target does not export.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MissingExport {
    /// The PROD-only importer.
    pub file: String,
    /// Line of the import.
    pub line: u32,
    /// The specifier.
    pub specifier: String,
    /// The imported name.
    pub name: String,
    /// The LOCAL file that lacks it.
    pub target: String,
}

/// What one added or changed source file changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileMeaning {
    /// Path (in PROD).
    pub file: String,
    /// `added` (only in PROD) or `changed`.
    pub status: &'static str,
    /// Specifiers PROD's version imports that LOCAL's does not.
    pub imports_added: Vec<String>,
    /// Specifiers LOCAL's version imports that PROD's does not.
    pub imports_removed: Vec<String>,
    /// Exports LOCAL's version has, PROD's lacks, and LOCAL files still import.
    pub exports_removed_in_use: Vec<ExportInUse>,
    /// Env variables PROD's version reads that LOCAL's does not.
    pub env_reads_added: Vec<String>,
    /// Route files PROD's version mounts (`file → path`) that LOCAL's does not.
    pub routes_mounted: Vec<String>,
    /// Route mounts LOCAL has that PROD lacks.
    pub routes_unmounted: Vec<String>,
}

impl FileMeaning {
    fn is_empty(&self) -> bool {
        self.imports_added.is_empty()
            && self.imports_removed.is_empty()
            && self.exports_removed_in_use.is_empty()
            && self.env_reads_added.is_empty()
            && self.routes_mounted.is_empty()
            && self.routes_unmounted.is_empty()
    }
}

/// An export that syncing PROD's version would remove while LOCAL files use it.
#[derive(Debug, Clone, Serialize)]
pub struct ExportInUse {
    /// The export name.
    pub name: String,
    /// LOCAL files importing it.
    pub used_by: Vec<String>,
}

/// A resolution setting of a tsconfig that differs.
#[derive(Debug, Clone, Serialize)]
pub struct SettingChange {
    /// The tsconfig (root-relative).
    pub file: String,
    /// `compilerOptions.paths`, `extends`, …
    pub setting: String,
    /// LOCAL's value (absent = not set).
    pub local: Option<serde_json::Value>,
    /// PROD's value.
    pub prod: Option<serde_json::Value>,
}

/// A file one of the trees could not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SkippedInTree {
    /// `local` or `prod`.
    pub tree: &'static str,
    /// Root-relative path.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DriftSummary {
    /// Files compared in LOCAL.
    pub local_files: usize,
    /// Files compared in PROD.
    pub prod_files: usize,
    /// Only in PROD.
    pub only_in_prod: usize,
    /// Only in LOCAL.
    pub only_in_local: usize,
    /// Changed.
    pub changed: usize,
    /// Line endings only.
    pub changed_whitespace: usize,
    /// Moved.
    pub moved: usize,
    /// Specifiers resolving nowhere.
    pub unresolvable: usize,
    /// Packages to install.
    pub packages_to_add: usize,
    /// Env variables to declare.
    pub env_to_declare: usize,
}

impl DriftReport {
    /// Whether the trees are the same for deployment purposes (line endings and env values
    /// never count).
    pub fn identical(&self) -> bool {
        let f = &self.files;
        f.only_in_prod.is_empty()
            && f.only_in_local.is_empty()
            && f.changed.is_empty()
            && f.moved.is_empty()
            && !self.env.names_differ
            && self.skipped_alike()
    }

    /// Whether both trees skipped the same files: a file only one tree has but neither could
    /// analyse (a name that is not UTF-8, a named pipe, a link) is still a difference.
    fn skipped_alike(&self) -> bool {
        let names = |tree: &str| -> BTreeSet<&str> {
            self.skipped
                .iter()
                .filter(|s| s.tree == tree)
                .map(|s| s.file.as_str())
                .collect()
        };
        names("local") == names("prod")
    }
}

/// Compares the two trees of `pair`. `local_as_given`/`prod_as_given` are echoed in the report.
pub fn compare(pair: &TreePair, local_as_given: &str, prod_as_given: &str) -> DriftReport {
    let files = compare_files(pair);
    let unresolvable = unresolvable_imports(pair);
    let missing_exports = missing_exports(pair, &files);
    let meaning = meanings(pair, &files);
    let packages = compare_packages(pair);
    let env = compare_env(pair);
    let tsconfig = compare_tsconfigs(pair);
    let mut skipped: Vec<SkippedInTree> = [("local", &pair.local), ("prod", &pair.prod)]
        .iter()
        .flat_map(|(tree, project)| {
            project.skipped.iter().map(move |s| SkippedInTree {
                tree,
                file: s.file.clone(),
                reason: s.reason.clone(),
            })
        })
        .collect();
    skipped.sort();
    let summary = DriftSummary {
        local_files: pair.local_files.len(),
        prod_files: pair.prod_files.len(),
        only_in_prod: files.only_in_prod.len(),
        only_in_local: files.only_in_local.len(),
        changed: files.changed.len(),
        changed_whitespace: files.changed_whitespace.len(),
        moved: files.moved.len(),
        unresolvable: unresolvable.len(),
        packages_to_add: packages.added.len(),
        env_to_declare: env.added.len(),
    };
    DriftReport {
        version: crate::JSON_VERSION,
        local: local_as_given.to_string(),
        prod: prod_as_given.to_string(),
        files,
        unresolvable,
        env,
        packages,
        missing_exports,
        meaning,
        tsconfig,
        summary,
        skipped,
    }
}

fn compare_files(pair: &TreePair) -> FileChanges {
    let mut changes = FileChanges::default();
    for (rel, prod) in &pair.prod_files {
        match pair.local_files.get(rel) {
            None => changes.only_in_prod.push(rel.clone()),
            Some(local) if local.raw == prod.raw => {}
            Some(local) if local.normalized == prod.normalized => {
                changes.changed_whitespace.push(rel.clone())
            }
            Some(_) => changes.changed.push(rel.clone()),
        }
    }
    changes.only_in_local = pair
        .local_files
        .keys()
        .filter(|rel| !pair.prod_files.contains_key(*rel))
        .cloned()
        .collect();
    // Identical non-empty content on both sides of an add/delete pair is a move; candidates
    // are paired in path order so the result is deterministic.
    let mut removed_by_content: HashMap<u128, VecDeque<String>> = HashMap::new();
    for rel in &changes.only_in_local {
        let digest = pair.local_files[rel];
        if digest.len > 0 {
            removed_by_content
                .entry(digest.raw)
                .or_default()
                .push_back(rel.clone());
        }
    }
    let mut moved_from = BTreeSet::new();
    let mut moved_to = BTreeSet::new();
    for rel in &changes.only_in_prod {
        let digest = pair.prod_files[rel];
        if digest.len == 0 {
            continue;
        }
        if let Some(from) = removed_by_content
            .get_mut(&digest.raw)
            .and_then(VecDeque::pop_front)
        {
            moved_from.insert(from.clone());
            moved_to.insert(rel.clone());
            changes.moved.push(Move {
                from,
                to: rel.clone(),
            });
        }
    }
    changes.only_in_prod.retain(|r| !moved_to.contains(r));
    changes.only_in_local.retain(|r| !moved_from.contains(r));
    changes.moved.sort();
    changes
}

/// Importers of `module` (direct first, then theirs, …) along run-time edges, nearest first.
pub fn transitive_importers(project: &Project, module: usize) -> Vec<usize> {
    let mut distance: HashMap<usize, usize> = HashMap::from([(module, 0)]);
    let mut queue = VecDeque::from([module]);
    let mut found = Vec::new();
    while let Some(node) = queue.pop_front() {
        let d = distance[&node];
        for (importer, edge) in project.graph.importers_of(node) {
            if edge.kind.is_runtime() && !distance.contains_key(&importer) {
                distance.insert(importer, d + 1);
                found.push((d + 1, importer));
                queue.push_back(importer);
            }
        }
    }
    found.sort_by(|a, b| {
        (a.0, &project.modules[a.1].file.rel).cmp(&(b.0, &project.modules[b.1].file.rel))
    });
    found.into_iter().map(|(_, m)| m).collect()
}

fn unresolvable_imports(pair: &TreePair) -> Vec<Unresolvable> {
    let mut out = Vec::new();
    let mut importers_cache: HashMap<usize, Vec<String>> = HashMap::new();
    for (m, module) in pair.prod.modules.iter().enumerate() {
        for (import, union) in module.facts.imports.iter().zip(&pair.union_resolutions[m]) {
            // Type-only imports are erased before anything runs.
            if *union != UnionResolution::Nowhere || !import.kind.is_runtime() {
                continue;
            }
            let needed_by = importers_cache
                .entry(m)
                .or_insert_with(|| {
                    transitive_importers(&pair.prod, m)
                        .into_iter()
                        .map(|i| pair.prod.modules[i].file.rel.clone())
                        .collect()
                })
                .clone();
            out.push(Unresolvable {
                file: module.file.rel.clone(),
                line: import.span.line,
                specifier: import.specifier.clone(),
                needed_by,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `facts` visibly lacks the export `name` (unknowable shapes count as exporting it).
/// MERGE: the missing-export stage's resolver (star re-export chains) can replace this check.
pub fn lacks_export(facts: &ModuleFacts, name: &str) -> bool {
    let exports = &facts.exports;
    if exports.opaque || exports.passthrough.is_some() || !exports.star_from.is_empty() {
        return false;
    }
    if exports.commonjs && (name == "default" || exports.names.is_empty()) {
        return false;
    }
    !exports.names.iter().any(|e| e.name == name && !e.type_only)
}

fn missing_exports(pair: &TreePair, files: &FileChanges) -> Vec<MissingExport> {
    let prod_only: BTreeSet<&str> = files
        .only_in_prod
        .iter()
        .chain(files.moved.iter().map(|m| &m.to))
        .map(String::as_str)
        .collect();
    let mut out = Vec::new();
    for (m, module) in pair.prod.modules.iter().enumerate() {
        if !prod_only.contains(module.file.rel.as_str()) {
            continue;
        }
        for ((import, resolution), union) in module
            .facts
            .imports
            .iter()
            .zip(&module.resolutions)
            .zip(&pair.union_resolutions[m])
        {
            if !import.kind.is_runtime() || import.names.is_empty() {
                continue;
            }
            // The LOCAL file the import lands on: a LOCAL-only file, or a file both trees have
            // with different content (LOCAL's version is what runs until it is synced).
            let target = match (union, resolution) {
                (
                    UnionResolution::InLocal {
                        rel,
                        module: Some(l),
                    },
                    _,
                ) => Some((rel.clone(), *l)),
                (UnionResolution::InProd, Resolution::File { path }) => {
                    let rel = pair.prod.relative(path);
                    match (pair.local_files.get(&rel), pair.prod_files.get(&rel)) {
                        (Some(l), Some(p)) if l.normalized != p.normalized => {
                            pair.local.module_by_rel(&rel).map(|l| (rel, l))
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some((target_rel, target)) = target else {
                continue;
            };
            let facts = &pair.local.modules[target].facts;
            for name in import.names.iter().filter(|n| !n.type_only) {
                if lacks_export(facts, &name.imported) {
                    out.push(MissingExport {
                        file: module.file.rel.clone(),
                        line: name.span.line,
                        specifier: import.specifier.clone(),
                        name: name.imported.clone(),
                        target: target_rel.clone(),
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn meanings(pair: &TreePair, files: &FileChanges) -> Vec<FileMeaning> {
    let mut out = Vec::new();
    let reads = |k: &TreeKnowledge, m: usize| -> BTreeSet<String> {
        k.env_reads.get(m).into_iter().flatten().cloned().collect()
    };
    for rel in files.changed.iter().chain(&files.only_in_prod) {
        let Some(p) = pair.prod.module_by_rel(rel) else {
            continue;
        };
        let prod_module = &pair.prod.modules[p];
        let local = pair.local.module_by_rel(rel);
        let mut meaning = FileMeaning {
            file: rel.clone(),
            status: if local.is_some() { "changed" } else { "added" },
            ..FileMeaning::default()
        };
        let prod_reads = reads(&pair.prod_knowledge, p);
        let prod_mounts = mounts_by(&pair.prod_knowledge, &pair.prod, p);
        if let Some(l) = local {
            let local_module = &pair.local.modules[l];
            let specifiers = |facts: &ModuleFacts| -> BTreeSet<String> {
                facts
                    .imports
                    .iter()
                    .filter(|i| i.analysable)
                    .map(|i| i.specifier.clone())
                    .collect()
            };
            let (before, after) = (
                specifiers(&local_module.facts),
                specifiers(&prod_module.facts),
            );
            meaning.imports_added = after.difference(&before).cloned().collect();
            meaning.imports_removed = before.difference(&after).cloned().collect();
            meaning.exports_removed_in_use = exports_removed_in_use(pair, l, &prod_module.facts);
            let local_reads = reads(&pair.local_knowledge, l);
            meaning.env_reads_added = prod_reads.difference(&local_reads).cloned().collect();
            let local_mounts = mounts_by(&pair.local_knowledge, &pair.local, l);
            meaning.routes_mounted = prod_mounts.difference(&local_mounts).cloned().collect();
            meaning.routes_unmounted = local_mounts.difference(&prod_mounts).cloned().collect();
        } else {
            meaning.env_reads_added = prod_reads.into_iter().collect();
            meaning.routes_mounted = prod_mounts.into_iter().collect();
        }
        if !meaning.is_empty() {
            out.push(meaning);
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Mounts made by module `m`: route files it imports that have a known mount path.
fn mounts_by(knowledge: &TreeKnowledge, project: &Project, m: usize) -> BTreeSet<String> {
    project
        .graph
        .imports_of(m)
        .filter_map(|(target, _)| {
            let rel = &project.modules[target].file.rel;
            knowledge
                .mounts
                .get(rel)
                .map(|path| format!("{rel} → {path}"))
        })
        .collect()
}

fn exports_removed_in_use(
    pair: &TreePair,
    local: usize,
    prod_facts: &ModuleFacts,
) -> Vec<ExportInUse> {
    let local_facts = &pair.local.modules[local].facts;
    let mut out = Vec::new();
    let mut removed: Vec<&str> = local_facts
        .exports
        .names
        .iter()
        .filter(|e| !e.type_only)
        .map(|e| e.name.as_str())
        .filter(|name| lacks_export(prod_facts, name))
        .collect();
    removed.sort_unstable();
    removed.dedup();
    for name in removed {
        let mut used_by: Vec<String> = pair
            .local
            .graph
            .importers_of(local)
            .filter(|(importer, edge)| {
                pair.local.modules[*importer].facts.imports[edge.import]
                    .names
                    .iter()
                    .any(|n| n.imported == name && !n.type_only)
            })
            .map(|(importer, _)| pair.local.modules[importer].file.rel.clone())
            .collect();
        used_by.sort();
        used_by.dedup();
        if !used_by.is_empty() {
            out.push(ExportInUse {
                name: name.to_string(),
                used_by,
            });
        }
    }
    out
}

fn compare_packages(pair: &TreePair) -> PackageChanges {
    let by_rel = |project: &Project| -> BTreeMap<String, BTreeMap<String, DependencyKind>> {
        project
            .manifests
            .all()
            .into_iter()
            .map(|m| (project.relative(&m.path), m.dependencies.clone()))
            .collect()
    };
    let (local, prod) = (by_rel(&pair.local), by_rel(&pair.prod));
    let empty = BTreeMap::new();
    let mut changes = PackageChanges::default();
    let manifests: BTreeSet<&String> = local.keys().chain(prod.keys()).collect();
    for rel in manifests {
        let before = local.get(rel).unwrap_or(&empty);
        let after = prod.get(rel).unwrap_or(&empty);
        for (name, kind) in after {
            match before.get(name) {
                None => changes.added.push(name.clone()),
                Some(DependencyKind::Production) if *kind == DependencyKind::Dev => {
                    changes.moved_to_dev.push(name.clone())
                }
                Some(DependencyKind::Dev) if *kind == DependencyKind::Production => {
                    changes.moved_to_prod.push(name.clone())
                }
                Some(_) => {}
            }
        }
        for name in before.keys() {
            if !after.contains_key(name) {
                changes.removed.push(name.clone());
            }
        }
    }
    for list in [
        &mut changes.added,
        &mut changes.removed,
        &mut changes.moved_to_dev,
        &mut changes.moved_to_prod,
    ] {
        list.sort();
        list.dedup();
    }
    changes
}

/// Env variable names a tree declares (`.env*` keys) or reads (from its knowledge).
pub fn env_names(
    keys: &BTreeMap<String, BTreeSet<String>>,
    knowledge: &TreeKnowledge,
) -> BTreeSet<String> {
    keys.values()
        .flatten()
        .chain(knowledge.env_reads.iter().flatten())
        .cloned()
        .collect()
}

fn compare_env(pair: &TreePair) -> EnvChanges {
    let local = env_names(&pair.local_env_keys, &pair.local_knowledge);
    let prod = env_names(&pair.prod_env_keys, &pair.prod_knowledge);
    let local_declared: BTreeSet<&String> = pair.local_env_keys.values().flatten().collect();
    EnvChanges {
        added: prod
            .iter()
            .filter(|name| !local_declared.contains(name))
            .cloned()
            .collect(),
        removed: local.difference(&prod).cloned().collect(),
        names_differ: local != prod,
    }
}

/// Settings that change how imports resolve.
const RESOLUTION_SETTINGS: &[&str] = &[
    "/extends",
    "/compilerOptions/paths",
    "/compilerOptions/baseUrl",
    "/compilerOptions/moduleResolution",
    "/compilerOptions/module",
    "/compilerOptions/rootDirs",
    "/compilerOptions/allowImportingTsExtensions",
];

fn compare_tsconfigs(pair: &TreePair) -> Vec<SettingChange> {
    let read = |project: &Project| -> BTreeMap<String, serde_json::Value> {
        project
            .discovery
            .tsconfigs
            .iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(path).ok()?;
                let value =
                    jsonc_parser::parse_to_serde_value(&text, &crate::resolve::jsonc_options())
                        .ok()??;
                Some((project.relative(path), value))
            })
            .collect()
    };
    let (local, prod) = (read(&pair.local), read(&pair.prod));
    let files: BTreeSet<&String> = local.keys().chain(prod.keys()).collect();
    let mut out = Vec::new();
    for file in files {
        for setting in RESOLUTION_SETTINGS {
            let before = local.get(file).and_then(|v| v.pointer(setting)).cloned();
            let after = prod.get(file).and_then(|v| v.pointer(setting)).cloned();
            if before != after {
                out.push(SettingChange {
                    file: file.clone(),
                    setting: setting.trim_start_matches('/').replace('/', "."),
                    local: before,
                    prod: after,
                });
            }
        }
    }
    out
}

/// Packages the given PROD modules import that LOCAL's `package.json` files do not provide at
/// run time (undeclared, or only a devDependency). Shared by drift's summary and plan's setup.
pub fn packages_needed(project: &Project, modules: &[usize], target: &Project) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for &m in modules {
        let module = &project.modules[m];
        let dir_rel = module
            .file
            .rel
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir)
            .to_string();
        let target_dir = target.root.join(&dir_rel);
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            if !import.kind.is_runtime() || !is_bare(&import.specifier) {
                continue;
            }
            if let Resolution::Package { name, .. } = resolution {
                let declared = target
                    .manifests
                    .declaration(name, &target_dir, &target.root)
                    .map(|(kind, _)| kind);
                if matches!(declared, None | Some(DependencyKind::Dev)) {
                    out.insert(name.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn crlf_only_changes_share_the_normalized_digest() {
        let lf = digest(b"a\nb\n");
        let crlf = digest(b"a\r\nb\r\n");
        assert_ne!(lf.raw, crlf.raw);
        assert_eq!(lf.normalized, crlf.normalized);
        // A lone CR is content, not a line ending.
        assert_ne!(digest(b"a\rb\n").normalized, lf.normalized);
    }

    #[test]
    fn dotenv_keys_ignore_values_comments_and_exports() {
        let keys = dotenv_keys(
            "# c\nA=1\nexport B = two\n\nC=\nD=value with spaces\nE=\"multi\nNOT_A_KEY=x\"\nnot a line\n",
        );
        assert_eq!(
            keys.into_iter().collect::<Vec<_>>(),
            ["A", "B", "C", "D", "E"]
        );
    }

    #[test]
    fn prod_imports_resolve_through_local_files_and_the_rest_is_the_cascade() {
        let local = tempfile::tempdir().expect("tempdir");
        let prod = tempfile::tempdir().expect("tempdir");
        write(
            local.path(),
            "src/services/agent.js",
            "export function listAgents() {}\n",
        );
        write(
            prod.path(),
            "src/routes/agents.js",
            "import { listAgents, setStatus } from '../services/agent.js';\n\
             import { ring } from '../services/ring.js';\n",
        );
        write(
            prod.path(),
            "src/index.js",
            "import agents from './routes/agents.js';\n",
        );
        let pair = load_pair(&PairOptions {
            local: local.path().to_path_buf(),
            prod: prod.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        })
        .expect("load");
        let report = compare(&pair, "local", "prod");
        assert_eq!(
            report.unresolvable,
            vec![Unresolvable {
                file: "src/routes/agents.js".into(),
                line: 2,
                specifier: "../services/ring.js".into(),
                needed_by: vec!["src/index.js".into()],
            }],
            "agent.js exists only in LOCAL and satisfies the import"
        );
        let missing: Vec<&str> = report
            .missing_exports
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(missing, ["setStatus"]);
        // Nothing was copied into PROD to make that work.
        assert!(!prod.path().join("src/services/agent.js").exists());
    }

    #[test]
    fn identical_sources_are_parsed_once() {
        let local = tempfile::tempdir().expect("tempdir");
        let prod = tempfile::tempdir().expect("tempdir");
        for root in [local.path(), prod.path()] {
            write(root, "src/a.js", "export const a = 1;\n");
            write(root, "src/b.js", "import { a } from './a.js';\n");
        }
        write(prod.path(), "src/c.js", "export const c = 3;\n");
        let pair = load_pair(&PairOptions {
            local: local.path().to_path_buf(),
            prod: prod.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        })
        .expect("load");
        assert_eq!(pair.parsed_contents, 3);
        assert_eq!(pair.prod.modules.len(), 3);
    }
}
