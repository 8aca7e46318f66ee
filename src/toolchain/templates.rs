//! Scaffold templates: directories of a package that hold a project, or fragments of one,
//! which the package ships as files for a CLI to write into the projects it creates
//! (`novu init`, `create-*-app`). Their package imports name the dependencies of the project
//! created, which declares them in a `package.json` the CLI writes: they are not the
//! package's. The relative imports of a fragment (a template file without a project config of
//! its own) name siblings the CLI places beside the copy.
//!
//! The evidence, each an independent signal:
//! 1. a package script copies the directory as files (`cp -r src/templates/app* dist/`);
//! 2. the package's own code (not its tests or configs) names it in a path relative to the
//!    package root (`fs.copy(path.join(PKG_ROOT, "template/extras/…"), …)`);
//! 3. package.json `"files"` ships it;
//! 4. no tsconfig of the package compiles it (their `include` leaves it out, or `exclude`
//!    covers it; a type-aware lint tsconfig compiles nothing);
//! 5. it holds a project of its own (a tsconfig, jsconfig or `package.json` at its root or
//!    one level down, `template/base/package.json`).
//!
//! A template needs two of them, and among them: that the directory is copied or named (1 or
//! 2, the only ways it becomes a candidate); that it is a project or named in code (2 or 5: a
//! folder a build copies to run from `dist/` is neither); that it is not compiled as the
//! package's code (1, 4 or 5: a `lib/` of worker scripts a JavaScript package ships and names
//! by path is); and that it is shipped as files (1, 3 or 5: a `public/` folder a server names
//! is not). A directory a tsconfig of the package includes is the package's code, never a
//! template.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::copies::Copies;
use crate::manifest::{Manifest, Manifests};

/// One template directory and the evidence that it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaffoldTemplate {
    /// The copied directory (absolute).
    pub dir: PathBuf,
    /// Why it is a template, for messages (root-relative paths).
    pub evidence: String,
    /// Directories inside it with a `package.json` of their own: packages, checked as such.
    pub packages: Vec<PathBuf>,
    /// Directories inside it that hold a tsconfig or jsconfig: projects whose relative
    /// imports resolve where they sit.
    pub projects: Vec<PathBuf>,
}

impl ScaffoldTemplate {
    /// Whether `file` is a fragment: no project config of the template covers it, so its
    /// relative imports name what the CLI places beside its copy.
    pub fn is_fragment(&self, file: &Path) -> bool {
        !self.projects.iter().any(|p| file.starts_with(p))
    }
}

/// Every scaffold template of the tree.
#[derive(Debug, Default)]
pub struct ScaffoldTemplates {
    /// Sorted by directory; none inside another.
    pub templates: Vec<ScaffoldTemplate>,
}

/// The folders source files name, per file: the literal paths they hand to `path.join` or a
/// copy call, and the folders they check out of a clone of the repository.
#[derive(Debug, Default)]
pub struct NamedFolders {
    pub path_literals: Vec<(PathBuf, Vec<String>)>,
    pub checked_out: Vec<(PathBuf, Vec<String>)>,
}

/// What points at one candidate directory.
#[derive(Default)]
struct Signals {
    /// A script copies it, or the code checks it out of a clone of the repository: the
    /// message.
    copied: Option<String>,
    /// The package's code names it: the message.
    named: Option<String>,
}

