//! The env stage: joins the variables the code reads (from `ModuleFacts::env_reads`) with the
//! variables the project declares (dotenv files, compose, Dockerfile, …) and with production
//! env files given by `--against`. Values are never stored or printed.

pub mod declarations;
pub mod dotenv;
pub mod platform;
pub mod scope;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use declarations::{
    Declaration, DeclarationSource, Declarations, DotenvKey, load_declarations,
};
pub use platform::is_platform_name;

use crate::facts::EnvKey;
use crate::file_role::FileRole;
use crate::project::Project;

/// Which modules run in production, for the `--against` deploy gate and the `undeclared-env`
/// error: those reachable from an entry that a deploy runs (package.json `main`, the start and
/// build scripts, Dockerfile, Procfile, framework conventions). A maintenance script
/// (`npm run upload-artifacts`, `release`, `seed`) is run by hand with whatever its user sets:
/// its variables are not deployment requirements. When no production entry is detected, every
/// shipped file counts (see [`shipped_modules`]).
pub fn production_modules(project: &Project) -> Vec<bool> {
    let all = || {
        (0..project.modules.len())
            .map(|i| project.is_production_reachable(i))
            .collect()
    };
    let points = project.entry_points();
    if !points.has_production_entries() {
        return all();
    }
    let starts: Vec<usize> = points
        .entries
        .iter()
        // A workspace library's `main`/`exports` runs inside its importers: its code is
        // deploy code when a deployed entry imports it, not on its own (a published plugin's
        // settings are its users' to set).
        .filter(|e| {
            e.kind == crate::entries::EntryKind::Production && !e.library && deploy_runs(&e.source)
        })
        .map(|e| e.file)
        .collect();
    if starts.is_empty() {
        return all();
    }
    project
        .graph
        .reachable_from(&starts, &points.loads, |_, _| 0)
        .iter()
        .map(Option::is_some)
        .collect()
}

/// Whether an entry (by what makes it one) runs as part of a deploy: everything but the
/// package.json scripts other than start/serve/build/install/migrate and their variants.
fn deploy_runs(source: &str) -> bool {
    let Some(script) = source.strip_prefix("package.json scripts.") else {
        return true;
    };
    let base = script
        .strip_prefix("pre")
        .or_else(|| script.strip_prefix("post"))
        .unwrap_or(script);
    // `start:prod`, `build:app`, `deploy:web`; `start-pr-test` and `deploy-demo-server` are
    // tools named like the deploy, not the deploy.
    let head = base.split(':').next().unwrap_or(base);
    matches!(
        head,
        "start"
            | "serve"
            | "server"
            | "build"
            | "install"
            | "prod"
            | "production"
            | "migrate"
            | "deploy"
            | "worker"
            | "web"
    )
}

/// Which modules ship: every file that is not a test or tool configuration, reachable or not.
/// The env rules use this, because a dead file synced from production can become live, and
/// its variables are then needed.
pub fn shipped_modules(project: &Project) -> Vec<bool> {
    project
        .modules
        .iter()
        .map(|m| m.role == FileRole::Production)
        .collect()
}

/// Where a variable is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ReadSite {
    /// File relative to the root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    #[serde(skip)]
    pub column: u32,
    /// The code copes with the variable being unset.
    #[serde(skip)]
    pub has_default: bool,
    /// The file is production code.
    #[serde(skip)]
    pub production: bool,
    /// Matched through a `${prefix}_SUFFIX` pattern: possibly read.
    #[serde(skip)]
    pub via_pattern: bool,
    /// The reading file is reachable from a production entry point.
    #[serde(skip)]
    pub reachable: bool,
    /// An env source that covers the reading file declares the variable (its package's, a
    /// consuming package's or the root's; a workflow's for what the workflow runs).
    #[serde(skip)]
    pub declared: bool,
}

/// A variable's place in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VariableStatus {
    /// Read and declared.
    Declared,
    /// Read and declared nowhere.
    Undeclared,
    /// Declared and read nowhere.
    Unused,
    /// Provided by the runtime or hosting platform.
    Platform,
}

