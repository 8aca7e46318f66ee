//! `treeaudit graph`: the import graph as Graphviz dot, Mermaid or JSON.
//! Edge kinds are styles; files and edges in cycles are drawn red.

use crate::facts::ImportKind;
use crate::graph::GraphView;

/// Output formats of `treeaudit graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz (`dot -Tsvg`).
    Dot,
    /// Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// Nodes, edges and cycles as JSON.
    Json,
}

/// Renders a graph view.
pub fn render(view: &GraphView, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dot(view),
        GraphFormat::Mermaid => mermaid(view),
        GraphFormat::Json => super::json::render(view),
    }
}

fn kind_name(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Static => "static",
        ImportKind::Dynamic => "dynamic",
        ImportKind::Require => "require",
        ImportKind::ReExport => "re-export",
        ImportKind::TypeOnly => "type-only",
    }
}

fn dot_style(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Static => "solid",
        ImportKind::Dynamic => "dashed",
        ImportKind::Require => "bold",
        ImportKind::ReExport => "solid\", arrowhead=\"empty",
        ImportKind::TypeOnly => "dotted",
    }
}

/// A double-quoted dot string.
fn dot_quote(text: &str) -> String {
    let text = super::escape(text);
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(view: &GraphView) -> String {
    let mut out = String::from(
        "digraph imports {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontsize=8];\n",
    );
    for node in &view.nodes {
        let mut attrs = Vec::new();
        if node.in_cycle {
            attrs.push("color=\"red\", fontcolor=\"red\"".to_string());
        }
        if node.focus {
            attrs.push("style=\"filled\", fillcolor=\"lightyellow\"".to_string());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!("  {}{attrs};\n", dot_quote(&node.file)));
    }
    for edge in &view.edges {
        let color = if edge.in_cycle { ", color=\"red\"" } else { "" };
        out.push_str(&format!(
            "  {} -> {} [style=\"{}\", tooltip=\"{}\"{color}];\n",
            dot_quote(&edge.from),
            dot_quote(&edge.to),
            dot_style(edge.kind),
            kind_name(edge.kind)
        ));
    }
    out.push_str("}\n");
    out
}

fn mermaid(view: &GraphView) -> String {
    let id = |file: &str| {
        view.nodes
            .binary_search_by(|n| n.file.as_str().cmp(file))
            .map_or_else(|_| "missing".to_string(), |i| format!("n{i}"))
    };
    let mut out = String::from("flowchart LR\n");
    for (i, node) in view.nodes.iter().enumerate() {
        // Mermaid labels cannot hold a raw double quote.
        let label = super::escape(&node.file).replace('"', "#quot;");
        out.push_str(&format!("  n{i}[\"{label}\"]\n"));
    }
    let mut cycle_links = Vec::new();
    for (link, edge) in view.edges.iter().enumerate() {
        let arrow = match edge.kind {
            ImportKind::Static | ImportKind::ReExport => "-->",
            ImportKind::Require => "==>",
            ImportKind::Dynamic | ImportKind::TypeOnly => "-.->",
        };
        out.push_str(&format!(
            "  {} {arrow}|{}| {}\n",
            id(&edge.from),
            kind_name(edge.kind),
            id(&edge.to)
        ));
        if edge.in_cycle {
            cycle_links.push(link.to_string());
        }
    }
    let in_cycle: Vec<String> = view
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.in_cycle)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if !in_cycle.is_empty() {
        out.push_str("  classDef cycle stroke:#d00,stroke-width:2px,color:#d00\n");
        out.push_str(&format!("  class {} cycle\n", in_cycle.join(",")));
    }
    if !cycle_links.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#d00,stroke-width:2px\n",
            cycle_links.join(",")
        ));
    }
    if let Some(i) = view.nodes.iter().position(|n| n.focus) {
        out.push_str(&format!("  style n{i} fill:#ffd\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphEdge, GraphNode};

    fn view() -> GraphView {
        let node = |file: &str, in_cycle: bool| GraphNode {
            file: file.to_string(),
            in_cycle,
            focus: false,
        };
        let edge = |from: &str, to: &str, kind, in_cycle| GraphEdge {
            from: from.to_string(),
            to: to.to_string(),
            kind,
            in_cycle,
        };
        GraphView {
            nodes: vec![
                node("src/a.js", true),
                node("src/b \"x\".js", true),
                node("src/c.ts", false),
            ],
            edges: vec![
                edge("src/a.js", "src/b \"x\".js", ImportKind::Static, true),
                edge("src/b \"x\".js", "src/a.js", ImportKind::Require, true),
                edge("src/a.js", "src/c.ts", ImportKind::TypeOnly, false),
            ],
            cycles: vec![vec!["src/a.js".into(), "src/b \"x\".js".into()]],
        }
    }

    #[test]
    fn dot_quotes_paths_styles_kinds_and_colours_cycles() {
        let out = dot(&view());
        assert!(out.contains(r#""src/b \"x\".js" [color="red""#), "{out}");
        assert!(
            out.contains(r#""src/a.js" -> "src/c.ts" [style="dotted""#),
            "{out}"
        );
        assert!(
            out.contains(r#"-> "src/a.js" [style="bold", tooltip="require", color="red"]"#),
            "{out}"
        );
        assert!(!out.contains("\"src/c.ts\" [color"), "{out}");
    }

    #[test]
    fn mermaid_marks_cycle_nodes_and_links() {
        let out = mermaid(&view());
        assert!(out.starts_with("flowchart LR\n"));
        assert!(out.contains("n1[\"src/b #quot;x#quot;.js\"]"), "{out}");
        assert!(out.contains("n0 -.->|type-only| n2"), "{out}");
        assert!(out.contains("class n0,n1 cycle"), "{out}");
        assert!(out.contains("linkStyle 0,1 stroke"), "{out}");
    }
}
