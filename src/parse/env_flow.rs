//! Whether a module copes with a variable being unset, by local data flow: where the value of
//! each read goes (a fallback, a presence test, a local that is tested later, a guard that
//! throws) and, across the module, whether the code tests the variable's presence anywhere.
//!
//! A read is required only when its value is used with no default and no guard: the read's
//! own context first (`?? d`, `|| d`, `if (X)`, `X ? a : b`, `Boolean(X)`, `X?.y`, `!X` that
//! does not throw), then the locals it is stored in (`const s = X; if (!s) return`), then the
//! module: a variable whose presence the module tests (without throwing), or to which it
//! assigns a default (`process.env.X ??= 'd'`), is optional everywhere in the module (the
//! read inside `if (X) { use(X) }`, inside a factory only called when a flag built from it is
//! set, in the branch of a multi-line ternary). `if (!X) throw …` keeps it required.
//!
//! A value that leaves the module as it is (an exported constant, a NestJS `useValue`
//! provider) is recorded with its name (`env_exports`, `env_providers`), and each module
//! records which of its imports and injected tokens it tests (`coping_imports`,
//! `injected_tokens`): the env stage joins them over the resolved graph.

use super::FieldExt;
use std::collections::BTreeSet;

use tree_sitter::Node;

use super::extract::{Index, Kind, declared_value, span_of, top_level_initializer};
use crate::facts::{
    EnvBinding, EnvFileLoad, EnvFlagGate, EnvHandoff, EnvHelper, EnvKey, EnvNameCall, EnvRead,
    EnvReadForm, FlagTest, ImportFlagGate, ModuleFacts,
};

/// What happens to a value where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueUse {
    /// A fallback or a presence test copes with it being unset.
    Optional,
    /// `if (!X) throw …` / `process.exit`: the code insists on it.
    Required,
    /// Stored in a local: its uses decide.
    Stored,
    /// Used as is.
    Bare,
}

fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

/// A predicate named as a truthiness or presence test (`isTruthy(X)`, `utils.isDefined(X)`,
/// `parseBoolean(X)`): it answers false for an unset variable, by its contract.
fn is_presence_predicate(function: &str) -> bool {
    let name = function.rsplit('.').next().unwrap_or(function);
    let tested = name.strip_prefix("is").or_else(|| name.strip_prefix("has"));
    tested.is_some_and(|t| {
        matches!(
            t,
            "Truthy"
                | "Falsy"
                | "Defined"
                | "Undefined"
                | "Present"
                | "Set"
                | "True"
                | "False"
                | "Empty"
                | "NotEmpty"
                | "Nil"
                | "Null"
                | "Enabled"
                | "Disabled"
                | "Value"
        )
    }) || matches!(
        name,
        "toBoolean" | "toBool" | "parseBoolean" | "parseBool" | "asBoolean" | "booleanish"
    )
}

/// Conversions that keep "unset" visible to a fallback: `Number(X) || 3000`,
/// `Number.parseInt(X, 10) || 80` (NaN is falsy).
const CONVERSIONS: &[&str] = &[
    "Number",
    "parseInt",
    "parseFloat",
    "Number.parseInt",
    "Number.parseFloat",
    "String",
    "JSON.parse",
];

/// How the value read at `access` is used, and the local it is stored in (if any).
pub(super) fn value_use<'t>(access: Node<'t>, text: &str) -> (ValueUse, Option<Node<'t>>) {
    let mut current = access;
    // Built into a string (`${X}/a`, `X + '/a'`): the result is always set, so whoever gets
    // it (a local, a prop, a payload) cannot tell the variable was missing.
    let mut interpolated = false;
    // `process.env.X!`, `process.env.X.trim()`: the code insists the value is there, wherever
    // it goes next. So may an env helper (`assertEnv('X')` throws when unset), whose value is
    // judged here from its call.
    let mut insisted = access.kind() == "call_expression";
    while let Some(parent) = current.parent() {
        let is_left = parent.field("left") == Some(current);
        match parent.kind() {
            "non_null_expression" => {
                insisted = true;
                current = parent
            }
            // `return { feedbackUriPath }`: a local placed in an object as it is.
            "object" if current.kind() == "shorthand_property_identifier" => {
                return if !insisted && handed_off(parent, text, 2) {
                    (ValueUse::Optional, None)
                } else {
                    (ValueUse::Bare, None)
                };
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "await_expression" => current = parent,
            "arguments" => {
                let Some(call) = parent.parent().filter(|c| c.kind() == "call_expression") else {
                    return (ValueUse::Bare, None);
                };
                let function = call.field("function").map_or("", |f| node_text(f, text));
                // A presence test, or a value only written to a log.
                if function == "Boolean" || is_presence_predicate(function) || is_log_call(function)
                {
                    return (ValueUse::Optional, None);
                }
                // `process.loadEnvFile(process.env.ENV_FILE)`: unset means `./.env`.
                if function == "loadEnvFile" || function.ends_with(".loadEnvFile") {
                    return (ValueUse::Optional, None);
                }
                if CONVERSIONS.contains(&function) {
                    current = call;
                    continue;
                }
                // `normalizeEnv(import.meta.env.X)` where the module's own `normalizeEnv`
                // tests its parameter for undefined.
                let position = {
                    let mut cursor = parent.walk();
                    parent
                        .named_children(&mut cursor)
                        .position(|a| a == current)
                };
                if let Some(position) = position
                    && local_function_copes(call, function, position, text)
                {
                    return (ValueUse::Optional, None);
                }
                // `isValidLevel(LOG_LEVEL) ? LOG_LEVEL : 'info'`, `isNaN(n) ? fallback : n`:
                // a predicate chooses between the value and a fallback.
                if !insisted && selects_fallback(call, text) {
                    return (ValueUse::Optional, None);
                }
                return (ValueUse::Bare, None);
            }
            "template_substitution" | "template_string" => {
                interpolated = true;
                current = parent
            }
            "member_expression" if parent.field("object") == Some(current) => {
                if parent.field("optional_chain").is_some()
                    || has_child_kind(parent, "?.")
                    || has_child_kind(parent, "optional_chain")
                {
                    return (ValueUse::Optional, None);
                }
                let Some(call) = parent.parent().filter(|c| c.kind() == "call_expression") else {
                    return (ValueUse::Bare, None);
                };
                insisted = true;
                current = call;
            }
            "binary_expression" => {
                let operator = parent.field("operator").map_or("", |o| o.kind());
                match operator {
                    "||" | "??" | "&&" if is_left => return (ValueUse::Optional, None),
                    // `A || B`: either will do, so neither is required on its own.
                    "||" | "??" => return (ValueUse::Optional, None),
                    "&&" => current = parent,
                    "===" | "!==" | "==" | "!=" => return (ValueUse::Optional, None),
                    // String building: the result decides.
                    "+" => {
                        interpolated = true;
                        current = parent
                    }
                    _ => return (ValueUse::Bare, None),
                }
            }
            "augmented_assignment_expression" => return (ValueUse::Optional, None),
            "ternary_expression" => {
                if parent.field("condition") == Some(current) {
                    return (ValueUse::Optional, None);
                }
                current = parent;
            }
            "unary_expression" => {
                let operator = parent.field("operator").map_or("", |o| node_text(o, text));
                return match operator {
                    "!" if guard_throws(parent, text) => (ValueUse::Required, None),
                    "!" | "typeof" => (ValueUse::Optional, None),
                    _ => (ValueUse::Bare, None),
                };
            }
            "if_statement" | "while_statement" | "do_statement" => {
                let use_ = if parent.field("condition") == Some(current) {
                    ValueUse::Optional
                } else {
                    ValueUse::Bare
                };
                return (use_, None);
            }
            "variable_declarator" if parent.field("value") == Some(current) => {
                let name = parent
                    .field("name")
                    .filter(|n| n.kind() == "identifier" && !interpolated);
                return match name {
                    Some(name) => (ValueUse::Stored, Some(name)),
                    None => (ValueUse::Bare, None),
                };
            }
            // `httpsCert = process.env.HTTPS_CERT_PATH;` in a class: its uses are `this.httpsCert`.
            "public_field_definition" | "field_definition"
                if parent.field("value") == Some(current) =>
            {
                let name = parent
                    .field("name")
                    .or_else(|| parent.field("property"))
                    .filter(|n| n.kind() == "property_identifier");
                return match name {
                    Some(name) => (ValueUse::Stored, Some(name)),
                    None => (ValueUse::Bare, None),
                };
            }
            // `json({ faviconUrl: process.env.FAVICON_URL })`: configuration handed to a client
            // that has its own fallbacks; whether it needs the value cannot be known here.
            "pair" if !interpolated && is_response_payload(parent, text) => {
                return (ValueUse::Optional, None);
            }
            // `dotenv.config({ path: process.env.APP_ENV_FILE })`: unset means the default
            // `.env`, and the variable that picks the env file cannot be declared in it.
            "pair" if !interpolated && is_env_file_option(parent, text) => {
                return (ValueUse::Optional, None);
            }
            // `const hooks = { alerts: process.env.HOOK_ALERTS, … }`: a lookup table whose
            // entries are read by a computed key (`hooks[type]`); those reads decide.
            // A field of an object handed on whole (returned, merged, spread, serialised):
            // the options of code out of sight, which decides what it does without them
            // (`const defaultEmail = { host: process.env.EMAIL_HOST }` merged with the
            // caller's options; `JSON.stringify({ secret: process.env.X })` drops it). An
            // object given straight to a call (`new Pool({ connectionString: … })`) is that
            // callee's to use now, and a value the code insists on (`X!`, `X.trim()`) stays
            // required.
            "pair" if !interpolated && parent.field("value") == Some(current) => {
                return match (lookup_table_binding(parent), parent.field("key")) {
                    (Some(_), Some(key)) if !insisted => (ValueUse::Stored, Some(key)),
                    (None, _)
                        if !insisted && parent.parent().is_some_and(|o| handed_off(o, text, 2)) =>
                    {
                        (ValueUse::Optional, None)
                    }
                    _ => (ValueUse::Bare, None),
                };
            }
            // `get #workerMode() { return process.env.WORKER_MODE }`: the class's uses of
            // `this.#workerMode` decide.
            "return_statement" if !interpolated => {
                return match private_getter_name(parent, text) {
                    Some(name) => (ValueUse::Stored, Some(name)),
                    None => (ValueUse::Bare, None),
                };
            }
            // `function send(r, cleanup = process.env.CLEANUP)`: a parameter's default; the
            // function's uses of the parameter decide (see `local_use`).
            // (TypeScript: `required_parameter` with a `value`.)
            "assignment_pattern" | "required_parameter" | "optional_parameter"
                if (parent.field("right") == Some(current)
                    || parent.field("value") == Some(current))
                    && parameter_function(parent).is_some() =>
            {
                let name = parent
                    .field("left")
                    .or_else(|| parent.field("pattern"))
                    .filter(|n| n.kind() == "identifier" && !interpolated);
                return match name {
                    Some(name) => (ValueUse::Stored, Some(name)),
                    None => (ValueUse::Bare, None),
                };
            }
            "assignment_expression" if parent.field("right") == Some(current) => {
                let name = parent.field("left").filter(|n| n.kind() == "identifier");
                return match name {
                    Some(name) => (ValueUse::Stored, Some(name)),
                    None => (ValueUse::Bare, None),
                };
            }
            // `<Provider mcpUrl={process.env.MCP_URL} />`: a prop handed to a component,
            // which decides what it does without it (like a response payload above).
            "jsx_expression" => {
                return if !interpolated && is_component_prop(parent, text) {
                    (ValueUse::Optional, None)
                } else {
                    (ValueUse::Bare, None)
                };
            }
            // `[args.port, process.env.PORT, 3001].find(…)`: candidates with a literal
            // fallback; `[process.env.A, process.env.B].filter(Boolean)`: unset ones dropped.
            "array" if has_literal_element(parent) || filtered_by_presence(parent, text) => {
                return (ValueUse::Optional, None);
            }
            _ => return (ValueUse::Bare, None),
        }
    }
    (ValueUse::Bare, None)
}

/// The value at `node` (an object literal, or a table of options by its name) leaves the
/// code in sight without being used: returned to the caller, spread or merged into other
/// options (`mergeAll([defaults, options.email])`, `Object.assign`, `{ ...defaults }`),
/// serialised (`JSON.stringify`, which drops undefined fields), or kept in a local that only
/// goes such ways. Whoever receives it decides whether a field may be missing. An object
/// given straight to a call (`new Pool({ … })`, `Sentry.init({ … })`), assigned or exported is
/// used there (or by importers, who see it as it is), so it is not handed off. `depth` bounds
/// locals followed.
fn handed_off(node: Node, text: &str, depth: u8) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "object"
            | "array"
            | "spread_element" => current = parent,
            "pair" if parent.field("value") == Some(current) => current = parent,
            "ternary_expression" if parent.field("condition") != Some(current) => current = parent,
            "binary_expression"
                if parent
                    .field("operator")
                    .is_some_and(|o| matches!(o.kind(), "||" | "??")) =>
            {
                current = parent
            }
            "return_statement" => return enclosing_function(parent).is_some_and(is_exported),
            "arrow_function" => {
                return parent.field("body") == Some(current) && is_exported(parent);
            }
            "arguments" => {
                let Some(function) = parent
                    .parent()
                    .filter(|c| c.kind() == "call_expression")
                    .and_then(|c| c.field("function"))
                else {
                    return false;
                };
                return is_merge_or_serialise(node_text(function, text));
            }
            "variable_declarator" if parent.field("value") == Some(current) => {
                let Some(name) = parent.field("name").filter(|n| n.kind() == "identifier") else {
                    return false;
                };
                return depth > 0 && local_handed_off(name, text, depth - 1);
            }
            _ => return false,
        }
    }
    false
}

/// The function a `return` belongs to.
fn enclosing_function(statement: Node) -> Option<Node> {
    let mut current = statement.parent();
    while let Some(node) = current {
        if matches!(
            node.kind(),
            "function_declaration"
                | "function_expression"
                | "arrow_function"
                | "method_definition"
                | "generator_function_declaration"
        ) {
            return Some(node);
        }
        current = node.parent();
    }
    None
}

/// `export function f`, `export const f = () =>`, `export default function`: a function whose
/// callers are out of sight (a local one's callers are followed instead, see
/// `function_feeds_only_logs`).
fn is_exported(function: Node) -> bool {
    // `export const f = () =>`: the declarator, its declaration, then the export.
    let declaration = function
        .parent()
        .filter(|d| d.kind() == "variable_declarator")
        .and_then(|d| d.parent());
    declaration
        .unwrap_or(function)
        .parent()
        .is_some_and(|e| e.kind() == "export_statement")
}

/// Every use of the local `binding` hands its value off whole (see [`handed_off`]), and the
/// local is not exported (importers are out of sight here).
fn local_handed_off(binding: Node, text: &str, depth: u8) -> bool {
    let Some(scope) = enclosing_scope(binding).filter(|_| !declared_exported(binding)) else {
        return false;
    };
    candidate_uses(scope, false, node_text(binding, text), text)
        .into_iter()
        .filter(|node| node.start_byte() > binding.end_byte())
        .all(|node| handed_off(node, text, depth))
}

/// The name `binding` of `export const binding = …`: its importers are out of sight.
fn declared_exported(binding: Node) -> bool {
    binding
        .parent()
        .and_then(|d| d.parent())
        .and_then(|d| d.parent())
        .is_some_and(|e| e.kind() == "export_statement")
}

/// `JSON.stringify`, and functions that merge objects (`Object.assign`, `mergeAll`,
/// `deepmerge`, `_.merge`, `defaultsDeep`).
fn is_merge_or_serialise(function: &str) -> bool {
    let name = function.rsplit('.').next().unwrap_or(function);
    function == "JSON.stringify"
        || name.starts_with("merge")
        || name.ends_with("Merge")
        || name.eq_ignore_ascii_case("deepmerge")
        || matches!(name, "assign" | "defaults" | "defaultsDeep")
}

