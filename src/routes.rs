//! Route files and how they are attached: mounted (with composed paths), imported but never
//! mounted, mounted only in a comment, loaded by a directory loader, or unreferenced.
//!
//! Reads only the facts parse produced (mount calls, bindings, router prefixes, directory
//! loaders, and the imports/mounts found inside comments) plus their resolutions.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::facts::{ModuleFacts, MountTarget};
use crate::file_role::FileRole;
use crate::project::{Module, Project};
use crate::resolve::Resolution;

/// Directory names whose files are route files in a backend package.
pub const ROUTE_DIRS: &[&str] = &["routes", "routers", "controllers", "api"];

/// Packages that make a `package.json` a backend (whose `routes/` hold route files).
const SERVER_FRAMEWORKS: &[&str] = &[
    "express",
    "hono",
    "fastify",
    "koa",
    "@koa/router",
    "koa-router",
    "@hapi/hapi",
    "restify",
    "polka",
    "elysia",
    "h3",
];

/// Packages whose `api/`, `routes/` directories are framework conventions, not route files.
const CONVENTION_FRAMEWORKS: &[&str] = &["next", "nuxt", "@sveltejs/kit", "astro"];

/// How a route file is attached to the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RouteStatus {
    /// Passed to a mount call.
    Mounted,
    /// Covered by a directory loader.
    DirectoryLoaded,
    /// Mounted and/or imported only inside a comment.
    CommentedOut,
    /// Imported by a file that mounts routes, never mounted.
    ImportedNotMounted,
    /// Nothing refers to it.
    Unreferenced,
}

impl RouteStatus {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteStatus::Mounted => "mounted",
            RouteStatus::DirectoryLoaded => "directory-loaded",
            RouteStatus::CommentedOut => "commented-out",
            RouteStatus::ImportedNotMounted => "imported-not-mounted",
            RouteStatus::Unreferenced => "unreferenced",
        }
    }
}

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Path relative to the root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// Where a route file is mounted, with the path composed through parent routers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MountSite {
    /// Composed mount path (`/api/users`); `/` when no prefix applies.
    pub path: String,
    /// The file with the mount call.
    pub file: String,
    /// Its line.
    pub line: u32,
}

/// One route file and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteFile {
    /// Path relative to the root.
    pub file: String,
    /// Index into `Project::modules`.
    #[serde(skip)]
    pub module: usize,
    /// Status.
    pub status: RouteStatus,
    /// Mount calls (for `mounted`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<MountSite>,
    /// Commented-out mounts and imports (for `commented-out`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Location>,
    /// Live imports (for `imported-not-mounted`, and alongside `commented-out`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Location>,
    /// Directory loaders covering it (for `directory-loaded`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub loaders: Vec<Location>,
}

/// Every route file, sorted by path (`treeaudit routes --format json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RouteTable {
    /// JSON format version.
    pub version: u32,
    /// Route files.
    pub routes: Vec<RouteFile>,
}

impl RouteTable {
    /// The entry for a module, if it is a route file.
    pub fn get(&self, module: usize) -> Option<&RouteFile> {
        // Routes are built in module order.
        self.routes
            .binary_search_by_key(&module, |r| r.module)
            .ok()
            .map(|i| &self.routes[i])
    }
}

impl Project {
    /// The route table, computed on first use.
    pub fn route_table(&self) -> &RouteTable {
        self.route_table_cache.get_or_init(|| classify_routes(self))
    }
}

/// The module an import resolved to.
fn resolved_module(project: &Project, resolution: &Resolution) -> Option<usize> {
    match resolution {
        Resolution::File { path } => project.module_at(path),
        Resolution::CaseMismatch { actual } => project.module_at(actual),
        _ => None,
    }
}

