//! Reads the files that declare environment variables, as data: the dotenv family,
//! docker-compose `environment:`/`env_file:`, Dockerfiles (`Dockerfile*`, `*.dockerfile`)
//! `ENV`/`ARG`, wrangler.toml `[vars]`, app.yaml `env_variables`, vercel.json `env`/`build.env`,
//! fly.toml `[env]`, snapcraft.yaml `environment:`, render.yaml `envVars`, Heroku app.json
//! `env`, netlify.toml `[build.environment]`/`[context.*.environment]`, Kubernetes manifests'
//! container `env:` lists, and GitHub workflow `env:` (which only the scripts the workflow runs
//! see).
//!
//! Values are dropped as soon as a line is parsed: nothing here stores or prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use super::dotenv::{DotenvKey, dotenv_keys};
use crate::discover::{Skipped, relative};

/// What kind of file declares a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclarationSource {
    /// `.env`, `.env.example`, `.env.production`, `prod.env`, …
    Dotenv,
    /// `docker-compose.yml` `environment:`.
    Compose,
    /// Dockerfile `ENV`: set at run time.
    DockerfileEnv,
    /// Dockerfile `ARG`: set at build time only.
    DockerfileArg,
    /// wrangler.toml `[vars]`.
    Wrangler,
    /// app.yaml `env_variables`.
    AppYaml,
    /// vercel.json `env` / `build.env`.
    Vercel,
    /// A key of a t3-env / envalid schema in code.
    Schema,
    /// fly.toml `[env]`.
    Fly,
    /// snapcraft.yaml `environment:` (top level or per app).
    Snapcraft,
    /// render.yaml `envVars` (services and env var groups).
    Render,
    /// Heroku app.json `env`.
    AppJson,
    /// netlify.toml `[build.environment]`, `[context.*.environment]`.
    Netlify,
    /// A Kubernetes manifest's container `env:` list.
    Kubernetes,
    /// A GitHub Actions workflow `env:`: set only for the commands that workflow runs.
    Workflow,
    /// A key of next.config's `env: {}` or of a bundler's `define` (`'import.meta.env.X'`):
    /// inlined into every bundle.
    BundlerConfig,
    /// `VAR=value cmd` / `cross-env VAR=value cmd` in a package.json script.
    PackageScript,
    /// A commented-out `# VAR=` line of a dotenv file (`.env.example`, a committed `.env`):
    /// documented as an optional setting, never loaded by dotenv.
    DotenvComment,
    /// A setting a package's README documents in a code block: `VAR=value`, `-e VAR=…`, or a
    /// key of an `"env": { "VAR": … }` object (the configuration an MCP client or a container
    /// runner passes to the program).
    Readme,
}

/// `VAR=value` assignments in package.json scripts (`cross-env VITE_APP_GIT_SHA=$SHA vite
/// build`, `NODE_OPTIONS=… next build`): the command runs with them set.
pub fn script_declarations(
    manifest_rel: &str,
    manifest_text: &str,
    scripts: &serde_json::Map<String, serde_json::Value>,
) -> Vec<Declaration> {
    let mut out = Vec::new();
    for command in scripts.values().filter_map(|c| c.as_str()) {
        for word in shell_words(command) {
            if let Some((name, _)) = word.split_once('=')
                && is_variable_name(name)
                && name.chars().any(|c| c.is_ascii_uppercase())
            {
                out.push(declaration(
                    manifest_rel,
                    manifest_text,
                    name,
                    0,
                    DeclarationSource::PackageScript,
                ));
            }
        }
    }
    out
}

/// One place that declares a variable (never its value).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Declaration {
    /// Variable name.
    pub name: String,
    /// Declaring file, relative to the root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Kind of file.
    pub source: DeclarationSource,
}

/// Every declaration in a tree, and the files that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// Sorted by name, file, line.
    pub items: Vec<Declaration>,
    /// Declaration files that could not be read or parsed (never with their contents).
    pub problems: Vec<Skipped>,
    /// Per workflow file (relative path): the shell commands its steps `run:`, with the step's
    /// `working-directory`. Workflow declarations apply only to what these commands run.
    pub workflow_runs: BTreeMap<String, Vec<WorkflowRun>>,
}

