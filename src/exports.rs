//! What a module exports once `export *`, pass-through `module.exports = require(…)` and
//! compiler re-export helpers are followed: for modules of the tree and for installed packages
//! (their type declarations first). Memoised per module and safe to share across threads.
//! Package code is read and parsed, never executed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::discover::Dialect;
use crate::facts::{Import, ImportKind, ModuleFacts};
use crate::parse::parse_module;
use crate::project::Project;
use crate::resolve::{PackageResolver, Resolution, is_bare};

/// The names a module exports, with whether each exists at run time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSet {
    /// Name → true when it is a value (exists at run time), false when only a type.
    pub names: BTreeMap<String, bool>,
    /// A CommonJS module: ESM importers get `module.exports` as `default`.
    pub implicit_default: bool,
}

/// An export shape: known, or unknowable statically (`None`).
pub type Shape = Option<Arc<ExportSet>>;

/// What an import points at, as far as exports are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A module file (in the tree or elsewhere on disk).
    File(PathBuf),
    /// An installed package: its declaration file (when it ships types) and runtime entry.
    Package {
        /// `@scope/name` or `name`.
        name: String,
        /// The `.d.ts` files TypeScript would read (`import` and `require` conditions).
        types: Vec<PathBuf>,
        /// The file Node would load.
        runtime: PathBuf,
    },
    /// A package that is not in `node_modules`.
    NotInstalled(String),
    /// A target whose exports cannot be known (augmented by `declare module`, a builtin as a
    /// star source, an unresolved star source).
    Unknown(String),
    /// Not a module with exports to check (JSON, builtins, unresolved: other rules report).
    Ignored,
}

/// The answer for one imported name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Exported (as a value, or as a type for a type import).
    Found,
    /// Exported only as a type, imported as a value.
    TypeOnly,
    /// Not exported; the set the module does export.
    Missing(Arc<ExportSet>),
    /// The target's shape is unknowable.
    Unknown,
}

/// Memoised export resolution over one analysed project.
pub struct ExportIndex<'p> {
    project: &'p Project,
    packages: PackageResolver,
    /// Module names some `.d.ts` of the tree declares or augments (`declare module 'hono'`).
    ambient: HashSet<String>,
    external: Mutex<HashMap<PathBuf, Option<Arc<ModuleFacts>>>>,
    shapes: Mutex<HashMap<PathBuf, Shape>>,
}

enum FactsRef {
    Tree(usize),
    External(Arc<ModuleFacts>),
}

