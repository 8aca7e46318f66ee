//! The tree as the installed toolchain would see it, for oxc_resolver: workspace packages linked
//! into `node_modules` (as npm, yarn and pnpm link them), a package's unbuilt output
//! (`dist/index.js`, `dist/index.d.ts`) standing for its source (`src/index.ts`), and tsconfigs
//! with unreadable `extends` entries removed. Only paths absent from disk are answered
//! virtually: whatever exists is read as it is. Nothing is written anywhere.

// Path keys hashed with FxHash: std's SipHash over every ancestor of every probed path was
// a fifth of resolution on a 50k-file tree.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxc_resolver::{FileMetadata, FileSystem, FileSystemOs, ResolveError};

/// Output file extensions and the source extensions that compile to them.
const OUTPUT_EXTENSIONS: &[&str] = &[".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx"];
const SOURCE_EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/// Per-format subdirectories bundlers write (`dist/esm/index.js`, `dist/types/index.d.ts`).
const FORMAT_DIRS: &[&str] = &[
    "esm", "cjs", "es", "umd", "types", "mjs", "module", "commonjs", "node", "browser",
];

/// What the virtual layer knows.
#[derive(Debug, Default)]
pub struct Overlay {
    /// The audited root (canonical): nothing outside it is read. Empty: no restriction.
    pub root: PathBuf,
    /// Virtual symlinks (`<ws>/node_modules/@x/db` → `<ws>/packages/db`).
    pub links: HashMap<PathBuf, PathBuf>,
    /// Virtual directories (`<ws>/node_modules`, `<ws>/node_modules/@x`).
    pub dirs: HashSet<PathBuf>,
    /// Output directory → source directory.
    pub outputs: HashMap<PathBuf, PathBuf>,
    /// Files of the tree (a mapped source must be one of them).
    pub files: HashSet<PathBuf>,
    /// Directories of the tree.
    pub tree_dirs: HashSet<PathBuf>,
    /// Replacement tsconfig texts.
    pub tsconfigs: HashMap<PathBuf, String>,
    /// The depth of the shallowest directory in `outputs`, once `outputs` is complete.
    pub shallowest_output: std::sync::OnceLock<usize>,
}

impl Overlay {
    /// Adds `link` → `target` and the directories that hold the link.
    pub fn add_link(&mut self, link: PathBuf, target: PathBuf) {
        let mut dir = link.parent();
        while let Some(d) = dir {
            if !self.dirs.insert(d.to_path_buf()) {
                break;
            }
            if d.file_name().is_some_and(|n| n == "node_modules") {
                break;
            }
            dir = d.parent();
        }
        self.links.insert(link, target);
    }

    /// `path` with a virtual link among its ancestors replaced by the link's target.
    fn through_links(&self, path: &Path) -> Option<PathBuf> {
        // Every link is `<dir>/node_modules/<name>`: other paths never go through one.
        if self.links.is_empty()
            || !path
                .as_os_str()
                .as_encoded_bytes()
                .windows(12)
                .any(|w| w == b"node_modules")
        {
            return None;
        }
        for ancestor in path.ancestors().skip(1) {
            if let Some(target) = self.links.get(ancestor) {
                let rest = path.strip_prefix(ancestor).ok()?;
                return Some(target.join(rest));
            }
        }
        None
    }

    /// The repaired text of the tsconfig at `path`. Repairs are keyed by the path the repair
    /// walk found (the package's real directory), while oxc_resolver reads a base config of a
    /// package through the package's link (`apps/web/node_modules/@x/tsconfig/next.json`, a
    /// virtual link or a pnpm symlink on disk): the link is followed before giving up, or the
    /// unrepaired base fails and takes the whole child tsconfig (its `paths`) with it.
    fn repaired_tsconfig(&self, path: &Path) -> Option<&String> {
        if self.tsconfigs.is_empty() {
            return None;
        }
        if let Some(text) = self.tsconfigs.get(path) {
            return Some(text);
        }
        let mut real = path.to_path_buf();
        // Each step leaves one link behind; a few cover a link to a package holding links.
        for _ in 0..8 {
            match self.through_links(&real) {
                Some(next) => real = next,
                None => break,
            }
            if let Some(text) = self.tsconfigs.get(&real) {
                return Some(text);
            }
        }
        // A pnpm symlink on disk: canonicalized, but only for what can be a tsconfig (the
        // resolver reads many `package.json` files under `node_modules`).
        if real.file_name().is_some_and(|n| n == "package.json")
            || !real
                .as_os_str()
                .as_encoded_bytes()
                .windows(12)
                .any(|w| w == b"node_modules")
        {
            return None;
        }
        crate::access::note_chain(&real);
        let canonical = FileSystemOs::canonicalize(&real).ok()?;
        self.tsconfigs.get(&canonical)
    }

