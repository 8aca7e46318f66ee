//! tsconfig files as tsc reads them: which `extends` entries cannot be read (a package that is
//! not installed, a missing file, a cycle), so the file keeps its own `compilerOptions` instead
//! of losing all of them, and the out-dir → source mapping of a package.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use oxc_resolver::{ResolveOptions, ResolverGeneric};

use super::file_system::ToolchainFileSystem;

use crate::resolve::{jsonc_options, normalize};

/// A tsconfig in the tree that tsc would complain about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TsconfigProblem {
    /// The tsconfig (absolute).
    pub path: PathBuf,
    /// 1-based line of the problem (the `extends` line, or the syntax error).
    pub line: u32,
    /// What is wrong and what treeaudit does about it.
    pub message: String,
    /// The package an unreadable `extends` names, when it is simply not installed.
    pub uninstalled_package: Option<String>,
}

/// What reading the tree's tsconfigs found.
#[derive(Debug, Clone, Default)]
pub struct TsconfigRepairs {
    /// Replacement text for tsconfigs whose unreadable `extends` entries were dropped.
    pub texts: rustc_hash::FxHashMap<PathBuf, String>,
    /// One problem per tsconfig, sorted.
    pub problems: Vec<TsconfigProblem>,
    /// Each tsconfig of the tree → how it lets default imports reach modules without a
    /// `default` export (its `extends` chain included).
    pub module_interop: HashMap<PathBuf, ModuleInterop>,
    /// Every `customConditions` entry a tsconfig of the tree ends up with (its `extends` chain
    /// included), sorted: `exports` conditions tsc matches besides the standard ones.
    pub custom_conditions: Vec<String>,
}

/// How a tsconfig lets a default import (`import x from 'y'`) take a module that has no
/// `default` export, as tsc derives it from `compilerOptions`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleInterop {
    /// `allowSyntheticDefaultImports`: set, or implied by `esModuleInterop` (itself implied by
    /// `module` `node16`…`nodenext`/`preserve`), `module: "system"` or `moduleResolution:
    /// "bundler"`. TypeScript 6 turns it on by default; the TypeScript 4 and 5 defaults are
    /// read here, so a tree on TypeScript 6 without the options keeps the stricter answer.
    pub synthetic_defaults: bool,
    /// `module` is `node16`…`nodenext`: whether an import is ESM or CommonJS follows from each
    /// file's format (extension, nearest `package.json` `type`), and an ES module importing an
    /// ES module never gets a synthetic default.
    pub node_formats: bool,
}

/// The `compilerOptions` [`ModuleInterop`] is derived from, as one tsconfig file sets them.
#[derive(Debug, Clone, Default)]
struct InteropOptions {
    es_module_interop: Option<bool>,
    allow_synthetic_default_imports: Option<bool>,
    module: Option<String>,
    module_resolution: Option<String>,
    custom_conditions: Option<Vec<String>>,
}

