//! Turns query captures into [`ModuleFacts`]: dispatches each capture to the concern that
//! reads it, and holds the node readers every concern shares.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use super::comments::comment_node;
use super::commonjs::{
    commonjs_assignment, commonjs_computed_assignment, commonjs_define, commonjs_object_call,
};
use super::env::{env_alias_reads, env_object, env_schema, use_client_directive};
use super::exports::{ambient_module, export_statement};
use super::imports::{dynamic_import, import_statement, require_call};
use super::paths::{path_reference, path_string};
use super::routes::{
    base_path, binding_declarator, glob_call, mount_call, namespace_binding, new_router,
    readdir_call, registration_call,
};
use super::syntax_errors::collect_syntax_errors;
use crate::facts::{EnvReadForm, ImportKind, ModuleFacts, Span};

pub(super) fn extract(
    tree: &Tree,
    text: &str,
    query: &Query,
    cursor: &mut QueryCursor,
) -> ModuleFacts {
    let mut facts = ModuleFacts::default();
    let mut env_aliases: Vec<(String, EnvReadForm)> = Vec::new();
    let names = query.capture_names();
    let root = tree.root_node();
    let mut matches = cursor.matches(query, root, text.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            let name = names[capture.index as usize];
            if name.starts_with('_') {
                continue;
            }
            let node = capture.node;
            match name {
                "import" => import_statement(node, text, &mut facts),
                "export" => export_statement(node, text, &mut facts),
                "require" => require_call(node, text, ImportKind::Require, &mut facts),
                "require.resolve" => require_call(node, text, ImportKind::Require, &mut facts),
                "dynamic_import" => dynamic_import(node, text, &mut facts),
                "commonjs.assign" => commonjs_assignment(node, text, &mut facts),
                "commonjs.define" => commonjs_define(node, text, &mut facts),
                "commonjs.assign_computed" => commonjs_computed_assignment(node, text, &mut facts),
                "commonjs.object_call" => commonjs_object_call(node, text, &mut facts),
                "ambient_module" => ambient_module(node, text, &mut facts),
                "route.mount" => mount_call(node, text, &mut facts),
                "route.registration" => registration_call(node, text, &mut facts),
                "route.binding" => binding_declarator(node, text, &mut facts),
                "route.namespace" => namespace_binding(node, text, &mut facts),
                "route.new_router" => new_router(node, text, &mut facts),
                "route.base_path" => base_path(node, text, &mut facts),
                "route.readdir" => readdir_call(node, text, &mut facts),
                "route.glob" => glob_call(node, text, &mut facts),
                "comment" => comment_node(node, text, &mut facts),
                "route.path_reference" => path_reference(node, text, &mut facts),
                "route.path_string" => path_string(node, text, &mut facts),
                "env.object" => env_object(node, text, &mut facts, &mut env_aliases),
                "env.schema" => env_schema(node, text, &mut facts),
                "env.directive" => use_client_directive(node, text, &mut facts),
                _ => {}
            }
        }
    }
    if root.has_error() {
        collect_syntax_errors(root, text, &mut facts.syntax_errors);
    }
    if !env_aliases.is_empty() {
        env_alias_reads(root, text, &env_aliases, &mut facts);
    }
    facts.env_reads.sort_by_key(|r| r.span.start);
    facts
        .env_reads
        .dedup_by(|a, b| a.span == b.span && a.name == b.name);
    super::env_flow::module_env_pass(root, text, &mut facts);
    facts
}

/// The 1-based line/column span of a node; columns count characters.
pub fn span_of(node: Node, text: &str) -> Span {
    let start = node.start_byte();
    let point = node.start_position();
    let line_start = start - point.column;
    let column = text
        .get(line_start..start)
        .map_or(point.column, |s| s.chars().count());
    Span {
        line: point.row as u32 + 1,
        column: column as u32 + 1,
        start: start as u32,
        end: node.end_byte() as u32,
    }
}

pub(super) fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

/// The value of a string literal or substitution-free template literal.
pub(super) fn literal_string(node: Node, text: &str) -> Option<String> {
    match node.kind() {
        "string" => {
            let raw = node_text(node, text);
            Some(
                raw.get(1..raw.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        "template_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution")
            {
                return None;
            }
            let raw = node_text(node, text);
            Some(
                raw.get(1..raw.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        _ => None,
    }
}

/// A name in an import/export specifier: identifier, `default`, or a string (`"a-b"`).
pub(super) fn specifier_name(node: Node, text: &str) -> String {
    literal_string(node, text).unwrap_or_else(|| node_text(node, text).to_string())
}

pub(super) fn has_keyword_child(node: Node, keyword: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == keyword)
}

/// Arguments of a call, without comments.
pub(super) fn call_arguments(node: Node) -> Vec<Node> {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The initial value of `const name = …` declared anywhere in the file.
pub(super) fn find_declaration<'t>(from: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut root = from;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "variable_declarator"
            && let (Some(n), Some(v)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            )
            && node_text(n, text) == name
        {
            return Some(v);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// The initializer of a top-level `const name = …` (also inside `export const`).
pub(super) fn top_level_initializer<'t>(
    program: Node<'t>,
    name: &str,
    text: &str,
) -> Option<Node<'t>> {
    let mut cursor = program.walk();
    for statement in program.named_children(&mut cursor) {
        let declaration = match statement.kind() {
            "lexical_declaration" | "variable_declaration" => statement,
            "export_statement" => match statement.child_by_field_name("declaration") {
                Some(d) => d,
                None => continue,
            },
            _ => continue,
        };
        let mut inner = declaration.walk();
        for declarator in declaration
            .named_children(&mut inner)
            .filter(|d| d.kind() == "variable_declarator")
        {
            if declarator
                .child_by_field_name("name")
                .is_some_and(|n| node_text(n, text) == name)
            {
                return declarator.child_by_field_name("value");
            }
        }
    }
    None
}

pub(super) fn unwrap_parentheses(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}
