//! Turns query captures into [`ModuleFacts`].

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use crate::facts::{
    Binding, CommentText, CommentedCode, DirectoryLoad, DirectoryLoadKind, EnvKey, EnvRead,
    EnvReadForm, ExportedName, Import, ImportKind, ImportedName, ModuleFacts, Mount, MountTarget,
    RouterPrefix, Span, Suppression, SyntaxError,
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
    if !in_namespace_body(node) {
        facts.exports.esm = true;
    }
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
    // `namespace N { export const a }` and `declare module 'x' { export … }` export from the
    // namespace or the other module, not from this file.
    if in_namespace_body(node) {
        return;
    }
    // `export = x` makes the module CommonJS; `export as namespace X` (UMD global) exports nothing.
    if !has_keyword_child(node, "=") && !has_keyword_child(node, "as") {
        facts.exports.esm = true;
    }
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
                // export * from 'x'; `export type * from 'x'` (TS 5) parses with an ERROR node.
                import.namespace = true;
                let compact: String = node_text(node, text)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .take(11)
                    .collect();
                if statement_type_only || compact.starts_with("exporttype*") {
                    import.kind = ImportKind::TypeOnly;
                    facts.exports.type_star_from.push(specifier);
                } else {
                    facts.exports.star_from.push(specifier);
                }
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
        // `export import Q = N.b`
        "import_alias" => {
            let mut cursor = declaration.walk();
            if let Some(name) = declaration
                .named_children(&mut cursor)
                .find(|c| c.kind() == "identifier")
            {
                out.push(ExportedName {
                    name: node_text(name, text).to_string(),
                    type_only: false,
                    span: span_of(name, text),
                });
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
    if specifier.is_none() {
        computed_import(first, text, facts);
    }
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
        if import.analysable && is_export_star_helper_argument(node, text) {
            facts.exports.commonjs = true;
            facts.exports.star_from.push(import.specifier.clone());
        }
    }
    facts.imports.push(import);
}

/// What the value of `require(…)`/`await import(…)` is bound to: `const { a, b: c } = …` names
/// `a` and `b`; `require('x').y` names `y`; anything else uses the whole namespace.
fn bound_names(call: Node, text: &str, import: &mut Import) {
    let mut value = call;
    if let Some(parent) = value.parent().filter(|p| p.kind() == "await_expression") {
        value = parent;
    } else if import.kind != ImportKind::Require {
        // `import('x')` without `await` is a promise: `.then`/`.catch` are not export names.
        return;
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
    if specifier.is_none() {
        computed_import(first, text, facts);
    }
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
                        // `...require('./x')` copies x's exports; `...other` is unknowable.
                        match property
                            .named_child(0)
                            .and_then(|a| required_specifier(a, text))
                        {
                            Some(specifier) => facts.exports.star_from.push(specifier),
                            None => facts.exports.opaque = true,
                        }
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
    facts.exports.commonjs = true;
    let Some(name) = literal_string(name, text) else {
        dynamic_export(node, text, facts);
        return;
    };
    {
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

// --- env reads ---

/// Built-in `import.meta.env` keys of Vite and Astro: set by the tool, never by the user.
const IMPORT_META_ENV_BUILTINS: &[&str] = &[
    "MODE",
    "BASE_URL",
    "PROD",
    "DEV",
    "SSR",
    "SITE",
    "ASSETS_PREFIX",
];

/// Next.js data functions: their bodies run only on the server.
const SERVER_ONLY_FUNCTIONS: &[&str] = &[
    "getServerSideProps",
    "getStaticProps",
    "getStaticPaths",
    "getInitialProps",
    "generateMetadata",
    "generateStaticParams",
];

fn env_form(object: Node, text: &str) -> EnvReadForm {
    match object
        .child_by_field_name("object")
        .map(|o| node_text(o, text))
    {
        Some("Bun") => EnvReadForm::BunEnv,
        Some("Deno") => EnvReadForm::DenoEnv,
        Some("import.meta") => EnvReadForm::ImportMetaEnv,
        _ => EnvReadForm::ProcessEnv,
    }
}

/// `process.env` (or `Bun.env`, `Deno.env`, `import.meta.env`) used somewhere: what it reads.
fn env_object(
    object: Node,
    text: &str,
    facts: &mut ModuleFacts,
    aliases: &mut Vec<(String, EnvReadForm)>,
) {
    let form = env_form(object, text);
    env_object_use(object, text, form, facts, Some(aliases));
}

/// How an env object (or an alias of one) is used: `.X`, `['X']`, `{ X } =`, `= alias`.
fn env_object_use(
    object: Node,
    text: &str,
    form: EnvReadForm,
    facts: &mut ModuleFacts,
    aliases: Option<&mut Vec<(String, EnvReadForm)>>,
) {
    let Some(parent) = object.parent() else {
        return;
    };
    match parent.kind() {
        "member_expression" if parent.child_by_field_name("object") == Some(object) => {
            let Some(property) = parent.child_by_field_name("property") else {
                return;
            };
            let property_name = node_text(property, text);
            if form == EnvReadForm::DenoEnv {
                // Deno.env.get('X'); Deno.env.set/toObject are not reads of a name.
                let call = parent.parent().filter(|c| {
                    c.kind() == "call_expression"
                        && c.child_by_field_name("function") == Some(parent)
                });
                if let (Some(call), "get") = (call, property_name) {
                    let argument = call
                        .child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0));
                    if let Some(argument) = argument {
                        push_env_read(call, argument, text, form, facts);
                    }
                }
                return;
            }
            if is_env_write(parent) {
                return;
            }
            if form == EnvReadForm::ImportMetaEnv
                && IMPORT_META_ENV_BUILTINS.contains(&property_name)
            {
                return;
            }
            push_named_read(
                parent,
                property,
                property_name.to_string(),
                text,
                form,
                facts,
            );
        }
        "subscript_expression" if parent.child_by_field_name("object") == Some(object) => {
            if is_env_write(parent) || form == EnvReadForm::DenoEnv {
                return;
            }
            if let Some(index) = parent.child_by_field_name("index") {
                push_env_read(parent, index, text, form, facts);
            }
        }
        "variable_declarator" if parent.child_by_field_name("value") == Some(object) => {
            let Some(name) = parent.child_by_field_name("name") else {
                return;
            };
            match name.kind() {
                "object_pattern" => destructured_env_reads(name, text, facts),
                "identifier" => {
                    if let Some(aliases) = aliases {
                        aliases.push((node_text(name, text).to_string(), form));
                    }
                }
                _ => {}
            }
        }
        // schema.parse(process.env), z.object({…}).safeParse(process.env), validate(process.env)
        "arguments" => env_passed_to_call(parent, text, form, facts),
        // 'X' in process.env: a presence check.
        "binary_expression"
            if parent.child_by_field_name("right") == Some(object)
                && parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "in") =>
        {
            if let Some(name) = parent
                .child_by_field_name("left")
                .and_then(|l| literal_string(l, text))
            {
                let mut read = env_read(parent, name, EnvKey::Name, text, form);
                read.has_default = true;
                facts.env_reads.push(read);
            }
        }
        _ => {}
    }
}

/// `process.env.X = …` and `delete process.env.X` change the environment; they do not read it.
fn is_env_write(access: Node) -> bool {
    let Some(parent) = access.parent() else {
        return false;
    };
    match parent.kind() {
        "assignment_expression" => parent.child_by_field_name("left") == Some(access),
        "unary_expression" => parent
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "delete"),
        _ => false,
    }
}

fn env_read(access: Node, name: String, key: EnvKey, text: &str, form: EnvReadForm) -> EnvRead {
    EnvRead {
        name,
        key,
        span: span_of(access, text),
        has_default: read_has_default(access, text),
        form,
        server_only: in_server_only_function(access, text),
    }
}

fn push_named_read(
    access: Node,
    _name_node: Node,
    name: String,
    text: &str,
    form: EnvReadForm,
    facts: &mut ModuleFacts,
) {
    if in_schema_runtime_env(access, text) {
        return;
    }
    facts
        .env_reads
        .push(env_read(access, name, EnvKey::Name, text, form));
}

