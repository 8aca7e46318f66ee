//! Workspace membership (npm/yarn `workspaces`, `pnpm-workspace.yaml`, lerna, rush, Deno's
//! `deno.json` `workspace`) and the
//! links a package manager would create in `node_modules`, read without any install.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::manifest::Manifests;

/// One package of a workspace (or a `file:`/`link:` dependency) that lives in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspacePackage {
    /// `name` from its `package.json`.
    pub name: String,
    /// Its directory (absolute).
    pub dir: PathBuf,
    /// Its `package.json` (absolute).
    pub manifest: PathBuf,
    /// `version` from its `package.json`.
    pub version: Option<String>,
}

/// A `node_modules/<name>` entry the package manager would create: `link` → `target`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PackageLink {
    /// `<dir>/node_modules/<name>` (absolute; absent from disk).
    pub link: PathBuf,
    /// The package directory it points at.
    pub target: PathBuf,
}

/// Every workspace in the tree.
#[derive(Debug, Clone, Default)]
pub struct Workspaces {
    /// Workspace root directories (where the declaration is).
    pub roots: Vec<PathBuf>,
    /// Member packages that have a name, sorted by directory.
    pub packages: Vec<WorkspacePackage>,
    /// Every member directory (named or not) with its workspace root, sorted.
    pub members: Vec<(PathBuf, PathBuf)>,
    /// Links a package manager would create, sorted.
    pub links: Vec<PackageLink>,
    /// Package directories a workspace glob matches but a `!pattern` explicitly excludes
    /// (a template the project copies into new packages), sorted.
    pub excluded: Vec<ExcludedPackage>,
    /// Package directories below a workspace root that a `!pattern` matches, no include glob
    /// names and no workspace has as a member (`packages/cli/test/fixtures/next-app` under
    /// `!**/fixtures/**`): the package manager installs nothing for them, sorted.
    pub left_out: Vec<PathBuf>,
    /// Include globs that match no package directory of the tree, by the root declaring them
    /// (`.wasp/out/*` before the framework has generated its packages), sorted.
    pub unmatched: Vec<UnmatchedGlob>,
    /// pnpm catalogs by workspace root: `(catalog, package)` → version spec, the default
    /// catalog (`catalog:`) named `default`, as `catalog:` / `catalog:<name>` specs use them.
    pub catalogs: Vec<(PathBuf, Catalog)>,
}

/// A workspace glob (not negated) that matches no directory with a `package.json` in the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnmatchedGlob {
    /// The directory that declares it (absolute).
    pub root: PathBuf,
    /// The glob as written (`.wasp/out/sdk/wasp`).
    pub glob: String,
    /// Its literal leading directories, before the first glob character (absolute:
    /// `<root>/.wasp/out` for `.wasp/out/*`; the whole path for a glob without wildcards).
    pub base: PathBuf,
    /// Whether the glob is a plain path (no wildcard): the one package directory it names.
    pub literal: bool,
}

/// A directory with a `package.json` that a workspace glob matches and an explicit `!pattern`
/// excludes, with the members the same glob level holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedPackage {
    /// Its directory (absolute).
    pub dir: PathBuf,
    /// The negated glob that excludes it, as written (`!packages/connectors/templates`).
    pub pattern: String,
    /// Workspace members in the same parent directory, sorted.
    pub siblings: Vec<PathBuf>,
}

