//! Turns each import specifier into a file, a package, a builtin, or an unresolved import
//! with what was tried and the nearest real file. Built on `oxc_resolver`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use oxc_resolver::{
    AliasValue, ResolveError, ResolveOptions, Resolver, ResolverGeneric, TsConfig,
    TsconfigDiscovery,
};
use serde::Serialize;

use crate::discover::relative;
use crate::facts::{Import, ImportKind};
use crate::file_role::{FileRole, file_role};
use crate::manifest::{DependencyKind, Manifests, package_name};
use crate::toolchain::Toolchain;
use crate::toolchain::file_system::ToolchainFileSystem;

/// Extensions tried for extension-less specifiers, in order.
pub const SOURCE_EXTENSIONS: &[&str] = &[
    ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".json", ".node", ".d.ts",
];

/// What a specifier turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Resolution {
    /// A file on disk (absolute path).
    File {
        /// Absolute path of the target.
        path: PathBuf,
    },
    /// A bare import of a package.
    Package {
        /// `@scope/name` or `name`.
        name: String,
        /// Where it is declared, if anywhere.
        declared: Option<DependencyKind>,
        /// The entry file when the package is installed.
        path: Option<PathBuf>,
    },
    /// A Node.js builtin (`fs`, `node:fs`).
    Builtin {
        /// `node:fs`.
        name: String,
    },
    /// The target exists only with different letter case (works on macOS, fails on Linux).
    CaseMismatch {
        /// The real file.
        actual: PathBuf,
    },
    /// Resolves to nothing.
    Unresolved {
        /// Candidates that were looked for (relative to the root).
        tried: Vec<String>,
        /// The nearest existing file, as a specifier usable from the importer.
        suggestion: Option<String>,
        /// oxc_resolver's reason, when it gave one beyond "not found".
        reason: Option<String>,
    },
    /// `import(variable)`: nothing to resolve statically.
    Unanalysable,
    /// A module a framework, plugin or runtime serves (`virtual:pwa-register`, `~icons/x`,
    /// `$app/stores`, `cloudflare:sockets`, `npm:express`): there is no file to check.
    Virtual {
        /// Who serves it.
        provider: String,
    },
    /// The target lies in a path the project generates before it builds (Prisma client,
    /// GraphQL codegen output, git-ignored build output): it cannot be checked in a checkout.
    Generated {
        /// The generated directory (absolute).
        directory: PathBuf,
        /// What generates it (`prisma generate (prisma/schema.prisma)`).
        generator: String,
    },
    /// The importer is a template the project copies before use, and the import resolves from
    /// those copies, not from the template.
    Template {
        /// The copied directory (absolute).
        directory: PathBuf,
        /// Why the import is read from the copies.
        note: String,
        /// Where the copies go.
        copied_into: TemplateCopies,
    },
}

/// Where the files of a template are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemplateCopies {
    /// The packages of the workspace beside it (a template the workspace excludes).
    WorkspacePackages,
    /// The projects a CLI creates (a scaffold template its package ships as files).
    CreatedProjects,
}

type ToolchainResolver = ResolverGeneric<ToolchainFileSystem>;

/// One resolver per module kind and dialect, sharing one file system cache.
struct ResolverSet {
    esm: ToolchainResolver,
    cjs: ToolchainResolver,
    /// TypeScript's view (declaration files count), for imports from TS files and type-only ones.
    types_esm: ToolchainResolver,
    types_cjs: ToolchainResolver,
}

/// Frameworks that build with Vite and hand it their public folder, as (package a package.json
/// declares, the stem of a config file that marks the project, public folder): a root-absolute
/// import (`/logo.svg?url`) in their projects is served from there. SvelteKit names its folder
/// `static/`. Frameworks come before `vite` itself, which their projects declare too.
const VITE_HOSTS: &[(&str, Option<&str>, &str)] = &[
    ("astro", Some("astro"), "public"),
    ("@sveltejs/kit", Some("svelte"), "static"),
    ("@react-router/dev", Some("react-router"), "public"),
    ("@solidjs/start", None, "public"),
    ("@tanstack/react-start", None, "public"),
    ("@analogjs/platform", None, "public"),
    ("vite", Some("vite"), "public"),
];

impl ResolverSet {
    /// `conditions` are the tree's custom `exports` conditions (tsconfig `customConditions`),
    /// matched besides each resolver's own; `extensions` those the scope's bundler tries
    /// (`.vue`), in its order before the usual ones.
    fn new(
        base: &ToolchainResolver,
        alias: &[(String, Vec<AliasValue>)],
        roots: &[PathBuf],
        conditions: &[String],
        extensions: &[String],
    ) -> Self {
        let with = |options: ResolveOptions| {
            let mut modules = options.modules.clone();
            modules.extend(roots.iter().map(|r| r.to_string_lossy().into_owned()));
            let mut condition_names = options.condition_names.clone();
            condition_names.extend(conditions.iter().cloned());
            let mut tried = extensions.to_vec();
            tried.extend(
                options
                    .extensions
                    .iter()
                    .filter(|e| !extensions.contains(e))
                    .cloned(),
            );
            base.clone_with_options(ResolveOptions {
                alias: alias.to_vec(),
                modules,
                condition_names,
                extensions: tried,
                ..options
            })
        };
        ResolverSet {
            // `svelte`: vite-plugin-svelte adds it to Vite's conditions, and only Svelte
            // component libraries export it (`"./editor": { "svelte": "./Editor.svelte" }`).
            esm: with(ResolveOptions {
                condition_names: vec!["node".into(), "import".into(), "svelte".into()],
                ..options()
            }),
            cjs: with(ResolveOptions {
                condition_names: vec!["node".into(), "require".into()],
                ..options()
            }),
            types_esm: with(type_options("import")),
            types_cjs: with(type_options("require")),
        }
    }

    fn pick(&self, require: bool, typescript: bool) -> &ToolchainResolver {
        match (require, typescript) {
            (true, false) => &self.cjs,
            (false, false) => &self.esm,
            (true, true) => &self.types_cjs,
            (false, true) => &self.types_esm,
        }
    }
}

/// The resolvers of one bundler alias scope.
struct ScopedResolvers {
    /// With every alias of the scope: for test files' value imports, and for everything when
    /// no alias is a test runner's only.
    all: ResolverSet,
    /// Without the aliases only a test runner applies (Jest `moduleNameMapper`, Vitest
    /// `test.alias`), when the scope has any: for everything else.
    build: Option<ResolverSet>,
}

/// Whether an alias applies to an import (see [`ModuleResolver::in_test_run`]).
fn applies(alias: &crate::toolchain::Alias, in_test_run: bool) -> bool {
    in_test_run || !alias.tests_only
}

/// What an alias (tsconfig `paths`/`baseUrl`, a bundler alias) made of a specifier.
struct AliasMapping {
    /// "tsconfig `paths` key `@/*` (tsconfig.json)".
    description: String,
    /// The absolute paths it maps to.
    targets: Vec<PathBuf>,
}

/// The reason of an import that resolves to a file outside the audited tree.
pub const OUTSIDE_TREE: &str = "it resolves to a file outside the audited tree, which is not read";

/// Resolves specifiers for every file of one tree.
pub struct ModuleResolver<'t> {
    root: PathBuf,
    toolchain: &'t Toolchain,
    base: ResolverSet,
    /// One set per bundler alias scope, same order as `toolchain.alias_scopes`.
    scoped: Vec<ScopedResolvers>,
    /// Every file in the tree by lower-cased path, for case-mismatch and suggestions.
    files_by_lowercase: HashMap<String, PathBuf>,
    files: HashSet<PathBuf>,
    /// Directories of the tree's files.
    dirs: HashSet<PathBuf>,
    /// File stem (`database`) → files with that stem, for suggestions.
    files_by_stem: HashMap<String, Vec<PathBuf>>,
    /// Directories holding a `tsconfig.json`/`jsconfig.json`, for files no tsconfig includes.
    tsconfig_dirs: HashMap<PathBuf, PathBuf>,
    /// Suggestions already computed, by intended path (many files import the same missing one).
    suggestions: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// `node_modules/<name>` lookups already made, by (importer directory, name).
    installed: Mutex<HashMap<(PathBuf, String), Option<PathBuf>>>,
    /// Whether any `node_modules` directory exists in or above the tree.
    has_node_modules: bool,
    /// The tree's tsconfigs that the resolver cannot load (after the repairs).
    tsconfig_failures: Vec<crate::toolchain::TsconfigProblem>,
}

/// Loads every tsconfig of the tree the way resolution will, and says which ones fail (and why)
/// that the repair pass has not reported already. oxc_resolver answers a failing tsconfig with
/// an error (resolution then goes on without any tsconfig) or, for an I/O error, skips it
/// silently: either way its `paths` would vanish without a word.
fn tsconfig_failures(
    root: &Path,
    tsconfigs: &[PathBuf],
    toolchain: &Toolchain,
    resolver: &ResolverGeneric<ToolchainFileSystem>,
) -> Vec<crate::toolchain::TsconfigProblem> {
    let reported: HashSet<&Path> = toolchain
        .tsconfig_repairs
        .problems
        .iter()
        .map(|p| p.path.as_path())
        .collect();
    let root_prefix = format!("{}/", root.display());
    tsconfigs
        .iter()
        .filter(|path| !reported.contains(path.as_path()))
        .filter_map(|path| {
            let error = resolver.resolve_tsconfig(path).err()?;
            // A config with nothing to lose (Nuxt's `files: []` plus `references` to the
            // `.nuxt/` configs `nuxt prepare` writes) is not worth a word.
            let value = crate::access::read_to_string(path)
                .ok()
                .and_then(|text| crate::toolchain::tsconfig::parse_jsonc(&text).ok())?;
            let carries_paths = value.get("extends").is_some()
                || value.pointer("/compilerOptions/paths").is_some()
                || value.pointer("/compilerOptions/baseUrl").is_some();
            if !carries_paths {
                return None;
            }
            Some(crate::toolchain::TsconfigProblem {
                path: path.clone(),
                line: 1,
                uninstalled_package: None,
                message: format!(
                    "it cannot be loaded ({}); imports of the files it covers are resolved without its `paths` and `baseUrl`",
                    error.to_string().replace(&root_prefix, "")
                ),
            })
        })
        .collect()
}