/// One row of `treeaudit env`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variable {
    /// Variable name.
    pub name: String,
    /// Production code reads it without a default.
    pub required: bool,
    /// Code reachable from a production entry reads it without a default: what the
    /// `--against` deploy gate requires.
    #[serde(skip)]
    pub required_in_production: bool,
    /// Declared, undeclared, unused or platform.
    pub status: VariableStatus,
    /// Read sites, sorted.
    pub reads: Vec<ReadSite>,
    /// Declaring files (first line of each), sorted.
    #[serde(skip)]
    pub declarations: Vec<Declaration>,
}

impl Variable {
    /// Declaring files, each once.
    pub fn declared_in(&self) -> Vec<&str> {
        let mut files: Vec<&str> = self.declarations.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        files
    }

    /// Declared in a dotenv-family file (the source `unused-env` checks).
    pub fn declared_in_dotenv(&self) -> bool {
        self.declarations
            .iter()
            .any(|d| d.source == DeclarationSource::Dotenv)
    }
}

/// The joined view of reads and declarations.
#[derive(Debug, Clone, Default)]
pub struct EnvTable {
    /// Required first, then defaulted, then unused; by name within each.
    pub variables: Vec<Variable>,
    /// `process.env[name]`: any declared variable may be read.
    pub dynamic_reads: Vec<ReadSite>,
    /// `process.env[`${p}_ID`]`: the glob and where.
    pub pattern_reads: Vec<(String, ReadSite)>,
}

/// A production env file given with `--against`: which keys it sets (non-empty).
#[derive(Debug, Clone)]
pub struct AgainstFile {
    /// The path as the user gave it (shown in output).
    pub label: String,
    /// Canonical path, to leave it out of the project's own declarations.
    pub path: PathBuf,
    /// Keys and whether each is empty.
    pub keys: BTreeMap<String, bool>,
}

impl AgainstFile {
    /// Reads a dotenv file named on the command line.
    pub fn load(path: &Path) -> crate::Result<AgainstFile> {
        let keys = declarations::read_dotenv_file(path)?;
        Ok(AgainstFile {
            label: path.to_string_lossy().into_owned(),
            path: crate::access::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            keys: keys.into_iter().map(|k| (k.name, k.empty)).collect(),
        })
    }

    /// The file sets this variable to a non-empty value (like dotenv-safe, empty counts as
    /// missing: `if (!process.env.X)` treats it so).
    pub fn provides(&self, name: &str) -> bool {
        self.keys.get(name).is_some_and(|empty| !empty)
    }
}

/// Whether a glob with one `*` matches a name.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            name.len() >= prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
        None => pattern == name,
    }
}

