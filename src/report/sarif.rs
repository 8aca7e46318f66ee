//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

use std::collections::BTreeMap;

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Suppression, Tool, ToolComponent,
};

use crate::Report;
use crate::baseline::Identity;
use crate::checks::RULES;
use crate::finding::{Finding, Severity};

/// The SARIF log for a report: one run, every rule described, one result per finding.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&log(report))
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

/// The SARIF log as data.
pub fn log(report: &Report) -> Sarif {
    let rules: Vec<ReportingDescriptor> = RULES
        .iter()
        .map(|rule| {
            ReportingDescriptor::builder()
                .id(rule.name)
                .name(rule.name)
                .short_description(text(rule.summary))
                .full_description(text(rule.summary))
                .help(
                    MultiformatMessageString::builder()
                        .text(rule.docs)
                        .markdown(rule.docs)
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::Value::from(level(rule.default_severity)))
                        .build(),
                )
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("treeaudit")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/treeaudit/treeaudit")
        .rules(rules)
        .build();
    // GitHub merges alerts that share a fingerprint: the same finding on two identical lines
    // of a file gets its occurrence number appended (`…:2`), as GitHub's own line hashes do.
    let mut occurrences: BTreeMap<String, usize> = BTreeMap::new();
    let mut fingerprint = |finding: &Finding| {
        let identity = Identity::of(finding).fingerprint();
        let seen = occurrences.entry(identity.clone()).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            identity
        } else {
            format!("{identity}:{seen}")
        }
    };
    let mut results: Vec<SarifResult> = report
        .findings
        .iter()
        .map(|f| result(f, fingerprint(f)))
        .collect();
    for suppressed in &report.suppressed {
        let mut silenced = result(&suppressed.finding, fingerprint(&suppressed.finding));
        silenced.suppressions = Some(vec![
            Suppression::builder()
                .kind(serde_json::Value::from("inSource"))
                .justification(suppressed.justification.as_str())
                .build(),
        ]);
        results.push(silenced);
    }
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(
            "%SRCROOT%".to_string(),
            ArtifactLocation::builder()
                .uri(root_uri(&report.root))
                .build(),
        )]))
        .results(results)
        .build();
    Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(finding: &Finding, fingerprint: String) -> SarifResult {
    let rule_index = RULES.iter().position(|r| r.name == finding.rule);
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let region = Region::builder()
        .start_line(i64::from(finding.line))
        .start_column(i64::from(finding.column))
        .end_column(i64::from(finding.column + finding.length.max(1)))
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(&finding.file))
                .region(region)
                .build(),
        )
        .build();
    let related: Vec<Location> = finding
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Location::builder()
                .id(i as i64)
                .message(Message::builder().text(r.message.as_str()).build())
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&r.file))
                        .region(
                            Region::builder()
                                .start_line(i64::from(r.line.max(1)))
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
        .collect();
    let builder = SarifResult::builder()
        .rule_id(finding.rule.as_str())
        .level(match finding.severity {
            Severity::Error => ResultLevel::Error,
            Severity::Warning => ResultLevel::Warning,
            Severity::Info => ResultLevel::Note,
        })
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            "treeauditIdentity/v1".to_string(),
            fingerprint,
        )]));
    match (rule_index, related.is_empty()) {
        (Some(index), false) => builder
            .rule_index(index as i64)
            .related_locations(related)
            .build(),
        (Some(index), true) => builder.rule_index(index as i64).build(),
        (None, false) => builder.related_locations(related).build(),
        (None, true) => builder.build(),
    }
}

fn artifact(file: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(encode_uri_path(file))
        .uri_base_id("%SRCROOT%")
        .build()
}

/// The root as a `file:` URI ending in `/`, as SARIF wants for base ids.
fn root_uri(root: &str) -> String {
    let absolute = std::path::Path::new(root)
        .canonicalize()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| root.replace('\\', "/"));
    let mut uri = String::from("file://");
    if !absolute.starts_with('/') {
        uri.push('/');
    }
    uri.push_str(&encode_uri_path(&absolute));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes a `/`-separated path for use as a relative URI reference.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/@+$!&'()*;=".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded_but_keep_slashes() {
        assert_eq!(
            encode_uri_path("src/my routes/a%b#c.js"),
            "src/my%20routes/a%25b%23c.js"
        );
        assert_eq!(encode_uri_path("src/[id].tsx"), "src/%5Bid%5D.tsx");
    }
}