impl InteropOptions {
    fn of(value: &serde_json::Value) -> InteropOptions {
        let flag = |key: &str| {
            value
                .pointer(&format!("/compilerOptions/{key}"))
                .and_then(|v| v.as_bool())
        };
        let word = |key: &str| {
            value
                .pointer(&format!("/compilerOptions/{key}"))
                .and_then(|v| v.as_str())
                .map(str::to_ascii_lowercase)
        };
        InteropOptions {
            es_module_interop: flag("esModuleInterop"),
            allow_synthetic_default_imports: flag("allowSyntheticDefaultImports"),
            module: word("module"),
            module_resolution: word("moduleResolution"),
            custom_conditions: value
                .pointer("/compilerOptions/customConditions")
                .and_then(|v| v.as_array())
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                }),
        }
    }

    /// These options over `base`'s: what the extending file sets wins, option by option.
    fn over(&self, base: &InteropOptions) -> InteropOptions {
        InteropOptions {
            es_module_interop: self.es_module_interop.or(base.es_module_interop),
            allow_synthetic_default_imports: self
                .allow_synthetic_default_imports
                .or(base.allow_synthetic_default_imports),
            module: self.module.clone().or_else(|| base.module.clone()),
            module_resolution: self
                .module_resolution
                .clone()
                .or_else(|| base.module_resolution.clone()),
            custom_conditions: self
                .custom_conditions
                .clone()
                .or_else(|| base.custom_conditions.clone()),
        }
    }

    /// tsc's `getAllowSyntheticDefaultImports` and `getESModuleInterop` (TypeScript 5).
    fn interop(&self) -> ModuleInterop {
        let module = self.module.as_deref().unwrap_or("");
        let node_formats = matches!(module, "node16" | "node18" | "node20" | "nodenext");
        let es_module_interop = self
            .es_module_interop
            .unwrap_or(node_formats || module == "preserve");
        let bundler = match self.module_resolution.as_deref() {
            Some(resolution) => resolution == "bundler",
            None => module == "preserve",
        };
        ModuleInterop {
            synthetic_defaults: self
                .allow_synthetic_default_imports
                .unwrap_or(es_module_interop || module == "system" || bundler),
            node_formats,
        }
    }
}

/// Reads `text` as tsconfig JSON (comments and trailing commas allowed).
pub fn parse_jsonc(text: &str) -> Result<serde_json::Value, String> {
    match jsonc_parser::parse_to_serde_value(text, &jsonc_options()) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Ok(serde_json::Value::Object(Default::default())),
        Err(e) => Err(e.to_string()),
    }
}