/// Joins reads and declarations. `production[i]` says whether module `i` ships (see
/// [`shipped_modules`]); `reachable[i]` whether a production entry reaches it (see
/// [`production_modules`]); files in `exclude` (the `--against` files) are not counted as
/// declarations of the project.
pub fn env_table(
    project: &Project,
    production: &[bool],
    reachable: &[bool],
    exclude: &[PathBuf],
) -> EnvTable {
    let excluded: Vec<String> = exclude.iter().map(|p| project.relative(p)).collect();
    let mut declared: BTreeMap<String, Vec<Declaration>> = BTreeMap::new();
    for d in project
        .env_declarations
        .items
        .iter()
        .filter(|d| !excluded.contains(&d.file))
    {
        declared.entry(d.name.clone()).or_default().push(d.clone());
    }
    for d in config_declarations(project)
        .into_iter()
        .chain(package_script_declarations(project))
        .chain(readme_declarations(project))
    {
        declared.entry(d.name.clone()).or_default().push(d);
    }
    let mut reads: BTreeMap<String, Vec<ReadSite>> = BTreeMap::new();
    let mut read_modules: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut read_asserted: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    let mut table = EnvTable::default();
    let helper_reads = helper_reads(project);
    let gated = feature_gated_modules(project);
    let hand_offs = ValueHandOffs::of(project);
    for (i, module) in project.modules.iter().enumerate() {
        let is_production = production.get(i).copied().unwrap_or(false);
        let gated = gated.get(i).copied().unwrap_or(false);
        for read in module.facts.env_reads.iter().chain(&helper_reads[i]) {
            // Every call the value is handed to copes (one for a direct read, one per use of
            // a destructured local).
            let handed_to_coping_function = || {
                let mut handoffs = module
                    .facts
                    .env_handoffs
                    .iter()
                    .filter(|h| h.start == read.span.start)
                    .peekable();
                handoffs.peek().is_some()
                    && handoffs.all(|h| imported_function_copes(project, i, &h.callee, h.argument))
            };
            let option_of_coping_package = || {
                module
                    .facts
                    .env_option_handoffs
                    .iter()
                    .filter(|h| h.start == read.span.start)
                    .any(|h| package_options_optional(project, i, &h.callee))
            };
            let site = ReadSite {
                file: module.file.rel.clone(),
                line: read.span.line,
                column: read.span.column,
                has_default: read.has_default
                    || gated
                    || handed_to_coping_function()
                    || option_of_coping_package()
                    || hand_offs.cope(project, i, read.span.start)
                    || flag_gated_read(project, i, read.span.start),
                production: is_production,
                via_pattern: false,
                reachable: reachable.get(i).copied().unwrap_or(false),
                declared: false,
            };
            match read.key {
                EnvKey::Name => {
                    if read.form == crate::facts::EnvReadForm::Schema {
                        // A schema key is also a declared requirement.
                        declared
                            .entry(read.name.clone())
                            .or_default()
                            .push(Declaration {
                                name: read.name.clone(),
                                file: module.file.rel.clone(),
                                line: read.span.line,
                                source: DeclarationSource::Schema,
                            });
                    }
                    reads.entry(read.name.clone()).or_default().push(site);
                    read_modules.entry(read.name.clone()).or_default().push(i);
                    read_asserted.entry(read.name.clone()).or_default().push(
                        module
                            .facts
                            .env_asserted
                            .binary_search(&read.span.start)
                            .is_ok(),
                    );
                }
                EnvKey::Pattern => table.pattern_reads.push((read.name.clone(), site)),
                EnvKey::Dynamic => table.dynamic_reads.push(site),
            }
        }
    }
    for (i, line) in uncalled_helpers(project) {
        table.dynamic_reads.push(ReadSite {
            file: project.modules[i].file.rel.clone(),
            line,
            column: 1,
            has_default: true,
            production: production.get(i).copied().unwrap_or(false),
            via_pattern: false,
            reachable: reachable.get(i).copied().unwrap_or(false),
            declared: true,
        });
    }
    // Declared names matching a pattern are possibly read there.
    for (pattern, site) in &table.pattern_reads {
        for name in declared.keys() {
            if pattern_matches(pattern, name) {
                reads.entry(name.clone()).or_default().push(ReadSite {
                    via_pattern: true,
                    declared: true,
                    ..site.clone()
                });
            }
        }
    }
    // A throw that insists on the variable inside a function is an assertion of that code
    // path when the code around it copes with the variable being unset: its own module
    // (`isConfigured = () => Boolean(process.env.K)` beside the client factory), or every
    // module importing it, up to two imports away (`if (!process.env.K) return` in the route
    // that calls the checkout helper that builds the client). A route that calls the helper
    // without testing the variable fails without it: the read stays required.
    for (name, sites) in reads.iter_mut() {
        let modules = read_modules
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let asserted = read_asserted
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !asserted.contains(&true) {
            continue;
        }
        let coping: BTreeSet<usize> = sites
            .iter()
            .zip(modules)
            .filter(|(s, _)| s.production && s.has_default && !s.via_pattern)
            .map(|(_, m)| *m)
            .collect();
        if coping.is_empty() {
            continue;
        }
        let copes = |module: usize| coped_around(project, module, &coping, 2);
        for ((site, module), asserted) in sites.iter_mut().zip(modules).zip(asserted) {
            if *asserted && copes(*module) {
                site.has_default = true;
            }
        }
    }
    let scopes = scope::Scopes::of(project);
    for (name, sites) in reads.iter_mut() {
        let declarations = declared.get(name).map(Vec::as_slice).unwrap_or_default();
        let modules = read_modules
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (site, module) in sites.iter_mut().zip(modules) {
            site.declared = declarations.iter().any(|d| {
                d.source == DeclarationSource::Schema || scopes.covers(project, d, *module)
            });
        }
    }
    // A commented `# X=` line of a dotenv file documents a setting for code that reads it;
    // alone, it is neither a declaration to use nor one a production env must provide.
    let documented_only = |name: &String| {
        declared.get(name).is_some_and(|d| {
            d.iter().all(|d| {
                matches!(
                    d.source,
                    DeclarationSource::DotenvComment | DeclarationSource::Readme
                )
            })
        })
    };
    let mut names: Vec<&String> = reads
        .keys()
        .chain(declared.keys().filter(|n| !documented_only(n)))
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let mut sites = reads.get(name).cloned().unwrap_or_default();
        sites.sort();
        sites.dedup_by(|a, b| a.file == b.file && a.line == b.line);
        let mut declarations = declared.get(name).cloned().unwrap_or_default();
        declarations.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        let required = sites
            .iter()
            .any(|s| s.production && !s.has_default && !s.via_pattern);
        let required_in_production = sites
            .iter()
            .any(|s| s.reachable && !s.has_default && !s.via_pattern);
        let status = if sites.is_empty() {
            VariableStatus::Unused
        } else if !declarations.is_empty() && all_covered(&sites) {
            VariableStatus::Declared
        } else if is_platform_name(name) {
            VariableStatus::Platform
        } else {
            VariableStatus::Undeclared
        };
        table.variables.push(Variable {
            name: name.clone(),
            required,
            required_in_production,
            status,
            reads: sites,
            declarations,
        });
    }
    table.variables.sort_by(|a, b| {
        let rank = |v: &Variable| (v.status == VariableStatus::Unused, !v.required);
        rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name))
    });
    table.pattern_reads.sort();
    table.dynamic_reads.sort();
    table
}

