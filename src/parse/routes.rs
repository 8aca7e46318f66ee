//! Route mounts, router bindings and prefixes, and directory loaders.

use super::FieldExt;
use tree_sitter::Node;

use super::extract::{call_arguments, literal_string, node_text, span_of, specifier_name};
use super::imports::module_call_specifier;
use super::paths::evaluate_path;
use crate::facts::{
    Binding, DirectoryLoad, DirectoryLoadKind, ModuleFacts, Mount, MountTarget, RouterPrefix,
};

/// What a mount argument attaches: a local name or an inline `require()`/`import()`.
fn mount_target(node: Node, text: &str) -> Option<MountTarget> {
    match node.kind() {
        "identifier" => Some(MountTarget::Binding(node_text(node, text).to_string())),
        "await_expression" | "parenthesized_expression" => mount_target(node.named_child(0)?, text),
        "call_expression" => {
            if let Some(start) = module_call_specifier(node, text) {
                return Some(MountTarget::Import(start));
            }
            let function = node.field("function")?;
            // A factory: `app.use(require('./testmode')())`.
            if let Some(start) = module_call_specifier(function, text) {
                return Some(MountTarget::Import(start));
            }
            // Koa: `router.routes()`, `router.middleware()`.
            if function.kind() != "member_expression" {
                return None;
            }
            let property = node_text(function.field("property")?, text);
            if !matches!(property, "routes" | "middleware") {
                return None;
            }
            mount_target(function.field("object")?, text)
        }
        // `require('./x').default`, `users.router`; other properties (`auth.requireUser`) are
        // middleware functions, not routers.
        "member_expression" => {
            let property = node_text(node.field("property")?, text);
            if !matches!(property, "default" | "router" | "routes") {
                return None;
            }
            mount_target(node.field("object")?, text)
        }
        _ => None,
    }
}

/// The identifier a (possibly chained) call is made on: `app.route(…).route(…)` → `app`.
fn receiver_name(mut node: Node, text: &str) -> String {
    loop {
        match node.kind() {
            "call_expression" => match node.field("function") {
                Some(f) => node = f,
                None => break,
            },
            "member_expression" => match node.field("object") {
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
        let k = pair.field("key")?;
        (specifier_name(k, text) == key)
            .then(|| pair.field("value"))
            .flatten()
    });
    found
}

/// `app.use(…)`, `app.route('/x', sub)`, `fastify.register(plugin, { prefix })`.
pub(super) fn mount_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(function) = node.field("function") else {
        return;
    };
    let (Some(object), Some(property)) = (function.field("object"), function.field("property"))
    else {
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
    // `routes.forEach((r) => app.use(r.path, r.route))` over `[{ path, route }]`: one mount
    // per element, with its path and router.
    if at_path
        && path.is_none()
        && let (Some(first), [target]) = (arguments.first(), targets.as_slice())
        && let Some(expanded) = array_mounts(node, *first, *target, text)
    {
        for (path, target) in expanded {
            facts.mounts.push(Mount {
                method: method.clone(),
                receiver: receiver.clone(),
                path,
                targets: vec![target],
                span: span_of(node, text),
            });
        }
        return;
    }
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

/// The mounts of `ARRAY.forEach((r) => app.use(r.path, r.route))` (or `.map`, or
/// `for (const r of ARRAY)`) when `ARRAY` is an array literal of objects: each element's
/// router (`route`) at its path (`path`, also inside a template: `` `/api${r.path}` ``).
fn array_mounts(
    call: Node,
    path_argument: Node,
    target: Node,
    text: &str,
) -> Option<Vec<(Option<String>, MountTarget)>> {
    if target.kind() != "member_expression" {
        return None;
    }
    let item = target.field("object")?;
    if item.kind() != "identifier" {
        return None;
    }
    let item_name = node_text(item, text);
    let route_key = node_text(target.field("property")?, text);
    let array = iterated_array(call, item_name, text)?;
    let mut mounts = Vec::new();
    let mut cursor = array.walk();
    for element in array.named_children(&mut cursor) {
        let Some(route) = object_property(element, route_key, text) else {
            continue;
        };
        let Some(target) = mount_target(route, text) else {
            continue;
        };
        let path = element_path(path_argument, item_name, element, text);
        mounts.push((path, target));
    }
    (!mounts.is_empty()).then_some(mounts)
}

/// The array literal whose elements `item` takes in the loop or callback around `call`.
fn iterated_array<'t>(call: Node<'t>, item: &str, text: &str) -> Option<Node<'t>> {
    let mut node = call;
    for _ in 0..12 {
        node = node.parent()?;
        let source = match node.kind() {
            "arrow_function" | "function_expression" | "function" => {
                let parameters = node
                    .field("parameters")
                    .or_else(|| node.field("parameter"))?;
                let written = node_text(parameters, text);
                let single = written.trim_matches(['(', ')']).trim();
                let single = single.split(':').next().unwrap_or("").trim();
                if single != item {
                    return None;
                }
                let arguments = node.parent()?;
                let loop_call = arguments.parent()?;
                let function = loop_call.field("function")?;
                let method = node_text(function.field("property")?, text);
                if !matches!(method, "forEach" | "map") {
                    return None;
                }
                function.field("object")?
            }
            "for_in_statement" => {
                let left = node.field("left")?;
                if node_text(left, text) != item {
                    return None;
                }
                node.field("right")?
            }
            _ => continue,
        };
        return match source.kind() {
            "array" => Some(source),
            "identifier" => super::extract::find_declaration(source, node_text(source, text), text)
                .filter(|v| v.kind() == "array"),
            _ => None,
        };
    }
    None
}