impl Workspaces {
    /// Reads workspace declarations from the manifests and the workspace files found in the tree
    /// (`pnpm-workspace.yaml`, `lerna.json`, `rush.json`).
    pub fn load(manifests: &Manifests, data_files: &[PathBuf]) -> Workspaces {
        let manifest_dirs: Vec<&Path> = manifests
            .all()
            .into_iter()
            .filter_map(|m| m.path.parent())
            .collect();
        let mut declared: Vec<(PathBuf, Vec<String>)> = Vec::new();
        let mut catalogs = Vec::new();
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            // `workspaces` is an array, or an object with `packages` (yarn classic).
            let globs = member_globs(manifest.json.get("workspaces"), "packages");
            if !globs.is_empty() {
                declared.push((dir.to_path_buf(), globs));
            }
        }
        let mut rush_projects: Vec<(PathBuf, PathBuf)> = Vec::new();
        for file in data_files {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(dir) = file.parent() else { continue };
            match name {
                "pnpm-workspace.yaml" | "pnpm-workspace.yml" => {
                    let value = crate::access::read_to_string(file)
                        .ok()
                        .and_then(|t| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&t).ok());
                    let globs = value
                        .as_ref()
                        .and_then(|v| {
                            v.get("packages").and_then(|p| p.as_sequence()).map(|s| {
                                s.iter()
                                    .filter_map(|i| i.as_str().map(str::to_string))
                                    .collect::<Vec<_>>()
                            })
                        })
                        .unwrap_or_default();
                    if let Some(value) = &value {
                        let catalog = pnpm_catalogs(value);
                        if !catalog.is_empty() {
                            catalogs.push((dir.to_path_buf(), catalog));
                        }
                    }
                    // pnpm always treats the root as a workspace package too.
                    declared.push((dir.to_path_buf(), globs));
                }
                "lerna.json" => {
                    if let Some(globs) = read_jsonc(file).and_then(|v| {
                        v.get("packages")
                            .and_then(|p| p.as_array())
                            .map(|a| strings(a))
                    }) {
                        declared.push((dir.to_path_buf(), globs));
                    }
                }
                // A Deno workspace's members may be npm packages (only a package.json): they
                // are imported by their package.json name like any workspace package.
                "deno.json" | "deno.jsonc" => {
                    let globs = read_jsonc(file)
                        .map(|v| deno_workspace_members(&v))
                        .unwrap_or_default();
                    if !globs.is_empty() {
                        declared.push((dir.to_path_buf(), globs));
                    }
                }
                "rush.json" => {
                    if let Some(projects) = read_jsonc(file)
                        .and_then(|v| v.get("projects").and_then(|p| p.as_array()).cloned())
                    {
                        for project in projects {
                            if let Some(folder) =
                                project.get("projectFolder").and_then(|f| f.as_str())
                            {
                                rush_projects.push((dir.to_path_buf(), dir.join(folder)));
                            }
                        }
                    }
                }
                _ => {}
            }
        }

        let mut members: BTreeMap<PathBuf, PathBuf> = BTreeMap::new(); // member dir → ws root
        let mut roots: BTreeSet<PathBuf> = BTreeSet::new();
        let mut excluded: Vec<(PathBuf, PathBuf, String)> = Vec::new();
        let mut left_out: BTreeSet<PathBuf> = BTreeSet::new();
        let mut unmatched = Vec::new();
        for (root, globs) in &declared {
            roots.insert(root.clone());
            let (include, exclude) = compile(globs);
            unmatched.extend(unmatched_globs(root, globs, &manifest_dirs));
            for dir in &manifest_dirs {
                let Ok(rel) = dir.strip_prefix(root) else {
                    continue;
                };
                let rel = crate::discover::relative(Path::new(""), rel);
                if rel.is_empty() || rel.split('/').any(|c| c == "node_modules") {
                    continue;
                }
                // A nested project no include glob names (`packages/cli/test/fixtures/app`
                // under `!**/fixtures/**`) is outside the workspace. One an include glob names
                // and a `!pattern` removes is a template copied into the packages beside it
                // (logto's `!packages/connectors/templates`): its copies are members, held to
                // the workspace's isolation like any.
                if exclude.is_match(&rel) && !include.is_match(&rel) {
                    left_out.insert(dir.to_path_buf());
                }
                // `!packages/templates`: a directory the workspace leaves out on purpose.
                if include.is_match(&rel)
                    && exclude.is_match(&rel)
                    && let Some(pattern) = globs.iter().find(|g| {
                        g.strip_prefix('!').is_some_and(|p| {
                            globset::GlobBuilder::new(
                                p.trim_start_matches("./").trim_end_matches('/'),
                            )
                            .literal_separator(true)
                            .build()
                            .is_ok_and(|g| g.compile_matcher().is_match(&rel))
                        })
                    })
                {
                    excluded.push((dir.to_path_buf(), root.clone(), pattern.clone()));
                }
                if include.is_match(&rel) && !exclude.is_match(&rel) {
                    // The nearest declaring root wins (nested workspaces).
                    let entry = members.entry(dir.to_path_buf()).or_insert(root.clone());
                    if root.starts_with(entry.as_path()) {
                        *entry = root.clone();
                    }
                }
            }
        }
        for (root, dir) in rush_projects {
            roots.insert(root.clone());
            if manifest_dirs.contains(&dir.as_path()) {
                members.insert(dir, root);
            }
        }

        let by_dir: HashMap<&Path, &crate::manifest::Manifest> = manifests
            .all()
            .into_iter()
            .filter_map(|m| m.path.parent().map(|d| (d, m)))
            .collect();
        let mut packages = Vec::new();
        let mut links = BTreeSet::new();
        for (dir, root) in &members {
            let Some(manifest) = by_dir.get(dir.as_path()) else {
                continue;
            };
            let Some(name) = manifest.name.clone().filter(|n| !n.is_empty()) else {
                continue;
            };
            links.insert(PackageLink {
                link: root.join("node_modules").join(&name),
                target: dir.clone(),
            });
            packages.push(WorkspacePackage {
                name,
                dir: dir.clone(),
                manifest: manifest.path.clone(),
                version: manifest
                    .json
                    .get("version")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            });
        }
        // `file:`, `link:` and `portal:` dependencies: linked into the dependent's node_modules.
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            for field in [
                "dependencies",
                "devDependencies",
                "optionalDependencies",
                "peerDependencies",
            ] {
                let Some(deps) = manifest.json.get(field).and_then(|d| d.as_object()) else {
                    continue;
                };
                for (name, spec) in deps {
                    let Some(spec) = spec.as_str() else { continue };
                    let Some(target) = ["file:", "link:", "portal:"]
                        .iter()
                        .find_map(|p| spec.strip_prefix(p))
                    else {
                        continue;
                    };
                    let target = crate::resolve::normalize(&dir.join(target));
                    if by_dir.contains_key(target.as_path()) {
                        links.insert(PackageLink {
                            link: dir.join("node_modules").join(name),
                            target,
                        });
                    }
                }
            }
        }
        packages.sort_by(|a, b| a.dir.cmp(&b.dir));
        let mut excluded: Vec<ExcludedPackage> = excluded
            .into_iter()
            .filter(|(dir, _, _)| !members.contains_key(dir))
            .map(|(dir, root, pattern)| ExcludedPackage {
                siblings: members
                    .iter()
                    .filter(|(m, r)| **r == root && m.parent() == dir.parent())
                    .map(|(m, _)| m.clone())
                    .collect(),
                dir,
                pattern,
            })
            .collect();
        excluded.sort_by(|a, b| a.dir.cmp(&b.dir));
        excluded.dedup_by(|a, b| a.dir == b.dir);
        Workspaces {
            roots: roots.into_iter().collect(),
            members: members
                .iter()
                .map(|(dir, root)| (dir.clone(), root.clone()))
                .collect(),
            packages,
            links: links.into_iter().collect(),
            excluded,
            left_out: left_out
                .into_iter()
                .filter(|d| !members.contains_key(d))
                .collect(),
            unmatched: {
                unmatched.sort();
                unmatched.dedup();
                unmatched
            },
            catalogs: {
                catalogs.sort();
                catalogs
            },
        }
    }

    /// The workspace the package in `dir` belongs to (its root directory): the one whose globs
    /// name it, else the one it declares. `None` for a nested project the globs leave out (an
    /// example with its own lockfile), which installs its dependencies on its own.
    pub fn workspace_of(&self, dir: &Path) -> Option<&Path> {
        match self.members.binary_search_by(|(m, _)| m.as_path().cmp(dir)) {
            Ok(at) => Some(self.members[at].1.as_path()),
            Err(_) => self.roots.iter().find(|r| *r == dir).map(PathBuf::as_path),
        }
    }

    /// Whether the package in `dir` is one a workspace's `!pattern` leaves out.
    pub fn is_left_out(&self, dir: &Path) -> bool {
        self.left_out
            .binary_search_by(|d| d.as_path().cmp(dir))
            .is_ok()
    }

    /// The workspace package named `name`, if the tree has one.
    pub fn package(&self, name: &str) -> Option<&WorkspacePackage> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// Cycles among workspace packages' declared dependencies (each cycle once, as the names
    /// in dependency order starting from the smallest name).
    pub fn dependency_cycles(&self, manifests: &Manifests) -> Vec<Vec<String>> {
        let names: HashMap<&str, usize> = self
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        let mut graph = petgraph::graph::DiGraph::<usize, ()>::new();
        let nodes: Vec<_> = (0..self.packages.len())
            .map(|i| graph.add_node(i))
            .collect();
        for manifest in manifests.all() {
            let Some(&from) = manifest.name.as_deref().and_then(|n| names.get(n)) else {
                continue;
            };
            if self.packages[from].manifest != manifest.path {
                continue;
            }
            for dep in manifest.dependencies.keys() {
                if let Some(&to) = names.get(dep.as_str())
                    && to != from
                {
                    graph.add_edge(nodes[from], nodes[to], ());
                }
            }
        }
        let mut cycles = Vec::new();
        for component in petgraph::algo::tarjan_scc(&graph) {
            if component.len() < 2 {
                continue;
            }
            let members: BTreeSet<usize> = component.iter().map(|n| graph[*n]).collect();
            // Walk the cycle from the smallest name along edges inside the component.
            let start = *members
                .iter()
                .min_by_key(|&&i| &self.packages[i].name)
                .expect("non-empty component");
            let mut path = vec![start];
            let mut current = start;
            loop {
                let next = graph
                    .neighbors(nodes[current])
                    .map(|n| graph[n])
                    .filter(|i| members.contains(i))
                    .min_by_key(|&i| (i != start && path.contains(&i), &self.packages[i].name));
                match next {
                    Some(n) if n == start || path.contains(&n) => break,
                    Some(n) => {
                        path.push(n);
                        current = n;
                    }
                    None => break,
                }
            }
            cycles.push(
                path.into_iter()
                    .map(|i| self.packages[i].name.clone())
                    .collect(),
            );
        }
        cycles.sort();
        cycles
    }
}

