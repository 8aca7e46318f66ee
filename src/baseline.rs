//! Baselines: record today's findings so CI fails only on new ones.
//!
//! A finding's identity is (rule, file, the specifier/name/package it is about, a hash of its
//! trimmed source line) — never its line number, so edits above a known finding keep it
//! known, while replacing one problem with another on the same line is a new finding.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::finding::Finding;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// What makes two findings "the same problem" across edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identity {
    /// Rule name.
    pub rule: String,
    /// Root-relative file.
    pub file: String,
    /// The specifier, name or package the finding is about (empty when none).
    #[serde(default)]
    pub subject: String,
    /// xxh3-64 of the trimmed source line, as 16 hex digits.
    pub line_hash: String,
}

/// Rules whose findings are about a whole file rather than one line.
const FILE_LEVEL_RULES: &[&str] = &["unmounted-route", "unreachable-file"];

impl Identity {
    /// The identity of a finding (its `source_line` must have been attached).
    pub fn of(finding: &Finding) -> Identity {
        let subject = finding
            .specifier
            .as_deref()
            .or(finding.name.as_deref())
            .or(finding.package.as_deref())
            .unwrap_or("");
        // A finding about the whole file (an unmounted route, an unreachable file) points at
        // 1:1 by convention; its first line is not what it is about, so it is not hashed.
        let line = if FILE_LEVEL_RULES.contains(&finding.rule.as_str()) {
            ""
        } else {
            finding.source_line.as_deref().unwrap_or("").trim()
        };
        Identity {
            rule: finding.rule.clone(),
            file: finding.file.clone(),
            subject: subject.to_string(),
            line_hash: format!("{:016x}", xxh3_64(line.as_bytes())),
        }
    }

    /// A stable fingerprint of the identity (SARIF `partialFingerprints`).
    pub fn fingerprint(&self) -> String {
        let key = format!(
            "{}\0{}\0{}\0{}",
            self.rule, self.file, self.subject, self.line_hash
        );
        format!("{:016x}", xxh3_64(key.as_bytes()))
    }
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Who it is.
    #[serde(flatten)]
    pub identity: Identity,
    /// How many findings share this identity (identical lines in one file).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
    /// The message when recorded (for people reading the file; not part of the identity).
    #[serde(default)]
    pub message: String,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// A baseline file: `{"version": 1, "findings": [...]}`, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// File format version.
    pub version: u32,
    /// Known findings.
    pub findings: Vec<BaselineEntry>,
}

/// What comparing a report with a baseline found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BaselineStatus {
    /// Findings hidden because the baseline knows them.
    pub known: usize,
    /// Baseline entries that no longer occur: fixed, remove them from the baseline.
    pub fixed: Vec<BaselineEntry>,
}

impl Baseline {
    /// A baseline recording `findings`.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: BTreeMap<Identity, BaselineEntry> = BTreeMap::new();
        for finding in findings {
            let identity = Identity::of(finding);
            entries
                .entry(identity.clone())
                .and_modify(|e| e.count += 1)
                .or_insert(BaselineEntry {
                    identity,
                    count: 1,
                    message: finding.message.clone(),
                });
        }
        Baseline {
            version: BASELINE_VERSION,
            findings: entries.into_values().collect(),
        }
    }

    /// Reads a baseline file; errors name the file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let bytes = crate::discover::read_regular_file(path, crate::discover::MAX_MANIFEST_BYTES)
            .map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!("{}: not a treeaudit baseline: {e}", path.display()))
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(Error::Usage(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                baseline.version
            )));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON (the temp file + rename keeps a reader from ever
    /// seeing half a file).
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = crate::report::json::render(self);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        write_atomically(path, text.as_bytes())
    }

    /// Removes known findings from `findings` and lists the entries that no longer occur.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> BaselineStatus {
        let mut remaining: BTreeMap<&Identity, u32> = BTreeMap::new();
        for entry in &self.findings {
            *remaining.entry(&entry.identity).or_default() += entry.count;
        }
        let before = findings.len();
        findings.retain(|finding| {
            let identity = Identity::of(finding);
            match remaining.get_mut(&identity) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        let known = before - findings.len();
        let mut fixed = Vec::new();
        for entry in &self.findings {
            if let Some(n) = remaining.get_mut(&entry.identity)
                && *n > 0
            {
                let gone = (*n).min(entry.count);
                *n -= gone;
                fixed.push(BaselineEntry {
                    count: gone,
                    ..entry.clone()
                });
            }
        }
        fixed.sort();
        BaselineStatus { known, fixed }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut temp, bytes).map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Span;
    use crate::finding::Severity;

    fn finding(line: u32, specifier: &str, source: &str) -> Finding {
        let mut f = Finding::new(
            "unresolved-import",
            Severity::Error,
            "src/routes/calls.js",
            Span {
                line,
                column: 1,
                start: 0,
                end: 0,
            },
            format!("cannot resolve `{specifier}`"),
        )
        .with_specifier(specifier);
        f.source_line = Some(source.to_string());
        f
    }

    #[test]
    fn identity_survives_lines_inserted_above() {
        let before = finding(3, "../db/conn.js", "import db from '../db/conn.js';");
        let baseline = Baseline::from_findings(&[before]);
        let mut after = vec![finding(
            9,
            "../db/conn.js",
            "  import db from '../db/conn.js';  ",
        )];
        let status = baseline.filter(&mut after);
        assert!(after.is_empty(), "moved finding must stay known: {after:?}");
        assert_eq!(status.known, 1);
        assert!(status.fixed.is_empty());
    }

    #[test]
    fn a_replaced_finding_is_new_and_the_old_entry_is_fixed() {
        let baseline = Baseline::from_findings(&[finding(3, "./a.js", "import a from './a.js';")]);
        let mut now = vec![finding(3, "./b.js", "import b from './b.js';")];
        let status = baseline.filter(&mut now);
        assert_eq!(now.len(), 1, "the replacement must still be reported");
        assert_eq!(status.fixed.len(), 1);
        assert_eq!(status.fixed[0].identity.subject, "./a.js");
    }

    #[test]
    fn duplicates_are_counted_not_collapsed() {
        let line = "import x from './x.js';";
        let baseline = Baseline::from_findings(&[finding(1, "./x.js", line)]);
        assert_eq!(baseline.findings[0].count, 1);
        let mut now = vec![finding(1, "./x.js", line), finding(2, "./x.js", line)];
        let status = baseline.filter(&mut now);
        assert_eq!(now.len(), 1, "a second identical finding is new");
        assert_eq!(status.known, 1);
    }
}
