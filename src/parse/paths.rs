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
/// to a loader elsewhere (`registry.registerDir(dir)`); its files count as loaded — unless the
/// path is where a build tool writes (see [`is_output_path`]). `ancestors` are the call's.
pub(super) fn path_reference(node: Node, ancestors: &[Node], text: &str, facts: &mut ModuleFacts) {
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
    let kind = if is_output_path(node, ancestors, text) {
        DirectoryLoadKind::OutputPath
    } else {
        DirectoryLoadKind::PathReference
    };
    facts.directory_loads.push(DirectoryLoad {
        kind,
        pattern,
        span: span_of(node, text),
    });
}

/// Whether the path expression `node` is where a build tool writes: the value of an output
/// option (esbuild `outdir`/`outfile`, Vite/tsc `outDir`, webpack `output: { path }`, rollup
/// `output: { dir }`) or of a variable or property named like one (`const outdir = dev ?
/// path.join(__dirname, 'src') : path.join(__dirname, 'build')`), through conditionals,
/// fallbacks, parentheses and `await`. A bundler writes that directory; nothing runs from it
/// because it is named there. `ancestors` are the node's, nearest last.
fn is_output_path(node: Node, ancestors: &[Node], text: &str) -> bool {
    let mut child = node;
    for (at, parent) in ancestors.iter().enumerate().rev() {
        match parent.kind() {
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => {}
            "ternary_expression" if parent.field("condition") != Some(child) => {}
            "binary_expression"
                if parent
                    .field("operator")
                    .is_some_and(|o| matches!(node_text(o, text), "||" | "??")) => {}
            "pair" if parent.field("value") == Some(child) => {
                let Some(key) = parent.field("key") else {
                    return false;
                };
                let key = literal_string(key, text).unwrap_or_else(|| node_text(key, text).into());
                return names_output(&key)
                    || (matches!(key.as_str(), "path" | "dir" | "file")
                        && in_output_object(&ancestors[..at], text));
            }
            "variable_declarator" if parent.field("value") == Some(child) => {
                return parent
                    .field("name")
                    .is_some_and(|n| n.kind() == "identifier" && names_output(node_text(n, text)));
            }
            "assignment_expression" if parent.field("right") == Some(child) => {
                let Some(left) = parent.field("left") else {
                    return false;
                };
                return match left.kind() {
                    "identifier" => names_output(node_text(left, text)),
                    "member_expression" => left.field("property").is_some_and(|p| {
                        let property = node_text(p, text);
                        names_output(property)
                            || (matches!(property, "path" | "dir" | "file")
                                && left.field("object").is_some_and(|o| {
                                    node_text(o, text)
                                        .rsplit('.')
                                        .next()
                                        .is_some_and(|last| last == "output")
                                }))
                    }),
                    _ => false,
                };
            }
            _ => return false,
        }
        child = *parent;
    }
    false
}

/// Whether the innermost of `ancestors` (nearest last) is an object literal given as `output:
/// { … }` (or one of an `output: [ … ]` array): webpack's and rollup's output options.
fn in_output_object(ancestors: &[Node], text: &str) -> bool {
    let mut outer = ancestors.iter().rev();
    if outer.next().is_none_or(|o| o.kind() != "object") {
        return false;
    }
    let mut next = outer.next();
    if next.is_some_and(|n| n.kind() == "array") {
        next = outer.next();
    }
    next.is_some_and(|pair| {
        pair.kind() == "pair"
            && pair.field("key").is_some_and(|k| {
                k.kind() == "property_identifier" && node_text(k, text) == "output"
            })
    })
}