/// The mount path of one element: `r.path` → its `path` string; `` `/api${r.path}` `` → the
/// template with it substituted; a literal stays itself.
fn element_path(argument: Node, item: &str, element: Node, text: &str) -> Option<String> {
    let property_of = |member: Node| -> Option<String> {
        let object = member.field("object")?;
        if object.kind() != "identifier" || node_text(object, text) != item {
            return None;
        }
        let key = node_text(member.field("property")?, text);
        literal_string(object_property(element, key, text)?, text)
    };
    match argument.kind() {
        "member_expression" => property_of(argument),
        "template_string" => {
            let inner_start = argument.start_byte() + 1;
            let inner_end = argument.end_byte().saturating_sub(1).max(inner_start);
            let mut out = String::new();
            let mut at = inner_start;
            let mut cursor = argument.walk();
            for child in argument.named_children(&mut cursor) {
                if child.kind() == "template_substitution" {
                    out.push_str(text.get(at..child.start_byte())?);
                    let value = child.named_child(0)?;
                    if value.kind() != "member_expression" {
                        return None;
                    }
                    out.push_str(&property_of(value)?);
                    at = child.end_byte();
                }
            }
            out.push_str(text.get(at..inner_end)?);
            Some(out)
        }
        _ => literal_string(argument, text),
    }
}

/// `require('./routes')(app)`, `registerRoutes(app)`.
pub(super) fn registration_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(function) = node.field("function") else {
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
pub(super) fn binding_declarator(node: Node, text: &str, facts: &mut ModuleFacts) {
    let (Some(name), Some(mut value)) = (node.field("name"), node.field("value")) else {
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
            .field("property")
            .is_some_and(|p| node_text(p, text) == "default");
        match value.field("object") {
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
pub(super) fn namespace_binding(node: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(local) = node.named_child(0) else {
        return;
    };
    let statement = node
        .parent()
        .and_then(|clause| clause.parent())
        .filter(|s| s.kind() == "import_statement");
    let Some(specifier) = statement
        .and_then(|s| s.field("source"))
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
                let name = parent.field("name")?;
                return (name.kind() == "identifier").then(|| node_text(name, text).to_string());
            }
            "call_expression" | "member_expression" | "await_expression" => current = parent,
            _ => return None,
        }
    }
}

/// `const r = new Router({ prefix: '/users' })`.
pub(super) fn new_router(node: Node, text: &str, facts: &mut ModuleFacts) {
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
pub(super) fn base_path(node: Node, text: &str, facts: &mut ModuleFacts) {
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
pub(super) fn readdir_call(node: Node, text: &str, facts: &mut ModuleFacts) {
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
pub(super) fn glob_call(node: Node, text: &str, facts: &mut ModuleFacts) {
    let is_import_meta = node
        .field("function")
        .and_then(|f| f.field("object"))
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
    if let Some(options) = call_arguments(node).get(1).copied()
        && options.kind() == "object"
        && loads_as_asset(options, text)
    {
        let base = object_property(options, "base", text).and_then(|b| literal_string(b, text));
        for pattern in patterns.iter().filter(|p| !p.starts_with('!')) {
            facts.asset_globs.push(match &base {
                Some(base) if !pattern.starts_with('/') => format!(
                    "{}/{}",
                    base.trim_end_matches('/'),
                    pattern.trim_start_matches("./")
                ),
                _ => pattern.clone(),
            });
        }
    }
    for pattern in patterns {
        facts.directory_loads.push(DirectoryLoad {
            kind: DirectoryLoadKind::Glob,
            pattern,
            span: span_of(node, text),
        });
    }
}

/// Whether `import.meta.glob`'s options load files as URLs or text (`query: '?url'`,
/// `query: '?raw'`, Vite 4's `as: 'raw'`) rather than as modules.
fn loads_as_asset(options: Node, text: &str) -> bool {
    let value = |key| object_property(options, key, text).and_then(|v| literal_string(v, text));
    let query = value("query").unwrap_or_default();
    let query = query.trim_start_matches('?');
    let as_kind = value("as").unwrap_or_default();
    ["url", "raw"]
        .iter()
        .any(|k| query.split('&').any(|q| q == *k) || as_kind == *k)
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

/// `app.use('/sync', syncApp.handlers)`: with an explicit mount path, a property of an
/// imported module is a sub-application (without one it is middleware: `app.use(auth.check)`).
fn mounted_member(node: Node, text: &str) -> Option<MountTarget> {
    if node.kind() != "member_expression" {
        return None;
    }
    let object = node.field("object")?;
    (object.kind() == "identifier")
        .then(|| MountTarget::Binding(node_text(object, text).to_string()))
}
