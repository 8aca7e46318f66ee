//! Turns a syntax tree into [`ModuleFacts`]: one walk hands each node to the concern that
//! reads it; the node readers every concern shares live here too.

use super::FieldExt;
use tree_sitter::{Node, Tree};

use super::comments::comment_node;
use super::commonjs::{
    commonjs_assignment, commonjs_computed_assignment, commonjs_define, commonjs_object_call,
};
use super::env::{env_alias_reads, env_object, env_schema, use_client_directive};
use super::exports::{ambient_module, export_statement};
use super::imports::{dynamic_import, import_statement, require_call};
use super::paths::{path_literals, path_reference, path_string};
use super::routes::{
    base_path, binding_declarator, glob_call, mount_call, namespace_binding, new_router,
    readdir_call, registration_call,
};
use super::syntax_errors::collect_syntax_errors;
use crate::facts::{EnvReadForm, ImportKind, ModuleFacts, Span};

/// Nodes the later passes (endpoints, loaders, type erasure, env flow) read, gathered by the
/// one walk in document order, so no pass walks the tree again.
#[derive(Default)]
pub(super) struct Index<'t> {
    /// `(kind, node)` for every node of a [`Kind`], in document order.
    nodes: Vec<(Kind, Node<'t>)>,
    /// Identifiers outside import statements (`identifier`, `shorthand_property_identifier`,
    /// `type_identifier`), and whether each is in a type position (see
    /// `types::erase_type_only_imports`; a `type_identifier` always is).
    pub identifiers: Vec<Identifier<'t>>,
}

/// An identifier the walk indexed.
#[derive(Clone, Copy)]
pub(super) struct Identifier<'t> {
    pub node: Node<'t>,
    /// The node's parent, known to the walk (`Node::parent` searches down from the root).
    pub parent: Option<Node<'t>>,
    pub in_type: bool,
    /// A plain `identifier` node (not a shorthand property or a type name).
    pub plain: bool,
}

/// The node kinds an [`Index`] keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Call,
    Pair,
    Class,
    Decorator,
    Declarator,
    Parameters,
    Arrow,
    Assignment,
}

impl<'t> Index<'t> {
    /// The indexed nodes of any of `kinds`, in document order.
    pub(super) fn of<'a>(
        &'a self,
        kinds: &'a [Kind],
    ) -> impl Iterator<Item = (Kind, Node<'t>)> + 'a {
        self.nodes
            .iter()
            .filter(move |(k, _)| kinds.contains(k))
            .copied()
    }

    fn note(&mut self, kind: &str, node: Node<'t>) {
        if let Some(kind) = Index::kind_of(kind) {
            self.nodes.push((kind, node));
        }
    }

    /// The [`Kind`] a node of this kind name is indexed as.
    fn kind_of(kind: &str) -> Option<Kind> {
        Some(match kind {
            "call_expression" => Kind::Call,
            "pair" => Kind::Pair,
            "class_declaration" | "abstract_class_declaration" => Kind::Class,
            "decorator" => Kind::Decorator,
            "variable_declarator" => Kind::Declarator,
            "formal_parameters" => Kind::Parameters,
            "arrow_function" => Kind::Arrow,
            "assignment_expression" | "augmented_assignment_expression" => Kind::Assignment,
            _ => return None,
        })
    }
}

/// What the walk does with a node of a kind: hand it to [`visit`], note it in the [`Index`],
/// consider it as an identifier, or let it change the [`Context`] of its children.
const VISIT: u8 = 1;
const NOTE: u8 = 2;
const IDENTIFIER: u8 = 4;
const CONTEXT: u8 = 8;
/// A kind id beyond the table (never in a tree of the table's language): every concern looks.
const ANY: u8 = VISIT | NOTE | IDENTIFIER | CONTEXT;

/// Per grammar: each kind id's name, and what the walk does with it ([`VISIT`] …). Built from
/// the same names the concerns match, so a kind is read exactly as when the walk compared
/// every node's name, only without fetching it (a C string, measured and validated per call)
/// for the nodes nobody reads.
struct KindTable {
    names: Vec<String>,
    flags: Vec<u8>,
}

