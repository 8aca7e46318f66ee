//! CI integration: SARIF, GitHub annotations, baselines, configuration, suppressions, the fact
//! cache and deterministic output — each driven through the binary on the story's backend.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_treeaudit");

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/story-api")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A writable copy of the story's backend.
fn story_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(), dir.path());
    dir
}

fn run(args: &[&str]) -> Output {
    run_binary(Path::new(BIN), args)
}

/// [`run`] with another treeaudit executable (a copy of this build).
fn run_binary(binary: &Path, args: &[&str]) -> Output {
    // A freshly copied executable can be briefly "busy" (ETXTBSY): another test thread forked
    // while the copy's write handle was open, and the child holds it until it execs.
    let mut attempts = 0;
    loop {
        match Command::new(binary)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
        {
            Err(e) if e.raw_os_error() == Some(26) && attempts < 50 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result.expect("run treeaudit"),
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file (relative path) under `dir`, sorted.
fn tree_listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .expect("under dir")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

// ---- SARIF ----

#[test]
fn sarif_output_validates_against_the_official_2_1_0_schema() {
    let root = fixture();
    let output = run(&[
        "check",
        root.to_str().expect("utf-8"),
        "--format",
        "sarif",
        "--no-cache",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    let schema_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
    )
    .expect("schema shipped in tests/");
    // The official schema's `language` patterns end in a stray `]`, legal in ECMAScript regexes
    // but rejected by the validator's regex engine when it checks the schema itself. treeaudit
    // never emits `language`; the `]` is escaped only so that the schema compiles.
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(schema_text.contains(stray));
    let schema_text = schema_text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
    // The validator does bite: a result level outside the enum is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let listed = String::from_utf8(run_rules_names()).expect("utf-8");
    for line in listed
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty() && !l.starts_with('`'))
    {
        let name = line.split_whitespace().next().expect("rule name");
        let rule = rules
            .iter()
            .find(|r| r["id"] == name)
            .unwrap_or_else(|| panic!("{name} not in SARIF rules"));
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## Why")),
            "{name} help"
        );
        assert!(
            rule["defaultConfiguration"]["level"].is_string(),
            "{name} level"
        );
        assert!(
            rule["shortDescription"]["text"].is_string(),
            "{name} short description"
        );
    }
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        assert!(result["partialFingerprints"]["treeauditIdentity/v1"].is_string());
        assert!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"].as_i64() >= Some(1)
        );
    }
}

fn run_rules_names() -> Vec<u8> {
    run(&["rules"]).stdout
}

// ---- GitHub annotations ----

