//! Paths a project generates before it builds: Prisma client `output`, GraphQL codegen
//! `generates:`, framework type generation (`./+types/…`, `./$types`), and git-ignored paths a
//! `package.json` script produces. Imports of them cannot be checked in a checkout.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::manifest::Manifests;

/// A directory (or file) the project generates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GeneratedPath {
    /// Absolute path of the generated directory or file.
    pub path: PathBuf,
    /// What generates it (`prisma generate (prisma/schema.prisma)`).
    pub generator: String,
}

/// Everything known about generated paths in one tree.
#[derive(Debug, Default)]
pub struct GeneratedPaths {
    /// Declared outputs, sorted.
    pub declared: Vec<GeneratedPath>,
    /// `.gitignore` files, deepest last.
    gitignores: Vec<(PathBuf, Gitignore)>,
}

/// Directories frameworks write their generated code into, and who writes them.
const FRAMEWORK_DIRS: &[(&str, &str)] = &[
    (".next", "Next.js (`next build`/`next dev`)"),
    (".svelte-kit", "`svelte-kit sync`"),
    (".nuxt", "Nuxt (`nuxi prepare`)"),
    (".react-router", "`react-router typegen`"),
    (".astro", "Astro (`astro sync`)"),
    (".expo", "Expo"),
    (".wrangler", "Wrangler"),
    (".wasp", "Wasp (`wasp start`/`wasp build`)"),
];

/// Directories under `node_modules/` that a generator (not the package manager) writes, and who.
const INSTALL_GENERATORS: &[(&str, &str)] = &[(
    ".prisma",
    "`prisma generate` (the default output of `prisma-client-js`)",
)];

/// The installed package directory a path through a `node_modules/` segment lies in
/// (`node_modules/.prisma/client/index.d` → `node_modules/.prisma`), and who writes it: the
/// package install, or a generator known to write there.
pub fn install_output(target: &Path) -> Option<GeneratedPath> {
    let components: Vec<_> = target.components().collect();
    let at = components
        .iter()
        .rposition(|c| c.as_os_str() == "node_modules")?;
    let first = components.get(at + 1)?.as_os_str().to_str()?;
    // `@scope/name` is one package.
    let depth = if first.starts_with('@') { 2 } else { 1 };
    if components.len() < at + 1 + depth {
        return None;
    }
    let path: PathBuf = components[..at + 1 + depth].iter().collect();
    let generator = INSTALL_GENERATORS
        .iter()
        .find(|(dir, _)| *dir == first)
        .map_or_else(
            || "the package install (`node_modules`)".to_string(),
            |(_, generator)| generator.to_string(),
        );
    Some(GeneratedPath { path, generator })
}

/// Scripts that produce files before a build, in the order they are named in messages.
const GENERATING_SCRIPTS: &[&str] = &[
    "generate",
    "codegen",
    "gen",
    "prebuild",
    "build",
    "postinstall",
    "prepare",
    "predev",
    "dev",
];

impl GeneratedPaths {
    /// Reads generator configs and `.gitignore` files among the tree's files.
    pub fn load(root: &Path, files: &[PathBuf]) -> GeneratedPaths {
        let mut declared = Vec::new();
        let mut gitignores = Vec::new();
        for file in files {
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(dir) = file.parent() else { continue };
            if name.ends_with(".prisma") {
                let Ok(text) = crate::access::read_to_string(file) else {
                    continue;
                };
                for output in prisma_outputs(&text) {
                    declared.push(GeneratedPath {
                        path: crate::resolve::normalize(&dir.join(output)),
                        generator: format!(
                            "`prisma generate` ({})",
                            crate::discover::relative(root, file)
                        ),
                    });
                }
            } else if matches!(
                name,
                ".graphqlrc.yml"
                    | ".graphqlrc.yaml"
                    | ".graphqlrc.json"
                    | "graphql.config.yml"
                    | "graphql.config.json"
            ) || (name.contains("codegen")
                && [".yml", ".yaml", ".json", ".ts", ".js", ".mjs", ".cjs"]
                    .iter()
                    .any(|ext| name.ends_with(ext)))
            {
                for output in codegen_outputs(file) {
                    declared.push(GeneratedPath {
                        path: crate::resolve::normalize(&dir.join(output)),
                        generator: format!(
                            "GraphQL codegen ({})",
                            crate::discover::relative(root, file)
                        ),
                    });
                }
            } else if name == ".gitignore" {
                let mut builder = GitignoreBuilder::new(dir);
                builder.add(file);
                if let Ok(gitignore) = builder.build() {
                    gitignores.push((dir.to_path_buf(), gitignore));
                }
            }
        }
        declared.sort();
        declared.dedup();
        gitignores.sort_by_key(|(dir, _)| dir.components().count());
        GeneratedPaths {
            declared,
            gitignores,
        }
    }

