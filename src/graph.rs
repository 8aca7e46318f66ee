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

impl ModuleGraph {
    /// Strongly connected components that form cycles (two or more modules, or a module
    /// importing itself), each sorted, in order of their first module.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut cycles: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&self.graph)
            .into_iter()
            .filter(|component| {
                component.len() > 1
                    || component
                        .first()
                        .is_some_and(|&n| self.graph.contains_edge(n, n))
            })
            .map(|component| {
                let mut modules: Vec<usize> = component.into_iter().map(|n| n.index()).collect();
                modules.sort_unstable();
                modules
            })
            .collect();
        cycles.sort();
        cycles
    }

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
