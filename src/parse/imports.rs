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
                module_system_branch: false,
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
        module_system_branch: false,
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
pub(super) fn require_call(
    node: Node,
    ancestors: &[Node],
    text: &str,
    kind: ImportKind,
    facts: &mut ModuleFacts,
) {
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
        module_system_branch: false,
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    mark_guard(&mut import, node, ancestors, text);
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

pub(super) fn dynamic_import(node: Node, ancestors: &[Node], text: &str, facts: &mut ModuleFacts) {
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
        module_system_branch: false,
        specifier: specifier.unwrap_or_default(),
        kind,
        names: Vec::new(),
        namespace: true,
        span: span_of(first, text),
    };
    mark_guard(&mut import, node, ancestors, text);
    // `import(/* webpackIgnore: true */ '../libraries/x.js')`, `/* @vite-ignore */`: the
    // bundler leaves the import to the browser, which takes it as a URL of the served files,
    // not a path of the tree: nothing to resolve here.
    let mut comments = arguments.walk();
    if arguments
        .named_children(&mut comments)
        .filter(|c| c.kind() == "comment")
        .any(|c| {
            let comment = node_text(c, text);
            comment.contains("@vite-ignore")
                || comment
                    .split_once("webpackIgnore")
                    .is_some_and(|(_, rest)| {
                        rest.trim_start_matches([':', ' ']).starts_with("true")
                    })
        })
    {
        import.optional = true;
    }
    bound_names(node, text, &mut import);
    facts.imports.push(import);
}

/// What makes a `require()`/`import()` call conditional on its surroundings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// Nothing: the module is needed.
    None,
    /// The body of a `try` that has a `catch`, in the same function
    /// (`try { require('optional') } catch {}`): the code copes with the module being absent.
    TryCatch,
    /// A branch of a module-system test, as in a UMD wrapper (`typeof exports == "object" ?
    /// factory(require("jquery")) : typeof define == "function" && define.amd ?
    /// define(["jquery"], factory) : factory(root.jQuery)`): the same code also runs without it
    /// (AMD, browser globals). A function defined on such a branch runs only there, so this
    /// test looks through function boundaries.
    ModuleSystemBranch,
}

/// Records on `import` how the call `node` (whose ancestors are `ancestors`, nearest last) that
/// makes it is guarded.
fn mark_guard(import: &mut Import, node: Node, ancestors: &[Node], text: &str) {
    let guard = guard_of(node, ancestors, text);
    import.optional = guard == Guard::TryCatch;
    import.module_system_branch = guard == Guard::ModuleSystemBranch;
}

/// How the call `node` is guarded, from its ancestors (the walk's, nearest last). Looks a
/// bounded number of levels up: a call nested deeper is taken as unguarded.
fn guard_of(node: Node, ancestors: &[Node], text: &str) -> Guard {
    const MAX_LEVELS: usize = 24;
    let mut child = node;
    let mut in_nested_function = false;
    for &n in ancestors.iter().rev().take(MAX_LEVELS) {
        let guard = match n.kind() {
            "try_statement"
                if !in_nested_function
                    && n.field("body").map(|b| b.id()) == Some(child.id())
                    && n.field("handler").is_some() =>
            {
                Guard::TryCatch
            }
            "ternary_expression" | "if_statement"
                if n.field("condition")
                    .is_some_and(|c| c.id() != child.id() && tests_module_system(c, text)) =>
            {
                Guard::ModuleSystemBranch
            }
            // `typeof module == "object" && module.exports && (module.exports = f(require("x")))`
            "binary_expression"
                if n.field("right").map(|r| r.id()) == Some(child.id())
                    && n.field("operator")
                        .is_some_and(|o| node_text(o, text) == "&&")
                    && n.field("left")
                        .is_some_and(|l| tests_module_system(l, text)) =>
            {
                Guard::ModuleSystemBranch
            }
            "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "class_declaration" => {
                in_nested_function = true;
                Guard::None
            }
            "program" => return Guard::None,
            _ => Guard::None,
        };
        if guard != Guard::None {
            return guard;
        }
        child = n;
    }
    Guard::None
}