    /// What generates `target` (a path an import points at, absent from the tree), if anything:
    /// the generated directory to report it under and the generator.
    pub fn generator_of(
        &self,
        target: &Path,
        specifier: &str,
        importer_dir: &Path,
        manifests: &Manifests,
        root: &Path,
    ) -> Option<GeneratedPath> {
        // Installed packages are not generated code: a mapping into node_modules names a package.
        if target.components().any(|c| c.as_os_str() == "node_modules") {
            return None;
        }
        if let Some(found) = self
            .declared
            .iter()
            .filter(|g| target.starts_with(&g.path) || strip_ext(target) == g.path)
            .max_by_key(|g| g.path.components().count())
        {
            return Some(found.clone());
        }
        // Framework build directories: written by `next build`/`dev`, `svelte-kit sync`, ….
        if let Ok(rel) = target.strip_prefix(root)
            && let Some(dir) = rel.ancestors().find(|a| {
                a.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| FRAMEWORK_DIRS.iter().any(|(d, _)| *d == n))
            })
        {
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let by = FRAMEWORK_DIRS
                .iter()
                .find(|(d, _)| *d == name)
                .map_or("the framework", |(_, by)| by);
            return Some(GeneratedPath {
                path: root.join(dir),
                generator: by.to_string(),
            });
        }
        // `routeTree.gen.ts` (TanStack Router), `schema.generated.ts`: named as generated.
        if let Some(name) = target.file_name().and_then(|n| n.to_str())
            && !name.starts_with('.')
            && name
                .split('.')
                .skip(1)
                .any(|part| part == "gen" || part == "generated")
        {
            return Some(GeneratedPath {
                path: target.parent().unwrap_or(target).to_path_buf(),
                generator: format!("a code generator (`{name}` is named as generated)"),
            });
        }
        // Route type generation of React Router 7 and SvelteKit: `./+types/home`, `./$types`.
        if specifier.contains("/+types/") {
            return Some(GeneratedPath {
                path: target.parent().unwrap_or(target).to_path_buf(),
                generator: "`react-router typegen`".into(),
            });
        }
        let route_types = specifier.strip_suffix(".js").unwrap_or(specifier);
        if route_types.ends_with("/$types") {
            return Some(GeneratedPath {
                path: target.parent().unwrap_or(target).to_path_buf(),
                generator: "`svelte-kit sync`".into(),
            });
        }
        let (ignored_dir, ignored_name) = self.ignored_ancestor(target, root)?;
        let script = writing_script(&ignored_dir, &ignored_name, importer_dir, manifests, root)?;
        Some(GeneratedPath {
            path: ignored_dir,
            generator: format!("`npm run {script}` (the path is git-ignored)"),
        })
    }

    /// Who generates `dir`, a package directory absent from the tree that a workspace glob of
    /// `declaring_dir` names (`.wasp/out/sdk/wasp`), when the project generates it: a framework
    /// build directory on the way, a declared generator output, or a git-ignored directory on
    /// the way (with the script that writes it, when one names it). `None`: nothing says the
    /// directory is generated (a glob that is merely stale).
    pub fn generator_of_dir(
        &self,
        dir: &Path,
        declaring_dir: &Path,
        manifests: &Manifests,
        root: &Path,
    ) -> Option<String> {
        let rel = dir.strip_prefix(root).ok()?;
        if let Some(by) = rel.components().find_map(|c| {
            FRAMEWORK_DIRS
                .iter()
                .find(|(d, _)| c.as_os_str() == *d)
                .map(|(_, by)| *by)
        }) {
            return Some(by.to_string());
        }
        if let Some(found) = self
            .declared
            .iter()
            .filter(|g| dir.starts_with(&g.path))
            .max_by_key(|g| g.path.components().count())
        {
            return Some(found.generator.clone());
        }
        let mut current = root.to_path_buf();
        for component in rel.components() {
            current.push(component);
            if self.is_ignored(&current, true) {
                let name = component.as_os_str().to_str()?;
                let name = name.split('.').find(|p| !p.is_empty()).unwrap_or(name);
                let ignored = crate::discover::relative(root, &current);
                return Some(
                    match writing_script(&current, name, declaring_dir, manifests, root) {
                        Some(script) => format!("`npm run {script}` (`{ignored}` is git-ignored)"),
                        None => {
                            format!("a step this checkout has not run (`{ignored}` is git-ignored)")
                        }
                    },
                );
            }
        }
        None
    }

    /// The outermost git-ignored directory on the way from the root to `target` (or the file
    /// itself when only it is ignored), with the ignored name (for finding the
    /// script that writes it). An extension-less target is tried with the source extensions.
    fn ignored_ancestor(&self, target: &Path, root: &Path) -> Option<(PathBuf, String)> {
        if self.gitignores.is_empty() {
            return None;
        }
        let rel = target.strip_prefix(root).ok()?;
        let mut current = root.to_path_buf();
        let count = rel.components().count();
        for (i, component) in rel.components().enumerate() {
            current.push(component);
            let last = i + 1 == count;
            let mut candidates = vec![(current.clone(), !last)];
            if last {
                candidates.push((current.clone(), true));
                let name = current.to_string_lossy().into_owned();
                let stem = [".js", ".mjs", ".cjs", ".jsx"]
                    .iter()
                    .find_map(|ext| name.strip_suffix(ext))
                    .unwrap_or(&name);
                for ext in [".ts", ".tsx", ".js", ".mts", ".d.ts", ".json"] {
                    candidates.push((PathBuf::from(format!("{stem}{ext}")), false));
                }
            }
            for (candidate, is_dir) in candidates {
                if self.is_ignored(&candidate, is_dir) {
                    let name = candidate.file_name()?.to_str()?;
                    let name = name.split('.').next().unwrap_or(name).to_string();
                    return Some((candidate, name));
                }
            }
        }
        None
    }

    /// Whether the tree's `.gitignore` files ignore `path`.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut ignored = false;
        for (dir, gitignore) in &self.gitignores {
            if !path.starts_with(dir) {
                continue;
            }
            match gitignore.matched(path, is_dir) {
                ignore::Match::Ignore(_) => ignored = true,
                ignore::Match::Whitelist(_) => ignored = false,
                ignore::Match::None => {}
            }
        }
        ignored
    }
}

