//! Source files a build copies elsewhere to run them there: `cp server/main.js
//! build/server/main.js` in a `package.json` script or a shell script one runs. The copy's
//! relative imports are resolved from where it lands, often next to the bundler's output.

use std::path::{Path, PathBuf};

use super::commands::{CommandVisitor, walk};
use crate::manifest::Manifests;
use crate::resolve::normalize;

/// One `cp` of a file or directory of the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Copy {
    /// What is copied (absolute; a file or a directory).
    pub source: PathBuf,
    /// Where it lands (absolute; the file, or the directory a directory becomes).
    pub dest: PathBuf,
    /// The script that copies it (`npm run build` (apps/web) → apps/web/build.sh).
    pub by: String,
}

/// Every copy the tree's scripts make.
#[derive(Debug, Default)]
pub struct Copies {
    /// Sorted.
    pub copies: Vec<Copy>,
}

impl Copies {
    /// Reads the `cp` commands of every `package.json` script and the shell scripts they run.
    pub fn load(root: &Path, manifests: &Manifests) -> Copies {
        let mut collector = Collector { copies: Vec::new() };
        for manifest in manifests.all() {
            let Some(dir) = manifest.path.parent() else {
                continue;
            };
            let Some(scripts) = manifest.json.get("scripts").and_then(|s| s.as_object()) else {
                continue;
            };
            let place = crate::discover::relative(root, dir);
            for (name, command) in scripts {
                let Some(command) = command.as_str() else {
                    continue;
                };
                let source = if place.is_empty() {
                    format!("`npm run {name}`")
                } else {
                    format!("`npm run {name}` ({place})")
                };
                walk(root, dir, command, &source, &mut collector);
            }
        }
        let mut copies = collector.copies;
        copies.sort();
        copies.dedup();
        Copies { copies }
    }

    /// Where copies of `file` land, with the copy that puts them there.
    pub fn destinations<'a>(&'a self, file: &'a Path) -> impl Iterator<Item = (PathBuf, &'a Copy)> {
        self.copies.iter().filter_map(move |copy| {
            let inner = file.strip_prefix(&copy.source).ok()?;
            Some((copy.dest.join(inner), copy))
        })
    }
}

struct Collector {
    copies: Vec<Copy>,
}

impl CommandVisitor for Collector {
    fn command(&mut self, cwd: &Path, tokens: &[&str], source: &str) {
        // `NODE_ENV=production cp …`: leading assignments set the environment.
        let Some(start) = tokens.iter().position(|t| !t.contains('=')) else {
            return;
        };
        if tokens[start] != "cp" {
            return;
        }
        // `cp [-r|-R|-a|-f …] SOURCE… DEST`; `-t DEST` and unknown values are left alone.
        let arguments: Vec<&str> = tokens[start + 1..]
            .iter()
            .copied()
            .filter(|t| !t.starts_with('-'))
            .collect();
        if tokens[start + 1..]
            .iter()
            .any(|t| t.starts_with("-t") || *t == "--target-directory")
        {
            return;
        }
        let Some((dest, sources)) = arguments.split_last() else {
            return;
        };
        if sources.is_empty() || dest.contains(['$', '*', '`']) {
            return;
        }
        let dest_path = normalize(&cwd.join(dest));
        let mut source_paths = Vec::new();
        for from in sources {
            if from.contains(['$', '`']) {
                continue;
            }
            if from.contains(['*', '?', '[']) {
                source_paths.extend(expand_last_name(&cwd.join(from)));
            } else {
                source_paths.push(normalize(&cwd.join(from)));
            }
        }
        // `cp a.js b.js out/`, `cp a.js out/`, or into a directory the tree has: the copy keeps
        // its name inside the destination.
        let into_dir =
            source_paths.len() > 1 || dest.ends_with('/') || crate::access::is_dir(&dest_path);
        for source_path in source_paths {
            let Some(name) = source_path.file_name() else {
                continue;
            };
            let dest = if into_dir {
                dest_path.join(name)
            } else {
                dest_path.clone()
            };
            self.copies.push(Copy {
                source: source_path,
                dest,
                by: source.to_string(),
            });
        }
    }
}

/// The paths a shell glob in the last name of `pattern` matches (`templates/app*`), sorted as
/// the shell expands them; nothing when the directory holding them has a glob too.
fn expand_last_name(pattern: &Path) -> Vec<PathBuf> {
    let pattern = normalize(pattern);
    let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    if dir.to_string_lossy().contains(['*', '?', '[']) {
        return Vec::new();
    }
    let Ok(glob) = globset::Glob::new(&name) else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let Ok(entries) = crate::access::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name())
        // The shell leaves dotfiles out of `*`.
        .filter(|entry| !entry.to_string_lossy().starts_with('.') && matcher.is_match(entry))
        .map(|entry| dir.join(entry))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copies_of(line: &str) -> Vec<(String, String)> {
        let root = Path::new("/nonexistent-tree");
        let mut collector = Collector { copies: Vec::new() };
        walk(root, &root.join("app"), line, "test", &mut collector);
        collector
            .copies
            .iter()
            .map(|c| {
                (
                    crate::discover::relative(root, &c.source),
                    crate::discover::relative(root, &c.dest),
                )
            })
            .collect()
    }

    #[test]
    fn cp_forms_name_the_copy_destination() {
        assert_eq!(
            copies_of("rollup -c && cp server/main.js build/server/main.js"),
            [(
                "app/server/main.js".into(),
                "app/build/server/main.js".into()
            )]
        );
        assert_eq!(
            copies_of("cd web && cp -r static out/"),
            [("app/web/static".into(), "app/web/out/static".into())]
        );
        assert_eq!(
            copies_of("cp a.js b.js dist"),
            [
                ("app/a.js".into(), "app/dist/a.js".into()),
                ("app/b.js".into(), "app/dist/b.js".into())
            ]
        );
        // Unknown values are left alone.
        assert!(copies_of("cp $SRC dist/").is_empty());
        assert!(copies_of("cp src/*.json $OUT").is_empty());
        // A glob matching nothing copies nothing.
        assert!(copies_of("cp -r templates/app* dist/").is_empty());
        assert!(copies_of("cp -t dist a.js").is_empty());
        assert!(copies_of("echo cp a b").is_empty());
    }
}