/// `call` is a predicate that picks between two branches, the other one a fallback: the
/// condition of a `?:`, or of an `if` with an `else` (also negated: `!isValid(x) ? d : x`).
fn selects_fallback(call: Node, text: &str) -> bool {
    let mut current = call;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" => current = parent,
            "unary_expression"
                if parent.field("operator").map(|o| node_text(o, text)) == Some("!") =>
            {
                current = parent
            }
            "ternary_expression" => return parent.field("condition") == Some(current),
            "if_statement" => {
                return parent.field("condition") == Some(current)
                    && parent.field("alternative").is_some();
            }
            _ => return false,
        }
    }
    false
}

/// The name a `const`/`let` binds to the object literal holding `pair` directly.
fn lookup_table_binding(pair: Node) -> Option<Node> {
    let object = pair.parent().filter(|o| o.kind() == "object")?;
    let declarator = object
        .parent()
        .filter(|d| d.kind() == "variable_declarator")?;
    (declarator.field("value") == Some(object))
        .then(|| declarator.field("name"))
        .flatten()
        .filter(|n| n.kind() == "identifier")
}

/// The name of the private getter (`get #mode()`, `private get mode()`) whose body is the
/// single statement `statement` returns from. A public getter has readers out of sight.
fn private_getter_name<'t>(statement: Node<'t>, text: &str) -> Option<Node<'t>> {
    let body = statement
        .parent()
        .filter(|b| b.kind() == "statement_block")?;
    let method = body
        .parent()
        .filter(|m| m.kind() == "method_definition" && has_child_kind(*m, "get"))?;
    let name = method.field("name")?;
    let private = name.kind() == "private_property_identifier"
        || (name.kind() == "property_identifier"
            && method
                .children(&mut method.walk())
                .any(|c| c.kind() == "accessibility_modifier" && node_text(c, text) == "private"));
    private.then_some(name)
}

/// A property of an object literal passed to a response: `json({…})`, `res.send({…})`,
/// `Response.json({…})`, `NextResponse.json({…})`.
fn is_response_payload(pair: Node, text: &str) -> bool {
    method_given_object(pair, text).is_some_and(|m| matches!(m, "json" | "send"))
}

/// The method name (`json` of `res.json`, `config` of `dotenv.config`) of the call whose
/// object-literal argument holds `pair`.
fn method_given_object<'t>(pair: Node, text: &'t str) -> Option<&'t str> {
    let callee = pair
        .parent()
        .filter(|o| o.kind() == "object")?
        .parent()
        .filter(|a| a.kind() == "arguments")?
        .parent()
        .filter(|c| c.kind() == "call_expression")?
        .field("function")?;
    let callee = node_text(callee, text);
    callee.rsplit('.').next()
}

/// The `path` option of a dotenv loader (`config`, `dotenv.config`, `configDotenv`,
/// `dotenvx.config`) in a module that mentions dotenv: `undefined` loads the default `.env`.
fn is_env_file_option(pair: Node, text: &str) -> bool {
    let key = pair.field("key").map_or("", |k| node_text(k, text));
    key.trim_matches(|c| c == '"' || c == '\'') == "path"
        && text.contains("dotenv")
        && method_given_object(pair, text).is_some_and(|m| matches!(m, "config" | "configDotenv"))
}

/// The env files a dotenv `path` option or a Nest `ConfigModule.forRoot({ envFilePath })`
/// names by literals: `'../web/.env'`, `['.env.local', '.env']`,
/// `path.join(__dirname, '../../web/.env')`, `path.resolve(process.cwd(), '..', 'web', '.env')`.
fn env_file_load(pair: Node, text: &str, loads: &mut Vec<EnvFileLoad>) {
    let key = pair.field("key").map_or("", |k| node_text(k, text));
    let key = key.trim_matches(|c| c == '"' || c == '\'');
    let loader = match key {
        "envFilePath" => true,
        "path" => is_env_file_option(pair, text),
        _ => false,
    };
    let Some(value) = pair.field("value").filter(|_| loader) else {
        return;
    };
    for value in super::elements_or_self(value) {
        match literal_env_path(value, text) {
            Some(load) => loads.push(load),
            // `path.join(process.cwd(), webDir, f)`: a folder computed at run time, so the
            // file may be any package's.
            None if joins_computed_folder(value, text) => loads.push(EnvFileLoad {
                from_module: false,
                path: ANY_ENV_FILE.to_string(),
            }),
            None => {}
        }
    }
}

/// [`EnvFileLoad::path`] of a load from a folder computed at run time.
pub const ANY_ENV_FILE: &str = "*";

/// `value` builds a path with `path.join`/`path.resolve` from a folder that is not written
/// out: a non-literal argument other than `__dirname`/`process.cwd()` before the last one.
fn joins_computed_folder(value: Node, text: &str) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| matches!(node_text(f, text), "path.join" | "path.resolve"))
            && let Some(arguments) = node.field("arguments")
        {
            let mut cursor = arguments.walk();
            let arguments: Vec<Node> = arguments.named_children(&mut cursor).collect();
            if let Some((_, folders)) = arguments.split_last()
                && folders.iter().any(|a| {
                    string_value(*a, text).is_none()
                        && !matches!(
                            node_text(*a, text),
                            "__dirname" | "import.meta.dirname" | "process.cwd()"
                        )
                })
            {
                return true;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// A path written as a string or as `path.join`/`path.resolve` of `__dirname`,
/// `process.cwd()` and strings.
fn literal_env_path(value: Node, text: &str) -> Option<EnvFileLoad> {
    if let Some(path) = string_value(value, text) {
        return Some(EnvFileLoad {
            from_module: false,
            path,
        });
    }
    if value.kind() != "call_expression" {
        return None;
    }
    let function = value.field("function").map(|f| node_text(f, text))?;
    if !matches!(function, "path.join" | "path.resolve" | "join" | "resolve") {
        return None;
    }
    let arguments = value.field("arguments")?;
    let mut cursor = arguments.walk();
    let mut from_module = false;
    let mut parts = Vec::new();
    for (i, argument) in arguments.named_children(&mut cursor).enumerate() {
        match node_text(argument, text) {
            "__dirname" | "import.meta.dirname" if i == 0 => from_module = true,
            "process.cwd()" if i == 0 => {}
            _ => parts.push(string_value(argument, text)?),
        }
    }
    (!parts.is_empty()).then(|| EnvFileLoad {
        from_module,
        path: parts.join("/"),
    })
}

/// The value of a JSX attribute of a component element (`<Provider x={…}>`, `<ui.Map …>`),
/// not of a DOM element (`<img src={…}>`), whose attributes the browser uses as they are.
fn is_component_prop(expression: Node, text: &str) -> bool {
    let Some(element) = expression
        .parent()
        .filter(|a| a.kind() == "jsx_attribute")
        .and_then(|a| a.parent())
    else {
        return false;
    };
    element
        .field("name")
        .map(|n| node_text(n, text))
        .is_some_and(|name| {
            name.starts_with(|c: char| c.is_ascii_uppercase()) || name.contains('.')
        })
}

fn has_literal_element(array: Node) -> bool {
    let mut cursor = array.walk();
    array
        .named_children(&mut cursor)
        .any(|e| matches!(e.kind(), "number" | "string" | "template_string"))
}

/// `[…].filter(Boolean)`, `.filter((x) => x)`, `.filter((x) => !!x)`, `.filter(isDefined)`:
/// the array's unset elements are dropped, so none of them is needed.
fn filtered_by_presence(array: Node, text: &str) -> bool {
    let mut current = array;
    while let Some(parent) = current
        .parent()
        .filter(|p| matches!(p.kind(), "parenthesized_expression" | "as_expression"))
    {
        current = parent;
    }
    let Some(member) = current
        .parent()
        .filter(|m| m.kind() == "member_expression" && m.field("object") == Some(current))
    else {
        return false;
    };
    if member.field("property").map(|p| node_text(p, text)) != Some("filter") {
        return false;
    }
    let Some(predicate) = member
        .parent()
        .filter(|c| c.kind() == "call_expression" && c.field("function") == Some(member))
        .and_then(|c| c.field("arguments"))
        .and_then(|a| a.named_child(0))
    else {
        return false;
    };
    match predicate.kind() {
        "identifier" | "member_expression" => {
            let name = node_text(predicate, text);
            name == "Boolean" || is_presence_predicate(name)
        }
        "arrow_function" => {
            let parameter = predicate.field("parameter").or_else(|| {
                predicate.field("parameters").and_then(|p| {
                    let mut cursor = p.walk();
                    let list: Vec<Node> = p.named_children(&mut cursor).collect();
                    match list.as_slice() {
                        [only] => Some(only.field("pattern").unwrap_or(*only)),
                        _ => None,
                    }
                })
            });
            let (Some(parameter), Some(body)) = (parameter, predicate.field("body")) else {
                return false;
            };
            let name = node_text(parameter, text);
            let body = unwrap_expression(body);
            // `x => x`, `x => !!x`, `x => Boolean(x)`.
            let mut tested = body;
            while tested.kind() == "unary_expression"
                && tested.field("operator").map(|o| node_text(o, text)) == Some("!")
                && let Some(inner) = tested.field("argument").map(unwrap_expression)
                && inner.kind() == "unary_expression"
                && inner.field("operator").map(|o| node_text(o, text)) == Some("!")
                && let Some(value) = inner.field("argument")
            {
                tested = unwrap_expression(value);
            }
            if tested.kind() == "call_expression"
                && tested.field("function").map(|f| node_text(f, text)) == Some("Boolean")
                && let Some(argument) = tested.field("arguments").and_then(|a| a.named_child(0))
            {
                tested = unwrap_expression(argument);
            }
            tested.kind() == "identifier" && node_text(tested, text) == name
        }
        _ => false,
    }
}

/// Inside the branch of a condition that tests another variable's presence
/// (`if (process.env.DB_TYPE) { … process.env.DB_HOST … }`): needed only when that optional
/// feature is switched on.
fn under_env_presence_test(node: Node, text: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        let condition = match parent.kind() {
            "if_statement" | "ternary_expression" if parent.field("condition") != Some(current) => {
                parent.field("condition")
            }
            "binary_expression"
                if parent.field("right") == Some(current)
                    && parent.field("operator").is_some_and(|o| o.kind() == "&&") =>
            {
                parent.field("left")
            }
            _ => None,
        };
        if condition.is_some_and(|c| tests_env_presence(c, text)) {
            return true;
        }
        current = parent;
    }
    false
}

/// A condition that is (a conjunction holding) the truthiness of an env read.
fn tests_env_presence(condition: Node, text: &str) -> bool {
    let condition = unwrap_expression(condition);
    match condition.kind() {
        "binary_expression"
            if condition
                .field("operator")
                .is_some_and(|o| o.kind() == "&&") =>
        {
            condition
                .field("left")
                .is_some_and(|l| tests_env_presence(l, text))
                || condition
                    .field("right")
                    .is_some_and(|r| tests_env_presence(r, text))
        }
        "member_expression" | "subscript_expression" => condition
            .field("object")
            .is_some_and(|o| matches!(node_text(o, text), "process.env" | "import.meta.env")),
        "call_expression" => {
            (condition
                .field("function")
                .is_some_and(|f| node_text(f, text) == "Boolean")
                && condition
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .is_some_and(|a| tests_env_presence(a, text)))
                || helper_call_name(condition, text).is_some()
        }
        _ => false,
    }
}

/// The variable a call names the way env helpers are called: `env('UPLOAD_DOMAIN')`,
/// `getEnv("X", d)` (a plain function, a literal env-style name as first or second argument).
fn helper_call_name(call: Node, text: &str) -> Option<(usize, String, usize)> {
    call.field("function")
        .filter(|f| f.kind() == "identifier")?;
    let arguments = call.field("arguments")?;
    let mut cursor = arguments.walk();
    let values: Vec<Node> = arguments.named_children(&mut cursor).collect();
    values.iter().take(2).enumerate().find_map(|(i, a)| {
        string_value(*a, text)
            .filter(|n| is_env_name(n))
            .map(|n| (i, n, values.len()))
    })
}

fn has_child_kind(node: Node, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == kind)
}

/// `!X` (alone or in an `||` chain) is the condition of an `if` whose consequence throws or
/// exits. `if (big && !X) { … }` is a feature flag, not a guard.
fn guard_throws(negation: Node, text: &str) -> bool {
    let mut current = negation;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" => current = parent,
            "binary_expression" if parent.field("operator").is_some_and(|o| o.kind() == "||") => {
                current = parent
            }
            "if_statement" if parent.field("condition") == Some(current) => {
                return parent
                    .field("consequence")
                    .is_some_and(|c| statement_throws_or_exits(c, text));
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
        // `process.exit(0)` after "not set, skipping" is a way out, not a failure.
        "expression_statement" => {
            let statement = node_text(statement, text).trim_start();
            statement.starts_with("process.exit(")
                && !statement.starts_with("process.exit()")
                && !statement.starts_with("process.exit(0)")
        }
        "statement_block" => {
            let mut cursor = statement.walk();
            statement
                .named_children(&mut cursor)
                .any(|s| statement_throws_or_exits(s, text))
        }
        _ => false,
    }
}

/// `console.warn(…)`, `logger.info(…)`, `log.debug(…)`.
fn is_log_call(function: &str) -> bool {
    let Some((object, method)) = function.rsplit_once('.') else {
        return false;
    };
    let object = object
        .rsplit('.')
        .next()
        .unwrap_or(object)
        .to_ascii_lowercase();
    (object == "console" || object.contains("log"))
        && matches!(
            method,
            "log" | "info" | "warn" | "error" | "debug" | "trace" | "fatal"
        )
}

/// The function `name` of the module (a declaration or a `const` arrow/function) copes with
/// its parameter `position` being undefined.
fn local_function_copes(call: Node, name: &str, position: usize, text: &str) -> bool {
    // Functions calling functions (or themselves): look one level deep only.
    thread_local! {
        static DEPTH: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
    }
    if DEPTH.with(|d| d.get()) > 0 {
        return false;
    }
    DEPTH.with(|d| d.set(1));
    let copes = function_copes(call, name, position, text);
    DEPTH.with(|d| d.set(0));
    copes
}

fn function_copes(call: Node, name: &str, position: usize, text: &str) -> bool {
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut cursor = root.walk();
    let function = root.named_children(&mut cursor).find_map(|statement| {
        let statement = match statement.kind() {
            "export_statement" => statement.field("declaration")?,
            _ => statement,
        };
        match statement.kind() {
            "function_declaration" => statement
                .field("name")
                .filter(|n| node_text(*n, text) == name)
                .map(|_| statement),
            // This statement's own declarators: searching the whole program again for
            // each statement made this quadratic in the number of top-level statements.
            "lexical_declaration" | "variable_declaration" => declared_value(statement, name, text)
                .filter(|v| matches!(v.kind(), "arrow_function" | "function_expression")),
            _ => None,
        }
    });
    let Some(function) = function else {
        return false;
    };
    parameter_copes(function, position, text)
}

/// Parameter `position` of `function` copes with being undefined: it has a default, or its
/// uses test it before relying on it.
fn parameter_copes(function: Node, position: usize, text: &str) -> bool {
    let parameter = if let Some(single) = function.field("parameter") {
        (position == 0).then_some(single)
    } else {
        function.field("parameters").and_then(|p| {
            let mut cursor = p.walk();
            let list: Vec<Node> = p
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .collect();
            list.get(position).and_then(|p| match p.kind() {
                "identifier" => Some(*p),
                "assignment_pattern" => None, // a default value: copes by construction
                _ => p.field("pattern").filter(|n| n.kind() == "identifier"),
            })
        })
    };
    // `function f(value = 'd')`: the parameter has a default. `f(s?: string)`,
    // `f(s: string | undefined)`: TypeScript makes the function handle undefined.
    let defaulted = function
        .field("parameters")
        .and_then(|p| {
            let mut cursor = p.walk();
            let list: Vec<Node> = p
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .collect();
            list.get(position).map(|p| {
                p.kind() == "assignment_pattern"
                    || p.field("value").is_some()
                    || p.kind() == "optional_parameter"
                    || p.field("type").is_some_and(|t| admits_undefined(t, text))
            })
        })
        .unwrap_or(false);
    defaulted || parameter.is_some_and(|p| local_use_in(p, function, text, 1) == ValueUse::Optional)
}