impl ScaffoldTemplates {
    /// Finds the directories that the evidence (see the module) makes templates. `files` are
    /// every file of the tree, `tsconfigs` its tsconfigs and jsconfigs, `named` the folders
    /// each source file names.
    pub fn load(
        root: &Path,
        files: &[PathBuf],
        tsconfigs: &[PathBuf],
        manifests: &Manifests,
        copies: &Copies,
        named: &NamedFolders,
        workspace_members: &[(PathBuf, PathBuf)],
    ) -> ScaffoldTemplates {
        let rel = |p: &Path| crate::discover::relative(root, p);
        // A folder of the tree (asked of a few candidates only: building the set of every
        // file's folders cost more than the rest of this search on large trees).
        let is_tree_dir =
            |dir: &Path| dir.starts_with(root) && dir != root && crate::access::is_dir(dir);
        // The package whose template `dir` would be: the nearest manifest above it, when the
        // directory has none of its own.
        let package_of = |dir: &Path| -> Option<PathBuf> {
            let package = manifests.nearest(dir.parent()?, root)?;
            (manifests.nearest(dir, root).map(|m| &m.path) == Some(&package.path))
                .then(|| package.path.clone())
        };
        let mut candidates: BTreeMap<PathBuf, Signals> = BTreeMap::new();
        // Folders shipped as files: a script copies them, or the code the package runs checks
        // them out of a clone of its own repository (`git sparse-checkout set
        // templates/${name}`, a CLI making a project of the folder).
        let copied = copies.copies.iter().map(|copy| {
            (
                copy.source.clone(),
                format!("{} copies it as files (to `{}`)", copy.by, rel(&copy.dest)),
            )
        });
        let mut checked_out: Vec<(&PathBuf, &String)> = named
            .checked_out
            .iter()
            .filter(|(file, _)| {
                crate::file_role::file_role(&rel(file)) == crate::file_role::FileRole::Production
            })
            .flat_map(|(file, folders)| folders.iter().map(move |f| (file, f)))
            .filter(|(file, folder)| !file.starts_with(root.join(folder)))
            .collect();
        checked_out.sort();
        let checked_out = checked_out.into_iter().map(|(file, folder)| {
            (
                root.join(folder),
                format!(
                    "{} checks it out of a clone of the repository (`git sparse-checkout`)",
                    rel(file)
                ),
            )
        });
        for (dir, message) in copied.chain(checked_out) {
            if !is_tree_dir(&dir) || package_of(&dir).is_none() {
                continue;
            }
            candidates
                .entry(dir)
                .or_default()
                .copied
                .get_or_insert(message);
        }
        let mut named: Vec<(&PathBuf, &String)> = named
            .path_literals
            .iter()
            .flat_map(|(file, literals)| literals.iter().map(move |l| (file, l)))
            .collect();
        named.sort();
        for (file, literal) in named {
            let Some(package_dir) = file
                .parent()
                .and_then(|d| manifests.nearest(d, root))
                .and_then(|m| m.path.parent())
            else {
                continue;
            };
            // Only the code the package runs copies templates: not its tests or configs.
            if crate::file_role::file_role(&rel(file)) != crate::file_role::FileRole::Production {
                continue;
            }
            // A path relative to the package root (`path.join(PKG_ROOT, "template/base")`), or
            // to the file (`new URL("../templates", import.meta.url)`, `./x` and `../x`): the
            // latter must land in the package, below its root.
            let (start, rest) = if literal.starts_with("./") || literal.starts_with("../") {
                let Some(file_dir) = file.parent() else {
                    continue;
                };
                let mut at = file_dir.to_path_buf();
                let mut rest = literal.as_str();
                loop {
                    if let Some(r) = rest.strip_prefix("./") {
                        rest = r;
                    } else if let Some(r) = rest.strip_prefix("../") {
                        at.pop();
                        rest = r;
                    } else {
                        break;
                    }
                }
                if !at.starts_with(package_dir) {
                    continue;
                }
                (at, rest)
            } else if literal.starts_with('.') {
                continue;
            } else {
                (package_dir.to_path_buf(), literal.as_str())
            };
            let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            if segments.is_empty() || segments.iter().any(|s| s.starts_with('.')) {
                continue;
            }
            let mut dir = start;
            for segment in segments {
                dir.push(segment);
                if !is_tree_dir(&dir)
                    || package_of(&dir).as_deref().and_then(Path::parent) != Some(package_dir)
                {
                    break;
                }
                // A template's own files naming it are no evidence.
                if file.starts_with(&dir) {
                    continue;
                }
                candidates
                    .entry(dir.clone())
                    .or_default()
                    .named
                    .get_or_insert_with(|| format!("{} names it (`{literal}`)", rel(file)));
            }
        }
        let mut found: BTreeMap<PathBuf, String> = BTreeMap::new();
        for (dir, signals) in candidates {
            // A folder holding workspace members (`packages/`) is the workspace's own code; the
            // members of a workspace inside it (a monorepo template) are the template's.
            if workspace_members
                .iter()
                .any(|(member, workspace)| member.starts_with(&dir) && !workspace.starts_with(&dir))
            {
                continue;
            }
            if package_of(&dir).is_none() {
                continue;
            }
            let Some(package) = manifests.nearest(&dir, root) else {
                continue;
            };
            let Some(package_dir) = package.path.parent() else {
                continue;
            };
            let compiled = compiled(package_dir, tsconfigs, &dir, &rel);
            let shipped = shipped(package, package_dir, &dir);
            let shipped_signal = shipped.is_some();
            let project_files: Vec<(u8, &PathBuf)> = files
                .iter()
                .chain(tsconfigs)
                .chain(manifests.all().into_iter().map(|m| &m.path))
                // At its root or one level down (`template/base/tsconfig.json`).
                .filter(|f| {
                    f.parent()
                        .is_some_and(|p| p == dir || p.parent() == Some(dir.as_path()))
                })
                .filter_map(|f| {
                    let rank = match f.file_name()?.to_str()? {
                        "tsconfig.json" | "jsconfig.json" => 0,
                        "package.json" => 1,
                        _ => return None,
                    };
                    Some((rank, f))
                })
                .collect();
            let project_config = project_files
                .iter()
                .min()
                .map(|(_, f)| format!("it holds a project of its own (`{}`)", rel(f)));
            // A tsconfig of the package includes it: the package's own code, unless it holds
            // projects of their own (a CLI's templates type-checked in place).
            let holds_package = project_files.iter().any(|(rank, _)| *rank == 1);
            let Some(compiled) = compiled.or_else(|| holds_package.then_some(None)) else {
                continue;
            };
            let is_named = signals.named.is_some();
            let is_copied = signals.copied.is_some();
            let has_project = project_config.is_some();
            let compiled_out = compiled.is_some();
            let evidence: Vec<String> = [
                signals.copied,
                signals.named,
                shipped,
                compiled,
                project_config,
            ]
            .into_iter()
            .flatten()
            .collect();
            let is_shipped = shipped_signal;
            let enough = evidence.len() >= 2
                && (is_named || has_project)
                && (is_copied || compiled_out || has_project)
                && (is_copied || is_shipped || has_project);
            if !enough {
                continue;
            }
            found.insert(dir, join_evidence(&evidence));
        }
        let mut templates: Vec<ScaffoldTemplate> = Vec::new();
        for (dir, evidence) in found {
            if templates.iter().any(|t| dir.starts_with(&t.dir)) {
                continue;
            }
            let inside = |name: &[&str]| -> Vec<PathBuf> {
                let mut out: Vec<PathBuf> = files
                    .iter()
                    .chain(tsconfigs)
                    .filter(|f| {
                        f.starts_with(&dir)
                            && f.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| name.contains(&n))
                    })
                    .filter_map(|f| f.parent().map(Path::to_path_buf))
                    .collect();
                out.sort();
                out.dedup();
                out
            };
            let mut packages: Vec<PathBuf> = manifests
                .all()
                .into_iter()
                .filter_map(|m| m.path.parent())
                .filter(|p| p.starts_with(&dir) && *p != dir)
                .map(Path::to_path_buf)
                .collect();
            packages.sort();
            let projects = inside(&["tsconfig.json", "jsconfig.json"]);
            templates.push(ScaffoldTemplate {
                dir,
                evidence,
                packages,
                projects,
            });
        }
        ScaffoldTemplates { templates }
    }

    /// The template holding `file` inside one of its packages (`templates/defaults/app/x.tsx`
    /// with `templates/defaults/package.json`): a project the CLI completes when it creates one.
    pub fn package_holding(&self, file: &Path) -> Option<&ScaffoldTemplate> {
        self.templates
            .iter()
            .find(|t| file.starts_with(&t.dir) && t.packages.iter().any(|p| file.starts_with(p)))
    }

    /// The template holding `file`, if any (not within a package of its own inside it).
    pub fn containing(&self, file: &Path) -> Option<&ScaffoldTemplate> {
        self.templates
            .iter()
            .find(|t| file.starts_with(&t.dir) && !t.packages.iter().any(|p| file.starts_with(p)))
    }

    /// Whether `file` lies anywhere in a template, in one of its packages or not.
    pub fn holds(&self, file: &Path) -> bool {
        self.templates.iter().any(|t| file.starts_with(&t.dir))
    }
}

