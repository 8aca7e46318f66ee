//! Trees built to attack the auditor (issue 14): links out of the tree, imports climbing out of
//! it, file names that carry terminal sequences or GitHub workflow commands, named pipes,
//! names that are not UTF-8, unreadable and broken config, absurd `--threads`. Each test
//! asserts nothing outside the root is read or printed, no output line is injected, the exit
//! code is the documented one, every skipped item is named, and the run ends in seconds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What must never appear in any output: it only exists outside the audited tree.
const SECRET: &str = "npm_TOKEN_MARKER_7f3a9c";

/// A workspace holding the audited app (`app/`) and files outside it (`outside/`).
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let ws = Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        ws.write(
            "app/package.json",
            br#"{ "name": "api", "type": "module", "main": "src/index.js", "dependencies": { "hono": "^4.6.0" } }"#,
        );
        ws.write(
            "app/src/index.js",
            b"import { Hono } from 'hono';\nexport const app = new Hono();\n",
        );
        ws.write(
            "outside/.npmrc",
            format!("//registry.npmjs.org/:_authToken={SECRET}\n").as_bytes(),
        );
        ws.write(
            "outside/secret.js",
            format!("export const {SECRET} = 1;\nexport const other_{SECRET} = 2;\n").as_bytes(),
        );
        ws
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("app")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    fn symlink(&self, rel: &str, target: &Path) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, path).expect("symlink");
    }

    fn mkfifo(&self, rel: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let status = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
        assert!(status.success());
    }

    /// `treeaudit check app --format json` (no cache), bounded in time.
    fn check_json(&self, extra: &[&str]) -> (Value, Output) {
        let root = self.root();
        let mut args = vec!["check", root.to_str().expect("utf-8"), "--format", "json"];
        args.push("--no-cache");
        args.extend_from_slice(extra);
        let output = run(&args);
        assert_runs_cleanly(&output, &[0, 1]);
        let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "invalid JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        (json, output)
    }

    /// Every human-readable output of every command over the app, joined.
    fn every_output(&self) -> String {
        let root = self.root();
        let root = root.to_str().expect("utf-8");
        let mut all = String::new();
        for args in [
            vec!["check", root, "--no-cache"],
            vec!["check", root, "--no-cache", "--format", "github"],
            vec!["check", root, "--no-cache", "--format", "json"],
            vec!["check", root, "--no-cache", "--format", "sarif"],
            vec!["check", root, "--no-cache", "--format", "markdown"],
            vec!["graph", root, "--no-cache"],
            vec!["graph", root, "--no-cache", "--format", "mermaid"],
            vec!["env", root, "--no-cache"],
            vec!["env", root, "--no-cache", "--format", "dotenv"],
            vec!["routes", root, "--no-cache"],
            vec!["plan", root],
            vec!["plan", root, "--format", "mermaid"],
        ] {
            let output = run(&args);
            assert_runs_cleanly(&output, &[0, 1]);
            all.push_str(&format!("$ {}\n", args.join(" ")));
            all.push_str(&String::from_utf8_lossy(&output.stdout));
            all.push_str(&String::from_utf8_lossy(&output.stderr));
        }
        all
    }
}

/// Runs the binary with a deadline: a hang is a failure, not a stuck test run.
fn run(args: &[&str]) -> Output {
    run_in(args, None)
}

fn run_in(args: &[&str], cwd: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_treeaudit"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let mut child = command.spawn().expect("the treeaudit binary runs");
    // Drain both pipes while waiting: output larger than a pipe buffer (a SARIF report with
    // every rule's docs is ~64 KiB) would otherwise block the child on write.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return Output {
                status,
                stdout: stdout.join().expect("stdout reader"),
                stderr: stderr.join().expect("stderr reader"),
            };
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("treeaudit {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_runs_cleanly(output: &Output, codes: &[i32]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "treeaudit panicked:\n{stderr}"
    );
    let code = output.status.code().expect("exited");
    assert!(codes.contains(&code), "exit {code}, stderr: {stderr}");
}

fn skip_reason<'a>(json: &'a Value, file: &str) -> Option<&'a str> {
    json["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .find(|s| s["file"] == file)
        .and_then(|s| s["reason"].as_str())
}

