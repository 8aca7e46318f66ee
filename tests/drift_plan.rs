//! The story's fixture pair: a repo (`fixtures/drift/local`) and the production copy that grew
//! route and service files nobody committed (`fixtures/drift/prod`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use treeaudit::drift::{PairOptions, load_pair};
use treeaudit::facts::ImportKind;
use treeaudit::plan::{PlanOptions, plan_from};

const LOCAL: &str = "fixtures/drift/local";
const PROD: &str = "fixtures/drift/prod";

fn treeaudit(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run treeaudit");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (_, stdout, stderr) = treeaudit(args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"))
}

#[test]
fn drift_of_the_story_lists_every_difference_as_text() {
    let (code, stdout, stderr) = treeaudit(&["drift", LOCAL, PROD]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("drift_text", stdout);
}

#[test]
fn drift_of_the_story_as_json() {
    let (code, stdout, stderr) = treeaudit(&["drift", LOCAL, PROD, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    insta::assert_json_snapshot!("drift_json", value);
}

#[test]
fn the_cascade_names_every_missing_file_with_who_needs_it() {
    let report = json(&["drift", LOCAL, PROD, "--format", "json"]);
    let dialer: Vec<&serde_json::Value> = report["unresolvable"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|u| u["file"] == "src/workers/dialer.js")
        .collect();
    let specifiers: Vec<&str> = dialer
        .iter()
        .map(|u| u["specifier"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        specifiers,
        ["./cdr.js", "../services/freeswitch.js"],
        "in line order"
    );
    // Chained through another PROD-only file: campaign.js imports dialer.js, two importers
    // import campaign.js.
    assert_eq!(
        dialer[0]["needed_by"],
        serde_json::json!([
            "src/services/campaign.js",
            "src/routes/campaigns.js",
            "src/workers/orchestrator.js"
        ])
    );
}

#[test]
fn env_files_are_compared_by_key_and_values_never_printed() {
    for format in ["text", "json"] {
        let (_, stdout, _) = treeaudit(&["drift", LOCAL, PROD, "--format", format]);
        for value in [
            "s3cr3t-prod-value",
            "local-dev-secret",
            "prod-db.internal",
            "10.0.0.12",
        ] {
            assert!(
                !stdout.contains(value),
                "{format} output shows an env value: {value}"
            );
        }
    }
    let report = json(&["drift", LOCAL, PROD, "--format", "json"]);
    assert_eq!(
        report["env"]["added"],
        serde_json::json!(["FREESWITCH_HOST", "REDIS_URL"])
    );
}

#[test]
fn a_tree_compared_with_itself_is_identical_and_exits_0() {
    let (code, stdout, stderr) = treeaudit(&["drift", PROD, PROD, "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(report["files"]["changed"], serde_json::json!([]));
    assert_eq!(
        report["summary"]["prod_files"],
        report["summary"]["local_files"]
    );
}

#[test]
fn a_missing_tree_is_an_error_naming_it_and_exits_2() {
    let (code, stdout, stderr) = treeaudit(&["drift", LOCAL, "fixtures/drift/nowhere"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("fixtures/drift/nowhere"), "{stderr}");
}

#[test]
fn plan_from_prod_as_text() {
    let (code, stdout, stderr) = treeaudit(&["plan", LOCAL, "--from", PROD]);
    // Four files are blocked: the plan cannot ship as is, so it fails (it gates a deploy).
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("plan_from_text", stdout);
    let (code, allowed, stderr) = treeaudit(&["plan", LOCAL, "--from", PROD, "--allow-blocked"]);
    assert_eq!(code, 0, "--allow-blocked reports only: {stderr}");
    assert_eq!(allowed, stdout);
}

#[test]
fn plan_from_prod_as_json() {
    let value = json(&["plan", LOCAL, "--from", PROD, "--format", "json"]);
    insta::assert_json_snapshot!("plan_from_json", value);
}

#[test]
fn plan_as_mermaid() {
    let (code, stdout, stderr) = treeaudit(&["plan", LOCAL, "--from", PROD, "--format", "mermaid"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("plan_from_mermaid", stdout);
}

#[test]
fn plan_only_brings_the_named_file_and_what_it_needs() {
    let plan = json(&[
        "plan",
        LOCAL,
        "--from",
        PROD,
        "--only",
        "src/routes/agents.js",
        "--format",
        "json",
    ]);
    let staged: Vec<&str> = plan["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .flat_map(|s| s["files"].as_array().expect("files").iter())
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(staged, ["src/services/agent.js", "src/routes/agents.js"]);
    assert_eq!(plan["blocked"], serde_json::json!([]));
    let (code, _, stderr) = treeaudit(&["plan", LOCAL, "--from", PROD, "--only", "src/nope.js"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("src/nope.js"), "{stderr}");
}

#[test]
fn plans_do_not_depend_on_the_number_of_threads() {
    for args in [
        vec!["plan", LOCAL, "--from", PROD, "--format", "json"],
        vec!["plan", PROD, "--format", "json"],
        vec!["drift", LOCAL, PROD, "--format", "json"],
    ] {
        let outputs: Vec<String> = ["1", "2", "3"]
            .iter()
            .map(|t| {
                let mut with_threads = args.clone();
                with_threads.extend(["--threads", t]);
                treeaudit(&with_threads).1
            })
            .collect();
        assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{args:?}");
    }
}

/// Every staged file depends (at run time, dynamic imports included) only on files of earlier
/// stages, files LOCAL already has unchanged, or files of its own cycle.
#[test]
fn every_stage_depends_only_on_earlier_stages_satisfied_files_or_its_own_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pair = load_pair(&PairOptions {
        local: root.join(LOCAL),
        prod: root.join(PROD),
        threads: 0,
        ..Default::default()
    })
    .expect("load both trees");
    let plan = plan_from(&pair, &PlanOptions::default()).expect("plan");
    assert!(plan.stages.len() >= 3, "the story needs several stages");
    let mut placed: HashMap<&str, (usize, usize)> = HashMap::new();
    for (group, stage) in plan.stages.iter().enumerate() {
        for file in &stage.files {
            assert!(
                placed.insert(file, (stage.stage, group)).is_none(),
                "{file} placed twice"
            );
        }
    }
    let blocked: Vec<&str> = plan.blocked.iter().map(|b| b.file.as_str()).collect();
    for (file, &(stage, group)) in &placed {
        assert!(!blocked.contains(file), "{file} is blocked and staged");
        let module = pair
            .prod
            .module_by_rel(file)
            .expect("staged files are PROD modules");
        for (target, edge) in pair.prod.graph.imports_of(module) {
            if edge.kind == ImportKind::TypeOnly {
                continue;
            }
            let target_rel = pair.prod.modules[target].file.rel.as_str();
            let ok = pair.satisfied_in_local(target_rel)
                || match placed.get(target_rel) {
                    Some(&(s, g)) => s < stage || (g == group && plan.stages[g].cycle),
                    // Only a lazy import may point at a file that cannot ship.
                    None => edge.kind == ImportKind::Dynamic && blocked.contains(&target_rel),
                };
            assert!(ok, "{file} (stage {stage}) needs {target_rel}");
        }
    }
    assert!(
        plan.stages.iter().any(|s| s.cycle),
        "the story's cycle ships as one unit"
    );
}

fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, (u64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                out.insert(path.clone(), (0, Vec::new()));
                stack.push(path);
            } else {
                out.insert(
                    path.clone(),
                    (meta.len(), std::fs::read(&path).expect("read")),
                );
            }
        }
    }
    out
}

#[test]
fn neither_tree_is_written_by_drift_or_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = (
        fingerprint(&root.join(LOCAL)),
        fingerprint(&root.join(PROD)),
    );
    for args in [
        vec!["drift", LOCAL, PROD],
        vec!["drift", LOCAL, PROD, "--format", "json"],
        vec!["plan", LOCAL, "--from", PROD, "--format", "json"],
        vec!["plan", LOCAL, "--from", PROD, "--format", "mermaid"],
        vec!["plan", PROD],
    ] {
        let (code, _, stderr) = treeaudit(&args);
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
    }
    let after = (
        fingerprint(&root.join(LOCAL)),
        fingerprint(&root.join(PROD)),
    );
    assert!(before.0 == after.0, "LOCAL changed");
    assert!(before.1 == after.1, "PROD changed");
}
