//! Walks a tree with `ignore` and classifies what it finds: source files, `package.json`s,
//! tsconfigs, env declarations. Knows nothing of parsing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};
use serde::Serialize;

use crate::error::{Error, Result};

/// Directories skipped by default: installed packages and build output.
pub const DEFAULT_SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    ".next",
    ".nuxt",
    ".output",
    ".svelte-kit",
    // Astro's generated types (`astro sync`, rewritten by every `astro dev/build/check`), even
    // when a project commits them.
    ".astro",
    ".turbo",
    // Yarn Berry's own files (`releases/yarn-4.x.cjs`, `plugins/…cjs` that Yarn loads with its
    // own `require`, `cache/`, editor `sdks/`): the package manager's, not the project's code.
    ".yarn",
    "coverage",
    ".git",
];

/// Which tree-sitter grammar a source file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Dialect {
    /// .js .jsx .mjs .cjs
    JavaScript,
    /// .ts .mts .cts
    TypeScript,
    /// .tsx
    Tsx,
    /// .vue single-file component: its `<script>` blocks are read
    Vue,
    /// .svelte component: its `<script>` blocks are read
    Svelte,
    /// .astro page or component: its frontmatter and `<script>` blocks are read
    Astro,
    /// .mdx document: its top-level `import`/`export` blocks (ESM) are read
    Mdx,
}

impl Dialect {
    /// The dialect for a file name, or `None` when it is not JS/TS source.
    pub fn from_path(path: &Path) -> Option<Dialect> {
        let ext = path.extension()?.to_str()?;
        match ext {
            "js" | "jsx" | "mjs" | "cjs" => Some(Dialect::JavaScript),
            "ts" | "mts" | "cts" => Some(Dialect::TypeScript),
            "tsx" => Some(Dialect::Tsx),
            "vue" => Some(Dialect::Vue),
            "svelte" => Some(Dialect::Svelte),
            "astro" => Some(Dialect::Astro),
            "mdx" => Some(Dialect::Mdx),
            _ => None,
        }
    }
}

/// Whether `path` is a TypeScript declaration file (`.d.ts`, `.d.mts`, `.d.cts`): types only,
/// never loaded at run time.
pub fn is_type_declaration(path: &Path) -> bool {
    let name = path.to_string_lossy();
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// A source file to analyse.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the audited root, `/`-separated.
    pub rel: String,
    /// Grammar to parse it with.
    pub dialect: Dialect,
    /// Size in bytes, set when the file is read (0 until then).
    pub size: u64,
}

impl SourceFile {
    /// The file name: the last segment of `rel`.
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// A file that was looked at but not analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Skipped {
    /// Path relative to the root.
    pub file: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What a walk found, sorted by relative path.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The audited root (canonical).
    pub root: PathBuf,
    /// JS/TS sources.
    pub sources: Vec<SourceFile>,
    /// Every `package.json` (absolute paths).
    pub package_jsons: Vec<PathBuf>,
    /// Every `tsconfig*.json` / `jsconfig.json`.
    pub tsconfigs: Vec<PathBuf>,
    /// Env declaration files (`.env*`, compose files, Dockerfiles, …) for the env stage.
    pub env_files: Vec<PathBuf>,
    /// Other files an entry-point detector may read (Procfile, index.html, ecosystem configs).
    pub other_files: Vec<PathBuf>,
    /// Non-source files an import may name (`.json`, `.css`, `.node`, …): existence checks only.
    pub data_files: Vec<PathBuf>,
    /// Files that could not be walked or read.
    pub skipped: Vec<Skipped>,
    /// Source files matched by the configured `ignore` globs: not analysed, but imports of
    /// them still resolve.
    pub ignored: Vec<PathBuf>,
}

/// How to walk.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Directory names never entered.
    pub skip_dirs: Vec<String>,
    /// Worker threads for the walk (0 = automatic).
    pub threads: usize,
    /// Root-relative globs of source files not to analyse (configuration `ignore`).
    pub ignore: Vec<String>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            skip_dirs: DEFAULT_SKIPPED_DIRS.iter().map(|s| s.to_string()).collect(),
            threads: 0,
            ignore: Vec::new(),
        }
    }
}

enum Found {
    Source(SourceFile),
    PackageJson(PathBuf),
    Tsconfig(PathBuf),
    Env(PathBuf),
    Other(PathBuf),
    Data(PathBuf),
    Skipped(Skipped),
    Ignored(PathBuf),
}

