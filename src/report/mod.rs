//! Renders reports. Findings are data; formats never compute anything.

pub mod drift;
pub mod env;
pub mod github;
pub mod graph;
pub mod json;
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
}

impl Format {
    /// Whether the output is for a program (no progress bar, no colour).
    pub fn is_machine_readable(self) -> bool {
        !matches!(self, Format::Text)
    }
}