/// The resolver settings every tree is resolved with (also used by drift's overlay resolver).
pub fn options() -> ResolveOptions {
    ResolveOptions {
        extensions: SOURCE_EXTENSIONS.iter().map(|s| s.to_string()).collect(),
        // TypeScript NodeNext style: `./x.js` names `x.ts` before it is compiled.
        extension_alias: vec![
            (
                ".js".into(),
                vec![".js".into(), ".ts".into(), ".tsx".into(), ".jsx".into()],
            ),
            (".jsx".into(), vec![".jsx".into(), ".tsx".into()]),
            (".mjs".into(), vec![".mjs".into(), ".mts".into()]),
            (".cjs".into(), vec![".cjs".into(), ".cts".into()]),
        ],
        condition_names: vec!["node".into(), "import".into()],
        main_fields: vec!["main".into(), "module".into()],
        builtin_modules: true,
        tsconfig: Some(TsconfigDiscovery::Auto),
        ..ResolveOptions::default()
    }
}

/// The other TypeScript extension tsc also tries for a specifier that names one
/// (`loadModuleFromFileNoImplicitExtensions`: `./x.ts` finds `x.tsx`, `./x.tsx` and `./x.jsx`
/// find `x.ts`). Only a type-only import may lean on it: it never reaches the bundler, which
/// takes the extension literally.
fn swapped_typescript_extension(specifier: &str) -> Option<String> {
    let (stem, ext) = specifier.rsplit_once('.')?;
    let other = match ext {
        "ts" if !stem.ends_with(".d") => "tsx",
        "tsx" | "jsx" => "ts",
        _ => return None,
    };
    Some(format!("{stem}.{other}"))
}

/// How TypeScript resolves for the type checker: a declaration file stands in for the module
/// (`./types.js` and `./types.ts` both find `types.d.ts`, `./x.mjs` finds `x.d.mts`), and the
/// `types` condition of `exports` applies. Used for imports written in TypeScript files and for
/// type-only imports; plain JavaScript must find real code, so it never uses these aliases.
fn type_options(condition: &str) -> ResolveOptions {
    let alias = |from: &str, to: &[&str]| {
        (
            from.to_string(),
            to.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    ResolveOptions {
        extension_alias: vec![
            alias(".js", &[".js", ".ts", ".tsx", ".jsx", ".d.ts"]),
            alias(".jsx", &[".jsx", ".tsx", ".d.ts"]),
            alias(".mjs", &[".mjs", ".mts", ".d.mts"]),
            alias(".cjs", &[".cjs", ".cts", ".d.cts"]),
            alias(".ts", &[".ts", ".d.ts"]),
            alias(".tsx", &[".tsx", ".d.ts"]),
            alias(".mts", &[".mts", ".d.mts"]),
            alias(".cts", &[".cts", ".d.cts"]),
        ],
        condition_names: vec!["types".into(), "node".into(), condition.into()],
        // tsc reads `types`/`typings` before `main` (a CommonJS stub `module.exports = {}`
        // with its declarations in `lib/index.d.ts`).
        main_fields: vec![
            "types".into(),
            "typings".into(),
            "main".into(),
            "module".into(),
        ],
        ..options()
    }
}

/// Whether TypeScript (rather than Node) resolves the imports written in this file.
fn is_typescript_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "ts" | "tsx" | "mts" | "cts"))
}

/// Whether a tsconfig `paths` key (`@/*`, `vite`) matches `specifier`: an exact key only the
/// identical specifier, a wildcard key its pattern.
fn paths_key_matches(key: &str, specifier: &str) -> bool {
    match key.split_once('*') {
        None => key == specifier,
        Some((prefix, suffix)) => {
            specifier.len() >= prefix.len() + suffix.len()
                && specifier.starts_with(prefix)
                && specifier.ends_with(suffix)
        }
    }
}

/// Whether a bundler alias key (webpack semantics) matches `specifier`, and the rest after it.
fn alias_key_matches<'s>(key: &str, specifier: &'s str) -> Option<&'s str> {
    if let Some(exact) = key.strip_suffix('$') {
        return (specifier == exact).then_some("");
    }
    if specifier == key {
        return Some("");
    }
    specifier
        .strip_prefix(key)
        .filter(|rest| rest.starts_with('/'))
        .map(|rest| &rest[1..])
}

