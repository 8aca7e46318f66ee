//! Files loaded by a library from a path written in a config object, not by an import:
//! ORM `entities` / `migrations` / `subscribers` / `models` globs (TypeORM, MikroORM,
//! Sequelize), knex `migrations: { directory }`, `__dirname + '/migrations/**/*.ts'`, and
//! scripts a page registers by URL (`navigator.serviceWorker.register('/sw.js')`), and the
//! route modules a React Router route config names (`route("about", "./about.tsx")`).
//!
//! Each becomes a [`DirectoryLoad`]: a glob or directory relative to the file
//! (`__dirname`-based) or to the working directory (`{cwd}/…`, how ORMs read plain strings).

use super::FieldExt;
use tree_sitter::Node;

use crate::facts::{DirectoryLoad, DirectoryLoadKind, ModuleFacts};

use super::extract::{Index, Kind, call_arguments, span_of};

/// Config keys whose values name files an ORM or migration runner loads.
const LOADER_KEYS: &[&str] = &[
    "entities",
    "entitiesTs",
    "migrations",
    "subscribers",
    "models",
    "seeds",
    "seeders",
    "factories",
];

/// Folders a server usually serves at `/`.
const STATIC_DIRS: &[&str] = &["public", "static", ""];

/// Modules that export React Router's route-config helpers (framework mode, and Remix's
/// route config before it).
const ROUTE_CONFIG_MODULES: &[&str] = &["@react-router/dev/routes", "@remix-run/route-config"];

/// The route-config helpers that name a route module, with the argument that names it:
/// `route(path, file, …)`, `index(file, …)`, `layout(file, …)`.
const ROUTE_HELPERS: &[(&str, u32)] = &[("route", 1), ("index", 0), ("layout", 0)];

/// Fills `facts.directory_loads` with config-named loaders, URL-registered scripts and the
/// route modules of a route config.
pub(super) fn extract_loaders(index: &Index, text: &str, facts: &mut ModuleFacts) {
    let helpers = route_helpers(facts);
    for (kind, node) in index.of(&[Kind::Pair, Kind::Call]) {
        match kind {
            Kind::Pair => loader_pair(node, text, facts),
            Kind::Call => {
                registered_script(node, text, facts);
                if !helpers.is_empty() {
                    route_module(node, text, &helpers, facts);
                }
            }
            _ => {}
        }
    }
}

/// The local names of the route-config helpers the file imports, with the argument each
/// names its route module by.
fn route_helpers(facts: &ModuleFacts) -> Vec<(String, u32)> {
    facts
        .imports
        .iter()
        .filter(|i| ROUTE_CONFIG_MODULES.contains(&i.specifier.as_str()))
        .flat_map(|i| &i.names)
        .filter(|n| !n.type_only)
        .filter_map(|n| {
            let (_, at) = ROUTE_HELPERS.iter().find(|(h, _)| *h == n.imported)?;
            Some((n.local.clone().unwrap_or_else(|| n.imported.clone()), *at))
        })
        .collect()
}

/// `route("about", "./about.tsx")`: the route module, as written (relative to the app
/// directory, not to the config file; `loads` resolves it there).
fn route_module(call: Node, text: &str, helpers: &[(String, u32)], facts: &mut ModuleFacts) {
    let Some(function) = call.field("function") else {
        return;
    };
    if function.kind() != "identifier" {
        return;
    }
    let name = node_text(function, text);
    let Some((_, at)) = helpers.iter().find(|(h, _)| h == name) else {
        return;
    };
    let Some(file) = call_arguments(call)
        .get(*at as usize)
        .and_then(|a| string_value(*a, text))
    else {
        return;
    };
    if file.is_empty() || file.contains("${") {
        return;
    }
    facts.directory_loads.push(DirectoryLoad {
        kind: DirectoryLoadKind::RouteModule,
        pattern: file,
        span: span_of(call, text),
    });
}

fn node_text<'a>(node: Node, text: &'a str) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

fn string_value(node: Node, text: &str) -> Option<String> {
    let raw = node_text(node, text);
    match node.kind() {
        "string" if raw.len() >= 2 => Some(raw[1..raw.len() - 1].to_string()),
        "template_string" if raw.len() >= 2 => {
            let inner = &raw[1..raw.len() - 1];
            // `${__dirname}/migrations/*.ts`
            if let Some(rest) = inner.strip_prefix("${__dirname}") {
                return Some(format!("__dirname{rest}"));
            }
            (!inner.contains("${")).then(|| inner.to_string())
        }
        _ => None,
    }
}

fn key_name(pair: Node, text: &str) -> String {
    pair.field("key")
        .map(|k| string_value(k, text).unwrap_or_else(|| node_text(k, text).to_string()))
        .unwrap_or_default()
}