/// An option or variable name that says where a build writes: `outdir`, `outDir`, `outfile`,
/// `outputPath`, `distDir`, `buildDir`, `dest`… (case, `_` and `-` ignored). esbuild's
/// `outbase` is not one: it names the *input* root.
fn names_output(name: &str) -> bool {
    const HEADS: &[&str] = &["output", "out", "dist", "dest", "build"];
    let folded: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if matches!(
        folded.as_str(),
        "out" | "output" | "dist" | "dest" | "destination" | "buildoutput"
    ) {
        return true;
    }
    HEADS.iter().any(|head| {
        folded.strip_prefix(head).is_some_and(|tail| {
            // `buildFile` may name a build script: only a build *directory* is output.
            matches!(tail, "dir" | "directory" | "path" | "folder")
                || (tail == "file" && *head != "build")
        })
    })
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

/// `git sparse-checkout set templates/${name}`, as an argument array (`["sparse-checkout",
/// "set", `templates/${dir}`]`) or a command string: the folder holding each path checked out
/// (`templates`), among the checked-out paths. `node` is a string or template string that
/// holds `sparse-checkout`.
pub(super) fn sparse_checkout(node: Node, text: &str, facts: &mut ModuleFacts) {
    // The text of a string or template, with what is unknown of `${…}` as `*`.
    let words =
        |n: Node| matches!(n.kind(), "string" | "template_string").then(|| wild_path(n, text, 0));
    let Some(own) = words(node) else {
        return;
    };
    let mut paths: Vec<String> = Vec::new();
    if own == "sparse-checkout" {
        // One element of an argument array: the paths follow it.
        let Some(array) = node.parent().filter(|p| p.kind() == "array") else {
            return;
        };
        let mut cursor = array.walk();
        let elements: Vec<Node> = array.named_children(&mut cursor).collect();
        let Some(at) = elements.iter().position(|e| e.id() == node.id()) else {
            return;
        };
        paths.extend(elements[at + 1..].iter().filter_map(|e| words(*e)));
    } else {
        // A command string: `git sparse-checkout set templates/*`.
        let mut tokens = own.split_whitespace();
        if tokens.by_ref().any(|t| t == "sparse-checkout") {
            paths.extend(tokens.map(str::to_string));
        }
    }
    for path in paths {
        if matches!(path.as_str(), "set" | "add" | "init") || path.starts_with('-') {
            continue;
        }
        // The literal folders before the first unknown or last segment.
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let mut segments: Vec<&str> = path.split('/').collect();
        segments.pop();
        let known: Vec<&str> = segments
            .into_iter()
            .take_while(|s| {
                !s.is_empty()
                    && *s != ".."
                    && *s != "."
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
            })
            .collect();
        if known.is_empty() {
            continue;
        }
        let folder = known.join("/");
        if !facts.checked_out_paths.contains(&folder) {
            facts.checked_out_paths.push(folder);
        }
    }
}

/// `new URL("../templates", import.meta.url)`: the relative path, as written (`./`/`../`
/// first), among the path literals: a directory the file names relative to itself.
pub(super) fn module_relative_url(node: Node, text: &str, facts: &mut ModuleFacts) {
    let args = call_arguments(node);
    let (Some(first), Some(base)) = (args.first(), args.get(1)) else {
        return;
    };
    if node_text(*base, text) != "import.meta.url" {
        return;
    }
    let Some(value) = literal_string(*first, text) else {
        return;
    };
    if (value.starts_with("./") || value.starts_with("../"))
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '@'))
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && !facts.path_literals.contains(&value)
    {
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

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::facts::DirectoryLoadKind;
    use crate::parse::parse_module;

    /// `(pattern, kind)` of every directory load of `source`.
    fn loads(source: &str) -> Vec<(String, DirectoryLoadKind)> {
        parse_module(Dialect::TypeScript, source.as_bytes())
            .directory_loads
            .into_iter()
            .map(|d| (d.pattern, d.kind))
            .collect()
    }

    #[test]
    fn a_build_output_directory_is_written_not_loaded() {
        use DirectoryLoadKind::{OutputPath, PathReference};
        let found = loads(
            "const outdir = dev ? path.join(__dirname, 'src') : (path.join(__dirname, 'build'));\n\
             esbuild.build({ outfile: path.join(__dirname, 'app', 'main.js') });\n\
             export default { output: { path: path.resolve(__dirname, 'public') }, build: { outDir: path.resolve(__dirname, 'www') } };\n\
             config.output.path = path.join(__dirname, 'static');\n\
             const distDir = process.env.OUT || path.join(__dirname, 'release');\n\
             esbuild.build({ outbase: path.join(__dirname, 'lib'), entryPoints: [path.join(__dirname, 'entry')] });\n\
             const pluginsDir = path.join(__dirname, 'plugins');\n\
             loader.registerDir(path.join(__dirname, 'jobs'));\n\
             const buildFile = path.join(__dirname, 'tasks');\n",
        );
        let expected = [
            ("./src", OutputPath),
            ("./build", OutputPath),
            ("./app/main.js", OutputPath),
            ("./public", OutputPath),
            ("./www", OutputPath),
            ("./static", OutputPath),
            ("./release", OutputPath),
            // esbuild's `outbase` and `entryPoints` are what it reads.
            ("./lib", PathReference),
            ("./entry", PathReference),
            ("./plugins", PathReference),
            ("./jobs", PathReference),
            ("./tasks", PathReference),
        ];
        let expected: Vec<(String, DirectoryLoadKind)> = expected
            .into_iter()
            .map(|(p, k)| (p.to_string(), k))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_sparse_checkout_names_the_folder_it_fetches() {
        let checked_out =
            |source: &str| parse_module(Dialect::TypeScript, source.as_bytes()).checked_out_paths;
        assert_eq!(
            checked_out(
                "await execa('git', ['-C', dir, 'sparse-checkout', 'set', `templates/${name}`]);\n"
            ),
            vec!["templates".to_string()]
        );
        assert_eq!(
            checked_out("execSync(`git sparse-checkout set examples/apps/${name} --cone`);\n"),
            vec!["examples/apps".to_string()]
        );
        // A clone of some other folder, or no folder at all: nothing named.
        assert!(checked_out("run(['sparse-checkout', 'set', name]);\n").is_empty());
        assert!(checked_out("run(['sparse-checkout', 'init']);\n").is_empty());
    }
}