fn strip_ext(path: &Path) -> PathBuf {
    path.with_extension("")
}

/// The script that writes the git-ignored `ignored_dir` (named `ignored_name`): of the package
/// that owns the path (a workspace's `prisma` package), else of the importer's, the one whose
/// command names it, else the first conventional generating script.
fn writing_script(
    ignored_dir: &Path,
    ignored_name: &str,
    importer_dir: &Path,
    manifests: &Manifests,
    root: &Path,
) -> Option<String> {
    let (package_dir, scripts) = [ignored_dir, importer_dir]
        .into_iter()
        .filter_map(|dir| manifests.nearest(dir, root))
        .find_map(|m| {
            Some((
                m.path.parent()?,
                m.json.get("scripts").and_then(|s| s.as_object())?,
            ))
        })?;
    scripts
        .iter()
        .find(|(script, command)| {
            // `clean: rimraf dist styled-system` names the directory to delete it.
            let removes = script.starts_with("clean")
                || command.as_str().is_some_and(|c| {
                    let c = c.trim_start();
                    c.starts_with("rimraf") || c.starts_with("rm ") || c.starts_with("del ")
                });
            !removes && command.as_str().is_some_and(|c| c.contains(ignored_name))
        })
        .map(|(name, _)| name.clone())
        .or_else(|| {
            GENERATING_SCRIPTS
                .iter()
                .find(|s| scripts.contains_key(**s))
                .map(|s| s.to_string())
        })
        .or_else(|| {
            // `"sandbox:bundle-libraries": "node ./src/bundle-libraries.js"`, a setup step whose
            // code names the file it writes (`path.join(__dirname, 'bundle-browser-rollup.js')`)
            // and writes or copies files. Not the app's own start, dev or test runs. The
            // packages above run such steps too (a workspace root's `postinstall` that copies
            // assets into a member).
            let file_name = ignored_dir.file_name()?.to_str()?;
            std::iter::once((package_dir, scripts))
                .chain(
                    manifests
                        .ancestors(package_dir, root)
                        .filter_map(|m| {
                            Some((
                                m.path.parent()?,
                                m.json.get("scripts").and_then(|s| s.as_object())?,
                            ))
                        })
                        .filter(|(dir, _)| *dir != package_dir),
                )
                .find_map(|(package_dir, scripts)| {
                    setup_script_writing(package_dir, scripts, file_name, root)
                })
        })
}

