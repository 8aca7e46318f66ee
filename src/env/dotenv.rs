//! The one `.env` parser: `env` (declarations, `--against`) and `drift` (key sets) both use it,
//! so a file never means two things.
//!
//! The applications we audit load these files with Node's `dotenv` (or a tool built on it:
//! Next.js, Vite, dotenv-cli), so this follows dotenv's grammar, by porting its one `LINE`
//! expression, rather than a shell-like grammar: `A_KEY=value with spaces` is a key whose value
//! has spaces (a shell-style parser rejects the line and the key is lost), `KEY: value` is
//! accepted, and quoted values may span lines. Values are inspected only for emptiness and
//! dropped.

use std::sync::OnceLock;

use regex::Regex;

/// One key of a dotenv file: its line and whether its value is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotenvKey {
    /// Variable name.
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// `KEY=` with nothing after it (or `KEY=""`).
    pub empty: bool,
}

/// dotenv's `LINE` (lib/main.js), unchanged but for the `(?m)` flag Rust spells inline.
fn line_expression() -> &'static Regex {
    static LINE: OnceLock<Regex> = OnceLock::new();
    LINE.get_or_init(|| {
        Regex::new(
            r#"(?m)^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$"#,
        )
        .expect("the dotenv LINE expression compiles")
    })
}

/// The keys of a dotenv file in order, and how many non-blank, non-comment lines dotenv would
/// ignore (said as a count only: such a line may hold a secret).
pub fn dotenv_keys(text: &str) -> (Vec<DotenvKey>, usize) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // dotenv normalises line endings before matching.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut keys = Vec::new();
    let mut covered = vec![false; text.lines().count() + 1];
    for captures in line_expression().captures_iter(&text) {
        let (Some(whole), Some(name)) = (captures.get(0), captures.get(1)) else {
            continue;
        };
        let line = text[..name.start()].matches('\n').count();
        let last = line + text[name.start()..whole.end()].matches('\n').count();
        for covered_line in covered.iter_mut().take(last + 1).skip(line) {
            *covered_line = true;
        }
        let value = captures.get(2).map_or("", |v| v.as_str().trim());
        let unquoted = value
            .strip_prefix(['"', '\'', '`'])
            .and_then(|v| v.strip_suffix(['"', '\'', '`']))
            .unwrap_or(value);
        keys.push(DotenvKey {
            name: name.as_str().to_string(),
            line: line as u32 + 1,
            empty: unquoted.is_empty(),
        });
    }
    let ignored = text
        .lines()
        .enumerate()
        .filter(|(i, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#') && !covered.get(*i).copied().unwrap_or(true)
        })
        .count();
    (keys, ignored)
}

/// The keys of commented-out assignments (`# SENTRY_DSN=`, `#export X=1`) of a dotenv file.
/// dotenv never loads them, but the file documents them, a template or a committed `.env`
/// alike: they are the optional settings a deploy may switch on. Only `NAME=` right after the
/// `#` counts (prose that mentions `X=1` does not), with an upper-case name; values are not
/// looked at.
pub fn commented_keys(text: &str) -> Vec<DotenvKey> {
    static COMMENTED: OnceLock<Regex> = OnceLock::new();
    let expression = COMMENTED.get_or_init(|| {
        Regex::new(r"^\s*#+\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=")
            .expect("the commented key expression compiles")
    });
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let name = expression.captures(line)?.get(1)?.as_str().to_string();
            Some(DotenvKey {
                name,
                line: i as u32 + 1,
                empty: true,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, u32, bool)> {
        dotenv_keys(text)
            .0
            .into_iter()
            .map(|k| (k.name, k.line, k.empty))
            .collect()
    }

    #[test]
    fn unquoted_values_with_spaces_keep_their_key() {
        assert_eq!(
            keys("A_KEY=value with spaces\nB_KEY=plain\nC_KEY=\"quoted with spaces\"\n"),
            vec![
                ("A_KEY".into(), 1, false),
                ("B_KEY".into(), 2, false),
                ("C_KEY".into(), 3, false)
            ]
        );
    }

    #[test]
    fn comments_exports_empty_values_and_multi_line_quotes() {
        let (got, ignored) = dotenv_keys(
            "# Copy to .env\nPORT=3000\nREDIS_URL=\n# LEGACY_KEY=abc\nexport JWT_SECRET=\"s3cr3t\"\nPRIVATE_KEY=\"-----BEGIN\nNOT_A_KEY=inside\n-----END\"\nAFTER=1 # trailing comment\nEMPTY_QUOTED=''\nYAML_STYLE: value\r\nnot a line\n",
        );
        let got: Vec<(&str, u32, bool)> = got
            .iter()
            .map(|k| (k.name.as_str(), k.line, k.empty))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PORT", 2, false),
                ("REDIS_URL", 3, true),
                ("JWT_SECRET", 5, false),
                ("PRIVATE_KEY", 6, false),
                ("AFTER", 9, false),
                ("EMPTY_QUOTED", 10, true),
                ("YAML_STYLE", 11, false),
            ]
        );
        assert_eq!(ignored, 1, "only `not a line` is ignored");
    }

    #[test]
    fn commented_assignments_are_documented_keys() {
        let got: Vec<(String, u32)> = commented_keys(
            "# Copy to .env\nPORT=3000\n# SENTRY_DSN=\n## export UPLOAD_DIR=/uploads\n# disable it with PRERENDER=false\n#lower_case=1\n  #  GTM_ID = 'x'\n",
        )
        .into_iter()
        .map(|k| (k.name, k.line))
        .collect();
        assert_eq!(
            got,
            vec![
                ("SENTRY_DSN".to_string(), 3),
                ("UPLOAD_DIR".to_string(), 4),
                ("GTM_ID".to_string(), 7)
            ]
        );
    }
}
