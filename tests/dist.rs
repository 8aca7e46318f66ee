//! Distribution: the GitHub Action's script run against a fake release directory, the npm
//! packages and the release workflow agreeing on names and versions, and the README's rules
//! table matching `treeaudit rules`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_treeaudit");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A runner's temp dir, GitHub's command files, and a release directory holding
/// `treeaudit-linux-x64-gnu.tar.gz` (+ `.sha256`) whose `treeaudit` logs each call to
/// `calls.log` and then runs the real binary.
#[cfg(unix)]
struct FakeRunner {
    dir: tempfile::TempDir,
}

#[cfg(unix)]
impl FakeRunner {
    fn new() -> FakeRunner {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let stage = dir.path().join("stage");
        let release = dir.path().join("release");
        for d in [&stage, &release, &dir.path().join("runner")] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        let wrapper = stage.join("treeaudit");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{BIN}' \"$@\"\n",
                dir.path().join("calls.log").display()
            ),
        )
        .expect("write wrapper");
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let archive = "treeaudit-linux-x64-gnu.tar.gz";
        let tar = Command::new("tar")
            .args(["-czf", &release.join(archive).to_string_lossy(), "-C"])
            .arg(&stage)
            .arg("treeaudit")
            .status()
            .expect("tar");
        assert!(tar.success());
        let sum = Command::new("sha256sum")
            .arg(archive)
            .current_dir(&release)
            .output()
            .expect("sha256sum");
        std::fs::write(release.join(format!("{archive}.sha256")), sum.stdout).expect("write sum");
        FakeRunner { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs one step of action/treeaudit.sh the way action.yml does.
    fn step(&self, step: &str, env: &[(&str, &str)]) -> Output {
        let mut command = Command::new("bash");
        command
            .arg(repo_file("action/treeaudit.sh"))
            .arg(step)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("runner"))
            .env("TREEAUDIT_RELEASE_URL", self.path("release"))
            .env("GITHUB_PATH", self.path("github_path"))
            .env("GITHUB_ENV", self.path("github_env"))
            .env("GITHUB_OUTPUT", self.path("github_output"))
            .env("GITHUB_STEP_SUMMARY", self.path("step_summary"))
            .env("TREEAUDIT_CACHE_DIR", self.path("cache"))
            .env_remove("TREEAUDIT_BIN");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("run the action script")
    }

    /// `TREEAUDIT_BIN` as the install step exported it.
    fn installed_binary(&self) -> String {
        read(&self.path("github_env"))
            .lines()
            .find_map(|l| l.strip_prefix("TREEAUDIT_BIN="))
            .expect("install exported TREEAUDIT_BIN")
            .to_string()
    }

    fn output(&self, key: &str) -> String {
        read(&self.path("github_output"))
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key} in GITHUB_OUTPUT"))
            .to_string()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("calls.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("check"))
            .map(str::to_string)
            .collect()
    }
}