/// A read whose key is an expression: a literal, a pattern, or fully dynamic.
fn push_env_read(access: Node, key: Node, text: &str, form: EnvReadForm, facts: &mut ModuleFacts) {
    if let Some(name) = literal_string(key, text) {
        push_named_read(access, key, name, text, form, facts);
        return;
    }
    let (prefix, suffix) = constant_affixes(key, text);
    let read = if prefix.is_empty() && suffix.is_empty() {
        env_read(access, String::new(), EnvKey::Dynamic, text, form)
    } else {
        env_read(
            access,
            format!("{prefix}*{suffix}"),
            EnvKey::Pattern,
            text,
            form,
        )
    };
    facts.env_reads.push(read);
}

/// The constant text before and after the substitutions of `` `${p}_ID` `` or `'A_' + x`.
fn constant_affixes(key: Node, text: &str) -> (String, String) {
    match key.kind() {
        "template_string" => {
            let mut cursor = key.walk();
            let parts: Vec<Node> = key.named_children(&mut cursor).collect();
            let fragment = |n: Option<&Node>| {
                n.filter(|n| n.kind() == "string_fragment")
                    .map(|n| node_text(*n, text).to_string())
                    .unwrap_or_default()
            };
            (fragment(parts.first()), fragment(parts.last()))
        }
        "binary_expression" => {
            let left = key.child_by_field_name("left");
            let right = key.child_by_field_name("right");
            let prefix = left
                .map(|l| literal_string(l, text).unwrap_or_else(|| constant_affixes(l, text).0))
                .unwrap_or_default();
            let suffix = right
                .map(|r| literal_string(r, text).unwrap_or_else(|| constant_affixes(r, text).1))
                .unwrap_or_default();
            (prefix, suffix)
        }
        "parenthesized_expression" => key
            .named_child(0)
            .map(|k| constant_affixes(k, text))
            .unwrap_or_default(),
        _ => (String::new(), String::new()),
    }
}

/// `const { A, B = 'd', C: alias } = process.env`.
fn destructured_env_reads(pattern: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = pattern.walk();
    for property in pattern.named_children(&mut cursor) {
        let (key, has_default) = match property.kind() {
            "shorthand_property_identifier_pattern" => (Some(property), false),
            "object_assignment_pattern" => (property.child_by_field_name("left"), true),
            "pair_pattern" => (
                property.child_by_field_name("key"),
                property
                    .child_by_field_name("value")
                    .is_some_and(|v| v.kind() == "assignment_pattern"),
            ),
            _ => (None, false),
        };
        let Some(key) = key else { continue };
        let name = specifier_name(key, text);
        facts.env_reads.push(EnvRead {
            name,
            key: EnvKey::Name,
            span: span_of(key, text),
            has_default,
            form: EnvReadForm::Destructure,
            server_only: in_server_only_function(property, text),
        });
    }
}

/// Uses of `const env = process.env` (one level): `env.X`, `env['X']`, `const { X } = env`.
fn env_alias_reads(
    root: Node,
    text: &str,
    aliases: &[(String, EnvReadForm)],
    facts: &mut ModuleFacts,
) {
    let mut cursor = root.walk();
    let mut visited_children = false;
    loop {
        if !visited_children {
            let node = cursor.node();
            if node.kind() == "identifier"
                && aliases
                    .iter()
                    .any(|(name, _)| name == node_text(node, text))
            {
                let form = aliases
                    .iter()
                    .find(|(name, _)| name == node_text(node, text))
                    .map_or(EnvReadForm::Alias, |(_, f)| *f);
                let before = facts.env_reads.len();
                env_object_use(node, text, form, facts, None);
                for read in &mut facts.env_reads[before..] {
                    if read.form != EnvReadForm::Destructure {
                        read.form = EnvReadForm::Alias;
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
        }
        if cursor.goto_next_sibling() {
            visited_children = false;
        } else if cursor.goto_parent() {
            visited_children = true;
        } else {
            break;
        }
    }
}

/// Whether the code around a read copes with the variable being unset.
fn read_has_default(access: Node, text: &str) -> bool {
    let mut current = access;
    while let Some(parent) = current.parent() {
        let is_left = parent.child_by_field_name("left") == Some(current);
        match parent.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "await_expression" => current = parent,
            "arguments" => {
                // Number(process.env.PORT) ?? 3000: look through conversions.
                let Some(call) = parent.parent() else {
                    return false;
                };
                let function = call
                    .child_by_field_name("function")
                    .map_or("", |f| node_text(f, text));
                if function == "Boolean" {
                    // Boolean(process.env.X) is a presence check.
                    return true;
                }
                if matches!(
                    function,
                    "Number" | "parseInt" | "parseFloat" | "String" | "JSON.parse"
                ) {
                    current = call;
                } else {
                    return false;
                }
            }
            "member_expression" if parent.child_by_field_name("object") == Some(current) => {
                // process.env.X?.split(',') copes with undefined.
                if has_keyword_child(parent, "?.")
                    || parent.child_by_field_name("optional_chain").is_some()
                {
                    return true;
                }
                let Some(call) = parent.parent().filter(|c| c.kind() == "call_expression") else {
                    return false;
                };
                current = call;
            }
            "binary_expression" => {
                let operator = parent
                    .child_by_field_name("operator")
                    .map_or("", |o| o.kind());
                match operator {
                    "||" | "??" | "&&" if is_left => return true,
                    "||" | "??" => current = parent,
                    "===" | "!==" | "==" | "!=" => return true,
                    _ => return false,
                }
            }
            "augmented_assignment_expression" => return true,
            "ternary_expression" => {
                return parent.child_by_field_name("condition") == Some(current);
            }
            "unary_expression" => {
                let negated = parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "!");
                if !negated {
                    return false;
                }
                // `if (!process.env.X) throw …` makes the variable required.
                return !guard_throws(parent, text);
            }
            "if_statement" | "while_statement" => {
                return parent.child_by_field_name("condition") == Some(current);
            }
            _ => return false,
        }
    }
    false
}

/// `!X` (alone or in an `||` chain) is the condition of an `if` whose consequence throws or
/// exits. `if (big && !process.env.FLAG) { … }` is a feature flag, not a guard.
fn guard_throws(negation: Node, text: &str) -> bool {
    let mut current = negation;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" => current = parent,
            "binary_expression"
                if parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| o.kind() == "||") =>
            {
                current = parent
            }
            "if_statement" if parent.child_by_field_name("condition") == Some(current) => {
                let Some(consequence) = parent.child_by_field_name("consequence") else {
                    return false;
                };
                return statement_throws_or_exits(consequence, text);
            }
            _ => return false,
        }
    }
    false
}

/// A `throw` or `process.exit(…)` statement, or a block holding one at its top level.
fn statement_throws_or_exits(statement: Node, text: &str) -> bool {
    match statement.kind() {
        "throw_statement" => true,
        "expression_statement" => node_text(statement, text)
            .trim_start()
            .starts_with("process.exit"),
        "statement_block" => {
            let mut cursor = statement.walk();
            statement
                .named_children(&mut cursor)
                .any(|s| statement_throws_or_exits(s, text))
        }
        _ => false,
    }
}

fn in_server_only_function(node: Node, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        let name = match n.kind() {
            "function_declaration" | "method_definition" => n.child_by_field_name("name"),
            "variable_declarator" => n.child_by_field_name("name"),
            _ => None,
        };
        if name.is_some_and(|name| SERVER_ONLY_FUNCTIONS.contains(&node_text(name, text))) {
            return true;
        }
        current = n.parent();
    }
    false
}

/// Inside `runtimeEnv: { X: process.env.X }` of `createEnv`: the schema key is the read.
fn in_schema_runtime_env(node: Node, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "pair"
            && n.child_by_field_name("key").is_some_and(|k| {
                matches!(
                    node_text(k, text),
                    "runtimeEnv" | "experimental__runtimeEnv"
                )
            })
        {
            return true;
        }
        if matches!(n.kind(), "statement_block" | "program") {
            return false;
        }
        current = n.parent();
    }
    false
}