/// Module `module` copes with a variable (is in `coping`), or it is imported, and every
/// production module importing it copes, `depth` imports up.
fn coped_around(project: &Project, module: usize, coping: &BTreeSet<usize>, depth: u8) -> bool {
    if coping.contains(&module) {
        return true;
    }
    if depth == 0 {
        return false;
    }
    let mut importers = project
        .graph
        .importers_of(module)
        .filter(|(from, edge)| {
            *from != module
                && edge.kind.is_runtime()
                && project.modules[*from].role == FileRole::Production
        })
        .map(|(from, _)| from)
        .peekable();
    importers.peek().is_some()
        && importers.all(|from| coped_around(project, from, coping, depth - 1))
}

/// Modules that run only when an env setting selects them: every import of them binds
/// values used only on a branch chosen by an env value (`case 'azure-blob': new
/// AzureBlobProvider()` in a switch on the upload transport), and nothing else loads them
/// (no other import, directory loader or path, and they are no entry). Their reads are
/// needed only by deploys that switch the feature on: optional, like reads under another
/// variable's presence test.
pub fn feature_gated_modules(project: &Project) -> Vec<bool> {
    let count = project.modules.len();
    // 0 = not imported, 1 = only gated imports, 2 = some other way in.
    let mut state = vec![0u8; count];
    // Tests and tool configs (an i18n extractor's source globs) do not run the code.
    let runs = |i: usize| project.modules[i].role == FileRole::Production;
    for (i, module) in project.modules.iter().enumerate() {
        if !runs(i) {
            continue;
        }
        for (import, target) in runtime_imports(project, i) {
            let gated = module.facts.gated_imports.contains(&import.specifier)
                || flag_gated_import(project, i, &import.specifier);
            if gated && state[target] != 2 {
                state[target] = 1;
            } else {
                state[target] = 2;
            }
        }
    }
    if !state.contains(&1) {
        return vec![false; count];
    }
    let points = project.entry_points();
    for entry in points
        .entries
        .iter()
        .filter(|e| e.kind == crate::entries::EntryKind::Production)
    {
        if let Some(s) = state.get_mut(entry.file) {
            *s = 2;
        }
    }
    for edge in points
        .loads
        .iter()
        .chain(&points.path_loads)
        .filter(|e| runs(e.from))
    {
        if let Some(s) = state.get_mut(edge.to) {
            *s = 2;
        }
    }
    state.into_iter().map(|s| s == 1).collect()
}