/// Local names of `module` bound to other modules, from live imports (or, for
/// `commented`, from imports inside comments too).
fn bound_names(project: &Project, module: &Module, commented: bool) -> HashMap<String, usize> {
    let mut names = HashMap::new();
    let mut add = |facts_imports: &[crate::facts::Import],
                   resolutions: &[Resolution],
                   bindings: &[crate::facts::Binding]| {
        let mut by_specifier: HashMap<&str, usize> = HashMap::new();
        for (import, resolution) in facts_imports.iter().zip(resolutions) {
            let Some(target) = resolved_module(project, resolution) else {
                continue;
            };
            by_specifier.insert(import.specifier.as_str(), target);
            for name in &import.names {
                let local = name.local.clone().unwrap_or_else(|| name.imported.clone());
                names.insert(local, target);
            }
        }
        for binding in bindings {
            if let Some(&target) = by_specifier.get(binding.specifier.as_str()) {
                names.insert(binding.local.clone(), target);
            }
        }
    };
    add(
        &module.facts.imports,
        &module.resolutions,
        &module.facts.bindings,
    );
    if commented {
        add(
            &module.facts.commented.imports,
            &module.commented_resolutions,
            &module.facts.commented.bindings,
        );
    }
    names
}

/// The module an inline `require()`/`import()` at `start` resolved to.
fn inline_target(
    project: &Project,
    imports: &[crate::facts::Import],
    resolutions: &[Resolution],
    start: u32,
) -> Option<usize> {
    imports
        .iter()
        .zip(resolutions)
        .find(|(i, _)| i.span.start == start)
        .and_then(|(_, r)| resolved_module(project, r))
}

/// Hono's `.use()` adds middleware only; its mounts are `.route()`.
fn uses_hono(facts: &ModuleFacts) -> bool {
    facts
        .imports
        .iter()
        .any(|i| i.specifier == "hono" || i.specifier.starts_with("hono/"))
}

fn is_middleware_file(rel: &str) -> bool {
    rel.split('/')
        .rev()
        .skip(1)
        .any(|d| d == "middleware" || d == "middlewares")
}

/// One live mount of `target` from `mounter`.
struct MountRecord {
    mounter: usize,
    target: usize,
    receiver: String,
    path: String,
    line: u32,
}

/// Joins URL path parts: `join("/api", "/users/")` is `/api/users`.
fn join_paths(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        for segment in part.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(segment);
        }
    }
    if out.is_empty() { "/".to_string() } else { out }
}

/// Whether a mounted module is a router, app or plugin: it declares endpoints, mounts
/// others, or uses a server framework. `passport.use('jwt', strategy)` and Vue's
/// `app.use(router)` attach something else.
fn is_router_module(module: &Module) -> bool {
    !module.facts.endpoints.is_empty() || builds_router(&module.facts)
}

/// A mounted module that only re-exports another (`module.exports = require('./routes')`):
/// the module whose router it hands on.
fn through_passthrough(project: &Project, mut target: usize) -> Vec<usize> {
    let mut chain = vec![target];
    for _ in 0..8 {
        let module = &project.modules[target];
        let Some(specifier) = &module.facts.exports.passthrough else {
            break;
        };
        let next = module
            .facts
            .imports
            .iter()
            .zip(&module.resolutions)
            .find(|(i, _)| &i.specifier == specifier)
            .and_then(|(_, r)| resolved_module(project, r));
        match next {
            Some(next) if !chain.contains(&next) => {
                chain.push(next);
                target = next;
            }
            _ => break,
        }
    }
    chain
}

