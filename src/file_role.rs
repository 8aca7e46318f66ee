//! Whether a file is production code, a test, or tool configuration, judged by its path.

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// Shipped and run in production.
    Production,
    /// `*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`, `e2e/`.
    Test,
    /// `*.config.*` (vite.config.ts, jest.config.js, …), Wasp's `*.wasp.ts` spec: run by
    /// tools, not by the app.
    Config,
}

/// The role of a file from its root-relative `/`-separated path.
pub fn file_role(rel: &str) -> FileRole {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let in_test_dir = rel.split('/').rev().skip(1).any(|dir| {
        matches!(
            dir,
            "__tests__"
                | "__mocks__"
                | "test"
                | "tests"
                | "e2e"
                | "__fixtures__"
                | "__testfixtures__"
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
    } else if has_marker("config")
        // Wasp's TypeScript app spec (`main.wasp.ts`, `src/auth/auth.wasp.ts`): read by the
        // `wasp` compiler, never shipped.
        || has_marker("wasp")
        || name.starts_with(".eslintrc")
        || name == "eslint.config.js"
    {
        FileRole::Config
    } else {
        FileRole::Production
    }
}

/// Extensions a transform fixture pair may have (the input and output can differ: a codemod
/// that converts `.js` to `.ts`).
const FIXTURE_EXTENSIONS: &[&str] = &[
    "js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts", "vue", "svelte", "astro",
];

/// The directory (with its trailing `/`), stem and marker of a transform fixture name:
/// `<stem>.input.<ext>` or `<stem>.output.<ext>` with a source extension.
pub fn fixture_name(rel: &str) -> Option<(&str, &str, &str)> {
    let (dir, name) = match rel.rfind('/') {
        Some(at) => (&rel[..=at], &rel[at + 1..]),
        None => ("", rel),
    };
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(marker), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    (!stem.is_empty()
        && FIXTURE_EXTENSIONS.contains(&ext)
        && (marker == "input" || marker == "output"))
        .then_some((dir, stem, marker))
}

/// Whether the file at root-relative `rel` is under `__testfixtures__/` (jscodeshift's
/// convention for the inputs and outputs its transform tests read as text).
pub fn in_testfixtures_dir(rel: &str) -> bool {
    rel.split('/')
        .rev()
        .skip(1)
        .any(|d| d == "__testfixtures__")
}

/// Whether the file at root-relative `rel` is one half of a transform fixture pair:
/// `<stem>.input.<ext>` next to `<stem>.output.<ext>` (either extension) in the same
/// directory, which a codemod's tests read as text and compare. `exists` says whether a
/// root-relative path is a file of the tree. A lone `x.input.ts` is not a pair.
pub fn is_fixture_pair(rel: &str, exists: impl Fn(&str) -> bool) -> bool {
    let Some((dir, stem, marker)) = fixture_name(rel) else {
        return false;
    };
    let other = if marker == "input" { "output" } else { "input" };
    FIXTURE_EXTENSIONS
        .iter()
        .any(|ext| exists(&format!("{dir}{stem}.{other}.{ext}")))
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
        assert_eq!(file_role("main.wasp.ts"), FileRole::Config);
        assert_eq!(file_role("src/auth/auth.wasp.ts"), FileRole::Config);
        assert_eq!(file_role("src/services/billing.js"), FileRole::Production);
        assert_eq!(file_role("src/config/test.js"), FileRole::Production);
        assert_eq!(file_role("src/latest.js"), FileRole::Production);
        assert_eq!(
            file_role("transforms/__testfixtures__/basic.input.js"),
            FileRole::Test
        );
    }

    #[test]
    fn transform_fixture_pairs_are_data_but_a_lone_input_is_code() {
        let files = [
            "src/transforms/rename/basic.input.ts",
            "src/transforms/rename/basic.output.ts",
            "src/transforms/rename/to-ts.input.js",
            "src/transforms/rename/to-ts.output.ts",
            "src/forms/user.input.ts",
            "src/forms/user.output.json",
        ];
        let exists = |rel: &str| files.contains(&rel);
        assert!(is_fixture_pair(files[0], exists));
        assert!(is_fixture_pair(files[1], exists));
        assert!(is_fixture_pair(files[2], exists));
        assert!(is_fixture_pair(files[3], exists));
        assert!(!is_fixture_pair(files[4], exists));
        assert!(!is_fixture_pair("src/input.ts", exists));
        assert!(!is_fixture_pair("src/.input.ts", exists));
        assert_eq!(
            fixture_name("src/a/no-match.input.ts"),
            Some(("src/a/", "no-match", "input"))
        );
        assert!(in_testfixtures_dir("a/__testfixtures__/x.ts"));
    }
}
