//! The import graph: modules as nodes, imports as typed edges. The one place that knows
//! graph algorithms.

use petgraph::graph::{DiGraph, NodeIndex};

use crate::facts::ImportKind;

/// An edge: module `from` imports module `to` through `facts.imports[import]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportEdge {
    /// Index into the importer's `facts.imports`.
    pub import: usize,
    /// Form of the import.
    pub kind: ImportKind,
}

/// Modules (node weight = index into `Project::modules`) and their import edges.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    /// The petgraph graph. Node `i` is module `i`.
    pub graph: DiGraph<usize, ImportEdge>,
}

impl ModuleGraph {
    /// A graph with `count` modules and no edges.
    pub fn with_modules(count: usize) -> ModuleGraph {
        let mut graph = DiGraph::with_capacity(count, count * 4);
        for i in 0..count {
            graph.add_node(i);
        }
        ModuleGraph { graph }
    }

    /// Adds an import edge.
    pub fn add_edge(&mut self, from: usize, to: usize, edge: ImportEdge) {
        self.graph
            .add_edge(NodeIndex::new(from), NodeIndex::new(to), edge);
    }

    /// Modules imported by `module`, with the edge.
    pub fn imports_of(&self, module: usize) -> impl Iterator<Item = (usize, &ImportEdge)> {
        use petgraph::visit::EdgeRef;
        self.graph
            .edges(NodeIndex::new(module))
            .map(|e| (e.target().index(), e.weight()))
    }

    /// Modules that import `module`, with the edge.
    pub fn importers_of(&self, module: usize) -> impl Iterator<Item = (usize, &ImportEdge)> {
        use petgraph::visit::EdgeRef;
        self.graph
            .edges_directed(NodeIndex::new(module), petgraph::Direction::Incoming)
            .map(|e| (e.source().index(), e.weight()))
    }
}

/// How a module was first reached by a breadth-first search from entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The module is an entry itself.
    Entry,
    /// Reached from `importer`, whose import is written on `line` (0 for a directory load).
    From {
        /// The module that imports (or loads) this one.
        importer: usize,
        /// 1-based line of the import in `importer`.
        line: u32,
    },
}

/// An edge that is not an import: a directory loader (`readdirSync`, `import.meta.glob`,
/// autoload) that loads `to` from `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadEdge {
    /// The loading module.
    pub from: usize,
    /// The loaded module.
    pub to: usize,
    /// 1-based line of the loader call.
    pub line: u32,
}

/// Whether a module runs in production, only under tests, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// Reached from a production entry (`main`, a start script, a framework page, …).
    Production,
    /// Reached only from tests or tool configuration.
    TestOnly,
    /// No entry reaches it.
    Unreachable,
}

/// Which modules the entries reach, with the shortest chain to each (for `treeaudit why`).
#[derive(Debug, Clone, Default)]
pub struct Reachability {
    /// Per module: how a production entry first reached it.
    pub production: Vec<Option<Step>>,
    /// Per module: how a production entry that Node runs as written (not a bundle, not a
    /// browser page) reaches it without entering a bundler's output: the code whose imports
    /// must be installed in production.
    pub runtime: Vec<Option<Step>>,
    /// Per module: how a test or config entry first reached it.
    pub other: Vec<Option<Step>>,
    /// Per module: how a production entry or a maintainer script reaches it when paths
    /// written as strings (in code or in a JSON file the code reads) count as loads too.
    /// Such a file is not dead, but not known to run in production either.
    pub by_path: Vec<Option<Step>>,
}

impl Reachability {
    /// **The** question later stages ask: does this module run in production? True when a
    /// production entry reaches it through imports (any kind) or directory loaders.
    pub fn is_production_reachable(&self, module: usize) -> bool {
        self.production.get(module).is_some_and(Option::is_some)
    }

    /// Whether Node runs the module as written in production (see [`Reachability::runtime`]).
    pub fn is_runtime_reachable(&self, module: usize) -> bool {
        self.runtime.get(module).is_some_and(Option::is_some)
    }

    /// Whether a production entry reaches the module once paths named as strings count.
    pub fn is_loaded_by_path(&self, module: usize) -> bool {
        self.by_path.get(module).is_some_and(Option::is_some)
    }

    /// Production, test-only or unreachable.
    pub fn reach(&self, module: usize) -> Reach {
        if self.is_production_reachable(module) {
            Reach::Production
        } else if self.other.get(module).is_some_and(Option::is_some) {
            Reach::TestOnly
        } else {
            Reach::Unreachable
        }
    }

