//! Every file-system access an audit makes outside its walk, recorded so a later run can tell,
//! by `stat` alone, whether anything the result depended on has changed (see [`crate::memo`]).
//!
//! A run that records installs an [`AccessLog`] on each of its worker threads; the functions
//! here (`read_to_string`, `is_file`, …) do the access and note what it depended on:
//! - a **read** depends on the file's content: its size, times and inode, and a hash of the
//!   bytes (so a file whose times changed but whose bytes did not still matches);
//! - an **existence or type probe** depends on the entries of the directory holding the path:
//!   adding, removing or renaming an entry changes that directory's modification time;
//! - a **directory listing** depends on the directory the same way.
//!
//! Without a log on the thread the functions only do the access. Nothing is ever written.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

/// Seconds of clock granularity treated as "may have changed unseen": a file modified within
/// the same timestamp tick as it was read keeps its time, so one that recent is always
/// compared by content, and a directory that recent makes the run not reusable at all.
const RACY_NANOS: i64 = 1_000_000_000;

/// What a path was when it was first met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Absent (or unreadable).
    Absent,
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// Something else (a FIFO, a device, a socket).
    Other,
}

/// What a run depended on for one path, at the time it was first met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// What the path was.
    pub kind: Kind,
    /// Size in bytes (files).
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: i64,
    /// Status-change time, nanoseconds since the epoch (0 where the platform has none).
    pub ctime: i64,
    /// Inode number (0 where the platform has none).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of `path` now (links followed).
    pub fn of(path: &Path) -> Stamp {
        match std::fs::metadata(path) {
            Ok(meta) => Stamp::from_metadata(&meta),
            Err(_) => Stamp::absent(),
        }
    }

    fn absent() -> Stamp {
        Stamp {
            kind: Kind::Absent,
            size: 0,
            mtime: 0,
            ctime: 0,
            ino: 0,
        }
    }

    /// The stamp of already-fetched metadata.
    pub fn from_metadata(meta: &Metadata) -> Stamp {
        let kind = if meta.is_file() {
            Kind::File
        } else if meta.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        #[cfg(unix)]
        let (ctime, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ctime() * 1_000_000_000 + meta.ctime_nsec(), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime, ino) = (0, 0);
        Stamp {
            kind,
            size: if kind == Kind::File { meta.len() } else { 0 },
            mtime,
            ctime,
            ino,
        }
    }
}

/// What one path is recorded for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Its entries (a directory) or its absence: the stamp must match exactly.
    Entries(Stamp),
    /// Its kind and size only (a file whose metadata was asked for).
    Shape(Stamp),
    /// Its content: the stamp, else the hash of the bytes, must match.
    Content {
        /// The stamp when read.
        stamp: Stamp,
        /// xxh3 of the bytes read.
        hash: u64,
    },
}

/// The accesses of one run.
#[derive(Debug, Default)]
pub struct AccessLog {
    /// The audited root (canonical): only paths under it are recorded (nothing outside it
    /// is read, and the directories above it change for reasons of their own).
    root: PathBuf,
    started: i64,
    paths: Mutex<HashMap<PathBuf, Need>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<AccessLog>>> = const { RefCell::new(None) };
}

fn now_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

impl AccessLog {
    /// A log for a run over `root` (canonical) starting now.
    pub fn new(root: &Path) -> Arc<AccessLog> {
        Arc::new(AccessLog {
            root: root.to_path_buf(),
            started: now_nanos(),
            paths: Mutex::new(HashMap::new()),
        })
    }

    /// Makes `log` the current thread's log (`None`: stop recording on this thread).
    pub fn install(log: Option<Arc<AccessLog>>) {
        CURRENT.with(|c| *c.borrow_mut() = log);
    }

    fn note(&self, path: &Path, need: impl FnOnce() -> Need) -> bool {
        if !path.starts_with(&self.root) {
            return false;
        }
        let mut paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        match paths.get_mut(path) {
            // A content need is the strongest: keep it.
            Some(Need::Content { .. }) => false,
            Some(existing) => {
                let need = need();
                if matches!(need, Need::Content { .. }) {
                    *existing = need;
                }
                false
            }
            None => {
                paths.insert(path.to_path_buf(), need());
                true
            }
        }
    }

    /// The entries of `dir` (and, when it is absent, of the directory that would hold it).
    fn entries(&self, dir: &Path) {
        let mut current = Some(dir);
        while let Some(dir) = current {
            if !dir.starts_with(&self.root) {
                return;
            }
            {
                let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
                if paths.contains_key(dir) {
                    return;
                }
            }
            let stamp = Stamp::of(dir);
            let absent = stamp.kind == Kind::Absent;
            self.note(dir, || Need::Entries(stamp));
            if !absent {
                return;
            }
            current = dir.parent();
        }
    }

