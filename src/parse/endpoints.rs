//! Route handlers a module declares: `router.get('/x', h)` (Express, Hono, Koa-router,
//! Fastify shorthands), `router.route('/x').get(h)`, `fastify.route({ method, url })`, and
//! NestJS `@Controller('x')` classes with `@Get(':id')` methods and the `@Module({
//! controllers })` lists that register them.
//!
//! Only receivers that are known to be an app or router count: a name bound in this file to
//! `express()`, `Router()`, `new Hono()`, `Fastify()`, …, a function parameter (a Fastify
//! plugin, `export default (app) => …`), or an imported name such as `app` or `router`. So
//! `axios.get('/api/users', config)` in client code is not an endpoint.

use super::FieldExt;
use std::collections::HashSet;

use tree_sitter::Node;

use crate::facts::{Controller, Endpoint, ModuleFacts};

use super::extract::{Index, Kind, span_of};

/// HTTP methods a router exposes as methods of the same name.
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "head", "options", "all",
];

/// Calls (or `new`) whose result is an app or a router.
const ROUTER_FACTORIES: &[&str] = &[
    "express",
    "Router",
    "Hono",
    "OpenAPIHono",
    "Fastify",
    "fastify",
    "KoaRouter",
    "Elysia",
    "polka",
    "createRouter",
];

/// Conventional names of an app or router passed in from elsewhere.
const ROUTER_NAMES: &[&str] = &["app", "router", "server", "fastify", "instance"];

/// NestJS method decorators and the HTTP method each declares.
const NEST_METHODS: &[(&str, &str)] = &[
    ("Get", "GET"),
    ("Post", "POST"),
    ("Put", "PUT"),
    ("Patch", "PATCH"),
    ("Delete", "DELETE"),
    ("Head", "HEAD"),
    ("Options", "OPTIONS"),
    ("All", "ALL"),
];

/// Fills `facts.endpoints`, `facts.controllers` and `facts.registered_controllers`.
pub(super) fn extract_endpoints(root: Node, index: &Index, text: &str, facts: &mut ModuleFacts) {
    let routers = local_routers(index, text);
    for (kind, node) in index.of(&[Kind::Call, Kind::Class, Kind::Decorator]) {
        match kind {
            Kind::Call => handler_call(node, text, &routers, facts),
            Kind::Class => nest_class(node, text, facts),
            Kind::Decorator => module_decorator(root, node, text, facts),
            _ => {}
        }
    }
    facts.endpoints.sort_by_key(|e| e.span);
}

fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

/// A string literal or a template without substitutions.
fn string_value(node: Node, text: &str) -> Option<String> {
    match node.kind() {
        "string" => {
            let raw = node_text(node, text);
            Some(raw[1..raw.len().saturating_sub(1).max(1)].to_string())
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
            Some(raw[1..raw.len().saturating_sub(1).max(1)].to_string())
        }
        _ => None,
    }
}

/// The last name of a callee: `express.Router` → `Router`, `new Hono()` → `Hono`.
fn callee_name<'a>(node: Node, text: &'a str) -> &'a str {
    let callee = match node.kind() {
        "call_expression" => node.field("function"),
        "new_expression" => node.field("constructor"),
        _ => None,
    };
    match callee {
        Some(c) if c.kind() == "member_expression" => {
            c.field("property").map_or("", |p| node_text(p, text))
        }
        Some(c) => node_text(c, text),
        None => "",
    }
}

