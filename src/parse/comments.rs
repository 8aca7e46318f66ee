//! Comments: commented-out code, suppression directives and source-map markers.

use tree_sitter::Node;

use super::extract::{node_text, span_of};
use crate::facts::{
    CommentText, CommentedCode, ExportedName, ModuleFacts, MountTarget, Span, Suppression,
};

/// A comment's text with its markers stripped, kept for the commented-code pass.
pub(super) fn comment_node(node: Node, text: &str, facts: &mut ModuleFacts) {
    let raw = node_text(node, text);
    source_map_comment(raw, facts);
    if raw.contains("treeaudit-ignore") {
        suppression_comment(node, text, facts);
    }
    let line_comment = raw.starts_with("//");
    let stripped = if line_comment {
        raw[2..].to_string()
    } else {
        let inner = raw
            .strip_prefix("/*")
            .unwrap_or(raw)
            .strip_suffix("*/")
            .unwrap_or(raw);
        inner
            .lines()
            .map(|l| {
                let t = l.trim_start();
                t.strip_prefix('*').unwrap_or(t)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    facts.comment_candidates.push(CommentText {
        text: stripped,
        line: node.start_position().row as u32 + 1,
        end_line: node.end_position().row as u32 + 1,
        start: node.start_byte() as u32,
        line_comment,
        doc_comment: raw.starts_with("/**"),
    });
}

/// `/** @typedef {…} User */` and `/** @callback Handler */` in a JavaScript file: TypeScript
/// (`checkJs`, JSDoc type checking) treats each as a type the module exports, so
/// `import type { User } from './session.js'` is valid. TypeScript files ignore these tags.
pub(super) fn jsdoc_type_exports(comments: &[CommentText], facts: &mut ModuleFacts) {
    for comment in comments.iter().filter(|c| !c.line_comment) {
        for (offset, line) in comment.text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find('@') {
                rest = &rest[at + 1..];
                let tag_end = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                let (tag, after) = rest.split_at(tag_end);
                if tag != "typedef" && tag != "callback" {
                    continue;
                }
                let mut after = after.trim_start();
                // `{import('./types').User}`: the type expression, braces balanced.
                if after.starts_with('{') {
                    let mut depth = 0usize;
                    let mut end = None;
                    for (i, c) in after.char_indices() {
                        match c {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(i + 1);
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let Some(end) = end else { break };
                    after = after[end..].trim_start();
                }
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                    .collect();
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    continue;
                }
                facts.exports.names.push(ExportedName {
                    name,
                    type_only: true,
                    span: Span {
                        line: comment.line + offset as u32,
                        column: 1,
                        start: comment.start,
                        end: comment.start,
                    },
                });
            }
        }
    }
}

/// Joins consecutive `//` comments into blocks and keeps those that look like code
/// (imports, requires, mounts): only these are parsed.
pub(super) fn comment_blocks(mut comments: Vec<CommentText>) -> Vec<CommentText> {
    comments.sort_by_key(|c| c.start);
    let mut blocks: Vec<CommentText> = Vec::new();
    for comment in comments {
        match blocks.last_mut() {
            Some(last)
                if last.line_comment
                    && comment.line_comment
                    && comment.line == last.end_line + 1 =>
            {
                last.text.push('\n');
                last.text.push_str(&comment.text);
                last.end_line = comment.line;
            }
            _ => blocks.push(comment),
        }
    }
    const CODE_MARKERS: &[&str] = &[
        "import ",
        "import(",
        "import{",
        "require(",
        ".use(",
        ".route(",
        ".register(",
    ];
    // A JSDoc tag line (`@this import('../routers/ApiRouter')`, `@type {import('x').T}`)
    // names types, never commented-out code: it is blanked, keeping the line count.
    for block in blocks.iter_mut().filter(|b| b.doc_comment) {
        block.text = block
            .text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with('@') {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    blocks.retain(|b| CODE_MARKERS.iter().any(|m| b.text.contains(m)));
    blocks
}

/// Moves facts parsed from a comment block to the block's place in the file.
pub(super) fn shift_commented(facts: ModuleFacts, block: &CommentText, out: &mut CommentedCode) {
    let shift = |span: &mut Span| {
        span.line += block.line - 1;
        span.start += block.start;
        span.end += block.start;
    };
    for mut import in facts.imports {
        shift(&mut import.span);
        for name in &mut import.names {
            shift(&mut name.span);
        }
        out.imports.push(import);
    }
    for mut mount in facts.mounts {
        shift(&mut mount.span);
        for target in &mut mount.targets {
            if let MountTarget::Import(start) = target {
                *start += block.start;
            }
        }
        out.mounts.push(mount);
    }
    out.bindings.extend(facts.bindings);
}

/// The directive that silences the next line's findings.
pub(crate) const IGNORE_NEXT_LINE: &str = "treeaudit-ignore-next-line";

/// `// treeaudit-ignore-next-line RULE[, RULE] -- reason` (also in block comments).
fn suppression_comment(node: Node, text: &str, facts: &mut ModuleFacts) {
    if let Some(mut suppression) = parse_suppression(node_text(node, text)) {
        suppression.span = span_of(node, text);
        suppression.target_line = node.end_position().row as u32 + 2;
        facts.suppressions.push(suppression);
    }
}

/// Parses the comment text; `None` when it holds no directive.
pub(crate) fn parse_suppression(comment: &str) -> Option<Suppression> {
    let body = comment
        .trim()
        .trim_start_matches("//")
        .trim_start_matches("/*")
        .trim_end_matches("*/")
        .trim_start_matches(['*', '{', ' ', '\t'])
        .trim_end_matches(['}', ' ', '\t']);
    let rest = body.strip_prefix(IGNORE_NEXT_LINE)?;
    // `treeaudit-ignore-next-lines` or similar is not our directive.
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let (rules, reason) = match rest.split_once("--") {
        Some((rules, reason)) => (rules, Some(reason.trim())),
        None => (rest, None),
    };
    Some(Suppression {
        span: Span::default(),
        target_line: 0,
        rules: rules
            .split([',', ' ', '\t'])
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
    })
}

/// `//# sourceMappingURL=…` marks compiled or bundled output.
fn source_map_comment(raw: &str, facts: &mut ModuleFacts) {
    let body = raw.trim_start_matches(['/', '*']).trim_start();
    if (body.starts_with("# sourceMappingURL=") || body.starts_with("@ sourceMappingURL="))
        && !facts.compiled
    {
        facts.compiled = true;
    }
}

#[cfg(test)]
mod tests {
    use crate::discover::Dialect;
    use crate::parse::parse_module;

    #[test]
    fn jsdoc_type_tags_are_not_commented_out_code() {
        let facts = parse_module(
            Dialect::JavaScript,
            b"class BackupController {\n  /**\n   * @this import('../routers/ApiRouter')\n   * @param {import('express').Request} req\n   */\n  list(req) {}\n}\n/* app.use('/backups', require('./routes/backups')) */\n",
        );
        let specifiers: Vec<&str> = facts
            .commented
            .imports
            .iter()
            .map(|i| i.specifier.as_str())
            .collect();
        assert_eq!(specifiers, vec!["./routes/backups"]);
    }
}