thread_local! {
    static KIND_TABLES: std::cell::RefCell<Vec<(tree_sitter::Language, std::rc::Rc<KindTable>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl KindTable {
    fn of(language: &tree_sitter::Language) -> std::rc::Rc<KindTable> {
        KIND_TABLES.with(|tables| {
            let mut tables = tables.borrow_mut();
            if let Some((_, table)) = tables.iter().find(|(l, _)| l == language) {
                return table.clone();
            }
            let count = language.node_kind_count();
            let names: Vec<String> = (0..count)
                .map(|id| {
                    u16::try_from(id)
                        .ok()
                        .and_then(|id| language.node_kind_for_id(id))
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            let flags = names.iter().map(|name| KindTable::flags_of(name)).collect();
            let table = std::rc::Rc::new(KindTable { names, flags });
            tables.push((language.clone(), table.clone()));
            table
        })
    }

    fn flags_of(kind: &str) -> u8 {
        let mut flags = 0;
        if matches!(
            kind,
            "import_statement"
                | "export_statement"
                | "call_expression"
                | "assignment_expression"
                | "member_expression"
                | "variable_declarator"
                | "namespace_import"
                | "new_expression"
                | "comment"
                | "string"
                | "template_string"
                | "ambient_declaration"
        ) {
            flags |= VISIT;
        }
        if Index::kind_of(kind).is_some() {
            flags |= NOTE;
        }
        if matches!(
            kind,
            "type_identifier" | "identifier" | "shorthand_property_identifier"
        ) {
            flags |= IDENTIFIER;
        }
        if matches!(
            kind,
            "nested_type_identifier"
                | "type_query"
                | "statement_block"
                | "program"
                | "expression_statement"
                | "arrow_function"
                | "call_expression"
                | "member_expression"
                | "import_statement"
        ) {
            flags |= CONTEXT;
        }
        flags
    }
}

/// Where the walk is, for the identifiers it indexes: inside a type (`Har.Request`,
/// `typeof x` in a type), inside an import statement.
#[derive(Clone, Copy, Default)]
struct Context {
    in_type: bool,
    in_import: bool,
}

impl Context {
    /// The context of `kind`'s children: the nearest type marker or expression boundary
    /// above an identifier decides whether it is in a type.
    fn enter(self, kind: &str) -> Context {
        let in_type = match kind {
            "nested_type_identifier" | "type_query" => true,
            "statement_block"
            | "program"
            | "expression_statement"
            | "arrow_function"
            | "call_expression"
            | "member_expression" => false,
            _ => self.in_type,
        };
        Context {
            in_type,
            in_import: self.in_import || kind == "import_statement",
        }
    }
}

/// Walks the tree once, depth first and without recursion (a hostile file may nest 100k
/// levels deep), handing each node to the concern that reads it. A hand walk replaced query
/// cursors: a cursor over deep trees could run for minutes, and the walk is faster on real code.
pub(super) fn extract(tree: &Tree, text: &str) -> ModuleFacts {
    extract_indexed(tree, text, false).0
}

/// [`extract`], also returning the [`Index`] the later passes read; `typescript` asks for
/// the identifier index type erasure needs.
pub(super) fn extract_indexed<'t>(
    tree: &'t Tree,
    text: &str,
    typescript: bool,
) -> (ModuleFacts, Index<'t>) {
    let mut facts = ModuleFacts::default();
    let mut index = Index::default();
    let mut env_aliases: Vec<(String, EnvReadForm)> = Vec::new();
    let root = tree.root_node();
    let table = KindTable::of(&tree.language());
    let mut cursor = root.walk();
    // The context of the current node's children, one entry per ancestor.
    let mut contexts: Vec<Context> = vec![Context::default()];
    // The current node's ancestors, nearest last (their count is its depth: `TreeCursor::depth`
    // costs the depth itself, quadratic on a deep tree).
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    'walk: loop {
        let node = cursor.node();
        // Most nodes are punctuation, names and operators no concern reads: the table says
        // so by kind id, without fetching and comparing the kind's name.
        let id = usize::from(node.kind_id());
        let flags = table.flags.get(id).copied().unwrap_or(ANY);
        let kind = if flags == 0 {
            ""
        } else {
            table
                .names
                .get(id)
                .map_or_else(|| node.kind(), String::as_str)
        };
        if flags & VISIT != 0 {
            visit(node, kind, &ancestors, text, &mut facts, &mut env_aliases);
        }
        if flags & NOTE != 0 {
            index.note(kind, node);
        }
        let context = contexts.last().copied().unwrap_or_default();
        if flags & IDENTIFIER != 0 && !context.in_import {
            let (in_type, plain) = match kind {
                "type_identifier" if typescript => (true, false),
                "identifier" => (context.in_type, true),
                "shorthand_property_identifier" => (context.in_type, false),
                _ => (false, false),
            };
            if plain || in_type || kind == "shorthand_property_identifier" {
                index.identifiers.push(Identifier {
                    node,
                    parent: ancestors.last().copied(),
                    in_type,
                    plain,
                });
            }
        }
        if cursor.goto_first_child() {
            ancestors.push(node);
            contexts.push(if flags & CONTEXT != 0 {
                context.enter(kind)
            } else {
                context
            });
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            contexts.pop();
            ancestors.pop();
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
    super::env_flow::module_env_pass(root, text, &index, &mut facts);
    (facts, index)
}

/// Names a route-registration call passes first: `registerRoutes(app)`.
const REGISTRATION_ARGUMENTS: &[&str] = &[
    "app",
    "server",
    "router",
    "fastify",
    "api",
    "application",
    "instance",
];

/// One node: the constructs it starts, in the order the concerns expect them; `ancestors`
/// are the node's, nearest last.
fn visit(
    node: Node,
    kind: &str,
    ancestors: &[Node],
    text: &str,
    facts: &mut ModuleFacts,
    env_aliases: &mut Vec<(String, EnvReadForm)>,
) {
    match kind {
        "import_statement" => import_statement(node, text, facts),
        "export_statement" => export_statement(node, text, facts),
        "call_expression" => call_expression(node, ancestors, text, facts),
        "assignment_expression" => match node.field("left").map(|l| l.kind()) {
            Some("member_expression") => commonjs_assignment(node, text, facts),
            Some("subscript_expression") => commonjs_computed_assignment(node, text, facts),
            _ => {}
        },
        "member_expression" => {
            let object = node.field("object");
            let property = node.field("property");
            let is_env = property
                .is_some_and(|p| p.kind() == "property_identifier" && node_text(p, text) == "env")
                && object.is_some_and(|o| match o.kind() {
                    "identifier" => matches!(node_text(o, text), "process" | "Bun" | "Deno"),
                    "meta_property" => node_text(o, text) == "import.meta",
                    _ => false,
                });
            if is_env {
                env_object(node, text, facts, env_aliases);
            }
        }
        "variable_declarator" => {
            let named = node.field("name").is_some_and(|n| n.kind() == "identifier");
            let value = node.field("value").map(|v| v.kind());
            if named
                && matches!(
                    value,
                    Some("call_expression" | "member_expression" | "await_expression")
                )
            {
                binding_declarator(node, text, facts);
            }
        }
        "namespace_import" if has_named_child(node, "identifier") => {
            namespace_binding(node, text, facts);
        }
        "new_expression"
            if node
                .field("arguments")
                .is_some_and(|a| a.kind() == "arguments" && has_named_child(a, "object")) =>
        {
            new_router(node, text, facts);
        }
        // `new URL("../templates", import.meta.url)`: a folder named relative to the file.
        "new_expression"
            if node
                .field("constructor")
                .is_some_and(|c| node_text(c, text) == "URL") =>
        {
            super::paths::module_relative_url(node, text, facts);
        }
        "comment" => comment_node(node, text, facts),
        "string" => {
            // `'use client'` as a statement of the program's prologue.
            if ancestors.len() == 2
                && let Some(statement) = ancestors.last().copied()
                && statement.kind() == "expression_statement"
            {
                use_client_directive(node, text, facts);
            }
            path_string(node, text, facts);
            if node_text(node, text).contains("sparse-checkout") {
                super::paths::sparse_checkout(node, text, facts);
            }
        }
        "template_string" => {
            super::paths::path_template(node, text, facts);
            if node_text(node, text).contains("sparse-checkout") {
                super::paths::sparse_checkout(node, text, facts);
            }
        }
        "ambient_declaration" => {
            let mut cursor = node.walk();
            let declares_module = node.named_children(&mut cursor).any(|c| {
                c.kind() == "module" && c.field("name").is_some_and(|n| n.kind() == "string")
            });
            if declares_module {
                ambient_module(node, text, facts);
            }
        }
        _ => {}
    }
}

/// The calls that import, export, read env, mount routes or name paths.
fn call_expression(node: Node, ancestors: &[Node], text: &str, facts: &mut ModuleFacts) {
    let Some(function) = node.field("function") else {
        return;
    };
    let arguments = node.field("arguments");
    let has_arguments = arguments.is_some_and(|a| a.kind() == "arguments");
    // `object.property(…)`: the two names, when both are plain.
    let (object, property) = if function.kind() == "member_expression" {
        let object = function.field("object");
        let property = function
            .field("property")
            .filter(|p| p.kind() == "property_identifier")
            .map(|p| node_text(p, text));
        (object, property)
    } else {
        (None, None)
    };
    let object_name = object
        .filter(|o| o.kind() == "identifier")
        .map(|o| node_text(o, text));
    match function.kind() {
        "identifier" => {
            let name = node_text(function, text);
            if name == "require" && has_arguments {
                require_call(node, ancestors, text, ImportKind::Require, facts);
            }
        }
        "import" => dynamic_import(node, ancestors, text, facts),
        _ => {}
    }
    if object_name == Some("require") && property == Some("resolve") {
        require_call(node, ancestors, text, ImportKind::Require, facts);
    }
    if object_name == Some("Object") && property == Some("defineProperty") {
        commonjs_define(node, text, facts);
    }
    let schema = match function.kind() {
        "identifier" => Some(node_text(function, text)),
        _ => property,
    };
    if matches!(schema, Some("createEnv" | "cleanEnv")) {
        env_schema(node, text, facts);
    }
    if has_arguments
        && matches!(
            schema,
            Some(
                "join"
                    | "resolve"
                    | "copy"
                    | "copySync"
                    | "cp"
                    | "cpSync"
                    | "copyFile"
                    | "copyFileSync"
            )
        )
    {
        path_literals(node, text, facts);
    }
    if has_arguments && matches!(property, Some("use" | "lazyUse" | "route" | "register")) {
        mount_call(node, text, facts);
    }
    if matches!(function.kind(), "identifier" | "call_expression")
        && let Some(arguments) = arguments
        && let Some(first) = arguments.named_child(0)
        && first.kind() == "identifier"
        && REGISTRATION_ARGUMENTS.contains(&node_text(first, text))
    {
        registration_call(node, text, facts);
    }
    if property == Some("basePath") {
        base_path(node, text, facts);
    }
    if matches!(function.kind(), "identifier" | "member_expression") {
        let callee = node_text(function, text);
        if callee.ends_with("readdir") || callee.ends_with("readdirSync") {
            readdir_call(node, text, facts);
        }
    }
    if property == Some("glob") {
        glob_call(node, text, facts);
    }
    if object_name == Some("path") && matches!(property, Some("join" | "resolve")) {
        path_reference(node, ancestors, text, facts);
    }
    if object_name == Some("Object") && matches!(property, Some("assign" | "defineProperties")) {
        commonjs_object_call(node, text, facts);
    }
    // require('path').resolve(__dirname, 'clean-tokens.js')
    if matches!(property, Some("join" | "resolve"))
        && let Some(inner) = object
        && inner.kind() == "call_expression"
        && inner
            .field("function")
            .is_some_and(|f| f.kind() == "identifier" && node_text(f, text) == "require")
    {
        path_reference(node, ancestors, text, facts);
    }
}

fn has_named_child(node: Node, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).any(|c| c.kind() == kind)
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
    let Some(arguments) = node.field("arguments") else {
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
            && let (Some(n), Some(v)) = (node.field("name"), node.field("value"))
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
            "export_statement" => match statement.field("declaration") {
                Some(d) => d,
                None => continue,
            },
            _ => continue,
        };
        if let Some(value) = declared_value(declaration, name, text) {
            return Some(value);
        }
    }
    None
}

/// The initializer of `name` in one `const`/`let`/`var` declaration (`const a = 1, name = …`).
pub(super) fn declared_value<'t>(
    declaration: Node<'t>,
    name: &str,
    text: &str,
) -> Option<Node<'t>> {
    let mut cursor = declaration.walk();
    declaration
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "variable_declarator")
        .find(|d| d.field("name").is_some_and(|n| node_text(n, text) == name))
        .and_then(|d| d.field("value"))
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