/// t3-env `createEnv({ server: {…}, client: {…}, shared: {…} })` and envalid
/// `cleanEnv(process.env, { X: str(), Y: port({ default: 3000 }) })`: each key is a read.
fn env_schema(call: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return;
    };
    let function = call
        .child_by_field_name("function")
        .map_or("", |f| node_text(f, text));
    let mut cursor = arguments.walk();
    let objects: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "object")
        .collect();
    if function.ends_with("cleanEnv") {
        // The schema is the second argument; the first is the environment itself.
        if let Some(schema) = arguments.named_child(1).filter(|a| a.kind() == "object") {
            schema_keys(schema, text, facts);
        }
        return;
    }
    for options in objects {
        let mut cursor = options.walk();
        for pair in options
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "pair")
        {
            let section = pair
                .child_by_field_name("key")
                .map_or("", |k| node_text(k, text));
            if !matches!(section, "server" | "client" | "shared") {
                continue;
            }
            if let Some(schema) = pair
                .child_by_field_name("value")
                .filter(|v| v.kind() == "object")
            {
                schema_keys(schema, text, facts);
            }
        }
    }
}

fn schema_keys(schema: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = schema.walk();
    for pair in schema
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let (Some(key), Some(value)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        facts.env_reads.push(EnvRead {
            name: specifier_name(key, text),
            key: EnvKey::Name,
            span: span_of(key, text),
            has_default: schema_value_has_default(value, text),
            form: EnvReadForm::Schema,
            server_only: false,
        });
    }
}

/// zod `.optional()`/`.default(…)`/`.catch(…)`, envalid `{ default: … }`.
/// envalid's `devDefault` applies only outside production, so it does not make a variable
/// optional for a deploy.
fn schema_value_has_default(value: Node, text: &str) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        let is_default = match node.kind() {
            "member_expression" => node.child_by_field_name("property").is_some_and(|p| {
                matches!(
                    node_text(p, text),
                    "optional" | "default" | "catch" | "nullish"
                )
            }),
            "pair" => node
                .child_by_field_name("key")
                .is_some_and(|k| node_text(k, text) == "default"),
            _ => false,
        };
        if is_default {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// A `'use client'` directive in the file's prologue.
fn use_client_directive(string: Node, text: &str, facts: &mut ModuleFacts) {
    if literal_string(string, text).as_deref() != Some("use client") {
        return;
    }
    let Some(statement) = string.parent() else {
        return;
    };
    // Only directives before the first real statement count.
    let mut previous = statement.prev_named_sibling();
    while let Some(p) = previous {
        let is_directive = p.kind() == "expression_statement"
            && p.named_child(0).is_some_and(|c| c.kind() == "string");
        if !is_directive && p.kind() != "comment" && p.kind() != "hash_bang_line" {
            return;
        }
        previous = p.prev_named_sibling();
    }
    facts.use_client = true;
}

#[cfg(test)]
mod env_read_tests {
    use crate::discover::Dialect;
    use crate::facts::{EnvKey, EnvReadForm};
    use crate::parse::parse_module;

    /// `(name, has_default, form)` of every literal read, in source order.
    fn reads(dialect: Dialect, source: &str) -> Vec<(String, bool, EnvReadForm)> {
        parse_module(dialect, source.as_bytes())
            .env_reads
            .into_iter()
            .filter(|r| r.key == EnvKey::Name)
            .map(|r| (r.name, r.has_default, r.form))
            .collect()
    }

    fn names(list: &[(String, bool, EnvReadForm)]) -> Vec<(&str, bool)> {
        list.iter().map(|(n, d, _)| (n.as_str(), *d)).collect()
    }

    #[test]
    fn every_access_form_is_a_read_with_its_default() {
        let source = r#"
const a = process.env.DATABASE_URL;
const b = process.env['REDIS_URL'] || 'redis://localhost';
const c = process.env[`S3_BUCKET`] ?? 'bucket';
const d = Bun.env.BUN_TOKEN;
const e = Deno.env.get('DENO_TOKEN');
const f = import.meta.env.VITE_API_URL;
const g = import.meta.env.MODE;
const h = process.env.DEBUG ? 'on' : 'off';
const port = Number(process.env.PORT) || 3000;
if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET is required');
if (!process.env.SENTRY_DSN) console.warn('no sentry');
if (rows > 5000 && !process.env.DISABLE_FAST_IMPORT) { try { run(); } catch (e) { throw e; } }
if (!process.env.API_KEY || !process.env.API_HOST) { process.exit(1); }
process.env.WRITTEN = '1';
const prod = process.env.NODE_ENV === 'production';
const list = process.env.ALLOWED_HOSTS?.split(',');
"#;
        let got = reads(Dialect::JavaScript, source);
        assert_eq!(
            names(&got),
            vec![
                ("DATABASE_URL", false),
                ("REDIS_URL", true),
                ("S3_BUCKET", true),
                ("BUN_TOKEN", false),
                ("DENO_TOKEN", false),
                ("VITE_API_URL", false),
                ("DEBUG", true),
                ("PORT", true),
                ("JWT_SECRET", false),
                ("SENTRY_DSN", true),
                ("DISABLE_FAST_IMPORT", true),
                ("API_KEY", false),
                ("API_HOST", false),
                ("NODE_ENV", true),
                ("ALLOWED_HOSTS", true),
            ]
        );
        assert_eq!(got[3].2, EnvReadForm::BunEnv);
        assert_eq!(got[4].2, EnvReadForm::DenoEnv);
        assert_eq!(got[5].2, EnvReadForm::ImportMetaEnv);
    }

    #[test]
    fn destructuring_and_one_level_of_aliasing() {
        let source = r#"
const { SMTP_HOST, SMTP_PORT = '587', SMTP_USER: user, SMTP_PASS: pass = '' } = process.env;
const env = process.env;
const key = env.STRIPE_KEY;
const hook = env['STRIPE_WEBHOOK_SECRET'] ?? null;
const { TWILIO_SID } = env;
"#;
        let got = reads(Dialect::JavaScript, source);
        assert_eq!(
            names(&got),
            vec![
                ("SMTP_HOST", false),
                ("SMTP_PORT", true),
                ("SMTP_USER", false),
                ("SMTP_PASS", true),
                ("STRIPE_KEY", false),
                ("STRIPE_WEBHOOK_SECRET", true),
                ("TWILIO_SID", false),
            ]
        );
        assert_eq!(got[0].2, EnvReadForm::Destructure);
        assert_eq!(got[4].2, EnvReadForm::Alias);
    }

    #[test]
    fn dynamic_keys_become_patterns_or_fully_dynamic_reads() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"const id = process.env[`${provider}_CLIENT_ID`];\nconst v = process.env[name];\nconst s = process.env['OAUTH_' + p + '_SECRET'];\n",
        );
        let got: Vec<(&str, EnvKey)> = facts
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.key))
            .collect();
        assert_eq!(
            got,
            vec![
                ("*_CLIENT_ID", EnvKey::Pattern),
                ("", EnvKey::Dynamic),
                ("OAUTH_*_SECRET", EnvKey::Pattern),
            ]
        );
    }

    #[test]
    fn t3_env_and_envalid_schema_keys_are_reads() {
        let t3 = r#"
import { createEnv } from '@t3-oss/env-nextjs';
export const env = createEnv({
  server: { DATABASE_URL: z.string().url(), LOG_LEVEL: z.string().default('info'), SENTRY_DSN: z.string().optional() },
  client: { NEXT_PUBLIC_APP_URL: z.string() },
  runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL },
});
"#;
        assert_eq!(
            names(&reads(Dialect::TypeScript, t3)),
            vec![
                ("DATABASE_URL", false),
                ("LOG_LEVEL", true),
                ("SENTRY_DSN", true),
                ("NEXT_PUBLIC_APP_URL", false),
            ]
        );
        let envalid = r#"
