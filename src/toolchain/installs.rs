//! What the package manager installs and where Node can see it: which package manager owns
//! each install root (lockfile, `packageManager`, `pnpm-workspace.yaml`), whether its
//! `node_modules` layout hoists (npm, yarn classic, yarn berry with `nodeLinker: node-modules`,
//! bun's hoisted linker, pnpm with `node-linker=hoisted`/`shamefully-hoist`) or isolates
//! (pnpm by default, yarn PnP, bun's isolated linker, npm `install-strategy=linked`), and the
//! package names its lockfile installs. Read as text, never by running the package manager.
//!
//! The point: a package imported but not declared by the importing package's manifest
//! resolves at runtime on a hoisting install when it is installed anywhere in the workspace
//! (another workspace package's dependency, or a transitive one), and fails on an isolating
//! install. `unlisted-dependency` and `phantom-dependency` read [`Installs::phantom`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::manifest::Manifests;

/// The package manager of an install root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    /// npm (`package-lock.json`, `npm-shrinkwrap.json`, or no lockfile at all).
    Npm,
    /// Yarn 1 (`yarn.lock` v1).
    YarnClassic,
    /// Yarn 2+ (`yarn.lock` with `__metadata`, `.yarnrc.yml`).
    YarnBerry,
    /// pnpm (`pnpm-lock.yaml`, `pnpm-workspace.yaml`).
    Pnpm,
    /// Bun (`bun.lock`, `bun.lockb`).
    Bun,
}

impl PackageManager {
    /// The command name.
    pub fn command(self) -> &'static str {
        match self {
            PackageManager::Npm => "npm",
            PackageManager::YarnClassic | PackageManager::YarnBerry => "yarn",
            PackageManager::Pnpm => "pnpm",
            PackageManager::Bun => "bun",
        }
    }

    /// The command that adds `package` to the manifest of the current directory.
    pub fn add_command(self, package: &str, dev: bool) -> String {
        match (self, dev) {
            (PackageManager::Npm, false) => format!("npm install {package}"),
            (PackageManager::Npm, true) => format!("npm install -D {package}"),
            (pm, false) => format!("{} add {package}", pm.command()),
            (pm, true) => format!("{} add -D {package}", pm.command()),
        }
    }
}

/// How an install lays out `node_modules` for the project's own code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Every installed package is reachable from the root `node_modules`.
    Hoisted,
    /// Only declared packages are reachable, except those matching these `public-hoist-pattern`
    /// globs (pnpm), which are linked into the root `node_modules`.
    Isolated {
        /// `public-hoist-pattern` globs (`*eslint*`).
        public_hoist: Vec<String>,
    },
}

/// Why a package that the importing manifest does not declare still resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhantomSource {
    /// Another package of the workspace declares it (the first such manifest, root-relative).
    DeclaredBy(String),
    /// The lockfile installs it as a dependency of some package (root-relative lockfile path).
    Lockfile(String),
}

/// A package reachable only because the package manager hoists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phantom {
    /// The package manager that hoists it.
    pub manager: PackageManager,
    /// Why it is installed.
    pub source: PhantomSource,
    /// Root-relative directory of the install root (`""` for the audited root).
    pub install_root: String,
    /// The setting that hoists it on an otherwise isolating install (`public-hoist-pattern
    /// *eslint*`), if any.
    pub hoisted_by: Option<String>,
}

/// One install root: a directory with a lockfile or a workspace definition.
#[derive(Debug, Clone)]
pub struct InstallRoot {
    /// Absolute directory.
    pub dir: PathBuf,
    /// Its package manager.
    pub manager: PackageManager,
    /// Its layout.
    pub layout: Layout,
    /// Root-relative path of the lockfile read, if any.
    pub lockfile: Option<String>,
    /// Package names the lockfile installs where every package of the root sees them
    /// (`node_modules/<name>` at the install root), or that the lockfile lists without a
    /// layout (yarn, pnpm).
    hoisted: HashSet<String>,
    /// Package names the lockfile installs in a nested `node_modules`, by the directory that
    /// holds it (npm: `apps/web/node_modules/<name>`), absolute.
    nested: HashMap<PathBuf, HashSet<String>>,
}

