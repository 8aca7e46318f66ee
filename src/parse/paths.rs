//! Path expressions: evaluated paths, path strings and computed imports that keep a
//! literal directory (reachability of files loaded by path).

use super::FieldExt;
use tree_sitter::Node;

use super::extract::{call_arguments, find_declaration, literal_string, node_text, span_of};
use crate::facts::{DirectoryLoad, DirectoryLoadKind, ModuleFacts};

/// Evaluates a path expression relative to the file's directory: literals, `__dirname`,
/// `path.join`/`resolve`, `new URL(x, import.meta.url)`, `process.cwd()` (as `{cwd}`), and
/// a `const` defined in the file. `None` when it depends on anything else.
pub(super) fn evaluate_path(node: Node, text: &str, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match node.kind() {
        "string" => literal_string(node, text),
        "template_string" => {
            // `${dir}/worker.js`: each substitution must evaluate to a path itself.
            let inner_start = node.start_byte() + 1;
            let inner_end = node.end_byte().saturating_sub(1).max(inner_start);
            let mut out = String::new();
            let mut at = inner_start;
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "template_substitution" {
                    out.push_str(text.get(at..child.start_byte())?);
                    let value = child.named_child(0)?;
                    out.push_str(&evaluate_path(value, text, depth + 1)?);
                    at = child.end_byte();
                }
            }
            out.push_str(text.get(at..inner_end)?);
            Some(out)
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
            let function = node_text(node.field("function")?, text);
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

/// `path.join(__dirname, 'helpers')`: a directory named relative to the file, usually handed
/// to a loader elsewhere (`registry.registerDir(dir)`); its files count as loaded.
pub(super) fn path_reference(node: Node, text: &str, facts: &mut ModuleFacts) {
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

/// The literal path strings among the arguments of `path.join`/`resolve` or a copy call
/// (`fs.copy(path.join(PKG_ROOT, "template/base"), dest)`): relative paths made of plain
/// name characters, as written, each once.
pub(super) fn path_literals(node: Node, text: &str, facts: &mut ModuleFacts) {
    for argument in call_arguments(node) {
        let Some(value) = literal_string(argument, text) else {
            continue;
        };
        let plain = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '@'));
        if !plain
            || value.len() > 200
            || value.starts_with('/')
            || !value.chars().any(|c| c.is_ascii_alphabetic())
            || facts.path_literals.contains(&value)
        {
            continue;
        }
        facts.path_literals.push(value);
    }
}

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
                .field("operator")
                .is_some_and(|o| node_text(o, text) == "+") =>
        {
            let part = |field: &'static str| {
                node.field(field)
                    .map_or_else(|| "*".to_string(), |n| wild_path(n, text, depth + 1))
            };
            format!("{}{}", part("left"), part("right"))
        }
        "parenthesized_expression" => node
            .named_child(0)
            .map_or_else(|| "*".to_string(), |n| wild_path(n, text, depth + 1)),
        "call_expression" => {
            let function = node.field("function").map_or("", |f| node_text(f, text));
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
pub(super) fn computed_import(argument: Node, text: &str, facts: &mut ModuleFacts) {
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

/// Source and data extensions a path string may end with.
const PATH_EXTENSIONS: &[&str] = &[
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".json",
];

/// A string literal that looks like a relative path to a file or directory.
pub(super) fn path_string(node: Node, text: &str, facts: &mut ModuleFacts) {
    let raw = node_text(node, text);
    if raw.len() < 4 || raw.len() > 200 {
        return;
    }
    let Some(value) = literal_string(node, text) else {
        return;
    };
    // Jest's `<rootDir>/jest.transform.cjs`: the folder of the config that names it.
    let value = match value.strip_prefix("<rootDir>/") {
        Some(rest) => rest.to_string(),
        None => value,
    };
    let looks_like_path = !value.is_empty()
        && !value.starts_with(['/', '@', '#', '~'])
        && !value.contains("://")
        && !value.contains(char::is_whitespace)
        && !value.contains(['*', '$', '{', '?', ':', '<', '>', '|', '"', '\\', ','])
        && (value.contains('/') || PATH_EXTENSIONS.iter().any(|e| value.ends_with(e)));
    if !looks_like_path {
        return;
    }
    // Import specifiers (static, `require()`, `import()`) are imports already. Asked last:
    // finding a parent costs the node's depth, and a hostile file nests strings 40k deep.
    if let Some(parent) = node.parent() {
        if matches!(
            parent.kind(),
            "import_statement" | "export_statement" | "import_require_clause"
        ) {
            return;
        }
        if parent.kind() == "arguments"
            && let Some(call) = parent.parent()
            && let Some(function) = call.field("function")
            && matches!(
                node_text(function, text),
                "require" | "import" | "require.resolve"
            )
        {
            return;
        }
    }
    facts.path_strings.push(crate::facts::PathString {
        value,
        line: node.start_position().row as u32 + 1,
    });
}

/// A template literal that evaluates to a path relative to the file (`` `${dir}/x.js` ``
/// with `const dir = fileURLToPath(new URL('.', import.meta.url))`): a path string, as
/// `fork()` or `new Worker()` would be handed.
pub(super) fn path_template(node: Node, text: &str, facts: &mut ModuleFacts) {
    let raw = node_text(node, text);
    let names_a_file = raw
        .strip_suffix('`')
        .is_some_and(|r| PATH_EXTENSIONS.iter().any(|e| r.ends_with(e)));
    if !names_a_file || !raw.contains("${") || raw.len() > 300 {
        return;
    }
    let Some(value) = evaluate_path(node, text, 0) else {
        return;
    };
    let value = value.replace("//", "/");
    let value = value.trim_start_matches("./");
    let has_extension = PATH_EXTENSIONS.iter().any(|e| value.ends_with(e));
    if value.starts_with(['/', '{']) || !has_extension || value.contains(char::is_whitespace) {
        return;
    }
    facts.path_strings.push(crate::facts::PathString {
        value: value.to_string(),
        line: node.start_position().row as u32 + 1,
    });
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
