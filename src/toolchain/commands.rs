//! Shell commands as `package.json` scripts, Dockerfiles and CI run them: a command line is
//! split into commands (`&&`, `||`, `|`, `;`), `cd` moves the rest of the line, and a shell
//! script it runs (`./build.sh`, `bash scripts/x.sh`) is read line by line from the same
//! directory. One reader for every concern that follows commands (entries, copies).

use std::path::{Path, PathBuf};

use crate::resolve::normalize;

/// What a caller does with each command found.
pub trait CommandVisitor {
    /// One command: its words (quotes trimmed), the directory it runs in and where it came
    /// from (`package.json scripts.build → .bin/build.sh`). Called for a command that runs a
    /// shell script too, before the script's own lines.
    fn command(&mut self, cwd: &Path, tokens: &[&str], source: &str);
    /// A shell script's lines start.
    fn enter_script(&mut self) {}
    /// A shell script's lines end.
    fn leave_script(&mut self) {}
}

/// How many shell scripts deep a command is followed.
const MAX_SCRIPT_DEPTH: u32 = 4;

/// Hands every command of `line`, run from `dir`, to `visitor`, following `cd` and shell
/// scripts inside `root`.
pub fn walk(root: &Path, dir: &Path, line: &str, source: &str, visitor: &mut impl CommandVisitor) {
    walk_at(root, dir, line, source, 0, visitor);
}

fn walk_at(
    root: &Path,
    dir: &Path,
    line: &str,
    source: &str,
    depth: u32,
    visitor: &mut impl CommandVisitor,
) {
    // `cd scripts && node reset.js` runs `scripts/reset.js`.
    let mut cwd = dir.to_path_buf();
    for segment in line.split(['&', '|', ';']) {
        let tokens: Vec<&str> = segment
            .split_whitespace()
            .map(|t| t.trim_matches(['"', '\'']))
            .collect();
        if let ["cd", target] = tokens.as_slice() {
            // `cd "$APP_DIR"`: a variable's value is unknown; the directory stays.
            if !target.contains('$') {
                cwd = normalize(&cwd.join(target));
            }
            continue;
        }
        visitor.command(&cwd, &tokens, source);
        if let Some(file) = script_file(&tokens) {
            shell_script(root, &cwd, file, source, depth, visitor);
        }
    }
}

/// The shell script a command runs: `./generate.sh`, `sh scripts/build.sh`.
pub fn script_file<'t>(tokens: &[&'t str]) -> Option<&'t str> {
    let file = match tokens {
        [shell, file, ..] if matches!(*shell, "sh" | "bash" | "zsh") => *file,
        [file, ..] if file.ends_with(".sh") => *file,
        _ => return None,
    };
    file.ends_with(".sh").then_some(file)
}

/// Runs each line of a shell script as a command (`cwd` is the caller's), at most a few
/// scripts deep.
fn shell_script(
    root: &Path,
    cwd: &Path,
    file: &str,
    source: &str,
    depth: u32,
    visitor: &mut impl CommandVisitor,
) {
    let path: PathBuf = normalize(&cwd.join(file));
    if depth >= MAX_SCRIPT_DEPTH || !path.starts_with(root) {
        return;
    }
    let Ok(bytes) = crate::discover::read_in_tree(root, &path, 256 * 1024) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let source = format!("{source} → {}", crate::discover::relative(root, &path));
    visitor.enter_script();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        walk_at(root, cwd, line, &source, depth + 1, visitor);
    }
    visitor.leave_script();
}