/// One `run:` of a workflow step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRun {
    /// The command text (never printed: it may hold inline values).
    pub command: String,
    /// `working-directory`, relative to the root (empty for the root).
    pub directory: String,
}

/// Whether a file name is a Dockerfile: `Dockerfile`, `Dockerfile.prod`, `Dockerfile-dev`,
/// `app.dockerfile`, `web.Dockerfile` (case-insensitive: teams spell it every way).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("dockerfile-")
        || lower.ends_with(".dockerfile")
}

/// Whether a file (root-relative, `/`-separated) declares environment variables by its name
/// or place. Heroku's `app.json` (Expo apps import theirs) and Kubernetes manifests stay data
/// files that imports may name; [`load_declarations`] reads them from there.
pub fn is_declaration_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    is_dotenv_name(name)
        || is_dockerfile_name(name)
        || ((name.starts_with("docker-compose") || name.starts_with("compose")) && yaml)
        || matches!(
            name,
            "wrangler.toml"
                | "app.yaml"
                | "vercel.json"
                | "fly.toml"
                | "snapcraft.yaml"
                | "render.yaml"
                | "netlify.toml"
        )
        || (name.starts_with("fly.") && name.ends_with(".toml"))
        || (yaml && is_workflow_path(rel))
}

/// `.github/workflows/*.yml` (at the root or in a package).
fn is_workflow_path(rel: &str) -> bool {
    let mut parts = rel.rsplit('/');
    parts.next();
    parts.next() == Some("workflows") && parts.next() == Some(".github")
}

/// YAML files that may be Kubernetes manifests: looked at by content, never by name.
fn may_be_kubernetes(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    (name.ends_with(".yml") || name.ends_with(".yaml"))
        && !name.contains("lock")
        && crate::access::metadata(path).is_ok_and(|m| m.len() < 512 * 1024)
}

/// Whether a file name belongs to the dotenv family: `.env`, `.env.*`, `*.env`, and the
/// template spellings teams use (`.env-template`, `.env_example`, `env.example`).
pub fn is_dotenv_name(name: &str) -> bool {
    // Encrypted dotenvx bundles and their key files are not declarations.
    if matches!(name, ".env.vault" | ".env.keys") || name.starts_with(".env-cmdrc") {
        return false;
    }
    name == ".env"
        || name.starts_with(".env.")
        || name.starts_with(".env-")
        || name.starts_with(".env_")
        || name.ends_with(".env")
        || matches!(
            name,
            "env.example" | "env.sample" | "env.template" | "env.local" | "env.production"
        )
}

/// Reads every declaration file discovery found, and among the data files Heroku's
/// `app.json` and the Kubernetes manifests (any YAML holding `apiVersion:`, `kind:`, `env:`).
pub fn load_declarations(
    root: &Path,
    env_files: &[PathBuf],
    data_files: &[PathBuf],
) -> Declarations {
    let mut out = Declarations::default();
    let mut seen: Vec<PathBuf> = env_files.to_vec();
    for path in data_files {
        let is_app_json = path.file_name().is_some_and(|n| n == "app.json");
        if !is_app_json && !may_be_kubernetes(path) {
            continue;
        }
        let Ok(bytes) = crate::access::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let rel = relative(root, path);
        if is_app_json {
            // Expo's app.json and other JSON named so are not Heroku manifests: no finding.
            out.items
                .extend(app_json_declarations(&rel, &text).unwrap_or_default());
        } else if text.contains("apiVersion:") && text.contains("kind:") && text.contains("env:") {
            out.items.extend(kubernetes_declarations(&rel, &text));
        }
    }
    for path in env_files {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let rel = relative(root, path);
        let text =
            match crate::discover::read_regular_file(path, crate::discover::MAX_MANIFEST_BYTES) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    out.problems.push(Skipped {
                        file: rel,
                        reason: format!(
                            "cannot read env declarations: {}",
                            crate::project::io_reason(&e)
                        ),
                    });
                    continue;
                }
            };
        let result = if is_dotenv_name(name) {
            let mut items = dotenv_declarations(&rel, &text, &mut out.problems);
            // A committed `.env` or `.env.production` often plays the template's part (the
            // only env file of the tree, optional settings left commented out for a developer
            // to switch on): its commented keys document as much as an `.env.example`'s.
            items.extend(
                super::dotenv::commented_keys(&text)
                    .into_iter()
                    .map(|k| Declaration {
                        name: k.name,
                        file: rel.clone(),
                        line: k.line,
                        source: DeclarationSource::DotenvComment,
                    }),
            );
            Ok(items)
        } else if is_dockerfile_name(name) {
            Ok(dockerfile_declarations(&rel, &text))
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            if is_workflow_path(&rel) {
                workflow_declarations(&rel, &text).map(|(items, runs)| {
                    out.workflow_runs.insert(rel.clone(), runs);
                    items
                })
            } else {
                match name {
                    "app.yaml" => app_yaml_declarations(&rel, &text),
                    "snapcraft.yaml" => snapcraft_declarations(&rel, &text),
                    "render.yaml" => render_declarations(&rel, &text),
                    _ => {
                        compose_declarations(root, path, &rel, &text, &mut seen, &mut out.problems)
                    }
                }
            }
        } else if name == "wrangler.toml" {
            wrangler_declarations(&rel, &text)
        } else if name == "vercel.json" {
            vercel_declarations(&rel, &text)
        } else if name == "netlify.toml" {
            netlify_declarations(&rel, &text)
        } else if name.starts_with("fly.") && name.ends_with(".toml") {
            fly_declarations(&rel, &text)
        } else {
            Ok(Vec::new())
        };
        match result {
            Ok(items) => out.items.extend(items),
            Err(reason) => out.problems.push(Skipped { file: rel, reason }),
        }
    }
    out.items.sort();
    out.items.dedup();
    out.problems.sort();
    out
}

