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
fn unocss_virtual_css_ids_are_served_but_an_undeclared_reset_package_is_not() {
    let lines = finding_lines(&check_json("fixtures/vite-unocss-virtual-css"));
    // `uno.css`, `uno:preflights.css` and `virtual:uno.css` come from the plugin that the
    // sibling configs package declares; they look like packages but are not.
    assert!(
        !lines.iter().any(|l| l.contains("`uno")),
        "UnoCSS ids must not be reported: {lines:#?}"
    );
    // The reset stylesheet is a real package the frontend never declared.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error unlisted-dependency")
                && l.contains("packages/frontend/src/main.ts:6")
                && l.contains("@unocss/reset")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vite_unocss_virtual_css", lines);
}

#[test]
fn relative_import_into_node_modules_is_install_output_but_a_typo_beside_it_is_an_error() {
    let lines = finding_lines(&check_json("fixtures/workspace-prisma-node-modules-path"));
    // `../../../node_modules/.prisma/client/index.d`: what `prisma generate` writes on install.
    let generated: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("node_modules/.prisma"))
        .collect();
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].starts_with("info generated-import")
            && generated[0].contains("prisma generate"),
        "{generated:?}"
    );
    // `../seeds` names a tree file that does not exist (it is `seed.ts`).
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error unresolved-import")
                && l.contains("packages/prisma/client/index.d.ts:4")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("workspace_prisma_node_modules_path", lines);
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

/// Asserts that `rule` reports exactly one finding, an error whose line holds every fragment.
fn assert_one_error(lines: &[String], rule: &str, fragments: &[&str]) {
    let found = lines_of(lines, rule);
    assert_eq!(found.len(), 1, "{rule}: {lines:#?}");
    assert!(
        found[0].starts_with("error ") && fragments.iter().all(|f| found[0].contains(f)),
        "{rule} {fragments:?}: {lines:#?}"
    );
}

/// The package each `unlisted-dependency` finding names, in finding order.
fn unlisted_packages(lines: &[String]) -> Vec<&str> {
    lines_of(lines, "unlisted-dependency")
        .into_iter()
        .filter_map(|l| l.split('`').nth(1))
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
    // pnpm links `zod` only into packages/shared: the import fails in apps/api. An ES module
    // config importing webpack-merge fails too: NODE_PATH serves `require` only.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 2, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("`zod`")
            && unlisted[0].contains("packages/shared/package.json"),
        "{lines:#?}"
    );
    assert!(
        unlisted[1].contains("`webpack-merge`") && unlisted[1].contains("webpack.prod.config.mjs"),
        "{lines:#?}"
    );
    // pnpm 9 hoists `*eslint*` packages to the root node_modules by default; a config the
    // webpack CLI loads through pnpm's bin shim sees every installed package on NODE_PATH.
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 2, "{lines:#?}");
    assert!(
        phantom[0].contains("`eslint-config-prettier`") && phantom[0].contains("*eslint*"),
        "{lines:#?}"
    );
    assert!(
        phantom[1].contains("`webpack-merge`") && phantom[1].contains("webpack.config.cjs"),
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

#[test]
fn a_scaffold_template_a_cli_copies_declares_its_packages_in_the_project_it_creates() {
    let json = check_json("fixtures/cli-scaffold-template");
    let lines = finding_lines(&json);
    // src/templates/next-app is copied by `cp -r src/templates/next*` (a glob), excluded from
    // the package's tsconfig and holds a tsconfig of its own: its `next` and `zod` are the
    // created project's packages. One info, naming the evidence, and no unreachable files.
    let generated = lines_of(&lines, "generated-import");
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].contains("`src/templates/next-app` is a scaffold template")
            && generated[0].contains("tsconfig.json excludes it (`src/templates`)")
            && generated[0].contains("(3 more imports)"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("src/templates/") && !l.contains("generated-import")),
        "{lines:#?}"
    );
    // src/scripts is copied and excluded too, but is no project of its own: it runs from
    // dist/ (postinstall) and its undeclared `chalk` stays an error, as does the CLI's `kleur`.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 2, "{lines:#?}");
    assert!(
        unlisted[0].contains("`kleur`") && unlisted[1].contains("src/scripts/postinstall.js"),
        "{lines:#?}"
    );
    // A dead file of the CLI itself is still unreachable.
    let unreachable = lines_of(&lines, "unreachable-file");
    assert_eq!(unreachable.len(), 1, "{lines:#?}");
    assert!(
        unreachable[0].contains("src/commands/upgrade.ts"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("cli_scaffold_template", lines);
}

#[test]
fn a_folder_of_workspace_members_is_never_a_scaffold_template() {
    // The root's build script names `packages/` by path and the root ships it by `files`, and
    // no root tsconfig includes it: template evidence, but the folder holds the workspace's
    // members (logto's `packages/`). Its own files stay checked: vitest is declared nowhere.
    let lines = finding_lines(&check_json("fixtures/workspace-packages-named-by-path"));
    assert!(
        lines_of(&lines, "generated-import").is_empty(),
        "{lines:#?}"
    );
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("packages/vitest.shared.js")
            && unlisted[0].contains("`vitest`"),
        "{lines:#?}"
    );
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(unresolved[0].contains("`./audit`"), "{lines:#?}");
}

