//! ESM imports, `require()` and `import()`: specifiers and the names bound from them.

use super::FieldExt;
use tree_sitter::Node;

use super::commonjs::is_export_star_helper_argument;
use super::exports::in_namespace_body;
use super::extract::{
    call_arguments, has_keyword_child, literal_string, node_text, span_of, specifier_name,
    unwrap_parentheses,
};
use super::paths::computed_import;
use crate::facts::{Import, ImportKind, ImportedName, ModuleFacts};

pub(super) fn import_statement(node: Node, text: &str, facts: &mut ModuleFacts) {
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
        if let Some(source) = clause.field("source") {
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
                optional: false,
                span: span_of(source, text),
            });
        }
        return;
    }
    let Some(source) = node.field("source") else {
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
        optional: false,
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
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let type_only = statement_type_only || has_keyword_child(spec, "type");
                        has_value_binding |= !type_only;
                        import.names.push(ImportedName {
                            imported: specifier_name(name, text),
                            local: spec.field("alias").map(|a| node_text(a, text).to_string()),
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

/// `require('x')` / `require.resolve('x')`: with what the result is destructured into.
pub(super) fn require_call(node: Node, text: &str, kind: ImportKind, facts: &mut ModuleFacts) {
    let Some(arguments) = node.field("arguments") else {
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
        optional: false,
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    import.optional = in_try_block(node);
    let is_resolve = node
        .field("function")
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
        "variable_declarator" if parent.field("value") == Some(value) => {
            let Some(pattern) = parent
                .field("name")
                .filter(|p| p.kind() == "object_pattern")
            else {
                return;
            };
            let mut names = Vec::new();
            let mut cursor = pattern.walk();
            for property in pattern.named_children(&mut cursor) {
                let key = match property.kind() {
                    "shorthand_property_identifier_pattern" => Some(property),
                    "pair_pattern" => property.field("key"),
                    "object_assignment_pattern" => property.field("left"),
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
        "member_expression" if parent.field("object") == Some(value) => {
            if let Some(property) = parent
                .field("property")
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
    let mut child = node;
    let mut current = node.parent();
    while let Some(n) = current {
        match n.kind() {
            // `value as import('estree').Statement`: the type side of the assertion.
            "as_expression" | "satisfies_expression" => {
                return n
                    .named_child(0)
                    .is_some_and(|value| value.id() != child.id());
            }
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
            _ => {
                child = n;
                current = n.parent();
            }
        }
    }
    false
}

pub(super) fn dynamic_import(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.field("arguments") else {
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
        optional: false,
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    import.optional = in_try_block(node);
    bound_names(node, text, &mut import);
    facts.imports.push(import);
}

/// Whether a call sits in the body of a `try` that has a `catch` (within the same function):
/// `try { require('optional') } catch {}` copes with the module being absent. Looks a bounded
/// number of levels up (`Node::parent` costs the node's depth): a call nested deeper inside
/// its statement is not taken as guarded.
fn in_try_block(node: Node) -> bool {
    const MAX_LEVELS: usize = 24;
    let mut child = node;
    let mut current = node.parent();
    let mut levels = 0;
    while let Some(n) = current {
        levels += 1;
        if levels > MAX_LEVELS {
            return false;
        }
        match n.kind() {
            "try_statement" => {
                let in_body = n.field("body").map(|b| b.id()) == Some(child.id());
                if in_body && n.field("handler").is_some() {
                    return true;
                }
            }
            "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "class_declaration"
            | "program" => return false,
            _ => {}
        }
        child = n;
        current = n.parent();
    }
    false
}

/// The specifier node of `require('x')` / `import('x')`, when `node` is such a call.
pub(super) fn module_call_specifier(node: Node, text: &str) -> Option<u32> {
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    let is_module_call = function.kind() == "import"
        || (function.kind() == "identifier" && node_text(function, text) == "require");
    if !is_module_call {
        return None;
    }
    let first = *call_arguments(node).first()?;
    literal_string(first, text)?;
    Some(first.start_byte() as u32)
}

/// The literal specifier of `require('x')` (possibly wrapped in parentheses).
pub(super) fn required_specifier(node: Node, text: &str) -> Option<String> {
    let node = unwrap_parentheses(node);
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.field("function")?;
    if node_text(function, text) != "require" {
        return None;
    }
    let arguments = node.field("arguments")?;
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")?;
    literal_string(first, text)
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

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

    #[test]
    fn an_import_type_in_an_as_assertion_is_type_only_but_the_asserted_value_is_not() {
        use crate::facts::ImportKind;
        let facts = parse_module(
            Dialect::TypeScript,
            b"const body = visit(node) as import('estree').Statement;\nconst m = (await import('./plugin.js')) as Plugin;\n",
        );
        let kinds: Vec<(&str, ImportKind)> = facts
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("estree", ImportKind::TypeOnly),
                ("./plugin.js", ImportKind::Dynamic)
            ]
        );
    }

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