/// Whether an expression builds an app or router (`express()`, `new Hono().basePath('/x')`).
fn builds_router(mut node: Node, text: &str) -> bool {
    for _ in 0..8 {
        match node.kind() {
            "await_expression" | "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return false,
            },
            "call_expression" | "new_expression" => {
                if ROUTER_FACTORIES.contains(&callee_name(node, text)) {
                    return true;
                }
                // `new Hono().basePath('/api')`: the object of a method call.
                match node
                    .field("function")
                    .filter(|f| f.kind() == "member_expression")
                    .and_then(|f| f.field("object"))
                {
                    Some(object) => node = object,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    false
}

/// Names bound in the file to an app or router, and names bound to anything else.
struct Routers {
    routers: HashSet<String>,
    other_locals: HashSet<String>,
    parameters: HashSet<String>,
}

fn local_routers(index: &Index, text: &str) -> Routers {
    let mut found = Routers {
        routers: HashSet::new(),
        other_locals: HashSet::new(),
        parameters: HashSet::new(),
    };
    for (kind, node) in index.of(&[Kind::Declarator, Kind::Parameters, Kind::Arrow]) {
        match kind {
            Kind::Declarator => {
                if let Some(name) = node.field("name")
                    && name.kind() == "identifier"
                {
                    let local = node_text(name, text).to_string();
                    match node.field("value") {
                        Some(value) if builds_router(value, text) => {
                            found.routers.insert(local);
                        }
                        _ => {
                            found.other_locals.insert(local);
                        }
                    }
                }
            }
            Kind::Parameters => {
                let mut cursor = node.walk();
                for parameter in node.named_children(&mut cursor) {
                    let name = match parameter.kind() {
                        "identifier" => Some(parameter),
                        "required_parameter" | "optional_parameter" => parameter
                            .field("pattern")
                            .filter(|p| p.kind() == "identifier"),
                        _ => None,
                    };
                    if let Some(name) = name {
                        found.parameters.insert(node_text(name, text).to_string());
                    }
                }
            }
            Kind::Arrow => {
                // `app => { app.get(…) }`: a single unparenthesised parameter.
                if let Some(parameter) =
                    node.field("parameter").filter(|p| p.kind() == "identifier")
                {
                    found
                        .parameters
                        .insert(node_text(parameter, text).to_string());
                }
            }
            _ => {}
        }
    }
    found
}

impl Routers {
    fn accepts(&self, receiver: &str) -> bool {
        if self.routers.contains(receiver) {
            return true;
        }
        if self.other_locals.contains(receiver) {
            return false;
        }
        ROUTER_NAMES.contains(&receiver)
            || (self.parameters.contains(receiver) && receiver.ends_with("app"))
    }
}

/// The base of a call chain: `app.get(…).post(…)` → `app`; `router.route('/x')` gives its
/// path to the methods chained on it.
fn chain_base<'a>(mut object: Node<'a>, text: &'a str) -> Option<(&'a str, Option<String>)> {
    let mut route_path = None;
    for _ in 0..32 {
        match object.kind() {
            "identifier" => return Some((node_text(object, text), route_path)),
            "member_expression" => {
                // `fastify.instance`, `this.router`: the last property names the router.
                let property = object.field("property")?;
                return Some((node_text(property, text), route_path));
            }
            "call_expression" => {
                let function = object.field("function")?;
                if function.kind() != "member_expression" {
                    return None;
                }
                let property = node_text(function.field("property")?, text);
                if property == "route" && route_path.is_none() {
                    let arguments = object.field("arguments")?;
                    route_path = arguments.named_child(0).and_then(|a| string_value(a, text));
                }
                object = function.field("object")?;
            }
            _ => return None,
        }
    }
    None
}

fn handler_call(call: Node, text: &str, routers: &Routers, facts: &mut ModuleFacts) {
    let Some(function) = call
        .field("function")
        .filter(|f| f.kind() == "member_expression")
    else {
        return;
    };
    let (Some(object), Some(property), Some(arguments)) = (
        function.field("object"),
        function.field("property"),
        call.field("arguments"),
    ) else {
        return;
    };
    let method = node_text(property, text);
    // Most calls are no route: the method name rules them out before anything is collected.
    if method != "route" && !METHODS.contains(&method) {
        return;
    }
    let Some((receiver, chained_path)) = chain_base(object, text) else {
        return;
    };
    if !routers.accepts(receiver) {
        return;
    }
    let mut cursor = arguments.walk();
    let args: Vec<Node> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    if method == "route" {
        // Fastify: `fastify.route({ method: 'GET', url: '/x', handler })`.
        if let Some(options) = args.first().filter(|a| a.kind() == "object") {
            let methods = property_values(*options, "method", text);
            let url = property_values(*options, "url", text)
                .into_iter()
                .chain(property_values(*options, "path", text))
                .next();
            if let Some(url) = url {
                for m in methods {
                    facts.endpoints.push(Endpoint {
                        method: m.to_ascii_uppercase(),
                        path: url.clone(),
                        receiver: receiver.to_string(),
                        span: span_of(call, text),
                    });
                }
            }
        }
        return;
    }
    if !METHODS.contains(&method) {
        return;
    }
    let method = match method {
        "del" => "DELETE".to_string(),
        "all" => "ALL".to_string(),
        m => m.to_ascii_uppercase(),
    };
    let path = match chained_path {
        // `router.route('/x').get(handler)`: the handler is the only argument.
        Some(path) if !args.is_empty() => path,
        _ => {
            // `app.get('port')` reads a setting: a route has a path and a handler.
            if args.len() < 2 {
                return;
            }
            match string_value(args[0], text) {
                Some(path) if path.is_empty() || path.starts_with('/') || path == "*" => path,
                _ => return,
            }
        }
    };
    facts.endpoints.push(Endpoint {
        method,
        path,
        receiver: receiver.to_string(),
        span: span_of(call, text),
    });
}

/// String values of `key` in an object literal (`method: ['GET', 'HEAD']` gives both).
fn property_values(object: Node, key: &str, text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut cursor = object.walk();
    for pair in object
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let Some(k) = pair.field("key") else {
            continue;
        };
        let name = string_value(k, text).unwrap_or_else(|| node_text(k, text).to_string());
        if name != key {
            continue;
        }
        let Some(value) = pair.field("value") else {
            continue;
        };
        if value.kind() == "array" {
            let mut items = value.walk();
            values.extend(
                value
                    .named_children(&mut items)
                    .filter_map(|v| string_value(v, text)),
            );
        } else if let Some(v) = string_value(value, text) {
            values.push(v);
        }
    }
    values
}

/// A decorator's name and first argument: `@Get(':id')` → (`Get`, `Some(":id")`).
pub(super) fn decorator_call<'t>(
    decorator: Node<'t>,
    text: &'t str,
) -> Option<(&'t str, Option<Node<'t>>)> {
    let inner = decorator.named_child(0)?;
    match inner.kind() {
        "identifier" => Some((node_text(inner, text), None)),
        "call_expression" => {
            let function = inner.field("function")?;
            let arguments = inner.field("arguments")?;
            Some((node_text(function, text), arguments.named_child(0)))
        }
        _ => None,
    }
}