/// Whether a file declares environment variables (read by the env stage), by its
/// root-relative path: the env stage owns the list.
pub fn is_env_declaration(rel: &str) -> bool {
    crate::env::declarations::is_declaration_file(rel)
}

fn is_other_interesting(name: &str) -> bool {
    matches!(name, "Procfile" | "index.html")
        || name.starts_with("ecosystem.config.")
        || name == "treeaudit.json"
        // Entry detection: Dockerfiles named `app.dockerfile`, page templates whose
        // `<script src>` a browser loads, Cloudflare's JSON config.
        || name.to_ascii_lowercase().ends_with(".dockerfile")
        || [".html", ".htm", ".hbs", ".handlebars", ".ejs"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name == "wrangler.json"
        || name == "wrangler.jsonc"
        // An Nx project's build targets name its entry (`options.main`).
        || name == "project.json"
}

/// The most a `package.json`, tsconfig, env or configuration file may hold (they are read
/// whole; a real one is a few kilobytes).
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file only if it is a regular file of at most `limit` bytes. Opening a named pipe
/// blocks until someone writes to it and a device such as `/dev/zero` never ends, so anything
/// else is refused before it is opened (and checked again on the open handle).
/// The read is recorded for the result memo ([`crate::access`]).
pub fn read_regular_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_regular_file_stated(path, limit, None)
}

/// [`read_regular_file`] of a path whose metadata the caller has just read (`stated`): a
/// regular file is opened without another stat (the handle's own metadata is still checked).
pub fn read_regular_file_stated(
    path: &Path,
    limit: u64,
    stated: Option<&std::fs::Metadata>,
) -> std::io::Result<Vec<u8>> {
    let mut seen = stated.filter(|m| m.is_file()).cloned();
    let read = read_regular(path, limit, &mut seen);
    match (&read, &seen) {
        (Ok(bytes), Some(meta)) => crate::access::note_read(path, meta, bytes),
        _ => crate::access::note_shape(path, seen.as_ref()),
    }
    read
}

/// [`read_regular_file`] of treeaudit's own files (cache packs), not recorded.
pub fn read_regular_file_unrecorded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_regular(path, limit, &mut None)
}

fn read_regular(
    path: &Path,
    limit: u64,
    seen: &mut Option<std::fs::Metadata>,
) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let not_regular = |meta: &std::fs::Metadata| {
        std::io::Error::other(format!(
            "not a regular file ({}), not read",
            special_kind(&meta.file_type())
        ))
    };
    // Never open what is not a regular file (a named pipe would block the open): stat first,
    // unless the caller already did and found a regular file.
    if !seen.as_ref().is_some_and(|m| m.is_file()) {
        let meta = std::fs::metadata(path)?;
        *seen = Some(meta.clone());
        if !meta.is_file() {
            return Err(not_regular(&meta));
        }
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    *seen = Some(meta.clone());
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the {} MB per-file budget, not read",
            limit / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// Reads a file of the audited tree: its real path (links resolved) must lie under `root`
/// (canonical), so a link or an import leading out of the tree never exposes what is there.
pub fn read_in_tree(root: &Path, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let real = crate::access::canonicalize(path)?;
    if !real.starts_with(root) {
        return Err(std::io::Error::other("outside the audited tree, not read"));
    }
    read_regular_file(&real, limit)
}

/// Turns an absolute path under `root` into the `/`-separated relative form used in output.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_name(&mut out, part.as_os_str());
    }
    out
}

/// Appends a file name; bytes that are not UTF-8 are written `\xNN`, so two such names stay
/// distinct and every one can be named in output (paths are bytes on Unix).
fn push_name(out: &mut String, name: &std::ffi::OsStr) {
    match name.to_str() {
        Some(text) => out.push_str(text),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                for chunk in name.as_bytes().utf8_chunks() {
                    out.push_str(chunk.valid());
                    for byte in chunk.invalid() {
                        out.push_str(&format!("\\x{byte:02X}"));
                    }
                }
            }
            #[cfg(not(unix))]
            out.push_str(&name.to_string_lossy());
        }
    }
}