/// Every live mount in the project. Mounts written in tests do not make a route live.
fn live_mounts(project: &Project) -> Vec<MountRecord> {
    let mut records = Vec::new();
    for (m, module) in project.modules.iter().enumerate() {
        if module.facts.mounts.is_empty() || module.role == FileRole::Test {
            continue;
        }
        let names = bound_names(project, module, false);
        let hono = uses_hono(&module.facts);
        for mount in &module.facts.mounts {
            if hono && mount.method == "use" {
                continue;
            }
            for target in &mount.targets {
                let to = match target {
                    MountTarget::Binding(name) => names.get(name).copied(),
                    MountTarget::Import(start) => {
                        inline_target(project, &module.facts.imports, &module.resolutions, *start)
                    }
                };
                let Some(to) = to.filter(|&to| to != m) else {
                    continue;
                };
                if is_middleware_file(&project.modules[to].file.rel) {
                    continue;
                }
                let chain = through_passthrough(project, to);
                // Fastify's `register` takes only plugins; `.use()` also takes middleware,
                // passport strategies and Vue plugins.
                if mount.method != "register"
                    && !chain.iter().any(|&t| is_router_module(&project.modules[t]))
                {
                    continue;
                }
                for to in chain {
                    records.push(MountRecord {
                        mounter: m,
                        target: to,
                        receiver: mount.receiver.clone(),
                        path: mount.path.clone().unwrap_or_default(),
                        line: mount.span.line,
                    });
                }
            }
        }
    }
    records
}

/// The prefix a receiver carries inside its own file: its `new Router({ prefix })` /
/// `.basePath()`, plus the paths of local routers it is mounted onto (`api.use('/users', u);
/// app.use('/api', api)` gives `u`'s receiver `api` the prefix `/api`).
fn local_prefix(module: &Module, receiver: &str, depth: u32) -> String {
    if depth > 8 || receiver.is_empty() {
        return String::new();
    }
    let own = module
        .facts
        .router_prefixes
        .iter()
        .find(|p| p.local == receiver)
        .map(|p| p.prefix.clone())
        .unwrap_or_default();
    let parent = module.facts.mounts.iter().find(|m| {
        m.targets
            .iter()
            .any(|t| matches!(t, MountTarget::Binding(n) if n == receiver))
            && m.receiver != receiver
    });
    match parent {
        Some(p) => {
            let outer = local_prefix(module, &p.receiver, depth + 1);
            join_paths(&[&outer, p.path.as_deref().unwrap_or(""), &own])
        }
        None => own,
    }
}

/// Paths at which `module` is mounted, composed through the files that mount it.
fn composed_paths(
    project: &Project,
    module: usize,
    incoming: &HashMap<usize, Vec<&MountRecord>>,
    visiting: &mut BTreeSet<usize>,
) -> Vec<String> {
    let Some(records) = incoming.get(&module) else {
        return vec![String::new()];
    };
    if !visiting.insert(module) {
        return vec![String::new()];
    }
    let mut paths = BTreeSet::new();
    for record in records {
        let mounter = &project.modules[record.mounter];
        let local = local_prefix(mounter, &record.receiver, 0);
        for base in composed_paths(project, record.mounter, incoming, visiting) {
            paths.insert(join_paths(&[&base, &local, &record.path]));
        }
    }
    visiting.remove(&module);
    paths.into_iter().collect()
}

/// Whether a module lives under a route directory of a backend package.
fn in_backend_route_dir(project: &Project, module: &Module) -> bool {
    let Some(dir) = module.file.path.parent() else {
        return false;
    };
    let Some(manifest) = project.manifests.nearest(dir, &project.root) else {
        return false;
    };
    let has = |names: &[&str]| names.iter().any(|n| manifest.dependencies.contains_key(*n));
    if !has(SERVER_FRAMEWORKS) {
        return false;
    }
    let package_dir = manifest.path.parent().unwrap_or(&project.root);
    let inner = module
        .file
        .path
        .strip_prefix(package_dir)
        .unwrap_or(&module.file.path);
    // With Next/Nuxt/SvelteKit/Astro beside the server, only their own folders are theirs.
    let rel_inner = inner.to_string_lossy().replace('\\', "/");
    if has(CONVENTION_FRAMEWORKS)
        && [
            "pages/",
            "app/",
            "src/pages/",
            "src/app/",
            "server/",
            "src/routes/",
        ]
        .iter()
        .any(|p| rel_inner.starts_with(p))
    {
        return false;
    }
    let parts: Vec<String> = inner
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.len() > 1
        && parts[..parts.len() - 1]
            .iter()
            .any(|d| ROUTE_DIRS.contains(&d.as_str()))
}