#[test]
fn a_template_a_cli_copies_in_code_and_ships_by_files_is_a_scaffold_template() {
    let json = check_json("fixtures/cli-runtime-template");
    let lines = finding_lines(&json);
    // template/ is copied by `fs.copySync(path.join(PKG_ROOT, "template/extras/…"))` in
    // src/index.ts, shipped by `"files"` and left out by the tsconfig's `include` (the
    // type-aware lint tsconfig that lists it compiles nothing): no script copies it, no
    // tsconfig excludes it and it holds no project of its own. Its fragments' `~/env`,
    // `./index.module.css` (placed beside the copy) and `eslint-plugin-drizzle` are one info.
    let generated = lines_of(&lines, "generated-import");
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].contains("`template` is a scaffold template")
            && generated[0].contains("src/index.ts names it")
            && generated[0].contains("package.json `files` ships it (`template`)")
            && generated[0].contains("no tsconfig of the package includes it")
            && generated[0].contains("(2 more imports)"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains(" template/") && !l.contains("generated-import")),
        "{lines:#?}"
    );
    // Twins: assets/ is only shipped by "files" (and outside the tsconfig), and src/loaders is
    // named in a path.join and shipped but compiled by the tsconfig: their broken imports and
    // undeclared packages stay errors.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 2, "{lines:#?}");
    assert!(
        unresolved[0].contains("assets/banner.js")
            && unresolved[1].contains("src/loaders/registry.ts"),
        "{lines:#?}"
    );
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 2, "{lines:#?}");
    assert!(
        unlisted[0].contains("`chalk`") && unlisted[1].contains("`kleur`"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("cli_runtime_template", lines);
}

#[test]
fn workspace_subpath_exports_follow_tsc_mirror_types_field_and_generated_dirs() {
    let json = check_json("fixtures/workspace-exports-subpaths");
    let lines = finding_lines(&json);
    // `./types` → `./dist/types/index.js` is tsc's mirror of src/types/index.ts (not the
    // package root), whose `export *` reaches @shop/types' declarations through its `types`
    // field (tsc reads it before `main`, a `module.exports = {}` stub).
    let missing = lines_of(&lines, "missing-export");
    assert_eq!(missing.len(), 1, "{lines:#?}");
    // The real gap is still found: @shop/framework exports no `createServer`.
    assert!(
        missing[0].contains("apps/admin/src/main.ts") && missing[0].contains("`createServer`"),
        "{lines:#?}"
    );
    // `./recipes` maps into styled-system/, which `panda codegen` writes (git-ignored): it is
    // generated code, not src/recipes/index.ts (whose exports are other names).
    let generated = lines_of(&lines, "generated-import");
    assert!(
        generated
            .iter()
            .any(|l| l.contains("packages/ui/styled-system") && l.contains("prebuild")),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("unresolved-import")),
        "{lines:#?}"
    );
    // tshy's `bin: ./dist/esm/index.js` is src/index.ts: the CLI's files are reachable.
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("unreachable-file") && l.contains("packages/cli/")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("workspace_exports_subpaths", lines);
}

#[test]
fn nuxt_serves_its_hoisted_packages_and_scans_the_app_directory() {
    let json = check_json("fixtures/nuxt4-pnpm-app");
    let lines = finding_lines(&json);
    // Nuxt's `typescript.hoist` packages (vue-router, h3, @nuxt/schema) are importable from
    // the app without a declaration, even under pnpm's isolated layout.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    // dayjs is not one of them: pnpm does not link it into the app.
    assert!(
        unlisted[0].starts_with("error ") && unlisted[0].contains("`dayjs`"),
        "{lines:#?}"
    );
    // Nuxt 4 scans app/ (components, composables, pages, plugins) and registers modules/.
    assert!(
        !lines.iter().any(|l| l.contains("unreachable-file")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("nuxt4_pnpm_app", lines);
}

#[test]
fn try_guarded_requires_and_workflow_installed_packages_are_not_unlisted() {
    let json = check_json("fixtures/optional-require-and-ci-scripts");
    let lines = finding_lines(&json);
    let packages = unlisted_packages(&lines);
    // `@notify/ee-translation` is required inside try/catch; `@octokit/action` is installed
    // by the workflow step (`npm --prefix .github/workflows/scripts install`) before the
    // script runs; `prisma` by the migration image (`npm install -g` with `NODE_PATH` set).
    // `marked` and `semver` are installed by nothing, and `pm2` only globally in an image
    // without `NODE_PATH`, where `require('pm2')` fails.
    assert_eq!(packages, vec!["semver", "marked", "pm2"], "{lines:#?}");
    // scripts/seed.mts (Node ESM) gets `module.exports` as the default of the CommonJS
    // src/db.ts; the ES module settings.mts has no default export.
    let missing = lines_of(&lines, "missing-export");
    assert_eq!(missing.len(), 1, "{lines:#?}");
    assert!(
        missing[0].contains("scripts/seed.mts") && missing[0].contains("`./settings.mts`"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("optional_require_and_ci_scripts", lines);
}

#[test]
fn requires_on_the_module_system_branches_of_a_umd_wrapper_are_optional() {
    let json = check_json("fixtures/umd-vendored-bundle");
    let lines = finding_lines(&json);
    // public/js/lib/widget.min.js (bootstrap 4's minified wrapper) and sparkline.js (webpack's
    // `webpackUniversalModuleDefinition`) require jquery, popper.js and moment only on the
    // branch a CommonJS loader takes; the browser that loads them from the Pug layout takes
    // the globals branch. So do the CodeMirror modes, though htmlmixed.js's CommonJS branch
    // names xml.js: a branch that never runs imports nothing. So do the CodeMirror modes, though htmlmixed.js's CommonJS branch
    // names xml.js: a branch that never runs imports nothing. The server's own requires stay errors: nodemailer at top level,
    // sharp behind `typeof window` (which tells browser from server, not module systems), and
    // validator in src/shared/validate.js, a UMD module the server requires, so Node takes
    // its CommonJS branch.
    assert_eq!(
        unlisted_packages(&lines),
        vec!["nodemailer", "sharp", "validator"],
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("public/js/lib/")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("umd_vendored_bundle", lines);
}

#[test]
fn mintlify_root_absolute_snippet_imports_resolve_from_the_docs_site() {
    let json = check_json("fixtures/mintlify-docs");
    let lines = finding_lines(&json);
    // `/snippets/prerequisites.mdx` is docs/snippets/prerequisites.mdx (docs.json is there);
    // `/snippets/useful-next-steps.mdx` does not exist.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("docs/guides/nextjs.mdx")
            && unresolved[0].contains("/snippets/useful-next-steps.mdx"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("mintlify_docs", lines);
}

#[test]
fn nested_yarn_project_inherits_the_parent_node_linker_and_yarn_files_are_not_audited() {
    let json = check_json("fixtures/yarn-berry-nested-project");
    let lines = finding_lines(&json);
    // www/.yarnrc.yml sets no nodeLinker: Yarn merges the parent's `node-modules`, which
    // hoists, so book's undeclared next-mdx-remote is a phantom warning, not an error.
    // `import type … from "mdx/types"` needs `@types/mdx`, which the lockfile installs.
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 2, "{lines:#?}");
    assert!(phantom[0].contains("`@types/mdx`"), "{lines:#?}");
    assert!(phantom[1].contains("`next-mdx-remote`"), "{lines:#?}");
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(unlisted[0].contains("`slugify`"), "{lines:#?}");
    // .yarn/plugins/*.cjs get `require` from Yarn itself.
    assert!(!lines.iter().any(|l| l.contains(".yarn/")), "{lines:#?}");
    insta::assert_debug_snapshot!("yarn_berry_nested_project", lines);
}

#[test]
fn a_shared_base_tsconfig_repaired_behind_a_workspace_link_keeps_the_apps_paths() {
    // rallly apps/landing: `@acme/tsconfig/next.json` extends the uninstalled `@tsconfig/next`;
    // the app's tsconfig reads it through the package link and used to lose its `paths`.
    let lines = finding_lines(&check_json(
        "fixtures/repro-13-tsconfig-base-through-workspace-link",
    ));
    let unresolved: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" unresolved-import "))
        .collect();
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("apps/landing/src/app/blog/page.tsx:3")
            && unresolved[0].contains("@/components/site-footer"),
        "{unresolved:#?}"
    );
    let invalid: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" invalid-tsconfig "))
        .collect();
    assert_eq!(invalid.len(), 1, "{lines:#?}");
    assert!(
        invalid[0].contains("packages/tsconfig/next.json:4"),
        "{invalid:#?}"
    );
    insta::assert_debug_snapshot!("repro_13", lines);
}

