//! A staged, dependency-first deployment order: which files to ship, in which stage, what to set
//! up first, and which files cannot ship yet and why. Cycles ship as one unit; the graph
//! algorithms (condensation, Kahn layering, blocked propagation) live in `graph`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::drift::{TreePair, UnionResolution, env_names, packages_needed};
use crate::error::{Error, Result};
use crate::facts::ImportKind;
use crate::graph::{Unit, blocked_by, layer_by_dependencies};
use crate::knowledge::TreeKnowledge;
use crate::project::Project;
use crate::resolve::Resolution;

/// Settings for a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Plan only these files (root-relative, in the tree whose files are planned) and what they
    /// need, instead of everything the production entries reach.
    pub only: Vec<String>,
}

/// `treeaudit plan` output. JSON: `{"version","setup","stages","blocked"}`.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// JSON format version.
    pub version: u32,
    /// Stage 0: what to install and declare before any file ships.
    pub setup: Setup,
    /// Stages from 1, in order. A stage's plain files come in one entry; every cycle of the
    /// stage comes in its own entry marked `cycle`.
    pub stages: Vec<Stage>,
    /// Files that cannot ship: a missing import, or something they need is blocked.
    pub blocked: Vec<Blocked>,
}

/// Stage 0.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Setup {
    /// Packages to add to `package.json` (or move out of devDependencies) and install.
    pub packages: Vec<String>,
    /// Env variables the planned files need that are not declared.
    pub env: Vec<String>,
    /// For text output: where each env variable comes from (read by / declared in).
    #[serde(skip)]
    pub env_sources: BTreeMap<String, Vec<String>>,
}

/// One group of files of a stage.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    /// 1-based stage number.
    pub stage: usize,
    /// Files, sorted by path.
    pub files: Vec<String>,
    /// The files form an import cycle and ship together.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
    /// Route files of this group → the mount path that becomes live.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mounts: BTreeMap<String, String>,
}

/// A file that cannot ship yet.
#[derive(Debug, Clone, Serialize)]
pub struct Blocked {
    /// The file.
    pub file: String,
    /// Its own imports that resolve nowhere.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Files with missing imports that it depends on, directly or transitively.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<String>,
}

impl Plan {
    /// Number of files placed in stages.
    pub fn staged_files(&self) -> usize {
        self.stages.iter().map(|s| s.files.len()).sum()
    }
}

/// Whether an import edge must be in place before the importer runs.
fn blocks(kind: ImportKind) -> bool {
    matches!(
        kind,
        ImportKind::Static | ImportKind::Require | ImportKind::ReExport
    )
}

/// Whether an import edge orders the deployment: blocking edges and lazy `import()`.
fn orders(kind: ImportKind) -> bool {
    blocks(kind) || kind == ImportKind::Dynamic
}

/// What one plan is computed from: the modules of one project, which are planned, and which
/// of their blocking imports resolve nowhere.
struct PlanInput<'a> {
    project: &'a Project,
    planned: Vec<bool>,
    missing: Vec<Vec<String>>,
    mounts: &'a BTreeMap<String, String>,
}

struct Staging {
    stages: Vec<Stage>,
    blocked: Vec<Blocked>,
    shipped: Vec<usize>,
}

fn stage(input: &PlanInput) -> Staging {
    let project = input.project;
    let count = project.modules.len();
    let mut blocking = Vec::new();
    let mut ordering = Vec::new();
    for from in (0..count).filter(|&m| input.planned[m]) {
        for (to, edge) in project.graph.imports_of(from) {
            if !input.planned[to] {
                continue; // already satisfied
            }
            if blocks(edge.kind) {
                blocking.push((from, to));
            }
            if orders(edge.kind) {
                ordering.push((from, to));
            }
        }
    }
    let broken: Vec<bool> = (0..count)
        .map(|m| input.planned[m] && !input.missing[m].is_empty())
        .collect();
    let causes = blocked_by(count, &blocking, &broken);
    let is_blocked: Vec<bool> = (0..count)
        .map(|m| input.planned[m] && (broken[m] || !causes[m].is_empty()))
        .collect();
    let shippable: Vec<bool> = (0..count)
        .map(|m| input.planned[m] && !is_blocked[m])
        .collect();
    let rel = |m: usize| project.modules[m].file.rel.clone();
    let mut stages = Vec::new();
    let mut shipped = Vec::new();
    for (index, units) in layer_by_dependencies(count, &ordering, &shippable)
        .into_iter()
        .enumerate()
    {
        let group = |units: &[&Unit], cycle: bool| {
            let files: Vec<String> = units
                .iter()
                .flat_map(|u| u.nodes.iter().map(|&m| rel(m)))
                .collect();
            let mounts = files
                .iter()
                .filter_map(|f| input.mounts.get(f).map(|p| (f.clone(), p.clone())))
                .collect();
            Stage {
                stage: index + 1,
                files,
                cycle,
                mounts,
            }
        };
        let plain: Vec<&Unit> = units.iter().filter(|u| !u.cycle).collect();
        if !plain.is_empty() {
            stages.push(group(&plain, false));
        }
        for unit in units.iter().filter(|u| u.cycle) {
            stages.push(group(&[unit], true));
        }
        shipped.extend(units.iter().flat_map(|u| u.nodes.iter().copied()));
    }
    let blocked = (0..count)
        .filter(|&m| is_blocked[m])
        .map(|m| Blocked {
            file: rel(m),
            missing: input.missing[m].clone(),
            blocked_by: causes[m].iter().map(|&c| rel(c)).collect(),
        })
        .collect();
    shipped.sort_unstable();
    Staging {
        stages,
        blocked,
        shipped,
    }
}

