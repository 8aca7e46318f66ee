//! The production model: which code Node runs as written (and so needs its dependencies
//! installed), which code a bundler inlines, what the compiler erases, what starts a file,
//! and every endpoint with its composed path. Run as a user would on the fixtures.

use std::process::Command;

fn treeaudit(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .arg("--no-cache")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run treeaudit");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&treeaudit(args)).expect("valid JSON")
}

/// `rule file:line` for every finding of `check`.
fn findings(fixture: &str) -> Vec<String> {
    let report = json(&["check", &format!("fixtures/{fixture}"), "--format", "json"]);
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}:{}", f["rule"], f["file"], f["line"]).replace('"', ""))
        .collect()
}

/// Asserts that `--show-entries` lists each of `expected` (`file  source`) for `fixture`.
fn assert_lists_entries(fixture: &str, expected: &[&str]) {
    let listed = entries(fixture);
    for entry in expected {
        assert!(listed.iter().any(|e| e == entry), "{entry} in {listed:?}");
    }
}

/// The findings of one rule among `found`.
fn of_rule<'f>(found: &'f [String], rule: &str) -> Vec<&'f String> {
    found
        .iter()
        .filter(|f| f.split(' ').next() == Some(rule))
        .collect()
}

/// `file  source` for every entry `--show-entries` lists.
fn entries(fixture: &str) -> Vec<String> {
    let report = json(&["check", &format!("fixtures/{fixture}"), "--format", "json"]);
    report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| format!("{}  {}", e["file"], e["source"]).replace('"', ""))
        .collect()
}

#[test]
fn vite_spa_client_code_is_bundled_so_its_dev_dependencies_are_fine() {
    // `vue` is a devDependency imported by src/main.js, which only index.html loads.
    let found = findings("repro-10a-vite-spa-devdeps-and-vue-imports");
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("dev-dependency-at-runtime")),
        "{found:?}"
    );
    assert!(
        entries("repro-10a-vite-spa-devdeps-and-vue-imports")
            .contains(&"src/main.js  index.html <script src> (loaded by the browser)".to_string())
    );
    insta::assert_json_snapshot!("repro_10a", found);
}

#[test]
fn tsup_bundled_cli_inlines_its_dev_dependencies() {
    let found = findings("repro-10b-bundled-cli-devdeps");
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("dev-dependency-at-runtime")),
        "{found:?}"
    );
    assert!(
        entries("repro-10b-bundled-cli-devdeps")
            .contains(&"src/index.ts  package.json main (bundled)".to_string())
    );
    insta::assert_json_snapshot!("repro_10b", found);
}

#[test]
fn an_electron_apps_build_scripts_and_the_directories_its_code_writes_run_nothing() {
    // esbuild.main.ts (started by `start:electron`) bundles src/main.ts, writing into src/ in
    // development; api/server.js writes src/api/routes.json. Neither runs those directories'
    // files, and the main process is bundled: its devDependencies are inlined, as are the
    // CLI's, which only the build script cli/esbuild.ts says is bundled. The API's handlers,
    // required one by one from a readdir, do run as written.
    let found = findings("electron-esbuild-desk");
    assert_eq!(
        of_rule(&found, "dev-dependency-at-runtime"),
        ["dev-dependency-at-runtime api/handlers/invoices.js:1"],
        "{found:?}"
    );
    // `process.env` in the main process is Node's; the renderer's `import.meta.env` is Vite's.
    assert_eq!(
        of_rule(&found, "client-env-exposure"),
        ["client-env-exposure src/api/invoices.tsx:10"],
        "{found:?}"
    );
    assert_lists_entries(
        "electron-esbuild-desk",
        &[
            "esbuild.main.ts  package.json scripts.start:electron (maintainer script)",
            "src/main.ts  package.json main (bundled)",
            "cli/esbuild.ts  package.json scripts.build (maintainer script)",
            "cli/src/index.ts  package.json main (bundled)",
            "api/server.js  package.json scripts.start:api",
        ],
    );
    insta::assert_json_snapshot!("electron_esbuild_desk", found);
}

