//! Scaffold templates: directories of a package that hold a project of their own, which the
//! package ships as files (a `cp -r` in its build) for a CLI to write into the projects it
//! creates (`novu init`, `create-*-app`). Their package imports name the dependencies of the
//! project created, which declares them in a `package.json` the CLI writes: they are not
//! the package's.
//!
//! All three signals are required, so code the package runs is never taken for a template:
//! the directory is copied by a script, the package's tsconfig excludes it (its TypeScript
//! is not compiled as the package's), and it holds a tsconfig or jsconfig of its own with no
//! `package.json` (the nested project's root, whose manifest the CLI writes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::copies::Copies;
use crate::manifest::Manifests;

/// One template directory and the evidence that it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldTemplate {
    /// The copied directory (absolute).
    pub dir: PathBuf,
    /// Why it is a template, for messages (root-relative paths).
    pub evidence: String,
}

/// Every scaffold template of the tree.
#[derive(Debug, Default)]
pub struct ScaffoldTemplates {
    /// Sorted by directory; none inside another.
    pub templates: Vec<ScaffoldTemplate>,
}

impl ScaffoldTemplates {
    /// Finds the copied directories that the copying package's tsconfig excludes and that
    /// hold a project config of their own. `files` are every file of the tree, `tsconfigs` its
    /// tsconfigs and jsconfigs.
    pub fn load(
        root: &Path,
        files: &[PathBuf],
        tsconfigs: &[PathBuf],
        manifests: &Manifests,
        copies: &Copies,
    ) -> ScaffoldTemplates {
        let mut found: BTreeMap<PathBuf, String> = BTreeMap::new();
        for copy in &copies.copies {
            let dir = &copy.source;
            if found.contains_key(dir) {
                continue;
            }
            let Some(package) = dir.parent().and_then(|d| manifests.nearest(d, root)) else {
                continue;
            };
            let Some(package_dir) = package.path.parent() else {
                continue;
            };
            // A nested `package.json` already declares the template's dependencies.
            if manifests.nearest(dir, root).map(|m| &m.path) != Some(&package.path) {
                continue;
            }
            let Some(project_config) = files.iter().chain(tsconfigs).find(|f| {
                f.starts_with(dir)
                    && f.file_name()
                        .is_some_and(|n| n == "tsconfig.json" || n == "jsconfig.json")
            }) else {
                continue;
            };
            let Some((tsconfig, pattern)) = tsconfigs
                .iter()
                .filter(|t| t.parent() == Some(package_dir))
                .find_map(|t| {
                    let text = crate::access::read_to_string(t).ok()?;
                    let value = super::tsconfig::parse_jsonc(&text).ok()?;
                    excluding_pattern(package_dir, &value, dir).map(|p| (t, p))
                })
            else {
                continue;
            };
            let rel = |p: &Path| crate::discover::relative(root, p);
            found.insert(
                dir.clone(),
                format!(
                    "{} copies it as files (to `{}`), {} excludes it (`{}`) and it holds a \
                     project of its own (`{}`)",
                    copy.by,
                    rel(&copy.dest),
                    rel(tsconfig),
                    pattern,
                    rel(project_config)
                ),
            );
        }
        let mut templates: Vec<ScaffoldTemplate> = Vec::new();
        for (dir, evidence) in found {
            if templates.iter().any(|t| dir.starts_with(&t.dir)) {
                continue;
            }
            templates.push(ScaffoldTemplate { dir, evidence });
        }
        ScaffoldTemplates { templates }
    }

    /// The template holding `file`, if any.
    pub fn containing(&self, file: &Path) -> Option<&ScaffoldTemplate> {
        self.templates.iter().find(|t| file.starts_with(&t.dir))
    }
}

/// The `exclude` pattern of a tsconfig (`value`, in directory `base`) that covers `dir` (the
/// directory or one of its ancestors below `base`), as tsc matches them: relative to the
/// tsconfig, with `*` and `**` wildcards. `exclude` inherited through `extends` is not followed.
fn excluding_pattern(base: &Path, value: &serde_json::Value, dir: &Path) -> Option<String> {
    let patterns = value.get("exclude")?.as_array()?;
    let covered: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| a.starts_with(base) && *a != base)
        .collect();
    patterns
        .iter()
        .filter_map(|p| p.as_str())
        .find_map(|pattern| {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            if trimmed.is_empty() {
                return None;
            }
            let glob = globset::GlobBuilder::new(&base.join(trimmed).to_string_lossy())
                .literal_separator(true)
                .build()
                .ok()?
                .compile_matcher();
            covered
                .iter()
                .any(|a| glob.is_match(a))
                .then(|| pattern.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_patterns_cover_a_directory_and_what_is_below_it() {
        let base = Path::new("/tree/packages/cli");
        let value = super::super::tsconfig::parse_jsonc(
            "{ // comments are allowed\n \"exclude\": [\"node_modules\", \"src/**/*.spec.ts\", \"./src/init/templates/\"] }",
        )
        .unwrap();
        let excluding = |dir: &str| excluding_pattern(base, &value, &base.join(dir));
        assert_eq!(
            excluding("src/init/templates/app"),
            Some("./src/init/templates/".into())
        );
        assert_eq!(
            excluding("src/init/templates"),
            Some("./src/init/templates/".into())
        );
        assert_eq!(excluding("src/init"), None);
        assert_eq!(excluding("scripts"), None);
        let wildcard =
            super::super::tsconfig::parse_jsonc("{\"exclude\": [\"src/**/templates\"]}").unwrap();
        assert_eq!(
            excluding_pattern(base, &wildcard, &base.join("src/a/b/templates/app")),
            Some("src/**/templates".into())
        );
    }
}