    /// What the run depended on, sorted by path; `None` when a directory changed so recently
    /// that a change during the run could have kept its time (then nothing can be reused).
    pub fn finish(&self) -> Option<Vec<(PathBuf, Need)>> {
        let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<(PathBuf, Need)> =
            paths.iter().map(|(p, n)| (p.clone(), n.clone())).collect();
        let racy = out.iter().any(|(_, need)| match need {
            Need::Entries(stamp) => {
                stamp.kind != Kind::Absent && stamp.mtime >= self.started - RACY_NANOS
            }
            _ => false,
        });
        if racy {
            return None;
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// The time the run started (nanoseconds since the epoch).
    pub fn started(&self) -> i64 {
        self.started
    }
}

fn with_log(f: impl FnOnce(&AccessLog)) {
    CURRENT.with(|c| {
        if let Some(log) = c.borrow().as_ref() {
            f(log);
        }
    });
}

/// Whether this thread records.
pub fn recording() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// Notes that the result depends on whether `path` exists and what it is.
pub fn note_probe(path: &Path) {
    with_log(|log| {
        if let Some(parent) = path.parent() {
            log.entries(parent);
        }
    });
}

/// Notes that the result depends on the path `path` names through every link on its way
/// (a canonicalisation).
pub fn note_chain(path: &Path) {
    with_log(|log| {
        for ancestor in path.ancestors().skip(1) {
            log.entries(ancestor);
        }
    });
}

/// Notes that the result depends on the listing of `dir`.
pub fn note_listing(dir: &Path) {
    with_log(|log| log.entries(dir));
}

/// Notes that the result depends on the bytes read from `path` (metadata from the handle).
pub fn note_read(path: &Path, meta: &Metadata, bytes: &[u8]) {
    with_log(|log| {
        if let Some(parent) = path.parent() {
            log.entries(parent);
        }
        log.note(path, || Need::Content {
            stamp: Stamp::from_metadata(meta),
            hash: xxh3_64(bytes),
        });
    });
}

/// Notes that the result depends on the kind and size of `path`.
pub fn note_shape(path: &Path, meta: Option<&Metadata>) {
    with_log(|log| {
        if let Some(parent) = path.parent() {
            log.entries(parent);
        }
        let stamp = meta.map_or_else(Stamp::absent, Stamp::from_metadata);
        log.note(path, || Need::Shape(stamp));
    });
}

/// Whether what was recorded for `path` still holds.
pub fn still_holds(path: &Path, need: &Need, written: i64) -> bool {
    match need {
        Need::Entries(stamp) => Stamp::of(path) == *stamp,
        Need::Shape(stamp) => {
            let now = Stamp::of(path);
            now.kind == stamp.kind && now.size == stamp.size
        }
        Need::Content { stamp, hash } => {
            let now = Stamp::of(path);
            if now.kind != stamp.kind || now.size != stamp.size {
                return false;
            }
            // Same times, read long enough before the record was written: unchanged.
            if now == *stamp && stamp.mtime < written - RACY_NANOS {
                return true;
            }
            std::fs::read(path).is_ok_and(|bytes| xxh3_64(&bytes) == *hash)
        }
    }
}

// The accesses, recorded when the thread has a log.

/// `std::fs::read_to_string`, recorded.
pub fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// `std::fs::read`, recorded.
pub fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    if !recording() {
        return std::fs::read(path);
    }
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => {
            note_shape(path, None);
            return Err(e);
        }
    };
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    note_read(path, &meta, &bytes);
    Ok(bytes)
}

/// `std::fs::metadata`, recorded (kind and size).
pub fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path);
    note_shape(path, meta.as_ref().ok());
    meta
}

/// `std::fs::symlink_metadata`, recorded (whether the entry exists and what it is).
pub fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref();
    note_probe(path);
    std::fs::symlink_metadata(path)
}

/// `Path::is_file`, recorded.
pub fn is_file(path: impl AsRef<Path>) -> bool {
    let path = path.as_ref();
    note_probe(path);
    path.is_file()
}

/// `Path::is_dir`, recorded.
pub fn is_dir(path: impl AsRef<Path>) -> bool {
    let path = path.as_ref();
    note_probe(path);
    path.is_dir()
}

/// `Path::exists`, recorded.
pub fn exists(path: impl AsRef<Path>) -> bool {
    let path = path.as_ref();
    note_probe(path);
    path.exists()
}