/// The script of `scripts` (of the package in `package_dir`) that runs a setup file whose code
/// names `file_name` and writes or copies files.
fn setup_script_writing(
    package_dir: &Path,
    scripts: &serde_json::Map<String, serde_json::Value>,
    file_name: &str,
    root: &Path,
) -> Option<String> {
    scripts
        .iter()
        .filter(|(script, _)| {
            !matches!(
                script.split(':').next().unwrap_or(script),
                "start" | "dev" | "serve" | "test" | "lint" | "watch"
            )
        })
        .find(|(_, command)| {
            command.as_str().is_some_and(|c| {
                c.split_whitespace()
                    .filter(|word| {
                        [".js", ".mjs", ".cjs", ".ts", ".mts"]
                            .iter()
                            .any(|ext| word.ends_with(ext))
                    })
                    .any(|word| {
                        let file = crate::resolve::normalize(&package_dir.join(word));
                        file.starts_with(root)
                            && crate::access::read_to_string(&file).is_ok_and(|code| {
                                code.contains(file_name)
                                    && [
                                        "writeFile",
                                        "outputFile",
                                        "createWriteStream",
                                        "copyFile",
                                        "cpSync",
                                    ]
                                    .iter()
                                    .any(|w| code.contains(w))
                            })
                    })
            })
        })
        .map(|(name, _)| name.clone())
}

/// `output = "../src/generated/prisma"` of every `generator` block.
fn prisma_outputs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_generator = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("generator ") {
            in_generator = true;
        } else if line.starts_with('}') {
            in_generator = false;
        } else if in_generator
            && let Some(rest) = line.strip_prefix("output")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value = value.trim();
            if let Some(path) = value.strip_prefix('"').and_then(|v| v.split('"').next()) {
                out.push(path.to_string());
            }
        }
    }
    out
}

/// The keys of `generates:` in a GraphQL codegen config (YAML or JSON; scripts by text).
fn codegen_outputs(file: &Path) -> Vec<String> {
    let Ok(text) = crate::access::read_to_string(file) else {
        return Vec::new();
    };
    let value: Option<serde_json::Value> = if file.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()
    } else if file.extension().is_some_and(|e| e == "yml" || e == "yaml") {
        serde_yaml_ng::from_str(&text).ok()
    } else {
        // codegen.ts: the quoted keys of the `generates` object, read textually.
        let Some(start) = text.find("generates") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut depth = 0i32;
        let body = &text[start..];
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
                '\'' | '"' | '`' if depth == 1 => {
                    let rest = &body[i + 1..];
                    if let Some(end) = rest.find(c) {
                        let key = &rest[..end];
                        let after = rest[end + 1..].trim_start();
                        if after.starts_with(':') {
                            out.push(key.to_string());
                        }
                        for _ in 0..end + 1 {
                            chars.next();
                        }
                    }
                }
                _ => {}
            }
        }
        return out;
    };
    let Some(value) = value else {
        return Vec::new();
    };
    let generates = value
        .get("generates")
        .or_else(|| value.pointer("/extensions/codegen/generates"));
    generates
        .and_then(|g| g.as_object())
        .map(|g| g.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_through_node_modules_names_its_package_directory() {
        let prisma = install_output(Path::new("/t/node_modules/.prisma/client/index.d"))
            .expect("install output");
        assert_eq!(prisma.path, Path::new("/t/node_modules/.prisma"));
        assert!(prisma.generator.contains("prisma generate"));
        let scoped = install_output(Path::new("/t/a/node_modules/@acme/ui/dist/x.js"))
            .expect("install output");
        assert_eq!(scoped.path, Path::new("/t/a/node_modules/@acme/ui"));
        assert!(install_output(Path::new("/t/src/lib/x.ts")).is_none());
        assert!(install_output(Path::new("/t/node_modules")).is_none());
    }

    #[test]
    fn prisma_generator_outputs_are_read() {
        let schema = "generator client {\n  provider = \"prisma-client\"\n  output   = \"../src/generated/prisma\"\n}\n\nmodel User { id Int @id }\n";
        assert_eq!(prisma_outputs(schema), ["../src/generated/prisma"]);
    }
}
