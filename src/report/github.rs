//! `--format github`: GitHub Actions workflow commands, one per finding, so findings show up
//! inline on the pull request diff.

use crate::Report;
use crate::finding::{Finding, Severity};

/// How many annotations of one level GitHub shows per step; the rest are dropped silently
/// by GitHub, so treeaudit stops there and says how many more the SARIF and summary hold.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// One `::error file=…,line=…,col=…,title=…::message` line per finding, at most
/// [`ANNOTATIONS_PER_LEVEL`] per severity (errors are never crowded out by warnings).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut shown = [0usize; 3];
    let mut omitted = 0;
    for finding in &report.findings {
        let slot = &mut shown[finding.severity as usize];
        if *slot == ANNOTATIONS_PER_LEVEL {
            omitted += 1;
            continue;
        }
        *slot += 1;
        out.push_str(&command(finding));
        out.push('\n');
    }
    if omitted > 0 {
        // A plain log line, not a command: GitHub would drop an eleventh notice too.
        out.push_str(&format!(
            "treeaudit: {omitted} more finding{} not annotated (GitHub shows {ANNOTATIONS_PER_LEVEL} per severity per step); the SARIF upload and the job summary list every finding\n",
            if omitted == 1 { "" } else { "s" }
        ));
    }
    if let Some(status) = &report.baseline {
        for entry in &status.fixed {
            out.push_str(&format!(
                "::notice file={},title={}::{}\n",
                escape_property(&entry.identity.file),
                escape_property("treeaudit(baseline)"),
                escape_data(&super::text::fixed_line(entry))
            ));
        }
    }
    out
}

/// The workflow command for one finding.
pub fn command(finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    // Terminal sequences would recolour the Actions log; newlines inside the data stay data.
    let mut message = escape_lines(&finding.message);
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape_lines(help));
    }
    format!(
        "::{level} file={},line={},col={},title={}::{}",
        escape_property(&super::escape(&finding.file)),
        finding.line,
        finding.column,
        escape_property(&format!("treeaudit({})", finding.rule)),
        escape_data(&message)
    )
}

/// The shared escaping line by line: line breaks stay (the runner shows `%0A` as a new line of
/// the annotation), every other control character is made visible.
fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split('\r')
                .map(super::escape)
                .collect::<Vec<_>>()
                .join("\r")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes a command's message as the Actions runner expects (`%`, CR, LF).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value: the data escapes plus `:` and `,`, which would
/// otherwise end the property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Span;

    fn finding(file: &str, message: &str, severity: Severity) -> Finding {
        Finding::new(
            "unresolved-import",
            severity,
            file,
            Span {
                line: 3,
                column: 21,
                start: 0,
                end: 0,
            },
            message,
        )
    }

    #[test]
    fn annotations_stop_at_github_limit_per_severity_and_say_how_many_more() {
        let mut findings: Vec<Finding> = (0..14)
            .map(|i| finding(&format!("src/e{i:02}.js"), "broken", Severity::Error))
            .collect();
        findings.push(finding("src/w.js", "look", Severity::Warning));
        let report = Report {
            version: 1,
            root: ".".into(),
            summary: crate::Summary::of(15, &findings),
            findings,
            skipped: Vec::new(),
            entries: Vec::new(),
            baseline: None,
            suppressed: Vec::new(),
        };
        let out = render(&report);
        assert_eq!(out.matches("::error ").count(), ANNOTATIONS_PER_LEVEL);
        assert_eq!(out.matches("::warning ").count(), 1, "{out}");
        assert!(
            out.contains("treeaudit: 4 more findings not annotated"),
            "{out}"
        );
    }

    #[test]
    fn message_newlines_and_percent_are_escaped() {
        // The runner's own escapes (`%0D`, `%0A`, `%25`) keep a line break inside the one
        // annotation: it cannot start a new workflow command.
        let line = command(
            &finding("src/a.js", "100% broken\r\nsecond line", Severity::Error).with_help("fix"),
        );
        assert_eq!(
            line,
            "::error file=src/a.js,line=3,col=21,title=treeaudit(unresolved-import)::100%25 broken%0D%0Asecond line%0Ahelp: fix"
        );
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn colons_and_commas_in_paths_are_escaped_in_properties_only() {
        let line = command(&finding(
            "src/a,b:c%.js",
            "cannot resolve `a:b,c`",
            Severity::Warning,
        ));
        assert_eq!(
            line,
            "::warning file=src/a%2Cb%3Ac%25.js,line=3,col=21,title=treeaudit(unresolved-import)::cannot resolve `a:b,c`"
        );
    }

    #[test]
    fn info_findings_are_notices_and_help_follows_the_message() {
        let line = command(&finding("x.js", "m", Severity::Info).with_help("do this"));
        assert!(line.starts_with("::notice file=x.js,"), "{line}");
        assert!(line.ends_with("::m%0Ahelp: do this"), "{line}");
        assert_eq!(line.lines().count(), 1);
    }
}