/// Whether a file builds a router itself (imports a server framework or mounts): a file
/// under `api/` that only holds handlers or services is not an unmounted router.
fn builds_router(facts: &ModuleFacts) -> bool {
    !facts.mounts.is_empty()
        || facts.imports.iter().any(|i| {
            let package = crate::manifest::package_name(&i.specifier);
            SERVER_FRAMEWORKS.contains(&package) || package == "express"
        })
}

/// Builds the route table.
pub fn classify_routes(project: &Project) -> RouteTable {
    let records = live_mounts(project);
    let mut incoming: HashMap<usize, Vec<&MountRecord>> = HashMap::new();
    for record in &records {
        incoming.entry(record.target).or_default().push(record);
    }
    let mounting_files: BTreeSet<usize> = records.iter().map(|r| r.mounter).collect();
    let points = project.entry_points();
    let production_entries: BTreeSet<usize> = points
        .entries
        .iter()
        .filter(|e| e.kind == crate::entries::EntryKind::Production)
        .map(|e| e.file)
        .collect();

    let mut loaders: BTreeMap<usize, Vec<Location>> = BTreeMap::new();
    for load in points.loads.iter().chain(&points.path_loads) {
        loaders.entry(load.to).or_default().push(Location {
            file: project.modules[load.from].file.rel.clone(),
            line: load.line,
        });
    }

    let mut comments: BTreeMap<usize, BTreeSet<Location>> = BTreeMap::new();
    for module in &project.modules {
        let commented = &module.facts.commented;
        if commented.imports.is_empty() && commented.mounts.is_empty() {
            continue;
        }
        for (import, resolution) in commented.imports.iter().zip(&module.commented_resolutions) {
            if let Some(target) = resolved_module(project, resolution) {
                comments.entry(target).or_default().insert(Location {
                    file: module.file.rel.clone(),
                    line: import.span.line,
                });
            }
        }
        let names = bound_names(project, module, true);
        for mount in &commented.mounts {
            for target in &mount.targets {
                let to = match target {
                    MountTarget::Binding(name) => names.get(name).copied(),
                    MountTarget::Import(start) => inline_target(
                        project,
                        &commented.imports,
                        &module.commented_resolutions,
                        *start,
                    ),
                };
                if let Some(to) = to {
                    comments.entry(to).or_default().insert(Location {
                        file: module.file.rel.clone(),
                        line: mount.span.line,
                    });
                }
            }
        }
    }

    let registrations = controller_registrations(project);
    let mut routes = Vec::new();
    for (m, module) in project.modules.iter().enumerate() {
        if module.role != FileRole::Production || module.file.rel.ends_with(".d.ts") {
            continue;
        }
        if !module.facts.controllers.is_empty() {
            routes.push(controller_route(project, m, &registrations));
            continue;
        }
        let mounted = incoming.contains_key(&m);
        if !mounted && !in_backend_route_dir(project, module) {
            continue;
        }
        if !mounted && production_entries.contains(&m) {
            continue;
        }
        let importers: Vec<(usize, u32)> = project
            .graph
            .importers_of(m)
            .filter(|(_, e)| e.kind.is_runtime())
            .map(|(from, e)| {
                let line = project.modules[from]
                    .facts
                    .imports
                    .get(e.import)
                    .map_or(0, |i| i.span.line);
                (from, line)
            })
            .collect();
        let imported_by_mounter = importers.iter().any(|(f, _)| mounting_files.contains(f));
        let commented = comments.remove(&m).unwrap_or_default();
        let loaded = loaders.remove(&m).unwrap_or_default();
        let status = if mounted {
            RouteStatus::Mounted
        } else if !loaded.is_empty() {
            RouteStatus::DirectoryLoaded
        } else if !commented.is_empty() {
            RouteStatus::CommentedOut
        } else if imported_by_mounter && builds_router(&module.facts) {
            RouteStatus::ImportedNotMounted
        } else if importers.is_empty() && builds_router(&module.facts) {
            // A helper under `api/` that builds no router is judged by `unreachable-file`.
            RouteStatus::Unreferenced
        } else {
            // Imported by ordinary modules (a helper beside the routes): not a route file.
            continue;
        };
        let mut mounts = Vec::new();
        if mounted {
            for record in &incoming[&m] {
                let mounter = &project.modules[record.mounter];
                let local = local_prefix(mounter, &record.receiver, 0);
                let own = module
                    .facts
                    .router_prefixes
                    .first()
                    .map(|p| p.prefix.as_str())
                    .unwrap_or("");
                let mut visiting = BTreeSet::from([m]);
                for base in composed_paths(project, record.mounter, &incoming, &mut visiting) {
                    mounts.push(MountSite {
                        path: join_paths(&[&base, &local, &record.path, own]),
                        file: mounter.file.rel.clone(),
                        line: record.line,
                    });
                }
            }
            mounts.sort();
            mounts.dedup();
        }
        let imports = if matches!(
            status,
            RouteStatus::ImportedNotMounted | RouteStatus::CommentedOut
        ) {
            let mut imports: Vec<Location> = importers
                .iter()
                .map(|(f, line)| Location {
                    file: project.modules[*f].file.rel.clone(),
                    line: *line,
                })
                .collect();
            imports.sort();
            imports.dedup();
            imports
        } else {
            Vec::new()
        };
        routes.push(RouteFile {
            file: module.file.rel.clone(),
            module: m,
            status,
            mounts,
            comments: if status == RouteStatus::CommentedOut {
                commented.into_iter().collect()
            } else {
                Vec::new()
            },
            imports,
            loaders: if status == RouteStatus::DirectoryLoaded {
                loaded
            } else {
                Vec::new()
            },
        });
    }
    RouteTable {
        version: crate::JSON_VERSION,
        routes,
    }
}