/// A file whose name is not UTF-8: a would-be source, manifest or env file is listed (its
/// name cannot be written in an import or a config key), anything else is only data.
fn non_utf8_name(root: &Path, path: &Path) -> Option<Found> {
    let lossy = path.file_name()?.to_string_lossy().into_owned();
    if is_data_name(&lossy) {
        return Some(Found::Data(path.to_path_buf()));
    }
    Some(Found::Skipped(Skipped {
        file: relative(root, path),
        reason: "file name is not valid UTF-8, not analysed (no import can name it)".to_string(),
    }))
}

/// Why a symbolic link met during the walk is not followed: it is broken or loops, it points
/// outside the tree, or it is another name for something inside the tree.
fn describe_symlink(root: &Path, link: &Path) -> Found {
    let file = relative(root, link);
    let skipped = |reason: String| {
        Found::Skipped(Skipped {
            file: file.clone(),
            reason,
        })
    };
    let Ok(target) = link.canonicalize() else {
        let reason = describe_unfollowable_symlink(link)
            .unwrap_or_else(|| "symbolic link that cannot be followed".to_string());
        return skipped(reason);
    };
    // The target's name is not printed: it is outside what the user asked to audit.
    let Ok(inside) = target.strip_prefix(root) else {
        return skipped("symbolic link that points outside the tree, not analysed".to_string());
    };
    if link.starts_with(&target) {
        return skipped(
            "symbolic link loop: it leads back to a directory that contains it".to_string(),
        );
    }
    // `CLAUDE.md -> AGENTS.md`: a data file is never read, only known to exist.
    if target.is_file()
        && link
            .file_name()
            .is_some_and(|n| is_data_name(&n.to_string_lossy()))
    {
        return Found::Data(link.to_path_buf());
    }
    let real = relative(root, &root.join(inside));
    let real = if real.is_empty() {
        ".".to_string()
    } else {
        real
    };
    skipped(format!(
        "symbolic link to `{real}`, not followed: files are analysed under their real names"
    ))
}

/// Whether a file of this name is only data: no source, manifest, config or env file.
fn is_data_name(name: &str) -> bool {
    Dialect::from_path(Path::new(name)).is_none()
        && !name.ends_with(".json")
        && !is_env_declaration(name)
        && !is_other_interesting(name)
}

/// Walks `root` and classifies every file.
pub fn discover(root: &Path, options: &DiscoverOptions) -> Result<Discovery> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::MissingPath(root.to_path_buf()),
        _ => Error::io(root, e),
    })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory(root.to_path_buf()));
    }
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let ignore = ignore_set(&options.ignore)?;

    let skip_dirs = options.skip_dirs.clone();
    // Symbolic links are never walked through: one leaving the tree would expose files the
    // user did not ask about (a link to `/` walks the whole disk), and one staying inside
    // names a file or directory the walk reaches under its real name anyway. Each is listed.
    let links: Arc<Mutex<Vec<Found>>> = Arc::default();
    let link_root = root.clone();
    let link_list = Arc::clone(&links);
    let mut builder = WalkBuilder::new(&root);
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(crate::project::clamp_threads(options.threads))
        .filter_entry(move |entry| {
            if entry.path_is_symlink() {
                let found = describe_symlink(&link_root, entry.path());
                link_list
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(found);
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && entry.depth() > 0
                && skip_dirs.iter().any(|d| entry.file_name() == d.as_str())
                && !is_published_output(entry.path()))
        });
    // .env files are usually git-ignored but are exactly what the env stage needs.
    let found: Mutex<Vec<Found>> = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let root = &root;
        let found = &found;
        let ignore = &ignore;
        Box::new(move |entry| {
            let item = match entry {
                Ok(entry) => match classify(root, entry.path(), entry.file_type()) {
                    Some(Found::Source(source)) if ignore.is_match(&source.rel) => {
                        Some(Found::Ignored(source.path))
                    }
                    item => item,
                },
                Err(err) => walk_error(root, err),
            };
            if let Some(item) = item {
                found.lock().expect("walk results lock").push(item);
            }
            WalkState::Continue
        })
    });
    let mut discovery = Discovery {
        root: root.clone(),
        ..Discovery::default()
    };
    let mut found = found.into_inner().expect("walk results lock");
    found.append(&mut links.lock().unwrap_or_else(|e| e.into_inner()));
    for item in found {
        match item {
            Found::Source(s) => discovery.sources.push(s),
            Found::PackageJson(p) => discovery.package_jsons.push(p),
            Found::Tsconfig(p) => discovery.tsconfigs.push(p),
            Found::Env(p) => discovery.env_files.push(p),
            Found::Other(p) => discovery.other_files.push(p),
            Found::Data(p) => {
                // Code in a kind treeaudit does not read is listed, never dropped silently;
                // the file still exists for the imports that name it.
                if let Some(reason) = unread_code_reason(&p) {
                    discovery.skipped.push(Skipped {
                        file: relative(&root, &p),
                        reason: reason.to_string(),
                    });
                }
                discovery.data_files.push(p)
            }
            Found::Skipped(s) => discovery.skipped.push(s),
            Found::Ignored(p) => discovery.ignored.push(p),
        }
    }
    find_ignored_env_files(&root, &mut discovery);
    discovery.sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    discovery.sources.dedup_by(|a, b| a.rel == b.rel);
    for list in [
        &mut discovery.package_jsons,
        &mut discovery.tsconfigs,
        &mut discovery.env_files,
        &mut discovery.other_files,
        &mut discovery.data_files,
        &mut discovery.ignored,
    ] {
        list.sort();
        list.dedup();
    }
    discovery.skipped.sort();
    discovery.skipped.dedup();
    Ok(discovery)
}

