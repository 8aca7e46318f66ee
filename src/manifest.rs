//! `package.json` files: which packages each one declares, read as data.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Where a package is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyKind {
    /// `dependencies`
    Production,
    /// `devDependencies`: absent after `npm ci --omit=dev`.
    Dev,
    /// `peerDependencies`
    Peer,
    /// `optionalDependencies`
    Optional,
    /// A package of the same workspace/monorepo.
    Workspace,
    /// The package importing itself by its own name.
    SelfReference,
}

/// One parsed `package.json`.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Absolute path of the `package.json`.
    pub path: PathBuf,
    /// `name`.
    pub name: Option<String>,
    /// `"type": "module"`.
    pub is_module: bool,
    /// Declared packages and where.
    pub dependencies: BTreeMap<String, DependencyKind>,
    /// The whole document, for later stages (entry detection, scripts).
    pub json: serde_json::Value,
}

impl Manifest {
    /// The version range declared for `name` in `dependencies`, `devDependencies` or
    /// `peerDependencies` (`"^2.17.0"`, `"beta"`).
    pub fn declared_range(&self, name: &str) -> Option<&str> {
        ["dependencies", "devDependencies", "peerDependencies"]
            .iter()
            .find_map(|field| self.json.get(field)?.get(name)?.as_str())
    }
}

/// The major version a version range starts with (`^2.17.0` and `>=2` are 2,
/// `^5.0.0-beta.25` is 5); `None` for a tag (`latest`, `beta`).
pub fn range_major(range: &str) -> Option<u64> {
    let digits: String = range
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A `package.json` that could not be parsed.
#[derive(Debug, Clone)]
pub struct BrokenManifest {
    /// Absolute path.
    pub path: PathBuf,
    /// 1-based line of the problem.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// The text holds template tags (`{% for … %}`, `{{ name }}`): the input of a code
    /// generator (Jinja, Nunjucks, Handlebars), not a package of the tree.
    pub template: bool,
}

/// Every manifest in the tree, by directory.
#[derive(Debug, Default)]
pub struct Manifests {
    /// Every manifest, sorted by path.
    list: Vec<Manifest>,
    /// Index into `list` by the manifest's directory.
    by_dir: rustc_hash::FxHashMap<PathBuf, usize>,
    workspace_names: HashMap<String, PathBuf>,
    /// Manifests that could not be read or parsed.
    pub broken: Vec<BrokenManifest>,
}

impl Manifests {
    /// Reads every `package.json` found by discovery.
    pub fn load(paths: &[PathBuf]) -> Manifests {
        Manifests::load_with_copies(paths, &[])
    }

    /// Reads every `package.json` found by discovery, and those the project's Dockerfiles or
    /// CI create by copying a committed one (`(created, copied)` pairs): a directory whose
    /// manifest is a copy of a template has the template's dependencies and scripts.
    pub fn load_with_copies(paths: &[PathBuf], copies: &[(PathBuf, PathBuf)]) -> Manifests {
        Manifests::load_with_created(paths, copies, &[])
    }

    /// [`Manifests::load_with_copies`], plus the manifests a CI step writes whole
    /// (`(created, text)` pairs: `cat > .github/scripts/package.json << EOF … EOF`) where the
    /// tree has none.
    pub fn load_with_created(
        paths: &[PathBuf],
        copies: &[(PathBuf, PathBuf)],
        written: &[(PathBuf, String)],
    ) -> Manifests {
        let mut manifests = Manifests::default();
        let mut by_dir: rustc_hash::FxHashMap<PathBuf, Manifest> = Default::default();
        let read = paths
            .iter()
            .map(|path| (path, read_manifest(path)))
            .chain(written.iter().filter_map(|(created, text)| {
                let manifest = parse_manifest(created, text.as_bytes()).ok()?;
                Some((
                    created,
                    Ok(Manifest {
                        name: None,
                        ..manifest
                    }),
                ))
            }))
            // A broken template is reported once, where it is committed; its name stays there.
            .chain(copies.iter().filter_map(|(created, copied)| {
                let manifest = read_manifest(copied).ok()?;
                Some((
                    created,
                    Ok(Manifest {
                        path: created.clone(),
                        name: None,
                        ..manifest
                    }),
                ))
            }));
        for (path, manifest) in read {
            match manifest {
                Ok(manifest) => {
                    if let Some(name) = &manifest.name {
                        manifests.workspace_names.insert(name.clone(), path.clone());
                    }
                    if let Some(dir) = path.parent() {
                        by_dir.insert(dir.to_path_buf(), manifest);
                    }
                }
                Err(broken) => manifests.broken.push(broken),
            }
        }
        // Sorted once: [`Manifests::all`] is asked for on every phantom-dependency lookup.
        let mut list: Vec<(PathBuf, Manifest)> = by_dir.into_iter().collect();
        list.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        for (i, (dir, manifest)) in list.into_iter().enumerate() {
            manifests.by_dir.insert(dir, i);
            manifests.list.push(manifest);
        }
        manifests
    }

    /// The manifests from `dir` upwards, nearest first, stopping at `root`. Called for every
    /// bare import, so it borrows the path's ancestors instead of copying them.
    pub fn ancestors<'a>(
        &'a self,
        dir: &'a Path,
        root: &'a Path,
    ) -> impl Iterator<Item = &'a Manifest> + 'a {
        crate::resolve::ancestors_under(dir, root)
            .filter_map(move |d| self.by_dir.get(d).map(|&i| &self.list[i]))
    }

    /// The nearest manifest at or above `dir`.
    pub fn nearest<'a>(&'a self, dir: &'a Path, root: &'a Path) -> Option<&'a Manifest> {
        self.ancestors(dir, root).next()
    }

    /// Where `package` is declared for a file in `dir`: the nearest manifest on the way up
    /// that declares it, or a workspace package of that name.
    pub fn declaration<'a>(
        &'a self,
        package: &str,
        dir: &'a Path,
        root: &'a Path,
    ) -> Option<(DependencyKind, &'a Path)> {
        for manifest in self.ancestors(dir, root) {
            if manifest.name.as_deref() == Some(package) {
                return Some((DependencyKind::SelfReference, &manifest.path));
            }
            if let Some(kind) = manifest.dependencies.get(package) {
                return Some((*kind, &manifest.path));
            }
        }
        self.workspace_names
            .get(package)
            .map(|p| (DependencyKind::Workspace, p.as_path()))
    }

    /// Whether Node (and tsc under `module: node16`…`nodenext`) takes `file` for an ES module:
    /// `.mjs`/`.mts`/`.d.mts`, or any other extension but `.cjs`/`.cts` in a package whose
    /// nearest `package.json` says `"type": "module"`.
    pub fn is_esm_file(&self, file: &Path, root: &Path) -> bool {
        match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "mjs" | "mts" => true,
            "cjs" | "cts" => false,
            _ => self
                .nearest(file.parent().unwrap_or(root), root)
                .is_some_and(|m| m.is_module),
        }
    }

    /// The directory of a generator's template package (its `package.json` holds template
    /// tags) that holds `file`, if any: nothing in it is code of the tree as written.
    pub fn template_holding(&self, file: &Path) -> Option<&Path> {
        self.broken
            .iter()
            .filter(|b| b.template)
            .filter_map(|b| b.path.parent())
            .find(|dir| file.starts_with(dir))
    }

    /// Every manifest, sorted by path.
    pub fn all(&self) -> Vec<&Manifest> {
        self.list.iter().collect()
    }
}