impl<'t> ModuleResolver<'t> {
    /// A resolver for the tree at `root` whose files (sources and others) are `files`,
    /// configured from the tree's toolchain settings.
    pub fn new(
        root: &Path,
        files: &[PathBuf],
        tsconfigs: &[PathBuf],
        toolchain: &'t Toolchain,
        manifests: &Manifests,
    ) -> ModuleResolver<'t> {
        let file_set: HashSet<PathBuf> = files.iter().cloned().collect();
        let overlay = Arc::new(toolchain.overlay(root, &file_set, manifests));
        let dirs = overlay.tree_dirs.clone();
        let fs = ToolchainFileSystem::with_overlay(overlay);
        let base_resolver = ResolverGeneric::new_with_file_system(fs, options());
        let tsconfig_failures = tsconfig_failures(root, tsconfigs, toolchain, &base_resolver);
        // A package whose `exports` offers its source under a condition of the project's own
        // (`{ ".": { "webstudio": "./src/index.ts" } }`, with `customConditions: ["webstudio"]`
        // in the shared tsconfig) resolves there, as tsc and the bundler configured alike do.
        let conditions = &toolchain.tsconfig_repairs.custom_conditions;
        let base = ResolverSet::new(&base_resolver, &[], &[], conditions, &[]);
        let scoped = toolchain
            .alias_scopes
            .iter()
            .map(|scope| {
                let resolvers = |in_test_run: bool| {
                    let alias: Vec<(String, Vec<AliasValue>)> = scope
                        .aliases
                        .iter()
                        .filter(|a| !a.is_opaque() && applies(a, in_test_run))
                        .map(|a| (a.key.clone(), vec![AliasValue::Path(a.target.clone())]))
                        .collect();
                    ResolverSet::new(
                        &base_resolver,
                        &alias,
                        &scope.roots,
                        conditions,
                        &scope.extensions,
                    )
                };
                ScopedResolvers {
                    all: resolvers(true),
                    build: scope
                        .aliases
                        .iter()
                        .any(|a| a.tests_only)
                        .then(|| resolvers(false)),
                }
            })
            .collect();
        let mut files_by_lowercase =
            HashMap::with_capacity_and_hasher(files.len(), Default::default());
        let mut files_by_stem: HashMap<String, Vec<PathBuf>> = HashMap::default();
        for file in files {
            files_by_lowercase.insert(file.to_string_lossy().to_lowercase(), file.clone());
            if let Some(stem) = file_stem(file) {
                files_by_stem
                    .entry(stem.to_lowercase())
                    .or_default()
                    .push(file.clone());
            }
        }
        let mut tsconfig_dirs = HashMap::default();
        for path in tsconfigs {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if let Some(dir) = path.parent() {
                // tsconfig.json wins over jsconfig.json in the same directory.
                if name == "tsconfig.json"
                    || (name == "jsconfig.json" && !tsconfig_dirs.contains_key(dir))
                {
                    tsconfig_dirs.insert(dir.to_path_buf(), path.clone());
                }
            }
        }
        let has_node_modules = root
            .ancestors()
            .any(|d| crate::access::is_dir(d.join("node_modules")))
            || files
                .iter()
                .any(|f| f.components().any(|c| c.as_os_str() == "node_modules"))
            || manifests
                .all()
                .iter()
                .any(|m| crate::access::is_dir(m.path.with_file_name("node_modules")));
        ModuleResolver {
            root: root.to_path_buf(),
            toolchain,
            base,
            scoped,
            files_by_lowercase,
            files: file_set,
            dirs,
            files_by_stem,
            tsconfig_dirs,
            suggestions: Mutex::new(HashMap::default()),
            installed: Mutex::new(HashMap::default()),
            has_node_modules,
            tsconfig_failures,
        }
    }

    /// The tree's tsconfigs that cannot be loaded even after the repairs: the files they cover
    /// are resolved without their `paths` and `baseUrl`, which must not go unsaid.
    pub fn tsconfig_failures(&self) -> &[crate::toolchain::TsconfigProblem] {
        &self.tsconfig_failures
    }

    /// Ends resolution: the resolvers' caches (every path probed, every package.json and
    /// tsconfig read) are freed on a thread of their own, off the single-threaded stages that
    /// follow (freeing them took 2% of a cold run's CPU, all of it on the critical path).
    pub fn release(self) {
        let ModuleResolver {
            base,
            scoped,
            files_by_lowercase,
            files,
            dirs,
            files_by_stem,
            ..
        } = self;
        let caches = (base, scoped, files_by_lowercase, files, dirs, files_by_stem);
        crate::project::free_in_background(caches);
    }

    fn resolvers_for(&self, dir: &Path, in_test_run: bool) -> &ResolverSet {
        match self
            .toolchain
            .alias_scope(dir)
            .and_then(|i| self.scoped.get(i))
        {
            Some(ScopedResolvers {
                build: Some(build), ..
            }) if !in_test_run => build,
            Some(scoped) => &scoped.all,
            None => &self.base,
        }
    }

    /// Whether a test runner's own aliases apply to `import`: it is a value import of a test
    /// file. Jest's `moduleNameMapper` and Vitest's `test.alias` act only on the modules a
    /// test run loads (the build never sees them), and a type-only import is erased before.
    fn in_test_run(&self, importer: &Path, import: &Import) -> bool {
        let type_only = import.kind == ImportKind::TypeOnly
            || (!import.names.is_empty() && import.names.iter().all(|n| n.type_only));
        !type_only && file_role(&relative(&self.root, importer)) == FileRole::Test
    }

    /// Resolves one import of `importer` (absolute path).
    pub fn resolve(&self, importer: &Path, import: &Import, manifests: &Manifests) -> Resolution {
        if let Some(resolution) = self.through_inline_loaders(importer, import, manifests) {
            return resolution;
        }
        let resolution = self.resolve_here(importer, import, manifests);
        let Some(template) = self.toolchain.templates.containing(importer) else {
            return resolution;
        };
        // A package import of a scaffold template names a dependency of the project it
        // creates; what its own tsconfig aliases to its files stays an edge.
        let leaves = match &resolution {
            Resolution::Package { .. }
            | Resolution::Unresolved { .. }
            | Resolution::Generated { .. } => true,
            Resolution::File { path } => !path.starts_with(&template.dir),
            _ => false,
        };
        // The relative imports of a fragment (no project config of the template covers it)
        // name siblings the CLI writes beside its copy.
        let placed_at_copy =
            template.is_fragment(importer) && matches!(resolution, Resolution::Unresolved { .. });
        if !leaves || !(is_bare(&import.specifier) || placed_at_copy) {
            return resolution;
        }
        Resolution::Template {
            directory: template.dir.clone(),
            note: format!(
                "`{}` is a scaffold template: {}",
                relative(&self.root, &template.dir),
                template.evidence
            ),
            copied_into: TemplateCopies::CreatedProjects,
        }
    }

    fn resolve_here(&self, importer: &Path, import: &Import, manifests: &Manifests) -> Resolution {
        if !import.analysable {
            return Resolution::Unanalysable;
        }
        let in_test_run = self.in_test_run(importer, import);
        let resolution = self.resolve_for(importer, import, manifests, in_test_run);
        let importer_dir = importer.parent().unwrap_or(&self.root);
        if in_test_run
            || !matches!(resolution, Resolution::Unresolved { .. })
            || !self.test_alias_matches(importer_dir, &import.specifier)
        {
            return resolution;
        }
        // What nothing else resolves (`@/lib/x` with only Jest's `^@/(.*)$` naming it) the
        // test runner's mapping is the project's one word on: it stands for the build's alias
        // treeaudit does not read. A package it swaps for a test double stays the package.
        match self.resolve_for(importer, import, manifests, true) {
            Resolution::Unresolved { .. } => resolution,
            through_test_alias => through_test_alias,
        }
    }

    /// The extensions the bundler config of `dir`'s scope adds (`.vue`).
    fn extensions_at(&self, dir: &Path) -> &[String] {
        self.toolchain
            .alias_scope(dir)
            .map_or(&[], |i| &self.toolchain.alias_scopes[i].extensions)
    }

    /// Whether an alias only a test runner applies matches `specifier` in `dir`'s scope.
    fn test_alias_matches(&self, dir: &Path, specifier: &str) -> bool {
        self.toolchain.alias_scope(dir).is_some_and(|i| {
            self.toolchain.alias_scopes[i]
                .aliases
                .iter()
                .any(|a| a.tests_only && alias_key_matches(&a.key, specifier).is_some())
        })
    }

    /// Resolves one import, with the test runner's aliases or without them.
    fn resolve_for(
        &self,
        importer: &Path,
        import: &Import,
        manifests: &Manifests,
        in_test_run: bool,
    ) -> Resolution {
        let specifier = import.specifier.as_str();
        let typescript = import.kind == ImportKind::TypeOnly || is_typescript_file(importer);
        let importer_dir = importer.parent().unwrap_or(&self.root);
        let resolver = self
            .resolvers_for(importer_dir, in_test_run)
            .pick(import.kind.uses_require_condition(), typescript);
        if let Some(opaque) = self.through_opaque_alias(importer_dir, specifier, in_test_run) {
            return opaque;
        }
        if let Some(path) = self.docs_site_rooted(importer, specifier) {
            return match resolver.resolve(importer_dir, &path.to_string_lossy()) {
                Ok(found) => self.found(found.into_path_buf(), specifier, importer_dir, manifests),
                Err(_) => Resolution::Unresolved {
                    tried: tried_summary(&self.root, &path, self.extensions_at(importer_dir)),
                    suggestion: self
                        .suggest(&path)
                        .map(|found| relative_specifier(importer_dir, &found)),
                    reason: None,
                },
            };
        }
        if let Some(found) = self
            .vite_rooted(importer_dir, specifier, manifests)
            .iter()
            .find_map(|path| resolver.resolve(importer_dir, &path.to_string_lossy()).ok())
        {
            return self.found(found.into_path_buf(), specifier, importer_dir, manifests);
        }
        let result = match resolver.resolve_file(importer, specifier) {
            // A broken tsconfig must not hide every import below it: it is reported on its own.
            Err(
                ResolveError::TsconfigLoadFailed { .. }
                | ResolveError::TsconfigCircularExtend(_)
                | ResolveError::TsconfigNotFound(_),
            ) => resolver
                .clone_with_options(ResolveOptions {
                    tsconfig: None,
                    ..resolver.options().clone()
                })
                .resolve(importer_dir, specifier),
            other => other,
        };
        match result {
            Ok(resolution) => {
                let path = resolution.into_path_buf();
                if self.esm_base_url_directory(importer, specifier, &path, resolver, manifests) {
                    // tsc, Node and bundlers all take the package here.
                    let packages_only = resolver.clone_with_options(ResolveOptions {
                        tsconfig: None,
                        ..resolver.options().clone()
                    });
                    return match packages_only.resolve(importer_dir, specifier) {
                        Ok(found) => {
                            self.found(found.into_path_buf(), specifier, importer_dir, manifests)
                        }
                        Err(_) => {
                            self.package_unresolved(importer, specifier, None, resolver, manifests)
                        }
                    };
                }
                self.registry_namesake(&path, specifier, importer_dir, manifests)
                    .unwrap_or_else(|| self.found(path, specifier, importer_dir, manifests))
            }
            Err(ResolveError::Builtin { resolved, .. }) => Resolution::Builtin { name: resolved },
            Err(error) => {
                if let Some(path) =
                    self.through_nearest_tsconfig(importer, specifier, resolver, manifests)
                {
                    return self.found(path, specifier, importer_dir, manifests);
                }
                if import.kind == ImportKind::TypeOnly
                    && let Some(path) = swapped_typescript_extension(specifier)
                        .and_then(|swapped| resolver.resolve_file(importer, &swapped).ok())
                {
                    return self.found(path.into_path_buf(), specifier, importer_dir, manifests);
                }
                if let Some(provider) = self.toolchain.virtual_provider(specifier) {
                    return Resolution::Virtual { provider };
                }
                if let Some(resolution) =
                    self.through_specifier_alias(importer_dir, specifier, manifests, in_test_run)
                {
                    return resolution;
                }
                self.unresolved(importer, specifier, error, manifests, resolver, in_test_run)
            }
        }
    }

    /// Whether a bare import reached `path` only as the `index` file of the directory
    /// `baseUrl` names (`vite` → `./vite/index.ts` beside the package's vite config) in a file
    /// tsc reads as an ES module under `module: node16`…`nodenext` (`.mts`/`.mjs`, or a package
    /// of `"type": "module"`): ESM has no directory modules, so tsc tries the `baseUrl` path as
    /// a file only and then takes the package, as Node and bundlers (which ignore `baseUrl`) do.
    fn esm_base_url_directory(
        &self,
        importer: &Path,
        specifier: &str,
        path: &Path,
        resolver: &ToolchainResolver,
        manifests: &Manifests,
    ) -> bool {
        if !is_bare(specifier)
            || path.file_stem().is_none_or(|stem| stem != "index")
            || !path.starts_with(&self.root)
        {
            return false;
        }
        let Some((tsconfig, _)) = self.tsconfig_of(importer, resolver) else {
            return false;
        };
        let Some(base_url) = &tsconfig.compiler_options.base_url else {
            return false;
        };
        if path.parent() != Some(normalize(&base_url.join(specifier)).as_path())
            || tsconfig
                .compiler_options
                .paths
                .as_ref()
                .is_some_and(|paths| paths.keys().any(|k| paths_key_matches(k, specifier)))
        {
            return false;
        }
        let node_formats = self
            .toolchain
            .tsconfig_repairs
            .module_interop
            .get(tsconfig.path())
            .is_some_and(|interop| interop.node_formats);
        node_formats && manifests.is_esm_file(importer, &self.root)
    }

    /// A bare import that reached the workspace package of its name while the importer's
    /// manifest asks for the registry package (see [`Toolchain::workspace_package`]): the
    /// package manager installs that one there, so the import is of a package this checkout
    /// has not installed, not of the workspace package's files.
    fn registry_namesake(
        &self,
        path: &Path,
        specifier: &str,
        importer_dir: &Path,
        manifests: &Manifests,
    ) -> Option<Resolution> {
        if !is_bare(specifier) {
            return None;
        }
        let name = package_name(specifier);
        let package = self.toolchain.workspaces.package(name)?;
        if !path.starts_with(&package.dir)
            || self
                .toolchain
                .workspace_package(name, importer_dir, &self.root, manifests)
                .is_some()
        {
            return None;
        }
        Some(Resolution::Package {
            name: name.to_string(),
            declared: manifests
                .declaration(name, importer_dir, &self.root)
                .map(|(k, _)| k),
            path: None,
        })
    }

    /// A root-absolute import (`/snippets/intro.mdx`) in an MDX page of a Mintlify docs site:
    /// Mintlify resolves it from the site's directory (the one holding `docs.json` or
    /// `mint.json`), not from the file system root.
    fn docs_site_rooted(&self, importer: &Path, specifier: &str) -> Option<PathBuf> {
        let rest = specifier
            .strip_prefix('/')
            .filter(|r| !r.starts_with('/'))?;
        if !importer
            .extension()
            .is_some_and(|e| e == "mdx" || e == "md")
        {
            return None;
        }
        let site = importer
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.root))
            .find(|d| {
                self.files.contains(&d.join("docs.json"))
                    || self.files.contains(&d.join("mint.json"))
            })?;
        Some(site.join(rest))
    }

    /// webpack's inline loaders (`file-loader!ace-builds/src-noconflict/worker-html`, after an
    /// optional `!`, `!!` or `-!`): in a webpack or Rspack project each part before the last
    /// `!` is a loader package (without its `?query`) and the last is the request. The request
    /// resolves as usual; a loader its importer cannot get from a manifest is that import's
    /// undeclared package. `None` for a specifier without `!` or outside such a project.
    fn through_inline_loaders(
        &self,
        importer: &Path,
        import: &Import,
        manifests: &Manifests,
    ) -> Option<Resolution> {
        let specifier = import.specifier.as_str();
        if !specifier.contains('!') {
            return None;
        }
        let importer_dir = importer.parent().unwrap_or(&self.root);
        let webpack = manifests.ancestors(importer_dir, &self.root).any(|m| {
            ["webpack", "@rspack/core", "@rspack/cli"]
                .iter()
                .any(|p| m.dependencies.contains_key(*p))
        });
        if !webpack {
            return None;
        }
        let chain = specifier
            .strip_prefix("-!")
            .or_else(|| specifier.strip_prefix("!!"))
            .or_else(|| specifier.strip_prefix('!'))
            .unwrap_or(specifier);
        let (loaders, request) = chain.rsplit_once('!')?;
        for loader in loaders.split('!') {
            let loader = loader.split('?').next().unwrap_or(loader);
            if !is_bare(loader) {
                continue;
            }
            let name = package_name(loader);
            if manifests
                .declaration(name, importer_dir, &self.root)
                .is_none()
            {
                return Some(Resolution::Package {
                    name: name.to_string(),
                    declared: None,
                    path: None,
                });
            }
        }
        let request = Import {
            specifier: request.to_string(),
            ..import.clone()
        };
        Some(self.resolve(importer, &request, manifests))
    }

    /// Where Vite looks for a root-absolute import (`import viteLogo from '/vite.svg'`, the
    /// stock `npm create vite` app): its `publicDir` (`public/` beside the Vite root), then the
    /// root itself. The Vite root is the nearest directory holding a `vite.config.*` or a
    /// package.json that declares `vite`, or a framework that builds with Vite ([`VITE_HOSTS`]:
    /// an Astro site declares `astro`, not `vite`). Empty outside a Vite project; a file in
    /// neither place stays unresolved.
    fn vite_rooted(
        &self,
        importer_dir: &Path,
        specifier: &str,
        manifests: &Manifests,
    ) -> Vec<PathBuf> {
        let Some(rest) = specifier
            .strip_prefix('/')
            .filter(|r| !r.is_empty() && !r.starts_with('/'))
        else {
            return Vec::new();
        };
        let rest = strip_query(rest);
        let has_config = |dir: &Path, stem: &str| {
            ["js", "ts", "mjs", "mts", "cjs", "cts"].iter().any(|ext| {
                self.files
                    .contains(&dir.join(format!("{stem}.config.{ext}")))
            })
        };
        let served = ancestors_under(importer_dir, &self.root).find_map(|dir| {
            let manifest = manifests
                .nearest(dir, &self.root)
                .filter(|m| m.path.parent() == Some(dir));
            VITE_HOSTS.iter().find_map(|&(package, config, public)| {
                let declared = manifest.is_some_and(|m| m.dependencies.contains_key(package));
                let configured = config.is_some_and(|stem| has_config(dir, stem));
                (declared || configured).then(|| (dir.to_path_buf(), public))
            })
        });
        let Some((vite_root, public)) = served else {
            return Vec::new();
        };
        vec![vite_root.join(public).join(rest), vite_root.join(rest)]
    }

    /// The resolution of a specifier that resolved to `path`.
    fn found(
        &self,
        path: PathBuf,
        specifier: &str,
        importer_dir: &Path,
        manifests: &Manifests,
    ) -> Resolution {
        if is_bare(specifier) && path.components().any(|c| c.as_os_str() == "node_modules") {
            let name = package_name(specifier).to_string();
            let declared = manifests
                .declaration(&name, importer_dir, &self.root)
                .map(|(k, _)| k);
            // An install outside the tree (a parent's node_modules, a linked store) is not
            // read: the package is classified as if not installed.
            let path = path.starts_with(&self.root).then_some(path);
            return Resolution::Package {
                name,
                declared,
                path,
            };
        }
        // Nothing outside the audited tree is read: the import is named, not followed.
        if !path.starts_with(&self.root) {
            return Resolution::Unresolved {
                tried: Vec::new(),
                suggestion: None,
                reason: Some(OUTSIDE_TREE.to_string()),
            };
        }
        // On a case-insensitive file system the resolver succeeds with the wrong case.
        if path.starts_with(&self.root)
            && !self.files.contains(&path)
            && let Some(actual) = self
                .files_by_lowercase
                .get(&path.to_string_lossy().to_lowercase())
            && actual != &path
        {
            return Resolution::CaseMismatch {
                actual: actual.clone(),
            };
        }
        Resolution::File { path }
    }

    /// A bundler alias of the importer's scope, the first that matches `specifier`, whose
    /// target only running the config computes: the bundler serves the import from wherever
    /// that leads, which cannot be checked.
    fn through_opaque_alias(
        &self,
        importer_dir: &Path,
        specifier: &str,
        in_test_run: bool,
    ) -> Option<Resolution> {
        let scope = &self.toolchain.alias_scopes[self.toolchain.alias_scope(importer_dir)?];
        let alias = scope
            .aliases
            .iter()
            .filter(|a| applies(a, in_test_run))
            .find(|a| alias_key_matches(&a.key, specifier).is_some())
            .filter(|a| a.is_opaque())?;
        Some(Resolution::Virtual {
            provider: format!(
                "alias `{}` in {} (its target is computed when the config runs)",
                alias.key.trim_end_matches('$'),
                relative(&self.root, &alias.source)
            ),
        })
    }

    /// A bundler/import-map alias whose target is another specifier (`$fresh/` →
    /// `https://deno.land/x/fresh/`, `vue` → `vue/dist/vue.esm-bundler.js`): what that
    /// specifier is, when it is not a file.
    fn through_specifier_alias(
        &self,
        importer_dir: &Path,
        specifier: &str,
        manifests: &Manifests,
        in_test_run: bool,
    ) -> Option<Resolution> {
        let scope = &self.toolchain.alias_scopes[self.toolchain.alias_scope(importer_dir)?];
        let (alias, rest) = scope
            .aliases
            .iter()
            .filter(|a| applies(a, in_test_run))
            .find_map(|a| {
                alias_key_matches(&a.key, specifier)
                    .filter(|_| !a.target.starts_with('/') && !a.is_opaque())
                    .map(|rest| (a, rest))
            })?;
        let mapped = if rest.is_empty() {
            alias.target.clone()
        } else {
            format!("{}/{rest}", alias.target)
        };
        if let Some(provider) = self.toolchain.virtual_provider(&mapped) {
            return Some(Resolution::Virtual { provider });
        }
        if is_bare(&mapped) && !is_alias_shaped(&mapped) {
            let name = package_name(&mapped).to_string();
            let declared = manifests
                .declaration(&name, importer_dir, &self.root)
                .map(|(k, _)| k);
            return Some(Resolution::Package {
                name,
                declared,
                path: None,
            });
        }
        None
    }

    /// The tsconfig whose `paths` apply to `importer`: the one that includes it, else (for a
    /// file no tsconfig includes, such as an excluded test that Vitest, Jest or tsx still runs
    /// with the nearest tsconfig) the nearest one up the tree.
    fn tsconfig_of(
        &self,
        importer: &Path,
        resolver: &ToolchainResolver,
    ) -> Option<(Arc<TsConfig>, bool)> {
        if let Ok(Some(owner)) = resolver.find_tsconfig(importer) {
            return Some((owner, true));
        }
        let nearest = importer
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.root))
            .find_map(|d| self.tsconfig_dirs.get(d))?;
        resolver
            .resolve_tsconfig(nearest)
            .ok()
            .map(|tsconfig| (tsconfig, false))
    }

    /// The tsconfig that compiles the TypeScript file `file`: the one that includes it, else
    /// the nearest one up the tree (`None` for JavaScript and for a tree without tsconfig).
    pub fn tsconfig_compiling(&self, file: &Path) -> Option<PathBuf> {
        if !is_typescript_file(file) || self.tsconfig_dirs.is_empty() {
            return None;
        }
        self.tsconfig_of(file, &self.base.esm)
            .map(|(tsconfig, _)| tsconfig.path().to_path_buf())
    }

    /// For a file no tsconfig includes, the nearest tsconfig's `paths`/`baseUrl`. For a file
    /// only a tsconfig of an enclosing package includes (a monorepo root's catch-all), its own
    /// package's `tsconfig.json`: the one tsx, Bun and ts-node read when a package script runs
    /// the file (`bun run ./scripts/build.mts`), whatever its `include` says.
    fn through_nearest_tsconfig(
        &self,
        importer: &Path,
        specifier: &str,
        resolver: &ToolchainResolver,
        manifests: &Manifests,
    ) -> Option<PathBuf> {
        if specifier.starts_with('.') || specifier.starts_with('/') || self.tsconfig_dirs.is_empty()
        {
            return None;
        }
        let dir = importer.parent()?;
        let (owner, owned) = self.tsconfig_of(importer, resolver)?;
        let tsconfig = if owned {
            let package_dir = manifests.nearest(dir, &self.root)?.path.parent()?;
            let owner_dir = owner.path().parent()?;
            if owner_dir == package_dir || !package_dir.starts_with(owner_dir) {
                return None;
            }
            let own = self.tsconfig_dirs.get(package_dir)?;
            resolver.resolve_tsconfig(own).ok()?
        } else {
            owner
        };
        tsconfig
            .resolve_path_alias_or_base_url(specifier)
            .into_iter()
            .find_map(|target| resolver.resolve(dir, &target.to_string_lossy()).ok())
            .map(|r| r.into_path_buf())
    }

    /// What tsconfig `paths`/`baseUrl` or a bundler alias made of a bare-looking specifier.
    fn alias_mapping(
        &self,
        importer: &Path,
        specifier: &str,
        resolver: &ToolchainResolver,
        in_test_run: bool,
    ) -> Option<AliasMapping> {
        let dir = importer.parent().unwrap_or(&self.root);
        if let Some(scope) = self
            .toolchain
            .alias_scope(dir)
            .map(|i| &self.toolchain.alias_scopes[i])
        {
            for alias in scope.aliases.iter().filter(|a| applies(a, in_test_run)) {
                if let Some(rest) = alias_key_matches(&alias.key, specifier)
                    && alias.target.starts_with('/')
                {
                    let target = Path::new(&alias.target).join(rest);
                    return Some(AliasMapping {
                        description: format!(
                            "alias `{}` in {}",
                            alias.key.trim_end_matches('$'),
                            relative(&self.root, &alias.source)
                        ),
                        targets: vec![normalize(&target)],
                    });
                }
            }
        }
        let (tsconfig, _) = self.tsconfig_of(importer, resolver)?;
        let where_ = relative(&self.root, tsconfig.path());
        if let Some(paths) = &tsconfig.compiler_options.paths
            && let Some(key) = paths
                .keys()
                .filter(|k| paths_key_matches(k, specifier))
                .max_by_key(|k| k.split('*').next().map_or(0, str::len))
            // A catch-all `*` key maps everything; it says nothing about package names.
            && (key.as_str() != "*" || is_alias_shaped(specifier))
        {
            return Some(AliasMapping {
                description: format!("tsconfig `paths` key `{key}` ({where_})"),
                targets: tsconfig.resolve_path_alias_or_base_url(specifier),
            });
        }
        // `baseUrl`: `src/generated/x` names a path when `src` exists there, never a package.
        if tsconfig.compiler_options.base_url.is_some() {
            let targets = tsconfig.resolve_path_alias_or_base_url(specifier);
            let first_segment = specifier.split('/').next().unwrap_or(specifier);
            let exists = targets.iter().any(|t| {
                let mut base = t.clone();
                for _ in specifier.split('/').skip(1) {
                    base.pop();
                }
                base.file_name().is_some_and(|n| n == first_segment)
                    && (self.dirs.contains(&base)
                        || candidates(&base).iter().any(|c| self.files.contains(c)))
            });
            if exists {
                return Some(AliasMapping {
                    description: format!("`baseUrl` of {where_}"),
                    targets,
                });
            }
        }
        None
    }

    fn unresolved(
        &self,
        importer: &Path,
        specifier: &str,
        error: ResolveError,
        manifests: &Manifests,
        resolver: &ToolchainResolver,
        in_test_run: bool,
    ) -> Resolution {
        let importer_dir = importer.parent().unwrap_or(&self.root);
        // oxc_resolver names absolute paths; output names files relative to the root.
        let root_prefix = format!("{}/", self.root.display());
        let reason = match &error {
            ResolveError::NotFound(_) | ResolveError::ExtensionAlias(..) => None,
            other => Some(other.to_string().replace(&root_prefix, "")),
        };
        let bare = is_bare(specifier);
        let mapping = if bare {
            self.alias_mapping(importer, specifier, resolver, in_test_run)
        } else {
            None
        };
        let base = if specifier.starts_with('/') {
            Some(PathBuf::from(specifier))
        } else if specifier.starts_with('.') {
            Some(normalize(&importer_dir.join(strip_query(specifier))))
        } else {
            None
        };
        let targets: Vec<PathBuf> = base
            .iter()
            .cloned()
            .chain(mapping.iter().flat_map(|m| m.targets.iter().cloned()))
            .collect();
        for target in &targets {
            if let Some(generated) = self.generated(target, specifier, importer_dir, manifests) {
                return generated;
            }
        }
        // A relative path that walks into `node_modules/` (`../../node_modules/.prisma/client`)
        // names install output, not a tree file: absent in a checkout, it is not checked. When
        // that package directory is installed, a missing file under it stays unresolved.
        if let Some(base) = &base
            && let Some(generated) = crate::toolchain::generated::install_output(base)
            && !crate::access::is_dir(&generated.path)
        {
            return Resolution::Generated {
                directory: generated.path,
                generator: generated.generator,
            };
        }
        // A folder `.gitmodules` names, not checked out (a private edition's `src/ee`): the
        // file is in another repository.
        if let Some(base) = &base
            && let Some(submodule) = self.toolchain.unchecked_out_submodule(base)
        {
            return Resolution::Generated {
                directory: submodule.to_path_buf(),
                generator: "`git submodule update --init` (a submodule in .gitmodules)".to_string(),
            };
        }
        if bare {
            // `node_modules/ky/distribution/index.js` through `baseUrl`: the package `ky`.
            let specifier = specifier.strip_prefix("node_modules/").unwrap_or(specifier);
            let name = package_name(specifier).to_string();
            let declared = manifests
                .declaration(&name, importer_dir, &self.root)
                .map(|(k, _)| k);
            // tsc falls back to the package when a mapping finds no file; a name nobody
            // declares that an alias matched is the alias's miss.
            if mapping.is_none() && !is_alias_shaped(specifier) || declared.is_some() {
                return self.package_unresolved(importer, specifier, reason, resolver, manifests);
            }
            let Some(mapping) = mapping else {
                // An alias (`@/lib/x`, `#db`) no configuration defines here.
                return Resolution::Unresolved {
                    tried: vec![specifier.to_string()],
                    suggestion: None,
                    reason,
                };
            };
            // An alias into `node_modules/<name>` (webpack `benchpress` →
            // `node_modules/benchpressjs`) names the installed package: absent from a checkout
            // like any package, and declared or not like one.
            if let Some(package) = mapping.targets.iter().find_map(|t| installed_package(t)) {
                return self.package_unresolved(importer, &package, reason, resolver, manifests);
            }
            let shown: Vec<String> = mapping
                .targets
                .iter()
                .map(|t| relative(&self.root, t))
                .collect();
            let suggestion = mapping
                .targets
                .first()
                .and_then(|t| self.suggest(t))
                .map(|found| relative_specifier(importer_dir, &found));
            return Resolution::Unresolved {
                tried: shown.clone(),
                suggestion,
                reason: Some(format!(
                    "{} maps it to `{}`, which does not exist",
                    mapping.description,
                    shown.join("`, `")
                )),
            };
        }
        let Some(base) = base else {
            return Resolution::Unresolved {
                tried: vec![specifier.to_string()],
                suggestion: None,
                reason,
            };
        };
        // `/x` in a Vite project: the places Vite serves it from, not the file system's root.
        let served_from = self.vite_rooted(importer_dir, specifier, manifests);
        if let Some(public) = served_from.first() {
            let tried: Vec<String> = served_from
                .iter()
                .map(|p| relative(&self.root, &normalize(p)))
                .collect();
            return Resolution::Unresolved {
                suggestion: self
                    .suggest(public)
                    .map(|found| relative_specifier(importer_dir, &found)),
                reason: Some(format!(
                    "Vite serves `{specifier}` from its public folder or its root: neither `{}` exists",
                    tried.join("` nor `")
                )),
                tried,
            };
        }
        let candidates = candidates(&base);
        // The resolver failed for a reason other than a missing file (an invalid package.json
        // on the way, reported on its own by invalid-manifest): a candidate that exists with
        // this very spelling (through a directory alias too) is the target, not a mismatch.
        if reason.is_some()
            && let Some(real) = candidates
                .iter()
                .filter(|c| crate::access::is_file(c))
                .find_map(|c| crate::access::canonicalize(c).ok())
        {
            if !real.starts_with(&self.root) {
                return Resolution::Unresolved {
                    tried: Vec::new(),
                    suggestion: None,
                    reason: Some(OUTSIDE_TREE.to_string()),
                };
            }
            return Resolution::File { path: real };
        }
        for candidate in &candidates {
            if let Some(actual) = self
                .files_by_lowercase
                .get(&candidate.to_string_lossy().to_lowercase())
            {
                // The file exists with this very spelling: the resolver failed for another
                // reason (an invalid package.json on the way, reported on its own).
                if actual == candidate {
                    return Resolution::File {
                        path: actual.clone(),
                    };
                }
                return Resolution::CaseMismatch {
                    actual: actual.clone(),
                };
            }
        }
        if specifier.starts_with('.')
            && let Some(resolution) = self.copied_import(importer, specifier)
        {
            return resolution;
        }
        if let Some(copy) = self
            .toolchain
            .manifest_copies
            .iter()
            .find(|c| candidates.contains(&c.dest))
        {
            return Resolution::Generated {
                directory: copy.dest.clone(),
                generator: format!(
                    "{} (copies `{}` there)",
                    copy.by,
                    relative(&self.root, &copy.source)
                ),
            };
        }
        let tried = tried_summary(&self.root, &base, self.extensions_at(importer_dir));
        let suggestion = self
            .suggest(&base)
            .map(|found| relative_specifier(importer_dir, &found));
        Resolution::Unresolved {
            tried,
            suggestion,
            reason,
        }
    }

    /// A relative import that finds nothing next to the importer, read where the project puts a
    /// copy of the importer: a script copies it into build output and runs it there (the
    /// import names that output), or it is a template excluded from the workspace whose files
    /// are copied into the sibling packages (the import resolves from them).
    fn copied_import(&self, importer: &Path, specifier: &str) -> Option<Resolution> {
        let specifier = strip_query(specifier);
        let exists = |target: &Path| {
            candidates(target)
                .into_iter()
                .find(|c| self.files.contains(c))
        };
        for (dest, copy) in self.toolchain.copies.destinations(importer) {
            let dest_dir = dest.parent()?;
            let target = normalize(&dest_dir.join(specifier));
            if let Some(found) = exists(&target) {
                return Some(Resolution::File { path: found });
            }
            // Build output: absent from the checkout, or git-ignored.
            let build_output = !self.dirs.contains(dest_dir)
                || self.toolchain.generated.is_ignored(dest_dir, true);
            if build_output {
                return Some(Resolution::Generated {
                    directory: dest_dir.to_path_buf(),
                    generator: format!(
                        "the build ({} copies `{}` to `{}`, which runs there)",
                        copy.by,
                        relative(&self.root, importer),
                        relative(&self.root, &dest)
                    ),
                });
            }
        }
        let importer_dir = importer.parent()?;
        for template in &self.toolchain.workspaces.excluded {
            if !importer.starts_with(&template.dir) {
                continue;
            }
            let Some(sibling) = template.siblings.first() else {
                continue;
            };
            // The template's root or one of its folders is what lands in a package.
            for copied in ancestors_under(importer_dir, &template.dir) {
                let inner = importer_dir.strip_prefix(copied).ok()?;
                let target = normalize(&sibling.join(inner).join(specifier));
                // Only an import that leaves the package means the same in every copy.
                if target.starts_with(sibling) {
                    continue;
                }
                if let Some(found) = exists(&target) {
                    return Some(Resolution::Template {
                        copied_into: TemplateCopies::WorkspacePackages,
                        directory: copied.to_path_buf(),
                        note: format!(
                            "`{}` is a template: the workspace excludes it (`{}`) and its files \
                             are copied into the packages beside it (like `{}`), where `{}` is \
                             `{}`",
                            relative(&self.root, copied),
                            template.pattern,
                            relative(&self.root, sibling),
                            specifier,
                            relative(&self.root, &found)
                        ),
                    });
                }
            }
        }
        None
    }

    /// A bare specifier that did not resolve: a broken import of an installed package or of a
    /// workspace package, else a package classified by `package.json` alone.
    /// The generated-import resolution of `target`, when a path the project generates holds it.
    fn generated(
        &self,
        target: &Path,
        specifier: &str,
        importer_dir: &Path,
        manifests: &Manifests,
    ) -> Option<Resolution> {
        self.toolchain
            .generated
            .generator_of(target, specifier, importer_dir, manifests, &self.root)
            .map(|generated| Resolution::Generated {
                directory: generated.path,
                generator: generated.generator,
            })
    }

    fn package_unresolved(
        &self,
        importer: &Path,
        specifier: &str,
        reason: Option<String>,
        resolver: &ToolchainResolver,
        manifests: &Manifests,
    ) -> Resolution {
        let importer_dir = importer.parent().unwrap_or(&self.root);
        let name = package_name(specifier).to_string();
        let declared = manifests
            .declaration(&name, importer_dir, &self.root)
            .map(|(k, _)| k);
        let subpath = specifier
            .strip_prefix(name.as_str())
            .unwrap_or("")
            .trim_start_matches('/');
        if let Some(package) =
            self.toolchain
                .workspace_package(&name, importer_dir, &self.root, manifests)
        {
            // A subpath its `exports` maps into a directory the package generates (git-ignored,
            // written by a script: `panda codegen` → `styled-system/`): the generated module, not
            // a same-named source file.
            // Build output (`dist/`) stands for the source and is handled below.
            let is_dir = |p: &Path| self.dirs.contains(p);
            let outputs = crate::toolchain::tsconfig::output_dirs(&package.dir, &is_dir);
            for target in exported_subpath_targets(&package.manifest, subpath) {
                let target = normalize(&package.dir.join(&target));
                if outputs.iter().any(|(out, _)| target.starts_with(out)) {
                    continue;
                }
                if let Some(generated) = self.generated(&target, specifier, importer_dir, manifests)
                {
                    return generated;
                }
            }
            // The workspace package is in the tree: a subpath its `exports` omits still names
            // its file under the conventions tsc's `node` resolution and bundlers accept.
            if !subpath.is_empty() {
                for dir in [package.dir.clone(), package.dir.join("src")] {
                    if let Ok(found) =
                        resolver.resolve(&package.dir, &dir.join(subpath).to_string_lossy())
                    {
                        return Resolution::File {
                            path: found.into_path_buf(),
                        };
                    }
                }
            }
            for target in [
                package.dir.join(subpath),
                package.dir.join("src").join(subpath),
            ] {
                if let Some(generated) = self.generated(&target, specifier, importer_dir, manifests)
                {
                    return generated;
                }
            }
            if let Some(out) = unbuilt_entry_dir(&package.dir, &package.manifest) {
                return Resolution::Generated {
                    directory: out,
                    generator: format!("the build of workspace package `{name}`"),
                };
            }
            return Resolution::Unresolved {
                tried: vec![relative(&self.root, &package.dir.join(subpath))],
                suggestion: None,
                reason: Some(reason.unwrap_or_else(|| {
                    format!(
                        "workspace package `{name}` ({}) has no such entry point",
                        relative(&self.root, &package.dir)
                    )
                })),
            };
        }
        // Installed, yet the subpath is not exported or missing: Node fails on this import
        // (ERR_PACKAGE_PATH_NOT_EXPORTED, MODULE_NOT_FOUND), so it is broken, not a package.
        if let Some(package_dir) = self.installed_package_dir(importer_dir, &name) {
            return Resolution::Unresolved {
                tried: vec![relative(&self.root, &package_dir.join(subpath))],
                suggestion: None,
                reason: reason.or_else(|| {
                    Some(format!(
                        "`{specifier}` is not a file of the installed `{name}`"
                    ))
                }),
            };
        }
        // A package of the workspace that a generator writes (`wasp` for a workspace glob
        // `.wasp/out/sdk/wasp` into git-ignored framework output): absent until it runs.
        if declared.is_none()
            && let Some(generated) = self
                .toolchain
                .generated_workspace_package(&name, importer_dir)
        {
            return Resolution::Generated {
                directory: generated.glob.base.clone(),
                generator: generated.generator.clone(),
            };
        }
        // Not installed is normal for an audited production copy: classify by package.json.
        Resolution::Package {
            name,
            declared,
            path: None,
        }
    }

    /// The directory of package `name` in the nearest `node_modules` up from `dir`, as Node
    /// looks; memoized, and skipped when nothing is installed anywhere.
    fn installed_package_dir(&self, dir: &Path, name: &str) -> Option<PathBuf> {
        if !self.has_node_modules {
            return None;
        }
        let key = (dir.to_path_buf(), name.to_string());
        if let Some(found) = self
            .installed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return found.clone();
        }
        let found = dir
            .ancestors()
            .map(|d| d.join("node_modules").join(name))
            .find(|p| crate::access::is_file(p.join("package.json")));
        self.installed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, found.clone());
        found
    }

    /// [`ModuleResolver::nearest`], memoized by intended path.
    fn suggest(&self, base: &Path) -> Option<PathBuf> {
        if let Some(found) = self
            .suggestions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(base)
        {
            return found.clone();
        }
        let found = self.nearest(base);
        self.suggestions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(base.to_path_buf(), found.clone());
        found
    }

    /// The existing file most likely meant: same file name elsewhere (sharing the most trailing
    /// path components), else the closest spelling among siblings of the intended directory.
    fn nearest(&self, base: &Path) -> Option<PathBuf> {
        let stem = file_stem(base)?.to_lowercase();
        let wanted: Vec<String> = base
            .components()
            .rev()
            .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
            .collect();
        let score = |p: &PathBuf| -> (usize, std::cmp::Reverse<usize>, std::cmp::Reverse<PathBuf>) {
            let shared = p
                .with_extension("")
                .components()
                .rev()
                .zip(
                    wanted
                        .iter()
                        .map(|w| w.split('.').next().unwrap_or("").to_string()),
                )
                .skip(1)
                .take_while(|(a, b)| a.as_os_str().to_string_lossy().to_lowercase() == *b)
                .count();
            (
                shared,
                std::cmp::Reverse(p.components().count()),
                std::cmp::Reverse(p.clone()),
            )
        };
        if let Some(same_name) = self.files_by_stem.get(&stem) {
            let source_like: Vec<&PathBuf> =
                same_name.iter().filter(|p| is_source_path(p)).collect();
            if let Some(best) = source_like.into_iter().max_by_key(|p| score(p)) {
                return Some(best.clone());
            }
        }
        // `../db.js` where `db/` is a directory: one of its files was probably meant.
        let dir_prefix = format!(
            "{}/",
            base.with_extension("").to_string_lossy().to_lowercase()
        );
        let mut in_dir: Vec<&PathBuf> = self
            .files_by_lowercase
            .iter()
            .filter(|(lower, p)| lower.starts_with(&dir_prefix) && is_source_path(p))
            .map(|(_, p)| p)
            .collect();
        in_dir.sort();
        if let Some(first) = in_dir.first() {
            return Some((*first).clone());
        }
        // Close spelling of the file name (`databse.js`, `biling.js`), nearest directory first.
        let mut best: Option<(f64, usize, &PathBuf)> = None;
        for (stem_lower, paths) in &self.files_by_stem {
            if stem.len() < 4 {
                break;
            }
            // normalized Levenshtein ≥ 0.75 needs lengths within a quarter of the longer one.
            let (a, b) = (stem_lower.len(), stem.len());
            if a.abs_diff(b) * 4 > a.max(b) {
                continue;
            }
            let similarity = strsim::normalized_levenshtein(stem_lower, &stem);
            if similarity < 0.75 {
                continue;
            }
            for path in paths.iter().filter(|p| is_source_path(p)) {
                let shared = path
                    .components()
                    .zip(base.components())
                    .take_while(|(a, b)| a == b)
                    .count();
                let better = match best {
                    None => true,
                    Some((s, d, p)) => {
                        (similarity, shared, std::cmp::Reverse(path)) > (s, d, std::cmp::Reverse(p))
                    }
                };
                if better {
                    best = Some((similarity, shared, path));
                }
            }
        }
        best.map(|(_, _, p)| p.clone())
    }
}