/// The path argument of `@Controller('users')` / `@Controller({ path: 'users' })`.
fn decorator_path(argument: Option<Node>, text: &str) -> String {
    match argument {
        Some(a) if a.kind() == "object" => property_values(a, "path", text)
            .into_iter()
            .next()
            .unwrap_or_default(),
        Some(a) => string_value(a, text).unwrap_or_default(),
        None => String::new(),
    }
}

/// Decorators written before a node: its own `decorator` children, or (for `@X() export
/// class`) those of the enclosing `export_statement`.
fn decorators_of<'t>(class: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = class.walk();
    out.extend(
        class
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator"),
    );
    if let Some(parent) = class.parent().filter(|p| p.kind() == "export_statement") {
        let mut cursor = parent.walk();
        out.extend(
            parent
                .children(&mut cursor)
                .filter(|c| c.kind() == "decorator"),
        );
    }
    out
}

fn nest_class(class: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(name) = class.field("name") else {
        return;
    };
    let class_name = node_text(name, text).to_string();
    let controller = decorators_of(class).into_iter().find_map(|d| {
        let (callee, argument) = decorator_call(d, text)?;
        (callee == "Controller").then(|| decorator_path(argument, text))
    });
    let Some(base) = controller else {
        return;
    };
    facts.controllers.push(Controller {
        name: class_name.clone(),
        path: base,
        span: span_of(name, text),
    });
    let Some(body) = class.field("body") else {
        return;
    };
    let mut pending: Vec<Node> = Vec::new();
    let mut cursor = body.walk();
    for member in body.named_children(&mut cursor) {
        if member.kind() == "decorator" {
            pending.push(member);
            continue;
        }
        let mut own = member.walk();
        let decorators: Vec<Node> = pending
            .drain(..)
            .chain(
                member
                    .children(&mut own)
                    .filter(|c| c.kind() == "decorator"),
            )
            .collect();
        if member.kind() != "method_definition" {
            continue;
        }
        for decorator in decorators {
            let Some((callee, argument)) = decorator_call(decorator, text) else {
                continue;
            };
            if let Some((_, method)) = NEST_METHODS.iter().find(|(d, _)| *d == callee) {
                facts.endpoints.push(Endpoint {
                    method: method.to_string(),
                    path: decorator_path(argument, text),
                    receiver: format!("@{class_name}"),
                    span: span_of(decorator, text),
                });
            }
        }
    }
}

