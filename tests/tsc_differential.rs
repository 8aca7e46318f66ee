//! Differential test against TypeScript's own resolver for workspace packages and tsconfig
//! `paths`: a pnpm-style workspace with per-project tsconfigs (wildcard and exact `paths` keys,
//! `baseUrl`, a mapping that finds nothing and falls back to the package, a key that must not
//! leak into another project). tsc sees the workspace installed (node_modules links, as pnpm
//! makes them); treeaudit sees the same tree without node_modules. For every import tsc traces
//! in a project file, treeaudit must resolve to the same file.
//!
//! TypeScript is installed with npm into a temporary directory; without npm or network the test
//! is skipped with the reason printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use treeaudit::resolve::Resolution;
use treeaudit::{AnalyseOptions, analyse};

const TREE: &[(&str, &str)] = &[
    (
        "package.json",
        r#"{"name":"mono","private":true,"workspaces":["apps/*","packages/*"]}"#,
    ),
    (
        "packages/db/package.json",
        r#"{"name":"@x/db","version":"1.0.0","exports":{".":"./src/index.ts","./sub":"./src/sub.ts"}}"#,
    ),
    ("packages/db/src/index.ts", "export const db = 1;\n"),
    ("packages/db/src/sub.ts", "export const sub = 1;\n"),
    (
        "packages/ui/package.json",
        r#"{"name":"@x/ui","version":"1.0.0","main":"index.ts"}"#,
    ),
    ("packages/ui/index.ts", "export const ui = 1;\n"),
    ("packages/ui/button.ts", "export const button = 1;\n"),
    (
        "packages/email/package.json",
        r#"{"name":"@x/email","version":"1.0.0","main":"index.ts","dependencies":{"@x/db":"*"}}"#,
    ),
    (
        "packages/email/tsconfig.json",
        r#"{"compilerOptions":{"module":"esnext","moduleResolution":"bundler","noEmit":true,"paths":{"@x/db":["./nowhere/db.ts"]}},"include":["*.ts"]}"#,
    ),
    (
        "packages/email/index.ts",
        "import { db } from '@x/db';\nexport const e = db;\n",
    ),
    (
        "apps/api/package.json",
        r#"{"name":"@x/api","version":"1.0.0","dependencies":{"@x/db":"*","@x/ui":"*"}}"#,
    ),
    (
        "apps/api/tsconfig.json",
        r#"{
  // comments are valid here
  "compilerOptions": {
    "module": "esnext", "moduleResolution": "bundler", "noEmit": true,
    "baseUrl": ".",
    "paths": { "@/*": ["./src/*"], "@x/ui": ["../../packages/ui/index.ts"] },
  },
  "include": ["src"],
}"#,
    ),
    (
        "apps/api/src/index.ts",
        "import { db } from '@x/db';\nimport { sub } from '@x/db/sub';\nimport { util } from '@/lib/util';\nimport { ui } from '@x/ui';\nimport { button } from '@x/ui/button';\nimport { util as u2 } from 'src/lib/util';\nimport { e } from '@x/email';\nexport const all = [db, sub, util, ui, button, u2, e];\n",
    ),
    ("apps/api/src/lib/util.ts", "export const util = 1;\n"),
    (
        "apps/web/package.json",
        r#"{"name":"@x/web","version":"1.0.0","dependencies":{"@x/db":"*"}}"#,
    ),
    (
        "apps/web/tsconfig.json",
        r#"{"compilerOptions":{"module":"esnext","moduleResolution":"bundler","noEmit":true},"include":["src"]}"#,
    ),
    (
        "apps/web/src/main.ts",
        "import { sub } from '@x/db/sub';\nimport { ui } from '@x/ui';\nexport const m = [sub, ui];\n",
    ),
];

