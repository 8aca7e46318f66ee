//! Packages a CI workflow installs next to the scripts it runs: a GitHub Actions step
//! `npm --prefix .github/workflows/scripts install @octokit/action@6` followed by
//! `node .github/workflows/scripts/label.js`. Such a script needs no package.json: the step
//! brings the package into `<prefix>/node_modules` (without a prefix, into the checkout's root,
//! which is where the workflow's own scripts under `.github/` look).
//!
//! A Dockerfile's `RUN npm install P` does the same for the files of the image: they are taken
//! to be the Dockerfile's directory and below. A global install (`npm install -g P`) counts
//! only when the Dockerfile also sets `NODE_PATH` or links the global folder in as a
//! `node_modules` (`ln -s /usr/local/lib/node_modules node_modules`): Node does not look in
//! the global folder otherwise.

use std::path::{Path, PathBuf};

/// One package a workflow step installs, and the directory whose files can then import it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowInstall {
    /// Files under this directory (absolute) resolve the package.
    pub dir: PathBuf,
    /// The package name (`@octokit/action`).
    pub package: String,
}

/// A GitHub Actions workflow (`.github/workflows/*.yml`) or a Dockerfile of the tree, read once
/// for every pass over them ([`manifest_copies`], [`load`]).
#[derive(Debug)]
pub struct PipelineFile {
    pub path: PathBuf,
    pub text: String,
    pub is_workflow: bool,
}

/// The workflows and Dockerfiles among `files`, read.
pub fn pipeline_files(root: &Path, files: &[PathBuf]) -> Vec<PipelineFile> {
    let workflows = root.join(".github").join("workflows");
    files
        .iter()
        .filter_map(|file| {
            let is_workflow = file.parent() == Some(workflows.as_path())
                && file.extension().is_some_and(|e| e == "yml" || e == "yaml");
            let is_dockerfile = file
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::env::declarations::is_dockerfile_name);
            if !is_workflow && !is_dockerfile {
                return None;
            }
            let text = crate::access::read_to_string(file).ok()?;
            Some(PipelineFile {
                path: file.clone(),
                text,
                is_workflow,
            })
        })
        .collect()
}

/// A committed manifest that a Dockerfile or CI step copies to a directory without one
/// (NodeBB: `install/package.json` → the git-ignored root `package.json`, by `RUN cp …` and
/// `run: cp install/package.json package.json`): that directory's manifest once the copy ran.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManifestCopy {
    /// The `package.json` the copy creates (absolute; absent from the tree).
    pub dest: PathBuf,
    /// The committed `package.json` copied there (absolute).
    pub source: PathBuf,
    /// The root-relative Dockerfile or workflow that copies it.
    pub by: String,
}

/// The `package.json` files a CI workflow step writes whole where the tree has none
/// (`cat > .github/scripts/package.json << EOF` … `EOF`, then `npm install` there, for the
/// scripts the workflow runs): `(created, text)`, the path relative to the root the workflow
/// checks out.
pub fn written_manifests(
    root: &Path,
    pipelines: &[PipelineFile],
    package_jsons: &[PathBuf],
) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for pipeline in pipelines.iter().filter(|p| p.is_workflow) {
        let mut lines = pipeline.text.lines();
        while let Some(line) = lines.next() {
            // A commented-out step writes nothing.
            if line.trim_start().starts_with('#') {
                continue;
            }
            // `cat > DIR/package.json << EOF` or `cat << 'EOF' > DIR/package.json`.
            let Some((_, marker)) = line.split_once("<<") else {
                continue;
            };
            let Some(dest) = line
                .replace("<<", "  ")
                .split_once('>')
                .and_then(|(_, d)| d.split_whitespace().next().map(str::to_string))
                .map(|d| d.trim_matches(['"', '\'']).to_string())
                .filter(|d| d.ends_with("package.json") && !d.starts_with('/'))
            else {
                continue;
            };
            let terminator = marker
                .trim_start()
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(['"', '\'']);
            if terminator.is_empty() {
                continue;
            }
            let mut body = String::new();
            for inner in lines.by_ref() {
                if inner.trim() == terminator {
                    break;
                }
                body.push_str(inner);
                body.push('\n');
            }
            let dest = crate::resolve::normalize(&root.join(dest));
            let is_object =
                serde_json::from_str::<serde_json::Value>(&body).is_ok_and(|v| v.is_object());
            if is_object
                && dest.starts_with(root)
                && !package_jsons.contains(&dest)
                && !out.iter().any(|(d, _)| d == &dest)
            {
                out.push((dest, body));
            }
        }
    }
    out.sort();
    out
}