#[test]
fn a_workspace_package_named_like_a_registry_dependency_does_not_capture_it() {
    // rallly: a leftover `packages/dayjs` (0.0.0) while the apps declare `dayjs: ^1.11.13` and
    // the lockfile installs dayjs 1.11.19. packages/ui declares it as `catalog:`, which stands
    // for the catalog's ^1.11.13 in pnpm-workspace.yaml. `workspace:*` and a matching range stay
    // linked.
    let lines = finding_lines(&check_json(
        "fixtures/repro-14-workspace-name-shadows-registry",
    ));
    let unresolved: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" unresolved-import "))
        .collect();
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("apps/web/src/routes/event.ts:3")
            && unresolved[0].contains("@acme/ui/button"),
        "{unresolved:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("dayjs")), "{lines:#?}");
    insta::assert_debug_snapshot!("repro_14", lines);
}

#[test]
fn a_workspace_glob_into_generated_output_makes_its_package_generated_and_its_hoists_phantoms() {
    // wasp-lang/open-saas: `"workspaces": [".wasp/out/*", ".wasp/out/sdk/wasp"]` point into the
    // git-ignored output of `wasp start`; the SDK package `wasp` and what the generated packages
    // depend on (`express`, `@prisma/client`, hoisted by npm) are absent from a checkout.
    let lines = finding_lines(&check_json("fixtures/wasp-generated-workspace"));
    let generated = lines_of(&lines, "generated-import");
    assert_eq!(generated.len(), 1, "{lines:#?}");
    assert!(
        generated[0].contains("`app/.wasp/out/sdk/wasp` is generated by Wasp")
            && generated[0].contains("(4 more imports)"),
        "{lines:#?}"
    );
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 3, "{lines:#?}");
    assert!(
        phantom.iter().all(|l| l.starts_with("warning ")),
        "{lines:#?}"
    );
    assert!(phantom[0].contains("`express`"), "{lines:#?}");
    assert!(phantom[1].contains("`@prisma/client`"), "{lines:#?}");
    // The sibling blog has no generated workspace: its undeclared import is still an error.
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ") && unlisted[0].contains("blog/src/build.js:2: `slugify`"),
        "{lines:#?}"
    );
    // Wasp's `*.wasp.ts` spec is read by the compiler (its devDependency `@wasp.sh/spec` is
    // fine there); a seed script's devDependency is still reported.
    let dev = lines_of(&lines, "dev-dependency-at-runtime");
    assert_eq!(dev.len(), 1, "{lines:#?}");
    assert!(dev[0].contains("app/src/server/seed.ts:1"), "{lines:#?}");
    // Wasp's client env prefix is `REACT_APP_`.
    let exposed = lines_of(&lines, "client-env-exposure");
    assert_eq!(exposed.len(), 1, "{lines:#?}");
    assert!(
        exposed[0].contains("`ANALYTICS_ADMIN_KEY`") && exposed[0].contains("`REACT_APP_` prefix"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("wasp_generated_workspace", lines);
}

#[test]
fn codemod_fixture_pairs_are_test_data_but_a_lone_input_module_is_code() {
    // payload packages/codemod: `basic.input.ts`/`basic.output.ts` (and jscodeshift's
    // `__testfixtures__/`) are sources a spec reads as text; their imports name nothing. So
    // is the lone `non-matching.input.ts` beside such a pair (a case the transform skips).
    let lines = finding_lines(&check_json("fixtures/codemod-fixtures"));
    assert!(
        !lines.iter().any(|l| l.contains("basic.")
            || l.contains("non-matching")
            || l.contains("some-other-package")
            || l.contains("__testfixtures__")),
        "{lines:#?}"
    );
    // `options.input.ts` has no `.output` sibling, and the `report.input.ts`/`report.output.ts`
    // pair is imported by production code: both are code, and their broken imports are errors.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 2, "{lines:#?}");
    assert!(
        unresolved[0].starts_with("error ")
            && unresolved[0].contains("src/forms/options.input.ts:2")
            && unresolved[0].contains("../parsers/index.js"),
        "{lines:#?}"
    );
    assert!(
        unresolved[1].starts_with("error ")
            && unresolved[1].contains("src/forms/report.output.ts:3")
            && unresolved[1].contains("../summary/index.js"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("codemod_fixtures", lines);
}

#[test]
fn a_project_outside_the_workspace_gets_the_registry_package_its_spec_names() {
    // payload examples/multi-tenant: not a workspace member, its own lockfile, `"latest"`
    // (3.28.0, which exports `TenantSelector`); the workspace HEAD source renamed it.
    let lines = finding_lines(&check_json("fixtures/nonmember-example-registry-spec"));
    assert!(
        !lines.iter().any(|l| l.contains("examples/multi-tenant/")),
        "{lines:#?}"
    );
    // A member (`workspace:*`) and a project that links the source (`link:`) use HEAD.
    let missing = lines_of(&lines, "missing-export");
    assert_eq!(missing.len(), 2, "{lines:#?}");
    assert!(
        missing[0].starts_with("error ") && missing[0].contains("examples/linked/src/main.js:1"),
        "{lines:#?}"
    );
    assert!(
        missing[1].starts_with("error ")
            && missing[1].contains("packages/admin/src/index.js:2")
            && missing[1].contains("`TenantSelector`"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("nonmember_example_registry_spec", lines);
}

#[test]
fn deno_workspace_members_inherit_the_root_import_map_and_import_each_other_by_name() {
    // denoland/fresh: members with their own `imports` still get every root entry
    // (`@std/path`, `preact`, `@std/expect`) the way Deno merges a workspace's maps, and
    // `@acme/core` / `@acme/core/runtime` (a member's deno.json `name` + `exports`, matched by
    // the root's `./packages/*`) resolve to its files.
    let lines = finding_lines(&check_json("fixtures/deno-workspace"));
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 2, "{lines:#?}");
    // `@std/fs` is in neither the member's map nor the root's: Deno cannot resolve it.
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("packages/core/src/mod.ts:4")
            && unlisted[0].contains("`@std/fs`"),
        "{lines:#?}"
    );
    // `@acme/core` exports `.` and `./runtime`, not `./internal`.
    assert!(
        unlisted[1].starts_with("error ")
            && unlisted[1].contains("packages/plugin-vite/mod.ts:4")
            && unlisted[1].contains("`@acme/core`"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("plugin-vite/mod.ts:1") || l.contains("plugin-vite/mod.ts:2")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("deno_workspace", lines);
}

#[test]
fn a_vite_config_named_by_a_script_config_flag_has_its_aliases_read() {
    // payload test/: `vite build --config vite.tanstack.config.ts` is the app's only Vite
    // config; its `@suite-fns` alias used to be an undeclared package. The specs beside it
    // still run under the root vitest.config.ts, whose `@helpers` alias keeps applying.
    let lines = finding_lines(&check_json("fixtures/vite-config-from-script"));
    assert!(!lines.iter().any(|l| l.contains("@helpers")), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.contains("@suite-fns")),
        "{lines:#?}"
    );
    assert!(
        lines_of(&lines, "unlisted-dependency").is_empty(),
        "{lines:#?}"
    );
    // The same config maps `@suite-seed` to a file that does not exist.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].starts_with("error ")
            && unresolved[0].contains("test/app/main.ts:2")
            && unresolved[0].contains("test/vite.tanstack.config.ts"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vite_config_from_script", lines);
}

#[test]
fn an_alias_whose_replacement_only_the_running_config_computes_is_not_checked() {
    // payload vitest.config.ts: `graphql` is aliased to the directory `createRequire(…)
    // .resolve('graphql/package.json')` finds, which only running the config knows. The
    // tool used to read `.resolve` as `path.resolve` and report `graphql/index.js` missing.
    let lines = finding_lines(&check_json("fixtures/vite-alias-computed"));
    assert!(!lines.iter().any(|l| l.contains("`graphql")), "{lines:#?}");
    // A computable replacement is still checked: nothing is at test/helpers/seed.
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].starts_with("error ")
            && unresolved[0].contains("test/graphql/schema.spec.ts:5")
            && unresolved[0].contains("`@seed`"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vite_alias_computed", lines);
}

#[test]
fn a_webpack_config_a_script_names_in_a_subfolder_aliases_the_whole_package() {
    // requarks/wiki: `webpack --config dev/webpack/webpack.prod.js` runs from the package
    // folder, so `path.join(process.cwd(), 'client/graph')` is <package>/client/graph and the
    // alias reaches client/. Scoped to dev/webpack/ with cwd there, every `gql/…` import was
    // an undeclared package.
    let lines = finding_lines(&check_json(
        "fixtures/webpack-config-in-subfolder-named-by-script",
    ));
    assert!(
        lines_of(&lines, "unlisted-dependency").is_empty(),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("@/store/user")),
        "{lines:#?}"
    );
    // The same alias names client/store/session, which does not exist.
    assert_one_error(
        &lines,
        "unresolved-import",
        &[
            "client/index-app.js:5",
            "dev/webpack/webpack.prod.js",
            "`client/store/session`",
        ],
    );
    insta::assert_debug_snapshot!("webpack_config_in_subfolder_named_by_script", lines);
}

#[test]
fn a_bundler_alias_into_node_modules_names_the_installed_package() {
    // NodeBB: `benchpress` → `node_modules/benchpressjs`. Without an install the folder is
    // absent, like every package's: the declared package is fine, not a missing file.
    let lines = finding_lines(&check_json("fixtures/webpack-alias-into-node-modules"));
    assert!(
        lines_of(&lines, "unresolved-import").is_empty(),
        "{lines:#?}"
    );
    // An alias into the install folder of a package nobody declares is that package, undeclared.
    assert_one_error(
        &lines,
        "unlisted-dependency",
        &["public/src/client/stats.js:1", "`chart.js`"],
    );
    insta::assert_debug_snapshot!("webpack_alias_into_node_modules", lines);
}

#[test]
fn webpack_module_folders_in_a_build_copy_stand_for_the_copied_sources() {
    // NodeBB: the build copies public/src into build/public/src and webpack's
    // `resolve.modules` lists the copy, absent from a checkout: `translator` and
    // `modules/alerts` are public/src's modules, not undeclared packages.
    let lines = finding_lines(&check_json("fixtures/webpack-modules-build-copy"));
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("`translator`") || l.contains("`modules`")),
        "{lines:#?}"
    );
    // A package no folder holds and nobody declares is still one.
    assert_one_error(
        &lines,
        "unlisted-dependency",
        &["public/src/modules/uploader.js:1", "`dropzone`"],
    );
    insta::assert_debug_snapshot!("webpack_modules_build_copy", lines);
}

#[test]
fn a_jest_mapper_swaps_a_package_for_its_mock_in_test_files_only() {
    // hedgedoc frontend: Jest maps `react-bootstrap-icons` to a mock. Production code (and
    // any `import type`) gets the real package, which exports `Icon` and `IconProps`; they
    // were checked against the mock.
    let lines = finding_lines(&check_json("fixtures/jest-mapper-in-tests-only"));
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("`Icon`") || l.contains("`IconProps`")),
        "{lines:#?}"
    );
    // A test still gets the mock, which has no `Bell`.
    assert_one_error(
        &lines,
        "missing-export",
        &["src/components/bell-button.test.tsx:3", "`Bell`"],
    );
    // Production code importing a component that is gone still fails.
    assert_one_error(
        &lines,
        "unresolved-import",
        &["pages/status.tsx:5", "`@/components/ui-badge`"],
    );
    insta::assert_debug_snapshot!("jest_mapper_in_tests_only", lines);
}