/// The dependency fields a package manager installs from.
const DEPENDENCY_FIELDS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

/// The version specifier the nearest manifest at or above `dir` declares for `name`; `None`
/// when no manifest on the way up declares it (or the package imports itself by name).
pub fn declared_spec<'m>(
    name: &str,
    dir: &'m Path,
    root: &'m Path,
    manifests: &'m Manifests,
) -> Option<&'m str> {
    for manifest in manifests.ancestors(dir, root) {
        // A package importing itself by name declares nothing.
        if manifest.name.as_deref() == Some(name) {
            return None;
        }
        let declared = DEPENDENCY_FIELDS.iter().find_map(|field| {
            manifest
                .json
                .get(*field)
                .and_then(|deps| deps.get(name))
                .and_then(|spec| spec.as_str())
        });
        if declared.is_some() {
            return declared;
        }
    }
    None
}

/// `(catalog, package)` → version spec.
pub type Catalog = std::collections::BTreeMap<(String, String), String>;

/// The catalogs of a `pnpm-workspace.yaml`: `catalog:` (the default one) and `catalogs:`.
fn pnpm_catalogs(value: &serde_yaml_ng::Value) -> Catalog {
    let mut out = std::collections::BTreeMap::new();
    let mut read = |name: &str, entries: &serde_yaml_ng::Value| {
        for (package, spec) in entries.as_mapping().into_iter().flatten() {
            if let (Some(package), Some(spec)) = (package.as_str(), spec.as_str()) {
                out.insert((name.to_string(), package.to_string()), spec.to_string());
            }
        }
    };
    if let Some(entries) = value.get("catalog") {
        read("default", entries);
    }
    for (name, entries) in value
        .get("catalogs")
        .and_then(|c| c.as_mapping())
        .into_iter()
        .flatten()
    {
        if let Some(name) = name.as_str() {
            read(name, entries);
        }
    }
    out
}

