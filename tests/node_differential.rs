//! Differential test against Node's own resolver: for every specifier treeaudit extracts from
//! fixtures/node-diff (a CommonJS app with an ES module, `#imports`, a self-reference, and
//! installed packages with an `exports` map, a `main`/`module` pair and a bare `index.js`),
//! treeaudit's resolution must be what Node resolves from the same file — and where Node cannot
//! resolve, treeaudit must report the import as broken.
//!
//! Node runs only on this fixture (never on an audited tree), once per directory and mode:
//! `node -e 'require.resolve(SPEC)'` for `require`, `node --input-type=module -e
//! 'import.meta.resolve(SPEC)'` for `import`/`import()`/`export … from`, from the importing
//! file's directory. Skipped with a note when `node` is not installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use treeaudit::facts::ImportKind;
use treeaudit::resolve::Resolution;
use treeaudit::{AnalyseOptions, analyse};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Require,
    Import,
}

/// What an import ended up as, in terms both resolvers can express.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    File(PathBuf),
    Builtin(String),
    Fails,
    /// treeaudit's classification of an installed package it could not resolve.
    PackageWithoutFile(String),
}

/// One import: the importing file (relative), its specifier, and treeaudit's outcome.
type Compared = (String, String, Outcome);

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

const REQUIRE_PROBE: &str = r#"
for (const s of JSON.parse(process.argv[1])) {
  try { console.log(JSON.stringify({ ok: require.resolve(s) })); }
  catch (e) { console.log(JSON.stringify({ err: e.code || e.message })); }
}"#;

// import.meta.resolve does not check that a file: URL exists (Node loads it later and fails
// with ERR_MODULE_NOT_FOUND), so existence is checked here.
const IMPORT_PROBE: &str = r#"
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
for (const s of JSON.parse(process.argv[1])) {
  try {
    const url = import.meta.resolve(s);
    if (!url.startsWith('file:')) { console.log(JSON.stringify({ ok: url })); continue; }
    const path = fileURLToPath(url);
    console.log(JSON.stringify(existsSync(path) ? { ok: path } : { err: 'ERR_MODULE_NOT_FOUND' }));
  } catch (e) { console.log(JSON.stringify({ err: e.code || e.message })); }
}"#;

/// Node's answer for each specifier, resolved from `dir`.
fn node_resolve(dir: &Path, mode: Mode, specifiers: &[String]) -> Vec<Outcome> {
    let list = serde_json::to_string(specifiers).expect("specifiers as JSON");
    let mut command = Command::new("node");
    match mode {
        Mode::Require => command.arg("-e").arg(REQUIRE_PROBE),
        Mode::Import => command
            .arg("--input-type=module")
            .arg("-e")
            .arg(IMPORT_PROBE),
    };
    let output = command
        .arg(&list)
        .current_dir(dir)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "node probe failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("node prints UTF-8");
    let outcomes: Vec<Outcome> = text
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("probe JSON");
            match value.get("ok").and_then(|v| v.as_str()) {
                Some(p) if Path::new(p).is_absolute() => {
                    Outcome::File(Path::new(p).canonicalize().expect("node's path exists"))
                }
                Some(builtin) => Outcome::Builtin(normalise_builtin(builtin)),
                None => Outcome::Fails,
            }
        })
        .collect();
    assert_eq!(outcomes.len(), specifiers.len(), "one answer per specifier");
    outcomes
}

fn normalise_builtin(name: &str) -> String {
    if name.starts_with("node:") {
        name.to_string()
    } else {
        format!("node:{name}")
    }
}

/// Whether `name` is installed in a `node_modules` on the way up from `dir`.
fn installed(dir: &Path, name: &str) -> bool {
    dir.ancestors().any(|d| {
        d.join("node_modules")
            .join(name)
            .join("package.json")
            .is_file()
    })
}

fn treeaudit_outcome(dir: &Path, resolution: &Resolution) -> Outcome {
    match resolution {
        // An installed package whose subpath Node refuses (not exported, missing) is a broken
        // import, not merely a package: it must come out as unresolved.
        Resolution::Package {
            name, path: None, ..
        } if installed(dir, name) => Outcome::PackageWithoutFile(name.clone()),
        Resolution::File { path }
        | Resolution::Package {
            path: Some(path), ..
        } => Outcome::File(path.canonicalize().unwrap_or_else(|_| path.clone())),
        Resolution::Builtin { name } => Outcome::Builtin(normalise_builtin(name)),
        // Reported as errors (unresolved-import, case-mismatch) or, for a package that is not
        // installed here, classified by package.json alone: Node cannot load any of them.
        Resolution::Unresolved { .. }
        | Resolution::CaseMismatch { .. }
        | Resolution::Package { path: None, .. }
        | Resolution::Virtual { .. }
        | Resolution::Generated { .. }
        | Resolution::Template { .. } => Outcome::Fails,
        Resolution::Unanalysable => panic!("the fixture has no computed specifiers"),
    }
}

#[test]
fn every_specifier_resolves_where_node_resolves_it() {
    if !node_available() {
        eprintln!("node_differential: skipped, `node` is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/node-diff");
    let project = analyse(&AnalyseOptions {
        root: root.clone(),
        ..Default::default()
    })
    .expect("analyse fixtures/node-diff");

    // (importer, mode) → [(specifier, treeaudit's outcome)], grouped so node runs once per group.
    let mut groups: BTreeMap<(PathBuf, Mode), Vec<Compared>> = BTreeMap::new();
    for module in &project.modules {
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let mode = match import.kind {
                ImportKind::Require => Mode::Require,
                ImportKind::Static | ImportKind::Dynamic | ImportKind::ReExport => Mode::Import,
                ImportKind::TypeOnly => continue,
            };
            let dir = module.file.path.parent().expect("file has a directory");
            groups.entry((dir.to_path_buf(), mode)).or_default().push((
                module.file.rel.clone(),
                import.specifier.clone(),
                treeaudit_outcome(dir, resolution),
            ));
        }
    }

    let mut compared = 0;
    let mut node_failures = 0;
    let mut disagreements = Vec::new();
    for ((dir, mode), imports) in &groups {
        let specifiers: Vec<String> = imports.iter().map(|(_, s, _)| s.clone()).collect();
        let node = node_resolve(dir, *mode, &specifiers);
        for ((file, specifier, ours), theirs) in imports.iter().zip(node) {
            compared += 1;
            if theirs == Outcome::Fails {
                node_failures += 1;
            }
            if *ours != theirs {
                disagreements.push(format!(
                    "{file}: {mode:?} `{specifier}`: treeaudit {ours:?}, node {theirs:?}"
                ));
            }
        }
    }
    eprintln!("compared {compared} specifiers with Node, {node_failures} of them fail under Node");
    assert!(
        disagreements.is_empty(),
        "treeaudit and Node disagree:\n{}",
        disagreements.join("\n")
    );
    // The fixture exercises both directions: many loadable specifiers and a few broken ones.
    assert!(compared >= 35, "only {compared} specifiers compared");
    assert!(
        (6..compared).contains(&node_failures),
        "{node_failures} of {compared} failed under Node"
    );
}