fn findings<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// No raw control character but newline and tab, and no line a CI log would take as a
/// workflow command (`--format github` is the one format whose lines are commands).
fn assert_not_injected(output: &str) {
    let mut github = false;
    for line in output.lines() {
        if line.starts_with("$ ") {
            github = line.contains("--format github");
            continue;
        }
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "raw control character in output line {line:?}"
        );
        if !github {
            assert!(
                !line.starts_with("::"),
                "injected workflow command: {line:?}"
            );
        } else {
            // Each line is one of treeaudit's own commands; the runner reads `::` only at the
            // start of a line, so the name inside a message is data.
            assert!(
                line.starts_with("::") && !line.starts_with("::error file=index.js,line=1::"),
                "github output line that is not one whole command: {line:?}"
            );
        }
    }
}

#[test]
fn symlink_to_filesystem_root_is_listed_not_walked() {
    let ws = Workspace::new();
    ws.symlink("app/src/vendor/everything", Path::new("/"));
    let started = Instant::now();
    let (json, _) = ws.check_json(&[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let reason = skip_reason(&json, "src/vendor/everything").expect("the link is listed");
    assert!(reason.contains("points outside the tree"), "{reason}");
    assert_eq!(json["summary"]["files"], 1, "{json:#}");
}

#[test]
fn symlink_to_a_secret_outside_is_listed_and_its_content_never_printed() {
    let ws = Workspace::new();
    ws.symlink("app/src/config.js", &ws.path("outside/.npmrc"));
    ws.symlink("app/src/lib/secret.js", &ws.path("outside/secret.js"));
    ws.symlink("app/.env.production", &ws.path("outside/.npmrc"));
    ws.write(
        "app/src/routes/users.js",
        b"import config from '../config.js';\nimport { nothing } from '../lib/secret.js';\nexport default config;\n",
    );
    let (json, _) = ws.check_json(&[]);
    for link in ["src/config.js", "src/lib/secret.js", ".env.production"] {
        let reason = skip_reason(&json, link).unwrap_or_else(|| panic!("{link} listed: {json:#}"));
        assert!(
            reason.contains("points outside the tree"),
            "{link}: {reason}"
        );
    }
    let all = ws.every_output();
    assert!(
        !all.contains(SECRET),
        "a file outside the tree was printed:\n{all}"
    );
    assert!(
        !all.contains("outside/"),
        "a path outside the tree was printed:\n{all}"
    );
}

#[test]
fn import_climbing_out_of_the_tree_is_a_note_and_not_parsed() {
    let ws = Workspace::new();
    ws.write(
        "app/src/routes/users.js",
        b"import { missing } from '../../../outside/secret.js';\nexport default missing;\n",
    );
    ws.write(
        "app/src/index.js",
        b"import users from './routes/users.js';\nexport default users;\n",
    );
    let (json, output) = ws.check_json(&[]);
    let unresolved = findings(&json, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{json:#}");
    assert_eq!(unresolved[0]["severity"], "info", "{:#}", unresolved[0]);
    assert!(
        unresolved[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("outside the audited tree")),
        "{:#}",
        unresolved[0]
    );
    // Parsing the target would have produced a missing-export naming its exports.
    assert!(findings(&json, "missing-export").is_empty(), "{json:#}");
    assert_eq!(output.status.code(), Some(0), "{json:#}");
    let all = ws.every_output();
    assert!(
        !all.contains(SECRET),
        "the outside file was parsed and printed:\n{all}"
    );
}

#[test]
fn tsconfig_extends_outside_the_tree_is_not_opened() {
    let ws = Workspace::new();
    ws.write(
        "outside/tsconfig.base.json",
        format!(
            r#"{{ "compilerOptions": {{ "baseUrl": ".", "paths": {{ "@/*": ["{SECRET}/*"] }} }} }}"#
        )
        .as_bytes(),
    );
    ws.write(
        "app/tsconfig.json",
        br#"{ "extends": "../outside/tsconfig.base.json", "compilerOptions": { "baseUrl": "." } }"#,
    );
    ws.write(
        "app/src/db.ts",
        b"import { pool } from '@/db/pool';\nexport default pool;\n",
    );
    let (json, _) = ws.check_json(&[]);
    let text = json.to_string();
    assert!(
        !text.contains(SECRET),
        "the outside tsconfig was read:\n{json:#}"
    );
    // strace, when the sandbox allows it, shows the file is not even opened.
    if let Some(opened) = files_opened(&["check", ws.root().to_str().expect("utf-8"), "--no-cache"])
    {
        assert!(
            !opened.iter().any(|p| p.contains("/outside/")),
            "opened outside the tree: {opened:?}"
        );
    }
}

/// The files a run opens, from `strace -f -e trace=open,openat`; `None` when strace is
/// unavailable or not permitted here.
fn files_opened(args: &[&str]) -> Option<Vec<String>> {
    let log = tempfile::NamedTempFile::new().ok()?;
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=open,openat", "-o"])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !matches!(status.code(), Some(0 | 1)) {
        return None;
    }
    let text = std::fs::read_to_string(log.path()).ok()?;
    let opened: Vec<String> = text
        .lines()
        .filter(|l| !l.contains("ENOENT"))
        .filter_map(|l| l.split('"').nth(1).map(str::to_string))
        .collect();
    (!opened.is_empty()).then_some(opened)
}

#[test]
fn every_read_stays_inside_the_tree_under_strace() {
    let ws = Workspace::new();
    ws.symlink("app/src/config.js", &ws.path("outside/.npmrc"));
    ws.symlink("app/src/everything", Path::new("/"));
    ws.write(
        "app/src/routes/users.js",
        b"import config from '../config.js';\nimport { x } from '../../../outside/secret.js';\nexport default config + x;\n",
    );
    let Some(opened) = files_opened(&["check", ws.root().to_str().expect("utf-8"), "--no-cache"])
    else {
        eprintln!("strace is not usable here; the output checks of the other tests still apply");
        return;
    };
    let outside = ws.path("outside");
    let outside = outside.to_str().expect("utf-8");
    let leaked: Vec<&String> = opened.iter().filter(|p| p.starts_with(outside)).collect();
    assert!(leaked.is_empty(), "opened outside the tree: {leaked:?}");
}

#[test]
fn alias_links_inside_the_tree_are_the_same_module() {
    let ws = Workspace::new();
    ws.write(
        "app/src/v2/handler.js",
        b"export function handle(req) { return req; }\n",
    );
    ws.symlink("app/src/current", Path::new("v2"));
    ws.symlink("app/src/handler-alias.js", Path::new("v2/handler.js"));
    // A data file under a second name (CLAUDE.md -> AGENTS.md) is never read: not worth a line.
    ws.write("app/AGENTS.md", b"# Agents\n");
    ws.symlink("app/CLAUDE.md", Path::new("AGENTS.md"));
    ws.write(
        "app/src/index.js",
        b"import { handle } from './current/handler.js';\nexport default handle;\n",
    );
    let (json, _) = ws.check_json(&[]);
    assert!(findings(&json, "unreachable-file").is_empty(), "{json:#}");
    assert!(findings(&json, "unresolved-import").is_empty(), "{json:#}");
    assert_eq!(json["summary"]["files"], 2, "each real file once: {json:#}");
    let reason = skip_reason(&json, "src/current").expect("the directory alias is listed");
    assert!(reason.contains("`src/v2`"), "{reason}");
    let reason = skip_reason(&json, "src/handler-alias.js").expect("the file alias is listed");
    assert!(reason.contains("`src/v2/handler.js`"), "{reason}");
    assert_eq!(
        json["skipped"].as_array().map(Vec::len),
        Some(2),
        "{json:#}"
    );
}

#[test]
fn file_names_cannot_inject_workflow_commands_or_terminal_sequences() {
    let ws = Workspace::new();
    let names = [
        "app/src/x\n::error file=index.js,line=1::INJECTED.js",
        "app/src/\u{1b}]0;pwned\u{7}title.js",
        "app/src/\u{1b}[31mred\u{1b}[0m.js",
        "app/src/routes/::warning::admin.js",
    ];
    for name in names {
        ws.write(name, b"import './\x1b[2Jgone.js';\nexport default 1;\n");
    }
    ws.write(
        "app/src/index.js",
        b"import x from './x\\n::error file=index.js,line=1::INJECTED.js';\nconst k = process.env['\\x1b[31mKEY'];\nexport default x;\n",
    );
    ws.write("app/.env.example", b"PORT=3000\n");
    let all = ws.every_output();
    assert_not_injected(&all);
    assert!(
        all.contains("\\u{1b}"),
        "the sequences are shown escaped:\n{all}"
    );
    assert!(
        all.contains("x\\u{a}::error"),
        "the newline is shown escaped:\n{all}"
    );
}

#[test]
fn absurd_thread_counts_are_clamped_with_a_note() {
    let ws = Workspace::new();
    for i in 0..10 {
        ws.write(
            &format!("app/src/services/s{i}.js"),
            b"export const s = 1;\n",
        );
    }
    for threads in ["100000", "4000"] {
        let started = Instant::now();
        let (json, output) = ws.check_json(&["--threads", threads]);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(json["summary"]["files"], 11);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("--threads {threads} is more than")),
            "{stderr}"
        );
    }
}

#[test]
fn huge_data_files_are_skipped_by_budget_not_parsed() {
    let ws = Workspace::new();
    // A 50 MB multi-line array of records, and 20 MB of brackets in 80-column lines.
    let mut data = String::from("export default [\n");
    let mut i = 0;
    while data.len() < 50 * 1024 * 1024 {
        data.push_str(&format!(
            "  [{i}, {}, \"2024-01-{:02}\", {}.5],\n",
            i * 7,
            i % 28 + 1,
            i % 1000
        ));
        i += 1;
    }
    data.push_str("];\n");
    ws.write("app/src/data/points.js", data.as_bytes());
    let brackets = "[".repeat(80) + "\n";
    ws.write(
        "app/src/data/brackets.js",
        brackets.repeat(20 * 1024 * 1024 / 81).as_bytes(),
    );
    // Under the per-file budget but still data: 3 MB of records.
    ws.write("app/src/data/table.js", &data.as_bytes()[..3 * 1024 * 1024]);
    let started = Instant::now();
    let (json, _) = ws.check_json(&[]);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    for file in ["src/data/points.js", "src/data/brackets.js"] {
        let reason = skip_reason(&json, file).unwrap_or_else(|| panic!("{file}: {json:#}"));
        assert!(reason.contains("per-file budget"), "{file}: {reason}");
    }
    let reason = skip_reason(&json, "src/data/table.js").expect("the table is listed");
    assert!(reason.starts_with("data file"), "{reason}");
}

#[test]
fn named_pipes_are_never_opened() {
    let ws = Workspace::new();
    ws.mkfifo("app/src/workers/queue.js");
    ws.mkfifo("app/.env");
    ws.mkfifo("outside/prod.env");
    ws.write(
        "app/src/index.js",
        b"const url = process.env.DATABASE_URL;\nexport default url;\n",
    );
    let (json, _) = ws.check_json(&[]);
    let reason = skip_reason(&json, "src/workers/queue.js").expect("the pipe is listed");
    assert!(reason.contains("not a regular file"), "{reason}");
    // The pipe named .env may declare anything: said once, no undeclared-env guesses.
    let unreadable = findings(&json, "unreadable-env-file");
    assert_eq!(unreadable.len(), 1, "{json:#}");
    assert!(findings(&json, "undeclared-env").is_empty(), "{json:#}");

    let against = ws.path("outside/prod.env");
    let output = run(&[
        "env",
        ws.root().to_str().expect("utf-8"),
        "--no-cache",
        "--against",
        against.to_str().expect("utf-8"),
    ]);
    assert_runs_cleanly(&output, &[2]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn cache_pack_replaced_by_dev_zero_is_ignored_and_stale_temporaries_removed() {
    let ws = Workspace::new();
    let cache_dir = ws.path("cache");
    let root = ws.root().canonicalize().expect("canonical");
    let pack = treeaudit::cache::FactCache::open(&cache_dir, &root)
        .path()
        .to_path_buf();
    let pack_dir = pack.parent().expect("pack dir").to_path_buf();
    std::fs::create_dir_all(&pack_dir).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", &pack).expect("symlink");
    let stale = pack_dir.join(".tmpKILLED");
    std::fs::write(&stale, b"half a pack").expect("write");
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .expect("open")
        .set_modified(old)
        .expect("mtime");
    let fresh = pack_dir.join(".tmpRUNNING");
    std::fs::write(&fresh, b"another run").expect("write");
    let output = run(&[
        "check",
        root.to_str().expect("utf-8"),
        "--cache-dir",
        cache_dir.to_str().expect("utf-8"),
    ]);
    assert_runs_cleanly(&output, &[0]);
    assert!(!stale.exists(), "a killed run's temporary is removed");
    assert!(fresh.exists(), "a running run's temporary is left alone");
}

#[test]
fn file_name_that_is_not_utf8_is_listed_in_check_and_drift() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    std::fs::write(
        ws.root().join("src").join(name),
        b"export const menu = 1;\n",
    )
    .expect("write");
    let (json, _) = ws.check_json(&[]);
    let reason = skip_reason(&json, "src/caf\\xE9.js").expect("the file is listed");
    assert!(reason.contains("not valid UTF-8"), "{reason}");

    // drift: LOCAL lacks the file PROD has; the trees are not identical.
    let local = ws.path("local");
    ws.write(
        "local/package.json",
        &std::fs::read(ws.root().join("package.json")).expect("read"),
    );
    ws.write(
        "local/src/index.js",
        &std::fs::read(ws.root().join("src/index.js")).expect("read"),
    );
    let output = run(&[
        "drift",
        local.to_str().expect("utf-8"),
        ws.root().to_str().expect("utf-8"),
    ]);
    assert_runs_cleanly(&output, &[1]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("caf\\xE9.js"), "{text}");
}

#[test]
fn drift_of_a_tree_with_itself_exits_0() {
    let ws = Workspace::new();
    ws.write("app/.env.example", b"PORT=3000\n");
    ws.write("app/src/routes/users.js", b"export default 1;\n");
    let root = ws.root();
    let root = root.to_str().expect("utf-8");
    let output = run(&["drift", root, root]);
    assert_runs_cleanly(&output, &[0]);
}

#[test]
fn unreadable_env_file_is_a_finding_not_a_pile_of_undeclared_variables() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    ws.write(
        "app/src/index.js",
        b"const url = process.env.DATABASE_URL;\nexport default url;\n",
    );
    ws.write("app/.env", b"DATABASE_URL=postgres://x\n");
    let env = ws.path("app/.env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root (CI containers) reads mode-000 files anyway; then the file is simply read.
    let readable = std::fs::read(&env).is_ok();
    let (json, _) = ws.check_json(&[]);
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).expect("chmod back");
    assert!(findings(&json, "undeclared-env").is_empty(), "{json:#}");
    let unreadable = findings(&json, "unreadable-env-file");
    if readable {
        assert!(unreadable.is_empty(), "{json:#}");
    } else {
        assert_eq!(unreadable.len(), 1, "{json:#}");
        assert!(
            unreadable[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("permission denied")),
            "{json:#}"
        );
    }
}

#[test]
fn broken_package_json_causes_no_case_mismatch() {
    let ws = Workspace::new();
    ws.write(
        "app/package.json",
        b"{ \"name\": \"api\", \"type\": \"module\", \"dependencies\": { \"hono\": \"^4\", } }\n",
    );
    ws.write("app/src/lib.js", b"export const lib = 1;\n");
    ws.write(
        "app/src/index.js",
        b"import { lib } from './lib.js';\nimport { Hono } from 'hono';\nexport default [lib, Hono];\n",
    );
    let (json, _) = ws.check_json(&[]);
    assert_eq!(findings(&json, "invalid-manifest").len(), 1, "{json:#}");
    assert!(findings(&json, "case-mismatch").is_empty(), "{json:#}");
    assert!(findings(&json, "unresolved-import").is_empty(), "{json:#}");
}

#[test]
fn missing_entry_path_exits_2_with_one_line() {
    let ws = Workspace::new();
    let output = run(&[
        "check",
        ws.root().to_str().expect("utf-8"),
        "--no-cache",
        "--entry",
        "src/sever.js",
    ]);
    assert_runs_cleanly(&output, &[2]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--entry src/sever.js"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn compose_env_file_outside_the_tree_is_not_read() {
    let ws = Workspace::new();
    ws.write(
        "outside/prod.env",
        format!("{SECRET}=value\nDATABASE_URL=postgres://prod\n").as_bytes(),
    );
    ws.write(
        "app/docker-compose.yml",
        b"services:\n  api:\n    build: .\n    env_file: ../outside/prod.env\n",
    );
    ws.write(
        "app/src/index.js",
        b"const url = process.env.DATABASE_URL;\nexport default url;\n",
    );
    let (json, _) = ws.check_json(&[]);
    let unreadable = findings(&json, "unreadable-env-file");
    assert_eq!(unreadable.len(), 1, "{json:#}");
    assert_eq!(unreadable[0]["file"], "docker-compose.yml");
    let all = ws.every_output();
    assert!(
        !all.contains(SECRET),
        "the outside env file was read:\n{all}"
    );
}