/// The specifier without a bundler query (`./worker?worker&inline` → `./worker`).
fn strip_query(specifier: &str) -> &str {
    specifier.split('?').next().unwrap_or(specifier)
}

/// Whether a bare-looking specifier cannot be an npm package name (`@/x`, `~/x`, `#x`, `$lib`).
fn is_alias_shaped(specifier: &str) -> bool {
    specifier.starts_with('#')
        || specifier.starts_with('~')
        || specifier.starts_with("@/")
        || specifier.starts_with('$')
}

/// The build-output directory a workspace package's entry points name when it is absent from
/// the tree (`dist` for `"main": "dist/index.js"`): the package is consumed built.
fn unbuilt_entry_dir(package_dir: &Path, manifest: &Path) -> Option<PathBuf> {
    let text = crate::access::read_to_string(manifest).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut entries = Vec::new();
    for field in ["main", "module", "types", "typings", "exports"] {
        if let Some(value) = json.get(field) {
            collect_strings(value, &mut entries);
        }
    }
    entries.into_iter().find_map(|entry| {
        let first = entry
            .trim_start_matches("./")
            .split('/')
            .next()
            .filter(|f| !f.is_empty() && !f.contains('.') && !f.contains('*'))?;
        let dir = package_dir.join(first);
        (!crate::access::is_dir(&dir)).then_some(dir)
    })
}