/// `std::fs::read_dir`, recorded (the listing).
pub fn read_dir(path: impl AsRef<Path>) -> io::Result<std::fs::ReadDir> {
    let path = path.as_ref();
    note_listing(path);
    std::fs::read_dir(path)
}

/// `std::fs::canonicalize`, recorded (every link on the way).
pub fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref();
    note_probe(path);
    note_chain(path);
    std::fs::canonicalize(path)
}

/// `std::fs::read_link`, recorded.
pub fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref();
    note_probe(path);
    std::fs::read_link(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A canonical temporary directory (paths under a linked `/tmp` would not be recorded).
    struct Dir(PathBuf);
    impl Dir {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    fn recorded(root: &Path, work: impl FnOnce()) -> Vec<(PathBuf, Need)> {
        let log = AccessLog::new(root);
        AccessLog::install(Some(log.clone()));
        work();
        AccessLog::install(None);
        let paths = log.paths.lock().unwrap();
        let mut out: Vec<_> = paths.iter().map(|(p, n)| (p.clone(), n.clone())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn a_read_records_content_and_the_holding_directory() {
        let temp = tempfile::tempdir().unwrap();
        let dir = Dir(temp.path().canonicalize().unwrap());
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        let log = recorded(dir.path(), || {
            assert_eq!(read_to_string(&file).unwrap(), "{}");
        });
        assert_eq!(log.len(), 2);
        assert!(matches!(
            log[0].1,
            Need::Entries(Stamp {
                kind: Kind::Dir,
                ..
            })
        ));
        assert!(matches!(log[1].1, Need::Content { .. }));
        // Later than the racy window: the stamp alone proves it unchanged.
        let later = now_nanos() + 2 * RACY_NANOS;
        assert!(log.iter().all(|(p, n)| still_holds(p, n, later)));
        // Written just now: a change within the same clock tick keeps the times, so the bytes
        // decide. Same bytes: still holds; other bytes of the same size: does not.
        std::fs::write(&file, "{}").unwrap();
        assert!(still_holds(&log[1].0, &log[1].1, now_nanos()));
        std::fs::write(&file, "[]").unwrap();
        assert!(!still_holds(&log[1].0, &log[1].1, now_nanos()));
    }

    #[test]
    fn a_probe_of_a_missing_path_records_the_nearest_existing_directory() {
        let temp = tempfile::tempdir().unwrap();
        let dir = Dir(temp.path().canonicalize().unwrap());
        let missing = dir.path().join("node_modules/@x/db/package.json");
        let log = recorded(dir.path(), || assert!(!is_file(&missing)));
        let names: Vec<_> = log
            .iter()
            .map(|(p, _)| p.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            ["", "node_modules", "node_modules/@x", "node_modules/@x/db"].map(PathBuf::from)
        );
        std::fs::create_dir(dir.path().join("node_modules")).unwrap();
        let later = now_nanos() + 2 * RACY_NANOS;
        let broken: Vec<_> = log
            .iter()
            .filter(|(p, n)| !still_holds(p, n, later))
            .map(|(p, _)| p.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert!(broken.contains(&PathBuf::from("node_modules")));
    }

    #[test]
    fn nothing_is_recorded_without_a_log() {
        let temp = tempfile::tempdir().unwrap();
        let dir = Dir(temp.path().canonicalize().unwrap());
        assert!(!recording());
        assert!(!is_file(dir.path().join("x")));
    }
}

#[cfg(test)]
mod guard {
    /// Every analysis module reads the file system through this module, or the memo could
    /// reuse a report that a changed file would have altered. Only the walk, treeaudit's own
    /// files (cache, memo, baseline, config) and commands other than `check` may go direct.
    #[test]
    fn analysis_code_reads_the_file_system_only_through_access() {
        let allowed = [
            "access.rs",
            "memo.rs",
            "cache.rs",
            "main.rs",
            "drift.rs",
            "git.rs",
            "baseline.rs",
            "config.rs",
            "discover.rs",
            "lib.rs",
            "sarif.rs",
        ];
        let direct = regex::Regex::new(
            r"std::fs::(read|read_to_string|read_dir|metadata|symlink_metadata|canonicalize|read_link)\(|\.(exists|canonicalize|try_exists)\(\)",
        )
        .unwrap();
        let mut offenders = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if allowed.contains(&name.as_str()) || !name.ends_with(".rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for (i, line) in code.lines().enumerate() {
                    if !line.trim_start().starts_with("//") && direct.is_match(line) {
                        offenders.push(format!("{}:{}: {}", name, i + 1, line.trim()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
