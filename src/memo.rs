//! The report of a whole `check`, reused when nothing it depended on has changed.
//!
//! A run with a cache directory records every file-system access it makes beyond its walk
//! ([`crate::access`]). Next time the same tree is checked with the same settings, treeaudit
//! walks it again (the walk is cheap and decides which files exist), and if the walk found the
//! same files and every recorded access still holds (by `stat`, and by content for a file whose
//! times changed), the stored report is the answer: nothing is read, parsed or resolved.
//! Anything else (a changed file, a new file in a directory a resolution looked into, another
//! configuration, another treeaudit) is a miss, and the run does all the work and stores anew.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::access::{AccessLog, Need, still_holds};
use crate::discover::{Discovery, Skipped};
use crate::finding::Finding;
use crate::suppress::Suppressed;
use crate::{EntryReport, Options, Report, Summary};

/// Bumped whenever the stored shape changes.
const MEMO_FORMAT: u32 = 1;

/// The most a stored report may weigh; a bigger file is not read.
const MAX_MEMO_BYTES: u64 = 512 * 1024 * 1024;

/// The stored report of one (tree, settings) pair.
pub struct Memo {
    path: PathBuf,
    key: u64,
    listing: u64,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    key: u64,
    listing: u64,
    /// When the run that stored this started (nanoseconds since the epoch).
    started: i64,
    needs: Vec<(PathBuf, Need)>,
    summary: Summary,
    findings: Vec<StoredFinding>,
    suppressed: Vec<(StoredFinding, String)>,
    skipped: Vec<Skipped>,
    entries: Vec<EntryReport>,
}

/// A finding with the fields JSON output leaves out (code frames need them).
#[derive(Serialize, Deserialize)]
struct StoredFinding {
    finding: Finding,
    length: u32,
    source_line: Option<String>,
}

impl StoredFinding {
    fn of(finding: &Finding) -> StoredFinding {
        StoredFinding {
            finding: finding.clone(),
            length: finding.length,
            source_line: finding.source_line.clone(),
        }
    }

    fn into_finding(self) -> Finding {
        let mut finding = self.finding;
        finding.length = self.length;
        finding.source_line = self.source_line;
        finding
    }
}

impl Memo {
    /// The memo for `options` on the walked tree `discovery`, kept under `dir`.
    pub fn new(dir: &Path, options: &Options, discovery: &Discovery) -> Memo {
        let settings = format!(
            "memo {MEMO_FORMAT} {:032x}\nbuild {}\nroot {}\nconfig {}\nentries {:?}\n",
            crate::cache::format_stamp(),
            build_identity(),
            discovery.root.display(),
            serde_json::to_string(&options.config).unwrap_or_default(),
            options.entries,
        );
        let key = xxh3_64(settings.as_bytes());
        // Discovery lists every file it found, sorted: equal listings, equal trees of names.
        let listing = xxh3_64(format!("{discovery:?}").as_bytes());
        Memo {
            path: dir
                .join(format!("memo-v{MEMO_FORMAT}"))
                .join(format!("{key:016x}.json")),
            key,
            listing,
        }
    }

    /// The stored report, if every access it depended on still holds.
    pub fn lookup(&self, root_as_given: &str) -> Option<Report> {
        let bytes =
            crate::discover::read_regular_file_unrecorded(&self.path, MAX_MEMO_BYTES).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        if stored.format != MEMO_FORMAT || stored.key != self.key || stored.listing != self.listing
        {
            return None;
        }
        let started = stored.started;
        let holds = stored
            .needs
            .par_iter()
            .all(|(path, need)| still_holds(path, need, started));
        if !holds {
            return None;
        }
        Some(Report {
            version: crate::JSON_VERSION,
            root: root_as_given.to_string(),
            summary: stored.summary,
            findings: stored
                .findings
                .into_iter()
                .map(StoredFinding::into_finding)
                .collect(),
            skipped: stored.skipped,
            entries: stored.entries,
            baseline: None,
            suppressed: stored
                .suppressed
                .into_iter()
                .map(|(finding, justification)| Suppressed {
                    finding: finding.into_finding(),
                    justification,
                })
                .collect(),
        })
    }

    /// Stores `report` with what the run depended on. A run during which a directory it
    /// looked into was changed is not stored, nor is anything when the directory cannot be
    /// written: the memo costs speed when absent, never correctness.
    pub fn store(&self, log: &Arc<AccessLog>, report: &Report) {
        let Some(needs) = log.finish() else {
            return;
        };
        let stored = Stored {
            format: MEMO_FORMAT,
            key: self.key,
            listing: self.listing,
            started: log.started(),
            needs,
            summary: report.summary.clone(),
            findings: report.findings.iter().map(StoredFinding::of).collect(),
            suppressed: report
                .suppressed
                .iter()
                .map(|s| (StoredFinding::of(&s.finding), s.justification.clone()))
                .collect(),
            skipped: report.skipped.clone(),
            entries: report.entries.clone(),
        };
        let Ok(text) = serde_json::to_vec(&stored) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Written whole under a temporary name, then renamed: a reader never sees half.
        let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) else {
            return;
        };
        use std::io::Write;
        if file.write_all(&text).is_ok() {
            let _ = file.persist(&self.path);
        }
    }
}

/// Which build of treeaudit this is, beyond its version: the size, modification time and inode
/// of the running executable. A report depends on every part of the code (resolution, rules,
/// messages), and two builds of one version differ (a source build at another commit), so a
/// report is reused only by the build that wrote it. Empty when the executable cannot be found
/// (then the version alone decides, as for the fact cache).
fn build_identity() -> String {
    let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) else {
        return String::new();
    };
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    format!("{} {:?} {inode}", meta.len(), meta.modified().ok())
}