#[test]
fn a_source_main_of_a_package_that_bundles_is_the_bundles_entry() {
    // `"main": "src/index.tsx"` beside `vite build` (the HTML template names no script: a
    // plugin injects the entry): the editor packages are inlined into the bundle. serve.js,
    // started by `node`, runs as written and needs `compression` installed.
    let found = findings("vite-spa-source-main");
    assert_eq!(found, ["dev-dependency-at-runtime serve.js:2"]);
    assert_lists_entries(
        "vite-spa-source-main",
        &["src/index.tsx  package.json main (bundled)"],
    );
    insta::assert_json_snapshot!("vite_spa_source_main", found);
}

#[test]
fn node_runs_the_index_of_a_directory_it_is_given() {
    // `"start": "node server"` runs server/index.js: the production entry, which makes
    // `"dev": "node dev"` (webpack's dev middleware) a maintainer script, not production code
    // by default. The server's own `morgan` is a devDependency Node needs at run time.
    let found = findings("node-directory-start");
    assert_eq!(found, ["dev-dependency-at-runtime server/index.js:3"]);
    assert_lists_entries(
        "node-directory-start",
        &[
            "server/index.js  package.json scripts.start",
            "dev/index.js  package.json scripts.dev (maintainer script)",
        ],
    );
    insta::assert_json_snapshot!("node_directory_start", found);
}

#[test]
fn a_workspace_packages_dependency_is_installed_in_production() {
    let found = findings("repro-10c-workspace-root-devdep");
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("dev-dependency-at-runtime")),
        "{found:?}"
    );
    insta::assert_json_snapshot!("repro_10c", found);
}

#[test]
fn type_level_exports_and_types_packages_are_valid() {
    let found = findings("repro-11-type-level-exports");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_import_used_only_as_a_type_closes_no_cycle() {
    let found = findings("repro-12-type-only-cycle");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn every_way_a_file_is_started_is_an_entry_with_its_reason() {
    let listed = entries("ops-api");
    insta::assert_json_snapshot!("ops_api_entries", listed);
    // The compiled start script maps back through tsconfig outDir/rootDir.
    assert!(listed.contains(&"server/index.ts  package.json scripts.start".to_string()));
    // A nested package's `test` script is no production entry.
    assert!(!listed.iter().any(|e| e.starts_with("packages/sdk/test/")));
}

#[test]
fn orm_globs_served_scripts_and_maintainer_scripts_leave_nothing_unreachable() {
    let found = findings("ops-api");
    insta::assert_json_snapshot!("ops_api_findings", found);
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("unreachable-file") && !f.contains("mock-api")),
        "{found:?}"
    );
    // faker is used by the seed and the nightly report only: maintainer scripts.
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("dev-dependency-at-runtime")),
        "{found:?}"
    );
}

#[test]
fn why_names_the_reason_an_entry_runs() {
    let text = treeaudit(&["why", "src/db/entities/job.ts", "fixtures/ops-api"]);
    assert_eq!(
        text,
        "src/db/data-source.ts → src/db/entities/job.ts:6\n  entry: package.json scripts.typeorm:migrate\n"
    );
}

const ENDPOINT_FIXTURES: &[&str] = &[
    "story-api",
    "express-cjs",
    "fastify-autoload",
    "koa-nested",
    "nest-api",
    "next-app",
    "hono-api",
    "express-route-array",
];

#[test]
fn endpoints_of_every_framework_fixture() {
    for fixture in ENDPOINT_FIXTURES {
        let path = format!("fixtures/{fixture}");
        let text = treeaudit(&["routes", &path, "--endpoints"]);
        insta::assert_snapshot!(format!("endpoints_{fixture}"), text);
        let table = json(&["routes", &path, "--endpoints", "--format", "json"]);
        let rows = table["endpoints"].as_array().expect("endpoints");
        assert!(!rows.is_empty(), "{fixture}");
        // JSON carries what the text shows: method, composed path, location.
        for row in rows {
            let line = format!(
                "{:<7} {}",
                row["method"].as_str().unwrap(),
                row["path"].as_str().unwrap()
            );
            assert!(text.contains(&line), "{fixture}: {line}");
        }
    }
}