/// NestJS: for each controller module, where `@Module({ controllers })` lists its classes
/// (class name → registering module and line). Tests' modules do not count.
fn controller_registrations(project: &Project) -> HashMap<usize, Vec<(String, usize, u32)>> {
    let mut found: HashMap<usize, Vec<(String, usize, u32)>> = HashMap::new();
    for (m, module) in project.modules.iter().enumerate() {
        if module.role == FileRole::Test || module.facts.registered_controllers.is_empty() {
            continue;
        }
        // The controller's module is the registering module itself or one it imports.
        let mut candidates: Vec<usize> = project.graph.imports_of(m).map(|(to, _)| to).collect();
        candidates.push(m);
        for registered in &module.facts.registered_controllers {
            for &c in &candidates {
                if project.modules[c]
                    .facts
                    .controllers
                    .iter()
                    .any(|k| k.name == registered.name)
                {
                    found.entry(c).or_default().push((
                        registered.name.clone(),
                        m,
                        registered.span.line,
                    ));
                }
            }
        }
    }
    found
}

/// A NestJS controller file: mounted at its `@Controller` path when a module registers it.
fn controller_route(
    project: &Project,
    m: usize,
    registrations: &HashMap<usize, Vec<(String, usize, u32)>>,
) -> RouteFile {
    let module = &project.modules[m];
    let mut mounts = Vec::new();
    let registered = registrations.get(&m).map(Vec::as_slice).unwrap_or(&[]);
    for controller in &module.facts.controllers {
        for (name, by, line) in registered {
            if *name == controller.name {
                mounts.push(MountSite {
                    path: join_paths(&[&controller.path]),
                    file: project.modules[*by].file.rel.clone(),
                    line: *line,
                });
            }
        }
    }
    mounts.sort();
    mounts.dedup();
    RouteFile {
        file: module.file.rel.clone(),
        module: m,
        status: if mounts.is_empty() {
            RouteStatus::Unreferenced
        } else {
            RouteStatus::Mounted
        },
        mounts,
        comments: Vec::new(),
        imports: Vec::new(),
        loaders: Vec::new(),
    }
}

