//! Damaged, odd and hostile input: each case gives a clear finding or a listed skip with its
//! reason, the rest of the tree is still analysed, and nothing panics or hangs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A small backend written into a temporary directory.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    /// A tree with a `package.json` declaring hono and one healthy entry file.
    fn backend() -> Tree {
        let tree = Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        tree.write(
            "package.json",
            br#"{ "name": "api", "type": "module", "dependencies": { "hono": "^4.6.0" } }"#,
        );
        tree.write(
            "src/index.js",
            b"import { Hono } from 'hono';\nexport const app = new Hono();\n",
        );
        tree
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    #[cfg(unix)]
    fn symlink(&self, rel: &str, target: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(target, path).expect("symlink");
    }

    /// `treeaudit check <tree> --format json`: the report, and the process output.
    fn check(&self) -> (Value, Output) {
        let output = run(&[
            "check",
            &self.dir.path().to_string_lossy(),
            "--format",
            "json",
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked"),
            "treeaudit panicked:\n{stderr}"
        );
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "exit {:?}, stderr: {stderr}",
            output.status.code()
        );
        let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "invalid JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        (json, output)
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the treeaudit binary runs")
}

fn findings<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The reason a file was skipped, if it was.
fn skip_reason<'a>(json: &'a Value, file: &str) -> Option<&'a str> {
    json["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .find(|s| s["file"] == file)
        .and_then(|s| s["reason"].as_str())
}

fn analysed_files(json: &Value) -> u64 {
    json["summary"]["files"].as_u64().expect("summary.files")
}