/// Every install root of the tree.
#[derive(Debug, Default)]
pub struct Installs {
    /// Sorted by path; the nearest root above a file applies.
    pub roots: Vec<InstallRoot>,
    /// Package directories a workspace's `!pattern` leaves out, sorted (set from the
    /// workspaces): the install does not link their dependencies, so its isolation is no
    /// promise about what their imports find.
    pub left_out: Vec<PathBuf>,
    root: PathBuf,
}

const LOCKFILES: &[&str] = &[
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
    "yarn.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
];

impl Installs {
    /// Finds the install roots among the manifests' directories and reads their lockfiles.
    pub fn load(root: &Path, manifests: &Manifests) -> Installs {
        let mut roots = Vec::new();
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            let has_lockfile = LOCKFILES
                .iter()
                .any(|f| crate::access::is_file(dir.join(f)));
            let is_workspace_root = manifest.json.get("workspaces").is_some()
                || crate::access::is_file(dir.join("pnpm-workspace.yaml"));
            if has_lockfile || is_workspace_root || dir == root {
                roots.push(InstallRoot::read(root, dir, &manifest.json));
            }
        }
        roots.sort_by(|a, b| a.dir.cmp(&b.dir));
        Installs {
            roots,
            left_out: Vec::new(),
            root: root.to_path_buf(),
        }
    }

    /// The install root that applies to a file in `dir`: the nearest one above it.
    pub fn root_of(&self, dir: &Path) -> Option<&InstallRoot> {
        self.roots
            .iter()
            .filter(|r| dir.starts_with(&r.dir))
            .max_by_key(|r| r.dir.components().count())
    }

    /// Whether the lockfile of the install a file in `dir` belongs to lists a package named
    /// `package` anywhere; `None` when that install has no lockfile this reads.
    pub fn lockfile_lists(&self, package: &str, dir: &Path) -> Option<bool> {
        let install = self.root_of(dir)?;
        install.lockfile.as_ref()?;
        Some(
            install.hoisted.contains(package)
                || install.nested.values().any(|names| names.contains(package)),
        )
    }

    /// Why `package` is installed somewhere in the install of a file in `dir` (whether or not
    /// the layout lets that file see it), with the install's package manager.
    pub fn installed_elsewhere(
        &self,
        package: &str,
        dir: &Path,
        manifests: &Manifests,
    ) -> Option<(PackageManager, PhantomSource)> {
        let install = self.root_of(dir)?;
        let source = install.source(package, dir, manifests, &self.root)?;
        Some((install.manager, source))
    }

    /// Whether `package`, which no manifest from `dir` up declares, still resolves for a file
    /// in `dir` because the package manager hoists it; `None` when the import fails on a
    /// clean install (isolated layout, or installed nowhere).
    pub fn phantom(&self, package: &str, dir: &Path, manifests: &Manifests) -> Option<Phantom> {
        let install = self.root_of(dir)?;
        // A project the workspace leaves out (a test fixture under `!**/fixtures/**`) is not
        // installed by it: its imports find what the directories above it hold, whatever the
        // layout does for members, so an undeclared package the install brings is a phantom.
        let left_out = manifests
            .nearest(dir, &self.root)
            .and_then(|m| m.path.parent())
            .is_some_and(|d| {
                d != install.dir
                    && self
                        .left_out
                        .binary_search_by(|l| l.as_path().cmp(d))
                        .is_ok()
            });
        let hoisted_by = match &install.layout {
            _ if left_out => None,
            Layout::Hoisted => None,
            Layout::Isolated { public_hoist } => Some(
                public_hoist
                    .iter()
                    .find(|p| glob_matches(p, package))
                    .map(|p| format!("public-hoist-pattern `{p}`"))?,
            ),
        };
        let source = install.source(package, dir, manifests, &self.root)?;
        Some(Phantom {
            manager: install.manager,
            source,
            install_root: crate::discover::relative(&self.root, &install.dir),
            hoisted_by,
        })
    }
}

