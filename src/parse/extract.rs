//! Turns query captures into [`ModuleFacts`].

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use crate::facts::{
    ExportedName, Import, ImportKind, ImportedName, ModuleFacts, Span, Suppression, SyntaxError,
};

/// How many syntax-error ranges to keep per file.
const MAX_SYNTAX_ERRORS: usize = 5;

pub(super) fn extract(
    tree: &Tree,
    text: &str,
    query: &Query,
    cursor: &mut QueryCursor,
) -> ModuleFacts {
    let mut facts = ModuleFacts::default();
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
                "suppression" => suppression_comment(node, text, &mut facts),
                _ => {}
            }
        }
    }
    if root.has_error() {
        collect_syntax_errors(root, text, &mut facts.syntax_errors);
    }
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

fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

/// The value of a string literal or substitution-free template literal.
fn literal_string(node: Node, text: &str) -> Option<String> {
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
fn specifier_name(node: Node, text: &str) -> String {
    literal_string(node, text).unwrap_or_else(|| node_text(node, text).to_string())
}

fn has_keyword_child(node: Node, keyword: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == keyword)
}

fn import_statement(node: Node, text: &str, facts: &mut ModuleFacts) {
    let statement_type_only = has_keyword_child(node, "type");
    let mut cursor = node.walk();
    // TS `import x = require('y')`
    if let Some(clause) = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "import_require_clause")
    {
        if let Some(source) = clause.child_by_field_name("source") {
            facts.imports.push(Import {
                specifier: literal_string(source, text).unwrap_or_default(),
                kind: if statement_type_only {
                    ImportKind::TypeOnly
                } else {
                    ImportKind::Require
                },
                names: Vec::new(),
                namespace: true,
                analysable: true,
                span: span_of(source, text),
            });
        }
        return;
    }
    let Some(source) = node.child_by_field_name("source") else {
        return;
    };
    let mut import = Import {
        specifier: literal_string(source, text).unwrap_or_default(),
        kind: if statement_type_only {
            ImportKind::TypeOnly
        } else {
            ImportKind::Static
        },
        names: Vec::new(),
        namespace: false,
        analysable: true,
        span: span_of(source, text),
    };
    let mut has_value_binding = false;
    let mut saw_clause = false;
    let mut cursor = node.walk();
    for clause in node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "import_clause")
    {
        saw_clause = true;
        let mut inner = clause.walk();
        for part in clause.named_children(&mut inner) {
            match part.kind() {
                "identifier" => {
                    has_value_binding = true;
                    import.names.push(ImportedName {
                        imported: "default".to_string(),
                        local: Some(node_text(part, text).to_string()),
                        type_only: statement_type_only,
                        span: span_of(part, text),
                    });
                }
                "namespace_import" => {
                    has_value_binding = true;
                    import.namespace = true;
                }
                "named_imports" => {
                    let mut specs = part.walk();
                    for spec in part
                        .named_children(&mut specs)
                        .filter(|s| s.kind() == "import_specifier")
                    {
                        let Some(name) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let type_only = statement_type_only || has_keyword_child(spec, "type");
                        has_value_binding |= !type_only;
                        import.names.push(ImportedName {
                            imported: specifier_name(name, text),
                            local: spec
                                .child_by_field_name("alias")
                                .map(|a| node_text(a, text).to_string()),
                            type_only,
                            span: span_of(name, text),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    // `import { type A, type B } from 'x'` is erased entirely (no side effect kept).
    if saw_clause && !has_value_binding {
        import.kind = ImportKind::TypeOnly;
    }
    facts.imports.push(import);
}

fn export_statement(node: Node, text: &str, facts: &mut ModuleFacts) {
    let statement_type_only = has_keyword_child(node, "type");
    let source = node.child_by_field_name("source");
    let mut cursor = node.walk();
    let clause = node
        .named_children(&mut cursor)
        .find(|c| matches!(c.kind(), "export_clause" | "namespace_export"));

    if let Some(source) = source {
        let specifier = literal_string(source, text).unwrap_or_default();
        let mut import = Import {
            specifier: specifier.clone(),
            kind: if statement_type_only {
                ImportKind::TypeOnly
            } else {
                ImportKind::ReExport
            },
            names: Vec::new(),
            namespace: false,
            analysable: true,
            span: span_of(source, text),
        };
        match clause {
            Some(c) if c.kind() == "export_clause" => {
                let mut specs = c.walk();
                for spec in c
                    .named_children(&mut specs)
                    .filter(|s| s.kind() == "export_specifier")
                {
                    let Some(name) = spec.child_by_field_name("name") else {
                        continue;
                    };
                    let type_only = statement_type_only || has_keyword_child(spec, "type");
                    let imported = specifier_name(name, text);
                    let exported = spec
                        .child_by_field_name("alias")
                        .map_or_else(|| imported.clone(), |a| specifier_name(a, text));
                    import.names.push(ImportedName {
                        imported,
                        local: Some(exported.clone()),
                        type_only,
                        span: span_of(name, text),
                    });
                    facts.exports.names.push(ExportedName {
                        name: exported,
                        type_only,
                        span: span_of(spec, text),
                    });
                }
            }
            Some(ns) => {
                // export * as ns from 'x'
                import.namespace = true;
                let mut inner = ns.walk();
                if let Some(name) = ns.named_children(&mut inner).next() {
                    facts.exports.names.push(ExportedName {
                        name: specifier_name(name, text),
                        type_only: statement_type_only,
                        span: span_of(name, text),
                    });
                }
            }
            None => {
                // export * from 'x'
                import.namespace = true;
                facts.exports.star_from.push(specifier);
            }
        }
        facts.imports.push(import);
        return;
    }

    if let Some(c) = clause {
        let mut specs = c.walk();
        for spec in c
            .named_children(&mut specs)
            .filter(|s| s.kind() == "export_specifier")
        {
            let Some(name) = spec.child_by_field_name("name") else {
                continue;
            };
            let exported = spec.child_by_field_name("alias").unwrap_or(name);
            facts.exports.names.push(ExportedName {
                name: specifier_name(exported, text),
                type_only: statement_type_only || has_keyword_child(spec, "type"),
                span: span_of(spec, text),
            });
        }
        return;
    }
    if has_keyword_child(node, "default") {
        facts.exports.names.push(ExportedName {
            name: "default".to_string(),
            type_only: false,
            span: span_of(node, text),
        });
        return;
    }
    if has_keyword_child(node, "=") {
        // TS `export = x`: the module is CommonJS with an arbitrary `module.exports`.
        facts.exports.commonjs = true;
        facts.exports.opaque = true;
        return;
    }
    if let Some(declaration) = node.child_by_field_name("declaration") {
        declaration_names(declaration, text, &mut facts.exports.names);
    }
}

/// Names bound by an exported declaration.
fn declaration_names(declaration: Node, text: &str, out: &mut Vec<ExportedName>) {
    let kind = declaration.kind();
    match kind {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = declaration.walk();
            for declarator in declaration
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "variable_declarator")
            {
                if let Some(name) = declarator.child_by_field_name("name") {
                    pattern_names(name, text, false, out);
                }
            }
        }
        "ambient_declaration" => {
            // export declare const x / function f / class C / namespace N
            let mut cursor = declaration.walk();
            for inner in declaration.named_children(&mut cursor) {
                declaration_names(inner, text, out);
            }
        }
        _ => {
            let type_only = matches!(kind, "type_alias_declaration" | "interface_declaration");
            let name = declaration.child_by_field_name("name");
            if let Some(name) = name {
                out.push(ExportedName {
                    name: specifier_name(name, text),
                    type_only,
                    span: span_of(name, text),
                });
            }
        }
    }
}

/// Identifiers bound by a destructuring pattern (`{ a, b: c, ...rest }`, `[x, y]`).
fn pattern_names(pattern: Node, text: &str, type_only: bool, out: &mut Vec<ExportedName>) {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            out.push(ExportedName {
                name: node_text(pattern, text).to_string(),
                type_only,
                span: span_of(pattern, text),
            });
        }
        "pair_pattern" => {
            if let Some(value) = pattern.child_by_field_name("value") {
                pattern_names(value, text, type_only, out);
            }
        }
        "assignment_pattern" | "object_assignment_pattern" => {
            if let Some(left) = pattern.child_by_field_name("left") {
                pattern_names(left, text, type_only, out);
            }
        }
        _ => {
            let mut cursor = pattern.walk();
            for child in pattern.named_children(&mut cursor) {
                pattern_names(child, text, type_only, out);
            }
        }
    }
}

/// `require('x')` / `require.resolve('x')`: with what the result is destructured into.
fn require_call(node: Node, text: &str, kind: ImportKind, facts: &mut ModuleFacts) {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let mut cursor = arguments.walk();
    let Some(first) = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")
    else {
        return;
    };
    let specifier = literal_string(first, text);
    let mut import = Import {
        analysable: specifier.is_some(),
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    let is_resolve = node
        .child_by_field_name("function")
        .is_some_and(|f| f.kind() == "member_expression");
    if !is_resolve {
        bound_names(node, text, &mut import);
    }
    facts.imports.push(import);
}

/// What the value of `require(…)`/`await import(…)` is bound to: `const { a, b: c } = …` names
/// `a` and `b`; `require('x').y` names `y`; anything else uses the whole namespace.
fn bound_names(call: Node, text: &str, import: &mut Import) {
    let mut value = call;
    if let Some(parent) = value.parent().filter(|p| p.kind() == "await_expression") {
        value = parent;
    }
    let Some(parent) = value.parent() else { return };
    match parent.kind() {
        "variable_declarator" if parent.child_by_field_name("value") == Some(value) => {
            let Some(pattern) = parent
                .child_by_field_name("name")
                .filter(|p| p.kind() == "object_pattern")
            else {
                return;
            };
            let mut names = Vec::new();
            let mut cursor = pattern.walk();
            for property in pattern.named_children(&mut cursor) {
                let key = match property.kind() {
                    "shorthand_property_identifier_pattern" => Some(property),
                    "pair_pattern" => property.child_by_field_name("key"),
                    "object_assignment_pattern" => property.child_by_field_name("left"),
                    // `...rest` can hold anything: treat as a namespace use.
                    _ => return,
                };
                let Some(key) = key.filter(|k| {
                    matches!(
                        k.kind(),
                        "property_identifier" | "shorthand_property_identifier_pattern" | "string"
                    )
                }) else {
                    return;
                };
                names.push(ImportedName {
                    imported: specifier_name(key, text),
                    local: None,
                    type_only: false,
                    span: span_of(key, text),
                });
            }
            import.names = names;
            import.namespace = false;
        }
        "member_expression" if parent.child_by_field_name("object") == Some(value) => {
            if let Some(property) = parent
                .child_by_field_name("property")
                .filter(|p| p.kind() == "property_identifier")
            {
                import.names.push(ImportedName {
                    imported: node_text(property, text).to_string(),
                    local: None,
                    type_only: false,
                    span: span_of(property, text),
                });
                import.namespace = false;
            }
        }
        _ => {}
    }
}

fn in_type_position(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        match n.kind() {
            "type_annotation"
            | "type_alias_declaration"
            | "type_arguments"
            | "generic_type"
            | "nested_type_identifier"
            | "type_query"
            | "interface_declaration"
            | "lookup_type"
            | "member_type" => return true,
            "statement_block" | "program" | "expression_statement" | "arrow_function" => {
                return false;
            }
            _ => current = n.parent(),
        }
    }
    false
}

fn dynamic_import(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let mut cursor = arguments.walk();
    let Some(first) = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")
    else {
        return;
    };
    let specifier = literal_string(first, text);
    let kind = if in_type_position(node) {
        ImportKind::TypeOnly
    } else {
        ImportKind::Dynamic
    };
    let mut import = Import {
        analysable: specifier.is_some(),
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    bound_names(node, text, &mut import);
    facts.imports.push(import);
}

/// `module.exports = …`, `module.exports.a = …`, `exports.a = …`.
fn commonjs_assignment(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(left) = node.child_by_field_name("left") else {
        return;
    };
    let Some(right) = node.child_by_field_name("right") else {
        return;
    };
    let target = node_text(left, text);
    let compact: String = target.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "module.exports" {
        facts.exports.commonjs = true;
        commonjs_object(right, text, facts);
        return;
    }
    let name = compact
        .strip_prefix("module.exports.")
        .or_else(|| compact.strip_prefix("exports."));
    if let Some(name) = name.filter(|n| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    }) {
        facts.exports.commonjs = true;
        if name != "__esModule" {
            facts.exports.names.push(ExportedName {
                name: name.to_string(),
                type_only: false,
                span: span_of(left, text),
            });
        }
    }
}

/// The shape of the value assigned to `module.exports`.
fn commonjs_object(value: Node, text: &str, facts: &mut ModuleFacts) {
    match value.kind() {
        "object" => {
            let mut cursor = value.walk();
            for property in value.named_children(&mut cursor) {
                let key = match property.kind() {
                    "shorthand_property_identifier" => Some(property),
                    "pair" | "method_definition" => property
                        .child_by_field_name("key")
                        .or_else(|| property.child_by_field_name("name")),
                    "spread_element" => {
                        // `...require('./x')` or `...other`: the shape is no longer closed.
                        facts.exports.opaque = true;
                        None
                    }
                    _ => None,
                };
                if let Some(key) = key.filter(|k| {
                    matches!(
                        k.kind(),
                        "property_identifier" | "shorthand_property_identifier" | "string"
                    )
                }) {
                    facts.exports.names.push(ExportedName {
                        name: specifier_name(key, text),
                        type_only: false,
                        span: span_of(key, text),
                    });
                }
            }
        }
        "call_expression"
            if value
                .child_by_field_name("function")
                .is_some_and(|f| node_text(f, text) == "require") =>
        {
            let specifier = value
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .and_then(|a| literal_string(a, text));
            match specifier {
                Some(s) => facts.exports.passthrough = Some(s),
                None => facts.exports.opaque = true,
            }
        }
        // module.exports = exports = …
        "assignment_expression" => {
            if let Some(right) = value.child_by_field_name("right") {
                commonjs_object(right, text, facts);
            }
        }
        _ => facts.exports.opaque = true,
    }
}

/// `Object.defineProperty(exports, 'a', …)`.
fn commonjs_define(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let (Some(target), Some(name)) = (arguments.named_child(0), arguments.named_child(1)) else {
        return;
    };
    let target = node_text(target, text);
    if target != "exports" && target != "module.exports" {
        return;
    }
    if let Some(name) = literal_string(name, text) {
        facts.exports.commonjs = true;
        if name != "__esModule" {
            facts.exports.names.push(ExportedName {
                name,
                type_only: false,
                span: span_of(node, text),
            });
        }
    }
}

fn collect_syntax_errors(node: Node, text: &str, out: &mut Vec<SyntaxError>) {
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

/// The directive that silences the next line's findings.
pub(crate) const IGNORE_NEXT_LINE: &str = "treeaudit-ignore-next-line";

/// `// treeaudit-ignore-next-line RULE[, RULE] -- reason` (also in block comments).
fn suppression_comment(node: Node, text: &str, facts: &mut ModuleFacts) {
    if let Some(mut suppression) = parse_suppression(node_text(node, text)) {
        suppression.span = span_of(node, text);
        suppression.target_line = node.end_position().row as u32 + 2;
        facts.suppressions.push(suppression);
    }
}

/// Parses the comment text; `None` when it holds no directive.
pub(crate) fn parse_suppression(comment: &str) -> Option<Suppression> {
    let body = comment
        .trim()
        .trim_start_matches("//")
        .trim_start_matches("/*")
        .trim_end_matches("*/")
        .trim_start_matches(['*', '{', ' ', '\t'])
        .trim_end_matches(['}', ' ', '\t']);
    let rest = body.strip_prefix(IGNORE_NEXT_LINE)?;
    // `treeaudit-ignore-next-lines` or similar is not our directive.
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let (rules, reason) = match rest.split_once("--") {
        Some((rules, reason)) => (rules, Some(reason.trim())),
        None => (rest, None),
    };
    Some(Suppression {
        span: Span::default(),
        target_line: 0,
        rules: rules
            .split([',', ' ', '\t'])
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
    })
}