const env = envalid.cleanEnv(process.env, {
  API_KEY: str(),
  PORT: port({ default: 3000 }),
  ADMIN_EMAIL: email({ devDefault: 'admin@example.com' }),
});
"#;
        assert_eq!(
            names(&reads(Dialect::JavaScript, envalid)),
            vec![("API_KEY", false), ("PORT", true), ("ADMIN_EMAIL", false)]
        );
    }

    #[test]
    fn use_client_directive_only_in_the_prologue() {
        assert!(
            parse_module(
                Dialect::Tsx,
                b"'use client';\nexport default function A() {}\n"
            )
            .use_client
        );
        assert!(
            parse_module(Dialect::Tsx, b"// c\n\"use client\"\nimport x from 'y';\n").use_client
        );
        assert!(!parse_module(Dialect::Tsx, b"import x from 'y';\n'use client';\n").use_client);
    }
}

// --- routes: mounts, bindings, router prefixes, directory loaders, comments ---

/// Arguments of a call, without comments.
fn call_arguments(node: Node) -> Vec<Node> {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The specifier node of `require('x')` / `import('x')`, when `node` is such a call.
fn module_call_specifier(node: Node, text: &str) -> Option<u32> {
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    let is_module_call = function.kind() == "import"
        || (function.kind() == "identifier" && node_text(function, text) == "require");
    if !is_module_call {
        return None;
    }
    let first = *call_arguments(node).first()?;
    literal_string(first, text)?;
    Some(first.start_byte() as u32)
}

/// What a mount argument attaches: a local name or an inline `require()`/`import()`.
fn mount_target(node: Node, text: &str) -> Option<MountTarget> {
    match node.kind() {
        "identifier" => Some(MountTarget::Binding(node_text(node, text).to_string())),
        "await_expression" | "parenthesized_expression" => mount_target(node.named_child(0)?, text),
        "call_expression" => {
            if let Some(start) = module_call_specifier(node, text) {
                return Some(MountTarget::Import(start));
            }
            let function = node.child_by_field_name("function")?;
            // A factory: `app.use(require('./testmode')())`.
            if let Some(start) = module_call_specifier(function, text) {
                return Some(MountTarget::Import(start));
            }
            // Koa: `router.routes()`, `router.middleware()`.
            if function.kind() != "member_expression" {
                return None;
            }
            let property = node_text(function.child_by_field_name("property")?, text);
            if !matches!(property, "routes" | "middleware") {
                return None;
            }
            mount_target(function.child_by_field_name("object")?, text)
        }
        // `require('./x').default`, `users.router`; other properties (`auth.requireUser`) are
        // middleware functions, not routers.
        "member_expression" => {
            let property = node_text(node.child_by_field_name("property")?, text);
            if !matches!(property, "default" | "router" | "routes") {
                return None;
            }
            mount_target(node.child_by_field_name("object")?, text)
        }
        _ => None,
    }
}

/// The identifier a (possibly chained) call is made on: `app.route(…).route(…)` → `app`.
fn receiver_name(mut node: Node, text: &str) -> String {
    loop {
        match node.kind() {
            "call_expression" => match node.child_by_field_name("function") {
                Some(f) => node = f,
                None => break,
            },
            "member_expression" => match node.child_by_field_name("object") {
                Some(o) => node = o,
                None => break,
            },
            _ => break,
        }
    }
    node_text(node, text).to_string()
}

/// The value of property `key` in an object literal.
fn object_property<'t>(object: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    #[allow(clippy::let_and_return)] // the cursor must outlive the iterator
    let found = object.named_children(&mut cursor).find_map(|pair| {
        if pair.kind() != "pair" {
            return None;
        }
        let k = pair.child_by_field_name("key")?;
        (specifier_name(k, text) == key)
            .then(|| pair.child_by_field_name("value"))
            .flatten()
    });
    found
}

/// `app.use(…)`, `app.route('/x', sub)`, `fastify.register(plugin, { prefix })`.
fn mount_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let (Some(object), Some(property)) = (
        function.child_by_field_name("object"),
        function.child_by_field_name("property"),
    ) else {
        return;
    };
    let method = node_text(property, text).to_string();
    let receiver = receiver_name(object, text);
    let arguments = call_arguments(node);
    let method = if method == "lazyUse" {
        "use".to_string()
    } else {
        method
    };
    let mut at_path = false;
    let (path, targets): (Option<String>, Vec<Node>) = match method.as_str() {
        // Express's one-argument `app.route('/book')` builds a route; only Hono's two-argument
        // form mounts.
        "route" if arguments.len() >= 2 => {
            (literal_string(arguments[0], text), arguments[1..2].to_vec())
        }
        "use" => match arguments.first() {
            Some(first) if matches!(first.kind(), "string" | "template_string") => {
                at_path = true;
                (literal_string(*first, text), arguments[1..].to_vec())
            }
            Some(first) if first.kind() == "array" || names_a_path(*first, &arguments, text) => {
                at_path = true;
                (None, arguments[1..].to_vec())
            }
            Some(_) => (None, arguments.clone()),
            None => return,
        },
        "register" if !arguments.is_empty() => {
            let options = arguments.get(1).copied();
            if let Some(dir) = options.and_then(|o| object_property(o, "dir", text)) {
                if let Some(pattern) = evaluate_path(dir, text, 0) {
                    facts.directory_loads.push(DirectoryLoad {
                        kind: DirectoryLoadKind::Autoload,
                        pattern,
                        span: span_of(node, text),
                    });
                }
                return;
            }
            let prefix = options
                .and_then(|o| object_property(o, "prefix", text))
                .and_then(|p| literal_string(p, text));
            (prefix, arguments[..1].to_vec())
        }
        _ => return,
    };
    let targets: Vec<MountTarget> = targets
        .into_iter()
        .filter_map(|t| {
            mount_target(t, text).or_else(|| at_path.then(|| mounted_member(t, text)).flatten())
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    facts.mounts.push(Mount {
        method,
        receiver,
        path,
        targets,
        span: span_of(node, text),
    });
}

/// `require('./routes')(app)`, `registerRoutes(app)`.
fn registration_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let target = match function.kind() {
        "identifier" => {
            let name = node_text(function, text);
            if name == "require" {
                return;
            }
            MountTarget::Binding(name.to_string())
        }
        _ => match module_call_specifier(function, text) {
            Some(start) => MountTarget::Import(start),
            None => return,
        },
    };
    facts.mounts.push(Mount {
        method: "call".to_string(),
        receiver: String::new(),
        path: None,
        targets: vec![target],
        span: span_of(node, text),
    });
}

/// `const r = require('./r')`, `… = require('./r').default`, `… = await import('./r')`.
fn binding_declarator(node: Node, text: &str, facts: &mut ModuleFacts) {
    let (Some(name), Some(mut value)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("value"),
    ) else {
        return;
    };
    if value.kind() == "await_expression" {
        match value.named_child(0) {
            Some(inner) => value = inner,
            None => return,
        }
    }
    if value.kind() == "member_expression" {
        let is_default = value
            .child_by_field_name("property")
            .is_some_and(|p| node_text(p, text) == "default");
        match value.child_by_field_name("object") {
            Some(object) if is_default => value = object,
            _ => return,
        }
    }
    let Some(start) = module_call_specifier(value, text) else {
        return;
    };
    let Some(specifier) = call_arguments(value)
        .first()
        .filter(|a| a.start_byte() as u32 == start)
        .and_then(|a| literal_string(*a, text))
    else {
        return;
    };
    facts.bindings.push(Binding {
        local: node_text(name, text).to_string(),
        specifier,
    });
}

/// `import * as r from './r'`.
fn namespace_binding(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(local) = node.named_child(0) else {
        return;
    };
    let statement = node
        .parent()
        .and_then(|clause| clause.parent())
        .filter(|s| s.kind() == "import_statement");
    let Some(specifier) = statement
        .and_then(|s| s.child_by_field_name("source"))
        .and_then(|s| literal_string(s, text))
    else {
        return;
    };
    facts.bindings.push(Binding {
        local: node_text(local, text).to_string(),
        specifier,
    });
}

