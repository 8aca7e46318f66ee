//! ESM exports: declarations, lists, re-exports and ambient `declare module` blocks.

use super::FieldExt;
use tree_sitter::Node;

use super::extract::{has_keyword_child, literal_string, node_text, span_of, specifier_name};
use crate::facts::{ExportedName, Import, ImportKind, ImportedName, ModuleFacts};

pub(super) fn export_statement(node: Node, text: &str, facts: &mut ModuleFacts) {
    // `namespace N { export const a }` and `declare module 'x' { export … }` export from the
    // namespace or the other module, not from this file.
    if in_namespace_body(node) {
        return;
    }
    // `export = x` makes the module CommonJS; `export as namespace X` (UMD global) exports nothing.
    if !has_keyword_child(node, "=") && !has_keyword_child(node, "as") {
        facts.exports.esm = true;
        facts.exports.esm_exports = true;
    }
    let statement_type_only = has_keyword_child(node, "type");
    let source = node.field("source");
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
            optional: false,
            module_system_branch: false,
            span: span_of(source, text),
        };
        match clause {
            Some(c) if c.kind() == "export_clause" => {
                let mut specs = c.walk();
                for spec in c
                    .named_children(&mut specs)
                    .filter(|s| s.kind() == "export_specifier")
                {
                    let Some(name) = spec.field("name") else {
                        continue;
                    };
                    let type_only = statement_type_only || has_keyword_child(spec, "type");
                    let imported = specifier_name(name, text);
                    let exported = spec
                        .field("alias")
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
            let Some(name) = spec.field("name") else {
                continue;
            };
            let exported = spec.field("alias").unwrap_or(name);
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
    if let Some(declaration) = node.field("declaration") {
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
                if let Some(name) = declarator.field("name") {
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
            let name = declaration.field("name");
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
            if let Some(value) = pattern.field("value") {
                pattern_names(value, text, type_only, out);
            }
        }
        "assignment_pattern" | "object_assignment_pattern" => {
            if let Some(left) = pattern.field("left") {
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

/// Whether a namespace or `declare module` body (not the file's top level) holds `node`.
pub(super) fn in_namespace_body(node: Node) -> bool {
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
pub(super) fn ambient_module(node: Node, text: &str, facts: &mut ModuleFacts) {
    let mut cursor = node.walk();
    for module in node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "module")
    {
        if let Some(name) = module.field("name").and_then(|n| literal_string(n, text)) {
            facts.ambient_modules.push(name);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::discover::Dialect;
    use crate::facts::Exports;
    use crate::parse::parse_module;

    pub(in crate::parse) fn exports(dialect: Dialect, source: &str) -> Exports {
        parse_module(dialect, source.as_bytes()).exports
    }

    pub(in crate::parse) fn names(exports: &Exports) -> Vec<String> {
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
    fn exports_inside_namespaces_are_not_module_exports() {
        let e = exports(
            Dialect::TypeScript,
            "namespace Inner { export const hidden = 1; }\nexport const shown = 1;\n",
        );
        assert_eq!(names(&e), ["shown"]);
    }
}