/// The targets `exports` gives `./<subpath>` (every condition; a `*` pattern filled in), empty
/// when `exports` does not list it.
fn exported_subpath_targets(manifest: &Path, subpath: &str) -> Vec<String> {
    let Some(exports) = crate::access::read_to_string(manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json.get("exports").cloned())
    else {
        return Vec::new();
    };
    let Some(map) = exports
        .as_object()
        .filter(|m| m.keys().all(|k| k.starts_with('.')))
    else {
        return Vec::new();
    };
    let key = if subpath.is_empty() {
        ".".to_string()
    } else {
        format!("./{subpath}")
    };
    let mut targets = Vec::new();
    if let Some(value) = map.get(&key) {
        collect_strings(value, &mut targets);
        return targets;
    }
    for (pattern, value) in map {
        let Some((before, after)) = pattern.split_once('*') else {
            continue;
        };
        let Some(middle) = key
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
        else {
            continue;
        };
        let mut found = Vec::new();
        collect_strings(value, &mut found);
        targets.extend(found.into_iter().map(|t| t.replace('*', middle)));
        break;
    }
    targets
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn is_source_path(path: &Path) -> bool {
    crate::discover::Dialect::from_path(path).is_some()
        || path.extension().is_some_and(|e| e == "json")
}

fn file_stem(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.split('.').next().unwrap_or(name);
    if stem.is_empty() {
        None
    } else {
        Some(stem.to_string())
    }
}

/// Whether a specifier names a package (or alias) rather than a path.
pub fn is_bare(specifier: &str) -> bool {
    !(specifier.starts_with('.') || specifier.starts_with('/') || specifier.contains(':'))
}

/// The files Node/TypeScript would look for, for case-insensitive matching.
fn candidates(base: &Path) -> Vec<PathBuf> {
    let mut out = vec![base.to_path_buf()];
    let name = base.to_string_lossy().to_string();
    for (from, to) in [
        (".js", &[".ts", ".tsx", ".jsx"][..]),
        (".mjs", &[".mts"][..]),
        (".cjs", &[".cts"][..]),
        (".jsx", &[".tsx"][..]),
    ] {
        if let Some(stem) = name.strip_suffix(from) {
            out.extend(to.iter().map(|ext| PathBuf::from(format!("{stem}{ext}"))));
        }
    }
    for ext in SOURCE_EXTENSIONS {
        out.push(PathBuf::from(format!("{name}{ext}")));
        out.push(base.join(format!("index{ext}")));
    }
    out
}

fn tried_summary(root: &Path, base: &Path, extra: &[String]) -> Vec<String> {
    let rel = relative(root, base);
    let has_extension = base
        .extension()
        .is_some_and(|e| SOURCE_EXTENSIONS.iter().any(|x| &x[1..] == e));
    if has_extension {
        let mut tried = vec![rel.clone()];
        let alias = match base.extension().and_then(|e| e.to_str()) {
            Some("js") => Some("{ts,tsx,jsx}"),
            Some("mjs") => Some("mts"),
            Some("cjs") => Some("cts"),
            Some("jsx") => Some("tsx"),
            _ => None,
        };
        if let Some(alias) = alias {
            let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s);
            tried.push(format!("{stem}.{alias}"));
        }
        tried
    } else {
        // The extensions a bundler config adds (`.vue`) after the usual ones.
        let mut extensions = String::from("js,jsx,ts,tsx,mjs,cjs,mts,cts,json");
        for ext in extra {
            let ext = ext.trim_start_matches('.');
            if !extensions.split(',').any(|e| e == ext) {
                extensions.push(',');
                extensions.push_str(ext);
            }
        }
        vec![
            rel.clone(),
            format!("{rel}.{{{extensions}}}"),
            format!("{rel}/index.{{js,ts,…}}"),
        ]
    }
}