/// Compiles the configured ignore globs (validated when the configuration was read).
fn ignore_set(globs: &[String]) -> Result<globset::GlobSet> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        let glob = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Usage(format!("ignore glob `{glob}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("ignore globs: {e}")))
}

fn classify(root: &Path, path: &Path, file_type: Option<std::fs::FileType>) -> Option<Found> {
    let file_type = file_type?;
    if file_type.is_dir() {
        return None;
    }
    if !file_type.is_file() {
        // Reading a named pipe blocks forever and a device never ends: list, never open.
        return Some(Found::Skipped(Skipped {
            file: relative(root, path),
            reason: format!(
                "not a regular file ({}), not read",
                special_kind(&file_type)
            ),
        }));
    }
    let Some(name) = path.file_name()?.to_str() else {
        return non_utf8_name(root, path);
    };
    if name == "package.json" {
        return Some(Found::PackageJson(path.to_path_buf()));
    }
    if (name.starts_with("tsconfig") && name.ends_with(".json")) || name == "jsconfig.json" {
        return Some(Found::Tsconfig(path.to_path_buf()));
    }
    if is_env_declaration(&relative(root, path)) {
        return Some(Found::Env(path.to_path_buf()));
    }
    if is_other_interesting(name) {
        return Some(Found::Other(path.to_path_buf()));
    }
    let Some(dialect) = Dialect::from_path(path) else {
        return Some(Found::Data(path.to_path_buf()));
    };
    // No stat here: the walk already read the directory, and `load` learns the size when it
    // reads the file (a second stat per file was measurable on 10k-file trees).
    Some(Found::Source(SourceFile {
        path: path.to_path_buf(),
        rel: relative(root, path),
        dialect,
        size: 0,
    }))
}

/// Files that hold imports in a language treeaudit does not parse.
fn unread_code_reason(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "marko" | "riot" | "imba" => {
            Some("this component language is not analysed: its imports are not checked")
        }
        _ => None,
    }
}

#[cfg(unix)]
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "named pipe"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "device"
    } else if file_type.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

fn walk_error(root: &Path, err: ignore::Error) -> Option<Found> {
    // Walk errors carry the path in their chain; loops and permission problems are listed.
    let (path, mut message) = describe_walk_error(&err);
    if let Some(path) = &path
        && let Some(link) = describe_unfollowable_symlink(path)
    {
        message = link;
    }
    let file = path
        .map(|p| relative(root, &p))
        .unwrap_or_else(|| ".".to_string());
    Some(Found::Skipped(Skipped {
        file,
        reason: message,
    }))
}

fn describe_walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, .. } => (
            Some(child.clone()),
            "symbolic link loop: it leads back to a directory that contains it".to_string(),
        ),
        ignore::Error::Io(e) => (None, e.to_string()),
        other => (None, other.to_string()),
    }
}

