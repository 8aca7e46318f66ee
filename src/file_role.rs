//! Whether a file is production code, a test, or tool configuration, judged by its path.

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// Shipped and run in production.
    Production,
    /// `*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`, `e2e/`.
    Test,
    /// `*.config.*` (vite.config.ts, jest.config.js, …): run by tools, not by the app.
    Config,
}

/// The role of a file from its root-relative `/`-separated path.
pub fn file_role(rel: &str) -> FileRole {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let in_test_dir = rel.split('/').rev().skip(1).any(|dir| {
        matches!(
            dir,
            "__tests__" | "__mocks__" | "test" | "tests" | "e2e" | "__fixtures__"
        )
    });
    let parts: Vec<&str> = name.split('.').collect();
    let has_marker = |marker: &str| parts.len() > 2 && parts[1..parts.len() - 1].contains(&marker);
    if in_test_dir
        || has_marker("test")
        || has_marker("spec")
        // Vitest type tests: `*.test-d.ts`, `*.spec-d.ts`.
        || has_marker("test-d")
        || has_marker("spec-d")
        || has_marker("e2e")
        || has_marker("stories")
    {
        FileRole::Test
    } else if has_marker("config") || name.starts_with(".eslintrc") || name == "eslint.config.js" {
        FileRole::Config
    } else {
        FileRole::Production
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_configs_and_production_files() {
        assert_eq!(file_role("src/services/billing.test.js"), FileRole::Test);
        assert_eq!(file_role("src/__tests__/billing.js"), FileRole::Test);
        assert_eq!(file_role("src/match.test-d.ts"), FileRole::Test);
        assert_eq!(file_role("tests/setup.ts"), FileRole::Test);
        assert_eq!(file_role("vite.config.ts"), FileRole::Config);
        assert_eq!(file_role("src/services/billing.js"), FileRole::Production);
        assert_eq!(file_role("src/config/test.js"), FileRole::Production);
        assert_eq!(file_role("src/latest.js"), FileRole::Production);
    }
}