/// A parameter's type annotation is a union naming `undefined` (`string | undefined`).
fn admits_undefined(annotation: Node, text: &str) -> bool {
    let mut stack = vec![annotation];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "type_annotation" | "union_type" | "parenthesized_type" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            "predefined_type" | "literal_type" | "undefined" | "type_identifier"
                if node_text(node, text) == "undefined" =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// How the uses of the local `name` (declared by `binding`) treat its value: one `Required`
/// use makes it required, else one `Optional` use makes it optional. `depth` bounds locals
/// stored into locals.
fn local_use(binding: Node, text: &str, depth: u8) -> ValueUse {
    let parent = binding.parent();
    if parent.is_some_and(|p| p.kind() == "pair") {
        return table_entry_use(binding, text, depth);
    }
    // A parameter with a default: its uses are in the function, beside the parameter list.
    if let Some(function) = parent.and_then(parameter_function) {
        return local_use_in(binding, function, text, depth);
    }
    match enclosing_scope(binding) {
        Some(scope) => local_use_in(binding, scope, text, depth),
        None => ValueUse::Bare,
    }
}

/// [`local_use`] within an explicit scope (a function, for its parameters).
fn local_use_in(binding: Node, scope: Node, text: &str, depth: u8) -> ValueUse {
    // A class field or private getter: its uses are `this.name`.
    let field = matches!(
        binding.kind(),
        "property_identifier" | "private_property_identifier"
    );
    uses_in(binding, scope, field, text, depth)
}

/// [`local_use_in`], saying whether the uses are `this.name` (`field`) or the plain name.
fn uses_in(binding: Node, scope: Node, field: bool, text: &str, depth: u8) -> ValueUse {
    let name = node_text(binding, text);
    let mut result = ValueUse::Bare;
    // Every use sits in a best-effort `try` (a client built at load, used only where a
    // failure is logged and skipped): the value may be unset.
    let mut best_effort = None;
    // A getter's own name is not a use; uses follow the declaration.
    let uses = candidate_uses(scope, field, name, text)
        .into_iter()
        .filter(|node| node.start_byte() > binding.end_byte());
    for node in uses {
        match followed_use(node, binding, text, depth) {
            ValueUse::Required => return ValueUse::Required,
            ValueUse::Optional => result = ValueUse::Optional,
            _ => {
                if best_effort != Some(false) {
                    best_effort = Some(in_best_effort_try(node, text));
                }
            }
        }
    }
    if best_effort == Some(true) {
        return ValueUse::Optional;
    }
    result
}

thread_local! {
    /// The byte spans of the plain identifiers of the file [`module_env_pass`] is reading, in
    /// document order (the walk's index): the uses of a name in a scope are a binary search
    /// away, where walking every node of the scope cost 3% of a cold run.
    static IDENTIFIER_SPANS: std::cell::RefCell<Option<Vec<(usize, usize)>>> =
        const { std::cell::RefCell::new(None) };
}

/// Clears [`IDENTIFIER_SPANS`] when the pass that set them ends (or unwinds).
struct IdentifierSpans;

impl IdentifierSpans {
    fn set(index: &Index) -> Self {
        let spans = index
            .identifiers
            .iter()
            .filter(|i| i.plain || i.node.kind() == "shorthand_property_identifier")
            .map(|i| (i.node.start_byte(), i.node.end_byte()))
            .collect();
        IDENTIFIER_SPANS.with(|s| *s.borrow_mut() = Some(spans));
        IdentifierSpans
    }
}

impl Drop for IdentifierSpans {
    fn drop(&mut self) {
        IDENTIFIER_SPANS.with(|s| *s.borrow_mut() = None);
    }
}

/// The nodes in `scope` that may use `name`: `this.name` member expressions for a `field`,
/// else identifiers spelled `name` (from [`IDENTIFIER_SPANS`] when set).
fn candidate_uses<'t>(scope: Node<'t>, field: bool, name: &str, text: &str) -> Vec<Node<'t>> {
    if !field {
        let indexed = IDENTIFIER_SPANS.with(|spans| {
            let spans = spans.borrow();
            let spans = spans.as_ref()?;
            let (start, end) = (scope.start_byte(), scope.end_byte());
            let first = spans.partition_point(|&(s, _)| s < start);
            Some(
                spans[first..]
                    .iter()
                    .take_while(|&&(s, _)| s < end)
                    .filter(|&&(s, e)| text.get(s..e) == Some(name))
                    .filter_map(|&(s, e)| scope.descendant_for_byte_range(s, e))
                    .filter(|n| matches!(n.kind(), "identifier" | "shorthand_property_identifier"))
                    .collect(),
            )
        });
        if let Some(uses) = indexed {
            return uses;
        }
    }
    let mut uses = Vec::new();
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        let is_use = if field {
            node.kind() == "member_expression"
                && node.field("object").is_some_and(|o| o.kind() == "this")
                && node
                    .field("property")
                    .is_some_and(|p| node_text(p, text) == name)
        } else {
            matches!(node.kind(), "identifier" | "shorthand_property_identifier")
                && node_text(node, text) == name
        };
        if is_use {
            uses.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    uses
}

/// How the value at `node` is used, following one more local (`depth` allowing) unless it is
/// `binding` itself.
fn followed_use(node: Node, binding: Node, text: &str, depth: u8) -> ValueUse {
    match value_use(node, text) {
        (ValueUse::Stored, Some(next)) if depth > 0 && next != binding => {
            local_use(next, text, depth - 1)
        }
        (ValueUse::Stored, _) => ValueUse::Bare,
        (use_, _) => use_,
    }
}

/// The entry `key` of a lookup table (`const hooks = { alerts: process.env.HOOK_ALERTS, … }`,
/// `const config = { tls: process.env.REDIS_TLS, … }`) is used where the table is: read by
/// that name (`config.tls`, `config['tls']`, `const { tls } = config`) or by a computed key
/// (`hooks[type]`). Uses of other entries do not reach it; the table handed on whole
/// (`connect(config)`, `return config`) may reach it unseen. An entry nothing reads, in a
/// table that is not exported or handed on, is needed by nothing.
fn table_entry_use(key: Node, text: &str, depth: u8) -> ValueUse {
    let Some(table) = key.parent().and_then(lookup_table_binding) else {
        return ValueUse::Bare;
    };
    let entry = match key.kind() {
        "property_identifier" => node_text(key, text),
        "string" => node_text(key, text).trim_matches(['"', '\'']),
        _ => return ValueUse::Bare,
    };
    let Some(scope) = enclosing_scope(table).filter(|_| !declared_exported(table)) else {
        return ValueUse::Bare;
    };
    let name = node_text(table, text);
    let mut result = None;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if !matches!(node.kind(), "identifier" | "shorthand_property_identifier")
            || node_text(node, text) != name
            || node.start_byte() <= table.end_byte()
        {
            continue;
        }
        let Some(parent) = node.parent() else {
            continue;
        };
        let use_ = match parent.kind() {
            "member_expression" if parent.field("object") == Some(node) => {
                if parent.field("property").map(|p| node_text(p, text)) != Some(entry) {
                    continue;
                }
                followed_use(parent, table, text, depth)
            }
            "subscript_expression" if parent.field("object") == Some(node) => {
                match parent.field("index") {
                    Some(index) if index.kind() == "string" => {
                        if node_text(index, text).trim_matches(['"', '\'']) != entry {
                            continue;
                        }
                        followed_use(parent, table, text, depth)
                    }
                    Some(index) if matches!(index.kind(), "number" | "template_string") => {
                        continue;
                    }
                    _ => followed_use(parent, table, text, depth),
                }
            }
            "variable_declarator"
                if parent.field("value") == Some(node)
                    && parent
                        .field("name")
                        .is_some_and(|p| p.kind() == "object_pattern") =>
            {
                match parent
                    .field("name")
                    .and_then(|pattern| pattern_binding(pattern, entry, text))
                {
                    Some(PatternEntry::Local(local)) if depth > 0 => {
                        local_use(local, text, depth - 1)
                    }
                    Some(PatternEntry::Defaulted) => ValueUse::Optional,
                    Some(_) => ValueUse::Bare,
                    None => continue,
                }
            }
            // The table handed on whole where nothing here reads its entries (returned,
            // merged with the caller's options, serialised): not a use of this entry.
            _ if handed_off(node, text, depth) => continue,
            _ => ValueUse::Bare,
        };
        match use_ {
            ValueUse::Required => return ValueUse::Required,
            ValueUse::Optional => result = Some(ValueUse::Optional),
            _ => {
                result.get_or_insert(ValueUse::Bare);
            }
        }
    }
    result.unwrap_or(ValueUse::Optional)
}

/// What a destructuring pattern does with one entry of the object it takes apart.
enum PatternEntry<'t> {
    /// `{ entry }`, `{ entry: local }`: the local's uses decide.
    Local(Node<'t>),
    /// `{ entry = 'd' }`: a default in the pattern.
    Defaulted,
    /// A rest element or a nested pattern may take it.
    Unknown,
}

/// What destructuring `pattern` does with `entry`; `None` when it leaves it out.
fn pattern_binding<'t>(pattern: Node<'t>, entry: &str, text: &str) -> Option<PatternEntry<'t>> {
    let mut cursor = pattern.walk();
    let mut rest = false;
    for property in pattern.named_children(&mut cursor) {
        match property.kind() {
            "shorthand_property_identifier_pattern" if node_text(property, text) == entry => {
                return Some(PatternEntry::Local(property));
            }
            "pair_pattern"
                if property
                    .field("key")
                    .is_some_and(|k| node_text(k, text).trim_matches(['"', '\'']) == entry) =>
            {
                return Some(
                    match property.field("value").filter(|v| v.kind() == "identifier") {
                        Some(local) => PatternEntry::Local(local),
                        None => PatternEntry::Unknown,
                    },
                );
            }
            "object_assignment_pattern"
                if property
                    .field("left")
                    .is_some_and(|l| node_text(l, text) == entry) =>
            {
                return Some(PatternEntry::Defaulted);
            }
            "rest_pattern" => rest = true,
            _ => {}
        }
    }
    rest.then_some(PatternEntry::Unknown)
}

/// The block, function body or program a local lives in.
fn enclosing_scope(node: Node) -> Option<Node> {
    let mut current = node.parent();
    while let Some(n) = current {
        if matches!(
            n.kind(),
            "statement_block" | "program" | "switch_body" | "class_body"
        ) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// The function whose parameter list holds `pattern`, a parameter with a default
/// (`cleanup = false`).
fn parameter_function(pattern: Node) -> Option<Node> {
    if !matches!(
        pattern.kind(),
        "assignment_pattern" | "required_parameter" | "optional_parameter"
    ) {
        return None;
    }
    let parameters = pattern
        .parent()
        .filter(|p| p.kind() == "formal_parameters")?;
    parameters.parent().filter(|f| {
        matches!(
            f.kind(),
            "function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "method_definition"
                | "generator_function_declaration"
                | "generator_function"
        )
    })
}

/// The local a destructured key binds: `{ X }` binds `X`, `{ X: x }` binds `x`.
fn destructured_local(key: Node) -> Option<Node> {
    match key.kind() {
        "shorthand_property_identifier_pattern" => Some(key),
        _ => key
            .parent()
            .filter(|p| p.kind() == "pair_pattern")
            .and_then(|p| p.field("value"))
            .filter(|v| v.kind() == "identifier"),
    }
}

/// A log call: `logger.info(…)`, `console.warn(…)`, `Sentry.logger[level](…)`.
fn is_log_callee(function: Node, text: &str) -> bool {
    if is_log_call(node_text(function, text)) {
        return true;
    }
    function.kind() == "subscript_expression"
        && function
            .field("object")
            .map(|o| node_text(o, text))
            .is_some_and(|o| {
                let last = o.rsplit('.').next().unwrap_or(o).to_ascii_lowercase();
                last == "console" || last.ends_with("logger") || last == "log"
            })
}

/// The value at `node` only ever reaches log calls: as an argument or a property of one
/// (`logger.info('x', { version: process.env.APP_VERSION })`), through object literals and
/// spreads, locals, plain helper calls that pass records on (`clean(attributes)`) and a
/// module function whose every call feeds logs (`function baseAttributes() { return {
/// version: … } }`). `depth` bounds the locals and functions followed.
fn feeds_only_logs(node: Node, text: &str, depth: u8) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "await_expression"
            | "spread_element"
            | "object"
            | "template_substitution"
            | "template_string" => current = parent,
            "pair" if parent.field("value") == Some(current) => current = parent,
            "arguments" => {
                let Some(call) = parent.parent().filter(|c| c.kind() == "call_expression") else {
                    return false;
                };
                let Some(function) = call.field("function") else {
                    return false;
                };
                if is_log_callee(function, text) {
                    return true;
                }
                if function.kind() != "identifier" {
                    return false;
                }
                current = call;
            }
            "variable_declarator" if parent.field("value") == Some(current) => {
                let Some(name) = parent.field("name").filter(|n| n.kind() == "identifier") else {
                    return false;
                };
                return depth > 0 && local_feeds_only_logs(name, text, depth - 1);
            }
            "return_statement" => {
                return depth > 0 && function_feeds_only_logs(parent, text, depth - 1);
            }
            "arrow_function" if parent.field("body") == Some(current) => {
                return depth > 0 && function_feeds_only_logs(current, text, depth - 1);
            }
            _ => return false,
        }
    }
    false
}

/// Every use of the local declared by `binding` feeds only logs (and it has one).
fn local_feeds_only_logs(binding: Node, text: &str, depth: u8) -> bool {
    let Some(scope) = enclosing_scope(binding) else {
        return false;
    };
    let name = node_text(binding, text);
    let mut uses = 0;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "identifier" | "shorthand_property_identifier")
            && node_text(node, text) == name
            && node.start_byte() > binding.end_byte()
        {
            if !feeds_only_logs(node, text, depth) {
                return false;
            }
            uses += 1;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    uses > 0
}

/// The module-private function returning at `inside` is called, and every call feeds only
/// logs. An exported function has callers out of sight.
fn function_feeds_only_logs(inside: Node, text: &str, depth: u8) -> bool {
    let mut function = inside;
    while !matches!(
        function.kind(),
        "function_declaration" | "arrow_function" | "function_expression"
    ) {
        match function.parent() {
            Some(p) => function = p,
            None => return false,
        }
    }
    let name = match function.kind() {
        "function_declaration" => function.field("name"),
        _ => function
            .parent()
            .filter(|p| p.kind() == "variable_declarator")
            .and_then(|p| p.field("name")),
    };
    let Some(name) = name.filter(|n| n.kind() == "identifier") else {
        return false;
    };
    let declaration = if function.kind() == "function_declaration" {
        Some(function)
    } else {
        function.parent().and_then(|d| d.parent())
    };
    if declaration
        .and_then(|d| d.parent())
        .is_some_and(|p| p.kind() == "export_statement")
    {
        return false;
    }
    let name = node_text(name, text);
    let mut root = function;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut calls = 0;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| f.kind() == "identifier" && node_text(f, text) == name)
        {
            if !feeds_only_logs(node, text, depth) {
                return false;
            }
            calls += 1;
        } else if node.kind() == "identifier"
            && node_text(node, text) == name
            && !node.parent().is_some_and(|p| {
                p.kind() == "call_expression"
                    || p.kind() == "function_declaration"
                    || p.kind() == "variable_declarator"
            })
        {
            // Handed on as a value (`export { name }`, `map(name)`): callers out of sight.
            return false;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    calls > 0
}

/// In the body of a `try` whose `catch` only logs (or does nothing), within the same
/// function: `try { await http.post(process.env.TELEMETRY_URL, event) } catch (e) {
/// logger.error(e) }`. Whatever the missing value breaks there is caught and the program goes
/// on: a best-effort call (telemetry, a notification) that works without the variable. Not
/// so for a script's whole work in a `try` at its top level or in an immediately invoked
/// function (`(async () => { try { … } catch (e) { console.log(e) } })()`): without the
/// variable the script does nothing.
fn in_best_effort_try(node: Node, text: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "arrow_function"
            | "function_declaration"
            | "function_expression"
            | "method_definition"
            | "generator_function_declaration"
            | "class_body" => {
                return false;
            }
            "try_statement" if parent.field("body") == Some(current) => {
                let catch_only_logs = parent
                    .field("handler")
                    .and_then(|h| h.field("body"))
                    .is_some_and(|body| catch_only_logs(body, text));
                if catch_only_logs {
                    return called_function_around(parent);
                }
            }
            _ => {}
        }
        current = parent;
    }
    false
}