    /// The shortest chain from an entry to `module`, entry first: `(module, line)` where
    /// `line` is where the previous module imports it (0 for the entry and directory loads).
    /// Production entries are preferred, then tests and configs, then paths named as strings
    /// (`fork('./worker.js')`); `None` when nothing reaches it.
    pub fn shortest_chain(&self, module: usize) -> Option<Vec<(usize, u32)>> {
        let reached = |steps: &Vec<Option<Step>>| steps.get(module).is_some_and(Option::is_some);
        let steps = if reached(&self.production) {
            &self.production
        } else if reached(&self.other) {
            &self.other
        } else {
            &self.by_path
        };
        let mut chain = Vec::new();
        let mut current = module;
        loop {
            match (*steps.get(current)?)? {
                Step::Entry => {
                    chain.push((current, 0));
                    break;
                }
                Step::From { importer, line } => {
                    chain.push((current, line));
                    current = importer;
                }
            }
            if chain.len() > steps.len() {
                return None;
            }
        }
        chain.reverse();
        Some(chain)
    }
}

impl ModuleGraph {
    /// Breadth-first search from `starts` over every import edge (type-only and dynamic
    /// included: the file is used) and the `loads` edges. `lines[m][i]` gives the line of
    /// `m`'s import `i`. Returns how each module was first reached.
    pub fn reachable_from(
        &self,
        starts: &[usize],
        loads: &[LoadEdge],
        import_line: impl Fn(usize, usize) -> u32,
    ) -> Vec<Option<Step>> {
        self.reachable_from_except(starts, loads, import_line, |_, _| false)
    }

    /// [`ModuleGraph::reachable_from`] without the import edges `skip(module, import)` names.
    pub fn reachable_from_except(
        &self,
        starts: &[usize],
        loads: &[LoadEdge],
        import_line: impl Fn(usize, usize) -> u32,
        skip: impl Fn(usize, usize) -> bool,
    ) -> Vec<Option<Step>> {
        let count = self.graph.node_count();
        let mut steps: Vec<Option<Step>> = vec![None; count];
        let mut loads_from: Vec<Vec<&LoadEdge>> = vec![Vec::new(); count];
        for load in loads {
            if load.from < count && load.to < count {
                loads_from[load.from].push(load);
            }
        }
        let mut queue = std::collections::VecDeque::new();
        for &start in starts {
            if start < count && steps[start].is_none() {
                steps[start] = Some(Step::Entry);
                queue.push_back(start);
            }
        }
        while let Some(module) = queue.pop_front() {
            // Sorted neighbours keep chains deterministic.
            let mut next: Vec<(usize, u32)> = self
                .imports_of(module)
                .filter(|(_, edge)| !skip(module, edge.import))
                .map(|(to, edge)| (to, import_line(module, edge.import)))
                .collect();
            next.extend(loads_from[module].iter().map(|l| (l.to, l.line)));
            next.sort_unstable();
            for (to, line) in next {
                if steps[to].is_none() {
                    steps[to] = Some(Step::From {
                        importer: module,
                        line,
                    });
                    queue.push_back(to);
                }
            }
        }
        steps
    }

