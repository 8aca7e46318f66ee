//! `--format text`: rustc-style diagnostics with a code frame and the help line.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::escape;
use crate::Report;
use crate::finding::{Finding, Severity};

/// Renders a report; `color` adds ANSI styles.
pub fn render(report: &Report, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&render_finding(finding, &renderer));
        out.push_str("\n\n");
    }
    if !report.skipped.is_empty() {
        // Nothing is silently dropped: a file that was not analysed says why.
        out.push_str("not analysed:\n");
        for skipped in &report.skipped {
            out.push_str(&format!(
                "  {}: {}\n",
                escape(&skipped.file),
                escape(&skipped.reason)
            ));
        }
        out.push('\n');
    }
    if let Some(status) = &report.baseline {
        for entry in &status.fixed {
            out.push_str(&format!("{}\n", fixed_line(entry)));
        }
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    if let Some(first) = report.findings.first() {
        out.push_str(&format!(
            "what a rule checks and how to fix it: `treeaudit explain {}`\n",
            escape(&first.rule)
        ));
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn render_finding(finding: &Finding, renderer: &Renderer) -> String {
    // Everything shown comes from the audited tree: escaped before annotate_snippets sees it.
    let message = escape(&finding.message);
    let file = escape(&finding.file);
    let title = level(finding.severity)
        .primary_title(message.as_ref())
        .id(finding.rule.as_str());
    let help = finding.help.as_deref().map(escape);
    let frame = finding
        .source_line
        .as_deref()
        .filter(|line| !line.is_empty() && line.len() <= 400)
        .map(|line| {
            let start = line
                .char_indices()
                .nth((finding.column as usize).saturating_sub(1))
                .map_or(line.len(), |(i, _)| i);
            let end = line[start..]
                .char_indices()
                .nth(finding.length as usize)
                .map_or(line.len(), |(i, _)| start + i);
            // Escaped piece by piece so the underline stays under the same characters.
            let (before, marked, after) = (
                escape(&line[..start]),
                escape(&line[start..end]),
                escape(&line[end..]),
            );
            let start = before.len();
            // An empty span marks the next character (none at the end of the line).
            let end = if marked.is_empty() {
                start + after.chars().next().map_or(0, char::len_utf8)
            } else {
                start + marked.len()
            };
            (format!("{before}{marked}{after}"), start..end)
        });
    let mut groups: Vec<Group> = Vec::new();
    match &frame {
        Some((line, span)) => {
            let snippet = Snippet::source(line.as_str())
                .line_start(finding.line as usize)
                .path(file.as_ref())
                .annotation(AnnotationKind::Primary.span(span.clone()));
            groups.push(title.element(snippet));
        }
        None => {
            groups.push(
                title.element(
                    annotate_snippets::Origin::path(file.as_ref())
                        .line(finding.line as usize)
                        .char_column(finding.column as usize),
                ),
            );
        }
    }
    let mut notes: Vec<String> = finding
        .related
        .iter()
        .map(|r| format!("{}:{}: {}", escape(&r.file), r.line, escape(&r.message)))
        .collect();
    if let Some(cycle) = &finding.cycle {
        let cycle: Vec<_> = cycle.iter().map(|f| escape(f)).collect();
        notes.push(format!("cycle: {}", cycle.join(" → ")));
    }
    for note in notes {
        groups.push(Group::with_title(Level::NOTE.secondary_title(note)));
    }
    if let Some(help) = &help {
        groups.push(Group::with_title(
            Level::HELP.secondary_title(help.as_ref()),
        ));
    }
    renderer.render(&groups).to_string()
}

/// `9 errors, 3 warnings in 46 files (2 not analysed)` or `no problems in 46 files`.
pub fn summary_line(report: &Report) -> String {
    let line = findings_line(report);
    // `(missing-export could not check: unanalysable export shapes: 2, packages not
    // installed: 1)`: only counts that are not 0. Every counter today is missing-export's.
    let counters: Vec<String> = report
        .summary
        .counters
        .iter()
        .filter(|(_, v)| **v > 0)
        .map(|(k, v)| format!("{}: {v}", k.replace('_', " ")))
        .collect();
    if counters.is_empty() {
        line
    } else {
        format!(
            "{line} (missing-export could not check: {})",
            counters.join(", ")
        )
    }
}

fn findings_line(report: &Report) -> String {
    let s = &report.summary;
    let mut files = format!("{} file{}", s.files, if s.files == 1 { "" } else { "s" });
    if !report.skipped.is_empty() {
        files.push_str(&format!(" ({} not analysed)", report.skipped.len()));
    }
    if s.errors + s.warnings + s.infos == 0 {
        return format!("no problems in {files}{}", baseline_note(report));
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info"));
    }
    format!("{} in {files}{}", parts.join(", "), baseline_note(report))
}

/// `(12 known in baseline, 2 fixed)` after the summary when a baseline was used.
fn baseline_note(report: &Report) -> String {
    match &report.baseline {
        Some(status) if status.fixed.is_empty() => {
            format!(" ({} known in baseline)", status.known)
        }
        Some(status) => format!(
            " ({} known in baseline, {} fixed: remove from baseline)",
            status.known,
            status.fixed.len()
        ),
        None => String::new(),
    }
}

/// `fixed, remove from baseline: unresolved-import src/a.js (./db.js)`.
pub fn fixed_line(entry: &crate::baseline::BaselineEntry) -> String {
    let id = &entry.identity;
    let subject = if id.subject.is_empty() {
        String::new()
    } else {
        format!(" ({})", id.subject)
    };
    let count = if entry.count > 1 {
        format!(" ×{}", entry.count)
    } else {
        String::new()
    };
    format!(
        "fixed, remove from baseline: {} {}{}{count}",
        escape(&id.rule),
        escape(&id.file),
        escape(&subject)
    )
}