/// Reads a dotenv file given on the command line (`--against`).
pub fn read_dotenv_file(path: &Path) -> crate::Result<Vec<DotenvKey>> {
    let bytes = crate::discover::read_regular_file(path, crate::discover::MAX_MANIFEST_BYTES)
        .map_err(|e| crate::Error::io(path, e))?;
    Ok(dotenv_keys(&String::from_utf8_lossy(&bytes)).0)
}

fn dotenv_declarations(rel: &str, text: &str, problems: &mut Vec<Skipped>) -> Vec<Declaration> {
    let (keys, errors) = dotenv_keys(text);
    if errors > 0 {
        // The parser's message quotes the line, which may hold a secret: say only how many.
        problems.push(Skipped {
            file: rel.to_string(),
            reason: format!(
                "{errors} line{} could not be parsed as KEY=VALUE and {} ignored",
                if errors == 1 { "" } else { "s" },
                if errors == 1 { "was" } else { "were" }
            ),
        });
    }
    keys.into_iter()
        .map(|k| Declaration {
            name: k.name,
            file: rel.to_string(),
            line: k.line,
            source: DeclarationSource::Dotenv,
        })
        .collect()
}

/// The first line after `after_line` that starts (after `export`, `- `, quotes) with `key`
/// followed by `=`, `:`, a quote, space or the end of the line.
fn line_of_key(text: &str, key: &str, after_line: u32) -> Option<u32> {
    for (i, line) in text.lines().enumerate().skip(after_line as usize) {
        let mut rest = line.trim_start();
        for prefix in ["export ", "- ", "ENV ", "ARG "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest).trim_start();
        }
        rest = rest.trim_start_matches(['"', '\'']);
        if let Some(after) = rest.strip_prefix(key)
            && (after.is_empty() || after.starts_with(['=', ':', '"', '\'', ' ', '\t']))
        {
            return Some(i as u32 + 1);
        }
    }
    None
}

fn declaration(
    rel: &str,
    text: &str,
    name: &str,
    after_line: u32,
    source: DeclarationSource,
) -> Declaration {
    Declaration {
        name: name.to_string(),
        file: rel.to_string(),
        line: line_of_key(text, name, after_line)
            .or_else(|| line_of_key(text, name, 0))
            .unwrap_or(1),
        source,
    }
}