/// One route handler with its full path (`treeaudit routes --endpoints`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EndpointRow {
    /// Composed path (`/api/users/:id`).
    pub path: String,
    /// `GET`, `POST`, …; `ALL` for every method, `ANY` for a Next.js pages API route.
    pub method: String,
    /// Path relative to the root.
    pub file: String,
    /// 1-based line of the handler.
    pub line: u32,
    /// Whether the application serves it: its router is mounted (or is the app itself), its
    /// controller registered, or it is a framework route file.
    pub mounted: bool,
}

/// Every endpoint, sorted by path then method (`treeaudit routes --endpoints --format json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct EndpointTable {
    /// JSON format version.
    pub version: u32,
    /// Endpoints.
    pub endpoints: Vec<EndpointRow>,
}

/// HTTP methods a Next.js App Router `route.ts` exports as handlers.
const NEXT_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Lists every endpoint: router handlers with their paths composed through every mount,
/// NestJS controller methods, and Next.js route handlers.
pub fn endpoint_table(project: &Project) -> EndpointTable {
    let records = live_mounts(project);
    let mut incoming: HashMap<usize, Vec<&MountRecord>> = HashMap::new();
    for record in &records {
        incoming.entry(record.target).or_default().push(record);
    }
    let table = project.route_table();
    let mut rows = Vec::new();
    for (m, module) in project.modules.iter().enumerate() {
        if module.role != FileRole::Production {
            continue;
        }
        rows.extend(next_endpoints(project, module));
        if module.facts.endpoints.is_empty() {
            continue;
        }
        let route = table.get(m);
        let live = match route {
            Some(r) => matches!(
                r.status,
                RouteStatus::Mounted | RouteStatus::DirectoryLoaded
            ),
            None => true,
        };
        let bases = if incoming.contains_key(&m) {
            let mut visiting = BTreeSet::new();
            composed_paths(project, m, &incoming, &mut visiting)
        } else {
            vec![String::new()]
        };
        for endpoint in &module.facts.endpoints {
            if let Some(class) = endpoint.receiver.strip_prefix('@') {
                let controller = module.facts.controllers.iter().find(|c| c.name == class);
                let base = controller.map_or("", |c| c.path.as_str());
                let mounted = route.is_some_and(|r| {
                    r.status == RouteStatus::Mounted
                        && r.mounts.iter().any(|s| s.path == join_paths(&[base]))
                });
                rows.push(EndpointRow {
                    path: join_paths(&[base, &endpoint.path]),
                    method: endpoint.method.clone(),
                    file: module.file.rel.clone(),
                    line: endpoint.span.line,
                    mounted,
                });
                continue;
            }
            let local = local_prefix(module, &endpoint.receiver, 0);
            for base in &bases {
                rows.push(EndpointRow {
                    path: join_paths(&[base, &local, &endpoint.path]),
                    method: endpoint.method.clone(),
                    file: module.file.rel.clone(),
                    line: endpoint.span.line,
                    mounted: live,
                });
            }
        }
    }
    rows.sort();
    rows.dedup();
    EndpointTable {
        version: crate::JSON_VERSION,
        endpoints: rows,
    }
}