#[cfg(unix)]
#[test]
fn the_action_runs_check_once_writes_sarif_and_summary_and_fails_after_upload() {
    let runner = FakeRunner::new();
    let install = runner.step("install", &[]);
    assert!(install.status.success(), "{}", text(&install.stdout));
    assert!(
        read(&runner.path("github_path")).contains("treeaudit-bin"),
        "the binary's folder goes on PATH"
    );
    let bin = runner.installed_binary();

    let story = repo_file("fixtures/story-api");
    let check = runner.step(
        "check",
        &[
            ("TREEAUDIT_BIN", &bin),
            ("TREEAUDIT_PATH", story.to_str().expect("utf-8")),
        ],
    );
    assert!(
        check.status.success(),
        "check records the exit code and lets upload run: {}",
        text(&check.stderr)
    );
    assert_eq!(
        runner.calls().len(),
        1,
        "one check run: {:?}",
        runner.calls()
    );
    let stdout = text(&check.stdout);
    assert!(stdout.contains("::error file="), "annotations: {stdout}");
    assert_eq!(runner.output("exit-code"), "1");

    let sarif: serde_json::Value =
        serde_json::from_str(&read(Path::new(&runner.output("sarif")))).expect("sarif");
    assert!(
        !sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .is_empty()
    );
    let summary = read(&runner.path("step_summary"));
    assert!(summary.contains("## treeaudit"), "{summary}");
    assert!(
        summary.contains("| `unresolved-import` | error |"),
        "{summary}"
    );
    assert!(
        runner.path("cache").is_dir(),
        "the fact cache is written for actions/cache"
    );

    let finish = runner.step("finish", &[("TREEAUDIT_EXIT_CODE", "1")]);
    assert_eq!(finish.status.code(), Some(1));
    let clean = runner.step("finish", &[("TREEAUDIT_EXIT_CODE", "0")]);
    assert_eq!(clean.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn the_action_writes_a_valid_sarif_and_a_summary_when_treeaudit_exits_2() {
    let runner = FakeRunner::new();
    assert!(runner.step("install", &[]).status.success());
    let bin = runner.installed_binary();
    let story = repo_file("fixtures/story-api");
    let check = runner.step(
        "check",
        &[
            ("TREEAUDIT_BIN", &bin),
            ("TREEAUDIT_PATH", story.to_str().expect("utf-8")),
            ("TREEAUDIT_ARGS", "--config /nonexistent/treeaudit.json"),
        ],
    );
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert_eq!(runner.calls().len(), 1);
    assert_eq!(runner.output("exit-code"), "2");
    let sarif: serde_json::Value =
        serde_json::from_str(&read(Path::new(&runner.output("sarif")))).expect("valid SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let message =
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .expect("message");
    assert!(message.contains("/nonexistent/treeaudit.json"), "{message}");
    let summary = read(&runner.path("step_summary"));
    assert!(summary.contains("exited with 2"), "{summary}");
    let finish = runner.step("finish", &[("TREEAUDIT_EXIT_CODE", "2")]);
    assert_eq!(finish.status.code(), Some(2), "exit 2 propagates");
}

#[cfg(unix)]
#[test]
fn the_action_refuses_a_binary_whose_checksum_does_not_match() {
    let runner = FakeRunner::new();
    std::fs::write(
        runner.path("release/treeaudit-linux-x64-gnu.tar.gz.sha256"),
        format!("{}  treeaudit-linux-x64-gnu.tar.gz\n", "0".repeat(64)),
    )
    .expect("write");
    let install = runner.step("install", &[]);
    assert_eq!(install.status.code(), Some(2));
    assert!(
        text(&install.stdout).contains("checksum mismatch"),
        "{}",
        text(&install.stdout)
    );
    assert!(!runner.path("github_env").exists(), "nothing installed");
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn npm_packages_release_workflow_and_action_agree_on_platforms_and_version() {
    let npm = repo_file("npm");
    let launcher = json_file(&npm.join("treeaudit/package.json"));
    assert_eq!(
        launcher["version"], VERSION,
        "launcher version = Cargo.toml"
    );
    let optional: BTreeSet<String> = launcher["optionalDependencies"]
        .as_object()
        .expect("optionalDependencies")
        .iter()
        .map(|(name, version)| {
            assert_eq!(version, VERSION, "{name}");
            name.clone()
        })
        .collect();
    let launcher_js = read(&npm.join("treeaudit/bin/treeaudit.js"));
    let workflow = read(&repo_file(".github/workflows/release.yml"));
    let mut platforms = BTreeSet::new();
    for entry in std::fs::read_dir(&npm).expect("npm/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(platform) = name.strip_prefix("treeaudit-") else {
            continue;
        };
        let package = json_file(&entry.path().join("package.json"));
        assert_eq!(package["name"], name.as_str());
        assert_eq!(package["version"], VERSION, "{name}");
        let (os, cpu) = (&package["os"][0], &package["cpu"][0]);
        assert!(
            platform.starts_with(&format!(
                "{}-{}",
                os.as_str().expect("os"),
                cpu.as_str().expect("cpu")
            )),
            "{name}: os/cpu fields say {os}/{cpu}"
        );
        if let Some(libc) = platform
            .rsplit('-')
            .next()
            .filter(|l| *l == "musl" || *l == "gnu")
        {
            let expected = if libc == "gnu" { "glibc" } else { "musl" };
            assert_eq!(package["libc"][0], expected, "{name}");
        }
        let target = package["rustTarget"].as_str().expect("rustTarget");
        assert!(
            workflow.contains(&format!("platform: {platform}, target: {target},")),
            "release.yml builds {name} from {target}"
        );
        assert!(
            launcher_js.contains(&format!("\"{platform}\": \"{name}\"")),
            "the launcher knows {name}"
        );
        platforms.insert(name);
    }
    assert_eq!(
        platforms, optional,
        "every platform package is an optional dependency"
    );
    assert_eq!(platforms.len(), 7);
}

/// The README's rules table is `treeaudit rules --format markdown`, between two markers.
#[test]
fn readme_rules_table_is_the_output_of_treeaudit_rules() {
    let output = Command::new(BIN)
        .args(["rules", "--format", "markdown"])
        .output()
        .expect("run treeaudit rules");
    let table = text(&output.stdout);
    for rule in treeaudit::checks::RULES {
        assert!(table.contains(&format!("| `{}` |", rule.name)), "{table}");
    }
    let readme = read(&repo_file("README.md"));
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("README has <!-- rules:start -->")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README rules table is stale: replace it with `treeaudit rules --format markdown`"
    );
}

/// The README quotes the summary line of `check fixtures/story-api` as the binary prints it.
#[test]
fn readme_quotes_the_real_summary_line_of_the_story() {
    let output = Command::new(BIN)
        .args(["check", "fixtures/story-api", "--quiet", "--no-cache"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run treeaudit check");
    assert_eq!(output.status.code(), Some(1));
    let line = text(&output.stdout);
    let line = line.trim_end();
    let readme = read(&repo_file("README.md"));
    assert!(
        readme.contains(&format!("ends with this summary line:\n\n```\n{line}\n```")),
        "README's summary line for fixtures/story-api is stale; the binary prints:\n{line}"
    );
}

/// action.yml is valid YAML whose steps run the script's three steps in order: check once,
/// then the SARIF upload and cache save even after findings, then the failing step.
#[test]
fn action_yml_runs_check_once_and_fails_only_after_upload_and_cache_save() {
    let action: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&read(&repo_file("action.yml"))).expect("action.yml is YAML");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let position = |needle: &str| {
        steps
            .iter()
            .position(|s| {
                let run = s["run"].as_str().unwrap_or("");
                let uses = s["uses"].as_str().unwrap_or("");
                run.contains(needle) || uses.contains(needle)
            })
            .unwrap_or_else(|| panic!("no step with {needle}"))
    };
    let checks = steps
        .iter()
        .filter(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("treeaudit.sh\" check"))
        })
        .count();
    assert_eq!(checks, 1, "one check run");
    let (install, check) = (
        position("treeaudit.sh\" install"),
        position("treeaudit.sh\" check"),
    );
    let (upload, save) = (position("upload-sarif"), position("actions/cache/save"));
    let finish = position("treeaudit.sh\" finish");
    assert!(install < check && check < upload && upload < save && save < finish);
    assert_eq!(finish, steps.len() - 1, "failing is the last step");
    for step in [upload, save, finish] {
        let condition = steps[step]["if"].as_str().unwrap_or("");
        assert!(
            condition.contains("always()"),
            "step {step} runs after findings"
        );
    }
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&read(&repo_file(
        ".github/workflows/release.yml",
    )))
    .expect("release.yml is YAML");
    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&read(&repo_file(".pre-commit-hooks.yaml")))
        .expect(".pre-commit-hooks.yaml is YAML");
}