/// A `catch` body that reports the failure and carries on: log calls (`console.error(e)`,
/// `logger.warn(…)`, a plain `log({ … })` helper, `Sentry.captureException(e)`), ending at
/// most with a `return` of nothing or of a literal (`return false`, `return null`).
fn catch_only_logs(body: Node, text: &str) -> bool {
    let mut cursor = body.walk();
    let statements: Vec<Node> = body
        .named_children(&mut cursor)
        .filter(|s| s.kind() != "comment")
        .collect();
    let (last, logs) = match statements.split_last() {
        Some((last, rest)) if last.kind() == "return_statement" => (Some(*last), rest),
        _ => (None, statements.as_slice()),
    };
    let literal_return = last.is_none_or(|r| {
        r.named_child(0).is_none_or(|value| {
            matches!(
                value.kind(),
                "false" | "true" | "null" | "undefined" | "number" | "string" | "array" | "object"
            ) && (value.kind() == "string" || value.named_child_count() == 0)
        })
    });
    literal_return
        && logs.iter().all(|statement| {
            statement.kind() == "expression_statement"
                && statement
                    .named_child(0)
                    .map(unwrap_expression)
                    .filter(|c| c.kind() == "call_expression")
                    .and_then(|c| c.field("function"))
                    .is_some_and(|f| {
                        is_log_callee(f, text) || is_plain_log_function(node_text(f, text))
                    })
        })
}

/// A module's own log helper called by name (`log(…)`, `logError(…)`), or an error
/// reporter's capture method (`Sentry.captureException(e)`).
fn is_plain_log_function(callee: &str) -> bool {
    let method = callee.rsplit('.').next().unwrap_or(callee);
    let own = !callee.contains('.')
        && (callee == "log"
            || callee
                .strip_prefix("log")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())));
    own || matches!(
        method,
        "captureException" | "captureMessage" | "captureError"
    )
}

/// `node` is inside a function that is called by name, not a script's top level or an
/// immediately invoked function expression.
fn called_function_around(node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(
            parent.kind(),
            "arrow_function" | "function_declaration" | "function_expression" | "method_definition"
        ) {
            let mut outer = parent;
            while let Some(p) = outer
                .parent()
                .filter(|p| p.kind() == "parenthesized_expression")
            {
                outer = p;
            }
            return !outer.parent().is_some_and(|c| {
                c.kind() == "call_expression" && c.field("function") == Some(outer)
            });
        }
        current = parent;
    }
    false
}

/// How one read is used, following the local it is stored in.
fn read_use(root: Node, text: &str, read: &EnvRead) -> ValueUse {
    let Some(node) =
        root.descendant_for_byte_range(read.span.start as usize, read.span.end as usize)
    else {
        return ValueUse::Bare;
    };
    let use_ = if read.form == EnvReadForm::Destructure {
        destructured_local(node).map_or(ValueUse::Bare, |local| local_use(local, text, 1))
    } else {
        local_flow_use(node, text)
    };
    if use_ == ValueUse::Bare
        && (under_env_presence_test(node, text)
            || feeds_only_logs(node, text, 4)
            || in_best_effort_try(node, text))
    {
        return ValueUse::Optional;
    }
    use_
}

/// Names the module assigns to (`process.env.X = …`, `process.env.X ??= …`): a default set
/// when unset, or a value the module provides itself.
fn assigned_names(index: &Index, text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (_, node) in index.of(&[Kind::Assignment]) {
        if let Some(left) = node.field("left")
            && let Some(object) = left.field("object")
            && matches!(node_text(object, text), "process.env" | "import.meta.env")
        {
            let name = match left.kind() {
                "member_expression" => left
                    .field("property")
                    .map(|p| node_text(p, text).to_string()),
                "subscript_expression" => left.field("index").map(|i| {
                    node_text(i, text)
                        .trim_matches(['"', '\'', '`'])
                        .to_string()
                }),
                _ => None,
            };
            names.extend(name);
        }
    }
    names
}

/// Recomputes `has_default` of the module's named reads (schema keys keep theirs) by local
/// data flow, as the module doc says.
fn apply_local_flow(
    root: Node,
    index: &Index,
    text: &str,
    reads: &mut [EnvRead],
    calls: &mut [EnvNameCall],
    asserted: &mut Vec<u32>,
) {
    let uses: Vec<Option<ValueUse>> = reads
        .iter()
        .map(|r| {
            (r.key == EnvKey::Name && r.form != EnvReadForm::Schema)
                .then(|| read_use(root, text, r))
        })
        .collect();
    // `env('X')` through a helper is a read of X like any other: `if (env('X'))` makes X
    // optional in the module, and a read tested so makes the helper's calls optional.
    let call_uses: Vec<ValueUse> = calls
        .iter()
        .map(|c| {
            root.descendant_for_byte_range(c.span.start as usize, c.span.end as usize)
                .map(|n| {
                    let mut call = n;
                    while call.kind() != "call_expression" {
                        match call.parent() {
                            Some(p) => call = p,
                            None => break,
                        }
                    }
                    helper_call_use(call, text)
                })
                .unwrap_or(ValueUse::Bare)
        })
        .collect();
    let mut optional: BTreeSet<&str> = BTreeSet::new();
    let mut required: BTreeSet<&str> = BTreeSet::new();
    for (call, use_) in calls.iter().zip(&call_uses) {
        match use_ {
            ValueUse::Optional => {
                optional.insert(call.name.as_str());
            }
            ValueUse::Required => {
                required.insert(call.name.as_str());
            }
            _ => {}
        }
    }
    for (read, use_) in reads.iter().zip(&uses) {
        match use_ {
            Some(ValueUse::Optional) => {
                optional.insert(read.name.as_str());
            }
            // `const { X = 'd' } = process.env` has its default in the pattern.
            Some(_) if read.has_default => {
                optional.insert(read.name.as_str());
            }
            Some(ValueUse::Required) => {
                required.insert(read.name.as_str());
            }
            _ => {}
        }
    }
    let assigned = assigned_names(index, text);
    let optional: BTreeSet<String> = optional
        .difference(&required)
        .map(|s| s.to_string())
        .chain(assigned)
        .collect();
    for (read, use_) in reads.iter_mut().zip(uses) {
        let Some(use_) = use_ else { continue };
        if use_ == ValueUse::Required
            && root
                .descendant_for_byte_range(read.span.start as usize, read.span.end as usize)
                .is_some_and(called_function_around)
        {
            asserted.push(read.span.start);
        }
        read.has_default = match use_ {
            ValueUse::Optional => true,
            ValueUse::Required => false,
            ValueUse::Stored | ValueUse::Bare => read.has_default || optional.contains(&read.name),
        };
    }
    for (call, use_) in calls.iter_mut().zip(call_uses) {
        call.has_default = match use_ {
            ValueUse::Optional => true,
            ValueUse::Required => false,
            ValueUse::Stored | ValueUse::Bare => call.has_default || optional.contains(&call.name),
        };
    }
}

/// Everything env-related that needs the whole module: reads named through literal arrays
/// and env helpers, `env-var` reads, next.config `env` keys, server-only branches, and the
/// local data flow that decides `has_default`. Runs after the query captures.
pub(super) fn module_env_pass(root: Node, text: &str, index: &Index, facts: &mut ModuleFacts) {
    let _spans = IdentifierSpans::set(index);
    facts.coping_parameters = coping_parameters(root, text);
    facts.coping_imports = coping_imports(index, text, facts);
    if text.contains("@Inject(") {
        facts.injected_tokens = injected_tokens(index, text);
    }
    let imported = imported_values(facts);
    if !text.contains("env") {
        // No env read here; a use of an import may still be gated by an imported flag.
        // A use of an import gated by an imported flag (`if (IS_CLOUD) deploy()`) is not
        // followed here: judging every use of every import in modules without env
        // expressions cost 15% of a cold run (dub); gates written with env expressions are.
        return;
    }
    schema_reads(root, index, text, facts);
    expand_dynamic_reads(root, text, facts);
    env_var_reads(index, text, facts);
    let isomorphic = text.contains("typeof process");
    for read in &mut facts.env_reads {
        if read.server_only {
            continue;
        }
        read.server_only = isomorphic
            || root
                .descendant_for_byte_range(read.span.start as usize, read.span.end as usize)
                .is_some_and(|n| in_server_only_branch(n, text));
    }
    for (kind, node) in index.of(&[Kind::Pair, Kind::Call]) {
        match kind {
            Kind::Pair => {
                config_env_pair(node, text, &mut facts.config_env_keys);
                env_file_load(node, text, &mut facts.env_file_loads);
            }
            Kind::Call => env_name_call(node, text, isomorphic, &mut facts.env_name_calls),
            _ => {}
        }
    }
    // Whether any expression here can be computed from an env setting (see `env_derived`):
    // an `process.env`/`import.meta.env` access or an env helper call (each call passed
    // through `env_name_call` just above). Without one, no branch is env-selected.
    let env_expressions = text.contains("process.env")
        || text.contains("import.meta.env")
        || !facts.env_name_calls.is_empty();
    facts
        .config_env_keys
        .sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    facts.env_name_calls.sort_by_key(|c| c.span.start);
    apply_local_flow(
        root,
        index,
        text,
        &mut facts.env_reads,
        &mut facts.env_name_calls,
        &mut facts.env_asserted,
    );
    facts.env_asserted.sort_unstable();
    facts.env_reads.sort_by_key(|r| r.span.start);
    facts.env_flags = env_flags(root, text, &imported);
    flag_gated_reads(root, text, &imported, facts);
    if env_expressions {
        (facts.gated_imports, facts.import_flag_gates) =
            gated_imports(root, index, text, facts, &imported, env_expressions);
    }
    let unguarded = || {
        facts
            .env_reads
            .iter()
            .filter(|r| r.key == EnvKey::Name && r.form != EnvReadForm::Schema && !r.has_default)
            .filter_map(|r| {
                root.descendant_for_byte_range(r.span.start as usize, r.span.end as usize)
                    .map(|n| (r.span.start, n))
            })
    };
    facts.env_exports = unguarded()
        .filter_map(|(start, node)| {
            exported_unused_binding(node, index, text).map(|name| EnvBinding {
                start,
                name,
                as_is: node
                    .parent()
                    .is_some_and(|d| d.kind() == "variable_declarator"),
            })
        })
        .collect();
    facts.env_providers = unguarded()
        .filter_map(|(start, node)| {
            injection_token(node, text).map(|name| EnvBinding {
                start,
                name,
                as_is: false,
            })
        })
        .collect();
    facts.env_handoffs = facts
        .env_reads
        .iter()
        .filter(|r| r.key == EnvKey::Name && r.form != EnvReadForm::Schema && !r.has_default)
        .filter_map(|r| {
            let node =
                root.descendant_for_byte_range(r.span.start as usize, r.span.end as usize)?;
            let calls = if r.form == EnvReadForm::Destructure {
                destructured_handoffs(node, text)?
            } else {
                vec![handed_to_call(node, text)?]
            };
            Some(calls.into_iter().map(|(callee, argument)| EnvHandoff {
                start: r.span.start,
                callee,
                argument,
            }))
        })
        .flatten()
        .collect();
    facts.env_option_handoffs = unguarded()
        .filter_map(|(start, node)| {
            let (callee, argument) = option_of_call(node, text)?;
            Some(EnvHandoff {
                start,
                callee,
                argument,
            })
        })
        .collect();
}

/// `f({ key: process.env.X })`: the plain function whose object-literal argument (at that
/// position) holds the value as a field.
fn option_of_call(access: Node, text: &str) -> Option<(String, usize)> {
    let mut current = access;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                current = parent
            }
            "pair" if parent.field("value") == Some(current) => {
                let object = parent.parent().filter(|o| o.kind() == "object")?;
                let arguments = object.parent().filter(|a| a.kind() == "arguments")?;
                return plain_call_argument(arguments, object, text);
            }
            _ => return None,
        }
    }
    None
}

/// `const { IS_CLOUD } = process.env` whose local is only ever handed to calls
/// (`stringToBoolean(IS_CLOUD)`): one hand-off per use, all of which must cope. `None` when
/// some use is anything else (the local's own flow decides then) or there is no use.
fn destructured_handoffs(key: Node, text: &str) -> Option<Vec<(String, usize)>> {
    let local = destructured_local(key)?;
    let scope = enclosing_scope(local)?;
    // A use that is no call's argument (`{ IS_CLOUD }` in an object too) gives `None`.
    let calls: Option<Vec<_>> = candidate_uses(scope, false, node_text(local, text), text)
        .into_iter()
        .filter(|node| node.start_byte() > local.end_byte())
        .map(|node| handed_to_call(node, text))
        .collect();
    calls.filter(|calls| !calls.is_empty())
}

/// `export const SEGMENT_KEY = import.meta.env.VITE_SEGMENT_KEY` with no use of
/// `SEGMENT_KEY` in the module: the exported name, whose importers' uses decide.
fn exported_unused_binding(read: Node, index: &Index, text: &str) -> Option<String> {
    let (ValueUse::Stored, Some(binding)) = value_use(read, text) else {
        return None;
    };
    let declaration = binding
        .parent()
        .filter(|d| d.kind() == "variable_declarator" && binding.kind() == "identifier")?
        .parent()?;
    declaration.parent().filter(|e| {
        e.kind() == "export_statement" && e.field("declaration") == Some(declaration)
    })?;
    let name = node_text(binding, text);
    let used = index
        .identifiers
        .iter()
        .any(|i| i.node != binding && node_text(i.node, text) == name);
    (!used).then(|| name.to_string())
}

/// Local names of the module's value imports whose uses cope with the value being unset: one
/// use tests it (`!!KEY`, `if (KEY)`, `KEY ?? d`) and none insists on it (`if (!KEY) throw`).
/// Only uses as a value count; a call (`f()`), a member access (`f.x`) or a JSX tag is what
/// functions, objects and components are imported for, and says nothing of an env value.
fn coping_imports(index: &Index, text: &str, facts: &ModuleFacts) -> Vec<String> {
    use crate::facts::ImportKind;
    let locals: BTreeSet<&str> = facts
        .imports
        .iter()
        .filter(|i| matches!(i.kind, ImportKind::Static | ImportKind::Require))
        .flat_map(|i| i.names.iter().filter(|n| !n.type_only))
        .map(|n| n.local.as_deref().unwrap_or(&n.imported))
        .collect();
    if locals.is_empty() {
        return Vec::new();
    }
    let mut optional: BTreeSet<&str> = BTreeSet::new();
    let mut required: BTreeSet<&str> = BTreeSet::new();
    for identifier in index.identifiers.iter().filter(|i| i.plain && !i.in_type) {
        let node = identifier.node;
        let name = node_text(node, text);
        if !locals.contains(name) || is_declaration_name(node, identifier.parent) {
            continue;
        }
        let as_value = identifier.parent.is_none_or(|p| match p.kind() {
            "call_expression" => p.field("function") != Some(node),
            "new_expression" => p.field("constructor") != Some(node),
            "member_expression" | "subscript_expression" => p.field("object") != Some(node),
            "jsx_opening_element" | "jsx_self_closing_element" | "jsx_closing_element" => false,
            _ => true,
        });
        if !as_value {
            continue;
        }
        match followed_use(node, node, text, 1) {
            ValueUse::Optional => {
                optional.insert(name);
            }
            ValueUse::Required => {
                required.insert(name);
            }
            _ => {}
        }
    }
    optional
        .difference(&required)
        .map(|s| s.to_string())
        .collect()
}

/// `{ provide: 'PYROSCOPE_URL', useValue: process.env.PYROSCOPE_URL }`: the token the read's
/// value is provided under.
fn injection_token(read: Node, text: &str) -> Option<String> {
    let mut current = read;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                current = parent
            }
            "pair" if parent.field("value") == Some(current) => {
                if parent.field("key").map(|k| node_text(k, text)) != Some("useValue") {
                    return None;
                }
                let object = parent.parent()?;
                let mut cursor = object.walk();
                return object.named_children(&mut cursor).find_map(|pair| {
                    (pair.kind() == "pair"
                        && pair.field("key").map(|k| node_text(k, text)) == Some("provide"))
                    .then(|| pair.field("value").and_then(|v| string_value(v, text)))
                    .flatten()
                });
            }
            _ => return None,
        }
    }
    None
}

