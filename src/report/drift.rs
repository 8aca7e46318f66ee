//! `treeaudit drift` text output: git-style status lines grouped by kind, each with notes.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::escape;
use crate::drift::DriftReport;

/// Renders the drift report as grouped status lines.
pub fn render_text(report: &DriftReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "drift  {} (LOCAL) → {} (PROD)",
        escape(&report.local),
        escape(&report.prod)
    );
    let mut notes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for u in &report.unresolvable {
        notes.entry(u.file.as_str()).or_default().push(format!(
            "needs {} (exists nowhere, line {})",
            u.specifier, u.line
        ));
    }
    for m in &report.missing_exports {
        notes.entry(m.file.as_str()).or_default().push(format!(
            "imports {} from {} — LOCAL's {} does not export it",
            m.name, m.specifier, m.target
        ));
    }
    for m in &report.meaning {
        let list = notes.entry(m.file.as_str()).or_default();
        for s in &m.imports_added {
            list.push(format!("+import {s}"));
        }
        for s in &m.imports_removed {
            list.push(format!("-import {s}"));
        }
        for e in &m.exports_removed_in_use {
            list.push(format!(
                "drops export {} still used by LOCAL {}",
                e.name,
                e.used_by.join(", ")
            ));
        }
        for v in &m.env_reads_added {
            list.push(format!("reads env {v}"));
        }
        for r in &m.routes_mounted {
            list.push(format!("mounts {r}"));
        }
        for r in &m.routes_unmounted {
            list.push(format!("no longer mounts {r}"));
        }
    }
    for t in &report.tsconfig {
        notes.entry(t.file.as_str()).or_default().push(format!(
            "{}: {} → {}",
            t.setting,
            t.local
                .as_ref()
                .map_or("unset".to_string(), |v| v.to_string()),
            t.prod
                .as_ref()
                .map_or("unset".to_string(), |v| v.to_string())
        ));
    }
    let files = &report.files;
    for file in files.changed.iter().chain(&files.only_in_prod) {
        let name = file.rsplit('/').next().unwrap_or(file);
        if name == "package.json" {
            notes
                .entry(file.as_str())
                .or_default()
                .push("dependencies differ (see packages)".to_string());
        } else if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            notes
                .entry(file.as_str())
                .or_default()
                .push("key set differs (see env; values are never compared)".to_string());
        }
    }
    let line = |out: &mut String, status: &str, file: &str| {
        let _ = write!(out, "{status}  {}", escape(file));
        match notes.get(file) {
            Some(list) if !list.is_empty() => {
                let _ = writeln!(out, "   {}", escape(&list.join("; ")));
            }
            _ => out.push('\n'),
        }
    };
    let groups: [(&str, &str, &Vec<String>); 4] = [
        ("only in PROD", "A", &files.only_in_prod),
        ("changed", "M", &files.changed),
        ("line endings only", "W", &files.changed_whitespace),
        ("only in LOCAL", "D", &files.only_in_local),
    ];
    for (title, status, list) in groups {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({}):", list.len());
        for file in list {
            line(&mut out, status, file);
        }
    }
    if !files.moved.is_empty() {
        let _ = writeln!(out, "\nmoved ({}):", files.moved.len());
        for m in &files.moved {
            let _ = writeln!(out, "R  {} → {}", escape(&m.from), escape(&m.to));
        }
    }
    if !report.unresolvable.is_empty() {
        let _ = writeln!(
            out,
            "\ncascade: {} import{} of PROD resolve in neither tree:",
            report.unresolvable.len(),
            plural(report.unresolvable.len())
        );
        for u in &report.unresolvable {
            let _ = write!(
                out,
                "  {}:{}  {}",
                escape(&u.file),
                u.line,
                escape(&u.specifier)
            );
            if u.needed_by.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "   needed by {}", escape(&u.needed_by.join(", ")));
            }
        }
    }
    let p = &report.packages;
    let package_groups = [
        ("install", &p.added),
        ("no longer declared", &p.removed),
        ("moved to devDependencies", &p.moved_to_dev),
        ("moved to dependencies", &p.moved_to_prod),
    ];
    if package_groups.iter().any(|(_, l)| !l.is_empty()) {
        out.push_str("\npackages:\n");
        for (title, list) in package_groups {
            if !list.is_empty() {
                let _ = writeln!(out, "  {title}: {}", escape(&list.join(", ")));
            }
        }
    }
    if !report.env.added.is_empty() || !report.env.removed.is_empty() {
        out.push_str("\nenv (names only):\n");
        if !report.env.added.is_empty() {
            let _ = writeln!(out, "  declare: {}", escape(&report.env.added.join(", ")));
        }
        if !report.env.removed.is_empty() {
            let _ = writeln!(
                out,
                "  only LOCAL has: {}",
                escape(&report.env.removed.join(", "))
            );
        }
    }
    for s in &report.skipped {
        let _ = writeln!(
            out,
            "skipped ({}): {}: {}",
            s.tree,
            escape(&s.file),
            escape(&s.reason)
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} only in PROD, {} only in LOCAL, {} changed, {} line endings only, {} moved; \
         {} unresolvable, {} package{} to add, {} env variable{} to declare",
        s.only_in_prod,
        s.only_in_local,
        s.changed,
        s.changed_whitespace,
        s.moved,
        s.unresolvable,
        s.packages_to_add,
        plural(s.packages_to_add),
        s.env_to_declare,
        plural(s.env_to_declare)
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
