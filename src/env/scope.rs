//! Which reads a declaration covers. In a monorepo every package has its own env files: a
//! package's reads are checked against the sources of that package, of the packages that use
//! it (a library reads what the app that imports it is given), of the packages whose env
//! files its code loads by path (`dotenv.config({ path: '../web/.env' })`), and of the root. A GitHub
//! workflow's `env:` is set only for the commands the workflow runs, and what they import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::declarations::{Declaration, DeclarationSource, WorkflowRun};
use crate::project::Project;

/// Extensions a workflow command may name a script by.
const SCRIPT_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx"];

/// The package (root-relative directory of the nearest `package.json`, `""` for the root)
/// of every module, and which packages' env sources each package may rely on.
pub struct Scopes {
    /// Package directory of each module.
    module_package: Vec<String>,
    /// Package directory → the packages that import it, directly or not.
    consumers: BTreeMap<String, BTreeSet<String>>,
    /// Workflow file → the modules its commands run or import.
    workflow_modules: BTreeMap<String, Vec<bool>>,
    /// Package directory → the other packages whose env files its code loads by path
    /// (`dotenv.config({ path: '../web/.env' })`).
    loads: BTreeMap<String, BTreeSet<String>>,
    /// Packages whose code loads env files from a folder computed at run time
    /// (`path.join(process.cwd(), webDir, '.env')`): any package's declarations may reach them.
    loads_any: BTreeSet<String>,
}

/// The package directory (root-relative, `""` at the root or outside any package) of a path.
fn package_of(project: &Project, dir: &Path) -> String {
    project
        .manifests
        .nearest(dir, &project.root)
        .and_then(|m| m.path.parent())
        .map(|p| project.relative(p))
        .unwrap_or_default()
}

impl Scopes {
    /// Computes packages, their consumers and the workflows' reach for a project.
    pub fn of(project: &Project) -> Scopes {
        let module_package: Vec<String> = project
            .modules
            .iter()
            .map(|m| package_of(project, m.file.path.parent().unwrap_or(&project.root)))
            .collect();
        let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, package) in module_package.iter().enumerate() {
            for (to, _) in project.graph.imports_of(from) {
                if let Some(target) = module_package.get(to)
                    && target != package
                {
                    direct
                        .entry(target.clone())
                        .or_default()
                        .insert(package.clone());
                }
            }
        }
        // A workspace dependency (`"@x/db": "workspace:*"`) is a use even when imports of it
        // do not resolve to its source.
        let by_name: BTreeMap<&str, String> = project
            .manifests
            .all()
            .into_iter()
            .filter_map(|m| Some((m.name.as_deref()?, project.relative(m.path.parent()?))))
            .collect();
        for manifest in project.manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            let package = project.relative(dir);
            for dependency in manifest.dependencies.keys() {
                if let Some(target) = by_name.get(dependency.as_str())
                    && *target != package
                {
                    direct
                        .entry(target.clone())
                        .or_default()
                        .insert(package.clone());
                }
            }
        }
        let mut consumers = BTreeMap::new();
        for package in direct.keys() {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut stack = vec![package.clone()];
            while let Some(p) = stack.pop() {
                for consumer in direct.get(&p).into_iter().flatten() {
                    if seen.insert(consumer.clone()) {
                        stack.push(consumer.clone());
                    }
                }
            }
            consumers.insert(package.clone(), seen);
        }
        let workflow_modules = project
            .env_declarations
            .workflow_runs
            .iter()
            .map(|(file, runs)| {
                let roots = workflow_roots(project, runs);
                (
                    file.clone(),
                    project.graph.reachable(&roots, |e| e.kind.is_runtime()),
                )
            })
            .collect();
        let mut loads: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut loads_any = BTreeSet::new();
        for (module, package) in project.modules.iter().zip(&module_package) {
            for load in &module.facts.env_file_loads {
                if load.path == crate::parse::ANY_ENV_FILE {
                    loads_any.insert(package.clone());
                    continue;
                }
                let base = if load.from_module {
                    module
                        .file
                        .path
                        .parent()
                        .unwrap_or(&project.root)
                        .to_path_buf()
                } else {
                    project.root.join(package)
                };
                let file = crate::resolve::normalize(&base.join(&load.path));
                // Outside the tree: nothing here declares it.
                if !file.starts_with(&project.root) {
                    continue;
                }
                let loaded = package_of(project, file.parent().unwrap_or(&project.root));
                if loaded != *package {
                    loads.entry(package.clone()).or_default().insert(loaded);
                }
            }
        }
        Scopes {
            module_package,
            consumers,
            workflow_modules,
            loads,
            loads_any,
        }
    }

    /// Whether `declaration` provides the variable to module `module`.
    pub fn covers(&self, project: &Project, declaration: &Declaration, module: usize) -> bool {
        if declaration.source == DeclarationSource::Workflow {
            return self
                .workflow_modules
                .get(&declaration.file)
                .and_then(|reach| reach.get(module).copied())
                .unwrap_or(false);
        }
        let declared_in = package_of(
            project,
            project
                .root
                .join(&declaration.file)
                .parent()
                .unwrap_or(&project.root),
        );
        let Some(read_in) = self.module_package.get(module) else {
            return true;
        };
        declared_in.is_empty()
            || &declared_in == read_in
            || self
                .consumers
                .get(read_in)
                .is_some_and(|c| c.contains(&declared_in))
            || self
                .loads
                .get(read_in)
                .is_some_and(|l| l.contains(&declared_in))
            || self.loads_any.contains(read_in)
    }
}

