//! CommonJS exports: `module.exports`, `exports.x`, `Object.defineProperty` and the
//! re-export helpers compilers emit.

use super::FieldExt;
use tree_sitter::Node;

use super::extract::{literal_string, node_text, span_of, specifier_name, unwrap_parentheses};
use super::imports::required_specifier;
use crate::facts::{ExportedName, ModuleFacts};

/// `module.exports = …`, `module.exports.a = …`, `exports.a = …`.
pub(super) fn commonjs_assignment(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(left) = node.field("left") else {
        return;
    };
    let Some(right) = node.field("right") else {
        return;
    };
    let target = node_text(left, text);
    let compact: String = target.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "module.exports" {
        facts.exports.commonjs = true;
        commonjs_object(right, text, facts);
        return;
    }
    if let Some(name) = commonjs_export_name(left, text) {
        facts.exports.commonjs = true;
        if name != "__esModule" {
            facts.exports.names.push(ExportedName {
                name,
                type_only: false,
                span: span_of(left, text),
            });
        }
    }
}

/// The name `module.exports.a = …` or `exports.a = …` exports, from the assignment's left side.
pub(super) fn commonjs_export_name(left: Node, text: &str) -> Option<String> {
    let compact: String = node_text(left, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let name = compact
        .strip_prefix("module.exports.")
        .or_else(|| compact.strip_prefix("exports."))?;
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
    .then(|| name.to_string())
}

/// The shape of the value assigned to `module.exports`.
fn commonjs_object(value: Node, text: &str, facts: &mut ModuleFacts) {
    match value.kind() {
        "object" => {
            let mut cursor = value.walk();
            for property in value.named_children(&mut cursor) {
                let key = match property.kind() {
                    "shorthand_property_identifier" => Some(property),
                    "pair" | "method_definition" => {
                        property.field("key").or_else(|| property.field("name"))
                    }
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
                .field("function")
                .is_some_and(|f| node_text(f, text) == "require") =>
        {
            let specifier = value
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .and_then(|a| literal_string(a, text));
            match specifier {
                Some(s) => facts.exports.passthrough = Some(s),
                None => facts.exports.opaque = true,
            }
        }
        // module.exports = exports = …
        "assignment_expression" => {
            if let Some(right) = value.field("right") {
                commonjs_object(right, text, facts);
            }
        }
        _ => facts.exports.opaque = true,
    }
}

/// `Object.defineProperty(exports, 'a', …)`.
pub(super) fn commonjs_define(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.field("arguments") else {
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

/// `require('./x')` as the first argument of a compiler's re-export helper:
/// `__exportStar(require('./x'), exports)` (TypeScript/tslib), `__export(require('./x'))` (old
/// TypeScript), `__reExport(target, require('./x'), module.exports)` (esbuild).
pub(super) fn is_export_star_helper_argument(require: Node, text: &str) -> bool {
    let Some(arguments) = require.parent().filter(|p| p.kind() == "arguments") else {
        return false;
    };
    let Some(call) = arguments.parent().filter(|p| p.kind() == "call_expression") else {
        return false;
    };
    let Some(function) = call.field("function") else {
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
pub(super) fn commonjs_computed_assignment(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(left) = node.field("left") else {
        return;
    };
    let Some(object) = left.field("object") else {
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
    match left.field("index").and_then(|i| literal_string(i, text)) {
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
            && n.field("name")
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
                if let Some(source) = n.field("right").filter(|r| r.kind() == "identifier") {
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
    let function = call.field("function")?;
    if function.kind() != "member_expression"
        || function.field("property").map(|p| node_text(p, text)) != Some("forEach")
    {
        return None;
    }
    let keys = function.field("object")?;
    if keys.kind() != "call_expression"
        || keys.field("function").map(|f| node_text(f, text)) != Some("Object.keys")
    {
        return None;
    }
    let argument = keys.field("arguments")?.named_child(0)?;
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
                .field("name")
                .is_none_or(|n| node_text(n, text) != name)
            {
                continue;
            }
            let value = declarator.field("value")?;
            return required_specifier(value, text).or_else(|| {
                let arguments = unwrap_parentheses(value).field("arguments")?;
                required_specifier(arguments.named_child(0)?, text)
            });
        }
    }
    None
}

/// `Object.assign(module.exports, { a, b })`, `Object.defineProperties(exports, { a: … })`.
pub(super) fn commonjs_object_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(arguments) = node.field("arguments") else {
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
    use crate::parse::exports::tests::{exports, names};

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
    fn export_equals_is_commonjs_with_an_unknown_shape() {
        let e = exports(
            Dialect::TypeScript,
            "declare function e(): void;\nexport = e;\n",
        );
        assert!(e.commonjs && e.opaque && !e.esm);
    }
}
