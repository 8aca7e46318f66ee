//! The optional configuration: `treeaudit.json` at the root, a `"treeaudit"` key in the root
//! `package.json`, or `--config FILE`. Its JSON Schema (`treeaudit schema`) is generated from
//! these types, so editors complete and check it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::finding::Severity;

/// Where the schema is published (the value to put in `$schema`).
pub const SCHEMA_URL: &str = "https://treeaudit.dev/schema/treeaudit.schema.json";

/// `treeaudit.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "treeaudit configuration")]
pub struct Config {
    /// The JSON Schema this file follows (editors use it for completion).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Entry files (root-relative), in addition to the ones treeaudit detects.
    #[serde(default)]
    pub entries: Vec<String>,
    /// Globs of root-relative files never analysed or reported (imports of them still resolve).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Globs of route files (for `unmounted-route` and `treeaudit routes`).
    #[serde(default)]
    pub routes: Vec<String>,
    /// Environment variable sources.
    #[serde(default)]
    pub env: EnvConfig,
    /// Severity per rule: `"off"`, `"info"`, `"warning"` (or `"warn"`), `"error"`.
    #[serde(default)]
    #[schemars(schema_with = "rules_schema")]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Settings per workspace package, keyed by the package folder (root-relative).
    #[serde(default)]
    pub paths: BTreeMap<String, PackageConfig>,
}

/// Environment variable sources beyond the ones treeaudit finds by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// Extra declaration files (root-relative), e.g. `deploy/prod.env`.
    #[serde(default)]
    pub files: Vec<String>,
    /// Platforms that inject variables themselves, e.g. `vercel`, `railway`, `fly`, `heroku`.
    #[serde(default)]
    #[schemars(schema_with = "platforms_schema")]
    pub platforms: Vec<String>,
}

/// Settings for one workspace package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Entry files, relative to the package folder.
    #[serde(default)]
    pub entries: Vec<String>,
    /// Globs of files to ignore, relative to the package folder.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Globs of route files, relative to the package folder.
    #[serde(default)]
    pub routes: Vec<String>,
}

/// Hosting platforms `env.platforms` accepts (each injects its own family of variables).
pub const PLATFORMS: &[&str] = &[
    "aws-lambda",
    "cloud-run",
    "fly",
    "heroku",
    "netlify",
    "railway",
    "render",
    "vercel",
];

/// The spellings a rule level accepts, in the schema and in error messages alike.
pub const RULE_LEVELS: &[&str] = &["off", "info", "warn", "warning", "error"];

/// A configured rule level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// The rule does not report.
    Off,
    /// Informational.
    Info,
    /// Warning (`"warn"` is accepted too).
    #[serde(alias = "warn")]
    Warning,
    /// Error: fails the run.
    Error,
}

impl RuleLevel {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Error => Some(Severity::Error),
        }
    }
}

// Written by hand so the schema lists `"warn"`, which serde accepts as an alias: the schema and
// the validator must agree on every spelling.
impl JsonSchema for RuleLevel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleLevel".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A rule's severity: `off`, `info`, `warn` (or `warning`), `error`.",
            "type": "string",
            "enum": RULE_LEVELS,
        })
    }
}

fn platforms_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "items": { "type": "string", "enum": PLATFORMS },
    })
}

/// Lists every rule as a property so editors complete rule names.
fn rules_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let level = generator.subschema_for::<RuleLevel>();
    let mut properties = serde_json::Map::new();
    for rule in crate::checks::RULES {
        let mut schema = level.clone();
        schema.insert(
            "description".to_string(),
            serde_json::Value::String(format!(
                "{} (default: {})",
                rule.summary,
                rule.default_severity.as_str()
            )),
        );
        properties.insert(rule.name.to_string(), schema.into());
    }
    schemars::json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// Where a configuration came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// No configuration file: defaults.
    Defaults,
    /// A `treeaudit.json` or `--config` file.
    File(PathBuf),
    /// The `"treeaudit"` key of a `package.json`.
    PackageJson(PathBuf),
}