/// The name of the variable a (possibly chained) expression initialises.
fn declared_name(node: Node, text: &str) -> Option<String> {
    let mut current = node;
    loop {
        let parent = current.parent()?;
        match parent.kind() {
            "variable_declarator" => {
                let name = parent.child_by_field_name("name")?;
                return (name.kind() == "identifier").then(|| node_text(name, text).to_string());
            }
            "call_expression" | "member_expression" | "await_expression" => current = parent,
            _ => return None,
        }
    }
}

/// `const r = new Router({ prefix: '/users' })`.
fn new_router(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(options) = call_arguments(node).first().copied() else {
        return;
    };
    let Some(prefix) =
        object_property(options, "prefix", text).and_then(|p| literal_string(p, text))
    else {
        return;
    };
    if let Some(local) = declared_name(node, text) {
        facts.router_prefixes.push(RouterPrefix { local, prefix });
    }
}

/// `const app = new Hono().basePath('/api')`.
fn base_path(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(prefix) = call_arguments(node)
        .first()
        .and_then(|a| literal_string(*a, text))
    else {
        return;
    };
    if let Some(local) = declared_name(node, text) {
        facts.router_prefixes.push(RouterPrefix { local, prefix });
    }
}

/// `fs.readdirSync(path.join(__dirname, 'routes'))`.
fn readdir_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(first) = call_arguments(node).first().copied() else {
        return;
    };
    if let Some(pattern) = evaluate_path(first, text, 0) {
        facts.directory_loads.push(DirectoryLoad {
            kind: DirectoryLoadKind::Readdir,
            pattern,
            span: span_of(node, text),
        });
    }
}

/// `import.meta.glob('./routes/*.ts')` or with an array of patterns.
fn glob_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let is_import_meta = node
        .child_by_field_name("function")
        .and_then(|f| f.child_by_field_name("object"))
        .is_some_and(|o| node_text(o, text) == "import.meta");
    if !is_import_meta {
        return;
    }
    let Some(first) = call_arguments(node).first().copied() else {
        return;
    };
    let patterns: Vec<String> = if first.kind() == "array" {
        let mut cursor = first.walk();
        first
            .named_children(&mut cursor)
            .filter_map(|p| literal_string(p, text))
            .collect()
    } else {
        literal_string(first, text).into_iter().collect()
    };
    for pattern in patterns {
        facts.directory_loads.push(DirectoryLoad {
            kind: DirectoryLoadKind::Glob,
            pattern,
            span: span_of(node, text),
        });
    }
}

/// Evaluates a path expression relative to the file's directory: literals, `__dirname`,
/// `path.join`/`resolve`, `new URL(x, import.meta.url)`, `process.cwd()` (as `{cwd}`), and
/// a `const` defined in the file. `None` when it depends on anything else.
fn evaluate_path(node: Node, text: &str, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match node.kind() {
        "string" => literal_string(node, text),
        "template_string" => {
            let raw = node_text(node, text);
            let inner = raw.get(1..raw.len().saturating_sub(1))?;
            let replaced = inner
                .replace("${__dirname}", ".")
                .replace("${import.meta.dirname}", ".")
                .replace("${process.cwd()}", "{cwd}");
            (!replaced.contains("${")).then_some(replaced)
        }
        "identifier" => {
            let name = node_text(node, text);
            if name == "__dirname" {
                return Some(".".to_string());
            }
            let value = find_declaration(node, name, text)?;
            evaluate_path(value, text, depth + 1)
        }
        "member_expression" => matches!(
            node_text(node, text),
            "import.meta.dirname" | "import.meta.url"
        )
        .then(|| ".".to_string()),
        "new_expression" => {
            // new URL('./routes', import.meta.url)
            let args = call_arguments(node);
            evaluate_path(*args.first()?, text, depth + 1)
        }
        "call_expression" => {
            let function = node_text(node.child_by_field_name("function")?, text);
            let args = call_arguments(node);
            if function == "process.cwd" {
                return Some("{cwd}".to_string());
            }
            if function.ends_with("fileURLToPath") || function.ends_with("dirname") {
                let inner = evaluate_path(*args.first()?, text, depth + 1)?;
                // dirname(fileURLToPath(import.meta.url)) is the file's own directory.
                return Some(inner);
            }
            if !(function.ends_with("join") || function.ends_with("resolve")) || args.is_empty() {
                return None;
            }
            let mut parts = Vec::new();
            // `path.resolve(fileURLToPath(import.meta.url), '..')` is the file's directory.
            let args = match args.as_slice() {
                [file, up, rest @ ..]
                    if names_this_file(*file, text)
                        && literal_string(*up, text).as_deref() == Some("..") =>
                {
                    let mut kept = vec![*file];
                    kept.extend_from_slice(rest);
                    kept
                }
                _ => args,
            };
            for arg in args {
                let part = evaluate_path(arg, text, depth + 1)?;
                if part.starts_with("{cwd}") {
                    parts.clear();
                }
                parts.push(part);
            }
            Some(parts.join("/"))
        }
        _ if node_text(node, text) == "import.meta.url" => Some(".".to_string()),
        _ => None,
    }
}

/// The initial value of `const name = …` declared anywhere in the file.
fn find_declaration<'t>(from: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
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