/// `path` and its ancestors, nearest first, down to those of `depth` components (as `Path`
/// counts and compares them): the ones that can equal a key of a map whose shortest key has
/// `depth` components. A per-level hash lookup above that depth cannot match.
pub fn ancestors_to_depth(path: &Path, depth: usize) -> impl Iterator<Item = &Path> {
    let own = path.components().count();
    path.ancestors()
        .take((own + 1).saturating_sub(depth.max(1)))
}

/// The package specifier a path inside an install names: `…/node_modules/benchpressjs/x` is
/// `benchpressjs/x` (`@scope/name` too). Dot folders (`.prisma`, `.bin`, `.pnpm`) are not
/// packages.
fn installed_package(path: &Path) -> Option<String> {
    let components: Vec<&str> = path
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    let at = components.iter().rposition(|c| *c == "node_modules")?;
    let rest = &components[at + 1..];
    let first = rest.first()?;
    if first.starts_with('.') || (first.starts_with('@') && rest.len() < 2) {
        return None;
    }
    Some(rest.join("/"))
}

/// The ancestors of `path` (itself first) that lie under `base` or are `base`: what
/// `path.ancestors().take_while(|a| a.starts_with(base))` gives, without a component-wise
/// comparison per level.
pub fn ancestors_under<'a>(path: &'a Path, base: &Path) -> impl Iterator<Item = &'a Path> {
    let depth = if path.starts_with(base) {
        base.components().count()
    } else {
        usize::MAX
    };
    ancestors_to_depth(path, depth)
}