/// Every manifest copy the workflows and Dockerfiles among `files` make to a directory of the
/// tree that has no `package.json` of its own (`package_jsons`, the committed ones).
pub fn manifest_copies(
    root: &Path,
    pipelines: &[PipelineFile],
    package_jsons: &[PathBuf],
) -> Vec<ManifestCopy> {
    let mut out = Vec::new();
    for pipeline in pipelines {
        let (file, text, is_workflow) = (&pipeline.path, &pipeline.text, pipeline.is_workflow);
        let dockerfile_dir = file.parent().unwrap_or(root);
        // In an image, the tree lands where `COPY . <dir>` puts it (`WORKDIR` + `.`).
        let mut workdir = String::from("/");
        let mut image_root: Option<String> = None;
        for line in text.lines() {
            let line = line.trim().trim_start_matches("- ").trim();
            let line = line.strip_prefix("run:").unwrap_or(line).trim();
            let mut words = line.split_whitespace();
            let first = words.next();
            if !is_workflow && first == Some("WORKDIR") {
                if let Some(dir) = words.next() {
                    workdir = image_path(&workdir, dir);
                }
                continue;
            }
            let commands: Vec<Vec<&str>> = match first {
                Some("COPY" | "ADD") if !is_workflow => {
                    let args: Vec<&str> = words.collect();
                    if args.iter().any(|w| w.starts_with("--from")) {
                        continue;
                    }
                    let args: Vec<&str> =
                        args.into_iter().filter(|w| !w.starts_with("--")).collect();
                    if args.len() == 2 && matches!(args[0], "." | "./") {
                        image_root = Some(image_path(&workdir, args[1]));
                    }
                    vec![args]
                }
                _ => line
                    .trim_start_matches("RUN ")
                    .split(['&', ';', '|'])
                    .filter_map(|command| {
                        let mut words = command.split_whitespace();
                        (words.next() == Some("cp")).then(|| {
                            words
                                .filter(|w| !w.starts_with('-') && *w != "\\")
                                .collect()
                        })
                    })
                    .collect(),
            };
            for args in commands {
                let [source, dest] = args[..] else {
                    continue;
                };
                let (source, dest) = (source.trim_matches('"'), dest.trim_matches('"'));
                if Path::new(source)
                    .file_name()
                    .is_none_or(|n| n != "package.json")
                {
                    continue;
                }
                // An image path (`/usr/src/app/install/package.json`) names the tree's file
                // whose root-relative path it ends with; the rest is where the tree lands.
                let (source, landed) = if source.starts_with('/') {
                    let Some((found, landed)) = package_jsons
                        .iter()
                        .filter_map(|p| {
                            let rel = crate::discover::relative(root, p);
                            let prefix = source.strip_suffix(rel.as_str())?.strip_suffix('/')?;
                            Some((p, format!("{prefix}/"), rel.len()))
                        })
                        .max_by_key(|(_, _, len)| *len)
                        .map(|(p, landed, _)| (p.clone(), landed))
                    else {
                        continue;
                    };
                    (found, Some(landed))
                } else {
                    let base = if is_workflow { root } else { dockerfile_dir };
                    let Some(found) = [root, base]
                        .iter()
                        .map(|b| crate::resolve::normalize(&b.join(source)))
                        .find(|p| package_jsons.contains(p))
                    else {
                        continue;
                    };
                    (found, None)
                };
                let dest = match dest.strip_prefix('/') {
                    None => root.join(dest),
                    Some(_) => {
                        let landed = landed.or_else(|| {
                            image_root
                                .as_ref()
                                .map(|r| format!("{}/", r.trim_end_matches('/')))
                        });
                        let dest_dir = format!("{}/", dest.trim_end_matches('/'));
                        let Some(rest) = landed.as_deref().and_then(|l| {
                            dest_dir.strip_prefix(l).or_else(|| dest.strip_prefix(l))
                        }) else {
                            continue;
                        };
                        root.join(rest)
                    }
                };
                let dest = crate::resolve::normalize(&dest);
                let dest = if dest.file_name().is_some_and(|n| n == "package.json") {
                    dest
                } else {
                    dest.join("package.json")
                };
                if dest.starts_with(root)
                    && dest != source
                    && package_jsons.contains(&source)
                    && !package_jsons.contains(&dest)
                {
                    out.push(ManifestCopy {
                        dest,
                        source,
                        by: crate::discover::relative(root, file),
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.dest == b.dest);
    out
}

/// `dir` (absolute or relative to `workdir`) as an absolute image path.
fn image_path(workdir: &str, dir: &str) -> String {
    let dir = dir.trim_matches('"');
    let path = if dir.starts_with('/') {
        PathBuf::from(dir)
    } else {
        Path::new(workdir).join(dir)
    };
    crate::resolve::normalize(&path)
        .to_string_lossy()
        .into_owned()
}

/// Reads every GitHub Actions workflow (`.github/workflows/*.yml`) and Dockerfile among `files`.
pub fn load(root: &Path, pipelines: &[PipelineFile]) -> Vec<WorkflowInstall> {
    let mut out = Vec::new();
    for pipeline in pipelines {
        let (file, text, is_workflow) = (&pipeline.path, &pipeline.text, pipeline.is_workflow);
        let installs: Vec<Install> = if is_workflow {
            vec![Install {
                dir: root.join(".github"),
                global: false,
            }]
        } else {
            let global = finds_global_packages(text);
            let dockerfile_dir = file.parent().unwrap_or(root);
            // A global install serves every file the image copies in (the build context is
            // usually the tree's root, whatever folder holds the Dockerfile); a local one,
            // the Dockerfile's folder.
            let copied = if global {
                copied_dirs(root, dockerfile_dir, text)
            } else {
                Vec::new()
            };
            let dirs = if copied.is_empty() {
                vec![dockerfile_dir.to_path_buf()]
            } else {
                copied
            };
            dirs.into_iter()
                .map(|dir| Install { dir, global })
                .collect()
        };
        for install in &installs {
            for line in text.lines() {
                out.extend(installs_of(root, line, install));
            }
        }
    }
    out.sort_by(|a, b| (&a.dir, &a.package).cmp(&(&b.dir, &b.package)));
    out.dedup();
    out
}

/// A Dockerfile that lets its files import global packages: `ENV NODE_PATH=…`, or
/// `ln -s /usr/local/lib/node_modules node_modules` (the global folder linked where the
/// image's files look).
fn finds_global_packages(dockerfile: &str) -> bool {
    dockerfile.lines().any(|l| {
        let l = l.trim_start();
        (l.starts_with("ENV ") && l.contains("NODE_PATH"))
            || (l.contains("ln -s") && l.contains("/lib/node_modules "))
    })
}

/// The folders of the tree a Dockerfile's `COPY`/`ADD` lines bring into the image (a copied
/// file stands for its folder), each tried against the tree's root and the Dockerfile's
/// folder; copies from other build stages (`--from=`) are not the tree's.
fn copied_dirs(root: &Path, dockerfile_dir: &Path, text: &str) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if !matches!(words.next(), Some("COPY" | "ADD")) {
            continue;
        }
        let words: Vec<&str> = words.collect();
        if words.iter().any(|w| w.starts_with("--from")) {
            continue;
        }
        let sources: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let Some((_, sources)) = sources.split_last() else {
            continue;
        };
        for source in sources {
            for base in [root, dockerfile_dir] {
                let path = crate::resolve::normalize(&base.join(source.trim_matches('"')));
                if !path.starts_with(root) {
                    continue;
                }
                if crate::access::is_file(&path) {
                    dirs.extend(path.parent().map(Path::to_path_buf));
                } else if crate::access::is_dir(&path) {
                    dirs.push(path);
                }
            }
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Where the installs of one file land.
struct Install {
    /// Without a prefix: the workflow's `.github/`, the Dockerfile's directory.
    dir: PathBuf,
    /// Global installs are importable (a Dockerfile that sets `NODE_PATH`).
    global: bool,
}

/// The packages one command line installs: `npm [--prefix D] install|i|add P…`,
/// `yarn [--cwd D] add P…`, `pnpm [--dir|-C D] add P…`; global installs (`-g`, `yarn global
/// add`) make nothing importable unless `install.global` says so.
fn installs_of(root: &Path, line: &str, install: &Install) -> Vec<WorkflowInstall> {
    let line = line
        .trim()
        .trim_start_matches("- ")
        .trim_start_matches("run:")
        .trim_start_matches("RUN ")
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
            } else if matches!(w, "-g" | "--global") || (w == "global" && !verb_seen) {
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
        if !verb_seen || (global && !install.global) {
            continue;
        }
        let dir = match prefix {
            Some(p) if !global => {
                crate::resolve::normalize(&root.join(p.trim_matches(['"', '\''])))
            }
            _ => install.dir.clone(),
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
        let workflow = Install {
            dir: root.join(".github"),
            global: false,
        };
        let installs_of = |root, line| installs_of(root, line, &workflow);
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

    #[test]
    fn dockerfile_installs_reach_its_directory_and_global_ones_need_node_path() {
        let root = Path::new("/r");
        let image = |global| Install {
            dir: root.join("docker"),
            global,
        };
        let line = "RUN npm install -g prisma@7.3.0 && yarn global add tsx";
        assert!(super::installs_of(root, line, &image(false)).is_empty());
        let found = super::installs_of(root, line, &image(true));
        let names: Vec<_> = found.iter().map(|w| w.package.as_str()).collect();
        assert_eq!(names, ["prisma", "tsx"]);
        assert!(found.iter().all(|w| w.dir == Path::new("/r/docker")));
        let local = super::installs_of(root, "RUN npm i sharp", &image(false));
        assert_eq!(local[0].package, "sharp");
        assert!(finds_global_packages(
            "FROM node\nENV NODE_PATH=/usr/local/lib/node_modules"
        ));
        assert!(finds_global_packages(
            "RUN npm i -g zx && ln -s /usr/local/lib/node_modules node_modules"
        ));
        assert!(!finds_global_packages(
            "RUN npm i -g pm2\nENV PATH=/app/bin:$PATH"
        ));
    }

    #[test]
    fn a_workflow_writes_a_manifest_with_a_heredoc() {
        let root = Path::new("/r");
        let workflow = |text: &str| PipelineFile {
            path: root.join(".github/workflows/ci.yml"),
            text: text.to_string(),
            is_workflow: true,
        };
        let pipelines = [
            // Commented out: it writes nothing (and its body runs to the end of the file).
            workflow("#  run: |\n#    cat > old/package.json << EOF\n#    {}\n#    EOF\n"),
            workflow(
                "      - run: |\n          cat << 'EOF' > .github/scripts/package.json\n          { \"dependencies\": { \"axios\": \"^1\" } }\n          EOF\n          cat > tools/package.json <<-JSON\n          { \"name\": \"${{ env.NAME }}\" \n          JSON\n",
            ),
        ];
        let written = written_manifests(root, &pipelines, &[]);
        let paths: Vec<&Path> = written.iter().map(|(p, _)| p.as_path()).collect();
        // `tools/package.json` is not JSON (a workflow expression broke it): not a manifest.
        assert_eq!(paths, vec![Path::new("/r/.github/scripts/package.json")]);
        assert!(written[0].1.contains("axios"));
    }
}
