//! Retired code: folders a project keeps in the tree but never runs. Migrations already
//! applied everywhere and moved to `migrations/archives/` by the project's own archive script
//! (without rewriting their relative imports), old versions kept for reference in `archive/`.
//!
//! Two signals name such a folder, each the project's own word:
//! 1. its name: `archive`, `archives`, `archived` or `legacy`, at any depth (code moved there
//!    to be parked, its relative imports left as they were);
//! 2. the project's dependency checker leaves it out: depcheck `ignorePatterns`/`ignoreDirs`
//!    (package.json `depcheck`, a fork's `@scope/depcheck`, or `.depcheckrc` in JSON or YAML)
//!    and knip `ignore` (package.json `knip`, `knip.json`, `.knip.json`, `knip.jsonc`).
//!
//! Neither is enough alone: only a file no entry reaches counts as retired
//! ([`crate::project::Project::retired_because`]). A folder named `archive` that the app
//! imports from is live code, and an unreachable file elsewhere may be the one someone is
//! about to mount.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::manifest::Manifests;

/// Folder names that say their files are retired.
const ARCHIVE_FOLDERS: &[&str] = &["archive", "archives", "archived", "legacy"];

/// The paths one dependency-checker configuration leaves out.
#[derive(Debug)]
struct IgnoredBy {
    /// The directory the patterns are relative to (absolute).
    dir: PathBuf,
    /// The patterns, in gitignore syntax (depcheck's own; knip's globs read the same way).
    patterns: Gitignore,
    /// Where they are written, for messages (`package.json \`depcheck.ignorePatterns\``).
    source: String,
}

impl IgnoredBy {
    /// The patterns (gitignore syntax) relative to `dir`, or `None` when none is usable. A
    /// pattern that does not parse is skipped, as the tool itself would fail on it.
    fn from_lines<'a>(
        dir: &Path,
        lines: impl IntoIterator<Item = &'a str>,
        source: String,
    ) -> Option<IgnoredBy> {
        let mut builder = GitignoreBuilder::new(dir);
        for line in lines {
            let _ = builder.add_line(None, line);
        }
        let patterns = builder.build().ok().filter(|p| !p.is_empty())?;
        Some(IgnoredBy {
            dir: dir.to_path_buf(),
            patterns,
            source,
        })
    }
}

/// Every folder the project marks as retired.
#[derive(Debug, Default)]
pub struct RetiredPaths {
    ignored: Vec<IgnoredBy>,
    /// What the project's formatter and linter are told not to read (`.prettierignore`,
    /// `.eslintignore`, oxlint's `ignorePatterns`): a file there that does not parse may be
    /// broken on purpose (a fixture a test copies into place to see the error reported).
    unparsed: Vec<IgnoredBy>,
}

impl RetiredPaths {
    /// Reads the dependency-checker configurations among the tree's files and manifests.
    pub fn load(root: &Path, files: &[PathBuf], manifests: &Manifests) -> RetiredPaths {
        let mut ignored = Vec::new();
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            let Some(object) = manifest.json.as_object() else {
                continue;
            };
            let rel = crate::discover::relative(root, &manifest.path);
            for (key, config) in object {
                let keys: &[&str] = if key == "depcheck" || key.ends_with("/depcheck") {
                    &DEPCHECK_KEYS
                } else if key == "knip" {
                    &["ignore"]
                } else {
                    continue;
                };
                ignored.extend(ignored_by(dir, config, keys, &rel, &format!("{key}.")));
            }
        }
        for file in files {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let keys: &[&str] = match name {
                ".depcheckrc" | ".depcheckrc.json" | ".depcheckrc.yml" | ".depcheckrc.yaml" => {
                    &DEPCHECK_KEYS
                }
                "knip.json" | ".knip.json" | "knip.jsonc" | ".knip.jsonc" => &["ignore"],
                _ => continue,
            };
            let (Some(dir), Ok(text)) = (file.parent(), crate::access::read_to_string(file)) else {
                continue;
            };
            let config = if name.ends_with(".json") || name.ends_with(".jsonc") {
                crate::toolchain::tsconfig::parse_jsonc(&text).ok()
            } else {
                // `.depcheckrc` is YAML or JSON; YAML reads both.
                serde_yaml_ng::from_str::<serde_json::Value>(&text).ok()
            };
            if let Some(config) = config {
                let rel = crate::discover::relative(root, file);
                ignored.extend(ignored_by(dir, &config, keys, &rel, ""));
            }
        }
        let mut unparsed = Vec::new();
        for file in files {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let (Some(dir), true) = (
                file.parent(),
                matches!(
                    name,
                    ".prettierignore" | ".eslintignore" | ".oxlintrc.json" | ".oxlintrc.jsonc"
                ),
            ) else {
                continue;
            };
            let Ok(text) = crate::access::read_to_string(file) else {
                continue;
            };
            let rel = crate::discover::relative(root, file);
            if name.starts_with(".oxlintrc") {
                if let Ok(config) = crate::toolchain::tsconfig::parse_jsonc(&text) {
                    unparsed.extend(ignored_by(dir, &config, &["ignorePatterns"], &rel, ""));
                }
                continue;
            }
            unparsed.extend(IgnoredBy::from_lines(dir, text.lines(), format!("`{rel}`")));
        }
        RetiredPaths { ignored, unparsed }
    }

    /// The formatter or linter configuration that is told not to read `file` (absolute), if
    /// one is: `` `.prettierignore` leaves out `tests/**/syntax-error.js` ``.
    pub fn unparsed_reason(&self, file: &Path) -> Option<String> {
        self.unparsed.iter().find_map(|by| {
            if !file.starts_with(&by.dir) {
                return None;
            }
            match by.patterns.matched_path_or_any_parents(file, false) {
                ignore::Match::Ignore(glob) => {
                    Some(format!("{} leaves out `{}`", by.source, glob.original()))
                }
                _ => None,
            }
        })
    }

    /// Why `file` (absolute, below `root`) sits in a retired folder: the configuration that
    /// leaves it out, or the archive folder it is in. Says nothing of whether anything runs it.
    pub fn reason(&self, root: &Path, file: &Path) -> Option<String> {
        for by in &self.ignored {
            if !file.starts_with(&by.dir) {
                continue;
            }
            if let ignore::Match::Ignore(glob) =
                by.patterns.matched_path_or_any_parents(file, false)
            {
                return Some(format!("{} leaves out `{}`", by.source, glob.original()));
            }
        }
        let rel = crate::discover::relative(root, file);
        let (folders, _) = rel.rsplit_once('/')?;
        let mut path = String::new();
        for folder in folders.split('/') {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(folder);
            if ARCHIVE_FOLDERS
                .iter()
                .any(|a| a.eq_ignore_ascii_case(folder))
            {
                let kind = if folder.eq_ignore_ascii_case("legacy") {
                    "legacy"
                } else {
                    "archive"
                };
                return Some(format!("it sits in the {kind} folder `{path}/`"));
            }
        }
        None
    }
}

