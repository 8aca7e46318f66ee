//! What the git repository around an audited tree says: where its root is (so CI output names
//! files the way the repository does) and which files changed since a ref (`--changed-since`).
//! Finding the root needs no git binary; listing changes runs `git` read-only in the tree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The repository root above (or at) `dir`: the nearest ancestor holding `.git` (a directory,
/// or a file as in worktrees and submodules). `dir` is canonicalised first.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors()
        .find(|candidate| candidate.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The `/`-separated path of `dir` inside its repository (`packages/api`), empty at the
/// repository root, `None` outside any repository.
pub fn prefix_in_repository(dir: &Path) -> Option<String> {
    let root = repository_root(dir)?;
    let dir = dir.canonicalize().ok()?;
    let inside = dir.strip_prefix(&root).ok()?;
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// The folder that `prefix` is relative to: `dir` with the prefix's components removed from
/// its end, or `dir` itself when it does not end with them.
pub fn base_of(dir: &Path, prefix: &str) -> PathBuf {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let parts: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    let mut base = dir.clone();
    for part in parts.iter().rev() {
        if base.file_name().is_some_and(|name| name == *part) {
            base.pop();
        } else {
            return dir;
        }
    }
    base
}

/// Files under `dir` (relative to it, `/`-separated) that differ from `reference`: changed
/// or added since it (`git diff --name-only`), plus untracked files that are not ignored.
pub fn changed_since(dir: &Path, reference: &str) -> Result<BTreeSet<String>> {
    if reference.starts_with('-') {
        return Err(Error::Usage(format!(
            "--changed-since {reference}: not a git ref"
        )));
    }
    let mut files = git_lines(
        dir,
        &[
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            reference,
            "--",
        ],
    )?;
    files.extend(git_lines(
        dir,
        &["ls-files", "--others", "--exclude-standard", "--", "."],
    )?);
    Ok(files.into_iter().map(|f| f.replace('\\', "/")).collect())
}

fn git_lines(dir: &Path, args: &[&str]) -> Result<BTreeSet<String>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Paths exactly as stored: no "\303\251"-style quoting of non-ASCII names.
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "core.quotePath")
        .env("GIT_CONFIG_VALUE_0", "false")
        .output()
        .map_err(|e| Error::Usage(format!("--changed-since needs git: {e}")))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        let first = message.lines().next().unwrap_or("git failed").trim();
        return Err(Error::Usage(format!(
            "--changed-since: git {}: {first}",
            args[0]
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_the_path_below_the_folder_holding_dot_git() {
        let repo = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(repo.path().join(".git")).expect("mkdir");
        let api = repo.path().join("packages/api");
        std::fs::create_dir_all(&api).expect("mkdir");
        assert_eq!(prefix_in_repository(&api).as_deref(), Some("packages/api"));
        assert_eq!(prefix_in_repository(repo.path()).as_deref(), Some(""));
        assert_eq!(
            base_of(&api, "packages/api"),
            repo.path().canonicalize().expect("canonical")
        );
    }

    #[test]
    fn a_dot_git_file_marks_a_worktree_root() {
        let repo = tempfile::tempdir().expect("temp dir");
        std::fs::write(repo.path().join(".git"), "gitdir: /elsewhere\n").expect("write");
        let src = repo.path().join("src");
        std::fs::create_dir_all(&src).expect("mkdir");
        assert_eq!(prefix_in_repository(&src).as_deref(), Some("src"));
    }

    #[test]
    fn a_prefix_the_folder_does_not_end_with_keeps_the_folder_as_base() {
        let dir = tempfile::tempdir().expect("temp dir");
        let canonical = dir.path().canonicalize().expect("canonical");
        assert_eq!(base_of(dir.path(), "elsewhere/api"), canonical);
    }
}
