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

/// Lines of one rule, for assertions.
fn lines_of<'a>(lines: &'a [String], rule: &str) -> Vec<&'a String> {
    lines
        .iter()
        .filter(|l| l.contains(&format!(" {rule} ")))
        .collect()
}

#[test]
fn npm_workspace_hoisting_makes_phantom_imports_warnings_and_uninstalled_ones_errors() {
    let json = check_json("fixtures/phantom-npm-workspace");
    let lines = finding_lines(&json);
    // `zod` is declared by packages/shared and `debug` installed for express: npm hoists both
    // to the root node_modules, so the app runs today.
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 2, "{lines:#?}");
    assert!(
        phantom.iter().all(|l| l.starts_with("warning ")),
        "{lines:#?}"
    );
    assert!(
        phantom
            .iter()
            .any(|l| l.contains("`zod`") && l.contains("packages/shared/package.json")),
        "{lines:#?}"
    );
    assert!(
        phantom
            .iter()
            .any(|l| l.contains("`debug`") && l.contains("package-lock.json")),
        "{lines:#?}"
    );
    // `slugify` is in no manifest and no lockfile: nothing installs it.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ") && unlisted[0].contains("`slugify`"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("phantom_npm_workspace", lines);
}

#[test]
fn pnpm_isolated_workspace_makes_a_phantom_import_an_error_unless_publicly_hoisted() {
    let json = check_json("fixtures/phantom-pnpm-strict");
    let lines = finding_lines(&json);
    // pnpm links `zod` only into packages/shared: the import fails in apps/api.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("`zod`")
            && unlisted[0].contains("packages/shared/package.json"),
        "{lines:#?}"
    );
    // pnpm 9 hoists `*eslint*` packages to the root node_modules by default.
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 1, "{lines:#?}");
    assert!(
        phantom[0].contains("`eslint-config-prettier`") && phantom[0].contains("*eslint*"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("phantom_pnpm_strict", lines);
}

#[test]
fn files_a_vite_glob_loads_as_urls_or_text_are_snippets_whose_imports_are_not_checked() {
    let json = check_json("fixtures/vite-asset-snippets");
    let lines = finding_lines(&json);
    // content/**/+assets/** is loaded with `query: '?url'`, content/03-hello/hello.js with
    // `?raw`: exercise files, not modules of the build.
    assert!(
        !lines.iter().any(|l| l.contains(" content/")
            && (l.contains("unresolved-import") || l.contains("unlisted-dependency"))),
        "{lines:#?}"
    );
    // The app's own broken import is still found.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(unresolved[0].contains("src/main.js"), "{lines:#?}");
    insta::assert_debug_snapshot!("vite_asset_snippets", lines);
}

#[test]
fn a_file_a_build_script_copies_into_build_output_has_its_imports_read_from_there() {
    let json = check_json("fixtures/build-copied-server");
    let lines = finding_lines(&json);
    // server/main.js is copied to build/server/ (git-ignored, absent) by scripts/build.sh and
    // run there: `./router.js` is rollup's output, one info naming the script.
    let generated = lines_of(&lines, "generated-import");
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].contains("server/main.js")
            && generated[0]
                .contains("scripts/build.sh copies `server/main.js` to `build/server/main.js`"),
        "{lines:#?}"
    );
    // `./port.js` resolves next to the source; lib/banner.js is copied into public/, which is
    // committed, not build output: its missing `./ascii.js` is still an error.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(unresolved[0].contains("lib/banner.js"), "{lines:#?}");
    insta::assert_debug_snapshot!("build_copied_server", lines);
}

#[test]
fn a_template_the_workspace_excludes_resolves_escaping_imports_from_its_copies() {
    let json = check_json("fixtures/workspace-template");
    let lines = finding_lines(&json);
    // templates/preset is copied into packages/connectors/<name>/: from there
    // `../../../tsup.shared.config.js` is the root's file. An info, naming the exclusion.
    let generated = lines_of(&lines, "generated-import");
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].contains("templates/preset/tsup.config.ts")
            && generated[0].contains("`!packages/connectors/templates`"),
        "{lines:#?}"
    );
    // A file that exists from neither place, and a member's own broken import, stay errors.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 2, "{lines:#?}");
    assert!(unresolved[0].contains("tsup.banner.js"), "{lines:#?}");
    assert!(
        unresolved[1].contains("packages/core/tsup.config.ts"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("workspace_template", lines);
}