impl Installs {
    /// [`Installs::phantom`] for an import in the file `rel` in `dir`, which also counts
    /// pnpm's private hoisting for tool configs: a CLI started through a pnpm bin shim has
    /// `node_modules/.pnpm/node_modules` (every installed package) on `NODE_PATH`, so the
    /// config it loads (`webpack.config.js` under `nest build`) can `require` the CLI's own
    /// dependencies without declaring them. Only `require` (`commonjs`): Node's ES module
    /// resolution and TypeScript ignore `NODE_PATH`. Still a phantom: it breaks outside the shim.
    pub fn phantom_for_file(
        &self,
        package: &str,
        dir: &Path,
        rel: &str,
        commonjs: bool,
        manifests: &Manifests,
    ) -> Option<Phantom> {
        if let Some(phantom) = self.phantom(package, dir, manifests) {
            return Some(phantom);
        }
        let install = self.root_of(dir)?;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let tool_config = crate::file_role::file_role(rel) == crate::file_role::FileRole::Config
            || name.starts_with("webpack.");
        if !commonjs
            || install.manager != PackageManager::Pnpm
            || !matches!(install.layout, Layout::Isolated { .. })
            || !tool_config
        {
            return None;
        }
        let source = install.source(package, dir, manifests, &self.root)?;
        Some(Phantom {
            manager: install.manager,
            source,
            install_root: crate::discover::relative(&self.root, &install.dir),
            hoisted_by: Some(
                "`node_modules/.pnpm/node_modules` (on the NODE_PATH its bin shims give the CLI that loads this config)"
                    .to_string(),
            ),
        })
    }
}

impl InstallRoot {
    fn read(tree_root: &Path, dir: &Path, manifest: &serde_json::Value) -> InstallRoot {
        let declared = manifest
            .get("packageManager")
            .and_then(|p| p.as_str())
            .unwrap_or("");
        let (declared_name, declared_version) = declared.split_once('@').unwrap_or((declared, ""));
        let exists = |f: &str| crate::access::is_file(dir.join(f));
        let yarn_berry = || {
            exists(".yarnrc.yml")
                || crate::access::read_to_string(dir.join("yarn.lock"))
                    .is_ok_and(|t| t.lines().take(10).any(|l| l.starts_with("__metadata:")))
        };
        let manager = match declared_name {
            "pnpm" => PackageManager::Pnpm,
            "bun" => PackageManager::Bun,
            "yarn" if declared_version.starts_with('1') => PackageManager::YarnClassic,
            "yarn" => PackageManager::YarnBerry,
            "npm" => PackageManager::Npm,
            _ if exists("pnpm-lock.yaml") || exists("pnpm-workspace.yaml") => PackageManager::Pnpm,
            _ if exists("bun.lock") || exists("bun.lockb") => PackageManager::Bun,
            _ if exists("yarn.lock") && yarn_berry() => PackageManager::YarnBerry,
            _ if exists("yarn.lock") => PackageManager::YarnClassic,
            _ => PackageManager::Npm,
        };
        let npmrc = read_npmrc(&dir.join(".npmrc"));
        let is_workspace = manifest.get("workspaces").is_some() || exists("pnpm-workspace.yaml");
        let layout = match manager {
            PackageManager::Npm => match npmrc.get("install-strategy").map(String::as_str) {
                Some("linked") => isolated(Vec::new()),
                _ => Layout::Hoisted,
            },
            PackageManager::YarnClassic => Layout::Hoisted,
            PackageManager::YarnBerry => yarn_berry_layout(tree_root, dir),
            PackageManager::Bun => bun_layout(dir, manifest, is_workspace),
            PackageManager::Pnpm => pnpm_layout(dir, &npmrc, declared_name, declared_version),
        };
        let mut install = InstallRoot {
            dir: dir.to_path_buf(),
            manager,
            layout,
            lockfile: None,
            hoisted: HashSet::new(),
            nested: HashMap::new(),
        };
        install.read_lockfile(tree_root);
        install
    }