/// `ENV A=1 B=2`, legacy `ENV A 1`, `ARG NAME[=default]`, with `\` continuations.
fn dockerfile_declarations(rel: &str, text: &str) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut instruction = String::new();
    let mut start_line = 0u32;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if instruction.is_empty() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            start_line = i as u32 + 1;
        }
        let trimmed = line.trim_end();
        if let Some(continued) = trimmed.strip_suffix('\\') {
            instruction.push_str(continued);
            instruction.push(' ');
            continue;
        }
        instruction.push_str(trimmed);
        let words = shell_words(&instruction);
        if let Some((keyword, args)) = words.split_first() {
            let source = match keyword.to_ascii_uppercase().as_str() {
                "ENV" => Some(DeclarationSource::DockerfileEnv),
                "ARG" => Some(DeclarationSource::DockerfileArg),
                _ => None,
            };
            if let Some(source) = source {
                let names: Vec<&str> = if source == DeclarationSource::DockerfileEnv
                    && !args.first().is_some_and(|a| a.contains('='))
                {
                    args.first().map(String::as_str).into_iter().collect()
                } else {
                    args.iter()
                        .map(|a| a.split('=').next().unwrap_or(""))
                        .collect()
                };
                for name in names.into_iter().filter(|n| is_variable_name(n)) {
                    out.push(declaration(rel, text, name, start_line - 1, source));
                }
            }
        }
        instruction.clear();
    }
    out
}

/// Whitespace-separated words; quotes group (their content is dropped with the value).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            (None, c) => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_yaml(text: &str) -> Result<serde_yaml_ng::Value, String> {
    let mut value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line());
        format!("not valid YAML (line {line}); env declarations not read")
    })?;
    // `<<: *defaults` is common in compose files.
    let _ = value.apply_merge();
    Ok(value)
}

/// Keys of a YAML map, or `KEY=value` / `KEY` items of a YAML list.
fn yaml_environment_names(value: &serde_yaml_ng::Value) -> Vec<String> {
    match value {
        serde_yaml_ng::Value::Mapping(map) => map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        serde_yaml_ng::Value::Sequence(items) => items
            .iter()
            .filter_map(|item| item.as_str())
            .map(|item| item.split('=').next().unwrap_or("").trim().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn compose_declarations(
    root: &Path,
    path: &Path,
    rel: &str,
    text: &str,
    seen: &mut Vec<PathBuf>,
    problems: &mut Vec<Skipped>,
) -> Result<Vec<Declaration>, String> {
    let value = parse_yaml(text)?;
    let mut out = Vec::new();
    let Some(services) = value.get("services").and_then(|s| s.as_mapping()) else {
        return Ok(out);
    };
    for (service, config) in services {
        let service_line = service
            .as_str()
            .and_then(|s| line_of_key(text, s, 0))
            .unwrap_or(0);
        if let Some(environment) = config.get("environment") {
            for name in yaml_environment_names(environment) {
                if is_variable_name(&name) {
                    out.push(declaration(
                        rel,
                        text,
                        &name,
                        service_line,
                        DeclarationSource::Compose,
                    ));
                }
            }
        }
        let env_files: Vec<String> = match config.get("env_file") {
            Some(serde_yaml_ng::Value::String(s)) => vec![s.clone()],
            Some(serde_yaml_ng::Value::Sequence(items)) => items
                .iter()
                .filter_map(|i| {
                    i.as_str()
                        .or_else(|| i.get("path").and_then(|p| p.as_str()))
                        .map(str::to_string)
                })
                .collect(),
            _ => Vec::new(),
        };
        for file in env_files {
            let Some(dir) = path.parent() else { continue };
            let env_path = dir.join(&file);
            if seen.iter().any(|p| p == &env_path) || !crate::access::is_file(&env_path) {
                continue;
            }
            seen.push(env_path.clone());
            let env_rel = relative(root, &env_path);
            // `env_file: ../../secrets.env` may lead out of the tree: never read there, and its
            // variables are then unknown (named by what the compose file says, not the target).
            match crate::discover::read_in_tree(
                root,
                &env_path,
                crate::discover::MAX_MANIFEST_BYTES,
            ) {
                Ok(bytes) => out.extend(dotenv_declarations(
                    &env_rel,
                    &String::from_utf8_lossy(&bytes),
                    problems,
                )),
                Err(e) => problems.push(Skipped {
                    file: rel.to_string(),
                    reason: format!(
                        "cannot read env declarations: env_file `{file}`: {}",
                        crate::project::io_reason(&e)
                    ),
                }),
            }
        }
    }
    Ok(out)
}

fn app_yaml_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let value = parse_yaml(text)?;
    let Some(variables) = value.get("env_variables") else {
        return Ok(Vec::new());
    };
    let start = line_of_key(text, "env_variables", 0).unwrap_or(0);
    Ok(yaml_environment_names(variables)
        .into_iter()
        .filter(|n| is_variable_name(n))
        .map(|n| declaration(rel, text, &n, start, DeclarationSource::AppYaml))
        .collect())
}

fn wrangler_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let table: toml::Table = toml::from_str(text)
        .map_err(|_| "not valid TOML; env declarations not read".to_string())?;
    let mut names: Vec<String> = Vec::new();
    let vars_of = |t: &toml::Table| -> Vec<String> {
        t.get("vars")
            .and_then(|v| v.as_table())
            .map(|v| v.keys().cloned().collect())
            .unwrap_or_default()
    };
    names.extend(vars_of(&table));
    if let Some(envs) = table.get("env").and_then(|e| e.as_table()) {
        for env in envs.values().filter_map(|e| e.as_table()) {
            names.extend(vars_of(env));
        }
    }
    let start = line_of_key(text, "[vars]", 0).unwrap_or(0);
    Ok(names
        .into_iter()
        .map(|n| declaration(rel, text, &n, start, DeclarationSource::Wrangler))
        .collect())
}

fn vercel_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON (line {}); env declarations not read",
            e.line()
        )
    })?;
    let mut names: BTreeMap<String, ()> = BTreeMap::new();
    for env in [
        value.get("env"),
        value.get("build").and_then(|b| b.get("env")),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(map) = env.as_object() {
            names.extend(map.keys().map(|k| (k.clone(), ())));
        }
    }
    Ok(names
        .into_keys()
        .map(|n| declaration(rel, text, &n, 0, DeclarationSource::Vercel))
        .collect())
}