/// Where values of env reads that leave their module go: the modules importing an exported
/// binding, the classes injecting a provided token. A read whose value leaves so is optional
/// when every production module receiving it copes with it being unset (tests it before
/// use), and at least one does: `export const SEGMENT_KEY = import.meta.env.X` imported only
/// where `!!SEGMENT_KEY` switches the feature. An exported binding no module imports (in a
/// module that is no entry and is not imported whole) is needed by nothing.
#[derive(Default)]
struct ValueHandOffs {
    /// `(module, exported name)` → (importers that cope, importers that do not).
    imports: BTreeMap<(usize, String), (usize, usize)>,
    /// Modules imported whole (`import * as config`) or re-exported: importers out of sight.
    whole: std::collections::BTreeSet<usize>,
    /// Injection token → (injections that cope, injections that do not).
    tokens: BTreeMap<String, (usize, usize)>,
    /// Entry modules of any kind: a package's `main` or a framework file has importers out
    /// of sight.
    entries: std::collections::BTreeSet<usize>,
}

impl ValueHandOffs {
    fn of(project: &Project) -> ValueHandOffs {
        let mut hand_offs = ValueHandOffs::default();
        let exports = project
            .modules
            .iter()
            .any(|m| !m.facts.env_exports.is_empty());
        let providers = project
            .modules
            .iter()
            .any(|m| !m.facts.env_providers.is_empty());
        if exports {
            hand_offs.entries = project
                .entry_points()
                .entries
                .iter()
                .map(|e| e.file)
                .collect();
        }
        for (i, module) in project.modules.iter().enumerate() {
            if module.role != FileRole::Production {
                continue;
            }
            if providers {
                for (token, copes) in &module.facts.injected_tokens {
                    let entry = hand_offs.tokens.entry(token.clone()).or_default();
                    if *copes { entry.0 += 1 } else { entry.1 += 1 }
                }
            }
            if !exports {
                continue;
            }
            for (import, target) in runtime_imports(project, i) {
                if import.namespace
                    || import.kind == crate::facts::ImportKind::ReExport
                    || import.kind == crate::facts::ImportKind::Dynamic
                {
                    hand_offs.whole.insert(target);
                    continue;
                }
                for name in import.names.iter().filter(|n| !n.type_only) {
                    let local = name.local.as_deref().unwrap_or(&name.imported);
                    let entry = hand_offs
                        .imports
                        .entry((target, name.imported.clone()))
                        .or_default();
                    if module.facts.coping_imports.iter().any(|c| c == local) {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                }
            }
        }
        hand_offs
    }

    /// The read starting at `start` in module `module` leaves it to receivers that all cope.
    fn cope(&self, project: &Project, module: usize, start: u32) -> bool {
        let facts = &project.modules[module].facts;
        let all_cope = |counts: Option<&(usize, usize)>| {
            counts.is_some_and(|(coping, other)| *coping > 0 && *other == 0)
        };
        facts
            .env_exports
            .iter()
            .filter(|e| e.start == start)
            .any(|e| {
                if self.whole.contains(&module) {
                    return false;
                }
                match self.imports.get(&(module, e.name.clone())) {
                    // Exported as it is, imported by nobody, and no entry: no code needs the
                    // value. (A value computed at load, `env.get('X').required()`, still is
                    // computed whenever the module loads.)
                    None => e.as_is && !self.entries.contains(&module),
                    counts => all_cope(counts),
                }
            })
            || facts
                .env_providers
                .iter()
                .filter(|p| p.start == start)
                .any(|p| all_cope(self.tokens.get(&p.name)))
    }
}

/// `callee`, imported by module `module` from a package, takes an options object each field
/// of which may be left out. Auth.js (v5: `next-auth@5`, `@auth/core` and its framework
/// packages) provider factories fill every option they need from `AUTH_<PROVIDER>_*` and keep
/// the rest as overrides: a provider in the list with none of its settings only has its own
/// sign-in fail, as the bare `GitHub` entry beside it does. next-auth 4 providers need
/// their `clientId`/`clientSecret` from the app, so their options stay required.
fn package_options_optional(project: &Project, module: usize, callee: &str) -> bool {
    let m = &project.modules[module];
    let Some(import) = m.facts.imports.iter().find(|import| {
        import.kind.is_runtime()
            && import
                .names
                .iter()
                .any(|n| n.local.as_deref().unwrap_or(&n.imported) == callee)
    }) else {
        return false;
    };
    let specifier = import.specifier.as_str();
    if specifier.starts_with("@auth/") && specifier.contains("/providers/") {
        return true;
    }
    if !specifier.starts_with("next-auth/providers/") {
        return false;
    }
    let Some(dir) = m.file.path.parent() else {
        return false;
    };
    project
        .manifests
        .ancestors(dir, &project.root)
        .find_map(|manifest| manifest.declared_range("next-auth"))
        .is_some_and(authjs_v5_range)
}

/// A `next-auth` version range of Auth.js v5 (`beta`, `^5.0.0-beta.25`, `5`).
fn authjs_v5_range(range: &str) -> bool {
    range.contains("beta") || crate::manifest::range_major(range).is_some_and(|major| major >= 5)
}

/// `callee`, imported by module `module`, copes with its parameter `argument` being
/// undefined: found where it is defined, through re-exports (`export { f } from`,
/// `export * from`), also across workspace packages.
fn imported_function_copes(
    project: &Project,
    module: usize,
    callee: &str,
    argument: usize,
) -> bool {
    imported_holds(project, module, callee, &|facts, name| {
        facts
            .coping_parameters
            .iter()
            .any(|(f, p)| f == name && *p == argument)
    })
}

/// The local `test.name` of module `module` is an imported env flag of that polarity: the
/// branch it guards runs only when an env setting is set (see `ModuleFacts::env_flags`).
fn imported_flag(project: &Project, module: usize, test: &crate::facts::FlagTest) -> bool {
    imported_holds(project, module, &test.name, &|facts, name| {
        facts
            .env_flags
            .iter()
            .any(|f| f.name == name && f.truthy == test.truthy)
    })
}

/// The read starting at `start` in module `module` sits on a branch that an imported env flag
/// selects (`IS_CLOUD ? { ids: [process.env.USER_ADMIN_ID] } : {}`).
fn flag_gated_read(project: &Project, module: usize, start: u32) -> bool {
    project.modules[module]
        .facts
        .env_flag_gates
        .iter()
        .filter(|g| g.start == start)
        .any(|g| g.tests.iter().any(|t| imported_flag(project, module, t)))
}

/// Module `module` imports `specifier` only for uses on branches an env setting selects, some
/// of them by imported env flags (`if (IS_CLOUD) { await deployRemote(job) }`).
fn flag_gated_import(project: &Project, module: usize, specifier: &str) -> bool {
    project.modules[module]
        .facts
        .import_flag_gates
        .iter()
        .filter(|g| g.specifier == specifier)
        .any(|g| {
            g.uses
                .iter()
                .all(|tests| tests.iter().any(|t| imported_flag(project, module, t)))
        })
}

/// The value module `module` imports under the local name `local` satisfies `holds` where it
/// is defined (see [`exported_holds`]).
fn imported_holds(
    project: &Project,
    module: usize,
    local: &str,
    holds: &dyn Fn(&crate::facts::ModuleFacts, &str) -> bool,
) -> bool {
    let facts = &project.modules[module].facts;
    facts
        .imports
        .iter()
        .zip(&project.modules[module].resolutions)
        .filter(|(import, _)| import.kind.is_runtime())
        .any(|(import, resolution)| {
            let Some(name) = import
                .names
                .iter()
                .find(|n| n.local.as_deref().unwrap_or(&n.imported) == local)
            else {
                return false;
            };
            resolved_module(project, resolution)
                .is_some_and(|target| exported_holds(project, target, &name.imported, holds, 0))
        })
}

/// The run-time imports of module `module` that resolve to another module of the tree, with it.
fn runtime_imports(
    project: &Project,
    module: usize,
) -> impl Iterator<Item = (&crate::facts::Import, usize)> {
    let m = &project.modules[module];
    m.facts
        .imports
        .iter()
        .zip(&m.resolutions)
        .filter(|(import, _)| import.kind.is_runtime())
        .filter_map(move |(import, resolution)| {
            resolved_module(project, resolution)
                .filter(|t| *t != module)
                .map(|t| (import, t))
        })
}

fn resolved_module(project: &Project, resolution: &crate::resolve::Resolution) -> Option<usize> {
    use crate::resolve::Resolution;
    let path = match resolution {
        Resolution::File { path } => path,
        Resolution::Package {
            path: Some(path), ..
        } => path,
        _ => return None,
    };
    project.module_at(path)
}

/// What module `module` exports as `name` satisfies `holds` (the module's facts and the name
/// there), followed a few re-export hops deep (`export { f } from`, `export * from`, and a
/// CommonJS stub `module.exports = require('./dist/x')` whose build output maps to source).
fn exported_holds(
    project: &Project,
    module: usize,
    name: &str,
    holds: &dyn Fn(&crate::facts::ModuleFacts, &str) -> bool,
    depth: u8,
) -> bool {
    let facts = &project.modules[module].facts;
    if holds(facts, name) {
        return true;
    }
    if depth >= 4 || name == "default" {
        return false;
    }
    let passthrough = facts.exports.passthrough.as_deref();
    facts
        .imports
        .iter()
        .zip(&project.modules[module].resolutions)
        .filter(|(import, _)| {
            import.kind == crate::facts::ImportKind::ReExport
                || passthrough == Some(import.specifier.as_str())
        })
        .any(|(import, resolution)| {
            let inner = if passthrough == Some(import.specifier.as_str()) {
                // `module.exports = require('./dist/util')`: every name is the target's.
                Some(name.to_string())
            } else if import.names.is_empty() && import.namespace {
                // `export * from './x'`
                Some(name.to_string())
            } else {
                import
                    .names
                    .iter()
                    .find(|n| n.local.as_deref().unwrap_or(&n.imported) == name)
                    .map(|n| n.imported.clone())
            };
            inner.is_some_and(|inner| {
                resolved_module(project, resolution)
                    .is_some_and(|target| exported_holds(project, target, &inner, holds, depth + 1))
            })
        })
}

/// Reads through env helpers, per module: `getEnv('SMTP_HOST')` where `getEnv` is an env
/// helper of the module itself or of the module it is imported from (one level). Optional when
/// the caller has a fallback or the helper has one.
pub fn helper_reads(project: &Project) -> Vec<Vec<crate::facts::EnvRead>> {
    helper_calls(project).0
}

/// Env helpers no call in the tree names a variable to, as `(module, line)`: their callers
/// are out of sight, so any variable may be read there (as with `process.env[name]`).
fn uncalled_helpers(project: &Project) -> Vec<(usize, u32)> {
    let used = &helper_calls(project).1;
    project
        .modules
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            m.facts
                .env_helpers
                .iter()
                .filter(move |h| !used.contains(&(i, h.function.clone())))
                .map(move |h| (i, h.line))
        })
        .collect()
}

