//! Parsing you can trust: grammar gaps are not syntax errors, component script blocks are
//! read, and hostile inputs cost bounded time without losing an import.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn treeaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the treeaudit binary runs")
}

fn check_json(path: &str) -> serde_json::Value {
    let output = treeaudit(&[
        "check",
        path,
        "--format",
        "json",
        "--no-cache",
        "--threads",
        "1",
    ]);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check on {path} printed invalid JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `(rule, file, line)` of every finding.
fn findings(json: &serde_json::Value) -> Vec<(String, String, u64)> {
    json["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn styled_components_variance_and_jsx_ampersands_are_not_syntax_errors() {
    for fixture in [
        "fixtures/repro-06a-grammar-gaps",
        "fixtures/repro-06b-grammar-gaps",
    ] {
        let json = check_json(fixture);
        let found = findings(&json);
        assert!(found.is_empty(), "{fixture}: {found:#?}");
        let gaps = json["summary"]["grammar_gaps"].as_u64();
        assert!(
            gaps.is_some_and(|n| n > 0),
            "{fixture}: {}",
            json["summary"]
        );
    }
    insta::assert_json_snapshot!(
        "repro_06a_findings",
        findings(&check_json("fixtures/repro-06a-grammar-gaps"))
    );
}

#[test]
fn a_script_that_stops_parsing_inside_ejs_tags_is_a_template_not_a_syntax_error() {
    let json = check_json("fixtures/ejs-templated-script");
    // templates/padBootstrap.js is rendered by the server with ejs before it is JavaScript:
    // it is listed as not analysed, with the reason. routes/pages.js holds EJS tags in a string
    // literal and parses; routes/admin.js holds one too, but stops parsing at a missing `)`
    // elsewhere on the line: a genuine syntax error.
    let skipped: Vec<(&str, &str)> = json["skipped"]
        .as_array()
        .expect("skipped is an array")
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap_or(""),
                s["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:#?}");
    assert_eq!(skipped[0].0, "templates/padBootstrap.js");
    assert!(skipped[0].1.contains("EJS"), "{skipped:#?}");
    let found = findings(&json);
    assert_eq!(
        found,
        [(
            "syntax-error".to_string(),
            "node/routes/admin.js".to_string(),
            7
        )],
    );
    insta::assert_json_snapshot!("ejs_templated_script", json["skipped"]);
}

#[test]
fn flow_typed_javascript_is_noted_not_reported_as_a_syntax_error() {
    let json = check_json("fixtures/flow-babel-adapters");
    // server/ strips Flow with Babel (.babelrc) and has a .flowconfig: its annotated .js, with
    // a pragma or without, is a note. scripts/release-notes.js is Flow by its `// @flow`
    // pragma alone. scripts/changelog.js is plain JavaScript with a missing `)`.
    let severity_of = |file: &str| -> Vec<String> {
        json["findings"]
            .as_array()
            .expect("findings is an array")
            .iter()
            .filter(|f| f["rule"] == "syntax-error" && f["file"] == file)
            .map(|f| f["severity"].as_str().unwrap_or("").to_string())
            .collect()
    };
    for file in [
        "server/src/index.js",
        "server/src/Adapters/AdapterLoader.js",
        "scripts/release-notes.js",
    ] {
        assert_eq!(severity_of(file), ["info"], "{file}: {json:#}");
    }
    assert_eq!(severity_of("scripts/changelog.js"), ["error"], "{json:#}");
    // The error-tolerant parse still gives the Flow files' imports: the loader is reachable.
    let found = findings(&json);
    assert!(
        !found
            .iter()
            .any(|(rule, file, _)| rule != "syntax-error" && file.starts_with("server/src/")),
        "{found:#?}"
    );
    insta::assert_json_snapshot!("flow_babel_adapters", json["findings"]);
}

#[test]
fn vue_svelte_and_astro_imports_are_resolved_at_their_lines() {
    let json = check_json("fixtures/component-islands");
    let found = findings(&json);
    insta::assert_json_snapshot!("component_islands_findings", found);
    let unresolved: Vec<(&str, u64)> = found
        .iter()
        .filter(|(rule, _, _)| rule == "unresolved-import")
        .map(|(_, file, line)| (file.as_str(), *line))
        .collect();
    assert_eq!(
        unresolved,
        [
            ("src/components/Counter.svelte", 3),
            ("src/components/Greeting.vue", 8),
            ("src/pages/index.astro", 5),
        ]
    );
    // What the components import is reached through them.
    assert!(
        !found.iter().any(|(rule, _, _)| rule == "unreachable-file"),
        "{found:#?}"
    );
}

/// A hostile file: `(name, source)` whose one import sits at the deepest point.
fn hostile_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "concat.js",
            format!(
                "module.exports = require('./missing-concat'){};\n",
                " + \"abc\"".repeat(40_000)
            ),
        ),
        (
            "calls.js",
            format!(
                "{}require('./missing-calls'){};\n",
                "f(".repeat(64_000),
                ")".repeat(64_000)
            ),
        ),
        (
            "members.js",
            format!("require('./missing-members'){};\n", ".b".repeat(200_000)),
        ),
        (
            "arrows.js",
            format!(
                "module.exports = {}require('./missing-arrows');\n",
                "() => ".repeat(50_000)
            ),
        ),
    ]
}

#[test]
fn hostile_files_finish_quickly_and_keep_their_deep_imports() {
    // Unoptimised test builds are several times slower than a release build.
    let budget = Duration::from_secs(if cfg!(debug_assertions) { 15 } else { 2 });
    for (name, source) in hostile_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(name), &source).expect("write");
        let root = dir.path().to_str().expect("utf-8 temp path");
        let started = Instant::now();
        let json = check_json(root);
        let elapsed = started.elapsed();
        assert!(elapsed < budget, "{name}: {elapsed:?}");
        let unresolved: Vec<String> = json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "unresolved-import")
            .map(|f| f["specifier"].as_str().unwrap_or("").to_string())
            .collect();
        let stem = Path::new(name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        assert_eq!(unresolved, [format!("./missing-{stem}")], "{name}");
    }
}
