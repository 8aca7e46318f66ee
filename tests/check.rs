//! `treeaudit check` on the bundled fixtures, run as a user would: the binary, a relative path,
//! and its JSON, text and exit code compared with reviewed snapshots.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `treeaudit ARGS` from the crate root, so fixture paths (and the echoed `root`) are
/// relative and the same on every machine.
fn treeaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the treeaudit binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn check_json(fixture: &str) -> (serde_json::Value, Output) {
    let output = treeaudit(&["check", fixture, "--format", "json"]);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json on {fixture} printed invalid JSON ({e}):\n{}",
            stdout(&output)
        )
    });
    (json, output)
}

fn findings<'a>(json: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    json["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn story_api_json_report_matches_the_reviewed_snapshot() {
    let (json, output) = check_json("fixtures/story-api");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_json_snapshot!("story_api_json", json);
}

#[test]
fn story_api_lists_every_broken_import_of_the_story_in_one_run() {
    let (json, _) = check_json("fixtures/story-api");
    let unresolved: Vec<(&str, &str)> = findings(&json, "unresolved-import")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or(""),
                f["specifier"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        ("src/routes/analytics.js", "../config/database.js"),
        ("src/routes/system-status.js", "../config/redis.js"),
        ("src/routes/campaigns.js", "../db.js"),
        ("src/workers/cdr.js", "../services/cdr-summary.js"),
        ("src/routes/public-signup.js", "../services/signup-email.js"),
    ] {
        assert!(
            unresolved.contains(&expected),
            "{expected:?} missing from {unresolved:?}"
        );
    }
    let case = findings(&json, "case-mismatch");
    assert!(
        case.iter()
            .any(|f| f["file"] == "src/routes/billing.js"
                && f["specifier"] == "../services/billing.js"),
        "{case:?}"
    );
    let unlisted = findings(&json, "unlisted-dependency");
    assert!(
        unlisted
            .iter()
            .any(|f| f["package"] == "@aws-sdk/client-s3"),
        "{unlisted:?}"
    );
    let dev = findings(&json, "dev-dependency-at-runtime");
    assert!(
        dev.iter()
            .any(|f| f["package"] == "dayjs" && f["file"] == "src/services/Billing.js"),
        "{dev:?}"
    );
    // The test file imports vitest, a devDependency: that is what devDependencies are for.
    assert!(
        !dev.iter().any(|f| f["package"] == "vitest"),
        "a test importing vitest was reported: {dev:?}"
    );
}

#[test]
fn story_api_findings_are_relative_sorted_and_deterministic() {
    let (first, _) = check_json("fixtures/story-api");
    let (second, _) = check_json("fixtures/story-api");
    assert_eq!(first, second, "two runs gave different reports");
    assert_eq!(first["root"], "fixtures/story-api");
    let list = first["findings"].as_array().expect("findings");
    assert!(!list.is_empty());
    let keys: Vec<(String, u64, u64, String)> = list
        .iter()
        .map(|f| {
            let file = f["file"].as_str().expect("file").to_string();
            assert!(
                !file.starts_with('/') && !file.contains('\\') && !file.contains("fixtures"),
                "file is not relative to the root: {file}"
            );
            (
                file,
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule"].as_str().expect("rule").to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "findings are not sorted by file, line, column, rule"
    );
    let summary = &first["summary"];
    let count = |severity: &str| list.iter().filter(|f| f["severity"] == severity).count() as u64;
    assert_eq!(summary["errors"].as_u64(), Some(count("error")));
    assert_eq!(summary["warnings"].as_u64(), Some(count("warning")));
    assert_eq!(summary["infos"].as_u64(), Some(count("info")));
}

#[test]
fn story_api_text_report_matches_the_reviewed_snapshot() {
    let output = treeaudit(&["check", "fixtures/story-api"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR and a pipe must give plain text"
    );
    insta::assert_snapshot!("story_api_text", text);
}

#[test]
fn quiet_prints_only_the_summary_line() {
    let output = treeaudit(&["check", "fixtures/story-api", "--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("error"), "{text}");
}

#[test]
fn ts_clean_passes_with_no_findings_and_exit_zero() {
    let (json, output) = check_json("fixtures/ts-clean");
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "a correct TypeScript backend got findings"
    );
    assert_eq!(json["skipped"], serde_json::json!([]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let files = json["summary"]["files"].as_u64().expect("files");
    let on_disk = count_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ts-clean"));
    assert_eq!(files, on_disk, "every source file of ts-clean is analysed");
    insta::assert_json_snapshot!("ts_clean_json", json);
}

#[test]
fn ts_clean_text_report_says_no_problems() {
    let output = treeaudit(&["check", "fixtures/ts-clean"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("no problems in "), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn missing_path_exits_2_with_one_line_on_stderr() {
    let output = treeaudit(&["check", "fixtures/does-not-exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("fixtures/does-not-exist"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_file_instead_of_a_folder_exits_2() {
    let output = treeaudit(&["check", "fixtures/story-api/package.json"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a directory"), "{err}");
}

#[test]
fn unknown_rule_for_explain_exits_2() {
    let output = treeaudit(&["explain", "no-such-rule"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no-such-rule"));
}

/// JS/TS files under `dir`, counted independently of treeaudit's walker.
fn count_sources(dir: &Path) -> u64 {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("read fixture dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            count += count_sources(&path);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e,
                "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts"
            )
        }) {
            count += 1;
        }
    }
    count
}