    fn read_lockfile(&mut self, tree_root: &Path) {
        let candidates: &[&str] = match self.manager {
            PackageManager::Npm => &["npm-shrinkwrap.json", "package-lock.json"],
            PackageManager::YarnClassic | PackageManager::YarnBerry => &["yarn.lock"],
            PackageManager::Pnpm => &["pnpm-lock.yaml"],
            PackageManager::Bun => &["bun.lock"],
        };
        for name in candidates {
            let path = self.dir.join(name);
            let Ok(text) = crate::access::read_to_string(&path) else {
                continue;
            };
            match *name {
                "yarn.lock" => self.hoisted = yarn_lock_names(&text),
                "pnpm-lock.yaml" => self.hoisted = pnpm_lock_names(&text),
                "bun.lock" => self.hoisted = bun_lock_names(&text),
                _ => {
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                        continue;
                    };
                    let (hoisted, nested) = npm_lock_names(&self.dir, &value);
                    self.hoisted = hoisted;
                    self.nested = nested;
                }
            }
            self.lockfile = Some(crate::discover::relative(tree_root, &path));
            return;
        }
    }

    /// Why `package` is installed where a file in `dir` sees it, if it is.
    fn source(
        &self,
        package: &str,
        dir: &Path,
        manifests: &Manifests,
        tree_root: &Path,
    ) -> Option<PhantomSource> {
        let declared_by = || {
            manifests
                .all()
                .into_iter()
                .filter(|m| m.path.starts_with(&self.dir))
                .find(|m| m.dependencies.contains_key(package))
                .map(|m| PhantomSource::DeclaredBy(crate::discover::relative(tree_root, &m.path)))
        };
        let Some(lockfile) = &self.lockfile else {
            // Without a lockfile only the manifests say what an install brings.
            return declared_by();
        };
        let nested = crate::resolve::ancestors_under(dir, &self.dir)
            .any(|d| self.nested.get(d).is_some_and(|n| n.contains(package)));
        if !(self.hoisted.contains(package) || nested) {
            return None;
        }
        Some(declared_by().unwrap_or_else(|| PhantomSource::Lockfile(lockfile.clone())))
    }
}

fn isolated(public_hoist: Vec<String>) -> Layout {
    Layout::Isolated { public_hoist }
}

/// `key=value` lines of an `.npmrc` (`key[]=value` lines gathered, comma-joined).
fn read_npmrc(path: &Path) -> HashMap<String, String> {
    let mut settings: HashMap<String, String> = HashMap::new();
    let Ok(text) = crate::access::read_to_string(path) else {
        return settings;
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        match key.trim().strip_suffix("[]") {
            Some(key) => {
                let entry = settings.entry(key.to_string()).or_default();
                if !entry.is_empty() {
                    entry.push(',');
                }
                entry.push_str(&value);
            }
            None => {
                settings.insert(key.trim().to_string(), value);
            }
        }
    }
    settings
}