/// The pattern a value names, relative to the file (`./x`) or the working directory
/// (`{cwd}/x`): a string, `__dirname + '/x'`, `` `${__dirname}/x` ``, `path.join(__dirname, 'x')`.
fn value_pattern(value: Node, text: &str) -> Option<String> {
    match value.kind() {
        "string" | "template_string" => {
            let s = string_value(value, text)?;
            if let Some(rest) = s.strip_prefix("__dirname") {
                return Some(format!(".{rest}"));
            }
            if s.is_empty() || s.contains("://") || s.starts_with('@') {
                return None;
            }
            Some(format!("{{cwd}}/{}", s.trim_start_matches("./")))
        }
        "binary_expression" => {
            let left = value.field("left")?;
            let right = value.field("right")?;
            if node_text(left, text) != "__dirname" {
                return None;
            }
            let rest = string_value(right, text)?;
            Some(format!(
                ".{}",
                if rest.starts_with('/') {
                    rest
                } else {
                    format!("/{rest}")
                }
            ))
        }
        "call_expression" => {
            let function = node_text(value.field("function")?, text);
            if !matches!(function, "path.join" | "join" | "path.resolve" | "resolve") {
                return None;
            }
            let arguments = value.field("arguments")?;
            let mut cursor = arguments.walk();
            let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
            let (first, rest) = args.split_first()?;
            let parts: Option<Vec<String>> = rest.iter().map(|a| string_value(*a, text)).collect();
            let joined = parts?.join("/");
            match node_text(*first, text) {
                "__dirname" => Some(format!("./{joined}")),
                "process.cwd()" => Some(format!("{{cwd}}/{joined}")),
                _ => {
                    let head = string_value(*first, text)?;
                    Some(format!("{{cwd}}/{head}/{joined}"))
                }
            }
        }
        _ => None,
    }
}

fn push(facts: &mut ModuleFacts, pattern: String, span: crate::facts::Span) {
    let kind = if pattern.contains('*') {
        DirectoryLoadKind::Glob
    } else {
        DirectoryLoadKind::PathReference
    };
    // Compiled output named at run time (`dist/migrations/*.js`) has its sources in `src/`.
    let mut patterns = vec![pattern.clone()];
    for out in ["{cwd}/dist/", "{cwd}/build/"] {
        if let Some(rest) = pattern.strip_prefix(out) {
            let rest = rest.replace(".js", ".ts");
            let rest = rest.trim_start_matches("src/");
            patterns.push(format!("{{cwd}}/src/{rest}"));
            patterns.push(format!("{{cwd}}/{rest}"));
        }
    }
    for pattern in patterns {
        facts.directory_loads.push(DirectoryLoad {
            kind,
            pattern,
            span,
        });
    }
}

/// `entities: [__dirname + '/entities/*.ts']`, `migrations: { directory: './db/migrations' }`.
fn loader_pair(pair: Node, text: &str, facts: &mut ModuleFacts) {
    // Cheap first: the key's source text must hold a loader key.
    let Some(key) = pair.field("key") else {
        return;
    };
    let raw = node_text(key, text);
    if !LOADER_KEYS.iter().any(|k| raw.contains(k)) {
        return;
    }
    let key = key_name(pair, text);
    if !LOADER_KEYS.contains(&key.as_str()) {
        return;
    }
    let Some(value) = pair.field("value") else {
        return;
    };
    let span = span_of(pair, text);
    let values: Vec<Node> = match value.kind() {
        "array" => {
            let mut cursor = value.walk();
            value.named_children(&mut cursor).collect()
        }
        "object" => {
            // knex: `migrations: { directory: './db/migrations' }`.
            let mut cursor = value.walk();
            value
                .named_children(&mut cursor)
                .filter(|p| p.kind() == "pair" && key_name(*p, text) == "directory")
                .filter_map(|p| p.field("value"))
                .collect()
        }
        _ => vec![value],
    };
    for value in values {
        for v in super::elements_or_self(value) {
            if let Some(pattern) = value_pattern(v, text) {
                push(facts, pattern, span);
            }
        }
    }
}

/// `navigator.serviceWorker.register('/sw.js')`, `new Worker('/worker.js')`: a script the
/// browser fetches by URL from the server's static folder.
fn registered_script(call: Node, text: &str, facts: &mut ModuleFacts) {
    let Some(function) = call.field("function") else {
        return;
    };
    if !node_text(function, text).ends_with("serviceWorker.register") {
        return;
    }
    let Some(url) = call
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .and_then(|a| string_value(a, text))
    else {
        return;
    };
    if url.contains("://") || !url.ends_with(".js") {
        return;
    }
    let span = span_of(call, text);
    let file = url.trim_start_matches('/');
    if url.starts_with('/') {
        for dir in STATIC_DIRS {
            let pattern = if dir.is_empty() {
                format!("{{cwd}}/{file}")
            } else {
                format!("{{cwd}}/{dir}/{file}")
            };
            push(facts, pattern, span);
        }
    } else {
        push(facts, format!("./{file}"), span);
    }
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

    #[test]
    fn orm_globs_knex_directories_and_service_workers_are_loaders() {
        let facts = parse_module(
            Dialect::TypeScript,
            b"new DataSource({ entities: [__dirname + '/entities/*.ts'], migrations: [`${__dirname}/migrations/**/*.ts`], subscribers: ['dist/subscribers/*.js'] });\n\
              knex({ migrations: { directory: './db/migrations' } });\n\
              navigator.serviceWorker.register('/sw.js');\n",
        );
        let patterns: Vec<&str> = facts
            .directory_loads
            .iter()
            .map(|d| d.pattern.as_str())
            .collect();
        for expected in [
            "./entities/*.ts",
            "./migrations/**/*.ts",
            "{cwd}/dist/subscribers/*.js",
            "{cwd}/src/subscribers/*.ts",
            "{cwd}/db/migrations",
            "{cwd}/public/sw.js",
        ] {
            assert!(patterns.contains(&expected), "{expected} in {patterns:?}");
        }
    }
}