#[test]
fn an_unregistered_nest_controller_is_an_unmounted_route() {
    let found = findings("nest-api");
    assert_eq!(
        found,
        vec!["unmounted-route src/billing/billing.controller.ts:1".to_string()]
    );
}

#[test]
fn every_construct_that_starts_or_loads_a_file_is_an_entry_or_an_edge() {
    // One package per construct, each with one file nothing runs: that file, and only it, is
    // reported.
    let fixture = "reach-entries";
    let listed = entries(fixture);
    insta::assert_snapshot!("entries_reach-entries", listed.join("\n"));
    for expected in [
        "packages/docs/src/guides/setup.mdx  MDX document (content)",
        "packages/sdk/src/hooks/retry.ts  package.json exports (subpath pattern)",
        "packages/web/prod_run.mjs  docker/web.Dockerfile CMD",
        "packages/resume/apps/api/src/main.ts  packages/resume/apps/api/project.json targets.build.options.main",
        "packages/resume/apps/api/src/environments/environment.prod.ts  packages/resume/apps/api/project.json targets.build.configurations.production.fileReplacements",
        "packages/site/generators/generate-types.ts  package.json scripts.generate → packages/site/generate.sh",
    ] {
        assert!(
            listed.iter().any(|e| e.starts_with(expected)),
            "{expected}: {listed:#?}"
        );
    }
    let found = findings(fixture);
    insta::assert_snapshot!("findings_reach-entries", found.join("\n"));
    assert_eq!(
        found,
        vec![
            // Its route is commented out of the React Router route config.
            "unreachable-file packages/dashboard/app/(app)/projects/archived.tsx:1",
            "unreachable-file packages/dashboard/app/components/legacy-banner.tsx:1",
            // Imported only from a code sample of the MDX guide, which is no import.
            "unreachable-file packages/docs/src/components/Unused.jsx:1",
            // Used only by the evalite suite (which is a test file by its name): info.
            "unreachable-file packages/evals/evals/fixtures.ts:1",
            "unreachable-file packages/jobs/src/workers/retired.ts:1",
            // The Nx project's build target names apps/api/src/main.ts (and the production
            // environment file it swaps in); this file no one imports. Its `.storybook/` and
            // `.config/prisma.ts` are loaded by their tools (config entries, not listed).
            "unreachable-file packages/resume/apps/api/src/legacy/status.ts:1",
            "unreachable-file packages/sdk/internal/legacy.ts:1",
            "unreachable-file packages/site/scripts/get_sponsors.js:1",
            "unreachable-file packages/web/old_run.mjs:1",
        ]
    );
    // The chain to each loaded file names the construct.
    for (file, edge) in [
        (
            // A route module named relative to the app directory, from a split route config.
            "packages/dashboard/app/(auth)/sign-in/page.tsx",
            "packages/dashboard/app/routes/app.ts → packages/dashboard/app/(auth)/sign-in/page.tsx:5",
        ),
        (
            "packages/dashboard/app/not-found.tsx",
            "packages/dashboard/app/routes.ts → packages/dashboard/app/not-found.tsx:6",
        ),
        (
            "packages/docs/src/components/Step.jsx",
            "packages/docs/src/guides/setup.mdx → packages/docs/src/components/Step.jsx:4",
        ),
        (
            "packages/site/scripts/get_donors.js",
            "packages/site/scripts/update.js → packages/site/scripts/get_donors.js:5",
        ),
        (
            "packages/jobs/src/workers/hash.ts",
            "packages/jobs/src/index.ts → packages/jobs/src/workers/hash.ts:5",
        ),
        (
            "packages/evals/evals/fixtures.ts",
            "packages/evals/evals/answer.eval.ts → packages/evals/evals/fixtures.ts:2\n  entry: evalite suite",
        ),
    ] {
        let chain = treeaudit(&["why", file, "fixtures/reach-entries"]);
        assert!(chain.starts_with(edge), "{file}: {chain}");
    }
}

#[test]
fn typescript_exports_of_a_workspace_library_run_inside_their_importers() {
    // packages/ui exports src/index.ts, which imports its devDependency `typescript`: no
    // installed consumer can run that file under Node, so nothing is missing at run time.
    let found = findings("reach-entries");
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("dev-dependency-at-runtime")),
        "{found:?}"
    );
}
