//! The library's error type: every variant names the file or setting it is about.

use std::path::PathBuf;

/// An error that stops an audit (bad input at the top level, not a finding inside the tree).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The path to audit does not exist.
    #[error("{}: no such file or directory", .0.display())]
    MissingPath(PathBuf),
    /// The path to audit is not a directory.
    #[error("{}: not a directory (treeaudit audits a project folder)", .0.display())]
    NotADirectory(PathBuf),
    /// Reading a path failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A setting or argument is invalid.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