/// Reads through env helpers per module, and which helpers `(module, function)` are called.
fn helper_calls(
    project: &Project,
) -> (
    Vec<Vec<crate::facts::EnvRead>>,
    std::collections::BTreeSet<(usize, String)>,
) {
    let used = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let reads = helper_calls_inner(project, &used);
    (reads, used.into_inner())
}

fn helper_calls_inner(
    project: &Project,
    used: &std::cell::RefCell<std::collections::BTreeSet<(usize, String)>>,
) -> Vec<Vec<crate::facts::EnvRead>> {
    use crate::facts::{EnvRead, EnvReadForm};
    use crate::resolve::Resolution;
    project
        .modules
        .iter()
        .enumerate()
        .map(|(index, module)| {
            module
                .facts
                .env_name_calls
                .iter()
                .filter_map(|call| {
                    let own = module
                        .facts
                        .env_helpers
                        .iter()
                        .find(|h| h.function == call.callee && h.parameter == call.argument);
                    if let Some(helper) = own {
                        used.borrow_mut().insert((index, helper.function.clone()));
                    }
                    let imported = || {
                        module
                            .facts
                            .imports
                            .iter()
                            .zip(&module.resolutions)
                            .find_map(|(import, resolution)| {
                                let name = import.names.iter().find(|n| {
                                    n.local.as_deref().unwrap_or(&n.imported) == call.callee
                                })?;
                                let path = match resolution {
                                    Resolution::File { path } => path,
                                    Resolution::Package {
                                        path: Some(path), ..
                                    } => path,
                                    _ => return None,
                                };
                                let target = project.module_at(path)?;
                                let helper =
                                    project.modules[target].facts.env_helpers.iter().find(|h| {
                                        h.function == name.imported && h.parameter == call.argument
                                    })?;
                                used.borrow_mut().insert((target, helper.function.clone()));
                                Some(helper)
                            })
                    };
                    let helper = own.or_else(imported)?;
                    Some(EnvRead {
                        name: call.name.clone(),
                        key: EnvKey::Name,
                        span: call.span,
                        has_default: call.has_default || helper.has_default,
                        form: EnvReadForm::ProcessEnv,
                        server_only: call.server_only,
                    })
                })
                .collect()
        })
        .collect()
}

