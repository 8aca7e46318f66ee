//! Renders reports. Findings are data; formats never compute anything.

pub mod drift;
pub mod env;
pub mod github;
pub mod graph;
pub mod json;
pub mod markdown;
pub mod plan;
pub mod sarif;
pub mod text;

/// Output formats of `treeaudit check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, with code frames.
    Text,
    /// Versioned JSON for programs.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (inline annotations on pull requests).
    Github,
    /// A Markdown summary: counts per rule and the first findings (GitHub job summary).
    Markdown,
}

impl Format {
    /// Whether the output is for a program (no progress bar, no colour).
    pub fn is_machine_readable(self) -> bool {
        !matches!(self, Format::Text)
    }

    /// Whether paths in this format are read by a code host, which names files relative to
    /// the repository root (not to the audited folder).
    pub fn names_repository_paths(self) -> bool {
        matches!(self, Format::Sarif | Format::Github | Format::Markdown)
    }
}