/// Next.js route handlers: `app/**/route.ts` exporting `GET`, `POST`, …, and `pages/api/**`.
fn next_endpoints(project: &Project, module: &Module) -> Vec<EndpointRow> {
    let Some(manifest) = module
        .file
        .path
        .parent()
        .and_then(|dir| project.manifests.nearest(dir, &project.root))
    else {
        return Vec::new();
    };
    if !manifest.dependencies.contains_key("next") {
        return Vec::new();
    }
    let package_dir = manifest.path.parent().unwrap_or(&project.root);
    let inner = project.relative(&module.file.path);
    let package_rel = project.relative(package_dir);
    let inner = if package_rel.is_empty() {
        inner.as_str()
    } else {
        inner
            .strip_prefix(&format!("{package_rel}/"))
            .unwrap_or(&inner)
    };
    let inner = inner.strip_prefix("src/").unwrap_or(inner);
    let (dir, name) = inner.rsplit_once('/').unwrap_or(("", inner));
    let stem = name.split('.').next().unwrap_or(name);
    let segments = |dir: &str| -> Vec<String> {
        dir.split('/')
            .filter(|s| {
                !(s.is_empty() || s.starts_with('@') || (s.starts_with('(') && s.ends_with(')')))
            })
            .map(str::to_string)
            .collect()
    };
    let row = |path: Vec<String>, method: &str, line: u32| EndpointRow {
        path: join_paths(&path.iter().map(String::as_str).collect::<Vec<_>>()),
        method: method.to_string(),
        file: module.file.rel.clone(),
        line,
        mounted: true,
    };
    if let Some(app_dir) = dir
        .strip_prefix("app")
        .filter(|d| d.is_empty() || d.starts_with('/'))
        && stem == "route"
    {
        return module
            .facts
            .exports
            .names
            .iter()
            .filter(|e| NEXT_METHODS.contains(&e.name.as_str()))
            .map(|e| row(segments(app_dir), &e.name, e.span.line))
            .collect();
    }
    if let Some(api_dir) = dir
        .strip_prefix("pages/api")
        .filter(|d| d.is_empty() || d.starts_with('/'))
    {
        let mut path = vec!["api".to_string()];
        path.extend(segments(api_dir));
        if stem != "index" {
            path.push(stem.to_string());
        }
        return vec![row(path, "ANY", 1)];
    }
    Vec::new()
}