impl<'p> ExportIndex<'p> {
    /// An index over `project`; nothing is read until asked.
    pub fn new(project: &'p Project) -> ExportIndex<'p> {
        let ambient = project
            .modules
            .iter()
            .flat_map(|m| m.facts.ambient_modules.iter().cloned())
            .collect();
        ExportIndex {
            project,
            packages: PackageResolver::new(),
            ambient,
            external: Mutex::new(HashMap::new()),
            shapes: Mutex::new(HashMap::new()),
        }
    }

    /// What import `index` of tree module `module` points at.
    pub fn target_of(&self, module: usize, index: usize) -> Target {
        let m = &self.project.modules[module];
        let (Some(import), Some(resolution)) =
            (m.facts.imports.get(index), m.resolutions.get(index))
        else {
            return Target::Ignored;
        };
        if self.is_ambient(&import.specifier) {
            return Target::Unknown(import.specifier.clone());
        }
        // `./worker?worker`, `./logo.svg?url`, `./a.txt?raw`, also through an alias or a
        // package (`@/workers/sync?worker`, `pdfjs-dist/build/pdf.worker.mjs?url`): the bundler
        // builds the module the query asks for (a Worker constructor, a URL string), not the
        // file's exports.
        if import.specifier.contains('?') {
            return Target::Ignored;
        }
        match resolution {
            // TypeScript reads `x.d.ts` for `./x.js` when both exist.
            Resolution::File { path }
                if m.file.dialect != Dialect::JavaScript
                    && Dialect::from_path(path) == Some(Dialect::JavaScript) =>
            {
                match self
                    .packages
                    .types_entry(&m.file.path, &import.specifier, import.kind)
                {
                    Some(declaration) => file_target(&declaration),
                    None => file_target(path),
                }
            }
            Resolution::File { path } => file_target(path),
            Resolution::CaseMismatch { actual } => file_target(actual),
            Resolution::Package {
                name,
                path: Some(runtime),
                ..
            } => Target::Package {
                name: name.clone(),
                types: self.packages.types_entries(&m.file.path, &import.specifier),
                runtime: runtime.clone(),
            },
            Resolution::Package {
                name, path: None, ..
            } => Target::NotInstalled(name.clone()),
            Resolution::Builtin { .. }
            | Resolution::Unresolved { .. }
            | Resolution::Unanalysable
            | Resolution::Virtual { .. }
            | Resolution::Generated { .. }
            | Resolution::Template { .. } => Target::Ignored,
        }
    }

    fn is_ambient(&self, specifier: &str) -> bool {
        !self.ambient.is_empty()
            && (self.ambient.contains(specifier)
                || (is_bare(specifier)
                    && self
                        .ambient
                        .contains(crate::manifest::package_name(specifier))))
    }

    /// Looks up `name` imported with `kind` (`type_only` for `import type`/`{ type A }`).
    pub fn lookup(&self, target: &Target, name: &str, kind: ImportKind, type_only: bool) -> Lookup {
        match target {
            Target::File(path) => {
                let Some(set) = self.file_shape(path) else {
                    return Lookup::Unknown;
                };
                match find(&set, name, kind) {
                    Some(true) => Lookup::Found,
                    Some(false) if type_only || kind == ImportKind::TypeOnly => Lookup::Found,
                    Some(false) => Lookup::TypeOnly,
                    None => Lookup::Missing(set),
                }
            }
            Target::Package { types, runtime, .. } => {
                // The declarations are the package's contract; the runtime entry decides what
                // `default` is (a CommonJS entry always has one for ESM importers).
                let runtime_shape = || self.file_shape(runtime);
                let mut first = None;
                for declaration in types {
                    let Some(set) = self.file_shape(declaration) else {
                        return Lookup::Unknown;
                    };
                    if find(&set, name, kind).is_some() {
                        return Lookup::Found;
                    }
                    first.get_or_insert(set);
                }
                let set = match first {
                    Some(set) => set,
                    None => match runtime_shape() {
                        Some(set) => set,
                        None => return Lookup::Unknown,
                    },
                };
                if find(&set, name, kind).is_some() {
                    return Lookup::Found;
                }
                if !types.is_empty() {
                    match runtime_shape() {
                        None => {
                            if name == "default" {
                                return Lookup::Unknown;
                            }
                        }
                        Some(runtime_set) => {
                            if find(&runtime_set, name, kind).is_some() {
                                return Lookup::Found;
                            }
                        }
                    }
                }
                Lookup::Missing(set)
            }
            Target::NotInstalled(_) | Target::Unknown(_) => Lookup::Unknown,
            Target::Ignored => Lookup::Found,
        }
    }

    /// The export set of the module at `path`, following star re-exports; `None` if unknowable.
    pub fn file_shape(&self, path: &Path) -> Shape {
        if let Some(shape) = lock(&self.shapes).get(path) {
            return shape.clone();
        }
        let shape = self.compute_shape(path).map(Arc::new);
        lock(&self.shapes)
            .entry(path.to_path_buf())
            .or_insert(shape)
            .clone()
    }

    fn compute_shape(&self, root: &Path) -> Option<ExportSet> {
        let mut set = ExportSet::default();
        // (module, reached only through `export type *`)
        let mut stack: Vec<(PathBuf, bool)> = vec![(root.to_path_buf(), false)];
        let mut visited: HashSet<(PathBuf, bool)> = HashSet::new();
        while let Some((path, type_only)) = stack.pop() {
            if !visited.insert((path.clone(), type_only)) {
                continue;
            }
            let is_root = path == root;
            if !is_root {
                // A star target already resolved: its closure is complete.
                let memo = lock(&self.shapes).get(&path).cloned();
                if let Some(shape) = memo {
                    merge(&mut set, shape.as_deref()?, type_only);
                    continue;
                }
            }
            let facts = self.facts(&path)?;
            let facts = self.facts_of(&facts);
            let exports = &facts.exports;
            // `module.exports = factory()`, `export =`, computed exports; a file with no
            // module syntax at all is a script or a UMD bundle whose shape is unknowable; a
            // syntax error (or a construct the grammar lacks) may hide an export.
            if exports.opaque
                || (!exports.esm && !exports.commonjs)
                || !facts.syntax_errors.is_empty()
            {
                return None;
            }
            // A file that imports the ESM way but exports through `module.exports` loads only
            // through an interop loader (jiti, Babel, ts-node): each makes `module.exports` the
            // default export, as Node does for CommonJS.
            if is_root && exports.commonjs && (!exports.esm || !exports.esm_exports) {
                set.implicit_default = true;
            }
            // tsc: every top-level declaration of a `.d.ts` module is exported (unless the
            // file says `export {}`, which parse records as no declarations).
            if path.to_string_lossy().ends_with(".d.ts") {
                for declaration in &facts.declarations {
                    let value = !(declaration.type_only || type_only);
                    let entry = set.names.entry(declaration.name.clone()).or_insert(value);
                    *entry |= value;
                }
            }
            for name in &exports.names {
                // `export *` does not re-export `default`.
                if !is_root && name.name == "default" {
                    continue;
                }
                let value = !(name.type_only || type_only);
                let entry = set.names.entry(name.name.clone()).or_insert(value);
                *entry |= value;
            }
            let edges = exports
                .star_from
                .iter()
                .map(|s| (s, type_only, ImportKind::ReExport))
                .chain(
                    exports
                        .type_star_from
                        .iter()
                        .map(|s| (s, true, ImportKind::TypeOnly)),
                )
                .chain(
                    exports
                        .passthrough
                        .iter()
                        .map(|s| (s, type_only, ImportKind::Require)),
                );
            for (specifier, edge_type_only, kind) in edges {
                match self.resolve_from(&path, facts, specifier, kind) {
                    Target::File(next) => stack.push((next, edge_type_only)),
                    Target::Package { types, runtime, .. } => {
                        if types.is_empty() {
                            merge(
                                &mut set,
                                self.file_shape(&runtime).as_deref()?,
                                edge_type_only,
                            );
                        }
                        for declaration in types {
                            let shape = self.file_shape(&declaration);
                            merge(&mut set, shape.as_deref()?, edge_type_only);
                        }
                    }
                    _ => return None,
                }
            }
        }
        Some(set)
    }

    /// Where `specifier`, written in the module at `from`, leads.
    fn resolve_from(
        &self,
        from: &Path,
        facts: &ModuleFacts,
        specifier: &str,
        kind: ImportKind,
    ) -> Target {
        if self.is_ambient(specifier) {
            return Target::Unknown(specifier.to_string());
        }
        if let Some(module) = self.project.module_at(from) {
            // Reuse the resolution the project already made for this specifier.
            let index = facts
                .imports
                .iter()
                .position(|i: &Import| i.specifier == specifier && i.analysable);
            return match index {
                Some(i) => match self.target_of(module, i) {
                    Target::Ignored => Target::Unknown(specifier.to_string()),
                    other => other,
                },
                None => Target::Unknown(specifier.to_string()),
            };
        }
        let Some(resolved) = self.packages.resolve(from, specifier, kind) else {
            return Target::Unknown(specifier.to_string());
        };
        if is_bare(specifier)
            && resolved
                .components()
                .any(|c| c.as_os_str() == "node_modules")
        {
            let name = crate::manifest::package_name(specifier).to_string();
            // A declaration file already resolved to the package's declarations.
            let types = if crate::discover::is_type_declaration(&resolved) {
                self.packages.types_entries(from, specifier)
            } else {
                Vec::new()
            };
            return Target::Package {
                name,
                types,
                runtime: resolved,
            };
        }
        file_target(&resolved)
    }

    fn facts(&self, path: &Path) -> Option<FactsRef> {
        if let Some(module) = self.project.module_at(path) {
            return Some(FactsRef::Tree(module));
        }
        if let Some(known) = lock(&self.external).get(path) {
            return known.clone().map(FactsRef::External);
        }
        // Read outside the lock: two threads may parse the same file once each, harmlessly.
        let parsed = Dialect::from_path(path)
            .and_then(|dialect| {
                let bytes = crate::discover::read_in_tree(
                    &self.project.root,
                    path,
                    crate::project::MAX_SOURCE_BYTES,
                );
                Some((dialect, bytes.ok()?))
            })
            .map(|(dialect, bytes)| Arc::new(parse_module(dialect, &bytes)));
        lock(&self.external)
            .entry(path.to_path_buf())
            .or_insert(parsed)
            .clone()
            .map(FactsRef::External)
    }

    fn facts_of<'a>(&'a self, facts: &'a FactsRef) -> &'a ModuleFacts {
        match facts {
            FactsRef::Tree(i) => &self.project.modules[*i].facts,
            FactsRef::External(facts) => facts,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere leaves the memo consistent (entries are inserted whole).
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Only source files have exports to check (`data.json`, `styles.css` do not).
fn file_target(path: &Path) -> Target {
    if Dialect::from_path(path).is_some() {
        Target::File(path.to_path_buf())
    } else {
        Target::Ignored
    }
}

/// Adds a star source's names (never its `default`).
fn merge(set: &mut ExportSet, from: &ExportSet, type_only: bool) {
    for (name, value) in &from.names {
        if name == "default" {
            continue;
        }
        let value = *value && !type_only;
        let entry = set.names.entry(name.clone()).or_insert(value);
        *entry |= value;
    }
}

/// `Some(is_value)` when `name` is exported. `require()` of CommonJS gets `module.exports`
/// itself, so only ESM-style imports see an implicit `default`.
fn find(set: &ExportSet, name: &str, kind: ImportKind) -> Option<bool> {
    if let Some(value) = set.names.get(name) {
        return Some(*value);
    }
    (name == "default" && set.implicit_default && kind != ImportKind::Require).then_some(true)
}
