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