#[test]
fn broken_imports_of_archived_files_nothing_runs_are_warnings() {
    let json = check_json("fixtures/archived-migrations");
    let lines = finding_lines(&json);
    // migrations/archives/ (named so, and left out by depcheck `ignoreDirs`), scripts/archived/
    // and legacy/ (named so) and tools/legacy/ (depcheck `ignorePatterns`) hold files no entry
    // runs: the archive script moved them without fixing their relative imports. The lint config's
    // `ignores: ["migrations/archives", …]` names them without running them. The server's
    // live `lib/archive/export.js` and the unreachable `scripts/backfill-fees.js`, in no such
    // folder, keep their errors.
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(
        errors
            .iter()
            .map(|l| l.split(':').next().unwrap_or(""))
            .collect::<Vec<_>>(),
        vec![
            "error unresolved-import scripts/backfill-fees.js",
            "error unresolved-import server/lib/archive/export.js",
        ],
        "{lines:#?}"
    );
    let archived: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("nothing runs this file (no entry reaches it"))
        .collect();
    assert_eq!(archived.len(), 8, "{lines:#?}");
    assert!(archived.iter().all(|l| l.starts_with("warning ")));
    insta::assert_debug_snapshot!("archived_migrations", lines);
}

#[test]
fn a_list_of_imports_nothing_runs_warns_and_a_list_the_server_runs_fails() {
    // test/import-test/v2-imports.ts lists every import a 2.x integration could write, binding
    // names it never uses: red by design for what 3.0 removed, and run by nothing (it holds no
    // test, so the test folder does not make it one). src/polyfills.ts is such a list too, but
    // the server imports it first; scripts/backfill.ts uses what it imports. Both keep errors.
    let lines = finding_lines(&check_json("fixtures/import-checklist"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 2, "{lines:#?}");
    assert!(errors[0].contains("scripts/backfill.ts") && errors[1].contains("src/polyfills.ts"));
    let listed: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("test/import-test/v2-imports.ts"))
        .collect();
    assert_eq!(listed.len(), 3, "{lines:#?}");
    assert!(listed.iter().all(|l| l.starts_with("warning ")
        && l.contains("it only lists imports, binding names it never uses")));
    insta::assert_debug_snapshot!("import_checklist", lines);
}