/// A comment's text with its markers stripped, kept for the commented-code pass.
fn comment_node(node: Node, text: &str, facts: &mut ModuleFacts) {
    let raw = node_text(node, text);
    source_map_comment(raw, facts);
    if raw.contains("treeaudit-ignore") {
        suppression_comment(node, text, facts);
    }
    let line_comment = raw.starts_with("//");
    let stripped = if line_comment {
        raw[2..].to_string()
    } else {
        let inner = raw
            .strip_prefix("/*")
            .unwrap_or(raw)
            .strip_suffix("*/")
            .unwrap_or(raw);
        inner
            .lines()
            .map(|l| {
                let t = l.trim_start();
                t.strip_prefix('*').unwrap_or(t)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    facts.comment_candidates.push(CommentText {
        text: stripped,
        line: node.start_position().row as u32 + 1,
        end_line: node.end_position().row as u32 + 1,
        start: node.start_byte() as u32,
        line_comment,
    });
}

/// Joins consecutive `//` comments into blocks and keeps those that look like code
/// (imports, requires, mounts): only these are parsed.
pub(super) fn comment_blocks(mut comments: Vec<CommentText>) -> Vec<CommentText> {
    comments.sort_by_key(|c| c.start);
    let mut blocks: Vec<CommentText> = Vec::new();
    for comment in comments {
        match blocks.last_mut() {
            Some(last)
                if last.line_comment
                    && comment.line_comment
                    && comment.line == last.end_line + 1 =>
            {
                last.text.push('\n');
                last.text.push_str(&comment.text);
                last.end_line = comment.line;
            }
            _ => blocks.push(comment),
        }
    }
    const CODE_MARKERS: &[&str] = &[
        "import ",
        "import(",
        "import{",
        "require(",
        ".use(",
        ".route(",
        ".register(",
    ];
    blocks.retain(|b| CODE_MARKERS.iter().any(|m| b.text.contains(m)));
    blocks
}

/// Moves facts parsed from a comment block to the block's place in the file.
pub(super) fn shift_commented(facts: ModuleFacts, block: &CommentText, out: &mut CommentedCode) {
    let shift = |span: &mut Span| {
        span.line += block.line - 1;
        span.start += block.start;
        span.end += block.start;
    };
    for mut import in facts.imports {
        shift(&mut import.span);
        for name in &mut import.names {
            shift(&mut name.span);
        }
        out.imports.push(import);
    }
    for mut mount in facts.mounts {
        shift(&mut mount.span);
        for target in &mut mount.targets {
            if let MountTarget::Import(start) = target {
                *start += block.start;
            }
        }
        out.mounts.push(mount);
    }
    out.bindings.extend(facts.bindings);
}

/// `path.join(__dirname, 'helpers')`: a directory named relative to the file, usually handed
/// to a loader elsewhere (`registry.registerDir(dir)`); its files count as loaded.
fn path_reference(node: Node, text: &str, facts: &mut ModuleFacts) {
    let arguments = call_arguments(node);
    let mentions_dirname = arguments
        .iter()
        .any(|a| matches!(node_text(*a, text), "__dirname" | "import.meta.dirname"));
    if !mentions_dirname || arguments.len() < 2 {
        return;
    }
    let Some(pattern) = evaluate_path(node, text, 0).or_else(|| named_wild_path(node, text)) else {
        return;
    };
    // `path.join(__dirname, '..')` names a whole tree, not a loader's directory.
    let last = pattern.rsplit('/').find(|s| !s.is_empty()).unwrap_or(".");
    if last == "." || last == ".." {
        return;
    }
    facts.directory_loads.push(DirectoryLoad {
        kind: DirectoryLoadKind::PathReference,
        pattern,
        span: span_of(node, text),
    });
}

/// Whether the first argument of a several-argument `use()` is a path held in a constant
/// (`app.use(BASE_API_PATH, api)`, `app.use(config.prefix + '/x', r)`) rather than a router.
fn names_a_path(first: Node, arguments: &[Node], text: &str) -> bool {
    if arguments.len() < 2 {
        return false;
    }
    let written = node_text(first, text);
    match first.kind() {
        "binary_expression" | "template_string" => true,
        "identifier" | "member_expression" => {
            let lower = written.to_ascii_lowercase();
            lower.contains("path")
                || lower.contains("prefix")
                || lower.ends_with("url")
                || written
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit() || c == '.')
        }
        _ => false,
    }
}

/// `process.env` handed whole to a call. A zod schema (`const schema = z.object({ … })`, then
/// `schema.parse(process.env)`) declares its keys as reads; any other call may read anything,
/// so it counts as a fully dynamic read (which keeps `unused-env` quiet rather than wrong).
fn env_passed_to_call(arguments: Node, text: &str, form: EnvReadForm, facts: &mut ModuleFacts) {
    let Some(call) = arguments.parent().filter(|c| c.kind() == "call_expression") else {
        return;
    };
    let callee = call.child_by_field_name("function");
    let callee_name = callee.map(|f| match f.kind() {
        "member_expression" => f
            .child_by_field_name("property")
            .map_or("", |p| node_text(p, text)),
        _ => node_text(f, text),
    });
    // envalid's cleanEnv(process.env, schema) is read by the schema handler.
    if matches!(callee_name, Some("cleanEnv" | "createEnv")) {
        return;
    }
    let method = callee
        .filter(|f| f.kind() == "member_expression")
        .and_then(|f| f.child_by_field_name("property"))
        .map(|p| node_text(p, text));
    if matches!(
        method,
        Some("parse" | "safeParse" | "parseAsync" | "safeParseAsync")
    ) && let Some(schema) = callee
        .and_then(|f| f.child_by_field_name("object"))
        .and_then(|object| zod_object_literal(object, text))
    {
        schema_keys(schema, text, facts);
        return;
    }
    facts
        .env_reads
        .push(env_read(call, String::new(), EnvKey::Dynamic, text, form));
}

/// The `{ … }` of `z.object({ … })`, either inline or through a `const` in the same file.
fn zod_object_literal<'t>(expression: Node<'t>, text: &str) -> Option<Node<'t>> {
    let value = match expression.kind() {
        "identifier" => {
            let name = node_text(expression, text);
            let mut root = expression;
            while let Some(parent) = root.parent() {
                root = parent;
            }
            top_level_initializer(root, name, text)?
        }
        _ => expression,
    };
    // z.object({…}) possibly followed by .strict(), .passthrough(), …
    let mut call = value;
    loop {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        let is_object = function.kind() == "member_expression"
            && function
                .child_by_field_name("property")
                .is_some_and(|p| node_text(p, text) == "object");
        if is_object {
            return call
                .child_by_field_name("arguments")?
                .named_child(0)
                .filter(|a| a.kind() == "object");
        }
        call = function.child_by_field_name("object")?;
    }
}

/// The initializer of a top-level `const name = …` (also inside `export const`).
fn top_level_initializer<'t>(program: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
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

#[cfg(test)]
mod zod_env_tests {
    use crate::discover::Dialect;
    use crate::facts::EnvKey;
    use crate::parse::parse_module;

    #[test]
    fn zod_schema_parsed_from_process_env_reads_its_keys() {
        let source = b"import { z } from 'zod';\nconst schema = z.object({\n  PORT: z.coerce.number().default(8080),\n  DATABASE_URL: z.string().url(),\n}).strict();\nexport const env = schema.parse(process.env);\n";
        let facts = parse_module(Dialect::TypeScript, source);
        let reads: Vec<(&str, bool)> = facts
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default))
            .collect();
        assert_eq!(reads, vec![("PORT", true), ("DATABASE_URL", false)]);
    }

    #[test]
    fn process_env_handed_to_an_unknown_call_is_a_dynamic_read() {
        let facts = parse_module(Dialect::JavaScript, b"validate(process.env);\n");
        assert_eq!(facts.env_reads.len(), 1);
        assert_eq!(facts.env_reads[0].key, EnvKey::Dynamic);
    }
}

/// Whether a namespace or `declare module` body (not the file's top level) holds `node`.
fn in_namespace_body(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "statement_block" {
            return true;
        }
        current = n.parent();
    }
    false
}

/// `declare module 'x' { … }`: records the module name.
fn ambient_module(node: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = node.walk();
    for module in node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "module")
    {
        if let Some(name) = module
            .child_by_field_name("name")
            .and_then(|n| literal_string(n, text))
        {
            facts.ambient_modules.push(name);
        }
    }
}

/// The literal specifier of `require('x')` (possibly wrapped in parentheses).
fn required_specifier(node: Node, text: &str) -> Option<String> {
    let node = unwrap_parentheses(node);
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    if node_text(function, text) != "require" {
        return None;
    }
    let arguments = node.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")?;
    literal_string(first, text)
}

fn unwrap_parentheses(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// `require('./x')` as the first argument of a compiler's re-export helper:
/// `__exportStar(require('./x'), exports)` (TypeScript/tslib), `__export(require('./x'))` (old
/// TypeScript), `__reExport(target, require('./x'), module.exports)` (esbuild).
fn is_export_star_helper_argument(require: Node, text: &str) -> bool {
    let Some(arguments) = require.parent().filter(|p| p.kind() == "arguments") else {
        return false;
    };
    let Some(call) = arguments.parent().filter(|p| p.kind() == "call_expression") else {
        return false;
    };
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    // `tslib_1.__exportStar`, `(0, tslib_1.__exportStar)`
    let callee: String = node_text(function, text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ')')
        .collect();
    callee.ends_with("__exportStar")
        || callee.ends_with("__export")
        || callee.ends_with("__reExport")
}

/// `exports[key] = …` and `module.exports['a-b'] = …`.
fn commonjs_computed_assignment(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(left) = node.child_by_field_name("left") else {
        return;
    };
    let Some(object) = left.child_by_field_name("object") else {
        return;
    };
    let object: String = node_text(object, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if object != "exports" && object != "module.exports" {
        return;
    }
    facts.exports.commonjs = true;
    match left
        .child_by_field_name("index")
        .and_then(|i| literal_string(i, text))
    {
        Some(name) if name != "__esModule" => facts.exports.names.push(ExportedName {
            name,
            type_only: false,
            span: span_of(left, text),
        }),
        Some(_) => {}
        None => dynamic_export(node, text, facts),
    }
}

/// An export whose name is computed at run time. Compilers emit two such loops that only
/// re-export another module: Babel's `Object.keys(_x).forEach(key => … exports[key] …)` and
/// TypeScript's `for (var p in m) exports[p] = m[p]` inside its `__export` helper. Those become
/// star re-exports; any other computed export makes the shape unknowable.
fn dynamic_export(node: Node, text: &str, facts: &mut ModuleFacts) {
    // The body of a compiler helper (`function __export(m)`, `var __exportStar = …`): its
    // calls are recognised where they happen.
    let mut current = node.parent();
    while let Some(n) = current {
        if matches!(n.kind(), "function_declaration" | "variable_declarator")
            && n.child_by_field_name("name")
                .is_some_and(|name| node_text(name, text).starts_with("__"))
        {
            return;
        }
        current = n.parent();
    }
    let mut current = node.parent();
    while let Some(n) = current {
        match n.kind() {
            "call_expression" => {
                if let Some(source) = object_keys_for_each_source(n, text) {
                    match required_identifier(n, source, text) {
                        Some(specifier) => facts.exports.star_from.push(specifier),
                        None => facts.exports.opaque = true,
                    }
                    return;
                }
            }
            "for_in_statement" => {
                if let Some(source) = n
                    .child_by_field_name("right")
                    .filter(|r| r.kind() == "identifier")
                {
                    match required_identifier(n, node_text(source, text), text) {
                        Some(specifier) => facts.exports.star_from.push(specifier),
                        None => facts.exports.opaque = true,
                    }
                    return;
                }
            }
            _ => {}
        }
        current = n.parent();
    }
    facts.exports.opaque = true;
}

/// `Object.keys(_x).forEach(…)`: the identifier `_x`.
fn object_keys_for_each_source<'a>(call: Node, text: &'a str) -> Option<&'a str> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "member_expression"
        || function
            .child_by_field_name("property")
            .map(|p| node_text(p, text))
            != Some("forEach")
    {
        return None;
    }
    let keys = function.child_by_field_name("object")?;
    if keys.kind() != "call_expression"
        || keys
            .child_by_field_name("function")
            .map(|f| node_text(f, text))
            != Some("Object.keys")
    {
        return None;
    }
    let argument = keys.child_by_field_name("arguments")?.named_child(0)?;
    (argument.kind() == "identifier").then(|| node_text(argument, text))
}