/// Whether a condition tests which module system loads the code (`typeof exports`,
/// `typeof module`, `typeof define`, `define.amd`), the way UMD wrappers choose a branch.
fn tests_module_system(condition: Node, text: &str) -> bool {
    // A module-system test is short; a long condition is something else that merely mentions one.
    const MAX_TEST_BYTES: usize = 400;
    let range = condition.byte_range();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    range.len() <= MAX_TEST_BYTES
        && text.get(range).is_some_and(|test| {
            let bytes = test.as_bytes();
            [
                "typeof exports",
                "typeof module",
                "typeof define",
                "define.amd",
            ]
            .iter()
            .any(|word| {
                // Whole words: `typeof moduleLoader` or `redefine.amd` test something else.
                test.match_indices(word).any(|(at, _)| {
                    let end = at + word.len();
                    (at == 0 || !is_word(bytes[at - 1]))
                        && bytes.get(end).is_none_or(|&b| !is_word(b))
                })
            })
        })
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

/// Whether the module is nothing but import statements, and at least one binds a name: a
/// name nothing can use, since no other statement exists (`import { Banner, Button } from
/// 'payload/components'`, listed to check that each import resolves). Comments may sit
/// between them.
pub(super) fn is_import_probe(root: Node) -> bool {
    let mut cursor = root.walk();
    let mut binds = false;
    for statement in root.named_children(&mut cursor) {
        match statement.kind() {
            "import_statement" => {
                let mut inner = statement.walk();
                binds |= statement
                    .named_children(&mut inner)
                    .any(|c| c.kind() == "import_clause");
            }
            "comment" | "hash_bang_line" | "empty_statement" => {}
            _ => return false,
        }
    }
    binds
}

/// Drops the imports of modules a Jest test declares virtual (`jest.mock('custom-provider',
/// factory, { virtual: true })`): the mock is the module, created for the test run and
/// existing nowhere else, so the import is neither a file to resolve nor a package to declare.
pub(super) fn drop_virtual_mocks(
    index: &super::extract::Index,
    text: &str,
    facts: &mut ModuleFacts,
) {
    if !text.contains("virtual") {
        return;
    }
    let mut virtual_modules = Vec::new();
    for (_, call) in index.of(&[super::extract::Kind::Call]) {
        let Some(function) = call.field("function") else {
            continue;
        };
        if !matches!(
            node_text(function, text),
            "jest.mock" | "jest.doMock" | "jest.unstable_mockModule"
        ) {
            continue;
        }
        let arguments = call_arguments(call);
        let (Some(specifier), Some(options)) = (
            arguments.first().and_then(|a| literal_string(*a, text)),
            arguments.get(2).filter(|o| o.kind() == "object"),
        ) else {
            continue;
        };
        let mut cursor = options.walk();
        let is_virtual = options.named_children(&mut cursor).any(|pair| {
            pair.kind() == "pair"
                && pair
                    .field("key")
                    .is_some_and(|k| node_text(k, text) == "virtual")
                && pair.field("value").is_some_and(|v| v.kind() == "true")
        });
        if is_virtual {
            virtual_modules.push(specifier);
        }
    }
    if !virtual_modules.is_empty() {
        facts
            .imports
            .retain(|import| !virtual_modules.contains(&import.specifier));
    }
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
    fn requires_on_module_system_branches_are_optional_and_others_are_not() {
        let optional = |source: &str| -> Vec<(String, bool)> {
            parse_module(Dialect::JavaScript, source.as_bytes())
                .imports
                .iter()
                .map(|i| (i.specifier.clone(), i.module_system_branch))
                .collect()
        };
        // A jQuery plugin's wrapper: the require sits in a function defined on the CommonJS
        // branch, which runs only there.
        let plugin = "(function (factory) {\n  if (typeof define === 'function' && define.amd) {\n    define(['jquery'], factory);\n  } else if (typeof module === 'object' && module.exports) {\n    module.exports = function (root, jQuery) {\n      if (jQuery === undefined) { jQuery = require('jquery'); }\n      factory(jQuery);\n    };\n  } else { factory(window.jQuery); }\n}(function ($) { $.fn.tip = function () {}; }));\n";
        assert_eq!(optional(plugin), [("jquery".to_string(), true)]);
        let guarded_and = "typeof module === 'object' && module.exports && (module.exports = make(require('lodash')));\n";
        assert_eq!(optional(guarded_and), [("lodash".to_string(), true)]);
        // Not a module-system test, or the require is the test itself: a hard dependency.
        let server = "const db = process.env.PG ? require('pg') : require('sqlite3');\nif (typeof require('ioredis') === 'function') {}\nconst mail = typeof moduleHooks === 'object' ? require('nodemailer') : null;\n";
        assert_eq!(
            optional(server),
            [
                ("pg".to_string(), false),
                ("sqlite3".to_string(), false),
                ("ioredis".to_string(), false),
                ("nodemailer".to_string(), false),
            ]
        );
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