#[test]
fn sample_projects_in_a_test_fixtures_folder_are_data_not_code() {
    // test/fixtures/next-app and vite-app each hold a package.json: sample projects the CLI
    // under test writes `components/ui/button` into, trimmed to what the tests read (no assets,
    // no clsx). The test's own missing helper is still reported.
    let lines = finding_lines(&check_json("fixtures/cli-test-fixture-projects"));
    assert!(
        !lines.iter().any(|l| l.contains("test/fixtures/")),
        "{lines:#?}"
    );
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("test/detect.test.ts") && errors[0].contains("copy-fixture"));
    insta::assert_debug_snapshot!("cli_test_fixture_projects", lines);
}

#[test]
fn an_es_module_under_nodenext_takes_the_package_over_a_base_url_directory() {
    // `vite` beside a `vite/` folder (with index.ts) under `baseUrl: "."`: ESM has no directory
    // modules, so tsc under NodeNext takes the package. A baseUrl file still resolves, and its
    // missing export is reported.
    let lines = finding_lines(&check_json("fixtures/baseurl-esm-directory-shadow"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("src/main.ts") && errors[0].contains("retryLimit"));
    insta::assert_debug_snapshot!("baseurl_esm_directory_shadow", lines);
}

#[test]
fn k6_scripts_import_the_modules_of_the_k6_runtime() {
    let lines = finding_lines(&check_json("fixtures/k6-load-test-scripts"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`dotenv`"), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("`k6")), "{lines:#?}");
    insta::assert_debug_snapshot!("k6_load_test_scripts", lines);
}

#[test]
fn imports_in_a_declaration_file_need_only_types() {
    // `turndown` inside `declare module "@joplin/turndown" { … }` is typed by the root's
    // @types/turndown; `highlight.js` has neither a declaration nor types.
    let lines = finding_lines(&check_json("fixtures/dts-ambient-module-imports"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`highlight.js`"), "{lines:#?}");
    insta::assert_debug_snapshot!("dts_ambient_module_imports", lines);
}

#[test]
fn a_package_script_run_by_bun_reads_its_package_tsconfig_over_the_root_catch_all() {
    // The root tsconfig includes every .mts file but maps nothing; apps/docs/tsconfig.json maps
    // `@/*` and includes only .ts/.tsx. Bun runs scripts/*.mts with the package's tsconfig.
    let lines = finding_lines(&check_json("fixtures/monorepo-script-package-tsconfig"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`@/registry/bases`"), "{lines:#?}");
    insta::assert_debug_snapshot!("monorepo_script_package_tsconfig", lines);
}

#[test]
fn an_import_into_a_submodule_not_checked_out_is_not_a_missing_file() {
    // src/ee is a submodule (.gitmodules) absent from the checkout: one info names it. A file
    // missing from the tree itself stays an error.
    let lines = finding_lines(&check_json("fixtures/git-submodule-edition"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`../services/html`"), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l.starts_with("info generated-import")
            && l.contains("`src/ee`")
            && l.contains("git submodule")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("git_submodule_edition", lines);
}

#[test]
fn a_file_the_formatter_and_linter_skip_may_be_broken_on_purpose() {
    // fixtures/syntax-error.js is in .prettierignore and oxlint's ignorePatterns, and nothing
    // imports it: a warning. src/legacy/report.js is broken too, imported by nothing, and no
    // tool skips it: an error.
    let lines = finding_lines(&check_json("fixtures/broken-on-purpose-fixture"));
    let syntax = lines_of(&lines, "syntax-error");
    assert_eq!(syntax.len(), 2, "{lines:#?}");
    assert!(syntax[0].starts_with("warning ") && syntax[0].contains("fixtures/syntax-error.js"));
    assert!(syntax[1].starts_with("error ") && syntax[1].contains("src/legacy/report.js"));
    insta::assert_debug_snapshot!("broken_on_purpose_fixture", lines);
}

#[test]
fn exports_under_a_custom_condition_the_tsconfig_enables_resolve() {
    // `source` comes from customConditions in the shared tsconfig the app extends; nothing
    // enables `storybook`.
    let lines = finding_lines(&check_json("fixtures/custom-export-conditions"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`@x/icons`"), "{lines:#?}");
    insta::assert_debug_snapshot!("custom_export_conditions", lines);
}

#[test]
fn a_placeholder_module_typed_ambiently_is_not_a_package_to_install() {
    let lines = finding_lines(&check_json("fixtures/ambient-placeholder-modules"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`__ANALYTICS__`"), "{lines:#?}");
    insta::assert_debug_snapshot!("ambient_placeholder_modules", lines);
}

#[test]
fn env_reads_a_zod_schema_validates_follow_the_schema_fields() {
    // rawEnv = { X: process.env.X, … }; schema.safeParse(rawEnv): optional and defaulted
    // fields are warnings, the required SESSION_SECRET declared nowhere is the error.
    let lines = finding_lines(&check_json("fixtures/env-schema-validated-object"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`SESSION_SECRET`"), "{lines:#?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("warning undeclared-env") && l.contains("(with a default)"))
            .count(),
        3,
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("env_schema_validated_object", lines);
}

#[test]
fn a_git_ignored_file_a_script_writes_is_generated() {
    // `sandbox:bundle-libraries` runs src/bundle-libraries.js, which names the git-ignored
    // bundle it writes; the root's `postinstall` copies assets/emojis.json into the package;
    // nothing writes polyfills-bundle.js.
    let lines = finding_lines(&check_json("fixtures/gitignored-generated-bundle"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`../polyfills-bundle`"), "{lines:#?}");
    for script in [
        "`npm run sandbox:bundle-libraries`",
        "`npm run postinstall`",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("info generated-import") && l.contains(script)),
            "{script}: {lines:#?}"
        );
    }
    insta::assert_debug_snapshot!("gitignored_generated_bundle", lines);
}

#[test]
fn a_cli_template_type_checked_in_place_warns_about_what_the_cli_writes() {
    // templates/ is named by the CLI (`new URL('../templates', import.meta.url)`), shipped by
    // `files` and holds a project with its own package.json, though the CLI's tsconfig
    // includes it. Its import of `./__generated__/routes` is a warning; the CLI's own missing
    // `./banner.js` is the error.
    let lines = finding_lines(&check_json("fixtures/cli-templates-checked-in-place"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`./banner.js`"), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l
            .starts_with("warning unresolved-import templates/basic/app/root.tsx")
            && l.contains("is a scaffold template")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("cli_templates_checked_in_place", lines);
}

#[test]
fn cli_templates_checked_out_of_the_repository_are_scaffold_templates() {
    // `git sparse-checkout set templates/${name}`: the CLI fetches `templates/` from its own
    // repository, so what the projects there import is completed after the copy (warnings).
    // The CLI's missing `./banner.js` and the unfetched `examples/basic` stay errors.
    let lines = finding_lines(&check_json("fixtures/cli-templates-sparse-checkout"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 2, "{lines:#?}");
    assert!(
        errors.iter().any(|l| l.contains("`./banner.js`")),
        "{lines:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.starts_with("error unresolved-import examples/basic/app/page.tsx")),
        "{lines:#?}"
    );
    let scaffolded = lines
        .iter()
        .filter(|l| l.starts_with("warning ") && l.contains("checks it out of a clone"))
        .count();
    assert_eq!(scaffolded, 3, "{lines:#?}");
    insta::assert_debug_snapshot!("cli_templates_sparse_checkout", lines);
}

#[test]
fn bundler_extensions_let_vue_components_be_imported_without_one() {
    // `resolve.extensions` with `.vue` (Vite) and Nuxt 2's webpack defaults resolve
    // `./App` to `App.vue`; Vite's defaults (admin) and Nuxt 3 (docs) do not.
    let lines = finding_lines(&check_json("fixtures/vue-extensionless-imports"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 3, "{lines:#?}");
    for expected in [
        "apps/admin/src/main.js",
        "apps/dashboard/src/App.vue",
        "apps/docs/pages/index.vue",
    ] {
        assert!(
            errors
                .iter()
                .any(|l| l.starts_with(&format!("error unresolved-import {expected}"))),
            "{expected}: {lines:#?}"
        );
    }
    assert!(
        errors.iter().all(|l| !l.contains("apps/shop/")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vue_extensionless_imports", lines);
}

#[test]
fn a_commonjs_helper_with_a_fallback_defaults_the_env_read() {
    // `module.exports.toNumber = (val, fallback = 0) => …` copes with an unset value;
    // `exports.parseList` calls `val.split` and does not.
    let lines = finding_lines(&check_json("fixtures/env-commonjs-helper-fallback"));
    let env = lines_of(&lines, "undeclared-env");
    assert_eq!(env.len(), 3, "{lines:#?}");
    let errors: Vec<&&String> = env.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("ALLOWED_ORIGINS"), "{lines:#?}");
    insta::assert_debug_snapshot!("env_commonjs_helper_fallback", lines);
}

#[test]
fn a_hoisted_npm_alias_is_installed_under_its_alias() {
    // pnpm `nodeLinker: hoisted`: the sibling's `mantine-react-table` (an `npm:` alias) sits in
    // node_modules under the alias, so an undeclared import of it is a phantom dependency.
    let lines = finding_lines(&check_json("fixtures/pnpm-hoisted-npm-alias"));
    assert_one_error(&lines, "unlisted-dependency", &["`nanoid`"]);
    let phantom = lines_of(&lines, "phantom-dependency");
    assert_eq!(phantom.len(), 2, "{lines:#?}");
    assert!(
        phantom.iter().any(|l| l.contains("`mantine-react-table`")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("pnpm_hoisted_npm_alias", lines);
}

#[test]
fn docusaurus_docs_outside_the_site_use_its_aliases() {
    // `path: '../docs'` in the site's docs plugin: the MDX there is compiled by the site, so
    // `@site/…` is the site folder, not a package; a missing component stays an error.
    let lines = finding_lines(&check_json("fixtures/docusaurus-docs-outside-site"));
    assert_one_error(
        &lines,
        "unresolved-import",
        &["docs/install.mdx", "@site/src/components/Platforms"],
    );
    assert!(
        lines_of(&lines, "unlisted-dependency").is_empty(),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("docusaurus_docs_outside_site", lines);
}

#[test]
fn a_read_a_zod_preprocess_step_returns_takes_the_schema_default() {
    // `z.preprocess(() => process.env.X, z.string().optional().default(…))` parses unset into
    // the default; the same step into a required schema fails when it is unset.
    let lines = finding_lines(&check_json("fixtures/env-zod-preprocess-default"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(
        errors[0].starts_with("error undeclared-env") && errors[0].contains("`WEBHOOK_URL`"),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("warning undeclared-env")
            && l.contains("`POSTHOG_API_HOST` is read (with a default)")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("env_zod_preprocess_default", lines);
}

#[test]
fn vue_files_registered_by_folder_are_reachable() {
    // Nuxt 2's `store/` and unplugin-vue-components' `components/` are loaded by folder; a
    // layout in neither that nothing imports stays unreachable.
    let lines = finding_lines(&check_json("fixtures/vue-auto-registered-files"));
    let unreachable = lines_of(&lines, "unreachable-file");
    assert_eq!(unreachable.len(), 1, "{lines:#?}");
    assert!(
        unreachable[0].contains("panel/frontend/src/layouts/OldLayout.vue"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vue_auto_registered_files", lines);
}

#[test]
fn imports_the_bundler_builds_or_leaves_to_the_browser() {
    // `?worker` through an alias is a Worker constructor (no missing-export), and a
    // `@vite-ignore` import is a URL the browser loads; a missing worker and a missing bundled
    // dynamic import stay errors.
    let lines = finding_lines(&check_json("fixtures/bundler-left-imports"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 2, "{lines:#?}");
    assert!(
        errors
            .iter()
            .any(|l| l.contains("`@/workers/search?worker`")),
        "{lines:#?}"
    );
    assert!(
        errors.iter().any(|l| l.contains("`./editor/mount.js`")),
        "{lines:#?}"
    );
    assert!(lines_of(&lines, "missing-export").is_empty(), "{lines:#?}");
    insta::assert_debug_snapshot!("bundler_left_imports", lines);
}

#[test]
fn a_manifest_a_workflow_writes_declares_its_scripts_packages() {
    // `cat > .github/scripts/package.json << EOF` in a workflow, then `npm install` there: the
    // scripts' axios, fs-extra and form-data are declared; @slack/web-api is not.
    let lines = finding_lines(&check_json("fixtures/ci-written-scripts-manifest"));
    assert_one_error(
        &lines,
        "unlisted-dependency",
        &["`@slack/web-api`", ".github/scripts/package.json"],
    );
    insta::assert_debug_snapshot!("ci_written_scripts_manifest", lines);
}

#[test]
fn preconstruct_entrypoints_are_public_entries() {
    // `exports` points at flat build output (dist/admin-kit-core-pages-Home.js) with no path
    // back to src/pages/Home/index.tsx; `preconstruct.entrypoints` names the sources. Only the
    // stray OldCard.tsx is unreachable.
    let lines = finding_lines(&check_json("fixtures/preconstruct-entrypoints"));
    let unreachable = lines_of(&lines, "unreachable-file");
    assert_eq!(unreachable.len(), 1, "{lines:#?}");
    assert!(
        unreachable[0].contains("components/OldCard.tsx"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("preconstruct_entrypoints", lines);
}

#[test]
fn a_controller_a_module_wrapping_decorator_lists_is_mounted() {
    // @AppPlugin({ controllers: [ProductsController] }) wraps @Module; OrdersController is in
    // no module's or plugin's list.
    let lines = finding_lines(&check_json("fixtures/nest-plugin-decorator"));
    let unmounted = lines_of(&lines, "unmounted-route");
    assert_eq!(unmounted.len(), 1, "{lines:#?}");
    assert!(
        unmounted[0].contains("src/orders.controller.ts"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("nest_plugin_decorator", lines);
}

#[test]
fn a_code_generators_template_package_is_not_code_of_the_tree() {
    // generator/template/package.json holds `{% for … %}`: one info, and its sources (with
    // `{{ … }}` specifiers and undeclared vitest) are not checked. tools/seed/package.json's
    // trailing comma is the error.
    let lines = finding_lines(&check_json("fixtures/generator-template-package"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(
        errors[0].starts_with("error invalid-manifest tools/seed/package.json"),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("generator/template/src/")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("generator_template_package", lines);
}

#[test]
fn subpath_patterns_of_an_unpublished_package_nothing_depends_on_are_no_entries() {
    // @acme/scripts: `"./*": "./src/*.js"`, no version, no dependents: its files are the
    // scripts its package.json runs, and their env reads are warnings.
    let lines = finding_lines(&check_json("fixtures/scripts-package-exports-pattern"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`SESSION_SECRET`"), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("warning undeclared-env") && l.contains("`STRIPE_SECRET_KEY`")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("scripts_package_exports_pattern", lines);
}

#[test]
fn the_nuxthub_module_generates_its_db_package() {
    // @nuxthub/core is declared: `@nuxthub/db` is its generated package. zod is declared nowhere.
    let lines = finding_lines(&check_json("fixtures/nuxthub-generated-db"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error ")).collect();
    assert_eq!(errors.len(), 1, "{lines:#?}");
    assert!(errors[0].contains("`zod`"), "{lines:#?}");
    insta::assert_debug_snapshot!("nuxthub_generated_db", lines);
}

#[test]
fn vite_root_absolute_imports_resolve_from_public_and_the_vite_root() {
    // The stock create-vite `import viteLogo from '/vite.svg'` is public/vite.svg, and
    // `/src/components/Header.jsx` is relative to the Vite root; `/missing.svg` is in neither.
    let json = check_json("fixtures/vite-public-root-imports");
    let lines = finding_lines(&json);
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("src/components/Header.jsx")
            && unresolved[0].contains("/missing.svg"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vite_public_root_imports", lines);
}

#[test]
fn frameworks_that_build_with_vite_serve_root_absolute_imports_from_their_public_folder() {
    // An Astro site declares `astro`, not `vite`, yet Vite serves its public/ at the root; a
    // SvelteKit app's public folder is static/. Only the badge that exists in neither place
    // (an import the build would fail on) is reported.
    let lines = finding_lines(&check_json("fixtures/vite-framework-public-imports"));
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("apps/landing/src/components/Homepage.tsx")
            && unresolved[0].contains("/google-play-badge.png?url")
            && unresolved[0].contains("apps/landing/public/google-play-badge.png"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("vite_framework_public_imports", lines);
}

#[test]
fn a_type_only_import_may_name_the_other_typescript_extension_a_value_import_may_not() {
    // tsc tries `.tsx` for `./x.ts` and `.ts` for `./x.tsx`; the two type-only imports that
    // lean on it never reach Vite. The value import of `feature.jsx` does, and Vite takes the
    // extension literally: it stays an error, pointing at `feature.ts`.
    let lines = finding_lines(&check_json("fixtures/type-import-extension-swap"));
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].starts_with("error ")
            && unresolved[0].contains("src/component/feature/FeatureView.tsx:7")
            && unresolved[0].contains("feature.jsx"),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("type_import_extension_swap", lines);
}

#[test]
fn a_decorated_file_keeps_only_the_type_imports_decorator_metadata_writes_out() {
    // With emitDecoratorMetadata, tsc writes a constructor parameter's type out as
    // `design:paramtypes`: the service's undeclared cache store is loaded at run time. The
    // guard's `Request`, a type argument in an undecorated method, is erased as in any file.
    // The spec's `custom-renderer` is a Jest virtual mock (`{ virtual: true }`): no package.
    let lines = finding_lines(&check_json("fixtures/nest-decorated-type-imports"));
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("src/resume/resume.service.ts")
            && unlisted[0].contains("`cache-manager-redis-store`"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("`express`") || l.contains("custom-renderer")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("nest_decorated_type_imports", lines);
}

#[test]
fn a_project_the_pnpm_workspace_excludes_is_not_held_to_its_isolation() {
    // packages/cli/test/fixtures/next-app is CLI test input that `!**/fixtures/**` leaves out
    // of the workspace: pnpm links nothing for it, so its undeclared `next` (which apps/web
    // installs) is a phantom, not an import pnpm's isolation breaks. The CLI itself is a
    // member: its undeclared `kleur` still fails. So does `vitest` in the connector template
    // that `packages/connectors/*` names and `!packages/connectors/template` removes: it is
    // copied into member packages, where pnpm links only what they declare.
    let lines = finding_lines(&check_json("fixtures/pnpm-workspace-excluded-fixtures"));
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 2, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("packages/cli/src/utils/detect-framework.js")
            && unlisted[0].contains("`kleur`"),
        "{lines:#?}"
    );
    assert!(
        unlisted[1].starts_with("error ")
            && unlisted[1].contains("packages/connectors/template/src/index.test.js")
            && unlisted[1].contains("`vitest`"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("error ") && l.contains("test/fixtures/")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("pnpm_workspace_excluded_fixtures", lines);
}

#[test]
fn a_root_manifest_copied_from_a_committed_template_is_the_roots_manifest() {
    // The root package.json is git-ignored and made by `RUN cp …/install/package.json …/` in
    // the Dockerfile and `cp install/package.json package.json` in CI: `nconf`, `express` and
    // `winston` are declared there, and `./package.json` exists once the copy ran. The
    // template does not declare `winston-transport`, and `../install/wizard` is gone.
    let lines = finding_lines(&check_json("fixtures/copied-root-manifest"));
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("src/logger.js")
            && unlisted[0].contains("`winston-transport`"),
        "{lines:#?}"
    );
    let unresolved = lines_of(&lines, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{lines:#?}");
    assert!(
        unresolved[0].contains("src/cli/setup.js") && unresolved[0].contains("../install/wizard"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("error ") && l.contains("package.json`")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("copied_root_manifest", lines);
}

#[test]
fn without_a_copy_step_a_tree_with_no_root_manifest_keeps_its_unlisted_imports() {
    // The same tree without its Dockerfile and workflow: nothing makes the root manifest.
    let copy = tempfile::tempdir().expect("temp dir");
    let from =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/copied-root-manifest");
    for rel in [
        ".gitignore",
        "install/package.json",
        "loader.js",
        "app.js",
        "src/logger.js",
        "src/cli/setup.js",
        "test/app.js",
    ] {
        let target = copy.path().join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from.join(rel), &target).expect("copy");
    }
    let json = check_json(copy.path().to_str().expect("utf-8 path"));
    let lines = finding_lines(&json);
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert!(
        unlisted
            .iter()
            .any(|l| l.starts_with("error ") && l.contains("`nconf`")),
        "{lines:#?}"
    );
}

#[test]
fn webpack_inline_loaders_are_checked_as_loader_packages_and_a_request() {
    // `file-loader!ace-builds/src-noconflict/worker-html`: `file-loader` and `ace-builds` are
    // both declared. `!!raw-loader!../../templates/toolbar.html` reads a file that exists, but
    // raw-loader is declared nowhere: the one finding, named by the loader.
    let lines = finding_lines(&check_json("fixtures/webpack-inline-loaders"));
    let unlisted = lines_of(&lines, "unlisted-dependency");
    assert_eq!(unlisted.len(), 1, "{lines:#?}");
    assert!(
        unlisted[0].starts_with("error ")
            && unlisted[0].contains("ace-editor.js:7")
            && unlisted[0].contains("`raw-loader`"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("error ") && !l.contains("raw-loader")),
        "{lines:#?}"
    );
    insta::assert_debug_snapshot!("webpack_inline_loaders", lines);
}