/// "a, b and c".
fn join_evidence(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether package.json `"files"` ships `dir`: the message.
fn shipped(package: &Manifest, package_dir: &Path, dir: &Path) -> Option<String> {
    let entries = package.json.get("files")?.as_array()?;
    let inner = dir.strip_prefix(package_dir).ok()?;
    entries.iter().filter_map(|e| e.as_str()).find_map(|entry| {
        let trimmed = entry.trim_start_matches("./").trim_end_matches('/');
        if trimmed.is_empty() || trimmed.starts_with('!') {
            return None;
        }
        let glob = globset::GlobBuilder::new(trimmed)
            .literal_separator(true)
            .build()
            .ok()?
            .compile_matcher();
        inner
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| glob.is_match(a))
            .then(|| format!("package.json `files` ships it (`{entry}`)"))
    })
}

/// Whether no tsconfig of the package (in `package_dir`) compiles `dir`: `Some(Some(message))`
/// when one excludes it or their `include` leaves it out, `Some(None)` when the package has no
/// tsconfig (no signal either way), and `None` when one includes it (or cannot be read).
fn compiled(
    package_dir: &Path,
    tsconfigs: &[PathBuf],
    dir: &Path,
    rel: &dyn Fn(&Path) -> String,
) -> Option<Option<String>> {
    let mut own: Vec<&PathBuf> = tsconfigs
        .iter()
        .filter(|t| t.parent() == Some(package_dir) && !is_lint_config(t))
        .collect();
    own.sort();
    if own.is_empty() {
        return Some(None);
    }
    let mut excluded: Option<String> = None;
    for tsconfig in &own {
        let Some(value) = crate::access::read_to_string(tsconfig)
            .ok()
            .and_then(|text| super::tsconfig::parse_jsonc(&text).ok())
        else {
            // Unreadable: it may include anything.
            return None;
        };
        if let Some(pattern) = excluding_pattern(package_dir, &value, dir) {
            excluded.get_or_insert_with(|| format!("{} excludes it (`{pattern}`)", rel(tsconfig)));
            continue;
        }
        if includes(package_dir, &value, dir) {
            return None;
        }
    }
    Some(Some(excluded.unwrap_or_else(|| {
        let names: Vec<String> = own.iter().map(|t| rel(t)).collect();
        format!(
            "no tsconfig of the package includes it ({})",
            names.join(", ")
        )
    })))
}

