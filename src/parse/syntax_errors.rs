//! Syntax errors: the ERROR and MISSING nodes of a tree-sitter tree, and the second opinion
//! of `oxc_parser` that decides whether the file is really invalid (the TypeScript grammar
//! lags the language: styled-components generics, variance, `export { x as null }` …).

use oxc_allocator::Allocator;
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;
use tree_sitter::Node;

use super::extract::{node_text, span_of};
use crate::discover::Dialect;
use crate::facts::{Span, SyntaxError};

/// How many syntax-error ranges to keep per file.
const MAX_SYNTAX_ERRORS: usize = 5;

/// The ERROR and MISSING nodes under `root`, outermost first, without recursion (a broken
/// file may nest 64k levels deep).
pub(super) fn collect_syntax_errors(root: Node, text: &str, out: &mut Vec<SyntaxError>) {
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if out.len() >= MAX_SYNTAX_ERRORS {
            return;
        }
        let mut descend = false;
        if node.is_missing() {
            out.push(SyntaxError {
                span: span_of(node, text),
                message: format!("missing `{}`", node.kind()),
            });
        } else if node.is_error() {
            let snippet: String = node_text(node, text).chars().take(20).collect();
            let snippet = snippet.lines().next().unwrap_or("").trim().to_string();
            let message = if snippet.is_empty() {
                "unexpected input".to_string()
            } else {
                format!("unexpected `{snippet}`")
            };
            out.push(SyntaxError {
                span: span_of(node, text),
                message,
            });
        } else {
            descend = node.has_error();
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// What `oxc_parser` says about a file tree-sitter rejected: `None` when oxc accepts it (a
/// grammar gap), else its first error with its position.
pub(super) fn second_opinion(
    dialect: Dialect,
    text: &str,
    top_level_return: bool,
) -> Option<SyntaxError> {
    let source_type = match dialect {
        // Plain `.js` may be a CommonJS script or a module, with JSX or without.
        Dialect::JavaScript => SourceType::unambiguous().with_jsx(true),
        Dialect::Tsx => SourceType::tsx(),
        _ => SourceType::ts(),
    };
    let allocator = Allocator::default();
    let options = ParseOptions {
        allow_return_outside_function: top_level_return,
        ..ParseOptions::default()
    };
    let parsed = Parser::new(&allocator, text, source_type)
        .with_options(options)
        .parse();
    let error = parsed.diagnostics.errors().next()?;
    let offset = error
        .labels
        .iter()
        .map(|label| label.offset() as usize)
        .min()
        .unwrap_or(0)
        .min(text.len());
    Some(SyntaxError {
        span: span_at(text, offset),
        message: error.message.to_string(),
    })
}

/// Whether the comments before the first statement hold Flow's `@flow` pragma (`// @flow`,
/// `/* @flow strict */`), as Flow itself requires.
pub(super) fn has_flow_pragma(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    if rest.starts_with("#!") {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    loop {
        rest = rest.trim_start();
        let comment = if let Some(line) = rest.strip_prefix("//") {
            let (comment, after) = line.split_once('\n').unwrap_or((line, ""));
            rest = after;
            comment
        } else if let Some(block) = rest.strip_prefix("/*") {
            let Some((comment, after)) = block.split_once("*/") else {
                return false;
            };
            rest = after;
            comment
        } else {
            return false;
        };
        if comment.match_indices("@flow").any(|(at, m)| {
            !comment[at + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        }) {
            return true;
        }
    }
}

/// The 1-based line/column of a byte offset; columns count characters.
fn span_at(text: &str, offset: usize) -> Span {
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Span {
        line: before.matches('\n').count() as u32 + 1,
        column: before[line_start..].chars().count() as u32 + 1,
        start: offset as u32,
        end: offset as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::has_flow_pragma;

    #[test]
    fn the_flow_pragma_counts_only_in_leading_comments() {
        assert!(has_flow_pragma("// @flow\nimport x from 'y';\n"));
        assert!(has_flow_pragma(
            "#!/usr/bin/env node\n/**\n * Parse\n * @flow strict\n */\n"
        ));
        assert!(!has_flow_pragma("'use strict';\n"));
        assert!(!has_flow_pragma("// @flowtype\n"));
        assert!(!has_flow_pragma("const a = 1; // @flow\n"));
    }
}