fn read_manifest(path: &Path) -> Result<Manifest, BrokenManifest> {
    let bytes = crate::discover::read_regular_file(path, crate::discover::MAX_MANIFEST_BYTES)
        .map_err(|e| BrokenManifest {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
            template: false,
        })?;
    parse_manifest(path, &bytes)
}

/// A manifest from its bytes; `path` names it (it may be one a CI step writes).
fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<Manifest, BrokenManifest> {
    let broken = |line, column, message: String| BrokenManifest {
        path: path.to_path_buf(),
        line,
        column,
        message,
        template: false,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(bytes);
        BrokenManifest {
            template: text.contains("{%") || text.contains("{{"),
            ..broken(
                e.line() as u32,
                e.column() as u32,
                format!("invalid JSON: {e}"),
            )
        }
    })?;
    let Some(object) = json.as_object() else {
        return Err(broken(1, 1, "expected a JSON object".to_string()));
    };
    let mut dependencies = BTreeMap::new();
    // Later fields win, so a package in both lists counts as a production dependency.
    for (field, kind) in [
        ("devDependencies", DependencyKind::Dev),
        ("peerDependencies", DependencyKind::Peer),
        ("optionalDependencies", DependencyKind::Optional),
        ("dependencies", DependencyKind::Production),
    ] {
        if let Some(deps) = object.get(field).and_then(|d| d.as_object()) {
            for name in deps.keys() {
                dependencies.insert(name.clone(), kind);
            }
        }
    }
    Ok(Manifest {
        path: path.to_path_buf(),
        name: object
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string),
        is_module: object.get("type").and_then(|t| t.as_str()) == Some("module"),
        dependencies,
        json,
    })
}

/// The package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `lodash/fp` → `lodash`.
pub fn package_name(specifier: &str) -> &str {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next().unwrap_or(specifier);
    if first.starts_with('@') {
        match parts.next() {
            Some(second) => &specifier[..first.len() + 1 + second.len()],
            None => specifier,
        }
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::package_name;

    #[test]
    fn package_name_of_scoped_and_deep_specifiers() {
        assert_eq!(package_name("@aws-sdk/client-s3"), "@aws-sdk/client-s3");
        assert_eq!(
            package_name("@aws-sdk/client-s3/dist/x.js"),
            "@aws-sdk/client-s3"
        );
        assert_eq!(package_name("lodash/fp"), "lodash");
        assert_eq!(package_name("hono"), "hono");
    }

    #[test]
    fn a_range_names_its_major_version() {
        assert_eq!(super::range_major("^2.17.0"), Some(2));
        assert_eq!(super::range_major(">=3 <4"), Some(3));
        assert_eq!(super::range_major("5.0.0-beta.25"), Some(5));
        assert_eq!(super::range_major("latest"), None);
    }
}
