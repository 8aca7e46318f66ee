//! `--format markdown`: a GitHub job summary (or pull-request comment): the summary line,
//! counts per rule, and the first findings as a table.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Report;
use crate::finding::Severity;

/// How many findings the table lists; the SARIF upload and `--format json` hold the rest.
pub const FINDINGS_IN_TABLE: usize = 50;

/// Renders the summary.
pub fn render(report: &Report) -> String {
    let mut out = String::from("## treeaudit\n\n");
    let _ = writeln!(out, "{}\n", cell(&super::text::summary_line(report)));
    if report.findings.is_empty() {
        return out;
    }
    let mut per_rule: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for finding in &report.findings {
        *per_rule
            .entry((finding.rule.as_str(), finding.severity))
            .or_default() += 1;
    }
    let mut counts: Vec<((&str, Severity), usize)> = per_rule.into_iter().collect();
    // Most serious first, then most frequent, then by name: the order a reader triages in.
    counts.sort_by(|((a_rule, a_level), a_n), ((b_rule, b_level), b_n)| {
        b_level
            .cmp(a_level)
            .then(b_n.cmp(a_n))
            .then(a_rule.cmp(b_rule))
    });
    out.push_str("| rule | severity | findings |\n|---|---|---:|\n");
    for ((rule, severity), count) in &counts {
        let _ = writeln!(out, "| `{rule}` | {} | {count} |", severity.as_str());
    }
    let shown = report.findings.len().min(FINDINGS_IN_TABLE);
    let _ = writeln!(
        out,
        "\n{}\n",
        if shown < report.findings.len() {
            format!("First {shown} of {} findings:", report.findings.len())
        } else {
            "Findings:".to_string()
        }
    );
    out.push_str("| severity | location | rule | message |\n|---|---|---|---|\n");
    for finding in report.findings.iter().take(shown) {
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str(" — help: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "| {} | `{}:{}` | `{}` | {} |",
            finding.severity.as_str(),
            code(&finding.file),
            finding.line,
            finding.rule,
            cell(&message)
        );
    }
    out.push_str("\n`treeaudit explain RULE` says what a rule checks and how to fix it.\n");
    out
}

/// Text safe inside a table cell: no line breaks, `|` escaped, HTML and mentions inert.
/// A line break becomes a space (a cell is one line); every other control character goes
/// through the escaping all renderers share.
fn cell(text: &str) -> String {
    let one_line = text.replace('\r', "").replace('\n', " ");
    let mut out = String::with_capacity(one_line.len());
    for c in super::escape(&one_line).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{200b}"),
            c => out.push(c),
        }
    }
    out
}

/// A path inside backticks: a backtick in it would end the code span.
fn code(text: &str) -> String {
    cell(text).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Finding;
    use crate::facts::Span;

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            version: 1,
            root: ".".into(),
            summary: crate::Summary::of(3, &findings),
            findings,
            skipped: Vec::new(),
            entries: Vec::new(),
            baseline: None,
            suppressed: Vec::new(),
        }
    }

    fn finding(rule: &str, severity: Severity, file: &str, message: &str) -> Finding {
        let span = Span {
            line: 4,
            column: 1,
            start: 0,
            end: 0,
        };
        Finding::new(rule, severity, file, span, message)
    }

    #[test]
    fn counts_per_rule_most_serious_first_then_a_findings_table() {
        let out = render(&report(vec![
            finding("import-cycle", Severity::Warning, "a.js", "cycle"),
            finding(
                "unresolved-import",
                Severity::Error,
                "b.js",
                "cannot find `x|y`",
            ),
            finding("import-cycle", Severity::Warning, "c.js", "cycle\nagain"),
        ]));
        let rules = out.find("| `unresolved-import` | error | 1 |").expect(&out);
        let cycles = out.find("| `import-cycle` | warning | 2 |").expect(&out);
        assert!(rules < cycles, "{out}");
        assert!(out.contains("cannot find `x\\|y`"), "{out}");
        assert!(
            out.contains("| `c.js:4` | `import-cycle` | cycle again |"),
            "{out}"
        );
        assert!(out.contains("1 error, 2 warnings in 3 files"), "{out}");
    }

    #[test]
    fn the_table_stops_at_its_limit_and_says_so() {
        let many = (0..FINDINGS_IN_TABLE + 5)
            .map(|i| {
                finding(
                    "unreachable-file",
                    Severity::Warning,
                    &format!("f{i}.js"),
                    "x",
                )
            })
            .collect();
        let out = render(&report(many));
        assert!(
            out.contains(&format!(
                "First {FINDINGS_IN_TABLE} of {} findings",
                FINDINGS_IN_TABLE + 5
            )),
            "{out}"
        );
        assert_eq!(out.matches("| warning | `f").count(), FINDINGS_IN_TABLE);
    }

    #[test]
    fn a_clean_tree_is_one_line() {
        let out = render(&report(Vec::new()));
        assert_eq!(out, "## treeaudit\n\nno problems in 3 files\n\n");
    }
}