/// The specifier `name` was bound to at the top level: `var _x = require('./x')`, possibly
/// wrapped in an interop helper (`_interopRequireWildcard(require('./x'))`).
fn required_identifier(from: Node, name: &str, text: &str) -> Option<String> {
    let mut root = from;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if !matches!(
            statement.kind(),
            "variable_declaration" | "lexical_declaration"
        ) {
            continue;
        }
        let mut inner = statement.walk();
        for declarator in statement.named_children(&mut inner) {
            if declarator
                .child_by_field_name("name")
                .is_none_or(|n| node_text(n, text) != name)
            {
                continue;
            }
            let value = declarator.child_by_field_name("value")?;
            return required_specifier(value, text).or_else(|| {
                let arguments = unwrap_parentheses(value).child_by_field_name("arguments")?;
                required_specifier(arguments.named_child(0)?, text)
            });
        }
    }
    None
}

/// `Object.assign(module.exports, { a, b })`, `Object.defineProperties(exports, { a: … })`.
fn commonjs_object_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let mut cursor = arguments.walk();
    let args: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    let Some(target) = args.first() else { return };
    let target: String = node_text(*target, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if target != "exports" && target != "module.exports" {
        return;
    }
    facts.exports.commonjs = true;
    for source in &args[1..] {
        if source.kind() == "object" {
            let was_opaque = facts.exports.opaque;
            commonjs_object(*source, text, facts);
            facts.exports.opaque |= was_opaque;
        } else {
            facts.exports.opaque = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::facts::Exports;
    use crate::parse::parse_module;

    fn exports(dialect: Dialect, source: &str) -> Exports {
        parse_module(dialect, source.as_bytes()).exports
    }

    fn names(exports: &Exports) -> Vec<String> {
        let mut names: Vec<String> = exports
            .names
            .iter()
            .map(|n| {
                if n.type_only {
                    format!("type {}", n.name)
                } else {
                    n.name.clone()
                }
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn esm_declarations_destructuring_and_aliases() {
        let e = exports(
            Dialect::JavaScript,
            "export const { a, b: c, d = 1, ...rest } = obj;\nexport function f() {}\nexport class K {}\nconst x = 1;\nexport { x as default, x as y };\n",
        );
        assert_eq!(names(&e), ["K", "a", "c", "d", "default", "f", "rest", "y"]);
        assert!(e.esm && !e.commonjs && !e.opaque);
    }

    #[test]
    fn reexports_star_and_namespace() {
        let e = exports(
            Dialect::TypeScript,
            "export * from './a';\nexport * as ns from './b';\nexport { q as r } from './c';\nexport type * from './types';\n",
        );
        assert_eq!(names(&e), ["ns", "r"]);
        assert_eq!(e.star_from, ["./a"]);
        assert_eq!(e.type_star_from, ["./types"]);
    }

    #[test]
    fn typescript_type_value_and_ambient_forms() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"export type T = 1;\nexport interface I {}\nexport declare const v: number;\nexport declare function g(): void;\nexport namespace N { export const inner = 1; }\nexport enum E { A }\nexport abstract class A {}\nexport import Q = N.inner;\nexport type { Only } from './o';\nexport as namespace Lib;\ndeclare module 'hono' { export const augmented: number; }\ndeclare global { interface Window { x: 1 } }\n",
        );
        assert_eq!(
            names(&facts.exports),
            [
                "A",
                "E",
                "N",
                "Q",
                "g",
                "type I",
                "type Only",
                "type T",
                "v"
            ]
        );
        assert_eq!(facts.ambient_modules, ["hono"]);
    }

    #[test]
    fn export_equals_is_commonjs_with_an_unknown_shape() {
        let e = exports(
            Dialect::TypeScript,
            "declare function e(): void;\nexport = e;\n",
        );
        assert!(e.commonjs && e.opaque && !e.esm);
    }

    #[test]
    fn commonjs_literal_members_and_define_property() {
        let e = exports(
            Dialect::JavaScript,
            "module.exports = { a, b: 1, c() {}, 'd-e': 2 };\nmodule.exports.f = 1;\nexports.g = exports.h = void 0;\nObject.defineProperty(exports, '__esModule', { value: true });\nObject.defineProperty(exports, \"i\", { enumerable: true, get: function () { return x; } });\nexports['j'] = 1;\n",
        );
        assert_eq!(names(&e), ["a", "b", "c", "d-e", "f", "g", "h", "i", "j"]);
        assert!(e.commonjs && !e.opaque && !e.esm);
    }

    #[test]
    fn commonjs_opaque_and_passthrough() {
        assert!(exports(Dialect::JavaScript, "module.exports = factory();\n").opaque);
        assert!(exports(Dialect::JavaScript, "module.exports = router;\n").opaque);
        assert!(exports(Dialect::JavaScript, "for (const k of ks) exports[k] = 1;\n").opaque);
        assert!(
            exports(
                Dialect::JavaScript,
                "Object.assign(module.exports, helpers);\n"
            )
            .opaque
        );
        let e = exports(Dialect::JavaScript, "module.exports = require('./impl');\n");
        assert_eq!(e.passthrough.as_deref(), Some("./impl"));
        assert!(!e.opaque);
        let e = exports(
            Dialect::JavaScript,
            "Object.assign(module.exports, { a: 1 }, { b });\n",
        );
        assert_eq!(names(&e), ["a", "b"]);
        assert!(!e.opaque);
    }

    #[test]
    fn compiled_reexport_helpers_become_star_reexports() {
        let e = exports(
            Dialect::JavaScript,
            r#""use strict";
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
function __export(m) { for (var p in m) if (!exports.hasOwnProperty(p)) exports[p] = m[p]; }
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./a"), exports);
tslib_1.__exportStar(require("./b"), exports);
(0, tslib_1.__exportStar)(require("./c"), exports);
__export(require('./d'));
var _e = _interopRequireWildcard(require("./e"));
Object.keys(_e).forEach(function (key) {
  if (key === "default" || key === "__esModule") return;
  Object.defineProperty(exports, key, { enumerable: true, get: function () { return _e[key]; } });
});
module.exports = { ...require('./f'), own: 1 };
"#,
        );
        assert_eq!(e.star_from, ["./a", "./b", "./c", "./d", "./e", "./f"]);
        assert_eq!(names(&e), ["own"]);
        assert!(!e.opaque, "{e:?}");
    }

    #[test]
    fn exports_inside_namespaces_are_not_module_exports() {
        let e = exports(
            Dialect::TypeScript,
            "namespace Inner { export const hidden = 1; }\nexport const shown = 1;\n",
        );
        assert_eq!(names(&e), ["shown"]);
    }

    #[test]
    fn importer_names_cover_default_named_type_and_require_forms() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"import x, { a, default as y, type T } from './m';\nconst { b, c: d } = require('./n');\nlet { e } = require('./n');\nconst f = require('./n').f;\n",
        );
        let imported: Vec<(String, bool)> = facts
            .imports
            .iter()
            .flat_map(|i| i.names.iter().map(|n| (n.imported.clone(), n.type_only)))
            .collect();
        let expected: Vec<(String, bool)> = [
            ("default", false),
            ("a", false),
            ("default", false),
            ("T", true),
            ("b", false),
            ("c", false),
            ("e", false),
            ("f", false),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), *t))
        .collect();
        assert_eq!(imported, expected);
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

// --- reachability: computed imports, path strings, compiled output ---

/// A path expression with its unknown parts as `*`: `` `./jobs/${name}.js` `` is
/// `./jobs/*.js`, `'./' + name` is `./*`, `path.join(__dirname, 'jobs', name)` is
/// `./jobs/*`. Paths are relative to the file's directory.
fn wild_path(node: Node, text: &str, depth: u32) -> String {
    if depth > 6 {
        return "*".to_string();
    }
    if let Some(known) = evaluate_path(node, text, 0) {
        return known;
    }
    match node.kind() {
        "template_string" => {
            let inner_start = node.start_byte() + 1;
            let inner_end = node.end_byte().saturating_sub(1).max(inner_start);
            let mut out = String::new();
            let mut at = inner_start;
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "template_substitution" {
                    out.push_str(text.get(at..child.start_byte()).unwrap_or(""));
                    out.push('*');
                    at = child.end_byte();
                }
            }
            out.push_str(text.get(at..inner_end).unwrap_or(""));
            out
        }
        "binary_expression"
            if node
                .child_by_field_name("operator")
                .is_some_and(|o| node_text(o, text) == "+") =>
        {
            let part = |field| {
                node.child_by_field_name(field)
                    .map_or_else(|| "*".to_string(), |n| wild_path(n, text, depth + 1))
            };
            format!("{}{}", part("left"), part("right"))
        }
        "parenthesized_expression" => node
            .named_child(0)
            .map_or_else(|| "*".to_string(), |n| wild_path(n, text, depth + 1)),
        "call_expression" => {
            let function = node
                .child_by_field_name("function")
                .map_or("", |f| node_text(f, text));
            if !(function.ends_with(".join") || function.ends_with(".resolve")) {
                return "*".to_string();
            }
            let parts: Vec<String> = call_arguments(node)
                .into_iter()
                .map(|a| wild_path(a, text, depth + 1))
                .collect();
            if parts.is_empty() {
                "*".to_string()
            } else {
                parts.join("/")
            }
        }
        _ => "*".to_string(),
    }
}