    /// The source a missing output path stands for: a file, or `None`; output directories
    /// themselves are virtual directories (reported by [`Overlay::output_dir`]).
    fn output_source(&self, path: &Path) -> Option<PathBuf> {
        if self.outputs.is_empty() {
            return None;
        }
        // The nearest output directory among the path's ancestors (a hash lookup per level).
        for out in self.output_ancestors(path).skip(1) {
            let Some(src) = self.outputs.get(out) else {
                continue;
            };
            let Ok(rel) = path.strip_prefix(out) else {
                continue;
            };
            // `dist/esm/x.js`, `dist/types/x.d.ts`: a format directory a bundler writes. tsc
            // itself mirrors the source tree (`lib/esm/index.js` is `src/esm/index.ts`), so the
            // mirrored source wins when it exists; only declarations under `types/` (a
            // declaration directory) skip it first, as `src/types/` is usually another module.
            // Code under `types/` (`dist/types/index.js`) is tsc's mirror of `src/types/`.
            let declaration = rel
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| [".d.ts", ".d.mts", ".d.cts"].iter().any(|e| n.ends_with(e)));
            let mut components = rel.components();
            let format_rest = match components.next() {
                Some(first) if FORMAT_DIRS.iter().any(|f| first.as_os_str() == *f) => Some((
                    first.as_os_str() == "types" && declaration,
                    components.as_path(),
                )),
                _ => None,
            };
            let candidates: Vec<&Path> = match format_rest {
                Some((true, rest)) => vec![rest],
                Some((false, rest)) => vec![rel, rest],
                None => vec![rel],
            };
            if let Some(found) = candidates.iter().find_map(|rel| self.source_for(src, rel)) {
                return Some(found);
            }
        }
        None
    }

    /// `path` and its ancestors down to the depth of the shallowest output directory.
    fn output_ancestors<'a>(&self, path: &'a Path) -> impl Iterator<Item = &'a Path> {
        let shallowest = *self.shallowest_output.get_or_init(|| {
            let depths = self.outputs.keys().map(|k| k.components().count());
            depths.min().unwrap_or(0)
        });
        crate::resolve::ancestors_to_depth(path, shallowest)
    }

    fn source_for(&self, src: &Path, rel: &Path) -> Option<PathBuf> {
        let name = rel.file_name()?.to_str()?;
        let stem = OUTPUT_EXTENSIONS
            .iter()
            .find_map(|ext| name.strip_suffix(ext))?;
        let dir = src.join(rel.parent().unwrap_or(Path::new("")));
        SOURCE_EXTENSIONS
            .iter()
            .map(|ext| dir.join(format!("{stem}{ext}")))
            .find(|candidate| self.files.contains(candidate))
    }

    /// Whether a missing path is an output directory or a directory inside one whose source
    /// counterpart exists.
    fn output_dir(&self, path: &Path) -> bool {
        if self.outputs.is_empty() {
            return false;
        }
        self.output_ancestors(path).any(|out| {
            let Some(src) = self.outputs.get(out) else {
                return false;
            };
            path.strip_prefix(out).is_ok_and(|rel| {
                rel.as_os_str().is_empty()
                    || self.tree_dirs.contains(&src.join(rel))
                    || rel
                        .components()
                        .next()
                        .is_some_and(|first| FORMAT_DIRS.iter().any(|f| first.as_os_str() == *f))
            }) && self.tree_dirs.contains(src)
        })
    }

    fn virtual_metadata(&self, path: &Path) -> Option<FileMetadata> {
        if self.links.contains_key(path) {
            return Some(FileMetadata::new(false, false, true));
        }
        if self.dirs.contains(path) {
            return Some(FileMetadata::new(false, true, false));
        }
        if let Some(real) = self.through_links(path) {
            crate::access::note_probe(&real);
            return FileSystemOs::symlink_metadata(&real)
                .ok()
                .or_else(|| self.virtual_metadata(&real));
        }
        if self.output_source(path).is_some() {
            return Some(FileMetadata::new(false, false, true));
        }
        if self.output_dir(path) {
            return Some(FileMetadata::new(false, true, false));
        }
        None
    }

    fn virtual_target(&self, path: &Path) -> Option<PathBuf> {
        if let Some(target) = self.links.get(path) {
            return Some(target.clone());
        }
        if let Some(real) = self.through_links(path) {
            crate::access::note_probe(&real);
            return match FileSystemOs::symlink_metadata(&real) {
                Ok(meta) if meta.is_symlink() => FileSystemOs::read_link(&real).ok(),
                Ok(_) => Some(real),
                Err(_) => self.virtual_target(&real).or(Some(real)),
            };
        }
        self.output_source(path)
    }
}