/// Modules named by `--only` (root-relative paths), or a usage error naming the first unknown.
fn only_modules(project: &Project, only: &[String], tree: &str) -> Result<Vec<usize>> {
    only.iter()
        .map(|file| {
            let rel = file.trim_start_matches("./").replace('\\', "/");
            project.module_by_rel(&rel).ok_or_else(|| {
                Error::Usage(format!(
                    "--only {file}: no such JavaScript/TypeScript file in {tree} ({})",
                    project.root.display()
                ))
            })
        })
        .collect()
}

/// Modules reachable from `roots` along ordering edges, never entering `stop` modules.
fn closure(project: &Project, roots: &[usize], stop: &[bool]) -> Vec<bool> {
    let mut planned = vec![false; project.modules.len()];
    let mut stack: Vec<usize> = roots.iter().copied().filter(|&r| !stop[r]).collect();
    for &r in &stack {
        planned[r] = true;
    }
    while let Some(m) = stack.pop() {
        for (to, edge) in project.graph.imports_of(m) {
            if orders(edge.kind) && !stop[to] && !planned[to] {
                planned[to] = true;
                stack.push(to);
            }
        }
    }
    planned
}

/// Blocking imports of each module that `unresolved` says resolve nowhere, as written.
fn missing_imports(
    project: &Project,
    unresolved: impl Fn(usize, usize) -> bool,
) -> Vec<Vec<String>> {
    project
        .modules
        .iter()
        .enumerate()
        .map(|(m, module)| {
            let mut missing: Vec<String> = module
                .facts
                .imports
                .iter()
                .enumerate()
                .filter(|(i, import)| blocks(import.kind) && import.analysable && unresolved(m, *i))
                .map(|(_, import)| import.specifier.clone())
                .collect();
            missing.sort();
            missing.dedup();
            missing
        })
        .collect()
}

/// Env variables `modules` read that `declared` lacks, with the files that read them.
fn env_to_declare(
    knowledge: &TreeKnowledge,
    project: &Project,
    modules: &[usize],
    declared: &BTreeSet<String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for &m in modules {
        for name in knowledge.env_reads.get(m).into_iter().flatten() {
            if !declared.contains(name) {
                out.entry(name.clone())
                    .or_default()
                    .push(format!("read by {}", project.modules[m].file.rel));
            }
        }
    }
    out
}

/// Plans one tree: every file its production entries reach (or `--only` files and what they
/// need), in dependency order.
pub fn plan_tree(
    project: &Project,
    knowledge: &TreeKnowledge,
    options: &PlanOptions,
) -> Result<Plan> {
    let nothing_satisfied = vec![false; project.modules.len()];
    let planned = if options.only.is_empty() {
        let reachable = knowledge.production_reachable(project);
        let roots: Vec<usize> = (0..reachable.len()).filter(|&m| reachable[m]).collect();
        closure(project, &roots, &nothing_satisfied)
    } else {
        closure(
            project,
            &only_modules(project, &options.only, "PATH")?,
            &nothing_satisfied,
        )
    };
    let missing = missing_imports(project, |m, i| {
        matches!(
            project.modules[m].resolutions[i],
            Resolution::Unresolved { .. }
        )
    });
    let staging = stage(&PlanInput {
        project,
        planned,
        missing,
        mounts: &knowledge.mounts,
    });
    // Every env source the env stage reads (dotenv, compose, Dockerfile, …), names only.
    let declared: BTreeSet<String> = project
        .env_declarations
        .items
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let env_sources = env_to_declare(knowledge, project, &staging.shipped, &declared);
    Ok(Plan {
        version: crate::JSON_VERSION,
        setup: Setup {
            packages: packages_needed(project, &staging.shipped, project)
                .into_iter()
                .collect(),
            env: env_sources.keys().cloned().collect(),
            env_sources,
        },
        stages: staging.stages,
        blocked: staging.blocked,
    })
}

/// Plans bringing PROD into LOCAL: PROD-only and changed files that PROD's entries reach (or
/// `--only` files), plus the PROD files they need; files identical in LOCAL are satisfied.
pub fn plan_from(pair: &TreePair, options: &PlanOptions) -> Result<Plan> {
    let prod = &pair.prod;
    let satisfied: Vec<bool> = prod
        .modules
        .iter()
        .map(|m| pair.satisfied_in_local(&m.file.rel))
        .collect();
    let roots: Vec<usize> = if options.only.is_empty() {
        let reachable = pair.prod_knowledge.production_reachable(prod);
        (0..reachable.len()).filter(|&m| reachable[m]).collect()
    } else {
        only_modules(prod, &options.only, "PROD")?
    };
    let planned = closure(prod, &roots, &satisfied);
    let missing = missing_imports(prod, |m, i| {
        pair.union_resolutions[m][i] == UnionResolution::Nowhere
    });
    let staging = stage(&PlanInput {
        project: prod,
        planned,
        missing,
        mounts: &pair.prod_knowledge.mounts,
    });
    let local_declared = env_names(&pair.local_env_keys, &TreeKnowledge::default());
    let mut env_sources = env_to_declare(
        &pair.prod_knowledge,
        prod,
        &staging.shipped,
        &local_declared,
    );
    // Variables production declares and the repo does not: the story's DATABASE_URL crash.
    for (file, keys) in &pair.prod_env_keys {
        for key in keys.iter().filter(|k| !local_declared.contains(*k)) {
            env_sources
                .entry(key.clone())
                .or_default()
                .push(format!("declared in PROD {file}"));
        }
    }
    Ok(Plan {
        version: crate::JSON_VERSION,
        setup: Setup {
            packages: packages_needed(prod, &staging.shipped, &pair.local)
                .into_iter()
                .collect(),
            env: env_sources.keys().cloned().collect(),
            env_sources,
        },
        stages: staging.stages,
        blocked: staging.blocked,
    })
}
