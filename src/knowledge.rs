//! What later stages know about one analysed tree — production entries, route mount paths,
//! environment variables read — gathered in ONE place so `drift` and `plan` take it as plain
//! input. Entry detection, route mounts and env reads belong to their own stages; until those
//! are wired in, [`knowledge_of`] fills in what a cheap heuristic can and leaves the rest
//! empty, and drift/plan degrade gracefully (no mount paths shown, no env reads compared).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::facts::ImportKind;
use crate::file_role::FileRole;
use crate::project::Project;

/// Per-tree facts that drift and plan read but do not compute.
#[derive(Debug, Clone, Default)]
pub struct TreeKnowledge {
    /// One flag per module (same index as `Project::modules`): an entry production starts from.
    pub production_entry: Vec<bool>,
    /// Route file (root-relative path) → the path it is mounted at (`/agents`).
    pub mounts: BTreeMap<String, String>,
    /// One list per module: environment variable names the module reads, sorted.
    pub env_reads: Vec<Vec<String>>,
}

impl TreeKnowledge {
    /// Modules reachable from the production entries along run-time edges (dynamic included).
    pub fn production_reachable(&self, project: &Project) -> Vec<bool> {
        let roots: Vec<usize> = (0..self.production_entry.len())
            .filter(|&i| self.production_entry[i])
            .collect();
        project
            .graph
            .reachable(&roots, |edge| edge.kind != ImportKind::TypeOnly)
    }
}

/// Everything drift and plan need to know about `project` beyond imports and exports: the
/// production entries (from the entries stage, or [`production_entries`] when it finds none),
/// each route file's mount path (from the route table), and the env variables each module reads.
pub fn knowledge_of(project: &Project) -> TreeKnowledge {
    let points = project.entry_points();
    let production_entry = if points.has_production_entries() {
        let mut flags = vec![false; project.modules.len()];
        for entry in points
            .entries
            .iter()
            .filter(|e| e.kind == crate::entries::EntryKind::Production)
        {
            flags[entry.file] = true;
        }
        flags
    } else {
        production_entries(project)
    };
    let mut mounts = BTreeMap::new();
    for route in &project.route_table().routes {
        if let Some(first) = route.mounts.first() {
            mounts.insert(route.file.clone(), first.path.clone());
        }
    }
    let env_reads = project
        .modules
        .iter()
        .map(|module| {
            let mut names: Vec<String> = module
                .facts
                .env_reads
                .iter()
                .filter(|read| read.key == crate::facts::EnvKey::Name)
                .map(|read| read.name.clone())
                .collect();
            names.sort();
            names.dedup();
            names
        })
        .collect();
    TreeKnowledge {
        production_entry,
        mounts,
        env_reads,
    }
}

/// Start-up files of the tree, one flag per module: the `main` of each `package.json`, files
/// named by its `start`-like scripts, files named by `Procfile` / pm2 `ecosystem.config.*`,
/// else a conventional `index`/`server`/`app`/`main` file at the root or in `src/`. Only
/// production-role files count (a test runner script does not make a test an entry).
pub fn production_entries(project: &Project) -> Vec<bool> {
    let mut entry = vec![false; project.modules.len()];
    let mut mark = |dir: &Path, token: &str| {
        if let Some(i) = module_named(project, dir, token)
            && project.modules[i].role == FileRole::Production
        {
            entry[i] = true;
        }
    };
    for manifest in project.manifests.all() {
        let dir = manifest.path.parent().unwrap_or(&project.root);
        if let Some(main) = manifest.json.get("main").and_then(|m| m.as_str()) {
            mark(dir, main);
        }
        if let Some(scripts) = manifest.json.get("scripts").and_then(|s| s.as_object()) {
            for (name, command) in scripts {
                let starts_app = matches!(name.as_str(), "start" | "serve" | "prod" | "server")
                    || name.starts_with("start:");
                if let (true, Some(command)) = (starts_app, command.as_str()) {
                    for token in command_tokens(command) {
                        mark(dir, token);
                    }
                }
            }
        }
    }
    for file in &project.discovery.other_files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if (name == "Procfile" || name.starts_with("ecosystem.config."))
            && let Ok(text) = crate::access::read_to_string(file)
        {
            let dir = file.parent().unwrap_or(&project.root);
            for token in command_tokens(&text) {
                mark(dir, token);
            }
        }
    }
    if !entry.iter().any(|&e| e) {
        for (i, module) in project.modules.iter().enumerate() {
            let rel = module.file.rel.as_str();
            let stem = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
            let conventional = ["", "src/"].iter().any(|dir| {
                ["index", "server", "app", "main"]
                    .iter()
                    .any(|name| stem == format!("{dir}{name}"))
            });
            if conventional && module.role == FileRole::Production {
                entry[i] = true;
            }
        }
    }
    entry
}

/// Words of a shell command or config text that could be file paths.
fn command_tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | '=' | ';'))
        .filter(|t| !t.is_empty() && !t.starts_with('-'))
}

/// The module a path written relative to `dir` names (with Node's extension and index lookup).
fn module_named(project: &Project, dir: &Path, written: &str) -> Option<usize> {
    let base = crate::resolve::normalize(&dir.join(written));
    let mut candidates: Vec<PathBuf> = vec![base.clone()];
    for ext in crate::resolve::SOURCE_EXTENSIONS {
        candidates.push(PathBuf::from(format!("{}{ext}", base.display())));
        candidates.push(base.join(format!("index{ext}")));
    }
    candidates
        .iter()
        .filter(|c| c.starts_with(&project.root))
        .find_map(|c| project.module_by_rel(&project.relative(c)))
}