/// pnpm: isolated unless `node-linker=hoisted` or `shamefully-hoist=true` (in `.npmrc`, or as
/// `nodeLinker`/`shamefullyHoist` in `pnpm-workspace.yaml` since pnpm 10). `public-hoist-pattern`
/// defaults to `*eslint*`, `*prettier*` before pnpm 10 and to nothing from pnpm 10 on.
fn pnpm_layout(
    dir: &Path,
    npmrc: &HashMap<String, String>,
    declared_name: &str,
    declared_version: &str,
) -> Layout {
    let workspace: serde_yaml_ng::Value =
        crate::access::read_to_string(dir.join("pnpm-workspace.yaml"))
            .ok()
            .and_then(|t| serde_yaml_ng::from_str(&t).ok())
            .unwrap_or(serde_yaml_ng::Value::Null);
    let yaml_str = |key: &str| match workspace.get(key) {
        Some(serde_yaml_ng::Value::String(s)) => Some(s.clone()),
        Some(serde_yaml_ng::Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    let setting = |npmrc_key: &str, yaml_key: &str| {
        yaml_str(yaml_key).or_else(|| npmrc.get(npmrc_key).cloned())
    };
    if setting("node-linker", "nodeLinker").as_deref() == Some("hoisted")
        || setting("shamefully-hoist", "shamefullyHoist").as_deref() == Some("true")
    {
        return Layout::Hoisted;
    }
    let from_yaml = workspace
        .get("publicHoistPattern")
        .and_then(|p| p.as_sequence())
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        });
    let patterns = from_yaml
        .or_else(|| {
            npmrc
                .get("public-hoist-pattern")
                .map(|p| p.split(',').map(str::to_string).collect())
        })
        .unwrap_or_else(|| {
            let major: u32 = declared_version
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            if declared_name == "pnpm" && major >= 10 {
                Vec::new()
            } else {
                vec!["*eslint*".to_string(), "*prettier*".to_string()]
            }
        });
    isolated(patterns.into_iter().filter(|p| !p.is_empty()).collect())
}

/// Yarn 2+: `nodeLinker: node-modules` hoists (unless `nmHoistingLimits` keeps packages in
/// their workspace); `pnp` (the default) and `pnpm` isolate. Yarn merges every `.yarnrc.yml`
/// from the project directory up (the nearest one setting a key wins), so a nested project
/// inherits its parent's `nodeLinker`; parents outside the audited tree are not read.
fn yarn_berry_layout(tree_root: &Path, dir: &Path) -> Layout {
    let settings: Vec<serde_yaml_ng::Value> = dir
        .ancestors()
        .take_while(|d| d.starts_with(tree_root))
        .filter_map(|d| crate::access::read_to_string(d.join(".yarnrc.yml")).ok())
        .filter_map(|t| serde_yaml_ng::from_str(&t).ok())
        .collect();
    let get = |key: &str| {
        settings
            .iter()
            .find_map(|s| s.get(key).and_then(|v| v.as_str()))
            .unwrap_or("")
    };
    match (get("nodeLinker"), get("nmHoistingLimits")) {
        ("node-modules", "workspaces" | "dependencies") => isolated(Vec::new()),
        ("node-modules", _) => Layout::Hoisted,
        _ => isolated(Vec::new()),
    }
}

/// Bun: `[install] linker` in `bunfig.toml`, else `workspaces.nodeLinker`, else the default:
/// isolated for workspaces whose `bun.lock` has `configVersion` 1, hoisted otherwise.
fn bun_layout(dir: &Path, manifest: &serde_json::Value, is_workspace: bool) -> Layout {
    let from_bunfig = crate::access::read_to_string(dir.join("bunfig.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("install")?
                .get("linker")?
                .as_str()
                .map(str::to_string)
        });
    let from_manifest = manifest
        .pointer("/workspaces/nodeLinker")
        .and_then(|l| l.as_str())
        .map(str::to_string);
    let linker = from_bunfig.or(from_manifest).unwrap_or_else(|| {
        let config_version_1 = crate::access::read_to_string(dir.join("bun.lock")).is_ok_and(|t| {
            t.lines()
                .take(10)
                .any(|l| l.trim().trim_end_matches(',') == "\"configVersion\": 1")
        });
        if is_workspace && config_version_1 {
            "isolated".to_string()
        } else {
            "hoisted".to_string()
        }
    });
    if linker == "isolated" {
        isolated(Vec::new())
    } else {
        Layout::Hoisted
    }
}