/// depcheck's keys for paths it skips (`ignoreDirs` is the older spelling), camel-case as in
/// package.json and `.depcheckrc`, kebab-case as on its command line.
const DEPCHECK_KEYS: [&str; 4] = [
    "ignorePatterns",
    "ignoreDirs",
    "ignore-patterns",
    "ignore-dirs",
];

/// One [`IgnoredBy`] per key of `config` that lists patterns (a string or an array of them).
/// `prefix` is the path of `config` inside `file` (`depcheck.` in package.json).
fn ignored_by(
    dir: &Path,
    config: &serde_json::Value,
    keys: &[&str],
    file: &str,
    prefix: &str,
) -> Vec<IgnoredBy> {
    let mut out = Vec::new();
    for key in keys {
        let patterns: Vec<&str> = match config.get(key) {
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|i| i.as_str()).collect()
            }
            _ => continue,
        };
        out.extend(IgnoredBy::from_lines(
            dir,
            patterns,
            format!("{file} `{prefix}{key}`"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retired(files: &[(&str, &str)], probe: &str) -> Option<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut paths = Vec::new();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
            paths.push(path);
        }
        let manifests = Manifests::load(
            &paths
                .iter()
                .filter(|p| p.ends_with("package.json"))
                .cloned()
                .collect::<Vec<_>>(),
        );
        RetiredPaths::load(dir.path(), &paths, &manifests)
            .reason(dir.path(), &dir.path().join(probe))
    }

    #[test]
    fn archive_folders_and_paths_a_dependency_checker_leaves_out_are_retired() {
        let manifest = (
            "package.json",
            r#"{ "name": "api", "@acme/depcheck": { "ignoreDirs": ["dist", "migrations/old"] } }"#,
        );
        assert_eq!(
            retired(&[manifest], "migrations/old/2020-split-fees.js").as_deref(),
            Some("package.json `@acme/depcheck.ignoreDirs` leaves out `migrations/old`")
        );
        assert_eq!(
            retired(&[manifest], "migrations/archives/2020-split-fees.js").as_deref(),
            Some("it sits in the archive folder `migrations/archives/`")
        );
        assert_eq!(retired(&[manifest], "migrations/2024-add-index.js"), None);
        assert_eq!(
            retired(&[manifest], "legacy/server/worker.ts").as_deref(),
            Some("it sits in the legacy folder `legacy/`")
        );
        // `archive.js`, a file and not a folder, is live code with an unlucky name.
        assert_eq!(retired(&[manifest], "src/archive.js"), None);
        let rc = (
            ".depcheckrc",
            "ignores: [eslint]\nignore-patterns:\n  - legacy/\n",
        );
        assert_eq!(
            retired(&[rc], "legacy/report.js").as_deref(),
            Some(".depcheckrc `ignore-patterns` leaves out `legacy/`")
        );
        let knip = ("knip.json", r#"{ "ignore": ["scripts/retired/**"] }"#);
        assert!(retired(&[knip], "scripts/retired/backfill.ts").is_some());
        assert_eq!(retired(&[knip], "scripts/seed.ts"), None);
    }
}
