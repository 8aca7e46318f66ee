//! Resolution the way the real toolchain does it, on reduced real-world projects
//! (fixtures/repro-*: each was a false alarm) and a pnpm workspace whose packages are unbuilt:
//! workspace packages without install, tsconfig `paths` scoped to their project, bundler
//! aliases, virtual modules and generated code.

use std::process::{Command, Output};

fn treeaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the treeaudit binary runs")
}

fn check_json(fixture: &str) -> serde_json::Value {
    let output = treeaudit(&["check", fixture, "--format", "json", "--no-cache"]);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json on {fixture} printed invalid JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `rule file: message` of every finding, for snapshots that read like the text report.
fn finding_lines(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}: {}",
                f["severity"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const RESOLUTION_RULES: &[&str] = &[
    "unresolved-import",
    "unlisted-dependency",
    "missing-export",
    "case-mismatch",
];

fn assert_no_resolution_errors(fixture: &str) -> Vec<String> {
    let json = check_json(fixture);
    let lines = finding_lines(&json);
    let wrong: Vec<&String> = lines
        .iter()
        .filter(|l| {
            RESOLUTION_RULES
                .iter()
                .any(|r| l.contains(&format!(" {r} ")))
        })
        .collect();
    assert!(wrong.is_empty(), "{fixture}: {wrong:#?}");
    lines
}

#[test]
fn paths_key_of_a_nested_project_does_not_leak_to_other_packages() {
    let lines = assert_no_resolution_errors("fixtures/repro-01a-paths-key-leaks-across-packages");
    insta::assert_debug_snapshot!("repro_01a", lines);
}

#[test]
fn exact_paths_key_matches_only_itself_and_falls_back_to_the_package() {
    let lines = assert_no_resolution_errors("fixtures/repro-01b-paths-exact-key-prefix-match");
    insta::assert_debug_snapshot!("repro_01b", lines);
}

#[test]
fn exact_paths_key_does_not_match_a_subpath_which_resolves_in_the_workspace() {
    let lines = assert_no_resolution_errors("fixtures/repro-01c-paths-exact-key-on-subpath");
    insta::assert_debug_snapshot!("repro_01c", lines);
}

#[test]
fn workspace_subpath_import_is_a_graph_edge() {
    let lines =
        assert_no_resolution_errors("fixtures/repro-02-workspace-subpath-import-not-an-edge");
    assert!(
        !lines.iter().any(|l| l.contains("packages/db/sub.ts")),
        "packages/db/sub.ts must be reachable: {lines:#?}"
    );
    insta::assert_debug_snapshot!("repro_02", lines);
}

#[test]
fn uninstalled_base_tsconfig_keeps_the_local_paths_and_is_reported_once() {
    let lines =
        assert_no_resolution_errors("fixtures/repro-03-tsconfig-extends-uninstalled-drops-paths");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("invalid-tsconfig"))
            .count(),
        1,
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("repro_03", lines);
}

#[test]
fn prisma_output_is_generated_code_reported_once_as_info() {
    let lines = assert_no_resolution_errors("fixtures/repro-04-generated-code");
    let generated: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("generated-import"))
        .collect();
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(generated[0].starts_with("info "), "{generated:?}");
    assert!(generated[0].contains("prisma generate"), "{generated:?}");
    insta::assert_debug_snapshot!("repro_04", lines);
}

#[test]
fn vite_aliases_and_plugin_virtual_modules_resolve() {
    let lines = assert_no_resolution_errors("fixtures/repro-05-vite-alias-virtual-modules");
    insta::assert_debug_snapshot!("repro_05", lines);
}

#[test]
fn unbuilt_workspace_packages_resolve_to_source_and_are_checked_like_local_files() {
    let json = check_json("fixtures/workspace-unbuilt");
    let lines = finding_lines(&json);
    // `deleteUser` is not exported by @acme/db (whose dist/ was never built): found through
    // exports → dist/index.d.ts → src/index.ts.
    assert!(
        lines.iter().any(|l| l.contains("missing-export")
            && l.contains("apps/api/src/routes/users.ts")
            && l.contains("deleteUser")),
        "{lines:#?}"
    );
    // @acme/db ⇄ @acme/auth: a file-level cycle and a package-level one.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("import-cycle") && l.contains("packages/")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("workspace-cycle")),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("unresolved-import") || l.contains("unreachable-file")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("workspace_unbuilt", lines);
}

#[test]
fn graph_shows_cross_package_edges() {
    let output = treeaudit(&[
        "graph",
        "fixtures/workspace-unbuilt",
        "--format",
        "json",
        "--no-cache",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("packages/db/src/migrate.ts"), "{text}");
}

#[test]
fn strict_generated_turns_generated_imports_into_errors() {
    let output = treeaudit(&[
        "check",
        "fixtures/repro-04-generated-code",
        "--format",
        "json",
        "--no-cache",
        "--strict-generated",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let lines = finding_lines(&json);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error generated-import")),
        "{lines:#?}"
    );
}