/// The endpoint table as text: `METHOD /path  file:line`, unmounted ones marked.
pub fn render_endpoints(table: &EndpointTable) -> String {
    let mut out = String::new();
    let width = table
        .endpoints
        .iter()
        .map(|e| e.path.chars().count())
        .max()
        .unwrap_or(0);
    for e in &table.endpoints {
        out.push_str(&format!(
            "{:<7} {:<width$}  {}:{}{}\n",
            e.method,
            crate::report::escape(&e.path),
            crate::report::escape(&e.file),
            e.line,
            if e.mounted { "" } else { "  (not mounted)" }
        ));
    }
    let mounted = table.endpoints.iter().filter(|e| e.mounted).count();
    if table.endpoints.is_empty() {
        out.push_str("no endpoints found\n");
    } else {
        out.push_str(&format!(
            "\n{mounted} of {} endpoint{} mounted\n",
            table.endpoints.len(),
            if table.endpoints.len() == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The table as text: one line per route file, grouped by status.
pub fn render_text(table: &RouteTable) -> String {
    let mut out = String::new();
    for status in [
        RouteStatus::Mounted,
        RouteStatus::DirectoryLoaded,
        RouteStatus::CommentedOut,
        RouteStatus::ImportedNotMounted,
        RouteStatus::Unreferenced,
    ] {
        let routes: Vec<&RouteFile> = table.routes.iter().filter(|r| r.status == status).collect();
        if routes.is_empty() {
            continue;
        }
        out.push_str(&format!("{} ({})\n", status.as_str(), routes.len()));
        for route in routes {
            let detail = match status {
                RouteStatus::Mounted => route
                    .mounts
                    .iter()
                    .map(|m| format!("{} at {}:{}", m.path, m.file, m.line))
                    .collect::<Vec<_>>()
                    .join(", "),
                RouteStatus::DirectoryLoaded => locations("loaded by", &route.loaders),
                RouteStatus::CommentedOut => locations("commented out at", &route.comments),
                RouteStatus::ImportedNotMounted => locations("imported at", &route.imports),
                RouteStatus::Unreferenced => "nothing refers to it".to_string(),
            };
            // File names and mount paths come from the tree: one escaping for every renderer.
            out.push_str(&format!(
                "  {:<40} {}\n",
                crate::report::escape(&route.file),
                crate::report::escape(&detail)
            ));
        }
    }
    if table.routes.is_empty() {
        out.push_str("no route files found\n");
    }
    out
}

fn locations(label: &str, locations: &[Location]) -> String {
    let list: Vec<String> = locations
        .iter()
        .map(|l| format!("{}:{}", l.file, l.line))
        .collect();
    format!("{label} {}", list.join(", "))
}

/// Shortest import chain for `treeaudit why`, as `{file, line}` items (entry first; `line`
/// is where the previous file imports this one, absent for the entry).
#[derive(Debug, Clone, Serialize)]
pub struct ChainLink {
    /// Path relative to the root.
    pub file: String,
    /// Line in the previous file that imports this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// The answer of `treeaudit why FILE`.
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    /// The file asked about.
    pub file: String,
    /// The entry the chain starts at (`null` when none reaches the file).
    pub entry: Option<String>,
    /// What makes that file an entry (`package.json scripts.start`, `Dockerfile CMD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_source: Option<String>,
    /// The chain, entry first.
    pub chain: Vec<ChainLink>,
    /// When no entry reaches it: who imports it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imported_by: Vec<Location>,
}

/// Explains why `module` is part of the build.
pub fn why(project: &Project, module: usize) -> Why {
    let file = project.modules[module].file.rel.clone();
    let chain = project
        .entry_points()
        .reachability
        .shortest_chain(module)
        .unwrap_or_default();
    let links: Vec<ChainLink> = chain
        .iter()
        .map(|&(m, line)| ChainLink {
            file: project.modules[m].file.rel.clone(),
            line: (line > 0).then_some(line),
        })
        .collect();
    let mut imported_by = Vec::new();
    if links.is_empty() {
        for (from, edge) in project.graph.importers_of(module) {
            imported_by.push(Location {
                file: project.modules[from].file.rel.clone(),
                line: project.modules[from]
                    .facts
                    .imports
                    .get(edge.import)
                    .map_or(0, |i| i.span.line),
            });
        }
        imported_by.sort();
        imported_by.dedup();
    }
    let entry_source = chain.first().and_then(|&(entry, _)| {
        project
            .entry_points()
            .entries
            .iter()
            .find(|e| e.file == entry)
            .map(crate::entries::describe)
    });
    Why {
        file,
        entry: links.first().map(|l| l.file.clone()),
        entry_source,
        chain: links,
        imported_by,
    }
}

/// `src/index.js → src/routes/ivr.js:4 → src/services/ivr.js:1`, or why nothing reaches it.
pub fn render_why(why: &Why) -> String {
    if why.chain.is_empty() {
        let importers = if why.imported_by.is_empty() {
            "nothing imports it".to_string()
        } else {
            format!(
                "imported by {}",
                why.imported_by
                    .iter()
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return format!(
            "{}: no entry reaches it; {}\n",
            crate::report::escape(&why.file),
            crate::report::escape(&importers)
        );
    }
    let parts: Vec<String> = why
        .chain
        .iter()
        .map(|l| match l.line {
            Some(line) => format!("{}:{line}", l.file),
            None => l.file.clone(),
        })
        .collect();
    let chain = crate::report::escape(&parts.join(" → ")).into_owned();
    match &why.entry_source {
        Some(source) => format!("{chain}\n  entry: {}\n", crate::report::escape(source)),
        None => format!("{chain}\n"),
    }
}

/// The module for a path given on the command line (relative to the root or the cwd).
pub fn module_for_path(project: &Project, path: &Path) -> Option<usize> {
    let as_rel = path.to_string_lossy().replace('\\', "/");
    let as_rel = as_rel.trim_start_matches("./");
    project
        .module_by_rel(as_rel)
        .or_else(|| {
            crate::access::canonicalize(path)
                .ok()
                .and_then(|p| project.module_at(&p))
        })
        .or_else(|| {
            crate::access::canonicalize(project.root.join(path))
                .ok()
                .and_then(|p| project.module_at(&p))
        })
}
