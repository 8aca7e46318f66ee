//! What the project's own toolchain configuration says about resolution, read statically:
//! workspaces, tsconfigs, bundler aliases, virtual modules and generated paths. The resolver
//! is configured from it; checks read its problems (`invalid-tsconfig`, `workspace-cycle`).

pub mod bundler;
pub mod commands;
pub mod copies;
pub mod file_system;
pub mod flow;
pub mod generated;
pub mod installs;
pub mod retired;
pub mod templates;
pub mod tsconfig;
pub mod workflows;
pub mod workspaces;

use std::path::{Path, PathBuf};

use crate::manifest::Manifests;

pub use bundler::{Alias, AliasScope, VirtualPrefix};
pub use generated::{GeneratedPath, GeneratedPaths};
pub use installs::Installs;
pub use tsconfig::TsconfigProblem;
pub use workspaces::Workspaces;

/// A workspace glob into a path the project generates, with no package of the tree matching
/// it: the workspace's packages include some that a generator writes before anything runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedWorkspace {
    /// The glob and the directory declaring it.
    pub glob: workspaces::UnmatchedGlob,
    /// Who writes it (`Wasp (\`wasp start\`/\`wasp build\`)`).
    pub generator: String,
}

/// The toolchain settings of one tree.
#[derive(Debug, Default)]
pub struct Toolchain {
    /// Workspace members and the links a package manager would make.
    pub workspaces: Workspaces,
    /// tsconfigs with unreadable `extends` or invalid JSON (and the repaired texts).
    pub tsconfig_repairs: tsconfig::TsconfigRepairs,
    /// Bundler/runtime aliases per config directory, sorted by directory.
    pub alias_scopes: Vec<AliasScope>,
    /// Specifier prefixes served by frameworks and plugins.
    pub virtual_prefixes: Vec<VirtualPrefix>,
    /// Paths the project generates.
    pub generated: GeneratedPaths,
    /// Install roots: package manager, `node_modules` layout and what the lockfile installs.
    pub installs: Installs,
    /// Files the scripts copy elsewhere (`cp server/main.js build/server/`).
    pub copies: copies::Copies,
    /// Copied directories that are projects a CLI creates, not code of their package.
    pub templates: templates::ScaffoldTemplates,
    /// Folders the project keeps but never runs (archives, paths its dependency checker skips).
    pub retired: retired::RetiredPaths,
    /// Packages CI workflow steps install next to the scripts they run (set by the project
    /// from the workflow files discovery lists among env declarations).
    pub workflow_installs: Vec<workflows::WorkflowInstall>,
    /// package.json files a Dockerfile or CI step creates by copying a committed one (set by
    /// the project, which reads them as manifests).
    pub manifest_copies: Vec<workflows::ManifestCopy>,
    /// Where the tree's `.js` is Flow-typed (`.flowconfig`, Babel's Flow preset).
    pub flow: flow::FlowProjects,
    /// Workspace globs that point into a path the project generates and that no package of the
    /// tree matches yet (`.wasp/out/*`, `.wasp/out/sdk/wasp` before `wasp start`), sorted.
    pub generated_workspaces: Vec<GeneratedWorkspace>,
    /// Paths `.gitmodules` at the root names (absolute, sorted): folders another repository
    /// fills when the submodule is checked out.
    pub submodules: Vec<PathBuf>,
    /// `alias_scopes` by directory (the last scope of a directory wins), built on first use:
    /// the resolver asks for every import, so a linear scan cost O(imports × scopes).
    alias_scope_index: std::sync::OnceLock<(rustc_hash::FxHashMap<PathBuf, usize>, usize)>,
}

impl Toolchain {
    /// Reads the toolchain configuration of the tree at `root`. `files` are every file of the
    /// tree (sources, data and other files), `tsconfigs` the tsconfigs discovery found.
    pub fn load(
        root: &Path,
        files: &[PathBuf],
        tsconfigs: &[PathBuf],
        manifests: &Manifests,
        named: &templates::NamedFolders,
    ) -> Toolchain {
        let workspaces = Workspaces::load(manifests, files);
        // Base configs may come from workspace packages (`@acme/tsconfig/base.json`).
        let mut links = file_system::Overlay {
            root: root.to_path_buf(),
            ..Default::default()
        };
        for link in &workspaces.links {
            links.add_link(link.link.clone(), link.target.clone());
        }
        let probe_fs = file_system::ToolchainFileSystem::with_overlay(std::sync::Arc::new(links));
        let copies = copies::Copies::load(root, manifests);
        let templates = templates::ScaffoldTemplates::load(
            root,
            files,
            tsconfigs,
            manifests,
            &copies,
            named,
            &workspaces.members,
        );
        let generated = GeneratedPaths::load(root, files);
        let mut installs = Installs::load(root, manifests);
        installs.left_out = workspaces.left_out.clone();
        let generated_workspaces = workspaces
            .unmatched
            .iter()
            .filter_map(|glob| {
                let generator =
                    generated.generator_of_dir(&glob.base, &glob.root, manifests, root)?;
                Some(GeneratedWorkspace {
                    glob: glob.clone(),
                    generator,
                })
            })
            .collect();
        Toolchain {
            tsconfig_repairs: tsconfig::repair(root, tsconfigs, probe_fs),
            workspaces,
            alias_scopes: bundler::alias_scopes(files, manifests),
            virtual_prefixes: bundler::virtual_prefixes(manifests),
            generated,
            generated_workspaces,
            installs,
            copies,
            templates,
            retired: retired::RetiredPaths::load(root, files, manifests),
            workflow_installs: Vec::new(),
            manifest_copies: Vec::new(),
            flow: flow::FlowProjects::load(files),
            submodules: submodules(root),
            alias_scope_index: std::sync::OnceLock::new(),
        }
    }

