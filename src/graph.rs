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