/// Lexically normalises `a/b/../c` to `a/c` (no file system access; the target may not exist).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A relative specifier (`./x.js`, `../db/connection.js`) from `from_dir` to `to`.
pub fn relative_specifier(from_dir: &Path, to: &Path) -> String {
    let from: Vec<Component> = from_dir.components().collect();
    let target: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..from.len() {
        parts.push("..".to_string());
    }
    for c in &target[common..] {
        parts.push(c.as_os_str().to_string_lossy().to_string());
    }
    let joined = parts.join("/");
    if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    }
}

/// tsconfig allows comments and trailing commas.
pub fn jsonc_options() -> jsonc_parser::ParseOptions {
    jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
    }
}

/// Resolves specifiers from files inside `node_modules` (which are not part of the audited
/// tree), and a package's type declarations the way TypeScript looks for them: the `types`
/// condition of `exports`, then `types`/`typings`, with `.js` standing for `.d.ts`.
pub struct PackageResolver {
    types_import: Resolver,
    types_require: Resolver,
    import: Resolver,
    require: Resolver,
}

fn package_options(conditions: &[&str]) -> ResolveOptions {
    ResolveOptions {
        condition_names: conditions.iter().map(|c| c.to_string()).collect(),
        // Package files are compiled output: their own tsconfig does not apply.
        tsconfig: None,
        ..options()
    }
}