/// Whether a pnpm hoist glob (`*eslint*`, `@types/*`, `!pattern`) matches `name`.
fn glob_matches(pattern: &str, name: &str) -> bool {
    if pattern.starts_with('!') {
        return false;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The package name of a lockfile key `name@range` / `@scope/name@range` (quotes stripped).
fn name_before_version(key: &str) -> Option<&str> {
    let key = key.trim().trim_matches('"').trim_matches('\'');
    let at = key.get(1..)?.find('@')? + 1;
    Some(&key[..at]).filter(|n| !n.is_empty())
}

/// `yarn.lock` (v1 and berry): entry headers at column 0, `"a@^1", "a@^1.2":`.
fn yarn_lock_names(text: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    for line in text.lines() {
        if line.starts_with([' ', '#']) || !line.ends_with(':') || line.starts_with("__metadata") {
            continue;
        }
        for key in line.trim_end_matches(':').split(", ") {
            if let Some(name) = name_before_version(key) {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// `pnpm-lock.yaml`: the keys of `packages:` (`/name@1.0.0`, `name@1.0.0(peer@2)`, and v5's
/// `/name/1.0.0`), two spaces in.
fn pnpm_lock_names(text: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut in_packages = false;
    let mut in_importers = false;
    let mut in_dependencies = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_packages = line == "packages:";
            in_importers = line == "importers:";
            continue;
        }
        // The importers' own dependency keys: an npm alias (`mantine-react-table:` with
        // `version: mantine-react-table-open@9.0.3`) is installed under the alias.
        if in_importers {
            let indent = line.len() - line.trim_start().len();
            let key = line.trim().trim_end_matches(':');
            if indent == 4 {
                in_dependencies = matches!(
                    key,
                    "dependencies" | "devDependencies" | "optionalDependencies"
                );
            } else if indent == 6 && in_dependencies && line.ends_with(':') {
                names.insert(key.trim_matches(|c| c == '"' || c == '\'').to_string());
            }
            continue;
        }
        let Some(key) = line.strip_prefix("  ") else {
            continue;
        };
        if !in_packages || key.starts_with(' ') || !key.ends_with(':') {
            continue;
        }
        let key = key
            .trim_end_matches(':')
            .trim_matches(|c| c == '"' || c == '\'');
        let key = key.strip_prefix('/').unwrap_or(key);
        let name = match name_before_version(key) {
            Some(name) => name,
            // v5: `/name/1.0.0`, `/@scope/name/1.0.0`
            None => key.rsplit_once('/').map_or(key, |(name, _)| name),
        };
        names.insert(name.to_string());
    }
    names
}

/// `bun.lock`: the keys of `"packages"` four spaces in; a key with a path (`a/b`, `@s/a/b`)
/// is a copy nested under another package, not hoisted.
fn bun_lock_names(text: &str) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut in_packages = false;
    for line in text.lines() {
        if line.starts_with("  \"") {
            in_packages = line.starts_with("  \"packages\"");
            continue;
        }
        let Some(rest) = line.strip_prefix("    \"") else {
            continue;
        };
        if !in_packages {
            continue;
        }
        let Some((key, _)) = rest.split_once('"') else {
            continue;
        };
        let slashes = key.matches('/').count();
        if slashes == 0 || (key.starts_with('@') && slashes == 1) {
            names.insert(key.to_string());
        }
    }
    names
}

/// `package-lock.json`: `packages` keys `node_modules/a` (hoisted to the install root) and
/// `apps/web/node_modules/a` (seen from `apps/web`); v1 lockfiles: top-level `dependencies`.
fn npm_lock_names(
    dir: &Path,
    value: &serde_json::Value,
) -> (HashSet<String>, HashMap<PathBuf, HashSet<String>>) {
    let mut hoisted = HashSet::new();
    let mut nested: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    if let Some(packages) = value.get("packages").and_then(|p| p.as_object()) {
        for key in packages.keys() {
            let Some((holder, name)) = key.rsplit_once("node_modules/") else {
                continue;
            };
            let holder = holder.trim_end_matches('/');
            if holder.is_empty() {
                hoisted.insert(name.to_string());
            } else if !holder.contains("node_modules") {
                nested
                    .entry(dir.join(holder))
                    .or_default()
                    .insert(name.to_string());
            }
        }
    } else if let Some(deps) = value.get("dependencies").and_then(|d| d.as_object()) {
        hoisted.extend(deps.keys().cloned());
    }
    (hoisted, nested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hoist_globs() {
        assert!(glob_matches("*eslint*", "eslint-config-xo"));
        assert!(glob_matches("*eslint*", "@typescript-eslint/parser"));
        assert!(glob_matches("@types/*", "@types/node"));
        assert!(!glob_matches("@types/*", "types"));
        assert!(glob_matches("*", "anything"));
        assert!(!glob_matches("*prettier*", "vitest"));
        assert!(!glob_matches("!*eslint*", "eslint"));
    }

    #[test]
    fn lockfile_keys_give_package_names() {
        let yarn = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.2.0\"\n\nlodash@^4:\n  version \"4.17.21\"\n\n__metadata:\n  version: 8\n\n\"pump@npm:^3.0.0\":\n  version: 3.0.0\n";
        let mut names: Vec<_> = yarn_lock_names(yarn).into_iter().collect();
        names.sort();
        assert_eq!(names, ["@babel/core", "lodash", "pump"]);

        let pnpm = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      zod:\n        specifier: ^3\n      tbl:\n        specifier: npm:real-tbl@1.0.0\n        version: real-tbl@1.0.0\n\npackages:\n\n  '@babel/core@7.2.0':\n    resolution: {integrity: x}\n\n  express@4.18.2:\n    resolution: {integrity: y}\n\n  /old-style/1.0.0:\n    resolution: {integrity: z}\n\nsnapshots:\n\n  never@1.0.0(react@18.0.0):\n    dependencies: {}\n";
        let mut names: Vec<_> = pnpm_lock_names(pnpm).into_iter().collect();
        names.sort();
        // The importers' keys too: an npm alias (`tbl`) is installed under its alias.
        assert_eq!(names, ["@babel/core", "express", "old-style", "tbl", "zod"]);

        let bun = "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {\n    \"\": {\n      \"name\": \"root\",\n    },\n  },\n  \"packages\": {\n    \"@ai-sdk/google\": [\"@ai-sdk/google@3.0.53\"],\n\n    \"hono\": [\"hono@4.0.0\"],\n\n    \"@ai-sdk/google/@ai-sdk/provider\": [\"@ai-sdk/provider@3.0.8\"],\n    \"a/b\": [\"b@1.0.0\"],\n  }\n}\n";
        let mut names: Vec<_> = bun_lock_names(bun).into_iter().collect();
        names.sort();
        assert_eq!(names, ["@ai-sdk/google", "hono"]);

        let npm: serde_json::Value = serde_json::from_str(
            r#"{"packages":{"":{},"node_modules/express":{},"node_modules/a/node_modules/b":{},"apps/web/node_modules/@s/c":{},"apps/web":{}}}"#,
        )
        .unwrap();
        let (hoisted, nested) = npm_lock_names(Path::new("/r"), &npm);
        assert_eq!(hoisted, HashSet::from(["express".to_string()]));
        assert_eq!(
            nested.get(Path::new("/r/apps/web")),
            Some(&HashSet::from(["@s/c".to_string()]))
        );
    }

    #[test]
    fn npmrc_lists_and_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        std::fs::write(
            &path,
            "# comment\nshamefully-hoist=false\npublic-hoist-pattern[]=*eslint*\npublic-hoist-pattern[]=\"@types/*\"\n",
        )
        .unwrap();
        let settings = read_npmrc(&path);
        assert_eq!(settings["shamefully-hoist"], "false");
        assert_eq!(settings["public-hoist-pattern"], "*eslint*,@types/*");
    }
}
