//! treeaudit never writes into the tree it audits and never runs its code: every path, file
//! content, size and modification time is the same before and after `check`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File {
        hash: u64,
        len: u64,
        modified: SystemTime,
    },
    Link(std::path::PathBuf),
}

/// Every path under `root` with what it is and, for files, a content hash.
fn fingerprint(root: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .to_string();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let item = if meta.is_symlink() {
                Entry::Link(std::fs::read_link(&path).expect("read_link"))
            } else if meta.is_dir() {
                stack.push(path.clone());
                Entry::Dir
            } else {
                let bytes = std::fs::read(&path).expect("read");
                Entry::File {
                    hash: xxhash_rust::xxh3::xxh3_64(&bytes),
                    len: meta.len(),
                    modified: meta.modified().expect("mtime"),
                }
            };
            out.insert(rel, item);
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn audit_copy_of(fixture: &str) {
    let work = tempfile::tempdir().expect("temp dir");
    let root = work.path().join(fixture);
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture),
        &root,
    );
    // A config file that leaves a mark if anything ever executes it (tools that `require()`
    // their configs do).
    std::fs::write(
        root.join("eslint.config.js"),
        "import fs from 'node:fs';\nfs.writeFileSync(new URL('./EXECUTED', import.meta.url), 'ran');\nexport default [];\n",
    )
    .expect("write config");
    let before = fingerprint(&root);
    assert!(before.len() > 5, "the copy holds the fixture: {before:?}");

    for format in ["text", "json"] {
        let output = Command::new(env!("CARGO_BIN_EXE_treeaudit"))
            .args(["check", &root.to_string_lossy(), "--format", format])
            .current_dir(work.path())
            .output()
            .expect("runs");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{fixture} --format {format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let after = fingerprint(&root);
    assert!(!root.join("EXECUTED").exists(), "audited code was executed");
    assert_eq!(before, after, "{fixture}: the audited tree changed");
    // Nothing was written next to the tree either (a cache, a report file).
    let siblings: Vec<String> = std::fs::read_dir(work.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(siblings, vec![fixture.to_string()]);
}

#[test]
fn story_api_tree_is_byte_identical_after_check() {
    audit_copy_of("story-api");
}

#[test]
fn ts_clean_tree_is_byte_identical_after_check() {
    audit_copy_of("ts-clean");
}