impl Config {
    /// Finds and reads the configuration for `root`: `explicit` (from `--config`) when given,
    /// else `root/treeaudit.json`, else the `"treeaudit"` key of `root/package.json`.
    pub fn discover(root: &Path, explicit: Option<&Path>) -> Result<(Config, ConfigSource)> {
        use crate::discover::{MAX_MANIFEST_BYTES, read_in_tree, read_regular_file};
        let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
        if let Some(path) = explicit {
            let bytes =
                read_regular_file(path, MAX_MANIFEST_BYTES).map_err(|e| Error::io(path, e))?;
            return Ok((
                parse(path, &text(bytes))?,
                ConfigSource::File(path.to_path_buf()),
            ));
        }
        // Files found in the tree are read only if they really are in it (not links out).
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let file = root.join("treeaudit.json");
        if file.is_file() {
            let bytes = read_in_tree(&real_root, &file, MAX_MANIFEST_BYTES)
                .map_err(|e| Error::io(&file, e))?;
            return Ok((parse(&file, &text(bytes))?, ConfigSource::File(file)));
        }
        let manifest = root.join("package.json");
        if let Ok(bytes) = read_in_tree(&real_root, &manifest, MAX_MANIFEST_BYTES) {
            let text = text(bytes);
            // A malformed package.json is the manifest checks' business, not a config error.
            if let Ok(serde_json::Value::Object(mut fields)) =
                serde_json::from_str::<serde_json::Value>(&text)
                && let Some(value) = fields.remove("treeaudit")
            {
                let config = from_value(&manifest, "treeaudit.", value)?;
                return Ok((config, ConfigSource::PackageJson(manifest)));
            }
        }
        Ok((Config::default(), ConfigSource::Defaults))
    }

