//! Reads the files that declare environment variables, as data: the dotenv family,
//! docker-compose `environment:`/`env_file:`, Dockerfile `ENV`/`ARG`, wrangler.toml `[vars]`,
//! app.yaml `env_variables`, vercel.json `env`/`build.env`.
//!
//! Values are dropped as soon as a line is parsed: nothing here stores or prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

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
}

/// One key of a dotenv file: its line and whether its value is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvKey {
    /// Variable name.
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// `KEY=` with nothing after it.
    pub empty: bool,
}

/// Whether a file name belongs to the dotenv family (`.env`, `.env.*`, `*.env`).
pub fn is_dotenv_name(name: &str) -> bool {
    // Encrypted dotenvx bundles and their key files are not declarations.
    if matches!(name, ".env.vault" | ".env.keys") {
        return false;
    }
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// Reads every declaration file discovery found.
pub fn load_declarations(root: &Path, env_files: &[PathBuf]) -> Declarations {
    let mut out = Declarations::default();
    let mut seen: Vec<PathBuf> = env_files.to_vec();
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
            Ok(dotenv_declarations(&rel, &text, &mut out.problems))
        } else if name == "Dockerfile"
            || name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile")
        {
            Ok(dockerfile_declarations(&rel, &text))
        } else if name.ends_with(".yml") || name.ends_with(".yaml") {
            if name == "app.yaml" {
                app_yaml_declarations(&rel, &text)
            } else {
                compose_declarations(root, path, &rel, &text, &mut seen, &mut out.problems)
            }
        } else if name == "wrangler.toml" {
            wrangler_declarations(&rel, &text)
        } else if name == "vercel.json" {
            vercel_declarations(&rel, &text)
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

/// Keys of a dotenv file, parsed with `dotenvy` (quotes, multi-line values, `export`).
/// Values are inspected only for emptiness and dropped.
pub fn dotenv_keys(text: &str) -> (Vec<DotenvKey>, usize) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut keys = Vec::new();
    let mut errors = 0;
    let mut after_line = 0;
    // dotenvy yields an error for a bad line and continues; a bound guards against a reader
    // that keeps failing at the end of the input.
    for item in dotenvy::from_read_iter(text.as_bytes()).take(100_000) {
        match item {
            Ok((name, value)) => {
                let line = line_of_key(text, &name, after_line).unwrap_or(after_line + 1);
                after_line = line;
                keys.push(DotenvKey {
                    name,
                    line,
                    empty: value.is_empty(),
                });
            }
            Err(dotenvy::Error::Io(_)) => {
                errors += 1;
                break;
            }
            Err(_) => errors += 1,
        }
    }
    (keys, errors)
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
            if seen.iter().any(|p| p == &env_path) || !env_path.is_file() {
                continue;
            }
            seen.push(env_path.clone());
            let env_rel = relative(root, &env_path);
            // `env_file: ../../secrets.env` may lead out of the tree: never read there.
            if let Ok(bytes) =
                crate::discover::read_in_tree(root, &env_path, crate::discover::MAX_MANIFEST_BYTES)
            {
                out.extend(dotenv_declarations(
                    &env_rel,
                    &String::from_utf8_lossy(&bytes),
                    problems,
                ));
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