fn parse_toml(text: &str) -> Result<toml::Table, String> {
    toml::from_str(text).map_err(|_| "not valid TOML; env declarations not read".to_string())
}

fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON (line {}); env declarations not read",
            e.line()
        )
    })
}

fn named_declarations(
    rel: &str,
    text: &str,
    names: impl IntoIterator<Item = String>,
    start: u32,
    source: DeclarationSource,
) -> Vec<Declaration> {
    names
        .into_iter()
        .filter(|n| is_variable_name(n))
        .map(|n| declaration(rel, text, &n, start, source))
        .collect()
}

/// fly.toml `[env]`: set on every machine of the app.
fn fly_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let table = parse_toml(text)?;
    let names: Vec<String> = table
        .get("env")
        .and_then(|e| e.as_table())
        .map(|e| e.keys().cloned().collect())
        .unwrap_or_default();
    let start = line_of_key(text, "[env]", 0).unwrap_or(0);
    Ok(named_declarations(
        rel,
        text,
        names,
        start,
        DeclarationSource::Fly,
    ))
}

/// netlify.toml `[build.environment]` and `[context.<name>.environment]`.
fn netlify_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let table = parse_toml(text)?;
    let environment_of = |t: Option<&toml::Value>| -> Vec<String> {
        t.and_then(|t| t.get("environment"))
            .and_then(|e| e.as_table())
            .map(|e| e.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut names = environment_of(table.get("build"));
    if let Some(contexts) = table.get("context").and_then(|c| c.as_table()) {
        for context in contexts.values() {
            names.extend(environment_of(Some(context)));
        }
    }
    Ok(named_declarations(
        rel,
        text,
        names,
        0,
        DeclarationSource::Netlify,
    ))
}

/// Heroku's app.json `env: { NAME: "value" | { description, required, value } }`. Expo's
/// app.json has no top-level `env`, so it declares nothing.
fn app_json_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let value = parse_json(text)?;
    let names: Vec<String> = value
        .get("env")
        .and_then(|e| e.as_object())
        .map(|e| e.keys().cloned().collect())
        .unwrap_or_default();
    Ok(named_declarations(
        rel,
        text,
        names,
        0,
        DeclarationSource::AppJson,
    ))
}