    /// The JSON Schema of the configuration file, pretty-printed.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Config);
        crate::report::json::render(&schema)
    }

    /// Checks what serde cannot: rule names exist, globs compile.
    fn validate(&self, file: &Path, prefix: &str) -> Result<()> {
        let error = |key: String, what: String| {
            Error::Usage(format!("{}: `{prefix}{key}`: {what}", file.display()))
        };
        for name in self.rules.keys() {
            if crate::checks::rule(name).is_none() {
                let suggestion = crate::checks::RULES
                    .iter()
                    .map(|r| (strsim::jaro_winkler(name, r.name), r.name))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, n)| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(error(
                    format!("rules.{name}"),
                    format!("unknown rule{suggestion}; `treeaudit rules` lists them"),
                ));
            }
        }
        for (i, platform) in self.env.platforms.iter().enumerate() {
            if !PLATFORMS.contains(&platform.as_str()) {
                return Err(error(
                    format!("env.platforms[{i}]"),
                    format!(
                        "unknown platform `{platform}`; allowed: {}",
                        PLATFORMS.join(", ")
                    ),
                ));
            }
        }
        let globs = [("ignore", &self.ignore), ("routes", &self.routes)];
        for (key, list) in globs {
            for (i, glob) in list.iter().enumerate() {
                globset::Glob::new(glob)
                    .map_err(|e| error(format!("{key}[{i}]"), format!("bad glob: {e}")))?;
            }
        }
        for (dir, package) in &self.paths {
            for (key, list) in [("ignore", &package.ignore), ("routes", &package.routes)] {
                for (i, glob) in list.iter().enumerate() {
                    globset::Glob::new(glob).map_err(|e| {
                        error(format!("paths.{dir}.{key}[{i}]"), format!("bad glob: {e}"))
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Every ignore glob as root-relative patterns (package globs are prefixed by their folder).
    pub fn ignore_globs(&self) -> Vec<String> {
        let mut globs = self.ignore.clone();
        for (dir, package) in &self.paths {
            let dir = dir.trim_end_matches('/');
            globs.extend(package.ignore.iter().map(|g| format!("{dir}/{g}")));
        }
        globs
    }

    /// The configured severity of a rule: `Some(None)` when it is off, `None` when unset.
    pub fn rule_level(&self, rule: &str) -> Option<Option<Severity>> {
        self.rules.get(rule).map(|level| level.severity())
    }
}

/// Parses configuration text; errors name the file and the key (`rules.import-cycle`).
/// Comments and trailing commas are allowed, as in tsconfig.json.
pub fn parse(file: &Path, text: &str) -> Result<Config> {
    let value = jsonc_parser::parse_to_serde_value(text, &crate::resolve::jsonc_options())
        .map_err(|e| Error::Usage(format!("{}: invalid JSON: {e}", file.display())))?
        .ok_or_else(|| Error::Usage(format!("{}: empty file", file.display())))?;
    from_value(file, "", value)
}

fn from_value(file: &Path, prefix: &str, value: serde_json::Value) -> Result<Config> {
    let config: Config = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let key = if path == "." {
            prefix.trim_end_matches('.').to_string()
        } else {
            format!("{prefix}{path}")
        };
        let message = e.into_inner().to_string();
        if key.is_empty() {
            Error::Usage(format!("{}: {message}", file.display()))
        } else {
            Error::Usage(format!("{}: `{key}`: {message}", file.display()))
        }
    })?;
    config.validate(file, prefix)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        parse(Path::new("treeaudit.json"), text)
            .expect_err("must be rejected")
            .to_string()
    }

    #[test]
    fn a_full_config_parses() {
        let config = parse(
            Path::new("treeaudit.json"),
            r#"{
              "$schema": "./schema.json",
              "entries": ["src/index.js"],
              "ignore": ["legacy/**"],
              "routes": ["src/routes/*.js"],
              "env": {"files": ["deploy/prod.env"], "platforms": ["vercel"]},
              "rules": {"dev-dependency-at-runtime": "off", "case-mismatch": "warn"},
              "paths": {"packages/api": {"entries": ["server.js"], "ignore": ["gen/**"]}}
            }"#,
        )
        .expect("valid");
        assert_eq!(config.entries, ["src/index.js"]);
        assert_eq!(config.rule_level("dev-dependency-at-runtime"), Some(None));
        assert_eq!(
            config.rule_level("case-mismatch"),
            Some(Some(Severity::Warning))
        );
        assert_eq!(config.ignore_globs(), ["legacy/**", "packages/api/gen/**"]);
    }

    #[test]
    fn unknown_top_level_key_is_named() {
        let message = error_of(r#"{"entry": ["a.js"]}"#);
        assert!(message.contains("unknown field `entry`"), "{message}");
        assert!(message.starts_with("treeaudit.json"), "{message}");
    }

    #[test]
    fn bad_severity_names_the_rule_key() {
        let message = error_of(r#"{"rules": {"case-mismatch": "fatal"}}"#);
        assert!(message.contains("`rules.case-mismatch`"), "{message}");
        assert!(message.contains("fatal"), "{message}");
    }

    #[test]
    fn unknown_rule_names_the_key_and_suggests() {
        let message = error_of(r#"{"rules": {"case-missmatch": "off"}}"#);
        assert!(message.contains("`rules.case-missmatch`"), "{message}");
        assert!(
            message.contains("did you mean `case-mismatch`"),
            "{message}"
        );
    }

    #[test]
    fn nested_unknown_key_is_named_with_its_path() {
        let message = error_of(r#"{"env": {"platform": ["vercel"]}}"#);
        assert!(message.contains("`env.platform`"), "{message}");
        assert!(message.contains("unknown field `platform`"), "{message}");
    }

    #[test]
    fn bad_glob_is_named_with_its_index() {
        let message = error_of(r#"{"ignore": ["ok/**", "bad/[**"]}"#);
        assert!(message.contains("`ignore[1]`"), "{message}");
    }

    #[test]
    fn schema_lists_every_rule() {
        let schema: serde_json::Value =
            serde_json::from_str(&Config::json_schema()).expect("schema is JSON");
        let rules = &schema["properties"]["rules"]["properties"];
        for rule in crate::checks::RULES {
            assert!(rules.get(rule.name).is_some(), "{} missing", rule.name);
        }
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn comments_and_trailing_commas_are_accepted() {
        let config = parse(
            Path::new("treeaudit.json"),
            "{\n  // generated clients are not ours\n  \"ignore\": [\"gen/**\",],\n  /* legacy */ \"rules\": {\"import-cycle\": \"warn\",},\n}\n",
        )
        .expect("jsonc is valid");
        assert_eq!(config.ignore, ["gen/**"]);
        assert_eq!(
            config.rule_level("import-cycle"),
            Some(Some(Severity::Warning))
        );
    }

    #[test]
    fn unknown_platform_names_the_allowed_ones() {
        let message = error_of(r#"{"env": {"platforms": ["vercel", "herokku"]}}"#);
        assert!(message.contains("`env.platforms[1]`"), "{message}");
        assert!(message.contains("unknown platform `herokku`"), "{message}");
        assert!(message.contains("heroku"), "{message}");
    }

    #[test]
    fn unknown_severity_names_the_allowed_ones() {
        let message = error_of(r#"{"rules": {"case-mismatch": "fatal"}}"#);
        for level in ["off", "info", "warning", "error"] {
            assert!(message.contains(&format!("`{level}`")), "{message}");
        }
    }

    #[test]
    fn schema_and_validator_agree_on_every_level_and_platform() {
        let schema: serde_json::Value =
            serde_json::from_str(&Config::json_schema()).expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        for level in RULE_LEVELS {
            let text = format!(r#"{{"rules": {{"import-cycle": "{level}"}}}}"#);
            let value: serde_json::Value = serde_json::from_str(&text).expect("json");
            assert!(validator.is_valid(&value), "schema rejects {level}");
            parse(Path::new("t.json"), &text).expect("validator accepts it");
        }
        for platform in PLATFORMS {
            let text = format!(r#"{{"env": {{"platforms": ["{platform}"]}}}}"#);
            let value: serde_json::Value = serde_json::from_str(&text).expect("json");
            assert!(validator.is_valid(&value), "schema rejects {platform}");
            parse(Path::new("t.json"), &text).expect("validator accepts it");
        }
        for bad in [
            r#"{"rules": {"import-cycle": "fatal"}}"#,
            r#"{"env": {"platforms": ["herokku"]}}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(bad).expect("json");
            assert!(!validator.is_valid(&value), "schema accepts {bad}");
            assert!(
                parse(Path::new("t.json"), bad).is_err(),
                "validator accepts {bad}"
            );
        }
    }
}