fn types_options(conditions: &[&str]) -> ResolveOptions {
    let alias = |from: &str, to: &[&str]| {
        (
            from.to_string(),
            to.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        )
    };
    ResolveOptions {
        extensions: [".d.ts", ".ts", ".d.mts", ".d.cts", ".tsx"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        extension_alias: vec![
            alias(".js", &[".d.ts", ".ts", ".tsx"]),
            alias(".mjs", &[".d.mts", ".mts"]),
            alias(".cjs", &[".d.cts", ".cts"]),
        ],
        main_fields: vec!["types".into(), "typings".into()],
        ..package_options(conditions)
    }
}

impl Default for PackageResolver {
    fn default() -> Self {
        Self::new()
    }
}

impl PackageResolver {
    /// Resolvers for Node's `import` and `require` conditions, each with and without `types`.
    pub fn new() -> PackageResolver {
        let import = Resolver::new(package_options(&["node", "import"]));
        PackageResolver {
            types_import: import.clone_with_options(types_options(&["types", "node", "import"])),
            types_require: import.clone_with_options(types_options(&["types", "node", "require"])),
            require: import.clone_with_options(package_options(&["node", "require"])),
            import,
        }
    }

    /// The declaration file (`.d.ts`, `.d.mts`, `.d.cts`, or a shipped `.ts`) for `specifier`
    /// imported from `importer` with `kind`, if the package ships types.
    pub fn types_entry(
        &self,
        importer: &Path,
        specifier: &str,
        kind: ImportKind,
    ) -> Option<PathBuf> {
        let resolver = if kind == ImportKind::Require {
            &self.types_require
        } else {
            &self.types_import
        };
        let path = resolver
            .resolve_file(importer, specifier)
            .ok()?
            .into_path_buf();
        let name = path.file_name()?.to_str()?;
        let is_types = [".d.ts", ".d.mts", ".d.cts", ".ts", ".mts", ".cts", ".tsx"]
            .iter()
            .any(|ext| name.ends_with(ext));
        is_types.then_some(path)
    }

    /// The declaration files for both the `import` and `require` conditions (deduplicated): which
    /// one TypeScript reads depends on the importer's module format, so a name must be missing
    /// from both to be missing.
    pub fn types_entries(&self, importer: &Path, specifier: &str) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = [ImportKind::Static, ImportKind::Require]
            .into_iter()
            .filter_map(|kind| self.types_entry(importer, specifier, kind))
            .collect();
        entries.dedup();
        entries
    }

    /// What `specifier` names at run time from `importer` (a file in `node_modules` or a
    /// declaration file: `.d.ts` importers resolve to declaration files).
    pub fn resolve(&self, importer: &Path, specifier: &str, kind: ImportKind) -> Option<PathBuf> {
        let name = importer.file_name()?.to_str()?;
        let declaration = [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if declaration {
            return self.types_entry(importer, specifier, kind);
        }
        let resolver = if kind == ImportKind::Require {
            &self.require
        } else {
            &self.import
        };
        resolver
            .resolve_file(importer, specifier)
            .ok()
            .map(|r| r.into_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_specifier_walks_up_and_down() {
        assert_eq!(
            relative_specifier(
                Path::new("/r/src/routes"),
                Path::new("/r/src/db/connection.js")
            ),
            "../db/connection.js"
        );
        assert_eq!(
            relative_specifier(Path::new("/r/src"), Path::new("/r/src/app.js")),
            "./app.js"
        );
    }

    #[test]
    fn ancestors_to_depth_stops_at_the_shallowest_key_depth() {
        let path = Path::new("/r/packages/app/src");
        let all: Vec<&Path> = ancestors_to_depth(path, 0).collect();
        assert_eq!(all, path.ancestors().collect::<Vec<_>>());
        let under_root: Vec<&Path> = ancestors_to_depth(path, 2).collect();
        assert_eq!(
            under_root,
            [
                Path::new("/r/packages/app/src"),
                Path::new("/r/packages/app"),
                Path::new("/r/packages"),
                Path::new("/r"),
            ]
        );
        assert_eq!(ancestors_to_depth(path, 5).count(), 1);
        assert_eq!(ancestors_to_depth(path, 6).count(), 0);
        assert_eq!(ancestors_to_depth(path, usize::MAX).count(), 0);
        let under: Vec<&Path> = ancestors_under(path, Path::new("/r/packages")).collect();
        let expected: Vec<&Path> = path
            .ancestors()
            .take_while(|a| a.starts_with("/r/packages"))
            .collect();
        assert_eq!(under, expected);
        assert_eq!(ancestors_under(path, Path::new("/elsewhere")).count(), 0);
    }

    #[test]
    fn paths_inside_an_install_name_their_package() {
        let named = |p: &str| installed_package(Path::new(p));
        assert_eq!(
            named("/r/node_modules/benchpressjs").as_deref(),
            Some("benchpressjs")
        );
        assert_eq!(
            named("/r/app/node_modules/@scope/ui/dist/x.js").as_deref(),
            Some("@scope/ui/dist/x.js")
        );
        assert_eq!(named("/r/node_modules/.prisma/client"), None);
        assert_eq!(named("/r/node_modules/@scope"), None);
        assert_eq!(named("/r/src/lib"), None);
    }

    #[test]
    fn normalize_removes_parent_segments() {
        assert_eq!(
            normalize(Path::new("/r/src/routes/../config/db.js")),
            PathBuf::from("/r/src/config/db.js")
        );
    }

    #[test]
    fn bare_specifiers() {
        assert!(is_bare("hono"));
        assert!(is_bare("@aws-sdk/client-s3"));
        assert!(!is_bare("./x"));
        assert!(!is_bare("node:fs"));
    }

    /// Analyses a small tree and returns each import's resolution as
    /// `(importer, specifier, resolved relative path or the resolution kind)`.
    fn resolutions(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, contents) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, contents).expect("write");
        }
        let project = crate::project::analyse(&crate::project::AnalyseOptions {
            root: dir.path().to_path_buf(),
            threads: 1,
            ..Default::default()
        })
        .expect("analyse");
        let mut out = Vec::new();
        for module in &project.modules {
            for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
                let target = match resolution {
                    Resolution::File { path } => project.relative(path),
                    Resolution::Unresolved { .. } => "unresolved".to_string(),
                    other => format!("{other:?}"),
                };
                out.push((module.file.rel.clone(), import.specifier.clone(), target));
            }
        }
        out
    }

    fn row(importer: &str, specifier: &str, target: &str) -> (String, String, String) {
        (importer.into(), specifier.into(), target.into())
    }

    #[test]
    fn declaration_files_stand_in_for_modules_in_typescript() {
        // date-fns ships `add.d.ts` importing `./types.ts`, of which only `types.d.ts` exists.
        let found = resolutions(&[
            ("add.d.ts", "import type { Opts } from './types.ts';\n"),
            ("add.d.mts", "import type { Opts } from './types.mjs';\n"),
            ("types.d.ts", "export type Opts = {};\n"),
            ("types.d.mts", "export type Opts = {};\n"),
            (
                "test/instance.tst.ts",
                "import { FastifyInstance } from '../instance.js';\n",
            ),
            ("instance.d.ts", "export interface FastifyInstance {}\n"),
        ]);
        assert_eq!(
            found,
            [
                row("add.d.mts", "./types.mjs", "types.d.mts"),
                row("add.d.ts", "./types.ts", "types.d.ts"),
                row("test/instance.tst.ts", "../instance.js", "instance.d.ts"),
            ]
        );
    }

    #[test]
    fn javascript_never_resolves_to_a_declaration_file() {
        // Node loads code: `./instance.js` with only `instance.d.ts` on disk fails at run time.
        let found = resolutions(&[
            ("server.js", "import { a } from './instance.js';\n"),
            ("instance.d.ts", "export declare const a: number;\n"),
        ]);
        assert_eq!(found, [row("server.js", "./instance.js", "unresolved")]);
    }

    #[test]
    fn import_into_a_skipped_build_directory_resolves_to_the_file_on_disk() {
        // `dist/` is not analysed, but the file is there and Node would load it.
        let found = resolutions(&[
            ("package.json", r#"{"name":"app","main":"src/index.js"}"#),
            (
                "src/index.js",
                "const gen = require('../dist/generated.js');\n",
            ),
            ("dist/generated.js", "module.exports = {};\n"),
        ]);
        assert_eq!(
            found,
            [row(
                "src/index.js",
                "../dist/generated.js",
                "dist/generated.js"
            )]
        );
    }

    #[test]
    fn installed_package_subpath_it_does_not_export_is_unresolved() {
        // Node: ERR_PACKAGE_PATH_NOT_EXPORTED. A package that is not installed stays a package.
        let found = resolutions(&[
            (
                "package.json",
                r#"{"name":"app","dependencies":{"dual":"1","absent":"1"}}"#,
            ),
            (
                "src/index.js",
                "require('dual/cjs/index.cjs');\nrequire('dual');\nrequire('absent/x');\n",
            ),
            (
                "node_modules/dual/package.json",
                r#"{"name":"dual","exports":{".":{"require":"./cjs/index.cjs"}}}"#,
            ),
            ("node_modules/dual/cjs/index.cjs", "module.exports = 1;\n"),
        ]);
        assert_eq!(found.len(), 3);
        assert_eq!(
            found[0],
            row("src/index.js", "dual/cjs/index.cjs", "unresolved")
        );
        assert!(
            found[1].2.contains("node_modules/dual/cjs/index.cjs"),
            "{:?}",
            found[1]
        );
        assert!(found[2].2.starts_with("Package"), "{:?}", found[2]);
    }
}
