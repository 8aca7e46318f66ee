//! `treeaudit routes`, `treeaudit why` and the reachability rules of `check`, run as a user
//! would on the fixtures, compared with reviewed snapshots.

use std::process::Command;

const FIXTURES: &[&str] = &[
    "story-api",
    "express-cjs",
    "fastify-autoload",
    "koa-nested",
    "next-app",
];

/// The rules this feature adds or changes; other rules have their own snapshots.
const RULES: &[&str] = &[
    "unmounted-route",
    "unreachable-file",
    "import-cycle",
    "dev-dependency-at-runtime",
];

fn treeaudit(args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run treeaudit");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).expect("utf-8 output"),
        output.status.code().unwrap_or(-1),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&treeaudit(args).0).expect("valid JSON")
}

#[test]
fn route_tables_of_every_fixture() {
    for fixture in FIXTURES {
        let path = format!("fixtures/{fixture}");
        let table = json(&["routes", &path, "--format", "json"]);
        insta::assert_json_snapshot!(format!("routes_{fixture}"), table);
    }
}

#[test]
fn story_api_route_table_as_text() {
    let (text, code) = treeaudit(&["routes", "fixtures/story-api"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(text);
}

#[test]
fn check_reports_entries_and_reachability_findings() {
    for fixture in FIXTURES {
        let path = format!("fixtures/{fixture}");
        let report = json(&["check", &path, "--format", "json"]);
        let findings: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| RULES.contains(&f["rule"].as_str().unwrap_or("")))
            .collect();
        insta::assert_json_snapshot!(
            format!("check_{fixture}"),
            serde_json::json!({ "entries": report["entries"], "findings": findings })
        );
    }
}

#[test]
fn why_prints_the_shortest_chain_from_the_entry() {
    let (text, _) = treeaudit(&["why", "src/services/campaign.js", "fixtures/story-api"]);
    assert_eq!(
        text,
        "src/index.js → src/routes/campaigns.js:4 → src/services/campaign.js:3\n  entry: package.json main\n"
    );
    let chain = json(&[
        "why",
        "src/services/campaign.js",
        "fixtures/story-api",
        "--format",
        "json",
    ]);
    assert_eq!(chain["entry"], "src/index.js");
    assert_eq!(chain["chain"][2]["line"], 3);
}

#[test]
fn why_says_when_no_entry_reaches_a_file() {
    let (text, _) = treeaudit(&["why", "src/workers/cdr.js", "fixtures/story-api"]);
    assert_eq!(
        text,
        "src/workers/cdr.js: no entry reaches it; nothing imports it\n"
    );
}

#[test]
fn an_extra_entry_makes_the_worker_reachable() {
    let report = json(&[
        "check",
        "fixtures/story-api",
        "--format",
        "json",
        "--entry",
        "src/workers/cdr.js",
    ]);
    let unreachable: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unreachable-file")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(unreachable.is_empty(), "{unreachable:?}");
    assert!(
        report["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["file"] == "src/workers/cdr.js" && e["source"] == "--entry")
    );
}

#[test]
fn show_entries_lists_them_before_the_findings() {
    let (text, _) = treeaudit(&["check", "fixtures/koa-nested", "--show-entries", "-q"]);
    assert!(text.starts_with("entries:\n  src/server.js"), "{text}");
}