/// The file system oxc_resolver reads through.
#[derive(Clone)]
pub struct ToolchainFileSystem {
    overlay: Arc<Overlay>,
}

impl ToolchainFileSystem {
    /// A file system answering from disk first and from `overlay` for what disk lacks.
    pub fn with_overlay(overlay: Arc<Overlay>) -> Self {
        ToolchainFileSystem { overlay }
    }

    fn readable(&self, path: &Path) -> Option<PathBuf> {
        self.overlay.virtual_target(path)
    }

    /// Reads a file of the tree; a file outside the root (an `extends` or package that climbs
    /// out) is "not found" rather than opened, and only regular files are read.
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.overlay.root.as_os_str().is_empty() {
            return crate::access::read(path);
        }
        crate::discover::read_in_tree(
            &self.overlay.root,
            path,
            crate::discover::MAX_MANIFEST_BYTES,
        )
        .map_err(|e| match e.kind() {
            io::ErrorKind::Other => io::Error::from(io::ErrorKind::NotFound),
            _ => e,
        })
    }
}

impl FileSystem for ToolchainFileSystem {
    fn new() -> Self {
        ToolchainFileSystem {
            overlay: Arc::new(Overlay::default()),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some(text) = self.overlay.repaired_tsconfig(path) {
            return Ok(text.clone().into_bytes());
        }
        match self.read_bytes(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => match self.readable(path) {
                Some(real) => self.read_bytes(&real),
                None => Err(e),
            },
            other => other,
        }
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        if let Some(text) = self.overlay.repaired_tsconfig(path) {
            return Ok(text.clone());
        }
        FileSystemOs::validate_string(self.read(path)?)
    }

    fn metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        crate::access::note_probe(path);
        match FileSystemOs::metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(target) = self.overlay.virtual_target(path) {
                    return self.metadata(&target);
                }
                let meta = self.overlay.virtual_metadata(path).ok_or(e)?;
                Ok(meta)
            }
            other => other,
        }
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<FileMetadata> {
        crate::access::note_probe(path);
        match FileSystemOs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.overlay.virtual_metadata(path).ok_or(e)
            }
            other => other,
        }
    }

    fn read_link(&self, path: &Path) -> Result<PathBuf, ResolveError> {
        crate::access::note_probe(path);
        if FileSystemOs::symlink_metadata(path).is_ok() {
            return FileSystemOs::read_link(path);
        }
        self.overlay.virtual_target(path).ok_or_else(|| {
            ResolveError::from(io::Error::new(io::ErrorKind::NotFound, "not a link"))
        })
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        crate::access::note_probe(path);
        crate::access::note_chain(path);
        match FileSystemOs::canonicalize(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let target = self.overlay.virtual_target(path).ok_or(e)?;
                if target == path {
                    return Ok(target);
                }
                self.canonicalize(&target)
            }
            other => other,
        }
    }
}