/// `@Inject('PYROSCOPE_URL') private readonly url: string` (a constructor parameter or a
/// field): each token, and whether the class's uses of the value (`this.url`, or the plain
/// parameter in the constructor) cope with it being unset. An optional parameter (`url?:`)
/// copes by its type.
fn injected_tokens(index: &Index, text: &str) -> Vec<(String, bool)> {
    let mut tokens = Vec::new();
    for (_, decorator) in index.of(&[Kind::Decorator]) {
        let Some(("Inject", Some(argument))) = super::endpoints::decorator_call(decorator, text)
        else {
            continue;
        };
        let Some(token) = string_value(argument, text) else {
            continue;
        };
        let Some(target) = decorator.parent() else {
            continue;
        };
        let copes = match target.kind() {
            "optional_parameter" => true,
            "required_parameter" => {
                let property = has_child_kind(target, "accessibility_modifier")
                    || has_child_kind(target, "readonly");
                let pattern = target.field("pattern").filter(|p| p.kind() == "identifier");
                let function = target
                    .parent()
                    .and_then(|p| p.parent())
                    .filter(|f| f.kind() == "method_definition");
                match (pattern, function) {
                    (Some(pattern), Some(_)) if property => {
                        let class = enclosing_class_body(target);
                        class.is_some_and(|class| {
                            uses_in(pattern, class, true, text, 1) == ValueUse::Optional
                        })
                    }
                    (Some(pattern), Some(function)) => {
                        local_use_in(pattern, function, text, 1) == ValueUse::Optional
                    }
                    _ => false,
                }
            }
            "public_field_definition" | "field_definition" => target
                .field("name")
                .or_else(|| target.field("property"))
                .is_some_and(|name| local_use(name, text, 1) == ValueUse::Optional),
            _ => false,
        };
        tokens.push((token, copes));
    }
    tokens.sort();
    tokens.dedup();
    tokens
}

fn enclosing_class_body(node: Node) -> Option<Node> {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "class_body" {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// Specifiers of the imports whose every imported value is used only on a branch an env
/// setting selects: `case 'azure-blob': return new AzureBlobProvider()` in a `switch` on
/// `env('UPLOAD_TRANSPORT')`, `if (process.env.SENTRY_DSN) { init() }`. The imported module
/// then runs only when that setting asks for it (see `env::feature_gated_modules`). Second,
/// the imports whose uses are so or sit on branches that run only when an imported value
/// holds (`if (IS_CLOUD) { deployRemote(job) }`), which the env stage confirms.
fn gated_imports(
    root: Node,
    index: &Index,
    text: &str,
    facts: &ModuleFacts,
    imported: &BTreeSet<String>,
    env_expressions: bool,
) -> (Vec<String>, Vec<ImportFlagGate>) {
    use crate::facts::ImportKind;
    // Local name → specifier, for value imports with named bindings.
    let mut locals: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for import in &facts.imports {
        if !matches!(import.kind, ImportKind::Static | ImportKind::Require) || import.namespace {
            continue;
        }
        for name in import.names.iter().filter(|n| !n.type_only) {
            locals.insert(
                name.local.as_deref().unwrap_or(&name.imported),
                import.specifier.as_str(),
            );
        }
    }
    if locals.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // Per specifier: (uses, gated uses, imported tests of the uses gated only by those).
    type Counts = (usize, usize, Vec<Vec<FlagTest>>);
    let mut counts: std::collections::BTreeMap<&str, Counts> = std::collections::BTreeMap::new();
    // Conditions already judged: the uses of an import share their enclosing branches.
    let mut judged = std::collections::HashMap::new();
    let mut flag_judged = FlagJudged::default();
    let mut ungated: std::collections::HashSet<&str> = std::collections::HashSet::new();
    // The walk's identifier index already leaves import statements out.
    for identifier in index.identifiers.iter().filter(|i| i.plain) {
        let node = identifier.node;
        if let Some(specifier) = locals.get(node_text(node, text))
            && !is_declaration_name(node, identifier.parent)
        {
            let entry = counts.entry(specifier).or_default();
            entry.0 += 1;
            // One use on no selected branch settles the import: it is not gated, whatever
            // its other uses are, so they need no judging (most imports end here at once).
            if ungated.contains(specifier) {
                continue;
            }
            if env_expressions && on_env_selected_branch(root, node, text, &mut judged) {
                entry.1 += 1;
                continue;
            }
            // Conditions on locals were judged just above (`env_derived`); following them
            // again for every use costs a scan of the scope per condition.
            let gate = flag_gate(root, node, text, imported, 0, &mut flag_judged);
            if gate.known {
                entry.1 += 1;
            } else if !gate.flags.is_empty() {
                entry.2.push(gate.flags);
            } else {
                ungated.insert(*specifier);
            }
        }
    }
    let mut gated: Vec<String> = Vec::new();
    let mut flag_gated: Vec<ImportFlagGate> = Vec::new();
    for import in &facts.imports {
        let names: Vec<&str> = import
            .names
            .iter()
            .filter(|n| !n.type_only)
            .map(|n| n.local.as_deref().unwrap_or(&n.imported))
            .collect();
        if names.is_empty() || !locals.values().any(|s| *s == import.specifier) {
            continue;
        }
        // Every value binding of the import is used, and only on selected branches.
        if let Some((uses, on_branch, flagged)) = counts.get(import.specifier.as_str())
            && *uses > 0
            && *uses == on_branch + flagged.len()
            && names
                .iter()
                .all(|n| locals.get(n) == Some(&import.specifier.as_str()))
        {
            if flagged.is_empty() {
                gated.push(import.specifier.clone());
            } else {
                let mut uses = flagged.clone();
                uses.sort();
                uses.dedup();
                flag_gated.push(ImportFlagGate {
                    specifier: import.specifier.clone(),
                    uses,
                });
            }
        }
    }
    gated.sort();
    gated.dedup();
    flag_gated.sort_by(|a, b| a.specifier.cmp(&b.specifier));
    flag_gated.dedup();
    (gated, flag_gated)
}

/// Local names of the module's value imports (`import { IS_CLOUD } from`, `const { x } =
/// require(…)`): values whose meaning another module knows.
fn imported_values(facts: &ModuleFacts) -> BTreeSet<String> {
    use crate::facts::ImportKind;
    facts
        .imports
        .iter()
        .filter(|i| matches!(i.kind, ImportKind::Static | ImportKind::Require) && !i.namespace)
        .flat_map(|i| i.names.iter().filter(|n| !n.type_only))
        .map(|n| n.local.clone().unwrap_or_else(|| n.imported.clone()))
        .collect()
}

/// Whether a condition implies that some env setting is set: known from this module, or if
/// one of `flags` (tests of imported values) names an env flag of that polarity.
#[derive(Debug, Default, Clone)]
struct SetOnly {
    known: bool,
    flags: Vec<FlagTest>,
}

impl SetOnly {
    /// Either part implies it.
    fn or(mut self, other: SetOnly) -> SetOnly {
        self.known |= other.known;
        self.flags.extend(other.flags);
        self
    }

    /// Both parts must imply it; two imported tests at once are not followed.
    fn and(self, other: SetOnly) -> SetOnly {
        match (self.known, other.known) {
            (true, _) => other,
            (_, true) => self,
            _ => SetOnly::default(),
        }
    }
}

/// Variables that say which deployment runs rather than which feature is on
/// (`NODE_ENV === 'production' ? process.env.DATABASE_URL : …` needs the URL in production):
/// a branch they select is no optional feature.
fn is_deployment_mode(name: &str) -> bool {
    matches!(
        name,
        "NODE_ENV"
            | "ENV"
            | "ENVIRONMENT"
            | "MODE"
            | "PROD"
            | "DEV"
            | "SSR"
            | "CI"
            | "STAGE"
            | "VERCEL"
            | "NETLIFY"
    ) || name.ends_with("_ENV")
        || name.ends_with("_ENVIRONMENT")
        || name.ends_with("_STAGE")
}

/// The variable `process.env.X` / `import.meta.env.X` / `process.env['X']` reads.
fn env_access_name(node: Node, text: &str) -> Option<String> {
    let object = node.field("object")?;
    if !matches!(node_text(object, text), "process.env" | "import.meta.env") {
        return None;
    }
    match node.kind() {
        "member_expression" => node
            .field("property")
            .map(|p| node_text(p, text).to_string()),
        "subscript_expression" => node.field("index").and_then(|i| string_value(i, text)),
        _ => None,
    }
}

/// Whether `condition` being truthy (`truthy`) or falsy implies that an env setting (not a
/// deployment mode) is set: `process.env.X`, `X === 'true'`, `!X` for falsy, `Boolean(X)`,
/// `A && B` when either implies it, a local initialised so, and imported values as flags.
fn set_when(
    root: Node,
    condition: Node,
    truthy: bool,
    text: &str,
    imported: &BTreeSet<String>,
    depth: u8,
) -> SetOnly {
    let mut condition = unwrap_expression(condition);
    while condition.kind() == "non_null_expression" {
        match condition.named_child(0) {
            Some(inner) => condition = unwrap_expression(inner),
            None => break,
        }
    }
    let recurse = |node: Node, truthy: bool| set_when(root, node, truthy, text, imported, depth);
    match condition.kind() {
        "unary_expression" => match (
            condition.field("operator").map(|o| node_text(o, text)),
            condition.field("argument"),
        ) {
            (Some("!"), Some(argument)) => recurse(argument, !truthy),
            _ => SetOnly::default(),
        },
        "binary_expression" => {
            let operator = condition.field("operator").map_or("", |o| o.kind());
            let (Some(left), Some(right)) = (condition.field("left"), condition.field("right"))
            else {
                return SetOnly::default();
            };
            match (operator, truthy) {
                ("&&", true) | ("||", false) => recurse(left, truthy).or(recurse(right, truthy)),
                ("&&", false) | ("||", true) => recurse(left, truthy).and(recurse(right, truthy)),
                // `X === 'true'` holds only when X is set (to that value).
                ("===" | "==", true) | ("!==" | "!=", false) => {
                    match (set_literal(left, text), set_literal(right, text)) {
                        (false, true) => recurse(left, true),
                        (true, false) => recurse(right, true),
                        _ => SetOnly::default(),
                    }
                }
                _ => SetOnly::default(),
            }
        }
        "member_expression" | "subscript_expression" => SetOnly {
            known: truthy
                && env_access_name(condition, text).is_some_and(|n| !is_deployment_mode(&n)),
            flags: Vec::new(),
        },
        "call_expression" => {
            let function = condition
                .field("function")
                .map_or("", |f| node_text(f, text));
            let arguments = condition.field("arguments");
            if function == "Boolean"
                && let Some(argument) = arguments.and_then(|a| a.named_child(0))
            {
                return recurse(argument, truthy);
            }
            // `env('FEATURE_X')`, `getEnv('FEATURE_X')`: the helper's value, truthy only when
            // set (other functions called with a constant-like name, `can('ADMIN')`, are not).
            let known = truthy
                && function.to_ascii_lowercase().contains("env")
                && helper_call_name(condition, text)
                    .is_some_and(|(_, name, count)| count == 1 && !is_deployment_mode(&name));
            SetOnly {
                known,
                flags: Vec::new(),
            }
        }
        "identifier" => {
            let name = node_text(condition, text);
            if imported.contains(name) {
                return SetOnly {
                    known: false,
                    flags: vec![FlagTest {
                        name: name.to_string(),
                        truthy,
                    }],
                };
            }
            if depth == 0 {
                return SetOnly::default();
            }
            match local_initializer(root, condition, text) {
                Some(value) => set_when(root, value, truthy, text, imported, depth - 1),
                None => SetOnly::default(),
            }
        }
        _ => SetOnly::default(),
    }
}

/// A literal a value equals only when set: a non-empty string, or `true`.
fn set_literal(node: Node, text: &str) -> bool {
    let node = unwrap_expression(node);
    match node.kind() {
        "true" => true,
        "string" | "template_string" => string_value(node, text).is_some_and(|v| !v.is_empty()),
        _ => false,
    }
}

/// The branches enclosing `node` that run only when an env setting is set (see [`set_when`]):
/// the consequence of `if`/`?:`/`&&` on a condition that implies it when truthy, the
/// alternative (or the right of `||`) on one that implies it when falsy, a `case 'x':` of a
/// `switch` on such a value, the statements after `if (!FEATURE) return …;` in a function.
fn flag_gate(
    root: Node,
    node: Node,
    text: &str,
    imported: &BTreeSet<String>,
    depth: u8,
    judged: &mut FlagJudged,
) -> SetOnly {
    // The gate of a node is its parent's plus the tests between them: from the deepest
    // ancestor already judged (the uses of one module share most of their ancestors) down.
    // The ancestors come from one cursor descent: `Node::parent` walks down from the root
    // on every call, which made this quadratic in the depth.
    let path = path_to(root, node);
    let judged_at = path
        .iter()
        .rposition(|n| judged.gates.contains_key(&n.id()));
    let mut gate = judged_at.map_or_else(SetOnly::default, |i| judged.gates[&path[i].id()].clone());
    let mut tests: Vec<(Node, bool)> = Vec::new();
    for i in judged_at.map_or(0, |i| i + 1)..path.len() {
        let current = path[i];
        if !gate.known
            && let Some(&parent) = i.checked_sub(1).and_then(|p| path.get(p))
        {
            branch_tests(parent, current, text, &mut tests);
            for (condition, truthy) in tests.iter().copied() {
                let set = judged
                    .conditions
                    .entry((condition.id(), truthy))
                    .or_insert_with(|| set_when(root, condition, truthy, text, imported, depth));
                gate = gate.or(set.clone());
            }
        }
        judged.gates.insert(current.id(), gate.clone());
    }
    gate
}

/// The nodes from `root` down to `node` (both included), found with one cursor descent by
/// byte range; the `parent()` chain when the descent cannot reach `node`.
fn path_to<'t>(root: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let (start, end) = (node.start_byte(), node.end_byte());
    let mut path = vec![root];
    let mut cursor = root.walk();
    while cursor.node() != node {
        let mut found = cursor.goto_first_child_for_byte(start).is_some();
        while found && !(cursor.node().start_byte() <= start && cursor.node().end_byte() >= end) {
            found = cursor.goto_next_sibling();
        }
        if !found {
            let mut up = vec![node];
            let mut current = node;
            while let Some(parent) = current.parent() {
                up.push(parent);
                current = parent;
            }
            up.reverse();
            return up;
        }
        path.push(cursor.node());
    }
    path
}

/// Conditions judged by [`flag_gate`] (by condition and polarity) and the gates of nodes.
#[derive(Default)]
struct FlagJudged {
    conditions: std::collections::HashMap<(usize, bool), SetOnly>,
    gates: std::collections::HashMap<usize, SetOnly>,
}

/// The conditions (with the polarity that lets `current` run) that `parent` tests before
/// running its child `current`.
fn branch_tests<'t>(
    parent: Node<'t>,
    current: Node<'t>,
    text: &str,
    tests: &mut Vec<(Node<'t>, bool)>,
) {
    tests.clear();
    match parent.kind() {
        "if_statement" | "ternary_expression" => {
            if parent.field("consequence") == Some(current) {
                tests.extend(parent.field("condition").map(|c| (c, true)));
            } else if parent.field("alternative") == Some(current)
                || current.kind() == "else_clause"
            {
                tests.extend(parent.field("condition").map(|c| (c, false)));
            }
        }
        "binary_expression" if parent.field("right") == Some(current) => {
            match parent.field("operator").map(|o| o.kind()) {
                Some("&&") => tests.extend(parent.field("left").map(|l| (l, true))),
                Some("||") => tests.extend(parent.field("left").map(|l| (l, false))),
                _ => {}
            }
        }
        "switch_case"
            if parent.field("value") != Some(current)
                && parent.field("value").is_some_and(|v| set_literal(v, text)) =>
        {
            tests.extend(
                parent
                    .parent()
                    .and_then(|body| body.parent())
                    .filter(|s| s.kind() == "switch_statement")
                    .and_then(|s| s.field("value"))
                    .map(|v| (v, true)),
            );
        }
        // A `return` (not a `throw`: that insists on the setting) leaves when it is unset.
        "statement_block" => {
            let mut previous = current.prev_named_sibling();
            while let Some(statement) = previous {
                if statement.kind() == "if_statement"
                    && statement.field("alternative").is_none()
                    && statement.field("consequence").is_some_and(returns)
                    && let Some(condition) = statement.field("condition")
                {
                    tests.push((condition, false));
                }
                previous = statement.prev_named_sibling();
            }
        }
        _ => {}
    }
}

/// A `return` statement, or a block ending in one.
fn returns(statement: Node) -> bool {
    match statement.kind() {
        "return_statement" => true,
        "statement_block" => statement
            .named_children(&mut statement.walk())
            .filter(|s| s.kind() != "comment")
            .last()
            .is_some_and(|s| s.kind() == "return_statement"),
        _ => false,
    }
}

/// The module's exported constants that are flags (see `ModuleFacts::env_flags`).
fn env_flags(root: Node, text: &str, imported: &BTreeSet<String>) -> Vec<FlagTest> {
    let mut flags = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        let Some(declaration) = (statement.kind() == "export_statement")
            .then(|| statement.field("declaration"))
            .flatten()
            .filter(|d| matches!(d.kind(), "lexical_declaration" | "variable_declaration"))
        else {
            continue;
        };
        let mut inner = declaration.walk();
        for declarator in declaration.named_children(&mut inner) {
            let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
            else {
                continue;
            };
            if name.kind() != "identifier" {
                continue;
            }
            for truthy in [true, false] {
                if set_when(root, value, truthy, text, imported, 1).known {
                    flags.push(FlagTest {
                        name: node_text(name, text).to_string(),
                        truthy,
                    });
                }
            }
        }
    }
    flags
}