    /// The submodule folder holding `path` when that folder is not checked out (absent, or
    /// empty as git leaves it): what lies below it comes from another repository.
    pub fn unchecked_out_submodule(&self, path: &Path) -> Option<&Path> {
        let dir = self.submodules.iter().find(|s| path.starts_with(s))?;
        let empty =
            crate::access::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
        empty.then_some(dir.as_path())
    }

    /// The overlay the resolver reads the tree through.
    pub fn overlay(
        &self,
        root: &Path,
        files: &rustc_hash::FxHashSet<PathBuf>,
        manifests: &Manifests,
    ) -> file_system::Overlay {
        let mut overlay = file_system::Overlay {
            root: root.to_path_buf(),
            files: files.clone(),
            tsconfigs: self.tsconfig_repairs.texts.clone(),
            ..Default::default()
        };
        for file in files {
            let mut dir = file.parent();
            while let Some(d) = dir {
                if !overlay.tree_dirs.insert(d.to_path_buf()) {
                    break;
                }
                dir = d.parent();
            }
        }
        for link in &self.workspaces.links {
            overlay.add_link(link.link.clone(), link.target.clone());
        }
        // Unbuilt output of every package in the tree stands for its source; a conventional
        // output directory (`dist`, `lib`) only when it is absent, so real sources stay real.
        let tree_dirs = overlay.tree_dirs.clone();
        let is_dir = |p: &Path| tree_dirs.contains(p);
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            for (out, src) in tsconfig::output_dirs(dir, &is_dir) {
                if !overlay.outputs.contains_key(&out)
                    && (!tree_dirs.contains(&out) || declared_out_dir(dir, &out))
                {
                    overlay.outputs.insert(out, src);
                }
            }
        }
        overlay
    }

    /// The virtual-module provider of `specifier`, if a framework, plugin or runtime serves
    /// it: a known prefix, or any `scheme:` specifier (`astro:content`, `astrowind:config`)
    /// other than `node:` and `file:`, which no file system path can be.
    pub fn virtual_provider(&self, specifier: &str) -> Option<String> {
        // Bun's runtime API module (`import { serve } from "bun"`), like `bun:sqlite`.
        if specifier == "bun" {
            return Some("the Bun runtime".to_string());
        }
        // The k6 load-testing binary runs its scripts with built-in modules (`k6`, `k6/http`,
        // `k6/metrics`): nothing to install (`@types/k6` types them).
        if specifier == "k6" || specifier.starts_with("k6/") {
            return Some("the k6 load-testing runtime".to_string());
        }
        if let Some(known) = self.virtual_prefixes.iter().find(|v| v.serves(specifier)) {
            return Some(known.provider.to_string());
        }
        let (scheme, _) = specifier.split_once(':')?;
        let is_scheme = scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_'));
        (is_scheme && scheme != "node" && scheme != "file")
            .then(|| format!("a bundler plugin or runtime (`{scheme}:` modules)"))
    }

    /// The workspace package a bare import of `name` from a file in `dir` reaches: the tree's
    /// package of that name, unless the nearest manifest declaring `name` asks for what the
    /// package manager installs from the registry instead (`"dayjs": "^1.11.13"` next to a
    /// `packages/dayjs` stub at 0.0.0) and the lockfile, when there is one, lists such a
    /// package. Undeclared imports inside a workspace still reach the workspace package; a
    /// project outside the workspace's members reaches it only through a link protocol.
    pub fn workspace_package(
        &self,
        name: &str,
        dir: &Path,
        root: &Path,
        manifests: &Manifests,
    ) -> Option<&workspaces::WorkspacePackage> {
        let package = self.workspaces.package(name)?;
        let Some(spec) = workspaces::declared_spec(name, dir, root, manifests) else {
            return Some(package);
        };
        // `catalog:` stands for the version pnpm-workspace.yaml's catalog gives the package.
        let spec = self
            .workspaces
            .catalog_spec(spec, name, dir)
            .unwrap_or(spec);
        // A project outside the package's workspace (`examples/*` with its own lockfile, left
        // out by the globs, or a workspace of its own) installs a registry spec (`latest`,
        // `^3`) from the registry, whatever the workspace holds; only a link protocol
        // (`workspace:`, `link:`, `file:`) reaches the package's source.
        let importer_package = manifests
            .nearest(dir, root)
            .and_then(|m| m.path.parent().map(Path::to_path_buf));
        if importer_package.is_some_and(|d| {
            self.workspaces.workspace_of(&d) != self.workspaces.workspace_of(&package.dir)
        }) && !["workspace:", "link:", "file:", "portal:"]
            .iter()
            .any(|p| spec.trim().starts_with(p))
        {
            return None;
        }
        let registry = workspaces::spec_links_workspace(spec, package.version.as_deref())
            == Some(false)
            // A lockfile that installs no package of that name linked the workspace one.
            && self.installs.lockfile_lists(name, dir) != Some(false);
        (!registry).then_some(package)
    }

    /// The generated workspaces of the workspace a file in `dir` belongs to (declared by its
    /// nearest workspace root that has any), in glob order.
    pub fn generated_workspaces_of(&self, dir: &Path) -> Vec<&GeneratedWorkspace> {
        let Some(root) = self
            .generated_workspaces
            .iter()
            .map(|w| &w.glob.root)
            .filter(|r| dir.starts_with(r))
            .max_by_key(|r| r.components().count())
        else {
            return Vec::new();
        };
        // A nearer workspace root without generated globs owns the file.
        if self
            .workspaces
            .roots
            .iter()
            .any(|r| dir.starts_with(r) && r.starts_with(root) && r != root)
        {
            return Vec::new();
        }
        self.generated_workspaces
            .iter()
            .filter(|w| &w.glob.root == root)
            .collect()
    }

    /// The generated workspace package a bare import of `name` from a file in `dir` names: a
    /// plain-path glob whose directory has the package's name (`wasp` for `.wasp/out/sdk/wasp`,
    /// `@acme/sdk` for `gen/@acme/sdk`). The package manager links it under that name once the
    /// generator wrote it.
    pub fn generated_workspace_package(
        &self,
        name: &str,
        dir: &Path,
    ) -> Option<&GeneratedWorkspace> {
        self.generated_workspaces_of(dir).into_iter().find(|w| {
            if !w.glob.literal {
                return false;
            }
            let base = &w.glob.base;
            let last = base.file_name().and_then(|n| n.to_str());
            match name.split_once('/') {
                Some((scope, bare)) => {
                    last == Some(bare)
                        && base
                            .parent()
                            .and_then(|p| p.file_name())
                            .and_then(|n| n.to_str())
                            == Some(scope)
                }
                None => last == Some(name),
            }
        })
    }

    /// Whether a CI workflow step installs `package` where a file in `dir` resolves it.
    pub fn workflow_installed(&self, package: &str, dir: &Path) -> bool {
        self.workflow_installs
            .iter()
            .any(|w| w.package == package && dir.starts_with(&w.dir))
    }

    /// The alias scope (bundler config directory) that applies to a file in `dir`.
    /// The deepest scope whose directory holds `dir`.
    pub fn alias_scope(&self, dir: &Path) -> Option<usize> {
        // The scopes by directory, and the depth of the shallowest.
        let (index, shortest) = self.alias_scope_index.get_or_init(|| {
            let index: rustc_hash::FxHashMap<PathBuf, usize> = self
                .alias_scopes
                .iter()
                .enumerate()
                .map(|(i, s)| (s.dir.clone(), i))
                .collect();
            let shortest = index.keys().map(|k| k.components().count()).min();
            (index, shortest.unwrap_or(0))
        });
        if index.is_empty() {
            return None;
        }
        crate::resolve::ancestors_to_depth(dir, *shortest).find_map(|a| index.get(a).copied())
    }
}