/// Whether a file configures a bundler that inlines variables: `next.config.*` (`env: {}`),
/// `vite.config.*` and other bundler configs (`define: { 'import.meta.env.X': … }`).
pub fn is_bundler_config(rel: &str) -> bool {
    rel.rsplit('/').next().is_some_and(|name| {
        [
            "next.config.",
            "vite.config.",
            "vitest.config.",
            "webpack.config.",
            "rsbuild.config.",
            "astro.config.",
            "nuxt.config.",
            "svelte.config.",
            "rollup.config.",
            "tsup.config.",
        ]
        .iter()
        .any(|p| name.starts_with(p))
    })
}

/// The settings each package's README documents (see [`declarations::readme_declarations`]).
fn readme_declarations(project: &Project) -> Vec<Declaration> {
    let mut out = Vec::new();
    for manifest in project.manifests.all() {
        let Some(dir) = manifest.path.parent() else {
            continue;
        };
        for name in ["README.md", "readme.md", "Readme.md"] {
            let path = dir.join(name);
            if let Ok(text) = crate::access::read_to_string(&path) {
                out.extend(declarations::readme_declarations(
                    &project.relative(&path),
                    &text,
                ));
                break;
            }
        }
    }
    out
}

/// `VAR=value` assignments in every package.json's scripts.
fn package_script_declarations(project: &Project) -> Vec<Declaration> {
    let mut out = Vec::new();
    for manifest in project.manifests.all() {
        let Some(scripts) = manifest.json.get("scripts").and_then(|s| s.as_object()) else {
            continue;
        };
        let text = crate::access::read_to_string(&manifest.path).unwrap_or_default();
        out.extend(declarations::script_declarations(
            &project.relative(&manifest.path),
            &text,
            scripts,
        ));
    }
    out
}

