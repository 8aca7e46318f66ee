//! `missing-export` over fixtures/exports: a small app whose imports cover ESM, CommonJS, star
//! chains, TypeScript types, `export =`, an opaque `module.exports` and an installed package.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/exports")
}

fn check_json(root: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(["check", "--format", "json", "--no-cache"])
        .arg(root)
        .output()
        .expect("run treeaudit");
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

/// `(file, line, name, message, help)` of each missing-export finding.
fn missing_exports(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "missing-export")
        .map(|f| {
            serde_json::json!({
                "file": f["file"], "line": f["line"], "column": f["column"],
                "specifier": f["specifier"], "name": f["name"],
                "message": f["message"], "help": f["help"],
            })
        })
        .collect()
}

/// `file:line message` of each missing-export finding.
fn located_messages(report: &serde_json::Value) -> Vec<String> {
    missing_exports(report)
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn every_missing_name_is_reported_once_and_nothing_else() {
    let report = check_json(&fixture());
    insta::assert_json_snapshot!(missing_exports(&report));
}

#[test]
fn unknowable_shapes_and_uninstalled_packages_are_counted_in_the_summary() {
    let report = check_json(&fixture());
    // metrics.cjs (`module.exports = createMetrics()`) and vendor/sdk.ts (`export =`).
    assert_eq!(report["summary"]["unanalysable_export_shapes"], 2);
    // left-pad-pro is declared but not in node_modules.
    assert_eq!(report["summary"]["packages_not_installed"], 1);
    let text = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .arg("check")
        .arg(fixture())
        .output()
        .expect("run treeaudit");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("(missing-export could not check: packages not installed: 1, unanalysable export shapes: 2)"),
        "{text}"
    );
}

/// Node itself is the oracle: for each ESM entry in src/esm/, loading it fails with a missing
/// named export exactly when treeaudit reports missing-export in it.
#[test]
fn node_refuses_exactly_the_esm_files_treeaudit_reports() {
    let Ok(version) = Command::new("node").arg("--version").output() else {
        eprintln!("node is not installed: differential test skipped");
        return;
    };
    assert!(version.status.success());
    let report = check_json(&fixture());
    let reported: Vec<String> = missing_exports(&report)
        .iter()
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixture().join("src/esm"))
        .expect("src/esm")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    assert!(entries.len() >= 6);
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).expect("name");
        let output = Command::new("node")
            .current_dir(fixture())
            .args(["--input-type=module", "-e"])
            .arg(format!("await import('./src/esm/{name}')"))
            .output()
            .expect("run node");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let node_refuses = stderr.contains("does not provide an export named")
            || (stderr.contains("Named export") && stderr.contains("not found"));
        let treeaudit_reports = reported.iter().any(|f| f == &format!("src/esm/{name}"));
        assert_eq!(
            node_refuses, treeaudit_reports,
            "{name}: node says {stderr:?}, treeaudit reports it: {treeaudit_reports}"
        );
    }
}

#[test]
fn jsdoc_typedef_and_callback_tags_are_type_exports_of_javascript_modules_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jsdoc-typedef-exports");
    let found = missing_exports(&check_json(&root));
    // `User`, `Session` (@typedef) and `OnLogout` (@callback) of session.js are types;
    // `Account` is declared nowhere, and a TypeScript file's @typedef declares nothing.
    let names: Vec<&str> = found.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["Account", "Label"], "{found:#?}");
    insta::assert_json_snapshot!(found);
}

#[test]
fn a_config_that_imports_the_esm_way_and_assigns_module_exports_has_a_default() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tailwind-mixed-config");
    let found = located_messages(&check_json(&root));
    // tailwind/base.tailwind.config.js has `import` statements and `module.exports = {…}`: only
    // an interop loader (jiti, which Tailwind uses) runs it, and its default is
    // `module.exports`. A name that object lacks is still missing, and so is the default of
    // lib/fonts.js, whose exports are ESM.
    assert_eq!(
        found,
        [
            "app/layout.jsx:1 `../lib/fonts` has no default export",
            "tailwind/docs.tailwind.config.js:2 `./base.tailwind.config` does not export `breakpoints`",
        ],
        "{found:#?}"
    );
}

#[test]
fn a_declaration_file_without_a_default_gets_a_synthetic_one_where_the_tsconfig_allows_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dts-synthetic-default");
    let report = check_json(&root);
    let found = located_messages(&report);
    // `esModuleInterop` lets `import graph from "fbgraph"` take src/types/fbgraph.d.ts (reached
    // through `paths` "*", only named exports) as the CommonJS module it describes, and the
    // self-import of express-session-types.d.ts likewise; that self-import, in a file nothing
    // runs, is no import cycle either. A `.ts` source without a default has none, and the
    // legacy tool's tsconfig sets no interop option, so its default import of a declaration
    // compiles to `require("pdf-table").default`: both stay errors.
    assert_eq!(
        found,
        [
            "src/app.ts:2 `./lib/geo` has no default export",
            "tools/legacy-report/src/report.ts:1 `pdf-table` has no default export",
        ],
        "{found:#?}"
    );
    // Nothing else: no import-cycle on the self-importing declaration file.
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(2),
        "{report:#}"
    );
    insta::assert_json_snapshot!(missing_exports(&report));
}
