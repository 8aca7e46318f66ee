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

/// Makes text that came from the audited tree (a path, a specifier, a variable name, a
/// message quoting them) safe to print in any human-readable format. Every renderer passes
/// user data through this one function.
///
/// - Control characters other than tab (newline, carriage return, ESC and the C1 controls
///   a terminal also obeys) and the bidirectional overrides that reorder what a reader sees
///   are written `\u{1b}`: a file name cannot start a new output line, set the terminal
///   title or recolour the screen.
/// - A leading `::` is written `\u{3a}:`, so no output line can begin a GitHub Actions
///   workflow command (`::error file=…::`) from user data.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.starts_with("::") && !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let rest = match text.strip_prefix(':') {
        Some(rest) if rest.starts_with(':') => {
            out.push_str("\\u{3a}");
            rest
        }
        _ => text,
    };
    for c in rest.chars() {
        if needs(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod escape_tests {
    use super::escape;

    #[test]
    fn newline_and_workflow_command_cannot_start_a_line() {
        let name = "x\n::error file=index.js,line=1::INJECTED";
        assert_eq!(
            escape(name),
            "x\\u{a}::error file=index.js,line=1::INJECTED"
        );
        assert_eq!(escape("::warning::x.js"), "\\u{3a}:warning::x.js");
    }

    #[test]
    fn terminal_sequences_and_bidi_overrides_are_visible() {
        assert_eq!(
            escape("\u{1b}]0;pwned\u{7}a.js"),
            "\\u{1b}]0;pwned\\u{7}a.js"
        );
        assert_eq!(escape("a\u{9b}31m"), "a\\u{9b}31m");
        assert_eq!(escape("evil\u{202e}sj.js"), "evil\\u{202e}sj.js");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "src/routes/users.ts: tab\tok, café, a::b";
        assert!(matches!(escape(text), std::borrow::Cow::Borrowed(_)));
    }
}