fn write_tree(root: &Path) {
    for (path, text) in TREE {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// Installs TypeScript into `dir`, or says why it could not.
fn install_typescript(dir: &Path) -> Result<PathBuf, String> {
    let output = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--silent",
            "typescript@5",
        ])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("npm is not available ({e})"))?;
    if !output.status.success() {
        return Err(format!(
            "npm install typescript failed: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ));
    }
    let tsc = dir.join("node_modules/typescript/bin/tsc");
    tsc.is_file()
        .then_some(tsc)
        .ok_or_else(|| "typescript installed without bin/tsc".to_string())
}

/// (importer, specifier) → resolved file (or `None`), from `tsc --traceResolution`.
fn tsc_resolutions(
    tsc: &Path,
    root: &Path,
    project: &str,
) -> BTreeMap<(String, String), Option<String>> {
    let output = Command::new("node")
        .arg(tsc)
        .args(["-p", project, "--traceResolution", "--noEmit"])
        .current_dir(root)
        .output()
        .expect("run tsc");
    let text = String::from_utf8_lossy(&output.stdout);
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("======== Resolving module '") {
            let (specifier, rest) = rest.split_once("' from '").expect("trace shape");
            let importer = rest.split_once("'.").expect("trace shape").0;
            current = Some((specifier.to_string(), importer.to_string()));
        } else if let Some(rest) = line.strip_prefix("======== Module name '") {
            let Some((specifier, importer)) = current.take() else {
                continue;
            };
            let resolved = rest
                .split_once("was successfully resolved to '")
                .map(|(_, r)| r.split_once('\'').expect("trace shape").0.to_string());
            let Ok(importer) = Path::new(&importer).strip_prefix(root) else {
                continue;
            };
            if importer
                .components()
                .any(|c| c.as_os_str() == "node_modules")
            {
                continue;
            }
            let resolved = resolved.map(|r| {
                let path = Path::new(&r)
                    .canonicalize()
                    .unwrap_or_else(|_| PathBuf::from(&r));
                path.strip_prefix(root)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or(r)
            });
            out.insert(
                (importer.to_string_lossy().into_owned(), specifier),
                resolved,
            );
        }
    }
    out
}

#[test]
fn workspace_and_paths_resolution_matches_tsc() {
    let tools = tempfile::tempdir().expect("temp dir");
    let tsc = match install_typescript(tools.path()) {
        Ok(tsc) => tsc,
        Err(reason) => {
            eprintln!("tsc_differential: skipped, {reason}");
            return;
        }
    };
    // tsc's copy: the workspace installed as pnpm links it.
    let installed = tempfile::tempdir().expect("temp dir");
    let installed_root = installed.path().canonicalize().expect("canonical");
    write_tree(&installed_root);
    std::fs::create_dir_all(installed_root.join("node_modules/@x")).expect("mkdir");
    for name in ["db", "ui", "email"] {
        std::os::unix::fs::symlink(
            installed_root.join("packages").join(name),
            installed_root.join("node_modules/@x").join(name),
        )
        .expect("symlink");
    }
    let mut expected = BTreeMap::new();
    for project in [
        "apps/api/tsconfig.json",
        "apps/web/tsconfig.json",
        "packages/email/tsconfig.json",
    ] {
        expected.extend(tsc_resolutions(&tsc, &installed_root, project));
    }
    assert!(expected.len() >= 10, "tsc traced too little: {expected:#?}");

    // treeaudit's copy: no node_modules at all.
    let bare = tempfile::tempdir().expect("temp dir");
    write_tree(bare.path());
    let project = analyse(&AnalyseOptions {
        root: bare.path().to_path_buf(),
        ..Default::default()
    })
    .expect("analyse");
    let mut disagreements = Vec::new();
    for module in &project.modules {
        for (import, resolution) in module.facts.imports.iter().zip(&module.resolutions) {
            let key = (module.file.rel.clone(), import.specifier.clone());
            let Some(theirs) = expected.get(&key) else {
                continue;
            };
            let ours = match resolution {
                Resolution::File { path } => Some(project.relative(path)),
                _ => None,
            };
            if &ours != theirs {
                disagreements.push(format!(
                    "{} `{}`: treeaudit {ours:?} ({resolution:?}), tsc {theirs:?}",
                    key.0, key.1
                ));
            }
        }
    }
    eprintln!("compared {} imports with tsc", expected.len());
    assert!(
        disagreements.is_empty(),
        "treeaudit and tsc disagree:\n{}",
        disagreements.join("\n")
    );
}
