//! What a check reports: `{ rule, severity, file, span, message, help, related[] }`.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Should be looked at.
    Warning,
    /// Breaks a deploy.
    Error,
}

impl Severity {
    /// `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Another location that explains a finding (a commented-out mount, the other end of a cycle).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Related {
    /// Path relative to the root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What is there.
    pub message: String,
}

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule name, e.g. `unresolved-import`.
    pub rule: String,
    /// Severity after configuration.
    pub severity: Severity,
    /// Path relative to the audited root, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// One sentence saying what is wrong.
    pub message: String,
    /// How to fix it, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The import specifier the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specifier: Option<String>,
    /// The package the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The imported/exported/env name the finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A cycle's files in import order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<String>>,
    /// Other locations that explain the finding.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related: Vec<Related>,
    /// Length of the highlighted range in characters (for code frames).
    #[serde(skip)]
    pub length: u32,
    /// The text of the finding's line, filled in after the checks ran (code frames, baselines).
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Finding {
    /// A finding with the required fields; the rest are set with the builder methods.
    pub fn new(
        rule: &str,
        severity: Severity,
        file: &str,
        span: crate::facts::Span,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            file: file.to_string(),
            line: span.line.max(1),
            column: span.column.max(1),
            message: message.into(),
            help: None,
            specifier: None,
            package: None,
            name: None,
            cycle: None,
            related: Vec::new(),
            length: span.end.saturating_sub(span.start).max(1),
            source_line: None,
        }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// Sets the specifier.
    pub fn with_specifier(mut self, specifier: &str) -> Finding {
        self.specifier = Some(specifier.to_string());
        self
    }

    /// Sets the package.
    pub fn with_package(mut self, package: &str) -> Finding {
        self.package = Some(package.to_string());
        self
    }

    /// Sort key: file, line, column, rule (then message for full determinism).
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.file,
            self.line,
            self.column,
            &self.rule,
            &self.message,
        )
    }
}