/// snapcraft.yaml `environment:` at the top level and under each of `apps:`.
fn snapcraft_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let value = parse_yaml(text)?;
    let mut names = Vec::new();
    if let Some(environment) = value.get("environment") {
        names.extend(yaml_environment_names(environment));
    }
    if let Some(apps) = value.get("apps").and_then(|a| a.as_mapping()) {
        for app in apps.values() {
            if let Some(environment) = app.get("environment") {
                names.extend(yaml_environment_names(environment));
            }
        }
    }
    Ok(named_declarations(
        rel,
        text,
        names,
        0,
        DeclarationSource::Snapcraft,
    ))
}

/// `envVars: [{ key: NAME, value | sync | fromDatabase … }]` lists of render.yaml's services
/// and env var groups.
fn render_declarations(rel: &str, text: &str) -> Result<Vec<Declaration>, String> {
    let value = parse_yaml(text)?;
    let mut names = Vec::new();
    for section in ["services", "envVarGroups"] {
        for item in value
            .get(section)
            .and_then(|s| s.as_sequence())
            .into_iter()
            .flatten()
        {
            for variable in item
                .get("envVars")
                .and_then(|v| v.as_sequence())
                .into_iter()
                .flatten()
            {
                if let Some(key) = variable.get("key").and_then(|k| k.as_str()) {
                    names.push(key.to_string());
                }
            }
        }
    }
    Ok(named_declarations(
        rel,
        text,
        names,
        0,
        DeclarationSource::Render,
    ))
}