/// A tsconfig for type-aware linting (`tsconfig.eslint.json`, `tsconfig.lint.json`): it lists
/// every file the linter reads, templates included, and compiles nothing.
fn is_lint_config(tsconfig: &Path) -> bool {
    tsconfig
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".eslint.json") || n.ends_with(".lint.json"))
}

/// Whether a tsconfig (`value`, in directory `base`) may include files of `dir`: a pattern of
/// its `include` (`**/*` when absent and there is no `files`) reaching into it, or a file of
/// `files` inside it. Inherited `include` is not followed, so one that `extends` another
/// without its own is taken to include everything.
fn includes(base: &Path, value: &serde_json::Value, dir: &Path) -> bool {
    let listed = |key: &str| -> Option<Vec<String>> {
        Some(
            value
                .get(key)?
                .as_array()?
                .iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect(),
        )
    };
    let files = listed("files").unwrap_or_default();
    if files
        .iter()
        .any(|f| base.join(f.trim_start_matches("./")).starts_with(dir))
    {
        return true;
    }
    let patterns = match listed("include") {
        Some(patterns) => patterns,
        None if value.get("files").is_some() => Vec::new(),
        None => vec!["**/*".to_string()],
    };
    patterns.iter().any(|pattern| {
        // The literal directories before the first wildcard.
        let mut prefix = base.to_path_buf();
        for segment in pattern.trim_start_matches("./").split('/') {
            if segment.contains(['*', '?', '[', '{']) {
                break;
            }
            if segment.is_empty() || segment == "." {
                continue;
            }
            prefix.push(segment);
        }
        dir.starts_with(&prefix) || prefix.starts_with(dir)
    })
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
    fn include_patterns_reach_into_a_directory_or_leave_it_out() {
        let base = Path::new("/tree/cli");
        let parse = |text: &str| super::super::tsconfig::parse_jsonc(text).unwrap();
        let narrow = parse("{\"include\": [\"src\", \"tsup.config.ts\", \"../reset.d.ts\"]}");
        assert!(!includes(base, &narrow, &base.join("template")));
        assert!(includes(base, &narrow, &base.join("src/loaders")));
        let wide = parse("{\"include\": [\"src\", \"template/**/*.ts\"]}");
        assert!(includes(base, &wide, &base.join("template")));
        // No `include` and no `files`: everything.
        assert!(includes(base, &parse("{}"), &base.join("template")));
        assert!(!includes(
            base,
            &parse("{\"files\": [\"src/index.ts\"]}"),
            &base.join("template")
        ));
        assert!(is_lint_config(Path::new("/tree/cli/tsconfig.eslint.json")));
        assert!(!is_lint_config(Path::new("/tree/cli/tsconfig.build.json")));
    }

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
