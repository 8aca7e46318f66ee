//! Syntax-error ranges from the ERROR and MISSING nodes of a tree.

use tree_sitter::Node;

use super::extract::{node_text, span_of};
use crate::facts::SyntaxError;

/// How many syntax-error ranges to keep per file.
const MAX_SYNTAX_ERRORS: usize = 5;

pub(super) fn collect_syntax_errors(node: Node, text: &str, out: &mut Vec<SyntaxError>) {
    if out.len() >= MAX_SYNTAX_ERRORS {
        return;
    }
    if node.is_missing() {
        out.push(SyntaxError {
            span: span_of(node, text),
            message: format!("missing `{}`", node.kind()),
        });
        return;
    }
    if node.is_error() {
        let snippet: String = node_text(node, text).chars().take(20).collect();
        let snippet = snippet.lines().next().unwrap_or("").trim().to_string();
        let message = if snippet.is_empty() {
            "unexpected input".to_string()
        } else {
            format!("unexpected `{snippet}`")
        };
        out.push(SyntaxError {
            span: span_of(node, text),
            message,
        });
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() {
            collect_syntax_errors(child, text, out);
        }
    }
}