/// The modules a workflow's commands name: script paths (`node scripts/seed.js`,
/// `npx tsx src/jobs/sync.ts`) and, one level down, the scripts of `npm run x` / `yarn x` /
/// `pnpm x` / `bun run x` from the `package.json` of the step's directory.
fn workflow_roots(project: &Project, runs: &[WorkflowRun]) -> Vec<usize> {
    let mut roots = Vec::new();
    for run in runs {
        let directory = project.root.join(&run.directory);
        let scripts = project
            .manifests
            .nearest(&directory, &project.root)
            .and_then(|m| m.json.get("scripts"))
            .and_then(|s| s.as_object());
        let mut commands = vec![run.command.clone()];
        for script in script_names(&run.command) {
            if let Some(command) = scripts
                .and_then(|s| s.get(&script))
                .and_then(|c| c.as_str())
            {
                commands.push(command.to_string());
            }
        }
        for command in commands {
            for word in command_words(&command) {
                if let Some(module) = script_module(project, &run.directory, &word) {
                    roots.push(module);
                }
            }
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

fn command_words(command: &str) -> Vec<String> {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
        .map(|w| w.trim_matches(['"', '\'']).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `npm run build`, `npm start`, `yarn seed`, `pnpm run x`, `bun run x`: the script names.
fn script_names(command: &str) -> Vec<String> {
    let words = command_words(command);
    let mut names = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let next = |k: usize| words.get(i + k).cloned();
        match word.as_str() {
            "npm" | "pnpm" | "bun" | "yarn" => match next(1).as_deref() {
                Some("run" | "run-script") => names.extend(next(2)),
                Some("start" | "test") => names.extend(next(1)),
                Some(other) if word != "npm" && !other.starts_with('-') => {
                    names.push(other.to_string())
                }
                _ => {}
            },
            _ => {}
        }
    }
    names
}

/// A command word naming a source file of the tree, relative to the step's directory.
fn script_module(project: &Project, directory: &str, word: &str) -> Option<usize> {
    let word = word.trim_start_matches("./");
    if word.starts_with('-') || word.contains("://") {
        return None;
    }
    let joined = if directory.is_empty() {
        word.to_string()
    } else {
        format!("{directory}/{word}")
    };
    let has_extension = Path::new(word)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e));
    if has_extension {
        return project.module_by_rel(&joined);
    }
    if !word.contains('/') {
        return None;
    }
    SCRIPT_EXTENSIONS
        .iter()
        .find_map(|e| project.module_by_rel(&format!("{joined}.{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_manager_commands_name_their_scripts() {
        assert_eq!(
            script_names("npm ci && npm run seed -- --force; yarn migrate && pnpm test"),
            vec!["seed", "migrate", "test"]
        );
        assert_eq!(script_names("npm install"), Vec::<String>::new());
    }
}