/// Reads still required after the local flow that sit on branches only an env setting
/// selects: optional when this module shows it, recorded with the imported tests otherwise.
fn flag_gated_reads(root: Node, text: &str, imported: &BTreeSet<String>, facts: &mut ModuleFacts) {
    let mut gates = Vec::new();
    let mut judged = FlagJudged::default();
    for read in facts
        .env_reads
        .iter_mut()
        .filter(|r| r.key == EnvKey::Name && r.form != EnvReadForm::Schema && !r.has_default)
    {
        let Some(node) =
            root.descendant_for_byte_range(read.span.start as usize, read.span.end as usize)
        else {
            continue;
        };
        let gate = flag_gate(root, node, text, imported, 1, &mut judged);
        // A guard that throws or exits insists on the value, whatever precedes it
        // (`if (!A || !B) process.exit(1)` reads B only when A is set). Asked last: it
        // scans the scope of the local the value is stored in.
        if (gate.known || !gate.flags.is_empty())
            && read_use(root, text, read) == ValueUse::Required
        {
            continue;
        }
        if gate.known {
            read.has_default = true;
        } else if !gate.flags.is_empty() {
            gates.push(EnvFlagGate {
                start: read.span.start,
                tests: gate.flags,
            });
        }
    }
    facts.env_flag_gates = gates;
}

/// `const { a } = require('x')`: the binding itself, not a use (`parent` is the
/// identifier's, from the walk's index).
fn is_declaration_name(identifier: Node, parent: Option<Node>) -> bool {
    parent.is_some_and(|p| {
        matches!(
            p.kind(),
            "variable_declarator" | "shorthand_property_identifier_pattern" | "pair_pattern"
        ) && p.field("name") == Some(identifier)
            || p.kind() == "object_pattern"
    })
}

/// On a branch that runs only for some value of an env setting: a `case` (not `default`)
/// of a `switch` on it, the branches of an `if`/ternary testing it, the right side of `&&`.
fn on_env_selected_branch(
    root: Node,
    node: Node,
    text: &str,
    judged: &mut std::collections::HashMap<usize, bool>,
) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        let condition = match parent.kind() {
            "switch_case" if parent.field("value") != Some(current) => parent
                .parent()
                .and_then(|body| body.parent())
                .filter(|s| s.kind() == "switch_statement")
                .and_then(|s| s.field("value")),
            "if_statement" | "ternary_expression" if parent.field("condition") != Some(current) => {
                parent.field("condition")
            }
            "binary_expression"
                if parent.field("right") == Some(current)
                    && parent.field("operator").is_some_and(|o| o.kind() == "&&") =>
            {
                parent.field("left")
            }
            _ => None,
        };
        if condition.is_some_and(|c| {
            *judged
                .entry(c.id())
                .or_insert_with(|| env_derived(root, c, text, 1))
        }) {
            return true;
        }
        current = parent;
    }
    false
}