/// The keys of next.config's `env: {}` and of bundler `define`s: the bundler sets them at
/// build time (from whatever the config computes) and inlines them into server and client
/// bundles alike.
pub fn config_declarations(project: &Project) -> Vec<Declaration> {
    project
        .modules
        .iter()
        .filter(|m| is_bundler_config(&m.file.rel))
        .flat_map(|m| {
            m.facts
                .config_env_keys
                .iter()
                .map(|(name, line)| Declaration {
                    name: name.clone(),
                    file: m.file.rel.clone(),
                    line: *line,
                    source: DeclarationSource::BundlerConfig,
                })
        })
        .collect()
}

/// Every production read is covered by a declaration (tests' reads count only when nothing
/// else reads the variable).
fn all_covered(sites: &[ReadSite]) -> bool {
    if sites.iter().any(|s| s.production) {
        sites.iter().filter(|s| s.production).all(|s| s.declared)
    } else {
        sites.iter().all(|s| s.declared)
    }
}

/// Names that code reachable from a production entry requires and an `--against` file does not provide (platform
/// names excluded: the platform sets them).
pub fn missing_required(table: &EnvTable, against: &AgainstFile) -> Vec<String> {
    table
        .variables
        .iter()
        .filter(|v| v.required_in_production && v.status != VariableStatus::Platform)
        .filter(|v| !against.provides(&v.name))
        .map(|v| v.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_prefix_and_suffix() {
        assert!(pattern_matches("*_CLIENT_ID", "GITHUB_CLIENT_ID"));
        assert!(pattern_matches("OAUTH_*_SECRET", "OAUTH_GOOGLE_SECRET"));
        assert!(!pattern_matches("OAUTH_*_SECRET", "OAUTH_SECRET"));
        assert!(!pattern_matches("*_CLIENT_ID", "CLIENT_SECRET"));
    }
}