    /// Import cycles: each strongly connected component of value imports (type-only and
    /// dynamic `import()` edges excluded), as one cycle in import order starting at the
    /// component's lowest module index. The last module imports the first.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        use petgraph::visit::EdgeFiltered;
        let value_edges = EdgeFiltered::from_fn(&self.graph, |e| {
            !matches!(e.weight().kind, ImportKind::TypeOnly | ImportKind::Dynamic)
        });
        let mut cycles = Vec::new();
        for component in petgraph::algo::tarjan_scc(&value_edges) {
            let members: std::collections::HashSet<usize> =
                component.iter().map(|n| n.index()).collect();
            let Some(&start) = members.iter().min() else {
                continue;
            };
            let is_value =
                |kind: ImportKind| !matches!(kind, ImportKind::TypeOnly | ImportKind::Dynamic);
            if members.len() == 1 {
                let self_loop = self
                    .imports_of(start)
                    .any(|(to, e)| to == start && is_value(e.kind));
                if self_loop {
                    cycles.push(vec![start]);
                }
                continue;
            }
            // Shortest path start → … → start inside the component.
            let mut parent: std::collections::HashMap<usize, usize> = Default::default();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut closing = None;
            'search: while let Some(module) = queue.pop_front() {
                let mut next: Vec<usize> = self
                    .imports_of(module)
                    .filter(|(to, e)| members.contains(to) && is_value(e.kind))
                    .map(|(to, _)| to)
                    .collect();
                next.sort_unstable();
                for to in next {
                    if to == start {
                        closing = Some(module);
                        break 'search;
                    }
                    if to != start && !parent.contains_key(&to) {
                        parent.insert(to, module);
                        queue.push_back(to);
                    }
                }
            }
            let Some(mut current) = closing else { continue };
            let mut cycle = vec![current];
            while current != start {
                match parent.get(&current) {
                    Some(&p) => {
                        current = p;
                        cycle.push(current);
                    }
                    None => break,
                }
            }
            cycle.reverse();
            cycles.push(cycle);
        }
        cycles.sort();
        cycles
    }
}
impl ModuleGraph {
    /// Modules reachable from `roots` (roots included) along the edges `follow` accepts.
    pub fn reachable(&self, roots: &[usize], follow: impl Fn(&ImportEdge) -> bool) -> Vec<bool> {
        let mut seen = vec![false; self.graph.node_count()];
        let mut stack: Vec<usize> = Vec::new();
        for &root in roots {
            if root < seen.len() && !seen[root] {
                seen[root] = true;
                stack.push(root);
            }
        }
        while let Some(module) = stack.pop() {
            for (target, edge) in self.imports_of(module) {
                if follow(edge) && !seen[target] {
                    seen[target] = true;
                    stack.push(target);
                }
            }
        }
        seen
    }
}

/// A group of nodes that must ship together: one node, or every node of one import cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Node indices, ascending.
    pub nodes: Vec<usize>,
    /// More than one node: a strongly connected component.
    pub cycle: bool,
}

/// Orders the `included` nodes of a dependency graph into stages.
///
/// `edges` are `(importer, dependency)` pairs: the dependency must ship no later than the
/// importer. Strongly connected components are condensed into one [`Unit`] (a cycle ships
/// as one), then the condensation is layered by Kahn's algorithm: stage `k` (0-based here)
/// holds the units whose dependencies are all in earlier stages. Units inside a stage are
/// sorted by their smallest node index; callers number nodes in path order, so the result
/// is sorted by path and deterministic. Edges touching excluded nodes are ignored.
pub fn layer_by_dependencies(
    node_count: usize,
    edges: &[(usize, usize)],
    included: &[bool],
) -> Vec<Vec<Unit>> {
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let mut local_index = vec![usize::MAX; node_count];
    for (node, slot) in local_index.iter_mut().enumerate() {
        if included.get(node).copied().unwrap_or(false) {
            *slot = graph.add_node(node).index();
        }
    }
    for &(from, to) in edges {
        let (Some(&a), Some(&b)) = (local_index.get(from), local_index.get(to)) else {
            continue;
        };
        if a != usize::MAX && b != usize::MAX {
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        }
    }
    let condensed = petgraph::algo::condensation(graph, true);
    let units: Vec<Unit> = condensed
        .node_weights()
        .map(|nodes| {
            let mut nodes = nodes.clone();
            nodes.sort_unstable();
            Unit {
                cycle: nodes.len() > 1,
                nodes,
            }
        })
        .collect();
    // Kahn over the condensation: a unit is ready when every distinct dependency unit is placed.
    let unit_count = units.len();
    let mut dependencies: Vec<std::collections::BTreeSet<usize>> =
        vec![Default::default(); unit_count];
    let mut importers: Vec<Vec<usize>> = vec![Vec::new(); unit_count];
    for edge in condensed.edge_indices() {
        if let Some((a, b)) = condensed.edge_endpoints(edge)
            && a != b
            && dependencies[a.index()].insert(b.index())
        {
            importers[b.index()].push(a.index());
        }
    }
    let mut remaining: Vec<usize> = dependencies.iter().map(|d| d.len()).collect();
    let mut ready: Vec<usize> = (0..unit_count).filter(|&u| remaining[u] == 0).collect();
    let mut stages = Vec::new();
    while !ready.is_empty() {
        let mut next = Vec::new();
        for &unit in &ready {
            for &importer in &importers[unit] {
                remaining[importer] -= 1;
                if remaining[importer] == 0 {
                    next.push(importer);
                }
            }
        }
        let mut stage: Vec<Unit> = ready.iter().map(|&u| units[u].clone()).collect();
        stage.sort_by_key(|u| u.nodes.first().copied());
        stages.push(stage);
        ready = next;
    }
    stages
}