/// Every `env: [{ name: NAME, value | valueFrom }]` list in a Kubernetes manifest (any
/// document of the file, at any depth: Deployments, CronJobs, Pods, Helm-free templates).
/// Files that are not valid YAML (Helm templates) are not manifests and are passed over.
fn kubernetes_declarations(rel: &str, text: &str) -> Vec<Declaration> {
    use serde::Deserialize;
    let mut names = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let Ok(value) = serde_yaml_ng::Value::deserialize(document) else {
            return Vec::new();
        };
        if value.get("apiVersion").is_none() || value.get("kind").is_none() {
            continue;
        }
        let mut stack = vec![&value];
        while let Some(node) = stack.pop() {
            match node {
                serde_yaml_ng::Value::Mapping(map) => {
                    for (key, child) in map {
                        if key.as_str() == Some("env")
                            && let Some(list) = child.as_sequence()
                        {
                            names.extend(
                                list.iter()
                                    .filter_map(|i| i.get("name").and_then(|n| n.as_str()))
                                    .map(str::to_string),
                            );
                        }
                        stack.push(child);
                    }
                }
                serde_yaml_ng::Value::Sequence(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    named_declarations(rel, text, names, 0, DeclarationSource::Kubernetes)
}

/// A GitHub workflow's `env:` (workflow, job and step level) and the commands its steps run.
fn workflow_declarations(
    rel: &str,
    text: &str,
) -> Result<(Vec<Declaration>, Vec<WorkflowRun>), String> {
    let value = parse_yaml(text)?;
    let mut names = Vec::new();
    let mut runs = Vec::new();
    let env_names = |v: &serde_yaml_ng::Value| -> Vec<String> {
        v.get("env").map(yaml_environment_names).unwrap_or_default()
    };
    names.extend(env_names(&value));
    let default_directory = |v: &serde_yaml_ng::Value| -> Option<String> {
        v.get("defaults")
            .and_then(|d| d.get("run"))
            .and_then(|r| r.get("working-directory"))
            .and_then(|w| w.as_str())
            .map(str::to_string)
    };
    let workflow_directory = default_directory(&value);
    for job in value
        .get("jobs")
        .and_then(|j| j.as_mapping())
        .into_iter()
        .flat_map(|j| j.values())
    {
        names.extend(env_names(job));
        let job_directory = default_directory(job).or_else(|| workflow_directory.clone());
        for step in job
            .get("steps")
            .and_then(|s| s.as_sequence())
            .into_iter()
            .flatten()
        {
            names.extend(env_names(step));
            if let Some(command) = step.get("run").and_then(|r| r.as_str()) {
                let directory = step
                    .get("working-directory")
                    .and_then(|w| w.as_str())
                    .map(str::to_string)
                    .or_else(|| job_directory.clone())
                    .unwrap_or_default();
                runs.push(WorkflowRun {
                    command: command.to_string(),
                    directory: directory
                        .trim_start_matches("./")
                        .trim_end_matches('/')
                        .to_string(),
                });
            }
        }
    }
    Ok((
        named_declarations(rel, text, names, 0, DeclarationSource::Workflow),
        runs,
    ))
}

/// A name a README's code block may set: upper case, with an underscore (`API_KEY`, not
/// `PATH` or a JSON key).
fn is_documented_setting(name: &str) -> bool {
    is_variable_name(name)
        && name.contains('_')
        && name.len() >= 4
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The settings a README documents inside fenced code blocks: `VAR=value` words (`export
/// VAR=…`, `docker run -e VAR=…`, a quoted `"VAR=…"` argument), and the keys of an
/// `"env": { … }` object. Only upper-case names with an underscore count, so prose and
/// ordinary JSON keys do not.
pub fn readme_declarations(rel: &str, text: &str) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut in_block = false;
    let mut in_env_object = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_block = !in_block;
            in_env_object = false;
            continue;
        }
        if !in_block {
            continue;
        }
        // `VAR=value`, `export VAR=…`, `docker run -e VAR=…`, `"VAR=…",` in an args list.
        let mut names: Vec<&str> = trimmed
            .split_whitespace()
            .filter_map(|word| word.trim_start_matches(['"', '\'']).split_once('='))
            .map(|(name, _)| name)
            .collect();
        if in_env_object {
            if trimmed.starts_with('}') {
                in_env_object = false;
            } else if let Some(rest) = trimmed.strip_prefix('"')
                && let Some((name, tail)) = rest.split_once('"')
                && tail.trim_start().starts_with(':')
            {
                names.push(name);
            }
        }
        if trimmed.starts_with("\"env\"") && trimmed.ends_with('{') {
            in_env_object = true;
        }
        for name in names.into_iter().filter(|n| is_documented_setting(n)) {
            if !out.iter().any(|d: &Declaration| d.name == name) {
                out.push(Declaration {
                    name: name.to_string(),
                    file: rel.to_string(),
                    line: i as u32 + 1,
                    source: DeclarationSource::Readme,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_keeps_empty_values_and_skips_commented_keys() {
        let (keys, errors) = dotenv_keys(
            "# Copy to .env\nPORT=3000\nREDIS_URL=\n# LEGACY_KEY=abc\nexport JWT_SECRET=\"s3cr3t\"\nPRIVATE_KEY=\"-----BEGIN\nline\n-----END\"\nAFTER=1\n",
        );
        let got: Vec<(&str, u32, bool)> = keys
            .iter()
            .map(|k| (k.name.as_str(), k.line, k.empty))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PORT", 2, false),
                ("REDIS_URL", 3, true),
                ("JWT_SECRET", 5, false),
                ("PRIVATE_KEY", 6, false),
                ("AFTER", 9, false),
            ]
        );
        assert_eq!(errors, 0);
    }

    #[test]
    fn hosting_and_ci_files_declare_names() {
        let names =
            |d: Vec<Declaration>| -> Vec<String> { d.into_iter().map(|d| d.name).collect() };
        assert_eq!(
            names(
                fly_declarations("fly.toml", "app = \"a\"\n[env]\n  LOG_FORMAT = \"json\"\n")
                    .expect("toml")
            ),
            vec!["LOG_FORMAT"]
        );
        assert_eq!(
            names(
                netlify_declarations(
                    "netlify.toml",
                    "[build.environment]\nA_FLAG = \"1\"\n[context.production.environment]\nB_URL = \"x\"\n"
                )
                .expect("toml")
            ),
            vec!["A_FLAG", "B_URL"]
        );
        assert_eq!(
            names(
                render_declarations(
                    "render.yaml",
                    "services:\n  - type: web\n    envVars:\n      - key: SESSION_SECRET\n        generateValue: true\n"
                )
                .expect("yaml")
            ),
            vec!["SESSION_SECRET"]
        );
        assert_eq!(
            names(
                app_json_declarations("app.json", r#"{"env":{"PAGER_KEY":{"required":true}}}"#)
                    .expect("json")
            ),
            vec!["PAGER_KEY"]
        );
        assert!(
            names(app_json_declarations("app.json", r#"{"expo":{"name":"x"}}"#).expect("json"))
                .is_empty()
        );
        assert_eq!(
            names(
                snapcraft_declarations(
                    "snap/snapcraft.yaml",
                    "name: x\nenvironment:\n  TOP: a\napps:\n  x:\n    environment:\n      APP_MODE: b\n"
                )
                .expect("yaml")
            ),
            vec!["TOP", "APP_MODE"]
        );
        assert_eq!(
            names(kubernetes_declarations(
                "k8s/api.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: REDIS_URL\n              value: x\n"
            )),
            vec!["REDIS_URL"]
        );
        let (items, runs) = workflow_declarations(
            ".github/workflows/ci.yml",
            "env:\n  TOP: a\njobs:\n  build:\n    env:\n      JOB: b\n    steps:\n      - run: node scripts/seed.js\n        working-directory: ./api\n        env:\n          STEP: c\n",
        )
        .expect("yaml");
        assert_eq!(names(items), vec!["TOP", "JOB", "STEP"]);
        assert_eq!(runs[0].directory, "api");
        let scripts: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"build:app":"cross-env VITE_APP_GIT_SHA=$SHA vite build","lint":"eslint --max-warnings=0 ."}"#,
        )
        .expect("json");
        assert_eq!(
            names(script_declarations("package.json", "", &scripts)),
            vec!["VITE_APP_GIT_SHA"]
        );
        assert!(is_declaration_file("docker/app.dockerfile"));
        assert!(is_declaration_file(".github/workflows/release.yml"));
        assert!(is_dotenv_name(".env-template") && !is_dotenv_name(".env-cmdrc"));
    }

    #[test]
    fn dockerfile_env_is_runtime_and_arg_is_build_time() {
        let got = dockerfile_declarations(
            "Dockerfile",
            "FROM node:22\nARG NPM_TOKEN\nENV NODE_ENV=production \\\n    APP_PORT=8080\nENV LEGACY value with spaces\n",
        );
        let got: Vec<(&str, u32, DeclarationSource)> = got
            .iter()
            .map(|d| (d.name.as_str(), d.line, d.source))
            .collect();
        assert_eq!(
            got,
            vec![
                ("NPM_TOKEN", 2, DeclarationSource::DockerfileArg),
                ("NODE_ENV", 3, DeclarationSource::DockerfileEnv),
                ("APP_PORT", 4, DeclarationSource::DockerfileEnv),
                ("LEGACY", 5, DeclarationSource::DockerfileEnv),
            ]
        );
    }

    #[test]
    fn compose_map_and_list_forms_wrangler_app_yaml_and_vercel() {
        let dir = tempfile::tempdir().expect("temp dir");
        let compose = "services:\n  api:\n    environment:\n      - SMTP_HOST=mail\n      - SMTP_PORT\n  db:\n    environment:\n      POSTGRES_PASSWORD: example\n";
        let mut seen = Vec::new();
        let mut problems = Vec::new();
        let got = compose_declarations(
            dir.path(),
            &dir.path().join("docker-compose.yml"),
            "docker-compose.yml",
            compose,
            &mut seen,
            &mut problems,
        )
        .expect("compose parses");
        let got: Vec<(&str, u32)> = got.iter().map(|d| (d.name.as_str(), d.line)).collect();
        assert_eq!(
            got,
            vec![("SMTP_HOST", 4), ("SMTP_PORT", 5), ("POSTGRES_PASSWORD", 8)]
        );

        let wrangler = wrangler_declarations(
            "wrangler.toml",
            "name = \"w\"\n[vars]\nAPI_HOST = \"x\"\n[env.staging.vars]\nSTAGING_FLAG = \"1\"\n",
        )
        .expect("toml");
        let names: Vec<&str> = wrangler.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["API_HOST", "STAGING_FLAG"]);

        let app = app_yaml_declarations(
            "app.yaml",
            "runtime: nodejs20\nenv_variables:\n  BUCKET_NAME: \"b\"\n",
        )
        .expect("yaml");
        assert_eq!((app[0].name.as_str(), app[0].line), ("BUCKET_NAME", 3));

        let vercel = vercel_declarations(
            "vercel.json",
            r#"{"env":{"API_URL":"x"},"build":{"env":{"BUILD_TOKEN":"y"}}}"#,
        )
        .expect("json");
        let names: Vec<&str> = vercel.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["API_URL", "BUILD_TOKEN"]);
    }
}