/// Whether `out` is the `outDir`/`declarationDir` a tsconfig of the package names (then it is
/// build output even when a stale copy exists).
fn declared_out_dir(package_dir: &Path, out: &Path) -> bool {
    ["tsconfig.build.json", "tsconfig.lib.json", "tsconfig.json"]
        .iter()
        .filter_map(|name| crate::access::read_to_string(package_dir.join(name)).ok())
        .filter_map(|text| tsconfig::parse_jsonc(&text).ok())
        .any(|value| {
            ["outDir", "declarationDir"].iter().any(|key| {
                value
                    .pointer(&format!("/compilerOptions/{key}"))
                    .and_then(|v| v.as_str())
                    .is_some_and(|p| crate::resolve::normalize(&package_dir.join(p)) == out)
            })
        })
}

/// The `path = …` entries of the root's `.gitmodules`, absolute and sorted.
fn submodules(root: &Path) -> Vec<PathBuf> {
    let Ok(text) = crate::access::read_to_string(root.join(".gitmodules")) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = text
        .lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once('=')?;
            let value = value.trim().trim_matches('"').trim_end_matches('/');
            (key.trim() == "path"
                && !value.is_empty()
                && !value.starts_with('/')
                && !value.split('/').any(|s| s == ".."))
            .then(|| root.join(value))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}