/// For every node, the `broken` nodes it depends on through one or more `edges`
/// (`(importer, dependency)` pairs), itself excluded, ascending. A node is blocked when it is
/// broken itself or this set is non-empty.
pub fn blocked_by(node_count: usize, edges: &[(usize, usize)], broken: &[bool]) -> Vec<Vec<usize>> {
    let mut importers: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    for &(from, to) in edges {
        if from < node_count && to < node_count {
            importers[to].push(from);
        }
    }
    let mut result: Vec<Vec<usize>> = vec![Vec::new(); node_count];
    let mut seen = vec![usize::MAX; node_count];
    for source in (0..node_count).filter(|&n| broken.get(n).copied().unwrap_or(false)) {
        // Walk importers backwards from each broken node; `seen` is stamped per source.
        seen[source] = source;
        let mut stack = vec![source];
        while let Some(node) = stack.pop() {
            for &importer in &importers[node] {
                if seen[importer] != source {
                    seen[importer] = source;
                    result[importer].push(source);
                    stack.push(importer);
                }
            }
        }
    }
    // Sources are visited in ascending order, so every list is already sorted.
    result
}

impl ModuleGraph {
    /// Modules within `depth` import steps of `focus`, in either direction, sorted.
    pub fn neighbourhood(&self, focus: usize, depth: usize) -> Vec<usize> {
        let mut seen = std::collections::BTreeSet::from([focus]);
        let mut frontier = vec![focus];
        for _ in 0..depth {
            let mut next = Vec::new();
            for &module in &frontier {
                let around = self
                    .imports_of(module)
                    .map(|(m, _)| m)
                    .chain(self.importers_of(module).map(|(m, _)| m));
                for other in around {
                    if seen.insert(other) {
                        next.push(other);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        seen.into_iter().collect()
    }
}

/// A graph ready to render: files, typed edges, cycles. Built from a project; sorted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GraphView {
    /// Files, sorted by path.
    pub nodes: Vec<GraphNode>,
    /// Edges, sorted by (from, to, kind).
    pub edges: Vec<GraphEdge>,
    /// Cycles among the shown files, each a sorted list of paths.
    pub cycles: Vec<Vec<String>>,
}

/// One file in a [`GraphView`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GraphNode {
    /// Root-relative path.
    pub file: String,
    /// Whether the file is part of an import cycle.
    pub in_cycle: bool,
    /// Whether this is the `--focus` file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub focus: bool,
}

/// One import in a [`GraphView`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct GraphEdge {
    /// Importing file.
    pub from: String,
    /// Imported file.
    pub to: String,
    /// Form of the import.
    pub kind: ImportKind,
    /// Whether both ends are in the same cycle.
    pub in_cycle: bool,
}

impl GraphView {
    /// The whole graph, or the neighbourhood of `focus` (a module index) within `depth` steps.
    pub fn of(project: &crate::Project, focus: Option<usize>, depth: usize) -> GraphView {
        let graph = &project.graph;
        let shown: Vec<usize> = match focus {
            Some(focus) => graph.neighbourhood(focus, depth),
            None => (0..project.modules.len()).collect(),
        };
        let is_shown = |m: usize| shown.binary_search(&m).is_ok();
        let mut cycle_of = vec![None; project.modules.len()];
        let mut cycles = Vec::new();
        for (i, cycle) in graph.cycles().into_iter().enumerate() {
            for &m in &cycle {
                cycle_of[m] = Some(i);
            }
            let files: Vec<String> = cycle
                .iter()
                .filter(|&&m| is_shown(m))
                .map(|&m| project.modules[m].file.rel.clone())
                .collect();
            if !files.is_empty() {
                cycles.push(files);
            }
        }
        let rel = |m: usize| project.modules[m].file.rel.clone();
        let nodes = shown
            .iter()
            .map(|&m| GraphNode {
                file: rel(m),
                in_cycle: cycle_of[m].is_some(),
                focus: Some(m) == focus,
            })
            .collect();
        let mut edges: Vec<GraphEdge> = shown
            .iter()
            .flat_map(|&from| {
                graph
                    .imports_of(from)
                    .filter(move |&(to, _)| is_shown(to))
                    .map(move |(to, edge)| (from, to, edge.kind))
            })
            .map(|(from, to, kind)| GraphEdge {
                from: rel(from),
                to: rel(to),
                kind,
                in_cycle: cycle_of[from].is_some() && cycle_of[from] == cycle_of[to],
            })
            .collect();
        edges.sort();
        edges.dedup();
        GraphView {
            nodes,
            edges,
            cycles,
        }
    }
}