/// The `extends` entries of a tsconfig (string or array form).
fn extends_entries(value: &serde_json::Value) -> Vec<String> {
    match value.get("extends") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Walks every tsconfig's `extends` chain (depth first, in path order) and records the entries
/// that cannot be read: the file itself keeps its own options (tsc reports the error and goes
/// on with them), where oxc_resolver would drop the whole tsconfig. Packages are looked up
/// through `fs`, so a base config in a workspace package counts as installed.
pub fn repair(root: &Path, tsconfigs: &[PathBuf], fs: ToolchainFileSystem) -> TsconfigRepairs {
    let probe = ResolverGeneric::new_with_file_system(
        fs,
        ResolveOptions {
            extensions: vec![".json".into()],
            main_files: vec!["tsconfig".into()],
            condition_names: vec!["node".into(), "import".into(), "require".into()],
            ..ResolveOptions::default()
        },
    );
    let mut walk = Walk {
        root: root.to_path_buf(),
        probe,
        state: HashMap::new(),
        broken: BTreeMap::new(),
        bases: HashMap::new(),
        interop: HashMap::new(),
    };
    for path in tsconfigs {
        walk.visit(path);
    }
    let in_tree: HashSet<&PathBuf> = tsconfigs.iter().collect();
    // A base config the project keeps in a package of its own (`packages/tsconfig/next.json`)
    // is reported where it is, whatever its name; one in an installed package is not the
    // project's to fix and is reported on the tree's tsconfigs whose chain reaches it.
    let own = |p: &Path| {
        in_tree.contains(&p.to_path_buf())
            || !p.components().any(|c| c.as_os_str() == "node_modules")
    };
    let mut repairs = TsconfigRepairs::default();
    for (path, broken) in &walk.broken {
        if own(path) {
            continue;
        }
        for start in tsconfigs {
            if walk.broken.contains_key(start)
                || !walk.reaches(start, path, &own)
                || repairs.problems.iter().any(|p| &p.path == start)
            {
                continue;
            }
            let Ok(text) = crate::access::read_to_string(start) else {
                continue;
            };
            let (entry, why) = &broken[0];
            repairs.problems.push(TsconfigProblem {
                path: start.clone(),
                line: extends_line(&text),
                uninstalled_package: why
                    .contains("is not installed")
                    .then(|| crate::manifest::package_name(entry).to_string()),
                message: format!(
                    "its `extends` chain reaches `{}`, whose `extends: \"{entry}\"` cannot be read: {why}; the rest of the chain and this file's own compilerOptions still apply",
                    crate::discover::relative(root, path)
                ),
            });
        }
    }
    let mut merged = HashMap::new();
    for path in tsconfigs {
        let options = walk.merged_interop(path, &mut merged, &mut HashSet::new());
        repairs
            .custom_conditions
            .extend(options.custom_conditions.iter().flatten().cloned());
        repairs
            .module_interop
            .insert(path.clone(), options.interop());
    }
    repairs.custom_conditions.sort();
    repairs.custom_conditions.dedup();
    for (path, broken) in walk.broken {
        let Ok(text) = crate::access::read_to_string(&path) else {
            continue;
        };
        let Ok(mut value) = parse_jsonc(&text) else {
            continue;
        };
        let kept: Vec<String> = extends_entries(&value)
            .into_iter()
            .filter(|e| !broken.iter().any(|(b, _)| b == e))
            .collect();
        if let Some(object) = value.as_object_mut() {
            match kept.len() {
                0 => {
                    object.remove("extends");
                }
                1 => {
                    object.insert("extends".into(), kept[0].clone().into());
                }
                _ => {
                    object.insert("extends".into(), kept.into());
                }
            }
        }
        if own(&path) {
            let (entry, why) = &broken[0];
            let line = extends_line(&text);
            let more = if broken.len() > 1 {
                format!(" (and {} more)", broken.len() - 1)
            } else {
                String::new()
            };
            let uninstalled_package = why
                .contains("is not installed")
                .then(|| crate::manifest::package_name(entry).to_string());
            repairs.problems.push(TsconfigProblem {
                path: path.clone(),
                line,
                uninstalled_package,
                message: format!(
                    "`extends: \"{entry}\"`{more} cannot be read: {why}; this file's own compilerOptions still apply"
                ),
            });
        }
        repairs.texts.insert(path, value.to_string());
    }
    for (path, state) in &walk.state {
        if let Visit::Invalid(error) = state
            && in_tree.contains(path)
        {
            repairs.problems.push(TsconfigProblem {
                path: path.clone(),
                line: error_line(error),
                uninstalled_package: None,
                message: format!("not valid JSON (comments and trailing commas are fine): {error}"),
            });
        }
    }
    repairs.problems.sort();
    repairs
}

/// 1-based line of the `extends` key (1 when there is none).
fn extends_line(text: &str) -> u32 {
    text.lines()
        .position(|l| l.contains("\"extends\""))
        .map_or(1, |i| i as u32 + 1)
}

fn error_line(error: &str) -> u32 {
    // jsonc_parser: "... on line 3 column 5"
    error
        .split("line ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

enum Visit {
    InProgress,
    Done,
    Invalid(String),
}

struct Walk {
    root: PathBuf,
    probe: ResolverGeneric<ToolchainFileSystem>,
    state: HashMap<PathBuf, Visit>,
    /// tsconfig → its unreadable entries with the reason.
    broken: BTreeMap<PathBuf, Vec<(String, String)>>,
    /// tsconfig → the base configs its readable entries name.
    bases: HashMap<PathBuf, Vec<PathBuf>>,
    /// tsconfig → the interop options it sets itself.
    interop: HashMap<PathBuf, InteropOptions>,
}

impl Walk {
    /// Visits one tsconfig; returns why it cannot serve as a base (`None` = readable).
    fn visit(&mut self, path: &Path) -> Option<String> {
        match self.state.get(path) {
            Some(Visit::InProgress) => return Some("it extends this file back (a cycle)".into()),
            Some(Visit::Done) => return None,
            Some(Visit::Invalid(e)) => return Some(format!("it is not valid JSON: {e}")),
            None => {}
        }
        // Nothing outside the audited tree is read (an `extends` may climb out of it).
        let text = match crate::discover::read_in_tree(
            &self.root,
            path,
            crate::discover::MAX_MANIFEST_BYTES,
        )
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::Other => {
                return Some(format!("it lies outside the audited tree ({e})"));
            }
            Err(e) => return Some(format!("it cannot be read ({e})")),
        };
        let value = match parse_jsonc(&text) {
            Ok(v) => v,
            Err(e) => {
                self.state
                    .insert(path.to_path_buf(), Visit::Invalid(e.clone()));
                return Some(format!("it is not valid JSON: {e}"));
            }
        };
        self.state.insert(path.to_path_buf(), Visit::InProgress);
        self.interop
            .insert(path.to_path_buf(), InteropOptions::of(&value));
        let dir = path.parent().unwrap_or(Path::new("/"));
        for entry in extends_entries(&value) {
            let why = match self.locate(dir, &entry) {
                Ok(target) => {
                    self.bases
                        .entry(path.to_path_buf())
                        .or_default()
                        .push(target.clone());
                    self.visit(&target)
                }
                Err(why) => Some(why),
            };
            if let Some(why) = why {
                self.broken
                    .entry(path.to_path_buf())
                    .or_default()
                    .push((entry, why));
            }
        }
        self.state.insert(path.to_path_buf(), Visit::Done);
        None
    }

    /// The interop options `path` ends up with: its bases' in `extends` order (a later entry
    /// wins), then its own. `visiting` stops a cycle, which the walk has reported already.
    fn merged_interop(
        &self,
        path: &Path,
        merged: &mut HashMap<PathBuf, InteropOptions>,
        visiting: &mut HashSet<PathBuf>,
    ) -> InteropOptions {
        if let Some(done) = merged.get(path) {
            return done.clone();
        }
        if !visiting.insert(path.to_path_buf()) {
            return InteropOptions::default();
        }
        let mut options = InteropOptions::default();
        for base in self.bases.get(path).into_iter().flatten() {
            options = self.merged_interop(base, merged, visiting).over(&options);
        }
        if let Some(own) = self.interop.get(path) {
            options = own.over(&options);
        }
        merged.insert(path.to_path_buf(), options.clone());
        options
    }

    /// Whether `target` is a base of `start`, through bases that are not the project's own
    /// (those report their own chain).
    fn reaches(&self, start: &Path, target: &Path, own: &dyn Fn(&Path) -> bool) -> bool {
        let mut seen: HashSet<&Path> = HashSet::new();
        let mut stack: Vec<&Path> = vec![start];
        while let Some(config) = stack.pop() {
            for base in self.bases.get(config).into_iter().flatten() {
                if base == target {
                    return true;
                }
                if !own(base) && seen.insert(base) {
                    stack.push(base);
                }
            }
        }
        false
    }

    /// Where an `extends` entry points, the way tsc looks: a path (with `.json` added), or a
    /// package's file through node_modules.
    fn locate(&self, dir: &Path, entry: &str) -> Result<PathBuf, String> {
        if entry.starts_with('.') || entry.starts_with('/') {
            let base = normalize(&dir.join(entry));
            let mut with_json = base.clone().into_os_string();
            with_json.push(".json");
            return [base.clone(), PathBuf::from(with_json)]
                .into_iter()
                .find(|p| crate::access::is_file(p))
                .ok_or_else(|| "no such file".to_string());
        }
        for specifier in [entry.to_string(), format!("{entry}/tsconfig.json")] {
            if let Ok(found) = self.probe.resolve(dir, &specifier) {
                return Ok(found.into_path_buf());
            }
        }
        let name = crate::manifest::package_name(entry);
        let installed = dir
            .ancestors()
            .any(|d| crate::access::is_dir(d.join("node_modules").join(name)));
        Err(if installed {
            format!("the installed package `{name}` has no such file")
        } else {
            format!("package `{name}` is not installed")
        })
    }
}

/// Output directory → source directory pairs of one package, from its tsconfig `outDir` and
/// `rootDir`, else by convention (`dist`, `build`, `lib`, `out` → `src` or the package root).
pub fn output_dirs(package_dir: &Path, is_dir: &dyn Fn(&Path) -> bool) -> Vec<(PathBuf, PathBuf)> {
    let source_root = if is_dir(&package_dir.join("src")) {
        package_dir.join("src")
    } else {
        package_dir.to_path_buf()
    };
    let mut pairs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for name in ["tsconfig.build.json", "tsconfig.lib.json", "tsconfig.json"] {
        let Ok(text) = crate::access::read_to_string(package_dir.join(name)) else {
            continue;
        };
        let Ok(value) = parse_jsonc(&text) else {
            continue;
        };
        let option = |key: &str| {
            value
                .pointer(&format!("/compilerOptions/{key}"))
                .and_then(|v| v.as_str())
                .map(|p| normalize(&package_dir.join(p)))
        };
        let root_dir = option("rootDir").unwrap_or_else(|| source_root.clone());
        for key in ["outDir", "declarationDir"] {
            if let Some(out) = option(key)
                && out != root_dir
                && out.starts_with(package_dir)
                && !pairs.iter().any(|(o, _)| o == &out)
            {
                pairs.push((out, root_dir.clone()));
            }
        }
    }
    for name in ["dist", "build", "lib", "out", "esm", "cjs"] {
        let out = package_dir.join(name);
        if out != source_root && !pairs.iter().any(|(o, _)| o == &out) {
            pairs.push((out, source_root.clone()));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
        (dir, root)
    }

    #[test]
    fn synthetic_defaults_follow_tsc_defaults_through_extends() {
        let (_dir, root) = tree(&[
            (
                "tsconfig.base.json",
                r#"{"compilerOptions":{"esModuleInterop":true,"module":"commonjs"}}"#,
            ),
            // Inherits esModuleInterop.
            (
                "api/tsconfig.json",
                r#"{"extends":"../tsconfig.base.json"}"#,
            ),
            // Turns the implied option back off.
            (
                "legacy/tsconfig.json",
                r#"{"extends":"../tsconfig.base.json","compilerOptions":{"allowSyntheticDefaultImports":false}}"#,
            ),
            // tsc 5 defaults: commonjs without interop has none; bundler resolution and
            // node16 imply it; node16 decides by file format.
            (
                "cli/tsconfig.json",
                r#"{"compilerOptions":{"module":"commonjs"}}"#,
            ),
            (
                "web/tsconfig.json",
                r#"{"compilerOptions":{"module":"esnext","moduleResolution":"Bundler"}}"#,
            ),
            (
                "node/tsconfig.json",
                r#"{"compilerOptions":{"module":"NodeNext"}}"#,
            ),
        ]);
        let configs: Vec<PathBuf> = ["api", "cli", "legacy", "node", "web"]
            .iter()
            .map(|d| root.join(d).join("tsconfig.json"))
            .collect();
        let fs = <ToolchainFileSystem as oxc_resolver::FileSystem>::new();
        let repairs = repair(&root, &configs, fs);
        let interop = |dir: &str| repairs.module_interop[&root.join(dir).join("tsconfig.json")];
        let on = |node_formats| ModuleInterop {
            synthetic_defaults: true,
            node_formats,
        };
        assert_eq!(interop("api"), on(false));
        assert_eq!(interop("legacy"), ModuleInterop::default());
        assert_eq!(interop("cli"), ModuleInterop::default());
        assert_eq!(interop("web"), on(false));
        assert_eq!(interop("node"), on(true));
    }

    #[test]
    fn uninstalled_and_cyclic_extends_are_dropped_and_reported_once() {
        let (_dir, root) = tree(&[
            (
                "tsconfig.json",
                "{\n  // comment\n  \"extends\": [\"expo/tsconfig.base\", \"./tsconfig.base.json\"],\n  \"compilerOptions\": {\"paths\": {\"@/*\": [\"./*\"]}},\n}\n",
            ),
            (
                "tsconfig.base.json",
                r#"{"compilerOptions":{"strict":true}}"#,
            ),
            ("a/tsconfig.json", r#"{"extends":"../b/tsconfig.json"}"#),
            ("b/tsconfig.json", r#"{"extends":"../a/tsconfig.json"}"#),
        ]);
        let configs = vec![
            root.join("a/tsconfig.json"),
            root.join("b/tsconfig.json"),
            root.join("tsconfig.json"),
            root.join("tsconfig.base.json"),
        ];
        let fs = <ToolchainFileSystem as oxc_resolver::FileSystem>::new();
        let repairs = repair(&root, &configs, fs);
        let messages: Vec<(String, u32, &str)> = repairs
            .problems
            .iter()
            .map(|p| {
                (
                    crate::discover::relative(&root, &p.path),
                    p.line,
                    p.message.as_str(),
                )
            })
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0].0, "b/tsconfig.json");
        assert!(messages[0].2.contains("cycle"), "{messages:?}");
        assert_eq!(messages[1].0, "tsconfig.json");
        assert_eq!(messages[1].1, 3);
        assert!(messages[1].2.contains("package `expo` is not installed"));
        let fixed: serde_json::Value =
            serde_json::from_str(&repairs.texts[&root.join("tsconfig.json")]).expect("json");
        assert_eq!(fixed["extends"], "./tsconfig.base.json");
        assert_eq!(fixed["compilerOptions"]["paths"]["@/*"][0], "./*");
    }

    #[test]
    fn a_shared_base_config_of_a_workspace_package_is_repaired_and_reported_where_it_is() {
        let (_dir, root) = tree(&[
            (
                "packages/tsconfig/next.json",
                "{\n  \"extends\": \"@tsconfig/next/tsconfig.json\",\n  \"compilerOptions\": {\"jsx\": \"preserve\"}\n}\n",
            ),
            (
                "apps/web/tsconfig.json",
                r#"{"extends":"@x/tsconfig/next.json","compilerOptions":{"paths":{"@/*":["./src/*"]}}}"#,
            ),
        ]);
        let mut links = crate::toolchain::file_system::Overlay {
            root: root.clone(),
            ..Default::default()
        };
        links.add_link(
            root.join("node_modules/@x/tsconfig"),
            root.join("packages/tsconfig"),
        );
        let fs = ToolchainFileSystem::with_overlay(std::sync::Arc::new(links));
        let repairs = repair(&root, &[root.join("apps/web/tsconfig.json")], fs);
        assert_eq!(repairs.problems.len(), 1, "{:?}", repairs.problems);
        let problem = &repairs.problems[0];
        assert_eq!(problem.path, root.join("packages/tsconfig/next.json"));
        assert_eq!(problem.line, 2);
        assert_eq!(
            problem.uninstalled_package.as_deref(),
            Some("@tsconfig/next")
        );
        let next = &repairs.texts[&root.join("packages/tsconfig/next.json")];
        assert!(!next.contains("extends"), "{next}");

        // The resolver reads the base through the package link and must get the repair.
        let mut overlay = crate::toolchain::file_system::Overlay {
            root: root.clone(),
            tsconfigs: repairs.texts.clone(),
            ..Default::default()
        };
        overlay.add_link(
            root.join("node_modules/@x/tsconfig"),
            root.join("packages/tsconfig"),
        );
        let fs = ToolchainFileSystem::with_overlay(std::sync::Arc::new(overlay));
        let through_link = oxc_resolver::FileSystem::read_to_string(
            &fs,
            &root.join("node_modules/@x/tsconfig/next.json"),
        )
        .expect("readable through the link");
        assert_eq!(&through_link, next);
    }
}