/// Why a symbolic link the walker could not follow is unusable: its target is missing (a link
/// copied without what it points at) or the chain of links comes back on itself.
fn describe_unfollowable_symlink(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    let shown = target.display();
    let mut seen = std::collections::HashSet::new();
    let mut current = path.to_path_buf();
    while seen.insert(current.clone()) {
        match std::fs::read_link(&current) {
            Ok(next) => current = current.parent().unwrap_or(Path::new("")).join(next),
            Err(_) if std::fs::symlink_metadata(&current).is_err() => {
                return Some(format!(
                    "broken symbolic link: its target `{shown}` does not exist"
                ));
            }
            Err(_) => return None,
        }
    }
    Some(format!(
        "symbolic link loop: `{shown}` leads back to itself"
    ))
}

/// Whether a build-output directory (`dist/`, `build/`) is what the package beside it ships:
/// its `package.json` names it in `files`, `main`, `module`, `types`, `bin`, `browser` or
/// `exports`. Then the audited tree is a published package (or a deploy of one) and that
/// directory is its code, not a by-product; in a development checkout the same directory is
/// git-ignored and `.gitignore` still keeps it out. `node_modules` and `.git` always stay out.
fn is_published_output(dir: &Path) -> bool {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name == "node_modules" || name == ".git" {
        return false;
    }
    let Some(manifest) = dir.parent().map(|p| p.join("package.json")) else {
        return false;
    };
    // Read during the walk, before links are sorted out: a link is not the package's manifest.
    if !std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(text) = read_regular_file(&manifest, MAX_MANIFEST_BYTES) else {
        return false;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return false;
    };
    let mut paths = Vec::new();
    for field in [
        "files", "main", "module", "types", "typings", "bin", "browser", "exports",
    ] {
        if let Some(v) = value.get(field) {
            collect_strings(v, &mut paths);
        }
    }
    paths.iter().any(|p| {
        !p.starts_with('!')
            && p.trim_start_matches("./")
                .trim_start_matches('/')
                .split('/')
                .next()
                == Some(name)
    })
}

/// Every string inside a JSON value (`exports` nests conditions and subpaths).
fn collect_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// `.env` files are often git-ignored; the env stage still needs them, so look for them at
/// every directory that holds a `package.json` (and the root).
fn find_ignored_env_files(root: &Path, discovery: &mut Discovery) {
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    dirs.extend(
        discovery
            .package_jsons
            .iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf)),
    );
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if crate::env::declarations::is_dotenv_name(name)
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                discovery.env_files.push(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn sources(root: &Path) -> Vec<String> {
        let found = discover(root, &DiscoverOptions::default()).unwrap();
        found.sources.into_iter().map(|s| s.rel).collect()
    }

    #[test]
    fn published_dist_of_an_unpacked_package_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "package.json",
            r#"{"name":"hono","exports":{".":{"import":"./dist/index.js"}},"files":["dist"]}"#,
        );
        write(dir.path(), "dist/index.js", "export * from './hono.js';\n");
        write(dir.path(), "dist/hono.js", "export const Hono = 1;\n");
        write(dir.path(), "coverage/lcov.js", "x;\n");
        write(dir.path(), "node_modules/dep/index.js", "x;\n");
        assert_eq!(sources(dir.path()), ["dist/hono.js", "dist/index.js"]);
    }

    #[test]
    fn build_output_nobody_ships_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "package.json",
            r#"{"name":"api","main":"src/index.js","files":["!dist/**"]}"#,
        );
        write(dir.path(), "src/index.js", "export {};\n");
        write(dir.path(), "dist/index.js", "export {};\n");
        write(dir.path(), "build/index.js", "export {};\n");
        assert_eq!(sources(dir.path()), ["src/index.js"]);
    }

    #[test]
    fn framework_generated_folders_are_skipped_even_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "package.json", r#"{"name":"docs"}"#);
        write(dir.path(), "src/pages/index.ts", "export {};\n");
        write(
            dir.path(),
            ".astro/content.d.ts",
            "declare module 'astro:content' { export type C = typeof import('../src/content.config.mjs'); }\n",
        );
        write(dir.path(), ".svelte-kit/types/index.d.ts", "export {};\n");
        assert_eq!(sources(dir.path()), ["src/pages/index.ts"]);
    }

    #[test]
    fn bin_entry_in_build_makes_it_walked() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "package.json",
            r#"{"name":"server","bin":{"server":"./build/bin/server.js"}}"#,
        );
        write(dir.path(), "build/bin/server.js", "import '../app.js';\n");
        write(dir.path(), "build/app.js", "export {};\n");
        assert_eq!(sources(dir.path()), ["build/app.js", "build/bin/server.js"]);
    }
}