impl Workspaces {
    /// What a pnpm `catalog:` / `catalog:<name>` spec of `package`, declared in `dir`, stands
    /// for: the version the nearest workspace root's catalog gives it.
    pub fn catalog_spec(&self, spec: &str, package: &str, dir: &Path) -> Option<&str> {
        let name = spec.trim().strip_prefix("catalog:")?;
        let name = if name.is_empty() { "default" } else { name };
        self.catalogs
            .iter()
            .filter(|(root, _)| dir.starts_with(root))
            .max_by_key(|(root, _)| root.components().count())
            .and_then(|(_, catalog)| catalog.get(&(name.to_string(), package.to_string())))
            .map(String::as_str)
    }
}

/// Whether a dependency declared as `spec` is the workspace package of that name (version
/// `version`) rather than a registry package: npm, yarn and pnpm link the workspace package
/// for `workspace:`, `link:`, `file:` and `portal:`, and for a range its version satisfies;
/// an `npm:` alias, a URL or git source, or a range the workspace version does not satisfy
/// installs another package under the same name. `None`: cannot tell (a dist-tag, a pnpm
/// `catalog:`, a range this reading does not understand).
pub fn spec_links_workspace(spec: &str, version: Option<&str>) -> Option<bool> {
    let spec = spec.trim();
    if ["workspace:", "link:", "file:", "portal:"]
        .iter()
        .any(|p| spec.starts_with(p))
    {
        return Some(true);
    }
    if [
        "npm:",
        "git+",
        "git:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "http:",
        "https:",
    ]
    .iter()
    .any(|p| spec.starts_with(p))
        || spec.ends_with(".tgz")
        || (spec.contains('/') && !spec.starts_with(['.', '@']))
    {
        return Some(false);
    }
    range_satisfied(spec, version?)
}