/// `@Module({ controllers: [UsersController] })`: the controllers this module registers.
/// The list may be built: `[...authControllers]`, `flag ? [A] : [A, B]`, or a name bound to
/// an array elsewhere in the file; every class name found in it counts.
///
/// A class decorator of the project's own that wraps `@Module` (`@VendurePlugin({ imports,
/// controllers, providers })` calls `Module(metadata)(target)`) counts when its object holds
/// `controllers`, as module metadata does.
fn module_decorator(root: Node, decorator: Node, text: &str, facts: &mut ModuleFacts) {
    let Some((callee, Some(options))) = decorator_call(decorator, text) else {
        return;
    };
    if options.kind() != "object" {
        return;
    }
    if callee != "Module" {
        let keys: Vec<&str> = {
            let mut cursor = options.walk();
            options
                .named_children(&mut cursor)
                .filter(|p| p.kind() == "pair")
                .filter_map(|p| p.field("key").map(|k| node_text(k, text)))
                .collect()
        };
        if !keys.contains(&"controllers") {
            return;
        }
    }
    let mut cursor = options.walk();
    for pair in options
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let is_controllers = pair
            .field("key")
            .is_some_and(|k| node_text(k, text) == "controllers");
        let Some(value) = pair.field("value").filter(|_| is_controllers) else {
            continue;
        };
        let mut names = Vec::new();
        collect_names(value, root, text, 0, &mut names);
        facts.registered_controllers.extend(names);
    }
}

/// Identifiers inside a `controllers` value, following names bound to arrays in the file.
fn collect_names(node: Node, root: Node, text: &str, depth: u32, out: &mut Vec<Controller>) {
    if depth > 4 {
        return;
    }
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" {
            let name = node_text(n, text);
            out.push(Controller {
                name: name.to_string(),
                path: String::new(),
                span: span_of(n, text),
            });
            if let Some(array) = array_bound_to(root, name, text) {
                collect_names(array, root, text, depth + 1, out);
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
}

/// The array a top-level `const name = [...]` binds.
fn array_bound_to<'t>(root: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        let declaration = if statement.kind() == "export_statement" {
            statement.field("declaration")
        } else {
            Some(statement)
        };
        let Some(declaration) = declaration.filter(|d| d.kind() == "lexical_declaration") else {
            continue;
        };
        let mut inner = declaration.walk();
        for declarator in declaration.named_children(&mut inner) {
            let named = declarator
                .field("name")
                .is_some_and(|n| node_text(n, text) == name);
            if let Some(value) = declarator
                .field("value")
                .filter(|v| named && v.kind() == "array")
            {
                return Some(value);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

    fn endpoints(dialect: Dialect, source: &str) -> Vec<String> {
        parse_module(dialect, source.as_bytes())
            .endpoints
            .iter()
            .map(|e| format!("{} {} ({})", e.method, e.path, e.receiver))
            .collect()
    }

    #[test]
    fn router_methods_chains_and_fastify_routes_are_endpoints() {
        let found = endpoints(
            Dialect::JavaScript,
            "const express = require('express');\nconst router = express.Router();\n\
             router.get('/', list);\nrouter.route('/:id').get(show).put(update);\n\
             module.exports = async function (fastify) {\n  fastify.route({ method: ['GET', 'HEAD'], url: '/health', handler });\n};\n\
             app.set('port', 3000);\napp.get('env');\n",
        );
        assert_eq!(
            found,
            vec![
                "GET / (router)",
                "GET /:id (router)",
                "PUT /:id (router)",
                "GET /health (fastify)",
                "HEAD /health (fastify)",
            ]
        );
    }

    #[test]
    fn http_clients_are_not_routers() {
        let found = endpoints(
            Dialect::JavaScript,
            "import axios from 'axios';\nconst client = axios.create();\n\
             axios.get('/api/users', { params });\nclient.post('/api/users', body);\n\
             const cache = new Map();\ncache.get('/x', 1);\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn nest_controllers_and_their_registration() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"@Controller('users')\nexport class UsersController {\n  @Get()\n  list() {}\n  @Post(':id/avatar')\n  upload() {}\n}\n\
              @Module({ controllers: [UsersController], providers: [UsersService] })\nexport class UsersModule {}\n",
        );
        let found: Vec<String> = facts
            .endpoints
            .iter()
            .map(|e| format!("{} {} ({})", e.method, e.path, e.receiver))
            .collect();
        assert_eq!(
            found,
            vec![
                "GET  (@UsersController)",
                "POST :id/avatar (@UsersController)"
            ]
        );
        assert_eq!(facts.controllers[0].path, "users");
        assert_eq!(facts.registered_controllers[0].name, "UsersController");
        let spread = parse_module(
            Dialect::TypeScript,
            b"const authenticated = [UsersController, BillingController];\n\
              @Module({ controllers: process.env.ONLY ? [] : [HealthController, ...authenticated] })\nexport class ApiModule {}\n",
        );
        let names: Vec<&str> = spread
            .registered_controllers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        for expected in ["HealthController", "UsersController", "BillingController"] {
            assert!(names.contains(&expected), "{names:?}");
        }
    }
}
