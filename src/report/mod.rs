//! Renders reports. Findings are data; formats never compute anything.

pub mod drift;
pub mod env;
pub mod json;
pub mod plan;
pub mod text;

/// Output formats of `treeaudit check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, with code frames.
    Text,
    /// Versioned JSON for programs.
    Json,
}