/// Collapses `**`, `*/*` runs and duplicate slashes so a pattern stays a simple glob.
fn tidy_pattern(pattern: &str) -> String {
    let mut out = pattern.replace("//", "/");
    while out.contains("**") {
        out = out.replace("**", "*");
    }
    out
}

/// `require('./' + name)`, `` import(`./jobs/${name}.js`) ``: a computed specifier that
/// keeps a literal relative directory loads files from that directory.
fn computed_import(argument: Node, text: &str, facts: &mut ModuleFacts) {
    let pattern = tidy_pattern(&wild_path(argument, text, 0));
    let relative = pattern.starts_with("./") || pattern.starts_with("../");
    if !relative || !pattern.contains('*') || pattern.contains('{') {
        return;
    }
    facts.directory_loads.push(DirectoryLoad {
        kind: DirectoryLoadKind::ComputedImport,
        pattern,
        span: span_of(argument, text),
    });
}

/// `path.resolve(__dirname, 'jobs', `${name}.js`)`: a path with unknown parts that still
/// names a subdirectory or a file stem (`./*` alone names the file's own directory).
fn named_wild_path(node: Node, text: &str) -> Option<String> {
    let pattern = tidy_pattern(&wild_path(node, text, 0));
    let rest = pattern.strip_prefix("./")?;
    let literal = rest.split('*').next().unwrap_or("");
    (!literal.is_empty() && !literal.starts_with('.') && !pattern.contains('{')).then_some(pattern)
}

/// `//# sourceMappingURL=…` marks compiled or bundled output.
fn source_map_comment(raw: &str, facts: &mut ModuleFacts) {
    let body = raw.trim_start_matches(['/', '*']).trim_start();
    if (body.starts_with("# sourceMappingURL=") || body.starts_with("@ sourceMappingURL="))
        && !facts.compiled
    {
        facts.compiled = true;
    }
}

/// Source and data extensions a path string may end with.
const PATH_EXTENSIONS: &[&str] = &[
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json",
];

/// A string literal that looks like a relative path to a file or directory.
fn path_string(node: Node, text: &str, facts: &mut ModuleFacts) {
    let raw = node_text(node, text);
    if raw.len() < 4 || raw.len() > 200 {
        return;
    }
    // Import specifiers (static, `require()`, `import()`) are imports already.
    if let Some(parent) = node.parent() {
        if matches!(
            parent.kind(),
            "import_statement" | "export_statement" | "import_require_clause"
        ) {
            return;
        }
        if parent.kind() == "arguments"
            && let Some(call) = parent.parent()
            && let Some(function) = call.child_by_field_name("function")
            && matches!(
                node_text(function, text),
                "require" | "import" | "require.resolve"
            )
        {
            return;
        }
    }
    let Some(value) = literal_string(node, text) else {
        return;
    };
    let looks_like_path = !value.is_empty()
        && !value.starts_with(['/', '@', '#', '~'])
        && !value.contains("://")
        && !value.contains(char::is_whitespace)
        && !value.contains(['*', '$', '{', '?', ':', '<', '>', '|', '"', '\\', ','])
        && (value.contains('/') || PATH_EXTENSIONS.iter().any(|e| value.ends_with(e)));
    if looks_like_path {
        facts.path_strings.push(crate::facts::PathString {
            value,
            line: node.start_position().row as u32 + 1,
        });
    }
}

/// `app.use('/sync', syncApp.handlers)`: with an explicit mount path, a property of an
/// imported module is a sub-application (without one it is middleware: `app.use(auth.check)`).
fn mounted_member(node: Node, text: &str) -> Option<MountTarget> {
    if node.kind() != "member_expression" {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    (object.kind() == "identifier")
        .then(|| MountTarget::Binding(node_text(object, text).to_string()))
}

/// `__filename`, `import.meta.url`, `fileURLToPath(import.meta.url)`: the file itself.
fn names_this_file(node: Node, text: &str) -> bool {
    let written = node_text(node, text);
    matches!(
        written,
        "__filename" | "import.meta.url" | "import.meta.filename"
    ) || (node.kind() == "call_expression"
        && written.contains("fileURLToPath")
        && written.contains("import.meta.url")
        && !written.contains("dirname"))
}

#[cfg(test)]
mod dynamic_import_binding_tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

    #[test]
    fn promise_methods_of_an_unawaited_import_are_not_export_names() {
        let facts = parse_module(
            Dialect::JavaScript,
            b"import('./modal.js').then((m) => m.open());\n",
        );
        assert!(facts.imports[0].namespace);
        assert!(facts.imports[0].names.is_empty());
    }

    #[test]
    fn destructured_await_import_names_its_exports() {
        let facts = parse_module(
            Dialect::JavaScript,
            b"const { open } = await import('./modal.js');\n",
        );
        let names: Vec<&str> = facts.imports[0]
            .names
            .iter()
            .map(|n| n.imported.as_str())
            .collect();
        assert_eq!(names, vec!["open"]);
    }
}
