//! treeaudit as a CI gate in a monorepo: paths from the repository root in github/SARIF
//! output, one fingerprint per SARIF result, suppressed findings listed as suppressed, every
//! format from one run, `plan` failing on blocked files, `drift`/`plan` reading the
//! configuration, and `--changed-since`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_treeaudit");

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
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

/// A repository (`.git` is all it takes to be one) with the story's backend in packages/api.
fn monorepo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(repo.path().join(".git")).expect("mkdir .git");
    copy_dir(
        &repo_file("fixtures/story-api"),
        &repo.path().join("packages/api"),
    );
    repo
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run treeaudit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sarif_results(log: &serde_json::Value) -> &Vec<serde_json::Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn uri(result: &serde_json::Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri")
}

#[test]
fn github_and_sarif_name_files_from_the_repository_root_when_auditing_a_subfolder() {
    let repo = monorepo();
    let sarif_file = repo.path().join("out.sarif");
    let output = run_in(
        repo.path(),
        &[
            "check",
            "packages/api",
            "--no-cache",
            "--format",
            "github",
            "--output",
            &format!("sarif={}", sarif_file.display()),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let annotations = text(&output.stdout);
    let files: Vec<&str> = annotations
        .lines()
        .filter_map(|l| l.split("file=").nth(1))
        .map(|rest| rest.split(',').next().expect("file property"))
        .collect();
    assert!(!files.is_empty(), "{annotations}");
    for file in &files {
        assert!(file.starts_with("packages/api/"), "{file}");
        assert!(
            repo.path().join(file).is_file(),
            "{file} is not a file of the repository"
        );
    }

    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).expect("sarif written"))
            .expect("sarif is JSON");
    for result in sarif_results(&log) {
        assert!(uri(result).starts_with("packages/api/"), "{}", uri(result));
        assert!(repo.path().join(uri(result)).is_file(), "{}", uri(result));
    }
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base");
    let repo_root = repo.path().canonicalize().expect("canonical");
    assert!(
        base.trim_end_matches('/').ends_with(
            repo_root
                .file_name()
                .expect("name")
                .to_str()
                .expect("utf-8")
        ),
        "%SRCROOT% is the repository root: {base}"
    );

    // The same run from inside the folder names the same files.
    let inside = run_in(
        &repo.path().join("packages/api"),
        &["check", ".", "--no-cache", "--format", "github"],
    );
    assert_eq!(text(&inside.stdout), annotations);

    // JSON and text stay relative to the audited folder, as documented.
    let json = run_in(
        repo.path(),
        &["check", "packages/api", "--no-cache", "--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let first = value["findings"][0]["file"].as_str().expect("file");
    assert!(!first.starts_with("packages/"), "{first}");
}

#[test]
fn path_prefix_overrides_the_detected_repository_path() {
    let repo = monorepo();
    let output = run_in(
        repo.path(),
        &[
            "check",
            "packages/api",
            "--no-cache",
            "--format",
            "github",
            "--path-prefix",
            "services/backend",
        ],
    );
    let annotations = text(&output.stdout);
    assert!(
        annotations.contains("file=services/backend/src/"),
        "{annotations}"
    );
    assert!(!annotations.contains("file=packages/"), "{annotations}");
}

#[test]
fn no_two_sarif_results_share_a_fingerprint_when_every_line_is_duplicated() {
    let repo = monorepo();
    let api = repo.path().join("packages/api");
    let mut sources = Vec::new();
    let mut stack = vec![api.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "js") {
                sources.push(path);
            }
        }
    }
    for source in &sources {
        let original = std::fs::read_to_string(source).expect("read");
        let doubled: String = original
            .lines()
            .flat_map(|line| [line, "\n", line, "\n"])
            .collect();
        std::fs::write(source, doubled).expect("write");
    }
    let output = run_in(&api, &["check", ".", "--no-cache", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif");
    let results = sarif_results(&log);
    let mut seen = BTreeSet::new();
    let mut repeated_lines = 0;
    for result in results {
        let fingerprint = result["partialFingerprints"]["treeauditIdentity/v1"]
            .as_str()
            .expect("fingerprint")
            .to_string();
        repeated_lines += usize::from(fingerprint.contains(':'));
        assert!(
            seen.insert(fingerprint.clone()),
            "{fingerprint} is shared: {result}"
        );
    }
    assert!(
        repeated_lines > 5,
        "duplicated lines give repeated findings ({repeated_lines} of {})",
        results.len()
    );
}

#[test]
fn suppressed_findings_are_listed_in_sarif_as_suppressed_with_the_reason() {
    let repo = monorepo();
    let api = repo.path().join("packages/api");
    let file = api.join("src/routes/campaigns.js");
    let original = std::fs::read_to_string(&file).expect("read");
    let broken = original
        .lines()
        .position(|l| l.contains("../db.js"))
        .expect("the story's broken import");
    let mut lines: Vec<&str> = original.lines().collect();
    lines.insert(
        broken,
        "// treeaudit-ignore-next-line unresolved-import -- db.js arrives with the next deploy",
    );
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");

    let output = run_in(&api, &["check", ".", "--no-cache", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("sarif");
    let suppressed: Vec<&serde_json::Value> = sarif_results(&log)
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    let result = suppressed[0];
    assert_eq!(result["ruleId"], "unresolved-import");
    assert!(uri(result).ends_with("src/routes/campaigns.js"));
    assert_eq!(result["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        result["suppressions"][0]["justification"],
        "db.js arrives with the next deploy"
    );
    // Everywhere else it is silent.
    let json = run_in(&api, &["check", ".", "--no-cache", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert!(
        !value["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["specifier"] == "../db.js"),
        "the suppressed finding is not reported"
    );
}

#[test]
fn one_run_writes_every_requested_format() {
    let repo = monorepo();
    let out = repo.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let output = run_in(
        repo.path(),
        &[
            "check",
            "packages/api",
            "--no-cache",
            "--format",
            "github",
            "--output",
            &format!("sarif={}", out.join("a.sarif").display()),
            "--output",
            &format!("markdown={}", out.join("summary.md").display()),
            "--output",
            &format!("json={}", out.join("a.json").display()),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("a.json")).expect("json"))
            .expect("json");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("a.sarif")).expect("sarif"))
            .expect("sarif");
    let findings = json["findings"].as_array().expect("findings").len();
    assert_eq!(sarif_results(&sarif).len(), findings);
    // The story has fewer findings per severity than GitHub's cap: one annotation each.
    assert_eq!(
        text(&output.stdout)
            .lines()
            .filter(|l| l.starts_with("::"))
            .count(),
        findings
    );
    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary");
    assert!(summary.starts_with("## treeaudit\n"), "{summary}");
    assert!(
        summary.contains("| `unresolved-import` | error |"),
        "{summary}"
    );
    assert!(summary.contains("`packages/api/src/"), "{summary}");

    let bad = run_in(repo.path(), &["check", "packages/api", "--output", "xml=a"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("allowed: text, json, sarif, github, markdown"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn plan_fails_on_a_blocked_file_unless_blocked_files_are_allowed() {
    let story = repo_file("fixtures/story-api");
    let story = story.to_str().expect("utf-8");
    let blocked = run_in(Path::new("."), &["plan", story, "--no-cache"]);
    assert_eq!(blocked.status.code(), Some(1), "{}", text(&blocked.stderr));
    assert!(text(&blocked.stdout).contains("BLOCKED"));
    let allowed = run_in(
        Path::new("."),
        &["plan", story, "--no-cache", "--allow-blocked", "--quiet"],
    );
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    assert_eq!(
        text(&allowed.stdout).lines().count(),
        1,
        "--quiet: the summary"
    );
    let clean = repo_file("fixtures/ts-clean");
    let clean = run_in(
        Path::new("."),
        &["plan", clean.to_str().expect("utf-8"), "--no-cache"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
}

#[test]
fn drift_and_plan_honour_the_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("treeaudit.json");
    // Comments and trailing commas, as in tsconfig.json.
    std::fs::write(
        &config,
        "{\n  // the workers ship separately\n  \"ignore\": [\"src/workers/**\",],\n}\n",
    )
    .expect("write config");
    let config = config.to_str().expect("utf-8");
    let local = repo_file("fixtures/drift/local");
    let prod = repo_file("fixtures/drift/prod");
    let (local, prod) = (
        local.to_str().expect("utf-8"),
        prod.to_str().expect("utf-8"),
    );
    let here = Path::new(".");

    let drift = |extra: &[&str]| {
        let mut args = vec!["drift", local, prod, "--format", "json"];
        args.extend_from_slice(extra);
        let output = run_in(here, &args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            text(&output.stderr)
        );
        text(&output.stdout)
    };
    assert!(drift(&[]).contains("src/workers/"));
    let configured = drift(&["--config", config, "--quiet", "--entry", "src/index.js"]);
    assert!(!configured.contains("src/workers/"), "{configured}");

    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", local, "--from", prod, "--format", "json"];
        args.extend_from_slice(extra);
        let output = run_in(here, &args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            text(&output.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("plan json")
    };
    let blocked = |plan: &serde_json::Value| -> Vec<String> {
        plan["blocked"]
            .as_array()
            .expect("blocked")
            .iter()
            .map(|b| b["file"].as_str().expect("file").to_string())
            .collect()
    };
    assert!(
        blocked(&plan(&[]))
            .iter()
            .any(|f| f.starts_with("src/workers/"))
    );
    let configured = blocked(&plan(&["--config", config]));
    assert!(
        !configured.iter().any(|f| f.starts_with("src/workers/")),
        "{configured:?}"
    );
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn changed_since_reports_only_files_changed_since_the_ref() {
    let repo = tempfile::tempdir().expect("temp dir");
    let api = repo.path().join("packages/api");
    copy_dir(&repo_file("fixtures/story-api"), &api);
    if !git(repo.path(), &["init", "-q"]) {
        eprintln!("skipped: no git");
        return;
    }
    assert!(git(repo.path(), &["add", "-A"]));
    assert!(git(repo.path(), &["commit", "-q", "-m", "story"]));
    let changed = api.join("src/routes/campaigns.js");
    let mut source = std::fs::read_to_string(&changed).expect("read");
    source.push_str("// touched\n");
    std::fs::write(&changed, source).expect("write");

    let output = run_in(
        &api,
        &[
            "check",
            ".",
            "--no-cache",
            "--format",
            "json",
            "--changed-since",
            "HEAD",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let files: BTreeSet<&str> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, BTreeSet::from(["src/routes/campaigns.js"]));
    let errors = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(value["summary"]["errors"], errors);

    let bad = run_in(&api, &["check", ".", "--changed-since", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--changed-since"),
        "{}",
        text(&bad.stderr)
    );
}