#[test]
fn empty_file_is_analysed_and_imports_of_it_resolve() {
    let tree = Tree::backend();
    tree.write("src/routes/placeholder.js", b"");
    tree.write(
        "src/routes/index.js",
        b"import './placeholder.js';\nexport {};\n",
    );
    let (json, output) = tree.check();
    // Route-table rules may have opinions about a placeholder route; the file rules must not.
    let file_findings: Vec<&Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            matches!(
                f["rule"].as_str(),
                Some("syntax-error" | "unresolved-import" | "case-mismatch")
            )
        })
        .collect();
    assert!(file_findings.is_empty(), "{json:#}");
    assert_eq!(json["skipped"], serde_json::json!([]));
    assert_eq!(analysed_files(&json), 3);
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn binary_file_named_js_is_skipped_with_the_reason_and_the_rest_is_analysed() {
    let tree = Tree::backend();
    // A PNG someone saved as .js: NUL bytes in the header.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend(std::iter::repeat_n(0u8, 256));
    tree.write("src/public/logo.js", &png);
    tree.write("src/routes/users.js", b"import db from '../db.js';\n");
    let (json, _) = tree.check();
    let reason = skip_reason(&json, "src/public/logo.js").expect("logo.js is listed as skipped");
    assert!(reason.contains("binary"), "{reason}");
    let unresolved = findings(&json, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{json:#}");
    assert_eq!(unresolved[0]["file"], "src/routes/users.js");
    assert!(
        findings(&json, "syntax-error").is_empty(),
        "a skipped binary must not also be parsed: {json:#}"
    );
}

#[test]
fn invalid_utf8_is_a_finding_and_the_file_imports_are_still_checked() {
    let tree = Tree::backend();
    // Latin-1 `café` in a comment, as an old editor saved it.
    tree.write(
        "src/services/menu.js",
        b"import { price } from './pricing.js';\n// caf\xe9 prices\nexport const menu = price;\n",
    );
    let (json, output) = tree.check();
    let syntax = findings(&json, "syntax-error");
    assert_eq!(syntax.len(), 1, "{json:#}");
    assert_eq!(syntax[0]["file"], "src/services/menu.js");
    assert!(
        syntax[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-8")),
        "{:#}",
        syntax[0]
    );
    let unresolved = findings(&json, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{json:#}");
    assert_eq!(unresolved[0]["specifier"], "./pricing.js");
    assert_eq!(
        (&unresolved[0]["line"], &unresolved[0]["column"]),
        (&serde_json::json!(1), &serde_json::json!(23))
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn five_megabyte_minified_bundle_is_listed_as_skipped_with_its_size() {
    let tree = Tree::backend();
    let mut bundle = String::from("\"use strict\";");
    let mut i = 0;
    while bundle.len() < 5 * 1024 * 1024 {
        bundle.push_str(&format!(
            "var a{i}=function(t,e){{return t+e*{i}}},b{i}=a{i}(1,2);"
        ));
        i += 1;
    }
    assert!(!bundle.contains('\n'));
    tree.write("public/assets/app.min.js", bundle.as_bytes());
    let (json, output) = tree.check();
    let reason = skip_reason(&json, "public/assets/app.min.js").expect("the bundle is listed");
    assert!(reason.contains("minified"), "{reason}");
    assert!(reason.contains("MB"), "{reason}");
    assert_eq!(analysed_files(&json), 1);
    assert_eq!(output.status.code(), Some(0), "{json:#}");
}

#[test]
fn crlf_line_endings_and_a_bom_keep_imports_and_line_numbers() {
    let tree = Tree::backend();
    tree.write(
        "src/routes/orders.js",
        b"\xEF\xBB\xBFimport { list } from '../services/orders.js';\r\n\
          import { Hono } from 'hono';\r\n\
          \r\n\
          const legacy = require('../legacy/orders.cjs');\r\n\
          export default new Hono();\r\n",
    );
    let (json, _) = tree.check();
    let positions: Vec<(String, u64, u64)> = findings(&json, "unresolved-import")
        .iter()
        .map(|f| {
            (
                f["specifier"].as_str().expect("specifier").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
            )
        })
        .collect();
    assert_eq!(
        positions,
        vec![
            ("../services/orders.js".to_string(), 1, 22),
            ("../legacy/orders.cjs".to_string(), 4, 24),
        ],
        "{json:#}"
    );
    assert!(findings(&json, "syntax-error").is_empty(), "{json:#}");

    // The code frame shows the line without the BOM or the carriage return.
    let text = run(&["check", &tree.dir.path().to_string_lossy()]);
    let text = String::from_utf8(text.stdout).expect("UTF-8");
    assert!(!text.contains('\u{feff}'), "BOM in the code frame:\n{text}");
    assert!(!text.contains('\r'), "CR in the code frame:\n{text}");
    assert!(
        text.contains("1 | import { list } from '../services/orders.js';\n"),
        "{text}"
    );
}

#[test]
fn broken_package_json_is_a_finding_naming_it_and_the_rest_is_still_analysed() {
    let tree = Tree::backend();
    tree.write(
        "package.json",
        b"{\n  \"name\": \"api\",\n  \"dependencies\": {\n    \"hono\": \"^4.6.0\",\n  }\n}\n",
    );
    tree.write(
        "src/routes/health.js",
        b"import { ping } from '../db/ping.js';\nexport default ping;\n",
    );
    let (json, output) = tree.check();
    let manifest = findings(&json, "invalid-manifest");
    assert_eq!(manifest.len(), 1, "{json:#}");
    assert_eq!(manifest[0]["file"], "package.json");
    assert_eq!(manifest[0]["line"], 5, "{:#}", manifest[0]);
    let unresolved = findings(&json, "unresolved-import");
    assert_eq!(unresolved.len(), 1, "{json:#}");
    assert_eq!(unresolved[0]["file"], "src/routes/health.js");
    assert_eq!(analysed_files(&json), 2);
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn permission_denied_file_is_skipped_when_the_os_refuses_it() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::backend();
    tree.write("src/secrets.js", b"export const key = 1;\n");
    let path = tree.path("src/secrets.js");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root (as in CI containers) reads mode-000 files anyway; the tool must then behave as
    // for any readable file. Whichever the OS decides for us, it decides for treeaudit too.
    let readable = std::fs::read(&path).is_ok();
    let (json, _) = tree.check();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod back");
    match skip_reason(&json, "src/secrets.js") {
        Some(reason) => {
            assert!(!readable, "a readable file was skipped: {reason}");
            assert!(reason.contains("permission denied"), "{reason}");
        }
        None => {
            assert!(
                readable,
                "an unreadable file was neither analysed nor listed"
            );
            assert_eq!(analysed_files(&json), 2);
        }
    }
}

/// `/proc/self/mem` refuses reads at offset 0 (EIO), but a link to it leaves the tree: it is
/// listed and never opened, like any link pointing outside.
#[cfg(target_os = "linux")]
#[test]
fn link_to_a_file_outside_that_fails_to_read_is_listed_not_opened() {
    let tree = Tree::backend();
    tree.symlink("src/legacy/session.js", "/proc/self/mem");
    tree.write(
        "src/routes/login.js",
        b"import s from '../legacy/gone.js';\n",
    );
    let (json, _) = tree.check();
    let reason =
        skip_reason(&json, "src/legacy/session.js").expect("the unreadable file is listed");
    assert!(reason.contains("points outside the tree"), "{reason}");
    assert_eq!(findings(&json, "unresolved-import").len(), 1, "{json:#}");
}

/// A named pipe called `.js` would block a naive reader forever.
#[cfg(unix)]
#[test]
fn named_pipe_named_js_is_skipped_not_read() {
    let tree = Tree::backend();
    std::fs::create_dir_all(tree.path("src/workers")).expect("mkdir");
    let status = Command::new("mkfifo")
        .arg(tree.path("src/workers/queue.js"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let (json, _) = tree.check();
    let reason = skip_reason(&json, "src/workers/queue.js").expect("the pipe is listed");
    assert!(reason.contains("not a regular file"), "{reason}");
    assert_eq!(analysed_files(&json), 1);
}

#[cfg(unix)]
#[test]
fn dangling_symlink_is_listed_with_a_reason() {
    let tree = Tree::backend();
    // Copied from a server where it pointed into a release directory that was not copied.
    tree.symlink("src/config/current.js", "../../releases/42/config.js");
    let (json, _) = tree.check();
    let reason = skip_reason(&json, "src/config/current.js").expect("the broken link is listed");
    assert!(reason.contains("symbolic link"), "{reason}");
    assert_eq!(analysed_files(&json), 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_listed_and_do_not_hang() {
    let tree = Tree::backend();
    tree.write(
        "src/lib/format.js",
        b"export const format = (n) => `${n}`;\n",
    );
    // A directory link back to its parent, and a file link to itself.
    tree.symlink("src/lib/again", "..");
    tree.symlink("src/lib/self.js", "self.js");
    let (json, _) = tree.check();
    let reason = skip_reason(&json, "src/lib/again").expect("the directory loop is listed");
    assert!(reason.contains("loop"), "{reason}");
    let reason = skip_reason(&json, "src/lib/self.js").expect("the self link is listed");
    assert!(reason.contains("loop"), "{reason}");
    // Each real file is analysed once, not once per path through the loop.
    assert_eq!(analysed_files(&json), 2, "{json:#}");
}

#[test]
fn path_that_does_not_exist_exits_2_with_one_line() {
    let tree = Tree::backend();
    let missing = tree.path("no-such-project");
    let output = run(&["check", &missing.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-project"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn path_is_never_a_problem_when_given_relative_with_dots() {
    // `check ./x/../x` must audit the same tree as `check x`.
    let tree = Tree::backend();
    let root = tree.dir.path();
    let name = root
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    let dotted = Path::new(".").join(&name).join("..").join(&name);
    let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
        .args(["check", &dotted.to_string_lossy(), "--format", "json"])
        .current_dir(root.parent().expect("parent"))
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["root"], dotted.to_string_lossy().as_ref());
    assert_eq!(analysed_files(&json), 1);
    assert_eq!(output.status.code(), Some(0));
}