/// An expression computed from an env setting: it holds `process.env.X`, `import.meta.env.X`,
/// an env helper call (`env('X')`), or a local initialised from one.
fn env_derived(root: Node, expression: Node, text: &str, depth: u8) -> bool {
    let mut stack = vec![expression];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "member_expression" | "subscript_expression"
                if node.field("object").is_some_and(|o| {
                    matches!(node_text(o, text), "process.env" | "import.meta.env")
                }) =>
            {
                return true;
            }
            "call_expression" if helper_call_name(node, text).is_some() => return true,
            "identifier" if depth > 0 => {
                if let Some(value) = local_initializer(root, node, text)
                    && env_derived(root, value, text, depth - 1)
                {
                    return true;
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The initialiser of the nearest `const`/`let` declaring `identifier` before it, in its
/// function or the module.
fn local_initializer<'t>(root: Node<'t>, identifier: Node<'t>, text: &str) -> Option<Node<'t>> {
    let name = node_text(identifier, text);
    let mut scope = identifier.parent();
    while let Some(s) = scope {
        if matches!(
            s.kind(),
            "statement_block" | "program" | "arrow_function" | "function_declaration"
        ) {
            let mut best: Option<Node> = None;
            let mut stack = vec![s];
            while let Some(node) = stack.pop() {
                if node.start_byte() > identifier.start_byte() {
                    continue;
                }
                if node.kind() == "variable_declarator"
                    && node
                        .field("name")
                        .is_some_and(|n| n.kind() == "identifier" && node_text(n, text) == name)
                {
                    best = node.field("value").or(best);
                }
                // Declarations of inner functions are not in scope here.
                if node != s
                    && matches!(
                        node.kind(),
                        "arrow_function"
                            | "function_declaration"
                            | "function_expression"
                            | "method_definition"
                    )
                {
                    continue;
                }
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            if best.is_some() {
                return best;
            }
        }
        if s == root {
            break;
        }
        scope = s.parent();
    }
    None
}

/// `f(process.env.X)` / `f(a, process.env.X!)`: the plain function the value is handed to
/// as it is, and at which position.
fn handed_to_call(access: Node, text: &str) -> Option<(String, usize)> {
    let mut current = access;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                current = parent
            }
            "arguments" => return plain_call_argument(parent, current, text),
            _ => return None,
        }
    }
    None
}

/// `argument` of the `arguments` of a call to a plain function (`f(…)`): the function's name
/// and the argument's position (0-based, comments not counted).
fn plain_call_argument(arguments: Node, argument: Node, text: &str) -> Option<(String, usize)> {
    let call = arguments
        .parent()
        .filter(|c| c.kind() == "call_expression")?;
    let function = call
        .field("function")
        .filter(|f| f.kind() == "identifier")?;
    let mut cursor = arguments.walk();
    let position = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .position(|a| a == argument)?;
    Some((node_text(function, text).to_string(), position))
}

/// The exported functions of a module (`export function f`, `export const f = (…) =>`,
/// CommonJS `module.exports.f = (…) =>` and `exports.f = function …`) and which of their
/// parameters cope with undefined.
fn coping_parameters(root: Node, text: &str) -> Vec<(String, usize)> {
    if !text.contains("export") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        let mut functions: Vec<(String, Node)> = Vec::new();
        // `module.exports.f = (…) =>`, `exports.f = function …`.
        if statement.kind() == "expression_statement"
            && let Some(assignment) = statement
                .named_child(0)
                .filter(|n| n.kind() == "assignment_expression")
            && let (Some(left), Some(value)) = (assignment.field("left"), assignment.field("right"))
            && matches!(value.kind(), "arrow_function" | "function_expression")
            && let Some(name) = super::commonjs::commonjs_export_name(left, text)
        {
            functions.push((name, value));
        }
        // `export function f`, `export const f = (…) =>`.
        if let Some(declaration) = (statement.kind() == "export_statement")
            .then(|| statement.field("declaration"))
            .flatten()
        {
            match declaration.kind() {
                "function_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        functions.push((node_text(name, text).to_string(), declaration));
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    let mut inner = declaration.walk();
                    for declarator in declaration.named_children(&mut inner) {
                        if let (Some(name), Some(value)) =
                            (declarator.field("name"), declarator.field("value"))
                            && matches!(value.kind(), "arrow_function" | "function_expression")
                        {
                            functions.push((node_text(name, text).to_string(), value));
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, function) in functions {
            // Large functions are not helpers that normalise a value.
            if function.byte_range().len() > 8_000 {
                continue;
            }
            let count = match function.field("parameters") {
                Some(p) => {
                    let mut c = p.walk();
                    p.named_children(&mut c)
                        .filter(|n| n.kind() != "comment")
                        .count()
                }
                None => usize::from(function.field("parameter").is_some()),
            };
            for position in 0..count.min(4) {
                if parameter_copes(function, position, text) {
                    out.push((name.clone(), position));
                }
            }
        }
    }
    out
}

fn is_identifier_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn line_of(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

/// A name an env variable could have: `SMTP_HOST`, `FEATURE_X2`.
fn is_env_name(name: &str) -> bool {
    name.len() > 1
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn string_value(node: Node, text: &str) -> Option<String> {
    match node.kind() {
        "string" => {
            let raw = node_text(node, text);
            raw.get(1..raw.len().saturating_sub(1)).map(str::to_string)
        }
        "template_string" if node.named_child_count() == 0 => {
            let raw = node_text(node, text);
            raw.get(1..raw.len().saturating_sub(1)).map(str::to_string)
        }
        _ => None,
    }
}

/// `env: { basePath: …, cloudUrl }` and `define: { 'import.meta.env.X': … }` anywhere in the
/// file (the env stage uses them from bundler configs only).
fn config_env_pair(pair: Node, text: &str, keys: &mut Vec<(String, u32)>) {
    let section = pair
        .field("key")
        .map(|k| node_text(k, text).trim_matches(['"', '\'']))
        .unwrap_or("");
    let Some(object) = pair.field("value").filter(|v| v.kind() == "object") else {
        return;
    };
    if section == "define" {
        let mut cursor = object.walk();
        for property in object.named_children(&mut cursor) {
            let Some(key) = property.field("key").filter(|_| property.kind() == "pair") else {
                continue;
            };
            let written = node_text(key, text).trim_matches(['"', '\'', '`']);
            let name = written
                .strip_prefix("import.meta.env.")
                .or_else(|| written.strip_prefix("process.env."));
            if let Some(name) = name.filter(|n| is_identifier_name(n)) {
                keys.push((name.to_string(), line_of(key)));
            }
            // `'process.env': { NODE_ENV: …, DEV_FEATURES_ENABLED: … }`
            if matches!(written, "process.env" | "import.meta.env")
                && let Some(inner) = property.field("value").filter(|v| v.kind() == "object")
            {
                let mut inner_cursor = inner.walk();
                for field in inner.named_children(&mut inner_cursor) {
                    let key = match field.kind() {
                        "pair" => field.field("key"),
                        "shorthand_property_identifier" => Some(field),
                        _ => None,
                    };
                    if let Some(key) = key {
                        let name = node_text(key, text).trim_matches(['"', '\'']);
                        if is_identifier_name(name) {
                            keys.push((name.to_string(), line_of(key)));
                        }
                    }
                }
            }
        }
        return;
    }
    if section != "env" {
        return;
    }
    let mut cursor = object.walk();
    for property in object.named_children(&mut cursor) {
        let key = match property.kind() {
            "pair" => property.field("key"),
            "shorthand_property_identifier" => Some(property),
            _ => None,
        };
        if let Some(key) = key {
            let name = node_text(key, text).trim_matches(['"', '\'']).to_string();
            keys.push((name, line_of(key)));
        }
    }
}

/// `getEnv('SMTP_HOST')`, `parseBooleanEnv('FLAG', false)`: a local function called with a
/// literal variable name (first or second argument).
fn env_name_call(call: Node, text: &str, isomorphic: bool, calls: &mut Vec<EnvNameCall>) {
    let Some(function) = call.field("function").filter(|f| f.kind() == "identifier") else {
        return;
    };
    let Some((argument, name, count)) = helper_call_name(call, text) else {
        return;
    };
    // A fallback argument, or a use that copes; the module-wide pass may add more.
    let has_default = count > argument + 1 || helper_call_use(call, text) == ValueUse::Optional;
    calls.push(EnvNameCall {
        callee: node_text(function, text).to_string(),
        argument,
        name,
        span: span_of(call, text),
        has_default,
        server_only: isomorphic || in_server_only_branch(call, text),
    });
}

/// How the value a helper call returns is used: like a read (its locals, presence tests of
/// other variables around it).
fn helper_call_use(call: Node, text: &str) -> ValueUse {
    match local_flow_use(call, text) {
        ValueUse::Bare if under_env_presence_test(call, text) => ValueUse::Optional,
        use_ => use_,
    }
}

/// How the value of `node` is used, following the local it is stored in.
fn local_flow_use(node: Node, text: &str) -> ValueUse {
    match value_use(node, text) {
        (ValueUse::Stored, Some(local)) => local_use(local, text, 1),
        (ValueUse::Stored, None) => ValueUse::Bare,
        (use_, _) => use_,
    }
}

/// Array methods whose callback receives each element.
const ELEMENT_CALLBACKS: &[&str] = &[
    "forEach", "map", "filter", "every", "some", "find", "flatMap", "reduce",
];

/// `process.env[name]` where `name` is a parameter of a named function (an env helper, whose
/// callers name the variable) or an element of a literal array of names (`for (const k of
/// ['A', 'B'])`, `KEYS.forEach(k => …)`): replaced by what they really read.
fn expand_dynamic_reads(root: Node, text: &str, facts: &mut ModuleFacts) {
    let mut kept = Vec::with_capacity(facts.env_reads.len());
    for read in std::mem::take(&mut facts.env_reads) {
        if read.key != EnvKey::Dynamic {
            kept.push(read);
            continue;
        }
        let Some(access) =
            root.descendant_for_byte_range(read.span.start as usize, read.span.end as usize)
        else {
            kept.push(read);
            continue;
        };
        let Some(index) = access.field("index").filter(|i| i.kind() == "identifier") else {
            kept.push(read);
            continue;
        };
        match name_binding(root, index, text) {
            Some(Binding::Names(names)) => {
                kept.extend(names.into_iter().map(|name| EnvRead {
                    name,
                    key: EnvKey::Name,
                    has_default: false,
                    ..read.clone()
                }));
            }
            Some(Binding::Helper(function, parameter)) => {
                facts.env_helpers.push(EnvHelper {
                    function,
                    parameter,
                    line: read.span.line,
                    has_default: matches!(local_flow_use(access, text), ValueUse::Optional),
                });
            }
            None => kept.push(read),
        }
    }
    facts.env_reads = kept;
}

enum Binding {
    /// The identifier takes each of these literal names.
    Names(Vec<String>),
    /// The identifier is parameter `usize` of the function named so.
    Helper(String, usize),
}

/// What an identifier used as `process.env[identifier]` is bound to.
fn name_binding(root: Node, identifier: Node, text: &str) -> Option<Binding> {
    let name = node_text(identifier, text);
    let mut current = identifier.parent();
    while let Some(node) = current {
        match node.kind() {
            "for_in_statement" => {
                let left = node.field("left")?;
                if node_text(left, text) == name {
                    let right = node.field("right")?;
                    return literal_names(root, right, text).map(Binding::Names);
                }
            }
            "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "function"
            | "method_definition"
            | "generator_function_declaration" => {
                let parameter = parameter_index(node, name, text)?;
                // `KEYS.forEach((k) => …)`: the callback of an array of names.
                if let Some(array) = callback_array(node, text) {
                    return literal_names(root, array, text).map(Binding::Names);
                }
                return function_name(node, text).map(|f| Binding::Helper(f, parameter));
            }
            _ => {}
        }
        current = node.parent();
    }
    None
}

fn parameter_index(function: Node, name: &str, text: &str) -> Option<usize> {
    if let Some(single) = function
        .field("parameter")
        .filter(|p| p.kind() == "identifier")
    {
        return (node_text(single, text) == name).then_some(0);
    }
    let parameters = function.field("parameters")?;
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind() != "comment")
        .position(|p| {
            let binding = match p.kind() {
                "identifier" => Some(p),
                "assignment_pattern" => p.field("left"),
                _ => p.field("pattern"),
            };
            binding.is_some_and(|b| node_text(b, text) == name)
        })
}

/// The array whose elements a callback receives: `ARRAY.forEach(callback)`.
fn callback_array<'t>(function: Node<'t>, text: &str) -> Option<Node<'t>> {
    let call = function
        .parent()
        .filter(|a| a.kind() == "arguments")?
        .parent()
        .filter(|c| c.kind() == "call_expression")?;
    let callee = call
        .field("function")
        .filter(|f| f.kind() == "member_expression")?;
    let method = callee.field("property")?;
    ELEMENT_CALLBACKS
        .contains(&node_text(method, text))
        .then(|| callee.field("object"))
        .flatten()
}

/// The name a function is known by in its module.
fn function_name(function: Node, text: &str) -> Option<String> {
    if let Some(name) = function.field("name") {
        return Some(node_text(name, text).to_string());
    }
    let parent = function.parent()?;
    let name = match parent.kind() {
        "variable_declarator" => parent.field("name"),
        "pair" => parent.field("key"),
        "assignment_expression" => parent.field("left"),
        _ => None,
    }?;
    Some(node_text(name, text).to_string())
}

/// The strings of an array literal (or of a `const` holding one in the module, possibly
/// `as const`).
fn literal_names(root: Node, array: Node, text: &str) -> Option<Vec<String>> {
    let array = match array.kind() {
        "identifier" => {
            let initializer = top_level_initializer(root, node_text(array, text), text)?;
            unwrap_expression(initializer)
        }
        _ => unwrap_expression(array),
    };
    if array.kind() != "array" {
        return None;
    }
    let mut cursor = array.walk();
    let names: Option<Vec<String>> = array
        .named_children(&mut cursor)
        .filter(|e| e.kind() != "comment")
        .map(|e| string_value(e, text))
        .collect();
    names.filter(|n| !n.is_empty())
}

fn unwrap_expression(node: Node) -> Node {
    let mut node = node;
    while matches!(
        node.kind(),
        "as_expression" | "satisfies_expression" | "parenthesized_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// `env.get('WEBHOOK_URL').required().asUrlString()` with `env` imported from `env-var`:
/// optional unless `.required()` without `.default(…)`.
fn env_var_reads(index: &Index, text: &str, facts: &mut ModuleFacts) {
    let mut locals: Vec<String> = facts
        .imports
        .iter()
        .filter(|i| i.specifier == "env-var")
        .flat_map(|i| i.names.iter().filter_map(|n| n.local.clone()))
        .collect();
    locals.extend(
        facts
            .bindings
            .iter()
            .filter(|b| b.specifier == "env-var")
            .map(|b| b.local.clone()),
    );
    if locals.is_empty() {
        return;
    }
    for (_, node) in index.of(&[Kind::Call]) {
        let Some(callee) = node
            .field("function")
            .filter(|f| f.kind() == "member_expression")
        else {
            continue;
        };
        let is_get = callee
            .field("property")
            .is_some_and(|p| node_text(p, text) == "get")
            && callee
                .field("object")
                .is_some_and(|o| locals.iter().any(|l| l == node_text(o, text)));
        let name = node
            .field("arguments")
            .and_then(|a| a.named_child(0))
            .and_then(|a| string_value(a, text));
        let (true, Some(name)) = (is_get, name) else {
            continue;
        };
        // The chain of calls after `.get('X')`.
        let mut chain = Vec::new();
        let mut outer = node;
        while let Some(member) = outer.parent().filter(|p| p.kind() == "member_expression") {
            if let Some(property) = member.field("property") {
                chain.push(node_text(property, text));
            }
            match member.parent().filter(|c| c.kind() == "call_expression") {
                Some(call) => outer = call,
                None => break,
            }
        }
        let required = chain.contains(&"required") && !chain.contains(&"default");
        facts.env_reads.push(EnvRead {
            name,
            key: EnvKey::Name,
            span: span_of(node, text),
            has_default: !required,
            form: EnvReadForm::ProcessEnv,
            server_only: false,
        });
    }
}

/// Whether a condition (after `!` removal and whitespace normalisation) only holds on the
/// server, or only in the browser.
fn condition_side(condition: Node, text: &str) -> Option<bool> {
    let normalised: String = node_text(condition, text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .map(|c| if c == '"' || c == '`' { '\'' } else { c })
        .collect();
    let server = |part: &str| {
        matches!(
            part,
            "typeofwindow==='undefined'"
                | "typeofwindow=='undefined'"
                | "typeofdocument==='undefined'"
                | "typeofdocument=='undefined'"
                | "!process.browser"
                | "isServer"
                | "import.meta.env.SSR"
                | "typeofprocess!=='undefined'"
                | "typeofprocess!='undefined'"
        ) || part.ends_with(".res")
            || part.ends_with(".req")
            || part == "req"
            || part == "res"
    };
    let browser = |part: &str| {
        matches!(
            part,
            "typeofwindow!=='undefined'"
                | "typeofwindow!='undefined'"
                | "typeofdocument!=='undefined'"
                | "typeofdocument!='undefined'"
                | "process.browser"
                | "!isServer"
        )
    };
    let parts: Vec<&str> = normalised.split("&&").collect();
    if parts.iter().any(|p| server(p)) {
        Some(true)
    } else if parts.len() == 1 && browser(parts[0]) {
        Some(false)
    } else {
        None
    }
}

/// Inside a branch that only runs on the server: the consequence of a server test, the
/// alternative of a browser test (`if`, ternary, `&&`), or after an early return in the
/// browser (`if (typeof window !== 'undefined') return;`).
pub(super) fn in_server_only_branch(node: Node, text: &str) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "if_statement" | "ternary_expression" => {
                let condition = parent.field("condition");
                let branch = if parent.field("consequence") == Some(current) {
                    Some(true)
                } else if parent.field("alternative") == Some(current)
                    || current.kind() == "else_clause"
                {
                    Some(false)
                } else {
                    None
                };
                if let (Some(condition), Some(branch)) = (condition, branch)
                    && condition_side(condition, text) == Some(branch)
                {
                    return true;
                }
            }
            "binary_expression"
                if parent.field("right") == Some(current)
                    && parent.field("operator").is_some_and(|o| o.kind() == "&&") =>
            {
                if let Some(left) = parent.field("left")
                    && condition_side(left, text) == Some(true)
                {
                    return true;
                }
            }
            "statement_block" | "program" => {
                // if (typeof window !== 'undefined') return; … (the rest is server-only)
                let mut previous = current.prev_named_sibling();
                while let Some(statement) = previous {
                    if statement.kind() == "if_statement"
                        && let Some(condition) = statement.field("condition")
                        && condition_side(condition, text) == Some(false)
                        && statement.field("consequence").is_some_and(|c| ends_flow(c))
                    {
                        return true;
                    }
                    previous = statement.prev_named_sibling();
                }
            }
            _ => {}
        }
        current = parent;
    }
    false
}

fn ends_flow(statement: Node) -> bool {
    match statement.kind() {
        "return_statement" | "throw_statement" => true,
        "statement_block" => {
            let mut cursor = statement.walk();
            statement
                .named_children(&mut cursor)
                .any(|s| matches!(s.kind(), "return_statement" | "throw_statement"))
        }
        _ => false,
    }
}

/// Schemas held in a variable or validated by Joi, which the capture-time handlers do not
/// see: `cleanEnv(process.env, spec)` with `const spec = { … }`, `createEnv({ server:
/// serverSchema })`, `schema.validate(process.env)` / `Joi.attempt(process.env, schema)` with
/// `const schema = Joi.object({ … })`. Their keys become schema reads, and the call stops
/// counting as a fully dynamic read.
fn schema_reads(root: Node, index: &Index, text: &str, facts: &mut ModuleFacts) {
    let mut found: Vec<(Node, Vec<EnvRead>)> = Vec::new();
    for (_, node) in index.of(&[Kind::Call]) {
        let Some(function) = node.field("function") else {
            continue;
        };
        let Some(arguments) = node.field("arguments") else {
            continue;
        };
        let mut cursor = arguments.walk();
        let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
        let is_env = |n: Option<&Node>| n.is_some_and(|n| node_text(*n, text) == "process.env");
        let callee = node_text(function, text);
        let method = callee.rsplit('.').next().unwrap_or(callee);
        let mut reads = Vec::new();
        if method == "cleanEnv" && is_env(args.first()) {
            // envalid: required unless `default` (devDefault is development only).
            if let Some(spec) = args.get(1).and_then(|s| resolve_object(root, *s, text)) {
                object_schema_keys(spec, text, SchemaKind::Envalid, &mut reads);
            }
        } else if matches!(method, "validate" | "validateAsync") && is_env(args.first()) {
            if let Some(schema) = function
                .field("object")
                .and_then(|o| joi_object(root, o, text))
            {
                object_schema_keys(schema, text, SchemaKind::Joi, &mut reads);
            }
        } else if callee.ends_with("attempt") && is_env(args.first()) {
            if let Some(schema) = args.get(1).and_then(|s| joi_object(root, *s, text)) {
                object_schema_keys(schema, text, SchemaKind::Joi, &mut reads);
            }
        } else if method == "createEnv"
            && let Some(options) = args.first().filter(|a| a.kind() == "object")
        {
            // t3-env sections given as variables (inline objects are read at capture time).
            let mut cursor = options.walk();
            for pair in options
                .named_children(&mut cursor)
                .filter(|p| p.kind() == "pair")
            {
                let section = pair.field("key").map_or("", |k| node_text(k, text));
                let value = pair.field("value");
                if matches!(section, "server" | "client" | "shared")
                    && let Some(value) = value.filter(|v| v.kind() == "identifier")
                    && let Some(schema) = resolve_object(root, value, text)
                {
                    object_schema_keys(schema, text, SchemaKind::Zod, &mut reads);
                }
            }
        }
        if !reads.is_empty() {
            found.push((node, reads));
        }
    }
    for (call, reads) in found {
        let span = span_of(call, text);
        facts
            .env_reads
            .retain(|r| !(r.key == EnvKey::Dynamic && r.span == span));
        for read in reads {
            if !facts
                .env_reads
                .iter()
                .any(|r| r.span == read.span && r.name == read.name)
            {
                facts.env_reads.push(read);
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SchemaKind {
    /// Required unless `{ default }`.
    Envalid,
    /// Optional unless `.required()` (and no `.default()`).
    Joi,
    /// Required unless `.optional()`, `.default()`, `.catch()`, `.nullish()`.
    Zod,
}

/// An object literal, written inline or held by a top-level `const`.
fn resolve_object<'t>(root: Node<'t>, node: Node<'t>, text: &str) -> Option<Node<'t>> {
    let node = match node.kind() {
        "identifier" => top_level_initializer(root, node_text(node, text), text)?,
        _ => node,
    };
    let node = unwrap_expression(node);
    (node.kind() == "object").then_some(node)
}

/// The `{ … }` of `Joi.object({ … })` / `Joi.object().keys({ … })` (with any chained calls
/// after it), inline or through a top-level `const`.
fn joi_object<'t>(root: Node<'t>, node: Node<'t>, text: &str) -> Option<Node<'t>> {
    let mut call = match node.kind() {
        "identifier" => top_level_initializer(root, node_text(node, text), text)?,
        _ => node,
    };
    loop {
        if call.kind() != "call_expression" {
            return None;
        }
        let function = call.field("function")?;
        let property = function.field("property").map(|p| node_text(p, text));
        if matches!(property, Some("object" | "keys"))
            && let Some(object) = call
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .filter(|a| a.kind() == "object")
        {
            return Some(object);
        }
        call = function.field("object")?;
    }
}

fn object_schema_keys(schema: Node, text: &str, kind: SchemaKind, reads: &mut Vec<EnvRead>) {
    let mut cursor = schema.walk();
    for pair in schema
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
            continue;
        };
        let written = node_text(value, text);
        let has_default = match kind {
            SchemaKind::Envalid => has_key(value, "default", text),
            SchemaKind::Joi => !written.contains(".required()") || written.contains(".default("),
            SchemaKind::Zod => [".optional(", ".default(", ".catch(", ".nullish("]
                .iter()
                .any(|m| written.contains(m)),
        };
        reads.push(EnvRead {
            name: node_text(key, text)
                .trim_matches(['"', '\'', '`'])
                .to_string(),
            key: EnvKey::Name,
            span: span_of(key, text),
            has_default,
            form: EnvReadForm::Schema,
            server_only: false,
        });
    }
}

/// An object literal anywhere inside `node` has the key `name` (`str({ default: 'x' })`).
fn has_key(node: Node, name: &str, text: &str) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "pair" && n.field("key").is_some_and(|k| node_text(k, text) == name) {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::facts::EnvKey;
    use crate::parse::parse_module;

    /// `(name, has_default)` of every named read, in source order.
    fn reads(source: &str) -> Vec<(String, bool)> {
        parse_module(Dialect::TypeScript, source.as_bytes())
            .env_reads
            .into_iter()
            .filter(|r| r.key == EnvKey::Name)
            .map(|r| (r.name, r.has_default))
            .collect()
    }

    fn optional(source: &str, name: &str) -> bool {
        let got = reads(source);
        assert!(got.iter().any(|(n, _)| n == name), "{name} read: {got:?}");
        got.iter().filter(|(n, _)| n == name).all(|(_, d)| *d)
    }

    #[test]
    fn a_local_tested_later_or_returned_early_is_optional() {
        assert!(optional(
            "const host = process.env.HOST;\nif (host) { listen(host); }\n",
            "HOST"
        ));
        assert!(optional(
            "function sign(p) {\n  const s = process.env.SIGNING_KEY;\n  if (!s) return p;\n  return s + p;\n}\n",
            "SIGNING_KEY"
        ));
        assert!(!optional(
            "const key = process.env.STRIPE_KEY;\nif (!key) throw new Error('missing');\nexport default key;\n",
            "STRIPE_KEY"
        ));
        assert!(!optional(
            "const url = process.env.DATABASE_URL;\nconnect(url);\n",
            "DATABASE_URL"
        ));
    }

    #[test]
    fn a_parameter_default_follows_the_parameter_into_its_function() {
        // Only truth-tested: unset means "off" (JavaScript and TypeScript parameter shapes).
        let tested = "function trackSent(results, cleanup = process.env.CLEANUP_INSTALLS) {\n  if (results.length > 0 && cleanup) { prune(results); }\n}\n";
        assert!(optional(tested, "CLEANUP_INSTALLS"));
        assert!(optional(
            "const send = async (to: string, dryRun: string | undefined = process.env.DRY_RUN) => {\n  if (dryRun) return;\n  await mail(to);\n};\n",
            "DRY_RUN"
        ));
        assert!(optional(
            "export function ping(verbose = process.env.PING_VERBOSE) {\n  if (verbose) log('ping');\n}\n",
            "PING_VERBOSE"
        ));
        // Handed on as it is: required, as a direct read would be.
        assert!(!optional(
            "function client(url = process.env.API_URL) {\n  return fetch(url);\n}\n",
            "API_URL"
        ));
        assert!(!optional(
            "const connect = (url: string = process.env.DB_URL) => createPool(url);\n",
            "DB_URL"
        ));
    }

    #[test]
    fn a_variable_the_module_tests_is_optional_everywhere_in_it() {
        // Multi-line ternary, a guarded body, a flag guarding a factory, a default assigned.
        let source = "export const cdn = process.env.CDN\n  ? `${process.env.CDN}/a`\n  : '/a';\nif (process.env.REPLICA) { use(process.env.REPLICA.split(',')); }\nconst on = Boolean(process.env.REDIS_URL);\nfunction client() { return new URL(process.env.REDIS_URL); }\nif (!process.env.ORIGIN) { process.env.ORIGIN = 'strict'; }\nexport const origin = process.env.ORIGIN;\n";
        for name in ["CDN", "REPLICA", "REDIS_URL", "ORIGIN"] {
            assert!(optional(source, name), "{name}");
        }
    }

    #[test]
    fn a_variable_that_picks_the_env_file_is_optional() {
        assert!(optional(
            "import { config } from 'dotenv';\nconfig({ path: process.env.APP_ENV_FILE, quiet: true });\n",
            "APP_ENV_FILE"
        ));
        assert!(optional(
            "import dotenv from 'dotenv';\nconst file = process.env.ENV_FILE;\ndotenv.config({ path: file });\n",
            "ENV_FILE"
        ));
        assert!(optional(
            "process.loadEnvFile(process.env.ENV_PATH);\n",
            "ENV_PATH"
        ));
        // Another option of the same call, or a `path` handed to something else, still needs it.
        assert!(!optional(
            "import { config } from 'dotenv';\nconfig({ path: '.env', encoding: process.env.ENCODING });\n",
            "ENCODING"
        ));
        assert!(!optional(
            "import { config } from 'dotenv';\nconfig();\nexport const s = serve({ path: process.env.STATIC_DIR });\n",
            "STATIC_DIR"
        ));
    }

    #[test]
    fn either_operand_of_a_fallback_chain_is_optional() {
        let source =
            "const host = process.env.APP_HOST || process.env.HOST;\nexport const h = host;\n";
        assert!(optional(source, "APP_HOST"));
        assert!(optional(source, "HOST"));
    }

    #[test]
    fn reads_under_another_variables_presence_test_are_optional() {
        let source = "if (process.env.DB_TYPE) {\n  config.host = process.env.DB_HOST;\n}\nexport const port = process.env.PORT;\n";
        assert!(optional(source, "DB_HOST"));
        assert!(!optional(source, "PORT"));
    }

    #[test]
    fn log_lines_responses_class_fields_and_coping_helpers_do_not_require() {
        assert!(optional(
            "logger.error(`cannot reach ${process.env.DATABASE_URL}`);\n",
            "DATABASE_URL"
        ));
        assert!(optional(
            "export function GET() { return json({ faviconUrl: process.env.FAVICON_URL }); }\n",
            "FAVICON_URL"
        ));
        // A module function whose records only reach log calls.
        let source = "function base(ctx) {\n  return { service: 'web', version: process.env.APP_VERSION, user: ctx?.id };\n}\nconst clean = (o) => o;\nexport function logEvent(ctx, extra) {\n  const attributes = { ...base(ctx), ...extra };\n  const cleaned = clean(attributes);\n  Sentry.logger[level]('event', cleaned);\n  console.error('failed', { attributes: cleaned });\n}\n";
        assert!(optional(source, "APP_VERSION"));
        // One use that is not a log keeps it required.
        assert!(!optional(
            &source.replace(
                "console.error('failed', { attributes: cleaned });",
                "send(cleaned);"
            ),
            "APP_VERSION"
        ));
        // Exported, the record goes to callers out of sight, who decide what a missing
        // field means (as for the fields of a response payload).
        assert!(optional(
            &source.replace("function base(", "export function base("),
            "APP_VERSION"
        ));
        assert!(optional(
            "class Values {\n  cert = process.env.CERT_PATH;\n  enabled = Boolean(this.cert);\n}\n",
            "CERT_PATH"
        ));
        assert!(optional(
            "const normalize = (v: unknown) => v === undefined ? undefined : String(v);\nexport const key = normalize(import.meta.env.INKEEP_KEY);\n",
            "INKEEP_KEY"
        ));
        // `process.exit(0)` after "not set, skipping" is not a failure.
        assert!(optional(
            "const id = process.env.GTM_ID;\nif (!id) { console.log('skipping'); process.exit(0); }\nfetch(id);\n",
            "GTM_ID"
        ));
    }

    #[test]
    fn helper_calls_join_the_module_flow_and_component_props_are_optional() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"export async function url(key: string) {\n  if (env('CDN_DOMAIN')) {\n    return sign(`${env('CDN_DOMAIN')}/${key}`, env('CDN_KEY_ID'));\n  }\n  return env('BUCKET') + key;\n}\nexport const secret = () => { const s = env('SECRET'); if (!s) throw new Error('x'); return s; };\n",
        );
        let calls: Vec<(&str, bool)> = facts
            .env_name_calls
            .iter()
            .map(|c| (c.name.as_str(), c.has_default))
            .collect();
        assert_eq!(
            calls,
            vec![
                ("CDN_DOMAIN", true),
                ("CDN_DOMAIN", true),
                ("CDN_KEY_ID", true),
                ("BUCKET", false),
                ("SECRET", false)
            ]
        );
        let got: Vec<(String, bool)> = parse_module(
            Dialect::Tsx,
            b"export default function Layout() {\n  return <Provider mcpUrl={process.env.MCP_URL} pixel={process.env.PIXEL!}><img src={process.env.LOGO_URL} /></Provider>;\n}\n",
        )
        .env_reads
        .into_iter()
        .map(|r| (r.name, r.has_default))
        .collect();
        assert_eq!(
            got,
            vec![
                ("MCP_URL".to_string(), true),
                ("PIXEL".to_string(), true),
                ("LOGO_URL".to_string(), false)
            ]
        );
        // A URL built from it is always set: the component cannot tell it was missing.
        let got: Vec<(String, bool)> = parse_module(
            Dialect::Tsx,
            b"export function Qr() {\n  const bot = process.env.BOT_NAME;\n  const url = `https://t.me/${bot}`;\n  return <QRCode data={url} link={`${process.env.SITE}/a`} />;\n}\n",
        )
        .env_reads
        .into_iter()
        .map(|r| (r.name, r.has_default))
        .collect();
        assert_eq!(
            got,
            vec![("BOT_NAME".to_string(), false), ("SITE".to_string(), false)]
        );
    }

    #[test]
    fn imports_used_only_on_a_branch_an_env_setting_selects_are_gated() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"import { env } from '@app/lib/env';\nimport { AzureProvider } from './azure';\nimport { S3Provider } from './s3';\nimport { Sentry } from './sentry';\nimport { log } from './log';\nlet cached = null;\nexport const get = () => {\n  const transport = env('UPLOAD_TRANSPORT');\n  switch (transport) {\n    case 's3':\n      cached = new S3Provider();\n      return cached;\n    case 'azure-blob':\n      cached = new AzureProvider();\n      return cached;\n    default:\n      log('x');\n      throw new Error('bad');\n  }\n};\nif (process.env.SENTRY_DSN) { Sentry.init(); }\nexport const s3 = () => new S3Provider();\n",
        );
        assert_eq!(
            facts.gated_imports,
            vec!["./azure".to_string(), "./sentry".to_string()]
        );
    }

    #[test]
    fn number_parsers_with_a_fallback_and_arrays_filtered_by_presence_are_optional() {
        let source = "export const a = Number.parseInt(process.env.HTTP_PORT!, 10) || 80;\nexport const b = Number.parseFloat(process.env.RATIO) || 0.5;\nexport const c = Number.parseInt(process.env.ADMIN_PORT!, 10);\nexport const ids = [process.env.PRICE_A, process.env.PRICE_B].filter(Boolean) as string[];\nexport const more = [process.env.PRICE_C].filter((id): id is string => !!id);\nexport const cc = [process.env.CC_A, process.env.CC_B].join(',');\n";
        for name in ["HTTP_PORT", "RATIO", "PRICE_A", "PRICE_B", "PRICE_C"] {
            assert!(optional(source, name), "{name}");
        }
        for name in ["ADMIN_PORT", "CC_A", "CC_B"] {
            assert!(!optional(source, name), "{name}");
        }
    }

    #[test]
    fn option_fields_handed_on_whole_and_predicates_beside_a_fallback_are_optional() {
        let source = "const defaults = { host: process.env.MAIL_HOST, key: process.env.MAIL_KEY! };\nexport function config(o) {\n  const path = process.env.FEEDBACK_PATH;\n  const pool = { url: process.env.POOL_URL };\n  connect(pool);\n  send(JSON.stringify({ secret: process.env.CLOUD_SECRET }));\n  return { ...mergeAll([defaults, o]), path, date: process.env.BUILD_DATE, region: process.env.REGION.trim() };\n}\nconst valid = (l: string) => ['info'].includes(l);\nexport const level = valid(process.env.LEVEL) ? process.env.LEVEL : 'info';\nfunction upper(s?: string) { return s ? s.toUpperCase() : s; }\nfunction kind(s?: string, d = 'x') { return upper(s) ?? d; }\nexport const k = kind(process.env.KIND);\nfunction strict(s: string) { return s.toUpperCase(); }\nexport const st = strict(process.env.STAGE);\nfunction num(v, d) { const n = Number(v); return isNaN(n) ? d : n; }\nexport const size = num(process.env.SIZE, 20);\nexport const dsn = init({ dsn: process.env.DSN });\n";
        for name in [
            "MAIL_HOST",
            "FEEDBACK_PATH",
            "CLOUD_SECRET",
            "BUILD_DATE",
            "LEVEL",
            "KIND",
            "SIZE",
        ] {
            assert!(optional(source, name), "{name}");
        }
        for name in ["MAIL_KEY", "POOL_URL", "REGION", "STAGE", "DSN"] {
            assert!(!optional(source, name), "{name}");
        }
    }

    #[test]
    fn reads_on_a_branch_only_a_feature_flag_selects_are_optional() {
        // A flag defined here (switched on when set), a switch case, the right of `||`; an
        // imported flag is left to the env stage with its polarity.
        let source = "import { IS_CLOUD } from './constants';\nconst cloud = process.env.EDITION === 'cloud';\nconst selfHosted = process.env.SELF_HOSTED !== 'false';\nexport const admin = cloud ? [process.env.ADMIN_ID] : [];\nexport const registry = selfHosted ? [process.env.REGISTRY_URL] : [];\nexport const db = process.env.NODE_ENV === 'production' ? [process.env.PROD_DB] : [];\nexport const legacy = selfHosted || connect(process.env.LEGACY_URL);\nswitch (process.env.STORAGE) { case 's3': connect(process.env.S3_BUCKET); break; default: connect(process.env.DISK_PATH); }\nexport const users = IS_CLOUD ? [process.env.USER_ADMIN_ID] : [];\nexport const local = !IS_CLOUD ? [process.env.LOCAL_ID] : [];\n";
        for name in ["ADMIN_ID", "LEGACY_URL", "S3_BUCKET"] {
            assert!(optional(source, name), "{name}");
        }
        for name in [
            "REGISTRY_URL",
            "PROD_DB",
            "DISK_PATH",
            "USER_ADMIN_ID",
            "LOCAL_ID",
        ] {
            assert!(!optional(source, name), "{name}");
        }
        // After an early return when another setting is unset; a throw insists instead, also
        // on the right of `||` in its condition.
        let early = "const secret = process.env.WEBHOOK_SECRET!;\nexport function hook() {\n  if (!secret) { return 400; }\n  return charge(process.env.STRIPE_KEY!);\n}\nexport function db() {\n  if (!process.env.DB_HOST || !process.env.DB_USER) throw new Error('DB_HOST');\n  return connect(process.env.DB_PASSWORD);\n}\n";
        assert!(optional(early, "STRIPE_KEY"));
        assert!(!optional(early, "DB_PASSWORD"));
        assert!(!optional(early, "DB_USER"));
        let facts = parse_module(Dialect::TypeScript, source.as_bytes());
        let gates: Vec<(String, bool)> = facts
            .env_flag_gates
            .iter()
            .flat_map(|g| g.tests.iter().map(|t| (t.name.clone(), t.truthy)))
            .collect();
        assert_eq!(
            gates,
            [
                ("IS_CLOUD".to_string(), true),
                ("IS_CLOUD".to_string(), false)
            ]
        );
        let flags = parse_module(
            Dialect::TypeScript,
            b"export const IS_CLOUD = process.env.IS_CLOUD === 'true';\nexport const SELF_HOSTED = process.env.SELF_HOSTED !== 'false';\nexport const PROD = process.env.NODE_ENV === 'production';\n",
        )
        .env_flags;
        let flags: Vec<(&str, bool)> = flags.iter().map(|f| (f.name.as_str(), f.truthy)).collect();
        assert_eq!(flags, [("IS_CLOUD", true), ("SELF_HOSTED", false)]);
    }

    #[test]
    fn imports_used_only_under_an_imported_flag_are_recorded_with_their_tests_in_modules_reading_env()
     {
        let facts = parse_module(
            Dialect::TypeScript,
            b"import { IS_CLOUD } from './constants';\nimport { deployRemote } from './remote';\nimport { reportUsage } from './usage';\nimport { audit } from './audit';\nconst region = process.env.REGION ?? 'eu';\nexport async function deploy(id: string) {\n  if (IS_CLOUD && id) { await deployRemote(id); }\n  if (!IS_CLOUD) { await reportUsage(1); }\n  audit(id);\n}\n",
        );
        type Uses<'a> = Vec<Vec<(&'a str, bool)>>;
        let gates: Vec<(&str, Uses)> = facts
            .import_flag_gates
            .iter()
            .map(|g| {
                let uses = g
                    .uses
                    .iter()
                    .map(|u| u.iter().map(|t| (t.name.as_str(), t.truthy)).collect())
                    .collect();
                (g.specifier.as_str(), uses)
            })
            .collect();
        assert_eq!(
            gates,
            [
                ("./remote", vec![vec![("IS_CLOUD", true)]]),
                ("./usage", vec![vec![("IS_CLOUD", false)]]),
            ]
        );
    }

    #[test]
    fn literal_arrays_and_schemas_in_variables_name_their_variables() {
        let got = reads(
            "for (const name of ['SMTP_HOST', 'SMTP_USER']) {\n  if (!process.env[name]) throw new Error(name);\n}\n",
        );
        assert_eq!(
            got,
            vec![
                ("SMTP_HOST".to_string(), false),
                ("SMTP_USER".to_string(), false)
            ]
        );
        let got = reads(
            "const spec = { DATABASE_URL: str(), PORT: port({ default: 3000 }), SECRET: str({ devDefault: 'x' }) };\nexport const env = cleanEnv(process.env, spec);\n",
        );
        assert_eq!(
            got,
            vec![
                ("DATABASE_URL".to_string(), false),
                ("PORT".to_string(), true),
                ("SECRET".to_string(), false)
            ]
        );
        let got = reads(
            "const schema = Joi.object({ REDIS_URL: Joi.string().required(), LOG_LEVEL: Joi.string() }).unknown();\nconst { value } = schema.validate(process.env);\n",
        );
        assert_eq!(
            got,
            vec![
                ("REDIS_URL".to_string(), false),
                ("LOG_LEVEL".to_string(), true)
            ]
        );
    }

    #[test]
    fn env_helpers_and_their_calls_are_recorded() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"export function getEnv(name: string, fallback?: string) {\n  const value = process.env[name];\n  return value ?? fallback;\n}\nexport const flag = getEnv('FEATURE_X');\n",
        );
        assert!(facts.env_reads.is_empty(), "{:?}", facts.env_reads);
        assert_eq!(facts.env_helpers.len(), 1);
        assert_eq!(facts.env_helpers[0].function, "getEnv");
        assert!(facts.env_helpers[0].has_default);
        assert_eq!(facts.env_name_calls.len(), 1);
        assert_eq!(facts.env_name_calls[0].name, "FEATURE_X");
    }

    #[test]
    fn server_only_branches_and_config_env_keys() {
        let facts = parse_module(
            Dialect::Tsx,
            b"if (typeof window === 'undefined') { a = process.env.SERVER_A; }\nconst b = typeof window !== 'undefined' ? 0 : process.env.SERVER_B;\nif (ctx.res) { c = process.env.SERVER_C; }\nexport const d = process.env.BROWSER_D;\nmodule.exports = { env: { basePath: process.env.BASE_PATH || '' }, define: { 'import.meta.env.IS_CLOUD': '1' } };\n",
        );
        let server: Vec<(&str, bool)> = facts
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.server_only))
            .collect();
        assert_eq!(
            server,
            vec![
                ("SERVER_A", true),
                ("SERVER_B", true),
                ("SERVER_C", true),
                ("BROWSER_D", false),
                ("BASE_PATH", false)
            ]
        );
        let keys: Vec<&str> = facts
            .config_env_keys
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, vec!["IS_CLOUD", "basePath"]);
    }
}