/// Whether npm range `range` (`^1.2.0`, `>=1 <2`, `1.x || 2`, `1.0.0 - 1.4.0`) admits
/// `version`; `None` when either does not parse.
pub fn range_satisfied(range: &str, version: &str) -> Option<bool> {
    let version = semver::Version::parse(version.trim().trim_start_matches(['v', '='])).ok()?;
    let mut unknown = false;
    for alternative in range.split("||") {
        match npm_range_to_req(alternative.trim()) {
            Some(req) if req.matches(&version) => return Some(true),
            Some(_) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(false)
}

/// One `||` alternative of an npm range as a `semver::VersionReq`: comparators separated by
/// spaces become comma-separated, a bare version is exact (npm) rather than caret (Cargo),
/// and `a - b` is `>=a, <=b`.
fn npm_range_to_req(alternative: &str) -> Option<semver::VersionReq> {
    if alternative.is_empty() || alternative == "*" || alternative.eq_ignore_ascii_case("x") {
        return Some(semver::VersionReq::STAR);
    }
    if let Some((low, high)) = alternative.split_once(" - ") {
        return semver::VersionReq::parse(&format!(">={}, <={}", low.trim(), high.trim())).ok();
    }
    let mut comparators: Vec<String> = Vec::new();
    let mut pending_operator = String::new();
    for token in alternative.split_whitespace() {
        if token.chars().all(|c| "<>=~^".contains(c)) {
            pending_operator = token.to_string();
            continue;
        }
        let token = format!("{pending_operator}{}", token.trim_start_matches('v'));
        pending_operator.clear();
        let bare = token.starts_with(|c: char| c.is_ascii_digit());
        let wildcard = token.contains(['x', 'X', '*']);
        comparators.push(if bare && !wildcard {
            format!("={token}")
        } else {
            token
        });
    }
    semver::VersionReq::parse(&comparators.join(", ")).ok()
}

/// The member globs of a Deno workspace root config: `"workspace": ["./a", "./packages/*"]`
/// or its long form `"workspace": { "members": [...] }`.
pub(crate) fn deno_workspace_members(config: &serde_json::Value) -> Vec<String> {
    member_globs(config.get("workspace"), "members")
}

/// Member globs written as an array, or as an object holding the array under `long_key`.
fn member_globs(value: Option<&serde_json::Value>, long_key: &str) -> Vec<String> {
    match value {
        Some(serde_json::Value::Array(items)) => strings(items),
        Some(serde_json::Value::Object(map)) => map
            .get(long_key)
            .and_then(|m| m.as_array())
            .map(|items| strings(items))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn strings(items: &[serde_json::Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect()
}

fn read_jsonc(path: &Path) -> Option<serde_json::Value> {
    let text = crate::access::read_to_string(path).ok()?;
    jsonc_parser::parse_to_serde_value(&text, &crate::resolve::jsonc_options())
        .ok()
        .flatten()
}

/// The include globs of `root` that match none of `manifest_dirs` below it.
fn unmatched_globs(root: &Path, globs: &[String], manifest_dirs: &[&Path]) -> Vec<UnmatchedGlob> {
    let mut out = Vec::new();
    for glob in globs {
        if glob.starts_with('!') {
            continue;
        }
        let pattern = glob.trim_start_matches("./").trim_end_matches('/');
        if pattern.is_empty() || pattern.split('/').any(|c| c == "..") {
            continue;
        }
        let Ok(matcher) = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
        else {
            continue;
        };
        let matched = manifest_dirs.iter().any(|dir| {
            dir.strip_prefix(root).is_ok_and(|rel| {
                let rel = crate::discover::relative(Path::new(""), rel);
                !rel.is_empty() && matcher.is_match(&rel)
            })
        });
        if matched {
            continue;
        }
        let literal_parts: Vec<&str> = pattern
            .split('/')
            .take_while(|c| !c.contains(['*', '?', '[', '{']))
            .collect();
        let literal = literal_parts.len() == pattern.split('/').count();
        out.push(UnmatchedGlob {
            root: root.to_path_buf(),
            glob: glob.clone(),
            base: literal_parts
                .iter()
                .fold(root.to_path_buf(), |dir, part| dir.join(part)),
            literal,
        });
    }
    out
}

/// Workspace globs (`packages/*`, `apps/**`, `!**/test/**`) as include and exclude sets.
pub(crate) fn compile(globs: &[String]) -> (globset::GlobSet, globset::GlobSet) {
    let mut include = globset::GlobSetBuilder::new();
    let mut exclude = globset::GlobSetBuilder::new();
    for glob in globs {
        let (negated, pattern) = match glob.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, glob.as_str()),
        };
        let pattern = pattern
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        let Ok(compiled) = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
        else {
            continue;
        };
        if negated {
            exclude.add(compiled);
        } else {
            include.add(compiled);
        }
    }
    (
        include
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty()),
        exclude
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Manifests, Vec<PathBuf>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        let mut package_jsons = Vec::new();
        let mut data = Vec::new();
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
            if path.ends_with("package.json") {
                package_jsons.push(path);
            } else {
                data.push(path);
            }
        }
        (dir, Manifests::load(&package_jsons), data)
    }

    #[test]
    fn npm_ranges_decide_whether_the_workspace_package_or_the_registry_one_is_installed() {
        let links = |spec: &str, version: &str| spec_links_workspace(spec, Some(version));
        // The rallly case: a stub `packages/dayjs` at 0.0.0 against `^1.11.13`.
        assert_eq!(links("^1.11.13", "0.0.0"), Some(false));
        assert_eq!(links("^0.3.0", "0.3.2"), Some(true));
        assert_eq!(links("workspace:*", "0.0.0"), Some(true));
        assert_eq!(links("workspace:^1.0.0", "0.0.0"), Some(true));
        assert_eq!(links("link:../dayjs", "0.0.0"), Some(true));
        assert_eq!(links("npm:dayjs@^1.11.0", "1.11.0"), Some(false));
        assert_eq!(links("github:iamkun/dayjs", "1.11.0"), Some(false));
        // npm's bare version is exact, not Cargo's caret.
        assert_eq!(links("1.2.3", "1.2.4"), Some(false));
        assert_eq!(links("1.2.3", "1.2.3"), Some(true));
        assert_eq!(links("1.x", "1.9.0"), Some(true));
        assert_eq!(links(">=1.0.0 <2.0.0", "2.0.0"), Some(false));
        assert_eq!(links(">= 1.0.0 < 2.0.0", "1.5.0"), Some(true));
        assert_eq!(links("^1.0.0 || ^2.0.0", "2.1.0"), Some(true));
        assert_eq!(links("1.0.0 - 1.4.0", "1.5.0"), Some(false));
        assert_eq!(links("*", "0.0.0"), Some(true));
        // Unknown: a dist-tag, a pnpm catalog, no version to compare.
        assert_eq!(links("latest", "0.0.0"), None);
        assert_eq!(links("catalog:", "0.0.0"), None);
        assert_eq!(spec_links_workspace("^1.0.0", None), None);
    }

    #[test]
    fn pnpm_yarn_object_form_and_negations_name_the_members() {
        let (dir, manifests, data) = tree(&[
            ("package.json", r#"{"name":"root"}"#),
            (
                "pnpm-workspace.yaml",
                "packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!packages/fixtures/**'\n",
            ),
            ("apps/web/package.json", r#"{"name":"@x/web"}"#),
            ("packages/db/package.json", r#"{"name":"@x/db"}"#),
            (
                "packages/fixtures/a/package.json",
                r#"{"name":"fixture-a"}"#,
            ),
            ("tools/package.json", r#"{"name":"tools"}"#),
        ]);
        let ws = Workspaces::load(&manifests, &data);
        let names: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["@x/web", "@x/db"]);
        let root = dir.path().canonicalize().expect("canonical");
        assert!(
            ws.links
                .iter()
                .any(|l| l.link == root.join("node_modules/@x/db"))
        );

        let (_dir, manifests, data) = tree(&[
            (
                "package.json",
                r#"{"name":"root","workspaces":{"packages":["libs/*"]}}"#,
            ),
            (
                "libs/a/package.json",
                r#"{"name":"a","dependencies":{"b":"workspace:*"}}"#,
            ),
            (
                "libs/b/package.json",
                r#"{"name":"b","devDependencies":{"a":"1"}}"#,
            ),
        ]);
        let ws = Workspaces::load(&manifests, &data);
        assert_eq!(ws.packages.len(), 2);
        assert_eq!(ws.dependency_cycles(&manifests), [vec!["a", "b"]]);
    }

    #[test]
    fn deno_workspace_members_in_short_and_long_form() {
        let short = serde_json::json!({ "workspace": ["./a", "./packages/*"] });
        let long = serde_json::json!({ "workspace": { "members": ["./a", "./packages/*"] } });
        assert_eq!(deno_workspace_members(&short), ["./a", "./packages/*"]);
        assert_eq!(deno_workspace_members(&long), ["./a", "./packages/*"]);
        assert!(deno_workspace_members(&serde_json::json!({ "imports": {} })).is_empty());
    }
}