#[test]
fn github_format_prints_one_workflow_command_per_finding() {
    let root = fixture();
    // Paths as if the fixture were a repository of its own (tests/gate.rs covers the
    // repository-root prefix, which depends on where this checkout lives).
    let output = run(&[
        "check",
        root.to_str().expect("utf-8"),
        "--format",
        "github",
        "--no-cache",
        "--path-prefix",
        "",
    ]);
    let text = stdout(&output);
    let json = stdout(&run(&[
        "check",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
        "--no-cache",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(text.lines().count(), findings.len());
    assert!(
        text.contains(
            "::error file=src/routes/billing.js,line=2,col=24,title=treeaudit(case-mismatch)::"
        ),
        "{text}"
    );
    assert!(
        text.contains("::warning file=src/services/Billing.js,"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.starts_with("::")));
}

// ---- baselines ----

#[test]
fn baseline_survives_inserted_lines_and_reports_only_new_findings() {
    let tree = story_copy();
    let root = tree.path().to_str().expect("utf-8").to_string();
    let outside = tempfile::tempdir().expect("temp dir");
    let baseline = outside.path().join("baseline.json");
    let baseline_arg = baseline.to_str().expect("utf-8");
    let output = run(&[
        "check",
        &root,
        "--no-cache",
        "--write-baseline",
        baseline_arg,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // Known findings move down: still known.
    let analytics = tree.path().join("src/routes/analytics.js");
    let text = std::fs::read_to_string(&analytics).expect("read");
    std::fs::write(&analytics, format!("// analytics routes\n\n\n{text}")).expect("write");
    let output = run(&[
        "check",
        &root,
        "--no-cache",
        "--baseline",
        baseline_arg,
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
    assert!(report["baseline"]["known"].as_u64() > Some(5));

    // One broken import replaced by another: the new one fails, the old one is "fixed".
    let campaigns = tree.path().join("src/routes/campaigns.js");
    let text = std::fs::read_to_string(&campaigns).expect("read");
    assert!(text.contains("'../db.js'"));
    std::fs::write(&campaigns, text.replace("'../db.js'", "'../db/pool.js'")).expect("write");
    let output = run(&["check", &root, "--no-cache", "--baseline", baseline_arg]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("../db/pool.js"), "{out}");
    assert!(
        out.contains(
            "fixed, remove from baseline: unresolved-import src/routes/campaigns.js (../db.js)"
        ),
        "{out}"
    );
}

#[test]
fn stale_baseline_entries_fail_only_under_strict_baseline() {
    let tree = story_copy();
    let root = tree.path().to_str().expect("utf-8").to_string();
    let outside = tempfile::tempdir().expect("temp dir");
    let baseline = outside.path().join("baseline.json");
    let baseline_arg = baseline.to_str().expect("utf-8");
    run(&[
        "check",
        &root,
        "--no-cache",
        "--write-baseline",
        baseline_arg,
    ]);
    // Fix the case mismatch.
    let billing = tree.path().join("src/routes/billing.js");
    let text = std::fs::read_to_string(&billing).expect("read");
    std::fs::write(
        &billing,
        text.replace("../services/billing.js", "../services/Billing.js"),
    )
    .expect("write");

    let lenient = run(&["check", &root, "--no-cache", "--baseline", baseline_arg]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    assert!(
        stdout(&lenient)
            .contains("fixed, remove from baseline: case-mismatch src/routes/billing.js")
    );
    let strict = run(&[
        "check",
        &root,
        "--no-cache",
        "--baseline",
        baseline_arg,
        "--strict-baseline",
    ]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
}

// ---- configuration ----

#[test]
fn config_errors_name_the_key_and_exit_2() {
    let tree = story_copy();
    std::fs::write(
        tree.path().join("treeaudit.json"),
        r#"{"rules": {"unresolved-import": "loud"}}"#,
    )
    .expect("write config");
    let output = run(&["check", tree.path().to_str().expect("utf-8"), "--no-cache"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("treeaudit.json: `rules.unresolved-import`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn package_json_key_turns_rules_off_and_ignore_globs_skip_files() {
    let tree = story_copy();
    let manifest_path = tree.path().join("package.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).expect("read"))
            .expect("json");
    manifest["treeaudit"] = serde_json::json!({
        "rules": {"unlisted-dependency": "off", "dev-dependency-at-runtime": "error"},
        "ignore": ["src/workers/**"]
    });
    std::fs::write(&manifest_path, manifest.to_string()).expect("write");
    let output = run(&[
        "check",
        tree.path().to_str().expect("utf-8"),
        "--no-cache",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["rule"] != "unlisted-dependency"));
    assert!(findings.iter().all(|f| f["file"] != "src/workers/cdr.js"));
    let dev = findings
        .iter()
        .find(|f| f["rule"] == "dev-dependency-at-runtime")
        .expect("dev dep");
    assert_eq!(dev["severity"], "error");
    // Imports of the ignored worker still resolve (index.js imports it).
    assert!(
        findings
            .iter()
            .all(|f| f["specifier"] != "./workers/cdr.js"),
        "{findings:#?}"
    );
}

#[test]
fn schema_command_prints_a_json_schema_of_the_config() {
    let output = run(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert!(schema["properties"]["ignore"].is_object());
    assert!(schema["properties"]["rules"]["properties"]["unresolved-import"].is_object());
}

// ---- suppressions ----

#[test]
fn suppression_with_reason_silences_and_without_reason_is_a_finding() {
    let tree = story_copy();
    let analytics = tree.path().join("src/routes/analytics.js");
    let text = std::fs::read_to_string(&analytics).expect("read");
    std::fs::write(
        &analytics,
        text.replacen(
            "import { pool }",
            "// treeaudit-ignore-next-line unresolved-import -- config is generated at deploy\nimport { pool }",
            1,
        ),
    )
    .expect("write");
    let campaigns = tree.path().join("src/routes/campaigns.js");
    let text = std::fs::read_to_string(&campaigns).expect("read");
    let line = text
        .lines()
        .position(|l| l.contains("'../db.js'"))
        .expect("import line");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(line, "// treeaudit-ignore-next-line unresolved-import");
    std::fs::write(&campaigns, lines.join("\n")).expect("write");

    let output = run(&[
        "check",
        tree.path().to_str().expect("utf-8"),
        "--no-cache",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let in_file = |file: &str, rule: &str| {
        findings
            .iter()
            .filter(|f| f["file"] == file && f["rule"] == rule)
            .count()
    };
    assert_eq!(in_file("src/routes/analytics.js", "unresolved-import"), 0);
    assert_eq!(
        in_file("src/routes/campaigns.js", "unresolved-import"),
        1,
        "no reason: not silenced"
    );
    assert_eq!(in_file("src/routes/campaigns.js", "invalid-suppression"), 1);
}

// ---- fact cache and determinism ----

#[test]
fn warm_cache_output_is_byte_identical_and_nothing_is_written_into_the_tree() {
    let tree = story_copy();
    let root = tree.path().to_str().expect("utf-8").to_string();
    let before = tree_listing(tree.path());
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_arg = cache.path().to_str().expect("utf-8");
    let uncached = run(&["check", &root, "--format", "json", "--no-cache"]);
    let cold = run(&["check", &root, "--format", "json", "--cache-dir", cache_arg]);
    assert!(
        !tree_listing(cache.path()).is_empty(),
        "cold run writes the cache"
    );
    let warm = run(&["check", &root, "--format", "json", "--cache-dir", cache_arg]);
    assert_eq!(stdout(&cold), stdout(&uncached));
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_eq!(
        tree_listing(tree.path()),
        before,
        "nothing written into the audited tree"
    );
}

#[test]
fn corrupted_cache_files_are_ignored_and_rebuilt() {
    let tree = story_copy();
    let root = tree.path().to_str().expect("utf-8").to_string();
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_arg = cache.path().to_str().expect("utf-8");
    let expected = stdout(&run(&["check", &root, "--format", "json", "--no-cache"]));
    run(&["check", &root, "--format", "json", "--cache-dir", cache_arg]);
    let packs: Vec<String> = tree_listing(cache.path())
        .into_iter()
        .filter(|p| p.ends_with(".pack"))
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = cache.path().join(&packs[0]);
    let bytes = std::fs::read(&pack).expect("read pack");
    for damaged in [
        bytes[..bytes.len() / 2].to_vec(),
        bytes.iter().map(|b| b ^ 0x5a).collect::<Vec<u8>>(),
        b"garbage".to_vec(),
    ] {
        std::fs::write(&pack, &damaged).expect("damage pack");
        let output = run(&["check", &root, "--format", "json", "--cache-dir", cache_arg]);
        assert_eq!(stdout(&output), expected);
        assert_ne!(std::fs::read(&pack).expect("pack rebuilt"), damaged);
    }
}

// ---- the report memo: a warm run with nothing changed reuses the last report ----

/// Sets every file and directory under `dir` a minute into the past: a directory changed
/// within the last second is never trusted by its time (it could change again unseen in the
/// same clock tick), so a tree made a moment ago would never be memoised.
fn age(dir: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let file = std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .expect("open");
                file.set_modified(past).expect("set time");
            }
        }
        std::fs::File::open(&d)
            .expect("open dir")
            .set_modified(past)
            .expect("set dir time");
    }
}

/// A small app with an installed package whose export the entry imports.
fn installed_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "package.json",
        r#"{"name":"app","type":"module","scripts":{"start":"node src/server.js"},"dependencies":{"left-pad":"1.0.0"}}"#,
    );
    write(
        "src/server.js",
        "import { pad } from 'left-pad';\nimport { port } from './config.js';\nconsole.log(pad('x', port));\n",
    );
    write("src/config.js", "export const port = 3000;\n");
    write(
        "node_modules/left-pad/package.json",
        r#"{"name":"left-pad","version":"1.0.0","type":"module","main":"index.js"}"#,
    );
    write(
        "node_modules/left-pad/index.js",
        "export function pad(s, n) { return s.padStart(n); }\n",
    );
    age(dir.path());
    dir
}

/// `check --format json` with the cache, and whether the stored report answered
/// (`--timings` shows no parse stage then).
fn memo_check(root: &Path, cache: &Path) -> (String, bool) {
    memo_check_by(Path::new(BIN), root, cache)
}

/// [`memo_check`] run by `binary`.
fn memo_check_by(binary: &Path, root: &Path, cache: &Path) -> (String, bool) {
    let output = run_binary(
        binary,
        &[
            "check",
            root.to_str().expect("utf-8"),
            "--format",
            "json",
            "--timings",
            "--cache-dir",
            cache.to_str().expect("utf-8"),
        ],
    );
    let timings = stderr(&output);
    assert!(timings.contains("total"), "{timings}");
    (stdout(&output), !timings.contains("read+parse"))
}

fn uncached(root: &Path) -> String {
    stdout(&run(&[
        "check",
        root.to_str().expect("utf-8"),
        "--format",
        "json",
        "--no-cache",
    ]))
}

#[test]
fn a_warm_check_reuses_the_report_until_a_file_it_read_changes() {
    let tree = installed_app();
    let cache = tempfile::tempdir().expect("temp dir");
    let (cold, reused) = memo_check(tree.path(), cache.path());
    assert!(!reused, "the first run does the work");
    assert_eq!(cold, uncached(tree.path()));
    assert!(cold.contains("\"errors\": 0"), "{cold}");
    let (warm, reused) = memo_check(tree.path(), cache.path());
    assert!(reused, "nothing changed: the stored report answers");
    assert_eq!(warm, cold);

    // Same bytes written again (an editor's save, `touch`): still the stored report.
    let config = tree.path().join("src/config.js");
    std::fs::write(&config, "export const port = 3000;\n").expect("write");
    let (again, reused) = memo_check(tree.path(), cache.path());
    assert!(reused, "same content, new time");
    assert_eq!(again, cold);

    // A source changes: the run does the work again and sees the change.
    std::fs::write(&config, "export const host = 'x';\n").expect("write");
    let (changed, reused) = memo_check(tree.path(), cache.path());
    assert!(!reused);
    assert_eq!(changed, uncached(tree.path()));
    assert!(changed.contains("does not export `port`"), "{changed}");
}

#[test]
fn a_report_is_reused_only_by_the_build_that_wrote_it() {
    // Two builds of one version (a source build at another commit) may judge differently:
    // another executable must not print the first one's stored report.
    let tree = installed_app();
    let cache = tempfile::tempdir().expect("temp dir");
    let (first, reused) = memo_check(tree.path(), cache.path());
    assert!(!reused);
    let (_, reused) = memo_check(tree.path(), cache.path());
    assert!(reused, "same build: reused");
    let other = tempfile::tempdir().expect("temp dir");
    let copy = other.path().join("treeaudit");
    std::fs::copy(BIN, &copy).expect("copy the binary");
    let (by_copy, reused) = memo_check_by(&copy, tree.path(), cache.path());
    assert!(!reused, "another executable does the work");
    assert_eq!(by_copy, first);
    let (_, reused) = memo_check_by(&copy, tree.path(), cache.path());
    assert!(reused, "and then reuses its own report");
}

#[test]
fn a_change_outside_the_walk_that_a_resolution_read_invalidates_the_report() {
    // node_modules is never walked: the memo must still notice that an installed package
    // changed (an upgrade that dropped the export) or appeared.
    let tree = installed_app();
    let cache = tempfile::tempdir().expect("temp dir");
    let (cold, _) = memo_check(tree.path(), cache.path());
    assert!(cold.contains("\"errors\": 0"), "{cold}");
    assert!(memo_check(tree.path(), cache.path()).1, "memoised");

    std::fs::write(
        tree.path().join("node_modules/left-pad/index.js"),
        "export function padStart(s, n) { return s.padStart(n); }\n",
    )
    .expect("write");
    let (upgraded, reused) = memo_check(tree.path(), cache.path());
    assert!(!reused, "an installed file the run read changed");
    assert_eq!(upgraded, uncached(tree.path()));
    assert!(
        upgraded.contains("`left-pad` does not export `pad`"),
        "{upgraded}"
    );

    // A build writes a file where an import probed and found nothing (`build/` is never
    // walked, so only the recorded probe can notice).
    std::fs::write(
        tree.path().join("src/server.js"),
        "import { pad } from 'left-pad';\nimport { port } from './build/port.js';\nconsole.log(pad('x', port));\n",
    )
    .expect("write");
    age(tree.path());
    let (missing, _) = memo_check(tree.path(), cache.path());
    assert!(missing.contains("./build/port.js"), "{missing}");
    assert!(memo_check(tree.path(), cache.path()).1, "memoised");
    let built = tree.path().join("src/build/port.js");
    std::fs::create_dir_all(built.parent().expect("parent")).expect("mkdir");
    std::fs::write(&built, "export const port = 1;\n").expect("write");
    let (found, reused) = memo_check(tree.path(), cache.path());
    assert!(!reused, "a directory an import probed changed");
    assert_eq!(found, uncached(tree.path()));
    assert!(!found.contains("./build/port.js"), "{found}");
}

#[test]
fn cache_dir_inside_the_audited_tree_is_refused() {
    let tree = story_copy();
    let inside = tree.path().join(".cache");
    let output = run(&[
        "check",
        tree.path().to_str().expect("utf-8"),
        "--cache-dir",
        inside.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("inside the audited tree"));
    assert!(!inside.exists());
}

#[test]
fn every_fixture_gives_byte_identical_json_across_thread_counts_and_cache_states() {
    // Every optimisation must leave the output as it was: one thread or many, facts parsed
    // now or taken from a cold, warm or partly stale cache.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut roots: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    assert!(roots.len() > 30, "{roots:?}");
    let mut compared = 0;
    for root in &roots {
        let root = root.to_str().expect("utf-8");
        let cache = tempfile::tempdir().expect("temp dir");
        let cache_arg = cache.path().to_str().expect("utf-8");
        let outputs: Vec<String> = [
            vec!["--threads", "1", "--no-cache"],
            vec!["--threads", "8", "--no-cache"],
            // Cold cache (written now), then warm, then warm on another thread count.
            vec!["--threads", "1", "--cache-dir", cache_arg],
            vec!["--threads", "1", "--cache-dir", cache_arg],
            vec!["--threads", "8", "--cache-dir", cache_arg],
        ]
        .iter()
        .map(|extra| {
            let mut args = vec!["check", root, "--format", "json"];
            args.extend(extra);
            stdout(&run(&args))
        })
        .collect();
        assert!(
            outputs[0].contains("\"findings\""),
            "{root}: {}",
            outputs[0]
        );
        for (i, other) in outputs.iter().enumerate().skip(1) {
            assert_eq!(other, &outputs[0], "{root}: run {i} differs from the first");
        }
        compared += 1;
    }
    assert_eq!(compared, roots.len());
}

// ---- graph, explain, completions ----

#[test]
fn graph_dot_lists_files_and_import_edges() {
    let root = fixture();
    let output = run(&["graph", root.to_str().expect("utf-8"), "--no-cache"]);
    let dot = stdout(&output);
    assert!(dot.starts_with("digraph imports {"), "{dot}");
    assert!(
        dot.contains("\"src/index.js\" -> \"src/routes/calls.js\""),
        "{dot}"
    );
    let focused = stdout(&run(&[
        "graph",
        root.to_str().expect("utf-8"),
        "--no-cache",
        "--format",
        "json",
        "--focus",
        "src/routes/billing.js",
    ]));
    let view: serde_json::Value = serde_json::from_str(&focused).expect("json");
    let files: Vec<&str> = view["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["file"].as_str())
        .collect();
    assert!(files.contains(&"src/routes/billing.js"));
    assert!(files.len() < 8, "{files:?}");
}

#[test]
fn explain_says_how_to_suppress() {
    let output = run(&["explain", "unresolved-import"]);
    let text = stdout(&output);
    assert!(text.contains("## How to suppress"), "{text}");
    assert!(
        text.contains("// treeaudit-ignore-next-line unresolved-import -- "),
        "{text}"
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("baseline"), "{shell}");
    }
}
