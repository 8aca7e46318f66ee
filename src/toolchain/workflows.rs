//! Packages a CI workflow installs next to the scripts it runs: a GitHub Actions step
//! `npm --prefix .github/workflows/scripts install @octokit/action@6` followed by
//! `node .github/workflows/scripts/label.js`. Such a script needs no package.json: the step
//! brings the package into `<prefix>/node_modules` (without a prefix, into the checkout's root,
//! which is where the workflow's own scripts under `.github/` look).

use std::path::{Path, PathBuf};

/// One package a workflow step installs, and the directory whose files can then import it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowInstall {
    /// Files under this directory (absolute) resolve the package.
    pub dir: PathBuf,
    /// The package name (`@octokit/action`).
    pub package: String,
}

/// Reads every GitHub Actions workflow among `files` (`.github/workflows/*.yml`).
pub fn load(root: &Path, files: &[PathBuf]) -> Vec<WorkflowInstall> {
    let mut out = Vec::new();
    let workflows = root.join(".github").join("workflows");
    for file in files {
        let is_workflow = file.parent() == Some(workflows.as_path())
            && file.extension().is_some_and(|e| e == "yml" || e == "yaml");
        if !is_workflow {
            continue;
        }
        let Ok(text) = crate::access::read_to_string(file) else {
            continue;
        };
        for line in text.lines() {
            out.extend(installs_of(root, line));
        }
    }
    out.sort_by(|a, b| (&a.dir, &a.package).cmp(&(&b.dir, &b.package)));
    out.dedup();
    out
}

/// The packages one command line installs: `npm [--prefix D] install|i|add P…`,
/// `yarn [--cwd D] add P…`, `pnpm [--dir|-C D] add P…`; global installs make nothing importable.
fn installs_of(root: &Path, line: &str) -> Vec<WorkflowInstall> {
    let line = line
        .trim()
        .trim_start_matches("- ")
        .trim_start_matches("run:")
        .trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = Vec::new();
    for (start, word) in words.iter().enumerate() {
        let verbs: &[&str] = match *word {
            "npm" => &["install", "i", "add"],
            "yarn" | "pnpm" | "bun" => &["add"],
            _ => continue,
        };
        let mut prefix: Option<&str> = None;
        let mut verb_seen = false;
        let mut packages = Vec::new();
        let mut global = false;
        let mut i = start + 1;
        while i < words.len() {
            let w = words[i];
            if matches!(w, "&&" | ";" | "||" | "|") {
                break;
            }
            if matches!(w, "--prefix" | "--cwd" | "--dir" | "-C") {
                prefix = words.get(i + 1).copied();
                i += 2;
                continue;
            }
            if let Some(p) = w
                .strip_prefix("--prefix=")
                .or_else(|| w.strip_prefix("--cwd="))
                .or_else(|| w.strip_prefix("--dir="))
            {
                prefix = Some(p);
            } else if matches!(w, "-g" | "--global") {
                global = true;
            } else if !verb_seen {
                if verbs.contains(&w) {
                    verb_seen = true;
                } else if !w.starts_with('-') {
                    break;
                }
            } else if !w.starts_with('-') {
                packages.push(package_of(w));
            }
            i += 1;
        }
        if !verb_seen || global {
            continue;
        }
        let dir = match prefix {
            Some(p) => crate::resolve::normalize(&root.join(p.trim_matches(['"', '\'']))),
            None => root.join(".github"),
        };
        for package in packages.into_iter().flatten() {
            out.push(WorkflowInstall {
                dir: dir.clone(),
                package,
            });
        }
    }
    out
}

/// `@octokit/action@6` → `@octokit/action`; `lodash@^4` → `lodash`; a path or URL → none.
fn package_of(word: &str) -> Option<String> {
    let word = word.trim_matches(['"', '\'']);
    let (scope, rest) = match word.strip_prefix('@') {
        Some(rest) => ("@", rest),
        None => ("", word),
    };
    let name = rest.split('@').next()?;
    let valid = !name.is_empty()
        && !name.contains(':')
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && (scope.is_empty() != name.contains('/'));
    valid.then(|| format!("{scope}{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_and_plain_installs_are_read_and_global_ones_ignored() {
        let root = Path::new("/r");
        let found = installs_of(
            root,
            "        run: npm --prefix .github/workflows/scripts install @octokit/action@6 lodash",
        );
        assert_eq!(
            found,
            vec![
                WorkflowInstall {
                    dir: PathBuf::from("/r/.github/workflows/scripts"),
                    package: "@octokit/action".into()
                },
                WorkflowInstall {
                    dir: PathBuf::from("/r/.github/workflows/scripts"),
                    package: "lodash".into()
                },
            ]
        );
        assert_eq!(
            installs_of(root, "run: npm i semver && node .github/scripts/x.js")[0],
            WorkflowInstall {
                dir: PathBuf::from("/r/.github"),
                package: "semver".into()
            }
        );
        assert!(installs_of(root, "run: npm install -g vercel").is_empty());
        assert!(installs_of(root, "run: npm ci").is_empty());
        assert!(installs_of(root, "run: pnpm install --frozen-lockfile").is_empty());
    }
}
